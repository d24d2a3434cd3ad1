//! Building one sibling group's constraint network, a step per kind of statement: the wanted
//! cells and their variables, documented derived values, parent totals and sums of sums, the
//! parent's statements, formulas and nested sums, bounds and ranks, rank changes, and the
//! plausible change from one year to the next.

use super::*;

impl<'c, 'a> Group<'c, 'a> {
    /// The group's network: every statement the group must keep, one step each, then checked
    /// for agreement before anything is drawn.
    pub(super) fn build(cat: &'c Catalog<'a>, spec: &'a Spec, level: RegionLevel, parent: &str, known: &HashMap<Key, f64>, label: &str) -> Result<Group<'c, 'a>, SynthError> {
        let members = cat.children(parent, level);
        let mut g = Group {
            cat,
            spec,
            level,
            parent: parent.to_string(),
            label: label.to_string(),
            members: members.clone(),
            net: Network::default(),
            cells: BTreeMap::new(),
            totals: BTreeMap::new(),
            names: Vec::new(),
            rank_changes: Vec::new(),
            fixed: HashMap::new(),
        };
        let wanted = g.wanted()?;
        g.add_cells(&wanted, known)?;
        g.add_documented_statements(known)?;
        g.add_parent_totals(known)?;
        g.add_sums_of_sums()?;
        g.add_parent_statements(known);
        g.add_formulas()?;
        g.add_nested_sums();
        g.add_constraints()?;
        g.add_rank_changes(known);
        // Everything documented must already agree.
        if let Err(c) = g.net.propagate_all() {
            return Err(SynthError::Contradiction { group: g.label.clone(), detail: g.describe(c.relation) });
        }
        g.add_plausible_change()?;
        Ok(g)
    }

    /// Step 1: Wanted cells and, transitively, what their formulas read.
    fn wanted(&self) -> Result<BTreeSet<Key>, SynthError> {
        let cat = self.cat;
        let spec = self.spec;
        let level = self.level;
        let members = self.members.clone();
        let mut wanted: BTreeSet<Key> = BTreeSet::new();
        let mut todo: Vec<Key> = Vec::new();
        for row in spec.rows.iter().filter(|r| r.level == level) {
            for &y in &row.years {
                for m in &members {
                    todo.push((m.clone(), row.indicator.clone(), y));
                }
            }
        }
        while let Some(k) = todo.pop() {
            if !wanted.insert(k.clone()) {
                continue;
            }
            self.row(&k.1)?;
            match derivation(cat, spec, level, &k.1)? {
                Derivation::Formula(e, _) => {
                    let mut rs = Vec::new();
                    refs(e, 0, &mut rs);
                    for (c, off) in rs {
                        todo.push((k.0.clone(), c, k.2 + off));
                    }
                }
                Derivation::RankChange(x) => {
                    for m in &members {
                        todo.push((m.clone(), x.to_string(), k.2));
                        todo.push((m.clone(), x.to_string(), k.2 - 1));
                    }
                }
                Derivation::ParentShare(x) => todo.push((k.0.clone(), x.to_string(), k.2)),
                Derivation::None => {}
            }
        }
        Ok(wanted)
    }

    /// Step 2: Variables of the wanted cells.
    fn add_cells(&mut self, wanted: &BTreeSet<Key>, known: &HashMap<Key, f64>) -> Result<(), SynthError> {
        let cat = self.cat;
        let spec = self.spec;
        let level = self.level;
        for k in wanted {
            let row = self.row(&k.1)?;
            let doc = known.get(k).copied().filter(|_| spec.excluded(&k.0, &k.1, Period::Year(k.2)).is_none());
            if known.contains_key(k) && doc.is_none() && matches!(derivation(cat, spec, level, &k.1)?, Derivation::None) {
                return Err(SynthError::Spec(format!(
                    "synthetic_exclusions.csv: {} {} {} 是文件给出的基础值，不能排除 / is a documented base value and cannot be excluded (only derived statements and parent totals can)",
                    k.0, k.1, k.2
                )));
            }
            let kind = match derivation(cat, spec, level, &k.1)? {
                Derivation::Formula(e, _) if is_additive(e) => Kind::Sampled,
                Derivation::Formula(..) | Derivation::ParentShare(_) => Kind::Computed(Ex::Const(0.0), String::new()),
                Derivation::RankChange(x) => Kind::RankChange(x.to_string()),
                Derivation::None => Kind::Sampled,
            };
            let iv = match (doc, &kind) {
                (Some(v), Kind::Sampled) => Iv::point(v),
                (Some(v), Kind::Computed(..)) => Iv::new(v - half_unit(v), v + half_unit(v)),
                _ => Iv::new(row.lower.unwrap_or(f64::NEG_INFINITY), row.upper.unwrap_or(f64::INFINITY)),
            };
            let var = self.var(iv, format!("{} {} {}", cat.name(&k.0), k.1, k.2));
            if let (Some(v), Kind::Sampled) = (doc, &kind) {
                self.fixed.insert(var, v);
            }
            self.cells.insert(k.clone(), Cell { var, kind, documented: doc, output: doc.is_none(), rule: String::new() });
        }
        Ok(())
    }

