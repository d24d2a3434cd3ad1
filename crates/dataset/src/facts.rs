//! The fact ledger: every number printed in the source documents, and what the dataset does with it.
//!
//! Issue 15 asks that the documents' checkable facts be held with their printed values and that
//! anything left out be listed with its reason. "Checkable fact" is decided here mechanically, not
//! by the people who built the dataset: every Arabic number of a document, and every rank printed in
//! Chinese numerals (`第九位`, `排名第一`), is one entry. Each entry is
//!
//! - **structural** — not a fact, by one of the fixed rules of [`structural`] (a year, a date, a
//!   name such as `5G` or `“1+3+N”`, a label such as `专栏3`, an enumeration `3.`);
//! - **held** — it lies inside the quote of a dataset row ([`Statement`]) that stores that number
//!   (equal up to a power of ten, for 万 / 亿, or printed in the row's texts);
//! - **left out** — it lies inside the quote of a row of `facts_left_out.csv`, which gives a reason;
//! - **unaccounted** — none of these. The dataset's test requires none.
//!
//! Quotes are matched against the document with all whitespace removed (the text extraction's
//! line wraps and table cells fall anywhere); numbers are found in the text as printed, so two
//! table cells never run together into one number.

use std::collections::BTreeMap;

use digecon_core::Located;

use crate::csvio::Table;

/// A dataset row that holds numbers of one document phrase.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// `file:line` of the row.
    pub origin: String,
    pub doc: String,
    pub quote: String,
    /// The numbers the row stores.
    pub values: Vec<f64>,
    /// Texts kept as printed (a target's `target_text`, …): a number printed in one is held.
    pub texts: Vec<String>,
}

/// A statement left out of the dataset, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct LeftOut {
    pub origin: String,
    pub doc: String,
    pub quote: String,
    pub reason: String,
}

/// What became of one printed number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Class {
    /// Not a fact; the rule's name.
    Structural(&'static str),
    /// Held by the row at this origin.
    Held(String),
    /// Left out, with the reason.
    LeftOut(String),
    Unaccounted,
}

impl Class {
    pub fn key(&self) -> &'static str {
        match self {
            Class::Structural(_) => "structural",
            Class::Held(_) => "held",
            Class::LeftOut(_) => "left_out",
            Class::Unaccounted => "unaccounted",
        }
    }
}

/// One number of a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    pub doc: String,
    /// 1-based line of the document as printed.
    pub line: usize,
    /// The number as printed (`11133.17`, `九`).
    pub text: String,
    /// A few characters either side, whitespace removed.
    pub before: String,
    pub after: String,
    pub class: Class,
}

/// Counts for one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub held: usize,
    pub left_out: usize,
    pub unaccounted: usize,
    pub structural: usize,
}

impl Counts {
    /// Facts = every number that is not structural.
    pub fn facts(&self) -> usize {
        self.held + self.left_out + self.unaccounted
    }

    /// Held facts as a share of all facts (1.0 when there are none).
    pub fn coverage(&self) -> f64 {
        if self.facts() == 0 {
            1.0
        } else {
            self.held as f64 / self.facts() as f64
        }
    }

    fn add(&mut self, class: &Class) {
        match class {
            Class::Structural(_) => self.structural += 1,
            Class::Held(_) => self.held += 1,
            Class::LeftOut(_) => self.left_out += 1,
            Class::Unaccounted => self.unaccounted += 1,
        }
    }
}

/// The ledger of all documents.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ledger {
    pub numbers: Vec<Number>,
    /// Rows whose quote is not in their document (origin, document, quote): an error of the dataset.
    pub quotes_not_found: Vec<(String, String, String)>,
    /// Left-out rows (origin) whose quote covers no number that is left out: stale entries.
    pub left_out_unused: Vec<String>,
}

impl Ledger {
    /// Counts per document, in document order.
    pub fn by_document(&self) -> BTreeMap<String, Counts> {
        let mut out: BTreeMap<String, Counts> = BTreeMap::new();
        for n in &self.numbers {
            out.entry(n.doc.clone()).or_default().add(&n.class);
        }
        out
    }

