//! Reading a project ledger: the key-project registry, monthly reports (checked against each
//! other and the stored ones), problems.

use super::*;

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
