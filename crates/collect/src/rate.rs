//! Filing rate (报送率) and timeliness (及时率) per form × period × region.
//!
//! As in DHIS2's reporting rates, both rates divide by the filings expected:
//! - filed (已报): the filing is submitted, city-approved or approved now (a returned filing is
//!   back with its filer and does not count until it is submitted again);
//! - on time (及时): filed, and its *first* submission fell on or before the due date (China
//!   Standard Time) — a reviewer's return does not make a punctual filer late;
//! - 报送率 = filed / expected, 及时率 = on time / expected.

use chrono::{DateTime, NaiveDate, Utc};
use digecon_core::RegionTree;
use serde::Serialize;

use crate::filing::FilingState;
use crate::form::{local_date, Filer, WindowDates};

/// What is known about one expected filer's filing.
#[derive(Clone, Debug, PartialEq)]
pub struct FilerStatus {
    pub filer: Filer,
    pub state: Option<FilingState>,
    pub first_submitted_at: Option<DateTime<Utc>>,
}

/// Someone who has not filed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NotFiled {
    pub filer: Filer,
    /// `None`: nothing entered yet.
    pub state: Option<FilingState>,
    /// The due date has passed (as of the report date).
    pub overdue: bool,
}

/// Rates for one group of filers (a region's subtree).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RateRow {
    /// The region whose subtree the row covers.
    pub region_code: String,
    pub expected: usize,
    pub filed: usize,
    pub approved: usize,
    pub on_time: usize,
    pub late: usize,
    pub not_filed: Vec<NotFiled>,
}

impl RateRow {
    /// 报送率 in percent; `None` when nothing is expected.
    pub fn filing_rate(&self) -> Option<f64> {
        (self.expected > 0).then(|| 100.0 * self.filed as f64 / self.expected as f64)
    }

    /// 及时率 in percent; `None` when nothing is expected.
    pub fn timeliness_rate(&self) -> Option<f64> {
        (self.expected > 0).then(|| 100.0 * self.on_time as f64 / self.expected as f64)
    }
}

/// One row per group region (filers whose region lies in its subtree), in the order given.
pub fn rates(statuses: &[FilerStatus], window: &WindowDates, as_of: NaiveDate, groups: &[String], tree: &RegionTree) -> Vec<RateRow> {
    groups
        .iter()
        .map(|g| {
            let mut row = RateRow {
                region_code: g.clone(),
                expected: 0,
                filed: 0,
                approved: 0,
                on_time: 0,
                late: 0,
                not_filed: Vec::new(),
            };
            for s in statuses.iter().filter(|s| tree.is_within(s.filer.region_code(), g)) {
                row.expected += 1;
                match s.state {
                    Some(state) if state.is_filed() => {
                        row.filed += 1;
                        if state == FilingState::Approved {
                            row.approved += 1;
                        }
                        let on_time = s.first_submitted_at.is_some_and(|t| local_date(t) <= window.due);
                        if on_time {
                            row.on_time += 1;
                        } else {
                            row.late += 1;
                        }
                    }
                    state => row.not_filed.push(NotFiled { filer: s.filer.clone(), state, overdue: as_of > window.due }),
                }
            }
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::FilingWindow;
    use digecon_core::{Region, RegionLevel};

    fn region(code: &str, level: RegionLevel, parent: Option<&str>) -> Region {
        Region { code: code.into(), name_zh: code.into(), name_en: String::new(), level, parent_code: parent.map(Into::into) }
    }

    /// Five counties of two cities, March 2023, due 2023-04-10 (CST):
    /// A on time (04-09), B late (04-12), C submitted 2023-04-10 23:30 CST = 15:30 UTC (on time),
    /// D first submitted on time but returned (not filed now), E nothing at all.
    /// City 360700 (A, B, C): 3 expected, 3 filed (100 %), 2 on time (66.7 %).
    /// City 360100 (D, E): 2 expected, 0 filed, 0 on time; both listed, overdue on 04-20.
    /// Province: 5 expected, 3 filed (60 %), 2 on time (40 %).
    #[test]
    fn on_time_late_and_missing_by_hand() {
        let tree = RegionTree::new(&[
            region("360000", RegionLevel::Province, None),
            region("360700", RegionLevel::City, Some("360000")),
            region("360100", RegionLevel::City, Some("360000")),
            region("360702", RegionLevel::County, Some("360700")),
            region("360703", RegionLevel::County, Some("360700")),
            region("360704", RegionLevel::County, Some("360700")),
            region("360102", RegionLevel::County, Some("360100")),
            region("360103", RegionLevel::County, Some("360100")),
        ]);
        let w = FilingWindow { opens_days: 1, due_days: 10, closes_days: 25 }.dates("2023-03".parse().unwrap());
        let st = |code: &str, state: Option<FilingState>, at: Option<&str>| FilerStatus {
            filer: Filer::Region { code: code.into() },
            state,
            first_submitted_at: at.map(|t| t.parse().unwrap()),
        };
        let statuses = vec![
            st("360702", Some(FilingState::Approved), Some("2023-04-09T02:00:00Z")),
            st("360703", Some(FilingState::Submitted), Some("2023-04-12T02:00:00Z")),
            st("360704", Some(FilingState::CityApproved), Some("2023-04-10T15:30:00Z")),
            st("360102", Some(FilingState::Returned), Some("2023-04-05T02:00:00Z")),
            st("360103", None, None),
        ];
        let groups = vec!["360700".to_string(), "360100".to_string(), "360000".to_string()];
        let r = rates(&statuses, &w, "2023-04-20".parse().unwrap(), &groups, &tree);
        assert_eq!((r[0].expected, r[0].filed, r[0].approved, r[0].on_time, r[0].late), (3, 3, 1, 2, 1));
        assert_eq!(r[0].filing_rate(), Some(100.0));
        assert!((r[0].timeliness_rate().unwrap() - 200.0 / 3.0).abs() < 1e-12);
        assert_eq!((r[1].expected, r[1].filed, r[1].on_time), (2, 0, 0));
        assert_eq!(r[1].not_filed.iter().map(|n| (n.filer.code(), n.state, n.overdue)).collect::<Vec<_>>(), vec![
            ("360102", Some(FilingState::Returned), true),
            ("360103", None, true)
        ]);
        assert_eq!((r[2].expected, r[2].filed, r[2].on_time, r[2].late), (5, 3, 2, 1));
        assert_eq!((r[2].filing_rate(), r[2].timeliness_rate()), (Some(60.0), Some(40.0)));
        let early = rates(&statuses, &w, "2023-04-08".parse().unwrap(), &groups, &tree);
        assert!(early[1].not_filed.iter().all(|n| !n.overdue), "not overdue before the due date");
    }
}
