//! Periculum Insights (spec 004) served by ledgerlens: the token endpoint, statement analytics
//! from the five aggregator JSON formats and from PDFs, transactions, customer identification,
//! affordability and the points credit score — each a route and a shape over the native
//! service (docs/compat/periculum.md says, endpoint by endpoint, what differs).
//!
//! A Periculum statement *is* a native document, and its integer `statementKey` is the
//! document's per-tenant `number`: the JSON analytics call stores its body as an upload and waits
//! for the worker, the PDF call stores and returns at once, and every later call finds the
//! document by its number. Each statement is filed under a case of its own (the applicant), which
//! keeps what Periculum attaches to a statement but a document does not carry: the statement
//! type (the case's kind) and the identifiers (`PATCH /statements/identification`).
//! Affordability and credit scores are stored runs of the document, so `GET` answers their
//! history.
//!
//! Errors keep the native error body (the spec shows none of its own) with the spec's statuses:
//! 401 for a missing, invalid or expired token, 404 for fewer than ten transactions (the spec's
//! own, literal status).

mod analytics;
mod body;
mod identification;
mod runs;
mod statements;
mod upload;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path};
use axum::routing::{get, patch, post, put};
use ledgerlens_store::{Blobs, DocumentRecord, Store, TenantId};
use serde_json::Value;

use crate::{ApiError, AppState};

/// A token request is a few short fields (as the native `/oauth/token`).
const TOKEN_BODY_LIMIT: usize = 16 * 1024;

/// Affordability, identification and credit score bodies are a few fields.
const SMALL_BODY_LIMIT: usize = 64 * 1024;

/// The routes, to be nested under the vendor's mount (`/compat/periculum`).
pub(crate) fn router<S: Store, B: Blobs>() -> Router<AppState<S, B>> {
    Router::new()
        .route(
            "/oauth/token",
            post(crate::oauth::token::<S, B>).layer(DefaultBodyLimit::max(TOKEN_BODY_LIMIT)),
        )
        // Both read their body themselves, bounded by the configured upload limit.
        .route(
            "/statements",
            put(upload::upload::<S, B>).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/statements/analytics",
            post(analytics::analytics::<S, B>).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/statements/identification",
            patch(identification::identification::<S, B>)
                .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT)),
        )
        .route("/statements/{key}", get(statements::get::<S, B>))
        .route(
            "/statements/{key}/transactions",
            get(statements::transactions::<S, B>),
        )
        .route(
            "/affordability",
            post(runs::affordability::<S, B>).layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT)),
        )
        .route(
            "/affordability/{key}",
            get(runs::affordability_history::<S, B>),
        )
        .route(
            "/creditscore/{key}",
            get(runs::credit_scores::<S, B>)
                .post(runs::credit_score::<S, B>)
                .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT)),
        )
}

type KeyPath = Result<Path<String>, axum::extract::rejection::PathRejection>;

/// A statement key from the path: anything but a positive integer cannot name a statement.
fn path_key(path: KeyPath) -> Result<i64, ApiError> {
    path.ok()
        .and_then(|Path(text)| text.trim().parse::<i64>().ok())
        .filter(|key| *key > 0)
        .ok_or_else(|| ApiError::not_found("statement"))
}

/// The tenant's statement of that key (404 for an unknown or another tenant's key alike).
async fn statement<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    key: i64,
) -> Result<DocumentRecord, ApiError> {
    state
        .store
        .get_document_by_number(tenant, key)
        .await?
        .ok_or_else(|| ApiError::not_found("statement"))
}

/// The tenant's statement of that key once its analytics exist (409 `not_analyzed`, with the
/// native status, while it is still being processed or when it failed).
async fn processed<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    key: i64,
) -> Result<DocumentRecord, ApiError> {
    let record = statement(state, tenant, key).await?;
    crate::documents::analysed(state, tenant, &record.id).await
}

/// One stored body of an analysed document (a profile, or the transactions), parsed.
async fn stored<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    record: &DocumentRecord,
    body: &str,
) -> Result<Value, ApiError> {
    let text = state
        .store
        .get_analysis(&record.tenant, &record.id, body)
        .await?
        .ok_or_else(|| {
            ApiError::internal(&format!("analysis {body} of {} is missing", record.id))
        })?;
    serde_json::from_str(&text).map_err(|e| ApiError::internal(&e))
}
