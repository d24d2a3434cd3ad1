//! The one error type of the crate. Every message is zh-CN first, then English, and names what was
//! expected; parse errors also name the source (file name), line and column.

/// An error of the composite-index engine.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IndexError {
    /// A malformed input file (iData, iMeta, a data CSV).
    #[error("{source_name}:{line}: 列 / column `{column}`: {message}")]
    Input { source_name: String, line: u64, column: String, message: String },
    /// A malformed input file where no single column is at fault.
    #[error("{source_name}:{line}: {message}")]
    InputLine { source_name: String, line: u64, message: String },
    /// A cell of a spreadsheet-like CSV, its column counted from 1 as in a spreadsheet.
    #[error("{source_name}:{line}: 列 / column {column}: {message}")]
    Cell { source_name: String, line: u64, column: usize, message: String },
    /// A file that cannot be used as a whole (empty, unreadable CSV).
    #[error("{source_name}: {message}")]
    File { source_name: String, message: String },
    /// A framework (indicator tree) that cannot be used.
    #[error("指标框架无效 / invalid framework: {0}")]
    Framework(String),
    /// A pipeline or analysis configuration that cannot be used.
    #[error("{source_name}: 配置无效 / invalid configuration: {message}")]
    Config { source_name: String, message: String },
    /// A pipeline step that cannot compute a value from its input.
    #[error("{step}: {message}")]
    Step { step: &'static str, message: String },
    /// An AHP pairwise-comparison matrix that is malformed or inconsistent.
    #[error("{0}")]
    Ahp(String),
    /// Bad arguments to a function (tiering, industry selection, …).
    #[error("{0}")]
    Invalid(String),
}

impl IndexError {
    pub(crate) fn step(step: &'static str, message: impl Into<String>) -> Self {
        IndexError::Step { step, message: message.into() }
    }
}

pub type Result<T> = std::result::Result<T, IndexError>;
