//! Reading filled-in templates back: `.xlsx` (also `.xls`, `.ods`), CSV and a JSON data-value set,
//! from bytes. Every problem is collected with its place (`file:sheet:row:column`) — nothing is
//! skipped, rounded or guessed, and a file with any problem is rejected as a whole by the caller.
//!
//! An empty value cell means "not reported": it neither creates nor deletes a value.
//!
//! The JSON form follows DHIS2's data-value set, with our codes:
//! `{"dataSet": "JXDE-M", "period": "2023-03", "orgUnit": "360702",
//!   "dataValues": [{"dataElement": "EIM_REV_YTD", "value": "12.5"}]}` — `orgUnit` may be given per
//! value instead; a per-value `period` must equal the set's; values may be numbers or strings.

use std::collections::HashMap;
use std::fmt;

use calamine::Data;
use digecon_core::sheets::{SheetFormat, Workbook};
use digecon_core::text::{check_cell_text, restore_formula};
use digecon_core::sheets::column_letter;
use digecon_core::{check_value, format_value, Department, Indicator, Limit, Limits, Located, Period, Region};

use crate::form::{Filer, Form};
use crate::template::{COLUMNS, HEADER_ROW};

/// Places and problems are [`Located`]: `file:sheet:row:column` for spreadsheets, `file:row:column`
/// for CSV (row = line, column = header name), `file:dataValues:N:key` for JSON (N counts from 1).
/// A value's place is a `Located` with no message yet; [`problem`] gives it one.
fn cell_place(file: &str, sheet: &str, row0: u32, col0: u32) -> Located {
    Located::cell(file, sheet, u64::from(row0) + 1, column_letter(col0), "")
}

/// Every problem of a rejected file; Display prints one per line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Problems(pub Vec<Located>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        digecon_core::located::write_problems(f, "文件", self.0.iter())
    }
}

/// One value read from a file, with what the row said about it.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedValue {
    pub filer_code: String,
    pub indicator_code: String,
    pub value: f64,
    /// The value's own cell.
    pub location: Located,
    /// The row's code cells (for "unknown code" problems).
    pub filer_location: Located,
    pub indicator_location: Located,
    /// Names and unit as the row printed them (empty = not given); checked against the catalogue.
    pub filer_name: String,
    pub indicator_name: String,
    pub unit: String,
}

/// A file read, before it is checked against the form and the database.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportFile {
    pub form_code: String,
    pub form_location: Located,
    pub period: Period,
    pub period_location: Located,
    pub values: Vec<ImportedValue>,
}

/// A file read, with what the reader has to tell about how it read it (an encoding other than
/// UTF-8, a tab-separated file).
#[derive(Clone, Debug, PartialEq)]
pub struct ReadFile {
    pub file: ImportFile,
    pub notes: Vec<String>,
}

/// Reads a file by its name's extension (`.xlsx` `.xlsm` `.xls` `.ods`, `.csv` — also `.txt` and
/// `.tsv`, as Excel saves "Unicode text" —, `.json`) within
/// the default [`Limits`].
pub fn read(file: &str, bytes: &[u8]) -> Result<ImportFile, Problems> {
    read_with(file, bytes, &Limits::default()).map(|r| r.file)
}

/// [`read`] within `limits`, with notes on how the file was read.
pub fn read_with(file: &str, bytes: &[u8], limits: &Limits) -> Result<ReadFile, Problems> {
    if let Some(format) = SheetFormat::of(file) {
        return read_spreadsheet(file, bytes, format, limits).map(|f| ReadFile { file: f, notes: Vec::new() });
    }
    let ext = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" | "tsv" => read_csv(file, bytes, limits),
        "json" => read_json(file, bytes, limits),
        _ => Err(Problems(vec![Located::at(
            file,
            0,
            "无法识别的文件类型 / unknown file type: expected .xlsx, .xls, .ods, .csv (.txt/.tsv: Excel's Unicode or tab-delimited text) or .json",
        )])),
    }
}

