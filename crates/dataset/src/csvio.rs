//! CSV plumbing: header checks, rows that know their file and line, typed field readers that
//! record an error instead of guessing, and the observation export format.

use std::collections::HashMap;
use std::str::FromStr;

use digecon_core::text::{check_cell_text, neutralise_formula as safe, restore_formula};
use digecon_core::{format_value, parse_decimal, Limit, Limits, Located, Observation};

use crate::Catalog;

/// The columns of an observation file, in the order `digecon export` writes them.
pub const OBSERVATION_COLUMNS: &[&str] = &[
    "region_code",
    "region_name",
    "indicator_code",
    "indicator_name",
    "unit",
    "period",
    "value",
    "status",
    "source_doc",
    "source_quote",
    "synthetic",
];

pub fn observation_header() -> &'static [&'static str] {
    OBSERVATION_COLUMNS
}

/// A parsed CSV table whose header has been checked.
pub struct Table {
    pub file: String,
    columns: HashMap<String, usize>,
    records: Vec<(u64, csv::StringRecord)>,
}

/// One data row; field readers push errors that name file, line and column.
pub struct Row<'t> {
    pub file: &'t str,
    pub line: u64,
    record: &'t csv::StringRecord,
    columns: &'t HashMap<String, usize>,
}

impl Table {
    /// Reads `text` as CSV and checks that the header has exactly the `required` columns plus any
    /// of the `optional` ones (in any order). Returns `None` (with errors pushed) if the file is
    /// not readable as such a table.
    pub fn read(
        file: &str,
        text: &str,
        required: &[&str],
        optional: &[&str],
        errors: &mut Vec<Located>,
    ) -> Option<Table> {
        Table::read_limited(file, text, required, optional, &Limits::default(), errors)
    }

    /// [`Table::read`] within `limits`: rows, columns and field length are counted as records
    /// arrive (a limit hit ends the reading with one error naming it), and every field with a
    /// control character other than tab, CR and LF is an error at its line and column.
    pub fn read_limited(
        file: &str,
        text: &str,
        required: &[&str],
        optional: &[&str],
        limits: &Limits,
        errors: &mut Vec<Located>,
    ) -> Option<Table> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text); // Excel writes a BOM
        let delimiter = digecon_core::text::sniff_delimiter(text);
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).delimiter(delimiter).from_reader(text.as_bytes());
        let err = |line: u64, message: String| Located::at(file, line, message);
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                errors.push(err(1, format!("无法读取表头 / cannot read the header: {e}")));
                return None;
            }
        };
        if headers.len() > limits.max_columns as usize {
            errors.push(err(1, Limit::Columns.message(limits, "")));
            return None;
        }
        let mut columns = HashMap::new();
        let mut ok = true;
        for (i, h) in headers.iter().enumerate() {
            let h = h.trim();
            if !required.contains(&h) && !optional.contains(&h) {
                errors.push(err(1, format!(
                    "未知的列 / unknown column `{h}`; expected the columns {}",
                    required.join(",")
                )));
                ok = false;
            } else if columns.insert(h.to_string(), i).is_some() {
                errors.push(err(1, format!("重复的列 / duplicate column `{h}`")));
                ok = false;
            }
        }
        let missing: Vec<&str> = required.iter().copied().filter(|c| !columns.contains_key(*c)).collect();
        if !missing.is_empty() {
            errors.push(err(1, format!("缺少列 / missing column(s): {}", missing.join(", "))));
            ok = false;
        }
        let mut records = Vec::new();
        for rec in reader.records() {
            match rec {
                Ok(r) => {
                    let line = r.position().map_or(0, |p| p.line());
                    if records.len() + 1 >= limits.max_rows as usize {
                        errors.push(err(line, Limit::Rows.message(limits, "")));
                        return None;
                    }
                    for (i, field) in r.iter().enumerate() {
                        let column = headers.get(i).unwrap_or("").trim();
                        if field.len() > limits.max_cell_chars as usize && field.chars().count() > limits.max_cell_chars as usize {
                            errors.push(err(line, format!("`{column}`: {}", Limit::CellChars.message(limits, ""))));
                            return None;
                        }
                        if let Err(m) = check_cell_text(field) {
                            errors.push(err(line, format!("`{column}` {m}")));
                            ok = false;
                        }
                    }
                    records.push((line, r));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    let message = match e.kind() {
                        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!(
                            "字段数不对 / this row has {len} fields, the header has {expected_len}"
                        ),
                        csv::ErrorKind::Utf8 { .. } => "不是 UTF-8 编码 / not valid UTF-8".to_string(),
                        _ => format!("CSV 格式错误 / malformed CSV: {e}"),
                    };
                    errors.push(err(line, message));
                    ok = false;
                }
            }
        }
        ok.then(|| Table { file: file.to_string(), columns, records })
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.records.iter().map(move |(line, record)| Row {
            file: &self.file,
            line: *line,
            record,
            columns: &self.columns,
        })
    }
}

