//! CSV tables in COINr's shapes. Numbers are written in Rust's shortest round-trip form; missing
//! values are empty fields.

use std::io::Write;

use crate::error::{IndexError, Result};
use crate::pipeline::Coin;

fn num(v: f64) -> String {
    if v.is_nan() { String::new() } else { v.to_string() }
}

fn io(e: impl std::fmt::Display) -> IndexError {
    IndexError::Invalid(format!("写出失败 / write failed: {e}"))
}

impl Coin {
    /// `aggregated.csv`: `uCode` and every indicator and aggregate column (COINr's `Aggregated`
    /// dataset: indicators in framework order, then aggregates level by level, by code), rows by
    /// unit code.
    pub fn write_aggregated_csv<W: Write>(&self, w: W) -> Result<()> {
        let ds = self.dataset("Aggregated").ok_or_else(|| IndexError::Invalid("管线没有聚合步骤 / the pipeline has no aggregate step".into()))?;
        let mut c = csv::Writer::from_writer(w);
        let mut header = vec!["uCode".to_string()];
        header.extend(ds.columns.iter().cloned());
        c.write_record(&header).map_err(io)?;
        let mut rows: Vec<usize> = (0..ds.units.len()).collect();
        rows.sort_by(|&a, &b| self.data.codes[ds.units[a]].cmp(&self.data.codes[ds.units[b]]));
        for r in rows {
            let mut rec = vec![self.data.codes[ds.units[r]].clone()];
            rec.extend(ds.values.iter().map(|col| num(col[r])));
            c.write_record(&rec).map_err(io)?;
        }
        c.flush().map_err(io)
    }

    /// `results.csv`: `uCode, uName`, then each aggregate's score and `<code>_rank` (top level
    /// first), rows best first (see [`Coin::results`]).
    pub fn write_results_csv<W: Write>(&self, w: W) -> Result<()> {
        let t = self.results()?;
        let mut c = csv::Writer::from_writer(w);
        let mut header = vec!["uCode".to_string(), "uName".to_string()];
        for col in &t.columns {
            header.push(col.clone());
            header.push(format!("{col}_rank"));
        }
        c.write_record(&header).map_err(io)?;
        for r in &t.rows {
            let mut rec = vec![r.code.clone(), r.name.clone()];
            for (s, k) in r.scores.iter().zip(&r.ranks) {
                rec.push(num(*s));
                rec.push(num(*k));
            }
            c.write_record(&rec).map_err(io)?;
        }
        c.flush().map_err(io)
    }
}
