//! The ledger commands as a user runs them, on SQLite and PostgreSQL: `tasks list` with parsed
//! goals, progress reports and colours, the demo ledger, the 2022-Q3 bulletin (its figures
//! recomputed here from the generated demo rows), and bad ledger workbooks rejected with sheet,
//! row and column while the database stays as it was.

use std::path::Path;
use std::io::Write;
use std::process::{Command, Output, Stdio};

use digecon_dataset::Dataset;
use digecon_ledger::demo::{generate, DemoLedger};
use digecon_store::testing::TestDb;
use rust_xlsxwriter::Workbook;

struct Run {
    out: String,
    err: String,
    ok: bool,
}

/// `digecon SUB [SUB2] --db … ARGS…` (the database goes after the subcommand path).
fn run(dir: &Path, db: &TestDb, path: &[&str], args: &[&str]) -> Run {
    let mut all: Vec<String> = path.iter().map(|s| s.to_string()).collect();
    match db.url.strip_prefix("sqlite:") {
        Some(p) => all.extend(["--db".to_string(), p.to_string()]),
        None => all.extend(["--database-url".to_string(), db.url.clone()]),
    }
    all.extend(args.iter().map(|s| s.to_string()));
    let Output { status, stdout, stderr } =
        Command::new(env!("CARGO_BIN_EXE_digecon")).args(&all).current_dir(dir).output().expect("run digecon");
    Run { out: String::from_utf8(stdout).unwrap(), err: String::from_utf8(stderr).unwrap(), ok: status.success() }
}

fn ok(r: Run, what: &str) -> String {
    assert!(r.ok, "{what}: {}", r.err);
    r.out
}

fn demo() -> DemoLedger {
    let ds = Dataset::embedded().unwrap();
    let items = digecon_ledger::items(&ds.plans, &ds.tasks, &ds.projects).unwrap();
    generate(2022, &items, &ds.regions, &ds.departments).unwrap()
}

#[test]
fn tasks_list_shows_parsed_goals_and_reports_colour_on_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    for db in TestDb::both() {
        let l = db.label;
        ok(run(dir.path(), &db, &["init"], &[]), l);
        let csv = ok(run(dir.path(), &db, &["tasks", "list"], &["--format", "csv"]), l);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "plan_id,kind,number,section,lead_units,goal_count,goals,not_goals", "{l}");
        assert_eq!(lines.len(), 1 + 122 + 18, "{l}: every task and engineering project");
        assert!(lines.contains(&"jx-2022-workplan,task,1,（一）数字技术创新专项,省科技厅,1,G1 ≥30 个 [30 个以上],"), "{l}");
        assert!(csv.contains("jx-2022-workplan,task,28,") && csv.contains(",2,G1 ≥98 % [达到98%以上]; G2 4 万家 [达到4万家],"), "{l}");
        assert!(lines.contains(&"jx-2022-workplan,task,3,（一）数字技术创新专项,省科技厅,0,,"), "{l}: no number, no goal");
        let goals = ok(run(dir.path(), &db, &["tasks", "goals"], &["--format", "csv", "--plan", "gz-2023-keypoints"]), l);
        assert_eq!(goals.lines().count(), 1 + 41, "{l}");

        // Task 6 (培育 15 个省级科技创新平台): late in Q1, caught up in Q2.
        let report = |period: &str, percent: &str, g1: &str| {
            run(dir.path(), &db, &["tasks", "report"], &[
                "--plan", "jx-2022-workplan", "--number", "6", "--period", period, "--status", "in_progress", "--percent", percent,
                "--value", &format!("G1={g1}"), "--by", "tester",
            ])
        };
        assert!(ok(report("2022-Q1", "20", "3"), l).contains("红 red"), "{l}");
        assert!(ok(report("2022-Q2", "55", "8"), l).contains("黄 yellow"), "{l}");
        let status = ok(run(dir.path(), &db, &["tasks", "status"], &["--period", "2022-Q2", "--plan", "jx-2022-workplan", "--format", "csv"]), l);
        assert!(status.contains("jx-2022-workplan,task,6,（一）数字技术创新专项,省科技厅,黄 yellow,2022-Q2,55,50.0,2022-Q1 red,"), "{l}: {status}");
        assert!(status.contains("jx-2022-workplan,task,7,（一）数字技术创新专项,省科技厅,灰 grey,,,50.0,,"), "{l}");
        // A co-operating unit adds its part; a unit that is neither is refused.
        let part = run(dir.path(), &db, &["tasks", "report"], &["--plan", "jx-2022-workplan", "--number", "6", "--period", "2022-Q2", "--department", "省发改委", "--narrative", "配合提供数据"]);
        assert!(part.ok, "{l}: {}", part.err);
        let wrong = run(dir.path(), &db, &["tasks", "report"], &["--plan", "jx-2022-workplan", "--number", "6", "--period", "2022-Q2", "--department", "省教育厅", "--narrative", "x"]);
        assert!(!wrong.ok && wrong.err.contains("neither leads nor co-operates"), "{l}: {}", wrong.err);
        let unknown = report("2022-Q3", "80", "x");
        assert!(!unknown.ok && unknown.err.contains("`x` 不是数字"), "{l}: {}", unknown.err);
    }
}

