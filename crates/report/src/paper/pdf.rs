//! PDF by typst (as a library): the document is written as typst markup — every text as a typst
//! string literal, so nothing in the data can inject markup — and typst lays it out (CJK line
//! breaking, tables, the outline, page numbers) and typst-pdf writes it with the fonts embedded.

use std::collections::HashMap;
use std::fmt::Write;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

use super::chart;
use super::doc::{source_note, Block, Cell, Document, Inline, GAPS_INTRO, NO_GAPS};
use super::fonts::ReportFonts;
use crate::ReportError;

fn file_id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a valid virtual path")).intern()
}

struct PaperWorld<'a> {
    fonts: &'a ReportFonts,
    main: Source,
    files: HashMap<FileId, Bytes>,
}

impl World for PaperWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.fonts.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.get().vpath().get_without_slash().into()))
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.get().vpath().get_without_slash().into()))
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.typst.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// A typst string literal.
fn lit(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn num(text: &str, source: usize, synthetic: bool) -> String {
    if synthetic {
        format!("#highlight(fill: rgb(\"#fff3d6\"))[#{}]#super[#text(fill: rgb(\"#aa6600\"))[合成]]#super[#text(fill: rgb(\"#2f6db5\"))[\\[{source}\\]]]", lit(text))
    } else {
        format!("#{}#super[#text(fill: rgb(\"#2f6db5\"))[\\[{source}\\]]]", lit(text))
    }
}

fn inlines(items: &[Inline]) -> String {
    let mut o = String::new();
    for i in items {
        match i {
            Inline::Text(t) => {
                let _ = write!(o, "#{}", lit(t));
            }
            Inline::Num { text, source, synthetic } => o.push_str(&num(text, *source, *synthetic)),
        }
    }
    o
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Text(t) => format!("[#{}]", lit(t)),
        Cell::Empty => "[—]".into(),
        Cell::Num { text, source, synthetic, .. } => format!("[{}]", num(text, *source, *synthetic)),
    }
}

/// The typst markup of the document and the figure files it refers to.
pub fn markup(doc: &Document, fonts: &ReportFonts) -> (String, Vec<(String, String)>) {
    let serif = fonts.cjk_family(false);
    let sans = fonts.cjk_family(true);
    let mut o = String::new();
    let mut files = Vec::new();
    let _ = writeln!(o, "#set document(title: {})", lit(&doc.title));
    let _ = writeln!(o, "#set page(paper: \"a4\", margin: (x: 2.4cm, y: 2.5cm), numbering: \"1\", footer: context align(center)[— #counter(page).display() —])");
    let _ = writeln!(o, "#set text(font: ({}, {}), lang: \"zh\", region: \"cn\", size: 11pt)", lit(&serif), lit(&sans));
    let _ = writeln!(o, "#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 0.95em, spacing: 1.1em)");
    let _ = writeln!(o, "#show heading: set text(font: {}, weight: \"bold\")", lit(&sans));
    let _ = writeln!(o, "#show heading.where(level: 1): it => block(above: 1.6em, below: 1em, text(size: 15pt, it))");
    let _ = writeln!(o, "#set table(stroke: 0.5pt + gray, inset: 5pt)");
    let _ = writeln!(o, "#align(center, block(above: 6em, below: 1em, text(size: 22pt, weight: \"bold\", font: {}, {})))", lit(&sans), lit(&doc.title));
    let _ = writeln!(o, "#align(center, text(fill: gray, {}))", lit(&doc.subtitle));
    let _ = writeln!(o, "#v(2em)\n#outline(title: \"目录\", depth: 2)\n#pagebreak()");
    for b in &doc.blocks {
        match b {
            Block::Heading { level, text } => {
                let _ = writeln!(o, "\n#heading(level: {level}, {})\n", lit(text));
            }
            Block::Paragraph(items) => {
                let _ = writeln!(o, "{}\n", inlines(items));
            }
            Block::Figure(f) => {
                let name = format!("/fig-{}.svg", f.number);
                files.push((name.clone(), chart::svg(f)));
                let _ = writeln!(
                    o,
                    "#block(breakable: false, width: 100%)[#align(center)[#image({}, width: 100%)\n#text(weight: \"bold\", font: {}, size: 10.5pt, {})\n\n#text(size: 8pt, fill: gray, {})]]\n",
                    lit(&name),
                    lit(&sans),
                    lit(&f.caption()),
                    lit(&source_note(&f.source_ids()))
                );
            }
            Block::Table(t) => {
                let cols = t.header.len().max(t.rows.first().map_or(1, Vec::len));
                let aligns: Vec<&str> = (0..cols).map(|i| if i == 0 { "left" } else { "right" }).collect();
                let _ = write!(o, "#align(center)[#text(weight: \"bold\", font: {}, size: 10.5pt, {})]\n#align(center, table(columns: {cols}, align: ({},), table.header(", lit(&sans), lit(&t.caption()), aligns.join(", "));
                for h in &t.header {
                    let _ = write!(o, "[#text(weight: \"bold\", {})],", lit(h));
                }
                o.push_str("),");
                for r in &t.rows {
                    for c in r {
                        o.push_str(&cell(c));
                        o.push(',');
                    }
                }
                o.push_str("))\n\n");
            }
        }
    }
    o.push_str("\n#heading(level: 1, \"数据缺口\")\n\n");
    if doc.gaps.is_empty() {
        let _ = writeln!(o, "#{}\n", lit(NO_GAPS));
    } else {
        let _ = writeln!(o, "#{}\n", lit(GAPS_INTRO));
        for g in &doc.gaps {
            let _ = writeln!(o, "- #strong({})#{}\n", lit(&format!("{}{}", g.what, g.state())), lit(&format!("：{}", g.missing_text())));
        }
    }
    o.push_str("\n#heading(level: 1, \"附录 数据来源\")\n#set par(first-line-indent: 0em)\n#set text(size: 8.5pt)\n");
    for (i, s) in doc.sources.iter().enumerate() {
        let _ = writeln!(o, "#{}\n", lit(&format!("[{}] {}：{}", i + 1, s.label, s.kind.describe())));
    }
    (o, files)
}

/// The document as a PDF (A4, outline, page numbers, fonts embedded).
pub fn render(doc: &Document, fonts: &ReportFonts) -> Result<Vec<u8>, ReportError> {
    let (text, figures) = markup(doc, fonts);
    let main = Source::new(file_id("/main.typ"), text);
    let files = figures.into_iter().map(|(name, svg)| (file_id(&name), Bytes::from_string(svg))).collect();
    let world = PaperWorld { fonts, main, files };
    let warned = typst::compile::<typst_layout::PagedDocument>(&world);
    // typst memoises across compilations; a batch of profiles would otherwise keep every
    // document's intermediate results (≈ 1 GB for 111 profiles).
    typst::comemo::evict(10);
    let document = warned.output.map_err(|errors| ReportError::Pdf(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| ReportError::Pdf(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))
}
