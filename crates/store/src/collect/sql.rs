//! Every statement of collection storage: filing rows and their columns, values, events,
//! comments, the history a rule reads, forms; each a function over the caller's transaction
//! or connection, so the workflow reads as decisions.

use super::*;

pub(super) fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(super) fn filing_from_row(r: &AnyRow) -> Result<Filing> {
    let kind: String = r.try_get(2)?;
    let code: String = r.try_get(3)?;
    let region: String = r.try_get(4)?;
    let period: String = r.try_get(5)?;
    let state: String = r.try_get(6)?;
    let filer = match kind.as_str() {
        "region" => Filer::Region { code },
        "department" => Filer::Department { code, region_code: region },
        other => return Err(StoreError::Corrupt(format!("filings.filer_kind `{other}`"))),
    };
    Ok(Filing {
        id: r.try_get(0)?,
        form_code: r.try_get(1)?,
        filer,
        period: parse_stored("filings.period", &period)?,
        state: parse_stored("filings.state", &state)?,
        created_at: r.try_get(7)?,
        updated_at: r.try_get(8)?,
        first_submitted_at: r.try_get(9)?,
        submitted_at: r.try_get(10)?,
        approved_at: r.try_get(11)?,
        version: r.try_get(12)?,
    })
}

pub(super) const FILING_COLUMNS: &str = "id, form_code, filer_kind, filer_code, region_code, period, state, created_at, updated_at, first_submitted_at, submitted_at, approved_at, version";

pub(super) async fn filing_in(tx: &mut AnyConnection, form: &str, filer: &str, period: Period) -> Result<Option<Filing>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {FILING_COLUMNS} FROM filings WHERE form_code = $1 AND filer_code = $2 AND period = $3"
    )))
    .bind(form)
    .bind(filer)
    .bind(period.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    row.as_ref().map(filing_from_row).transpose()
}

