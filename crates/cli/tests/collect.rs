//! Data collection end to end, as users run it, on SQLite and PostgreSQL: a county's month from
//! template to approval, an import with bad cells that writes nothing, filing rate and
//! timeliness, the template round trip; and the default forms against the published figures.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, Reader};
use digecon_store::testing::TestDb;

struct Run {
    out: String,
    err: String,
    ok: bool,
}

/// Runs `digecon` with the clock fixed at `now` (RFC 3339).
fn digecon(dir: &Path, db: &TestDb, now: &str, args: &[&str]) -> Run {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    // The database options go after the subcommand (and its sub-subcommand, if any).
    let at = if ["forms", "filings"].contains(&args[0]) { 2 } else { 1 };
    let db_args = match db.url.strip_prefix("sqlite:") {
        Some(path) => vec!["--db".to_string(), path.to_string()],
        None => vec!["--database-url".to_string(), db.url.clone()],
    };
    for (i, a) in db_args.into_iter().enumerate() {
        all.insert(at + i, a);
    }
    let Output { status, stdout, stderr } = Command::new(env!("CARGO_BIN_EXE_digecon"))
        .args(&all)
        .current_dir(dir)
        .env("DIGECON_NOW", now)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run digecon");
    Run { out: String::from_utf8(stdout).unwrap(), err: String::from_utf8(stderr).unwrap(), ok: status.success() }
}

fn ok(r: Run, what: &str) -> String {
    assert!(r.ok, "{what} failed:\n{}\n{}", r.out, r.err);
    r.out
}

const COUNTY: &[&str] = &["--actor-name", "zhanggong", "--actor-role", "county", "--actor-region", "360702"];
const COUNTY_NANKANG: &[&str] = &["--actor-name", "nankang", "--actor-role", "county", "--actor-region", "360703"];
const CITY: &[&str] = &["--actor-name", "ganzhou", "--actor-role", "city", "--actor-region", "360700"];
const PROVINCE: &[&str] = &["--actor-name", "sheng", "--actor-role", "province_office"];

fn with<'a>(args: &[&'a str], actor: &[&'a str]) -> Vec<&'a str> {
    let mut v = args.to_vec();
    v.extend_from_slice(actor);
    v
}

/// Reads the first sheet of a workbook into (row, col) → cell.
fn cells(bytes: &[u8]) -> Vec<Vec<Data>> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let (h, w) = range.end().map_or((0, 0), |(r, c)| (r as usize + 1, c as usize + 1));
    (0..h).map(|r| (0..w).map(|c| range.get_value((r as u32, c as u32)).cloned().unwrap_or(Data::Empty)).collect()).collect()
}

