//! The task ledger and key-project scheduling (migration 0003): progress reports with goal values,
//! evidence and co-operating units' parts; the yearly key-project registry and monthly investment
//! reports; problems needing coordination. Every row records who wrote it and when.
//!
//! The rows are checked before they get here (`digecon_ledger::workbook` for imports, the CLI for
//! single reports); the schema's keys and checks are the last line of defence. Every write of
//! more than one row is one transaction.

use std::collections::{BTreeMap, HashMap};

use digecon_core::Period;
use digecon_ledger::demo::{self, DemoError, DEMO_RECORDER};
use digecon_ledger::workbook::{ProjectLedger, TaskLedger};
use digecon_ledger::{
    Contribution, ItemKey, KeyProject, LedgerItem, MonthlyReport, Problem, ProgressReport, ProjectKind, ProjectStatus,
    ProgressStatus, Subject,
};
use sqlx::{AssertSqlSafe, Row};

use crate::write::{ChangeKind, WriteTx};
use crate::{now, parse_stored, Result, Store, StoreError};

/// Ledger tables, children first (the order they are emptied in).
const LEDGER_TABLES: &[&str] = &[
    "ledger_report_values",
    "ledger_report_evidence",
    "ledger_contributions",
    "ledger_reports",
    "key_project_reports",
    "key_projects",
    "ledger_problems",
];

/// How many rows each ledger table holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LedgerCounts {
    pub reports: u64,
    pub contributions: u64,
    pub key_projects: u64,
    pub monthly_reports: u64,
    pub problems: u64,
}

impl LedgerCounts {
    pub fn is_empty(&self) -> bool {
        *self == LedgerCounts::default()
    }
}

impl std::fmt::Display for LedgerCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} progress reports, {} contributions, {} key projects, {} monthly reports, {} problems",
            self.reports, self.contributions, self.key_projects, self.monthly_reports, self.problems
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerLoadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Demo(#[from] DemoError),
}

fn key_of(r: &sqlx::any::AnyRow) -> Result<(ItemKey, Period)> {
    let kind: String = r.try_get("item_kind")?;
    let period: String = r.try_get("period")?;
    Ok((
        ItemKey {
            plan_id: r.try_get("plan_id")?,
            kind: kind.parse().map_err(StoreError::Corrupt)?,
            number: r.try_get::<i64, _>("number")? as u32,
        },
        parse_stored("ledger period", &period)?,
    ))
}

fn flag(r: &sqlx::any::AnyRow, col: &str) -> Result<bool> {
    Ok(r.try_get::<i64, _>(col)? != 0)
}

