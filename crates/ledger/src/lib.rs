//! The task ledger (工作台账) and key-project scheduling (按月调度、按季通报) of a digital-economy
//! programme.
//!
//! - [`goals`]: quantitative goals read from task texts, every number accounted for;
//! - [`item`]: tasks and engineering projects as ledger items with goals, milestones and a span;
//! - [`progress`]: progress reports and the colour rule (green / yellow / red / grey);
//! - [`problem`]: problems needing coordination and how long they have been open;
//! - [`projects`]: key projects, monthly investment reports and the scheduling views;
//! - [`bulletin`]: the quarterly bulletin, computed from the data, as Markdown, HTML and XLSX;
//! - [`scope`]: who may file which report (on top of the actor's data scope);
//! - [`workbook`]: ledger workbooks (`.xlsx`) out and in, all or nothing, errors by sheet, row, column;
//! - [`demo`]: a seeded synthetic ledger (100 key projects, 650 亿元, reports through the year).
//!
//! Pure: bytes in, bytes out; storage is `digecon-store`'s `ledger` module.

pub mod bulletin;
pub mod demo;
pub mod goals;
pub mod item;
pub mod problem;
pub mod progress;
pub mod projects;
pub mod scope;
pub mod workbook;

pub use goals::{extract, Extraction, Goal, NotAGoal, NotAGoalReason, Relation};
pub use item::{items, month_index, ItemKey, ItemKind, LedgerItem, Milestone};
pub use problem::{open_longer_than, Problem, Subject};
pub use progress::{colour_at, history, lateness, Colour, ColourAt, Contribution, Lateness, ProgressReport, ProgressStatus};
pub use projects::{check_report, progress_at, KeyProject, LeagueRow, MonthlyReport, ProjectKind, ProjectProgress, ProjectStatus, ReportIssue};

pub use digecon_core::Period;

/// 万元 → 亿元.
pub fn yi(wan: f64) -> f64 {
    wan / 10000.0
}