    pub fn total(&self) -> Counts {
        let mut c = Counts::default();
        for n in &self.numbers {
            c.add(&n.class);
        }
        c
    }
}

/// Builds the ledger of `documents` (file name, text) against the rows that hold or leave out
/// their statements.
pub fn ledger(documents: &[(String, String)], held: &[Statement], left_out: &[LeftOut]) -> Ledger {
    let mut out = Ledger::default();
    for (name, text) in documents {
        let doc = Squeezed::new(text);
        let held_spans = doc.spans_of(name, held, |s| (&s.doc, &s.quote, &s.origin), &mut out.quotes_not_found);
        let left_spans = doc.spans_of(name, left_out, |l| (&l.doc, &l.quote, &l.origin), &mut out.quotes_not_found);
        let mut used = vec![false; left_spans.len()];
        for tok in doc.tokens() {
            let (s, e) = (tok.start, tok.end);
            let printed = doc.slice(s, e);
            let magnitude_after = doc.at(e).is_some_and(|c| c == '万' || c == '亿');
            let mut class = tok.arabic.and_then(|k| structural(&doc, &doc.arabic[k])).map(Class::Structural);
            if class.is_none() {
                class = held_spans
                    .iter()
                    .find(|((a, b), st)| {
                        *a <= s
                            && e <= *b
                            && (st.values.iter().any(|v| scaled_eq(*v, tok.value, magnitude_after))
                                || st.texts.iter().any(|t| text_holds(t, &printed, tok.value, tok.arabic.is_some())))
                    })
                    .map(|(_, st)| Class::Held(st.origin.clone()));
            }
            if class.is_none() {
                for (k, ((a, b), l)) in left_spans.iter().enumerate() {
                    if *a <= s && e <= *b {
                        used[k] = true;
                        class.get_or_insert_with(|| Class::LeftOut(format!("{} ({})", l.reason, l.origin)));
                    }
                }
            }
            out.numbers.push(Number {
                doc: name.clone(),
                line: doc.line_of(s),
                text: printed,
                before: doc.slice(s.saturating_sub(12), s),
                after: doc.slice(e, (e + 8).min(doc.chars.len())),
                class: class.unwrap_or(Class::Unaccounted),
            });
        }
        for (k, (_, l)) in left_spans.iter().enumerate() {
            // A quote found twice is used if either occurrence is.
            if !used[k] && !left_spans.iter().enumerate().any(|(j, (_, m))| used[j] && m.origin == l.origin) && !out.left_out_unused.contains(&l.origin) {
                out.left_out_unused.push(l.origin.clone());
            }
        }
    }
    out
}

/// The source documents of a directory: its `NNN_….txt` files (name, text), in name order.
pub fn documents_in(dir: &std::path::Path) -> std::io::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().to_string();
        if name.len() > 4 && name[..3].bytes().all(|b| b.is_ascii_digit()) && name.ends_with(".txt") {
            let text = std::fs::read_to_string(e.path())?;
            out.push((name, text));
        }
    }
    out.sort();
    Ok(out)
}

/// Whether a text kept as printed (a target's `10以上`, `新增2-3个`) holds the number: one of its own
/// numbers, whole, equals it (a `5` is not held by `15000`); a rank in Chinese numerals by its characters.
fn text_holds(text: &str, printed: &str, value: f64, arabic: bool) -> bool {
    if !arabic {
        return squeeze(text).contains(printed);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let j = number_end(&chars, i);
        if chars[i..j].iter().collect::<String>().parse::<f64>().is_ok_and(|v| v == value) {
            return true;
        }
        i = j;
    }
    false
}

/// Where the Arabic number starting at `chars[i]` (a digit) ends: digits, then optionally `.` and
/// more digits. Anything else — a space, a line break, a second `.` — ends it.
fn number_end(chars: &[char], i: usize) -> usize {
    let digits_from = |mut j: usize| {
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        j
    };
    let j = digits_from(i);
    if j + 1 < chars.len() && chars[j] == '.' && chars[j + 1].is_ascii_digit() {
        digits_from(j + 1)
    } else {
        j
    }
}

