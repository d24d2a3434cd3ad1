//! 004 Annex 2 (数字经济发展主要预期指标测算方法) reproduced to the printed decimal, and the
//! provenance of the embedded table.

mod common;


use digecon_track::projection::{self, compound_path, reproduce_compound, reproduce_formula, Decimal};

#[test]
fn gdp_column_is_the_7_5_percent_path_to_the_printed_decimal() {
    let tables = projection::embedded();
    assert_eq!(tables.len(), 1);
    let t = &tables[0];
    assert_eq!((t.id.as_str(), t.plan_id.as_str(), t.region_code.as_str()), ("gz-14fyp-annex2", "gz-14fyp", "360700"));
    let gdp = t.column("GDP").unwrap();
    assert_eq!(gdp.stated_growth_text, "年均增速 7.5%");
    let r = reproduce_compound(gdp, Decimal::parse("7.5").unwrap());
    let computed: Vec<String> = r.iter().map(|x| x.computed.unwrap().to_string()).collect();
    assert_eq!(computed, ["3645.0", "3918.4", "4212.3", "4528.2", "4867.8", "5232.9"]);
    assert!(r.iter().all(|x| x.matches()));
    // By hand: 3645 × 1.075 = 3918.375; × 1.075 = 4212.253125; … ; 3645 × 1.075⁵ = 5232.8689.
    let path = compound_path(3645.0, 7.5, 5);
    assert!((path[0] - 3918.375).abs() < 1e-9 && (path[1] - 4212.253125).abs() < 1e-9);
    assert!((path[4] - 5232.8689).abs() < 1e-4);
}

#[test]
fn share_column_is_core_value_added_over_gdp() {
    let t = &projection::embedded()[0];
    let share = common::with_formula(common::indicator("CORE_VA_GDP_SHARE", "%"), "CORE_VA / GDP * 100");
    let r = reproduce_formula(t, t.column("CORE_VA_GDP_SHARE").unwrap(), &share).unwrap();
    // 241.0 / 3645.0 = 6.61 %, 279.6 / 3918.4 = 7.14 %, 324.3 / 4212.3 = 7.70 %, 376.2 / 4528.2 = 8.31 %,
    // 432.7 / 4867.8 = 8.89 %, 502.4 / 5232.9 = 9.60 %.
    let computed: Vec<String> = r.iter().map(|x| x.computed.unwrap().to_string()).collect();
    assert_eq!(computed, ["6.6", "7.1", "7.7", "8.3", "8.9", "9.6"]);
    assert!(r.iter().all(|x| x.matches()));
}

#[test]
fn core_value_added_is_not_a_single_rate() {
    // 241.0 at 16 % gives 279.6, 324.3, 376.2 — and then 436.4, not the printed 432.7 (+15.0 %).
    let t = &projection::embedded()[0];
    let r = reproduce_compound(t.column("CORE_VA").unwrap(), Decimal::parse("16").unwrap());
    let ok: Vec<bool> = r.iter().map(|x| x.matches()).collect();
    assert_eq!(ok, [true, true, true, true, false, false]);
    assert_eq!(r[4].computed.unwrap().to_string(), "436.4");
}

#[test]
fn every_quote_of_the_embedded_table_is_in_its_document() {
    let Some(dir) = digecon_dataset::seeds_dir_for_test("projection quotes") else {
        return;
    };
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for t in projection::embedded() {
        let doc = squash(&std::fs::read_to_string(dir.join(&t.source_doc)).unwrap());
        for c in &t.columns {
            for cell in &c.cells {
                assert!(doc.contains(&squash(&cell.source_quote)), "{} {}: `{}`", c.indicator_code, cell.year, cell.source_quote);
                assert!(cell.source_quote.contains(&cell.value.to_string()), "{} {}", c.indicator_code, cell.year);
            }
        }
    }
}
