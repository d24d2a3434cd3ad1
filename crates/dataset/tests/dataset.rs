//! The default dataset as a whole: it parses, it has what the documents have, and every figure
//! can be found in the document it cites.

use digecon_core::format_value;
use digecon_dataset::Dataset;

fn dataset() -> Dataset {
    Dataset::embedded().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn embedded_dataset_parses_and_is_complete() {
    let ds = dataset();
    assert_eq!(ds.regions.len(), 115, "112 GB/T 2260 divisions + 3 zones");
    assert_eq!(ds.regions.iter().filter(|r| r.level == digecon_core::RegionLevel::County).count(), 100);
    assert_eq!(ds.plans.len(), 4);
    let tasks = |plan: &str| ds.tasks.iter().filter(|t| t.plan_id == plan).map(|t| t.number).collect::<Vec<_>>();
    assert_eq!(tasks("jx-2022-workplan"), (1..=97).collect::<Vec<_>>());
    assert_eq!(tasks("gz-2023-keypoints"), (1..=25).collect::<Vec<_>>());
    assert_eq!(ds.projects.iter().map(|p| p.number).collect::<Vec<_>>(), (1..=18).collect::<Vec<_>>());
    assert!(ds.observations.iter().all(|o| !o.synthetic), "the default dataset has no synthetic values");
    // Every plan table contributes targets.
    for plan in ["jx-14fyp", "jx-2022-workplan", "gz-2023-keypoints", "gz-14fyp"] {
        assert!(ds.targets.iter().any(|t| t.plan_id == plan), "no targets for {plan}");
    }
}


fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `quote` writes the whole number `value` in Chinese numerals (全国排名第九位 proves 9): the
/// documents print ranks so, and a quote without digits for the value is then still its proof.
fn in_chinese_numerals(quote: &str, value: f64) -> bool {
    value >= 0.0 && value.fract() == 0.0 && digecon_core::chinese_numbers_in(quote).contains(&(value as u32))
}

/// Provenance: every quote is in its document (ignoring whitespace, which the text extraction
/// scattered through the documents) and contains the number it vouches for.
#[test]
fn dataset_quotes_are_in_the_documents() {
    let Some(dir) = digecon_dataset::seeds_dir_for_test("dataset quotes") else {
        return;
    };
    let ds = dataset();
    let mut docs = std::collections::HashMap::new();
    let mut doc = |name: &str| -> String {
        docs.entry(name.to_string())
            .or_insert_with(|| squeeze(&std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))))
            .clone()
    };
    let mut problems = Vec::new();
    let mut check = |what: String, doc_name: &str, quote: &str, must_contain: &[String]| {
        if !doc_name.ends_with(".txt") {
            problems.push(format!("{what}: source_doc `{doc_name}` is not a seed document"));
            return;
        }
        let q = squeeze(quote);
        if q.is_empty() || !doc(doc_name).contains(&q) {
            problems.push(format!("{what}: quote not found in {doc_name}: {quote}"));
        }
        for m in must_contain {
            if !q.contains(&squeeze(m)) {
                problems.push(format!("{what}: `{m}` is not in its quote: {quote}"));
            }
        }
    };
    for o in &ds.observations {
        let what = format!("observation {} {} {}", o.region_code, o.indicator_code, o.period);
        let must = if in_chinese_numerals(&o.source.quote, o.value) { vec![] } else { vec![format_value(o.value.abs())] };
        check(what, &o.source.doc, &o.source.quote, &must);
    }
    for t in &ds.targets {
        let what = format!("target {} {} {} {}", t.plan_id, t.region_code, t.indicator_code, t.target_year);
        let mut must = vec![t.target_text.clone()];
        if let Some(b) = t.base_value {
            must.push(format_value(b.abs()));
        }
        check(what, &t.source.doc, &t.source.quote, &must);
    }
    for c in &ds.constraints {
        let what = format!("constraint {} {} {} {}", c.region_code, c.indicator_code, c.period, c.relation);
        // 负增长 (negative growth) is the bound `< 0` in words.
        let negative_growth = c.relation == digecon_core::Relation::Lt && c.value == 0.0 && c.source.quote.contains("负增长");
        let must = if c.relation == digecon_core::Relation::Rank || negative_growth { vec![] } else { vec![format_value(c.value.abs())] };
        check(what, &c.source.doc, &c.source.quote, &must);
    }
    for t in &ds.tasks {
        check(format!("task {} #{}", t.plan_id, t.number), &t.source_doc, &t.text, &[]);
    }
    for p in &ds.projects {
        check(format!("project {} #{}", p.plan_id, p.number), &p.source_doc, &p.name, &[]);
    }
    for d in &ds.departments {
        // The quote names the unit by its name or an alias; in a list with a shared suffix
        // (章贡区、赣县区…人民政府) only the stem stands next to the other names.
        let q = squeeze(&d.source.quote);
        let stem = |n: &str| ["人民政府", "政府", "管委会"].iter().find_map(|s| n.strip_suffix(s)).unwrap_or(n).to_string();
        let named = std::iter::once(&d.name_zh).chain(&d.aliases).map(|n| stem(n)).find(|n| q.contains(&squeeze(n)));
        check(format!("department {}", d.code), &d.source.doc, &d.source.quote, &[named.unwrap_or_else(|| d.name_zh.clone())]);
    }
    assert!(problems.is_empty(), "{} provenance problems:\n{}", problems.len(), problems.join("\n"));
}

