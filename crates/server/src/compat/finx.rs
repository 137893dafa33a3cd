//! finleap finX Risk Report (spec 002), served by ledgerlens: `GET /rest/risk-reports/{id}` in
//! the spec's shape, read from the stored `finx` profile.
//!
//! finX builds its report from bank accounts the user connected in its flow; here the flow is
//! an upload: `POST /rest/risk-reports` with one or more statement files (multipart `file`,
//! repeated; optional `name` and `iban`, the holder as the lender knows them, for
//! `verification_result`) answers the report's `id` at once and analyses the statements through
//! the native pipeline, filed under one case. The report is readable when they are analysed:
//! one statement's report is its stored profile; several statements' is the profile of their
//! union (the same analysis over all accounts, as finX aggregates across accounts), computed
//! once and kept as a run of the first document.
//!
//! Statuses as spec 002: 200, 400 for a malformed request or parameter, 401 without valid
//! credentials; and 202 while the statements are still being analysed, 404 for an unknown
//! report, 413 over the upload limit, 422 when no statement could be analysed.
//! docs/compat/finx.md says what differs.

use axum::Json;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ledgerlens_analytics::Prepared;
use ledgerlens_scoring::Profile;
use ledgerlens_store::{
    BlobKey, Blobs, CaseFields, CaseId, CaseKind, CaseRecord, DocumentFilter, DocumentRecord,
    DocumentStatus, Store, TenantId,
};
use serde_json::{Map, Value, json};

use crate::analysis::{DocumentOptions, ReadStatement};
use crate::auth::Tenant;
use crate::documents::{Accepted, sanitize_filename, too_large};
use crate::{ApiError, AppState, blocking, now_ms};

/// Marks the cases this API made: only they are risk reports.
const REFERENCE: &str = "finx:risk-report";

/// Most statements one report takes (a year of monthly statements, twice over).
const MAX_FILES: usize = 24;

/// The run kind the report of several statements is kept under.
const RUN_KIND: &str = "finx_risk_report";

/// The finX routes, to be nested under their mount (`/compat/finx`). The upload reads its body
/// without axum's limit: the handler holds each file to `max_upload_bytes` as it arrives.
pub(crate) fn router<S: Store, B: Blobs>() -> Router<AppState<S, B>> {
    Router::new()
        .route(
            "/rest/risk-reports",
            post(create::<S, B>).layer(DefaultBodyLimit::disable()),
        )
        .route("/rest/risk-reports/{id}", get(get_report::<S, B>))
}

/// What a report request held.
#[derive(Default)]
struct Upload {
    files: Vec<(String, Vec<u8>)>,
    name: Option<String>,
    iban: Option<String>,
}

fn malformed(limit: u64) -> impl Fn(axum::extract::multipart::MultipartError) -> ApiError {
    move |e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(limit)
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_multipart",
                format!(
                    "send multipart/form-data with one or more `file` fields: {}",
                    e.body_text()
                ),
            )
        }
    }
}

async fn read_upload(multipart: &mut Multipart, limit: u64) -> Result<Upload, ApiError> {
    let mut upload = Upload::default();
    while let Some(mut field) = multipart.next_field().await.map_err(malformed(limit))? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                if upload.files.len() == MAX_FILES {
                    return Err(ApiError::bad_field(
                        "invalid_field",
                        "file",
                        &format!("at most {MAX_FILES} statements per report"),
                    ));
                }
                let filename = field
                    .file_name()
                    .map_or_else(|| "statement".to_owned(), sanitize_filename);
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(malformed(limit))? {
                    let size =
                        u64::try_from(bytes.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
                    if size > limit {
                        return Err(too_large(limit));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                upload.files.push((filename, bytes));
            }
            "name" | "iban" => {
                let text = field.text().await.map_err(malformed(limit))?;
                let text = text.trim().to_owned();
                if text.len() > 300 {
                    return Err(ApiError::bad_field(
                        "invalid_field",
                        &name,
                        "at most 300 characters",
                    ));
                }
                let value = Some(text).filter(|t| !t.is_empty());
                if name == "name" {
                    upload.name = value;
                } else {
                    upload.iban = value.map(|i| i.replace(' ', "").to_uppercase());
                }
            }
            _ => {
                return Err(ApiError::bad_field(
                    "unknown_field",
                    &name,
                    "not a field of this request (file, name, iban)",
                ));
            }
        }
    }
    Ok(upload)
}

