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
use digecon_core::sheets::{column_letter, SheetFormat, SheetRow, Workbook as InputWorkbook};
use digecon_core::text::{neutralise_formula, restore_formula};
use digecon_core::{check_value, format_value, Department, Limits, Located, Period, Region};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::item::{ItemKey, ItemKind, LedgerItem};
use crate::problem::{Problem, Subject};
use crate::progress::{Contribution, ProgressReport, ProgressStatus};
use crate::projects::{check_report, KeyProject, MonthlyReport, ProjectKind, ProjectStatus};

mod projects;
mod read;
mod tasks;
mod write;

pub use projects::{read_project_ledger, read_project_ledger_with, ProjectLedger, ProjectLedgerContext};
pub use tasks::{read_task_ledger, read_task_ledger_with, touched_items, TaskLedger, TaskLedgerContext};
pub use write::{write_project_ledger, write_task_ledger};
use read::*;

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

/// The departments named in a workbook that the context could not resolve are reported by the
/// readers; this lists the sheet names a reader accepts, for help texts.
pub fn task_ledger_sheets() -> Vec<String> {
    [&PROGRESS, &GOAL_VALUES, &CONTRIBUTIONS, &TASK_PROBLEMS].iter().map(|s| s.name()).collect()
}

pub fn project_ledger_sheets() -> Vec<String> {
    [&KEY_PROJECTS, &MONTHLY, &PROJECT_PROBLEMS].iter().map(|s| s.name()).collect()
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