#[test]
fn demo_bulletin_2022_q3_states_the_demo_figures_on_both_backends() {
    let d = demo();
    // Recomputed from the generated rows: Σ year-to-date investment at September, Σ plan, lagging.
    let ytd: f64 = d.monthly.iter().filter(|m| m.month == 9).map(|m| m.ytd_investment).sum();
    let planned: f64 = d.projects.iter().map(|p| p.planned_investment).sum();
    assert_eq!(planned, 6_500_000.0);
    let lagging = d
        .projects
        .iter()
        .filter(|p| d.monthly.iter().any(|m| m.code == p.code && m.month == 9 && m.ytd_investment / p.planned_investment < 0.75))
        .count();
    let headline = format!("1—9 月累计完成投资 {:.2} 亿元，占年度计划的 {:.1}%", ytd / 10000.0, ytd / planned * 100.0);
    let lag = format!("滞后于序时进度的项目 {lagging} 个");
    let reported_q3 = d.reports.iter().filter(|r| r.period.to_string() == "2022-Q3").count();

    let dir = tempfile::tempdir().unwrap();
    let mut texts = Vec::new();
    for db in TestDb::both() {
        let l = db.label;
        ok(run(dir.path(), &db, &["init"], &[]), l);
        let out = ok(run(dir.path(), &db, &["projects", "demo"], &[]), l);
        assert!(out.contains("100 key projects, 1200 monthly reports"), "{l}: {out}");
        let again = run(dir.path(), &db, &["projects", "demo"], &[]);
        assert!(!again.ok && again.err.contains("--force"), "{l}: {}", again.err);
        let list = ok(run(dir.path(), &db, &["projects", "list"], &["--year", "2022", "--format", "csv"]), l);
        assert_eq!(list.lines().count(), 101, "{l}");
        assert!(list.lines().skip(1).all(|r| r.ends_with(",true")), "{l}: every demo project is synthetic");

        let out_dir = dir.path().join(format!("bulletin-{l}"));
        let out = ok(run(dir.path(), &db, &["bulletin"], &["--quarter", "2022-Q3", "--out", out_dir.to_str().unwrap()]), l);
        assert!(out.contains("合成"), "{l}: {out}");
        let md = std::fs::read_to_string(out_dir.join("bulletin-2022-Q3.md")).unwrap();
        assert!(md.contains("100 个数字经济重点产业项目年度计划投资 650.00 亿元"), "{l}");
        assert!(md.contains(&headline), "{l}: expected «{headline}»\n{md}");
        assert!(md.contains(&lag), "{l}: expected «{lag}»");
        assert!(md.contains("纳入调度的重点任务 97 项"), "{l}");
        assert!(md.contains(&format!("灰色（未报送）{} 项", 97 - reported_q3)), "{l}");
        assert!(std::fs::read(out_dir.join("bulletin-2022-Q3.xlsx")).unwrap().starts_with(b"PK"), "{l}");
        assert!(std::fs::read_to_string(out_dir.join("bulletin-2022-Q3.html")).unwrap().contains(&format!("{:.2}", ytd / 10000.0)), "{l}");

        // Scheduling views agree with the bulletin.
        let by_city = ok(run(dir.path(), &db, &["projects", "schedule"], &["--month", "2022-09", "--by", "city", "--format", "csv"]), l);
        assert_eq!(by_city.lines().count(), 1 + 12, "{l}: 11 cities and 赣江新区");
        let sum_ytd: f64 = by_city.lines().skip(1).map(|r| r.split(',').nth(5).unwrap().parse::<f64>().unwrap()).sum();
        assert!((sum_ytd - ytd / 10000.0).abs() < 0.006 * 12.0, "{l}: {sum_ytd}");
        let lagging_rows = ok(run(dir.path(), &db, &["projects", "schedule"], &["--month", "2022-09", "--lagging", "--format", "csv"]), l);
        assert_eq!(lagging_rows.lines().count(), 1 + lagging, "{l}");
        texts.push(md);
    }
    assert_eq!(texts[0], texts[1], "both backends give the same bulletin");
}

