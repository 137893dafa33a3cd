//! The product versions its API by release date and requires the version on every call
//! (`October-Version: 2024-01-25`); a call without it is refused with 401, as the product's
//! authentication guide says of any call missing its header structure. The versions named in
//! the product's documentation are accepted and answer alike (the shapes served are those of
//! specs 000 and 001, unchanged between them); any other is a 400 naming the known ones. The
//! version served is echoed in the response's `October-Version`.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::ApiError;

/// The request and response header.
pub(crate) const HEADER: &str = "october-version";

/// Versions the product's documentation names, oldest first; the last is the latest.
pub(crate) const SUPPORTED: [&str; 2] = ["2023-06-01", "2024-01-25"];

/// Checks the version header before anything else runs, and echoes it.
pub(crate) async fn layer(request: Request, next: Next) -> Response {
    let Some(value) = request.headers().get(HEADER) else {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing_version",
            format!(
                "send the API version in the October-Version header (latest: {})",
                SUPPORTED.last().copied().unwrap_or_default()
            ),
        )
        .with_detail("supported_versions", SUPPORTED.to_vec())
        .into_response();
    };
    let version = value.to_str().map(str::trim).unwrap_or_default();
    let Some(known) = SUPPORTED.iter().find(|v| **v == version) else {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_version",
            format!(
                "October-Version {version:?} is not one of {}",
                SUPPORTED.join(", ")
            ),
        )
        .with_detail("supported_versions", SUPPORTED.to_vec())
        .into_response();
    };
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(HEADER, HeaderValue::from_static(known));
    response
}
