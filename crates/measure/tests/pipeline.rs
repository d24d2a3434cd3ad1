//! End-to-end: a hand-computed microdata file with every kind of bad row, chunking with quoted
//! newlines, XLSX input, and a synthetic file checked against sums computed here independently.

use std::collections::{BTreeMap, HashMap};

use digecon_measure::aggregate::{Observation, Value};
use digecon_measure::growth::format_1dp;
use digecon_measure::synth::{self, make_uscc, BadKind, SynthOptions};
use digecon_measure::{report, run_csv, run_xlsx, ClassLevel, Engine, Event, Options, Outcome, RegionLevel, Report, Sinks, Summary, Task};

const HEADER: &str = "uscc,name,region_code,industry_code,year,revenue,employees,above_scale,business_scope,labour_compensation,depreciation,net_production_taxes,operating_surplus";

struct Run {
    summary: Summary,
    report_by: Box<dyn Fn(RegionLevel, ClassLevel) -> Report>,
    rejects: String,
    review: String,
    events: Vec<String>,
}

fn run(csv_text: &str, opts: &Options) -> Run {
    let engine = Engine::shipped();
    let mut rejects = Vec::new();
    let mut review = Vec::new();
    let mut events = Vec::new();
    let mut on_event = |e: Event<'_>| match e {
        Event::Reject { message, .. } => events.push(message.to_string()),
        Event::Warning { message, .. } => events.push(message.to_string()),
        Event::Progress { .. } => {}
    };
    let (summary, acc) = run_csv(
        &engine,
        csv_text.as_bytes(),
        "test.csv",
        opts,
        Task::Aggregate { review: &mut review },
        Sinks { rejects: &mut rejects, on_event: &mut on_event },
    )
    .expect("run");
    let report_by = Box::new(move |by, level| report(&acc, &engine.classifier.table, &engine.regions, &engine.slot_rates, by, level));
    Run {
        summary,
        report_by,
        rejects: String::from_utf8(rejects).unwrap(),
        review: String::from_utf8(review).unwrap(),
        events,
    }
}

/// value of (region, indicator, class, period)
fn get(obs: &[Observation], region: &str, indicator: &str, class: &str, period: u16) -> Option<Value> {
    obs.iter()
        .find(|o| o.region_code == region && o.indicator == indicator && o.class_code == class && o.period == period)
        .map(|o| o.value)
}

fn money(v: &str) -> Value {
    Value::Money(i128::from(digecon_measure::money::parse_micro(v.as_bytes()).unwrap()))
}

fn real(v: Option<Value>) -> f64 {
    match v {
        Some(Value::Real(x)) => x,
        other => panic!("expected a real, got {other:?}"),
    }
}

