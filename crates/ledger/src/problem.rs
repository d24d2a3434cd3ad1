//! Problems needing coordination (需协调解决的问题), raised in task reports or project monthly
//! reports, open until a resolution is recorded.

use std::fmt;
use std::str::FromStr;

use digecon_core::Period;
use serde::{Deserialize, Serialize};

use crate::item::{month_index, ItemKey, ItemKind};

/// What a problem is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Subject {
    /// A task or engineering project of a plan.
    Item(ItemKey),
    /// A key project of a year's registry.
    KeyProject { year: i32, code: String },
}

impl fmt::Display for Subject {
    /// `task:jx-2022-workplan:17`, `project:gz-14fyp:6`, `key_project:2022:JX22-001` — the form stored.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Item(k) => write!(f, "{}:{}:{}", k.kind.as_str(), k.plan_id, k.number),
            Subject::KeyProject { year, code } => write!(f, "key_project:{year}:{code}"),
        }
    }
}

impl FromStr for Subject {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let err = || format!("无效的问题对象 / invalid problem subject `{s}`: expected `task:PLAN:N`, `project:PLAN:N` or `key_project:YEAR:CODE`");
        let mut parts = s.splitn(3, ':');
        let (Some(kind), Some(a), Some(b)) = (parts.next(), parts.next(), parts.next()) else { return Err(err()) };
        match kind {
            "key_project" => Ok(Subject::KeyProject { year: a.parse().map_err(|_| err())?, code: b.to_string() }),
            _ => {
                let kind: ItemKind = kind.parse().map_err(|_| err())?;
                Ok(Subject::Item(ItemKey { plan_id: a.to_string(), kind, number: b.parse().map_err(|_| err())? }))
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub subject: Subject,
    /// The period it was raised in (the report's month or quarter).
    pub raised: Period,
    /// 1, 2, … among the problems of the same subject raised in the same period.
    pub seq: u32,
    /// The unit that raised it, when known.
    pub department_code: Option<String>,
    pub text: String,
    /// The period in which it was resolved; `None` while open.
    pub resolved: Option<Period>,
    pub resolution: String,
    pub synthetic: bool,
    pub recorded_by: String,
    pub recorded_at: String,
}

impl Problem {
    /// Whether the problem is still open at the end of `as_of`.
    pub fn is_open_at(&self, as_of: &Period) -> bool {
        month_index(&self.raised) <= month_index(as_of)
            && self.resolved.is_none_or(|r| month_index(&r) > month_index(as_of))
    }

    /// Whole months from the end of the period it was raised in to the end of `as_of`
    /// (raised 2022-05, as of 2022-09 → 4); `None` when not open then.
    pub fn months_open(&self, as_of: &Period) -> Option<u32> {
        self.is_open_at(as_of).then(|| (month_index(as_of) - month_index(&self.raised)) as u32)
    }
}

/// Problems open at `as_of` for more than `months` months, longest open first.
pub fn open_longer_than<'a>(problems: &'a [Problem], as_of: &Period, months: u32) -> Vec<(&'a Problem, u32)> {
    let mut out: Vec<(&Problem, u32)> =
        problems.iter().filter_map(|p| p.months_open(as_of).filter(|m| *m > months).map(|m| (p, m))).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.subject.cmp(&b.0.subject)).then(a.0.seq.cmp(&b.0.seq)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(raised: &str, resolved: Option<&str>) -> Problem {
        Problem {
            subject: "key_project:2022:JX22-001".parse().unwrap(),
            raised: raised.parse().unwrap(),
            seq: 1,
            department_code: None,
            text: "用地指标未落实".into(),
            resolved: resolved.map(|r| r.parse().unwrap()),
            resolution: String::new(),
            synthetic: false,
            recorded_by: String::new(),
            recorded_at: String::new(),
        }
    }

    #[test]
    fn subjects_round_trip() {
        for s in ["task:jx-2022-workplan:17", "project:gz-14fyp:6", "key_project:2022:JX22-001"] {
            assert_eq!(s.parse::<Subject>().unwrap().to_string(), s);
        }
        assert!("task:jx:x".parse::<Subject>().is_err());
    }

    #[test]
    fn months_open() {
        let as_of: Period = "2022-09".parse().unwrap();
        assert_eq!(problem("2022-05", None).months_open(&as_of), Some(4));
        assert_eq!(problem("2022-05", Some("2022-10")).months_open(&as_of), Some(4));
        assert_eq!(problem("2022-05", Some("2022-09")).months_open(&as_of), None);
        assert_eq!(problem("2022-10", None).months_open(&as_of), None, "not raised yet");
        assert_eq!(problem("2022-Q1", None).months_open(&as_of), Some(6), "a quarter counts from its last month");
        let all = [problem("2022-05", None), problem("2022-07", None), problem("2022-02", Some("2022-04"))];
        let open = open_longer_than(&all, &as_of, 3);
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].1, 4);
    }
}