    /// Step 3: Documented statements whose formula reads only cells of the network.
    fn add_documented_statements(&mut self, known: &HashMap<Key, f64>) -> Result<(), SynthError> {
        let cat = self.cat;
        let spec = self.spec;
        let level = self.level;
        let members = self.members.clone();
        for ((region, code, y), &v) in known.iter() {
            if !members.contains(region) || self.cells.contains_key(&(region.clone(), code.clone(), *y)) {
                continue;
            }
            if spec.excluded(region, code, Period::Year(*y)).is_some() || !cat.indicators.contains_key(code.as_str()) {
                continue;
            }
            let inputs: Vec<Key> = match derivation(cat, spec, level, code)? {
                Derivation::Formula(e, _) => {
                    let mut rs = Vec::new();
                    refs(e, 0, &mut rs);
                    rs.into_iter().map(|(c, off)| (region.clone(), c, y + off)).collect()
                }
                Derivation::ParentShare(x) => vec![(region.clone(), x.to_string(), *y)],
                Derivation::RankChange(_) | Derivation::None => continue,
            };
            if inputs.iter().all(|k| self.cells.contains_key(k)) {
                let var = self.var(Iv::new(v - half_unit(v), v + half_unit(v)), format!("{} {code} {y}（文件 / documented {v}）", cat.name(region)));
                self.cells.insert((region.clone(), code.clone(), *y), Cell { var, kind: Kind::Computed(Ex::Const(0.0), String::new()), documented: Some(v), output: false, rule: String::new() });
            }
        }
        Ok(())
    }

    /// Step 4: Parent totals of `sum` indicators.
    fn add_parent_totals(&mut self, known: &HashMap<Key, f64>) -> Result<(), SynthError> {
        let cat = self.cat;
        let spec = self.spec;
        let level = self.level;
        let members = self.members.clone();
        let parent = self.parent.clone();
        let parent = parent.as_str();
        let keys: Vec<Key> = self.cells.keys().cloned().collect();
        let mut sum_years: BTreeSet<(String, i32)> = BTreeSet::new();
        for (_, code, y) in &keys {
            if cat.indicators[code.as_str()].aggregation == Aggregation::Sum {
                sum_years.insert((code.clone(), *y));
            }
        }
        for (code, y) in sum_years {
            let children: Option<Vec<VarId>> = members.iter().map(|m| self.cells.get(&(m.clone(), code.clone(), y)).map(|c| c.var)).collect();
            let Some(children) = children else { continue };
            let pk = (parent.to_string(), code.clone(), y);
            let doc = known.get(&pk).copied().filter(|_| spec.excluded(parent, &code, Period::Year(y)).is_none());
            let additive = match derivation(cat, spec, level, &code)? {
                Derivation::Formula(e, _) => is_additive(e),
                _ => true,
            };
            let iv = match doc {
                Some(v) if additive => Iv::point(v),
                Some(v) => Iv::new(v - half_unit(v), v + half_unit(v)),
                None => Iv::ALL,
            };
            let var = self.var(iv, format!("{} {code} {y}（合计 / total）", cat.name(parent)));
            self.net.add_rel(Rel::Eq { out: var, expr: Ex::sum(children.into_iter().map(Ex::Var)) });
            self.totals.insert((code, y), (var, doc));
        }
        Ok(())
    }