fn problem(place: Located, message: impl Into<String>) -> Located {
    place.with_message(message)
}

/// A code cell: text, or a whole number (Excel turns `360702` typed by hand into a number).
fn code_text(d: &Data) -> Result<Option<String>, String> {
    match d {
        Data::Empty => Ok(None),
        Data::String(s) if s.trim().is_empty() => Ok(None),
        Data::String(s) if s.trim() != s => Err(format!("代码前后有空格 / the code has surrounding spaces: `{s}`")),
        Data::String(s) => Ok(Some(restore_formula(s).to_string())),
        Data::Int(i) => Ok(Some(i.to_string())),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(Some(format!("{}", *f as i64))),
        other => Err(format!("应为代码文本 / expected a code, found {}", describe(other))),
    }
}

/// A name or unit as printed; a formula-neutralising `'` our templates add is taken off again.
fn name_text(d: &Data) -> String {
    match d {
        Data::String(s) => restore_formula(s).to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn describe(d: &Data) -> String {
    match d {
        Data::Empty => "空单元格 / an empty cell".into(),
        Data::String(s) => format!("文本 / text `{s}`"),
        Data::Bool(b) => format!("逻辑值 / a boolean {b}"),
        Data::DateTime(_) | Data::DateTimeIso(_) => format!("日期 / a date {d}"),
        Data::DurationIso(_) => format!("时长 / a duration {d}"),
        Data::Error(e) => format!("公式错误 / a formula error {e:?}"),
        Data::Int(i) => format!("数字 / a number {i}"),
        Data::Float(f) => format!("数字 / a number {}", format_value(*f)),
    }
}

/// A value cell: a number, or nothing. Text — even text that looks like a number — is an error,
/// because a number stored as text is often a pasted figure with hidden characters.
fn value_of(d: &Data) -> Result<Option<f64>, String> {
    let checked = |v: f64| check_value(v).map(|()| Some(v)).map_err(|e| e.to_string());
    match d {
        Data::Empty => Ok(None),
        Data::Float(f) => checked(*f),
        Data::Int(i) => checked(*i as f64),
        Data::String(s) => {
            let hint = if digecon_core::parse_decimal(s.trim()).is_some() { "（请将单元格设为数字 / store it as a number）" } else { "" };
            Err(format!("数字单元格中是文本 / text in a number cell: `{s}`{hint}"))
        }
        other => Err(format!("应为数字 / expected a number, found {}", describe(other))),
    }
}

fn read_spreadsheet(file: &str, bytes: &[u8], format: SheetFormat, limits: &Limits) -> Result<ImportFile, Problems> {
    let whole = |e: Located| Problems(vec![e.in_file(file)]);
    let mut wb = Workbook::open(bytes, format, limits).map_err(whole)?;
    let Some(sheet) = wb.sheet_names().first().cloned() else {
        return Err(Problems(vec![problem(Located::at(file, 0, ""), "工作簿没有工作表 / the workbook has no sheet")]));
    };
    let data = wb.read(&sheet).map_err(whole)?;
    let by_row: HashMap<u32, &digecon_core::sheets::SheetRow> = data.rows.iter().map(|r| (r.row, r)).collect();
    let empty = Data::Empty;
    let cell = |r: u32, c: u32| by_row.get(&r).and_then(|row| row.get(c)).unwrap_or(&empty);
    let at = |r: u32, c: u32| cell_place(file, &sheet, r, c);
    let mut problems: Vec<Located> = data.problems.iter().map(|e| e.clone().in_file(file)).collect();
    if !problems.is_empty() {
        return Err(Problems(problems));
    }

    // Header row: each cell must end in its key (`…\nfiler_code`).
    for (c, key) in COLUMNS.iter().enumerate() {
        let text = name_text(cell(HEADER_ROW, c as u32));
        if text.split_whitespace().last() != Some(key) {
            problems.push(problem(at(HEADER_ROW, c as u32), format!(
                "表头不符 / header `{}` does not end in `{key}`: this is not a digecon template (download one with `digecon forms template`)",
                text.replace('\n', " ")
            )));
        }
    }
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    let form_code = match code_text(cell(1, 1)) {
        Ok(Some(c)) => c,
        Ok(None) => {
            problems.push(problem(at(1, 1), "缺少报表代码 / the form code is empty"));
            String::new()
        }
        Err(m) => {
            problems.push(problem(at(1, 1), m));
            String::new()
        }
    };
    let period = match code_text(cell(1, 3)) {
        Ok(Some(t)) => match t.parse::<Period>() {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(problem(at(1, 3), e.to_string()));
                None
            }
        },
        Ok(None) => {
            problems.push(problem(at(1, 3), "缺少期间 / the period is empty"));
            None
        }
        Err(m) => {
            problems.push(problem(at(1, 3), m));
            None
        }
    };

    let mut values = Vec::new();
    let last_col = COLUMNS.len() as u32 - 1;
    for row in data.rows.iter().filter(|row| row.row > HEADER_ROW) {
        let r = row.row;
        // Anything right of the template's columns would be silently ignored: refuse it instead.
        for (c, d) in row.cells.iter().filter(|(c, _)| *c > last_col) {
            problems.push(problem(at(r, *c), format!(
                "模板列之外有内容 / content outside the template's columns (A–{}): {}",
                column_letter(last_col),
                describe(d)
            )));
        }
        let filer = code_text(cell(r, 0));
        let indicator = code_text(cell(r, 2));
        let value = value_of(cell(r, 6));
        let n = problems.len();
        if let Err(m) = &filer {
            problems.push(problem(at(r, 0), m.clone()));
        }
        if let Err(m) = &indicator {
            problems.push(problem(at(r, 2), m.clone()));
        }
        if let Err(m) = &value {
            problems.push(problem(at(r, 6), m.clone()));
        }
        if problems.len() > n {
            continue;
        }
        match (filer.unwrap(), indicator.unwrap(), value.unwrap()) {
            (_, _, None) => {}
            (Some(f), Some(i), Some(v)) => values.push(ImportedValue {
                filer_code: f,
                indicator_code: i,
                value: v,
                location: at(r, 6),
                filer_location: at(r, 0),
                indicator_location: at(r, 2),
                filer_name: name_text(cell(r, 1)),
                indicator_name: name_text(cell(r, 3)),
                unit: name_text(cell(r, 4)),
            }),
            (f, _, Some(_)) => {
                let c = if f.is_none() { 0 } else { 2 };
                problems.push(problem(at(r, c), "有数值但缺少代码 / a value without its filer or indicator code"));
            }
        }
    }
    match period {
        Some(period) if problems.is_empty() => Ok(ImportFile { form_code, form_location: at(1, 1), period, period_location: at(1, 3), values }),
        _ => Err(Problems(problems)),
    }
}

/// Checks the size, then decodes (UTF-8, UTF-16 with a BOM, GBK when clearly Chinese).
fn decoded<'a>(file: &str, bytes: &'a [u8], limits: &Limits, notes: &mut Vec<String>) -> Result<std::borrow::Cow<'a, str>, Problems> {
    let whole = |e: Located| Problems(vec![e.in_file(file)]);
    digecon_core::limits::check_file_size(bytes.len() as u64, limits).map_err(whole)?;
    let d = digecon_core::text::decode(bytes).map_err(whole)?;
    if let Some(n) = d.note() {
        notes.push(format!("{file}: {n}"));
    }
    Ok(d.text)
}

