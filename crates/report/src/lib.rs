//! Reports and exports. Each writer returns bytes; where they go (a file, an HTTP response) is the
//! caller's business.
//!
//! - [`sdmx`]: SDMX-CSV 2.0 (the dissemination format of OECD .Stat Suite and Eurostat).
//! - [`xlsx`]: an Excel workbook of observations with units, status and sources.
//! - [`paper`]: the white paper and the city/county profiles from templates (HTML, DOCX, PDF, XLSX).

pub mod paper;
pub mod sdmx;
pub mod xlsx;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("写 CSV 失败 / writing CSV failed: {0}")]
    Csv(#[from] csv::Error),
    #[error("写 Excel 失败 / writing Excel failed: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("写 DOCX 失败 / writing DOCX failed: {0}")]
    Docx(String),
    #[error("排版 PDF 失败 / typesetting the PDF failed: {0}")]
    Pdf(String),
    #[error("绘制图表失败 / drawing a figure failed: {0}")]
    Figure(String),
    #[error("{0}")]
    Fonts(String),
}