/// A value a filer types into a cell.
enum Typed {
    Num(f64),
    Text(&'static str),
}

/// Fills a downloaded template the way a filer's spreadsheet program does: reads every cell and
/// writes a new workbook (with rust_xlsxwriter) with the typed values in place. `edits` are
/// (row, column) 0-based → value; rows beyond the template add rows.
fn fill(template: &[u8], edits: &[((u32, u16), Typed)]) -> Vec<u8> {
    let grid = cells(template);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("数据 data").unwrap();
    for (r, row) in grid.iter().enumerate() {
        for (c, d) in row.iter().enumerate() {
            match d {
                Data::String(s) => {
                    ws.write_string(r as u32, c as u16, s).unwrap();
                }
                Data::Float(f) => {
                    ws.write_number(r as u32, c as u16, *f).unwrap();
                }
                Data::Int(i) => {
                    ws.write_number(r as u32, c as u16, *i as f64).unwrap();
                }
                _ => {}
            }
        }
    }
    for ((r, c), v) in edits {
        match v {
            Typed::Num(x) => ws.write_number(*r, *c, *x).unwrap(),
            Typed::Text(t) => ws.write_string(*r, *c, *t).unwrap(),
        };
    }
    wb.save_to_buffer().unwrap()
}

/// Everything a filing operation could have written: observations, filings, audit trail.
fn snapshot(dir: &Path, db: &TestDb) -> String {
    let now = "2023-04-05T02:00:00Z";
    let mut s = ok(digecon(dir, db, now, &["export", "--format", "csv"]), "export");
    s += &ok(digecon(dir, db, now, &["filings", "list", "--format", "csv"]), "filings list");
    s += &ok(digecon(dir, db, now, &["audit", "--format", "csv"]), "audit");
    s
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Rows of the template for 章贡区 (360702), JXDE-M: row 5 (index 4) EIM_REV_YTD, 6 SW_REV_YTD,
/// 7 BS_5G_OPEN_M, 8 DE_KEY_PROJECTS_INV_YTD; the value column is G (index 6).
const G: u16 = 6;

#[test]
fn a_county_walks_through_a_month_on_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for db in TestDb::both() {
        let l = db.label;
        let (feb, mar) = ("2023-03-05T02:00:00Z", "2023-04-05T02:00:00Z");
        ok(digecon(d, &db, mar, &["init"]), "init");

        // February, entered as values: the history the March template shows and the rules read.
        let out = ok(
            digecon(d, &db, feb, &with(&["filings", "set", "--form", "JXDE-M", "--filer", "360702", "--period", "2023-02", "EIM_REV_YTD=20.5", "SW_REV_YTD=3.2", "BS_5G_OPEN_M=410", "DE_KEY_PROJECTS_INV_YTD=6.8"], COUNTY)),
            "set February",
        );
        assert!(out.contains("created 4, 更新 updated 0"), "{l}: {out}");

        // The March template: codes and names, units, February beside each cell, nothing filled.
        let t = d.join(format!("m-{l}.xlsx"));
        let out = ok(digecon(d, &db, mar, &["forms", "template", "--form", "JXDE-M", "--region", "360702", "--period", "2023-03", "--out", t.to_str().unwrap()]), "template");
        assert!(out.contains("1 filer(s) × 4 row(s), due 2023-04-10"), "{l}: {out}");
        let template = std::fs::read(&t).unwrap();
        let grid = cells(&template);
        assert_eq!(grid[1][1], Data::String("JXDE-M".into()));
        assert_eq!(grid[1][3], Data::String("2023-03".into()));
        assert_eq!(grid[4][2], Data::String("EIM_REV_YTD".into()));
        assert_eq!(grid[4][4], Data::String("亿元".into()));
        assert_eq!(grid[4][5], Data::Float(20.5), "February's value beside the cell");
        assert_eq!(grid[6][5], Data::Float(410.0));
        assert_eq!(grid[4][6], Data::Empty);

        // Filled in with a YTD revenue below February's: the rule fails at row 5, column G.
        let before = snapshot(d, &db);
        let bad = write(d, &format!("bad-{l}.xlsx"), &fill(&template, &[((4, G), Typed::Num(18.3)), ((5, G), Typed::Num(4.1)), ((6, G), Typed::Num(432.0)), ((7, G), Typed::Num(9.75))]));
        let r = digecon(d, &db, mar, &with(&["forms", "import", bad.to_str().unwrap()], COUNTY));
        assert!(!r.ok, "{l}: a failing error rule rejects the import");
        assert!(r.err.contains(&format!("bad-{l}.xlsx:数据 data:5:G: 规则 M-EIM-YTD 不通过")), "{l}: {}", r.err);
        assert!(r.err.contains("左边 left = 18.3, 右边 right = 20.5"), "{l}: {}", r.err);
        assert!(r.err.contains("rejected 4"), "{l}: {}", r.err);
        assert_eq!(snapshot(d, &db), before, "{l}: nothing written");

        // Corrected and imported: a draft, values provisional.
        let good = write(d, &format!("good-{l}.xlsx"), &fill(&template, &[((4, G), Typed::Num(24.6)), ((5, G), Typed::Num(4.1)), ((6, G), Typed::Num(432.0)), ((7, G), Typed::Num(9.75))]));
        let r = digecon(d, &db, mar, &with(&["forms", "import", good.to_str().unwrap(), "--dry-run"], COUNTY));
        assert!(r.ok && r.out.contains("[dry run, nothing written]") && r.out.contains("created 4"), "{l}: {}{}", r.out, r.err);
        assert_eq!(snapshot(d, &db), before, "{l}: a dry run writes nothing");
        let out = ok(digecon(d, &db, mar, &with(&["forms", "import", good.to_str().unwrap()], COUNTY)), "import");
        assert!(out.contains("新增 created 4, 更新 updated 0, 未变 unchanged 0, 拒绝 rejected 0"), "{l}: {out}");
        let obs = ok(digecon(d, &db, mar, &["export", "--format", "csv", "--region", "360702", "--period", "2023-03"]), "export");
        assert!(obs.contains("360702,章贡区,EIM_REV_YTD,规模以上电子信息制造业营业收入（本年累计）,亿元,2023-03,24.6,provisional,filing:JXDE-M/360702/2023-03,"), "{l}: {obs}");

        // Round trip: the template of the saved draft, imported unmodified, changes nothing.
        let t2 = d.join(format!("m2-{l}.xlsx"));
        ok(digecon(d, &db, mar, &["forms", "template", "--form", "JXDE-M", "--region", "360702", "--period", "2023-03", "--out", t2.to_str().unwrap()]), "template 2");
        let before = snapshot(d, &db);
        let out = ok(digecon(d, &db, mar, &with(&["forms", "import", t2.to_str().unwrap()], COUNTY)), "round trip");
        assert!(out.contains("新增 created 0, 更新 updated 0, 未变 unchanged 4, 拒绝 rejected 0"), "{l}: {out}");
        assert_eq!(snapshot(d, &db), before, "{l}: the round trip changes nothing");

        // Another county cannot file for 章贡区; the city does not fill in its counties' forms.
        let r = digecon(d, &db, mar, &with(&["forms", "import", good.to_str().unwrap()], COUNTY_NANKANG));
        assert!(!r.ok && r.err.contains("数据 data:5:G: 无权填报 / not in your data scope"), "{l}: {}", r.err);

        // Submit, returned by the city, corrected, resubmitted, approved by the city and the province.
        let key = ["--form", "JXDE-M", "--filer", "360702", "--period", "2023-03"];
        let act = |verb: &str, actor: &[&str], extra: &[&str]| {
            let mut a = vec!["filings", verb];
            a.extend_from_slice(&key);
            a.extend_from_slice(extra);
            a.extend_from_slice(actor);
            digecon(d, &db, mar, &a)
        };
        assert!(ok(act("submit", COUNTY, &[]), "submit").contains("submitted"), "{l}");
        let r = act("return", CITY, &[]);
        assert!(!r.ok && r.err.contains("comment is required"), "{l}: {}", r.err);
        assert!(ok(act("return", CITY, &["--comment", "软件收入请与统计局核对"]), "return").contains("returned"), "{l}");
        ok(digecon(d, &db, mar, &with(&["filings", "set", "--form", "JXDE-M", "--filer", "360702", "--period", "2023-03", "SW_REV_YTD=4.15"], COUNTY)), "correct");
        ok(act("submit", COUNTY, &[]), "resubmit");
        let r = act("approve", PROVINCE, &[]);
        assert!(!r.ok && r.err.contains("360700"), "{l}: the city reviews first: {}", r.err);
        assert!(ok(act("approve", CITY, &[]), "city approves").contains("city_approved"), "{l}");
        assert!(ok(act("approve", PROVINCE, &[]), "province approves").contains("approved (已审定)"), "{l}");

        // Approved: final observations, locked filing.
        let obs = ok(digecon(d, &db, mar, &["export", "--format", "csv", "--region", "360702", "--period", "2023-03"]), "export");
        assert!(obs.contains(",SW_REV_YTD,软件和信息技术服务业营业收入（本年累计）,亿元,2023-03,4.15,final,filing:JXDE-M/360702/2023-03,"), "{l}: {obs}");
        assert_eq!(obs.matches(",final,filing:JXDE-M/360702/2023-03,").count(), 4, "{l}: {obs}");
        let r = digecon(d, &db, mar, &with(&["filings", "set", "--form", "JXDE-M", "--filer", "360702", "--period", "2023-03", "SW_REV_YTD=4.2"], COUNTY));
        assert!(!r.ok && r.err.contains("locked"), "{l}: {}", r.err);

        // The audit trail shows every step, and every value change with old → new.
        let audit = ok(digecon(d, &db, mar, &["audit", "--filer", "360702", "--period", "2023-03", "--format", "csv"]), "audit");
        let rows: Vec<Vec<String>> = csv::Reader::from_reader(audit.as_bytes()).records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
        let steps: Vec<(String, String, String)> = rows.iter().filter(|r| r[9].is_empty()).map(|r| (r[1].clone(), r[6].clone(), r[8].clone())).collect();
        let want = [
            ("zhanggong", "save", "draft"),
            ("zhanggong", "submit", "submitted"),
            ("ganzhou", "return", "returned"),
            ("zhanggong", "save", "returned"),
            ("zhanggong", "submit", "submitted"),
            ("ganzhou", "approve", "city_approved"),
            ("sheng", "approve", "approved"),
        ];
        assert_eq!(steps, want.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect::<Vec<_>>(), "{l}: {audit}");
        assert!(rows.iter().any(|r| r[9] == "SW_REV_YTD" && r[10] == "4.1" && r[11] == "4.15"), "{l}: {audit}");
        assert!(rows.iter().any(|r| r[9] == "EIM_REV_YTD" && r[10].is_empty() && r[11] == "24.6"), "{l}: {audit}");
        assert!(rows.iter().any(|r| r[6] == "return" && r[12] == "软件收入请与统计局核对"), "{l}: {audit}");

        // The provincial office reopens: values back to provisional, the filer may correct.
        let r = act("reopen", CITY, &["--comment", "x"]);
        assert!(!r.ok, "{l}: only the provincial office reopens");
        ok(act("reopen", PROVINCE, &["--comment", "更正口径"]), "reopen");
        let obs = ok(digecon(d, &db, mar, &["export", "--format", "csv", "--region", "360702", "--period", "2023-03"]), "export");
        assert_eq!(obs.matches(",provisional,filing:JXDE-M/360702/2023-03,").count(), 4, "{l}: {obs}");
    }
}

#[test]
fn an_import_with_bad_cells_writes_nothing_and_names_every_cell() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for db in TestDb::both() {
        let l = db.label;
        let now = "2023-04-05T02:00:00Z";
        ok(digecon(d, &db, now, &["init"]), "init");
        let t = d.join(format!("t-{l}.xlsx"));
        ok(digecon(d, &db, now, &["forms", "template", "--form", "JXDE-M", "--region", "360702", "360703", "--period", "2023-03", "--out", t.to_str().unwrap()]), "template");
        let template = std::fs::read(&t).unwrap();
        // One good value first, so that "nothing written" is a real test.
        let good = write(d, &format!("ok-{l}.xlsx"), &fill(&template, &[((4, G), Typed::Num(12.0))]));
        ok(digecon(d, &db, now, &with(&["forms", "import", good.to_str().unwrap()], PROVINCE)), "good import");
        let before = snapshot(d, &db);
        let bad = fill(
            &template,
            &[
                ((4, G), Typed::Num(13.0)),        // a valid change, which must not land
                ((5, G), Typed::Text("4,1")),      // text in a number cell
                ((6, G), Typed::Num(432.5)),       // BS_5G_OPEN_M takes whole numbers
                ((7, G), Typed::Num(9.756)),       // at most 2 decimals
                ((12, 0), Typed::Text("999999")),  // an unknown filer
                ((12, 2), Typed::Text("EIM_REV_YTD")),
                ((12, G), Typed::Num(1.0)),
                ((13, 0), Typed::Text("360702")),  // a second EIM_REV_YTD row for 360702
                ((13, 2), Typed::Text("EIM_REV_YTD")),
                ((13, G), Typed::Num(14.0)),
                ((14, 0), Typed::Text("360702")),  // an indicator that is not on the form
                ((14, 2), Typed::Text("GDP")),
                ((14, G), Typed::Num(500.0)),
                ((15, 0), Typed::Text("360702")),  // an unknown indicator code
                ((15, 2), Typed::Text("NO_SUCH")),
                ((15, G), Typed::Num(1.0)),
                ((16, 9), Typed::Text("note")),    // content outside the template's columns
            ],
        );
        let bad = write(d, &format!("bad-{l}.xlsx"), &bad);
        let name = format!("bad-{l}.xlsx:数据 data");
        let r = digecon(d, &db, now, &with(&["forms", "import", bad.to_str().unwrap()], PROVINCE));
        assert!(!r.ok, "{l}");
        for want in [
            format!("{name}:6:G: 数字单元格中是文本 / text in a number cell: `4,1`"),
            format!("{name}:17:J: 模板列之外有内容"),
        ] {
            assert!(r.err.contains(&want), "{l}: expected `{want}` in\n{}", r.err);
        }
        assert_eq!(snapshot(d, &db), before, "{l}: the first (cell-level) pass writes nothing");

        // Without the unreadable cells, the catalogue checks report the rest, still writing nothing.
        let bad2 = fill(
            &template,
            &[
                ((4, G), Typed::Num(13.0)),
                ((6, G), Typed::Num(432.5)),
                ((7, G), Typed::Num(9.756)),
                ((12, 0), Typed::Text("999999")),
                ((12, 2), Typed::Text("EIM_REV_YTD")),
                ((12, G), Typed::Num(1.0)),
                ((13, 0), Typed::Text("360702")),
                ((13, 2), Typed::Text("EIM_REV_YTD")),
                ((13, G), Typed::Num(14.0)),
                ((14, 0), Typed::Text("360702")),
                ((14, 2), Typed::Text("GDP")),
                ((14, G), Typed::Num(500.0)),
                ((15, 0), Typed::Text("360702")),
                ((15, 2), Typed::Text("NO_SUCH")),
                ((15, G), Typed::Num(1.0)),
            ],
        );
        let bad2 = write(d, &format!("bad2-{l}.xlsx"), &bad2);
        let name = format!("bad2-{l}.xlsx:数据 data");
        let r = digecon(d, &db, now, &with(&["forms", "import", bad2.to_str().unwrap()], PROVINCE));
        assert!(!r.ok, "{l}");
        for want in [
            format!("{name}:7:G: 小数位过多 / 432.5 has 1 decimal places, BS_5G_OPEN_M takes at most 0"),
            format!("{name}:8:G: 小数位过多 / 9.756 has 3 decimal places"),
            format!("{name}:13:A: 未知的填报单位代码 / unknown filer code `999999`"),
            format!("{name}:14:G: 重复的行 / duplicate row for 360702 × EIM_REV_YTD (first at "),
            format!("{name}:5:G)"),
            format!("{name}:15:C: 指标不在报表中 / indicator GDP is not on form JXDE-M"),
            format!("{name}:16:C: 未知的指标代码 / unknown indicator code `NO_SUCH`"),
            "rejected 7".to_string(),
        ] {
            assert!(r.err.contains(&want), "{l}: expected `{want}` in\n{}", r.err);
        }
        assert_eq!(snapshot(d, &db), before, "{l}: nothing written");

        // A closed window is a problem of the filer's rows too (2023-03 closes on 2023-05-10).
        let late = write(d, &format!("late-{l}.xlsx"), &fill(&template, &[((8, G), Typed::Num(1.0))]));
        let r = digecon(d, &db, "2023-05-11T02:00:00Z", &with(&["forms", "import", late.to_str().unwrap()], PROVINCE));
        assert!(!r.ok && r.err.contains("数据 data:9:G: 填报已截止 / the filing window of JXDE-M 2023-03 closed on 2023-05-10"), "{l}: {}", r.err);
        assert_eq!(snapshot(d, &db), before, "{l}: nothing written");

        // CSV and the JSON data-value set go through the same checks.
        let csv = write(d, &format!("v-{l}.csv"), "form_code,period,filer_code,indicator_code,value\nJXDE-M,2023-03,360703,SW_REV_YTD,2.5\nJXDE-M,2023-03,360703,BS_5G_OPEN_M,12x\n".as_bytes());
        let r = digecon(d, &db, now, &with(&["forms", "import", csv.to_str().unwrap()], PROVINCE));
        assert!(!r.ok && r.err.contains(&format!("v-{l}.csv:3:value: 不是数字 / not a number: `12x`")), "{l}: {}", r.err);
        let json = write(d, &format!("v-{l}.json"), br#"{"dataSet":"JXDE-M","period":"2023-03","orgUnit":"360703","dataValues":[{"dataElement":"SW_REV_YTD","value":"2.5"},{"dataElement":"BS_5G_OPEN_M","value":120}]}"#);
        let out = ok(digecon(d, &db, now, &with(&["forms", "import", json.to_str().unwrap()], COUNTY_NANKANG)), "json import");
        assert!(out.contains("created 2,"), "{l}: {out}");
    }
}

/// A county enters its March 2023 monthly values (JXDE-M) at `now`, as itself, and submits them.
fn file_march(d: &Path, db: &TestDb, now: &str, county: &str, submit: bool) {
    let actor = ["--actor-name", county, "--actor-role", "county", "--actor-region", county];
    let mut a = vec!["filings", "set", "--form", "JXDE-M", "--filer", county, "--period", "2023-03", "EIM_REV_YTD=10", "SW_REV_YTD=1", "BS_5G_OPEN_M=100", "DE_KEY_PROJECTS_INV_YTD=2"];
    a.extend_from_slice(&actor);
    ok(digecon(d, db, now, &a), "set");
    if submit {
        let mut a = vec!["filings", "submit", "--form", "JXDE-M", "--filer", county, "--period", "2023-03"];
        a.extend_from_slice(&actor);
        ok(digecon(d, db, now, &a), "submit");
    }
}

#[test]
fn filing_rate_and_timeliness_with_on_time_late_and_missing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for db in TestDb::both() {
        let l = db.label;
        ok(digecon(d, &db, "2023-04-01T02:00:00Z", &["init"]), "init");
        let file = |now: &str, county: &str, submit: bool| file_march(d, &db, now, county, submit);
        // 章贡区 on time (2023-04-10 23:30 Beijing time = 15:30 UTC, the last minutes of the due date);
        // 南康区 late (04-11 00:30 Beijing); 赣县区 a draft only; the other 97 counties nothing.
        file("2023-04-10T15:30:00Z", "360702", true);
        file("2023-04-10T16:30:00Z", "360703", true);
        file("2023-04-08T02:00:00Z", "360704", false);
        let out = ok(digecon(d, &db, "2023-04-20T02:00:00Z", &["filings", "rates", "--form", "JXDE-M", "--period", "2023-03", "--format", "csv"]), "rates");
        // Ganzhou: 18 counties, 2 filed (11.1 %), 1 on time (5.6 %); the province: 100, 2 %, 1 %.
        assert!(out.contains("360700,赣州市,18,2,0,1,1,16,11.1,5.6"), "{l}: {out}");
        assert!(out.contains("360000,江西省,100,2,0,1,1,98,2.0,1.0"), "{l}: {out}");
        assert!(out.contains("360704,赣县区,draft,overdue 逾期"), "{l}: {out}");
        assert!(!out.lines().any(|x| (x.starts_with("360702,") || x.starts_with("360703,")) && x.contains("overdue")), "{l}: the filed are not listed");
        assert_eq!(out.lines().filter(|x| x.contains(",none,overdue 逾期")).count(), 97, "{l}: {out}");
        // Before the due date nobody is overdue yet.
        let early = ok(digecon(d, &db, "2023-04-20T02:00:00Z", &["filings", "rates", "--form", "JXDE-M", "--period", "2023-03", "--as-of", "2023-04-09", "--format", "csv"]), "rates");
        assert!(!early.contains("overdue 逾期"), "{l}: {early}");
    }
}