pub(super) async fn values_in(tx: &mut AnyConnection, filing_id: i64) -> Result<BTreeMap<String, f64>> {
    let rows = sqlx::query("SELECT indicator_code, value FROM filing_values WHERE filing_id = $1")
        .bind(filing_id)
        .fetch_all(&mut *tx)
        .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

/// The region's stored observations, indicator → period → value.
pub(super) async fn history_in(tx: &mut AnyConnection, region: &str) -> Result<HashMap<String, BTreeMap<Period, f64>>> {
    let rows = sqlx::query("SELECT indicator_code, period, value FROM observations WHERE region_code = $1")
        .bind(region)
        .fetch_all(&mut *tx)
        .await?;
    let mut out: HashMap<String, BTreeMap<Period, f64>> = HashMap::new();
    for r in &rows {
        let period: String = r.try_get(1)?;
        out.entry(r.try_get(0)?).or_default().insert(parse_stored("observations.period", &period)?, r.try_get(2)?);
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_event(
    tx: &mut WriteTx,
    filing_id: i64,
    at: &str,
    actor: &Actor,
    action: Action,
    from: Option<FilingState>,
    to: FilingState,
    comment: &str,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO filing_events (filing_id, at, actor, actor_role, action, from_state, to_state, comment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(filing_id)
    .bind(at)
    .bind(&actor.username)
    .bind(actor.role.as_str())
    .bind(action.as_str())
    .bind(from.map(|s| s.as_str()))
    .bind(to.as_str())
    .bind(comment)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get(0)?)
}

pub(super) async fn create_filing(tx: &mut WriteTx, form: &str, filer: &Filer, period: Period, state: FilingState, at: &str) -> Result<Filing> {
    let row = sqlx::query(
        "INSERT INTO filings (form_code, filer_kind, filer_code, region_code, period, state, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(form)
    .bind(filer.kind())
    .bind(filer.code())
    .bind(filer.region_code())
    .bind(period.to_string())
    .bind(state.as_str())
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Filing {
        id: row.try_get(0)?,
        form_code: form.to_string(),
        filer: filer.clone(),
        period,
        state,
        created_at: at.to_string(),
        updated_at: at.to_string(),
        first_submitted_at: None,
        submitted_at: None,
        approved_at: None,
        version: 1,
    })
}

/// Who made the latest step of a filing, and when.
pub(super) async fn last_event_in(conn: &mut AnyConnection, filing_id: i64) -> Result<Option<(String, String)>> {
    let row = sqlx::query("SELECT actor, at FROM filing_events WHERE filing_id = $1 ORDER BY id DESC LIMIT 1")
        .bind(filing_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// Refuses a write whose `If-Match` no longer holds: the filing changed since the writer read it.
pub(super) async fn check_expect(conn: &mut AnyConnection, filer: &str, existing: Option<&Filing>, expect: Option<&Expect>) -> std::result::Result<(), CollectError> {
    let Some(e) = expect.filter(|e| e.filer == filer) else { return Ok(()) };
    let current = etag_of(existing);
    // `*` matches any existing filing (RFC 9110).
    if e.etag == current || (e.etag == "*" && existing.is_some()) {
        return Ok(());
    }
    let (changed_by, changed_at) = match existing {
        Some(f) => last_event_in(conn, f.id).await?.unwrap_or_default(),
        None => Default::default(),
    };
    Err(CollectError::Stale(Stale { filer: filer.to_string(), etag: current, changed_by, changed_at }))
}

/// One filing with its values, steps, value changes and comments, inside `tx`.
pub(super) async fn detail_in(tx: &mut AnyConnection, form: &str, filer: &str, period: Period) -> Result<Option<FilingDetail>> {
    detail_with(tx, form, filer, period, None).await
}

/// [`detail_in`]; with `latest`, only the latest that many steps and no value changes or
/// comments (what the entry page shows; a filing saved a thousand times stays quick to open).
pub(super) async fn detail_with(tx: &mut AnyConnection, form: &str, filer: &str, period: Period, latest: Option<i64>) -> Result<Option<FilingDetail>> {
    let Some(filing) = filing_in(tx, form, filer, period).await? else { return Ok(None) };
    let values = values_in(tx, filing.id).await?;
    let mut events = Vec::new();
    let rows = match latest {
        None => {
            sqlx::query("SELECT id, at, actor, actor_role, action, from_state, to_state, comment FROM filing_events WHERE filing_id = $1 ORDER BY id")
                .bind(filing.id)
                .fetch_all(&mut *tx)
                .await?
        }
        Some(n) => {
            let mut rows = sqlx::query(
                "SELECT id, at, actor, actor_role, action, from_state, to_state, comment FROM filing_events WHERE filing_id = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(filing.id)
            .bind(n)
            .fetch_all(&mut *tx)
            .await?;
            rows.reverse();
            rows
        }
    };
    for r in rows {
        let action: String = r.try_get(4)?;
        let from: Option<String> = r.try_get(5)?;
        let to: String = r.try_get(6)?;
        events.push(FilingEvent {
            id: r.try_get(0)?,
            at: r.try_get(1)?,
            actor: r.try_get(2)?,
            actor_role: r.try_get(3)?,
            action: parse_action(&action)?,
            from_state: from.map(|s| parse_stored("filing_events.from_state", &s)).transpose()?,
            to_state: parse_stored("filing_events.to_state", &to)?,
            comment: r.try_get(7)?,
        });
    }
    if latest.is_some() {
        return Ok(Some(FilingDetail { filing, values, events, changes: Vec::new(), comments: Vec::new() }));
    }
    let mut changes = Vec::new();
    for r in sqlx::query(
        "SELECT event_id, indicator_code, old_value, new_value, at, actor, reason FROM filing_value_changes WHERE filing_id = $1 ORDER BY id",
    )
    .bind(filing.id)
    .fetch_all(&mut *tx)
    .await?
    {
        changes.push(ValueChange {
            event_id: r.try_get(0)?,
            indicator_code: r.try_get(1)?,
            old_value: r.try_get(2)?,
            new_value: r.try_get(3)?,
            at: r.try_get(4)?,
            actor: r.try_get(5)?,
            reason: r.try_get(6)?,
        });
    }
    let mut comments = Vec::new();
    for r in sqlx::query("SELECT at, actor, rule_code, text FROM filing_comments WHERE filing_id = $1 ORDER BY id")
        .bind(filing.id)
        .fetch_all(&mut *tx)
        .await?
    {
        comments.push(FilingComment { at: r.try_get(0)?, actor: r.try_get(1)?, rule_code: r.try_get(2)?, text: r.try_get(3)? });
    }
    Ok(Some(FilingDetail { filing, values, events, changes, comments }))
}



/// A filing changed: its version (the ETag) goes up.
pub(super) async fn bump_version(tx: &mut WriteTx, filing_id: i64, at: &str) -> Result<()> {
    sqlx::query("UPDATE filings SET updated_at = $2, version = version + 1 WHERE id = $1").bind(filing_id).bind(at).execute(&mut **tx).await?;
    Ok(())
}

/// A save's values and their audit rows (indicator, old, new), tied to the save's event.
#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_values(tx: &mut WriteTx, filing_id: i64, event: i64, changes: &[(String, Option<f64>, f64)], stamp: &str, actor: &str, reason: &str) -> Result<()> {
    // One statement per table, whatever the number of values: on SQLite each statement
    // is a round trip to the database thread while every other writer waits.
    let n = changes.len();
    let sql = format!(
        "INSERT INTO filing_values (filing_id, indicator_code, value, updated_at, updated_by) VALUES {}
         ON CONFLICT (filing_id, indicator_code) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by",
        values_list(n, 5)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for (ind, _, new) in changes {
        q = q.bind(filing_id).bind(ind.clone()).bind(*new).bind(stamp.to_string()).bind(actor.to_string());
    }
    q.execute(&mut **tx).await?;
    let sql = format!(
        "INSERT INTO filing_value_changes (filing_id, event_id, indicator_code, old_value, new_value, at, actor, reason) VALUES {}",
        values_list(n, 8)
    );
    // A NULL double must not be cached (see observations::record_revisions).
    let mut q = sqlx::query(AssertSqlSafe(sql)).persistent(changes.iter().all(|(_, old, _)| old.is_some()));
    for (ind, old, new) in changes {
        q = q
            .bind(filing_id)
            .bind(event)
            .bind(ind.clone())
            .bind(*old)
            .bind(*new)
            .bind(stamp.to_string())
            .bind(actor.to_string())
            .bind(reason.to_string());
    }
    q.execute(&mut **tx).await?;
    Ok(())
}

/// The warning rules a filing's comments already explain.
pub(super) async fn explained_rules(tx: &mut WriteTx, filing_id: i64) -> Result<Vec<String>> {
    Ok(sqlx::query("SELECT rule_code FROM filing_comments WHERE filing_id = $1 AND rule_code <> ''")
        .bind(filing_id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<std::result::Result<_, _>>()?)
}

/// A filing's new state and its first-submitted, submitted and approved times.
pub(super) async fn set_state(tx: &mut WriteTx, filing_id: i64, state: FilingState, at: &str, times: (&Option<String>, &Option<String>, &Option<String>)) -> Result<()> {
    let (first, submitted, approved) = times;
    sqlx::query("UPDATE filings SET state = $2, updated_at = $3, first_submitted_at = $4, submitted_at = $5, approved_at = $6, version = version + 1 WHERE id = $1")
        .bind(filing_id)
        .bind(state.as_str())
        .bind(at)
        .bind(first)
        .bind(submitted)
        .bind(approved)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A comment on a filing; `rule_code` is empty for a plain comment, else the warning it explains.
pub(super) async fn insert_comment(tx: &mut WriteTx, filing_id: i64, at: &str, actor: &str, rule_code: &str, text: &str) -> Result<()> {
    sqlx::query("INSERT INTO filing_comments (filing_id, at, actor, rule_code, text) VALUES ($1, $2, $3, $4, $5)")
        .bind(filing_id)
        .bind(at)
        .bind(actor)
        .bind(rule_code)
        .bind(text)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(super) fn parse_action(s: &str) -> Result<Action> {
    Action::ALL
        .into_iter()
        .find(|a| a.as_str() == s)
        .ok_or_else(|| StoreError::Corrupt(format!("filing_events.action `{s}`")))
}

/// Inserts the forms of a dataset (inside `init`'s transaction).
pub(crate) async fn insert_forms(tx: &mut WriteTx, set: &FormSet) -> Result<()> {
    for (pos, f) in set.forms.iter().enumerate() {
        sqlx::query(
            "INSERT INTO forms (code, name_zh, name_en, frequency, responsible_department, opens_days, due_days, closes_days,
                                reconstruction, basis, source_doc, source_quote, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(&f.code)
        .bind(&f.name_zh)
        .bind(&f.name_en)
        .bind(f.frequency.as_str())
        .bind(&f.responsible_department)
        .bind(i64::from(f.window.opens_days))
        .bind(i64::from(f.window.due_days))
        .bind(i64::from(f.window.closes_days))
        .bind(i64::from(f.reconstruction))
        .bind(&f.basis)
        .bind(&f.source.doc)
        .bind(&f.source.quote)
        .bind(pos as i64)
        .execute(&mut **tx)
        .await?;
        for (p, s) in f.filers.iter().enumerate() {
            sqlx::query("INSERT INTO form_filers (form_code, position, spec) VALUES ($1, $2, $3)")
                .bind(&f.code)
                .bind(p as i64)
                .bind(s.to_string())
                .execute(&mut **tx)
                .await?;
        }
        for (p, i) in f.indicators.iter().enumerate() {
            sqlx::query("INSERT INTO form_indicators (form_code, position, indicator_code, decimals, required) VALUES ($1, $2, $3, $4, $5)")
                .bind(&f.code)
                .bind(p as i64)
                .bind(&i.indicator_code)
                .bind(i64::from(i.decimals))
                .bind(i64::from(i.required))
                .execute(&mut **tx)
                .await?;
        }
        for (p, r) in f.rules.iter().enumerate() {
            sqlx::query(
                "INSERT INTO form_rules (form_code, code, position, severity, when_expr, expression, message_zh, message_en, basis)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&f.code)
            .bind(&r.code)
            .bind(p as i64)
            .bind(r.severity.as_str())
            .bind(r.when.as_ref().map(|w| w.to_string()).unwrap_or_default())
            .bind(r.check.to_string())
            .bind(&r.message_zh)
            .bind(&r.message_en)
            .bind(&r.basis)
            .execute(&mut **tx)
            .await?;
        }
    }
    for b in &set.bounds {
        sqlx::query("INSERT INTO outlier_bounds (region_code, indicator_code, lower_bound, upper_bound, basis) VALUES ($1, $2, $3, $4, $5)")
            .bind(b.region_code.as_deref().unwrap_or("*"))
            .bind(&b.indicator_code)
            .bind(b.lower)
            .bind(b.upper)
            .bind(&b.basis)
            // A NULL double must not be cached (see observations::record_revision).
            .persistent(b.lower.is_some() && b.upper.is_some())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
