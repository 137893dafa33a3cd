//! Liveness and readiness, for load balancers and orchestrators: no authentication.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ledgerlens_store::Store;
use serde_json::{Value, json};

use crate::{ApiError, AppState};

/// The process is up and serving HTTP.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The process can do its work: the database answers.
pub async fn readyz<S: Store, B>(
    State(state): State<AppState<S, B>>,
) -> Result<Json<Value>, ApiError> {
    match state.store.ping().await {
        Ok(()) => Ok(Json(json!({ "status": "ready" }))),
        Err(error) => {
            tracing::warn!(%error, "not ready");
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_ready",
                "the database does not answer",
            ))
        }
    }
}
