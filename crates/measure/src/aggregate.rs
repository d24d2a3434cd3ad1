//! Streaming aggregation: county × (small class, GB/T code) × year cells, rolled up at the end.
//!
//! Memory is bounded by the number of groups (counties × 130 slots × years, plus a top-N heap per
//! county and year), never by the number of rows. Money is summed exactly (i128 of 1e-6 万元).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::classification::Classification;
use crate::growth::growth_pct_exact;
use crate::money::{format_micro, Micro, SCALE};
use crate::record::Row;
use crate::regions::{RegionLevel, Regions};
use crate::rules::Outcome;

/// 10 亿元 = 100000 万元, in 1e-6 万元.
pub const BAND_10YI: Micro = 100_000 * SCALE;
/// 100 亿元 = 1000000 万元.
pub const BAND_100YI: Micro = 1_000_000 * SCALE;

/// Sums for one group. Counts are enterprises (rows: one row per enterprise and year).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub n: u64,
    pub revenue: i128,
    /// Enterprises with all four income-approach components, their VA and their revenue.
    pub income_n: u64,
    pub income_va: i128,
    pub income_revenue: i128,
    /// Revenue ≥ 10 亿 / ≥ 100 亿.
    pub b10_n: u64,
    pub b10_revenue: i128,
    pub b100_n: u64,
    pub b100_revenue: i128,
    /// Enterprises that reported employees, and the employees they reported.
    pub employees_n: u64,
    pub employees: u64,
    /// Enterprises flagged above designated size (规上).
    pub above_scale_n: u64,
}

impl Cell {
    #[inline]
    fn add_row(&mut self, row: &Row) {
        let r = row.revenue;
        self.n += 1;
        self.revenue += i128::from(r);
        if let Some(va) = row.income_va {
            self.income_n += 1;
            self.income_va += i128::from(va);
            self.income_revenue += i128::from(r);
        }
        if r >= BAND_10YI {
            self.b10_n += 1;
            self.b10_revenue += i128::from(r);
            if r >= BAND_100YI {
                self.b100_n += 1;
                self.b100_revenue += i128::from(r);
            }
        }
        if let Some(e) = row.employees {
            self.employees_n += 1;
            self.employees += u64::from(e);
        }
        self.above_scale_n += u64::from(row.above_scale == Some(true));
    }

    pub fn merge(&mut self, o: &Cell) {
        self.n += o.n;
        self.revenue += o.revenue;
        self.income_n += o.income_n;
        self.income_va += o.income_va;
        self.income_revenue += o.income_revenue;
        self.b10_n += o.b10_n;
        self.b10_revenue += o.b10_revenue;
        self.b100_n += o.b100_n;
        self.b100_revenue += o.b100_revenue;
        self.employees_n += o.employees_n;
        self.employees += o.employees;
        self.above_scale_n += o.above_scale_n;
    }
}

/// An enterprise in a top-N list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopEntry {
    pub revenue: Micro,
    pub uscc: String,
    pub name: String,
    pub industry_code: u16,
    pub slot: usize,
}

/// Ranking order: higher revenue first, then USCC ascending (deterministic ties).
fn better(a: &TopEntry, b: &TopEntry) -> Ordering {
    b.revenue.cmp(&a.revenue).then_with(|| a.uscc.cmp(&b.uscc))
}

/// Heap wrapper whose maximum is the *worst* entry, so the heap top is the one to evict.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Worst(TopEntry);
impl Ord for Worst {
    fn cmp(&self, o: &Self) -> Ordering {
        better(&self.0, &o.0)
    }
}
impl PartialOrd for Worst {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// The N largest enterprises by revenue; O(N) memory.
#[derive(Debug, Clone, Default)]
pub struct TopN {
    cap: usize,
    heap: BinaryHeap<Worst>,
}

impl TopN {
    pub fn new(cap: usize) -> Self {
        Self { cap, heap: BinaryHeap::with_capacity(cap + 1) }
    }

