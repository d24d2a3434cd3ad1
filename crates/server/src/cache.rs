//! The read path's memory: sessions, the catalogue and finished JSON responses, kept exact by the
//! store's change feed (`digecon_store::changes`).
//!
//! Every cached response names what it depends on ([`Deps`]): the observations of some
//! indicators, or any data. A committed change of an indicator's observations voids exactly the
//! responses that read that indicator, in this process at once and in every other process on its
//! next request (each request first calls `Store::sync_changes`, which applies every change
//! committed before the request arrived). So a value approved through any server is read at once
//! through every server, and a filer's save of a monthly indicator leaves the dashboard's annual
//! figures in memory.
//!
//! Entries are stamped with the invalidation epoch of their dependencies taken *before* the
//! database is read: a change that lands while a response is being computed leaves that response
//! already stale. A response computed once serves every reader that asks for it while it is
//! valid; readers that ask while it is being computed wait for it (single flight).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use digecon_store::{ChangeEvent, ChangeKind, User};

use crate::error::{ApiError, ApiResult};

/// What a cached response was computed from.
#[derive(Debug, Clone)]
pub enum Deps {
    /// Any observation.
    AnyData,
    /// Only these indicators' observations (and the catalogue), of any year or of the years up to
    /// `up_to` (progress as of 2022 and the 2022 evaluation do not change with this month's filings).
    Indicators(Arc<[String]>, Option<i32>),
    /// The catalogue only.
    Catalog,
}

/// A safety net, not the invalidation mechanism: a change whose feed row was lost (a PostgreSQL
/// server killed between its commit and the feed append) is picked up after this long.
const MAX_AGE: Duration = Duration::from_secs(300);
/// Entries kept before the finished ones are dropped.
const MAX_ENTRIES: usize = 4096;

enum Slot {
    Ready { stamp: u64, at: Instant, body: Bytes },
    Computing { stamp: u64, rx: tokio::sync::watch::Receiver<Option<Option<Bytes>>> },
}

#[derive(Clone)]
pub struct CachedSession {
    pub user: Arc<User>,
    pub csrf: Arc<str>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Default)]
struct Inner {
    /// Bumped by every change applied.
    epoch: u64,
    /// Epoch of the last change that voids everything (catalogue, reset).
    all: u64,
    /// Epoch of the last observation change of any indicator.
    any_data: u64,
    /// Per indicator: the epoch of its last change of any year, and by year.
    indicators: HashMap<String, (u64, std::collections::BTreeMap<i32, u64>)>,
    /// Epoch of the last sign-out or user change.
    auth: u64,
    entries: HashMap<String, Slot>,
    sessions: HashMap<String, CachedSession>,
}

impl Inner {
    fn stamp(&self, deps: &Deps) -> u64 {
        match deps {
            Deps::AnyData => self.all.max(self.any_data),
            Deps::Catalog => self.all,
            Deps::Indicators(codes, up_to) => codes
                .iter()
                .filter_map(|c| self.indicators.get(c))
                .map(|(any, years)| match up_to {
                    None => *any,
                    Some(y) => years.range(..=*y).map(|(_, e)| *e).max().unwrap_or(0),
                })
                .fold(self.all, u64::max),
        }
    }

    fn apply(&mut self, event: ChangeEvent<'_>) {
        self.epoch += 1;
        let e = self.epoch;
        match event {
            ChangeEvent::Reset => self.void_all(),
            ChangeEvent::Change(c) => match c.kind {
                ChangeKind::Catalog => self.void_all(),
                ChangeKind::Data => {
                    self.any_data = e;
                    if c.keys.is_empty() {
                        self.all = e;
                    }
                    for k in &c.keys {
                        // `INDICATOR@YEAR`; a key without a year counts for every year.
                        let (code, year) = match k.rsplit_once('@') {
                            Some((code, y)) => (code, y.parse::<i32>().ok()),
                            None => (k.as_str(), None),
                        };
                        let slot = self.indicators.entry(code.to_string()).or_default();
                        slot.0 = e;
                        match year {
                            Some(y) => {
                                slot.1.insert(y, e);
                            }
                            None => {
                                slot.1.insert(i32::MIN, e);
                            }
                        }
                    }
                }
                ChangeKind::Auth => {
                    self.auth = e;
                    for k in &c.keys {
                        if let Some(user) = k.strip_prefix("user:") {
                            self.sessions.retain(|_, s| s.user.username != user);
                        } else if let Some(hash) = k.strip_prefix("session:") {
                            self.sessions.remove(hash);
                        }
                    }
                }
                ChangeKind::Ledger | ChangeKind::Filing => {}
            },
        }
    }