/// The white paper's programme, platform and activity counts (issue 15 item 1): a few of them, as
/// printed, and the bounds stated with 余 / 超 / 近.
#[test]
fn white_paper_activity_figures_are_held() {
    use digecon_core::Relation;
    let ds = dataset();
    let value = |region: &str, code: &str, period: &str| {
        ds.observations
            .iter()
            .find(|o| o.region_code == region && o.indicator_code == code && o.period.to_string() == period)
            .map(|o| o.value)
            .unwrap_or_else(|| panic!("no observation {region} {code} {period}"))
    };
    assert_eq!(value("360000", "NATL_SCI_PROJECTS", "2022"), 1168.0);
    assert_eq!(value("360000", "SCI_ACHIEVEMENTS_COMM_SHARE", "2022"), 30.44);
    assert_eq!(value("360000", "VR_REV", "2018"), 42.0);
    assert_eq!(value("360800", "EI_ENT_20B_COUNT", "2022"), 21.0);
    assert_eq!(value("360100", "VR_TOP50_ENTERPRISES", "2022"), 17.0);
    // Figures 截至 a month are dated by the month: a year-to-date flow and a month-end stock.
    assert_eq!(value("360000", "FDI_ACTUAL_YTD", "2022-10"), 17.44);
    assert_eq!(value("360000", "SSC_PHYSICAL_M", "2022-09"), 4789.0);
    assert_eq!(value("360600", "SI_CERT_RATE", "2022"), 98.0);
    let bound = |code: &str| {
        ds.constraints
            .iter()
            .find(|c| c.indicator_code == code)
            .map(|c| (c.relation, c.value))
            .unwrap_or_else(|| panic!("no constraint on {code}"))
    };
    assert_eq!(bound("APPS_5G"), (Relation::Gt, 1500.0));
    assert_eq!(bound("ONLINE_TECH_LEVERAGED"), (Relation::Le, 5.0));
}

