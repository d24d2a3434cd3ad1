//! Values written by a generator (`source_doc` names it, e.g. `synthetic`): replaced as a set, never
//! over anyone else's value.
//!
//! What [`Store::replace_generated`] does with each key (region × indicator × period):
//!
//! - **nothing stored** → the generated value is inserted;
//! - **an earlier value of the same generator** (`synthetic` and the same `source_doc`) → replaced,
//!   or left alone when identical (so the same run twice changes nothing);
//! - **anything else** — a documented value, a filed value, an import, another generator's value →
//!   kept; the generated value is not written and the key is reported as [`Skipped`];
//!
//! and earlier values of the generator that the new set no longer contains are deleted. Every change
//! is a revision in `observation_revisions`, as for every other write. One transaction, all or
//! nothing; rolled back with `dry_run`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use digecon_core::{Observation, Period, Region, RegionLevel};
use sqlx::{AssertSqlSafe, Row};

use crate::observations::{delete_in, from_row, record_revisions, upsert_many};
use crate::{now, Result, Store, StoreError};

/// A generated value that was not written because the key holds a value from elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub region_code: String,
    pub indicator_code: String,
    pub period: Period,
    /// The stored value that was kept, and where it comes from.
    pub kept_value: f64,
    pub kept_source_doc: String,
    pub kept_synthetic: bool,
    /// The generated value that was not written.
    pub generated_value: f64,
}

/// What [`Store::replace_generated`] did at one region level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LevelCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub skipped: u64,
}

impl LevelCounts {
    /// Values of this set now stored (created, updated or already identical).
    pub fn written(&self) -> u64 {
        self.created + self.updated + self.unchanged
    }
}

/// What [`Store::replace_generated`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WriteSummary {
    pub by_level: BTreeMap<RegionLevel, LevelCounts>,
    /// Earlier values of the generator that the new set no longer contains, deleted.
    pub removed: u64,
    /// Keys holding a value from elsewhere, kept.
    pub skipped: Vec<Skipped>,
    /// Rolled back instead of committed.
    pub dry_run: bool,
}

impl WriteSummary {
    pub fn total(&self) -> LevelCounts {
        self.by_level.values().fold(LevelCounts::default(), |a, c| LevelCounts {
            created: a.created + c.created,
            updated: a.updated + c.updated,
            unchanged: a.unchanged + c.unchanged,
            skipped: a.skipped + c.skipped,
        })
    }
}

/// How a replacement is recorded.
#[derive(Debug, Clone, Copy)]
pub struct Provenance<'a> {
    /// The generator's `source_doc`; every value written must be `synthetic` with this document.
    pub source_doc: &'a str,
    /// Who the revisions name.
    pub actor: &'a str,
    /// Why values are written, and why stale ones are deleted.
    pub reason: &'a str,
    pub removed_reason: &'a str,
}

type Key = (String, String, String); // region, indicator, period text

/// Rows per multi-row statement: about 170 statements instead of 8000 for a whole synthesis.
/// (Longer statements are slower on SQLite: 500 rows took five times as long as 50.)
const CHUNK: usize = 50;

impl Store {
    /// Number of values of the generator `source_doc` stored.
    pub async fn count_generated(&self, source_doc: &str) -> Result<u64> {
        let row = sqlx::query("SELECT COUNT(*) FROM observations WHERE synthetic = 1 AND source_doc = $1").bind(source_doc).fetch_one(&self.pool).await?;
        Ok(row.try_get::<i64, _>(0)? as u64)
    }

