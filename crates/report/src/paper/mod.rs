//! Reports written from the data: the annual white paper and the city/county profiles (一地一档).
//!
//! A [`template`] (TOML, user-editable) says what the report holds; [`build`] fills it from
//! [`facts`] into a [`doc::Document`] — sentences with numbers from the store, figures, tables,
//! every number with a numbered source, every hole listed as a gap — and the renderers write that
//! one document as HTML ([`html`]), DOCX ([`docx`], docx-rs), PDF ([`pdf`], typst) and XLSX
//! ([`book`], rust_xlsxwriter). Figures are drawn once as SVG ([`chart`], plotters).

pub mod book;
pub mod build;
pub mod chart;
pub mod doc;
pub mod docx;
pub mod facts;
pub mod fonts;
pub mod html;
pub mod pdf;
pub mod template;

pub use build::{build, BuildError};
pub use doc::Document;
pub use facts::{EvaluationFacts, Facts, ProjectLine, TargetLine};
pub use fonts::ReportFonts;
pub use template::Loaded;

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Html,
    Docx,
    Pdf,
    Xlsx,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Html, Format::Docx, Format::Pdf, Format::Xlsx];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Format::Pdf => "application/pdf",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == s)
    }
}

/// Writes the document in one format. DOCX and PDF need fonts (figures and embedding); HTML and
/// XLSX draw no glyphs themselves.
pub fn render(doc: &Document, format: Format, fonts: Option<&ReportFonts>) -> Result<Vec<u8>, crate::ReportError> {
    let need = || fonts.ok_or_else(|| crate::ReportError::Fonts(fonts::NO_CJK.into()));
    match format {
        Format::Html => Ok(html::render(doc).into_bytes()),
        Format::Docx => docx::render(doc, need()?),
        Format::Pdf => pdf::render(doc, need()?),
        Format::Xlsx => book::render(doc),
    }
}
