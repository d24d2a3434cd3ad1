//! Ledger workbooks: the demo ledger goes out and comes back unchanged; bad files are rejected
//! as a whole with sheet, row and column.

use digecon_dataset::Dataset;
use digecon_ledger::demo::{generate, DemoLedger, DEMO_PLAN};
use digecon_ledger::workbook::{
    read_project_ledger, read_task_ledger, write_project_ledger, write_task_ledger, ProjectLedgerContext, TaskLedgerContext,
};
use digecon_ledger::{items, LedgerItem, MonthlyReport, Subject};
use rust_xlsxwriter::Workbook;

fn setup() -> (Dataset, Vec<LedgerItem>, DemoLedger) {
    let ds = Dataset::embedded().unwrap();
    let all = items(&ds.plans, &ds.tasks, &ds.projects).unwrap();
    let demo = generate(2022, &all, &ds.regions, &ds.departments).unwrap();
    (ds, all, demo)
}

#[test]
fn task_ledger_round_trips() {
    let (ds, all, demo) = setup();
    let plan: Vec<LedgerItem> = all.iter().filter(|i| i.key.plan_id == DEMO_PLAN).cloned().collect();
    let bytes = write_task_ledger(&plan, &demo.reports, &demo.problems, &ds.departments).unwrap();
    let ctx = TaskLedgerContext { items: &all, departments: &ds.departments, existing_reports: &[] };
    let back = read_task_ledger(&bytes, "ledger.xlsx", &ctx).unwrap();
    let mut expected = demo.reports.clone();
    let mut contributions = Vec::new();
    for r in &mut expected {
        for c in r.contributions.drain(..) {
            contributions.push((r.key.clone(), r.period, c));
        }
        r.recorded_by.clear();
    }
    for c in &mut contributions {
        c.2.recorded_by.clear();
    }
    assert_eq!(back.reports, expected);
    assert_eq!(back.contributions, contributions);
    let task_problems: Vec<_> = demo
        .problems
        .iter()
        .filter(|p| matches!(p.subject, Subject::Item(_)))
        .cloned()
        .map(|mut p| {
            p.recorded_by.clear();
            p
        })
        .collect();
    assert_eq!(back.problems, task_problems);
}

#[test]
fn project_ledger_round_trips() {
    let (ds, _, demo) = setup();
    let bytes = write_project_ledger(&demo.projects, &demo.monthly, &demo.problems, &ds.regions, &ds.departments).unwrap();
    let ctx = ProjectLedgerContext { regions: &ds.regions, departments: &ds.departments, existing_projects: &[], existing_monthly: &[] };
    let back = read_project_ledger(&bytes, "projects.xlsx", &ctx).unwrap();
    let mut projects = demo.projects.clone();
    projects.iter_mut().for_each(|p| p.recorded_by.clear());
    let mut monthly = demo.monthly.clone();
    monthly.iter_mut().for_each(|m| m.recorded_by.clear());
    assert_eq!(back.projects, projects);
    assert_eq!(back.monthly, monthly);
    assert_eq!(back.problems.len(), demo.problems.iter().filter(|p| matches!(p.subject, Subject::KeyProject { .. })).count());
}