impl Store {
    /// The dataset's tasks and engineering projects as ledger items, with their parsed goals.
    pub async fn ledger_items(&self) -> Result<Vec<LedgerItem>> {
        let plans = self.plans().await?;
        let tasks = self.tasks(None).await?;
        let projects = self.projects(None).await?;
        digecon_ledger::items(&plans, &tasks, &projects).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    pub async fn ledger_counts(&self) -> Result<LedgerCounts> {
        let mut c = LedgerCounts::default();
        for (table, slot) in [
            ("ledger_reports", &mut c.reports),
            ("ledger_contributions", &mut c.contributions),
            ("key_projects", &mut c.key_projects),
            ("key_project_reports", &mut c.monthly_reports),
            ("ledger_problems", &mut c.problems),
        ] {
            let row = sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"))).fetch_one(&self.pool).await?;
            *slot = row.try_get::<i64, _>(0)? as u64;
        }
        Ok(c)
    }

    /// Progress reports (with goal values, evidence and contributions), optionally of one plan,
    /// ordered by plan, kind, number and period.
    pub async fn progress_reports(&self, plan_id: Option<&str>) -> Result<Vec<ProgressReport>> {
        let plan = plan_id.unwrap_or("");
        let mut values: HashMap<(ItemKey, Period), BTreeMap<String, f64>> = HashMap::new();
        for r in sqlx::query("SELECT plan_id, item_kind, number, period, goal_id, value FROM ledger_report_values WHERE ($1 = '' OR plan_id = $1)")
            .bind(plan)
            .fetch_all(&self.pool)
            .await?
        {
            values.entry(key_of(&r)?).or_default().insert(r.try_get("goal_id")?, r.try_get("value")?);
        }
        let mut evidence: HashMap<(ItemKey, Period), Vec<String>> = HashMap::new();
        for r in sqlx::query(
            "SELECT plan_id, item_kind, number, period, reference FROM ledger_report_evidence WHERE ($1 = '' OR plan_id = $1) ORDER BY position",
        )
        .bind(plan)
        .fetch_all(&self.pool)
        .await?
        {
            evidence.entry(key_of(&r)?).or_default().push(r.try_get("reference")?);
        }
        let mut contributions: HashMap<(ItemKey, Period), Vec<Contribution>> = HashMap::new();
        for r in sqlx::query(
            "SELECT plan_id, item_kind, number, period, department_code, narrative, synthetic, recorded_by, recorded_at
             FROM ledger_contributions WHERE ($1 = '' OR plan_id = $1) ORDER BY department_code",
        )
        .bind(plan)
        .fetch_all(&self.pool)
        .await?
        {
            contributions.entry(key_of(&r)?).or_default().push(Contribution {
                department_code: r.try_get("department_code")?,
                narrative: r.try_get("narrative")?,
                synthetic: flag(&r, "synthetic")?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: r.try_get("recorded_at")?,
            });
        }
        let rows = sqlx::query(
            "SELECT plan_id, item_kind, number, period, department_code, status, percent, narrative, milestones_reached,
                    synthetic, recorded_by, recorded_at
             FROM ledger_reports WHERE ($1 = '' OR plan_id = $1)",
        )
        .bind(plan)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let key = key_of(r)?;
            let status: String = r.try_get("status")?;
            let milestones: String = r.try_get("milestones_reached")?;
            out.push(ProgressReport {
                key: key.0.clone(),
                period: key.1,
                department_code: r.try_get("department_code")?,
                status: status.parse::<ProgressStatus>().map_err(StoreError::Corrupt)?,
                percent: r.try_get("percent")?,
                values: values.remove(&key).unwrap_or_default(),
                milestones_reached: milestones.split(';').filter(|s| !s.is_empty()).map(str::to_string).collect(),
                narrative: r.try_get("narrative")?,
                evidence: evidence.remove(&key).unwrap_or_default(),
                contributions: contributions.remove(&key).unwrap_or_default(),
                synthetic: flag(r, "synthetic")?,
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: r.try_get("recorded_at")?,
            });
        }
        out.sort_by(|a, b| a.key.cmp(&b.key).then(a.period.cmp(&b.period)));
        Ok(out)
    }