    /// Step 4b: Sums of sums: where X = A + B for every child, also X = A + B for the totals. It
    /// follows from the children, but interval propagation cannot see it through them, and
    /// without it a late draw can find the totals no longer reconcilable.
    fn add_sums_of_sums(&mut self) -> Result<(), SynthError> {
        let cat = self.cat;
        let spec = self.spec;
        let level = self.level;
        let total_keys: Vec<(String, i32)> = self.totals.keys().cloned().collect();
        for (code, y) in total_keys {
            let Derivation::Formula(e, _) = derivation(cat, spec, level, &code)? else { continue };
            if !is_additive(e) {
                continue;
            }
            let totals = &self.totals;
            let resolve = |c: &str, yy: i32| totals.get(&(c.to_string(), yy)).map(|t| t.0);
            if let Some(expr) = compile(e, y, &resolve) {
                let out = self.totals[&(code.clone(), y)].0;
                self.net.add_rel(Rel::Eq { out, expr });
            }
        }
        Ok(())
    }

    /// Step 5: The parent's documented statements over the totals (growth, shares, changes), with
    /// the parent's derived values they read (the province's `DE_VA_GROWTH_VS_GDP` reads its
    /// `DE_VA_GROWTH`, which reads the totals).
    fn add_parent_statements(&mut self, known: &HashMap<Key, f64>) {
        let cat = self.cat;
        let spec = self.spec;
        let parent = self.parent.clone();
        let parent = parent.as_str();
        let statements: Vec<(String, i32)> = known
            .keys()
            .filter(|(r, c, y)| r == parent && spec.excluded(r, c, Period::Year(*y)).is_none() && cat.indicators.get(c.as_str()).is_some_and(|i| i.formula.is_some()))
            .map(|(_, c, y)| (c.clone(), *y))
            .collect();
        let mut derived: HashMap<(String, i32), Option<VarId>> = HashMap::new();
        for (code, y) in statements {
            self.parent_var(&code, y, known, &mut derived, 0);
        }
    }

    /// Step 6: Formulas of the cells.
    fn add_formulas(&mut self) -> Result<(), SynthError> {
        let cat = self.cat;
        let spec = self.spec;
        let level = self.level;
        let parent = self.parent.clone();
        let parent = parent.as_str();
        let cells_snapshot: Vec<(Key, VarId)> = self.cells.iter().map(|(k, c)| (k.clone(), c.var)).collect();
        let index: HashMap<Key, VarId> = cells_snapshot.iter().cloned().collect();
        for (k, var) in &cells_snapshot {
            let compiled = match derivation(cat, spec, level, &k.1)? {
                Derivation::Formula(e, text) => {
                    let resolve = |c: &str, yy: i32| index.get(&(k.0.clone(), c.to_string(), yy)).copied();
                    compile(e, k.2, &resolve).map(|x| (x, format!("按公式计算 / computed: {text}")))
                }
                Derivation::ParentShare(x) => {
                    let own = index.get(&(k.0.clone(), x.to_string(), k.2)).copied();
                    match (own, self.totals.get(&(x.to_string(), k.2))) {
                        (Some(o), Some(&(t, _))) => Some((
                            Ex::mul(Ex::Const(100.0), Ex::div(Ex::Var(o), Ex::Var(t))),
                            format!("按公式计算 / computed: {x} / {} {x} * 100", cat.name(parent)),
                        )),
                        _ => {
                            return Err(SynthError::Spec(format!(
                                "`{}` 需要 {x} 的上级合计，但 {x} 不是可加指标 / needs the parent total of {x}, which is not aggregated by sum",
                                k.1
                            )))
                        }
                    }
                }
                _ => None,
            };
            if let Some((expr, rule)) = compiled {
                self.net.add_rel(Rel::Eq { out: *var, expr: expr.clone() });
                let cell = self.cells.get_mut(k).unwrap();
                if matches!(cell.kind, Kind::Computed(..)) {
                    cell.kind = Kind::Computed(expr, rule);
                }
            } else if matches!(self.cells[k].kind, Kind::Computed(..)) {
                return Err(SynthError::Spec(format!("`{}` {} 的公式输入不全 / the inputs of its formula are missing", k.1, k.2)));
            }
        }
        Ok(())
    }

