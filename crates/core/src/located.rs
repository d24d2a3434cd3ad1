//! The one "problem at a place" type every parser reports with, and the printing of the list a
//! rejected file produces. A place is `file:sheet:line:column`, leaving out what is unknown:
//! `a.csv:3:value` (CSV: line and header), `t.xlsx:数据 data:5:G` (sheet, row and letter),
//! `a.csv` for the file as a whole.

use std::fmt;

use serde::Serialize;

/// A problem in an input, with its place. The core guards (encoding, limits, sheets) leave `file`
/// empty; the importer that knows the file's name fills it in ([`Located::in_file`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Located {
    pub file: String,
    /// Sheet of a workbook, if the problem is in one.
    pub sheet: Option<String>,
    /// 1-based text line or spreadsheet row; 0 for the file (or sheet) as a whole.
    pub line: u64,
    /// Spreadsheet letter (with the header where the reader knows it), CSV header or JSON key.
    pub column: Option<String>,
    /// What is wrong and what was expected, zh-CN first.
    pub message: String,
}

impl Located {
    /// A problem whose place is not known yet (the caller adds file, line, …).
    pub fn new(message: impl Into<String>) -> Located {
        Located { file: String::new(), sheet: None, line: 0, column: None, message: message.into() }
    }

    /// At a line of a file not named yet.
    pub fn line(line: u64, message: impl Into<String>) -> Located {
        Located { line, ..Located::new(message) }
    }

    /// At `file:line` (line 0 = the file as a whole).
    pub fn at(file: impl Into<String>, line: u64, message: impl Into<String>) -> Located {
        Located { file: file.into(), line, ..Located::new(message) }
    }

    /// At `file:line:column` of a text file (column = header name or 1-based position).
    pub fn at_column(file: impl Into<String>, line: u64, column: impl Into<String>, message: impl Into<String>) -> Located {
        Located { column: Some(column.into()), ..Located::at(file, line, message) }
    }

    /// At a spreadsheet cell: `file:sheet:row:column`.
    pub fn cell(file: impl Into<String>, sheet: impl Into<String>, row: u64, column: impl Into<String>, message: impl Into<String>) -> Located {
        Located { sheet: Some(sheet.into()), column: Some(column.into()), ..Located::at(file, row, message) }
    }

    /// The same problem, in `file`.
    pub fn in_file(mut self, file: impl Into<String>) -> Located {
        self.file = file.into();
        self
    }

    /// The problem `message` at this place (readers keep a value's place, message empty, until
    /// a later check finds something wrong with it).
    pub fn with_message(self, message: impl Into<String>) -> Located {
        Located { message: message.into(), ..self }
    }

    /// `file:sheet:line:column`, leaving out what is unknown.
    pub fn place(&self) -> String {
        let mut s = self.file.clone();
        let mut part = |p: &str| {
            if !s.is_empty() {
                s.push(':');
            }
            s.push_str(p);
        };
        if let Some(sh) = &self.sheet {
            part(sh);
        }
        if self.line > 0 {
            part(&self.line.to_string());
        }
        if let Some(c) = &self.column {
            part(c);
        }
        s
    }

    /// `file:…: message` for a problem a core guard found in `file`.
    pub fn display_in(&self, file: &str) -> String {
        self.clone().in_file(file).to_string()
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = self.place();
        if place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{place}: {}", self.message)
        }
    }
}

impl std::error::Error for Located {}

/// Prints the problems of a rejected input: a summary line naming `what` (`文件` / `数据` /
/// `台账`), then one problem a line, at most [`PRINTED_PROBLEMS`](crate::limits::PRINTED_PROBLEMS)
/// of them and the count of the rest. Each importer's list type displays through this.
pub fn write_problems<'a>(f: &mut fmt::Formatter<'_>, what: &str, problems: impl ExactSizeIterator<Item = &'a Located>) -> fmt::Result {
    let n = problems.len();
    write!(f, "{what}有 {n} 处错误，未写入任何数据 / {n} problem(s) found, nothing was written:")?;
    for p in problems.take(crate::limits::PRINTED_PROBLEMS) {
        write!(f, "\n  {p}")?;
    }
    if let Some(more) = crate::limits::more_line(n) {
        write!(f, "\n  {more}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_leave_out_what_is_unknown() {
        assert_eq!(Located::at("a.csv", 0, "empty").to_string(), "a.csv: empty");
        assert_eq!(Located::at("a.csv", 3, "bad").to_string(), "a.csv:3: bad");
        assert_eq!(Located::at_column("a.csv", 3, "value", "bad").to_string(), "a.csv:3:value: bad");
        assert_eq!(Located::cell("t.xlsx", "数据 data", 5, "G", "bad").to_string(), "t.xlsx:数据 data:5:G: bad");
        assert_eq!(Located::line(2, "bad").to_string(), "2: bad");
        assert_eq!(Located::line(2, "bad").display_in("x.csv"), "x.csv:2: bad");
        assert_eq!(Located::new("bad").to_string(), "bad");
    }

    #[test]
    fn lists_are_capped_and_counted() {
        struct List(Vec<Located>);
        impl fmt::Display for List {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_problems(f, "文件", self.0.iter())
            }
        }
        let t = List((1..=201).map(|i| Located::at("a.csv", i, "bad")).collect()).to_string();
        assert!(t.starts_with("文件有 201 处错误"), "{t}");
        assert!(t.contains("  a.csv:200: bad\n") && !t.contains("a.csv:201:") && t.ends_with("及另外 1 处 / and 1 more"), "{t}");
    }
}