/// A file that is not a statement is a validation failure: 400, as spec 002 names.
fn check_file(filename: &str, bytes: &[u8]) -> Result<(), ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_field(
            "empty_file",
            "file",
            &format!("{filename} is empty"),
        ));
    }
    ledgerlens_ingest::sniff::detect(bytes).map_err(|error| {
        ApiError::bad_field(
            "unsupported_file",
            "file",
            &format!("{filename} is not a supported statement format: {error}"),
        )
    })?;
    Ok(())
}

/// `POST /rest/risk-reports` (multipart: `file`…, `name`?, `iban`?): 201 `{id, status}`. Every
/// file is checked before anything is stored.
pub(crate) async fn create<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let mut multipart = multipart.map_err(|rejection| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_multipart",
            format!(
                "send multipart/form-data with one or more `file` fields: {}",
                rejection.body_text()
            ),
        )
    })?;
    let upload = read_upload(&mut multipart, state.config.max_upload_bytes).await?;
    if upload.files.is_empty() {
        return Err(ApiError::bad_field(
            "missing_field",
            "file",
            "one or more statement files",
        ));
    }
    for (filename, bytes) in &upload.files {
        check_file(filename, bytes)?;
    }
    let identifiers = upload
        .iban
        .as_ref()
        .map_or_else(|| json!({}), |iban| json!({ "custom:iban": iban }));
    let fields = CaseFields {
        name: upload.name.clone(),
        identifiers_json: identifiers.to_string(),
        reference: Some(REFERENCE.to_owned()),
        ..CaseFields::default()
    };
    let case = state
        .store
        .create_case(&tenant, CaseKind::Person, &fields, now_ms())
        .await?;
    for (filename, bytes) in upload.files {
        crate::documents::accept(
            &state,
            &tenant,
            Accepted {
                filename,
                bytes,
                options: DocumentOptions {
                    account_holder_name: upload.name.clone(),
                    ..DocumentOptions::default()
                },
                password: None,
                case_id: Some(case.id.as_str().to_owned()),
                metadata: Some(json!({ "finx": { "risk_report": case.id.as_str() } }).to_string()),
            },
        )
        .await?;
    }
    tracing::info!(case = %case.id, "finx risk report requested");
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": case.id.as_str(), "status": "PROCESSING" })),
    )
        .into_response())
}

/// The statements analysed one by one but not together (an encrypted PDF, whose password is
/// not kept after its own analysis, cannot be read again): 422, as when none could be analysed.
fn unreadable(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "analysis_failed",
        format!("the statements could not be analysed together: {why}"),
    )
}

/// The report of several statements: the finX profile of their union, read again from the
/// stored originals (the stored profiles are per statement and cannot be added up).
async fn union_report<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    documents: &[&DocumentRecord],
) -> Result<Value, ApiError> {
    let mut originals = Vec::new();
    for document in documents {
        let bytes = state
            .blobs
            .get(&BlobKey::new(tenant, &document.sha256)?)
            .await?
            .ok_or_else(|| {
                ApiError::internal(&format!("the original of {} is gone", document.id))
            })?;
        originals.push((document.filename.clone(), bytes));
    }
    let options: DocumentOptions = documents
        .first()
        .and_then(|d| serde_json::from_str(&d.options_json).ok())
        .unwrap_or_default();
    let enricher = state
        .tenant_enrichers
        .for_tenant(&state.store, &state.enricher, tenant)
        .await?;
    let shared = std::sync::Arc::clone(state);
    let text = blocking(move || -> Result<String, ApiError> {
        let options = options.analysis_options();
        let mut statements = Vec::new();
        for (filename, bytes) in &originals {
            let document =
                ledgerlens_ingest::read_document(filename, bytes, &shared.config.read_options)
                    .map_err(|e| unreadable(&format!("{filename}: {e}")))?;
            statements.extend(document.statements);
        }
        let read = ReadStatement {
            prepared: Prepared::new(statements, &enricher, &options),
            forensics: None,
            options,
        };
        let ledger = read.ledger().map_err(|f| unreadable(&f.message))?;
        read.profile_json(&ledger, Profile::Finx, &shared.scoring)
            .map_err(|f| ApiError::internal(&f.message))
    })
    .await??;
    serde_json::from_str(&text).map_err(|e| ApiError::internal(&e))
}

