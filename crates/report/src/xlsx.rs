//! Observations as an Excel workbook: one row per observation, numbers as numbers (not text),
//! with region and indicator names, unit, status and source, so a user can filter and pivot.

use digecon_core::text::neutralise_formula as safe;
use digecon_core::ObservationStatus;
use digecon_dataset::ObservationRow;
use rust_xlsxwriter::{Format, Workbook};

use crate::ReportError;

const HEADER: &[(&str, f64)] = &[
    ("地区代码 region_code", 12.0),
    ("地区 region", 14.0),
    ("指标代码 indicator_code", 22.0),
    ("指标 indicator", 34.0),
    ("单位 unit", 8.0),
    ("期间 period", 10.0),
    ("数值 value", 14.0),
    ("状态 status", 12.0),
    ("合成 synthetic", 10.0),
    ("来源文件 source_doc", 26.0),
    ("来源原文 source_quote", 60.0),
];

pub fn write<'a>(rows: impl IntoIterator<Item = ObservationRow<'a>>) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("观测值 observations")?;
    let bold = Format::new().set_bold();
    for (c, (h, width)) in HEADER.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, *width)?;
    }
    let mut n = 0u32;
    for (i, r) in rows.into_iter().enumerate() {
        let o = r.observation;
        let row = i as u32 + 1;
        // Text cells formula-neutralised (OWASP: a leading ' before = + - @ tab CR); the value
        // is a number cell and never touched.
        ws.write_string(row, 0, safe(&o.region_code))?;
        ws.write_string(row, 1, safe(r.region_name))?;
        ws.write_string(row, 2, safe(&o.indicator_code))?;
        ws.write_string(row, 3, safe(r.indicator_name))?;
        ws.write_string(row, 4, safe(r.unit))?;
        ws.write_string(row, 5, o.period.to_string())?;
        ws.write_number(row, 6, o.value)?;
        ws.write_string(row, 7, match o.status {
            ObservationStatus::Final => "final",
            ObservationStatus::Provisional => "provisional",
        })?;
        ws.write_boolean(row, 8, o.synthetic)?;
        ws.write_string(row, 9, safe(&o.source.doc))?;
        ws.write_string(row, 10, safe(&o.source.quote))?;
        n = row;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, n, HEADER.len() as u16 - 1)?;
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};
    use digecon_core::{Observation, Source};

    use super::*;

    #[test]
    fn numbers_stay_numbers() {
        let o = Observation {
            region_code: "360700".into(),
            indicator_code: "CORE_VA".into(),
            period: "2022".parse().unwrap(),
            value: 365.02,
            status: ObservationStatus::Final,
            source: Source { doc: "000.txt".into(), quote: "365.02 亿元".into() },
            synthetic: false,
        };
        let row = ObservationRow { observation: &o, region_name: "赣州市", indicator_name: "数字经济核心产业增加值", unit: "亿元" };
        let bytes = write([row]).unwrap();
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("观测值 observations").unwrap();
        assert_eq!(range.get_value((1, 6)), Some(&Data::Float(365.02)));
        assert_eq!(range.get_value((1, 1)), Some(&Data::String("赣州市".into())));
        assert_eq!(range.get_value((1, 5)), Some(&Data::String("2022".into())));
    }

    #[test]
    fn formula_looking_text_is_neutralised_numbers_are_not() {
        let o = Observation {
            region_code: "360700".into(),
            indicator_code: "CORE_VA".into(),
            period: "2022".parse().unwrap(),
            value: -5.0,
            status: ObservationStatus::Final,
            source: Source { doc: "=1/0".into(), quote: "@SUM(A1)".into() },
            synthetic: false,
        };
        let row = ObservationRow { observation: &o, region_name: "赣州市", indicator_name: "+x", unit: "亿元" };
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(write([row]).unwrap())).unwrap();
        let range = wb.worksheet_range("观测值 observations").unwrap();
        assert_eq!(range.get_value((1, 9)), Some(&Data::String("'=1/0".into())));
        assert_eq!(range.get_value((1, 10)), Some(&Data::String("'@SUM(A1)".into())));
        assert_eq!(range.get_value((1, 3)), Some(&Data::String("'+x".into())));
        assert_eq!(range.get_value((1, 6)), Some(&Data::Float(-5.0)));
    }
}
