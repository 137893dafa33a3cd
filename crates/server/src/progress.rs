//! Live progress: the 12 processing steps of spec 003, broadcast in-process per document, and
//! served as Server-Sent Events (`GET /v1/documents/{id}/events`, and `POST /v1/documents` with
//! `X-Stream-Response: true`).
//!
//! The broadcast lives in this process only. The last step reached is also written on the
//! document row, and a stream checks the row every second, so a client still gets the steps so
//! far and the end of a job run by a worker in another process, or finished before it
//! subscribed — just not each step as it happens there.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Mutex;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use ledgerlens_store::{DocumentId, DocumentRecord, DocumentStatus, Store, TenantId};
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};

use crate::AppState;

/// Steps of a job, as spec 003 numbers them: `(name, message)`. An event for step N says that
/// step N is done. How they map onto this pipeline (docs/service.md, "Live progress"):
/// 1 job taken (the original was stored at upload), 2 original read from the blob store,
/// 3 format sniffed, 4 statements extracted (parse, PDF, OCR), 5 enrichment (categories,
/// counterparties, account holder), 6–9 the analytics pass that computes revenue, cash flow,
/// expenses and balances together (reported together when it ends), 10 every profile scored,
/// 11 duplicate check (not implemented yet: reported as skipped), 12 result stored.
pub const STEPS: [(&str, &str); 12] = [
    ("store", "Starting bank statement analysis"),
    ("download", "Downloading statement from storage"),
    ("validate", "Validating document format"),
    ("extract", "Extracting transactions from the statement"),
    ("account_holder", "Processing account holder information"),
    ("revenue", "Evaluating revenue patterns"),
    ("cash_flow", "Assessing cash flow health"),
    ("expense", "Analyzing expense & liability patterns"),
    ("balance", "Evaluating balance behaviour"),
    ("score", "Computing credit score"),
    (
        "duplicate_check",
        "Checking for duplicate submissions (not implemented yet: skipped)",
    ),
    ("finalise", "Finalizing analysis results"),
];

/// Number of steps.
pub const TOTAL_STEPS: u32 = 12;

/// One progress message.
#[derive(Clone, Debug)]
pub(crate) enum Progress {
    /// Step N (1-based) is done.
    Step(u32),
    /// The job ended: the document as stored then.
    End(Box<DocumentRecord>),
}

#[derive(Default)]
struct Channel {
    /// Steps so far (replayed to a late subscriber).
    steps: Vec<u32>,
    sender: Option<broadcast::Sender<Progress>>,
}

/// Per-document broadcast of the jobs of this process. An entry lives from the first step (or
/// the first subscriber) to the end of the job.
#[derive(Default)]
pub(crate) struct Hub {
    channels: Mutex<HashMap<String, Channel>>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub").finish_non_exhaustive()
    }
}

impl Hub {
    /// Publishes a step or the end; the end removes the entry (subscribers keep what was sent).
    pub(crate) fn publish(&self, document: &DocumentId, progress: Progress) {
        let Ok(mut channels) = self.channels.lock() else {
            return;
        };
        let key = document.as_str().to_owned();
        let end = matches!(progress, Progress::End(_));
        let channel = channels.entry(key.clone()).or_default();
        if let Progress::Step(step) = progress {
            channel.steps.push(step);
        }
        if let Some(sender) = &channel.sender {
            // No receiver is not an error: nobody is watching.
            let _ = sender.send(progress);
        }
        if end {
            channels.remove(&key);
        }
    }

    /// The steps so far and a receiver of what follows, taken under one lock so nothing falls
    /// between them.
    fn subscribe(
        &self,
        document: &DocumentId,
    ) -> (Vec<u32>, Option<broadcast::Receiver<Progress>>) {
        let Ok(mut channels) = self.channels.lock() else {
            return (Vec::new(), None);
        };
        let channel = channels.entry(document.as_str().to_owned()).or_default();
        let sender = channel
            .sender
            .get_or_insert_with(|| broadcast::channel(64).0);
        (channel.steps.clone(), Some(sender.subscribe()))
    }

    /// Drops an entry nobody will end (the document was deleted, or its job runs elsewhere and
    /// the last subscriber went away).
    fn forget_if_idle(&self, document: &DocumentId) {
        if let Ok(mut channels) = self.channels.lock()
            && channels.get(document.as_str()).is_some_and(|c| {
                c.steps.is_empty() && c.sender.as_ref().is_none_or(|s| s.receiver_count() == 0)
            })
        {
            channels.remove(document.as_str());
        }
    }
}

