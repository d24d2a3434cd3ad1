//! Reading a task ledger: reports, goal values, co-operating units' contributions, problems.

use super::*;

/// Ledger items by key, plans and the highest number per plan and kind, built once per file.
pub(super) struct ItemIndex<'i> {
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

pub(super) fn item_of<'i>(r: &mut RowReader<'_, '_>, items: &ItemIndex<'i>) -> Option<&'i LedgerItem> {
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

/// Set of the item keys a task ledger touches (for summaries).
pub fn touched_items(l: &TaskLedger) -> BTreeSet<ItemKey> {
    l.reports.iter().map(|r| r.key.clone()).chain(l.contributions.iter().map(|c| c.0.clone())).collect()
}