/// `text` without whitespace (how quotes are compared).
pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Equal as printed, or up to the magnitude words: a number printed before 万 / 亿 / 万亿 may be
/// stored multiplied out (`1.2万亿元` as 12000 亿元), and any number may be stored in a unit with 万 or
/// 亿 (`64306个` as 6.4306 万个); and up to the sign: the documents print a fall as `下降5.3%`, the
/// dataset stores -5.3. No other power of ten, so a `1` is not held by a row storing 10.
fn scaled_eq(stored: f64, printed: f64, magnitude_after: bool) -> bool {
    let stored = stored.abs();
    let up: &[i32] = if magnitude_after { &[4, 8, 12] } else { &[] };
    [0, -4, -8].iter().chain(up).any(|k| (stored - printed * 10f64.powi(*k)).abs() <= 1e-9 * stored.max(1.0))
}

/// A document with its whitespace removed, remembering each character's printed line.
struct Squeezed {
    chars: Vec<char>,
    lines: Vec<usize>,
    /// Where each printed number is (start, end in `chars`), found before squeezing.
    arabic: Vec<Printed>,
}

/// An Arabic number as printed: where it is, and what stood beside it before squeezing.
struct Printed {
    start: usize,
    end: usize,
    /// Whitespace right before it (a table cell, not part of a name like `AC313`).
    spaced_before: bool,
    /// First on its line and followed by a tab: a table's row number.
    row_number: bool,
}

struct Token {
    start: usize,
    end: usize,
    value: f64,
    /// Index into `Squeezed::arabic`.
    arabic: Option<usize>,
}

const CN_DIGITS: &str = "一二三四五六七八九十";

impl Squeezed {
    fn new(text: &str) -> Squeezed {
        let mut chars = Vec::new();
        let mut lines = Vec::new();
        let mut arabic = Vec::new();
        let mut line = 1;
        let mut line_start = true;
        // An Arabic number in the printed text: digits, optionally `.` and more digits. A space or
        // line break ends it, so table cells `1785.6 2050` stay two numbers.
        let printed: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < printed.len() {
            let c = printed[i];
            if c.is_ascii_digit() {
                let start = chars.len();
                let j = number_end(&printed, i);
                for &d in &printed[i..j] {
                    chars.push(d);
                    lines.push(line);
                }
                arabic.push(Printed {
                    start,
                    end: chars.len(),
                    spaced_before: i > 0 && printed[i - 1].is_whitespace(),
                    row_number: line_start && printed.get(j) == Some(&'\t'),
                });
                line_start = false;
                i = j;
                continue;
            }
            if c == '\n' {
                line += 1;
                line_start = true;
            } else if !c.is_whitespace() {
                line_start = false;
            }
            if !c.is_whitespace() {
                chars.push(c);
                lines.push(line);
            }
            i += 1;
        }
        Squeezed { chars, lines, arabic }
    }

    fn slice(&self, a: usize, b: usize) -> String {
        self.chars[a.min(self.chars.len())..b.min(self.chars.len())].iter().collect()
    }

    fn line_of(&self, i: usize) -> usize {
        self.lines.get(i).copied().unwrap_or(0)
    }

    fn ends_with(&self, at: usize, s: &str) -> bool {
        let n = s.chars().count();
        at >= n && self.chars[at - n..at].iter().copied().eq(s.chars())
    }

