//! What a use case can answer instead of a result, typed so each adapter maps it once (the
//! server to a status, the CLI to a message).

use digecon_store::collect::CollectError;
use digecon_store::StoreError;

/// One wrong field of a request, named as the caller named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &str, message: impl Into<String>) -> Invalid {
        Invalid { field: field.to_string(), message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Something named in the request does not exist (a plan, a region, a scheme, data for a year).
    #[error("不存在 / not found: {0}")]
    NotFound(String),
    /// The request is wrong, field by field.
    #[error("{}", invalid_text(.0))]
    Invalid(Vec<Invalid>),
    /// Outside the actor's role or data scope.
    #[error("无权访问 / not in your data scope: {0}")]
    Forbidden(String),
    /// Something exists already or is in a state that does not allow it.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Track(#[from] digecon_track::TrackError),
    #[error(transparent)]
    Evaluate(#[from] digecon_evaluate::EvaluateError),
    #[error(transparent)]
    Bulletin(#[from] digecon_ledger::bulletin::BulletinError),
    /// A ledger workbook refused: every problem at its sheet, row and column.
    #[error(transparent)]
    Workbook(#[from] digecon_ledger::workbook::WorkbookErrors),
    #[error(transparent)]
    Collect(#[from] CollectError),
    /// A file of rows (observations) with problems, each at file:line.
    #[error(transparent)]
    Data(#[from] digecon_dataset::DataErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something the machine lacks (fonts for a PDF), not the request's fault.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Report(#[from] digecon_report::ReportError),
}

fn invalid_text(v: &[Invalid]) -> String {
    v.iter().map(|i| format!("{}: {}", i.field, i.message)).collect::<Vec<_>>().join("\n")
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
