//! Drawing one group's missing values: additive cells in the specification's order, latest
//! year first, each log-uniform around its prior, propagating after each draw; rank changes
//! applied once their later year is drawn.

use super::*;

impl<'c, 'a> Group<'c, 'a> {
    /// Draws every additive cell, latest year first and within a year in the specification's
    /// row order (so that a back-cast always finds the later year); Err(reason) asks for a
    /// restart.
    pub(super) fn sample(&mut self, rng: &mut ChaCha8Rng, seed: u64) -> Result<(), String> {
        let rows: Vec<&SpecRow> = self.spec.rows.iter().filter(|r| r.level == self.level).collect();
        let mut years: Vec<i32> = self.cells.keys().map(|k| k.2).collect::<BTreeSet<_>>().into_iter().collect();
        years.reverse();
        for y in years {
            for row in &rows {
                // A documented rank change between y − 1 and y constrains this year's draws as a
                // whole: draw the year again (from the same state) until the change can hold.
                let ranked = self.rank_changes.iter().any(|s| s.0 == row.indicator && s.2 == y);
                let tries = if ranked { RANK_CHANGE_TRIES } else { 1 };
                let mut last = String::new();
                let mut ok = false;
                for _ in 0..tries {
                    let saved = ranked.then(|| (self.net.ivs.clone(), self.net.rels.len(), self.fixed.clone(), self.cells.clone()));
                    let res = self.draw_year(row, y, rng, seed).and_then(|()| if ranked { self.apply_rank_changes(&row.indicator, y) } else { Ok(()) });
                    match res {
                        Ok(()) => {
                            ok = true;
                            break;
                        }
                        Err(e) => {
                            last = e;
                            if let Some((ivs, n_rels, fixed, cells)) = saved {
                                self.net.ivs = ivs;
                                self.net.truncate_rels(n_rels);
                                self.fixed = fixed;
                                self.cells = cells;
                            }
                        }
                    }
                }
                if !ok {
                    return Err(last);
                }
            }
        }
        Ok(())
    }

    /// Draws `row`'s indicator for every member in `y`, in a seeded order.
    fn draw_year(&mut self, row: &SpecRow, y: i32, rng: &mut ChaCha8Rng, seed: u64) -> Result<(), String> {
        let mut order: Vec<String> = self.members.clone();
        for i in (1..order.len()).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        // Smallest first: the last free region of a sum takes what is left, and the largest
        // absorbs the accumulated differences with the least distortion.
        let weight = |m: &str| -> f64 {
            let point = |c: &str, yy: i32| self.cells.get(&(m.to_string(), c.to_string(), yy)).and_then(|c| self.fixed.get(&c.var).copied());
            point(&row.indicator, y + 1).or_else(|| row.proxy.as_deref().and_then(|p| point(p, y))).unwrap_or(0.0)
        };
        let weights: HashMap<String, f64> = order.iter().map(|m| (m.clone(), weight(m))).collect();
        order.sort_by(|a, b| weights[a].total_cmp(&weights[b]));
        for m in order {
            let k = (m.clone(), row.indicator.clone(), y);
            let Some(cell) = self.cells.get(&k) else { continue };
            if cell.kind != Kind::Sampled || cell.documented.is_some() {
                continue;
            }
            self.draw(&k, row, rng, seed)?;
        }
        Ok(())
    }

