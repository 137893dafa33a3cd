//! A streamed upload (`X-Stream-Response: true`): the native progress stream
//! (`crate::progress`), re-framed into EnvoyX's events. The native stream already replays the
//! steps a late subscriber missed, follows jobs run by another process, and ends once; this
//! only translates each frame, so none of that is done twice.
//!
//! Each native `step` N (1–11) becomes a `bank_statement.processing` event with step N; the
//! native `end` becomes `bank_statement.analyzed`, `flagged` or `failed` with step 12 and the
//! score summary of the webhook example, read from the stored `envoyx` profile. Events carry no
//! `event:` line: an EventSource's `onmessage` and a plain `fetch` reader both get every one,
//! and the type is the payload's `event`.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use ledgerlens_store::{Blobs, DocumentId, DocumentRecord, Store, TenantId};
use serde_json::{Map, Value, json};

use super::events::{SUMMARY, payload};
use super::ids;
use crate::AppState;
use crate::documents::timestamp;
use crate::progress::TOTAL_STEPS;

/// Largest native frame held while waiting for its end (a frame is a few hundred bytes).
const MAX_FRAME_BYTES: usize = 64 * 1024;

/// The SSE answer to a streamed upload of `record`.
pub(crate) fn progress<S: Store, B: Blobs>(
    state: AppState<S, B>,
    tenant: TenantId,
    record: DocumentRecord,
) -> Response {
    let native = crate::progress::stream(std::sync::Arc::clone(&state), tenant.clone(), record);
    let adapter = Adapter {
        translator: Translator { state, tenant },
        body: native.into_body().into_data_stream(),
        buffer: Vec::new(),
    };
    let frames = futures_util::stream::unfold(adapter, |mut adapter| async move {
        loop {
            if let Some(frame) = adapter.take_frame() {
                if let Some(out) = adapter.translator.translate(&frame).await {
                    return Some((Ok::<Bytes, Infallible>(Bytes::from(out)), adapter));
                }
                continue;
            }
            match adapter.body.next().await {
                Some(Ok(chunk)) if adapter.buffer.len() < MAX_FRAME_BYTES => {
                    adapter.buffer.extend_from_slice(&chunk);
                }
                _ => return None,
            }
        }
    });
    let mut response = Body::from_stream(frames).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The native stream being read, and what is buffered of it.
struct Adapter<S, B> {
    translator: Translator<S, B>,
    body: axum::body::BodyDataStream,
    buffer: Vec<u8>,
}

/// What translating a frame reads (the document as stored). Kept apart from the body, which
/// is not `Sync`, so a translation can be awaited while the body is held.
struct Translator<S, B> {
    state: AppState<S, B>,
    tenant: TenantId,
}

/// One native frame's `event` and `data`.
fn fields(frame: &str) -> (Option<&str>, String) {
    let mut event = None;
    let mut data = String::new();
    for line in frame.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            event = Some(value.trim());
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push_str(value.strip_prefix(' ').unwrap_or(value));
        }
    }
    (event, data)
}

fn frame(id: Option<u32>, body: &Value) -> String {
    match id {
        Some(id) => format!("id: {id}\ndata: {body}\n\n"),
        None => format!("data: {body}\n\n"),
    }
}

impl<S, B> Adapter<S, B> {
    /// The next complete frame of the native stream, if one is buffered.
    fn take_frame(&mut self) -> Option<String> {
        let end = self.buffer.windows(2).position(|w| w == b"\n\n")?;
        let rest = self.buffer.split_off(end.saturating_add(2));
        let frame = std::mem::replace(&mut self.buffer, rest);
        Some(String::from_utf8_lossy(&frame).into_owned())
    }
}

impl<S: Store, B: Blobs> Translator<S, B> {
    /// The EnvoyX frame for a native one; `None` drops it (step 12 is said by the end).
    async fn translate(&self, native: &str) -> Option<String> {
        let (event, data) = fields(native);
        let Some(event) = event else {
            // A keep-alive comment stays one.
            return native.starts_with(':').then(|| ":\n\n".to_owned());
        };
        let data: Value = serde_json::from_str(&data).ok()?;
        let id = DocumentId::parse(data.get("document_id")?.as_str()?)?;
        match event {
            "step" => {
                let step = u32::try_from(data.get("step")?.as_u64()?).ok()?;
                if step >= TOTAL_STEPS {
                    return None;
                }
                let body = payload(
                    "bank_statement.processing",
                    timestamp(crate::now_ms()),
                    &ids::uuid(&id),
                    step,
                    data.get("message").and_then(Value::as_str).unwrap_or(""),
                    json!({ "status": "PROCESSING", "name": data.get("name") }),
                );
                Some(frame(Some(step), &body))
            }
            "end" => Some(frame(Some(TOTAL_STEPS), &self.end(&id, &data).await)),
            _ => None,
        }
    }

    /// The final event, from the document as stored now (its analysis, its timing).
    async fn end(&self, id: &DocumentId, native: &Value) -> Value {
        let uuid = ids::uuid(id);
        let now = timestamp(crate::now_ms());
        let record = match self.state.store.get_document(&self.tenant, id).await {
            Ok(Some(record)) => record,
            Ok(None) | Err(_) => {
                let error = json!({ "code": "deleted", "message": "the statement was deleted" });
                return payload(
                    "bank_statement.failed",
                    now,
                    &uuid,
                    0,
                    "Bank statement is no longer available.",
                    json!({ "status": native.get("status"), "error": error }),
                );
            }
        };
        let mut data = Map::new();
        data.insert("status".to_owned(), record.status.as_str().into());
        if let (Some(started), Some(finished)) = (record.started_at_ms, record.finished_at_ms) {
            let elapsed =
                Duration::from_millis(u64::try_from(finished.saturating_sub(started)).unwrap_or(0));
            let tenths = (elapsed.as_secs_f64() * 10.0).round() / 10.0;
            data.insert("processing_time".to_owned(), tenths.into());
        }
        if !record.status.has_analysis() {
            data.insert(
                "error".to_owned(),
                json!({ "code": record.failure_code, "message": record.failure_message }),
            );
            return payload(
                "bank_statement.failed",
                now,
                &uuid,
                record.progress_step.unwrap_or(0),
                "Bank statement analysis failed.",
                Value::Object(data),
            );
        }
        let profile: Value = match self
            .state
            .store
            .get_analysis(&self.tenant, id, "envoyx")
            .await
        {
            Ok(Some(text)) => serde_json::from_str(&text).unwrap_or(Value::Null),
            Ok(None) => Value::Null,
            Err(error) => {
                tracing::warn!(%error, "reading the envoyx analysis for the stream failed");
                Value::Null
            }
        };
        for field in SUMMARY {
            data.insert(
                field.to_owned(),
                profile.get(field).cloned().unwrap_or(Value::Null),
            );
        }
        let event = if record.status.as_str() == "FLAGGED" {
            "bank_statement.flagged"
        } else {
            "bank_statement.analyzed"
        };
        payload(
            event,
            now,
            &uuid,
            TOTAL_STEPS,
            "Bank statement analysis complete.",
            Value::Object(data),
        )
    }
}