    /// Whether an entry with this revenue and USCC would enter; checked before allocating.
    #[inline]
    fn admits(&self, revenue: Micro, uscc: &[u8]) -> bool {
        if self.cap == 0 {
            return false;
        }
        match self.heap.peek() {
            Some(w) if self.heap.len() >= self.cap => {
                revenue > w.0.revenue || (revenue == w.0.revenue && uscc < w.0.uscc.as_bytes())
            }
            _ => true,
        }
    }

    pub fn push(&mut self, e: TopEntry) {
        if !self.admits(e.revenue, e.uscc.as_bytes()) {
            return;
        }
        self.heap.push(Worst(e));
        if self.heap.len() > self.cap {
            self.heap.pop();
        }
    }

    pub fn merge(&mut self, o: TopN) {
        for w in o.heap {
            self.push(w.0);
        }
    }

    /// Best first.
    pub fn sorted(&self) -> Vec<TopEntry> {
        let mut v: Vec<TopEntry> = self.heap.iter().map(|w| w.0.clone()).collect();
        v.sort_by(better);
        v
    }
}

#[derive(Debug, Clone)]
struct YearData {
    year: u16,
    cells: Vec<Cell>,
    top: Vec<TopN>,
}

/// Per-worker accumulator. Slot layout: `0..n_core` = classification slots, then NON_CORE, then
/// NEEDS_REVIEW.
#[derive(Debug, Clone)]
pub struct Accumulator {
    n_counties: usize,
    n_core: usize,
    top_n: usize,
    years: Vec<YearData>,
    last: usize,
}

impl Accumulator {
    pub fn new(n_counties: usize, n_core_slots: usize, top_n: usize) -> Self {
        Self { n_counties, n_core: n_core_slots, top_n, years: Vec::new(), last: 0 }
    }

    fn n_slots(&self) -> usize {
        self.n_core + 2
    }

    fn year_index(&mut self, year: u16) -> usize {
        if self.years.get(self.last).is_some_and(|y| y.year == year) {
            return self.last;
        }
        let i = match self.years.iter().position(|y| y.year == year) {
            Some(i) => i,
            None => {
                self.years.push(YearData {
                    year,
                    cells: vec![Cell::default(); self.n_counties * self.n_slots()],
                    top: (0..self.n_counties).map(|_| TopN::new(self.top_n)).collect(),
                });
                self.years.len() - 1
            }
        };
        self.last = i;
        i
    }

    /// Adds one classified row.
    #[inline]
    pub fn add(&mut self, row: &Row, outcome: Outcome) {
        let slot = match outcome {
            Outcome::Core(s) => s,
            Outcome::NonCore => self.n_core,
            Outcome::Review => self.n_core + 1,
        };
        let ns = self.n_slots();
        let yi = self.year_index(row.year);
        let y = &mut self.years[yi];
        y.cells[row.county as usize * ns + slot].add_row(row);
        if let Outcome::Core(s) = outcome {
            let top = &mut y.top[row.county as usize];
            if top.admits(row.revenue, row.uscc) {
                top.push(TopEntry {
                    revenue: row.revenue,
                    uscc: String::from_utf8_lossy(row.uscc).into_owned(),
                    name: row.name.to_string(),
                    industry_code: row.industry_code,
                    slot: s,
                });
            }
        }
    }

    /// Adds another worker's sums.
    pub fn merge(&mut self, o: Accumulator) {
        for yd in o.years {
            let yi = self.year_index(yd.year);
            let mine = &mut self.years[yi];
            for (a, b) in mine.cells.iter_mut().zip(&yd.cells) {
                a.merge(b);
            }
            for (a, b) in mine.top.iter_mut().zip(yd.top) {
                a.merge(b);
            }
        }
    }

    /// Years present, ascending.
    pub fn years(&self) -> Vec<u16> {
        let mut v: Vec<u16> = self.years.iter().map(|y| y.year).collect();
        v.sort_unstable();
        v
    }

    /// The raw cell of (county, slot, year); slot `n_core` = non-core, `n_core+1` = review.
    pub fn cell(&self, county: usize, slot: usize, year: u16) -> Cell {
        self.years
            .iter()
            .find(|y| y.year == year)
            .map_or_else(Cell::default, |y| y.cells[county * self.n_slots() + slot])
    }
}

/// Class level of an aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassLevel {
    Major,
    Medium,
    Small,
}

