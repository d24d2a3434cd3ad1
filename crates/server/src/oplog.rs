//! The operation log's writer: requests queue their row and go on; one task writes the queue in
//! batches. A row can be lost only if the process dies within a fraction of a second of the
//! request (the request's own data is committed before it answers); `flush` writes what is
//! queued before the log is read and at shutdown.

use std::time::Duration;

use digecon_store::{OperationRecord, Store};
use tokio::sync::{mpsc, oneshot};

pub struct Entry {
    pub username: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub ip: String,
}

enum Msg {
    Row(Entry),
    Flush(oneshot::Sender<()>),
}

pub struct Sender(mpsc::Sender<Msg>);

/// Rows waiting at most; past this, requests wait for the writer rather than grow memory.
const QUEUE: usize = 10_000;
const BATCH: usize = 500;

pub fn start(store: Store) -> Sender {
    let (tx, mut rx) = mpsc::channel::<Msg>(QUEUE);
    tokio::spawn(async move {
        let mut rows: Vec<OperationRecord> = Vec::new();
        let mut waiting: Vec<oneshot::Sender<()>> = Vec::new();
        loop {
            let Some(first) = rx.recv().await else { break };
            let take = |m: Msg, rows: &mut Vec<OperationRecord>, waiting: &mut Vec<oneshot::Sender<()>>| match m {
                Msg::Row(e) => rows.push(OperationRecord { username: e.username, method: e.method, path: e.path, status: e.status, ip: e.ip, at: String::new() }),
                Msg::Flush(ack) => waiting.push(ack),
            };
            take(first, &mut rows, &mut waiting);
            // Gather what arrives within a moment, so a burst is one transaction.
            let deadline = tokio::time::sleep(Duration::from_millis(50));
            tokio::pin!(deadline);
            while rows.len() < BATCH && waiting.is_empty() {
                tokio::select! {
                    m = rx.recv() => match m { Some(m) => take(m, &mut rows, &mut waiting), None => break },
                    _ = &mut deadline => break,
                }
            }
            while let Ok(m) = rx.try_recv() {
                take(m, &mut rows, &mut waiting);
            }
            if !rows.is_empty() {
                if let Err(e) = store.log_operations(&rows).await {
                    tracing::error!(error = %e, rows = rows.len(), "writing the operation log failed");
                }
                rows.clear();
            }
            for ack in waiting.drain(..) {
                let _ = ack.send(());
            }
        }
    });
    Sender(tx)
}

impl Sender {
    pub fn push(&self, e: Entry) {
        let tx = self.0.clone();
        match tx.try_send(Msg::Row(e)) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(m)) => {
                tokio::spawn(async move {
                    let _ = tx.send(m).await;
                });
            }
            Err(mpsc::error::TrySendError::Closed(_)) => tracing::error!("operation log writer stopped"),
        }
    }

    pub async fn flush(&self) {
        let (ack, done) = oneshot::channel();
        if self.0.send(Msg::Flush(ack)).await.is_ok() {
            let _ = done.await;
        }
    }
}
