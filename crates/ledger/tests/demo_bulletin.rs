//! The demo ledger and the 2022-Q3 bulletin computed from it. The test recomputes the
//! bulletin's figures from the raw demo rows with its own arithmetic (and its own reading of
//! the colour rule for quarterly reports of an annual plan) and finds them in the text.

use std::collections::BTreeMap;

use digecon_dataset::Dataset;
use digecon_ledger::bulletin::{self, BulletinInput, BulletinOptions};
use digecon_ledger::demo::{generate, DemoLedger, DEMO_PLAN};
use digecon_ledger::{check_report, items, LedgerItem, Period, ProgressStatus, Subject};

fn setup() -> (Dataset, Vec<LedgerItem>, DemoLedger) {
    let ds = Dataset::embedded().unwrap();
    let all = items(&ds.plans, &ds.tasks, &ds.projects).unwrap();
    let demo = generate(2022, &all, &ds.regions, &ds.departments).unwrap();
    (ds, all, demo)
}

#[test]
fn demo_is_seeded_synthetic_and_sums_to_650_yi() {
    let (ds, all, demo) = setup();
    assert_eq!(demo, generate(2022, &all, &ds.regions, &ds.departments).unwrap(), "same seed, same ledger");
    assert_ne!(demo.projects, generate(7, &all, &ds.regions, &ds.departments).unwrap().projects);
    assert_eq!(demo.projects.len(), 100);
    // 002 task 17: 650 亿元 = 6 500 000 万元, exactly.
    assert_eq!(demo.projects.iter().map(|p| p.planned_investment).sum::<f64>(), 6_500_000.0);
    assert!(demo.projects.iter().all(|p| p.synthetic && p.code.starts_with("DEMO22-") && p.planned_investment >= 10_000.0));
    assert!(demo.monthly.iter().all(|m| m.synthetic) && demo.reports.iter().all(|r| r.synthetic) && demo.problems.iter().all(|p| p.synthetic));
    assert_eq!(demo.monthly.len(), 1200, "12 months × 100 projects");
    let refs: Vec<_> = demo.monthly.iter().collect();
    for m in &demo.monthly {
        assert!(check_report(m, &refs).is_empty(), "{m:?}");
    }
    // Every region is a city, a county under one, or the provincial zone; every lead unit exists.
    assert!(demo.projects.iter().all(|p| ds.regions.iter().any(|r| r.code == p.region_code)));
    assert!(demo.projects.iter().all(|p| ds.departments.iter().any(|d| d.code == p.lead_unit)));
    // Reports: the 97 tasks of the 2022 plan, at most four quarters each, by their first lead unit.
    let tasks: Vec<&LedgerItem> = all.iter().filter(|i| i.key.plan_id == DEMO_PLAN).collect();
    assert_eq!(tasks.len(), 97);
    for r in &demo.reports {
        let item = tasks.iter().find(|t| t.key == r.key).expect("a 2022 task");
        assert_eq!(r.department_code, item.lead_units[0]);
        assert!(matches!(r.period, Period::Quarter(2022, _)));
        assert!(r.values.keys().all(|g| item.goal(g).is_some()));
    }
    let reported: std::collections::BTreeSet<_> = demo.reports.iter().map(|r| r.key.number).collect();
    assert_eq!(reported.len(), 97);
}

/// The colour of a quarterly report of an annual-plan task, by hand: the 序时进度 share is
/// q/4; late if declared behind, percent below it, an accumulating goal below goal × share, or
/// at Q4 a goal unmeasured or unmet.
fn late_by_hand(item: &LedgerItem, r: &digecon_ledger::ProgressReport, q: u8) -> bool {
    let share = f64::from(q) / 4.0;
    let percent = r.percent.or((r.status == ProgressStatus::Completed).then_some(100.0));
    if r.status == ProgressStatus::Behind || percent.is_some_and(|p| p < share * 100.0 - 1e-9) {
        return true;
    }
    item.goals.iter().any(|g| match r.values.get(&g.id) {
        None => q == 4,
        Some(&v) if q == 4 => !g.is_met_by(v),
        Some(&v) => g.unit != "%" && v < g.value * share - 1e-9,
    })
}

