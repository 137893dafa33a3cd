//! Errors: the crate's own ([`ServerError`]) and the one shape every HTTP error takes on the wire.
//!
//! Handlers return [`ApiError`], which carries a stable code and a message but no request id: the
//! request middleware ([`crate::request`]) owns the id and renders the body
//! `{"error":{"code","message","request_id"}}`. The same middleware gives any other error response
//! (axum's 405, a caught panic) the same shape, so no client ever sees a plain-text error.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ledgerlens_store::StoreError;

/// What can stop the server from starting or running.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The store failed at start (opening, migrating).
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The HTTP listener failed.
    #[error("http: {0}")]
    Io(#[from] std::io::Error),
    /// The built-in enrichment rules could not be loaded.
    #[error("enrichment rules: {0}")]
    Enrich(#[from] ledgerlens_enrich::EnrichError),
    /// The OS gave no randomness (for a token key).
    #[error("random: {0}")]
    Random(String),
}

/// An error as a client sees it, before the request id is added.
#[derive(Clone, Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine code (documented in docs/service.md).
    pub code: &'static str,
    /// Human message; never holds internal details.
    pub message: String,
    /// Extra fields of the error object (e.g. the `status` of a document not yet analysed).
    pub details: serde_json::Map<String, serde_json::Value>,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: serde_json::Map::new(),
        }
    }

    /// Adds a field to the error object.
    pub fn with_detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }

    /// 404 for anything the tenant cannot see: unknown and foreign ids look the same.
    pub fn not_found(what: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no such {what}"),
        )
    }

    /// 400 naming the offending field.
    pub fn bad_field(code: &'static str, field: &str, why: &str) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, format!("`{field}`: {why}"))
            .with_detail("field", field)
    }

    /// 500: the cause is logged here, with the request's span, and never sent.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "an internal error occurred; quote the request id when reporting it",
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        ApiError::internal(&error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let mut response = status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The code and message for an error response that did not come from an [`ApiError`].
pub(crate) fn generic(status: StatusCode) -> ApiError {
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("not_found", "no such route"),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "method not allowed on this route")
        }
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "the request body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "unsupported media type"),
        StatusCode::UNAUTHORIZED => ("unauthorized", "missing or invalid credentials"),
        status if status.is_server_error() => (
            "internal_error",
            "an internal error occurred; quote the request id when reporting it",
        ),
        _ => ("bad_request", "the request could not be understood"),
    };
    ApiError::new(status, code, message)
}
