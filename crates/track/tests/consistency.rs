//! Plan consistency checks: each kind on a small hand-made plan, and what they find in the
//! shipped documents.

mod common;

use common::*;
use digecon_core::Polarity;
use digecon_track::projection::{self, parse_tables};
use digecon_track::*;

fn checks(inputs: &Inputs, tables: &[ProjectionTable]) -> Vec<(String, CheckKind)> {
    check_plans(inputs, tables, &Rules::default()).unwrap().into_iter().map(|f| (f.indicator_code, f.check)).collect()
}

fn one(inputs: Inputs) -> Vec<(String, CheckKind)> {
    checks(&inputs, &[])
}

fn plan_of(targets: Vec<digecon_core::Target>, indicators: Vec<digecon_core::Indicator>) -> Inputs {
    Inputs { plans: vec![plan("p", 2021, 2025)], indicators, targets, observations: vec![], references: vec![] }
}

#[test]
fn stated_growth_must_connect_base_and_target() {
    // 100 → 200 over 5 years implies (2^(1/5) − 1) = 14.87 %/yr.
    let t = |growth: &str, text: &str| target("p", "X", Some((2020, "100", Some(100.0))), 2025, text, growth);
    let x = || vec![indicator("X", "亿元")];
    assert!(one(plan_of(vec![t("15", "200")], x())).is_empty(), "14.87 is within 15 ± 0.5");
    assert!(one(plan_of(vec![t("14.5", "200")], x())).is_empty());
    assert_eq!(one(plan_of(vec![t("18", "200")], x())), [("X".to_string(), CheckKind::StatedGrowth)]);
    assert_eq!(one(plan_of(vec![t("13", "200")], x())), [("X".to_string(), CheckKind::StatedGrowth)]);
    // 左右 widens the stated rate by the about band: 14左右 = 13.3–14.7, + 0.5 reaches 14.87.
    assert!(one(plan_of(vec![t("14左右", "200")], x())).is_empty());
    // A floor only needs the stated rate to reach it: 20 %/yr overshoots >200 and is fine; 10 % is not.
    assert!(one(plan_of(vec![t("20", ">200")], x())).is_empty());
    assert_eq!(one(plan_of(vec![t("10", ">200")], x())).len(), 1);
    // No stated growth, or a growth-rate indicator: nothing to check.
    assert!(one(plan_of(vec![t("—", "200")], x())).is_empty());
    let f = check_plans(&plan_of(vec![t("18", "200")], x()), &[], &Rules::default()).unwrap();
    assert!(f[0].message.contains("implies 14.87% a year") && f[0].message.contains("18 %/yr gives 228.8 in 2025"), "{}", f[0].message);
}

#[test]
fn growth_targets_must_agree_with_level_targets() {
    let g = with_formula(indicator("XG", "%"), "yoy(X)");
    let level = target("p", "X", Some((2022, "100", Some(100.0))), 2023, "120", "");
    let growth = |text: &str| target("p", "XG", Some((2022, "10", Some(10.0))), 2023, text, "");
    let inds = || vec![indicator("X", "亿元"), g.clone()];
    assert!(one(plan_of(vec![level.clone(), growth("20")], inds())).is_empty());
    assert!(one(plan_of(vec![level.clone(), growth("20左右")], inds())).is_empty());
    // 左右 on a rate is its rounding, not ± 5 % of it: 16左右 is 15.5–16.5, which 20 % (or 15 %) misses.
    assert_eq!(one(plan_of(vec![level.clone(), growth("21左右")], inds())), [("XG".to_string(), CheckKind::GrowthVsLevel)]);
    let slower = target("p", "X", Some((2022, "100", Some(100.0))), 2023, "115", "");
    assert_eq!(one(plan_of(vec![slower.clone(), growth("16左右")], inds())), [("XG".to_string(), CheckKind::GrowthVsLevel)]);
    assert!(one(plan_of(vec![slower, growth("15左右")], inds())).is_empty());
    assert_eq!(one(plan_of(vec![level.clone(), growth("25")], inds())), [("XG".to_string(), CheckKind::GrowthVsLevel)]);
    assert!(one(plan_of(vec![level.clone(), growth("实现正增长")], inds())).is_empty());
    let falling = target("p", "X", Some((2022, "100", Some(100.0))), 2023, "95", "");
    let found = one(plan_of(vec![falling, growth("实现正增长")], inds()));
    assert!(found.contains(&("XG".to_string(), CheckKind::GrowthVsLevel)), "{found:?}");
    // A level target whose base is not the year before says nothing about one year's growth.
    let older = target("p", "X", Some((2020, "100", Some(100.0))), 2023, "120", "");
    assert!(one(plan_of(vec![older, growth("25")], inds())).is_empty());
}

#[test]
fn targets_on_the_wrong_side_of_their_base() {
    let t = |text: &str, base: &str, v: Option<f64>| target("p", "X", Some((2022, base, v)), 2023, text, "");
    assert_eq!(one(plan_of(vec![t("8000", "15419", Some(15419.0))], vec![indicator("X", "家")])), [("X".to_string(), CheckKind::BelowBase)]);
    assert!(one(plan_of(vec![t("16000", "15419", Some(15419.0))], vec![indicator("X", "家")])).is_empty());
    // Lower is better: a PUE target above the base range is the wrong side; below it is right.
    let mut pue = indicator("X", "");
    pue.polarity = Polarity::Negative;
    assert!(one(plan_of(vec![t("1.5以下", "1.5-1.7", None)], vec![pue.clone()])).is_empty());
    assert_eq!(one(plan_of(vec![t("1.8以下", "1.5-1.7", None)], vec![pue])), [("X".to_string(), CheckKind::BelowBase)]);
    // A lower growth-rate target is a slower rise, not a fall.
    let g = with_formula(indicator("X", "%"), "yoy(Y)");
    assert!(one(plan_of(vec![t("19", "21.2", Some(21.2))], vec![g])).is_empty());
}

