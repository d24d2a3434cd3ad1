//! Writes a large task ledger for timing the importer, and times `read_task_ledger` on it.
//!
//! ```sh
//! cargo run --release -p digecon-ledger --example big_ledger -- 200000 /tmp/ledger-200k.xlsx        # valid rows
//! cargo run --release -p digecon-ledger --example big_ledger -- 200000 /tmp/ledger-200k-bad.xlsx bad # two problems a row
//! cargo run --release -p digecon-ledger --example big_ledger -- 200000 /tmp/ledger-200k-empty.xlsx empty # goal values left empty
//! ```
//!
//! Rows cycle over the tasks of the 2022 work plan with a new month each round (1900-01 on), so
//! every (task, month) is distinct. `bad` gives every row an unknown status and a percent of 150;
//! `empty` writes goal-value rows whose goal id and value are empty instead.
//! The file is then read back with the embedded dataset's items and the time printed; time the
//! CLI on the same file with `digecon tasks import --db demo.db FILE --dry-run`.

use std::time::Instant;

use digecon_dataset::Dataset;
use digecon_ledger::demo::DEMO_PLAN;
use digecon_ledger::workbook::{read_task_ledger, TaskLedgerContext};
use digecon_ledger::{items, ItemKind};
use rust_xlsxwriter::Workbook;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rows: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let out = args.get(2).cloned().unwrap_or_else(|| "ledger-big.xlsx".into());
    let bad = args.get(3).is_some_and(|a| a == "bad");
    let empty = args.get(3).is_some_and(|a| a == "empty");
    let ds = Dataset::embedded().expect("embedded dataset");
    let all = items(&ds.plans, &ds.tasks, &ds.projects).expect("items");
    let tasks: Vec<u32> = all.iter().filter(|i| i.key.plan_id == DEMO_PLAN && i.key.kind == ItemKind::Task).map(|i| i.key.number).collect();

    let mut wb = Workbook::new();
    if empty {
        // Goal values whose goal id and value were left empty: two problems a row, each a
        // "required value is empty" (the shape that made the old reader quadratic).
        let ws = wb.add_worksheet();
        ws.set_name("目标实测 goal_values").unwrap();
        for (c, h) in ["计划 plan_id", "类型 kind", "序号 number", "期间 period", "目标编号 goal_id", "实测值 value"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for i in 0..rows {
            ws.write_string(i + 1, 0, DEMO_PLAN).unwrap();
            ws.write_number(i + 1, 2, f64::from(tasks[i as usize % tasks.len()])).unwrap();
            ws.write_string(i + 1, 3, "2022-09").unwrap();
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name("任务进度 progress").unwrap();
    for (c, h) in ["计划 plan_id", "类型 kind", "序号 number", "期间 period", "状态 status", "完成百分比 percent"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..if empty { 0 } else { rows } {
        let r = i + 1;
        let round = i / tasks.len() as u32;
        let (y, m) = (1900 + round / 12, round % 12 + 1);
        ws.write_string(r, 0, DEMO_PLAN).unwrap();
        ws.write_string(r, 1, "task").unwrap();
        ws.write_number(r, 2, f64::from(tasks[i as usize % tasks.len()])).unwrap();
        ws.write_string(r, 3, format!("{y}-{m:02}")).unwrap();
        ws.write_string(r, 4, if bad { "不知道" } else { "推进中" }).unwrap();
        ws.write_number(r, 5, if bad { 150.0 } else { 50.0 }).unwrap();
    }
    let bytes = wb.save_to_buffer().expect("xlsx");
    std::fs::write(&out, &bytes).expect("write");
    println!("wrote {out}: {rows} rows, {} bytes", bytes.len());

    let ctx = TaskLedgerContext { items: &all, departments: &ds.departments, existing_reports: &[] };
    let t = Instant::now();
    let result = read_task_ledger(&bytes, &out, &ctx);
    let secs = t.elapsed().as_secs_f64();
    match result {
        Ok(l) => println!("read_task_ledger: {} reports in {secs:.2} s", l.reports.len()),
        Err(e) => println!("read_task_ledger: {} problems in {secs:.2} s", e.0.len()),
    }
}
