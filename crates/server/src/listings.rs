//! `GET /v1/documents/{id}/statements` and `/transactions`: pages of the bodies stored at
//! analysis time ([`crate::ledger_bodies`]), filtered as [`crate::filters`] describes.
//!
//! The stored body is read whole and filtered in memory: a year of a busy account is a few
//! thousand rows, a millisecond's work once parsed, and it needs no per-transaction table in the
//! store (one can replace this when filtering in SQL pays). Parsing is what costs (tens of
//! milliseconds for 5 000 rows), and a reader pages through one document at a time, so the
//! parsed rows of the most recently read documents are kept ([`RowCache`]), keyed by the
//! document's last change so a re-analysis is never served stale.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use ledgerlens_store::{Blobs, DocumentId, Store, TenantId};
use serde_json::{Value, json};

use crate::analysis::{STATEMENTS_BODY, TRANSACTIONS_BODY};
use crate::auth::Tenant;
use crate::documents::{analysed, document_id};
use crate::filters::{self, Filters};
use crate::{ApiError, AppState};

type PathResult = Result<Path<String>, axum::extract::rejection::PathRejection>;

/// A stored body of an analysed document, as JSON.
pub(crate) async fn stored_body<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    id: &DocumentId,
    body: &str,
) -> Result<Value, ApiError> {
    analysed(state, tenant, id).await?;
    let text = stored_text(state, tenant, id, body).await?;
    serde_json::from_str(&text).map_err(|e| ApiError::internal(&e))
}

async fn stored_text<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    id: &DocumentId,
    body: &str,
) -> Result<String, ApiError> {
    state
        .store
        .get_analysis(tenant, id, body)
        .await?
        .ok_or_else(|| {
            // Documents analysed before these bodies existed have only the profiles.
            ApiError::new(
                StatusCode::CONFLICT,
                "not_stored",
                format!("the {body} of this document were not stored when it was analysed; upload it again"),
            )
        })
}

/// Parsed rows of recently read documents.
#[derive(Debug, Default)]
pub(crate) struct RowCache {
    entries: Mutex<VecDeque<(CacheKey, Arc<Vec<Value>>)>>,
}

/// Tenant, document, body name and the document's last change.
type CacheKey = (String, String, &'static str, i64);

/// The cache holds at most this many rows in all (a few tens of megabytes).
const CACHED_ROWS: usize = 60_000;

impl RowCache {
    fn get(&self, key: &CacheKey) -> Option<Arc<Vec<Value>>> {
        let mut entries = self.entries.lock().ok()?;
        let at = entries.iter().position(|(k, _)| k == key)?;
        let entry = entries.remove(at)?;
        let rows = Arc::clone(&entry.1);
        entries.push_front(entry);
        Some(rows)
    }

    fn put(&self, key: CacheKey, rows: Arc<Vec<Value>>) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        entries.retain(|(k, _)| !(k.0 == key.0 && k.1 == key.1 && k.2 == key.2));
        entries.push_front((key, rows));
        let mut total = 0;
        let mut keep = 0;
        for (_, rows) in entries.iter() {
            total += rows.len();
            if total > CACHED_ROWS && keep > 0 {
                break;
            }
            keep += 1;
        }
        entries.truncate(keep);
    }
}

/// The rows of a stored listing body, parsed once per document version.
async fn stored_rows<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    id: &DocumentId,
    body: &'static str,
) -> Result<Arc<Vec<Value>>, ApiError> {
    let record = analysed(state, tenant, id).await?;
    let key = (
        tenant.as_str().to_owned(),
        id.as_str().to_owned(),
        body,
        record.updated_at_ms,
    );
    if let Some(rows) = state.rows.get(&key) {
        return Ok(rows);
    }
    let text = stored_text(state, tenant, id, body).await?;
    let rows = crate::blocking(move || serde_json::from_str::<Value>(&text))
        .await?
        .map_err(|e| ApiError::internal(&e))?;
    let rows = Arc::new(items(rows)?);
    state.rows.put(key, Arc::clone(&rows));
    Ok(rows)
}

/// One page of `items` from the filters' start, `next_cursor` when more may follow.
fn page(items: &[Value], filters: &Filters, keep: impl Fn(&Value) -> bool) -> Value {
    let mut data = Vec::new();
    let mut next = None;
    for (index, item) in items.iter().enumerate().skip(filters.start) {
        if !keep(item) {
            continue;
        }
        if data.len() == filters.limit {
            next = Some(filters::cursor(index));
            break;
        }
        data.push(item.clone());
    }
    json!({ "data": data, "next_cursor": next })
}

fn items(body: Value) -> Result<Vec<Value>, ApiError> {
    match body {
        Value::Array(items) => Ok(items),
        _ => Err(ApiError::internal(&"a stored listing is not an array")),
    }
}

/// `GET /v1/documents/{id}/statements?limit=&cursor=`.
pub async fn statements<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: PathResult,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let id = document_id(path)?;
    let filters = Filters::parse(query.as_deref(), &filters::STATEMENT_PARAMETERS)?;
    let rows = stored_rows(&state, &tenant, &id, STATEMENTS_BODY).await?;
    Ok(Json(page(&rows, &filters, |_| true)))
}

/// `GET /v1/documents/{id}/transactions?…`: in ledger order (oldest first).
pub async fn transactions<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: PathResult,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let id = document_id(path)?;
    let filters = Filters::parse(query.as_deref(), &filters::TRANSACTION_PARAMETERS)?;
    let rows = stored_rows(&state, &tenant, &id, TRANSACTIONS_BODY).await?;
    Ok(Json(page(&rows, &filters, |tx| filters.matches(tx))))
}