const TABLE: &str = "table,plan_id,region_code,indicator_code,year,value,stated_growth_text,source_doc,source_quote
t,p,R,A,2020,100.0,年均增速 10%-11%,d,q
t,p,R,A,2021,110.0,年均增速 10%-11%,d,q
t,p,R,A,2022,125.0,年均增速 10%-11%,d,q
t,p,R,B,2020,1000.0,年均增速 5%,d,q
t,p,R,B,2021,1050.0,年均增速 5%,d,q
t,p,R,B,2022,1102.6,年均增速 5%,d,q
t,p,R,S,2020,10.0,,d,q
t,p,R,S,2021,10.5,,d,q
t,p,R,S,2022,11.3,,d,q
";

#[test]
fn projection_tables_are_checked_against_their_own_rules_and_the_targets() {
    let tables = parse_tables("t.csv", TABLE).unwrap();
    let inputs = Inputs {
        plans: vec![plan("p", 2021, 2025)],
        indicators: vec![indicator("A", "亿元"), indicator("B", "亿元"), with_formula(indicator("S", "%"), "A / B * 100")],
        targets: vec![target("p", "A", Some((2020, "100", Some(100.0))), 2022, "120", "")],
        observations: vec![],
        references: vec![],
    };
    let f = check_plans(&inputs, &tables, &Rules::default()).unwrap();
    let kinds: Vec<(&str, CheckKind)> = f.iter().map(|x| (x.indicator_code.as_str(), x.check)).collect();
    // A: 110 → 125 is +13.6 %, outside 10–11 %; its 2022 target 120 is 4 % below the projected 125.
    // B: 1050 × 1.05 = 1102.5, printed 1102.6. S: 110 / 1050 = 10.476 → 10.5 fits; 125 / 1102.6 = 11.337 → 11.3 fits.
    assert_eq!(
        kinds,
        [("A", CheckKind::ProjectionGrowthBand), ("B", CheckKind::ProjectionColumn), ("A", CheckKind::ProjectionVsTarget)]
    );
    assert!(f[1].message.contains("2022 prints 1102.6, compounding at 5 % gives 1102.5"), "{}", f[1].message);
    // A share column that does not follow its formula.
    let bad = TABLE.replace("t,p,R,S,2022,11.3", "t,p,R,S,2022,11.9");
    let f = check_plans(&inputs, &parse_tables("t.csv", &bad).unwrap(), &Rules::default()).unwrap();
    assert!(f.iter().any(|x| x.indicator_code == "S" && x.message.contains("the formula A / B * 100 gives 11.3")), "{f:?}");
}

#[test]
fn projection_files_with_problems_are_rejected_by_line() {
    let bad = TABLE.replace("t,p,R,A,2021,110.0", "t,p,R,A,2021,11O.0").replace("t,p,R,B,2021,1050.0,年均增速 5%,d,q\n", "");
    let e = parse_tables("t.csv", &bad).unwrap_err().to_string();
    assert!(e.contains("t.csv:3: 无效的数值 / invalid number `11O.0`"), "{e}");
    assert!(e.contains("`B` has no value for 2021"), "{e}");
}

#[test]
fn the_documents_inconsistencies_are_found_from_the_data() {
    let inputs = shipped();
    let f = check_plans(&inputs, &projection::embedded(), &Rules::default()).unwrap();
    let got: Vec<(&str, &str, CheckKind)> = f.iter().map(|x| (x.plan_id.as_str(), x.indicator_code.as_str(), x.check)).collect();
    assert_eq!(
        got,
        [
            // 001: 18 %/yr from 296 gives 677.2, not 600 (implied 15.18 %); 18左右 from 1582 gives 3619,
            // not 3000左右 (implied 12.49–14.77 %); 11 %/yr from 1488 gives 2507, below >3500 (needs ≥ 18.66 %).
            ("jx-14fyp", "MIOT_TERMINALS", CheckKind::StatedGrowth),
            ("jx-14fyp", "ONLINE_RETAIL", CheckKind::StatedGrowth),
            ("jx-14fyp", "SW_REV", CheckKind::StatedGrowth),
            // 003: 1311.85 → 1600 is +21.97 %, not the 25 % growth target; 365.02 → 420 is +15.06 %,
            // not 16左右 (a rate written 左右 is the rate rounded: 15.5–16.5).
            ("gz-2023-keypoints", "CORE_REV_GROWTH", CheckKind::GrowthVsLevel),
            ("gz-2023-keypoints", "CORE_VA_GROWTH", CheckKind::GrowthVsLevel),
            // 003: 8000 new cloud enterprises after 15419 in 2022.
            ("gz-2023-keypoints", "CLOUD_ENTERPRISES_NEW", CheckKind::BelowBase),
            // 004 Annex 2: 376.2 → 432.7 is +15.0 % against the stated 16–17 %; 表 1's 370 for 2023 vs 376.2.
            ("gz-14fyp", "CORE_VA", CheckKind::ProjectionGrowthBand),
            ("gz-14fyp", "CORE_VA", CheckKind::ProjectionVsTarget),
        ]
    );
    let msg = |code: &str| &f.iter().find(|x| x.indicator_code == code).unwrap().message;
    assert!(msg("SW_REV").contains("implies 15.18% a year"), "{}", msg("SW_REV"));
    assert!(msg("CORE_REV_GROWTH").contains("implies growth of 21.97%"), "{}", msg("CORE_REV_GROWTH"));
    assert!(msg("CORE_VA").contains("growth in 2024 (376.2 → 432.7) is 15.02 %"), "{}", msg("CORE_VA"));
}
