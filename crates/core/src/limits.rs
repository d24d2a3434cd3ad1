//! How much an importer reads before it refuses a file, and the value range every importer shares.
//!
//! The limits are checked while reading, never after: a spreadsheet's zip entries are inflated
//! through a counting reader and dropped ([`crate::sheets::check_zip`], feature `sheets`), CSV and
//! JSON files are measured before they are parsed, and rows, columns and cell lengths are counted
//! as cells arrive. A file over a limit is refused with a message naming the file, the place, the
//! limit and the command-line flag that raises it. Nothing is truncated to fit.

use crate::located::Located;

/// Bounds on one imported file. [`Limits::default`] suits every file a person fills in; the CLI's
/// `--max-…` flags raise them for an unusually large one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Size of the file as read (CSV, JSON, or a spreadsheet's compressed bytes).
    pub max_file_bytes: u64,
    /// Bytes a spreadsheet archive may inflate to, all entries together (so also each one).
    pub max_decompressed_bytes: u64,
    /// Data rows of a CSV file or of one sheet (spreadsheet row numbers, so header rows count).
    pub max_rows: u32,
    /// Columns of a CSV record or of a sheet (the last column that holds anything).
    pub max_columns: u32,
    /// Characters in one cell or field (Excel's own cell limit by default).
    pub max_cell_chars: u32,
}

pub const MIB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 64 * MIB,
            max_decompressed_bytes: 64 * MIB,
            max_rows: 1_048_576,
            max_columns: 256,
            max_cell_chars: 32_767,
        }
    }
}

/// Which limit was hit, for the message and the flag that raises it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    FileBytes,
    DecompressedBytes,
    Rows,
    Columns,
    CellChars,
}

impl Limit {
    /// The CLI flag that raises this limit.
    pub fn flag(self) -> &'static str {
        match self {
            Limit::FileBytes => "--max-file-mb",
            Limit::DecompressedBytes => "--max-decompressed-mb",
            Limit::Rows => "--max-rows",
            Limit::Columns => "--max-columns",
            Limit::CellChars => "--max-cell-chars",
        }
    }

    /// The limit's value in `limits`, as a person would say it (`64 MiB`, `1048576 行 rows`).
    pub fn describe(self, limits: &Limits) -> String {
        let mib = |b: u64| if b.checked_rem(MIB) == Some(0) { format!("{} MiB", b / MIB) } else { format!("{b} bytes") };
        match self {
            Limit::FileBytes => mib(limits.max_file_bytes),
            Limit::DecompressedBytes => mib(limits.max_decompressed_bytes),
            Limit::Rows => limits.max_rows.to_string(),
            Limit::Columns => limits.max_columns.to_string(),
            Limit::CellChars => limits.max_cell_chars.to_string(),
        }
    }

    /// `文件超过 64 MiB 上限 / the file exceeds the 64 MiB limit; raise it with --max-file-mb`,
    /// with `what` (the entry, sheet or line) in brackets when given.
    pub fn message(self, limits: &Limits, what: &str) -> String {
        let n = self.describe(limits);
        let (zh, en) = match self {
            Limit::FileBytes => (format!("文件超过 {n} 上限"), format!("the file exceeds the {n} limit")),
            Limit::DecompressedBytes => (format!("解压后超过 {n} 上限"), format!("decompressed size exceeds the {n} limit")),
            Limit::Rows => (format!("行数超过 {n} 行上限"), format!("more than {n} rows")),
            Limit::Columns => (format!("列数超过 {n} 列上限"), format!("more than {n} columns")),
            Limit::CellChars => (format!("单元格超过 {n} 个字符上限"), format!("a cell longer than {n} characters")),
        };
        let at = if what.is_empty() { String::new() } else { format!(" ({what})") };
        format!("{zh} / {en}{at}; 可用 {flag} 提高上限 / raise it with {flag}", flag = self.flag())
    }
}

/// No figure any form, dataset or ledger holds comes near this; beyond it a value is almost
/// certainly a typo, a pasted ID number or a unit slip.
pub const VALUE_LIMIT: f64 = 1e12;

/// A number an importer refuses.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum ValueError {
    #[error("不是有限的数 / not a finite number")]
    NotFinite,
    #[error("数值超出范围 / {} is outside ±10^12 (nothing is clamped: check for a unit slip or a pasted ID number)", crate::format_value(*.0))]
    OutOfRange(f64),
}

/// The range check every importer applies to every number it reads: finite and |v| ≤ 10¹².
/// Nothing is clamped or rounded; the caller reports the error at the value's place.
pub fn check_value(v: f64) -> Result<(), ValueError> {
    if !v.is_finite() {
        Err(ValueError::NotFinite)
    } else if v.abs() > VALUE_LIMIT {
        Err(ValueError::OutOfRange(v))
    } else {
        Ok(())
    }
}

/// Refuses a file longer than `limits.max_file_bytes` before anything is parsed.
pub fn check_file_size(len: u64, limits: &Limits) -> Result<(), Located> {
    if len > limits.max_file_bytes {
        Err(Located::new(Limit::FileBytes.message(limits, "")))
    } else {
        Ok(())
    }
}

/// The line of every importer that lists problems: at most this many are printed, then
/// `… 及另外 N 处 / and N more`; the total is always stated.
pub const PRINTED_PROBLEMS: usize = 200;

/// `  … 及另外 N 处 / and N more` after the first [`PRINTED_PROBLEMS`] of `total`, or nothing.
pub fn more_line(total: usize) -> Option<String> {
    (total > PRINTED_PROBLEMS).then(|| {
        let n = total - PRINTED_PROBLEMS;
        format!("… 及另外 {n} 处 / and {n} more")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_not_clamped() {
        assert!(check_value(0.0).is_ok());
        assert!(check_value(-1e12).is_ok());
        assert!(check_value(1e12).is_ok());
        assert_eq!(check_value(1e12 + 1e-3 * 1e12), Err(ValueError::OutOfRange(1.001e12)));
        assert_eq!(check_value(f64::NAN), Err(ValueError::NotFinite));
        assert_eq!(check_value(f64::NEG_INFINITY), Err(ValueError::NotFinite));
        let e = check_value(-9_223_372_036_854_775_809.0).unwrap_err().to_string();
        assert!(e.contains("-9223372036854776000 is outside ±10^12"), "{e}");
    }

    #[test]
    fn limit_messages_name_the_limit_and_flag() {
        let l = Limits::default();
        let m = Limit::DecompressedBytes.message(&l, "entry xl/worksheets/sheet1.xml");
        assert_eq!(
            m,
            "解压后超过 64 MiB 上限 / decompressed size exceeds the 64 MiB limit (entry xl/worksheets/sheet1.xml); 可用 --max-decompressed-mb 提高上限 / raise it with --max-decompressed-mb"
        );
        assert!(check_file_size(64 * MIB, &l).is_ok());
        assert!(check_file_size(64 * MIB + 1, &l).unwrap_err().message.contains("--max-file-mb"));
        assert_eq!(more_line(200), None);
        assert_eq!(more_line(205).as_deref(), Some("… 及另外 5 处 / and 5 more"));
    }
}
