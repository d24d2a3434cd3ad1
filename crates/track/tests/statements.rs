//! The documents' statements checked against each other: each kind on small hand-made data, and
//! the exact set of contradictions found in the shipped documents.

mod common;

use common::*;
use digecon_core::{Aggregation, Region, RegionLevel, Source, Task};
use digecon_dataset::Dataset;
use digecon_track::projection;
use digecon_track::statements::{check_statements, embedded_goals_twice, embedded_twice, parse_goals_twice, parse_twice};
use digecon_track::*;

fn quoted(mut o: digecon_core::Observation, quote: &str) -> digecon_core::Observation {
    o.source = Source { doc: "d.txt".into(), quote: quote.into() };
    o
}

fn inputs(indicators: Vec<digecon_core::Indicator>, observations: Vec<digecon_core::Observation>) -> Inputs {
    Inputs { plans: vec![plan("p", 2021, 2025)], indicators, targets: vec![], observations, references: vec![] }
}

fn kinds(f: &[Finding]) -> Vec<(String, String, CheckKind)> {
    f.iter().map(|x| (x.indicator_code.clone(), x.period.clone(), x.check)).collect()
}

#[test]
fn a_share_is_recomputed_from_its_parts_within_the_printed_digits() {
    let inds = || vec![indicator("A", "亿元"), indicator("T", "亿元"), with_formula(indicator("S", "%"), "A / T * 100")];
    // 2942.24 / 11133.17 = 26.43 %: a printed 24.2 cannot be it; 26.4 can.
    let data = |share: f64| inputs(inds(), vec![obs("A", "2022", 2942.24), obs("T", "2022", 11133.17), quoted(obs("S", "2022", share), &format!("占{share}%"))]);
    let f = check_statements(&data(24.2), &[], &Documents::default());
    assert_eq!(kinds(&f), [("S".to_string(), "2022".to_string(), CheckKind::Derived)]);
    assert!(f[0].message.contains("the published 24.2 (24.15–24.25 given its printed digits) contradicts 26.4276"), "{}", f[0].message);
    assert_eq!(f[0].statements.len(), 3, "the share and both parts are named");
    assert!(check_statements(&data(26.4), &[], &Documents::default()).is_empty());
}

#[test]
fn a_growth_rate_is_checked_against_the_level_an_increase_implies() {
    // 9733 with an increase of 663 is 9070 the year before: +7.31 %, not 7.1 %.
    let inds = vec![indicator("X", "亿元"), with_formula(indicator("XG", "%"), "yoy(X)"), with_formula(indicator("XI", "亿元"), "X - ly(X)")];
    let data = |g: f64| inputs(inds.clone(), vec![obs("X", "2022", 9733.0), obs("XI", "2022", 663.0), obs("XG", "2022", g)]);
    let f = check_statements(&data(7.1), &[], &Documents::default());
    assert_eq!(f.len(), 1, "one contradiction, reported once: {f:?}");
    assert_eq!(f[0].check, CheckKind::Derived);
    let named: Vec<&str> = f[0].statements.iter().map(|c| c.what.as_str()).collect();
    assert!(named.contains(&"R X 2022") && named.contains(&"R XI 2022") && named.contains(&"R XG 2022"), "{named:?}");
    assert!(check_statements(&data(7.3), &[], &Documents::default()).is_empty());
}