impl ClassLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            ClassLevel::Major => "major",
            ClassLevel::Medium => "medium",
            ClassLevel::Small => "small",
        }
    }
}

impl std::str::FromStr for ClassLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "major" => Ok(Self::Major),
            "medium" => Ok(Self::Medium),
            "small" => Ok(Self::Small),
            _ => Err(format!("分类层级应为 major|medium|small / class level must be major|medium|small: {s}")),
        }
    }
}

/// A value of an aggregate row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Count(u64),
    /// A signed whole number (net new enterprises).
    Int(i64),
    /// Exact money in 1e-6 万元.
    Money(i128),
    /// Derived (percent, VA by rates), shown rounded to 6 decimals.
    Real(f64),
}

impl Value {
    pub fn render(&self) -> String {
        match *self {
            Value::Count(n) => n.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Money(m) => format_micro(m),
            Value::Real(x) => {
                let s = format!("{x:.6}");
                let s = s.trim_end_matches('0').trim_end_matches('.');
                if s == "-0" { "0".to_string() } else { s.to_string() }
            }
        }
    }

    pub fn as_f64(&self) -> f64 {
        match *self {
            Value::Count(n) => n as f64,
            Value::Int(n) => n as f64,
            Value::Money(m) => m as f64 / SCALE as f64,
            Value::Real(x) => x,
        }
    }
}

/// One aggregate: region × indicator × class × year. It becomes an observation with
/// `region_code`, indicator `indicator` disaggregated by `class_code`, `period`, `value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub region_code: String,
    pub region_name: String,
    pub region_level: &'static str,
    pub indicator: &'static str,
    /// `all` (全部核心产业), `major`, `medium`, `small`, `non_core`, `needs_review`.
    pub class_level: &'static str,
    pub class_code: String,
    pub class_name: String,
    pub period: u16,
    pub value: Value,
    pub unit: &'static str,
}

/// Header of the aggregate CSV.
pub const OBSERVATION_HEADER: [&str; 10] =
    ["region_code", "region_name", "region_level", "indicator", "class_level", "class_code", "class_name", "period", "value", "unit"];

impl Observation {
    pub fn fields(&self) -> [String; 10] {
        [
            self.region_code.clone(),
            self.region_name.clone(),
            self.region_level.to_string(),
            self.indicator.to_string(),
            self.class_level.to_string(),
            self.class_code.clone(),
            self.class_name.clone(),
            self.period.to_string(),
            self.value.render(),
            self.unit.to_string(),
        ]
    }
}

/// One top-N line.
#[derive(Debug, Clone, PartialEq)]
pub struct TopRow {
    pub region_code: String,
    pub region_name: String,
    pub period: u16,
    pub rank: usize,
    pub entry: TopEntry,
    pub small_class: String,
    pub major_class: String,
}

pub const TOP_HEADER: [&str; 10] =
    ["region_code", "region_name", "period", "rank", "uscc", "name", "industry_code", "small_class", "major_class", "revenue"];

