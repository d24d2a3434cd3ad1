//! Template × facts → document: sentences from templates over stored values, figures and tables
//! from series, every number registered with its source, every hole listed as a gap.

use std::collections::HashMap;

use digecon_core::{Period, Polarity, RegionLevel};

use super::doc::*;
use super::facts::Facts;
use super::template::{parse_expr, parse_text, Expr, FigureDef, Loaded, Piece, RegionRef, TableDef, YearRef};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BuildError {
    #[error("没有地区 `{0}` / no region `{0}` in the database")]
    UnknownRegion(String),
}

/// A value as a report uses it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Fact {
    value: f64,
    source: usize,
    synthetic: bool,
}

/// Prints a number as a report does: as stored, without float noise or trailing zeros.
pub fn fmt_value(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

fn fmt_computed(v: f64) -> String {
    fmt_value((v * 100.0).round() / 100.0)
}

struct Builder<'a> {
    facts: &'a Facts,
    region: String,
    year: i32,
    first_year: i32,
    sources: Vec<SourceEntry>,
    memo: HashMap<(String, String, i32), Option<Fact>>,
    gaps: Vec<Gap>,
    /// Missing values of the block being built.
    missing: Vec<String>,
    depth: u32,
}

/// Builds the report of `region` for `year` from a checked template.
pub fn build(t: &Loaded, facts: &Facts, region: &str, year: i32) -> Result<Document, BuildError> {
    if facts.region(region).is_none() {
        return Err(BuildError::UnknownRegion(region.into()));
    }
    let tpl = &t.template;
    let mut b = Builder {
        facts,
        region: region.into(),
        year,
        first_year: tpl.first_year.unwrap_or(year - 6),
        sources: Vec::new(),
        memo: HashMap::new(),
        gaps: Vec::new(),
        missing: Vec::new(),
        depth: 0,
    };
    let title = b.words(tpl.title.get_ref());
    let subtitle = tpl.subtitle.as_ref().map(|s| b.words(s.get_ref())).unwrap_or_default();
    let mut blocks = Vec::new();
    for s in &tpl.sections {
        blocks.push(Block::Heading { level: s.level, text: b.words(s.heading.get_ref()) });
        for block in &s.blocks {
            let d = block.get_ref();
            if let Some(text) = &d.text {
                b.missing.clear();
                let inl = b.inlines(text.get_ref());
                if b.missing.is_empty() {
                    blocks.push(Block::Paragraph(inl));
                } else {
                    let plain: String = Inline::plain(&inl).chars().take(24).collect();
                    let missing = std::mem::take(&mut b.missing);
                    b.gaps.push(Gap { what: format!("段落「{plain}…」"), missing, left_out: true });
                }
            } else if let Some(f) = &d.figure {
                if let Some(fig) = b.figure(f) {
                    blocks.push(Block::Figure(fig));
                }
            } else if let Some(tb) = &d.table {
                if let Some(table) = b.table(tb) {
                    blocks.push(Block::Table(table));
                }
            } else if d.evaluation == Some(true) {
                blocks.extend(b.evaluation());
            } else if d.targets == Some(true) {
                blocks.extend(b.targets());
            } else if d.projects == Some(true) {
                blocks.extend(b.projects());
            }
        }
    }
    for a in &tpl.absent {
        b.gaps.push(Gap { what: a.what.clone(), missing: vec![a.needs.clone()], left_out: true });
    }
    Ok(Document { region: region.to_string(), year, title, subtitle, blocks, sources: b.sources, gaps: b.gaps })
}

impl<'a> Builder<'a> {
    fn name(&self, code: &str) -> String {
        self.facts.region(code).map_or_else(|| code.to_string(), |r| r.name_zh.clone())
    }

    fn short_name(&self, code: &str) -> String {
        let n = self.name(code);
        n.strip_suffix('市').filter(|s| s.chars().count() >= 2).map(str::to_string).unwrap_or(n)
    }

    fn parent(&self) -> Option<String> {
        self.facts.region(&self.region).and_then(|r| r.parent_code.clone())
    }