/// Rows of the hand-computed file; `None` marks where bad rows go. Returns (csv, line of each bad row).
fn hand_file() -> (String, Vec<(u64, &'static str)>) {
    let a = make_uscc(1, "360102");
    let b = make_uscc(2, "360111");
    let c = make_uscc(3, "360702");
    let d = make_uscc(4, "360702");
    let e = make_uscc(5, "360102");
    let f = make_uscc(6, "360702");
    let mut bad_uscc = make_uscc(7, "360102");
    let last = bad_uscc.pop().unwrap();
    bad_uscc.push(if last == '0' { '1' } else { '0' });
    let ok = make_uscc(8, "360102");
    let rows: Vec<(String, Option<&'static str>)> = vec![
        (format!("{a},东湖甲电子有限公司,360102,3911,2021,100000,500,1,计算机整机制造,10000,3000,2000,5000"), None),
        (format!("{b},青山湖乙软件有限公司,360111,6513,2021,5000.5,50,0,应用软件开发,,,,"), None),
        (format!("{bad_uscc},错误校验位公司,360102,3911,2021,10,1,0,x,,,,"), Some("校验位错误")),
        (format!("{c},章贡丙线缆有限公司,360702,3831,2021,2000,,是,通信电缆制造,,,,"), None),
        (format!("{d},章贡丁米业有限公司,360702,1311,2021,800,20,0,稻谷加工,,,,"), None),
        (format!("{ok},市级区划公司,360100,3911,2021,10,1,0,x,,,,"), Some("是city级")),
        (format!("{ok},未知区划公司,999999,3911,2021,10,1,0,x,,,,"), Some("不是已知的县级区划")),
        (format!("{ok},三位代码公司,360102,391,2021,10,1,0,x,,,,"), Some("须为 4 位数字")),
        (format!("{ok},门类字母公司,360102,C3911,2021,10,1,0,x,,,,"), Some("须为 4 位数字")),
        (format!("{ok},未知代码公司,360102,9999,2021,10,1,0,x,,,,"), Some("不是已知的 GB/T 4754-2017 小类")),
        (format!("{ok},文字营收公司,360102,3911,2021,abc,1,0,x,,,,"), Some("营业收入不是数字")),
        (format!("{ok},千分位营收公司,360102,3911,2021,\"1,000\",1,0,x,,,,"), Some("营业收入不是数字")),
        (format!("{a},东湖甲电子有限公司,360102,3911,2022,1200000,520,1,计算机整机制造,1,2,3,4"), None),
        (format!("{b},青山湖乙软件有限公司,360111,6513,2022,6000,55,0,应用软件开发,100,,,"), None),
        (format!("{e},东湖戊信息有限公司,360102,6429,2022,300,3,0,新闻资讯、网络直播,,,,"), None),
        (format!("{f},章贡己数码有限公司,360702,5176,2022,1000,8,0,计算机批发,,,,"), None),
    ];
    let mut text = format!("{HEADER}\n");
    let mut bad = Vec::new();
    for (i, (r, b)) in rows.iter().enumerate() {
        text.push_str(r);
        text.push('\n');
        if let Some(m) = b {
            bad.push((i as u64 + 2, *m));
        }
    }
    (text, bad)
}

#[test]
fn hand_computed_aggregates_and_every_bad_row_reported() {
    let (text, bad) = hand_file();
    for opts in [
        Options::default(),
        Options { threads: 2, chunk_bytes: 1024, top_n: 2 },
        Options { threads: 1, chunk_bytes: 1024, top_n: 2 },
    ] {
        let r = run(&text, &opts);
        // Counts: 16 rows, 8 bad, 8 valid: 6 core (A, B, C, A, B, F), 1 non-core (D), 1 review
        // (E); one warning (line 15: only one income component).
        assert_eq!((r.summary.rows, r.summary.rejected, r.summary.valid), (16, 8, 8));
        assert_eq!((r.summary.core, r.summary.non_core, r.summary.needs_review, r.summary.warnings), (6, 1, 1, 1));
        // Every bad row is reported as file:line: message, in order, and listed in the rejects file.
        let rejects: Vec<&String> = r.events.iter().filter(|m| !m.contains("警告")).collect();
        assert_eq!(rejects.len(), bad.len());
        for ((line, needle), msg) in bad.iter().zip(&rejects) {
            assert!(msg.starts_with(&format!("test.csv:{line}: ")), "{msg}");
            assert!(msg.contains(needle), "{msg} should contain {needle}");
        }
        assert!(r.events.iter().any(|m| m.starts_with("test.csv:15: 警告 / warning: 收入法四项未填全")), "{:?}", r.events);
        let mut rj = csv::Reader::from_reader(r.rejects.as_bytes());
        let lines: Vec<u64> = rj.records().map(|x| x.unwrap()[1].parse().unwrap()).collect();
        assert_eq!(lines, bad.iter().map(|b| b.0).collect::<Vec<_>>());
        assert!(r.rejects.contains("千分位营收公司"), "original fields are kept in the rejects file");
        let review: Vec<&str> = r.review.lines().collect();
        assert_eq!(review.len(), 2, "header + one enterprise");
        assert_eq!(review[0], "line,uscc,name,region_code,industry_code,year,revenue,reason");
        assert!(review[1].starts_with("16,") && review[1].contains("规则冲突"), "{}", review[1]);

        let p = (r.report_by)(RegionLevel::Province, ClassLevel::Major);
        let o = &p.observations;
        let pr = "360000";
        // 2021 core: A 100000 + B 5000.5 + C 2000 (3831 decided by 通信电缆).
        assert_eq!(get(o, pr, "DE_CORE_ENTERPRISES", "DE_CORE", 2021), Some(Value::Count(3)));
        assert_eq!(get(o, pr, "DE_CORE_REVENUE", "DE_CORE", 2021), Some(money("107000.5")));
        assert_eq!(get(o, pr, "DE_CORE_REVENUE", "01", 2021), Some(money("102000")));
        assert_eq!(get(o, pr, "DE_CORE_REVENUE", "03", 2021), Some(money("5000.5")));
        assert_eq!(get(o, pr, "DE_CORE_ENTERPRISES_ABOVE_SCALE", "DE_CORE", 2021), Some(Value::Count(2)));
        assert_eq!(get(o, pr, "DE_CORE_EMPLOYEES", "DE_CORE", 2021), Some(Value::Count(550)));
        assert_eq!(get(o, pr, "DE_CORE_EMPLOYEES_REPORTED", "DE_CORE", 2021), Some(Value::Count(2)));
        // Size bands: 100000 万元 is exactly 10 亿 (≥); 1200000 ≥ 100 亿.
        assert_eq!(get(o, pr, "DE_CORE_ENTERPRISES_GE_10YI", "DE_CORE", 2021), Some(Value::Count(1)));
        assert_eq!(get(o, pr, "DE_CORE_ENTERPRISES_GE_100YI", "DE_CORE", 2021), Some(Value::Count(0)));
        assert_eq!(get(o, pr, "DE_CORE_ENTERPRISES_GE_100YI", "DE_CORE", 2022), Some(Value::Count(1)));
        assert_eq!(get(o, pr, "DE_CORE_REVENUE_GE_100YI", "DE_CORE", 2022), Some(money("1200000")));
        // VA by rates: 100000·0.20 + 5000.5·0.45 + 2000·0.20 = 22650.225.
        assert!((real(get(o, pr, "DE_CORE_VA_RATE_METHOD", "DE_CORE", 2021)) - 22650.225).abs() < 1e-6);
        // 2022: 1200000·0.20 + 6000·0.45 + 1000·0.065 = 242765.
        assert!((real(get(o, pr, "DE_CORE_VA_RATE_METHOD", "DE_CORE", 2022)) - 242765.0).abs() < 1e-6);
        // Income approach: 2021 only A, 10000+3000+2000+5000; 2022 A = 1+2+3+4 (B incomplete).
        assert_eq!(get(o, pr, "DE_CORE_VA_INCOME", "DE_CORE", 2021), Some(money("20000")));
        assert_eq!(get(o, pr, "DE_CORE_VA_INCOME", "DE_CORE", 2022), Some(money("10")));
        assert_eq!(get(o, pr, "DE_CORE_VA_INCOME_ENTERPRISES", "DE_CORE", 2022), Some(Value::Count(1)));
        // 2022 core: A 1200000 + B 6000 + F 1000 = 1207000; growth 1207000/107000.5 − 1 = 1028.03 %.
        assert_eq!(get(o, pr, "DE_CORE_REVENUE", "DE_CORE", 2022), Some(money("1207000")));
        assert!((real(get(o, pr, "DE_CORE_REVENUE_YOY", "DE_CORE", 2022)) - 1028.0321119994767).abs() < 1e-9);
        assert_eq!(get(o, pr, "DE_CORE_ENTERPRISES_NET_NEW", "DE_CORE", 2022), Some(Value::Int(0)));
        // 02 appears in 2022 only: net new 1, no growth rate (previous revenue 0).
        assert_eq!(get(o, pr, "DE_CORE_ENTERPRISES_NET_NEW", "02", 2022), Some(Value::Int(1)));
        assert_eq!(get(o, pr, "DE_CORE_REVENUE_YOY", "02", 2022), None);
        // Non-core and review are kept, outside the core totals.
        assert_eq!(get(o, pr, "MICRODATA_REVENUE", "NON_CORE", 2021), Some(money("800")));
        assert_eq!(get(o, pr, "MICRODATA_REVENUE", "NEEDS_REVIEW", 2022), Some(money("300")));

        let c = (r.report_by)(RegionLevel::City, ClassLevel::Major);
        let o = &c.observations;
        // 南昌: A + B; share of 01 in 2022 = 1200000 / 1206000 = 99.5025 %.
        assert_eq!(get(o, "360100", "DE_CORE_REVENUE", "DE_CORE", 2022), Some(money("1206000")));
        assert!((real(get(o, "360100", "DE_CORE_REVENUE_SHARE", "01", 2022)) - 99.50248756218906).abs() < 1e-9);
        // 赣州: C (2021) exits, F (2022) enters → net new 0; 01 net new −1.
        assert_eq!(get(o, "360700", "DE_CORE_ENTERPRISES_NET_NEW", "DE_CORE", 2022), Some(Value::Int(0)));
        assert_eq!(get(o, "360700", "DE_CORE_ENTERPRISES_NET_NEW", "01", 2022), Some(Value::Int(-1)));
        assert_eq!(get(o, "360700", "DE_CORE_ENTERPRISES", "01", 2022), Some(Value::Count(0)));
        assert_eq!(get(o, "360700", "DE_CORE_REVENUE_YOY", "01", 2022), Some(Value::Real(-100.0)));
        // Small level: 3831 went to 010606.
        let s = (r.report_by)(RegionLevel::County, ClassLevel::Small);
        assert_eq!(get(&s.observations, "360702", "DE_CORE_REVENUE", "010606", 2021), Some(money("2000")));
        // Top N at province level, 2022: A, then B (top_n 2 in the small-chunk runs).
        let top: Vec<(u16, usize, String)> =
            p.top.iter().filter(|t| t.period == 2022).map(|t| (t.period, t.rank, t.entry.name.clone())).collect();
        assert_eq!(top[0], (2022, 1, "东湖甲电子有限公司".to_string()));
        assert_eq!(top[1], (2022, 2, "青山湖乙软件有限公司".to_string()));
    }
}

/// Table 1 of the white paper, end to end: one enterprise per class and year with the class
/// revenue (亿元 × 10000 = 万元); the growth rates printed are reproduced at one decimal.
#[test]
fn white_paper_table1_growth_from_microdata() {
    let rows = [("3911", "9172.99", "7115.94"), ("5176", "271.76", "287.03"), ("6513", "817.69", "746.01"), ("6431", "870.73", "649.54")];
    let mut text = format!("{HEADER}\n");
    for (i, (code, y2022, y2021)) in rows.iter().enumerate() {
        let u = make_uscc(i as u64 + 1, "360102");
        for (year, yi) in [(2021, y2021), (2022, y2022)] {
            let wan: f64 = yi.parse::<f64>().unwrap() * 10000.0;
            text.push_str(&format!("{u},企业{i},360102,{code},{year},{wan:.2},1,1,x,,,,\n"));
        }
    }
    let r = run(&text, &Options::default());
    let p = (r.report_by)(RegionLevel::Province, ClassLevel::Major);
    let g = |class: &str| format_1dp(real(get(&p.observations, "360000", "DE_CORE_REVENUE_YOY", class, 2022)));
    assert_eq!(
        [g("DE_CORE"), g("01"), g("02"), g("03"), g("04")],
        ["26.5", "28.9", "-5.3", "9.6", "34.1"].map(String::from)
    );
    assert_eq!(get(&p.observations, "360000", "DE_CORE_REVENUE", "DE_CORE", 2022), Some(money("111331700")));
}

#[test]
fn quoted_fields_with_newlines_across_chunks_keep_line_numbers() {
    let a = make_uscc(1, "360102");
    let mut text = format!("{HEADER}\n");
    // Rows 2..=41: scope with a quoted newline and doubled quotes → each record spans 2 lines.
    for i in 0..40 {
        text.push_str(&format!("{a},\"甲\"\"公司\"\"{i}\",360102,3911,2021,1,1,1,\"第一行\n第二行, 含逗号\",,,,\n"));
    }
    // Record starting at line 82: bad revenue.
    text.push_str(&format!("{a},乙,360102,3911,2021,x,1,1,y,,,,\n"));
    for chunk in [64, 100, 333, 1 << 20] {
        let r = run(&text, &Options { threads: 2, chunk_bytes: chunk, top_n: 1 });
        assert_eq!((r.summary.rows, r.summary.valid, r.summary.rejected), (41, 40, 1), "chunk {chunk}");
        assert!(r.events[0].starts_with("test.csv:82: "), "chunk {chunk}: {:?}", r.events);
        let p = (r.report_by)(RegionLevel::Province, ClassLevel::Major);
        assert_eq!(get(&p.observations, "360000", "DE_CORE_REVENUE", "01", 2021), Some(money("40")));
    }
}

#[test]
fn missing_columns_and_empty_files_are_errors_of_the_file() {
    let engine = Engine::shipped();
    let try_run = |text: &str| {
        let mut rejects = Vec::new();
        let mut review = Vec::new();
        let mut ev = |_: Event<'_>| {};
        run_csv(&engine, text.as_bytes(), "f.csv", &Options::default(), Task::Aggregate { review: &mut review }, Sinks { rejects: &mut rejects, on_event: &mut ev })
            .expect_err("an error")
            .to_string()
    };
    let e = try_run("uscc,name,region_code\n");
    assert!(e.starts_with("f.csv:1: 缺少必需列 / missing required columns: industry_code, year, revenue"), "{e}");
    assert!(try_run("").starts_with("f.csv:1: 文件为空"), "empty");
    let e = try_run("uscc,name,region_code,industry_code,year,revenue,employees,above_scale,business_scope,depreciation\n");
    assert!(e.contains("收入法四项"), "{e}");
}

#[test]
fn chinese_headers_are_accepted() {
    let a = make_uscc(1, "360102");
    let text = format!("\u{feff}统一社会信用代码,企业名称,区划代码,行业代码,年份,营业收入,从业人员,是否规上,经营范围\n{a},甲,360102,3911,2022,12.5,3,是,x\n");
    let r = run(&text, &Options::default());
    assert_eq!((r.summary.valid, r.summary.core), (1, 1));
}

#[test]
fn xlsx_input_gives_the_same_results_and_excel_row_numbers() {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let header: Vec<&str> = HEADER.split(',').collect();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let a = make_uscc(1, "360102");
    // Row 2: text USCC, numeric region and industry code, revenue 1234.56 as a number.
    ws.write_string(1, 0, &a).unwrap();
    ws.write_string(1, 1, "甲电子").unwrap();
    ws.write_number(1, 2, 360102.0).unwrap();
    ws.write_number(1, 3, 3911.0).unwrap();
    ws.write_number(1, 4, 2022.0).unwrap();
    ws.write_number(1, 5, 1234.56).unwrap();
    ws.write_number(1, 6, 12.0).unwrap();
    ws.write_number(1, 7, 1.0).unwrap();
    ws.write_string(1, 8, "计算机整机制造").unwrap();
    // Row 3: a USCC stored as a number (precision lost) → rejected with a clear message.
    ws.write_number(2, 0, 913601020000000000.0).unwrap();
    ws.write_string(2, 1, "乙").unwrap();
    ws.write_number(2, 2, 360102.0).unwrap();
    ws.write_number(2, 3, 3911.0).unwrap();
    ws.write_number(2, 4, 2022.0).unwrap();
    ws.write_number(2, 5, 5.0).unwrap();
    // Row 5 (row 4 left empty): an unknown region.
    ws.write_string(4, 0, make_uscc(2, "360102")).unwrap();
    ws.write_string(4, 1, "丙").unwrap();
    ws.write_string(4, 2, "369999").unwrap();
    ws.write_string(4, 3, "3911").unwrap();
    ws.write_number(4, 4, 2022.0).unwrap();
    ws.write_number(4, 5, 7.0).unwrap();
    let bytes = wb.save_to_buffer().unwrap();

    let engine = Engine::shipped();
    let mut rejects = Vec::new();
    let mut review = Vec::new();
    let mut events = Vec::new();
    let mut on_event = |e: Event<'_>| {
        if let Event::Reject { message, .. } = e {
            events.push(message.to_string())
        }
    };
    let (summary, acc) = run_xlsx(
        &engine,
        std::io::Cursor::new(bytes),
        "t.xlsx",
        &Options::default(),
        Task::Aggregate { review: &mut review },
        Sinks { rejects: &mut rejects, on_event: &mut on_event },
    )
    .unwrap();
    assert_eq!((summary.rows, summary.valid, summary.rejected), (3, 1, 2));
    assert!(events[0].starts_with("t.xlsx:3: 统一社会信用代码以数字存储"), "{events:?}");
    assert!(events[1].starts_with("t.xlsx:5: 区划代码 369999"), "{events:?}");
    let rep = report(&acc, &engine.classifier.table, &engine.regions, &engine.slot_rates, RegionLevel::Province, ClassLevel::Major);
    assert_eq!(get(&rep.observations, "360000", "DE_CORE_REVENUE", "01", 2022), Some(money("1234.56")));
    assert!(String::from_utf8(rejects).unwrap().lines().count() == 3);
}