impl TopRow {
    pub fn fields(&self) -> [String; 10] {
        [
            self.region_code.clone(),
            self.region_name.clone(),
            self.period.to_string(),
            self.rank.to_string(),
            self.entry.uscc.clone(),
            self.entry.name.clone(),
            format!("{:04}", self.entry.industry_code),
            self.small_class.clone(),
            self.major_class.clone(),
            format_micro(i128::from(self.entry.revenue)),
        ]
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct GroupSum {
    cell: Cell,
    va_rate: f64,
    va_missing: bool,
}

/// The rolled-up result.
#[derive(Debug, Clone)]
pub struct Report {
    pub observations: Vec<Observation>,
    pub top: Vec<TopRow>,
    /// Groups where VA by rates was not computed because a GB/T code had no rate.
    pub va_missing_codes: Vec<u16>,
}

struct Group {
    level: &'static str,
    code: String,
    name: String,
}

/// Rolls the accumulator up to `by` × `level` and derives growth, shares and net new enterprises.
/// `va_rates` is per classification slot (see [`crate::va::VaRates::per_slot`]).
pub fn report(
    acc: &Accumulator,
    table: &Classification,
    regions: &Regions,
    va_rates: &[Option<f64>],
    by: RegionLevel,
    level: ClassLevel,
) -> Report {
    let mut observations = Vec::new();
    let (top, va_missing_codes) =
        report_each(acc, table, regions, va_rates, by, level, &mut |o: &ObservationRef<'_>| observations.push(o.to_owned()));
    Report { observations, top, va_missing_codes }
}

/// An observation borrowing its names from the report's tables; see [`Observation`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ObservationRef<'a> {
    pub region_code: &'a str,
    pub region_name: &'a str,
    pub region_level: &'static str,
    pub indicator: &'static str,
    pub class_level: &'static str,
    pub class_code: &'a str,
    pub class_name: &'a str,
    pub period: u16,
    pub value: Value,
    pub unit: &'static str,
}

impl ObservationRef<'_> {
    pub fn to_owned(&self) -> Observation {
        Observation {
            region_code: self.region_code.to_string(),
            region_name: self.region_name.to_string(),
            region_level: self.region_level,
            indicator: self.indicator,
            class_level: self.class_level,
            class_code: self.class_code.to_string(),
            class_name: self.class_name.to_string(),
            period: self.period,
            value: self.value,
            unit: self.unit,
        }
    }

    /// Writes the row in [`OBSERVATION_HEADER`] order.
    pub fn write_csv<W: std::io::Write>(&self, w: &mut csv::Writer<W>) -> csv::Result<()> {
        let period = self.period.to_string();
        let value = self.value.render();
        w.write_record([
            self.region_code,
            self.region_name,
            self.region_level,
            self.indicator,
            self.class_level,
            self.class_code,
            self.class_name,
            period.as_str(),
            value.as_str(),
            self.unit,
        ])
    }
}

/// Like [`report`], but hands each observation to `emit` as it is derived instead of collecting
/// them, so memory stays flat however many region × class groups there are. Returns the top-N
/// rows and the codes without a VA rate.
pub fn report_each(
    acc: &Accumulator,
    table: &Classification,
    regions: &Regions,
    va_rates: &[Option<f64>],
    by: RegionLevel,
    level: ClassLevel,
    emit: &mut dyn FnMut(&ObservationRef<'_>),
) -> (Vec<TopRow>, Vec<u16>) {
    let n_core = table.slots.len();
    assert_eq!(acc.n_core, n_core, "accumulator built for another table");
    // Groups: 0 = all core, then classes of the level in code order, then non-core, review.
    let mut groups = vec![Group { level: "all", code: "DE_CORE".into(), name: "全部核心产业".into() }];
    let mut slot_group = vec![0usize; n_core];
    let mut codes: Vec<(String, String)> = Vec::new();
    for (s, _) in table.slots.iter().enumerate() {
        let (sm, me, ma) = table.slot_classes(s);
        let c = match level {
            ClassLevel::Major => ma,
            ClassLevel::Medium => me,
            ClassLevel::Small => sm,
        };
        let gi = match codes.iter().position(|(code, _)| *code == c.code) {
            Some(i) => i,
            None => {
                codes.push((c.code.clone(), c.name.clone()));
                codes.len() - 1
            }
        };
        slot_group[s] = gi;
    }
    let mut order: Vec<usize> = (0..codes.len()).collect();
    order.sort_by(|&a, &b| codes[a].0.cmp(&codes[b].0));
    let mut rank = vec![0usize; codes.len()];
    for (pos, &i) in order.iter().enumerate() {
        rank[i] = pos + 1;
        groups.push(Group { level: level.as_str(), code: codes[i].0.clone(), name: codes[i].1.clone() });
    }
    for g in slot_group.iter_mut() {
        *g = rank[*g];
    }
    let g_noncore = groups.len();
    groups.push(Group { level: "non_core", code: "NON_CORE".into(), name: "非核心产业".into() });
    let g_review = groups.len();
    groups.push(Group { level: "needs_review", code: "NEEDS_REVIEW".into(), name: "待人工复核".into() });
    let ng = groups.len();

    // Target regions in regions-file order.
    let mut targets: Vec<usize> = (0..regions.counties.len()).map(|c| regions.target(c, by)).collect();
    let mut uniq = targets.clone();
    uniq.sort_unstable();
    uniq.dedup();
    for t in targets.iter_mut() {
        *t = uniq.binary_search(t).expect("present");
    }
    let nr = uniq.len();
    let years = acc.years();
    let mut sums = vec![GroupSum::default(); years.len() * nr * ng];
    let idx = |yi: usize, r: usize, g: usize| (yi * nr + r) * ng + g;
    let mut va_missing_codes = Vec::new();
    for (yi, &y) in years.iter().enumerate() {
        let yd = acc.years.iter().find(|d| d.year == y).expect("year present");
        for (c, &r) in targets.iter().enumerate() {
            for s in 0..acc.n_slots() {
                let cell = &yd.cells[c * acc.n_slots() + s];
                if cell.n == 0 {
                    continue;
                }
                let gs: &[usize] = if s < n_core {
                    &[0, slot_group[s]]
                } else if s == n_core {
                    &[g_noncore]
                } else {
                    &[g_review]
                };
                for &g in gs {
                    let e = &mut sums[idx(yi, r, g)];
                    e.cell.merge(cell);
                    if s < n_core {
                        match va_rates[s] {
                            Some(rate) => e.va_rate += cell.revenue as f64 / SCALE as f64 * rate,
                            None => {
                                e.va_missing = true;
                                va_missing_codes.push(table.slots[s].gb_code);
                            }
                        }
                    }
                }
            }
        }
    }
    va_missing_codes.sort_unstable();
    va_missing_codes.dedup();

    let pct = |a: i128, b: i128| (b > 0).then(|| a as f64 / b as f64 * 100.0);
    for (r, &ri) in uniq.iter().enumerate() {
        let region = &regions.regions[ri];
        for (g, group) in groups.iter().enumerate() {
            for (yi, &y) in years.iter().enumerate() {
                let cur = sums[idx(yi, r, g)];
                let prev_yi = years.iter().position(|&p| p + 1 == y);
                let prev = prev_yi.map(|p| sums[idx(p, r, g)]);
                if cur.cell.n == 0 && prev.is_none_or(|p| p.cell.n == 0) {
                    continue;
                }
                let mut push = |indicator: &'static str, value: Value, unit: &'static str| {
                    emit(&ObservationRef {
                        region_code: &region.code,
                        region_name: &region.name_zh,
                        region_level: by.as_str(),
                        indicator,
                        class_level: group.level,
                        class_code: &group.code,
                        class_name: &group.name,
                        period: y,
                        value,
                        unit,
                    })
                };
                let c = &cur.cell;
                if g == g_noncore || g == g_review {
                    push("MICRODATA_ENTERPRISES", Value::Count(c.n), "家");
                    push("MICRODATA_REVENUE", Value::Money(c.revenue), "万元");
                    continue;
                }
                push("DE_CORE_ENTERPRISES", Value::Count(c.n), "家");
                push("DE_CORE_ENTERPRISES_ABOVE_SCALE", Value::Count(c.above_scale_n), "家");
                push("DE_CORE_REVENUE", Value::Money(c.revenue), "万元");
                if g != 0 {
                    if let Some(s) = pct(c.revenue, sums[idx(yi, r, 0)].cell.revenue) {
                        push("DE_CORE_REVENUE_SHARE", Value::Real(s), "%");
                    }
                }
                if let Some(p) = prev {
                    push("DE_CORE_ENTERPRISES_NET_NEW", Value::Int(c.n as i64 - p.cell.n as i64), "家");
                    if let Some(gr) = growth_pct_exact(i128::from(c.n), i128::from(p.cell.n)) {
                        push("DE_CORE_ENTERPRISES_YOY", Value::Real(gr), "%");
                    }
                    if let Some(gr) = growth_pct_exact(c.revenue, p.cell.revenue) {
                        push("DE_CORE_REVENUE_YOY", Value::Real(gr), "%");
                    }
                }
                if !cur.va_missing && c.n > 0 {
                    push("DE_CORE_VA_RATE_METHOD", Value::Real(cur.va_rate), "万元");
                }
                push("DE_CORE_VA_INCOME_ENTERPRISES", Value::Count(c.income_n), "家");
                if c.income_n > 0 {
                    push("DE_CORE_VA_INCOME", Value::Money(c.income_va), "万元");
                    push("DE_CORE_VA_INCOME_REVENUE", Value::Money(c.income_revenue), "万元");
                }
                push("DE_CORE_ENTERPRISES_GE_10YI", Value::Count(c.b10_n), "家");
                push("DE_CORE_REVENUE_GE_10YI", Value::Money(c.b10_revenue), "万元");
                if let Some(s) = pct(c.b10_revenue, c.revenue) {
                    push("DE_CORE_REVENUE_GE_10YI_SHARE", Value::Real(s), "%");
                }
                push("DE_CORE_ENTERPRISES_GE_100YI", Value::Count(c.b100_n), "家");
                push("DE_CORE_REVENUE_GE_100YI", Value::Money(c.b100_revenue), "万元");
                if let Some(s) = pct(c.b100_revenue, c.revenue) {
                    push("DE_CORE_REVENUE_GE_100YI_SHARE", Value::Real(s), "%");
                }
                push("DE_CORE_EMPLOYEES_REPORTED", Value::Count(c.employees_n), "家");
                push("DE_CORE_EMPLOYEES", Value::Count(c.employees), "人");
            }
        }
    }

    // Top-N per target region and year: the top N of a union is inside the union of top Ns.
    let mut top = Vec::new();
    for (r, &ri) in uniq.iter().enumerate() {
        let region = &regions.regions[ri];
        for &y in &years {
            let yd = acc.years.iter().find(|d| d.year == y).expect("year present");
            let mut t = TopN::new(acc.top_n);
            for c in (0..acc.n_counties).filter(|&c| targets[c] == r) {
                t.merge(yd.top[c].clone());
            }
            for (i, e) in t.sorted().into_iter().enumerate() {
                let (sm, _, ma) = table.slot_classes(e.slot);
                top.push(TopRow {
                    region_code: region.code.clone(),
                    region_name: region.name_zh.clone(),
                    period: y,
                    rank: i + 1,
                    small_class: sm.code.clone(),
                    major_class: ma.code.clone(),
                    entry: e,
                });
            }
        }
    }
    (top, va_missing_codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rev: Micro, uscc: &str) -> TopEntry {
        TopEntry { revenue: rev, uscc: uscc.into(), name: String::new(), industry_code: 3911, slot: 0 }
    }

    #[test]
    fn top_n_keeps_the_largest_with_deterministic_ties() {
        let mut t = TopN::new(3);
        for (rev, u) in [(5, "E"), (9, "A"), (1, "B"), (9, "C"), (7, "D"), (9, "0")] {
            t.push(entry(rev, u));
        }
        let got: Vec<(Micro, String)> = t.sorted().into_iter().map(|e| (e.revenue, e.uscc)).collect();
        assert_eq!(got, vec![(9, "0".into()), (9, "A".into()), (9, "C".into())]);
        let mut a = TopN::new(2);
        a.push(entry(3, "X"));
        let mut b = TopN::new(2);
        b.push(entry(4, "Y"));
        b.push(entry(1, "Z"));
        a.merge(b);
        assert_eq!(a.sorted().iter().map(|e| e.revenue).collect::<Vec<_>>(), vec![4, 3]);
    }

    #[test]
    fn values_render_plainly() {
        assert_eq!(Value::Real(26.534400000001).render(), "26.5344");
        assert_eq!(Value::Real(-0.0000001).render(), "0");
        assert_eq!(Value::Real(-3.0).render(), "-3");
        assert_eq!(Value::Money(1_500_000).render(), "1.5");
    }
}
