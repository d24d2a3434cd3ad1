//! The fonts a report is drawn with, given as bytes by the caller (who finds them on the system):
//! typst embeds them in the PDF, resvg draws the DOCX figures with them.

use std::sync::Arc;

pub use resvg::usvg::fontdb;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

use crate::ReportError;

/// One copy of a font file shared by typst and fontdb (CJK collections are 20–30 MB each).
#[derive(Clone)]
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

pub struct ReportFonts {
    pub(crate) typst: Vec<Font>,
    pub(crate) book: LazyHash<FontBook>,
    pub(crate) db: Arc<fontdb::Database>,
    pub(crate) library: LazyHash<typst::Library>,
}

impl std::fmt::Debug for ReportFonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ReportFonts({} faces)", self.typst.len())
    }
}

/// Families a Chinese report can be set in, in order of preference.
pub const CJK_FAMILIES: &[&str] = &["Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Droid Sans Fallback"];

pub const NO_CJK: &str = "没有可用的中文字体（需要 Noto Serif/Sans CJK SC、Source Han Serif/Sans SC、WenQuanYi Zen Hei 或 Droid Sans Fallback 之一；Debian/Ubuntu：apt-get install fonts-noto-cjk；或以 DIGECON_FONT_DIR 指定字体目录）/ no CJK font found: install fonts-noto-cjk or set DIGECON_FONT_DIR";

impl ReportFonts {
    /// From font files (TTF, OTF or collections). Refuses a set without a CJK face: the PDF would
    /// show empty boxes.
    pub fn new(files: Vec<Vec<u8>>) -> Result<ReportFonts, ReportError> {
        use typst::LibraryExt;
        let mut typst_fonts = Vec::new();
        let mut db = fontdb::Database::new();
        for data in files {
            let shared = Shared(Arc::new(data));
            db.load_font_source(fontdb::Source::Binary(Arc::new(shared.clone())));
            typst_fonts.extend(Font::iter(typst::foundations::Bytes::new(shared)));
        }
        let has_cjk = typst_fonts.iter().any(|f| CJK_FAMILIES.iter().any(|fam| f.info().family == *fam));
        if !has_cjk {
            return Err(ReportError::Fonts(NO_CJK.into()));
        }
        let book = LazyHash::new(FontBook::from_fonts(&typst_fonts));
        Ok(ReportFonts { typst: typst_fonts, book, db: Arc::new(db), library: LazyHash::new(typst::Library::default()) })
    }

    /// The first of [`CJK_FAMILIES`] present.
    pub fn cjk_family(&self, sans: bool) -> String {
        let want: Vec<&&str> = CJK_FAMILIES.iter().filter(|f| !sans || !f.contains("Serif")).collect();
        want.iter()
            .find(|fam| self.typst.iter().any(|f| f.info().family == ***fam))
            .map(|s| s.to_string())
            .unwrap_or_else(|| self.typst[0].info().family.clone())
    }

    /// An SVG drawn as PNG at `scale`.
    pub fn png(&self, svg: &str, scale: f32) -> Result<Vec<u8>, ReportError> {
        use resvg::{tiny_skia, usvg};
        let mut opt = usvg::Options::default();
        opt.fontdb = self.db.clone();
        opt.font_family = self.cjk_family(true);
        let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| ReportError::Figure(e.to_string()))?;
        let size = tree.size().to_int_size();
        let (w, h) = ((size.width() as f32 * scale).ceil() as u32, (size.height() as f32 * scale).ceil() as u32);
        let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or_else(|| ReportError::Figure(format!("invalid figure size {w}×{h}")))?;
        resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
        pixmap.encode_png().map_err(|e| ReportError::Figure(e.to_string()))
    }
}
