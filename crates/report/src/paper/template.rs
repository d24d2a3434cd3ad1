//! Report templates: the outline, the sentences and the figure and table definitions of a report,
//! as a TOML file a user can copy and edit (another province's white paper is another template).
//! Every problem is a [`Located`] at `file:line:column` (column counted in characters from 1).
//!
//! In text, `{…}` is a placeholder (`{{` and `}}` are literal braces):
//! - `{year}`, `{year-1}`, `{year+1}`, `{first_year}`: years; `{region}`, `{parent}`: names;
//!   `{peers}`: what the region's peers are called (设区市 / 县（市、区）).
//! - `{CODE}`: the indicator's value for the report's region and year; modifiers after `@`,
//!   comma-separated: `y-1` (a year earlier), `y=2020` (that year), `r=360100` (that region),
//!   `r=parent` (the region's parent).
//! - `{rank:CODE}`: the region's rank among its peers (1 = best by the indicator's polarity).
//! - `{top:CODE:3:names}` / `{top:CODE:3:values}`: the region's children with the highest values.
//! - `{count:CODE}`: how many of the peers have a value.
//! - `{change:CODE}`: a growth rate in words, `增长 26.5%` or `下降 5.3%`.

use digecon_core::Located;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// What the template makes (`whitepaper`, `profile`).
    pub kind: Spanned<String>,
    pub title: Spanned<String>,
    #[serde(default)]
    pub subtitle: Option<Spanned<String>>,
    /// The first year of the time-series figures.
    #[serde(default)]
    pub first_year: Option<i32>,
    #[serde(rename = "section", default)]
    pub sections: Vec<SectionDef>,
    /// Items of the model document the catalogue has no indicator for: listed as gaps.
    #[serde(default)]
    pub absent: Vec<AbsentDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbsentDef {
    /// `图 8 2022年江西省各设区市新增创新载体数量`.
    pub what: String,
    /// What it would need: `各设区市新增创新载体数量（指标目录中没有）`.
    pub needs: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    pub heading: Spanned<String>,
    #[serde(default = "one")]
    pub level: u8,
    #[serde(rename = "block", default)]
    pub blocks: Vec<Spanned<BlockDef>>,
}

fn one() -> u8 {
    1
}

/// Exactly one of the fields is set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockDef {
    #[serde(default)]
    pub text: Option<Spanned<String>>,
    #[serde(default)]
    pub figure: Option<FigureDef>,
    #[serde(default)]
    pub table: Option<TableDef>,
    /// A profile's evaluation result (rank, tier, 进位, strengths and weaknesses).
    #[serde(default)]
    pub evaluation: Option<bool>,
    /// A profile's targets and their progress.
    #[serde(default)]
    pub targets: Option<bool>,
    /// A profile's tasks and key projects.
    #[serde(default)]
    pub projects: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureDef {
    pub number: u32,
    pub title: Spanned<String>,
    /// `years` (first_year ..= year), `children` (the region's children) or `peers` (the region
    /// and its siblings).
    pub x: Spanned<String>,
    /// `bar_line` (default), `stacked` or `line`.
    #[serde(default)]
    pub chart: Option<Spanned<String>>,
    #[serde(default)]
    pub bars: Vec<Spanned<String>>,
    #[serde(default)]
    pub line: Option<Spanned<String>>,
    /// First year for `x = "years"` (else the template's `first_year`).
    #[serde(default)]
    pub from: Option<i32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    #[serde(default)]
    pub number: Option<u32>,
    pub title: Spanned<String>,
    /// Column headings (text with placeholders). For `children` tables, the label column's heading
    /// followed by one heading per column (default: the indicator's name and unit).
    #[serde(default)]
    pub header: Vec<Spanned<String>>,
    /// Rows: a label (text) then one expression per cell (`CODE`, `CODE@y-1`, …).
    #[serde(default)]
    pub rows: Vec<Vec<Spanned<String>>>,
    /// One row per child region; these expressions as columns; sorted by the first.
    #[serde(default)]
    pub children: Vec<Spanned<String>>,
}

