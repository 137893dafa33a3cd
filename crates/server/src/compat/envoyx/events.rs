//! EnvoyX's events, `bank_statement.uploaded|processing|analyzed|flagged|failed`, in the spec's
//! payload: `{event, timestamp, bank_statement_id, step, total_steps, message, data}`.
//!
//! They are copies of the native `document.*` events, made by [`webhook_event`] from the native
//! message (so both say the same thing at the same moment), and queued as events of their own
//! type: only subscriptions that name them receive them (EnvoyX subscriptions, made through
//! `/api/v1/webhooks` of this mount); a native subscription never sees them. The SSE stream of
//! a streamed upload uses the same payloads ([`super::stream`]).

use ledgerlens_store::{Blobs, DocumentRecord, NewEvent, Store};
use serde_json::{Map, Value, json};

use super::{ids, shape};
use crate::AppState;
use crate::progress::TOTAL_STEPS;

/// The event of an upload (asynchronous mode).
const UPLOADED: &str = "bank_statement.uploaded";

/// The EnvoyX event types, in lifecycle order.
pub(crate) const EVENT_TYPES: [&str; 5] = [
    UPLOADED,
    "bank_statement.processing",
    "bank_statement.analyzed",
    "bank_statement.flagged",
    "bank_statement.failed",
];

/// The score summary a finished analysis carries in `data` (spec's example).
pub(crate) const SUMMARY: [&str; 5] = [
    "credit_score",
    "credit_tier",
    "overall_risk_level",
    "is_legitimate",
    "flag_count",
];

/// Pauses between the attempts to queue `bank_statement.uploaded`; 0 ends.
const ENQUEUE_RETRY_PAUSES_MS: [u64; 4] = [20, 80, 250, 0];

/// One payload.
pub(crate) fn payload(
    event: &str,
    timestamp: Value,
    bank_statement_id: &str,
    step: u32,
    message: &str,
    data: Value,
) -> Value {
    json!({
        "event": event,
        "timestamp": timestamp,
        "bank_statement_id": bank_statement_id,
        "step": step,
        "total_steps": TOTAL_STEPS,
        "message": message,
        "data": data,
    })
}

/// The EnvoyX copy of a native event, `None` for an event EnvoyX has no counterpart of.
pub(crate) fn webhook_event(native: &NewEvent) -> Option<NewEvent> {
    let kind = native.event_type.strip_prefix("document.")?;
    let event = EVENT_TYPES
        .iter()
        .find(|e| e.strip_prefix("bank_statement.") == Some(kind))?;
    let body: Value = serde_json::from_str(&native.payload).ok()?;
    let data = body.get("data")?;
    let id = ledgerlens_store::DocumentId::parse(data.get("document_id")?.as_str()?)?;
    let number = |field: &str| data.get(field).and_then(Value::as_u64);
    // A native failure does not say how far the job went: its step is 0 (unknown).
    let step = if kind == "uploaded" {
        0
    } else {
        number("step").unwrap_or(0)
    };
    let mut out = Map::new();
    out.insert(
        "status".to_owned(),
        data.get("status").cloned().unwrap_or(Value::Null),
    );
    match kind {
        "uploaded" => {
            for field in ["filename", "size_bytes", "format"] {
                if let Some(value) = data.get(field) {
                    out.insert(field.to_owned(), value.clone());
                }
            }
        }
        "analyzed" | "flagged" => {
            for field in SUMMARY {
                out.insert(
                    field.to_owned(),
                    data.get(field).cloned().unwrap_or(Value::Null),
                );
            }
            if let Some(duplicate) = data
                .get("duplicate_of")
                .and_then(Value::as_str)
                .and_then(ledgerlens_store::DocumentId::parse)
            {
                out.insert("duplicate_of".to_owned(), ids::uuid(&duplicate).into());
            }
        }
        "failed" => {
            out.insert(
                "error".to_owned(),
                data.get("failure").cloned().unwrap_or(Value::Null),
            );
        }
        _ => {}
    }
    if let Some(time) = data.get("processing_time") {
        out.insert("processing_time".to_owned(), time.clone());
    }
    let message = data
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let payload = payload(
        event,
        body.get("timestamp").cloned().unwrap_or(Value::Null),
        &ids::uuid(&id),
        u32::try_from(step).unwrap_or(0),
        message,
        Value::Object(out),
    );
    Some(NewEvent {
        event_type: (*event).to_owned(),
        payload: payload.to_string(),
    })
}

