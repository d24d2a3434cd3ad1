//! Test databases (feature `testing`, for this workspace's tests): a fresh SQLite file and a fresh PostgreSQL database per call.
//!
//! PostgreSQL comes from `DIGECON_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432`,
//! trust auth); each test creates its own scratch database and drops it afterwards. A server
//! that cannot be reached fails the test: the PostgreSQL path is part of the product.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::Store;
use sqlx::Connection;

pub struct TestDb {
    pub label: &'static str,
    pub url: String,
    dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub fn postgres_server() -> String {
    std::env::var("DIGECON_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("test.db").display());
        TestDb { label: "sqlite", url, dir: Some(dir), pg_name: None }
    }

    pub fn postgres() -> TestDb {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let name = format!("digecon_test_{}_{}_{}", std::process::id(), n, nanos);
        TestDb { label: "postgres", url: format!("{}/{name}", postgres_server()), dir: None, pg_name: Some(name) }
    }

    pub fn both() -> Vec<TestDb> {
        vec![TestDb::sqlite(), TestDb::postgres()]
    }

    pub async fn open(&self) -> Store {
        Store::open_url(&self.url, true).await.unwrap_or_else(|e| panic!("{}: {e}", self.label))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else { return };
        let server = postgres_server();
        // Drop runs outside the test's runtime; a small one suffices.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                if let Ok(mut c) = sqlx::PgConnection::connect(&format!("{server}/postgres")).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))).execute(&mut c).await;
                }
            });
        })
        .join();
        let _ = self.dir.take();
    }
}
