//! Report forms (报表): what is filed, by whom, how often and by when.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate};
use digecon_core::{Department, Frequency, Period, Region, RegionLevel, Source};
use serde::{Deserialize, Serialize};

use crate::rule::Rule;

/// Who files a form: every region of a level, one region, or one department.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FilerSpec {
    Level(RegionLevel),
    Region(String),
    Department(String),
}

impl fmt::Display for FilerSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FilerSpec::Level(l) => write!(f, "level:{l}"),
            FilerSpec::Region(c) => write!(f, "region:{c}"),
            FilerSpec::Department(c) => write!(f, "department:{c}"),
        }
    }
}

impl FromStr for FilerSpec {
    type Err = String;
    /// `level:county`, `region:360702`, `department:360700-miit`.
    fn from_str(s: &str) -> Result<FilerSpec, String> {
        let bad = || format!("无效的填报单位说明 / invalid filer `{s}`: expected `level:<province|city|county|zone>`, `region:<code>` or `department:<code>`");
        let (kind, code) = s.split_once(':').ok_or_else(bad)?;
        if code.is_empty() || code.trim() != code {
            return Err(bad());
        }
        match kind {
            "level" => code.parse().map(FilerSpec::Level).map_err(|e: digecon_core::VocabError| e.to_string()),
            "region" => Ok(FilerSpec::Region(code.to_string())),
            "department" => Ok(FilerSpec::Department(code.to_string())),
            _ => Err(bad()),
        }
    }
}

/// One filing unit: a region files for itself; a department files for the region it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Filer {
    Region { code: String },
    Department { code: String, region_code: String },
}

impl Filer {
    /// The region or department code that names the filer in files and commands.
    pub fn code(&self) -> &str {
        match self {
            Filer::Region { code } | Filer::Department { code, .. } => code,
        }
    }

    /// The region the filed values are observations of.
    pub fn region_code(&self) -> &str {
        match self {
            Filer::Region { code } => code,
            Filer::Department { region_code, .. } => region_code,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Filer::Region { .. } => "region",
            Filer::Department { .. } => "department",
        }
    }

    pub fn department_code(&self) -> Option<&str> {
        match self {
            Filer::Region { .. } => None,
            Filer::Department { code, .. } => Some(code),
        }
    }
}

/// The filing window, in days relative to the last day of the period (day 0): a monthly form due
/// "on the 10th of the following month" has `due_days = 10`. All three dates are inclusive
/// calendar dates in China Standard Time ([`PLATFORM_UTC_OFFSET_HOURS`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingWindow {
    /// First day values may be entered.
    pub opens_days: i32,
    /// Last day a first submission counts as on time (及时).
    pub due_days: i32,
    /// Last day values may be entered at all (later only if the provincial office reopens).
    pub closes_days: i32,
}

/// Filing dates are calendar dates in China Standard Time (UTC+8), where every user of the
/// platform works; timestamps are stored in UTC.
pub const PLATFORM_UTC_OFFSET_HOURS: i64 = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowDates {
    pub opens: NaiveDate,
    pub due: NaiveDate,
    pub closes: NaiveDate,
}

/// The last calendar day of a period.
pub fn period_end(p: Period) -> NaiveDate {
    let (year, last_month) = (p.year(), u32::from(p.months().1));
    let first_of_next = if last_month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, last_month + 1, 1)
    }
    .expect("periods are within 1900..=2200");
    first_of_next.pred_opt().expect("not the first representable day")
}

/// The platform's calendar date of a UTC instant.
pub fn local_date(at: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    (at + Duration::hours(PLATFORM_UTC_OFFSET_HOURS)).date_naive()
}

impl FilingWindow {
    pub fn dates(&self, p: Period) -> WindowDates {
        let end = period_end(p);
        WindowDates {
            opens: end + Duration::days(i64::from(self.opens_days)),
            due: end + Duration::days(i64::from(self.due_days)),
            closes: end + Duration::days(i64::from(self.closes_days)),
        }
    }