    fn peers_word(&self) -> &'static str {
        match self.facts.region(&self.region).map(|r| r.level) {
            Some(RegionLevel::City) => "设区市",
            Some(RegionLevel::County) => "县（市、区）",
            _ => "地区",
        }
    }

    fn label(&self, region: &str, code: &str, year: i32) -> String {
        match self.facts.base.indicators.get(code) {
            Some(i) => format!("{} · {}（{}） · {year}", self.name(region), i.name_zh, i.unit),
            None => format!("{} · {code} · {year}", self.name(region)),
        }
    }

    fn push_source(&mut self, label: String, kind: SourceKind) -> usize {
        self.sources.push(SourceEntry { label, kind });
        self.sources.len()
    }

    /// The value of `code` for `region` in `year`: stored, else computed by the indicator's
    /// formula from stored values (its inputs become the source).
    fn fact(&mut self, region: &str, code: &str, year: i32) -> Option<Fact> {
        let key = (region.to_string(), code.to_string(), year);
        if let Some(f) = self.memo.get(&key) {
            return *f;
        }
        let facts = self.facts;
        let found = if let Some(o) = facts.base.values.get(&key) {
            let kind = if o.synthetic {
                SourceKind::Synthetic { doc: o.source.doc.clone() }
            } else if !o.source.quote.is_empty() {
                SourceKind::Document { doc: o.source.doc.clone(), quote: o.source.quote.clone() }
            } else {
                SourceKind::Filed { doc: o.source.doc.clone() }
            };
            let source = self.push_source(self.label(region, code, year), kind);
            Some(Fact { value: o.value, source, synthetic: o.synthetic })
        } else if let (Some(formula), true) = (facts.base.indicators.get(code).and_then(|i| i.formula.as_ref()), self.depth < 8) {
            self.depth += 1;
            let mut inputs: Vec<Fact> = Vec::new();
            let r = formula.eval(Period::Year(year), &mut |c, p| {
                let f = self.fact(region, c, p.year())?;
                inputs.push(f);
                Some(f.value)
            });
            self.depth -= 1;
            match r {
                Ok(v) if v.is_finite() => {
                    let how = format!("{} = {}", code, formula.text());
                    let ids = inputs.iter().map(|f| f.source).collect();
                    let source = self.push_source(self.label(region, code, year), SourceKind::Computed { how, inputs: ids });
                    let v = (v * 100.0).round() / 100.0;
                    Some(Fact { value: v, source, synthetic: inputs.iter().any(|f| f.synthetic) })
                }
                _ => None,
            }
        } else {
            None
        };
        self.memo.insert(key, found);
        found
    }

    fn resolve_region(&self, r: &RegionRef) -> String {
        match r {
            RegionRef::Own => self.region.clone(),
            RegionRef::Parent => self.parent().unwrap_or_else(|| self.region.clone()),
            RegionRef::Code(c) => c.clone(),
        }
    }

    fn resolve_year(&self, y: YearRef) -> i32 {
        match y {
            YearRef::Offset(o) => self.year + o,
            YearRef::Abs(y) => y,
        }
    }

    fn need(&mut self, region: &str, code: &str, year: i32) -> Option<Fact> {
        let f = self.fact(region, code, year);
        if f.is_none() {
            self.missing.push(format!("{} {code} {year}", self.name(region)));
        }
        f
    }

    /// Text with only words (years, names); a number placeholder here becomes its plain text.
    fn words(&mut self, s: &str) -> String {
        Inline::plain(&self.inlines(s))
    }

    fn inlines(&mut self, s: &str) -> Vec<Inline> {
        let known = |c: &str| self.facts.has_indicator(c);
        let pieces = parse_text(s, &known).unwrap_or_else(|e| vec![Piece::Lit(e)]);
        let mut out = Vec::new();
        for p in pieces {
            match p {
                Piece::Lit(t) => out.push(Inline::Text(t)),
                Piece::Expr(e) => out.extend(self.expr(&e)),
            }
        }
        out
    }

    fn num(f: Fact) -> Inline {
        Inline::Num { text: fmt_value(f.value), source: f.source, synthetic: f.synthetic }
    }

    /// The peers of the region with a value of `code` this year, best first by the polarity.
    fn ranked(&mut self, members: &[String], code: &str) -> Vec<(String, Fact)> {
        let mut v: Vec<(String, Fact)> = members.iter().filter_map(|m| self.fact(m, code, self.year).map(|f| (m.clone(), f))).collect();
        let negative = self.facts.base.indicators.get(code).is_some_and(|i| i.polarity == Polarity::Negative);
        v.sort_by(|a, b| {
            let o = b.1.value.total_cmp(&a.1.value);
            if negative { o.reverse() } else { o }
        });
        v
    }

    fn expr(&mut self, e: &Expr) -> Vec<Inline> {
        match e {
            Expr::Year(o) => vec![Inline::Text((self.year + o).to_string())],
            Expr::FirstYear => vec![Inline::Text(self.first_year.to_string())],
            Expr::Region => vec![Inline::Text(self.name(&self.region))],
            Expr::Parent => vec![Inline::Text(self.parent().map(|p| self.name(&p)).unwrap_or_default())],
            Expr::Peers => vec![Inline::Text(self.peers_word().into())],
            Expr::Value { code, region, year } => {
                let (r, y) = (self.resolve_region(region), self.resolve_year(*year));
                match self.need(&r, code, y) {
                    Some(f) => vec![Self::num(f)],
                    None => vec![Inline::Text("—".into())],
                }
            }
            Expr::Rank { code } => {
                let peers = self.facts.peers(&self.region);
                let ranked = self.ranked(&peers, code);
                let region = self.region.clone();
                let Some(own) = ranked.iter().find(|(c, _)| *c == region).map(|x| x.1) else {
                    self.missing.push(format!("{} {code} {}", self.name(&region), self.year));
                    return vec![Inline::Text("—".into())];
                };
                // `ranked` is best first, so the first peer with the same value holds the place
                // the region shares (ties share the best place).
                let rank = 1 + ranked.iter().position(|(_, f)| f.value == own.value).expect("the region is among its ranked peers");
                let name = self.facts.base.indicators.get(code).map_or(code.clone(), |i| i.name_zh.clone());
                let how = format!("{} 个{}按{}排序（{}年）", ranked.len(), self.peers_word(), name, self.year);
                let inputs: Vec<usize> = ranked.iter().map(|x| x.1.source).collect();
                let synthetic = ranked.iter().any(|x| x.1.synthetic);
                let label = format!("{} · {}排名 · {}", self.name(&region), name, self.year);
                let source = self.push_source(label, SourceKind::Computed { how, inputs });
                vec![Inline::Num { text: rank.to_string(), source, synthetic }]
            }
            Expr::Change { code } => {
                let region = self.region.clone();
                match self.need(&region, code, self.year) {
                    Some(f) => {
                        let word = if f.value < 0.0 { "下降 " } else { "增长 " };
                        vec![Inline::Text(word.into()), Self::num(Fact { value: f.value.abs(), ..f }), Inline::Text("%".into())]
                    }
                    None => vec![Inline::Text("—".into())],
                }
            }
            Expr::Count { code } => {
                let peers = self.facts.peers(&self.region);
                let n = self.ranked(&peers, code).len();
                vec![Inline::Text(n.to_string())]
            }
            Expr::Top { code, n, values } => {
                let children = self.facts.children(&self.region).to_vec();
                let ranked = self.ranked(&children, code);
                if ranked.len() < *n {
                    self.missing.push(format!("{}的{}个下级地区 {code} {}（仅 {} 个有值）", self.name(&self.region), n, self.year, ranked.len()));
                }
                let unit = self.facts.base.indicators.get(code).map(|i| i.unit.clone()).unwrap_or_default();
                let mut out = Vec::new();
                for (i, (c, f)) in ranked.iter().take(*n).enumerate() {
                    if i > 0 {
                        out.push(Inline::Text("、".into()));
                    }
                    if *values {
                        out.push(Self::num(*f));
                        out.push(Inline::Text(unit.clone()));
                    } else {
                        out.push(Inline::Text(self.short_name(c)));
                    }
                }
                out
            }
        }
    }

    fn series(&mut self, code: &str, points: &[(String, i32)]) -> Series {
        let ind = self.facts.base.indicators.get(code);
        let mut s = Series {
            name: ind.map_or(code.to_string(), |i| i.name_zh.clone()),
            unit: ind.map(|i| i.unit.clone()).unwrap_or_default(),
            values: Vec::new(),
            synthetic: Vec::new(),
            sources: Vec::new(),
        };
        for (r, y) in points {
            let f = self.fact(r, code, *y);
            s.values.push(f.map(|f| f.value));
            s.synthetic.push(f.is_some_and(|f| f.synthetic));
            s.sources.push(f.map_or(0, |f| f.source));
        }
        s
    }

    fn figure(&mut self, f: &FigureDef) -> Option<Figure> {
        let title = self.words(f.title.get_ref());
        let codes: Vec<String> = f.bars.iter().chain(f.line.iter()).map(|c| c.get_ref().clone()).collect();
        let (categories, points): (Vec<String>, Vec<(String, i32)>) = if f.x.get_ref() == "years" {
            let from = f.from.unwrap_or(self.first_year);
            (from..=self.year).map(|y| (y.to_string(), (self.region.clone(), y))).unzip()
        } else {
            let children = if f.x.get_ref() == "peers" { self.facts.peers(&self.region) } else { self.facts.children(&self.region).to_vec() };
            let mut ranked = self.ranked(&children, &codes[0]);
            for c in &children {
                if !ranked.iter().any(|(r, _)| r == c) {
                    ranked.push((c.clone(), Fact { value: f64::NAN, source: 0, synthetic: false }));
                }
            }
            ranked.iter().map(|(c, _)| (self.short_name(c), (c.clone(), self.year))).unzip()
        };
        let bars: Vec<Series> = f.bars.iter().map(|c| self.series(c.get_ref(), &points)).collect();
        let line = f.line.as_ref().map(|c| self.series(c.get_ref(), &points));
        let fig = Figure {
            number: f.number,
            title,
            kind: match f.chart.as_ref().map(|c| c.get_ref().as_str()) {
                Some("stacked") => ChartKind::Stacked,
                Some("line") => ChartKind::Line,
                _ => ChartKind::BarLine,
            },
            categories,
            bars,
            line,
        };
        let mut missing = Vec::new();
        for (s, code) in fig.series().zip(&codes) {
            let holes: Vec<&str> = s.values.iter().zip(&fig.categories).filter(|(v, _)| v.is_none()).map(|(_, c)| c.as_str()).collect();
            if !holes.is_empty() {
                let whose = match f.x.get_ref().as_str() {
                    "years" => self.name(&self.region),
                    "peers" => format!("{}及同级地区", self.name(&self.region)),
                    _ => format!("{}下级地区", self.name(&self.region)),
                };
                missing.push(format!("{whose} {code}（{}）：{}", s.name, holes.join("、")));
            }
        }
        let empty = fig.series().all(|s| s.values.iter().all(Option::is_none));
        if !missing.is_empty() {
            self.gaps.push(Gap { what: format!("图 {} {}", f.number, fig.title), missing, left_out: empty });
        }
        (!empty).then_some(fig)
    }

    fn cell(&mut self, expr: &str) -> Cell {
        let known = |c: &str| self.facts.has_indicator(c);
        match parse_expr(expr, &known) {
            Ok(Expr::Value { code, region, year }) => {
                let (r, y) = (self.resolve_region(&region), self.resolve_year(year));
                match self.need(&r, &code, y) {
                    Some(f) => Cell::Num { value: f.value, text: fmt_value(f.value), source: f.source, synthetic: f.synthetic },
                    None => Cell::Empty,
                }
            }
            Ok(e) => {
                let inl = self.expr(&e);
                match inl.as_slice() {
                    [Inline::Num { text, source, synthetic }] => Cell::Num {
                        value: text.parse().unwrap_or(f64::NAN),
                        text: text.clone(),
                        source: *source,
                        synthetic: *synthetic,
                    },
                    _ => Cell::Text(Inline::plain(&inl)),
                }
            }
            Err(m) => Cell::Text(m),
        }
    }

    fn table(&mut self, t: &TableDef) -> Option<Table> {
        self.missing.clear();
        let title = self.words(t.title.get_ref());
        let mut header: Vec<String> = t.header.iter().map(|h| self.words(h.get_ref())).collect();
        let mut rows = Vec::new();
        for r in &t.rows {
            let mut row = Vec::new();
            for (i, c) in r.iter().enumerate() {
                row.push(if i == 0 { Cell::Text(self.words(c.get_ref())) } else { self.cell(c.get_ref()) });
            }
            rows.push(row);
        }
        if !t.children.is_empty() {
            let exprs: Vec<&str> = t.children.iter().map(|c| c.get_ref().as_str()).collect();
            if header.is_empty() {
                header.push("地区".into());
                for e in &exprs {
                    let code = e.split('@').next().unwrap_or(e);
                    header.push(self.facts.base.indicators.get(code).map_or(code.to_string(), |i| format!("{}（{}）", i.name_zh, i.unit)));
                }
            }
            let children = self.facts.children(&self.region).to_vec();
            let first = exprs[0].split('@').next().unwrap_or(exprs[0]).to_string();
            let mut order = self.ranked(&children, &first).into_iter().map(|x| x.0).collect::<Vec<_>>();
            order.extend(children.iter().filter(|c| !order.contains(c)).cloned().collect::<Vec<_>>());
            let own = self.region.clone();
            for c in order {
                self.region = c.clone();
                let mut row = vec![Cell::Text(self.name(&c))];
                for e in &exprs {
                    row.push(self.cell(e));
                }
                rows.push(row);
            }
            self.region = own;
        }
        let filled = rows.iter().flatten().filter(|c| matches!(c, Cell::Num { .. })).count();
        let what = table_caption(t.number, &title);
        if !self.missing.is_empty() {
            let missing = std::mem::take(&mut self.missing);
            self.gaps.push(Gap { what, missing, left_out: filled == 0 });
        }
        (filled > 0).then_some(Table { number: t.number, title, header, rows })
    }

    fn evaluation(&mut self) -> Vec<Block> {
        let Some(e) = self.facts.evaluation.clone() else {
            self.gaps.push(Gap { what: "监测评价结果".into(), missing: vec![format!("{} {} 年的评价（先运行 digecon synth 或报送数据）", self.name(&self.region), self.year)], left_out: true });
            return Vec::new();
        };
        let how = format!("{}年{}数字经济发展监测评价：{}", e.year, self.peers_word(), e.method);
        let src = self.push_source(format!("{} · 监测评价 · {}", self.name(&self.region), e.year), SourceKind::Computed { how, inputs: Vec::new() });
        let synthetic = e.synthetic_inputs > 0;
        let n = |t: String| Inline::Num { text: t, source: src, synthetic };
        let mut p = vec![Inline::Text(format!("在 {} 年全省{}数字经济发展监测评价中，{}综合得分 ", e.year, self.peers_word(), self.name(&self.region)))];
        p.push(match e.score {
            Some(s) => n(fmt_computed(s)),
            None => Inline::Text("—".into()),
        });
        p.push(Inline::Text(format!("，在 {} 个{}中居第 ", e.ranked, self.peers_word())));
        p.push(match e.rank {
            Some(r) => n(r.to_string()),
            None => Inline::Text("—".into()),
        });
        p.push(Inline::Text(" 位".into()));
        if let Some(t) = e.tier {
            p.push(Inline::Text("，属第 ".into()));
            p.push(n(t.to_string()));
            p.push(Inline::Text(" 梯队".into()));
        }
        match e.rank_change {
            Some(c) if c > 0 => {
                p.push(Inline::Text("，较上年进位 ".into()));
                p.push(n(c.to_string()));
                p.push(Inline::Text(" 位".into()));
            }
            Some(c) if c < 0 => {
                p.push(Inline::Text("，较上年退位 ".into()));
                p.push(n((-c).to_string()));
                p.push(Inline::Text(" 位".into()));
            }
            Some(_) => p.push(Inline::Text("，名次与上年持平".into())),
            None => {}
        }
        p.push(Inline::Text("。".into()));
        if !e.strengths.is_empty() {
            p.push(Inline::Text(format!("优势维度：{}。", e.strengths.join("、"))));
        }
        if !e.weaknesses.is_empty() {
            p.push(Inline::Text(format!("短板维度：{}。", e.weaknesses.join("、"))));
        }
        if synthetic {
            p.push(Inline::Text(format!("（{} 项输入中 {} 项为合成数据。）", e.inputs, e.synthetic_inputs)));
        }
        let rows = e
            .dimensions
            .iter()
            .map(|(name, score, rank)| {
                vec![
                    Cell::Text(name.clone()),
                    score.map_or(Cell::Empty, |s| Cell::Num { value: s, text: fmt_computed(s), source: src, synthetic }),
                    rank.map_or(Cell::Empty, |r| Cell::Num { value: r as f64, text: r.to_string(), source: src, synthetic }),
                ]
            })
            .collect();
        vec![
            Block::Paragraph(p),
            Block::Table(Table { number: None, title: format!("{}年监测评价分维度得分与排名", e.year), header: vec!["维度".into(), "得分".into(), "排名".into()], rows }),
        ]
    }

    fn targets(&mut self) -> Vec<Block> {
        if self.facts.targets.is_empty() {
            self.gaps.push(Gap { what: "规划目标进展".into(), missing: vec![format!("{}没有规划目标", self.name(&self.region))], left_out: true });
            return Vec::new();
        }
        let region = self.region.clone();
        let lines = self.facts.targets.clone();
        let rows = lines
            .iter()
            .map(|t| {
                let latest = match t.latest {
                    Some((y, v, syn)) => {
                        let label = format!("{} · {}（{}） · {y}", self.name(&region), t.indicator, t.unit);
                        let kind = if syn { SourceKind::Synthetic { doc: "digecon synth".into() } } else { SourceKind::Filed { doc: "数据库 / the store".into() } };
                        let source = self.push_source(label, kind);
                        Cell::Num { value: v, text: format!("{}（{y}）", fmt_value(v)), source, synthetic: syn }
                    }
                    None => Cell::Empty,
                };
                vec![Cell::Text(t.plan.clone()), Cell::Text(format!("{}（{}）", t.indicator, t.unit)), Cell::Text(t.base.clone()), Cell::Text(t.target.clone()), latest, Cell::Text(t.status.clone())]
            })
            .collect();
        vec![Block::Table(Table {
            number: None,
            title: "规划目标及进展".into(),
            header: vec!["规划".into(), "指标".into(), "基期值".into(), "目标值".into(), "最新值".into(), "进展".into()],
            rows,
        })]
    }

    fn projects(&mut self) -> Vec<Block> {
        if self.facts.projects.is_empty() {
            self.gaps.push(Gap { what: "重点任务与项目".into(), missing: vec![format!("{}没有登记的重点任务或项目", self.name(&self.region))], left_out: true });
            return Vec::new();
        }
        let rows = self
            .facts
            .projects
            .iter()
            .map(|p| {
                let name = if p.synthetic { format!("{}（合成）", p.name) } else { p.name.clone() };
                vec![Cell::Text(p.kind.clone()), Cell::Text(name), Cell::Text(p.detail.clone())]
            })
            .collect();
        vec![Block::Table(Table { number: None, title: "重点任务与项目".into(), header: vec!["类别".into(), "名称".into(), "情况".into()], rows })]
    }
}