    /// Step 6b: Nested sums: where one sum's terms include another's (CORE_REV = 01 + 02 + 03 + 04
    /// and CORE_REV_02_03_04 = 02 + 03 + 04), tie the two directly, for the same reason as
    /// the sums of sums above.
    fn add_nested_sums(&mut self) {
        let cat = self.cat;
        let spec = self.spec;
        let level = self.level;
        let additive: Vec<(String, Vec<String>)> = {
            let mut codes: BTreeSet<String> = self.cells.keys().map(|k| k.1.clone()).collect();
            codes.extend(self.totals.keys().map(|k| k.0.clone()));
            codes
                .into_iter()
                .filter_map(|c| match derivation(cat, spec, level, &c) {
                    Ok(Derivation::Formula(e, _)) if is_additive(e) => {
                        let mut rs = Vec::new();
                        refs(e, 0, &mut rs);
                        Some((c, rs.into_iter().map(|r| r.0).collect()))
                    }
                    _ => None,
                })
                .collect()
        };
        for (big, big_terms) in &additive {
            for (small, small_terms) in &additive {
                if big == small || small_terms.len() >= big_terms.len() || !small_terms.iter().all(|t| big_terms.contains(t)) {
                    continue;
                }
                let rest: Vec<&String> = big_terms.iter().filter(|t| !small_terms.contains(t)).collect();
                // For every region (and the totals) and year where all of them are variables.
                let mut places: Vec<(Option<String>, i32)> = self.cells.keys().filter(|k| &k.1 == big).map(|k| (Some(k.0.clone()), k.2)).collect();
                places.extend(self.totals.keys().filter(|k| &k.0 == big).map(|k| (None, k.1)));
                for (region, y) in places {
                    let var_of = |c: &str| match &region {
                        Some(r) => self.cells.get(&(r.clone(), c.to_string(), y)).map(|x| x.var),
                        None => self.totals.get(&(c.to_string(), y)).map(|t| t.0),
                    };
                    let (Some(out), Some(sv)) = (var_of(big), var_of(small)) else { continue };
                    let terms: Option<Vec<VarId>> = rest.iter().map(|t| var_of(t)).collect();
                    let Some(terms) = terms else { continue };
                    let expr = Ex::sum(std::iter::once(Ex::Var(sv)).chain(terms.into_iter().map(Ex::Var)));
                    self.net.add_rel(Rel::Eq { out, expr });
                }
            }
        }
    }

    /// Step 7: Bounds and ranks of constraints.csv.
    fn add_constraints(&mut self) -> Result<(), SynthError> {
        let members = self.members.clone();
        let mut ranks: BTreeMap<(String, i32), Vec<(usize, String)>> = BTreeMap::new();
        for c in self.cat_constraints() {
            let Period::Year(y) = c.period else { continue };
            if c.relation == Relation::Rank {
                if members.contains(&c.region_code) && self.cells.contains_key(&(c.region_code.clone(), c.indicator_code.clone(), y)) {
                    ranks.entry((c.indicator_code.clone(), y)).or_default().push((c.value as usize, c.region_code.clone()));
                }
                continue;
            }
            let target = if c.region_code == self.parent {
                self.totals.get(&(c.indicator_code.clone(), y)).filter(|t| t.1.is_none()).map(|t| (t.0, 2.0 * 0.01))
            } else if members.contains(&c.region_code) {
                self.cells.get(&(c.region_code.clone(), c.indicator_code.clone(), y)).filter(|cell| cell.documented.is_none()).map(|cell| (cell.var, 0.0))
            } else {
                None
            };
            let Some((var, extra)) = target else { continue };
            let m = self.margin(&c.indicator_code, var).max(extra);
            let iv = match c.relation {
                Relation::Gt | Relation::Ge => Iv::at_least(c.value + m),
                Relation::Lt | Relation::Le => Iv::at_most(c.value - m),
                Relation::Rank => unreachable!(),
            };
            self.net.ivs[var] = self.net.ivs[var].meet(iv);
        }
        for ((code, y), mut list) in ranks {
            list.sort();
            let contiguous = list.iter().enumerate().all(|(i, (r, _))| *r == i + 1);
            let all_present = members.iter().all(|m| self.cells.contains_key(&(m.clone(), code.clone(), y)));
            if !contiguous || !all_present {
                return Err(SynthError::Spec(format!(
                    "{code} {y}: 只支持从第 1 名起连续的名次且须有全部同级地区的值 / rank statements must be 1…k and every sibling must be generated"
                )));
            }
            let operand = |g: &Group, r: &str| {
                let c = &g.cells[&(r.to_string(), code.clone(), y)];
                c.documented.map_or(Ex::Var(c.var), Ex::Const)
            };
            let listed: Vec<String> = list.iter().map(|(_, r)| r.clone()).collect();
            for w in listed.windows(2) {
                let m = self.margin(&code, self.cells[&(w[1].clone(), code.clone(), y)].var);
                let (a, b) = (operand(self, &w[1]), operand(self, &w[0]));
                self.net.add_rel(Rel::Le { a, b, margin: m });
            }
            let last = listed.last().unwrap().clone();
            for other in members.iter().filter(|m| !listed.contains(m)) {
                let m = self.margin(&code, self.cells[&(other.clone(), code.clone(), y)].var);
                let (a, b) = (operand(self, other), operand(self, &last));
                self.net.add_rel(Rel::Le { a, b, margin: m });
            }
        }
        Ok(())
    }

