//! Target progress (the targets capability, `digecon-track`) on the store's values.

use digecon_core::{Actor, Indicator, Period, RegionTree, Target};
use digecon_store::{ObservationFilter, Store};
use digecon_track::{Documents, Finding, Inputs, Progress, ProjectionTable, ReferenceValue, Rules};

use crate::error::{AppError, Result};

/// What to do with a target whose base year is after the as-of period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BeforeBase {
    /// Refuse the whole request, naming the target (a batch job asked for an impossible date).
    Refuse,
    /// Leave the target out (a dashboard asks for whatever can be judged).
    LeaveOut,
}

#[derive(Debug, Clone)]
pub struct ProgressRequest<'a> {
    pub as_of: Period,
    pub plan: Option<&'a str>,
    pub region: Option<&'a str>,
    /// Reference series for `超全国平均水平`-style targets; `None`: the database's national averages
    /// (the dataset's `references.csv`).
    pub references: Option<Vec<ReferenceValue>>,
    pub before_base: BeforeBase,
}

/// The tracker's inputs: `plan` and `region` checked against the store, targets limited to what
/// `viewer` may see (none: everything, as for an operator's CLI).
pub async fn inputs(store: &Store, req: &ProgressRequest<'_>, viewer: Option<(&Actor, &RegionTree)>) -> Result<Inputs> {
    let plans = store.plans().await?;
    if let Some(p) = req.plan {
        if !plans.iter().any(|x| x.id == p) {
            let known: Vec<&str> = plans.iter().map(|x| x.id.as_str()).collect();
            return Err(AppError::NotFound(format!("未知的规划 / unknown plan `{p}`; the database has: {}", known.join(", "))));
        }
    }
    if let Some(r) = req.region {
        if !store.regions().await?.iter().any(|x| x.code == r) {
            return Err(AppError::NotFound(format!("未知的地区代码 / unknown region code `{r}` (see `digecon list regions`)")));
        }
    }
    let mut targets = store.targets(req.plan).await?;
    if let Some(r) = req.region {
        targets.retain(|t| t.region_code == r);
    }
    if let Some((actor, tree)) = viewer {
        targets.retain(|t| actor.can_see_target(tree, t));
    }
    if req.before_base == BeforeBase::LeaveOut {
        // As of a date before a target's base year there is nothing to judge yet.
        let plan_start = |t: &Target| plans.iter().find(|p| p.id == t.plan_id).map(|p| p.start_year - 1);
        targets.retain(|t| t.base_year.or_else(|| plan_start(t)).is_none_or(|b| b <= req.as_of.year()));
    }
    let indicators = store.indicators().await?;
    // Only what the targets read (their indicators and their formulas' inputs).
    let mut observations = Vec::new();
    for code in read_indicators(&targets, &indicators) {
        observations.extend(store.observations(&ObservationFilter { indicator: Some(code), ..Default::default() }).await?);
    }
    let references = match &req.references {
        Some(r) => r.clone(),
        None => digecon_track::national_averages(&store.reference_figures().await?)
            .map_err(|(_, msg)| AppError::Conflict(format!("reference_figures: {msg}")))?,
    };
    Ok(Inputs { plans, indicators, targets, observations, references })
}

/// Every consistency check (`digecon check`): the plans' and the documents' statements against
/// each other. Reads every plan, target and indicator, every documented (not synthetic)
/// observation, the regions, the tasks and the second statements compiled in from
/// `data/statements_twice.csv`; `tables` are the projection tables (004 Annex 2 unless the caller
/// has others).
pub async fn check(store: &Store, tables: &[ProjectionTable]) -> Result<Vec<Finding>> {
    let observations = store.observations(&ObservationFilter::default()).await?.into_iter().filter(|o| !o.synthetic).collect();
    let inputs = Inputs { plans: store.plans().await?, indicators: store.indicators().await?, targets: store.targets(None).await?, observations, references: Vec::new() };
    let docs = Documents { regions: store.regions().await?, twice: digecon_track::statements::embedded_twice(), goals_twice: digecon_track::statements::embedded_goals_twice(), tasks: store.tasks(None).await?, references: store.reference_figures().await? };
    Ok(digecon_track::check(&inputs, tables, &docs, &Rules::default())?)
}

/// The progress of every target of the request, as of its period, with the rule behind each status.
pub async fn progress(store: &Store, req: &ProgressRequest<'_>, viewer: Option<(&Actor, &RegionTree)>) -> Result<Vec<Progress>> {
    let inputs = inputs(store, req, viewer).await?;
    Ok(digecon_track::progress(&inputs, req.as_of, &Rules::default())?)
}

/// The indicators whose observations the progress of `targets` reads: theirs, and every indicator
/// their formulas refer to, transitively; sorted.
pub fn read_indicators(targets: &[Target], indicators: &[Indicator]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut todo: Vec<String> = targets.iter().map(|t| t.indicator_code.clone()).collect();
    while let Some(code) = todo.pop() {
        if out.contains(&code) {
            continue;
        }
        if let Some(f) = indicators.iter().find(|i| i.code == code).and_then(|i| i.formula.as_ref()) {
            todo.extend(f.references().into_iter().map(str::to_string));
        }
        out.push(code);
    }
    out.sort();
    out
}
