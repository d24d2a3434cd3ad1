//! SDMX-CSV 2.0 for observations.
//!
//! One dataflow, `DIGECON:DF_DIGITAL_ECONOMY(1.0)`, with dimensions `REF_AREA` (GB/T 2260 code),
//! `INDICATOR` (our indicator code) and `TIME_PERIOD` (already SDMX notation), the measure
//! `OBS_VALUE`, and attributes `UNIT_MEASURE`, `OBS_STATUS` (SDMX code list CL_OBS_STATUS:
//! `A` normal, `P` provisional), `CONF_STATUS`-free provenance as `SOURCE` and our `SYNTHETIC` flag.

use digecon_core::text::neutralise_formula as safe;
use digecon_core::{format_value, ObservationStatus};
use digecon_dataset::ObservationRow;

use crate::ReportError;

pub const STRUCTURE_ID: &str = "DIGECON:DF_DIGITAL_ECONOMY(1.0)";

const HEADER: &[&str] = &[
    "STRUCTURE",
    "STRUCTURE_ID",
    "ACTION",
    "REF_AREA",
    "INDICATOR",
    "TIME_PERIOD",
    "OBS_VALUE",
    "UNIT_MEASURE",
    "OBS_STATUS",
    "SYNTHETIC",
    "SOURCE",
];

/// Writes SDMX-CSV 2.0 (`ACTION = I`: information, the rows as they stand).
pub fn write<'a>(rows: impl IntoIterator<Item = ObservationRow<'a>>) -> Result<Vec<u8>, ReportError> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record(HEADER)?;
    for r in rows {
        let o = r.observation;
        let status = match o.status {
            ObservationStatus::Final => "A",
            ObservationStatus::Provisional => "P",
        };
        let source = if o.source.quote.is_empty() {
            o.source.doc.clone()
        } else {
            format!("{}: {}", o.source.doc, o.source.quote)
        };
        // Text fields formula-neutralised (OWASP); OBS_VALUE is a number and written as one.
        w.write_record([
            "dataflow",
            STRUCTURE_ID,
            "I",
            &safe(&o.region_code),
            &safe(&o.indicator_code),
            &o.period.to_string(),
            &format_value(o.value),
            &safe(r.unit),
            status,
            if o.synthetic { "true" } else { "false" },
            &safe(&source),
        ])?;
    }
    Ok(w.into_inner().map_err(|e| csv::Error::from(e.into_error()))?)
}

#[cfg(test)]
mod tests {
    use digecon_core::{Observation, Source};

    use super::*;

    #[test]
    fn writes_sdmx_csv_2() {
        let o = Observation {
            region_code: "360000".into(),
            indicator_code: "DE_VA".into(),
            period: "2022".parse().unwrap(),
            value: 11874.0,
            status: ObservationStatus::Final,
            source: Source { doc: "000.txt".into(), quote: "数字经济增加值达11874亿元".into() },
            synthetic: false,
        };
        let row = ObservationRow { observation: &o, region_name: "江西省", indicator_name: "数字经济增加值", unit: "亿元" };
        let text = String::from_utf8(write([row]).unwrap()).unwrap();
        assert_eq!(
            text,
            "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS,SYNTHETIC,SOURCE\r\n\
             dataflow,DIGECON:DF_DIGITAL_ECONOMY(1.0),I,360000,DE_VA,2022,11874,亿元,A,false,000.txt: 数字经济增加值达11874亿元\r\n"
        );
    }

    #[test]
    fn formula_looking_text_is_neutralised_numbers_are_not() {
        let o = Observation {
            region_code: "360000".into(),
            indicator_code: "DE_VA".into(),
            period: "2022".parse().unwrap(),
            value: -3.5,
            status: ObservationStatus::Final,
            source: Source { doc: "=1/0".into(), quote: String::new() },
            synthetic: false,
        };
        let row = ObservationRow { observation: &o, region_name: "江西省", indicator_name: "x", unit: "-" };
        let text = String::from_utf8(write([row]).unwrap()).unwrap();
        assert!(text.ends_with(",DE_VA,2022,-3.5,'-,A,false,'=1/0\r\n"), "{text}");
    }
}