    /// Step 8: Documented rank changes, applied once the later year is drawn.
    fn add_rank_changes(&mut self, known: &HashMap<Key, f64>) {
        let cat = self.cat;
        let spec = self.spec;
        let level = self.level;
        let members = self.members.clone();
        for (k, cell) in &self.cells {
            if let (Kind::RankChange(x), Some(v)) = (&cell.kind, cell.documented) {
                self.rank_changes.push((x.clone(), k.0.clone(), k.2, v as i64));
            }
        }
        for ((region, code, y), &v) in known.iter() {
            if members.contains(region) && !self.cells.contains_key(&(region.clone(), code.clone(), *y)) && spec.excluded(region, code, Period::Year(*y)).is_none() {
                if let Ok(Derivation::RankChange(x)) = derivation(cat, spec, level, code) {
                    if members.iter().all(|m| self.cells.contains_key(&(m.clone(), x.to_string(), *y)) && self.cells.contains_key(&(m.clone(), x.to_string(), y - 1))) {
                        self.rank_changes.push((x.to_string(), region.clone(), *y, v as i64));
                    }
                }
            }
        }
        self.rank_changes.sort();
    }

    /// Step 9: Plausible change from one year to the next: a drawn value stays within
    /// g ×/÷ yoy_spread⁴ of the same region's value a year before, g being the parent's
    /// growth where the statements give it (else the specification's typical growth) — so
    /// that a documented net increase of 93 enterprises does not leave a city with 2 the year
    /// before, and a county grows roughly as its city does.
    fn add_plausible_change(&mut self) -> Result<(), SynthError> {
        let spec = self.spec;
        let level = self.level;
        let mut plausible = Vec::new();
        for (k, cell) in self.cells.iter() {
            let prev = (k.0.clone(), k.1.clone(), k.2 - 1);
            let (Some(pc), Some(row)) = (self.cells.get(&prev), spec.row(level, &k.1)) else { continue };
            if cell.kind != Kind::Sampled || pc.kind != Kind::Sampled || row.yoy_spread <= 1.0 || (cell.documented.is_some() && pc.documented.is_some()) {
                continue;
            }
            let growth = self.growth_for(&k.1, k.2, row);
            let f = row.yoy_spread.powi(4);
            let (now, before) = (Ex::Var(cell.var), Ex::Var(pc.var));
            plausible.push(Rel::Le { a: now.clone(), b: Ex::mul(Ex::Const(growth * f), before.clone()), margin: 0.0 });
            plausible.push(Rel::Le { a: Ex::mul(Ex::Const(growth / f), before), b: now, margin: 0.0 });
        }
        let ids: Vec<usize> = plausible.into_iter().map(|r| self.net.add_rel(r)).collect();
        if let Err(c) = self.net.propagate(ids) {
            return Err(SynthError::Spec(format!("{}: 文件值超出 yoy_spread 允许的逐年变化 / a documented change from one year to the next is outside what yoy_spread allows: {}", self.label, self.describe(c.relation))));
        }
        Ok(())
    }
}