    /// The key projects of one year (or all years), in year and code order.
    pub async fn key_projects(&self, year: Option<i32>) -> Result<Vec<KeyProject>> {
        let rows = sqlx::query(
            "SELECT year, code, name, region_code, industry, kind, total_investment, planned_investment, start_period, end_period,
                    lead_unit, status, synthetic, recorded_by, recorded_at
             FROM key_projects WHERE ($1 = 0 OR year = $1) ORDER BY year, code",
        )
        .bind(i64::from(year.unwrap_or(0)))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let status: String = r.try_get("status")?;
                let start: String = r.try_get("start_period")?;
                let end: String = r.try_get("end_period")?;
                Ok(KeyProject {
                    year: r.try_get::<i64, _>("year")? as i32,
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    region_code: r.try_get("region_code")?,
                    industry: r.try_get("industry")?,
                    kind: kind.parse::<ProjectKind>().map_err(StoreError::Corrupt)?,
                    total_investment: r.try_get("total_investment")?,
                    planned_investment: r.try_get("planned_investment")?,
                    start: parse_stored("key_projects.start_period", &start)?,
                    end: parse_stored("key_projects.end_period", &end)?,
                    lead_unit: r.try_get("lead_unit")?,
                    status: status.parse::<ProjectStatus>().map_err(StoreError::Corrupt)?,
                    synthetic: flag(r, "synthetic")?,
                    recorded_by: r.try_get("recorded_by")?,
                    recorded_at: r.try_get("recorded_at")?,
                })
            })
            .collect()
    }

    /// Monthly reports of one year (or all), in year, code and month order.
    pub async fn monthly_reports(&self, year: Option<i32>) -> Result<Vec<MonthlyReport>> {
        let rows = sqlx::query(
            "SELECT year, code, month, month_investment, ytd_investment, progress, synthetic, recorded_by, recorded_at
             FROM key_project_reports WHERE ($1 = 0 OR year = $1) ORDER BY year, code, month",
        )
        .bind(i64::from(year.unwrap_or(0)))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MonthlyReport {
                    year: r.try_get::<i64, _>("year")? as i32,
                    code: r.try_get("code")?,
                    month: r.try_get::<i64, _>("month")? as u8,
                    month_investment: r.try_get("month_investment")?,
                    ytd_investment: r.try_get("ytd_investment")?,
                    progress: r.try_get("progress")?,
                    synthetic: flag(r, "synthetic")?,
                    recorded_by: r.try_get("recorded_by")?,
                    recorded_at: r.try_get("recorded_at")?,
                })
            })
            .collect()
    }

    /// Every problem, in subject, period and number order.
    pub async fn problems(&self) -> Result<Vec<Problem>> {
        let rows = sqlx::query(
            "SELECT subject, raised_period, seq, department_code, text, resolved_period, resolution, synthetic, recorded_by, recorded_at
             FROM ledger_problems",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = rows
            .iter()
            .map(|r| {
                let subject: String = r.try_get("subject")?;
                let raised: String = r.try_get("raised_period")?;
                let resolved: Option<String> = r.try_get("resolved_period")?;
                Ok(Problem {
                    subject: subject.parse::<Subject>().map_err(StoreError::Corrupt)?,
                    raised: parse_stored("ledger_problems.raised_period", &raised)?,
                    seq: r.try_get::<i64, _>("seq")? as u32,
                    department_code: r.try_get("department_code")?,
                    text: r.try_get("text")?,
                    resolved: resolved.map(|s| parse_stored("ledger_problems.resolved_period", &s)).transpose()?,
                    resolution: r.try_get("resolution")?,
                    synthetic: flag(r, "synthetic")?,
                    recorded_by: r.try_get("recorded_by")?,
                    recorded_at: r.try_get("recorded_at")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| a.subject.cmp(&b.subject).then(a.raised.cmp(&b.raised)).then(a.seq.cmp(&b.seq)));
        Ok(out)
    }

    /// The version (ETag) of an item's report of a period.
    pub async fn report_state(&self, key: &ItemKey, period: Period) -> Result<Option<ReportState>> {
        let mut conn = self.pool.acquire().await?;
        report_state_in(&mut conn, key, period).await
    }

    /// Stores a checked task ledger in one transaction, recorded by `by` now.
    pub async fn save_task_ledger(&self, ledger: &TaskLedger, by: &str) -> Result<()> {
        self.save_task_ledger_expecting(ledger, by, None).await
    }

    /// [`Store::save_task_ledger`], refused with [`StoreError::Stale`] when the report `expect`
    /// names no longer has the ETag the writer read (someone filed in between).
    pub async fn save_task_ledger_expecting(&self, ledger: &TaskLedger, by: &str, expect: Option<&ReportExpect>) -> Result<()> {
        self.retrying("task ledger", move || self.save_task_ledger_once(ledger, by, expect)).await
    }

    async fn save_task_ledger_once(&self, ledger: &TaskLedger, by: &str, expect: Option<&ReportExpect>) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        if let Some(e) = expect {
            tx.lock(&format!("ledger:{}/{}", e.key, e.period)).await?;
            let state = report_state_in(&mut tx, &e.key, e.period).await?;
            let current = report_etag(state.as_ref());
            if e.etag != current && !(e.etag == "*" && state.is_some()) {
                let (changed_by, changed_at) = state.map(|s| (s.recorded_by, s.recorded_at)).unwrap_or_default();
                return Err(StoreError::Stale { etag: current, changed_by, changed_at });
            }
        }
        tx.touch(ChangeKind::Ledger, "tasks");
        for r in &ledger.reports {
            save_report(&mut tx, r, by, &at).await?;
        }
        for (key, period, c) in &ledger.contributions {
            save_contribution(&mut tx, key, *period, c, by, &at).await?;
        }
        for p in &ledger.problems {
            save_problem(&mut tx, p, by, &at).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Stores a checked project ledger in one transaction, recorded by `by` now.
    pub async fn save_project_ledger(&self, ledger: &ProjectLedger, by: &str) -> Result<()> {
        let at = now();
        let mut tx = self.begin_write().await?;
        tx.touch(ChangeKind::Ledger, "projects");
        for p in &ledger.projects {
            save_key_project(&mut tx, p, by, &at).await?;
        }
        for m in &ledger.monthly {
            save_monthly(&mut tx, m, by, &at).await?;
        }
        for p in &ledger.problems {
            save_problem(&mut tx, p, by, &at).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Generates the synthetic demo ledger from `seed` for this database's dataset and stores it
    /// in one transaction. Refuses a database whose ledger is not empty unless `replace`, which
    /// empties the ledger tables first. The library entry point for `digecon projects demo` and
    /// the web demo.
    pub async fn load_ledger_demo(&self, seed: u64, replace: bool) -> Result<LedgerCounts, LedgerLoadError> {
        if self.counts().await?.regions == 0 {
            return Err(StoreError::NotInitialised.into());
        }
        let counts = self.ledger_counts().await?;
        if !counts.is_empty() && !replace {
            return Err(StoreError::NotEmpty(counts.to_string()).into());
        }
        let items = self.ledger_items().await?;
        let regions = self.regions().await?;
        let departments = self.departments().await?;
        let d = demo::generate(seed, &items, &regions, &departments)?;
        let at = now();
        let by = DEMO_RECORDER;
        let mut tx = self.begin_write().await?;
        tx.touch(ChangeKind::Ledger, "tasks");
        tx.touch(ChangeKind::Ledger, "projects");
        if replace {
            for t in LEDGER_TABLES {
                sqlx::query(AssertSqlSafe(format!("DELETE FROM {t}"))).execute(&mut *tx).await.map_err(StoreError::from)?;
            }
        }
        for p in &d.projects {
            save_key_project(&mut tx, p, by, &at).await?;
        }
        for m in &d.monthly {
            save_monthly(&mut tx, m, by, &at).await?;
        }
        for r in &d.reports {
            save_report(&mut tx, r, by, &at).await?;
        }
        for p in &d.problems {
            save_problem(&mut tx, p, by, &at).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(self.ledger_counts().await?)
    }
}

async fn save_report(tx: &mut WriteTx, r: &ProgressReport, by: &str, at: &str) -> Result<()> {
    let (plan, kind, number, period) = (r.key.plan_id.as_str(), r.key.kind.as_str(), i64::from(r.key.number), r.period.to_string());
    sqlx::query(
        "INSERT INTO ledger_reports (plan_id, item_kind, number, period, department_code, status, percent, narrative,
                                     milestones_reached, synthetic, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (plan_id, item_kind, number, period) DO UPDATE SET
             department_code = excluded.department_code, status = excluded.status, percent = excluded.percent,
             narrative = excluded.narrative, milestones_reached = excluded.milestones_reached,
             synthetic = excluded.synthetic, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at,
             version = ledger_reports.version + 1",
    )
    .bind(plan)
    .bind(kind)
    .bind(number)
    .bind(&period)
    .bind(&r.department_code)
    .bind(r.status.as_str())
    .bind(r.percent)
    .bind(&r.narrative)
    .bind(r.milestones_reached.join(";"))
    .bind(i64::from(r.synthetic))
    .bind(by)
    .bind(at)
    // sqlx 0.9.0's Any sends a NULL f64 as float4 to PostgreSQL; do not cache that statement.
    .persistent(r.percent.is_some())
    .execute(&mut **tx)
    .await?;
    for table in ["ledger_report_values", "ledger_report_evidence"] {
        sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE plan_id = $1 AND item_kind = $2 AND number = $3 AND period = $4")))
            .bind(plan)
            .bind(kind)
            .bind(number)
            .bind(&period)
            .execute(&mut **tx)
            .await?;
    }
    for (goal, value) in &r.values {
        sqlx::query("INSERT INTO ledger_report_values (plan_id, item_kind, number, period, goal_id, value) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(plan)
            .bind(kind)
            .bind(number)
            .bind(&period)
            .bind(goal)
            .bind(*value)
            .execute(&mut **tx)
            .await?;
    }
    for (i, e) in r.evidence.iter().enumerate() {
        sqlx::query("INSERT INTO ledger_report_evidence (plan_id, item_kind, number, period, position, reference) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(plan)
            .bind(kind)
            .bind(number)
            .bind(&period)
            .bind(i as i64)
            .bind(e)
            .execute(&mut **tx)
            .await?;
    }
    for c in &r.contributions {
        save_contribution(tx, &r.key, r.period, c, by, at).await?;
    }
    Ok(())
}

async fn save_contribution(tx: &mut WriteTx, key: &ItemKey, period: Period, c: &Contribution, by: &str, at: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO ledger_contributions (plan_id, item_kind, number, period, department_code, narrative, synthetic, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (plan_id, item_kind, number, period, department_code) DO UPDATE SET
             narrative = excluded.narrative, synthetic = excluded.synthetic, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
    )
    .bind(&key.plan_id)
    .bind(key.kind.as_str())
    .bind(i64::from(key.number))
    .bind(period.to_string())
    .bind(&c.department_code)
    .bind(&c.narrative)
    .bind(i64::from(c.synthetic))
    .bind(by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    // A part changes what the item's report of the period says: a new version of it.
    sqlx::query("UPDATE ledger_reports SET version = version + 1 WHERE plan_id = $1 AND item_kind = $2 AND number = $3 AND period = $4")
        .bind(&key.plan_id)
        .bind(key.kind.as_str())
        .bind(i64::from(key.number))
        .bind(period.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The version of an item's report of a period, who wrote it last and when; `None`: no report.
async fn report_state_in(conn: &mut sqlx::AnyConnection, key: &ItemKey, period: Period) -> Result<Option<ReportState>> {
    let row = sqlx::query("SELECT version, recorded_by, recorded_at FROM ledger_reports WHERE plan_id = $1 AND item_kind = $2 AND number = $3 AND period = $4")
        .bind(&key.plan_id)
        .bind(key.kind.as_str())
        .bind(i64::from(key.number))
        .bind(period.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Ok(ReportState { version: r.try_get(0)?, recorded_by: r.try_get(1)?, recorded_at: r.try_get(2)? })).transpose()
}

/// What an ETag of a ledger report is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportState {
    pub version: i64,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// The ETag of an item's report of a period (`"new"` before the first report).
pub fn report_etag(state: Option<&ReportState>) -> String {
    state.map_or_else(|| "\"new\"".to_string(), |s| format!("\"{}\"", s.version))
}

/// The report an `If-Match` refers to: the item, the period, the ETag the writer read.
#[derive(Debug, Clone)]
pub struct ReportExpect {
    pub key: ItemKey,
    pub period: Period,
    pub etag: String,
}

async fn save_problem(tx: &mut WriteTx, p: &Problem, by: &str, at: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO ledger_problems (subject, raised_period, seq, department_code, text, resolved_period, resolution, synthetic, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (subject, raised_period, seq) DO UPDATE SET
             department_code = excluded.department_code, text = excluded.text, resolved_period = excluded.resolved_period,
             resolution = excluded.resolution, synthetic = excluded.synthetic, recorded_by = excluded.recorded_by,
             recorded_at = excluded.recorded_at",
    )
    .bind(p.subject.to_string())
    .bind(p.raised.to_string())
    .bind(i64::from(p.seq))
    .bind(p.department_code.as_deref())
    .bind(&p.text)
    .bind(p.resolved.map(|r| r.to_string()))
    .bind(&p.resolution)
    .bind(i64::from(p.synthetic))
    .bind(by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn save_key_project(tx: &mut WriteTx, p: &KeyProject, by: &str, at: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO key_projects (year, code, name, region_code, industry, kind, total_investment, planned_investment,
                                   start_period, end_period, lead_unit, status, synthetic, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (year, code) DO UPDATE SET
             name = excluded.name, region_code = excluded.region_code, industry = excluded.industry, kind = excluded.kind,
             total_investment = excluded.total_investment, planned_investment = excluded.planned_investment,
             start_period = excluded.start_period, end_period = excluded.end_period, lead_unit = excluded.lead_unit,
             status = excluded.status, synthetic = excluded.synthetic, recorded_by = excluded.recorded_by,
             recorded_at = excluded.recorded_at",
    )
    .bind(i64::from(p.year))
    .bind(&p.code)
    .bind(&p.name)
    .bind(&p.region_code)
    .bind(&p.industry)
    .bind(p.kind.as_str())
    .bind(p.total_investment)
    .bind(p.planned_investment)
    .bind(p.start.to_string())
    .bind(p.end.to_string())
    .bind(&p.lead_unit)
    .bind(p.status.as_str())
    .bind(i64::from(p.synthetic))
    .bind(by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn save_monthly(tx: &mut WriteTx, m: &MonthlyReport, by: &str, at: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO key_project_reports (year, code, month, month_investment, ytd_investment, progress, synthetic, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (year, code, month) DO UPDATE SET
             month_investment = excluded.month_investment, ytd_investment = excluded.ytd_investment, progress = excluded.progress,
             synthetic = excluded.synthetic, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
    )
    .bind(i64::from(m.year))
    .bind(&m.code)
    .bind(i64::from(m.month))
    .bind(m.month_investment)
    .bind(m.ytd_investment)
    .bind(&m.progress)
    .bind(i64::from(m.synthetic))
    .bind(by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use crate::testing::TestDb;
    use digecon_dataset::Dataset;

    /// The demo ledger written and read back on both backends is the generated one, with who and when.
    #[tokio::test]
    async fn demo_round_trips_on_both_backends() {
        let ds = Dataset::embedded().unwrap();
        let items = digecon_ledger::items(&ds.plans, &ds.tasks, &ds.projects).unwrap();
        let demo = digecon_ledger::demo::generate(2022, &items, &ds.regions, &ds.departments).unwrap();
        for db in TestDb::both() {
            let store = db.open().await;
            let l = db.label;
            assert!(matches!(store.load_ledger_demo(2022, false).await, Err(super::LedgerLoadError::Store(crate::StoreError::NotInitialised))), "{l}");
            store.load_dataset(&ds, false, &mut |_, _, _| {}).await.unwrap();
            let counts = store.load_ledger_demo(2022, false).await.unwrap();
            assert_eq!((counts.key_projects, counts.monthly_reports), (100, 1200), "{l}");
            assert!(store.load_ledger_demo(2022, false).await.is_err(), "{l}: a second load must refuse");
            store.load_ledger_demo(2022, true).await.unwrap();

            let projects = store.key_projects(Some(2022)).await.unwrap();
            assert_eq!(projects.len(), 100);
            assert_eq!(projects.iter().map(|p| p.planned_investment).sum::<f64>(), 6_500_000.0, "{l}");
            assert!(projects.iter().all(|p| p.recorded_by == digecon_ledger::demo::DEMO_RECORDER && !p.recorded_at.is_empty()));
            let strip = |mut p: digecon_ledger::KeyProject| {
                p.recorded_at.clear();
                p
            };
            let mut expected = demo.projects.clone();
            expected.sort_by(|a, b| a.code.cmp(&b.code));
            assert_eq!(projects.into_iter().map(strip).collect::<Vec<_>>(), expected, "{l}");

            let mut reports = store.progress_reports(Some("jx-2022-workplan")).await.unwrap();
            for r in &mut reports {
                r.recorded_at.clear();
                r.contributions.iter_mut().for_each(|c| c.recorded_at.clear());
            }
            let mut expected = demo.reports.clone();
            expected.sort_by(|a, b| a.key.cmp(&b.key).then(a.period.cmp(&b.period)));
            assert_eq!(reports, expected, "{l}");
            assert_eq!(store.problems().await.unwrap().len(), demo.problems.len(), "{l}");
            assert_eq!(store.monthly_reports(Some(2022)).await.unwrap().len(), 1200, "{l}");
            // Re-initialising the catalogue empties the ledger too.
            store.load_dataset(&ds, true, &mut |_, _, _| {}).await.unwrap();
            assert!(store.ledger_counts().await.unwrap().is_empty(), "{l}");
        }
    }
}
