//! Keeping a process's caches fresh: the change feed as seen by one process.
//!
//! A cache registers a listener ([`Store::on_change`]) and calls [`Store::sync_changes`] before
//! it answers from memory. `sync_changes` guarantees that every change committed before the call
//! started — by this process, another server or a CLI command — has been passed to the
//! listeners. It is single-flight: concurrent callers share one read of the feed that started
//! after they arrived, so a burst of readers costs one small query, not one each.
//!
//! Feed numbers can arrive out of order on PostgreSQL (appended after commit by concurrent
//! connections): a missing number is waited for, and treated as never coming after
//! [`GAP_PATIENCE`]. Old rows are pruned ([`Store::prune_changes`]); a process that has not read
//! the feed since before the pruning point gets a [`ChangeEvent::Reset`].

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use sqlx::Row;

use crate::write::{Change, ChangeKind};
use crate::{Result, Store, StoreError};

/// What a listener is told.
#[derive(Debug, Clone, Copy)]
pub enum ChangeEvent<'a> {
    Change(&'a Change),
    /// Changes may have been missed: drop everything cached.
    Reset,
}

pub type Listener = Box<dyn Fn(ChangeEvent<'_>) + Send + Sync>;

/// How long a missing feed number is waited for before it is taken as skipped.
pub const GAP_PATIENCE: Duration = Duration::from_secs(5);

/// Rows read per round trip.
const BATCH: i64 = 2000;

#[derive(Default)]
struct Seen {
    /// Every number up to here has been applied (or skipped as a gap).
    watermark: i64,
    /// Numbers above the watermark already applied.
    applied: BTreeSet<i64>,
    /// The missing number the watermark waits for, and since when.
    gap: Option<(i64, Instant)>,
    initialised: bool,
}

pub(crate) struct Tracker {
    listeners: RwLock<Vec<Listener>>,
    /// Bumped by every catalogue change or reset applied: the store's own kept catalogue
    /// (`Store::reference`) is void when it moves.
    pub(crate) catalog_epoch: AtomicU64,
    seen: Mutex<Seen>,
    /// Tickets handed to `sync` callers; the highest ticket covered by a read that has started,
    /// and by one that has finished.
    requested: AtomicU64,
    started: AtomicU64,
    served: tokio::sync::watch::Sender<u64>,
    /// Reads of the feed in flight at once (one per feed connection).
    readers: tokio::sync::Semaphore,
}

impl Default for Tracker {
    fn default() -> Self {
        Tracker {
            listeners: RwLock::default(),
            catalog_epoch: AtomicU64::default(),
            seen: Mutex::default(),
            requested: AtomicU64::default(),
            started: AtomicU64::default(),
            served: tokio::sync::watch::Sender::new(0),
            readers: tokio::sync::Semaphore::new(FEED_READERS),
        }
    }
}

/// Feed reads that may overlap: a caller waits for one read that started after it arrived,
/// never for a read in flight plus a whole next one.
pub(crate) const FEED_READERS: usize = 2;

impl Tracker {
    /// Tells this process's listeners to drop everything they keep.
    pub(crate) fn reset_locally(&self) {
        self.emit(ChangeEvent::Reset);
    }

    fn emit(&self, event: ChangeEvent<'_>) {
        if matches!(event, ChangeEvent::Reset | ChangeEvent::Change(Change { kind: ChangeKind::Catalog, .. })) {
            self.catalog_epoch.fetch_add(1, Ordering::SeqCst);
        }
        for l in self.listeners.read().expect("listeners lock").iter() {
            l(event);
        }
    }
}

/// What one read of the feed found.
struct FeedRow {
    change: Change,
    at: String,
}

impl Store {
    /// Registers a cache's listener. Register before anything is cached.
    pub fn on_change(&self, listener: Listener) {
        self.tracker.listeners.write().expect("listeners lock").push(listener);
    }

    /// Changes this process committed itself: applied at once, so it reads its own writes.
    pub(crate) fn applied_locally(&self, changes: Vec<Change>) {
        if changes.is_empty() {
            return;
        }
        {
            let mut seen = self.tracker.seen.lock().expect("seen lock");
            for c in &changes {
                if c.seq > seen.watermark {
                    seen.applied.insert(c.seq);
                }
            }
        }
        for c in &changes {
            self.tracker.emit(ChangeEvent::Change(c));
        }
    }

    /// Makes sure every change committed before this call is applied (see the module docs).
    pub async fn sync_changes(&self) -> Result<()> {
        let t = &self.tracker;
        let ticket = t.requested.fetch_add(1, Ordering::SeqCst) + 1;
        let mut served = t.served.subscribe();
        // Set when a read we waited for failed or took too long: read ourselves.
        let mut own = false;
        loop {
            if *served.borrow_and_update() >= ticket {
                return Ok(());
            }
            if !own && t.started.load(Ordering::SeqCst) >= ticket {
                // A read that started after we arrived is in flight: its result is ours.
                match tokio::time::timeout(Duration::from_millis(250), served.changed()).await {
                    Ok(Ok(())) => continue,
                    _ => {
                        own = true;
                        continue;
                    }
                }
            }
            let _permit = t.readers.acquire().await.expect("feed readers are never closed");
            if *served.borrow_and_update() >= ticket {
                return Ok(());
            }
            if !own && t.started.load(Ordering::SeqCst) >= ticket {
                continue;
            }
            // Every ticket up to here was handed out before the read below starts.
            let upto = t.requested.load(Ordering::SeqCst);
            t.started.fetch_max(upto, Ordering::SeqCst);
            self.read_feed().await?;
            t.served.send_modify(|s| *s = (*s).max(upto));
            return Ok(());
        }
    }

    /// Starts following the feed from its current end (nothing is cached yet).
    pub async fn follow_changes(&self) -> Result<()> {
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM change_feed").fetch_one(&self.pool).await?;
        let max: i64 = row.try_get(0)?;
        let mut seen = self.tracker.seen.lock().expect("seen lock");
        seen.watermark = seen.watermark.max(max);
        let w = seen.watermark;
        seen.applied.retain(|s| *s > w);
        seen.initialised = true;
        Ok(())
    }

    async fn read_feed(&self) -> Result<()> {
        if !self.tracker.seen.lock().expect("seen lock").initialised {
            return self.follow_changes().await;
        }
        loop {
            let watermark = self.tracker.seen.lock().expect("seen lock").watermark;
            let rows = sqlx::query("SELECT seq, kind, keys, at FROM change_feed WHERE seq > $1 ORDER BY seq LIMIT $2")
                .bind(watermark)
                .bind(BATCH)
                .fetch_all(&self.feed)
                .await?;
            let mut feed = Vec::with_capacity(rows.len());
            for r in &rows {
                let kind: String = r.try_get(1)?;
                let keys: String = r.try_get(2)?;
                feed.push(FeedRow {
                    change: Change {
                        seq: r.try_get(0)?,
                        kind: ChangeKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("change_feed.kind `{kind}`")))?,
                        keys: if keys.is_empty() { Vec::new() } else { keys.split('\n').map(str::to_string).collect() },
                    },
                    at: r.try_get(3)?,
                });
            }
            // A gap right after the watermark: pruned rows, or a number still in flight.
            if feed.first().is_some_and(|f| f.change.seq > watermark + 1) {
                let pruned = self.meta("change_feed_pruned_through").await?.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
                if pruned > watermark {
                    tracing::info!(watermark, pruned, "change feed pruned past this process: dropping caches");
                    {
                        let mut seen = self.tracker.seen.lock().expect("seen lock");
                        seen.watermark = pruned;
                        seen.applied.retain(|s| *s > pruned);
                        seen.gap = None;
                    }
                    self.tracker.emit(ChangeEvent::Reset);
                    continue;
                }
            }
            let full = feed.len() as i64 == BATCH;
            let fresh: Vec<&Change> = {
                let mut seen = self.tracker.seen.lock().expect("seen lock");
                let mut fresh = Vec::new();
                for f in &feed {
                    if f.change.seq > seen.watermark && seen.applied.insert(f.change.seq) {
                        fresh.push(&f.change);
                    }
                }
                advance(&mut seen, &feed);
                fresh
            };
            for c in fresh {
                self.tracker.emit(ChangeEvent::Change(c));
            }
            if !full {
                return Ok(());
            }
        }
    }

    /// Deletes feed rows older than `keep` (a server does this now and then).
    pub async fn prune_changes(&self, keep: Duration) -> Result<u64> {
        let cut = (chrono::Utc::now() - chrono::Duration::from_std(keep).unwrap_or_default())
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) FROM change_feed WHERE at < $1").bind(&cut).fetch_one(&mut *tx).await?;
        let through: i64 = row.try_get(0)?;
        if through == 0 {
            tx.rollback().await?;
            return Ok(0);
        }
        let done = sqlx::query("DELETE FROM change_feed WHERE seq <= $1").bind(through).execute(&mut *tx).await?.rows_affected();
        crate::set_meta_in(&mut tx, "change_feed_pruned_through", &through.to_string()).await?;
        tx.commit().await?;
        Ok(done)
    }
}