/// Independent recomputation of a synthetic file: plain csv::Reader, revenue parsed to 分 by
/// string splitting, HashMap sums; compared with the streaming pipeline at several chunk sizes.
#[test]
fn synthetic_aggregates_equal_independent_sums() {
    let engine = Engine::shipped();
    let opts = SynthOptions { rows: 30_000, seed: 11, bad_fraction: 0.002, ..Default::default() };
    let mut buf = Vec::new();
    let stats = synth::generate(&opts, &engine.regions, &engine.classifier, &mut buf, &mut |_| {}).unwrap();
    let text = String::from_utf8(buf).unwrap();
    assert_eq!(stats.bad.len(), 60);
    let bad_lines: HashMap<u64, BadKind> = stats.bad.iter().copied().collect();

    // Independent sums by (city code, major, year): count and revenue in 分; plus province review/non-core.
    let city_of = |county: &str| -> String {
        let r = &engine.regions;
        let ci = r.county_index(county.parse().unwrap()).unwrap() as usize;
        r.regions[r.county_city[ci]].code.clone()
    };
    let fen = |s: &str| -> i128 {
        let (i, f) = s.split_once('.').unwrap_or((s, ""));
        i.parse::<i128>().unwrap() * 100 + format!("{f:0<2}").parse::<i128>().unwrap()
    };
    let mut expect: BTreeMap<(String, String, u16), (u64, i128)> = BTreeMap::new();
    let mut big: BTreeMap<u16, u64> = BTreeMap::new();
    let mut review_n = 0u64;
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        let line = i as u64 + 2;
        if bad_lines.contains_key(&line) {
            continue;
        }
        let code: u16 = rec[3].parse().unwrap();
        let year: u16 = rec[4].parse().unwrap();
        let rev = fen(&rec[5]);
        match engine.classifier.classify(code, rec[8].as_bytes()).outcome {
            Outcome::Core(s) => {
                let major = engine.classifier.table.slot_classes(s).2.code.clone();
                for key in [(city_of(&rec[2]), major.clone(), year), (city_of(&rec[2]), "DE_CORE".into(), year)] {
                    let e = expect.entry(key).or_default();
                    e.0 += 1;
                    e.1 += rev;
                }
                if rev >= 100_000 * 100 {
                    *big.entry(year).or_default() += 1;
                }
            }
            Outcome::Review => review_n += 1,
            Outcome::NonCore => {}
        }
    }
    assert!(review_n > 0 && !big.is_empty(), "the file exercises review and the size band");

    for o in [Options { threads: 2, chunk_bytes: 7777, top_n: 5 }, Options::default()] {
        let r = run(&text, &o);
        assert_eq!(r.summary.rejected, 60);
        assert_eq!(r.summary.needs_review, review_n);
        // Each deliberately bad row is reported at its line.
        for (line, _) in &stats.bad {
            assert!(r.events.iter().any(|m| m.starts_with(&format!("test.csv:{line}: "))), "line {line}");
        }
        let rep = (r.report_by)(RegionLevel::City, ClassLevel::Major);
        let mut got: BTreeMap<(String, String, u16), (u64, i128)> = BTreeMap::new();
        for ob in &rep.observations {
            let key = (ob.region_code.clone(), ob.class_code.clone(), ob.period);
            match (ob.indicator, ob.value) {
                ("DE_CORE_ENTERPRISES", Value::Count(n)) if n > 0 => got.entry(key).or_default().0 = n,
                ("DE_CORE_REVENUE", Value::Money(m)) if m > 0 => got.entry(key).or_default().1 = m / 10_000,
                _ => {}
            }
        }
        assert_eq!(got, expect);
        let prov = (r.report_by)(RegionLevel::Province, ClassLevel::Major);
        for (year, n) in &big {
            assert_eq!(get(&prov.observations, "360000", "DE_CORE_ENTERPRISES_GE_10YI", "DE_CORE", *year), Some(Value::Count(*n)));
        }
    }
}

#[test]
fn crlf_files_give_the_same_results_and_lines() {
    let (text, bad) = hand_file();
    let crlf = text.replace('\n', "\r\n");
    for chunk in [100, 1 << 20] {
        let r = run(&crlf, &Options { threads: 2, chunk_bytes: chunk, top_n: 3 });
        assert_eq!((r.summary.rows, r.summary.rejected, r.summary.valid), (16, 8, 8));
        let first = r.events.iter().find(|m| !m.contains("警告")).unwrap();
        assert!(first.starts_with(&format!("test.csv:{}: ", bad[0].0)), "{first}");
        let p = (r.report_by)(RegionLevel::Province, ClassLevel::Major);
        assert_eq!(get(&p.observations, "360000", "DE_CORE_REVENUE", "DE_CORE", 2021), Some(money("107000.5")));
    }
}