const CSV_REQUIRED: [&str; 5] = ["form_code", "period", "filer_code", "indicator_code", "value"];
const CSV_OPTIONAL: [&str; 4] = ["filer_name", "indicator_name", "unit", "previous"];

fn read_csv(file: &str, bytes: &[u8], limits: &Limits) -> Result<ReadFile, Problems> {
    let mut notes = Vec::new();
    let text = decoded(file, bytes, limits, &mut notes)?;
    let delimiter = digecon_core::text::sniff_delimiter(&text);
    if delimiter == b'\t' {
        notes.push(format!("{file}: 按制表符分隔读取 / read as tab-separated"));
    }
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(false).delimiter(delimiter).from_reader(text.as_bytes());
    let mut problems = Vec::new();
    let headers = rdr.headers().map_err(|e| Problems(vec![problem(Located::at(file, 0, ""), format!("无法读取表头 / cannot read the header: {e}"))]))?.clone();
    let limit_hit = |line: u64, limit: Limit| Problems(vec![Located::at(file, line, limit.message(limits, ""))]);
    if headers.len() > limits.max_columns as usize {
        return Err(limit_hit(1, Limit::Columns));
    }
    let mut col: HashMap<String, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        if !CSV_REQUIRED.contains(&h) && !CSV_OPTIONAL.contains(&h) {
            problems.push(problem(Located::at_column(file, 1, h, ""), format!(
                "未知的列 / unknown column `{h}`; expected {} (and optionally {})",
                CSV_REQUIRED.join(","),
                CSV_OPTIONAL.join(",")
            )));
        } else if col.insert(h.to_string(), i).is_some() {
            problems.push(problem(Located::at_column(file, 1, h, ""), format!("重复的列 / duplicate column `{h}`")));
        }
    }
    for r in CSV_REQUIRED {
        if !col.contains_key(r) {
            problems.push(problem(Located::at(file, 0, ""), format!("缺少列 / missing column `{r}`")));
        }
    }
    if !problems.is_empty() {
        return Err(Problems(problems));
    }
    let mut head: Option<(String, Located, Period, Located)> = None;
    let mut values = Vec::new();
    let mut rows = 0u32;
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as u32);
                problems.push(Located::at(file, u64::from(line), format!("CSV 格式错误 / malformed CSV: {e}")));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line() as u32);
        rows += 1;
        if rows >= limits.max_rows {
            return Err(limit_hit(u64::from(line), Limit::Rows));
        }
        let loc = |c: &str| Located::at_column(file, u64::from(line), c, "");
        let n = problems.len();
        for (i, field) in rec.iter().enumerate() {
            let name = headers.get(i).unwrap_or("");
            if field.len() > limits.max_cell_chars as usize && field.chars().count() > limits.max_cell_chars as usize {
                return Err(Problems(vec![problem(loc(name), Limit::CellChars.message(limits, ""))]));
            }
            if let Err(m) = check_cell_text(field) {
                problems.push(problem(loc(name), m));
            }
        }
        if problems.len() > n {
            continue;
        }
        // Text columns come back without the formula-neutralising `'` our exports add; the
        // value column is read as written.
        let get = |c: &str| {
            let v = col.get(c).and_then(|&i| rec.get(i)).unwrap_or("");
            if c == "value" { v } else { restore_formula(v) }
        };
        let form = get("form_code");
        let period = match get("period").parse::<Period>() {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(problem(loc("period"), e.to_string()));
                None
            }
        };
        match (&head, period) {
            (None, Some(p)) => head = Some((form.to_string(), loc("form_code"), p, loc("period"))),
            (Some((f0, _, p0, _)), Some(p)) => {
                if f0 != form {
                    problems.push(problem(loc("form_code"), format!("一个文件只能有一个报表 / one form per file: `{form}` here, `{f0}` above")));
                }
                if *p0 != p {
                    problems.push(problem(loc("period"), format!("一个文件只能有一个期间 / one period per file: {p} here, {p0} above")));
                }
            }
            _ => {}
        }
        for c in ["filer_code", "indicator_code"] {
            let v = get(c);
            if v.is_empty() {
                problems.push(problem(loc(c), format!("`{c}` 为空 / `{c}` is empty")));
            } else if v.trim() != v {
                problems.push(problem(loc(c), format!("代码前后有空格 / the code has surrounding spaces: `{v}`")));
            }
        }
        let raw = get("value");
        let value = if raw.is_empty() {
            None
        } else {
            match digecon_core::parse_decimal(raw) {
                Some(v) => match check_value(v) {
                    Ok(()) => Some(v),
                    Err(e) => {
                        problems.push(problem(loc("value"), format!("`{raw}`: {e}")));
                        None
                    }
                },
                None => {
                    problems.push(problem(loc("value"), format!("不是数字 / not a number: `{raw}` (expected a plain decimal such as 11874 or -5.3)")));
                    None
                }
            }
        };
        if problems.len() > n {
            continue;
        }
        if let Some(v) = value {
            values.push(ImportedValue {
                filer_code: get("filer_code").into(),
                indicator_code: get("indicator_code").into(),
                value: v,
                location: loc("value"),
                filer_location: loc("filer_code"),
                indicator_location: loc("indicator_code"),
                filer_name: get("filer_name").to_string(),
                indicator_name: get("indicator_name").to_string(),
                unit: get("unit").to_string(),
            });
        }
    }
    match head {
        Some((form_code, form_location, period, period_location)) if problems.is_empty() => {
            Ok(ReadFile { file: ImportFile { form_code, form_location, period, period_location, values }, notes })
        }
        None if problems.is_empty() => Err(Problems(vec![problem(Located::at(file, 0, ""), "文件没有数据行 / the file has no rows")])),
        _ => Err(Problems(problems)),
    }
}

