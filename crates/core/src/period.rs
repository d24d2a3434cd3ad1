//! Reporting periods in SDMX notation: `2022`, `2022-Q1`, `2022-03`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Frequency;

/// A reporting period. Ordering is chronological by start, and within the same start
/// the longer period first (so `2022 < 2022-Q1 < 2022-01`), which keeps sorted lists stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    Year(i32),
    /// Quarter 1..=4.
    Quarter(i32, u8),
    /// Month 1..=12.
    Month(i32, u8),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("无效的期间 / invalid period `{text}`: expected `YYYY`, `YYYY-Qn` (n = 1–4) or `YYYY-MM` (01–12)")]
pub struct PeriodError {
    pub text: String,
}

/// Years outside this range are almost certainly typos (`20222`), not data.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

impl Period {
    pub fn year(&self) -> i32 {
        match *self {
            Period::Year(y) | Period::Quarter(y, _) | Period::Month(y, _) => y,
        }
    }

    pub fn frequency(&self) -> Frequency {
        match self {
            Period::Year(_) => Frequency::Year,
            Period::Quarter(..) => Frequency::Quarter,
            Period::Month(..) => Frequency::Month,
        }
    }

    /// First and last month (1..=12) covered by the period.
    pub fn months(&self) -> (u8, u8) {
        match *self {
            Period::Year(_) => (1, 12),
            Period::Quarter(_, q) => (3 * q - 2, 3 * q),
            Period::Month(_, m) => (m, m),
        }
    }

    /// Share of the calendar year elapsed at the end of this period (序时进度): 2022-03 → 0.25.
    pub fn elapsed_share_of_year(&self) -> f64 {
        f64::from(self.months().1) / 12.0
    }

    /// The period immediately before (2022-01 → 2021-12, 2022-Q1 → 2021-Q4).
    pub fn prev(&self) -> Period {
        self.shift(-1)
    }

    pub fn next(&self) -> Period {
        self.shift(1)
    }

    /// Move by `n` periods of the same frequency.
    pub fn shift(&self, n: i32) -> Period {
        match *self {
            Period::Year(y) => Period::Year(y + n),
            Period::Quarter(y, q) => {
                let idx = y * 4 + i32::from(q) - 1 + n;
                Period::Quarter(idx.div_euclid(4), (idx.rem_euclid(4) + 1) as u8)
            }
            Period::Month(y, m) => {
                let idx = y * 12 + i32::from(m) - 1 + n;
                Period::Month(idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u8)
            }
        }
    }

    /// The same period one year earlier (for year-on-year growth).
    pub fn same_period_last_year(&self) -> Period {
        match *self {
            Period::Year(y) => Period::Year(y - 1),
            Period::Quarter(y, q) => Period::Quarter(y - 1, q),
            Period::Month(y, m) => Period::Month(y - 1, m),
        }
    }

    /// The periods of the same frequency from the start of the year up to and including this one
    /// (what a year-to-date 累计 value covers).
    pub fn year_to_date(&self) -> Vec<Period> {
        match *self {
            Period::Year(_) => vec![*self],
            Period::Quarter(y, q) => (1..=q).map(|i| Period::Quarter(y, i)).collect(),
            Period::Month(y, m) => (1..=m).map(|i| Period::Month(y, i)).collect(),
        }
    }

    /// Whether `other` lies inside this period (a month inside its quarter or year).
    pub fn contains(&self, other: &Period) -> bool {
        if self.year() != other.year() {
            return false;
        }
        let (a, b) = self.months();
        let (c, d) = other.months();
        a <= c && d <= b
    }

    fn sort_key(&self) -> (i32, u8, u8) {
        let (start, end) = self.months();
        (self.year(), start, 12 - (end - start))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PeriodError { text: s.to_string() };
        let year = |t: &str| -> Result<i32, PeriodError> {
            if t.len() != 4 || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            let y: i32 = t.parse().map_err(|_| err())?;
            if YEARS.contains(&y) {
                Ok(y)
            } else {
                Err(err())
            }
        };
        match s.split_once('-') {
            None => Ok(Period::Year(year(s)?)),
            Some((y, rest)) => {
                let y = year(y)?;
                if let Some(q) = rest.strip_prefix('Q') {
                    match q {
                        "1" | "2" | "3" | "4" => Ok(Period::Quarter(y, q.parse().map_err(|_| err())?)),
                        _ => Err(err()),
                    }
                } else if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()) {
                    let m: u8 = rest.parse().map_err(|_| err())?;
                    if (1..=12).contains(&m) {
                        Ok(Period::Month(y, m))
                    } else {
                        Err(err())
                    }
                } else {
                    Err(err())
                }
            }
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints_sdmx_forms() {
        for s in ["2022", "2022-Q1", "2022-Q4", "2022-01", "2022-12"] {
            assert_eq!(p(s).to_string(), s);
        }
        assert_eq!(p("2022-03"), Period::Month(2022, 3));
        assert_eq!(p("2022-Q2"), Period::Quarter(2022, 2));
    }

    #[test]
    fn rejects_malformed_periods() {
        for s in ["", "22", "20222", "2022-Q5", "2022-Q0", "2022-13", "2022-00", "2022-3", "2022Q1", "2022-M03", "abcd", "1800"] {
            let e = s.parse::<Period>().unwrap_err();
            assert!(e.to_string().contains(&format!("`{s}`")), "{e}");
        }
    }

    #[test]
    fn arithmetic_crosses_year_boundaries() {
        assert_eq!(p("2022-01").prev(), p("2021-12"));
        assert_eq!(p("2022-Q1").prev(), p("2021-Q4"));
        assert_eq!(p("2021-Q4").next(), p("2022-Q1"));
        assert_eq!(p("2022").prev(), p("2021"));
        assert_eq!(p("2022-03").shift(-15), p("2020-12"));
        assert_eq!(p("2022-03").same_period_last_year(), p("2021-03"));
        assert_eq!(p("2022-Q3").same_period_last_year(), p("2021-Q3"));
    }

    #[test]
    fn year_to_date_and_elapsed_share() {
        assert_eq!(p("2022-03").year_to_date(), vec![p("2022-01"), p("2022-02"), p("2022-03")]);
        assert_eq!(p("2022-Q2").year_to_date(), vec![p("2022-Q1"), p("2022-Q2")]);
        assert_eq!(p("2022-03").elapsed_share_of_year(), 0.25);
        assert_eq!(p("2022-Q3").elapsed_share_of_year(), 0.75);
        assert_eq!(p("2022").elapsed_share_of_year(), 1.0);
    }

    #[test]
    fn ordering_and_containment() {
        let mut v = vec![p("2022-02"), p("2022-Q1"), p("2021"), p("2022"), p("2022-01")];
        v.sort();
        assert_eq!(v, vec![p("2021"), p("2022"), p("2022-Q1"), p("2022-01"), p("2022-02")]);
        assert!(p("2022").contains(&p("2022-07")));
        assert!(p("2022-Q3").contains(&p("2022-07")));
        assert!(!p("2022-Q2").contains(&p("2022-07")));
        assert!(!p("2021").contains(&p("2022-07")));
    }
}
