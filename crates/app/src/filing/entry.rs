//! Values in and templates out: entering values, importing a filled-in template, writing one.

use chrono::{DateTime, Utc};
use digecon_collect::filing::{can_view, is_filer};
use digecon_collect::{ImportFile, Template};
use digecon_core::{Actor, Limits};
use digecon_store::collect::{etag_of, CollectError, Expect, SaveSummary};
use digecon_store::Store;

use super::{check_text, finish, form, period_of, resolve, Catalogue};
use crate::error::{AppError, Invalid, Result};

/// What a save did, and the filing's version after it.
#[derive(Debug, Clone)]
pub struct Saved {
    pub summary: SaveSummary,
    /// The filing's ETag now (as it was when nothing changed), for the next `If-Match`.
    pub etag: String,
}

/// Values `actor` enters into one filing (`indicator → value`, in the order given): all or
/// nothing, checked like an import. `expect`: the ETag the actor read (`If-Match`); a filing
/// changed since is refused with [`CollectError::Stale`].
#[allow(clippy::too_many_arguments)]
pub async fn save_values(
    store: &Store,
    cat: Catalogue<'_>,
    actor: &Actor,
    form_code: &str,
    filer_code: &str,
    period: &str,
    values: &[(String, f64)],
    reason: &str,
    at: DateTime<Utc>,
    dry_run: bool,
    expect: Option<String>,
) -> Result<Saved> {
    let (f, fl) = resolve(cat, actor, form_code, filer_code)?;
    if !is_filer(actor, &fl) {
        // Reviewers see a filing but do not fill it in.
        return Err(AppError::Forbidden(format!("filer {filer_code}: 只有填报单位可以填报 / only the filer enters values")));
    }
    let p = period_of(&f, period)?;
    let mut v = Vec::new();
    check_text(&mut v, "reason", reason);
    finish(v)?;
    let entries: Vec<(String, String, f64)> = values.iter().map(|(i, x)| (fl.code().to_string(), i.clone(), *x)).collect();
    let expect = expect.map(|etag| Expect { filer: fl.code().to_string(), etag });
    let summary = store.save_filing_values_expecting(&f.code, p, &entries, actor, reason, at, dry_run, expect.as_ref()).await?;
    // Nothing changed (every value as stored): the filing's version is what it was.
    let etag = match summary.etags.iter().find(|(filer, _)| filer == fl.code()) {
        Some((_, e)) => e.clone(),
        None => etag_of(store.filing(&f.code, fl.code(), p).await?.as_ref()),
    };
    Ok(Saved { summary, etag })
}

/// A filled-in template as read, before any check against the catalogue.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file: ImportFile,
    /// How the file was read (e.g. as GBK).
    pub notes: Vec<String>,
}

/// Serialises the reading of uploads: parsing a spreadsheet is CPU work, bounded by the import
/// limits, and one at a time never holds up the rest of a server.
static PARSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Reads a filled-in template (`.xlsx .xls .ods .csv .json`, by `file_name`) on a blocking
/// thread, one file at a time. Every problem is located as file:sheet:row:column
/// ([`CollectError::Rejected`]).
pub async fn read_upload(file_name: String, bytes: impl AsRef<[u8]> + Send + 'static, limits: Limits) -> Result<Upload> {
    let _permit = PARSING.acquire().await.map_err(|e| AppError::Unavailable(e.to_string()))?;
    let read = tokio::task::spawn_blocking(move || digecon_collect::import::read_with(&file_name, bytes.as_ref(), &limits))
        .await
        .map_err(|e| AppError::Unavailable(format!("reading the upload failed: {e}")))?;
    let read = read.map_err(CollectError::Rejected)?;
    Ok(Upload { file: read.file, notes: read.notes })
}

/// Whom an import refuses before checking the file.
#[derive(Clone, Copy)]
pub enum Screen<'a> {
    /// An upload naming a filer (of the catalogue's) the actor does not file for is refused
    /// whole ([`AppError::Forbidden`]), whatever else is wrong with it: an outsider learns
    /// nothing of the file's other problems (the web).
    Outsiders(Catalogue<'a>),
    /// Each value of such a filer is a located problem among the file's others (the CLI, whose
    /// user holds the database).
    Nobody,
}

/// Imports a read file: all or nothing; every problem located ([`CollectError::Rejected`]).
pub async fn import(store: &Store, actor: &Actor, file: &ImportFile, reason: &str, at: DateTime<Utc>, dry_run: bool, screen: Screen<'_>) -> Result<SaveSummary> {
    if let Screen::Outsiders(cat) = screen {
        if let Some(form) = cat.forms.form(&file.form_code) {
            let mut codes: Vec<&str> = file.values.iter().map(|v| v.filer_code.as_str()).collect();
            codes.dedup();
            for c in codes {
                if let Some(fl) = form.filer(c, cat.regions, cat.departments) {
                    if !is_filer(actor, &fl) {
                        return Err(AppError::Forbidden(format!("filer {c}")));
                    }
                }
            }
        }
    }
    Ok(store.import_filing_file(file, actor, reason, at, dry_run).await?)
}

/// The template of `form_code` for a period, for `filers` (default: those `actor` files for),
/// each of which `actor` may read.
pub async fn template(store: &Store, cat: Catalogue<'_>, actor: &Actor, form_code: &str, period: &str, filers: Option<Vec<String>>) -> Result<Template> {
    let f = form(cat, form_code)?;
    let p = period_of(&f, period)?;
    let all = f.expected_filers(cat.regions, cat.departments);
    let chosen: Vec<String> = match filers {
        Some(list) => list,
        None => all.iter().filter(|x| is_filer(actor, x)).map(|x| x.code().to_string()).collect(),
    };
    if chosen.is_empty() {
        return Err(AppError::Invalid(vec![Invalid::new("filers", "没有可填报的单位 / no filers chosen")]));
    }
    for c in &chosen {
        let fl = all.iter().find(|x| x.code() == c).ok_or_else(|| AppError::NotFound(format!("filer {c} of form {form_code}")))?;
        if !can_view(actor, fl, cat.tree) {
            return Err(AppError::Forbidden(format!("filer {c}")));
        }
    }
    Ok(store.filing_template(&f.code, &chosen, p).await?)
}
