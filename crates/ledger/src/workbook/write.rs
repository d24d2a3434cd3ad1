//! Writing the task and project ledger workbooks (rust_xlsxwriter; text formula-neutralised).

use super::*;

pub(super) fn header_row(ws: &mut rust_xlsxwriter::Worksheet, spec: &SheetSpec) -> Result<(), XlsxError> {
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
pub(super) enum W {
    S(String),
    N(f64),
    B(bool),
    Empty,
}

pub(super) fn write_row(ws: &mut rust_xlsxwriter::Worksheet, row: u32, cells: Vec<W>) -> Result<(), XlsxError> {
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

pub(super) fn notes(ws: &mut rust_xlsxwriter::Worksheet, lines: &[&str]) -> Result<(), XlsxError> {
    ws.set_name(NOTES.name())?;
    ws.set_column_width(0, 120)?;
    for (i, l) in lines.iter().enumerate() {
        ws.write_string(i as u32, 0, *l)?;
    }
    Ok(())
}

/// Department code → Chinese name, for writing.
pub(super) struct DeptNames<'d>(HashMap<&'d str, &'d str>);

impl<'d> DeptNames<'d> {
    fn new(departments: &'d [Department]) -> DeptNames<'d> {
        DeptNames(departments.iter().rev().map(|d| (d.code.as_str(), d.name_zh.as_str())).collect())
    }
}

pub(super) fn dept_name(departments: &DeptNames<'_>, code: &str) -> String {
    departments.0.get(code).map_or_else(|| code.to_string(), |n| n.to_string())
}

pub(super) fn item_cells(k: &ItemKey) -> Vec<W> {
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

pub(super) fn problem_cells(p: &Problem, departments: &DeptNames<'_>) -> Vec<W> {
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