fn xlsx(path: &Path, sheets: &[(&str, Vec<Vec<String>>)]) {
    let mut wb = Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell.parse::<f64>() {
                    Ok(n) if r > 0 => ws.write_number(r as u32, c as u16, n).unwrap(),
                    _ => ws.write_string(r as u32, c as u16, cell).unwrap(),
                };
            }
        }
    }
    wb.save(path).unwrap();
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

#[test]
fn bad_ledger_workbooks_are_rejected_with_sheet_row_column_and_nothing_is_written() {
    let d = demo();
    let code = d.projects[0].code.clone();
    let aug = d.monthly.iter().find(|m| m.code == code && m.month == 8).unwrap().ytd_investment;
    let dir = tempfile::tempdir().unwrap();
    let tasks_bad = dir.path().join("tasks-bad.xlsx");
    xlsx(&tasks_bad, &[(
        "任务进度 progress",
        vec![
            row(&["计划 plan_id", "序号 number", "期间 period", "状态 status", "完成百分比 percent"]),
            row(&["jx-2022-workplan", "17", "2022-Q4", "推进中", "90"]),
            row(&["jx-2022-workplan", "98", "2022-Q4", "推进中", "90"]),
        ],
    )]);
    let projects_bad = dir.path().join("projects-bad.xlsx");
    let below = format!("{}", aug - 1.0);
    xlsx(&projects_bad, &[(
        "月度投资 monthly",
        vec![
            row(&["期间 period", "项目编码 code", "当月完成投资（万元） month_investment", "累计完成投资（万元） ytd_investment"]),
            row(&["2022-10", &code, "-3", "0"]),
            row(&["2022-09", &code, "0", &below]),
        ],
    )]);
    for db in TestDb::both() {
        let l = db.label;
        ok(run(dir.path(), &db, &["init"], &[]), l);
        ok(run(dir.path(), &db, &["projects", "demo"], &[]), l);
        let before_tasks = ok(run(dir.path(), &db, &["tasks", "status"], &["--period", "2022-Q4", "--format", "csv"]), l);
        let before_projects = ok(run(dir.path(), &db, &["projects", "schedule"], &["--month", "2022-12", "--format", "csv"]), l);

        let r = run(dir.path(), &db, &["tasks", "import"], &[tasks_bad.to_str().unwrap()]);
        assert!(!r.ok, "{l}");
        assert!(r.err.contains("台账有 1 处错误，未写入任何数据 / 1 problem(s) found, nothing was written"), "{l}: {}", r.err);
        assert!(
            r.err.contains("tasks-bad.xlsx:任务进度 progress:3:B（序号 number）: 未知的任务序号 / task number 98 in plan `jx-2022-workplan` (1–97)"),
            "{l}: {}",
            r.err
        );

        let r = run(dir.path(), &db, &["projects", "import"], &[projects_bad.to_str().unwrap()]);
        assert!(!r.ok, "{l}");
        assert!(r.err.contains(":2:C（当月完成投资（万元） month_investment）: 投资额不能为负"), "{l}: {}", r.err);
        let fmt = digecon_core::format_value;
        assert!(
            r.err.contains(&format!(
                ":3:D（累计完成投资（万元） ytd_investment）: 累计完成投资 {} 低于 8 月累计 {}",
                fmt(aug - 1.0),
                fmt(aug)
            )),
            "{l}: {}",
            r.err
        );

        // Nothing was written: the same colours and the same schedule as before.
        assert_eq!(ok(run(dir.path(), &db, &["tasks", "status"], &["--period", "2022-Q4", "--format", "csv"]), l), before_tasks, "{l}");
        assert_eq!(ok(run(dir.path(), &db, &["projects", "schedule"], &["--month", "2022-12", "--format", "csv"]), l), before_projects, "{l}");

        // The exported ledgers import cleanly (a round trip through the form lead units use).
        let t = dir.path().join(format!("tasks-{l}.xlsx"));
        ok(run(dir.path(), &db, &["tasks", "export"], &["--out", t.to_str().unwrap()]), l);
        let out = ok(run(dir.path(), &db, &["tasks", "import"], &[t.to_str().unwrap(), "--by", "tester"]), l);
        assert!(out.contains(&format!("imported {} reports", d.reports.len())), "{l}: {out}");
        assert_eq!(ok(run(dir.path(), &db, &["tasks", "status"], &["--period", "2022-Q4", "--format", "csv"]), l), before_tasks, "{l}");
        let p = dir.path().join(format!("projects-{l}.xlsx"));
        ok(run(dir.path(), &db, &["projects", "export"], &["--out", p.to_str().unwrap(), "--year", "2022"]), l);
        let out = ok(run(dir.path(), &db, &["projects", "import"], &[p.to_str().unwrap(), "--dry-run"]), l);
        assert!(out.contains("100 projects, 1200 monthly reports"), "{l}: {out}");
    }
}