fn step_event(document: &DocumentId, step: u32) -> Event {
    let (name, message) = usize::try_from(step)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|n| STEPS.get(n))
        .copied()
        .unwrap_or(("unknown", ""));
    let data = json!({
        "document_id": document.as_str(),
        "status": "PROCESSING",
        "step": step,
        "total_steps": TOTAL_STEPS,
        "name": name,
        "message": message,
    });
    Event::default()
        .event("step")
        .id(step.to_string())
        .data(data.to_string())
}

/// The end of a stream: the final status, and the failure when there is one.
pub(crate) fn end_data(record: &DocumentRecord) -> Value {
    let failure = match (&record.failure_code, &record.failure_message) {
        (Some(code), message) => json!({ "code": code, "message": message }),
        _ => Value::Null,
    };
    json!({
        "document_id": record.id.as_str(),
        "status": record.status.as_str(),
        "step": record.progress_step.unwrap_or(0),
        "total_steps": TOTAL_STEPS,
        "failure": failure,
    })
}

fn end_event(record: &DocumentRecord) -> Event {
    Event::default()
        .event("end")
        .data(end_data(record).to_string())
}

fn is_terminal(status: DocumentStatus) -> bool {
    !matches!(status, DocumentStatus::Pending | DocumentStatus::Processing)
}

/// The SSE response for one document of the tenant: the steps so far, then each step as it
/// happens, then one `end` event, then the stream closes.
pub(crate) fn stream<S: Store, B: Send + Sync + 'static>(
    state: AppState<S, B>,
    tenant: TenantId,
    record: DocumentRecord,
) -> Response {
    let (tx, rx) = mpsc::channel::<Event>(32);
    tokio::spawn(follow(state, tenant, record, tx));
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|event| (Ok::<Event, Infallible>(event), rx))
    });
    Sse::new(body)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// Feeds one stream; returns when the job ended or the client went away.
async fn follow<S: Store, B: Send + Sync + 'static>(
    state: AppState<S, B>,
    tenant: TenantId,
    record: DocumentRecord,
    tx: mpsc::Sender<Event>,
) {
    let id = record.id.clone();
    let (history, receiver) = state.progress.subscribe(&id);
    let mut sent = 0u32;
    // Steps before this process saw any (another process, or before a restart): from the row.
    let from_row = record.progress_step.unwrap_or(0);
    let first_live = history.first().copied().unwrap_or(u32::MAX);
    for step in 1..=from_row.min(first_live.saturating_sub(1)) {
        if tx.send(step_event(&id, step)).await.is_err() {
            return unsubscribe(&state, &id, receiver);
        }
        sent = step;
    }
    for step in history {
        if step > sent {
            if tx.send(step_event(&id, step)).await.is_err() {
                return unsubscribe(&state, &id, receiver);
            }
            sent = step;
        }
    }
    if is_terminal(record.status) {
        let _ = tx.send(end_event(&record)).await;
        return unsubscribe(&state, &id, receiver);
    }
    let Some(mut receiver) = receiver else {
        return;
    };
    let mut check = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            message = receiver.recv() => match message {
                Ok(Progress::Step(step)) => {
                    if step > sent {
                        if tx.send(step_event(&id, step)).await.is_err() {
                            break;
                        }
                        sent = step;
                    }
                }
                Ok(Progress::End(record)) => {
                    let _ = tx.send(end_event(&record)).await;
                    return;
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => break,
            },
            _ = check.tick() => {
                // The job may run in another process, or have ended between our first read
                // and the subscription: the row is the truth.
                match state.store.get_document(&tenant, &id).await {
                    Ok(Some(now)) => {
                        for step in (sent + 1)..=now.progress_step.unwrap_or(0) {
                            if tx.send(step_event(&id, step)).await.is_err() {
                                break;
                            }
                            sent = step;
                        }
                        if tx.is_closed() {
                            break;
                        }
                        if is_terminal(now.status) {
                            let _ = tx.send(end_event(&now)).await;
                            break;
                        }
                    }
                    Ok(None) => {
                        let gone = Event::default().event("end").data(
                            json!({"document_id": id.as_str(), "status": "DELETED"}).to_string(),
                        );
                        let _ = tx.send(gone).await;
                        break;
                    }
                    Err(error) => tracing::warn!(%error, "progress stream: reading the document failed"),
                }
                if tx.is_closed() {
                    break;
                }
            }
        }
    }
    unsubscribe(&state, &id, Some(receiver));
}

fn unsubscribe<S, B>(
    state: &AppState<S, B>,
    id: &DocumentId,
    receiver: Option<broadcast::Receiver<Progress>>,
) {
    drop(receiver);
    state.progress.forget_if_idle(id);
}
