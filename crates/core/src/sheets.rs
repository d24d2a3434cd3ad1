//! Reading spreadsheets within [`Limits`] (feature `sheets`).
//!
//! calamine inflates zip entries and builds a dense grid of the used range itself, so a 2 MB
//! `.xlsx` whose sheet inflates to 2 GB, or whose two cells sit at A1 and XFD1048576, would take
//! the process with it. Before calamine sees an archive, [`check_zip`] inflates every entry
//! through a counting reader (`take(limit + 1)`, the bytes dropped as they come) and refuses the
//! file once the actual inflated size — declared sizes can lie — passes the limit; peak memory
//! is the input plus the inflater's window. `.xlsx` sheets are then read cell by cell
//! ([`Workbook::read`]: row, column and cell length checked as each cell arrives, only non-empty
//! cells kept, no dense grid). `.ods` content is pre-scanned for repeated rows and cells before
//! calamine expands them. `.xls` (BIFF, no zip) is bounded by the file size and the format's own
//! 65,536 × 256 grid.

use std::io::{BufRead, BufReader, Cursor, Read, Seek};

use calamine::{Data, DataRef, Reader};

use crate::limits::{Limit, Limits};
use crate::located::Located;
use crate::text::check_cell_text;

/// Inflates every entry of the zip archive `reader` without keeping the bytes, and refuses the
/// archive as soon as the entries together pass `limits.max_decompressed_bytes`, naming the
/// entry. Returns the total inflated size. Not a zip archive or an unreadable entry is an error.
pub fn check_zip<R: Read + Seek>(reader: R, limits: &Limits) -> Result<u64, Located> {
    let mut archive = zip::ZipArchive::new(reader)
        .map_err(|e| Located::new(format!("不是有效的 zip 压缩包（.xlsx/.ods 即 zip）/ not a valid zip archive (.xlsx and .ods are zip files): {e}")))?;
    let limit = limits.max_decompressed_bytes;
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| Located::new(format!("无法读取压缩包中的第 {} 个文件 / cannot read entry {} of the archive: {e}", i + 1, i + 1)))?;
        let name = entry.name().map_or_else(|_| format!("#{}", i + 1), |n| n.into_owned());
        let mut bounded = (&mut entry).take(limit - total + 1);
        loop {
            let n = match bounded.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Located::new(format!("无法解压 / cannot inflate entry {name}: {e}"))),
            };
            total += n as u64;
            if total > limit {
                return Err(Located::new(Limit::DecompressedBytes.message(limits, &format!("entry {name}"))));
            }
        }
    }
    Ok(total)
}

/// The spreadsheet formats an importer takes, by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SheetFormat {
    Xlsx,
    Xls,
    Ods,
}

impl SheetFormat {
    /// `.xlsx`/`.xlsm`, `.xls`, `.ods` (case-insensitive); anything else is `None`.
    pub fn of(file: &str) -> Option<SheetFormat> {
        let ext = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        match ext.as_str() {
            "xlsx" | "xlsm" => Some(SheetFormat::Xlsx),
            "xls" => Some(SheetFormat::Xls),
            "ods" => Some(SheetFormat::Ods),
            _ => None,
        }
    }
}

/// One row's non-empty cells, by 0-based column, in column order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SheetRow {
    /// 0-based spreadsheet row.
    pub row: u32,
    pub cells: Vec<(u32, Data)>,
}

impl SheetRow {
    pub fn get(&self, col: u32) -> Option<&Data> {
        self.cells.binary_search_by_key(&col, |(c, _)| *c).ok().map(|i| &self.cells[i].1)
    }
}

/// A sheet's non-empty rows in row order, and the control characters found in its text cells
/// (each an error at sheet, row and column; the caller adds them to its problems).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<SheetRow>,
    pub problems: Vec<Located>,
}

impl Sheet {
    /// The last column (0-based) that holds anything, if any.
    pub fn last_column(&self) -> Option<u32> {
        self.rows.iter().filter_map(|r| r.cells.last().map(|(c, _)| *c)).max()
    }
}