/// The names and units the documents print stay with the rows, as aliases of the catalogue's.
#[test]
fn printed_names_and_units_are_aliases() {
    let ds = dataset();
    let catalog = ds.catalog();
    assert!(catalog.names_indicator("ONLINE_RETAIL", "网上零售额"), "001's table prints 网上零售额");
    assert!(catalog.names_indicator("ONLINE_RETAIL", "网络零售额"));
    assert!(catalog.spells_unit("INTERPROV_BW", "Gpbs") && catalog.spells_unit("INTERPROV_BW", "GB"));
    let printed = |plan: &str, code: &str, year: i32| {
        let key = (plan.to_string(), ds.plans.iter().find(|p| p.id == plan).unwrap().region_code.clone(), code.to_string(), year);
        ds.target_printed.get(&key).cloned().unwrap_or_default()
    };
    assert_eq!(printed("jx-14fyp", "ONLINE_RETAIL", 2025).name, "网上零售额");
    assert_eq!(printed("jx-14fyp", "INTERPROV_BW", 2025).unit, "Gpbs");
    assert_eq!(printed("gz-2023-keypoints", "CORE_REV", 2023).name, "规上数字经济核心产业营收");
    assert_eq!(printed("gz-14fyp", "MIOT_TERMINALS", 2025).name, "移动物联网终端用户数");
    assert_eq!(printed("gz-14fyp", "DE_VA", 2025), digecon_dataset::Printed::default(), "a row in the catalogue's words");
    // Every printed name a target keeps is in its quote.
    for (k, p) in &ds.target_printed {
        let t = ds.targets.iter().find(|t| &digecon_dataset::target_key(t) == k).unwrap();
        let q = squeeze(&t.source.quote);
        assert!(q.contains(&squeeze(&p.name)) && q.contains(&p.unit), "{k:?}: {p:?} not in {}", t.source.quote);
    }
}

/// 001's 发展目标 goals the table does not carry are targets, with the wording as printed.
#[test]
fn the_fyp_goals_outside_the_table_are_targets() {
    let ds = dataset();
    let target = |code: &str| {
        let t = ds.targets.iter().find(|t| t.plan_id == "jx-14fyp" && t.indicator_code == code && t.target_year == 2025);
        t.unwrap_or_else(|| panic!("{code}")).target_text.clone()
    };
    assert_eq!(target("SMART_CITY_COUNTY_SHARE"), "60%以上");
    assert_eq!(target("BENCHMARK_SMART_CITIES"), "力争打造2-3个");
    assert_eq!(target("VILLAGE_5G_SHARE"), "80%");
    // Every unit or full coverage, printed without a number (the target parser reads them as 100 %).
    assert_eq!(target("SMART_CITY_CITY_SHARE"), "所有设区市");
    assert_eq!(target("GIGABIT_CITY_SHARE"), "全省设区市建成千兆城市");
    assert_eq!(target("TOWN_GIGABIT_5G_COVERAGE"), "实现千兆光纤和5G网络全覆盖");
    assert_eq!(target("VILLAGE_GIGABIT_SHARE"), "全部行政村实现千兆光纤网络覆盖");
    assert_eq!(
        ds.targets.iter().filter(|t| t.plan_id == "jx-14fyp").count(),
        70,
        "19 table rows + 11 from 发展目标 + 40 goals of the tasks' text (issue 15's ledger)"
    );
    assert_eq!(ds.targets.len(), 261);
}

/// Ranks the documents print in Chinese numerals are held, each proved by its quote.
#[test]
fn ranks_in_chinese_numerals_are_held() {
    let ds = dataset();
    let value = |code: &str, year: i32| {
        let o = ds.observations.iter().find(|o| o.region_code == "360000" && o.indicator_code == code && o.period == digecon_core::Period::Year(year));
        let o = o.unwrap_or_else(|| panic!("{code} {year}"));
        assert!(in_chinese_numerals(&o.source.quote, o.value), "{code}: {} is not in {}", o.value, o.source.quote);
        o.value
    };
    assert_eq!(value("INET_REV_RANK_CN", 2022), 9.0, "全国排名第九位");
    assert_eq!(value("INET_REV_RANK_CENTRAL", 2022), 1.0, "中部六省排名第一位");
    assert_eq!(value("INET_REV_GROWTH_RANK_CN", 2022), 1.0, "增速在全国位居第一");
    assert_eq!(value("INET_ENTERPRISES_ABOVE_RANK_CN", 2022), 8.0, "全国排名第八位");
    assert_eq!(value("INET_ENTERPRISES_ABOVE_RANK_CENTRAL", 2022), 1.0);
    assert_eq!(value("IIOT_NODES_RANK_CENTRAL", 2022), 1.0, "中部第一");
    assert_eq!(value("EI_REV_RANK_CN", 2022), 4.0, "第四位");
    assert_eq!(value("EI_REV_RANK_CN", 2020), 7.0, "001: 全国第七位");
    assert_eq!(value("EI_REV_RANK_CENTRAL", 2020), 1.0, "001: 中部第一位");
    // A numeral that is not the value proves nothing.
    assert!(!in_chinese_numerals("全国排名第九位", 8.0));
}