    fn void_all(&mut self) {
        self.all = self.epoch;
        self.auth = self.epoch;
        self.entries.clear();
        self.sessions.clear();
    }
}

/// Shared by every request of one server process.
#[derive(Default)]
pub struct Cache {
    inner: Mutex<Inner>,
}

impl Cache {
    pub fn apply(&self, event: ChangeEvent<'_>) {
        self.inner.lock().expect("cache lock").apply(event);
    }

    /// Changes whenever the catalogue may have changed.
    pub fn catalog_stamp(&self) -> u64 {
        self.inner.lock().expect("cache lock").all
    }

    /// A signed-in session, if cached and not expired.
    pub fn session(&self, token_hash: &str) -> Option<CachedSession> {
        let inner = self.inner.lock().expect("cache lock");
        inner.sessions.get(token_hash).filter(|s| s.expires_at > chrono::Utc::now()).cloned()
    }

    /// The epoch to pass to [`Cache::put_session`]: taken before the session is read.
    pub fn auth_epoch(&self) -> u64 {
        let inner = self.inner.lock().expect("cache lock");
        inner.auth.max(inner.all)
    }

    /// Keeps a session read from the database, unless a sign-out or user change was applied
    /// since `epoch` (it might be about this very session).
    pub fn put_session(&self, token_hash: &str, session: CachedSession, epoch: u64) {
        let mut inner = self.inner.lock().expect("cache lock");
        if inner.auth.max(inner.all) == epoch {
            if inner.sessions.len() >= MAX_ENTRIES * 4 {
                inner.sessions.clear();
            }
            inner.sessions.insert(token_hash.to_string(), session);
        }
    }