/// The default rules hold for the published figures they can be evaluated on, and the default
/// forms cite their documents correctly.
#[test]
fn default_forms_accept_the_published_figures() {
    use std::collections::{BTreeMap, HashMap};
    let ds = digecon_dataset::Dataset::embedded().unwrap();
    let codes: Vec<&str> = ds.forms.forms.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["JXDE-M", "JXDE-Q", "JXDE-A-CITY", "JXDE-A-COUNTY", "GZ2023-DRC", "GZ2023-MIIT", "GZ2023-MOST", "GZ2023-AGRI", "GZ2023-COMMERCE", "GZ2023-APPROVAL"]);
    assert_eq!(ds.forms.form("JXDE-M").unwrap().indicators.len(), 4, "4 monthly key indicators");
    assert_eq!(ds.forms.form("JXDE-Q").unwrap().indicators.len(), 5, "5 quarterly key indicators");
    // Every row of 003's target table (the targets with the table's 2022 column; the goals of the
    // tasks' text have no base) with a lead unit is on exactly one department form.
    let on_dept_forms: Vec<&str> = ds.forms.forms.iter().filter(|f| f.code.starts_with("GZ2023-")).flat_map(|f| f.indicators.iter().map(|i| i.indicator_code.as_str())).collect();
    for t in ds.targets.iter().filter(|t| t.plan_id == "gz-2023-keypoints" && t.base_year.is_some() && !t.lead_units.is_empty()) {
        assert_eq!(on_dept_forms.iter().filter(|c| **c == t.indicator_code).count(), 1, "{}", t.indicator_code);
    }
    let mut history: HashMap<String, HashMap<String, BTreeMap<digecon_core::Period, f64>>> = HashMap::new();
    for o in &ds.observations {
        history.entry(o.region_code.clone()).or_default().entry(o.indicator_code.clone()).or_default().insert(o.period, o.value);
    }
    let mut evaluated = 0;
    for form in &ds.forms.forms {
        for (region, series) in &history {
            for year in [2020, 2021, 2022] {
                let p = digecon_core::Period::Year(year);
                let values = |c: &str, q: digecon_core::Period| series.get(c).and_then(|s| s.get(&q)).copied();
                for rule in &form.rules {
                    let r = rule.evaluate(&values, p);
                    if !matches!(r.outcome, digecon_collect::Outcome::Skipped(_)) && form.frequency == digecon_core::Frequency::Year {
                        evaluated += 1;
                        assert!(!r.blocks(), "{} {region} {year}: {r}", form.code);
                    }
                }
            }
        }
    }
    assert!(evaluated >= 10, "the rules meet the published figures ({evaluated} evaluations)");

    let Some(seeds) = digecon_dataset::seeds_dir_for_test("form quotes") else {
        return;
    };
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for f in &ds.forms.forms {
        let doc = squeeze(&std::fs::read_to_string(seeds.join(&f.source.doc)).unwrap());
        assert!(doc.contains(&squeeze(&f.source.quote)), "{}: quote not in {}: {}", f.code, f.source.doc, f.source.quote);
    }
}

