//! Ledger workbooks (`.xlsx`), out and in: the form lead units already keep (工作台账) and the
//! project scheduling form (项目调度台账).
//!
//! **Task ledger** sheets: `任务进度 progress` (one row per report), `目标实测 goal_values` (one row per
//! measured goal), `配合单位 contributions`, `问题 problems`; on export also `目标清单 goals` and
//! `说明 notes`, which are for reading and skipped on import.
//! **Project ledger** sheets: `重点项目 key_projects`, `月度投资 monthly`, `项目问题 problems`, and `说明 notes`.
//!
//! A header cell is `中文 english_key` as exported, or either half alone; columns may come in any
//! order. Reading is all or nothing: every problem in the file is collected as a [`Located`]
//! naming the file, sheet, row and column, and nothing is returned unless there are none. Columns
//! or sheets the format does not know are errors, never ignored. Checks include: unknown plan,
//! task or project; a unit that is not the task's lead (or co-operating) unit; a period that is not
//! a month or quarter; percent outside 0–100; a negative or non-numeric amount; year-to-date
//! investment below an earlier month's (in the file or already stored); this month's amount not
//! equal to the change in year-to-date.
//!
//! Reading is bounded and linear: the file goes through `digecon_core::sheets` (size, inflated
//! size, rows, columns and cell length checked while reading, only non-empty cells kept), every
//! lookup of items, units, regions, projects and earlier rows is a map, and a number is refused
//! outside ±10¹² (`digecon_core::check_value`). Text cells with control characters are errors at
//! their cell. Text cells written out are formula-neutralised (a leading `'` before `= + - @`,
//! tab or CR) and the `'` is taken off again on reading, so a ledger round-trips exactly.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use calamine::Data;
use digecon_core::sheets::{SheetFormat, SheetRow, Workbook as InputWorkbook};
use digecon_core::text::{neutralise_formula, restore_formula};
use digecon_core::{check_value, format_value, Department, Limits, Located, Period, Region};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::item::{ItemKey, ItemKind, LedgerItem};
use crate::problem::{Problem, Subject};
use crate::progress::{Contribution, ProgressReport, ProgressStatus};
use crate::projects::{check_report, KeyProject, MonthlyReport, ProjectKind, ProjectStatus};

/// A workbook problem's column: its letter and header, `D（累计完成投资（万元） ytd_investment）`.
fn column_label(c: u32, header: &str) -> String {
    format!("{}（{header}）", column_letter(c))
}

/// A problem with a whole sheet (`sheet` empty: with the file).
fn sheet_error(file: &str, sheet: &str, row: u32, message: impl Into<String>) -> Located {
    Located { sheet: (!sheet.is_empty()).then(|| sheet.to_string()), ..Located::at(file, u64::from(row), message) }
}

/// Every problem of a rejected workbook.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct WorkbookErrors(pub Vec<Located>);

impl fmt::Display for WorkbookErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        digecon_core::located::write_problems(f, "台账", self.0.iter())
    }
}

/// A column of a sheet: its key, Chinese label and whether a row must give it.
#[derive(Clone, Copy)]
struct Col {
    key: &'static str,
    label: &'static str,
    required: bool,
}

const fn col(key: &'static str, label: &'static str, required: bool) -> Col {
    Col { key, label, required }
}

impl Col {
    fn header(&self) -> String {
        format!("{} {}", self.label, self.key)
    }
}

struct SheetSpec {
    key: &'static str,
    label: &'static str,
    columns: &'static [Col],
}

impl SheetSpec {
    fn name(&self) -> String {
        format!("{} {}", self.label, self.key)
    }
    fn matches(&self, sheet: &str) -> bool {
        let s = sheet.trim();
        s == self.name() || s == self.key || s == self.label
    }
}

const ITEM_COLS: [Col; 3] = [col("plan_id", "计划", true), col("kind", "类型", false), col("number", "序号", true)];

const PROGRESS: SheetSpec = SheetSpec {
    key: "progress",
    label: "任务进度",
    columns: &[
        ITEM_COLS[0],
        ITEM_COLS[1],
        ITEM_COLS[2],
        col("task_text", "任务内容", false),
        col("period", "期间", true),
        col("department", "填报单位", false),
        col("status", "状态", true),
        col("percent", "完成百分比", false),
        col("narrative", "工作进展", false),
        col("evidence", "佐证材料", false),
        col("milestones", "已完成节点", false),
        col("synthetic", "合成", false),
    ],
};

const GOAL_VALUES: SheetSpec = SheetSpec {
    key: "goal_values",
    label: "目标实测",
    columns: &[
        ITEM_COLS[0],
        ITEM_COLS[1],
        ITEM_COLS[2],
        col("period", "期间", true),
        col("goal_id", "目标编号", true),
        col("goal", "目标", false),
        col("value", "实测值", true),
    ],
};

const CONTRIBUTIONS: SheetSpec = SheetSpec {
    key: "contributions",
    label: "配合单位",
    columns: &[
        ITEM_COLS[0],
        ITEM_COLS[1],
        ITEM_COLS[2],
        col("period", "期间", true),
        col("department", "配合单位", true),
        col("narrative", "进展", true),
        col("synthetic", "合成", false),
    ],
};

const TASK_PROBLEMS: SheetSpec = SheetSpec {
    key: "problems",
    label: "问题",
    columns: &[
        ITEM_COLS[0],
        ITEM_COLS[1],
        ITEM_COLS[2],
        col("raised", "提出期间", true),
        col("seq", "问题序号", false),
        col("department", "提出单位", false),
        col("text", "问题", true),
        col("resolved", "解决期间", false),
        col("resolution", "解决情况", false),
        col("synthetic", "合成", false),
    ],
};

const GOALS_LIST: SheetSpec = SheetSpec {
    key: "goals",
    label: "目标清单",
    columns: &[
        ITEM_COLS[0],
        ITEM_COLS[1],
        ITEM_COLS[2],
        col("goal_id", "目标编号", true),
        col("goal", "目标", true),
        col("relation", "关系", true),
        col("value", "数值", true),
        col("upper", "上限", false),
        col("unit", "单位", true),
        col("due", "到期", true),
    ],
};

const NOTES: SheetSpec = SheetSpec { key: "notes", label: "说明", columns: &[] };

const KEY_PROJECTS: SheetSpec = SheetSpec {
    key: "key_projects",
    label: "重点项目",
    columns: &[
        col("year", "年度", true),
        col("code", "项目编码", true),
        col("name", "项目名称", true),
        col("region_code", "地区代码", true),
        col("region", "地区", false),
        col("industry", "行业赛道", true),
        col("kind", "项目类型", true),
        col("total_investment", "总投资（万元）", true),
        col("planned_investment", "年度计划投资（万元）", true),
        col("start", "开工年月", true),
        col("end", "竣工年月", true),
        col("lead_unit", "牵头单位", true),
        col("status", "项目状态", true),
        col("synthetic", "合成", false),
    ],
};