    /// Checked when a form is defined: the dates must come in order.
    pub fn check(&self) -> Result<(), String> {
        if self.opens_days <= self.due_days && self.due_days <= self.closes_days {
            Ok(())
        } else {
            Err(format!(
                "填报期限顺序不对 / the window must satisfy opens_days ≤ due_days ≤ closes_days, got {} / {} / {}",
                self.opens_days, self.due_days, self.closes_days
            ))
        }
    }
}

/// Where `date` falls relative to the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowPosition {
    NotYetOpen,
    /// Open, on or before the due date.
    Open,
    /// Open, past the due date: a first submission now is late.
    Late,
    Closed,
}

impl WindowDates {
    pub fn position(&self, date: NaiveDate) -> WindowPosition {
        if date < self.opens {
            WindowPosition::NotYetOpen
        } else if date <= self.due {
            WindowPosition::Open
        } else if date <= self.closes {
            WindowPosition::Late
        } else {
            WindowPosition::Closed
        }
    }
}

/// One indicator of a form, in form order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormIndicator {
    pub indicator_code: String,
    /// Decimal places accepted and shown (`0` = whole numbers).
    pub decimals: u8,
    /// Must have a value before the filing can be submitted.
    pub required: bool,
}

/// A report form.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    /// e.g. `JXDE-M`.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub frequency: Frequency,
    pub filers: Vec<FilerSpec>,
    /// The department answerable for the form (its code).
    pub responsible_department: String,
    pub window: FilingWindow,
    pub indicators: Vec<FormIndicator>,
    pub rules: Vec<Rule>,
    /// Our reconstruction (the documents name the scheme, not every cell of it).
    pub reconstruction: bool,
    /// What the form is built from, in words.
    pub basis: String,
    pub source: Source,
}

impl Form {
    /// The period open for filing on `today`: the latest one whose window has opened.
    pub fn current_period(&self, today: NaiveDate) -> Period {
        let mut p = match self.frequency {
            Frequency::Year => Period::Year(today.year()),
            Frequency::Quarter => Period::Quarter(today.year(), (today.month0() / 3 + 1) as u8),
            Frequency::Month => Period::Month(today.year(), today.month() as u8),
        };
        while self.window.dates(p).opens > today {
            p = p.prev();
        }
        p
    }

    pub fn indicator(&self, code: &str) -> Option<&FormIndicator> {
        self.indicators.iter().find(|i| i.indicator_code == code)
    }

    /// Whether `p` is a period of this form (a monthly form takes `2023-03`, not `2023-Q1`).
    pub fn accepts_period(&self, p: &Period) -> bool {
        p.frequency() == self.frequency
    }

    /// [`Form::accepts_period`], with the message every caller gives when it does not.
    pub fn check_period(&self, p: &Period) -> Result<(), String> {
        if self.accepts_period(p) {
            Ok(())
        } else {
            Err(format!("期间频率不符 / period {p} does not fit form {} ({})", self.code, self.frequency))
        }
    }

    /// A period as a request names it (`2023`, `2023-Q1`, `2023-03`), read and checked against
    /// the form's frequency.
    pub fn parse_period(&self, s: &str) -> Result<Period, String> {
        let p: Period = s.parse().map_err(|e: digecon_core::PeriodError| e.to_string())?;
        self.check_period(&p)?;
        Ok(p)
    }

    /// Every filer the form expects, in region / department order.
    pub fn expected_filers(&self, regions: &[Region], departments: &[Department]) -> Vec<Filer> {
        let mut out: Vec<Filer> = Vec::new();
        for spec in &self.filers {
            match spec {
                FilerSpec::Level(l) => out.extend(
                    regions.iter().filter(|r| r.level == *l).map(|r| Filer::Region { code: r.code.clone() }),
                ),
                FilerSpec::Region(c) => out.push(Filer::Region { code: c.clone() }),
                FilerSpec::Department(c) => {
                    if let Some(d) = departments.iter().find(|d| &d.code == c) {
                        out.push(Filer::Department { code: d.code.clone(), region_code: d.region_code.clone() });
                    }
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|f| seen.insert(f.clone()));
        out
    }

    /// The filer named `code`, if it files this form.
    pub fn filer(&self, code: &str, regions: &[Region], departments: &[Department]) -> Option<Filer> {
        self.expected_filers(regions, departments).into_iter().find(|f| f.code() == code)
    }
}

/// A plausible range for an indicator in a region (or in every region), for outlier flags.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bound {
    /// `None` = every region.
    pub region_code: Option<String>,
    pub indicator_code: String,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub basis: String,
}

/// All forms and outlier bounds of a dataset.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormSet {
    pub forms: Vec<Form>,
    pub bounds: Vec<Bound>,
}

