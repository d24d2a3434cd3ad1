//! Filing templates (填报模板): an `.xlsx` workbook (or the same rows as CSV) for a form ×
//! filers × period, which [`crate::import`] reads back.
//!
//! Layout of the first sheet (`数据 data`), which the importer checks:
//! - row 1: the form's name and the period (title);
//! - row 2: `B2` form code, `D2` period, `F2` due date — locked, read back by the importer;
//! - row 3: how to fill it in;
//! - row 4: column headers, each ending in its key (`filer_code`, …, `value`);
//! - rows 5…: one row per filer × indicator. Columns A–F and H are locked; only G (本期值 / value)
//!   is editable, with a number-only data validation and a note of the unit and decimals.
//!   F is the previous period's stored value, for comparison.
//!
//! A second sheet (`说明 readme`) explains the columns. The sheet is protected without a
//! password: the lock prevents accidents, not a determined user, and the importer re-checks
//! everything anyway.

use chrono::NaiveDate;
use digecon_core::text::neutralise_formula as safe;
use digecon_core::{format_value, Period};
use rust_xlsxwriter::{Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::form::Filer;

/// Column keys of the data sheet, A to H; the importer finds them in row 4.
pub const COLUMNS: [&str; 8] = ["filer_code", "filer_name", "indicator_code", "indicator_name", "unit", "previous", "value", "required"];
pub const HEADERS_ZH: [&str; 8] = ["填报单位代码", "填报单位", "指标代码", "指标名称", "单位", "上期值", "本期值", "必填"];
/// Row (0-based) of the column headers; data starts on the next row.
pub const HEADER_ROW: u32 = 3;
pub const DATA_SHEET: &str = "数据 data";
/// Values outside this range are almost certainly typos (or a pasted ID number); the same bound
/// every importer applies ([`digecon_core::check_value`]).
pub const VALUE_LIMIT: f64 = digecon_core::VALUE_LIMIT;

/// One row of a template.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateRow {
    pub filer: Filer,
    pub filer_name: String,
    pub indicator_code: String,
    pub indicator_name: String,
    pub unit: String,
    pub decimals: u8,
    pub required: bool,
    /// The stored value of the previous period (any status).
    pub previous: Option<f64>,
    /// The filing's current value, so that a template of a saved draft shows what was saved.
    pub value: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub form_code: String,
    pub form_name_zh: String,
    pub form_name_en: String,
    pub period: Period,
    pub due: NaiveDate,
    pub rows: Vec<TemplateRow>,
}

fn number_format(decimals: u8) -> String {
    if decimals == 0 {
        "0".to_string()
    } else {
        format!("0.{}", "0".repeat(usize::from(decimals)))
    }
}