const MONTHLY: SheetSpec = SheetSpec {
    key: "monthly",
    label: "月度投资",
    columns: &[
        col("period", "期间", true),
        col("code", "项目编码", true),
        col("name", "项目名称", false),
        col("month_investment", "当月完成投资（万元）", true),
        col("ytd_investment", "累计完成投资（万元）", true),
        col("progress", "形象进度", false),
        col("synthetic", "合成", false),
    ],
};

const PROJECT_PROBLEMS: SheetSpec = SheetSpec {
    key: "problems",
    label: "项目问题",
    columns: &[
        col("year", "年度", true),
        col("code", "项目编码", true),
        col("raised", "提出期间", true),
        col("seq", "问题序号", false),
        col("department", "提出单位", false),
        col("text", "问题", true),
        col("resolved", "解决期间", false),
        col("resolution", "解决情况", false),
        col("synthetic", "合成", false),
    ],
};

// ---------------------------------------------------------------------------------------------
// Writing

fn header_row(ws: &mut rust_xlsxwriter::Worksheet, spec: &SheetSpec) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    ws.set_name(spec.name())?;
    for (c, column) in spec.columns.iter().enumerate() {
        let h = column.header();
        ws.write_string_with_format(0, c as u16, &h, &bold)?;
        ws.set_column_width(c as u16, (h.chars().count() as f64 * 1.3).clamp(10.0, 36.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A cell value to write.
enum W {
    S(String),
    N(f64),
    B(bool),
    Empty,
}

fn write_row(ws: &mut rust_xlsxwriter::Worksheet, row: u32, cells: Vec<W>) -> Result<(), XlsxError> {
    for (c, v) in cells.into_iter().enumerate() {
        let c = c as u16;
        match v {
            W::S(s) if !s.is_empty() => {
                ws.write_string(row, c, neutralise_formula(&s))?;
            }
            W::N(n) => {
                ws.write_number(row, c, n)?;
            }
            W::B(b) => {
                ws.write_boolean(row, c, b)?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn notes(ws: &mut rust_xlsxwriter::Worksheet, lines: &[&str]) -> Result<(), XlsxError> {
    ws.set_name(NOTES.name())?;
    ws.set_column_width(0, 120)?;
    for (i, l) in lines.iter().enumerate() {
        ws.write_string(i as u32, 0, *l)?;
    }
    Ok(())
}

/// Department code → Chinese name, for writing.
struct DeptNames<'d>(HashMap<&'d str, &'d str>);

impl<'d> DeptNames<'d> {
    fn new(departments: &'d [Department]) -> DeptNames<'d> {
        DeptNames(departments.iter().rev().map(|d| (d.code.as_str(), d.name_zh.as_str())).collect())
    }
}

fn dept_name(departments: &DeptNames<'_>, code: &str) -> String {
    departments.0.get(code).map_or_else(|| code.to_string(), |n| n.to_string())
}

fn item_cells(k: &ItemKey) -> Vec<W> {
    vec![W::S(k.plan_id.clone()), W::S(k.kind.as_str().into()), W::N(f64::from(k.number))]
}

/// The task ledger of `items` with their reports and problems (problems of key projects are left out).
pub fn write_task_ledger(
    items: &[LedgerItem],
    reports: &[ProgressReport],
    problems: &[Problem],
    departments: &[Department],
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let departments = &DeptNames::new(departments);
    let by_key: HashMap<&ItemKey, &LedgerItem> = items.iter().rev().map(|i| (&i.key, i)).collect();
    let in_scope = |k: &ItemKey| by_key.contains_key(k);
    let text_of = |k: &ItemKey| by_key.get(k).map(|i| i.text.clone()).unwrap_or_default();
    {
        let ws = wb.add_worksheet();
        header_row(ws, &PROGRESS)?;
        for (row, r) in (1..).zip(reports.iter().filter(|r| in_scope(&r.key))) {
            let mut cells = item_cells(&r.key);
            cells.extend([
                W::S(text_of(&r.key)),
                W::S(r.period.to_string()),
                W::S(dept_name(departments, &r.department_code)),
                W::S(r.status.zh().into()),
                r.percent.map_or(W::Empty, W::N),
                W::S(r.narrative.clone()),
                W::S(r.evidence.join("\n")),
                W::S(r.milestones_reached.join(";")),
                W::B(r.synthetic),
            ]);
            write_row(ws, row, cells)?;
        }
    }
    {
        let ws = wb.add_worksheet();
        header_row(ws, &GOAL_VALUES)?;
        let mut row = 1;
        for r in reports.iter().filter(|r| in_scope(&r.key)) {
            let item = by_key[&r.key];
            for (id, v) in &r.values {
                let phrase = item.goal(id).map(|g| g.phrase.clone()).unwrap_or_default();
                let mut cells = item_cells(&r.key);
                cells.extend([W::S(r.period.to_string()), W::S(id.clone()), W::S(phrase), W::N(*v)]);
                write_row(ws, row, cells)?;
                row += 1;
            }
        }
    }
    {
        let ws = wb.add_worksheet();
        header_row(ws, &CONTRIBUTIONS)?;
        let mut row = 1;
        for r in reports.iter().filter(|r| in_scope(&r.key)) {
            for c in &r.contributions {
                let mut cells = item_cells(&r.key);
                cells.extend([
                    W::S(r.period.to_string()),
                    W::S(dept_name(departments, &c.department_code)),
                    W::S(c.narrative.clone()),
                    W::B(c.synthetic),
                ]);
                write_row(ws, row, cells)?;
                row += 1;
            }
        }
    }
    {
        let ws = wb.add_worksheet();
        header_row(ws, &TASK_PROBLEMS)?;
        let mut row = 1;
        for p in problems {
            let Subject::Item(k) = &p.subject else { continue };
            if !in_scope(k) {
                continue;
            }
            let mut cells = item_cells(k);
            cells.extend(problem_cells(p, departments));
            write_row(ws, row, cells)?;
            row += 1;
        }
    }
    {
        let ws = wb.add_worksheet();
        header_row(ws, &GOALS_LIST)?;
        let mut row = 1;
        for item in items {
            let goals = item.goals.iter().map(|g| (g, item.due)).chain(item.milestones.iter().flat_map(|m| m.goals.iter().map(move |g| (g, m.due))));
            for (g, due) in goals {
                let mut cells = item_cells(&item.key);
                cells.extend([
                    W::S(g.id.clone()),
                    W::S(g.phrase.clone()),
                    W::S(g.relation.as_str().into()),
                    W::N(g.value),
                    g.upper.map_or(W::Empty, W::N),
                    W::S(g.unit.clone()),
                    W::S(due.to_string()),
                ]);
                write_row(ws, row, cells)?;
                row += 1;
            }
        }
    }
    notes(
        wb.add_worksheet(),
        &[
            "工作台账 / task ledger — digecon",
            "任务进度：每个任务每个期间（月 2022-09 或季度 2022-Q3）一行，由牵头单位填报；状态：未启动、推进中、已完成、滞后。/ progress: one row per task and period, filed by the lead unit.",
            "目标实测：每个量化目标的实测值，目标编号见「目标清单」；单位与目标相同。/ goal_values: the measured value of each goal (ids in the goals sheet), in the goal's unit.",
            "配合单位：配合单位的进展。/ contributions: the co-operating units' parts.",
            "问题：需协调解决的问题；解决后填写解决期间和解决情况。/ problems needing coordination; fill in resolved and resolution when solved.",
            "「目标清单」和「说明」两张表只供阅读，导入时跳过。/ The goals and notes sheets are for reading and are skipped on import.",
            "导入时全部成功或全部不写入，错误按工作表、行、列列出。/ Import is all or nothing; errors name sheet, row and column.",
        ],
    )?;
    wb.save_to_buffer()
}

fn problem_cells(p: &Problem, departments: &DeptNames<'_>) -> Vec<W> {
    vec![
        W::S(p.raised.to_string()),
        W::N(f64::from(p.seq)),
        W::S(p.department_code.as_deref().map(|d| dept_name(departments, d)).unwrap_or_default()),
        W::S(p.text.clone()),
        W::S(p.resolved.map(|r| r.to_string()).unwrap_or_default()),
        W::S(p.resolution.clone()),
        W::B(p.synthetic),
    ]
}

/// The project ledger: registry, monthly reports, problems of key projects.
pub fn write_project_ledger(
    projects: &[KeyProject],
    monthly: &[MonthlyReport],
    problems: &[Problem],
    regions: &[Region],
    departments: &[Department],
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let departments = &DeptNames::new(departments);
    let regions: HashMap<&str, &str> = regions.iter().rev().map(|r| (r.code.as_str(), r.name_zh.as_str())).collect();
    let region_name = |c: &str| regions.get(c).map_or_else(String::new, |n| n.to_string());
    {
        let ws = wb.add_worksheet();
        header_row(ws, &KEY_PROJECTS)?;
        for (i, p) in projects.iter().enumerate() {
            write_row(
                ws,
                i as u32 + 1,
                vec![
                    W::N(f64::from(p.year)),
                    W::S(p.code.clone()),
                    W::S(p.name.clone()),
                    W::S(p.region_code.clone()),
                    W::S(region_name(&p.region_code)),
                    W::S(p.industry.clone()),
                    W::S(p.kind.zh().into()),
                    W::N(p.total_investment),
                    W::N(p.planned_investment),
                    W::S(p.start.to_string()),
                    W::S(p.end.to_string()),
                    W::S(dept_name(departments, &p.lead_unit)),
                    W::S(p.status.zh().into()),
                    W::B(p.synthetic),
                ],
            )?;
        }
    }
    {
        let ws = wb.add_worksheet();
        header_row(ws, &MONTHLY)?;
        let names: HashMap<(i32, &str), &str> = projects.iter().rev().map(|p| ((p.year, p.code.as_str()), p.name.as_str())).collect();
        let name = |y: i32, c: &str| names.get(&(y, c)).map_or_else(String::new, |n| n.to_string());
        for (i, r) in monthly.iter().enumerate() {
            write_row(
                ws,
                i as u32 + 1,
                vec![
                    W::S(r.period().to_string()),
                    W::S(r.code.clone()),
                    W::S(name(r.year, &r.code)),
                    W::N(r.month_investment),
                    W::N(r.ytd_investment),
                    W::S(r.progress.clone()),
                    W::B(r.synthetic),
                ],
            )?;
        }
    }
    {
        let ws = wb.add_worksheet();
        header_row(ws, &PROJECT_PROBLEMS)?;
        let mut row = 1;
        for p in problems {
            let Subject::KeyProject { year, code } = &p.subject else { continue };
            let mut cells = vec![W::N(f64::from(*year)), W::S(code.clone())];
            cells.extend(problem_cells(p, departments));
            write_row(ws, row, cells)?;
            row += 1;
        }
    }
    notes(
        wb.add_worksheet(),
        &[
            "项目调度台账 / key-project ledger — digecon",
            "重点项目：每年一张清单，金额单位万元；项目类型：数字经济重点产业项目、新基建项目；状态：未开工、在建、竣工、停缓建。/ key_projects: one list per year, amounts in 万元.",
            "月度投资：每个项目每月一行；累计完成投资为当年 1 月至本月合计，不得低于上月累计；当月完成投资 = 本月累计 − 上月累计。/ monthly: year-to-date may not fall; this month = YTD − last month's YTD.",
            "项目问题：需协调解决的问题。/ problems needing coordination.",
            "导入时全部成功或全部不写入，错误按工作表、行、列列出。/ Import is all or nothing; errors name sheet, row and column.",
        ],
    )?;
    wb.save_to_buffer()
}

// ---------------------------------------------------------------------------------------------
// Reading

use digecon_core::sheets::column_letter;

/// Excel's day serial (1900 system) → (year, month).
fn serial_to_month(serial: f64) -> Option<(i32, u8)> {
    if !serial.is_finite() || serial < 1.0 {
        return None;
    }
    // Days since 1970-01-01; Excel's day 25569 is 1970-01-01 (its 1900 leap-year bug only
    // affects dates before March 1900).
    let z = serial.floor() as i64 - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some((y as i32, m as u8))
}

/// Header key → (column index, header text).
type Columns = HashMap<&'static str, (u32, String)>;

struct Sheet<'a> {
    file: &'a str,
    name: String,
    cols: Columns,
    /// Non-empty data rows with their 1-based spreadsheet row numbers.
    rows: Vec<(u32, &'a SheetRow)>,
}

/// Reads one sheet: header checks (the first row with anything in it), then the non-empty rows
/// with their spreadsheet row numbers.
fn read_sheet<'a>(file: &'a str, name: &str, sheet: &'a digecon_core::sheets::Sheet, spec: &SheetSpec, errs: &mut Vec<Located>) -> Option<Sheet<'a>> {
    let mut rows = sheet.rows.iter();
    let Some(header) = rows.next() else {
        errs.push(sheet_error(file, name, 0, "工作表为空，缺少表头 / the sheet is empty: no header row"));
        return None;
    };
    let r0 = header.row;
    let mut cols: Columns = HashMap::new();
    let mut ok = true;
    for (c, cell) in &header.cells {
        let c = *c;
        let text = match cell {
            Data::String(s) => s.trim().to_string(),
            Data::Empty => continue,
            other => other.to_string(),
        };
        let found = spec.columns.iter().find(|col| text == col.header() || text == col.key || text == col.label);
        match found {
            Some(col) if cols.contains_key(col.key) => {
                ok = false;
                errs.push(Located::cell(file, name, u64::from(r0) + 1, column_label(c, &text), format!("列重复 / column `{}` appears twice", col.key)));
            }
            Some(col) => {
                cols.insert(col.key, (c, col.header()));
            }
            None => {
                ok = false;
                errs.push(Located::cell(
                    file,
                    name,
                    u64::from(r0) + 1,
                    column_label(c, &text),
                    format!(
                        "未知的列 / unknown column `{text}`: expected {}",
                        spec.columns.iter().map(|c| format!("`{}`", c.header())).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
    }
    for col in spec.columns.iter().filter(|c| c.required) {
        if !cols.contains_key(col.key) {
            ok = false;
            errs.push(sheet_error(file, name, r0 + 1, format!("缺少必需的列 / missing required column `{}`", col.header())));
        }
    }
    if !ok {
        return None;
    }
    let data = rows
        .filter(|r| r.cells.iter().any(|(_, c)| !matches!(c, Data::Empty) && !matches!(c, Data::String(s) if s.trim().is_empty())))
        .map(|r| (r.row + 1, r))
        .collect();
    Some(Sheet { file, name: name.into(), cols, rows: data })
}

/// One data row being read; typed getters record errors with the cell's place.
struct RowReader<'s, 'e> {
    sheet: &'s Sheet<'s>,
    row: u32,
    cells: &'s SheetRow,
    errs: &'e mut Vec<Located>,
    failed: bool,
    /// The columns of this row that already have an error (a few at most), so that "is this
    /// cell already reported" never scans the file's whole error list.
    failed_keys: Vec<String>,
}

impl<'s, 'e> RowReader<'s, 'e> {
    fn new(sheet: &'s Sheet<'s>, row: u32, cells: &'s SheetRow, errs: &'e mut Vec<Located>) -> RowReader<'s, 'e> {
        RowReader { sheet, row, cells, errs, failed: false, failed_keys: Vec::new() }
    }
}

impl RowReader<'_, '_> {
    fn raw(&self, key: &str) -> Option<&Data> {
        let (c, _) = self.sheet.cols.get(key)?;
        self.cells.get(*c)
    }

    fn error(&mut self, key: &str, message: String) {
        self.failed = true;
        self.failed_keys.push(key.to_string());
        let column = self.sheet.cols.get(key).map(|(c, h)| column_label(*c, h));
        self.errs.push(Located { column, ..sheet_error(self.sheet.file, &self.sheet.name, self.row, message) });
    }

    /// The cell as text (numbers printed the shortest way), exactly as written: not trimmed, so a
    /// stray space in a code is reported rather than silently removed. Empty for a missing column.
    fn text(&mut self, key: &str) -> String {
        match self.raw(key) {
            None | Some(Data::Empty) => String::new(),
            Some(Data::String(s)) => restore_formula(s).to_string(),
            Some(Data::Float(f)) => format_value(*f),
            Some(Data::Int(i)) => i.to_string(),
            Some(Data::Bool(b)) => b.to_string(),
            Some(other) => other.to_string(),
        }
    }

    fn required(&mut self, key: &str) -> Option<String> {
        let t = self.text(key);
        if t.is_empty() {
            self.error(key, "必填项为空 / required value is empty".into());
            None
        } else {
            Some(t)
        }
    }

    fn number(&mut self, key: &str) -> Option<f64> {
        let v = match self.raw(key) {
            None | Some(Data::Empty) => return None,
            Some(Data::Float(f)) => Some(*f),
            Some(Data::Int(i)) => Some(*i as f64),
            Some(Data::String(s)) if s.is_empty() => return None,
            Some(Data::String(s)) => s.parse::<f64>().ok(),
            Some(_) => None,
        };
        match v.map(|v| (v, check_value(v))) {
            Some((v, Ok(()))) => Some(v),
            Some((_, Err(e))) => {
                let t = self.text(key);
                self.error(key, format!("`{t}`: {e}"));
                None
            }
            None => {
                let t = self.text(key);
                self.error(key, format!("不是数字 / `{t}` is not a number (plain decimal, no thousands separators or units)"));
                None
            }
        }
    }

    fn required_number(&mut self, key: &str) -> Option<f64> {
        let v = self.number(key);
        if v.is_none() && !self.failed_on(key) {
            self.error(key, "必填项为空 / required value is empty".into());
        }
        v
    }

    fn failed_on(&self, key: &str) -> bool {
        self.failed_keys.iter().any(|k| k == key)
    }

    fn whole(&mut self, key: &str) -> Option<u32> {
        let v = self.required_number(key)?;
        if v.fract() != 0.0 || v < 0.0 || v > f64::from(u32::MAX) {
            self.error(key, format!("应为非负整数 / expected a whole number, got {}", format_value(v)));
            return None;
        }
        Some(v as u32)
    }

    fn period(&mut self, key: &str, what: &str) -> Option<Period> {
        if let Some(Data::DateTime(dt)) = self.raw(key) {
            // A month typed into Excel becomes a date; read its month.
            let serial = dt.as_f64();
            return match serial_to_month(serial) {
                Some((y, m)) => Some(Period::Month(y, m)),
                None => {
                    self.error(key, format!("无效的日期 / invalid date for {what}"));
                    None
                }
            };
        }
        let t = self.text(key);
        if t.is_empty() {
            return None;
        }
        match t.parse::<Period>() {
            Ok(p) => Some(p),
            Err(e) => {
                self.error(key, e.to_string());
                None
            }
        }
    }

    fn flag(&mut self, key: &str) -> bool {
        match self.raw(key) {
            Some(Data::Bool(b)) => *b,
            Some(Data::Int(i)) => *i != 0,
            Some(Data::Float(f)) => *f != 0.0,
            _ => {
                let t = self.text(key);
                match t.as_str() {
                    "" | "false" | "FALSE" | "0" | "否" => false,
                    "true" | "TRUE" | "1" | "是" => true,
                    _ => {
                        self.error(key, format!("应为 是/否 / expected true or false, got `{t}`"));
                        false
                    }
                }
            }
        }
    }
}

/// A required amount that may not be negative.
fn amount(r: &mut RowReader<'_, '_>, key: &str) -> Option<f64> {
    let v = r.required_number(key)?;
    if v < 0.0 {
        r.error(key, format!("投资额不能为负 / {key} must not be negative, got {}", format_value(v)));
        return None;
    }
    Some(v)
}

/// Units by code, name and alias, built once per file.
struct Units<'d>(HashMap<&'d str, Vec<&'d Department>>);

impl<'d> Units<'d> {
    fn new(departments: &'d [Department]) -> Units<'d> {
        let mut m: HashMap<&str, Vec<&Department>> = HashMap::new();
        for d in departments {
            let mut names: Vec<&str> = vec![d.code.as_str(), d.name_zh.as_str()];
            names.extend(d.aliases.iter().map(String::as_str));
            names.sort_unstable();
            names.dedup();
            for n in names {
                m.entry(n).or_default().push(d);
            }
        }
        Units(m)
    }
}

/// Resolves a unit written as a code, a name or an alias.
fn resolve_department<'d>(departments: &Units<'d>, text: &str) -> Result<&'d Department, String> {
    let hits: &[&Department] = departments.0.get(text).map_or(&[], Vec::as_slice);
    match hits {
        [d] => Ok(d),
        [] => Err(format!("未知的单位 / unknown unit `{text}`")),
        _ => Err(format!(
            "单位名称不唯一 / unit name `{text}` is ambiguous ({}); use the code",
            hits.iter().map(|d| d.code.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(['\n', ';', '；', '、', ',', '，']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
}

fn open_workbook<'b>(bytes: &'b [u8], file: &str, limits: &Limits) -> Result<InputWorkbook<'b>, WorkbookErrors> {
    InputWorkbook::open(bytes, SheetFormat::Xlsx, limits).map_err(|e| {
        let mut e = e.in_file(file);
        if !e.message.contains("--max-") {
            e.message = format!("不是有效的 .xlsx 文件 / not a valid .xlsx workbook: {}", e.message);
        }
        WorkbookErrors(vec![e])
    })
}

/// Assigns each sheet of the workbook to a spec and reads it (within the limits; a limit hit
/// ends the reading); unknown sheets are errors. Control characters in text cells are errors at
/// their cell.
fn sheets_by_spec(
    wb: &mut InputWorkbook<'_>,
    file: &str,
    specs: &[&SheetSpec],
    read_only: &[&SheetSpec],
    errs: &mut Vec<Located>,
) -> Result<Vec<(usize, String, digecon_core::sheets::Sheet)>, WorkbookErrors> {
    let mut out = Vec::new();
    for name in wb.sheet_names().to_vec() {
        if read_only.iter().any(|s| s.matches(&name)) {
            continue;
        }
        let Some(i) = specs.iter().position(|s| s.matches(&name)) else {
            errs.push(sheet_error(
                file,
                &name,
                0,
                format!(
                    "未知的工作表 / unknown sheet: expected {}",
                    specs.iter().chain(read_only).map(|s| format!("`{}`", s.name())).collect::<Vec<_>>().join(", ")
                ),
            ));
            continue;
        };
        match wb.read(&name) {
            Ok(r) => {
                errs.extend(r.problems.iter().cloned().map(|e| e.in_file(file)));
                out.push((i, name, r));
            }
            Err(e) if e.message.contains("--max-") => return Err(WorkbookErrors(vec![e.in_file(file)])),
            Err(e) => errs.push(e.in_file(file)),
        }
    }
    if out.is_empty() && errs.is_empty() {
        errs.push(Located::at(
            file,
            0,
            format!(
                "没有可导入的工作表 / no sheet to import: expected {}",
                specs.iter().map(|s| format!("`{}`", s.name())).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    out.sort_by_key(|(i, _, _)| *i);
    Ok(out)
}

/// Ledger items by key, plans and the highest number per plan and kind, built once per file.
struct ItemIndex<'i> {
    by_key: HashMap<(&'i str, ItemKind, u32), &'i LedgerItem>,
    max: HashMap<(&'i str, ItemKind), u32>,
}

impl<'i> ItemIndex<'i> {
    fn new(items: &'i [LedgerItem]) -> ItemIndex<'i> {
        let mut by_key = HashMap::new();
        let mut max: HashMap<(&str, ItemKind), u32> = HashMap::new();
        for i in items {
            by_key.entry((i.key.plan_id.as_str(), i.key.kind, i.key.number)).or_insert(i);
            let m = max.entry((i.key.plan_id.as_str(), i.key.kind)).or_insert(0);
            *m = (*m).max(i.key.number);
        }
        ItemIndex { by_key, max }
    }

    fn has_plan(&self, plan: &str) -> bool {
        self.max.contains_key(&(plan, ItemKind::Task)) || self.max.contains_key(&(plan, ItemKind::Project))
    }
}

/// What a task ledger needs to be checked against.
pub struct TaskLedgerContext<'a> {
    pub items: &'a [LedgerItem],
    pub departments: &'a [Department],
    /// Reports already stored (a contribution may be added to one of them).
    pub existing_reports: &'a [ProgressReport],
}

/// A task ledger read and checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskLedger {
    /// Reports to store (each replaces a stored report of the same item and period, with its
    /// goal values, milestones and evidence; stored contributions are kept).
    pub reports: Vec<ProgressReport>,
    /// Contributions to add to reports (stored or in `reports`), replacing the same unit's.
    pub contributions: Vec<(ItemKey, Period, Contribution)>,
    /// Problems to store (each replaces the stored problem with the same subject, period and number).
    pub problems: Vec<Problem>,
}

fn item_of<'i>(r: &mut RowReader<'_, '_>, items: &ItemIndex<'i>) -> Option<&'i LedgerItem> {
    let plan = r.required("plan_id");
    let kind_text = r.text("kind");
    let kind = if kind_text.is_empty() {
        Some(ItemKind::Task)
    } else {
        match kind_text.parse::<ItemKind>() {
            Ok(k) => Some(k),
            Err(e) => {
                r.error("kind", e);
                None
            }
        }
    };
    let number = r.whole("number");
    let (plan, kind, number) = (plan?, kind?, number?);
    if !items.has_plan(&plan) {
        r.error("plan_id", format!("未知的计划 / unknown plan `{plan}`"));
        return None;
    }
    let found = items.by_key.get(&(plan.as_str(), kind, number)).copied();
    if found.is_none() {
        let max = items.max.get(&(plan.as_str(), kind)).copied().unwrap_or(0);
        let what = if kind == ItemKind::Task { "任务序号 / task number" } else { "工程序号 / project number" };
        r.error("number", format!("未知的{what} {number} in plan `{plan}` (1–{max})"));
    }
    found
}

fn report_period(r: &mut RowReader<'_, '_>, key: &str) -> Option<Period> {
    let p = r.period(key, "period")?;
    if matches!(p, Period::Year(_)) {
        r.error(key, format!("期间须为月或季度 / the period must be a month (2022-09) or a quarter (2022-Q3), got `{p}`"));
        return None;
    }
    Some(p)
}

/// Reads a task ledger workbook within the default [`Limits`]. `file` names it in errors.
pub fn read_task_ledger(bytes: &[u8], file: &str, ctx: &TaskLedgerContext<'_>) -> Result<TaskLedger, WorkbookErrors> {
    read_task_ledger_with(bytes, file, ctx, &Limits::default())
}

/// [`read_task_ledger`] within `limits`.
pub fn read_task_ledger_with(bytes: &[u8], file: &str, ctx: &TaskLedgerContext<'_>, limits: &Limits) -> Result<TaskLedger, WorkbookErrors> {
    let mut errs = Vec::new();
    let mut wb = open_workbook(bytes, file, limits)?;
    let specs = [&PROGRESS, &GOAL_VALUES, &CONTRIBUTIONS, &TASK_PROBLEMS];
    let ranges = sheets_by_spec(&mut wb, file, &specs, &[&GOALS_LIST, &NOTES], &mut errs)?;
    let items = ItemIndex::new(ctx.items);
    let units = Units::new(ctx.departments);
    let existing_reports: HashSet<(&ItemKey, Period)> = ctx.existing_reports.iter().map(|x| (&x.key, x.period)).collect();
    let mut out = TaskLedger::default();
    // Where each report came from, to place goal values on it.
    let mut report_rows: BTreeMap<(ItemKey, Period), (usize, u32)> = BTreeMap::new();
    let mut goal_seen: BTreeMap<(ItemKey, Period, String), u32> = BTreeMap::new();
    let mut contrib_seen: BTreeMap<(ItemKey, Period, String), u32> = BTreeMap::new();
    let mut problem_seen: BTreeMap<(Subject, Period, u32), u32> = BTreeMap::new();
    let mut next_seq: BTreeMap<(Subject, Period), u32> = BTreeMap::new();

    for (spec_i, name, data) in &ranges {
        let spec = specs[*spec_i];
        let Some(sheet) = read_sheet(file, name, data, spec, &mut errs) else { continue };
        for (row, cells) in &sheet.rows {
            let mut r = RowReader::new(&sheet, *row, cells, &mut errs);
            let item = item_of(&mut r, &items);
            match spec.key {
                "progress" => {
                    let period = report_period(&mut r, "period");
                    let status = match r.required("status").map(|s| s.parse::<ProgressStatus>()) {
                        Some(Ok(s)) => Some(s),
                        Some(Err(e)) => {
                            r.error("status", e);
                            None
                        }
                        None => None,
                    };
                    let percent = r.number("percent");
                    if let Some(p) = percent {
                        if !(0.0..=100.0).contains(&p) {
                            r.error("percent", format!("完成百分比应在 0–100 之间 / percent must be between 0 and 100, got {}", format_value(p)));
                        }
                    }
                    let text = r.text("task_text");
                    let dept_text = r.text("department");
                    let narrative = r.text("narrative");
                    // Evidence references may contain commas; one per line or `;`-separated.
                    let evidence: Vec<String> =
                        r.text("evidence").split(['\n', ';', '；']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect();
                    let milestones = split_list(&r.text("milestones"));
                    let synthetic = r.flag("synthetic");
                    let Some(item) = item else { continue };
                    if !text.is_empty() && text != item.text {
                        r.error("task_text", "任务内容与数据集不符 / the task text differs from the dataset's; leave it empty or copy it exactly".into());
                    }
                    let department = if dept_text.is_empty() {
                        item.lead_units.first().cloned()
                    } else {
                        match resolve_department(&units, &dept_text) {
                            Ok(d) if item.is_lead(&d.code) => Some(d.code.clone()),
                            Ok(d) => {
                                r.error(
                                    "department",
                                    format!(
                                        "{} 不是该任务的牵头单位 / `{}` is not a lead unit of {} (lead: {}); co-operating units use the contributions sheet",
                                        d.name_zh, d.code, item.key, item.lead_units_text
                                    ),
                                );
                                None
                            }
                            Err(e) => {
                                r.error("department", e);
                                None
                            }
                        }
                    };
                    for m in &milestones {
                        if !item.milestones.iter().any(|x| &x.id == m) {
                            let known: Vec<&str> = item.milestones.iter().map(|x| x.id.as_str()).collect();
                            r.error("milestones", format!("未知的节点 / unknown milestone `{m}` of {} (known: {})", item.key, if known.is_empty() { "none".into() } else { known.join(", ") }));
                        }
                    }
                    let (Some(period), Some(status), Some(department)) = (period, status, department) else { continue };
                    let key = (item.key.clone(), period);
                    if let Some((_, first)) = report_rows.get(&key) {
                        r.error("period", format!("同一任务同一期间重复 / a second report for {} {period} (first on row {first})", item.key));
                        continue;
                    }
                    if r.failed {
                        continue;
                    }
                    report_rows.insert(key, (out.reports.len(), *row));
                    out.reports.push(ProgressReport {
                        key: item.key.clone(),
                        period,
                        department_code: department,
                        status,
                        percent,
                        values: BTreeMap::new(),
                        milestones_reached: milestones,
                        narrative,
                        evidence,
                        contributions: Vec::new(),
                        synthetic,
                        recorded_by: String::new(),
                        recorded_at: String::new(),
                    });
                }
                "goal_values" => {
                    let period = report_period(&mut r, "period");
                    let goal_id = r.required("goal_id");
                    let phrase = r.text("goal");
                    let value = r.required_number("value");
                    let (Some(item), Some(period), Some(goal_id)) = (item, period, goal_id) else { continue };
                    let Some(goal) = item.goal(&goal_id) else {
                        let known: Vec<&str> = item.all_goals().map(|g| g.id.as_str()).collect();
                        r.error("goal_id", format!("未知的目标编号 / unknown goal `{goal_id}` of {} (known: {})", item.key, if known.is_empty() { "none — the task has no quantitative goal".into() } else { known.join(", ") }));
                        continue;
                    };
                    if !phrase.is_empty() && phrase != goal.phrase {
                        r.error("goal", format!("目标与数据集不符 / the goal text differs from the dataset's `{}`", goal.phrase));
                    }
                    let key = (item.key.clone(), period, goal_id.clone());
                    if let Some(first) = goal_seen.get(&key) {
                        r.error("goal_id", format!("目标实测值重复 / a second value for {goal_id} of {} {period} (first on row {first})", item.key));
                        continue;
                    }
                    goal_seen.insert(key, *row);
                    let Some(&(idx, _)) = report_rows.get(&(item.key.clone(), period)) else {
                        r.error("period", format!("本文件「任务进度」中没有 {} {period} 的报告 / no progress row for {} {period} in this file: a goal value belongs to a report", item.key, item.key));
                        continue;
                    };
                    if let (Some(v), false) = (value, r.failed) {
                        out.reports[idx].values.insert(goal_id, v);
                    }
                }
                "contributions" => {
                    let period = report_period(&mut r, "period");
                    let dept_text = r.required("department");
                    let narrative = r.required("narrative");
                    let synthetic = r.flag("synthetic");
                    let (Some(item), Some(period), Some(dept_text), Some(narrative)) = (item, period, dept_text, narrative) else { continue };
                    let dept = match resolve_department(&units, &dept_text) {
                        Ok(d) if item.is_coop(&d.code) => d.code.clone(),
                        Ok(d) => {
                            r.error("department", format!("{} 不是该任务的配合单位 / `{}` is not a co-operating unit of {} (co-operating: {})", d.name_zh, d.code, item.key, if item.coop_units_text.is_empty() { "none" } else { &item.coop_units_text }));
                            continue;
                        }
                        Err(e) => {
                            r.error("department", e);
                            continue;
                        }
                    };
                    let has_report = report_rows.contains_key(&(item.key.clone(), period))
                        || existing_reports.contains(&(&item.key, period));
                    if !has_report {
                        r.error("period", format!("{} {period} 尚无牵头单位报告 / {} has no lead unit's report for {period} yet", item.key, item.key));
                        continue;
                    }
                    let key = (item.key.clone(), period, dept.clone());
                    if let Some(first) = contrib_seen.get(&key) {
                        r.error("department", format!("同一单位重复 / a second contribution of this unit (first on row {first})"));
                        continue;
                    }
                    contrib_seen.insert(key, *row);
                    out.contributions.push((
                        item.key.clone(),
                        period,
                        Contribution { department_code: dept, narrative, synthetic, recorded_by: String::new(), recorded_at: String::new() },
                    ));
                }
                _ => {
                    let Some(item) = item else { continue };
                    if let Some(p) = read_problem(&mut r, Subject::Item(item.key.clone()), &units, &mut problem_seen, &mut next_seq) {
                        out.problems.push(p);
                    }
                }
            }
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(WorkbookErrors(errs))
    }
}

fn read_problem(
    r: &mut RowReader<'_, '_>,
    subject: Subject,
    departments: &Units<'_>,
    seen: &mut BTreeMap<(Subject, Period, u32), u32>,
    next_seq: &mut BTreeMap<(Subject, Period), u32>,
) -> Option<Problem> {
    let raised = report_period(r, "raised");
    let seq = if r.text("seq").is_empty() { None } else { r.whole("seq") };
    let dept_text = r.text("department");
    let text = r.required("text");
    let resolved = r.period("resolved", "resolved");
    let resolution = r.text("resolution");
    let synthetic = r.flag("synthetic");
    let department_code = if dept_text.is_empty() {
        None
    } else {
        match resolve_department(departments, &dept_text) {
            Ok(d) => Some(d.code.clone()),
            Err(e) => {
                r.error("department", e);
                None
            }
        }
    };
    let (raised, text) = (raised?, text?);
    if let Some(res) = resolved {
        if crate::item::month_index(&res) < crate::item::month_index(&raised) {
            r.error("resolved", format!("解决期间早于提出期间 / resolved ({res}) before it was raised ({raised})"));
        }
    }
    let seq = match seq {
        Some(0) => {
            r.error("seq", "问题序号从 1 开始 / problem numbers start at 1".into());
            return None;
        }
        Some(s) => s,
        None => {
            let n = next_seq.entry((subject.clone(), raised)).or_insert(0);
            *n += 1;
            *n
        }
    };
    let key = (subject.clone(), raised, seq);
    if let Some(first) = seen.get(&key) {
        r.error("seq", format!("问题序号重复 / problem {seq} of {subject} raised {raised} appears twice (first on row {first})"));
        return None;
    }
    seen.insert(key, r.row);
    if r.failed {
        return None;
    }
    Some(Problem {
        subject,
        raised,
        seq,
        department_code,
        text,
        resolved,
        resolution,
        synthetic,
        recorded_by: String::new(),
        recorded_at: String::new(),
    })
}

/// What a project ledger needs to be checked against.
pub struct ProjectLedgerContext<'a> {
    pub regions: &'a [Region],
    pub departments: &'a [Department],
    pub existing_projects: &'a [KeyProject],
    pub existing_monthly: &'a [MonthlyReport],
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProjectLedger {
    /// Registry rows to store (replacing the same year and code).
    pub projects: Vec<KeyProject>,
    /// Monthly reports to store (replacing the same project and month).
    pub monthly: Vec<MonthlyReport>,
    pub problems: Vec<Problem>,
}

/// Reads a project ledger workbook within the default [`Limits`]. `file` names it in errors.
pub fn read_project_ledger(bytes: &[u8], file: &str, ctx: &ProjectLedgerContext<'_>) -> Result<ProjectLedger, WorkbookErrors> {
    read_project_ledger_with(bytes, file, ctx, &Limits::default())
}

/// [`read_project_ledger`] within `limits`.
pub fn read_project_ledger_with(bytes: &[u8], file: &str, ctx: &ProjectLedgerContext<'_>, limits: &Limits) -> Result<ProjectLedger, WorkbookErrors> {
    let mut errs = Vec::new();
    let mut wb = open_workbook(bytes, file, limits)?;
    let specs = [&KEY_PROJECTS, &MONTHLY, &PROJECT_PROBLEMS];
    let ranges = sheets_by_spec(&mut wb, file, &specs, &[&NOTES], &mut errs)?;
    let units = Units::new(ctx.departments);
    let regions: HashMap<&str, &Region> = ctx.regions.iter().rev().map(|r| (r.code.as_str(), r)).collect();
    let existing_projects: HashSet<(i32, &str)> = ctx.existing_projects.iter().map(|p| (p.year, p.code.as_str())).collect();
    let mut out = ProjectLedger::default();
    let mut project_rows: BTreeMap<(i32, String), u32> = BTreeMap::new();
    // Monthly rows with where they came from, checked once every row is read.
    let mut monthly_rows: Vec<(MonthlyReport, String, u32)> = Vec::new();
    let mut monthly_seen: BTreeMap<(i32, String, u8), u32> = BTreeMap::new();
    let mut problem_seen = BTreeMap::new();
    let mut next_seq = BTreeMap::new();
    let mut monthly_sheet: Option<(String, Columns)> = None;

    for (spec_i, name, data) in &ranges {
        let spec = specs[*spec_i];
        let Some(sheet) = read_sheet(file, name, data, spec, &mut errs) else { continue };
        if spec.key == "monthly" {
            monthly_sheet = Some((sheet.name.clone(), sheet.cols.clone()));
        }
        for (row, cells) in &sheet.rows {
            let mut r = RowReader::new(&sheet, *row, cells, &mut errs);
            match spec.key {
                "key_projects" => {
                    let year = r.whole("year");
                    let code = r.required("code");
                    let name = r.required("name");
                    let region_code = r.required("region_code");
                    let region_text = r.text("region");
                    let industry = r.required("industry");
                    let kind = r.required("kind").and_then(|k| k.parse::<ProjectKind>().map_err(|e| r.error("kind", e)).ok());
                    let total = amount(&mut r, "total_investment");
                    let planned = amount(&mut r, "planned_investment");
                    let start = r.period("start", "start");
                    let end = r.period("end", "end");
                    for (key, p) in [("start", start), ("end", end)] {
                        if p.is_some_and(|p| !matches!(p, Period::Month(..))) {
                            r.error(key, format!("应为年月 / expected a month such as 2022-03, got `{}`", p.unwrap()));
                        }
                    }
                    if let (Some(s), Some(e)) = (start, end) {
                        if e < s {
                            r.error("end", format!("竣工年月早于开工年月 / end {e} is before start {s}"));
                        }
                    }
                    if start.is_none() && !r.failed_on("start") {
                        r.error("start", "必填项为空 / required value is empty".into());
                    }
                    if end.is_none() && !r.failed_on("end") {
                        r.error("end", "必填项为空 / required value is empty".into());
                    }
                    let lead = r.required("lead_unit").and_then(|t| resolve_department(&units, &t).map_err(|e| r.error("lead_unit", e)).ok().map(|d| d.code.clone()));
                    let status = r.required("status").and_then(|s| s.parse::<ProjectStatus>().map_err(|e| r.error("status", e)).ok());
                    let synthetic = r.flag("synthetic");
                    if let Some(rc) = &region_code {
                        match regions.get(rc.as_str()) {
                            None => r.error("region_code", format!("未知的地区代码 / unknown region code `{rc}`")),
                            Some(reg) if !region_text.is_empty() && region_text != reg.name_zh => {
                                r.error("region", format!("地区名称与代码不符 / `{region_text}` is not the name of {rc} ({})", reg.name_zh))
                            }
                            _ => {}
                        }
                    }
                    if let (Some(y), Some(c)) = (year, &code) {
                        if let Some(first) = project_rows.get(&(y as i32, c.clone())) {
                            r.error("code", format!("项目编码重复 / project `{c}` of {y} appears twice (first on row {first})"));
                        } else {
                            project_rows.insert((y as i32, c.clone()), *row);
                        }
                    }
                    if r.failed {
                        continue;
                    }
                    if let (Some(year), Some(code), Some(name), Some(region_code), Some(industry), Some(kind), Some(total), Some(planned), Some(start), Some(end), Some(lead), Some(status)) =
                        (year, code, name, region_code, industry, kind, total, planned, start, end, lead, status)
                    {
                        out.projects.push(KeyProject {
                            year: year as i32,
                            code,
                            name,
                            region_code,
                            industry,
                            kind,
                            total_investment: total,
                            planned_investment: planned,
                            start,
                            end,
                            lead_unit: lead,
                            status,
                            synthetic,
                            recorded_by: String::new(),
                            recorded_at: String::new(),
                        });
                    }
                }
                "monthly" => {
                    let period = r.period("period", "period");
                    let code = r.required("code");
                    let m = r.required_number("month_investment");
                    let ytd = r.required_number("ytd_investment");
                    let progress = r.text("progress");
                    let synthetic = r.flag("synthetic");
                    let period = match period {
                        Some(p @ Period::Month(..)) => Some(p),
                        Some(p) => {
                            r.error("period", format!("应为年月 / expected a month such as 2022-09, got `{p}`"));
                            None
                        }
                        None => {
                            if !r.failed_on("period") {
                                r.error("period", "必填项为空 / required value is empty".into());
                            }
                            None
                        }
                    };
                    let (Some(Period::Month(y, mo)), Some(code), Some(m), Some(ytd)) = (period, code, m, ytd) else { continue };
                    if let Some(first) = monthly_seen.get(&(y, code.clone(), mo)) {
                        r.error("period", format!("同一项目同月重复 / a second report of `{code}` for {y}-{mo:02} (first on row {first})"));
                        continue;
                    }
                    monthly_seen.insert((y, code.clone(), mo), *row);
                    if r.failed {
                        continue;
                    }
                    monthly_rows.push((
                        MonthlyReport {
                            year: y,
                            code,
                            month: mo,
                            month_investment: m,
                            ytd_investment: ytd,
                            progress,
                            synthetic,
                            recorded_by: String::new(),
                            recorded_at: String::new(),
                        },
                        sheet.name.clone(),
                        *row,
                    ));
                }
                _ => {
                    let year = r.whole("year");
                    let code = r.required("code");
                    let (Some(year), Some(code)) = (year, code) else { continue };
                    let year = year as i32;
                    let known = project_rows.contains_key(&(year, code.clone()))
                        || existing_projects.contains(&(year, code.as_str()));
                    if !known {
                        r.error("code", format!("未知的项目编码 / unknown project `{code}` in {year}'s key-project list"));
                        continue;
                    }
                    if let Some(p) = read_problem(&mut r, Subject::KeyProject { year, code }, &units, &mut problem_seen, &mut next_seq) {
                        out.problems.push(p);
                    }
                }
            }
        }
    }

    // Monthly reports: the project must be listed, and the year's reports (stored ones replaced
    // by the file's) must be consistent.
    if let Some((sheet_name, cols)) = monthly_sheet {
        let place = |row: u32, key: &str, message: String| Located { column: cols.get(key).map(|(c, h)| column_label(*c, h)), ..sheet_error(file, &sheet_name, row, message) };
        let mut merged: BTreeMap<(i32, String, u8), &MonthlyReport> = BTreeMap::new();
        for m in ctx.existing_monthly {
            merged.insert((m.year, m.code.clone(), m.month), m);
        }
        for (m, _, _) in &monthly_rows {
            merged.insert((m.year, m.code.clone(), m.month), m);
        }
        // One project's year of reports (at most twelve), found by key rather than by scanning.
        let mut by_project: HashMap<(i32, &str), Vec<&MonthlyReport>> = HashMap::new();
        for ((y, c, _), m) in &merged {
            by_project.entry((*y, c.as_str())).or_default().push(*m);
        }
        for (m, _, row) in &monthly_rows {
            // Every registry row read (`out.projects`) is in `project_rows`.
            let known = project_rows.contains_key(&(m.year, m.code.clone())) || existing_projects.contains(&(m.year, m.code.as_str()));
            if !known {
                errs.push(place(*row, "code", format!("未知的项目编码 / unknown project `{}` in {}'s key-project list", m.code, m.year)));
                continue;
            }
            let others = by_project.get(&(m.year, m.code.as_str())).map_or(&[][..], Vec::as_slice);
            for issue in check_report(m, others) {
                errs.push(place(*row, issue.field(), issue.describe()));
            }
        }
        out.monthly = monthly_rows.into_iter().map(|(m, _, _)| m).collect();
    }
    // Errors in sheet order, then row order.
    let order: HashMap<&str, usize> = ranges.iter().enumerate().map(|(i, (_, n, _))| (n.as_str(), i)).collect();
    errs.sort_by_key(|e| (e.sheet.as_deref().and_then(|s| order.get(s)).copied().unwrap_or(usize::MAX), e.line));
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(WorkbookErrors(errs))
    }
}

/// The departments named in a workbook that the context could not resolve are reported by the
/// readers; this lists the sheet names a reader accepts, for help texts.
pub fn task_ledger_sheets() -> Vec<String> {
    [&PROGRESS, &GOAL_VALUES, &CONTRIBUTIONS, &TASK_PROBLEMS].iter().map(|s| s.name()).collect()
}

pub fn project_ledger_sheets() -> Vec<String> {
    [&KEY_PROJECTS, &MONTHLY, &PROJECT_PROBLEMS].iter().map(|s| s.name()).collect()
}

/// Set of the item keys a task ledger touches (for summaries).
pub fn touched_items(l: &TaskLedger) -> BTreeSet<ItemKey> {
    l.reports.iter().map(|r| r.key.clone()).chain(l.contributions.iter().map(|c| c.0.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials() {
        // 2022-09-01 is Excel day 44805.
        assert_eq!(serial_to_month(44805.0), Some((2022, 9)));
        assert_eq!(serial_to_month(44804.0), Some((2022, 8)));
        assert_eq!(serial_to_month(25569.0), Some((1970, 1)));
    }
}
