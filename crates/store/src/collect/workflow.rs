//! The collection workflow: saving values, importing a file, submitting, withdrawing, approving,
//! returning (with a notice to the filer) and reopening — each one transaction that checks with `digecon-collect`'s decisions and
//! writes through [`super::sql`].

use super::*;

impl Store {
    /// Values typed in (web entry, `digecon filings set`): the same checks and writes as an import.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_filing_values(
        &self,
        form: &str,
        period: Period,
        entries: &[(String, String, f64)],
        actor: &Actor,
        reason: &str,
        at: DateTime<Utc>,
        dry_run: bool,
    ) -> std::result::Result<SaveSummary, CollectError> {
        self.save_filing_values_expecting(form, period, entries, actor, reason, at, dry_run, None).await
    }

    /// [`Store::save_filing_values`] with an `If-Match` precondition.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_filing_values_expecting(
        &self,
        form: &str,
        period: Period,
        entries: &[(String, String, f64)],
        actor: &Actor,
        reason: &str,
        at: DateTime<Utc>,
        dry_run: bool,
        expect: Option<&Expect>,
    ) -> std::result::Result<SaveSummary, CollectError> {
        let place = |filer: &str, ind: &str, col: &str| Located { sheet: Some(filer.into()), column: Some(format!("{ind}{col}")), ..Located::at("entry", 0, "") };
        let file = ImportFile {
            form_code: form.to_string(),
            form_location: Located::at("entry", 0, ""),
            period,
            period_location: Located::at("entry", 0, ""),
            values: entries
                .iter()
                .map(|(f, i, v)| ImportedValue {
                    filer_code: f.clone(),
                    indicator_code: i.clone(),
                    value: *v,
                    location: place(f, i, ""),
                    filer_location: place(f, i, ""),
                    indicator_location: place(f, i, ""),
                    filer_name: String::new(),
                    indicator_name: String::new(),
                    unit: String::new(),
                })
                .collect(),
        };
        self.import_filing_file_expecting(&file, actor, reason, at, dry_run, expect).await
    }

    /// Imports a read file: all or nothing. Checks the form and codes, the actor's right to file
    /// for every filer whose values change, the filings' states and windows, and the form's error
    /// rules on the values as they would be; then writes filings, values, audit and provisional
    /// observations in one transaction (rolled back with `dry_run`).
    pub async fn import_filing_file(
        &self,
        file: &ImportFile,
        actor: &Actor,
        reason: &str,
        at: DateTime<Utc>,
        dry_run: bool,
    ) -> std::result::Result<SaveSummary, CollectError> {
        self.import_filing_file_expecting(file, actor, reason, at, dry_run, None).await
    }

    /// [`Store::import_filing_file`], refused with [`CollectError::Stale`] when `expect` names a
    /// filer whose filing no longer has the ETag the writer read.
    pub async fn import_filing_file_expecting(
        &self,
        file: &ImportFile,
        actor: &Actor,
        reason: &str,
        at: DateTime<Utc>,
        dry_run: bool,
        expect: Option<&Expect>,
    ) -> std::result::Result<SaveSummary, CollectError> {
        self.retrying("filing import", move || self.import_once(file, actor, reason, at, dry_run, expect)).await
    }

    async fn import_once(
        &self,
        file: &ImportFile,
        actor: &Actor,
        reason: &str,
        at: DateTime<Utc>,
        dry_run: bool,
        expect: Option<&Expect>,
    ) -> std::result::Result<SaveSummary, CollectError> {
        let r = self.reference().await?;
        let form = r.forms.iter().find(|f| f.code == file.form_code);
        let cat = ImportCatalog { regions: &r.regions, departments: &r.departments, indicators: &r.indicators };
        let checked = import::check(file, form, &cat).map_err(CollectError::Rejected)?;
        let form = form.expect("checked");
        let period = file.period;
        let acc = r.accumulation();
        let accumulation = |c: &str| acc.get(c).copied().unwrap_or(Accumulation::Period);
        let stamp = ts(at);

        // Group by filer, in file order.
        let mut groups: Vec<(Filer, Vec<&import::CheckedValue>)> = Vec::new();
        for v in &checked {
            match groups.iter_mut().find(|(f, _)| *f == v.filer) {
                Some((_, vs)) => vs.push(v),
                None => groups.push((v.filer.clone(), vec![v])),
            }
        }
        let mut tx = self.begin_write().await?;
        // Lock every filing this import may write, in one order, before reading any of them:
        // concurrent saves of one filing then read each other's values (the audit stays a chain)
        // and never deadlock.
        let mut locks: Vec<String> = groups.iter().map(|(f, _)| filing_lock(&form.code, f.code(), period)).collect();
        locks.sort();
        locks.dedup();
        for k in &locks {
            tx.lock(k).await?;
        }
        let mut problems: Vec<Located> = Vec::new();
        let mut summary = SaveSummary::default();
        struct Plan {
            filer: Filer,
            existing: Option<Filing>,
            next: FilingState,
            changes: Vec<(String, Option<f64>, f64)>,
        }
        let mut plans = Vec::new();
        for (filer, vals) in &groups {
            let first = vals[0].location.clone();
            let existing = filing_in(&mut tx, &form.code, filer.code(), period).await?;
            let old = match &existing {
                Some(f) => values_in(&mut tx, f.id).await?,
                None => BTreeMap::new(),
            };
            if !digecon_collect::can_view(actor, filer, &r.tree) {
                problems.push(first.with_message(format!("无权填报 / not in your data scope: {} {}", filer.kind(), filer.code())));
                continue;
            }
            check_expect(&mut tx, filer.code(), existing.as_ref(), expect).await?;
            let mut changes = Vec::new();
            for v in vals {
                match old.get(&v.indicator_code) {
                    Some(o) if *o == v.value => summary.unchanged += 1,
                    o => changes.push((v.indicator_code.clone(), o.copied(), v.value)),
                }
            }
            if changes.is_empty() {
                continue;
            }
            let state = existing.as_ref().map(|f| f.state);
            let next = match transition(Action::Save, state, actor, filer, &r.tree, "") {
                Ok(n) => n,
                // One filing that is locked (submitted, approved): a conflict with its state,
                // answered like the actions answer it, not a problem of the values.
                Err(d @ Denied::WrongState { .. }) if groups.len() == 1 => return Err(CollectError::Denied(d)),
                Err(d) => {
                    problems.push(first.with_message(d.to_string()));
                    continue;
                }
            };
            // The window bounds a first filing; a draft that was submitted once (and withdrawn)
            // is corrected and submitted again like a returned one.
            let submitted_once = existing.as_ref().is_some_and(|f| f.first_submitted_at.is_some());
            if matches!(state, None | Some(FilingState::Draft)) && !submitted_once {
                if let Some(m) = window_problem(form, period, at) {
                    problems.push(first.with_message(m));
                    continue;
                }
            }
            // Rules on the values as they would be after this import.
            let mut merged = old.clone();
            for (ind, _, new) in &changes {
                merged.insert(ind.clone(), *new);
            }
            let history = history_in(&mut tx, filer.region_code()).await?;
            let validation = validate(&FilingContext {
                form,
                period,
                region_code: filer.region_code(),
                values: &merged,
                history: &history,
                accumulation: &accumulation,
                bounds: &r.bounds,
            });
            for res in validation.errors() {
                let rule = form.rules.iter().find(|x| x.code == res.rule_code).expect("rule of the form");
                let refs = rule.check.current_references();
                let location = vals.iter().find(|v| refs.contains(&v.indicator_code.as_str())).map_or_else(|| first.clone(), |v| v.location.clone());
                problems.push(location.with_message(res.to_string()));
            }
            summary.warnings.extend(validation.warnings().map(|w| (filer.code().to_string(), w.clone())));
            summary.outliers.extend(validation.outliers.into_iter().filter(|o| changes.iter().any(|(i, _, _)| *i == o.indicator_code)).map(|o| (filer.code().to_string(), o)));
            for (_, old, _) in &changes {
                if old.is_some() {
                    summary.updated += 1;
                } else {
                    summary.created += 1;
                }
            }
            plans.push(Plan { filer: filer.clone(), existing, next, changes });
        }
        if !problems.is_empty() {
            tx.rollback().await?;
            problems.sort_by_key(|p| (p.sheet.clone(), p.line, p.column.clone()));
            return Err(CollectError::Rejected(Problems(problems)));
        }
        for plan in plans {
            let from = plan.existing.as_ref().map(|f| f.state);
            let (filing, version) = match plan.existing {
                Some(f) => {
                    bump_version(&mut tx, f.id, &stamp).await?;
                    let v = f.version + 1;
                    (f, v)
                }
                None => {
                    summary.filings_created += 1;
                    (create_filing(&mut tx, &form.code, &plan.filer, period, plan.next, &stamp).await?, 1)
                }
            };
            summary.etags.push((plan.filer.code().to_string(), Filing { version, ..filing.clone() }.etag()));
            tx.touch(ChangeKind::Filing, &format!("{}/{}/{}", form.code, plan.filer.code(), period));
            let event = insert_event(&mut tx, filing.id, &stamp, actor, Action::Save, from, plan.next, reason).await?;
            insert_values(&mut tx, filing.id, event, &plan.changes, &stamp, &actor.username, reason).await?;
            // The filed values are observations too, provisional until approved; each change is a
            // revision like every store write.
            let observations: Vec<Observation> =
                plan.changes.iter().map(|(ind, _, new)| filed_observation(form, &filing, ind, *new, ObservationStatus::Provisional)).collect();
            upsert_batch_in(&mut tx, &observations, &stamp, &actor.username, reason).await?;
        }
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(summary)
    }

    /// Submit, approve, return or reopen a filing. `explanations` (rule code → text) answer failed
    /// warning rules at submission; `comment` is required to return or reopen.
    #[allow(clippy::too_many_arguments)]
    pub async fn filing_action(
        &self,
        form: &str,
        filer: &str,
        period: Period,
        action: Action,
        actor: &Actor,
        comment: &str,
        explanations: &BTreeMap<String, String>,
        at: DateTime<Utc>,
    ) -> std::result::Result<Filing, CollectError> {
        self.filing_action_expecting(form, filer, period, action, actor, comment, explanations, at, None).await
    }

    /// [`Store::filing_action`], refused with [`CollectError::Stale`] when the filing no longer
    /// has the ETag in `expect`.
    #[allow(clippy::too_many_arguments)]
    pub async fn filing_action_expecting(
        &self,
        form: &str,
        filer: &str,
        period: Period,
        action: Action,
        actor: &Actor,
        comment: &str,
        explanations: &BTreeMap<String, String>,
        at: DateTime<Utc>,
        expect: Option<&str>,
    ) -> std::result::Result<Filing, CollectError> {
        let expect = expect.map(|etag| Expect { filer: filer.to_string(), etag: etag.to_string() });
        let expect = expect.as_ref();
        self.retrying("filing action", move || self.action_once(form, filer, period, action, actor, comment, explanations, at, expect)).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn action_once(
        &self,
        form: &str,
        filer: &str,
        period: Period,
        action: Action,
        actor: &Actor,
        comment: &str,
        explanations: &BTreeMap<String, String>,
        at: DateTime<Utc>,
        expect: Option<&Expect>,
    ) -> std::result::Result<Filing, CollectError> {
        let r = self.reference().await?;
        let form = r.form(form)?;
        let filer = r.filer(form, filer)?;
        form.check_period(&period).map_err(|m| CollectError::Blocked(vec![m]))?;
        let stamp = ts(at);
        let mut tx = self.begin_write().await?;
        tx.lock(&filing_lock(&form.code, filer.code(), period)).await?;
        let existing = filing_in(&mut tx, &form.code, filer.code(), period).await?;
        check_expect(&mut tx, filer.code(), existing.as_ref(), expect).await?;
        let state = existing.as_ref().map(|f| f.state);
        if action == Action::Save {
            return Err(CollectError::Blocked(vec!["保存请使用导入或录入 / save values with an import or an entry".into()]));
        }
        let next = transition(action, state, actor, &filer, &r.tree, comment)?;
        let values = match &existing {
            Some(f) => values_in(&mut tx, f.id).await?,
            None => BTreeMap::new(),
        };
        if action == Action::Submit {
            let mut blocked = Vec::new();
            let submitted_once = existing.as_ref().is_some_and(|f| f.first_submitted_at.is_some());
            if state == Some(FilingState::Draft) && !submitted_once {
                if let Some(m) = window_problem(form, period, at) {
                    blocked.push(m);
                }
            }
            let history = history_in(&mut tx, filer.region_code()).await?;
            let acc = r.accumulation();
            let accumulation = |c: &str| acc.get(c).copied().unwrap_or(Accumulation::Period);
            let v = validate(&FilingContext { form, period, region_code: filer.region_code(), values: &values, history: &history, accumulation: &accumulation, bounds: &r.bounds });
            for m in &v.missing_required {
                blocked.push(format!("必填指标未填写 / required indicator {m} has no value"));
            }
            for e in v.errors() {
                blocked.push(e.to_string());
            }
            let id = existing.as_ref().expect("transition checked").id;
            let explained = explained_rules(&mut tx, id).await?;
            for w in v.warnings() {
                let given = explanations.get(&w.rule_code).is_some_and(|t| !t.trim().is_empty());
                if !given && !explained.contains(&w.rule_code) {
                    blocked.push(format!("{w} — 请说明原因 / explain it (--explain {}=…)", w.rule_code));
                }
            }
            for code in explanations.keys() {
                if !form.rules.iter().any(|x| &x.code == code) {
                    blocked.push(format!("未知的规则 / unknown rule `{code}` on form {}", form.code));
                }
            }
            if !blocked.is_empty() {
                tx.rollback().await?;
                return Err(CollectError::Blocked(blocked));
            }
        }
        let filing = match existing {
            Some(f) => f,
            None => create_filing(&mut tx, &form.code, &filer, period, next, &stamp).await?,
        };
        let (first, submitted, approved) = match action {
            Action::Submit => (filing.first_submitted_at.clone().or(Some(stamp.clone())), Some(stamp.clone()), None),
            Action::Approve if next == FilingState::Approved => (filing.first_submitted_at.clone(), filing.submitted_at.clone(), Some(stamp.clone())),
            Action::Reopen => (filing.first_submitted_at.clone(), filing.submitted_at.clone(), None),
            // Withdrawn: no longer submitted (the first submission stays, as after a return).
            Action::Withdraw => (filing.first_submitted_at.clone(), None, None),
            _ => (filing.first_submitted_at.clone(), filing.submitted_at.clone(), filing.approved_at.clone()),
        };
        tx.touch(ChangeKind::Filing, &format!("{}/{}/{}", form.code, filer.code(), period));
        set_state(&mut tx, filing.id, next, &stamp, (&first, &submitted, &approved)).await?;
        insert_event(&mut tx, filing.id, &stamp, actor, action, state, next, comment).await?;
        for (code, text) in explanations {
            insert_comment(&mut tx, filing.id, &stamp, &actor.username, code, text).await?;
        }
        if !comment.trim().is_empty() {
            insert_comment(&mut tx, filing.id, &stamp, &actor.username, "", comment).await?;
        }
        // A filing sent back to its filer tells the filer, in the same transaction.
        let notice = match action {
            Action::Return => Some(crate::notices::NoticeKind::Returned),
            Action::Reopen => Some(crate::notices::NoticeKind::Reopened),
            _ => None,
        };
        if let Some(kind) = notice {
            let n = crate::notices::NewNotice { filer: &filer, kind, form_code: &form.code, period, message: comment, created_by: &actor.username, created_at: &stamp };
            crate::notices::insert_notice_in(&mut tx, &n).await?;
        }
        // Observations follow approval: final when approved, provisional again when reopened.
        let status = match (action, next) {
            (Action::Approve, FilingState::Approved) => Some((ObservationStatus::Final, "审定 / approved")),
            (Action::Reopen, _) if state == Some(FilingState::Approved) => Some((ObservationStatus::Provisional, "重新打开 / reopened")),
            _ => None,
        };
        if let Some((status, why)) = status {
            let observations: Vec<Observation> = values.iter().map(|(ind, v)| filed_observation(form, &filing, ind, *v, status)).collect();
            upsert_batch_in(&mut tx, &observations, &stamp, &actor.username, why).await?;
        }
        tx.commit().await?;
        let mut f = filing;
        f.version += 1;
        f.state = next;
        f.updated_at = stamp;
        f.first_submitted_at = first;
        f.submitted_at = submitted;
        f.approved_at = approved;
        Ok(f)
    }
}