/// Moves the watermark over every applied number, and over a gap that has lasted too long.
fn advance(seen: &mut Seen, feed: &[FeedRow]) {
    loop {
        let next = seen.watermark + 1;
        if seen.applied.remove(&next) {
            seen.watermark = next;
            seen.gap = None;
            continue;
        }
        // Is anything above the gap? Then `next` is missing, for now or for good.
        let Some(&above) = seen.applied.iter().next() else { return };
        match seen.gap {
            Some((g, since)) if g == next => {
                if since.elapsed() < GAP_PATIENCE {
                    return;
                }
                tracing::debug!(seq = next, "change feed number never arrived; skipping it");
                seen.watermark = next;
                seen.gap = None;
            }
            _ => {
                // A number appended by another process right after its commit arrives within
                // moments; one whose row is already old was rolled back.
                let old = feed
                    .iter()
                    .find(|f| f.change.seq == above)
                    .and_then(|f| chrono::DateTime::parse_from_rfc3339(&f.at).ok())
                    .is_some_and(|at| (chrono::Utc::now() - at.with_timezone(&chrono::Utc)).to_std().unwrap_or_default() > GAP_PATIENCE);
                if old {
                    seen.watermark = next;
                    seen.gap = None;
                } else {
                    seen.gap = Some((next, Instant::now()));
                    return;
                }
            }
        }
    }
}

pub(crate) type SharedTracker = Arc<Tracker>;

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, age_secs: i64) -> FeedRow {
        let at = (chrono::Utc::now() - chrono::Duration::seconds(age_secs)).to_rfc3339();
        FeedRow { change: Change { seq, kind: ChangeKind::Data, keys: vec![] }, at }
    }

    #[test]
    fn the_watermark_waits_for_a_fresh_gap_and_skips_an_old_one() {
        let mut s = Seen { watermark: 10, ..Seen::default() };
        s.applied.extend([11, 13]);
        advance(&mut s, &[row(11, 0), row(13, 0)]);
        assert_eq!(s.watermark, 11, "12 may still arrive");
        assert_eq!(s.gap.map(|g| g.0), Some(12));
        s.applied.insert(12);
        advance(&mut s, &[row(12, 0)]);
        assert_eq!(s.watermark, 13);
        assert!(s.applied.is_empty());

        let mut s = Seen { watermark: 10, ..Seen::default() };
        s.applied.insert(12);
        advance(&mut s, &[row(12, 60)]);
        assert_eq!(s.watermark, 12, "a row after the gap that is a minute old: 11 was rolled back");
    }
}