#[test]
fn a_change_in_a_share_is_checked_against_the_growth_rates() {
    // 37 % of GDP after DE grew 14.4 % and GDP 14.4 − 9.7 = 4.7 %: the year before was 33.9 %, so the
    // share rose about 3.1 points, not 2 (the white paper's case; correlation of the 37 kept).
    let inds = vec![
        indicator("DE", "亿元"),
        indicator("GDP", "亿元"),
        with_formula(indicator("DEG", "%"), "yoy(DE)"),
        with_formula(indicator("S", "%"), "DE / GDP * 100"),
        with_formula(indicator("SC", "个百分点"), "S - ly(S)"),
        with_formula(indicator("VS", "个百分点"), "DEG - yoy(GDP)"),
    ];
    let data = |chg: f64| {
        inputs(inds.clone(), vec![obs("DE", "2022", 11874.0), obs("DEG", "2022", 14.4), obs("S", "2022", 37.0), obs("SC", "2022", chg), obs("VS", "2022", 9.7)])
    };
    let f = check_statements(&data(2.0), &[], &Documents::default());
    assert_eq!(kinds(&f), [("SC".to_string(), "2022".to_string(), CheckKind::Derived)], "{f:?}");
    assert!(check_statements(&data(3.0), &[], &Documents::default()).is_empty());
}

#[test]
fn subregions_may_not_exceed_their_parent() {
    let region = |code: &str, parent: Option<&str>| Region {
        code: code.into(),
        name_zh: code.into(),
        name_en: code.into(),
        level: if parent.is_some() { RegionLevel::City } else { RegionLevel::Province },
        parent_code: parent.map(str::to_string),
    };
    let docs = Documents { regions: vec![region("R", None), region("A", Some("R")), region("B", Some("R")), region("C", Some("R"))], ..Default::default() };
    let at = |r: &str, v: f64| {
        let mut o = obs("X", "2022", v);
        o.region_code = r.into();
        o
    };
    let mut x = indicator("X", "亿元");
    x.aggregation = Aggregation::Sum;
    let f = check_statements(&inputs(vec![x.clone()], vec![at("R", 100.0), at("A", 60.0), at("B", 50.0)]), &[], &docs);
    assert_eq!(kinds(&f), [("X".to_string(), "2022".to_string(), CheckKind::Sum)]);
    assert!(check_statements(&inputs(vec![x.clone()], vec![at("R", 100.0), at("A", 60.0), at("B", 30.0)]), &[], &docs).is_empty());
    // All three children known: they must add up.
    let f = check_statements(&inputs(vec![x], vec![at("R", 100.0), at("A", 60.0), at("B", 30.0), at("C", 5.0)]), &[], &docs);
    assert_eq!(kinds(&f), [("X".to_string(), "2022".to_string(), CheckKind::Sum)]);
}

#[test]
fn a_figure_stated_twice_must_agree_to_its_printed_digits() {
    let twice = parse_twice(
        "t.csv",
        "region_code,indicator_code,period,value,source_doc,source_quote,note\nR,X,2020,241.0,d.txt,241.0,table\nR,X,2020,241,d.txt,241,rounded\n",
    )
    .unwrap();
    let docs = Documents { twice, ..Default::default() };
    let f = check_statements(&inputs(vec![indicator("X", "亿元")], vec![quoted(obs("X", "2020", 241.2), "达241.2亿元")]), &[], &docs);
    // 241 may be 241.2 rounded; 241.0 may not.
    assert_eq!(kinds(&f), [("X".to_string(), "2020".to_string(), CheckKind::StatedTwice)]);
    assert_eq!((f[0].statements[0].value.as_str(), f[0].statements[1].value.as_str()), ("241.2", "241.0"));
    let e = parse_twice("t.csv", "region_code,indicator_code,period,value,source_doc,source_quote,note\nR,X,2020,24l,d,q,n\n").unwrap_err().to_string();
    assert!(e.contains("t.csv:2") && e.contains("invalid number `24l`"), "{e}");
}

#[test]
fn a_share_goal_above_100_percent_is_implausible() {
    let task = |text: &str| Task {
        plan_id: "p".into(),
        number: 16,
        section: String::new(),
        text: text.into(),
        lead_units: vec![],
        lead_units_text: String::new(),
        coop_units: vec![],
        coop_units_text: String::new(),
        source_doc: "d.txt".into(),
    };
    let docs = |t: &str| Documents { tasks: vec![task(t)], ..Default::default() };
    let f = check_statements(&inputs(vec![], vec![]), &[], &docs("提升“千兆城市”建设水平，城市家庭千兆光纤网络覆盖率达 300%。"));
    assert_eq!(kinds(&f), [(String::new(), "2025".to_string(), CheckKind::ImplausibleGoal)]);
    assert_eq!(f[0].statements[0].value, "300%");
    // Growth above 100 % is possible.
    assert!(check_statements(&inputs(vec![], vec![]), &[], &docs("营收增长 150%，覆盖率达 90%")).is_empty());
}