/// `digecon user add …` with the password on stdin.
fn add_user(dir: &Path, db: &TestDb, args: &[&str]) {
    let mut all: Vec<String> = ["user", "add"].iter().map(|s| s.to_string()).collect();
    match db.url.strip_prefix("sqlite:") {
        Some(p) => all.extend(["--db".to_string(), p.to_string()]),
        None => all.extend(["--database-url".to_string(), db.url.clone()]),
    }
    all.extend(args.iter().map(|s| s.to_string()));
    all.push("--password-stdin".into());
    let mut child = Command::new(env!("CARGO_BIN_EXE_digecon"))
        .args(&all)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"correct horse battery staple 42\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn acting_as_a_user_files_only_for_its_own_unit_and_region() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::sqlite();
    ok(run(dir.path(), &db, &["init"], &[]), "init");
    ok(run(dir.path(), &db, &["projects", "demo"], &[]), "demo");
    add_user(dir.path(), &db, &["--username", "drc", "--role", "department", "--department", "360000-drc"]);
    add_user(dir.path(), &db, &["--username", "nc", "--role", "city", "--region", "360100"]);
    let task6 = ["--plan", "jx-2022-workplan", "--number", "6", "--period", "2022-Q4"];

    // 省发改委 co-operates on task 6 (led by 省科技厅): it may add its part, not file the lead's report.
    let mut args = task6.to_vec();
    args.extend(["--status", "completed", "--department", "360000-most", "--as", "drc"]);
    let r = run(dir.path(), &db, &["tasks", "report"], &args);
    assert!(!r.ok && r.err.contains("`drc` does not act for `360000-most`"), "{}", r.err);
    let mut args = task6.to_vec();
    args.extend(["--narrative", "配合提供项目清单", "--as", "drc"]);
    let r = run(dir.path(), &db, &["tasks", "report"], &args);
    assert!(r.ok && r.out.contains("省发改委"), "{}", r.err);

    // Nanchang files for a project in Nanchang, not for one elsewhere.
    let list = ok(run(dir.path(), &db, &["projects", "schedule"], &["--month", "2022-12", "--format", "csv"]), "schedule");
    let code_in = |city: &str, negate: bool| -> String {
        list.lines().skip(1).find(|l| (l.split(',').nth(3) == Some(city)) != negate).unwrap().split(',').next().unwrap().to_string()
    };
    let (mine, other) = (code_in("南昌市", false), code_in("南昌市", true));
    // December: the demo has reports for every month, so file a correction of December itself.
    let dec = |code: &str| {
        let d = demo();
        let r = d.monthly.iter().find(|m| m.code == code && m.month == 12).unwrap().clone();
        (format!("{}", r.month_investment), format!("{}", r.ytd_investment))
    };
    let (m, y) = dec(&mine);
    let r = run(dir.path(), &db, &["projects", "report"], &["--code", &mine, "--period", "2022-12", "--month", &m, "--ytd", &y, "--as", "nc"]);
    assert!(r.ok, "{}", r.err);
    let (m, y) = dec(&other);
    let r = run(dir.path(), &db, &["projects", "report"], &["--code", &other, "--period", "2022-12", "--month", &m, "--ytd", &y, "--as", "nc"]);
    assert!(!r.ok && r.err.contains("may not file for project"), "{}", r.err);
}
