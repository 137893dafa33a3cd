//! The outermost middleware: a request id for every request (in the `x-request-id` header, in
//! every log line of the request, in every error body), one log line per request, its latency
//! in the metrics (by route template), and the one JSON error shape for every error response.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::error::{ApiError, generic};
use crate::metrics::{Metrics, RouteTemplate};

/// The header a request id travels in, both ways.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// A caller's own id is kept (to correlate with its logs) when it is short and plain.
fn usable(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

fn new_request_id() -> String {
    let mut bytes = [0u8; 12];
    // Ids only need to be distinct, not secret: if the OS source failed, the nanosecond clock
    // still tells requests apart in the logs.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        return format!("req_{nanos:x}");
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("req_{hex}")
}

/// Wraps every request: id, span, error rendering, access log, latency.
pub async fn middleware(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| usable(v))
        .map_or_else(new_request_id, str::to_owned);
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    );
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    async move {
        let response = next.run(request).await;
        // Requests no route matched are counted together: their paths are the client's text.
        let route = response
            .extensions()
            .get::<RouteTemplate>()
            .map_or("unmatched", |r| r.0.as_str())
            .to_owned();
        let mut response = render_error(response, &id);
        if let Ok(value) = HeaderValue::from_str(&id) {
            response.headers_mut().insert(REQUEST_ID_HEADER, value);
        }
        let latency = started.elapsed();
        metrics.request(&route, &method, response.status().as_u16(), latency);
        tracing::info!(
            status = response.status().as_u16(),
            latency_ms = latency.as_millis(),
            route = %route,
            "request done"
        );
        response
    }
    .instrument(span)
    .await
}

/// Gives an error response the JSON shape, with the request id.
fn render_error(response: Response, request_id: &str) -> Response {
    let status = response.status();
    let api_error = response.extensions().get::<ApiError>().cloned();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let error = match api_error {
        Some(error) => error,
        None if (status.is_client_error() || status.is_server_error()) && !is_json => {
            generic(status)
        }
        None => return response,
    };
    let mut object = serde_json::Map::new();
    object.insert("code".to_owned(), error.code.into());
    object.insert("message".to_owned(), error.message.into());
    object.insert("request_id".to_owned(), request_id.into());
    object.extend(error.details);
    let body = serde_json::json!({ "error": object }).to_string();
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_short_caller_ids_are_kept() {
        assert!(usable("abc-123_x.y"));
        assert!(!usable(""));
        assert!(!usable("a b"));
        assert!(!usable("evil\nheader"));
        assert!(!usable(&"a".repeat(65)));
    }

    #[test]
    fn generated_ids_are_distinct() {
        assert_ne!(new_request_id(), new_request_id());
    }
}