    fn starts_with(&self, at: usize, s: &str) -> bool {
        let n = s.chars().count();
        at + n <= self.chars.len() && self.chars[at..at + n].iter().copied().eq(s.chars())
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    /// Every (start, end) where `needle` occurs (needle already squeezed; empty finds nothing).
    fn find_all(&self, needle: &str) -> Vec<(usize, usize)> {
        let n: Vec<char> = needle.chars().collect();
        if n.is_empty() || n.len() > self.chars.len() {
            return Vec::new();
        }
        (0..=self.chars.len() - n.len()).filter(|&i| self.chars[i..i + n.len()] == n[..]).map(|i| (i, i + n.len())).collect()
    }

    /// Where each row of document `name` quotes it (every occurrence), with the row; a row whose
    /// quote is not found goes to `not_found` as (origin, document, quote). `key` gives a row's
    /// (document, quote, origin).
    fn spans_of<'r, T>(
        &self,
        name: &str,
        rows: &'r [T],
        key: impl Fn(&T) -> (&String, &String, &String),
        not_found: &mut Vec<(String, String, String)>,
    ) -> Vec<((usize, usize), &'r T)> {
        let mut out = Vec::new();
        for r in rows {
            let (doc, quote, origin) = key(r);
            if doc != name {
                continue;
            }
            let found = self.find_all(&squeeze(quote));
            if found.is_empty() {
                not_found.push((origin.clone(), doc.clone(), quote.clone()));
            }
            out.extend(found.into_iter().map(|sp| (sp, r)));
        }
        out
    }

    /// Arabic numbers, then ranks in Chinese numerals, in document order.
    fn tokens(&self) -> Vec<Token> {
        let mut out: Vec<Token> = self
            .arabic
            .iter()
            .enumerate()
            .map(|(k, p)| Token { start: p.start, end: p.end, value: self.slice(p.start, p.end).parse().unwrap_or(f64::NAN), arabic: Some(k) })
            .collect();
        let mut i = 0;
        while i < self.chars.len() {
            if !CN_DIGITS.contains(self.chars[i]) {
                i += 1;
                continue;
            }
            let s = i;
            while i < self.chars.len() && CN_DIGITS.contains(self.chars[i]) {
                i += 1;
            }
            let run = self.slice(s, i);
            let Some(value) = digecon_core::numerals::chinese_number(&run) else { continue };
            // A rank: after 第 unless it numbers a batch, session, chapter, party (第三方), tier, sector …; or after 排名 / 居 /
            // 位居 / 位列 and before 位 / 名.
            let after_di = self.ends_with(s, "第") && !self.at(i).is_some_and(|c| "批届次章节条期部类梯个项方产代动".contains(c));
            let ranked = ["排名", "位居", "居", "位列"].iter().any(|p| self.ends_with(s, p))
                && self.at(i).is_some_and(|c| c == '位' || c == '名');
            if after_di || ranked {
                out.push(Token { start: s, end: i, value: value as f64, arabic: None });
            }
        }
        out.sort_by_key(|t| t.start);
        out
    }
}

/// Units and counters that make a four-digit number a quantity rather than a year.
const QUANTITY_AFTER: &str = "个家项万亿元%％条台套人次户件所座块场类批名倍吨亩千百";