#[test]
fn bulletin_2022_q3_states_figures_recomputed_by_hand() {
    let (ds, all, demo) = setup();
    let plan_items: Vec<LedgerItem> = all.iter().filter(|i| i.key.plan_id == DEMO_PLAN).cloned().collect();
    let input = BulletinInput {
        items: &plan_items,
        reports: &demo.reports,
        projects: &demo.projects,
        monthly: &demo.monthly,
        problems: &demo.problems,
        regions: &ds.regions,
        departments: &ds.departments,
    };
    let b = bulletin::build(&input, "2022-Q3".parse().unwrap(), BulletinOptions::default()).unwrap();
    let doc = bulletin::document(&b);
    let md = bulletin::markdown(&doc);

    // Colours of the 97 tasks at Q3.
    let (mut green, mut yellow, mut red, mut grey) = (0, 0, 0, 0);
    for item in &plan_items {
        let report = |q: u8| demo.reports.iter().find(|r| r.key == item.key && r.period == Period::Quarter(2022, q));
        match report(3) {
            None => grey += 1,
            Some(r) if late_by_hand(item, r, 3) => red += 1,
            Some(_) => {
                let previous = (1..3u8).rev().find_map(|q| report(q).map(|r| (q, r)));
                if previous.is_some_and(|(q, r)| late_by_hand(item, r, q)) {
                    yellow += 1
                } else {
                    green += 1
                }
            }
        }
    }
    assert_eq!(green + yellow + red + grey, 97);
    assert!(red > 0 && green > 50, "the demo has late tasks and mostly on-time ones: {green} {yellow} {red} {grey}");
    let sentence = format!("纳入调度的重点任务 97 项：绿色（按序时推进）{green} 项，黄色（曾滞后、已赶上）{yellow} 项，红色（滞后）{red} 项，灰色（未报送）{grey} 项。");
    assert!(md.contains(&sentence), "expected «{sentence}» in\n{md}");

    // Investment: Σ YTD of September over Σ planned.
    let ytd: f64 = demo.monthly.iter().filter(|m| m.month == 9).map(|m| m.ytd_investment).sum();
    let planned: f64 = demo.projects.iter().map(|p| p.planned_investment).sum();
    let completion = ytd / planned * 100.0;
    let lagging = demo
        .projects
        .iter()
        .filter(|p| {
            let y = demo.monthly.iter().find(|m| m.code == p.code && m.month == 9).unwrap().ytd_investment;
            y / p.planned_investment * 100.0 < 75.0
        })
        .count();
    let gap = completion - 75.0;
    let gap_words = if gap >= 0.05 { format!("高于序时进度 {:.1} 个百分点", gap) } else { format!("低于序时进度 {:.1} 个百分点", -gap) };
    let sentence = format!(
        "100 个数字经济重点产业项目年度计划投资 650.00 亿元，1—9 月累计完成投资 {:.2} 亿元，占年度计划的 {:.1}%，{gap_words}；滞后于序时进度的项目 {lagging} 个。",
        ytd / 10000.0,
        completion
    );
    assert!(md.contains(&sentence), "expected «{sentence}» in\n{md}");

    // By city: the first row of the league table is the city with the highest completion.
    let tree: BTreeMap<&str, &str> = ds.regions.iter().filter_map(|r| r.parent_code.as_deref().map(|p| (r.code.as_str(), p))).collect();
    let city = |code: &str| -> String {
        let level = |c: &str| ds.regions.iter().find(|r| r.code == c).unwrap().level;
        if level(code) == digecon_core::RegionLevel::County { tree[code].to_string() } else { code.to_string() }
    };
    let mut by_city: BTreeMap<String, (f64, f64, usize)> = BTreeMap::new();
    for p in &demo.projects {
        let y = demo.monthly.iter().find(|m| m.code == p.code && m.month == 9).unwrap().ytd_investment;
        let e = by_city.entry(city(&p.region_code)).or_default();
        e.0 += p.planned_investment;
        e.1 += y;
        e.2 += 1;
    }
    assert_eq!(by_city.len(), 12, "11 cities and 赣江新区");
    let (best, (bp, by, bn)) = by_city.iter().max_by(|a, b| (a.1 .1 / a.1 .0).total_cmp(&(b.1 .1 / b.1 .0))).unwrap();
    let name = &ds.regions.iter().find(|r| &r.code == best).unwrap().name_zh;
    let row = format!("| 1 | {name} | {bn} | {:.2} | {:.2} | {:.1} |", bp / 10000.0, by / 10000.0, by / bp * 100.0);
    assert!(md.contains(&row), "expected «{row}» in\n{md}");

    // Problems: raised in July–September (projects) or in 2022-Q3 (tasks); open at the end of September.
    let in_q3 = |p: &digecon_ledger::Problem| match p.raised {
        Period::Month(2022, m) => (7..=9).contains(&m),
        Period::Quarter(2022, 3) => true,
        _ => false,
    };
    let end = |p: &Period| digecon_ledger::month_index(p);
    let sept = end(&Period::Month(2022, 9));
    let open = |p: &&digecon_ledger::Problem| end(&p.raised) <= sept && p.resolved.is_none_or(|r| end(&r) > sept);
    let raised = demo.problems.iter().filter(|p| in_q3(p)).count();
    let open_total = demo.problems.iter().filter(open).count();
    let open_long = demo.problems.iter().filter(open).filter(|p| sept - end(&p.raised) > 3).count();
    let sentence = format!("本季度新提出问题 {raised} 个；截至 2022 年 9 月底仍未解决的问题 {open_total} 个，其中持续超过 3 个月的 {open_long} 个。");
    assert!(md.contains(&sentence), "expected «{sentence}» in\n{md}");
    assert!(demo.problems.iter().any(|p| matches!(p.subject, Subject::KeyProject { .. })));

    // Every red task is listed with its lead unit.
    assert!(md.contains(&format!("### 红色任务（{red} 项）")));
    // The synthetic warning, in every format.
    assert!(md.contains("合成（演示）数据"));
    let html = bulletin::html(&doc);
    assert!(html.contains("合成（演示）数据") && html.contains(&format!("{:.2}", ytd / 10000.0)));
    let xlsx = bulletin::xlsx(&b, &doc).unwrap();
    assert!(xlsx.starts_with(b"PK"));
    println!("{md}");
}