fn read_json(file: &str, bytes: &[u8], limits: &Limits) -> Result<ReadFile, Problems> {
    use serde_json::Value;
    let mut notes = Vec::new();
    let text = decoded(file, bytes, limits, &mut notes)?;
    let root: Value = serde_json::from_str(&text).map_err(|e| {
        Problems(vec![Located::at_column(file, e.line() as u64, e.column().to_string(), format!("JSON 格式错误 / malformed JSON: {e}"))])
    })?;
    let top = |key: &str| Located::at_column(file, 0, key, "");
    let item = |i: usize, key: &str| Located::cell(file, "dataValues", i as u64 + 1, key, "");
    let mut problems = Vec::new();
    let Some(obj) = root.as_object() else {
        return Err(Problems(vec![problem(Located::at(file, 0, ""), "应为 JSON 对象 / expected a JSON object with dataSet, period and dataValues")]));
    };
    for k in obj.keys() {
        if !["dataSet", "period", "orgUnit", "dataValues"].contains(&k.as_str()) {
            problems.push(problem(top(k), format!("未知的字段 / unknown field `{k}`; expected dataSet, period, orgUnit, dataValues")));
        }
    }
    let text_field = |v: Option<&Value>, loc: Located, problems: &mut Vec<Located>, required: bool| -> Option<String> {
        match v {
            Some(Value::String(s)) if check_cell_text(s).is_err() => {
                problems.push(problem(loc, check_cell_text(s).unwrap_err()));
                None
            }
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            None if !required => None,
            other => {
                problems.push(problem(loc, format!("应为非空文本 / expected a non-empty string, found {}", other.map_or("nothing".to_string(), |v| v.to_string()))));
                None
            }
        }
    };
    let form_code = text_field(obj.get("dataSet"), top("dataSet"), &mut problems, true);
    let period = text_field(obj.get("period"), top("period"), &mut problems, true).and_then(|t| match t.parse::<Period>() {
        Ok(p) => Some(p),
        Err(e) => {
            problems.push(problem(top("period"), e.to_string()));
            None
        }
    });
    let default_org = text_field(obj.get("orgUnit"), top("orgUnit"), &mut problems, false);
    let mut values = Vec::new();
    match obj.get("dataValues") {
        Some(Value::Array(items)) if items.len() >= limits.max_rows as usize => {
            problems.push(problem(top("dataValues"), Limit::Rows.message(limits, "dataValues")));
        }
        Some(Value::Array(items)) => {
            for (i, it) in items.iter().enumerate() {
                let Some(o) = it.as_object() else {
                    problems.push(problem(item(i, "dataValues"), "应为对象 / expected an object"));
                    continue;
                };
                for k in o.keys() {
                    if !["dataElement", "period", "orgUnit", "value"].contains(&k.as_str()) {
                        problems.push(problem(item(i, k), format!("未知的字段 / unknown field `{k}`; expected dataElement, period, orgUnit, value")));
                    }
                }
                let n = problems.len();
                let de = text_field(o.get("dataElement"), item(i, "dataElement"), &mut problems, true);
                let org = text_field(o.get("orgUnit"), item(i, "orgUnit"), &mut problems, false).or_else(|| default_org.clone());
                if org.is_none() && problems.len() == n {
                    problems.push(problem(item(i, "orgUnit"), "缺少填报单位 / no orgUnit here or at the top"));
                }
                if let Some(pv) = text_field(o.get("period"), item(i, "period"), &mut problems, false) {
                    if period.is_some_and(|p| p.to_string() != pv) {
                        problems.push(problem(item(i, "period"), format!("一个文件只能有一个期间 / one period per file: `{pv}` here")));
                    }
                }
                let value = match o.get("value") {
                    Some(Value::Number(num)) => match num.as_f64().map(|v| (v, check_value(v))) {
                        Some((v, Ok(()))) => Some(v),
                        _ => {
                            problems.push(problem(item(i, "value"), format!("数值超出范围 / number out of range: {num} (finite, at most ±10^12)")));
                            None
                        }
                    },
                    Some(Value::String(s)) if s.is_empty() => None,
                    Some(Value::String(s)) if check_cell_text(s).is_err() => {
                        problems.push(problem(item(i, "value"), check_cell_text(s).unwrap_err()));
                        None
                    }
                    Some(Value::String(s)) => match digecon_core::parse_decimal(s).map(|v| (v, check_value(v))) {
                        Some((v, Ok(()))) => Some(v),
                        Some((_, Err(e))) => {
                            problems.push(problem(item(i, "value"), format!("`{s}`: {e}")));
                            None
                        }
                        None => {
                            problems.push(problem(item(i, "value"), format!("不是数字 / not a number: `{s}` (expected a plain decimal such as 11874 or -5.3)")));
                            None
                        }
                    },
                    Some(Value::Null) | None => None,
                    Some(other) => {
                        problems.push(problem(item(i, "value"), format!("应为数字 / expected a number, found {other}")));
                        None
                    }
                };
                if problems.len() > n {
                    continue;
                }
                if let (Some(de), Some(org), Some(v)) = (de, org, value) {
                    values.push(ImportedValue {
                        filer_code: org,
                        indicator_code: de,
                        value: v,
                        location: item(i, "value"),
                        filer_location: item(i, "orgUnit"),
                        indicator_location: item(i, "dataElement"),
                        filer_name: String::new(),
                        indicator_name: String::new(),
                        unit: String::new(),
                    });
                }
            }
        }
        other => problems.push(problem(top("dataValues"), format!("应为数组 / expected an array, found {}", other.map_or("nothing".to_string(), |v| v.to_string())))),
    }
    match (form_code, period) {
        (Some(form_code), Some(period)) if problems.is_empty() => {
            Ok(ReadFile { file: ImportFile { form_code, form_location: top("dataSet"), period, period_location: top("period"), values }, notes })
        }
        _ => Err(Problems(problems)),
    }
}

