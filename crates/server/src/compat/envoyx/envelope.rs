//! EnvoyX's answer envelope, `{success, status, message, data}`, on every answer — errors too:
//! an error keeps the native stable code (and field) in `data`, so a client can still tell
//! errors apart without parsing `message`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::ApiError;

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Envelope {
    status: StatusCode,
    message: String,
    data: Value,
}

impl Envelope {
    /// 200 with `data`.
    pub(crate) fn ok(message: impl Into<String>, data: Value) -> Self {
        Envelope::with_status(StatusCode::OK, message, data)
    }

    /// Any success status with `data`.
    pub(crate) fn with_status(status: StatusCode, message: impl Into<String>, data: Value) -> Self {
        Envelope {
            status,
            message: message.into(),
            data,
        }
    }
}

impl IntoResponse for Envelope {
    fn into_response(self) -> Response {
        let body = json!({
            "success": true,
            "status": self.status.as_u16(),
            "message": self.message,
            "data": self.data,
        });
        (self.status, Json(body)).into_response()
    }
}

/// An error in the envelope: `success: false`, the HTTP status repeated in `status`, the message,
/// and `data: {code, …details}` (the native code and details, e.g. the offending `field`).
///
/// Rendered as JSON without the native [`ApiError`] marker, so the request middleware leaves
/// it as it is (it still adds the `x-request-id` header).
#[derive(Debug)]
pub(crate) struct EnvoyxError(ApiError);

impl EnvoyxError {
    /// An error with a status, code and message.
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        EnvoyxError(ApiError::new(status, code, message))
    }

    /// 404 for anything the tenant cannot see.
    pub(crate) fn not_found(what: &str) -> Self {
        EnvoyxError(ApiError::not_found(what))
    }

    /// 400 naming the offending field.
    pub(crate) fn bad_field(code: &'static str, field: &str, why: &str) -> Self {
        EnvoyxError(ApiError::bad_field(code, field, why))
    }

    /// 405 for a method the route does not serve.
    pub(crate) fn method_not_allowed() -> Self {
        EnvoyxError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "method not allowed on this route",
        )
    }

    /// 500; the cause is logged, never sent.
    pub(crate) fn internal(cause: &dyn std::fmt::Display) -> Self {
        EnvoyxError(ApiError::internal(cause))
    }
}

impl From<ApiError> for EnvoyxError {
    fn from(error: ApiError) -> Self {
        EnvoyxError(error)
    }
}

impl From<ledgerlens_store::StoreError> for EnvoyxError {
    fn from(error: ledgerlens_store::StoreError) -> Self {
        EnvoyxError(ApiError::from(error))
    }
}

impl IntoResponse for EnvoyxError {
    fn into_response(self) -> Response {
        let ApiError {
            status,
            code,
            message,
            details,
        } = self.0;
        let mut data = Map::new();
        data.insert("code".to_owned(), code.into());
        data.extend(details);
        let body = json!({
            "success": false,
            "status": status.as_u16(),
            "message": message,
            "data": data,
        });
        (status, Json(body)).into_response()
    }
}