/// `0 → A`, `25 → Z`, `26 → AA`.
pub fn column_letter(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

enum Inner<'b> {
    Xlsx(Box<calamine::Xlsx<Cursor<&'b [u8]>>>),
    Other(Box<calamine::Sheets<Cursor<&'b [u8]>>>),
}

/// A workbook opened within limits; sheets are read one at a time.
pub struct Workbook<'b> {
    inner: Inner<'b>,
    limits: Limits,
    names: Vec<String>,
}

impl<'b> Workbook<'b> {
    /// Checks the file size and (for zip formats) the inflated size, then opens the workbook.
    /// For `.ods` the repeated rows and cells are counted before calamine expands them.
    pub fn open(bytes: &'b [u8], format: SheetFormat, limits: &Limits) -> Result<Workbook<'b>, Located> {
        crate::limits::check_file_size(bytes.len() as u64, limits)?;
        if format != SheetFormat::Xls {
            check_zip(Cursor::new(bytes), limits)?;
        }
        if format == SheetFormat::Ods {
            check_ods_repeats(bytes, limits)?;
        }
        let unreadable = |e: String| Located::new(format!("无法读取电子表格 / cannot read the spreadsheet: {e}"));
        let inner = match format {
            SheetFormat::Xlsx => Inner::Xlsx(Box::new(calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?)),
            SheetFormat::Xls => Inner::Other(Box::new(calamine::Sheets::Xls(calamine::Xls::new(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?))),
            SheetFormat::Ods => Inner::Other(Box::new(calamine::Sheets::Ods(calamine::Ods::new(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?))),
        };
        let names = match &inner {
            Inner::Xlsx(x) => x.sheet_names(),
            Inner::Other(s) => s.sheet_names(),
        };
        Ok(Workbook { inner, limits: *limits, names })
    }

    pub fn sheet_names(&self) -> &[String] {
        &self.names
    }

    /// Reads one sheet's non-empty cells, refusing it as soon as a row, column or cell length
    /// passes its limit.
    pub fn read(&mut self, name: &str) -> Result<Sheet, Located> {
        let limits = self.limits;
        let at = |r: u32, c: u32, message: String| Located::cell("", name, u64::from(r) + 1, column_letter(c), message);
        let mut cells: Vec<(u32, u32, Data)> = Vec::new();
        let mut problems = Vec::new();
        let mut keep = |r: u32, c: u32, d: Data, problems: &mut Vec<Located>| -> Result<(), Located> {
            if r >= limits.max_rows {
                return Err(at(r, c, Limit::Rows.message(&limits, &format!("sheet {name}"))));
            }
            if c >= limits.max_columns {
                return Err(at(r, c, Limit::Columns.message(&limits, &format!("sheet {name}"))));
            }
            if let Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) = &d {
                if s.len() > limits.max_cell_chars as usize && s.chars().count() > limits.max_cell_chars as usize {
                    return Err(at(r, c, Limit::CellChars.message(&limits, &format!("sheet {name}"))));
                }
                if let Err(m) = check_cell_text(s) {
                    problems.push(at(r, c, m));
                }
                if s.is_empty() {
                    return Ok(());
                }
            }
            if !matches!(d, Data::Empty) {
                cells.push((r, c, d));
            }
            Ok(())
        };
        let cannot = |e: String| Located { sheet: Some(name.to_string()), ..Located::new(format!("无法读取工作表 / cannot read sheet `{name}`: {e}")) };
        match &mut self.inner {
            Inner::Xlsx(x) => {
                let mut reader = x.worksheet_cells_reader(name).map_err(|e| cannot(e.to_string()))?;
                while let Some(cell) = reader.next_cell().map_err(|e| cannot(e.to_string()))? {
                    let (r, c) = cell.get_position();
                    let value = cell.get_value();
                    if matches!(value, DataRef::Empty) {
                        // Styled empty cells still count against the limits: a sheet of nothing
                        // but millions of them is as heavy to walk.
                        if r >= limits.max_rows || c >= limits.max_columns {
                            keep(r, c, Data::Empty, &mut problems)?;
                        }
                        continue;
                    }
                    keep(r, c, Data::from(value.clone()), &mut problems)?;
                }
            }
            Inner::Other(s) => {
                let range = s.worksheet_range(name).map_err(|e| cannot(e.to_string()))?;
                if let Some((r, c)) = range.end() {
                    if r >= limits.max_rows {
                        return Err(at(r, 0, Limit::Rows.message(&limits, &format!("sheet {name}"))));
                    }
                    if c >= limits.max_columns {
                        return Err(at(0, c, Limit::Columns.message(&limits, &format!("sheet {name}"))));
                    }
                }
                for (r, c, d) in range.used_cells() {
                    let (r0, c0) = range.start().unwrap_or((0, 0));
                    keep(r0 + r as u32, c0 + c as u32, d.clone(), &mut problems)?;
                }
            }
        }
        cells.sort_by_key(|(r, c, _)| (*r, *c));
        let mut rows: Vec<SheetRow> = Vec::new();
        for (r, c, d) in cells {
            match rows.last_mut() {
                Some(last) if last.row == r => {
                    // A repeated cell reference: the later one wins, as in Excel.
                    if last.cells.last().is_some_and(|(lc, _)| *lc == c) {
                        last.cells.pop();
                    }
                    last.cells.push((c, d));
                }
                _ => rows.push(SheetRow { row: r, cells: vec![(c, d)] }),
            }
        }
        Ok(Sheet { name: name.to_string(), rows, problems })
    }
}

/// Reads an attribute value (`name="123"`) from a tag's text.
fn attr<'t>(tag: &'t [u8], name: &[u8]) -> Option<&'t [u8]> {
    let mut i = 0;
    while let Some(p) = tag[i..].windows(name.len()).position(|w| w == name) {
        let start = i + p + name.len();
        let before_ok = i + p == 0 || tag[i + p - 1].is_ascii_whitespace();
        if before_ok && tag[start..].starts_with(b"=\"") {
            let v = &tag[start + 2..];
            return v.iter().position(|&b| b == b'"').map(|e| &v[..e]);
        }
        i = start;
    }
    None
}

fn number(v: Option<&[u8]>) -> u64 {
    v.and_then(|v| std::str::from_utf8(v).ok()).and_then(|s| s.parse::<u64>().ok()).unwrap_or(1).max(1)
}

/// Counts what calamine would expand in an `.ods` archive's `content.xml` — repeated rows up to
/// the last one with content, repeated cells in every row — and refuses the file if a sheet has
/// more rows or columns than the limits, or the expansion holds more cells than
/// `max_decompressed_bytes / 16` (about as much memory as the decompressed limit twice over).
fn check_ods_repeats(bytes: &[u8], limits: &Limits) -> Result<(), Located> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| Located::new(format!("不是有效的 .ods 文件 / not a valid .ods file: {e}")))?;
    let Ok(entry) = archive.by_name("content.xml") else { return Ok(()) };
    let mut r = BufReader::new(entry.take(limits.max_decompressed_bytes + 1));
    let max_cells = limits.max_decompressed_bytes / 16;
    let too_many = |what: String| Located::new(Limit::DecompressedBytes.message(limits, &what));
    let (mut expanded, mut tag, mut in_tag) = (0u64, Vec::<u8>::new(), false);
    // Per sheet: its name, rows so far (with repeats), rows up to the last with content, widest
    // content; per row: its repeat count, cells so far, last cell with content.
    let (mut sheet, mut rows, mut content_rows, mut width) = (String::new(), 0u64, 0u64, 0u64);
    let (mut row_rep, mut row_cells, mut row_last) = (1u64, 0u64, 0u64);
    loop {
        let buf = r.fill_buf().map_err(|e| Located::new(format!("无法解压 / cannot inflate content.xml: {e}")))?;
        if buf.is_empty() {
            break;
        }
        let n = buf.len();
        let mut i = 0;
        while i < n {
            if !in_tag {
                match buf[i..].iter().position(|&b| b == b'<') {
                    Some(p) => {
                        i += p + 1;
                        in_tag = true;
                        tag.clear();
                    }
                    None => i = n,
                }
                continue;
            }
            match buf[i..].iter().position(|&b| b == b'>') {
                Some(p) => {
                    if tag.len() < 65_536 {
                        tag.extend_from_slice(&buf[i..i + p.min(65_536)]);
                    }
                    i += p + 1;
                    in_tag = false;
                    let t = tag.as_slice();
                    let is = |name: &[u8]| t.starts_with(name) && t.get(name.len()).is_none_or(|b| b.is_ascii_whitespace() || *b == b'/');
                    let closed = t.ends_with(b"/");
                    if is(b"table:table") {
                        sheet = attr(t, b"table:name").map(|v| String::from_utf8_lossy(v).into_owned()).unwrap_or_default();
                        (rows, content_rows, width) = (0, 0, 0);
                    } else if is(b"table:table-row") {
                        (row_rep, row_cells, row_last) = (number(attr(t, b"table:number-rows-repeated")), 0, 0);
                        if closed {
                            rows += row_rep;
                        }
                    } else if is(b"table:table-cell") || is(b"table:covered-table-cell") {
                        let rep = number(attr(t, b"table:number-columns-repeated"));
                        row_cells = row_cells.saturating_add(rep);
                        if !closed || attr(t, b"office:value-type").is_some() {
                            row_last = row_cells;
                        }
                    } else if t == b"/table:table-row" {
                        rows = rows.saturating_add(row_rep);
                        expanded = expanded.saturating_add(row_cells.min(16_384));
                        if row_last > 0 {
                            content_rows = rows;
                            width = width.max(row_last);
                            expanded = expanded.saturating_add(row_rep.saturating_sub(1).saturating_mul(row_last));
                        }
                        if content_rows > u64::from(limits.max_rows) {
                            return Err(Located::new(Limit::Rows.message(limits, &format!("sheet {sheet}"))));
                        }
                        if width > u64::from(limits.max_columns) {
                            return Err(Located::new(Limit::Columns.message(limits, &format!("sheet {sheet}"))));
                        }
                        if expanded > max_cells {
                            return Err(too_many(format!("content.xml: repeated rows and cells expand to more than {max_cells} cells")));
                        }
                    } else if t == b"/table:table" && content_rows.saturating_mul(width) > max_cells {
                        return Err(too_many(format!("content.xml: sheet {sheet} expands to {} cells", content_rows.saturating_mul(width))));
                    }
                }
                None => {
                    if tag.len() < 65_536 {
                        tag.extend_from_slice(&buf[i..n.min(i + 65_536)]);
                    }
                    i = n;
                }
            }
        }
        r.consume(n);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(6), "G");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(body).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn zip_bomb_is_refused_at_the_limit() {
        let big = vec![b'a'; 3 * 1024 * 1024];
        let bytes = zip_with(&[("small.xml", b"<a/>"), ("xl/worksheets/sheet1.xml", &big)]);
        let limits = Limits { max_decompressed_bytes: 1024 * 1024, ..Limits::default() };
        let e = check_zip(Cursor::new(&bytes), &limits).unwrap_err();
        assert!(e.message.starts_with("解压后超过 1 MiB 上限 / decompressed size exceeds the 1 MiB limit (entry xl/worksheets/sheet1.xml)"), "{}", e.message);
        assert_eq!(check_zip(Cursor::new(&bytes), &Limits::default()).unwrap(), 3 * 1024 * 1024 + 4);
        assert!(check_zip(Cursor::new(b"not a zip"), &limits).unwrap_err().message.contains("not a valid zip"));
    }

    #[test]
    fn ods_repeats_are_counted_before_expansion() {
        let row = |rep: u64, cells: &str| format!("<table:table-row table:number-rows-repeated=\"{rep}\">{cells}</table:table-row>");
        let content = |rows: String| {
            format!("<?xml version=\"1.0\"?><office:document-content><office:body><office:spreadsheet><table:table table:name=\"S\">{rows}</table:table></office:spreadsheet></office:body></office:document-content>")
        };
        let ok = content(row(1, "<table:table-cell office:value-type=\"float\" office:value=\"1\"><text:p>1</text:p></table:table-cell><table:table-cell table:number-columns-repeated=\"1020\"/>") + &row(1_048_570, "<table:table-cell table:number-columns-repeated=\"1024\"/>"));
        let zipped = zip_with(&[("content.xml", ok.as_bytes())]);
        check_ods_repeats(&zipped, &Limits::default()).unwrap();
        let bomb = content(row(1_000_000, "<table:table-cell office:value-type=\"float\" office:value=\"1\" table:number-columns-repeated=\"200\"/>"));
        let zipped = zip_with(&[("content.xml", bomb.as_bytes())]);
        let e = check_ods_repeats(&zipped, &Limits::default()).unwrap_err();
        assert!(e.message.contains("--max-decompressed-mb") && e.message.contains("content.xml"), "{}", e.message);
        let wide = content(row(1, "<table:table-cell office:value-type=\"float\" office:value=\"1\" table:number-columns-repeated=\"300\"/>"));
        let zipped = zip_with(&[("content.xml", wide.as_bytes())]);
        assert!(check_ods_repeats(&zipped, &Limits::default()).unwrap_err().message.contains("more than 256 columns"));
    }

    #[test]
    fn attributes() {
        assert_eq!(attr(b"table:table-row table:number-rows-repeated=\"5\"", b"table:number-rows-repeated"), Some(&b"5"[..]));
        assert_eq!(attr(b"table:table-row xtable:number-rows-repeated=\"5\"", b"table:number-rows-repeated"), None);
        assert_eq!(number(Some(b"x")), 1);
    }
}
