//! The report's data as an Excel workbook (rust_xlsxwriter): one sheet per figure and table,
//! numbers as numbers, a synthetic flag and the source note beside each value, then the sources
//! and the gaps.

use digecon_core::text::neutralise_formula as safe;
use rust_xlsxwriter::{Format, Workbook};

use super::doc::{Block, Cell, Document};
use crate::ReportError;

pub fn render(doc: &Document) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let syn = Format::new().set_background_color("#FFF3D6");
    let mut unnumbered = 0;
    for b in &doc.blocks {
        match b {
            Block::Figure(f) => {
                let ws = wb.add_worksheet();
                ws.set_name(format!("图{}", f.number))?;
                ws.write_string_with_format(0, 0, safe(&format!("图 {} {}", f.number, f.title)), &bold)?;
                ws.write_string_with_format(2, 0, "类别 category", &bold)?;
                let series: Vec<_> = f.series().collect();
                for (j, s) in series.iter().enumerate() {
                    let c = 1 + 3 * j as u16;
                    ws.write_string_with_format(2, c, safe(&format!("{}（{}）", s.name, s.unit)), &bold)?;
                    ws.write_string_with_format(2, c + 1, "合成 synthetic", &bold)?;
                    ws.write_string_with_format(2, c + 2, "来源 source", &bold)?;
                    ws.set_column_width(c, 18)?;
                }
                ws.set_column_width(0, 14)?;
                for (i, cat) in f.categories.iter().enumerate() {
                    let r = 3 + i as u32;
                    ws.write_string(r, 0, safe(cat))?;
                    for (j, s) in series.iter().enumerate() {
                        let c = 1 + 3 * j as u16;
                        if let Some(v) = s.values[i] {
                            if s.synthetic[i] {
                                ws.write_number_with_format(r, c, v, &syn)?;
                            } else {
                                ws.write_number(r, c, v)?;
                            }
                            ws.write_boolean(r, c + 1, s.synthetic[i])?;
                            ws.write_string(r, c + 2, format!("[{}]", s.sources[i]))?;
                        }
                    }
                }
            }
            Block::Table(t) => {
                let ws = wb.add_worksheet();
                let name = match t.number {
                    Some(n) => format!("表{n}"),
                    None => {
                        unnumbered += 1;
                        format!("附表{unnumbered}")
                    }
                };
                ws.set_name(name)?;
                ws.write_string_with_format(0, 0, safe(&t.caption()), &bold)?;
                for (j, h) in t.header.iter().enumerate() {
                    ws.write_string_with_format(2, j as u16, safe(h), &bold)?;
                    ws.set_column_width(j as u16, if j == 0 { 22 } else { 16 })?;
                }
                let extra = t.header.len().max(1) as u16;
                ws.write_string_with_format(2, extra, "合成 synthetic / 来源 source", &bold)?;
                for (i, row) in t.rows.iter().enumerate() {
                    let r = 3 + i as u32;
                    let mut notes = Vec::new();
                    for (j, c) in row.iter().enumerate() {
                        match c {
                            Cell::Text(s) => {
                                ws.write_string(r, j as u16, safe(s))?;
                            }
                            Cell::Empty => {}
                            Cell::Num { value, source, synthetic, text } => {
                                if value.is_finite() {
                                    if *synthetic {
                                        ws.write_number_with_format(r, j as u16, *value, &syn)?;
                                    } else {
                                        ws.write_number(r, j as u16, *value)?;
                                    }
                                } else {
                                    ws.write_string(r, j as u16, safe(text))?;
                                }
                                notes.push(format!("[{source}]{}", if *synthetic { "合成" } else { "" }));
                            }
                        }
                    }
                    ws.write_string(r, extra, notes.join(" "))?;
                }
            }
            _ => {}
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name("数据来源")?;
    for (j, h) in ["编号 id", "数值 what", "来源 source"].iter().enumerate() {
        ws.write_string_with_format(0, j as u16, *h, &bold)?;
    }
    ws.set_column_width(1, 48)?;
    ws.set_column_width(2, 100)?;
    for (i, s) in doc.sources.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, safe(&s.label))?;
        ws.write_string(r, 2, safe(&s.kind.describe()))?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("数据缺口")?;
    for (j, h) in ["图表或段落 item", "状态 state", "缺少 missing"].iter().enumerate() {
        ws.write_string_with_format(0, j as u16, *h, &bold)?;
    }
    ws.set_column_width(0, 48)?;
    ws.set_column_width(2, 100)?;
    for (i, g) in doc.gaps.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string(r, 0, safe(&g.what))?;
        ws.write_string(r, 1, if g.left_out { "未生成 left out" } else { "部分数据 partial" })?;
        ws.write_string(r, 2, safe(&g.missing_text()))?;
    }
    Ok(wb.save_to_buffer()?)
}