/// 负增长 is held as the bound `< 0`: the white paper's five cities with falling software revenue.
#[test]
fn negative_growth_is_a_bound() {
    let ds = dataset();
    let mut cities: Vec<&str> = ds
        .constraints
        .iter()
        .filter(|c| c.indicator_code == "SW_REV_GROWTH" && c.relation == digecon_core::Relation::Lt && c.value == 0.0)
        .map(|c| c.region_code.as_str())
        .collect();
    cities.sort();
    assert_eq!(cities, ["360300", "360400", "360700", "360800", "361100"], "萍乡 九江 赣州 吉安 上饶");
    // Ganzhou's stored value (003: −4.1) agrees.
    let gz = ds.observations.iter().find(|o| o.region_code == "360700" && o.indicator_code == "SW_REV_GROWTH").unwrap();
    assert_eq!(gz.value, -4.1);
}

/// The remaining facts of 001's 发展基础 and 004's 发展现状 (issue 15 item 1), as printed: counts,
/// shares, a rank streak, a Chinese-numeral count (两个 nodes) and the bounds written 近 / 超.
#[test]
fn fyp_background_figures_are_held() {
    use digecon_core::Relation;
    let ds = dataset();
    let value = |region: &str, code: &str| {
        ds.observations
            .iter()
            .find(|o| o.region_code == region && o.indicator_code == code && o.period.to_string() == "2020")
            .map(|o| o.value)
            .unwrap_or_else(|| panic!("no observation {region} {code} 2020"))
    };
    assert_eq!(value("360000", "NBIOT_BS_10K"), 7.2);
    assert_eq!(value("360000", "DATA_SILOS_LINKED_LOCAL"), 498.0);
    assert_eq!(value("360000", "DIGITAL_VILLAGE_PILOTS_NATL"), 4.0);
    assert_eq!(value("360000", "ONE_VISIT_RATE"), 95.3);
    assert_eq!(value("360000", "STI_RANK_RISE_YEARS"), 7.0);
    assert_eq!(value("360000", "IIOT_5G_DEMO_ENT_FIRST"), 14.0);
    assert_eq!(value("360700", "IIOT_5G_DEMO_ENT_FIRST"), 5.0);
    assert_eq!(value("360700", "IIOT_NODES"), 2.0);
    assert_eq!(value("360700", "GOV_SYSTEMS_LINKED"), 140.0);
    assert_eq!(value("360700", "NATL_PROV_SYSTEMS_LINK_RATE"), 51.0);
    let bound = |region: &str, code: &str| {
        ds.constraints
            .iter()
            .find(|c| c.region_code == region && c.indicator_code == code)
            .map(|c| (c.relation, c.value))
            .unwrap_or_else(|| panic!("no constraint {region} {code}"))
    };
    assert_eq!(bound("360000", "GFT_MOBILE_ITEMS"), (Relation::Le, 7000.0));
    assert_eq!(bound("360700", "XINCHUANG_ENT_INTRODUCED"), (Relation::Le, 50.0));
    assert_eq!(bound("360700", "STBD_PROJECTS_SIGNED"), (Relation::Gt, 100.0));
}