#[test]
fn the_second_statements_are_in_the_documents() {
    let twice = embedded_twice();
    assert!(twice.len() >= 9);
    let ds = Dataset::embedded().unwrap();
    for t in &twice {
        assert!(ds.indicators.iter().any(|i| i.code == t.indicator_code), "{t:?}");
        // Each restates a stored observation (that is what it is compared with).
        assert!(
            ds.observations.iter().any(|o| o.region_code == t.region_code && o.indicator_code == t.indicator_code && o.period == t.period),
            "no observation for {t:?}"
        );
    }
    let Some(dir) = digecon_dataset::seeds_dir_for_test("statements_twice quotes") else { return };
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for t in &twice {
        let doc = squeeze(&std::fs::read_to_string(dir.join(&t.source.doc)).unwrap());
        let q = squeeze(&t.source.quote);
        assert!(doc.contains(&q), "quote not in {}: {}", t.source.doc, t.source.quote);
        assert!(q.contains(&t.value), "{} is not in its quote {}", t.value, t.source.quote);
    }
}

#[test]
fn the_restated_goals_are_targets_and_in_the_documents() {
    let goals = embedded_goals_twice();
    assert!(goals.len() >= 10);
    let ds = Dataset::embedded().unwrap();
    for g in &goals {
        let t = ds.targets.iter().find(|t| {
            t.plan_id == g.plan_id && t.region_code == g.region_code && t.indicator_code == g.indicator_code && t.target_year == g.target_year
        });
        let t = t.unwrap_or_else(|| panic!("no target for {g:?}"));
        // The second wording reads, and agrees with the first (else `digecon check` reports it).
        let ind = ds.indicators.iter().find(|i| i.code == t.indicator_code).unwrap();
        parse_target(&g.target_text, ind).unwrap_or_else(|e| panic!("{g:?}: {e}"));
    }
    let Some(dir) = digecon_dataset::seeds_dir_for_test("targets_twice quotes") else { return };
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for g in &goals {
        let doc = squeeze(&std::fs::read_to_string(dir.join(&g.source.doc)).unwrap());
        let q = squeeze(&g.source.quote);
        assert!(doc.contains(&q), "quote not in {}: {}", g.source.doc, g.source.quote);
        assert!(q.contains(&squeeze(&g.target_text)), "{} is not in its quote {}", g.target_text, g.source.quote);
    }
}

#[test]
fn a_goal_restated_differently_is_found() {
    let csv = |text: &str| format!("plan_id,region_code,indicator_code,target_year,target_text,source_doc,source_quote,note\np,R,X,2025,{text},d.txt,q,n\n");
    assert!(parse_goals_twice("t.csv", "plan_id\np\n").is_err());
    let mut i = inputs(vec![indicator("X", "%")], vec![]);
    i.targets = vec![target("p", "X", None, 2025, "10以上", "")];
    let run = |text: &str| {
        let docs = Documents { goals_twice: parse_goals_twice("targets_twice.csv", &csv(text)).unwrap(), ..Default::default() };
        check_statements(&i, &[], &docs)
    };
    // 10%以上 restates 10以上; 达到10% says the same goal in other words.
    assert!(run("10%以上").is_empty());
    assert!(run("达到10%").is_empty());
    let f = run("12%以上");
    assert_eq!(kinds(&f), [("X".to_string(), "2025".to_string(), CheckKind::StatedTwice)]);
    assert_eq!((f[0].statements[0].value.as_str(), f[0].statements[1].value.as_str()), ("10以上", "12%以上"));
}