/// Why the Arabic number at `s..e` is not a fact, if it is not: the fixed rules of the ledger.
fn structural(doc: &Squeezed, p: &Printed) -> Option<&'static str> {
    let (s, e) = (p.start, p.end);
    let tok = doc.slice(s, e);
    if p.row_number && !tok.contains('.') {
        return Some("row number");
    }
    let next = doc.at(e);
    let int: Option<u32> = (!tok.contains('.')).then(|| tok.parse().ok()).flatten();
    // A year: 1990–2035 not followed by a unit (2000万 is a quantity), or any from 1900 before 年.
    if tok.len() == 4 && int.is_some_and(|y| (1990..=2035).contains(&y)) && !next.is_some_and(|c| QUANTITY_AFTER.contains(c)) {
        return Some("year");
    }
    if tok.len() == 4 && int.is_some_and(|y| (1900..=2035).contains(&y)) && next == Some('年') {
        return Some("year");
    }
    // A month or day of a date; a policy's date printed 2022.01.
    if next.is_some_and(|c| c == '月' || c == '日') && !doc.starts_with(e, "月份") {
        return Some("date");
    }
    // The first month of a span `1-10月`.
    if next.is_some_and(|c| "-—－~至".contains(c)) {
        let mut j = e + 1;
        while doc.at(j).is_some_and(|c| c.is_ascii_digit()) {
            j += 1;
        }
        if j > e + 1 && doc.at(j) == Some('月') {
            return Some("date");
        }
    }
    if tok.len() == 7 && tok.as_bytes()[4] == b'.' && tok[..4].parse::<u32>().is_ok_and(|y| (1990..=2035).contains(&y)) {
        return Some("date");
    }
    // Names: version 2.0版; 03专项; a document number; durations of service promises.
    if ["版", "专项", "号", "届", "小时", "分钟", "秒"].iter().any(|w| doc.starts_with(e, w)) {
        return Some("name");
    }
    // A generation (10.5代), a list's name (世界500强), a birth cohort (“90”后), a version printed
    // after a quoted name (“赣政通”2.0).
    if next.is_some_and(|c| c == '代' || c == '强') || (doc.ends_with(s, "“") && doc.starts_with(e, "”后")) {
        return Some("name");
    }
    if tok.ends_with(".0") && doc.ends_with(s, "”") {
        return Some("name");
    }
    // Letters right after a number name a class or grade (500M, 4A, 1000va), except units of
    // data and rate (GB, Gbps), which make it a quantity.
    let unit_after = ["GB", "Gb", "TB", "PB", "MB", "Mb"].iter().any(|u| doc.starts_with(e, u));
    if next.is_some_and(|c| c.is_ascii_alphabetic()) && !unit_after {
        return Some("name");
    }
    // Labels: IPv6, Wi-Fi6, Cat1, 〔2022〕, footnote ^[6], 专栏3, 表1, 图2, 附件1, a page footer.
    if ["IPv", "Fi", "Cat", "〔", "^[", "专栏", "表", "图", "附件", "附表", "V", "江西省大数据中心"].iter().any(|p| doc.ends_with(s, p)) {
        return Some("label");
    }
    // Latin letters before the number make it part of a name (AC313), except the measures
    // printed as abbreviations.
    if !p.spaced_before && doc.at(s.wrapping_sub(1)).is_some_and(|c| c.is_ascii_alphabetic()) && !["PUE", "GMV", "KPI"].iter().any(|p| doc.ends_with(s, p)) {
        return Some("name");
    }
    if doc.ends_with(s, "第") && next.is_some_and(|c| "章节条批次期部篇".contains(c)) {
        return Some("label");
    }
    // “1+3+N”
    if next == Some('+') || doc.at(s.wrapping_sub(1)) == Some('+') {
        return Some("name");
    }
    if doc.starts_with(e, "核心工程") || doc.starts_with(e, "重点工程") || doc.starts_with(e, "支撑工程") {
        return Some("label");
    }
    // Class codes 01–04.
    if tok.len() == 2 && tok.starts_with('0') {
        return Some("label");
    }
    // Enumerations: `3.` / `3、` not followed by a digit (and not 第3、), `（3）`.
    let enum_dot = next.is_some_and(|c| c == '.' || c == '、')
        && !doc.at(e + 1).is_some_and(|c| c.is_ascii_digit())
        && !doc.ends_with(s, "第");
    let bracketed = doc.at(s.wrapping_sub(1)).is_some_and(|c| c == '（' || c == '(') && next.is_some_and(|c| c == '）' || c == ')');
    if enum_dot || bracketed {
        return Some("enum");
    }
    None
}