    /// Turns the documented rank changes of `x` at `year` into order relations for `year − 1`.
    fn apply_rank_changes(&mut self, x: &str, year: i32) -> Result<(), String> {
        let stmts: Vec<(String, i64)> = self.rank_changes.iter().filter(|s| s.0 == x && s.2 == year).map(|s| (s.1.clone(), s.3)).collect();
        if stmts.is_empty() {
            return Ok(());
        }
        let mut now = Vec::new();
        for m in &self.members {
            let c = &self.cells[&(m.clone(), x.to_string(), year)];
            let Some(&v) = self.fixed.get(&c.var) else {
                return Err(format!("{x} {year} 未全部确定 / not all drawn before the rank change: {}", self.names[c.var]));
            };
            now.push((m.clone(), v));
        }
        let rank = ranks_desc(&now);
        if rank.values().collect::<BTreeSet<_>>().len() != rank.len() {
            return Err(format!("{x} {year} 有并列 / has ties"));
        }
        let n = self.members.len() as i64;
        // The likely earlier value of a region: the middle of what the network allows, or its
        // later value back-cast at the typical growth.
        let g = 1.0 + self.spec.row(self.level, x).map_or(0.0, |r| r.growth) / 100.0;
        let later: HashMap<String, f64> = now.iter().cloned().collect();
        for (r, d) in &stmts {
            let above = rank[r] as i64 - 1 + d;
            if above < 0 || above >= n {
                return Err(format!("{x} {year}: {r} 的名次变化 {d} 不可能 / impossible rank change"));
            }
            let rv = self.cells[&(r.clone(), x.to_string(), year - 1)].var;
            let m = self.margin(x, rv);
            let riv = self.net.ivs[rv];
            let (mut forced_above, mut forced_below, mut open) = (Vec::new(), Vec::new(), Vec::new());
            for o in self.members.iter().filter(|o| *o != r) {
                let ov = self.cells[&(o.clone(), x.to_string(), year - 1)].var;
                let oiv = self.net.ivs[ov];
                if oiv.lo >= riv.hi + m {
                    forced_above.push(ov);
                } else if oiv.hi <= riv.lo - m {
                    forced_below.push(ov);
                } else {
                    let est = if oiv.is_bounded() && oiv.width() < 0.5 * oiv.mid().abs() { oiv.mid() } else { (later[o] / g).clamp(oiv.lo, oiv.hi) };
                    open.push((ov, est));
                }
            }
            let need = above - forced_above.len() as i64;
            if need < 0 || need > open.len() as i64 {
                return Err(format!(
                    "{x} {year}: {r} 的名次变化 {d} 与已抽取的值不符 / cannot hold with the values drawn (rank {} in {year}, {} certainly above, {} certainly below, {} open; {} ∈ [{}, {}]; values {:?})",
                    rank[r], forced_above.len(), forced_below.len(), open.len(), self.names[rv], riv.lo, riv.hi,
                    self.members.iter().map(|o| { let iv = self.net.ivs[self.cells[&(o.clone(), x.to_string(), year - 1)].var]; format!("{o}: {} [{:.1}, {:.1}]", later[o], iv.lo, iv.hi) }).collect::<Vec<_>>()
                ));
            }
            open.sort_by(|a, b| b.1.total_cmp(&a.1));
            let mut rels = Vec::new();
            for (i, (ov, _)) in open.iter().enumerate() {
                let rel = if (i as i64) < need { Rel::Le { a: Ex::Var(rv), b: Ex::Var(*ov), margin: m } } else { Rel::Le { a: Ex::Var(*ov), b: Ex::Var(rv), margin: m } };
                rels.push(self.net.add_rel(rel));
            }
            for ov in forced_above {
                rels.push(self.net.add_rel(Rel::Le { a: Ex::Var(rv), b: Ex::Var(ov), margin: m }));
            }
            for ov in forced_below {
                rels.push(self.net.add_rel(Rel::Le { a: Ex::Var(ov), b: Ex::Var(rv), margin: m }));
            }
            self.net.propagate(rels).map_err(|c| format!("名次变化 / rank change: {}", self.describe(c.relation)))?;
        }
        Ok(())
    }

