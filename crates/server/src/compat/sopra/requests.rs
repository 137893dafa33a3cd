//! `POST /requests` and `GET /requests/{id}`: a request is a native business case identified by
//! its company code (SIREN, SIRET, or another scheme kept as `custom:<type>`), and its status
//! and stage follow from the documents filed under it.
//!
//! "Add a creator to your request" (assigning the request to one of the tenant's users by
//! e-mail) is the case's `assignee`: `creator` in the body, an e-mail.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use ledgerlens_store::{
    Blobs, CaseFields, CaseId, CaseKind, CaseRecord, DocumentFilter, DocumentRecord,
    DocumentStatus, Store, TenantId,
};
use serde_json::{Map, Value, json};

use super::auth::{Authed, Read, Write};
use crate::documents::timestamp;
use crate::json_body::Body;
use crate::{ApiError, AppState, now_ms};

/// Marks the cases this API made, for people reading the native `/v1/cases`.
const REFERENCE: &str = "sopra:request";

/// Most documents a request lists (one page of the store).
pub(crate) const MAX_DOCUMENTS: u32 = 100;

/// The native scheme of a code type: the checked ones as they are, others `custom:<type>`.
fn scheme(kind: &str) -> String {
    match kind {
        "siren" | "siret" | "bvn" | "nin" => kind.to_owned(),
        other => format!("custom:{other}"),
    }
}

/// The code of a case, as the product shows it.
fn code(case: &CaseRecord) -> Value {
    let identifiers: Map<String, Value> =
        serde_json::from_str(&case.fields.identifiers_json).unwrap_or_default();
    identifiers
        .iter()
        .next()
        .map_or(Value::Null, |(scheme, id)| {
            json!({
                "type": scheme.strip_prefix("custom:").unwrap_or(scheme),
                "id": id,
            })
        })
}

/// Reads `code: {type, id}`.
fn read_code(body: &Body) -> Result<(String, String), ApiError> {
    let code = body
        .object("code")?
        .ok_or_else(|| ApiError::bad_field("missing_field", "code", "an object {type, id}"))?;
    let text = |field: &str| -> Result<String, ApiError> {
        match code.get(field) {
            Some(Value::String(text)) if !text.trim().is_empty() => Ok(text.trim().to_owned()),
            None | Some(Value::Null) => Err(ApiError::bad_field(
                "missing_field",
                &format!("code.{field}"),
                "required",
            )),
            Some(_) => Err(ApiError::bad_field(
                "invalid_field",
                &format!("code.{field}"),
                "a non-empty string",
            )),
        }
    };
    let kind = text("type")?.to_lowercase();
    if kind.len() > 50 || !kind.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(ApiError::bad_field(
            "invalid_field",
            "code.type",
            "siren, siret or another scheme name (letters, digits, _)",
        ));
    }
    let id = text("id")?;
    // The native identifier checks (SIREN and SIRET digits and Luhn key), reported on the
    // product's field names.
    crate::cases::identifier(&scheme(&kind), &id).map_err(|e| {
        ApiError::bad_field("invalid_field", "code.id", &e.message)
            .with_detail("code_type", kind.clone())
    })?;
    Ok((kind, id))
}

/// Reads `creator`: an e-mail, or `{email}`.
fn read_creator(body: &Body) -> Result<Option<String>, ApiError> {
    let email = match body.value("creator") {
        None => return Ok(None),
        Some(Value::String(email)) => email.trim().to_owned(),
        Some(Value::Object(object)) => object
            .get("email")
            .and_then(Value::as_str)
            .map(|e| e.trim().to_owned())
            .unwrap_or_default(),
        Some(_) => String::new(),
    };
    let valid = email.len() <= 300
        && email
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
    if !valid {
        return Err(ApiError::bad_field(
            "invalid_field",
            "creator",
            "the e-mail of the tenant's user the request is assigned to",
        ));
    }
    Ok(Some(email))
}

