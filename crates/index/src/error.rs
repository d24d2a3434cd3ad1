//! The one error type of the crate. Every message is zh-CN first, then English, and names what was
//! expected; parse errors also name the source (file name), line and column.

use digecon_core::Located;

/// An error of the composite-index engine.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IndexError {
    /// A malformed input file (iData, iMeta, a data CSV, a pairwise matrix) at `file:line:column`
    /// (column = header name, or counted from 1 as in a spreadsheet); line 0 = the file as a whole.
    #[error(transparent)]
    Input(#[from] Located),
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
    pub(crate) fn at(file: impl Into<String>, line: u64, message: impl Into<String>) -> Self {
        IndexError::Input(Located::at(file, line, message))
    }

    pub(crate) fn at_column(file: impl Into<String>, line: u64, column: impl Into<String>, message: impl Into<String>) -> Self {
        IndexError::Input(Located::at_column(file, line, column, message))
    }

    pub(crate) fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        IndexError::Input(Located::at(file, 0, message))
    }

    pub(crate) fn step(step: &'static str, message: impl Into<String>) -> Self {
        IndexError::Step { step, message: message.into() }
    }
}

pub type Result<T> = std::result::Result<T, IndexError>;