/// The stored finX profile of one statement, or the union's (kept as a run once computed).
async fn profile<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    analysed: &[&DocumentRecord],
) -> Result<Value, ApiError> {
    let Some(first) = analysed.first() else {
        return Err(ApiError::internal(&"a report without statements"));
    };
    if analysed.len() == 1 {
        let text = state
            .store
            .get_analysis(tenant, &first.id, "finx")
            .await?
            .ok_or_else(|| {
                ApiError::internal(&format!("the finx profile of {} is missing", first.id))
            })?;
        return serde_json::from_str(&text).map_err(|e| ApiError::internal(&e));
    }
    let ids: Vec<&str> = analysed.iter().map(|d| d.id.as_str()).collect();
    let request = json!({ "documents": ids }).to_string();
    let kept = state.store.list_runs(tenant, &first.id, RUN_KIND).await?;
    if let Some(run) = kept.iter().rev().find(|r| r.request_json == request) {
        return serde_json::from_str(&run.result_json).map_err(|e| ApiError::internal(&e));
    }
    let report = union_report(state, tenant, analysed).await?;
    state
        .store
        .insert_run(
            tenant,
            &first.id,
            RUN_KIND,
            &request,
            &report.to_string(),
            now_ms(),
        )
        .await?;
    Ok(report)
}

/// `verification_result.provided` is what the lender provided: the IBAN given with the
/// request, which the analysis itself never sees.
fn provide_iban(report: &mut Value, case: &CaseRecord) {
    let identifiers: Map<String, Value> =
        serde_json::from_str(&case.fields.identifiers_json).unwrap_or_default();
    let Some(iban) = identifiers.get("custom:iban") else {
        return;
    };
    if let Some(accounts) = report.get_mut("accounts").and_then(Value::as_array_mut) {
        for account in accounts {
            if let Some(provided) = account
                .pointer_mut("/verification_result/provided")
                .and_then(Value::as_object_mut)
            {
                provided.insert("iban".to_owned(), iban.clone());
            }
        }
    }
}

/// `GET /rest/risk-reports/{id}`: 200 with the report; 202 `{id, status}` while statements are
/// being analysed; 400 for an id that is not a report id; 404 for an unknown report; 422 when
/// no statement could be analysed.
pub(crate) async fn get_report<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let case_id = CaseId::parse(&id).ok_or_else(|| {
        ApiError::bad_field(
            "invalid_parameter",
            "id",
            "a risk report id from POST /rest/risk-reports",
        )
    })?;
    let case = state
        .store
        .get_case(&tenant, &case_id)
        .await?
        .filter(|c| c.fields.reference.as_deref() == Some(REFERENCE))
        .ok_or_else(|| ApiError::not_found("risk report"))?;
    let filter = DocumentFilter {
        case_id: Some(case_id),
        ..DocumentFilter::default()
    };
    let documents = state
        .store
        .list_documents(&tenant, &filter, None, 100)
        .await?
        .documents;
    let running = documents.iter().any(|d| {
        matches!(
            d.status,
            DocumentStatus::Pending | DocumentStatus::Processing
        )
    });
    if running {
        return Ok((
            StatusCode::ACCEPTED,
            [(header::RETRY_AFTER, "5")],
            Json(json!({ "id": id, "status": "PROCESSING" })),
        )
            .into_response());
    }
    // Oldest first, so the union's run hangs off the same first document every time.
    let mut analysed: Vec<&DocumentRecord> = documents
        .iter()
        .filter(|d| matches!(d.status, DocumentStatus::Analyzed | DocumentStatus::Flagged))
        .collect();
    analysed.reverse();
    if analysed.is_empty() {
        let failures: Vec<Value> = documents
            .iter()
            .map(|d| json!({ "file": d.filename, "code": d.failure_code, "message": d.failure_message }))
            .collect();
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "analysis_failed",
            "none of the report's statements could be analysed",
        )
        .with_detail("failures", failures));
    }
    let mut report = profile(&state, &tenant, &analysed).await?;
    provide_iban(&mut report, &case);
    Ok(Json(report).into_response())
}