impl FormSet {
    pub fn form(&self, code: &str) -> Option<&Form> {
        self.forms.iter().find(|f| f.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn period_ends_and_windows() {
        assert_eq!(period_end("2023-02".parse().unwrap()), d("2023-02-28"));
        assert_eq!(period_end("2024-02".parse().unwrap()), d("2024-02-29"));
        assert_eq!(period_end("2023-Q3".parse().unwrap()), d("2023-09-30"));
        assert_eq!(period_end("2023-12".parse().unwrap()), d("2023-12-31"));
        assert_eq!(period_end("2023".parse().unwrap()), d("2023-12-31"));
        // Monthly: opens the 1st of the next month, due the 10th, closes the 25th.
        let w = FilingWindow { opens_days: 1, due_days: 10, closes_days: 25 };
        let dates = w.dates("2023-03".parse().unwrap());
        assert_eq!((dates.opens, dates.due, dates.closes), (d("2023-04-01"), d("2023-04-10"), d("2023-04-25")));
        assert_eq!(dates.position(d("2023-03-31")), WindowPosition::NotYetOpen);
        assert_eq!(dates.position(d("2023-04-10")), WindowPosition::Open);
        assert_eq!(dates.position(d("2023-04-11")), WindowPosition::Late);
        assert_eq!(dates.position(d("2023-04-26")), WindowPosition::Closed);
        assert!(FilingWindow { opens_days: 5, due_days: 1, closes_days: 9 }.check().is_err());
    }

    #[test]
    fn local_dates_are_china_standard_time() {
        // 2023-04-10 16:30 UTC is 2023-04-11 00:30 in Beijing: already past a due date of the 10th.
        let at: chrono::DateTime<chrono::Utc> = "2023-04-10T16:30:00Z".parse().unwrap();
        assert_eq!(local_date(at), d("2023-04-11"));
        let at: chrono::DateTime<chrono::Utc> = "2023-04-10T15:59:59Z".parse().unwrap();
        assert_eq!(local_date(at), d("2023-04-10"));
    }

    fn monthly() -> Form {
        Form {
            code: "JXDE-M".into(),
            name_zh: String::new(),
            name_en: String::new(),
            frequency: Frequency::Month,
            filers: vec![FilerSpec::Level(RegionLevel::County)],
            responsible_department: String::new(),
            window: FilingWindow { opens_days: 1, due_days: 10, closes_days: 25 },
            indicators: Vec::new(),
            rules: Vec::new(),
            reconstruction: true,
            basis: String::new(),
            source: Source { doc: String::new(), quote: String::new() },
        }
    }

    #[test]
    fn a_request_names_a_period_of_the_forms_frequency() {
        let f = monthly();
        assert_eq!(f.parse_period("2023-03"), Ok("2023-03".parse().unwrap()));
        assert_eq!(f.parse_period("2023-Q1").unwrap_err(), "期间频率不符 / period 2023-Q1 does not fit form JXDE-M (month)");
        assert!(f.parse_period("2023-13").is_err());
        assert!(f.parse_period("").is_err());
        // The period open today: the latest whose window has opened (April's opens on 1 May).
        assert_eq!(f.current_period(d("2023-04-30")), "2023-03".parse().unwrap());
        assert_eq!(f.current_period(d("2023-05-01")), "2023-04".parse().unwrap());
    }

    #[test]
    fn filer_specs() {
        assert_eq!("level:county".parse::<FilerSpec>().unwrap(), FilerSpec::Level(RegionLevel::County));
        assert_eq!("department:360700-miit".parse::<FilerSpec>().unwrap().to_string(), "department:360700-miit");
        for bad in ["county", "level:town", "region:", "dept:x", "region: 1"] {
            assert!(bad.parse::<FilerSpec>().is_err(), "{bad}");
        }
    }
}
