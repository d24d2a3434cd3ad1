//! Sign-in throttling counters, kept in the database so that every server process in front of
//! one database applies the same limits. The policy (which keys, how long a delay) is the
//! server's; this module only counts and remembers.

use std::time::Duration;

use sqlx::Row;

use crate::{Result, Store};

fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store {
    /// The latest `blocked_until` among `keys` that is still in the future, if any.
    pub async fn login_blocked(&self, keys: &[String], now: chrono::DateTime<chrono::Utc>) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let mut latest: Option<chrono::DateTime<chrono::Utc>> = None;
        for key in keys {
            let row = sqlx::query("SELECT blocked_until FROM login_throttle WHERE key = $1").bind(key).fetch_optional(&self.pool).await?;
            let Some(row) = row else { continue };
            let until: String = row.try_get(0)?;
            if let Ok(t) = chrono::DateTime::parse_from_rfc3339(&until) {
                let t = t.with_timezone(&chrono::Utc);
                if t > now && latest.is_none_or(|l| t > l) {
                    latest = Some(t);
                }
            }
        }
        Ok(latest)
    }

    /// Counts one failed sign-in against `key`: failures older than `window` are forgotten, and
    /// the key is blocked for `delay(failures)` from now. Returns the failures in the window.
    pub async fn record_login_failure(
        &self,
        key: &str,
        now: chrono::DateTime<chrono::Utc>,
        window: Duration,
        delay: impl Fn(i64) -> Duration,
    ) -> Result<i64> {
        let delay = &delay;
        self.retrying("login throttle", move || async move {
            let mut tx = self.begin_write().await?;
            tx.lock(&format!("throttle:{key}")).await?;
            let row = sqlx::query("SELECT failures, window_start FROM login_throttle WHERE key = $1").bind(key).fetch_optional(&mut *tx).await?;
            let (failures, start) = match row {
                Some(r) => {
                    let n: i64 = r.try_get(0)?;
                    let start: String = r.try_get(1)?;
                    let fresh = chrono::DateTime::parse_from_rfc3339(&start)
                        .map(|s| (now - s.with_timezone(&chrono::Utc)).to_std().unwrap_or_default() < window)
                        .unwrap_or(false);
                    if fresh { (n + 1, start) } else { (1, ts(now)) }
                }
                None => (1, ts(now)),
            };
            let until = ts(now + chrono::Duration::from_std(delay(failures)).unwrap_or_default());
            sqlx::query(
                "INSERT INTO login_throttle (key, failures, window_start, blocked_until) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
                     blocked_until = excluded.blocked_until",
            )
            .bind(key)
            .bind(failures)
            .bind(&start)
            .bind(&until)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(failures)
        })
        .await
    }

    /// Forgets the failures of `key` (after a successful sign-in).
    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(key).execute(&self.writer).await?;
        Ok(())
    }

    /// Keeps the logs bounded: the newest `keep_logins` sign-in rows and `keep_operations`
    /// operation rows, and throttle rows whose block ended more than `window` ago.
    pub async fn prune_logs(&self, keep_logins: i64, keep_operations: i64, window: Duration) -> Result<u64> {
        let cut = ts(chrono::Utc::now() - chrono::Duration::from_std(window).unwrap_or_default());
        let mut n = 0;
        n += sqlx::query("DELETE FROM login_log WHERE id <= (SELECT MAX(id) FROM login_log) - $1")
            .bind(keep_logins)
            .execute(&self.writer)
            .await?
            .rows_affected();
        n += sqlx::query("DELETE FROM operation_log WHERE id <= (SELECT MAX(id) FROM operation_log) - $1")
            .bind(keep_operations)
            .execute(&self.writer)
            .await?
            .rows_affected();
        n += sqlx::query("DELETE FROM login_throttle WHERE blocked_until < $1 AND window_start < $1")
            .bind(&cut)
            .execute(&self.writer)
            .await?
            .rows_affected();
        Ok(n)
    }
}
