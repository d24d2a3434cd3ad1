//! Printing result tables: `--format table` for people (CJK-aware column widths),
//! `--format csv` for programs. Every command that prints rows goes through [`emit`].

use std::io::Write;

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// 表格 / aligned table for reading
    #[default]
    Table,
    /// CSV (UTF-8, header row first)
    Csv,
}

/// Writes `rows` under `headers` to stdout in `format`.
pub fn emit(format: Format, headers: &[&str], rows: &[Vec<String>]) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Csv => {
            let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(&mut out);
            w.write_record(headers)?;
            for r in rows {
                w.write_record(r)?;
            }
            w.flush()?;
        }
        Format::Table => {
            let mut t = comfy_table::Table::new();
            t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
            t.set_header(headers.iter().copied());
            for r in rows {
                t.add_row(r.iter().map(String::as_str));
            }
            writeln!(out, "{t}")?;
        }
    }
    Ok(())
}
