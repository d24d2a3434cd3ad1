//! Reads of collection storage: forms, filings and their detail, validation, rates, templates,
//! the audit trail; and the reference data every operation checks against, kept between calls.

use super::*;

impl Store {
    /// The catalogue a collection operation checks against, read once and kept: only a dataset
    /// load changes it, and a load voids the kept copy through the change feed (in this process
    /// at once; a server applies other processes' loads before every request).
    pub(super) async fn reference(&self) -> Result<std::sync::Arc<Reference>> {
        let epoch = self.catalog_epoch();
        if let Some((e, r)) = &*self.reference.lock().expect("reference lock") {
            if *e == epoch {
                return Ok(r.clone());
            }
        }
        let regions = self.regions().await?;
        let tree = RegionTree::new(&regions);
        let set = self.form_set().await?;
        let r = std::sync::Arc::new(Reference {
            departments: self.departments().await?,
            indicators: self.indicators().await?,
            forms: set.forms,
            bounds: set.bounds,
            regions,
            tree,
        });
        // Read before the catalogue: a load in between leaves this copy already stale.
        *self.reference.lock().expect("reference lock") = Some((epoch, r.clone()));
        Ok(r)
    }

    /// Every form with its filers, indicators and rules, in dataset order; and the outlier bounds.
    pub async fn form_set(&self) -> Result<FormSet> {
        let rows = sqlx::query(
            "SELECT code, name_zh, name_en, frequency, responsible_department, opens_days, due_days, closes_days,
                    reconstruction, basis, source_doc, source_quote
             FROM forms ORDER BY position",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut forms = Vec::new();
        for r in &rows {
            let frequency: String = r.try_get(3)?;
            let days = |i: usize| -> Result<i32> {
                let v: i64 = r.try_get(i)?;
                i32::try_from(v).map_err(|_| StoreError::Corrupt(format!("forms window days {v}")))
            };
            forms.push(Form {
                code: r.try_get(0)?,
                name_zh: r.try_get(1)?,
                name_en: r.try_get(2)?,
                frequency: parse_stored("forms.frequency", &frequency)?,
                filers: Vec::new(),
                responsible_department: r.try_get(4)?,
                window: FilingWindow { opens_days: days(5)?, due_days: days(6)?, closes_days: days(7)? },
                indicators: Vec::new(),
                rules: Vec::new(),
                reconstruction: r.try_get::<i64, _>(8)? != 0,
                basis: r.try_get(9)?,
                source: Source { doc: r.try_get(10)?, quote: r.try_get(11)? },
            });
        }
        let index: HashMap<String, usize> = forms.iter().enumerate().map(|(i, f)| (f.code.clone(), i)).collect();
        let slot = |code: &str| index.get(code).copied().ok_or_else(|| StoreError::Corrupt(format!("unknown form `{code}`")));
        for r in sqlx::query("SELECT form_code, spec FROM form_filers ORDER BY form_code, position").fetch_all(&self.pool).await? {
            let code: String = r.try_get(0)?;
            let spec: String = r.try_get(1)?;
            let i = slot(&code)?;
            forms[i].filers.push(parse_stored::<FilerSpec>("form_filers.spec", &spec)?);
        }
        for r in sqlx::query("SELECT form_code, indicator_code, decimals, required FROM form_indicators ORDER BY form_code, position")
            .fetch_all(&self.pool)
            .await?
        {
            let code: String = r.try_get(0)?;
            let i = slot(&code)?;
            let decimals: i64 = r.try_get(2)?;
            forms[i].indicators.push(FormIndicator {
                indicator_code: r.try_get(1)?,
                decimals: u8::try_from(decimals).map_err(|_| StoreError::Corrupt(format!("form_indicators.decimals {decimals}")))?,
                required: r.try_get::<i64, _>(3)? != 0,
            });
        }
        for r in sqlx::query(
            "SELECT form_code, code, severity, when_expr, expression, message_zh, message_en, basis FROM form_rules ORDER BY form_code, position",
        )
        .fetch_all(&self.pool)
        .await?
        {
            let code: String = r.try_get(0)?;
            let i = slot(&code)?;
            let severity: String = r.try_get(2)?;
            let when: String = r.try_get(3)?;
            let expr: String = r.try_get(4)?;
            forms[i].rules.push(Rule {
                code: r.try_get(1)?,
                severity: parse_stored("form_rules.severity", &severity)?,
                when: if when.is_empty() { None } else { Some(parse_stored::<Comparison>("form_rules.when_expr", &when)?) },
                check: parse_stored("form_rules.expression", &expr)?,
                message_zh: r.try_get(5)?,
                message_en: r.try_get(6)?,
                basis: r.try_get(7)?,
            });
        }
        let mut bounds = Vec::new();
        for r in sqlx::query("SELECT region_code, indicator_code, lower_bound, upper_bound, basis FROM outlier_bounds ORDER BY id")
            .fetch_all(&self.pool)
            .await?
        {
            let region: String = r.try_get(0)?;
            bounds.push(Bound {
                region_code: (region != "*").then_some(region),
                indicator_code: r.try_get(1)?,
                lower: r.try_get(2)?,
                upper: r.try_get(3)?,
                basis: r.try_get(4)?,
            });
        }
        Ok(FormSet { forms, bounds })
    }

    pub async fn forms(&self) -> Result<Vec<Form>> {
        Ok(self.form_set().await?.forms)
    }

    /// Filings matching `filter`, by form, period, filer.
    pub async fn filings(&self, filter: &FilingFilter) -> Result<Vec<Filing>> {
        let mut conds = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        for (col, v) in [
            ("form_code", filter.form.clone()),
            ("filer_code", filter.filer.clone()),
            ("period", filter.period.map(|p| p.to_string())),
            ("state", filter.state.map(|s| s.as_str().to_string())),
        ] {
            if let Some(v) = v {
                binds.push(v);
                conds.push(format!("{col} = ${}", binds.len()));
            }
        }
        let cond = if conds.is_empty() { String::new() } else { format!(" WHERE {}", conds.join(" AND ")) };
        let mut q = sqlx::query(AssertSqlSafe(format!("SELECT {FILING_COLUMNS} FROM filings{cond} ORDER BY form_code, period, filer_code")));
        for b in &binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut out = rows.iter().map(filing_from_row).collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| (&a.form_code, a.period, a.filer.code()).cmp(&(&b.form_code, b.period, b.filer.code())));
        Ok(out)
    }