/// A placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Year(i32),
    FirstYear,
    Region,
    Parent,
    Peers,
    Value { code: String, region: RegionRef, year: YearRef },
    Rank { code: String },
    Count { code: String },
    /// A growth rate in words: `增长 26.5%` or `下降 5.3%`.
    Change { code: String },
    Top { code: String, n: usize, values: bool },
}

#[derive(Debug, Clone, PartialEq)]
pub enum RegionRef {
    Own,
    Parent,
    Code(String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum YearRef {
    Offset(i32),
    Abs(i32),
}

/// A piece of a text with placeholders.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Lit(String),
    Expr(Expr),
}

/// A template read and checked, with its file name for errors.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub file: String,
    pub source: String,
    pub template: Template,
}

impl Loaded {
    /// Reads a template; `known` says whether an indicator code exists.
    pub fn parse(file: &str, source: &str, known: &dyn Fn(&str) -> bool) -> Result<Loaded, Vec<Located>> {
        let template: Template = toml::from_str(source).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(source, s.start)).unwrap_or((1, 1));
            vec![Located::at_column(file, line as u64, column.to_string(), format!("模板格式有误 / invalid template: {}", e.message()))]
        })?;
        let loaded = Loaded { file: file.into(), source: source.into(), template };
        let errors = loaded.check(known);
        if errors.is_empty() {
            Ok(loaded)
        } else {
            Err(errors)
        }
    }

    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> Located {
        let (line, column) = line_col(&self.source, offset);
        Located::at_column(self.file.clone(), line as u64, column.to_string(), message)
    }

    fn check(&self, known: &dyn Fn(&str) -> bool) -> Vec<Located> {
        let mut errors = Vec::new();
        let t = &self.template;
        let text = |s: &Spanned<String>, errors: &mut Vec<Located>| {
            if let Err(m) = parse_text(s.get_ref(), known) {
                errors.push(self.error_at(s.span().start, m));
            }
        };
        if !matches!(t.kind.get_ref().as_str(), "whitepaper" | "profile") {
            errors.push(self.error_at(t.kind.span().start, format!("未知的报告类型 `{}` / unknown kind: expected `whitepaper` or `profile`", t.kind.get_ref())));
        }
        text(&t.title, &mut errors);
        if let Some(s) = &t.subtitle {
            text(s, &mut errors);
        }
        let mut figures = std::collections::BTreeSet::new();
        let mut tables = std::collections::BTreeSet::new();
        for s in &t.sections {
            text(&s.heading, &mut errors);
            if !(1..=2).contains(&s.level) {
                errors.push(self.error_at(s.heading.span().start, format!("level 须为 1 或 2 / level must be 1 or 2, got {}", s.level)));
            }
            for b in &s.blocks {
                let at = b.span().start;
                let d = b.get_ref();
                let set = [d.text.is_some(), d.figure.is_some(), d.table.is_some(), d.evaluation.is_some(), d.targets.is_some(), d.projects.is_some()]
                    .iter()
                    .filter(|x| **x)
                    .count();
                if set != 1 {
                    errors.push(self.error_at(at, format!("每个 block 须恰有 text、figure、table、evaluation、targets、projects 之一（此处有 {set} 个）/ a block needs exactly one of text, figure, table, evaluation, targets, projects (found {set})")));
                }
                if let Some(x) = &d.text {
                    text(x, &mut errors);
                }
                if let Some(f) = &d.figure {
                    text(&f.title, &mut errors);
                    if !figures.insert(f.number) {
                        errors.push(self.error_at(f.title.span().start, format!("图 {} 重复 / figure {} defined twice", f.number, f.number)));
                    }
                    if !matches!(f.x.get_ref().as_str(), "years" | "children" | "peers") {
                        errors.push(self.error_at(f.x.span().start, format!("x 须为 `years`、`children` 或 `peers` / x must be `years`, `children` or `peers`, got `{}`", f.x.get_ref())));
                    }
                    if let Some(c) = &f.chart {
                        if !matches!(c.get_ref().as_str(), "bar_line" | "stacked" | "line") {
                            errors.push(self.error_at(c.span().start, format!("chart 须为 bar_line、stacked 或 line / chart must be bar_line, stacked or line, got `{}`", c.get_ref())));
                        }
                    }
                    if f.bars.is_empty() && f.line.is_none() {
                        errors.push(self.error_at(f.title.span().start, "图须有 bars 或 line / a figure needs bars or a line"));
                    }
                    for code in f.bars.iter().chain(f.line.iter()) {
                        if !known(code.get_ref()) {
                            errors.push(self.error_at(code.span().start, format!("未知指标 `{}` / unknown indicator (not in the catalogue)", code.get_ref())));
                        }
                    }
                }
                if let Some(tb) = &d.table {
                    text(&tb.title, &mut errors);
                    if let Some(n) = tb.number {
                        if !tables.insert(n) {
                            errors.push(self.error_at(tb.title.span().start, format!("表 {n} 重复 / table {n} defined twice")));
                        }
                    }
                    for h in &tb.header {
                        text(h, &mut errors);
                    }
                    if tb.rows.is_empty() == tb.children.is_empty() {
                        errors.push(self.error_at(tb.title.span().start, "表须有 rows 或 children 之一 / a table needs either rows or children"));
                    }
                    for row in &tb.rows {
                        for (i, cell) in row.iter().enumerate() {
                            if i == 0 {
                                text(cell, &mut errors);
                            } else if let Err(m) = parse_expr(cell.get_ref(), known) {
                                errors.push(self.error_at(cell.span().start, m));
                            }
                        }
                        if !tb.header.is_empty() && row.len() != tb.header.len() {
                            let at = row.first().map_or(tb.title.span().start, |c| c.span().start);
                            errors.push(self.error_at(at, format!("此行有 {} 格，表头有 {} 列 / the row has {} cells, the header {} columns", row.len(), tb.header.len(), row.len(), tb.header.len())));
                        }
                    }
                    for cell in &tb.children {
                        if let Err(m) = parse_expr(cell.get_ref(), known) {
                            errors.push(self.error_at(cell.span().start, m));
                        }
                    }
                }
            }
        }
        errors
    }
}

fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Splits a text into literal pieces and placeholders.
pub fn parse_text(s: &str, known: &dyn Fn(&str) -> bool) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                lit.push('}');
            }
            '{' => {
                let mut inner = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) => inner.push(c),
                        None => return Err(format!("占位符 `{{{inner}` 未闭合 / unclosed placeholder `{{{inner}`")),
                    }
                }
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                pieces.push(Piece::Expr(parse_expr(inner.trim(), known)?));
            }
            '}' => return Err("多余的 `}` / a `}` without `{` (write `}}` for a literal brace)".into()),
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    Ok(pieces)
}

/// Reads one placeholder (without braces).
pub fn parse_expr(s: &str, known: &dyn Fn(&str) -> bool) -> Result<Expr, String> {
    let code_ok = |c: &str| -> Result<String, String> {
        if known(c) {
            Ok(c.to_string())
        } else {
            Err(format!("未知指标 `{c}` / unknown indicator `{c}` (not in the catalogue)"))
        }
    };
    match s {
        "year" => return Ok(Expr::Year(0)),
        "first_year" => return Ok(Expr::FirstYear),
        "region" => return Ok(Expr::Region),
        "parent" => return Ok(Expr::Parent),
        "peers" => return Ok(Expr::Peers),
        _ => {}
    }
    if let Some(off) = s.strip_prefix("year") {
        return off.parse::<i32>().map(Expr::Year).map_err(|_| format!("`{s}`: 年份写作 year、year-1、year+1 / write years as year, year-1, year+1"));
    }
    let parts: Vec<&str> = s.split(':').collect();
    match parts.as_slice() {
        ["rank", code] => return Ok(Expr::Rank { code: code_ok(code)? }),
        ["count", code] => return Ok(Expr::Count { code: code_ok(code)? }),
        ["change", code] => return Ok(Expr::Change { code: code_ok(code)? }),
        ["top", code, n, what] => {
            let n: usize = n.parse().map_err(|_| format!("`{s}`: 个数须为正整数 / the count must be a positive integer"))?;
            let values = match *what {
                "names" => false,
                "values" => true,
                _ => return Err(format!("`{s}`: 末项须为 names 或 values / the last part must be names or values")),
            };
            return Ok(Expr::Top { code: code_ok(code)?, n, values });
        }
        [_] => {}
        _ => return Err(format!("无法识别的占位符 `{s}` / unknown placeholder (see the template reference at the top of templates/README.md)")),
    }
    let (code, mods) = s.split_once('@').unwrap_or((s, ""));
    let mut region = RegionRef::Own;
    let mut year = YearRef::Offset(0);
    for m in mods.split(',').map(str::trim).filter(|m| !m.is_empty()) {
        if let Some(r) = m.strip_prefix("r=") {
            region = if r == "parent" { RegionRef::Parent } else { RegionRef::Code(r.to_string()) };
        } else if let Some(y) = m.strip_prefix("y=") {
            year = YearRef::Abs(y.parse().map_err(|_| format!("`{m}`: 年份须为整数 / the year must be an integer"))?);
        } else if let Some(y) = m.strip_prefix('y') {
            year = YearRef::Offset(y.parse().map_err(|_| format!("`{m}`: 写作 y-1 或 y+1 / write y-1 or y+1"))?);
        } else {
            return Err(format!("`{m}`: 修饰须为 y-1、y=2020、r=360100 或 r=parent / a modifier is y-1, y=2020, r=360100 or r=parent"));
        }
    }
    Ok(Expr::Value { code: code_ok(code)?, region, year })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(c: &str) -> bool {
        matches!(c, "DE_VA" | "DE_VA_GROWTH" | "CORE_VA")
    }

    #[test]
    fn placeholders() {
        let p = parse_text("{year} 年达 {DE_VA} 亿元，增长 {DE_VA_GROWTH@y-1}%，{{x}}", &known).unwrap();
        assert_eq!(p[0], Piece::Expr(Expr::Year(0)));
        assert_eq!(p[2], Piece::Expr(Expr::Value { code: "DE_VA".into(), region: RegionRef::Own, year: YearRef::Offset(0) }));
        assert_eq!(p[4], Piece::Expr(Expr::Value { code: "DE_VA_GROWTH".into(), region: RegionRef::Own, year: YearRef::Offset(-1) }));
        assert_eq!(p[5], Piece::Lit("%，{x}".into()));
        assert_eq!(parse_expr("top:CORE_VA:3:values", &known).unwrap(), Expr::Top { code: "CORE_VA".into(), n: 3, values: true });
        assert_eq!(parse_expr("CORE_VA@r=parent,y=2020", &known).unwrap(), Expr::Value { code: "CORE_VA".into(), region: RegionRef::Parent, year: YearRef::Abs(2020) });
        assert!(parse_expr("NOPE", &known).unwrap_err().contains("未知指标 `NOPE`"));
        assert!(parse_text("{DE_VA", &known).is_err());
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let src = "kind = \"whitepaper\"\ntitle = \"白皮书\"\n\n[[section]]\nheading = \"一\"\n\n[[section.block]]\ntext = \"达 {DE_VB} 亿元\"\n";
        let e = Loaded::parse("wp.toml", src, &known).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].line, e[0].file.as_str()), (8, "wp.toml"));
        assert!(e[0].to_string().starts_with("wp.toml:8:8: 未知指标 `DE_VB`"), "{}", e[0]);

        let e = Loaded::parse("wp.toml", "kind = \"whitepaper\"\ntitle = \"x\"\ncolour = 1\n", &known).unwrap_err();
        assert_eq!(e[0].line, 3, "{}", e[0]);
        assert!(e[0].message.contains("colour"), "{}", e[0]);

        let src = "kind = \"profile\"\ntitle = \"x\"\n[[section]]\nheading = \"h\"\n[[section.block]]\ntext = \"a\"\ntargets = true\n";
        let e = Loaded::parse("p.toml", src, &known).unwrap_err();
        // At the block's own `[[section.block]]` line.
        assert_eq!(e[0].line, 5, "{}", e[0]);
        assert!(e[0].message.contains("exactly one"), "{}", e[0]);
    }
}
