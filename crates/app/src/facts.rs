//! The fact ledger (`digecon facts`): every number of the source documents against the dataset that
//! holds them — held, left out with a reason, structural, or unaccounted. The classification is
//! `digecon_dataset::facts`; this use case reads the documents and gathers the dataset's files.

use std::path::Path;

use digecon_dataset::facts::{self, Ledger};

use crate::AppError;

/// Where the dataset's files come from.
pub enum DataSource<'a> {
    /// The default dataset compiled into the binary.
    Embedded,
    /// A `data/` directory on disk (a dataset being edited, checked without a rebuild).
    Dir(&'a Path),
}

/// The ledger of the documents in `seeds` (every `NNN_*.txt`) against the dataset.
pub fn ledger(seeds: &Path, data: DataSource<'_>) -> Result<Ledger, AppError> {
    let documents = documents(seeds)?;
    let files = digecon_track::projection::fact_sources(match data {
        DataSource::Embedded => digecon_dataset::EMBEDDED.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect(),
        DataSource::Dir(dir) => digecon_dataset::csv_files_in(dir).map_err(|e| AppError::NotFound(e.to_string()))?,
    });
    let (held, left_out) = facts::statements_of(&files).map_err(|e| AppError::Data(digecon_dataset::DataErrors(e)))?;
    Ok(facts::ledger(&documents, &held, &left_out))
}

/// The source documents: `NNN_….txt` files of `dir`, in name order; none is an error.
pub fn documents(dir: &Path) -> Result<Vec<(String, String)>, AppError> {
    let out = facts::documents_in(dir).map_err(|e| AppError::NotFound(format!("{}: {e}", dir.display())))?;
    if out.is_empty() {
        return Err(AppError::NotFound(format!("{} 中没有文件 NNN_*.txt / no documents NNN_*.txt in {}", dir.display(), dir.display())));
    }
    Ok(out)
}