/// A failed warning rule needs an explanation to submit; an outlier is shown, never blocking;
/// a missing required value blocks submission.
#[test]
fn warnings_need_an_explanation_and_outliers_only_inform() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for db in TestDb::both() {
        let l = db.label;
        let now = "2023-04-05T02:00:00Z";
        ok(digecon(d, &db, now, &["init"]), "init");
        // History as published observations: March 2022 for the year-on-year rule, five month-ends
        // of 5G base stations (400, 402, 404, 406, 408: median 404, MAD 2).
        let mut hist = String::from("region_code,region_name,indicator_code,indicator_name,unit,period,value,status,source_doc,source_quote,synthetic\n");
        hist += "360702,章贡区,EIM_REV_YTD,规模以上电子信息制造业营业收入（本年累计）,亿元,2022-03,10,final,test,test,false\n";
        for (m, v) in [("2022-10", 400), ("2022-11", 402), ("2022-12", 404), ("2023-01", 406), ("2023-02", 408)] {
            hist += &format!("360702,章贡区,BS_5G_OPEN_M,5G基站开通数（月末）,个,{m},{v},final,test,test,false\n");
        }
        let h = write(d, &format!("hist-{l}.csv"), hist.as_bytes());
        ok(digecon(d, &db, now, &["import", h.to_str().unwrap()]), "history");
        // 24.6 against 10 a year ago: +146 % (warning M-EIM-YOY). 900 base stations: modified
        // z = 0.6745 × (900 − 404) / 2 = 167.3 (flagged, not blocking).
        let set = ["filings", "set", "--form", "JXDE-M", "--filer", "360702", "--period", "2023-03", "EIM_REV_YTD=24.6", "SW_REV_YTD=4", "BS_5G_OPEN_M=900", "DE_KEY_PROJECTS_INV_YTD=5"];
        let out = ok(digecon(d, &db, now, &with(&set, COUNTY)), "set");
        assert!(out.contains("created 4,"), "{l}: {out}");
        assert!(out.contains("警告 warning 360702: 规则 M-EIM-YOY 不通过（警告）") && out.contains("左边 left = 146, 右边 right = 50"), "{l}: {out}");
        assert!(out.contains("异常值提示 outlier 360702: BS_5G_OPEN_M = 900") && out.contains("modified z-score 167.28, median 404 over 5 periods"), "{l}: {out}");
        let submit = ["filings", "submit", "--form", "JXDE-M", "--filer", "360702", "--period", "2023-03"];
        let r = digecon(d, &db, now, &with(&submit, COUNTY));
        assert!(!r.ok && r.err.contains("M-EIM-YOY") && r.err.contains("--explain M-EIM-YOY="), "{l}: {}", r.err);
        let mut explained = submit.to_vec();
        explained.extend_from_slice(&["--explain", "M-EIM-YOY=新项目投产 / a new plant started production"]);
        ok(digecon(d, &db, now, &with(&explained, COUNTY)), "submit with explanation");
        let show = ok(digecon(d, &db, now, &["filings", "show", "--form", "JXDE-M", "--filer", "360702", "--period", "2023-03", "--format", "csv"]), "show");
        assert!(show.contains("M-EIM-YOY,新项目投产 / a new plant started production"), "{l}: {show}");
        assert!(show.contains("异常值提示 / outlier: BS_5G_OPEN_M = 900"), "{l}: {show}");

        // 南康区 enters three of four required values: it may save, not submit.
        let part = ["filings", "set", "--form", "JXDE-M", "--filer", "360703", "--period", "2023-03", "EIM_REV_YTD=1", "SW_REV_YTD=1", "BS_5G_OPEN_M=1"];
        ok(digecon(d, &db, now, &with(&part, COUNTY_NANKANG)), "partial save");
        let r = digecon(d, &db, now, &with(&["filings", "submit", "--form", "JXDE-M", "--filer", "360703", "--period", "2023-03"], COUNTY_NANKANG));
        assert!(!r.ok && r.err.contains("required indicator DE_KEY_PROJECTS_INV_YTD has no value"), "{l}: {}", r.err);
    }
}

