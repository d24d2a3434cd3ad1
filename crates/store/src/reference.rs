//! Reading the reference data back: regions, departments, indicators, plans, targets,
//! constraints, reference figures, tasks, projects.

use std::collections::{BTreeMap, HashMap};

use digecon_core::{
    Constraint, Department, Indicator, IndicatorAliases, Milestone, Plan, Project, Region, Source, Target, Task,
};
use digecon_dataset::references::ReferenceFigure;
use digecon_dataset::{Catalog, Printed, TargetKey};
use sqlx::Row;

use crate::{parse_stored, Result, Store, StoreError};

fn split_list(s: &str) -> Vec<String> {
    if s.is_empty() {
        Vec::new()
    } else {
        s.split(';').map(str::to_string).collect()
    }
}

impl Store {
    pub async fn regions(&self) -> Result<Vec<Region>> {
        let rows = sqlx::query("SELECT code, name_zh, name_en, level, parent_code FROM regions ORDER BY position")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let level: String = r.try_get(3)?;
                Ok(Region {
                    code: r.try_get(0)?,
                    name_zh: r.try_get(1)?,
                    name_en: r.try_get(2)?,
                    level: parse_stored("regions.level", &level)?,
                    parent_code: r.try_get(4)?,
                })
            })
            .collect()
    }

    pub async fn departments(&self) -> Result<Vec<Department>> {
        let rows = sqlx::query(
            "SELECT code, name_zh, name_en, region_code, kind, aliases, source_doc, source_quote FROM departments ORDER BY position",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get(4)?;
                let aliases: String = r.try_get(5)?;
                Ok(Department {
                    code: r.try_get(0)?,
                    name_zh: r.try_get(1)?,
                    name_en: r.try_get(2)?,
                    region_code: r.try_get(3)?,
                    kind: parse_stored("departments.kind", &kind)?,
                    aliases: split_list(&aliases),
                    source: Source { doc: r.try_get(6)?, quote: r.try_get(7)? },
                })
            })
            .collect()
    }

    pub async fn indicators(&self) -> Result<Vec<Indicator>> {
        let rows = sqlx::query(
            "SELECT code, name_zh, name_en, unit, frequency, accumulation, polarity, aggregation, category, definition,
                    source_department, formula
             FROM indicators ORDER BY position",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let s = |i: usize| -> Result<String> { Ok(r.try_get::<String, _>(i)?) };
                let formula: Option<String> = r.try_get(11)?;
                Ok(Indicator {
                    code: s(0)?,
                    name_zh: s(1)?,
                    name_en: s(2)?,
                    unit: s(3)?,
                    frequency: parse_stored("indicators.frequency", &s(4)?)?,
                    accumulation: parse_stored("indicators.accumulation", &s(5)?)?,
                    polarity: parse_stored("indicators.polarity", &s(6)?)?,
                    aggregation: parse_stored("indicators.aggregation", &s(7)?)?,
                    category: s(8)?,
                    definition: s(9)?,
                    source_department: s(10)?,
                    formula: formula.map(|f| parse_stored("indicators.formula", &f)).transpose()?,
                })
            })
            .collect()
    }

    /// The other printed names and unit spellings of the indicators that have any, by code.
    pub async fn indicator_aliases(&self) -> Result<BTreeMap<String, IndicatorAliases>> {
        let rows = sqlx::query("SELECT code, aliases, unit_aliases FROM indicators WHERE aliases <> '' OR unit_aliases <> ''")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let (names, units): (String, String) = (r.try_get(1)?, r.try_get(2)?);
                Ok((r.try_get(0)?, IndicatorAliases { names: split_list(&names), units: split_list(&units) }))
            })
            .collect()
    }

    /// Regions and indicators (with their printed names), for checking import files. An empty
    /// catalogue means the database was never initialised, which is an error rather than "every
    /// code is unknown".
    pub async fn catalog(&self) -> Result<Catalog> {
        let regions = self.regions().await?;
        let indicators = self.indicators().await?;
        if regions.is_empty() || indicators.is_empty() {
            return Err(StoreError::NotInitialised);
        }
        Ok(Catalog::new(regions, indicators).with_aliases(self.indicator_aliases().await?))
    }

    pub async fn plans(&self) -> Result<Vec<Plan>> {
        let rows = sqlx::query(
            "SELECT id, name_zh, name_en, kind, region_code, issuer, issued, start_year, end_year, source_doc FROM plans ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get(3)?;
                Ok(Plan {
                    id: r.try_get(0)?,
                    name_zh: r.try_get(1)?,
                    name_en: r.try_get(2)?,
                    kind: parse_stored("plans.kind", &kind)?,
                    region_code: r.try_get(4)?,
                    issuer: r.try_get(5)?,
                    issued: r.try_get(6)?,
                    start_year: r.try_get::<i64, _>(7)? as i32,
                    end_year: r.try_get::<i64, _>(8)? as i32,
                    source_doc: r.try_get(9)?,
                })
            })
            .collect()
    }

    /// Targets in load order, optionally of one plan.
    pub async fn targets(&self, plan_id: Option<&str>) -> Result<Vec<Target>> {
        let rows = sqlx::query(
            "SELECT plan_id, region_code, indicator_code, base_year, base_text, base_value, target_year, target_text,
                    attribute, stated_growth_text, lead_units, lead_units_text, source_doc, source_quote
             FROM targets WHERE ($1 = '' OR plan_id = $1) ORDER BY id",
        )
        .bind(plan_id.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let attribute: Option<String> = r.try_get(8)?;
                let lead: String = r.try_get(10)?;
                Ok(Target {
                    plan_id: r.try_get(0)?,
                    region_code: r.try_get(1)?,
                    indicator_code: r.try_get(2)?,
                    base_year: r.try_get::<Option<i64>, _>(3)?.map(|y| y as i32),
                    base_text: r.try_get(4)?,
                    base_value: r.try_get(5)?,
                    target_year: r.try_get::<i64, _>(6)? as i32,
                    target_text: r.try_get(7)?,
                    attribute: attribute.map(|a| parse_stored("targets.attribute", &a)).transpose()?,
                    stated_growth_text: r.try_get(9)?,
                    lead_units: split_list(&lead),
                    lead_units_text: r.try_get(11)?,
                    source: Source { doc: r.try_get(12)?, quote: r.try_get(13)? },
                })
            })
            .collect()
    }

    /// The name and unit the source of each target prints where they are not the catalogue's,
    /// optionally of one plan (targets without any are left out).
    pub async fn target_printed(&self, plan_id: Option<&str>) -> Result<BTreeMap<TargetKey, Printed>> {
        let rows = sqlx::query(
            "SELECT plan_id, region_code, indicator_code, target_year, printed_name, printed_unit
             FROM targets WHERE ($1 = '' OR plan_id = $1) AND (printed_name <> '' OR printed_unit <> '')",
        )
        .bind(plan_id.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let key = (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get::<i64, _>(3)? as i32);
                Ok((key, Printed { name: r.try_get(4)?, unit: r.try_get(5)? }))
            })
            .collect()
    }

    pub async fn constraints(&self) -> Result<Vec<Constraint>> {
        let rows = sqlx::query(
            "SELECT region_code, indicator_code, period, relation, value, source_doc, source_quote FROM constraints ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let period: String = r.try_get(2)?;
                let relation: String = r.try_get(3)?;
                Ok(Constraint {
                    region_code: r.try_get(0)?,
                    indicator_code: r.try_get(1)?,
                    period: parse_stored("constraints.period", &period)?,
                    relation: parse_stored("constraints.relation", &relation)?,
                    value: r.try_get(4)?,
                    source: Source { doc: r.try_get(5)?, quote: r.try_get(6)? },
                })
            })
            .collect()
    }

    /// The figures for China, the world and other areas (`references.csv`), in file order.
    pub async fn reference_figures(&self) -> Result<Vec<ReferenceFigure>> {
        use digecon_dataset::references::{FigureRelation, FigureStatus, ReferenceKind};
        let rows = sqlx::query(
            "SELECT reference, scope_zh, indicator_code, name_zh, unit, period, relation, value, status, source_doc, source_quote
             FROM reference_figures ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        let vocab = |column: &str, v: &str| StoreError::Corrupt(format!("reference_figures.{column}: `{v}`"));
        rows.iter()
            .map(|r| {
                let (reference, relation, status, period, code): (String, String, String, String, String) =
                    (r.try_get(0)?, r.try_get(6)?, r.try_get(8)?, r.try_get(5)?, r.try_get(2)?);
                Ok(ReferenceFigure {
                    reference: ReferenceKind::from_code(&reference).ok_or_else(|| vocab("reference", &reference))?,
                    scope_zh: r.try_get(1)?,
                    indicator_code: Some(code).filter(|c| !c.is_empty()),
                    name_zh: r.try_get(3)?,
                    unit: r.try_get(4)?,
                    period: parse_stored("reference_figures.period", &period)?,
                    relation: FigureRelation::from_code(&relation).ok_or_else(|| vocab("relation", &relation))?,
                    value: r.try_get(7)?,
                    status: FigureStatus::from_code(&status).ok_or_else(|| vocab("status", &status))?,
                    source: Source { doc: r.try_get(9)?, quote: r.try_get(10)? },
                    line: 0,
                })
            })
            .collect()
    }

    /// Lead / co-operating department codes of every task or project, keyed by (plan, number).
    async fn work_units(&self, kind: &str) -> Result<HashMap<(String, u32), (Vec<String>, Vec<String>)>> {
        let rows = sqlx::query(
            "SELECT plan_id, number, role, department_code FROM work_units WHERE item_kind = $1
             ORDER BY plan_id, number, role, position",
        )
        .bind(kind)
        .fetch_all(&self.pool)
        .await?;
        let mut out: HashMap<(String, u32), (Vec<String>, Vec<String>)> = HashMap::new();
        for r in &rows {
            let key = (r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)? as u32);
            let role: String = r.try_get(2)?;
            let entry = out.entry(key).or_default();
            if role == "lead" { &mut entry.0 } else { &mut entry.1 }.push(r.try_get(3)?);
        }
        Ok(out)
    }

    pub async fn tasks(&self, plan_id: Option<&str>) -> Result<Vec<Task>> {
        let mut units = self.work_units("task").await?;
        let rows = sqlx::query(
            "SELECT plan_id, number, section, text, lead_units_text, coop_units_text, source_doc
             FROM tasks WHERE ($1 = '' OR plan_id = $1) ORDER BY plan_id, number",
        )
        .bind(plan_id.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let plan_id: String = r.try_get(0)?;
                let number = r.try_get::<i64, _>(1)? as u32;
                let (lead, coop) = units.remove(&(plan_id.clone(), number)).unwrap_or_default();
                Ok(Task {
                    plan_id,
                    number,
                    section: r.try_get(2)?,
                    text: r.try_get(3)?,
                    lead_units: lead,
                    lead_units_text: r.try_get(4)?,
                    coop_units: coop,
                    coop_units_text: r.try_get(5)?,
                    source_doc: r.try_get(6)?,
                })
            })
            .collect()
    }

    pub async fn projects(&self, plan_id: Option<&str>) -> Result<Vec<Project>> {
        let mut units = self.work_units("project").await?;
        let mut milestones: HashMap<(String, u32), Vec<Milestone>> = HashMap::new();
        for r in sqlx::query("SELECT plan_id, number, year, text FROM project_milestones ORDER BY plan_id, number, year")
            .fetch_all(&self.pool)
            .await?
        {
            let key = (r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)? as u32);
            milestones
                .entry(key)
                .or_default()
                .push(Milestone { year: r.try_get::<i64, _>(2)? as i32, text: r.try_get(3)? });
        }
        let rows = sqlx::query(
            "SELECT plan_id, number, category, domain, name, content, goal_text, lead_units_text, coop_units_text, source_doc
             FROM projects WHERE ($1 = '' OR plan_id = $1) ORDER BY plan_id, number",
        )
        .bind(plan_id.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let plan_id: String = r.try_get(0)?;
                let number = r.try_get::<i64, _>(1)? as u32;
                let key = (plan_id.clone(), number);
                let (lead, coop) = units.remove(&key).unwrap_or_default();
                Ok(Project {
                    plan_id,
                    number,
                    category: r.try_get(2)?,
                    domain: r.try_get(3)?,
                    name: r.try_get(4)?,
                    content: r.try_get(5)?,
                    goal_text: r.try_get(6)?,
                    milestones: milestones.remove(&key).unwrap_or_default(),
                    lead_units: lead,
                    lead_units_text: r.try_get(7)?,
                    coop_units: coop,
                    coop_units_text: r.try_get(8)?,
                    source_doc: r.try_get(9)?,
                })
            })
            .collect()
    }
}
