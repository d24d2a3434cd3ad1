//! The steps of a filing's workflow: submit, approve, return, reopen.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use digecon_collect::filing::Action;
use digecon_core::Actor;
use digecon_store::collect::Filing;
use digecon_store::Store;

use super::{check_text, finish, period_of, resolve, Catalogue};
use crate::error::{AppError, Invalid, Result};

// A workflow step as a person asks for it (a doc comment here would change the API description).
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "openapi", derive(serde::Deserialize, utoipa::ToSchema))]
pub struct ActionRequest {
    /// submit | withdraw | approve | return | reopen
    pub action: String,
    /// Required to return or reopen.
    pub comment: Option<String>,
    /// rule code → explanation of a failed warning rule (at submission)
    pub explanations: Option<BTreeMap<String, String>>,
}

/// Takes a step on one filing. The filing is resolved within the actor's scope first, so an
/// outsider learns nothing from validation messages; then the step, the period and the texts
/// are checked, and the store decides and writes. `expect`: the ETag the actor read.
#[allow(clippy::too_many_arguments)]
pub async fn act(
    store: &Store,
    cat: Catalogue<'_>,
    actor: &Actor,
    form_code: &str,
    filer_code: &str,
    period: &str,
    req: &ActionRequest,
    at: DateTime<Utc>,
    expect: Option<&str>,
) -> Result<Filing> {
    let (f, fl) = resolve(cat, actor, form_code, filer_code)?;
    let action = Action::step(&req.action).map_err(|m| AppError::Invalid(vec![Invalid::new("action", m)]))?;
    let p = period_of(&f, period)?;
    let comment = req.comment.as_deref().unwrap_or("");
    let mut v = Vec::new();
    check_text(&mut v, "comment", comment);
    for (rule, text) in req.explanations.iter().flatten() {
        check_text(&mut v, &format!("explanations.{rule}"), text);
    }
    finish(v)?;
    let explanations = req.explanations.clone().unwrap_or_default();
    Ok(store.filing_action_expecting(&f.code, fl.code(), p, action, actor, comment, &explanations, at, expect).await?)
}