/// Writes the workbook and returns its bytes.
pub fn write_xlsx(t: &Template) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(DATA_SHEET)?;

    let title = Format::new().set_bold().set_font_size(13);
    let label = Format::new().set_bold().set_font_color(Color::RGB(0x595959));
    let header = Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Center).set_background_color(Color::RGB(0xD9E1F2)).set_border(FormatBorder::Thin);
    let locked = Format::new().set_border(FormatBorder::Thin).set_background_color(Color::RGB(0xF2F2F2));
    let note = Format::new().set_italic().set_font_color(Color::RGB(0x7F7F7F));

    ws.write_string_with_format(0, 0, safe(&format!("{} / {} — {}", t.form_name_zh, t.form_name_en, t.period)), &title)?;
    ws.write_string_with_format(1, 0, "报表代码 form_code", &label)?;
    ws.write_string(1, 1, safe(&t.form_code))?;
    ws.write_string_with_format(1, 2, "期间 period", &label)?;
    ws.write_string(1, 3, t.period.to_string())?;
    ws.write_string_with_format(1, 4, "截止日期 due", &label)?;
    ws.write_string(1, 5, t.due.to_string())?;
    ws.write_string_with_format(
        2,
        0,
        "只填写“本期值”列（灰色单元格已锁定）；留空表示不填报该项。/ Fill in the 本期值 (value) column only (grey cells are locked); leave a cell empty to not report it.",
        &note,
    )?;
    let prev = t.period.prev();
    for (c, (zh, key)) in HEADERS_ZH.iter().zip(COLUMNS).enumerate() {
        let text = match key {
            "previous" => format!("{zh} ({prev})\n{key}"),
            "value" => format!("{zh} ({})\n{key}", t.period),
            _ => format!("{zh}\n{key}"),
        };
        ws.write_string_with_format(HEADER_ROW, c as u16, text, &header)?;
    }
    ws.set_row_height(HEADER_ROW, 32)?;
    for (c, w) in [14.0, 16.0, 22.0, 40.0, 8.0, 14.0, 16.0, 6.0].into_iter().enumerate() {
        ws.set_column_width(c as u16, w)?;
    }

    for (i, r) in t.rows.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        let num = number_format(r.decimals);
        let locked_num = locked.clone().set_num_format(&num);
        let open = Format::new().set_unlocked().set_border(FormatBorder::Thin).set_num_format(&num).set_background_color(Color::RGB(0xFFF2CC));
        // Text cells go out formula-neutralised (OWASP); the importer takes the `'` off again.
        ws.write_string_with_format(row, 0, safe(r.filer.code()), &locked)?;
        ws.write_string_with_format(row, 1, safe(&r.filer_name), &locked)?;
        ws.write_string_with_format(row, 2, safe(&r.indicator_code), &locked)?;
        ws.write_string_with_format(row, 3, safe(&r.indicator_name), &locked)?;
        ws.write_string_with_format(row, 4, safe(&r.unit), &locked)?;
        match r.previous {
            Some(v) => ws.write_number_with_format(row, 5, v, &locked_num)?,
            None => ws.write_blank(row, 5, &locked)?,
        };
        match r.value {
            Some(v) => ws.write_number_with_format(row, 6, v, &open)?,
            None => ws.write_blank(row, 6, &open)?,
        };
        ws.write_string_with_format(row, 7, if r.required { "是" } else { "" }, &locked)?;
        let unit = if r.unit.is_empty() { "—".to_string() } else { r.unit.clone() };
        let dv = DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(-VALUE_LIMIT, VALUE_LIMIT))
            .set_input_title(format!("{} ({})", r.indicator_code, unit))?
            .set_input_message(format!("单位 unit: {unit}; 最多 {d} 位小数 / at most {d} decimal place(s)", d = r.decimals))?
            .set_error_title("请输入数字 / number expected")?
            .set_error_message("本单元格只接受数字（不含单位、逗号或 %）。/ This cell takes a plain number (no unit, commas or %).")?
            .set_error_style(DataValidationErrorStyle::Stop);
        ws.add_data_validation(row, 6, row, 6, &dv)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.protect();

    let readme = wb.add_worksheet();
    readme.set_name("说明 readme")?;
    let lines = [
        format!("报表 form: {} {} / {}", t.form_code, t.form_name_zh, t.form_name_en),
        format!("期间 period: {}; 截止日期 due: {} (北京时间 / China Standard Time)", t.period, t.due),
        "“本期值”列填写数字，单位见“单位”列，不要填写单位、千分位逗号或百分号。/ Enter plain numbers in the value column, in the unit shown; no units, thousands separators or %.".to_string(),
        "“上期值”为系统中上一期的数值，仅供对照，导入时不读取。/ The previous column is the stored value of the previous period, for comparison; it is not imported.".to_string(),
        "导入时整份文件一起检查：任何一处错误都不会写入任何数据，并列出每个错误的 工作表:行:列。/ On import the whole file is checked: any problem writes nothing, and every problem is listed as sheet:row:column.".to_string(),
        "不要增删行列或修改代码；如需填报其他单位或期间，请重新下载模板。/ Do not add or remove rows or columns or edit codes; download a new template for other filers or periods.".to_string(),
    ];
    for (i, l) in lines.iter().enumerate() {
        readme.write_string(i as u32, 0, l)?;
    }
    readme.set_column_width(0, 120)?;
    wb.save_to_buffer()
}

/// The same rows as CSV (UTF-8, header first), readable by [`crate::import`].
pub fn write_csv(t: &Template) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let opt = |v: Option<f64>| v.map(format_value).unwrap_or_default();
    w.write_record(["form_code", "period", "filer_code", "filer_name", "indicator_code", "indicator_name", "unit", "previous", "value"])
        .expect("writing to memory");
    for r in &t.rows {
        // Text fields formula-neutralised (OWASP), numbers as they are.
        w.write_record([
            safe(&t.form_code).as_ref(),
            &t.period.to_string(),
            &safe(r.filer.code()),
            &safe(&r.filer_name),
            &safe(&r.indicator_code),
            &safe(&r.indicator_name),
            &safe(&r.unit),
            &opt(r.previous),
            &opt(r.value),
        ])
        .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}
