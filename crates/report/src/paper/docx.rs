//! DOCX by docx-rs, for a provincial office to edit in Word or WPS: headings are Word heading
//! styles (so Word's navigation pane and the table of contents field work), tables are Word
//! tables, figures are PNG pictures (rasterised from the same SVG by resvg, at 2×), source notes are
//! superscript numbers resolved in the appendix, Chinese fonts are declared (宋体 / 黑体).

use docx_rs::*;

use super::chart;
use super::doc::{self, Block, Cell, Document, Inline, GAPS_INTRO, NO_GAPS};
use super::fonts::ReportFonts;
use crate::ReportError;

const BODY_FONT: &str = "宋体";
const HEAD_FONT: &str = "黑体";
const LATIN_FONT: &str = "Times New Roman";

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new().east_asia(east_asia).ascii(LATIN_FONT).hi_ansi(LATIN_FONT)
}

fn sup(text: String) -> Run {
    let mut r = Run::new().add_text(text).color("2F6DB5");
    r.run_property = r.run_property.vert_align(VertAlignType::SuperScript);
    r
}

fn runs(mut p: Paragraph, items: &[Inline]) -> Paragraph {
    for i in items {
        match i {
            Inline::Text(t) => p = p.add_run(Run::new().add_text(t.as_str())),
            Inline::Num { text, source, synthetic } => {
                let mut r = Run::new().add_text(text.as_str());
                if *synthetic {
                    r = r.highlight("yellow");
                    p = p.add_run(r).add_run(sup("合成".into()));
                } else {
                    p = p.add_run(r);
                }
                p = p.add_run(sup(format!("[{source}]")));
            }
        }
    }
    p
}

fn cell(c: &Cell, header: bool) -> TableCell {
    let p = match c {
        Cell::Text(t) => {
            let r = Run::new().add_text(t.as_str());
            Paragraph::new().add_run(if header { r.bold() } else { r })
        }
        Cell::Empty => Paragraph::new().add_run(Run::new().add_text("—")).align(AlignmentType::Center),
        Cell::Num { text, source, synthetic, .. } => {
            runs(Paragraph::new(), &[Inline::Num { text: text.clone(), source: *source, synthetic: *synthetic }]).align(AlignmentType::Right)
        }
    };
    let tc = TableCell::new().add_paragraph(p);
    if header { tc.shading(Shading::new().fill("EEF3FA")) } else { tc }
}

fn caption(text: String) -> Paragraph {
    Paragraph::new().style("Caption").add_run(Run::new().add_text(text)).align(AlignmentType::Center)
}

fn source_note(ids: &[usize]) -> Option<Paragraph> {
    (!ids.is_empty()).then(|| Paragraph::new().add_run(Run::new().add_text(doc::source_note(ids)).size(18).color("666666")).align(AlignmentType::Center))
}

/// The document as a .docx file.
pub fn render(doc: &Document, f: &ReportFonts) -> Result<Vec<u8>, ReportError> {
    let mut d = Docx::new()
        .page_size(11906, 16838) // A4 in twips
        .page_margin(PageMargin::new().top(1440).bottom(1440).left(1588).right(1474))
        .default_fonts(fonts(BODY_FONT))
        .default_size(24)
        .add_style(Style::new("Title", StyleType::Paragraph).name("Title").size(40).bold().fonts(fonts(HEAD_FONT)).align(AlignmentType::Center))
        .add_style(Style::new("Heading1", StyleType::Paragraph).name("heading 1").size(32).bold().fonts(fonts(HEAD_FONT)).outline_lvl(0))
        .add_style(Style::new("Heading2", StyleType::Paragraph).name("heading 2").size(28).bold().fonts(fonts(HEAD_FONT)).outline_lvl(1))
        .add_style(Style::new("Caption", StyleType::Paragraph).name("caption").size(21).bold().fonts(fonts(HEAD_FONT)))
        .footer(Footer::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text("— ")).add_page_num(PageNum::new()).add_run(Run::new().add_text(" —")).align(AlignmentType::Center)));
    d = d.add_paragraph(Paragraph::new().style("Title").add_run(Run::new().add_text(doc.title.as_str())));
    d = d.add_paragraph(Paragraph::new().add_run(Run::new().add_text(doc.subtitle.as_str()).color("666666")).align(AlignmentType::Center));
    d = d.add_table_of_contents(TableOfContents::new().heading_styles_range(1, 2).alias("目录").auto());
    for b in &doc.blocks {
        match b {
            Block::Heading { level, text } => {
                d = d.add_paragraph(Paragraph::new().style(if *level == 1 { "Heading1" } else { "Heading2" }).add_run(Run::new().add_text(text.as_str())).keep_next(true));
            }
            Block::Paragraph(items) => {
                d = d.add_paragraph(runs(Paragraph::new().indent(None, Some(SpecialIndentType::FirstLine(480)), None, None), items));
            }
            Block::Figure(fig) => {
                let svg = chart::svg(fig);
                let png = f.png(&svg, 2.0)?;
                let (w, h) = (5_580_000u32, 5_580_000u32 * chart::HEIGHT / chart::WIDTH);
                d = d.add_paragraph(Paragraph::new().add_run(Run::new().add_image(Pic::new(&png).size(w, h))).align(AlignmentType::Center).keep_next(true));
                d = d.add_paragraph(caption(fig.caption()));
                if let Some(p) = source_note(&fig.source_ids()) {
                    d = d.add_paragraph(p);
                }
            }
            Block::Table(t) => {
                d = d.add_paragraph(caption(t.caption()).keep_next(true));
                let mut rows = vec![TableRow::new(t.header.iter().map(|h| cell(&Cell::Text(h.clone()), true)).collect())];
                for r in &t.rows {
                    rows.push(TableRow::new(r.iter().map(|c| cell(c, false)).collect()));
                }
                d = d.add_table(Table::new(rows).align(TableAlignmentType::Center));
                d = d.add_paragraph(Paragraph::new());
            }
        }
    }
    d = d.add_paragraph(Paragraph::new().style("Heading1").add_run(Run::new().add_text("数据缺口")));
    if doc.gaps.is_empty() {
        d = d.add_paragraph(Paragraph::new().add_run(Run::new().add_text(NO_GAPS)));
    } else {
        d = d.add_paragraph(Paragraph::new().add_run(Run::new().add_text(GAPS_INTRO)));
        for g in &doc.gaps {
            d = d.add_paragraph(Paragraph::new().add_run(Run::new().add_text(format!("• {}{}", g.what, g.state())).bold()).add_run(Run::new().add_text(format!("：{}", g.missing_text()))));
        }
    }
    d = d.add_paragraph(Paragraph::new().style("Heading1").add_run(Run::new().add_text("附录 数据来源")));
    for (i, s) in doc.sources.iter().enumerate() {
        d = d.add_paragraph(Paragraph::new().add_run(Run::new().add_text(format!("[{}] {}：{}", i + 1, s.label, s.kind.describe())).size(18)));
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut buf).map_err(|e| ReportError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}
