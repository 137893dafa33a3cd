//! Bank X-Ray reports: one per analysed bank statement of a request, read from the stored
//! `xray` profile (the product's `raw` fields: movementReport, summary, bankFlag, riskClass,
//! score, allTransactions, plus our indicators, rating and reasons). The PDF download is the
//! native PDF report of the same document, base64-encoded in the product's envelope.
//!
//! Every read here needs `read_bank_xray_report` (spec 000), JSON and PDF alike.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use base64::Engine;
use ledgerlens_store::{Blobs, DocumentId, DocumentRecord, Store, TenantId};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{Authed, Reports};
use super::requests::{self, reported};
use crate::auth::Tenant;
use crate::documents::timestamp;
use crate::{ApiError, AppState};

/// The report sources of the product; only Bank X-Ray is produced here.
const SOURCES: [&str; 5] = [
    "bank_xray",
    "doc_xray",
    "financial_xray",
    "esg_xray",
    "manager_xray",
];

/// The request a document was filed under, if it is one.
fn request_of(document: &DocumentRecord) -> Option<&str> {
    document.case_id.as_ref().map(|c| c.as_str())
}

/// The media a document came from, if it came through `/media`.
fn media_of(document: &DocumentRecord) -> Value {
    document
        .metadata_json
        .as_deref()
        .and_then(|m| serde_json::from_str::<Value>(m).ok())
        .and_then(|m| m.pointer("/sopra/media").cloned())
        .unwrap_or(Value::Null)
}

fn creation(document: &DocumentRecord) -> Value {
    timestamp(document.finished_at_ms.unwrap_or(document.updated_at_ms))
}

async fn report_json<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    document: &DocumentRecord,
) -> Result<Value, ApiError> {
    let raw: Value = state
        .store
        .get_analysis(tenant, &document.id, "xray")
        .await?
        .map(|text| serde_json::from_str(&text))
        .transpose()
        .map_err(|e| ApiError::internal(&e))?
        .ok_or_else(|| ApiError::not_found("report"))?;
    Ok(json!({
        "id": document.id.as_str(),
        "request": request_of(document),
        "media": media_of(document),
        "source": "bank_xray",
        "status": document.status.as_str().to_lowercase(),
        "creation": creation(document),
        "raw": raw,
    }))
}

/// The tenant's analysed document of that report id.
async fn find<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    id: &str,
) -> Result<DocumentRecord, ApiError> {
    let id = DocumentId::parse(id).ok_or_else(|| ApiError::not_found("report"))?;
    state
        .store
        .get_document(tenant, &id)
        .await?
        .filter(reported)
        .ok_or_else(|| ApiError::not_found("report"))
}

/// The query of `GET /reports`.
#[derive(Debug, Deserialize)]
pub(crate) struct Filter {
    source: Option<String>,
    request: Option<String>,
}

/// `GET /reports?source=bank_xray&request={id}`: the request's reports, newest first, each as
/// `GET /reports/{id}` shows it. Another product's source lists nothing.
pub(crate) async fn list<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Reports>,
    Query(filter): Query<Filter>,
) -> Result<Json<Value>, ApiError> {
    let source = filter.source.as_deref().unwrap_or("bank_xray");
    if !SOURCES.contains(&source) {
        return Err(ApiError::bad_field(
            "invalid_parameter",
            "source",
            &format!("one of {}", SOURCES.join(", ")),
        ));
    }
    let request = filter
        .request
        .ok_or_else(|| ApiError::bad_field("missing_parameter", "request", "the request's id"))?;
    let id = requests::request_id(&request)
        .map_err(|_| ApiError::bad_field("invalid_parameter", "request", "a request id"))?;
    if state.store.get_case(&tenant, &id).await?.is_none() {
        return Err(ApiError::not_found("request"));
    }
    let mut reports = Vec::new();
    if source == "bank_xray" {
        for document in requests::documents(&state, &tenant, &id).await? {
            if reported(&document) {
                reports.push(report_json(&state, &tenant, &document).await?);
            }
        }
    }
    Ok(Json(json!({ "reports": reports })))
}

/// `GET /reports/{id}`.
pub(crate) async fn get<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Reports>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let document = find(&state, &tenant, &id).await?;
    Ok(Json(
        json!({ "report": report_json(&state, &tenant, &document).await? }),
    ))
}

/// `GET /reports/{id}/pdf`: `{fileExtension, request, report, creation, bankXrayPdfB64}`, the
/// PDF rendered by the native `GET /v1/documents/{id}/report.pdf`.
pub(crate) async fn pdf<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Reports>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let document = find(&state, &tenant, &id).await?;
    let response = crate::report::report_pdf(
        State(std::sync::Arc::clone(&state)),
        Tenant(tenant.clone()),
        Ok(Path(document.id.as_str().to_owned())),
    )
    .await?;
    if response.status() != StatusCode::OK {
        return Err(ApiError::internal(&format!(
            "the PDF report answered {}",
            response.status()
        )));
    }
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok(Json(json!({
        "fileExtension": "pdf",
        "request": request_of(&document),
        "report": document.id.as_str(),
        "creation": creation(&document),
        "bankXrayPdfB64": base64::engine::general_purpose::STANDARD.encode(&bytes),
    })))
}
