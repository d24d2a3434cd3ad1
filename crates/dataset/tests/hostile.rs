//! Observation import files that are damaged or hostile: encodings, control characters,
//! out-of-range values, limits, formula injection round trip, and property tests.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use digecon_core::{Limits, Observation, ObservationStatus, Source};
use digecon_dataset::{parse_observation_file, write_observations, Catalog, Dataset, ObservationRow};
use proptest::prelude::*;

fn catalog() -> ((), &'static Catalog) {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    ((), CATALOG.get_or_init(|| Dataset::embedded().unwrap().catalog()))
}

fn obs(doc: &str, quote: &str, value: f64) -> Observation {
    // A distinct year per value, so rows never clash as duplicates.
    Observation {
        region_code: "360000".into(),
        indicator_code: "DE_VA".into(),
        period: format!("{}", 2000 + (value.abs() as i64 % 100)).parse().unwrap(),
        value,
        status: ObservationStatus::Final,
        source: Source { doc: doc.into(), quote: quote.into() },
        synthetic: false,
    }
}

fn export(ds: &Catalog, o: &[Observation]) -> Vec<u8> {
    let mut buf = Vec::new();
    write_observations(&mut buf, o.iter().map(|o| ObservationRow::new(o, ds))).unwrap();
    buf
}

fn read(name: &str, bytes: &[u8]) -> Result<Vec<Observation>, String> {
    let (_, c) = catalog();
    parse_observation_file(name, bytes, c, &Limits::default()).map(|f| f.observations).map_err(|e| e.to_string())
}

#[test]
fn formula_looking_text_is_neutralised_and_round_trips_exactly() {
    let (_, c) = catalog();
    let written = [obs("=1/0", "@SUM(A1)", -5.0), obs("'=x", "-数字经济", 3.0), obs("'plain", "", 1.5)];
    let bytes = export(c, &written);
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains(",-5,final,'=1/0,'@SUM(A1),false"), "{text}");
    assert!(text.contains(",''=x,'-数字经济,"), "{text}");
    assert!(text.contains(",'plain,,"), "{text}");
    let back = parse_observation_file("o.csv", &bytes, c, &Limits::default()).unwrap();
    assert_eq!(back.observations.iter().map(|o| o.source.clone()).collect::<Vec<_>>(), written.iter().map(|o| o.source.clone()).collect::<Vec<_>>());
    assert_eq!(back.observations[0].value, -5.0);
}

#[test]
fn out_of_range_values_are_refused() {
    let (_, c) = catalog();
    let text = String::from_utf8(export(c, &[obs("d", "q", 1.0)])).unwrap().replace(",1,final", ",-9223372036854775809,final");
    assert!(text.contains("-9223372036854775809"), "{text}");
    let e = read("gdp.csv", text.as_bytes()).unwrap_err();
    assert!(e.contains("gdp.csv:2: `value` `-9223372036854775809`: 数值超出范围"), "{e}");
}

#[test]
fn nul_and_control_characters_are_refused_with_line_and_column() {
    let (_, c) = catalog();
    let bytes = export(c, &[obs("d", "q", 1.0), obs("d", "a\0b", 2.0)]);
    let e = read("nul.csv", &bytes).unwrap_err();
    assert!(e.contains("nul.csv:3: `source_quote` 含有控制字符 U+0000 (NUL)（第 2 个字符）"), "{e}");
}

#[test]
fn gbk_and_utf16_are_read_and_said_so() {
    let (_, c) = catalog();
    let text = String::from_utf8(export(c, &[obs("000.txt", "数字经济增加值达11874亿元", 11874.0)])).unwrap();
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    let f = parse_observation_file("gbk.csv", &gbk, c, &Limits::default()).unwrap();
    assert_eq!(f.observations[0].source.quote, "数字经济增加值达11874亿元");
    assert_eq!(f.notes, vec!["gbk.csv: 按 GBK (GB18030) 编码读取 / read as GBK (GB18030)".to_string()]);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.replace(',', "\t").encode_utf16().flat_map(u16::to_le_bytes));
    let f = parse_observation_file("u.txt", &utf16, c, &Limits::default()).unwrap();
    assert_eq!(f.observations[0].value, 11874.0);
    assert_eq!(f.notes.len(), 2, "{:?}", f.notes);
    let e = read("bad.csv", b"region_code\n\xFF\n").unwrap_err();
    assert!(e.contains("bad.csv:2: 文件不是 UTF-8 编码") && e.contains("offset 12") && e.contains("iconv -f GBK -t UTF-8"), "{e}");
}

#[test]
fn limits_are_named_with_their_flag() {
    let (_, c) = catalog();
    let bytes = export(c, &[obs("d", "q", 1.0), obs("d", "q", 2.0)]);
    let e = parse_observation_file("l.csv", &bytes, c, &Limits { max_rows: 2, ..Limits::default() }).unwrap_err().to_string();
    assert!(e.contains("l.csv:3: 行数超过 2 行上限") && e.contains("--max-rows"), "{e}");
    let e = parse_observation_file("l.csv", &bytes, c, &Limits { max_file_bytes: 100, ..Limits::default() }).unwrap_err().to_string();
    assert!(e.contains("l.csv: 文件超过 100 bytes 上限") && e.contains("--max-file-mb"), "{e}");
    let e = parse_observation_file("l.csv", &bytes, c, &Limits { max_cell_chars: 3, ..Limits::default() }).unwrap_err().to_string();
    assert!(e.contains("l.csv:2: `region_code`: 单元格超过 3 个字符上限"), "{e}");
}

fn placed(name: &str, e: &str) -> Result<(), TestCaseError> {
    for line in e.lines().skip(1) {
        let line = line.trim_start();
        if line.starts_with('…') {
            continue;
        }
        prop_assert!(line.starts_with(&format!("{name}:")), "{}", line);
    }
    Ok(())
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
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let start = Instant::now();
        if let Err(e) = read("any.csv", &bytes) {
            placed("any.csv", &e)?;
        }
        prop_assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn mutated_exports_never_panic(edits in proptest::collection::vec((any::<usize>(), 0u8..3, any::<u8>()), 1..8)) {
        let (_, c) = catalog();
        let mut bytes = export(c, &[obs("000.txt", "数字经济增加值达11874亿元", 11874.0), obs("=1/0", "x", -2.5)]);
        for (pos, kind, b) in edits {
            let i = pos % bytes.len().max(1);
            match kind {
                0 if !bytes.is_empty() => bytes[i] ^= b | 1,
                1 => bytes.insert(i.min(bytes.len()), b),
                _ if !bytes.is_empty() => { bytes.remove(i); }
                _ => {}
            }
        }
        let start = Instant::now();
        if let Err(e) = parse_observation_file("m.csv", &bytes, c, &Limits::default()) {
            let t = e.to_string();
            placed("m.csv", &t)?;
            for err in &e.0 {
                if err.message.contains("offset") {
                    prop_assert!(err.line >= 1);
                }
            }
        }
        prop_assert!(start.elapsed() < Duration::from_secs(2));
    }
}