/// Queues `bank_statement.uploaded` for an upload through this API (asynchronous mode).
/// The statement is stored and queued already: a failure to announce it only logs.
pub(crate) async fn announce_uploaded<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    record: &DocumentRecord,
) {
    let data = json!({
        "status": record.status.as_str(),
        "filename": record.filename,
        "file_size": record.size_bytes,
        "file_type": shape::file_type(record),
    });
    let body = payload(
        UPLOADED,
        crate::documents::timestamp(crate::now_ms()),
        &ids::uuid(&record.id),
        0,
        "Bank statement uploaded.",
        data,
    );
    let event = NewEvent {
        event_type: UPLOADED.to_owned(),
        payload: body.to_string(),
    };
    // SQLite refuses a write transaction that read before another connection's write landed
    // (SQLITE_BUSY_SNAPSHOT, which its busy timeout does not wait out): the worker woken by
    // this very upload is writing its claim now. A failed enqueue wrote nothing, so it is tried
    // again after a short pause.
    for pause_ms in ENQUEUE_RETRY_PAUSES_MS {
        match state
            .store
            .enqueue_event(&record.tenant, &event, crate::now_ms())
            .await
        {
            Ok(queued) => {
                if queued > 0 {
                    state.deliveries_due.notify_one();
                }
                return;
            }
            Err(error) if pause_ms > 0 => {
                tracing::debug!(%error, "queueing bank_statement.uploaded: trying again");
                tokio::time::sleep(std::time::Duration::from_millis(pause_ms)).await;
            }
            Err(error) => tracing::error!(%error, "queueing bank_statement.uploaded failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        reason = "tests fail loudly"
    )]

    use super::*;

    fn native(event_type: &str, data: Value) -> NewEvent {
        NewEvent {
            event_type: event_type.to_owned(),
            payload: json!({
                "type": event_type,
                "timestamp": "2026-04-07T10:31:45.000Z",
                "data": data,
            })
            .to_string(),
        }
    }

    #[test]
    fn an_analysed_document_becomes_the_spec_example() {
        // The worker's `document.analyzed` data, as worker.rs builds it.
        let event = native(
            "document.analyzed",
            json!({
                "document_id": "doc_a1b2c3d4e5f67890abcdef1234567890",
                "status": "ANALYZED",
                "step": 12,
                "total_steps": 12,
                "message": "Bank statement analysis complete.",
                "processing_time": 45.3,
                "credit_score": 723,
                "credit_tier": "TIER_2",
                "overall_risk_level": "MEDIUM",
                "is_legitimate": true,
                "flag_count": 2,
            }),
        );
        let copy = webhook_event(&event).unwrap();
        assert_eq!(copy.event_type, "bank_statement.analyzed");
        let body: Value = serde_json::from_str(&copy.payload).unwrap();
        // Spec 003, "Webhook Events", byte for byte in meaning.
        let spec: Value = serde_json::from_str(
            r#"{
              "event": "bank_statement.analyzed",
              "timestamp": "2026-04-07T10:31:45.000Z",
              "bank_statement_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
              "step": 12,
              "total_steps": 12,
              "message": "Bank statement analysis complete.",
              "data": {
                "status": "ANALYZED",
                "credit_score": 723,
                "credit_tier": "TIER_2",
                "overall_risk_level": "MEDIUM",
                "is_legitimate": true,
                "flag_count": 2,
                "processing_time": 45.3
              }
            }"#,
        )
        .unwrap();
        assert_eq!(body, spec);
    }

    #[test]
    fn a_failure_carries_its_code_and_foreign_events_have_no_copy() {
        let event = native(
            "document.failed",
            json!({
                "document_id": "doc_a1b2c3d4e5f67890abcdef1234567890",
                "status": "FAILED",
                "message": "the PDF is encrypted",
                "failure": {"code": "password_required", "message": "the PDF is encrypted"},
                "processing_time": 0.2,
            }),
        );
        let body: Value = serde_json::from_str(&webhook_event(&event).unwrap().payload).unwrap();
        assert_eq!(body["event"], "bank_statement.failed");
        assert_eq!(body["data"]["error"]["code"], "password_required");
        assert_eq!(body["data"]["status"], "FAILED");
        assert!(webhook_event(&native("new_report", json!({}))).is_none());
        assert!(webhook_event(&native("document.renamed", json!({}))).is_none());
    }
}
