//! The city and county evaluation (监测评价) on the values in the store.

use digecon_core::{Actor, RegionLevel, RegionTree};
use digecon_evaluate::{Evaluation, Scheme, Schemes};
use digecon_store::{ObservationFilter, Store};

use crate::error::{AppError, Result};

/// The shipped schemes (`data/evaluation/`), read against the store's indicators.
pub async fn schemes(store: &Store) -> Result<Schemes> {
    let indicators = store.indicators().await?;
    Schemes::embedded(&indicators).map_err(|e| {
        AppError::Conflict(format!(
            "评价框架有误 / the evaluation scheme does not fit the catalogue: {}",
            e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
        ))
    })
}

/// The scheme of `scope` among `schemes`.
pub fn scheme(schemes: &Schemes, scope: RegionLevel) -> Result<&Scheme> {
    schemes.get(scope).ok_or_else(|| AppError::NotFound(format!("没有 `{scope}` 的评价框架 / no `{scope}` scheme in data/evaluation/framework.csv")))
}

/// Scores, ranks, tiers, 进位 and strengths of every region of the scheme's scope in `year`
/// (default: the latest year with values). Reads only the indicators the scheme needs.
pub async fn evaluate(store: &Store, scheme: &Scheme, year: Option<i32>) -> Result<Evaluation> {
    let mut observations = Vec::new();
    for code in scheme.wanted_indicators() {
        observations.extend(store.observations(&ObservationFilter { indicator: Some(code), ..Default::default() }).await?);
    }
    let regions = store.regions().await?;
    let (units, values) = digecon_evaluate::inputs(scheme, &regions, &observations);
    let scope = scheme.scope;
    let year = year.or_else(|| digecon_evaluate::latest_year(&values)).ok_or_else(|| {
        AppError::NotFound(format!(
            "数据库中没有 `{scope}` 评价所需的数据 / the database has no values for the `{scope}` evaluation (load some with `digecon synth` or filings)"
        ))
    })?;
    match digecon_evaluate::evaluate(scheme, &units, &values, year) {
        Ok(e) => Ok(e),
        Err(e @ digecon_evaluate::EvaluateError::NoData { .. }) => Err(AppError::NotFound(e.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// Whether `actor` sees the raw indicator values of `region` in a published evaluation: scores
/// and ranks are published to everybody, the values under them stay within the data scope.
pub fn shows_values(actor: &Actor, tree: &RegionTree, region: &str) -> bool {
    actor.can_see_region(tree, region)
}

/// Blanks the raw values of the regions `actor` may not see.
pub fn redact(e: &mut Evaluation, actor: &Actor, tree: &RegionTree) {
    for u in &mut e.units {
        if !shows_values(actor, tree, &u.code) {
            for i in &mut u.indicators {
                i.value = None;
            }
        }
    }
}
