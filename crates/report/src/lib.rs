//! Reports and exports. Each writer returns bytes; where they go (a file, an HTTP response) is the
//! caller's business.
//!
//! - [`sdmx`]: SDMX-CSV 2.0 (the dissemination format of OECD .Stat Suite and Eurostat).
//! - [`xlsx`]: an Excel workbook of observations with units, status and sources.

pub mod sdmx;
pub mod xlsx;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("写 CSV 失败 / writing CSV failed: {0}")]
    Csv(#[from] csv::Error),
    #[error("写 Excel 失败 / writing Excel failed: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}