/// The reference data a file is checked against.
pub struct ImportCatalog<'a> {
    pub regions: &'a [Region],
    pub departments: &'a [Department],
    pub indicators: &'a [Indicator],
}

/// A value that passed the file-level checks.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedValue {
    pub filer: Filer,
    pub indicator_code: String,
    pub value: f64,
    pub location: Located,
}

/// Number of decimal places of `v` as it reads back exactly (`12.5` → 1, `0.1 + 0.2` → 17).
pub fn decimals_of(v: f64) -> usize {
    let s = format_value(v);
    s.split_once('.').map_or(0, |(_, f)| f.len())
}

/// The checks that need only the form and the catalogue: the form exists and takes the period,
/// each filer files this form, each indicator is in it, names match codes, decimals fit, no
/// filer × indicator twice. (Permissions, states, windows and rules need the database.)
pub fn check(file: &ImportFile, form: Option<&Form>, cat: &ImportCatalog<'_>) -> Result<Vec<CheckedValue>, Problems> {
    let mut problems = Vec::new();
    let Some(form) = form else {
        return Err(Problems(vec![problem(file.form_location.clone(), format!("未知的报表代码 / unknown form code `{}` (see `digecon forms list`)", file.form_code))]));
    };
    if !form.accepts_period(&file.period) {
        problems.push(problem(file.period_location.clone(), format!(
            "期间频率不符 / period {} does not fit form {}, which is filed by {}",
            file.period, form.code, form.frequency
        )));
    }
    let filers = form.expected_filers(cat.regions, cat.departments);
    // Maps built once, so a file of many values is checked in linear time.
    let filer_by_code: HashMap<&str, &Filer> = filers.iter().rev().map(|f| (f.code(), f)).collect();
    let region_names: HashMap<&str, &str> = cat.regions.iter().rev().map(|r| (r.code.as_str(), r.name_zh.as_str())).collect();
    let department_names: HashMap<&str, &str> = cat.departments.iter().rev().map(|d| (d.code.as_str(), d.name_zh.as_str())).collect();
    let indicators: HashMap<&str, &Indicator> = cat.indicators.iter().map(|i| (i.code.as_str(), i)).collect();
    let mut seen: HashMap<(String, String), String> = HashMap::new();
    let mut out = Vec::new();
    for v in &file.values {
        let n = problems.len();
        let filer = filer_by_code.get(v.filer_code.as_str()).copied();
        match filer {
            None => {
                let known = region_names.contains_key(v.filer_code.as_str()) || department_names.contains_key(v.filer_code.as_str());
                let m = if known {
                    format!("{} 不填报此报表 / `{}` does not file form {}", v.filer_code, v.filer_code, form.code)
                } else {
                    format!("未知的填报单位代码 / unknown filer code `{}`", v.filer_code)
                };
                problems.push(problem(v.filer_location.clone(), m));
            }
            Some(f) if !v.filer_name.is_empty() => {
                let name = match f {
                    Filer::Region { code } => region_names.get(code.as_str()).copied(),
                    Filer::Department { code, .. } => department_names.get(code.as_str()).copied(),
                };
                if name.is_some_and(|n| n != v.filer_name) {
                    let mut loc = v.filer_location.clone();
                    bump_column(&mut loc, "filer_name");
                    problems.push(problem(loc, format!("名称与代码不符 / name `{}` does not match {} ({})", v.filer_name, v.filer_code, name.unwrap_or(""))));
                }
            }
            Some(_) => {}
        }
        match (indicators.get(v.indicator_code.as_str()), form.indicator(&v.indicator_code)) {
            (None, _) => problems.push(problem(v.indicator_location.clone(), format!("未知的指标代码 / unknown indicator code `{}`", v.indicator_code))),
            (Some(_), None) => problems.push(problem(v.indicator_location.clone(), format!(
                "指标不在报表中 / indicator {} is not on form {}",
                v.indicator_code, form.code
            ))),
            (Some(ind), Some(fi)) => {
                if !v.indicator_name.is_empty() && v.indicator_name != ind.name_zh {
                    let mut loc = v.indicator_location.clone();
                    bump_column(&mut loc, "indicator_name");
                    problems.push(problem(loc, format!("名称与代码不符 / name `{}` does not match {} ({})", v.indicator_name, ind.code, ind.name_zh)));
                }
                if !v.unit.is_empty() && v.unit != ind.unit {
                    let mut loc = v.indicator_location.clone();
                    bump_column(&mut loc, "unit");
                    problems.push(problem(loc, format!("单位不符 / unit `{}` does not match {} (`{}`)", v.unit, ind.code, ind.unit)));
                }
                let d = decimals_of(v.value);
                if d > usize::from(fi.decimals) {
                    problems.push(problem(v.location.clone(), format!(
                        "小数位过多 / {} has {d} decimal places, {} takes at most {} (nothing is rounded: enter the value as published)",
                        format_value(v.value),
                        ind.code,
                        fi.decimals
                    )));
                }
                if let Err(e) = check_value(v.value) {
                    problems.push(problem(v.location.clone(), e.to_string()));
                }
            }
        }
        let key = (v.filer_code.clone(), v.indicator_code.clone());
        if let Some(first) = seen.get(&key) {
            problems.push(problem(v.location.clone(), format!(
                "重复的行 / duplicate row for {} × {} (first at {first})",
                v.filer_code, v.indicator_code
            )));
        } else {
            seen.insert(key, v.location.place());
        }
        if problems.len() == n {
            out.push(CheckedValue { filer: filer.cloned().expect("checked"), indicator_code: v.indicator_code.clone(), value: v.value, location: v.location.clone() });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Problems(problems))
    }
}