impl Row<'_> {
    pub fn error(&self, message: impl Into<String>) -> Located {
        Located::at(self.file, self.line, message)
    }

    /// The raw field (empty if an optional column is absent).
    pub fn raw(&self, column: &str) -> &str {
        self.columns.get(column).and_then(|&i| self.record.get(i)).unwrap_or("")
    }

    /// A code-like field: surrounding whitespace is an error, not something to strip silently.
    pub fn code(&self, column: &str, errors: &mut Vec<Located>) -> Option<String> {
        let v = self.raw(column);
        if v.is_empty() {
            errors.push(self.error(format!("`{column}` 为空 / `{column}` is empty")));
            None
        } else if v.trim() != v {
            errors.push(self.error(format!("`{column}` 前后有空格 / `{column}` has surrounding spaces: `{v}`")));
            None
        } else {
            Some(v.to_string())
        }
    }

    /// A free-text field, without the formula-neutralising `'` our exports add (see
    /// `digecon_core::text`), so an export reads back exactly.
    pub fn text(&self, column: &str) -> String {
        restore_formula(self.raw(column)).to_string()
    }

    pub fn required_text(&self, column: &str, errors: &mut Vec<Located>) -> Option<String> {
        let v = self.raw(column);
        if v.trim().is_empty() {
            errors.push(self.error(format!("`{column}` 为空 / `{column}` is empty")));
            None
        } else {
            Some(v.to_string())
        }
    }

    /// Parses a closed-vocabulary or other `FromStr` field; the error names the column.
    pub fn parse<T>(&self, column: &str, errors: &mut Vec<Located>) -> Option<T>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        let v = self.raw(column);
        match v.parse() {
            Ok(x) => Some(x),
            Err(e) => {
                errors.push(self.error(format!("`{column}`: {e}")));
                None
            }
        }
    }

    /// Like [`Row::parse`], but an empty field is `Some(None)`.
    pub fn parse_opt<T>(&self, column: &str, errors: &mut Vec<Located>) -> Option<Option<T>>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        if self.raw(column).is_empty() {
            Some(None)
        } else {
            self.parse(column, errors).map(Some)
        }
    }

    pub fn number(&self, column: &str, errors: &mut Vec<Located>) -> Option<f64> {
        let v = self.raw(column);
        match parse_decimal(v) {
            Some(x) => Some(x),
            None => {
                errors.push(self.error(format!(
                    "`{column}` 不是数字 / `{column}` is not a number: `{v}` (expected a plain decimal such as 11874 or -5.3)"
                )));
                None
            }
        }
    }

    pub fn number_opt(&self, column: &str, errors: &mut Vec<Located>) -> Option<Option<f64>> {
        if self.raw(column).is_empty() {
            Some(None)
        } else {
            self.number(column, errors).map(Some)
        }
    }

    pub fn int(&self, column: &str, errors: &mut Vec<Located>) -> Option<i64> {
        let v = self.raw(column);
        if !v.is_empty() && v.bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-')) {
            if let Ok(x) = v.parse() {
                return Some(x);
            }
        }
        errors.push(self.error(format!("`{column}` 不是整数 / `{column}` is not an integer: `{v}`")));
        None
    }

    pub fn int_opt(&self, column: &str, errors: &mut Vec<Located>) -> Option<Option<i64>> {
        if self.raw(column).is_empty() {
            Some(None)
        } else {
            self.int(column, errors).map(Some)
        }
    }

    pub fn boolean(&self, column: &str, errors: &mut Vec<Located>) -> Option<bool> {
        match self.raw(column) {
            "true" => Some(true),
            "false" => Some(false),
            v => {
                errors.push(self.error(format!("`{column}` 应为 true 或 false / `{column}` must be `true` or `false`, not `{v}`")));
                None
            }
        }
    }

    /// A `;`-separated list of names; empty items are an error.
    pub fn list(&self, column: &str, errors: &mut Vec<Located>) -> Option<Vec<String>> {
        let v = self.raw(column);
        if v.is_empty() {
            return Some(Vec::new());
        }
        let items: Vec<String> = v.split(';').map(str::to_string).collect();
        if items.iter().any(|s| s.trim().is_empty() || s.trim() != s) {
            errors.push(self.error(format!("`{column}` 列表格式错误 / `{column}` must be names separated by `;` without spaces or empty items: `{v}`")));
            return None;
        }
        Some(items)
    }
}

/// A flat observation row in the export layout (names resolved for the reader).
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationRow<'a> {
    pub observation: &'a Observation,
    pub region_name: &'a str,
    pub indicator_name: &'a str,
    pub unit: &'a str,
}

impl<'a> ObservationRow<'a> {
    pub fn new(observation: &'a Observation, catalog: &'a Catalog) -> ObservationRow<'a> {
        let region = catalog.region(&observation.region_code);
        let indicator = catalog.indicator(&observation.indicator_code);
        ObservationRow {
            observation,
            region_name: region.map_or("", |r| &r.name_zh),
            indicator_name: indicator.map_or("", |i| &i.name_zh),
            unit: indicator.map_or("", |i| &i.unit),
        }
    }
}

/// Writes observations in the export layout (`OBSERVATION_COLUMNS`). Text fields that a
/// spreadsheet would run as a formula (`=1/0`, `@…`, `+…`, `-…`) get a leading `'` (OWASP);
/// [`Row::text`] takes it off again on import. The value is a number and written as one.
pub fn write_observations<'a, W: std::io::Write>(
    out: W,
    rows: impl IntoIterator<Item = ObservationRow<'a>>,
) -> csv::Result<()> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(out);
    w.write_record(OBSERVATION_COLUMNS)?;
    for r in rows {
        let o = r.observation;
        w.write_record([
            safe(&o.region_code).as_ref(),
            &safe(r.region_name),
            &safe(&o.indicator_code),
            &safe(r.indicator_name),
            &safe(r.unit),
            &o.period.to_string(),
            &format_value(o.value),
            o.status.as_str(),
            &safe(&o.source.doc),
            &safe(&o.source.quote),
            if o.synthetic { "true" } else { "false" },
        ])?;
    }
    w.flush()?;
    Ok(())
}