    /// One filing with its values, steps, value changes and comments.
    pub async fn filing_detail(&self, form: &str, filer: &str, period: Period) -> Result<Option<FilingDetail>> {
        let mut tx = self.pool.begin().await?;
        let d = detail_in(&mut tx, form, filer, period).await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Everything the entry page shows of one filing, read in one transaction: the filing with
    /// its history (and so its ETag), the entry rows with last period's values, and the rule
    /// results as it stands.
    pub async fn filing_view(&self, form: &str, filer: &str, period: Period) -> std::result::Result<FilingView, CollectError> {
        let r = self.reference().await?;
        let form = r.form(form)?;
        let filer = r.filer(form, filer)?;
        let mut tx = self.pool.begin().await?;
        let detail = detail_with(&mut tx, &form.code, filer.code(), period, Some(VIEW_EVENTS)).await?;
        let history = history_in(&mut tx, filer.region_code()).await?;
        tx.commit().await?;
        let values = detail.as_ref().map(|d| d.values.clone()).unwrap_or_default();
        let rows = template_rows(&r, form, &filer, period, &values, &history);
        let acc = r.accumulation();
        let accumulation = |c: &str| acc.get(c).copied().unwrap_or(Accumulation::Period);
        let validation = validate(&FilingContext { form, period, region_code: filer.region_code(), values: &values, history: &history, accumulation: &accumulation, bounds: &r.bounds });
        Ok(FilingView { detail, rows, due: form.window.dates(period).due, validation })
    }

    /// Rules, required values and outlier flags of a filing as it stands.
    pub async fn filing_validation(&self, form: &str, filer: &str, period: Period) -> std::result::Result<Validation, CollectError> {
        let r = self.reference().await?;
        let form = r.form(form)?;
        let filer = r.filer(form, filer)?;
        let mut tx = self.pool.begin().await?;
        let values = match filing_in(&mut tx, &form.code, filer.code(), period).await? {
            Some(f) => values_in(&mut tx, f.id).await?,
            None => BTreeMap::new(),
        };
        let history = history_in(&mut tx, filer.region_code()).await?;
        tx.commit().await?;
        let acc = r.accumulation();
        let accumulation = |c: &str| acc.get(c).copied().unwrap_or(Accumulation::Period);
        Ok(validate(&FilingContext { form, period, region_code: filer.region_code(), values: &values, history: &history, accumulation: &accumulation, bounds: &r.bounds }))
    }

    /// One filing as stored.
    pub async fn filing(&self, form: &str, filer: &str, period: Period) -> Result<Option<Filing>> {
        let mut conn = self.pool.acquire().await?;
        filing_in(&mut conn, form, filer, period).await
    }

    /// 报送率 / 及时率 of a form and period: one row per group region (filers in its subtree).
    pub async fn filing_rates(&self, form: &str, period: Period, groups: &[String], as_of: NaiveDate) -> std::result::Result<(Vec<RateRow>, NaiveDate), CollectError> {
        let r = self.reference().await?;
        let form = r.form(form)?;
        let filings = self.filings(&FilingFilter { form: Some(form.code.clone()), period: Some(period), ..Default::default() }).await?;
        let statuses: Vec<FilerStatus> = form
            .expected_filers(&r.regions, &r.departments)
            .into_iter()
            .map(|filer| {
                let f = filings.iter().find(|f| f.filer.code() == filer.code());
                FilerStatus {
                    filer,
                    state: f.map(|f| f.state),
                    first_submitted_at: f.and_then(|f| f.first_submitted_at.as_deref()).and_then(|t| t.parse().ok()),
                }
            })
            .collect();
        let window = form.window.dates(period);
        Ok((rates(&statuses, &window, as_of, groups, &r.tree), window.due))
    }

    /// A template of `form` for `filers` (all expected filers when empty) and `period`, with the
    /// previous period's stored values and the filings' current values.
    pub async fn filing_template(&self, form: &str, filers: &[String], period: Period) -> std::result::Result<Template, CollectError> {
        let r = self.reference().await?;
        let form = r.form(form)?;
        form.check_period(&period).map_err(|m| CollectError::Blocked(vec![m]))?;
        let chosen: Vec<Filer> = if filers.is_empty() {
            form.expected_filers(&r.regions, &r.departments)
        } else {
            filers.iter().map(|c| r.filer(form, c)).collect::<std::result::Result<_, _>>()?
        };
        let mut tx = self.pool.begin().await?;
        let mut rows = Vec::new();
        for filer in &chosen {
            let values = match filing_in(&mut tx, &form.code, filer.code(), period).await? {
                Some(f) => values_in(&mut tx, f.id).await?,
                None => BTreeMap::new(),
            };
            let history = history_in(&mut tx, filer.region_code()).await?;
            rows.extend(template_rows(&r, form, filer, period, &values, &history));
        }
        tx.commit().await?;
        Ok(Template {
            form_code: form.code.clone(),
            form_name_zh: form.name_zh.clone(),
            form_name_en: form.name_en.clone(),
            period,
            due: form.window.dates(period).due,
            rows,
        })
    }

    /// The audit trail, oldest first: every step of every matching filing, each followed by the
    /// value changes it made.
    pub async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let filings = self
            .filings(&FilingFilter { form: filter.form.clone(), filer: filter.filer.clone(), period: filter.period, state: None })
            .await?;
        let mut out = Vec::new();
        for f in &filings {
            let Some(d) = self.filing_detail(&f.form_code, f.filer.code(), f.period).await? else { continue };
            for e in &d.events {
                let base = AuditEntry {
                    at: e.at.clone(),
                    actor: e.actor.clone(),
                    actor_role: e.actor_role.clone(),
                    form_code: f.form_code.clone(),
                    filer_code: f.filer.code().to_string(),
                    period: f.period,
                    action: e.action,
                    from_state: e.from_state,
                    to_state: e.to_state,
                    indicator_code: None,
                    old_value: None,
                    new_value: None,
                    comment: e.comment.clone(),
                };
                out.push((e.id, 0, base.clone()));
                for (k, c) in d.changes.iter().filter(|c| c.event_id == e.id).enumerate() {
                    out.push((
                        e.id,
                        k + 1,
                        AuditEntry { indicator_code: Some(c.indicator_code.clone()), old_value: c.old_value, new_value: Some(c.new_value), comment: c.reason.clone(), ..base.clone() },
                    ));
                }
            }
        }
        out.sort_by(|a, b| (&a.2.at, a.0, a.1).cmp(&(&b.2.at, b.0, b.1)));
        Ok(out
            .into_iter()
            .map(|(_, _, e)| e)
            .filter(|e| filter.actor.as_ref().is_none_or(|a| &e.actor == a))
            .filter(|e| filter.indicator.as_ref().is_none_or(|i| e.indicator_code.as_ref() == Some(i)))
            .collect())
    }
}
