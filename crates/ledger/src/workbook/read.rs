//! The one reader every ledger sheet goes through, driven by its [`SheetSpec`]: the workbook
//! opened within `Limits`, each sheet matched to a spec, header checks, and a `RowReader` whose
//! typed getters record every problem at its cell.

use super::*;

/// Excel's day serial (1900 system) → (year, month).
pub(super) fn serial_to_month(serial: f64) -> Option<(i32, u8)> {
    if !serial.is_finite() || serial < 1.0 {
        return None;
    }
    // Days since 1970-01-01; Excel's day 25569 is 1970-01-01 (its 1900 leap-year bug only
    // affects dates before March 1900).
    let z = serial.floor() as i64 - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some((y as i32, m as u8))
}

/// Header key → (column index, header text).
pub(super) type Columns = HashMap<&'static str, (u32, String)>;

pub(super) struct Sheet<'a> {
    pub(super) file: &'a str,
    pub(super) name: String,
    pub(super) cols: Columns,
    /// Non-empty data rows with their 1-based spreadsheet row numbers.
    pub(super) rows: Vec<(u32, &'a SheetRow)>,
}

/// Reads one sheet: header checks (the first row with anything in it), then the non-empty rows
/// with their spreadsheet row numbers.
pub(super) fn read_sheet<'a>(file: &'a str, name: &str, sheet: &'a digecon_core::sheets::Sheet, spec: &SheetSpec, errs: &mut Vec<Located>) -> Option<Sheet<'a>> {
    let mut rows = sheet.rows.iter();
    let Some(header) = rows.next() else {
        errs.push(sheet_error(file, name, 0, "工作表为空，缺少表头 / the sheet is empty: no header row"));
        return None;
    };
    let r0 = header.row;
    let mut cols: Columns = HashMap::new();
    let mut ok = true;
    for (c, cell) in &header.cells {
        let c = *c;
        let text = match cell {
            Data::String(s) => s.trim().to_string(),
            Data::Empty => continue,
            other => other.to_string(),
        };
        let found = spec.columns.iter().find(|col| text == col.header() || text == col.key || text == col.label);
        match found {
            Some(col) if cols.contains_key(col.key) => {
                ok = false;
                errs.push(Located::cell(file, name, u64::from(r0) + 1, column_label(c, &text), format!("列重复 / column `{}` appears twice", col.key)));
            }
            Some(col) => {
                cols.insert(col.key, (c, col.header()));
            }
            None => {
                ok = false;
                errs.push(Located::cell(
                    file,
                    name,
                    u64::from(r0) + 1,
                    column_label(c, &text),
                    format!(
                        "未知的列 / unknown column `{text}`: expected {}",
                        spec.columns.iter().map(|c| format!("`{}`", c.header())).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
    }
    for col in spec.columns.iter().filter(|c| c.required) {
        if !cols.contains_key(col.key) {
            ok = false;
            errs.push(sheet_error(file, name, r0 + 1, format!("缺少必需的列 / missing required column `{}`", col.header())));
        }
    }
    if !ok {
        return None;
    }
    let data = rows
        .filter(|r| r.cells.iter().any(|(_, c)| !matches!(c, Data::Empty) && !matches!(c, Data::String(s) if s.trim().is_empty())))
        .map(|r| (r.row + 1, r))
        .collect();
    Some(Sheet { file, name: name.into(), cols, rows: data })
}

/// One data row being read; typed getters record errors with the cell's place.
pub(super) struct RowReader<'s, 'e> {
    pub(super) sheet: &'s Sheet<'s>,
    pub(super) row: u32,
    pub(super) cells: &'s SheetRow,
    pub(super) errs: &'e mut Vec<Located>,
    pub(super) failed: bool,
    /// The columns of this row that already have an error (a few at most), so that "is this
    /// cell already reported" never scans the file's whole error list.
    pub(super) failed_keys: Vec<String>,
}

impl<'s, 'e> RowReader<'s, 'e> {
    pub(super) fn new(sheet: &'s Sheet<'s>, row: u32, cells: &'s SheetRow, errs: &'e mut Vec<Located>) -> RowReader<'s, 'e> {
        RowReader { sheet, row, cells, errs, failed: false, failed_keys: Vec::new() }
    }
}

impl RowReader<'_, '_> {
    pub(super) fn raw(&self, key: &str) -> Option<&Data> {
        let (c, _) = self.sheet.cols.get(key)?;
        self.cells.get(*c)
    }

    pub(super) fn error(&mut self, key: &str, message: String) {
        self.failed = true;
        self.failed_keys.push(key.to_string());
        let column = self.sheet.cols.get(key).map(|(c, h)| column_label(*c, h));
        self.errs.push(Located { column, ..sheet_error(self.sheet.file, &self.sheet.name, self.row, message) });
    }

    /// The cell as text (numbers printed the shortest way), exactly as written: not trimmed, so a
    /// stray space in a code is reported rather than silently removed. Empty for a missing column.
    pub(super) fn text(&mut self, key: &str) -> String {
        match self.raw(key) {
            None | Some(Data::Empty) => String::new(),
            Some(Data::String(s)) => restore_formula(s).to_string(),
            Some(Data::Float(f)) => format_value(*f),
            Some(Data::Int(i)) => i.to_string(),
            Some(Data::Bool(b)) => b.to_string(),
            Some(other) => other.to_string(),
        }
    }

    pub(super) fn required(&mut self, key: &str) -> Option<String> {
        let t = self.text(key);
        if t.is_empty() {
            self.error(key, "必填项为空 / required value is empty".into());
            None
        } else {
            Some(t)
        }
    }

    pub(super) fn number(&mut self, key: &str) -> Option<f64> {
        let v = match self.raw(key) {
            None | Some(Data::Empty) => return None,
            Some(Data::Float(f)) => Some(*f),
            Some(Data::Int(i)) => Some(*i as f64),
            Some(Data::String(s)) if s.is_empty() => return None,
            Some(Data::String(s)) => s.parse::<f64>().ok(),
            Some(_) => None,
        };
        match v.map(|v| (v, check_value(v))) {
            Some((v, Ok(()))) => Some(v),
            Some((_, Err(e))) => {
                let t = self.text(key);
                self.error(key, format!("`{t}`: {e}"));
                None
            }
            None => {
                let t = self.text(key);
                self.error(key, format!("不是数字 / `{t}` is not a number (plain decimal, no thousands separators or units)"));
                None
            }
        }
    }

    pub(super) fn required_number(&mut self, key: &str) -> Option<f64> {
        let v = self.number(key);
        if v.is_none() && !self.failed_on(key) {
            self.error(key, "必填项为空 / required value is empty".into());
        }
        v
    }

    pub(super) fn failed_on(&self, key: &str) -> bool {
        self.failed_keys.iter().any(|k| k == key)
    }

    pub(super) fn whole(&mut self, key: &str) -> Option<u32> {
        let v = self.required_number(key)?;
        if v.fract() != 0.0 || v < 0.0 || v > f64::from(u32::MAX) {
            self.error(key, format!("应为非负整数 / expected a whole number, got {}", format_value(v)));
            return None;
        }
        Some(v as u32)
    }

    pub(super) fn period(&mut self, key: &str, what: &str) -> Option<Period> {
        if let Some(Data::DateTime(dt)) = self.raw(key) {
            // A month typed into Excel becomes a date; read its month.
            let serial = dt.as_f64();
            return match serial_to_month(serial) {
                Some((y, m)) => Some(Period::Month(y, m)),
                None => {
                    self.error(key, format!("无效的日期 / invalid date for {what}"));
                    None
                }
            };
        }
        let t = self.text(key);
        if t.is_empty() {
            return None;
        }
        match t.parse::<Period>() {
            Ok(p) => Some(p),
            Err(e) => {
                self.error(key, e.to_string());
                None
            }
        }
    }

    pub(super) fn flag(&mut self, key: &str) -> bool {
        match self.raw(key) {
            Some(Data::Bool(b)) => *b,
            Some(Data::Int(i)) => *i != 0,
            Some(Data::Float(f)) => *f != 0.0,
            _ => {
                let t = self.text(key);
                match t.as_str() {
                    "" | "false" | "FALSE" | "0" | "否" => false,
                    "true" | "TRUE" | "1" | "是" => true,
                    _ => {
                        self.error(key, format!("应为 是/否 / expected true or false, got `{t}`"));
                        false
                    }
                }
            }
        }
    }
}

/// A required amount that may not be negative.
pub(super) fn amount(r: &mut RowReader<'_, '_>, key: &str) -> Option<f64> {
    let v = r.required_number(key)?;
    if v < 0.0 {
        r.error(key, format!("投资额不能为负 / {key} must not be negative, got {}", format_value(v)));
        return None;
    }
    Some(v)
}

/// Units by code, name and alias, built once per file.
pub(super) struct Units<'d>(HashMap<&'d str, Vec<&'d Department>>);

impl<'d> Units<'d> {
    pub(super) fn new(departments: &'d [Department]) -> Units<'d> {
        let mut m: HashMap<&str, Vec<&Department>> = HashMap::new();
        for d in departments {
            let mut names: Vec<&str> = vec![d.code.as_str(), d.name_zh.as_str()];
            names.extend(d.aliases.iter().map(String::as_str));
            names.sort_unstable();
            names.dedup();
            for n in names {
                m.entry(n).or_default().push(d);
            }
        }
        Units(m)
    }
}

/// Resolves a unit written as a code, a name or an alias.
pub(super) fn resolve_department<'d>(departments: &Units<'d>, text: &str) -> Result<&'d Department, String> {
    let hits: &[&Department] = departments.0.get(text).map_or(&[], Vec::as_slice);
    match hits {
        [d] => Ok(d),
        [] => Err(format!("未知的单位 / unknown unit `{text}`")),
        _ => Err(format!(
            "单位名称不唯一 / unit name `{text}` is ambiguous ({}); use the code",
            hits.iter().map(|d| d.code.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}

pub(super) fn split_list(s: &str) -> Vec<String> {
    s.split(['\n', ';', '；', '、', ',', '，']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
}

pub(super) fn open_workbook<'b>(bytes: &'b [u8], file: &str, limits: &Limits) -> Result<InputWorkbook<'b>, WorkbookErrors> {
    InputWorkbook::open(bytes, SheetFormat::Xlsx, limits).map_err(|e| {
        let mut e = e.in_file(file);
        if !e.message.contains("--max-") {
            e.message = format!("不是有效的 .xlsx 文件 / not a valid .xlsx workbook: {}", e.message);
        }
        WorkbookErrors(vec![e])
    })
}

/// Assigns each sheet of the workbook to a spec and reads it (within the limits; a limit hit
/// ends the reading); unknown sheets are errors. Control characters in text cells are errors at
/// their cell.
pub(super) fn sheets_by_spec(
    wb: &mut InputWorkbook<'_>,
    file: &str,
    specs: &[&SheetSpec],
    read_only: &[&SheetSpec],
    errs: &mut Vec<Located>,
) -> Result<Vec<(usize, String, digecon_core::sheets::Sheet)>, WorkbookErrors> {
    let mut out = Vec::new();
    for name in wb.sheet_names().to_vec() {
        if read_only.iter().any(|s| s.matches(&name)) {
            continue;
        }
        let Some(i) = specs.iter().position(|s| s.matches(&name)) else {
            errs.push(sheet_error(
                file,
                &name,
                0,
                format!(
                    "未知的工作表 / unknown sheet: expected {}",
                    specs.iter().chain(read_only).map(|s| format!("`{}`", s.name())).collect::<Vec<_>>().join(", ")
                ),
            ));
            continue;
        };
        match wb.read(&name) {
            Ok(r) => {
                errs.extend(r.problems.iter().cloned().map(|e| e.in_file(file)));
                out.push((i, name, r));
            }
            Err(e) if e.message.contains("--max-") => return Err(WorkbookErrors(vec![e.in_file(file)])),
            Err(e) => errs.push(e.in_file(file)),
        }
    }
    if out.is_empty() && errs.is_empty() {
        errs.push(Located::at(
            file,
            0,
            format!(
                "没有可导入的工作表 / no sheet to import: expected {}",
                specs.iter().map(|s| format!("`{}`", s.name())).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    out.sort_by_key(|(i, _, _)| *i);
    Ok(out)
}

pub(super) fn read_problem(
    r: &mut RowReader<'_, '_>,
    subject: Subject,
    departments: &Units<'_>,
    seen: &mut BTreeMap<(Subject, Period, u32), u32>,
    next_seq: &mut BTreeMap<(Subject, Period), u32>,
) -> Option<Problem> {
    let raised = report_period(r, "raised");
    let seq = if r.text("seq").is_empty() { None } else { r.whole("seq") };
    let dept_text = r.text("department");
    let text = r.required("text");
    let resolved = r.period("resolved", "resolved");
    let resolution = r.text("resolution");
    let synthetic = r.flag("synthetic");
    let department_code = if dept_text.is_empty() {
        None
    } else {
        match resolve_department(departments, &dept_text) {
            Ok(d) => Some(d.code.clone()),
            Err(e) => {
                r.error("department", e);
                None
            }
        }
    };
    let (raised, text) = (raised?, text?);
    if let Some(res) = resolved {
        if crate::item::month_index(&res) < crate::item::month_index(&raised) {
            r.error("resolved", format!("解决期间早于提出期间 / resolved ({res}) before it was raised ({raised})"));
        }
    }
    let seq = match seq {
        Some(0) => {
            r.error("seq", "问题序号从 1 开始 / problem numbers start at 1".into());
            return None;
        }
        Some(s) => s,
        None => {
            let n = next_seq.entry((subject.clone(), raised)).or_insert(0);
            *n += 1;
            *n
        }
    };
    let key = (subject.clone(), raised, seq);
    if let Some(first) = seen.get(&key) {
        r.error("seq", format!("问题序号重复 / problem {seq} of {subject} raised {raised} appears twice (first on row {first})"));
        return None;
    }
    seen.insert(key, r.row);
    if r.failed {
        return None;
    }
    Some(Problem {
        subject,
        raised,
        seq,
        department_code,
        text,
        resolved,
        resolution,
        synthetic,
        recorded_by: String::new(),
        recorded_at: String::new(),
    })
}

pub(super) fn report_period(r: &mut RowReader<'_, '_>, key: &str) -> Option<Period> {
    let p = r.period(key, "period")?;
    if matches!(p, Period::Year(_)) {
        r.error(key, format!("期间须为月或季度 / the period must be a month (2022-09) or a quarter (2022-Q3), got `{p}`"));
        return None;
    }
    Some(p)
}
