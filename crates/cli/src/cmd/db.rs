//! `--db FILE` / `--database-url URL`, shared by every command that touches the database.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use digecon_store::Store;

#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// SQLite 数据库文件 / SQLite database file (the embedded default)
    #[arg(long, value_name = "FILE", default_value = "digecon.db")]
    pub db: PathBuf,
    /// 数据库地址，代替 --db / database URL instead of --db: `postgres://user@host:port/db` or `sqlite:FILE`
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

impl DbArgs {
    /// What the user named, for messages.
    pub fn describe(&self) -> String {
        match &self.database_url {
            Some(u) => u.clone(),
            None => self.db.display().to_string(),
        }
    }

    /// Opens the database (applying migrations). Only `init` may create it.
    pub async fn open(&self, create: bool) -> anyhow::Result<Store> {
        let store = match &self.database_url {
            Some(url) => Store::open_url(url, create).await,
            None => Store::open_sqlite(&self.db, create).await,
        };
        let store = store.with_context(|| format!("打开数据库 / opening {}", self.describe()))?;
        OPENED.lock().expect("opened stores").push(store.clone());
        Ok(store)
    }
}

/// Every store a command opened, checkpointed and closed when it ends.
static OPENED: std::sync::Mutex<Vec<Store>> = std::sync::Mutex::new(Vec::new());

/// Keeps `store` to be checkpointed and closed when the command ends (stores opened other than
/// through `DbArgs::open`).
pub fn track(store: &Store) {
    OPENED.lock().expect("opened stores").push(store.clone());
}

/// Moves the SQLite write-ahead log into the database file and closes every store the command
/// opened.
pub async fn close_all() -> anyhow::Result<()> {
    let stores = std::mem::take(&mut *OPENED.lock().expect("opened stores"));
    for s in stores {
        if s.is_closed() {
            continue; // the command closed it, which checkpoints
        }
        s.checkpoint().await.context("写入数据库文件 / checkpointing the database file")?;
        s.close().await;
    }
    Ok(())
}
