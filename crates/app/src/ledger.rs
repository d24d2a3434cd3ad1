//! The quarterly bulletin (季度通报) from the stored ledger.

use digecon_core::Period;
use digecon_ledger::bulletin::{self, Bulletin, BulletinInput, BulletinOptions};
use digecon_ledger::LedgerItem;
use digecon_store::Store;

use crate::error::{AppError, Invalid, Result};

/// The bulletin of `quarter` over `plans` (empty: every plan with reports that year), and the
/// plans it covers.
pub async fn bulletin(store: &Store, quarter: Period, plans: &[String], options: BulletinOptions) -> Result<(Bulletin, Vec<String>)> {
    let Period::Quarter(year, _) = quarter else {
        return Err(AppError::Invalid(vec![Invalid::new("quarter", format!("应为季度 / expected a quarter such as 2022-Q3, got `{quarter}`"))]));
    };
    let all = store.ledger_items().await?;
    let reports = store.progress_reports(None).await?;
    let plans: Vec<String> = if plans.is_empty() {
        bulletin::plans_reported_in(&reports, year)
    } else {
        for p in plans {
            if !all.iter().any(|i| &i.key.plan_id == p) {
                return Err(AppError::NotFound(format!("没有计划 `{p}` 的任务 / no tasks or projects of plan `{p}`")));
            }
        }
        plans.to_vec()
    };
    let items: Vec<LedgerItem> = all.into_iter().filter(|i| plans.contains(&i.key.plan_id)).collect();
    let projects = store.key_projects(Some(year)).await?;
    let monthly = store.monthly_reports(Some(year)).await?;
    let problems = store.problems().await?;
    let regions = store.regions().await?;
    let departments = store.departments().await?;
    let input = BulletinInput {
        items: &items,
        reports: &reports,
        projects: &projects,
        monthly: &monthly,
        problems: &problems,
        regions: &regions,
        departments: &departments,
    };
    Ok((bulletin::build(&input, quarter, options)?, plans))
}
