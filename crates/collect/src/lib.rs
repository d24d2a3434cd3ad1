//! Data collection (数据采集): report forms (报表) with filing windows, the validation-rule
//! language, outlier flags, the filing state machine, filing rate and timeliness, and Excel / CSV /
//! JSON templates and imports.
//!
//! Pure, like `digecon-core`: no database, no files, no clock. Callers pass the time (`DateTime<Utc>`)
//! and the bytes; `digecon-store` keeps filings, values, history and comments, and `digecon-cli`
//! and the web server drive both. The moving parts:
//! - [`form`]: [`Form`], who files it ([`FilerSpec`] → [`Filer`]), its [`FilingWindow`];
//! - [`rule`]: the expression language and [`Rule::evaluate`];
//! - [`outlier`]: modified z-scores against a region's own history and per-region bounds;
//! - [`validate`]: one filing's required values, rule results and outlier flags together;
//! - [`filing`]: [`FilingState`] and [`transition`] (who may save, submit, approve, return, reopen);
//! - [`rate`]: 报送率 / 及时率 and who has not filed;
//! - [`template`] and [`import`]: `.xlsx`/CSV templates out, `.xlsx`/CSV/JSON values in, with every
//!   problem at `file:sheet:row:column`.

pub mod filing;
pub mod form;
pub mod import;
pub mod outlier;
pub mod rate;
pub mod rule;
pub mod template;
pub mod validate;

pub use filing::{can_view, city_reviewer, is_filer, is_own_filer, transition, Action, Denied, FilingState};
pub use form::{local_date, period_end, Bound, Filer, FilerSpec, FilingWindow, Form, FormIndicator, FormSet, WindowDates, WindowPosition};
pub use import::{CheckedValue, ImportCatalog, ImportFile, ImportedValue, Problems};
pub use outlier::{OutlierFlag, OutlierReason};
pub use rate::{rates, FilerStatus, NotFiled, RateRow};
pub use rule::{Comparison, Expr, Outcome, Rule, RuleResult, Severity};
pub use template::{Template, TemplateRow};
pub use validate::{validate, FilingContext, Validation};

