//! Errors in shipped or user-supplied reference data (tables, rules, parameters), and in input
//! files as a whole (as opposed to single bad rows, which are rejects). A problem in a data file is
//! a [`Located`] at `file:line` (line 0 = the file as a whole).

use digecon_core::Located;

/// Errors that stop a whole run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Data(#[from] Located),
    #[error("{file}: 读取失败 / read failed: {source}")]
    Io { file: String, source: std::io::Error },
    #[error("{file}: 写出失败 / write failed: {source}")]
    Write { file: String, source: std::io::Error },
    #[error("{file}: 无法读取 Excel 文件 / cannot read the XLSX file: {message}")]
    Xlsx { file: String, message: String },
}
