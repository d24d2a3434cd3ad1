//! Loading a whole dataset in one transaction.

use digecon_core::RegionLevel;
use digecon_dataset::Dataset;
use sqlx::AssertSqlSafe;

use crate::write::{ChangeKind, WriteTx};
use crate::{now, Result, Store, StoreError};

/// Tables a re-initialisation keeps: the platform's own record of who signed in and did what.
const KEPT: &[&str] = &["login_log", "operation_log", "login_throttle"];

/// Progress of a long load: (stage, rows done, rows in stage).
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

impl Store {
    /// Loads `ds` into an empty database, or replaces everything when `replace` is set.
    /// All or nothing: on any error the database is left as it was.
    pub async fn load_dataset(&self, ds: &Dataset, replace: bool, progress: Progress<'_>) -> Result<()> {
        let counts = self.counts().await?;
        if !counts.is_empty() && !replace {
            return Err(StoreError::NotEmpty(counts.to_string()));
        }
        let mut tx = self.begin_write().await?;
        // Everything a server derived from the old catalogue is void.
        tx.touch(ChangeKind::Catalog, "");
        if replace {
            // Children first, so foreign keys hold at every step.
            for t in crate::backup::TABLES.iter().rev().filter(|t| !KEPT.contains(t)) {
                sqlx::query(AssertSqlSafe(format!("DELETE FROM {t}"))).execute(&mut *tx).await?;
            }
        }
        insert_all(&mut tx, ds, progress).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn insert_all(tx: &mut WriteTx, ds: &Dataset, progress: Progress<'_>) -> Result<()> {
    let at = now();
    sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)")
        .bind("loaded_at")
        .bind(&at)
        .execute(&mut **tx)
        .await?;

    let n = ds.regions.len() as u64;
    // Parents first: the CSV lists the province, then cities, then counties, but a hand-edited
    // file need not, so insert by level.
    let mut regions: Vec<_> = ds.regions.iter().enumerate().collect();
    regions.sort_by_key(|(i, r)| (depth(r.level), *i));
    for (k, (pos, r)) in regions.into_iter().enumerate() {
        sqlx::query("INSERT INTO regions (code, name_zh, name_en, level, parent_code, position) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&r.code)
            .bind(&r.name_zh)
            .bind(&r.name_en)
            .bind(r.level.as_str())
            .bind(r.parent_code.as_deref())
            .bind(pos as i64)
            .execute(&mut **tx)
            .await?;
        progress("regions", k as u64 + 1, n);
    }

    let n = ds.departments.len() as u64;
    for (pos, d) in ds.departments.iter().enumerate() {
        sqlx::query(
            "INSERT INTO departments (code, name_zh, name_en, region_code, kind, aliases, source_doc, source_quote, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&d.code)
        .bind(&d.name_zh)
        .bind(&d.name_en)
        .bind(&d.region_code)
        .bind(d.kind.as_str())
        .bind(d.aliases.join(";"))
        .bind(&d.source.doc)
        .bind(&d.source.quote)
        .bind(pos as i64)
        .execute(&mut **tx)
        .await?;
        progress("departments", pos as u64 + 1, n);
    }

    let n = ds.indicators.len() as u64;
    for (pos, i) in ds.indicators.iter().enumerate() {
        sqlx::query(
            "INSERT INTO indicators (code, name_zh, name_en, unit, frequency, accumulation, polarity, aggregation,
                                     category, definition, source_department, formula, position, aliases, unit_aliases)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(&i.code)
        .bind(&i.name_zh)
        .bind(&i.name_en)
        .bind(&i.unit)
        .bind(i.frequency.as_str())
        .bind(i.accumulation.as_str())
        .bind(i.polarity.as_str())
        .bind(i.aggregation.as_str())
        .bind(&i.category)
        .bind(&i.definition)
        .bind(&i.source_department)
        .bind(i.formula.as_ref().map(|f| f.text().to_string()))
        .bind(pos as i64)
        .bind(ds.indicator_aliases.get(&i.code).map(|a| a.names.join(";")).unwrap_or_default())
        .bind(ds.indicator_aliases.get(&i.code).map(|a| a.units.join(";")).unwrap_or_default())
        .execute(&mut **tx)
        .await?;
        progress("indicators", pos as u64 + 1, n);
    }

    let n = ds.observations.len() as u64;
    for (k, o) in ds.observations.iter().enumerate() {
        crate::observations::insert(tx, o, &at, "digecon init", "默认数据集 / default dataset").await?;
        progress("observations", k as u64 + 1, n);
    }

    for p in &ds.plans {
        sqlx::query(
            "INSERT INTO plans (id, name_zh, name_en, kind, region_code, issuer, issued, start_year, end_year, source_doc)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&p.id)
        .bind(&p.name_zh)
        .bind(&p.name_en)
        .bind(p.kind.as_str())
        .bind(&p.region_code)
        .bind(&p.issuer)
        .bind(&p.issued)
        .bind(i64::from(p.start_year))
        .bind(i64::from(p.end_year))
        .bind(&p.source_doc)
        .execute(&mut **tx)
        .await?;
    }

    let n = ds.targets.len() as u64;
    for (k, t) in ds.targets.iter().enumerate() {
        let printed = ds.target_printed.get(&digecon_dataset::target_key(t)).cloned().unwrap_or_default();
        sqlx::query(
            "INSERT INTO targets (plan_id, region_code, indicator_code, base_year, base_text, base_value, target_year,
                                  target_text, attribute, stated_growth_text, lead_units, lead_units_text, source_doc, source_quote,
                                  printed_name, printed_unit)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(&t.plan_id)
        .bind(&t.region_code)
        .bind(&t.indicator_code)
        .bind(t.base_year.map(i64::from))
        .bind(&t.base_text)
        .bind(t.base_value)
        .bind(i64::from(t.target_year))
        .bind(&t.target_text)
        .bind(t.attribute.map(|a| a.as_zh()))
        .bind(&t.stated_growth_text)
        .bind(t.lead_units.join(";"))
        .bind(&t.lead_units_text)
        .bind(&t.source.doc)
        .bind(&t.source.quote)
        .bind(printed.name)
        .bind(printed.unit)
        // See observations::record_revision: never cache a statement that binds a NULL double.
        .persistent(t.base_value.is_some())
        .execute(&mut **tx)
        .await?;
        progress("targets", k as u64 + 1, n);
    }

    for c in &ds.constraints {
        sqlx::query(
            "INSERT INTO constraints (region_code, indicator_code, period, relation, value, source_doc, source_quote)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&c.region_code)
        .bind(&c.indicator_code)
        .bind(c.period.to_string())
        .bind(c.relation.as_str())
        .bind(c.value)
        .bind(&c.source.doc)
        .bind(&c.source.quote)
        .execute(&mut **tx)
        .await?;
    }

    for f in &ds.references {
        sqlx::query(
            "INSERT INTO reference_figures (reference, scope_zh, indicator_code, name_zh, unit, period, relation, value, status, source_doc, source_quote)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(f.reference.code())
        .bind(&f.scope_zh)
        .bind(f.indicator_code.as_deref().unwrap_or(""))
        .bind(&f.name_zh)
        .bind(&f.unit)
        .bind(f.period.to_string())
        .bind(f.relation.code())
        .bind(f.value)
        .bind(f.status.code())
        .bind(&f.source.doc)
        .bind(&f.source.quote)
        .execute(&mut **tx)
        .await?;
    }

    let n = ds.tasks.len() as u64;
    for (k, t) in ds.tasks.iter().enumerate() {
        sqlx::query(
            "INSERT INTO tasks (plan_id, number, section, text, lead_units_text, coop_units_text, source_doc)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&t.plan_id)
        .bind(i64::from(t.number))
        .bind(&t.section)
        .bind(&t.text)
        .bind(&t.lead_units_text)
        .bind(&t.coop_units_text)
        .bind(&t.source_doc)
        .execute(&mut **tx)
        .await?;
        insert_units(tx, &t.plan_id, "task", t.number, &t.lead_units, &t.coop_units).await?;
        progress("tasks", k as u64 + 1, n);
    }

    for p in &ds.projects {
        sqlx::query(
            "INSERT INTO projects (plan_id, number, category, domain, name, content, goal_text, lead_units_text, coop_units_text, source_doc)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&p.plan_id)
        .bind(i64::from(p.number))
        .bind(&p.category)
        .bind(&p.domain)
        .bind(&p.name)
        .bind(&p.content)
        .bind(&p.goal_text)
        .bind(&p.lead_units_text)
        .bind(&p.coop_units_text)
        .bind(&p.source_doc)
        .execute(&mut **tx)
        .await?;
        for m in &p.milestones {
            sqlx::query("INSERT INTO project_milestones (plan_id, number, year, text) VALUES ($1, $2, $3, $4)")
                .bind(&p.plan_id)
                .bind(i64::from(p.number))
                .bind(i64::from(m.year))
                .bind(&m.text)
                .execute(&mut **tx)
                .await?;
        }
        insert_units(tx, &p.plan_id, "project", p.number, &p.lead_units, &p.coop_units).await?;
    }
    crate::collect::insert_forms(tx, &ds.forms).await?;
    Ok(())
}

/// Insertion order of levels: every parent before its children (zones may hang under a city).
fn depth(level: RegionLevel) -> u8 {
    match level {
        RegionLevel::Province => 0,
        RegionLevel::City => 1,
        RegionLevel::County | RegionLevel::Zone => 2,
    }
}

async fn insert_units(
    tx: &mut WriteTx,
    plan_id: &str,
    kind: &str,
    number: u32,
    lead: &[String],
    coop: &[String],
) -> Result<()> {
    for (role, units) in [("lead", lead), ("coop", coop)] {
        for (pos, d) in units.iter().enumerate() {
            sqlx::query(
                "INSERT INTO work_units (plan_id, item_kind, number, role, position, department_code)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(plan_id)
            .bind(kind)
            .bind(i64::from(number))
            .bind(role)
            .bind(pos as i64)
            .bind(d)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