#[test]
fn a_reference_figure_printed_twice_differently_is_found() {
    let csv = "reference,scope_zh,indicator_code,name_zh,unit,period,relation,value,status,source_doc,source_quote\n\
               area,华东地区,,院校数量,所,2020,,12,final,d.txt,院校12所\n\
               area,华东地区,,院校数量,所,2020,,34,final,d.txt,院校 34\n\
               area,华北地区,,院校数量,所,2020,,12,final,d.txt,华北 12\n\
               area,华东地区,,院校数量,所,2025,,40,forecast,d.txt,预计 40\n";
    let mut errors = Vec::new();
    let references = digecon_dataset::references::parse("references.csv", csv, None, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    let docs = Documents { references, ..Default::default() };
    let f = check_statements(&inputs(vec![], vec![]), &[], &docs);
    assert_eq!(kinds(&f), [("院校数量".to_string(), "2020".to_string(), CheckKind::StatedTwice)]);
    assert_eq!(f[0].region_code, "华东地区");
    assert_eq!((f[0].statements[0].value.as_str(), f[0].statements[1].value.as_str()), ("12", "34"));
}

/// `digecon check` on the shipped documents: every contradiction, by kind, region, indicator and year.
#[test]
fn every_contradiction_of_the_documents_is_found() {
    let ds = Dataset::embedded().unwrap();
    let inputs = shipped();
    let docs = Documents { regions: ds.regions, twice: embedded_twice(), goals_twice: embedded_goals_twice(), tasks: ds.tasks, references: ds.references };
    let f = check(&inputs, &projection::embedded(), &docs, &Rules::default()).unwrap();
    let got: Vec<(&str, &str, &str, &str, CheckKind)> =
        f.iter().map(|x| (x.plan_id.as_str(), x.region_code.as_str(), x.indicator_code.as_str(), x.period.as_str(), x.check)).collect();
    assert_eq!(got, EXPECTED);
    // Every finding names the statements it rests on, with document and phrase; all but the
    // implausible goal (one statement against a definition) name at least two.
    for x in &f {
        assert!(x.statements.iter().all(|c| c.doc.ends_with(".txt") && !c.quote.is_empty()), "{x:?}");
        assert!(x.check == CheckKind::ImplausibleGoal || x.check == CheckKind::StatedGrowth || x.check == CheckKind::BelowBase || x.statements.len() >= 2, "{x:?}");
    }
    let msg = |code: &str, period: &str| f.iter().find(|x| x.indicator_code == code && x.period == period).unwrap();
    let twice = msg("CORE_VA", "2020");
    assert_eq!((twice.statements[0].value.as_str(), twice.statements[1].value.as_str()), ("241.2", "241.0"));
    assert!(twice.statements[1].quote.contains("2020 241.0"), "{:?}", twice.statements);
    assert!(msg("ID_VA_GROWTH", "2022").message.contains("contradicts 7.3035–7.3161"), "{}", msg("ID_VA_GROWTH", "2022").message);
    assert!(msg("DE_VA_GDP_SHARE_CHG", "2022").message.contains("contradicts 3.0775–3.1974"), "{}", msg("DE_VA_GDP_SHARE_CHG", "2022").message);
    assert!(msg("CORE_ENT_100B_REV_SHARE", "2022").message.contains("contradicts 26.4276–26.4277"));
    assert!(msg("CORE_VA_GROWTH", "2023").message.contains("implies growth of 15.06%"));
    assert!(msg("ENV_VIDEO_CHANNELS", "2022").message.contains("contradicts 7052.5–7059.5"), "{}", msg("ENV_VIDEO_CHANNELS", "2022").message);
    assert!(msg("DE_FDI_YTD_SHARE", "2022-10").message.contains("contradicts 20.3"), "{}", msg("DE_FDI_YTD_SHARE", "2022-10").message);
    assert_eq!(msg("KEY_PROC_NC_RATE", "2022").statements[1].value, "54.4");
}

/// The 18 contradictions (data/README.md, "Contradictions in the documents").
const EXPECTED: &[(&str, &str, &str, &str, CheckKind)] = &[
    // 001: 18 %/yr from 296 gives 677.2, not 600; 18左右 from 1582 gives 3619, not 3000左右; 11 %/yr from
    // 1488 gives 2507, below >3500.
    ("jx-14fyp", "360000", "MIOT_TERMINALS", "2025", CheckKind::StatedGrowth),
    ("jx-14fyp", "360000", "ONLINE_RETAIL", "2025", CheckKind::StatedGrowth),
    ("jx-14fyp", "360000", "SW_REV", "2025", CheckKind::StatedGrowth),
    // 003: 1311.85 → 1600 is +21.97 %, not 25 %; 365.02 → 420 is +15.06 %, not 16左右.
    ("gz-2023-keypoints", "360700", "CORE_REV_GROWTH", "2023", CheckKind::GrowthVsLevel),
    ("gz-2023-keypoints", "360700", "CORE_VA_GROWTH", "2023", CheckKind::GrowthVsLevel),
    // 003: 8000 new cloud enterprises in 2023 after 15419 in 2022.
    ("gz-2023-keypoints", "360700", "CLOUD_ENTERPRISES_NEW", "2023", CheckKind::BelowBase),
    // 004 Annex 2: 376.2 → 432.7 is +15.0 % against 16–17 %; 表 1's 370 for 2023 against 376.2.
    ("gz-14fyp", "360700", "CORE_VA", "2024", CheckKind::ProjectionGrowthBand),
    ("gz-14fyp", "360700", "CORE_VA", "2023", CheckKind::ProjectionVsTarget),
    // 000: 5G 64306 of 31.4 万 base stations is 20.48 %, printed 20.7 %; 2942.24 of 11133.17 is 26.43 %,
    // printed 24.2 %; 37 % after +14.4 % against GDP +4.7 % is a rise of 3.1 points, printed 2;
    // 9733 after an increase of 663 is +7.31 %, printed 7.1 %.
    ("", "360000", "BS_5G_SHARE", "2022", CheckKind::Derived),
    ("", "360000", "CORE_ENT_100B_REV_SHARE", "2022", CheckKind::Derived),
    // 2022 年 1-10 月: 3.55 of 17.44 亿美元 is 20.36 %, printed 占18.6%.
    ("", "360000", "DE_FDI_YTD_SHARE", "2022-10", CheckKind::Derived),
    ("", "360000", "DE_VA_GDP_SHARE_CHG", "2022", CheckKind::Derived),
    // The seven parts of the environmental video channels add up to 7056, the total is printed 7046.
    ("", "360000", "ENV_VIDEO_CHANNELS", "2022", CheckKind::Derived),
    ("", "360000", "ID_VA_GROWTH", "2022", CheckKind::Derived),
    // 000: 关键工序数控化率 50.7 % and 54.4 %; 004: Ganzhou's 2020 core value added 241.2 and 241.0.
    ("", "360000", "KEY_PROC_NC_RATE", "2022", CheckKind::StatedTwice),
    ("", "360700", "CORE_VA", "2020", CheckKind::StatedTwice),
    // 004 附件三: 华东地区 开设智能科学与技术专业院校12所 (prose) and 34 (图表21).
    ("", "华东地区", "开设智能科学与技术专业的院校数量", "2020", CheckKind::StatedTwice),
    // 003 task 16: 城市家庭千兆光纤网络覆盖率达 300%, held as the target FTTH_GIGABIT_HOME_COVERAGE
    // (as printed); the task's clause is not reported a second time.
    ("gz-2023-keypoints", "360700", "FTTH_GIGABIT_HOME_COVERAGE", "2023", CheckKind::ImplausibleGoal),
];
