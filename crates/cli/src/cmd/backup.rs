//! `backup` and `restore`: everything digecon keeps, on either backend (see
//! `digecon_store::backup`).

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::db::DbArgs;

#[derive(Args)]
pub struct BackupArgs {
    #[command(flatten)]
    db: DbArgs,
    /// 备份文件（新文件，SQLite 格式）/ the backup file to write (a new SQLite file)
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// 备份文件 / the backup file (written by `digecon backup`)
    file: PathBuf,
    #[command(flatten)]
    db: DbArgs,
    /// 覆盖非空数据库 / replace what the database holds
    #[arg(long)]
    force: bool,
}

pub async fn backup(a: BackupArgs) -> anyhow::Result<()> {
    let store = a.db.open(false).await?;
    let summary = store.backup_to(&a.out).await.with_context(|| format!("备份 / backing up to {}", a.out.display()))?;
    println!("已备份 / backed up {} → {}: {summary}", a.db.describe(), a.out.display());
    Ok(())
}

pub async fn restore(a: RestoreArgs) -> anyhow::Result<()> {
    // A restore may create the target (a new SQLite file, a new PostgreSQL database).
    let store = a.db.open(true).await?;
    let summary = store.restore_from(&a.file, a.force).await.with_context(|| format!("恢复 / restoring {}", a.file.display()))?;
    println!("已恢复 / restored {} → {}: {summary}", a.file.display(), a.db.describe());
    Ok(())
}
