//! Hostile and damaged import files: bombs, encodings, control characters, out-of-range values,
//! formula injection, and property tests over arbitrary and mutated files.

use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use digecon_collect::import::{read, read_with, Problems};
use digecon_collect::template::{write_csv, write_xlsx};
use digecon_collect::{Filer, Template, TemplateRow};
use digecon_core::Limits;
use proptest::prelude::*;

fn template(filer_name: &str, value: Option<f64>) -> Template {
    let row = |code: &str, v: Option<f64>| TemplateRow {
        filer: Filer::Region { code: "360702".into() },
        filer_name: filer_name.into(),
        indicator_code: code.into(),
        indicator_name: "电子信息制造业营业收入".into(),
        unit: "亿元".into(),
        decimals: 2,
        required: true,
        previous: Some(-3.5),
        value: v,
    };
    Template {
        form_code: "JXDE-M".into(),
        form_name_zh: "月报".into(),
        form_name_en: "monthly".into(),
        period: "2023-03".parse().unwrap(),
        due: NaiveDate::from_ymd_opt(2023, 4, 10).unwrap(),
        rows: vec![row("EIM_REV_YTD", value), row("EIM_VA", Some(2.0))],
    }
}

fn text(e: Problems) -> String {
    e.to_string()
}

/// A zip with one large, highly compressible entry: `<c>` cells repeated, written in chunks so
/// the test never holds the inflated bytes either.
fn bomb(entry: &str, inflated: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("[Content_Types].xml", opts).unwrap();
    w.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#).unwrap();
    w.start_file(entry, opts).unwrap();
    let chunk = "<c r=\"A1\"><v>1</v></c>".repeat(4096);
    let mut written = 0;
    while written < inflated {
        w.write_all(chunk.as_bytes()).unwrap();
        written += chunk.len();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn xlsx_bomb_is_refused_at_the_limit() {
    let limits = Limits { max_decompressed_bytes: 4 * 1024 * 1024, ..Limits::default() };
    let bytes = bomb("xl/worksheets/sheet1.xml", 40 * 1024 * 1024);
    assert!(bytes.len() < 1024 * 1024, "the bomb is small: {} bytes", bytes.len());
    let t = Instant::now();
    let e = text(read_with("m.xlsx", &bytes, &limits).unwrap_err());
    assert!(
        e.contains("m.xlsx: 解压后超过 4 MiB 上限 / decompressed size exceeds the 4 MiB limit (entry xl/worksheets/sheet1.xml); 可用 --max-decompressed-mb 提高上限 / raise it with --max-decompressed-mb"),
        "{e}"
    );
    // Refused after inflating about 4 MiB, not 40.
    assert!(t.elapsed() < Duration::from_secs(5));
    // A huge shared-strings entry is refused the same way, and .ods too.
    let e = text(read_with("s.xlsx", &bomb("xl/sharedStrings.xml", 8 * 1024 * 1024), &limits).unwrap_err());
    assert!(e.contains("(entry xl/sharedStrings.xml)"), "{e}");
    let e = text(read_with("s.ods", &bomb("content.xml", 8 * 1024 * 1024), &limits).unwrap_err());
    assert!(e.contains("s.ods: 解压后超过 4 MiB 上限"), "{e}");
}

#[test]
fn rows_columns_and_cell_length_are_limited_while_reading() {
    let t = template("章贡区", Some(1.5));
    let xlsx = write_xlsx(&t).unwrap();
    let e = text(read_with("t.xlsx", &xlsx, &Limits { max_rows: 5, ..Limits::default() }).unwrap_err());
    assert!(e.contains("t.xlsx:数据 data:6:A: 行数超过 5 行上限 / more than 5 rows (sheet 数据 data); 可用 --max-rows"), "{e}");
    let e = text(read_with("t.xlsx", &xlsx, &Limits { max_columns: 4, ..Limits::default() }).unwrap_err());
    assert!(e.contains("列数超过 4 列上限 / more than 4 columns") && e.contains("--max-columns"), "{e}");
    let e = text(read_with("t.xlsx", &xlsx, &Limits { max_cell_chars: 10, ..Limits::default() }).unwrap_err());
    assert!(e.contains("单元格超过 10 个字符上限") && e.contains("--max-cell-chars"), "{e}");
    let csv = write_csv(&t);
    let e = text(read_with("t.csv", &csv, &Limits { max_file_bytes: 10, ..Limits::default() }).unwrap_err());
    assert!(e.contains("t.csv: 文件超过 10 bytes 上限 / the file exceeds the 10 bytes limit; 可用 --max-file-mb"), "{e}");
    let e = text(read_with("t.csv", &csv, &Limits { max_rows: 2, ..Limits::default() }).unwrap_err());
    assert!(e.contains("t.csv:3: 行数超过 2 行上限"), "{e}");
    assert!(read("t.xlsx", &xlsx).is_ok() && read("t.csv", &csv).is_ok());
}

#[test]
fn gbk_csv_is_read_and_said_so() {
    let csv = String::from_utf8(write_csv(&template("章贡区", Some(1.5)))).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&csv);
    assert!(!unmappable);
    let r = read_with("gbk.csv", &gbk, &Limits::default()).unwrap();
    assert_eq!(r.file.values[0].filer_name, "章贡区");
    assert_eq!(r.file.values[0].value, 1.5);
    assert_eq!(r.notes, vec!["gbk.csv: 按 GBK (GB18030) 编码读取 / read as GBK (GB18030)".to_string()]);
    // Not UTF-8 and not clearly Chinese: refused with line, offset and the exact remedy.
    let e = text(read("latin1.csv", b"form_code,period,filer_code,indicator_code,value\nF,2023-03,M\xFCller,X,1\n").unwrap_err());
    assert!(e.contains("latin1.csv:2: "), "{e}");
    assert!(e.contains("offset 60"), "{e}");
    assert!(e.contains("另存为 \"CSV UTF-8 (逗号分隔)\"") || e.contains("save as \"CSV UTF-8 (逗号分隔)\" in Excel, or convert it with iconv -f GBK -t UTF-8"), "{e}");
}

#[test]
fn utf16_unicode_text_is_read_as_tab_separated() {
    let csv = String::from_utf8(write_csv(&template("章贡区", Some(1.5)))).unwrap();
    let tsv = csv.replace(',', "\t").replace('\n', "\r\n");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(tsv.encode_utf16().flat_map(u16::to_le_bytes));
    let r = read_with("unicode.txt", &bytes, &Limits::default()).unwrap();
    assert_eq!(r.file.values.len(), 2);
    assert_eq!(r.notes, vec!["unicode.txt: 按 UTF-16LE 编码读取 / read as UTF-16LE".to_string(), "unicode.txt: 按制表符分隔读取 / read as tab-separated".to_string()]);
}

#[test]
fn nul_is_refused_with_its_place() {
    let csv = String::from_utf8(write_csv(&template("章贡\0区", Some(1.5)))).unwrap();
    let e = text(read("nul.csv", csv.as_bytes()).unwrap_err());
    assert!(e.contains("nul.csv:2:filer_name: 含有控制字符 U+0000 (NUL)（第 3 个字符）/ contains the control character U+0000 (NUL) at character 3"), "{e}");
    let xlsx = write_xlsx(&template("章贡\u{1}区", Some(1.5))).unwrap();
    let e = text(read("nul.xlsx", &xlsx).unwrap_err());
    assert!(e.contains("nul.xlsx:数据 data:5:B: 含有控制字符 U+0001"), "{e}");
    let e = text(read("nul.json", br#"{"dataSet":"F","period":"2023-03","orgUnit":"3607\u000002","dataValues":[{"dataElement":"X","value":"1"}]}"#).unwrap_err());
    assert!(e.contains("nul.json:orgUnit: 含有控制字符 U+0000"), "{e}");
}

#[test]
fn out_of_range_values_are_refused_in_every_format() {
    let e = text(read("big.xlsx", &write_xlsx(&template("章贡区", Some(2e12))).unwrap()).unwrap_err());
    assert!(e.contains("big.xlsx:数据 data:5:G: 数值超出范围 / 2000000000000 is outside ±10^12"), "{e}");
    let csv = String::from_utf8(write_csv(&template("章贡区", Some(1.5)))).unwrap().replacen(",1.5", ",-9223372036854775809", 1);
    let e = text(read("big.csv", csv.as_bytes()).unwrap_err());
    assert!(e.contains("big.csv:2:value: `-9223372036854775809`: 数值超出范围"), "{e}");
    let e = text(read("big.json", br#"{"dataSet":"F","period":"2023-03","orgUnit":"1","dataValues":[{"dataElement":"X","value":1e300},{"dataElement":"Y","value":"1000000000001"}]}"#).unwrap_err());
    assert!(e.contains("big.json:dataValues:1:value: 数值超出范围"), "{e}");
    assert!(e.contains("big.json:dataValues:2:value: `1000000000001`: 数值超出范围"), "{e}");
}

#[test]
fn formula_looking_text_is_neutralised_and_read_back() {
    let t = template("=1/0", Some(-5.0));
    let csv = String::from_utf8(write_csv(&t)).unwrap();
    assert!(csv.contains(",'=1/0,"), "{csv}");
    // Numbers stay numbers: the negative previous and value are not prefixed.
    assert!(csv.contains(",-3.5,-5\n"), "{csv}");
    let back = read("t.csv", csv.as_bytes()).unwrap();
    assert_eq!(back.values[0].filer_name, "=1/0");
    let xlsx = write_xlsx(&t).unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(xlsx.clone())).unwrap();
    use calamine::Reader;
    let range = wb.worksheet_range("数据 data").unwrap();
    assert_eq!(range.get_value((4, 1)), Some(&calamine::Data::String("'=1/0".into())));
    assert_eq!(range.get_value((4, 6)), Some(&calamine::Data::Float(-5.0)));
    let back = read("t.xlsx", &xlsx).unwrap();
    assert_eq!(back.values[0].filer_name, "=1/0");
    assert_eq!(back.values[0].value, -5.0);
}

/// Every problem names the file; spreadsheet and CSV problems past the file level name a row.
fn well_placed(name: &str, e: &Problems) -> Result<(), TestCaseError> {
    prop_assert!(!e.0.is_empty());
    for p in &e.0 {
        prop_assert_eq!(&p.file, name);
        prop_assert!(!p.message.is_empty());
        if p.message.contains("bad byte at offset") {
            prop_assert!(p.line > 0, "encoding errors carry a line: {}", p);
        }
    }
    Ok(())
}

fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    for &(pos, kind, b) in edits {
        if bytes.is_empty() {
            bytes.push(b);
            continue;
        }
        let i = pos % bytes.len();
        match kind % 3 {
            0 => bytes[i] ^= b | 1,
            1 => bytes.insert(i, b),
            _ => {
                bytes.remove(i);
            }
        }
    }
    bytes
}

proptest! {
    // A fixed seed and no regression files: the same cases on every run, so CI is deterministic
    // (change the seed to explore other inputs).
    #![proptest_config(ProptestConfig {
        cases: 128,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20261206),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), ext in prop::sample::select(vec!["xlsx", "xls", "ods", "csv", "json", "txt"])) {
        let name = format!("any.{ext}");
        let t = Instant::now();
        if let Err(e) = read(&name, &bytes) {
            well_placed(&name, &e)?;
        }
        prop_assert!(t.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn mutated_templates_never_panic(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8), which in 0..3usize) {
        let t = template("章贡区", Some(12.5));
        let (name, bytes) = match which {
            0 => ("m.xlsx", write_xlsx(&t).unwrap()),
            1 => ("m.csv", write_csv(&t)),
            _ => ("m.json", br#"{"dataSet":"JXDE-M","period":"2023-03","orgUnit":"360702","dataValues":[{"dataElement":"X","value":"12.5"},{"dataElement":"Y","value":3}]}"#.to_vec()),
        };
        let bytes = mutate(bytes, &edits);
        let start = Instant::now();
        if let Err(e) = read(name, &bytes) {
            well_placed(name, &e)?;
        }
        prop_assert!(start.elapsed() < Duration::from_secs(2));
    }
}
