//! `Idempotency-Key` on POSTs: a client that retries a request it never saw answered (a timeout,
//! a dropped connection) sends the same key, and gets the first answer back instead of a second
//! upload, case or run.
//!
//! The key is claimed in the store before the request runs, so two concurrent retries cannot
//! both run: the second gets 409 `idempotency_key_in_use`. A key reused for a different request
//! (another path or body) is 422 `idempotency_key_reused`. Successful answers (2xx) are kept 24
//! hours and replayed with `Idempotent-Replayed: true`; an error frees the key, so a corrected
//! retry can run. A multipart body is compared without its boundary, which clients pick anew on
//! every attempt. Streamed uploads (`X-Stream-Response: true`) cannot be replayed and refuse a
//! key with 400.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ledgerlens_store::{Blobs, Idempotency, Store};
use sha2::{Digest, Sha256};

use crate::{ApiError, AppState, auth, now_ms};

/// How long an answer is kept for replay.
const KEEP_MS: i64 = 24 * 60 * 60 * 1000;

/// Largest answer kept for replay; bigger ones are answered but not kept (the key is freed).
const MAX_KEPT_BYTES: usize = 1024 * 1024;

/// The request header.
pub(crate) const HEADER: &str = "idempotency-key";

fn usable(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The multipart boundary of a request, if it has one.
fn boundary(content_type: Option<&HeaderValue>) -> Option<Vec<u8>> {
    let text = content_type?.to_str().ok()?;
    let (_, rest) = text.split_once("boundary=")?;
    let value = rest.split(';').next()?.trim().trim_matches('"');
    (!value.is_empty()).then(|| value.as_bytes().to_vec())
}

/// What identifies a request for its key: method, path and query, and the body (boundary
/// removed).
fn fingerprint(method: &Method, target: &str, body: &[u8], boundary: Option<&[u8]>) -> String {
    let mut digest = Sha256::new();
    digest.update(method.as_str().as_bytes());
    digest.update(b" ");
    digest.update(target.as_bytes());
    digest.update(b"\n");
    match boundary {
        Some(boundary) if !boundary.is_empty() => {
            let mut rest = body;
            while let Some(at) = rest.windows(boundary.len()).position(|w| w == boundary) {
                digest.update(rest.get(..at).unwrap_or_default());
                digest.update(b"--boundary--");
                rest = rest.get(at + boundary.len()..).unwrap_or_default();
            }
            digest.update(rest);
        }
        _ => digest.update(body),
    }
    format!("{:x}", digest.finalize())
}

/// The middleware.
pub(crate) async fn layer<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST || !request.headers().contains_key(HEADER) {
        return next.run(request).await;
    }
    match guarded(&state, request, next).await {
        Ok(response) | Err(response) => response,
    }
}

async fn guarded<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    request: Request,
    next: Next,
) -> Result<Response, Response> {
    let key = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| usable(k))
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_idempotency_key",
                "an Idempotency-Key is 1 to 255 visible ASCII characters",
            )
            .into_response()
        })?;
    if request
        .headers()
        .get("x-stream-response")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "idempotency_not_supported",
            "a streamed upload cannot be replayed: drop X-Stream-Response or Idempotency-Key",
        )
        .into_response());
    }
    let (parts, body) = request.into_parts();
    let principal = auth::resolve(&parts, state)
        .await
        .map_err(IntoResponse::into_response)?;
    let limit = usize::try_from(state.config.max_upload_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(crate::documents::MULTIPART_OVERHEAD_BYTES);
    let bytes = to_bytes(body, limit)
        .await
        .map_err(|_| crate::documents::too_large(state.config.max_upload_bytes).into_response())?;
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), ToString::to_string);
    let fingerprint = fingerprint(
        &parts.method,
        &target,
        &bytes,
        boundary(parts.headers.get(header::CONTENT_TYPE)).as_deref(),
    );
    let now = now_ms();
    let claimed = state
        .store
        .begin_idempotent(&principal.tenant, &key, &fingerprint, now, now - KEEP_MS)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    match claimed {
        Idempotency::Proceed => {}
        Idempotency::Replay { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut response = (status, body).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
            return Ok(response);
        }
        Idempotency::InFlight => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_key_in_use",
                "a request with this Idempotency-Key is still running; retry later",
            )
            .into_response());
        }
        Idempotency::Mismatch => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used for a different request",
            )
            .into_response());
        }
    }
    let mut request = Request::from_parts(parts, Body::from(bytes));
    request.extensions_mut().insert(principal.clone());
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !response.status().is_success() || !is_json {
        forget(state, &principal.tenant, &key).await;
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_KEPT_BYTES).await else {
        forget(state, &principal.tenant, &key).await;
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the answer could not be read for replay; the request was done once",
        )
        .into_response());
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if let Err(error) = state
        .store
        .complete_idempotent(&principal.tenant, &key, parts.status.as_u16(), &text)
        .await
    {
        tracing::error!(%error, "idempotent answer not kept");
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

async fn forget<S: Store, B>(
    state: &AppState<S, B>,
    tenant: &ledgerlens_store::TenantId,
    key: &str,
) {
    if let Err(error) = state.store.abandon_idempotent(tenant, key).await {
        tracing::error!(%error, "idempotency key not freed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multipart_retry_with_a_new_boundary_is_the_same_request() {
        let a = b"--AAA\r\ncontent\r\n--AAA--\r\n";
        let b = b"--BBBB\r\ncontent\r\n--BBBB--\r\n";
        let one = fingerprint(&Method::POST, "/v1/documents", a, Some(b"AAA"));
        let two = fingerprint(&Method::POST, "/v1/documents", b, Some(b"BBBB"));
        assert_eq!(one, two);
        let other = fingerprint(
            &Method::POST,
            "/v1/documents",
            b"--AAA\r\nother\r\n--AAA--\r\n",
            Some(b"AAA"),
        );
        assert_ne!(one, other);
        let elsewhere = fingerprint(&Method::POST, "/v1/cases", a, Some(b"AAA"));
        assert_ne!(one, elsewhere);
    }

    #[test]
    fn keys_are_plain_and_bounded() {
        assert!(usable("order-42"));
        assert!(!usable(""));
        assert!(!usable("has space"));
        assert!(!usable(&"k".repeat(256)));
    }

    #[test]
    fn boundaries_are_read_from_the_content_type() {
        let value = HeaderValue::from_static("multipart/form-data; boundary=\"xyz\"");
        assert_eq!(boundary(Some(&value)), Some(b"xyz".to_vec()));
        assert_eq!(boundary(None), None);
    }
}