    /// The cached response under `key`, or the one `compute` makes. `compute` runs as its own
    /// task, so a reader that goes away does not cancel the work others wait for.
    pub async fn get_or_compute<F>(&self, key: String, deps: &Deps, compute: impl FnOnce() -> F) -> ApiResult<Bytes>
    where
        F: Future<Output = ApiResult<Bytes>> + Send + 'static,
    {
        enum Next {
            Wait(tokio::sync::watch::Receiver<Option<Option<Bytes>>>),
            Lead(tokio::sync::watch::Sender<Option<Option<Bytes>>>, u64),
        }
        let next = {
            let mut inner = self.inner.lock().expect("cache lock");
            let stamp = inner.stamp(deps);
            match inner.entries.get(&key) {
                Some(Slot::Ready { stamp: s, at, body }) if *s == stamp && at.elapsed() < MAX_AGE => return Ok(body.clone()),
                Some(Slot::Computing { stamp: s, rx }) if *s == stamp => Next::Wait(rx.clone()),
                _ => {
                    if inner.entries.len() >= MAX_ENTRIES {
                        inner.entries.retain(|_, s| matches!(s, Slot::Computing { .. }));
                    }
                    let (tx, rx) = tokio::sync::watch::channel(None);
                    inner.entries.insert(key.clone(), Slot::Computing { stamp, rx });
                    Next::Lead(tx, stamp)
                }
            }
        };
        match next {
            Next::Wait(mut rx) => {
                // The leader's result, or — if it failed — our own attempt.
                if let Ok(v) = rx.wait_for(Option::is_some).await {
                    if let Some(Some(body)) = v.clone() {
                        return Ok(body);
                    }
                }
                let task = tokio::spawn(compute());
                task.await.map_err(ApiError::internal)?
            }
            Next::Lead(tx, stamp) => {
                let task = tokio::spawn(compute());
                let result = task.await.map_err(ApiError::internal).and_then(|r| r);
                let mut inner = self.inner.lock().expect("cache lock");
                let ours = matches!(inner.entries.get(&key), Some(Slot::Computing { rx, .. }) if rx.same_channel(&tx.subscribe()));
                match &result {
                    Ok(body) => {
                        if ours {
                            inner.entries.insert(key, Slot::Ready { stamp, at: Instant::now(), body: body.clone() });
                        }
                        let _ = tx.send(Some(Some(body.clone())));
                    }
                    Err(_) => {
                        if ours {
                            inner.entries.remove(&key);
                        }
                        let _ = tx.send(Some(None));
                    }
                }
                result
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use digecon_store::Change;

    fn data(seq: i64, keys: &[&str]) -> Change {
        Change { seq, kind: ChangeKind::Data, keys: keys.iter().map(|k| k.to_string()).collect() }
    }

    async fn get(c: &Cache, key: &str, deps: &Deps, value: &'static str) -> Bytes {
        c.get_or_compute(key.into(), deps, move || async move { Ok(Bytes::from_static(value.as_bytes())) }).await.unwrap()
    }

    #[tokio::test]
    async fn a_change_voids_exactly_the_responses_that_read_it() {
        let c = Cache::default();
        let va = Deps::Indicators(Arc::from(vec!["CORE_VA".to_string()]), None);
        let va2022 = Deps::Indicators(Arc::from(vec!["CORE_VA".to_string()]), Some(2022));
        let any = Deps::AnyData;
        assert_eq!(get(&c, "va", &va, "1").await, "1");
        assert_eq!(get(&c, "va2022", &va2022, "1").await, "1");
        assert_eq!(get(&c, "any", &any, "1").await, "1");
        assert_eq!(get(&c, "va", &va, "2").await, "1", "cached");
        c.apply(ChangeEvent::Change(&data(1, &["EIM_REV_YTD@2026"])));
        assert_eq!(get(&c, "va", &va, "2").await, "1", "another indicator changed");
        assert_eq!(get(&c, "any", &any, "2").await, "2", "any data changed");
        c.apply(ChangeEvent::Change(&data(2, &["CORE_VA@2026"])));
        assert_eq!(get(&c, "va", &va, "3").await, "3", "CORE_VA changed");
        assert_eq!(get(&c, "va2022", &va2022, "3").await, "1", "but not in 2022 or before");
        c.apply(ChangeEvent::Change(&data(3, &["CORE_VA@2021"])));
        assert_eq!(get(&c, "va2022", &va2022, "4").await, "4", "2021 is before 2022");
        c.apply(ChangeEvent::Reset);
        assert_eq!(get(&c, "va", &va, "5").await, "5");
    }

    #[tokio::test]
    async fn a_change_during_the_computation_leaves_its_result_stale() {
        let c = Arc::new(Cache::default());
        let va = Deps::Indicators(Arc::from(vec!["CORE_VA".to_string()]), None);
        let c2 = c.clone();
        let body = c
            .get_or_compute("va".into(), &va, move || async move {
                // The database is read here; meanwhile a filing changes CORE_VA.
                c2.apply(ChangeEvent::Change(&data(1, &["CORE_VA@2022"])));
                Ok(Bytes::from_static(b"old"))
            })
            .await
            .unwrap();
        assert_eq!(body, "old");
        assert_eq!(get(&c, "va", &va, "new").await, "new", "the next reader recomputes");
    }

    #[test]
    fn sessions_go_with_their_sign_out_or_user_change() {
        let c = Cache::default();
        let user = Arc::new(User {
            username: "u".into(),
            display_name: "u".into(),
            role: digecon_core::Role::County,
            region_code: None,
            department_code: None,
            password_hash: String::new(),
            active: true,
            created_at: String::new(),
        });
        let s = CachedSession { user, csrf: "x".into(), expires_at: chrono::Utc::now() + chrono::Duration::hours(1) };
        let e = c.auth_epoch();
        c.put_session("h1", s.clone(), e);
        c.put_session("h2", s.clone(), e);
        assert!(c.session("h1").is_some());
        c.apply(ChangeEvent::Change(&Change { seq: 1, kind: ChangeKind::Auth, keys: vec!["session:h1".into()] }));
        assert!(c.session("h1").is_none());
        assert!(c.session("h2").is_some());
        c.put_session("h3", s, e);
        assert!(c.session("h3").is_none(), "read before a sign-out was applied: not kept");
        c.apply(ChangeEvent::Change(&Change { seq: 2, kind: ChangeKind::Auth, keys: vec!["user:u".into()] }));
        assert!(c.session("h2").is_none());
    }
}