/// The statements of a dataset's files (path relative to `data/`, text) that hold document
/// numbers, and the left-out list. Files absent from `files` are skipped; a file that does not
/// read is an error.
pub fn statements_of(files: &[(String, String)]) -> Result<(Vec<Statement>, Vec<LeftOut>), Vec<Located>> {
    let mut errors = Vec::new();
    let mut held = Vec::new();
    let mut left = Vec::new();
    // (file or prefix, value columns, text columns)
    let sources: &[(&str, &[&str], &[&str])] = &[
        ("observations/", &["value"], &[]),
        ("constraints.csv", &["value"], &[]),
        ("statements_twice.csv", &["value"], &[]),
        ("references.csv", &["value"], &[]),
        ("targets.csv", &["base_value"], &["base_text", "target_text", "stated_growth_text"]),
        ("targets_twice.csv", &[], &["target_text"]),
        ("projections.csv", &["value"], &["stated_growth_text"]),
        ("industry_selection/criteria.csv", &["weight"], &[]),
        ("industry_selection/indicators.csv", &["weight"], &[]),
        ("industry_selection/scores.csv", &["number", "attractiveness", "competitiveness", "priority"], &[]),
    ];
    for (path, text) in files {
        if let Some((_, values, texts)) =
            sources.iter().find(|(p, _, _)| if p.ends_with('/') { path.starts_with(p) } else { path == p })
        {
            let required: Vec<&str> = ["source_doc", "source_quote"].iter().chain(values.iter()).chain(texts.iter()).copied().collect();
            // The files have more columns than the ledger reads.
            let Some(table) = loose_table(path, text, &required, &mut errors) else { continue };
            for row in table.rows() {
                let nums = values.iter().filter_map(|c| row.raw(c).trim().parse::<f64>().ok()).collect();
                held.push(Statement {
                    origin: format!("{path}:{}", row.line),
                    doc: row.text("source_doc"),
                    quote: row.text("source_quote"),
                    values: nums,
                    texts: texts.iter().map(|c| row.text(c)).filter(|t| !t.is_empty()).collect(),
                });
            }
        } else if path == LEFT_OUT {
            let Some(table) = Table::read(path, text, &["source_doc", "source_quote", "reason"], &[], &mut errors) else { continue };
            for row in table.rows() {
                let (Some(doc), Some(quote), Some(reason)) = (
                    row.required_text("source_doc", &mut errors),
                    row.required_text("source_quote", &mut errors),
                    row.required_text("reason", &mut errors),
                ) else {
                    continue;
                };
                left.push(LeftOut { origin: format!("{path}:{}", row.line), doc, quote, reason });
            }
        }
    }
    if errors.is_empty() {
        Ok((held, left))
    } else {
        Err(errors)
    }
}

/// The left-out list's file in `data/`.
pub const LEFT_OUT: &str = "facts_left_out.csv";