/// A city's day from the command line: 待办 lists the counties' submissions, one bulk approval
/// clears them (each its own step, reported one by one), a county that has not filed is reminded
/// (催报) and sees the notice and its overdue filing in its own 待办; a filing that is not awaiting
/// review is reported as not done and the command fails.
#[test]
fn todo_bulk_review_and_reminders_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for db in TestDb::both() {
        let l = db.label;
        let now = "2023-04-05T02:00:00Z";
        ok(digecon(d, &db, now, &["init"]), "init");
        for county in ["360702", "360703", "360704"] {
            file_march(d, &db, now, county, true);
        }
        let todo = ok(digecon(d, &db, now, &with(&["filings", "todo", "--format", "csv"], CITY)), "city todo");
        let review: Vec<&str> = todo.lines().filter(|x| x.starts_with("review,JXDE-M,")).collect();
        assert_eq!(review.len(), 3, "{l}: {todo}");
        assert!(review.iter().all(|x| x.contains(",2023-03,submitted,2023-04-10,")), "{l}: {todo}");

        let out = ok(digecon(d, &db, now, &with(&["filings", "bulk", "--action", "approve", "--form", "JXDE-M", "--period", "2023-03"], CITY)), "bulk approve");
        assert_eq!(out.lines().filter(|x| x.ends_with("city_approved (市级已审核)")).count(), 3, "{l}: {out}");
        assert!(out.contains("完成 3 项，未执行 0 项"), "{l}: {out}");
        let todo = ok(digecon(d, &db, now, &with(&["filings", "todo", "--format", "csv"], CITY)), "city todo after");
        assert!(!todo.contains("review,JXDE-M"), "{l}: {todo}");
        // The province now has them to review; one it names that is not waiting is reported.
        let r = digecon(d, &db, now, &with(&["filings", "bulk", "--action", "approve", "--form", "JXDE-M", "--period", "2023-03", "--filer", "360702", "--filer", "360722"], PROVINCE));
        assert!(!r.ok, "{l}: a filing not done fails the command");
        assert!(r.out.contains("360702 2023-03: approved"), "{l}: {}", r.out);
        assert!(r.out.contains("未执行 not done JXDE-M 360722 2023-03"), "{l}: {}", r.out);
        // A return needs a comment: refused for each filing, nothing changed.
        let r = digecon(d, &db, now, &with(&["filings", "bulk", "--action", "return", "--form", "JXDE-M", "--period", "2023-03", "--filer", "360703"], PROVINCE));
        assert!(!r.ok && r.out.contains("未执行"), "{l}: {}", r.out);

        // 催报 for 信丰县 (360722), which has not filed; a county cannot send one.
        let out = ok(digecon(d, &db, now, &with(&["filings", "remind", "--form", "JXDE-M", "--filer", "360722", "--period", "2023-03"], CITY)), "remind");
        assert!(out.contains("催报已发送 / reminder sent: JXDE-M 360722 2023-03"), "{l}: {out}");
        assert!(out.contains("截止 2023-04-10"), "{l}: {out}");
        let r = digecon(d, &db, now, &with(&["filings", "remind", "--form", "JXDE-M", "--filer", "360722", "--period", "2023-03"], COUNTY));
        assert!(!r.ok && r.err.contains("reviewers"), "{l}: {}", r.err);
        let r = digecon(d, &db, now, &with(&["filings", "remind", "--form", "JXDE-M", "--filer", "360702", "--period", "2023-03"], CITY));
        assert!(!r.ok && r.err.contains("已上报"), "{l}: a unit that filed is not reminded: {}", r.err);
        let xinfeng = ["--actor-name", "xinfeng", "--actor-role", "county", "--actor-region", "360722"];
        let todo = ok(digecon(d, &db, "2023-04-12T02:00:00Z", &with(&["filings", "todo"], &xinfeng)), "county todo");
        // Overdue: March and February of the monthly form, 2022 and 2021 of the annual one.
        assert!(todo.contains("已逾期 overdue 4 · 未读通知 unread notices 1"), "{l}: {todo}");
        assert!(todo.lines().any(|x| x.contains("overdue") && x.contains("JXDE-M") && x.contains("2023-03") && x.contains("2023-04-10")), "{l}: {todo}");
    }
}
