//! Group commit for the audit log. Every read of personal data is logged before its answer
//! leaves the server; with one INSERT per request, a busy node spends more time on audit
//! round trips than on matching. Here requests hand their entries to one writer task and wait
//! for it: the writer takes everything that arrived while its last write ran and appends it
//! in one go, then tells each waiting request that its entries are stored. Nothing is answered
//! before its entries are in the database (a failed write fails every request in it), and an
//! idle node writes each entry at once, so a request never waits for a timer.

use crate::error::AppError;
use crate::App;
use openpes_store::{NewAuditEntry, Store};
use tokio::sync::{mpsc, oneshot};

/// Entries written in one go at most (the writer takes no more from the queue).
const MAX_BATCH_ENTRIES: usize = 2_000;
/// Requests that may wait in the queue; more wait to enter it.
const QUEUE: usize = 1_024;

type Reply = oneshot::Sender<Result<(), String>>;

/// Entries to append, the time they were made (from the state's clock), and who waits.
type Pending = (Vec<NewAuditEntry>, chrono::DateTime<chrono::Utc>, Reply);

/// The handle requests send their entries to.
pub(crate) struct AuditWriter {
    queue: mpsc::Sender<Pending>,
}

impl AuditWriter {
    /// Starts the writer task for `store` (needs a Tokio runtime).
    fn start(store: Store) -> AuditWriter {
        let (queue, mut pending) = mpsc::channel::<Pending>(QUEUE);
        tokio::spawn(async move {
            while let Some(first) = pending.recv().await {
                let (mut entries, at, reply) = first;
                let mut replies = vec![reply];
                while entries.len() < MAX_BATCH_ENTRIES {
                    match pending.try_recv() {
                        Ok((more, _, reply)) => {
                            entries.extend(more);
                            replies.push(reply);
                        }
                        Err(_) => break,
                    }
                }
                let outcome = store
                    .append_audit(&entries, at)
                    .await
                    .map_err(|e| e.to_string());
                for reply in replies {
                    // A request that timed out no longer listens; its entries are stored.
                    let _ = reply.send(outcome.clone());
                }
            }
        });
        AuditWriter { queue }
    }
}

/// Appends `entries` to the audit log through this node's writer, and returns once they are
/// stored.
pub async fn append(state: &App, entries: Vec<NewAuditEntry>) -> Result<(), AppError> {
    if entries.is_empty() {
        return Ok(());
    }
    let writer = state
        .audit_writer()
        .get_or_init(|| AuditWriter::start(state.store().clone()));
    let (reply, stored) = oneshot::channel();
    writer
        .queue
        .send((entries, state.now(), reply))
        .await
        .map_err(|_| AppError::internal(&"the audit writer stopped"))?;
    match stored.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(AppError::internal(&format!("audit write failed: {e}"))),
        Err(_) => Err(AppError::internal(&"the audit writer stopped")),
    }
}