/// A table with at least `required` among its columns (the others ignored).
fn loose_table(path: &str, text: &str, required: &[&str], errors: &mut Vec<Located>) -> Option<Table> {
    let header: Vec<String> = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes())
        .headers()
        .ok()?
        .iter()
        .map(str::to_string)
        .collect();
    let missing: Vec<&&str> = required.iter().filter(|c| !header.iter().any(|h| h == **c)).collect();
    if !missing.is_empty() {
        errors.push(Located::at(path, 1, format!("缺少列 / missing columns {missing:?}")));
        return None;
    }
    let optional: Vec<&str> = header.iter().map(String::as_str).filter(|h| !required.contains(h)).collect();
    Table::read(path, text, required, &optional, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(doc: &str, held: &[Statement], left: &[LeftOut]) -> Vec<(String, &'static str)> {
        ledger(&[("d.txt".into(), doc.into())], held, left).numbers.into_iter().map(|n| (n.text, n.class.key())).collect()
    }

    fn st(quote: &str, values: &[f64]) -> Statement {
        Statement { origin: "t:1".into(), doc: "d.txt".into(), quote: quote.into(), values: values.to_vec(), texts: vec![] }
    }

    #[test]
    fn table_cells_stay_apart_and_scaled_values_hold() {
        let doc = "数字经济增加值 亿元 1785.6 2050\n规模接近1.2万亿元";
        let held = [st("数字经济增加值亿元1785.62050", &[1785.6, 2050.0]), st("规模接近1.2万亿元", &[12000.0])];
        assert_eq!(
            classify(doc, &held, &[]),
            vec![("1785.6".into(), "held"), ("2050".into(), "held"), ("1.2".into(), "held")]
        );
    }

    #[test]
    fn a_number_inside_a_quote_that_does_not_store_it_is_not_held() {
        let doc = "培育企业30家，投资50亿元";
        let held = [st("培育企业30家，投资50亿元", &[30.0])];
        let left = [LeftOut { origin: "l:2".into(), doc: "d.txt".into(), quote: "投资50亿元".into(), reason: "r".into() }];
        assert_eq!(classify(doc, &held, &[]), vec![("30".into(), "held"), ("50".into(), "unaccounted")]);
        assert_eq!(classify(doc, &held, &left), vec![("30".into(), "held"), ("50".into(), "left_out")]);
        // Leaving out what is held is a stale entry.
        let stale = [LeftOut { origin: "l:3".into(), doc: "d.txt".into(), quote: "培育企业30家".into(), reason: "r".into() }];
        let l = ledger(&[("d.txt".into(), doc.into())], &held, &stale);
        assert_eq!(l.left_out_unused, vec!["l:3".to_string()]);
    }

    #[test]
    fn a_text_holds_whole_numbers_only() {
        let doc = "开通数达到15000个，其中5个";
        let held = [Statement { origin: "t:1".into(), doc: "d.txt".into(), quote: doc.into(), values: vec![], texts: vec!["15000".into()] }];
        assert_eq!(classify(doc, &held, &[]), vec![("15000".into(), "held"), ("5".into(), "unaccounted")]);
        assert!(text_holds("新增2-3个", "3", 3.0, true) && !text_holds("新增2-3个", "23", 23.0, true));
    }

    #[test]
    fn structural_rules() {
        let doc = "2022年1-10月，5G基站，专栏3，“1+3+N”，3.推进，（2）做好，赣服通4.0版，AC313，IPv6，2022.01《办法》，1985年\n7\t浪潮";
        let got: Vec<(String, &str)> = classify(doc, &[], &[]);
        assert!(got.iter().all(|(_, k)| *k == "structural"), "{got:?}");
        // A four-digit quantity is not a year.
        assert_eq!(classify("投资2000万元", &[], &[]), vec![("2000".into(), "unaccounted")]);
        // A unit after G, a table cell after letters.
        assert_eq!(classify("容量50270GB", &[], &[]), vec![("50270".into(), "unaccounted")]);
        assert_eq!(classify("其中SaaS 296", &[], &[]), vec![("296".into(), "unaccounted")]);
    }

    #[test]
    fn ranks_in_chinese_numerals_are_numbers() {
        let doc = "全国排名第九位，中部六省排名第一位，第二批试点，居全国第十四个五年";
        let got = classify(doc, &[st("全国排名第九位", &[9.0])], &[]);
        assert_eq!(got, vec![("九".into(), "held"), ("一".into(), "unaccounted")]);
    }

    proptest::proptest! {
        /// Any text: no panic, and every run of digits printed is one number (a decimal point between
        /// digits joins them), found once, at its line.
        #[test]
        fn every_printed_number_is_found_once(text in "[0-9０-９一二三第位名年月.、 \t\n\\-+GA%亿万元“”（）a-z]{0,80}") {
            let l = ledger(&[("d.txt".into(), text.clone())], &[], &[]);
            let arabic: Vec<&Number> = l.numbers.iter().filter(|n| n.text.starts_with(|c: char| c.is_ascii_digit())).collect();
            let mut expected = Vec::new();
            let chars: Vec<char> = text.chars().collect();
            let mut i = 0;
            while i < chars.len() {
                if chars[i].is_ascii_digit() {
                    let mut j = i;
                    while j < chars.len() && chars[j].is_ascii_digit() { j += 1; }
                    if j + 1 < chars.len() && chars[j] == '.' && chars[j + 1].is_ascii_digit() {
                        j += 1;
                        while j < chars.len() && chars[j].is_ascii_digit() { j += 1; }
                    }
                    expected.push(chars[i..j].iter().collect::<String>());
                    i = j;
                } else {
                    i += 1;
                }
            }
            proptest::prop_assert_eq!(arabic.iter().map(|n| n.text.clone()).collect::<Vec<_>>(), expected);
            for n in &l.numbers {
                proptest::prop_assert!(n.line >= 1 && n.line <= text.lines().count().max(1) + 1);
            }
        }
    }

    #[test]
    fn quotes_not_in_the_document_are_reported() {
        let l = ledger(&[("d.txt".into(), "abc".into())], &[st("xyz", &[1.0])], &[]);
        assert_eq!(l.quotes_not_found.len(), 1);
    }
}