    /// Replaces the generator's values by `observations` (see the module documentation).
    /// `regions` gives each value's level. A value that is not `synthetic` with the generator's
    /// `source_doc`, or a key given twice, is refused before anything is written.
    pub async fn replace_generated(&self, regions: &[Region], observations: &[Observation], p: Provenance<'_>, dry_run: bool) -> Result<WriteSummary> {
        let ours = |o: &Observation| o.synthetic && o.source.doc == p.source_doc;
        if let Some(o) = observations.iter().find(|o| !ours(o)) {
            return Err(StoreError::Refused(format!(
                "{} {} {}: 不是生成器 `{}` 的合成值 / not a synthetic value of generator `{}` (synthetic={}, source_doc=`{}`)",
                o.region_code, o.indicator_code, o.period, p.source_doc, p.source_doc, o.synthetic, o.source.doc
            )));
        }
        let level: HashMap<&str, RegionLevel> = regions.iter().map(|r| (r.code.as_str(), r.level)).collect();
        let at = now();
        let mut tx = self.begin_write().await?;

        // Everything stored at the generated periods, and every earlier value of this generator.
        let periods: BTreeSet<String> = observations.iter().map(|o| o.period.to_string()).collect();
        let placeholders: Vec<String> = (0..periods.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT o.region_code, o.indicator_code, o.period, o.value, o.status, o.source_doc, o.source_quote, o.synthetic
             FROM observations o WHERE o.source_doc = $1{}",
            if periods.is_empty() { String::new() } else { format!(" OR o.period IN ({})", placeholders.join(", ")) }
        );
        let mut q = sqlx::query(AssertSqlSafe(sql)).bind(p.source_doc);
        for period in &periods {
            q = q.bind(period);
        }
        let rows = q.fetch_all(&mut *tx).await?;
        let mut existing: HashMap<Key, Observation> = HashMap::with_capacity(rows.len());
        for r in &rows {
            let o = from_row(r)?;
            existing.insert((o.region_code.clone(), o.indicator_code.clone(), o.period.to_string()), o);
        }

        let mut summary = WriteSummary { dry_run, ..WriteSummary::default() };
        let mut generated: BTreeSet<Key> = BTreeSet::new();
        // (old, new) of every value to store; old = None for a new one.
        let mut changes: Vec<(Option<&Observation>, &Observation)> = Vec::new();
        for o in observations {
            let key = (o.region_code.clone(), o.indicator_code.clone(), o.period.to_string());
            let lvl = level
                .get(o.region_code.as_str())
                .copied()
                .ok_or_else(|| StoreError::Refused(format!("未知地区代码 / unknown region code `{}`", o.region_code)))?;
            let counts = summary.by_level.entry(lvl).or_default();
            match existing.get(&key) {
                None => {
                    changes.push((None, o));
                    counts.created += 1;
                }
                Some(old) if ours(old) => {
                    if old == o {
                        counts.unchanged += 1;
                    } else {
                        changes.push((Some(old), o));
                        counts.updated += 1;
                    }
                }
                Some(old) => {
                    counts.skipped += 1;
                    summary.skipped.push(Skipped {
                        region_code: o.region_code.clone(),
                        indicator_code: o.indicator_code.clone(),
                        period: o.period,
                        kept_value: old.value,
                        kept_source_doc: old.source.doc.clone(),
                        kept_synthetic: old.synthetic,
                        generated_value: o.value,
                    });
                }
            }
            if !generated.insert(key) {
                return Err(StoreError::Refused(format!("同一键出现两次 / the same key twice: {} {} {}", o.region_code, o.indicator_code, o.period)));
            }
        }
        // Only new keys and keys holding this generator's values reach the upsert, so its
        // `ON CONFLICT` branch never touches anyone else's value.
        for chunk in changes.chunks(CHUNK) {
            let rows: Vec<&Observation> = chunk.iter().map(|(_, o)| *o).collect();
            upsert_many(&mut tx, &rows, &at).await?;
            let revs: Vec<_> = chunk.iter().map(|(old, new)| (*old, Some(*new))).collect();
            record_revisions(&mut tx, &revs, &at, p.actor, p.reason).await?;
        }
        let mut stale: Vec<(&Key, &Observation)> = existing.iter().filter(|(k, o)| ours(o) && !generated.contains(*k)).collect();
        stale.sort_by(|a, b| a.0.cmp(b.0));
        for (_, o) in stale {
            delete_in(&mut tx, o, &at, p.actor, p.removed_reason).await?;
            summary.removed += 1;
        }
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(summary)
    }
}