    /// What the region's own sums leave for `k`: for every additive indicator Y = … + X + … of
    /// the region whose value is fixed, Y minus its fixed terms, split among the free terms by
    /// their values in the adjacent year (or by what is left of their parent totals). Returns μ,
    /// the rule, and the free terms' other shares (for the guard).
    fn row_prior(&self, k: &Key) -> Option<(f64, String, f64, Vec<f64>)> {
        let (region, code, y) = k;
        let point = |kk: &Key| self.cells.get(kk).and_then(|c| self.fixed.get(&c.var).copied());
        for ((r, big, yy), cell) in &self.cells {
            if r != region || yy != y || cell.kind != Kind::Sampled {
                continue;
            }
            let Some(total) = self.fixed.get(&cell.var).copied() else { continue };
            let Ok(Derivation::Formula(e, _)) = derivation(self.cat, self.spec, self.level, big) else { continue };
            if !is_additive(e) {
                continue;
            }
            let mut terms = Vec::new();
            refs(e, 0, &mut terms);
            if !terms.iter().any(|(t, _)| t == code) {
                continue;
            }
            let mut rest = total;
            let mut free = Vec::new();
            for (t, _) in &terms {
                let kk = (region.clone(), t.clone(), *y);
                match point(&kk) {
                    Some(v) => rest -= v,
                    None => match self.narrow_mid(&kk) {
                        Some(v) if t != code => rest -= v,
                        _ => free.push(t.clone()),
                    },
                }
            }
            let adjacent = |t: &str| point(&(region.clone(), t.to_string(), y + 1)).or_else(|| point(&(region.clone(), t.to_string(), y - 1)));
            let column_left = |t: &str| {
                let &(tv, _) = self.totals.get(&(t.to_string(), *y))?;
                let iv = self.net.ivs[tv];
                if !iv.is_bounded() {
                    return None;
                }
                let fixed: f64 = self.members.iter().filter_map(|m| point(&(m.clone(), t.to_string(), *y))).sum();
                Some(iv.mid() - fixed).filter(|v| *v > 0.0)
            };
            let (weights, how): (Option<Vec<f64>>, &str) = match free.iter().map(|t| adjacent(t)).collect::<Option<Vec<f64>>>() {
                Some(w) => (Some(w), "按相邻年份构成 / in the adjacent year's proportions"),
                None => (free.iter().map(|t| column_left(t)).collect(), "按各项合计余额 / in proportion to what is left of each total"),
            };
            let weights = weights.unwrap_or_else(|| vec![1.0; free.len()]);
            let i = free.iter().position(|t| t == code)?;
            let sum: f64 = weights.iter().sum();
            let shares: Vec<f64> = weights.iter().map(|w| rest * w / sum).collect();
            let mu = shares[i];
            if mu.is_finite() && mu > 0.0 {
                let others: Vec<f64> = shares.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, v)| *v).collect();
                return Some((mu, format!("{big} 余额 {} {how} / share of what {big} leaves", format_value(round_to(rest, 2))), rest, others));
            }
        }
        None
    }

    /// The growth factor from `year − 1` to `year` to expect of `code`: the parent's, where its
    /// totals for both years are known to within 25 %, else the specification's typical growth.
    pub(super) fn growth_for(&self, code: &str, year: i32, row: &SpecRow) -> f64 {
        let mid = |y: i32| {
            let &(v, _) = self.totals.get(&(code.to_string(), y))?;
            let iv = self.net.ivs[v];
            (iv.is_bounded() && iv.width() <= 0.25 * iv.mid().abs() && iv.mid() > 0.0).then(|| iv.mid())
        };
        match (mid(year), mid(year - 1)) {
            (Some(now), Some(before)) => now / before,
            _ => 1.0 + row.growth / 100.0,
        }
    }

    /// The middle of a cell's interval when the statements pin it to within 25 %.
    fn narrow_mid(&self, k: &Key) -> Option<f64> {
        let iv = self.net.ivs[self.cells.get(k)?.var];
        (iv.is_bounded() && iv.width() <= 0.25 * iv.mid().abs()).then(|| iv.mid())
    }

    /// The prior of a draw.
    fn prior(&self, k: &Key, row: &SpecRow) -> Result<Prior, String> {
        let (region, code, y) = k;
        let point = |kk: &Key| self.cells.get(kk).and_then(|c| self.fixed.get(&c.var).copied());
        let adjacent = |m: &str| point(&(m.to_string(), code.clone(), y + 1)).or_else(|| point(&(m.to_string(), code.clone(), y - 1)));
        let proxy = |m: &str| row.proxy.as_ref().and_then(|p| point(&(m.to_string(), p.clone(), *y)));
        let pname = self.cat.name(&self.parent);
        // A guard keeps what the free others would need: with a remainder R to share and the
        // others' expected shares μ_s, this value stays within [R − Σ μ_s·S, R − Σ μ_s / S]
        // (S = spread²), so that the last of them is not left with almost nothing.
        let guard = |rest: f64, others: &[f64], spread: f64| {
            let s = spread * spread;
            let need: f64 = others.iter().sum();
            if others.is_empty() {
                Iv::ALL
            } else {
                Iv::new(rest - need * s, rest - need / s)
            }
        };
        // 1. A share of the parent's remaining total (where the total is known to within 25 %),
        //    and of what the region's own sums leave (DI_VA within DE_VA = DI_VA + ID_VA); with
        //    both, their geometric mean (one step of iterative proportional fitting).
        let column = self.totals.get(&(code.clone(), *y)).and_then(|&(tv, _)| {
            let t = self.net.ivs[tv];
            if !t.is_bounded() || t.width() > 0.25 * t.mid().abs() {
                return None;
            }
            // Fixed values, and values the statements already pin down (an interval within 25 %
            // of its middle: 赣州's GDP from its documented shares), count as known.
            let mut fixed = 0.0;
            let mut free = Vec::new();
            for m in &self.members {
                let kk = (m.clone(), code.clone(), *y);
                match point(&kk) {
                    Some(v) => fixed += v,
                    None => match self.narrow_mid(&kk) {
                        Some(v) if m != region => fixed += v,
                        _ => free.push(m.clone()),
                    },
                }
            }
            let by_adjacent = free.iter().all(|m| adjacent(m).is_some());
            let by_proxy = free.iter().all(|m| proxy(m).is_some());
            let w = |m: &str| {
                if by_adjacent {
                    adjacent(m).unwrap()
                } else if by_proxy {
                    proxy(m).unwrap()
                } else {
                    1.0
                }
            };
            let total_w: f64 = free.iter().map(|m| w(m)).sum();
            let rest = t.mid() - fixed;
            let mu = rest * w(region) / total_w;
            if !(mu.is_finite() && mu > 0.0) {
                return None;
            }
            let (spread, how) = if by_adjacent {
                (row.yoy_spread, "按相邻年份值加权 / weighted by the adjacent year's value".to_string())
            } else if by_proxy {
                (row.spread, format!("按 {p} 加权 / weighted by {p}", p = row.proxy.as_deref().unwrap_or("")))
            } else {
                (row.spread, "均分 / equal shares".to_string())
            };
            let others: Vec<f64> = free.iter().filter(|m| *m != region).map(|m| rest * w(m) / total_w).collect();
            Some(Prior { mu, spread, why: format!("分配{pname} {y} 年合计余额（{how}）/ share of {pname}'s {y} total left after the known values"), guard: guard(rest, &others, spread) })
        });
        let within = self.row_prior(k).map(|(mu, why, rest, others)| Prior { mu, spread: row.spread, why, guard: guard(rest, &others, row.spread) });
        match (column, within) {
            (Some(c), Some(w)) => {
                return Ok(Prior { mu: (c.mu * w.mu).sqrt(), spread: c.spread, why: format!("{}; {}", c.why, w.why), guard: c.guard.meet(w.guard) });
            }
            (Some(c), None) => return Ok(c),
            (None, Some(w)) => return Ok(w),
            (None, None) => {}
        }
        // 2. Back-cast from the next year, or carry forward from the previous one, at the
        //    parent's growth where known, else the typical growth.
        if let Some(next) = point(&(region.clone(), code.clone(), y + 1)) {
            let g = self.growth_for(code, y + 1, row);
            let pct = format_value(round_to(100.0 * (g - 1.0), 2));
            return Ok(Prior::plain(next / g, row.yoy_spread, format!("由 {} 年值按增速 {pct}% 回推 / back-cast from {} at a growth of {pct} %", y + 1, y + 1)));
        }
        if let Some(prev) = point(&(region.clone(), code.clone(), y - 1)) {
            let g = self.growth_for(code, *y, row);
            let pct = format_value(round_to(100.0 * (g - 1.0), 2));
            return Ok(Prior::plain(prev * g, row.yoy_spread, format!("由 {} 年值按增速 {pct}% 外推 / carried forward from {} at a growth of {pct} %", y - 1, y - 1)));
        }
        // 3. The ratio to the proxy where both are known.
        if let (Some(p), Some(pv)) = (&row.proxy, proxy(region)) {
            let mut ratios: Vec<f64> = self.members.iter().filter(|m| *m != region).filter_map(|m| Some(point(&(m.clone(), code.clone(), *y))? / point(&(m.clone(), p.clone(), *y))?)).filter(|r| r.is_finite() && *r > 0.0).collect();
            ratios.sort_by(f64::total_cmp);
            if !ratios.is_empty() {
                let med = ratios[ratios.len() / 2];
                return Ok(Prior::plain(pv * med, row.spread, format!("按同级 {code}/{p} 比值中位数 {:.4} 估计 / ratio to {p} observed among the siblings ({:.4})", med, med)));
            }
        }
        if let Some(t) = row.typical {
            return Ok(Prior::plain(t, row.spread, format!("典型值 {} / typical value {}", format_value(t), format_value(t))));
        }
        let iv = self.net.ivs[self.cells[k].var];
        if iv.is_bounded() {
            return Ok(Prior::plain(iv.mid(), 1.0, "约束区间中点 / middle of the allowed interval".into()));
        }
        Err(format!("synthetic.csv:{}: {code} 没有可用的先验 / no prior for {code} (give `typical` or `proxy`)", row.line))
    }

    fn draw(&mut self, k: &Key, row: &SpecRow, rng: &mut ChaCha8Rng, seed: u64) -> Result<(), String> {
        let var = self.cells[k].var;
        let grid = row.grid();
        let iv = self.net.ivs[var];
        let fmt = |x: f64| if x.is_finite() { format_value(round_to(x, row.decimals + 2)) } else if x > 0.0 { "∞".into() } else { "−∞".into() };
        // Determined by the others (the last of a sum, a value fixed by a ratio …).
        if iv.width() <= 1e-6 * iv.lo.abs().max(1.0) {
            let v = round_to(iv.mid(), row.decimals);
            if (v - iv.mid()).abs() > 1e-6 * v.abs().max(1.0) {
                return Err(format!("{} 被确定为 {}，不在 {} 位小数的网格上 / determined off the storage grid", self.names[var], iv.mid(), row.decimals));
            }
            let snap = self.net.ivs.clone();
            if let Err(c) = self.net.set(var, Iv::point(v)) {
                let d = self.describe(c.relation);
                self.net.ivs = snap;
                return Err(d);
            }
            self.cells.get_mut(k).unwrap().rule = format!("{GENERATOR} seed={seed}: 由其他值与陈述唯一确定 / determined by the other values and the statements");
            self.fixed.insert(var, v);
            return Ok(());
        }
        let Prior { mu, spread, why, guard } = self.prior(k, row)?;
        let mut last = String::new();
        for attempt in 0..=DRAWS_PER_VALUE {
            let iv = self.net.ivs[var];
            let x = if attempt == DRAWS_PER_VALUE {
                if iv.is_bounded() {
                    iv.mid()
                } else {
                    mu.clamp(iv.lo, iv.hi)
                }
            } else {
                // Keep off the very ends of the interval: a value at the edge of what is
                // possible leaves the values drawn after it no room on the storage grid.
                let edge = if iv.is_bounded() { (2.0 * grid).max(0.02 * iv.width()).min(0.25 * iv.width()) } else { 2.0 * grid };
                let inner = Iv::new(iv.lo + if iv.lo.is_finite() { edge } else { 0.0 }, iv.hi - if iv.hi.is_finite() { edge } else { 0.0 });
                let inner = if inner.lo <= inner.hi { inner } else { Iv::point(iv.mid()) };
                let guarded = inner.meet(guard);
                let inner = if guarded.lo <= guarded.hi { guarded } else { inner };
                // Later attempts draw closer to μ (or the interval's middle).
                let f = 1.0 + (spread - 1.0) / (1 + attempt) as f64;
                let (mut a, mut b) = (mu / f, mu * f);
                if b < inner.lo {
                    (a, b) = (inner.lo, (inner.lo * f).min(inner.hi));
                } else if a > inner.hi {
                    (a, b) = ((inner.hi / f).max(inner.lo), inner.hi);
                } else {
                    (a, b) = (a.max(inner.lo), b.min(inner.hi));
                }
                let u = uniform(rng);
                if a > 0.0 && b.is_finite() {
                    (a.ln() + u * (b.ln() - a.ln())).exp()
                } else if a.is_finite() && b.is_finite() {
                    a + u * (b - a)
                } else {
                    mu
                }
            };
            let mut v = round_to(x, row.decimals);
            if v < iv.lo {
                v = round_to(v + grid, row.decimals);
            }
            if v > iv.hi {
                v = round_to(v - grid, row.decimals);
            }
            if !iv.contains(v) {
                last = format!("{} 的区间 [{}, {}] 内没有 {} 位小数的值 / no value on the storage grid inside the interval", self.names[var], iv.lo, iv.hi, row.decimals);
                continue;
            }
            let snap = self.net.ivs.clone();
            match self.net.set(var, Iv::point(v)) {
                Ok(()) => {
                    self.fixed.insert(var, v);
                    self.cells.get_mut(k).unwrap().rule = format!("{GENERATOR} seed={seed}: {why}; μ = {}, 区间 / interval [{}, {}]", fmt(mu), fmt(iv.lo), fmt(iv.hi));
                    return Ok(());
                }
                Err(c) => {
                    last = self.describe(c.relation);
                    self.net.ivs = snap;
                }
            }
        }
        Err(format!("{}: {last}", self.names[var]))
    }
}