/// The request's documents (media online), newest first.
pub(crate) async fn documents<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    case: &CaseId,
) -> Result<Vec<DocumentRecord>, ApiError> {
    let filter = DocumentFilter {
        case_id: Some(case.clone()),
        ..DocumentFilter::default()
    };
    Ok(state
        .store
        .list_documents(tenant, &filter, None, MAX_DOCUMENTS)
        .await?
        .documents)
}

/// Whether a document has a report.
pub(crate) fn reported(document: &DocumentRecord) -> bool {
    matches!(
        document.status,
        DocumentStatus::Analyzed | DocumentStatus::Flagged
    )
}

/// Status and stage: `pending_analysis` 1.1 until a statement is online, 1.2 while one is
/// being analysed, `analysis_done` 2.1 once every statement is analysed and one has a report,
/// `analysis_failed` 1.3 when every statement failed.
fn progress(documents: &[DocumentRecord]) -> (&'static str, &'static str) {
    let running = documents.iter().any(|d| {
        matches!(
            d.status,
            DocumentStatus::Pending | DocumentStatus::Processing
        )
    });
    if documents.is_empty() {
        ("pending_analysis", "1.1")
    } else if running {
        ("pending_analysis", "1.2")
    } else if documents.iter().any(reported) {
        ("analysis_done", "2.1")
    } else {
        ("analysis_failed", "1.3")
    }
}

async fn request_json<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    case: &CaseRecord,
) -> Result<Value, ApiError> {
    let documents = documents(state, tenant, &case.id).await?;
    let (status, stage) = progress(&documents);
    let reports: Vec<&str> = documents
        .iter()
        .filter(|d| reported(d))
        .map(|d| d.id.as_str())
        .collect();
    let media: Vec<Value> = documents
        .iter()
        .filter_map(|d| {
            d.metadata_json
                .as_deref()
                .and_then(|m| serde_json::from_str::<Value>(m).ok())
                .and_then(|m| m.pointer("/sopra/media").cloned())
        })
        .collect();
    Ok(json!({
        "request": {
            "id": case.id.as_str(),
            "code": code(case),
            "status": status,
            "stage": stage,
            "creator": case.fields.assignee,
            "media": media,
            "reports": reports,
            "creation": timestamp(case.created_at_ms),
            "lastUpdate": timestamp(case.updated_at_ms),
        }
    }))
}

/// A request id from the path: anything not of our shape cannot exist.
pub(crate) fn request_id(raw: &str) -> Result<CaseId, ApiError> {
    CaseId::parse(raw).ok_or_else(|| ApiError::not_found("request"))
}

/// The tenant's request of that id.
pub(crate) async fn find<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    id: &str,
) -> Result<CaseRecord, ApiError> {
    state
        .store
        .get_case(tenant, &request_id(id)?)
        .await?
        .ok_or_else(|| ApiError::not_found("request"))
}

/// `POST /requests` `{code: {type, id}, creator?}`: 201 with the request.
pub(crate) async fn create<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Write>,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let body = Body::parse(&body, &["code", "creator"])?;
    let (kind, id) = read_code(&body)?;
    let assignee = read_creator(&body)?;
    let fields = CaseFields {
        identifiers_json: json!({ scheme(&kind): id }).to_string(),
        assignee,
        reference: Some(REFERENCE.to_owned()),
        ..CaseFields::default()
    };
    let case = state
        .store
        .create_case(&tenant, CaseKind::Business, &fields, now_ms())
        .await?;
    tracing::info!(case = %case.id, "sopra request created");
    let body = request_json(&state, &tenant, &case).await?;
    Ok((StatusCode::CREATED, Json(body)))
}

/// `GET /requests/{id}`.
pub(crate) async fn get<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Read>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let case = find(&state, &tenant, &id).await?;
    Ok(Json(request_json(&state, &tenant, &case).await?))
}