/// Points a location at a neighbouring column (the name beside a code).
fn bump_column(loc: &mut Located, csv_column: &str) {
    match (&loc.sheet, &loc.column) {
        (Some(s), Some(c)) if s != "dataValues" => {
            let idx = c.bytes().fold(0u32, |a, b| a * 26 + u32::from(b - b'A' + 1)) - 1;
            let target = COLUMNS.iter().position(|k| *k == csv_column).map_or(idx, |p| p as u32);
            loc.column = Some(column_letter(target));
        }
        _ => loc.column = Some(csv_column.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        assert_eq!(decimals_of(12.0), 0);
        assert_eq!(decimals_of(12.5), 1);
        assert_eq!(decimals_of(11133.17), 2);
        assert_eq!(decimals_of(0.1 + 0.2), 17);
    }

    #[test]
    fn csv_and_json_problems_have_places() {
        let e = read("a.csv", b"form_code,period,filer_code,indicator_code,value\nF,2023-03,360702,X,12a\nF,2023-04,360702,Y,1\n").unwrap_err();
        let t = e.to_string();
        assert!(t.contains("a.csv:2:value: 不是数字 / not a number: `12a`"), "{t}");
        assert!(t.contains("a.csv:3:period: 一个文件只能有一个期间"), "{t}");
        let e = read("b.json", br#"{"dataSet":"F","period":"2023-03","dataValues":[{"dataElement":"X","orgUnit":"1","value":"1,5"},{"dataElement":"Y","value":2,"comment":"c"}]}"#).unwrap_err();
        let t = e.to_string();
        assert!(t.contains("b.json:dataValues:1:value: 不是数字"), "{t}");
        assert!(t.contains("b.json:dataValues:2:comment: 未知的字段"), "{t}");
        let ok = read("c.json", br#"{"dataSet":"F","period":"2023-03","orgUnit":"360702","dataValues":[{"dataElement":"X","value":"12.5"},{"dataElement":"Y","value":3},{"dataElement":"Z","value":""}]}"#).unwrap();
        assert_eq!(ok.values.iter().map(|v| (v.filer_code.as_str(), v.indicator_code.as_str(), v.value)).collect::<Vec<_>>(), vec![("360702", "X", 12.5), ("360702", "Y", 3.0)]);
        assert!(read("d.doc", b"").unwrap_err().to_string().contains("unknown file type"));
    }
}
