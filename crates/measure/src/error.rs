//! Errors in shipped or user-supplied reference data (tables, rules, parameters), and in input
//! files as a whole (as opposed to single bad rows, which are rejects).

/// A problem in a data file, reported as `file:line: message` (line 0 = the file as a whole).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct DataError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

impl DataError {
    pub fn at(file: &str, line: u64, message: String) -> Self {
        Self { file: file.to_string(), line, message }
    }
}

/// Errors that stop a whole run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("{file}: 读取失败 / read failed: {source}")]
    Io { file: String, source: std::io::Error },
    #[error("{file}: 写出失败 / write failed: {source}")]
    Write { file: String, source: std::io::Error },
    #[error("{file}: 无法读取 Excel 文件 / cannot read the XLSX file: {message}")]
    Xlsx { file: String, message: String },
}