/// A workbook with one sheet of rows (strings; numbers where they parse as numbers).
fn workbook(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut wb = Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell.parse::<f64>() {
                    Ok(n) if r > 0 => ws.write_number(r as u32, c as u16, n).unwrap(),
                    _ => ws.write_string(r as u32, c as u16, *cell).unwrap(),
                };
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn bad_task_ledger_is_rejected_with_sheet_row_and_column() {
    let (ds, all, _) = setup();
    let ctx = TaskLedgerContext { items: &all, departments: &ds.departments, existing_reports: &[] };
    let header: &[&str] = &["计划 plan_id", "序号 number", "期间 period", "填报单位 department", "状态 status", "完成百分比 percent"];
    let bytes = workbook(&[(
        "任务进度 progress",
        &[
            header,
            &["jx-2022-workplan", "17", "2022-Q3", "省发改委", "推进中", "80"],
            &["jx-2022-workplan", "98", "2022-Q3", "省发改委", "推进中", "80"],
            &["jx-2022-workplan", "1", "2022", "省科技厅", "进行中", "120"],
            &["jx-2022-workplan", "1", "2022-Q3", "省工信厅", "推进中", "80"],
        ],
    )]);
    let errs = read_task_ledger(&bytes, "bad.xlsx", &ctx).unwrap_err();
    let lines: Vec<String> = errs.0.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        lines[0],
        "bad.xlsx:任务进度 progress:3:B（序号 number）: 未知的任务序号 / task number 98 in plan `jx-2022-workplan` (1–97)"
    );
    // Row 4: a year is not a reporting period, the status word is not one of the four, 120 % is out of range.
    let row4: Vec<(&str, &str)> = errs.0.iter().filter(|e| e.line == 4).map(|e| (e.column.as_deref().unwrap_or("").split('（').next().unwrap(), e.message.as_str())).collect();
    assert_eq!(row4.iter().map(|e| e.0).collect::<Vec<_>>(), ["C", "E", "F"], "{lines:#?}");
    assert!(row4[0].1.contains("月或季度") && row4[1].1.contains("`进行中`") && row4[2].1.contains("0 and 100"));
    // Row 5: 省工信厅 co-operates on task 1 but does not lead it.
    let row5: Vec<&String> = lines.iter().filter(|l| l.contains(":5:")).collect();
    assert_eq!(row5.len(), 1);
    assert!(row5[0].contains(":5:D（") && row5[0].contains("不是该任务的牵头单位"), "{row5:?}");
    assert_eq!(errs.0.len(), 5, "{lines:#?}");
    let text = errs.to_string();
    assert!(text.starts_with("台账有 5 处错误，未写入任何数据 / 5 problem(s) found, nothing was written:"), "{text}");

    // Unknown sheets and columns are errors, not skipped.
    let bytes = workbook(&[("Sheet1", &[&["a"]]), ("任务进度 progress", &[&["计划 plan_id", "序号 number", "备注 remark"]])]);
    let errs = read_task_ledger(&bytes, "bad.xlsx", &ctx).unwrap_err();
    let lines: Vec<String> = errs.0.iter().map(|e| e.to_string()).collect();
    assert!(lines[0].starts_with("bad.xlsx:Sheet1: ") && lines[0].contains("未知的工作表"), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains(":1:C（备注 remark）: ") && l.contains("未知的列")), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("缺少必需的列") && l.contains("期间 period")), "{lines:#?}");
}

#[test]
fn bad_project_ledger_is_rejected_with_sheet_row_and_column() {
    let (ds, _, demo) = setup();
    // Stored: the demo's project 1 with its reports through August.
    let stored_projects = vec![demo.projects[0].clone()];
    let code = stored_projects[0].code.clone();
    let stored: Vec<MonthlyReport> = demo.monthly.iter().filter(|m| m.code == code && m.month <= 8).cloned().collect();
    let aug = stored.last().unwrap().ytd_investment;
    let ctx = ProjectLedgerContext { regions: &ds.regions, departments: &ds.departments, existing_projects: &stored_projects, existing_monthly: &stored };
    let kp: &[&str] = &[
        "年度 year", "项目编码 code", "项目名称 name", "地区代码 region_code", "行业赛道 industry", "项目类型 kind",
        "总投资（万元） total_investment", "年度计划投资（万元） planned_investment", "开工年月 start", "竣工年月 end",
        "牵头单位 lead_unit", "项目状态 status",
    ];
    let monthly: &[&str] = &["期间 period", "项目编码 code", "当月完成投资（万元） month_investment", "累计完成投资（万元） ytd_investment"];
    let below = format!("{}", aug - 500.0);
    let bytes = workbook(&[
        (
            "重点项目 key_projects",
            &[kp, &["2022", "NEW-1", "测试项目", "360100", "电子信息制造", "数字经济重点产业项目", "50000", "-100", "2022-01", "2023-12", "省工信厅", "在建"]],
        ),
        (
            "月度投资 monthly",
            &[
                monthly,
                &["2022-09", &code, "0", &below],
                &["2022-09", "NOPE-1", "10", "10"],
                &["2022-01", "NEW-1", "-5", "0"],
            ],
        ),
    ]);
    let errs = read_project_ledger(&bytes, "bad.xlsx", &ctx).unwrap_err();
    let lines: Vec<String> = errs.0.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        lines[0],
        "bad.xlsx:重点项目 key_projects:2:H（年度计划投资（万元） planned_investment）: 投资额不能为负 / planned_investment must not be negative, got -100"
    );
    let fmt = digecon_core::format_value;
    assert_eq!(
        lines[1],
        format!(
            "bad.xlsx:月度投资 monthly:2:D（累计完成投资（万元） ytd_investment）: 累计完成投资 {} 低于 8 月累计 {} / year-to-date {} is below month 8's year-to-date {}",
            fmt(aug - 500.0),
            fmt(aug),
            fmt(aug - 500.0),
            fmt(aug)
        )
    );
    assert!(lines[2].contains(":3:B（") && lines[2].contains("未知的项目编码 / unknown project `NOPE-1`"), "{lines:#?}");
    // NEW-1 is listed in the same file (its row has an error of its own); its January amount is negative.
    assert!(lines.iter().any(|l| l.contains(":4:C（") && l.contains("must not be negative")), "{lines:#?}");
    assert_eq!(errs.0.len(), 4, "{lines:#?}");
}
