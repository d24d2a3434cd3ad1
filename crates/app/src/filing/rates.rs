//! The filing-rate report (报送率 / 及时率, and who has not filed).

use chrono::NaiveDate;
use digecon_collect::{Form, RateRow};
use digecon_core::{Actor, Period, RegionTree};
use digecon_store::Store;

use super::{form, period_of, Catalogue};
use crate::error::{AppError, Result};

/// The rows of a filing-rate report rooted at `root`: the root itself first, then each of its
/// children in catalogue order. (One rule for the CLI and the web page; a row with no expected
/// filer — a zone, for a form counties file — is left out by [`rates`].)
pub fn rate_groups(tree: &RegionTree, root: &str) -> Vec<String> {
    let mut groups = vec![root.to_string()];
    groups.extend(tree.children(root).iter().cloned());
    groups
}

/// 报送率 / 及时率 of `form` for `period` as of `as_of`, by [`rate_groups`] of `root`.
#[derive(Debug, Clone)]
pub struct RatesReport {
    pub due: NaiveDate,
    pub rows: Vec<RateRow>,
}

pub async fn rates(store: &Store, tree: &RegionTree, form: &str, period: Period, root: &str, as_of: NaiveDate) -> Result<RatesReport> {
    if !tree.contains(root) {
        return Err(AppError::NotFound(format!("未知的地区代码 / unknown region code `{root}`")));
    }
    let (rows, due) = store.filing_rates(form, period, &rate_groups(tree, root), as_of).await?;
    let rows = rows.into_iter().filter(|r| r.expected > 0 || r.region_code == root).collect();
    Ok(RatesReport { due, rows })
}

/// [`rates`] of `form` for the period a request names, rooted at the actor's own region (the
/// whole tree for the offices); only reviewers see them.
pub async fn rates_in_scope(store: &Store, cat: Catalogue<'_>, actor: &Actor, form_code: &str, period: &str, as_of: NaiveDate) -> Result<(Form, Period, RatesReport)> {
    if !actor.reviews_filings() {
        return Err(AppError::Forbidden("filing rates are for reviewers".into()));
    }
    let f = form(cat, form_code)?;
    let p = period_of(&f, period)?;
    let root = actor.report_root(cat.tree).ok_or_else(|| AppError::Forbidden("no region scope".into()))?;
    let report = rates(store, cat.tree, &f.code, p, &root, as_of).await?;
    Ok((f, p, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use digecon_core::{Region, RegionLevel};

    fn region(code: &str, level: RegionLevel, parent: Option<&str>) -> Region {
        Region { code: code.into(), name_zh: code.into(), name_en: String::new(), level, parent_code: parent.map(Into::into) }
    }

    #[test]
    fn a_rate_report_is_the_root_first_then_its_children_in_catalogue_order() {
        let tree = RegionTree::new(&[
            region("360000", RegionLevel::Province, None),
            region("360100", RegionLevel::City, Some("360000")),
            region("360700", RegionLevel::City, Some("360000")),
            region("360702", RegionLevel::County, Some("360700")),
            region("360799", RegionLevel::Zone, Some("360700")),
        ]);
        assert_eq!(rate_groups(&tree, "360000"), ["360000", "360100", "360700"]);
        // A city's report: the city, then its counties and zones (a zone without filers is left
        // out by `rates`, not here).
        assert_eq!(rate_groups(&tree, "360700"), ["360700", "360702", "360799"]);
        assert_eq!(tree.root(), Some("360000"));
    }
}
