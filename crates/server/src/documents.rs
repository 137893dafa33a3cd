//! `/v1/documents`: upload, read, list, analysis, delete — all scoped by the caller's tenant, so
//! another tenant's id answers 404 exactly as an unknown one does.

use axum::Json;
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat};
use ledgerlens_store::{
    BlobKey, Blobs, CaseId, DocumentId, DocumentRecord, NewDocument, NewEvent, PageCursor, Store,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::analysis::{DocumentOptions, PROFILES};
use crate::auth::Tenant;
use crate::progress::TOTAL_STEPS;
use crate::{ApiError, AppState, now_ms};

/// Room for the multipart framing and the small text fields around the file.
pub(crate) const MULTIPART_OVERHEAD_BYTES: usize = 64 * 1024;

/// Longest accepted text field (names, sector, password).
const MAX_TEXT_FIELD_BYTES: usize = 1024;

/// Listing page size: default and largest.
const DEFAULT_PAGE: u32 = 20;
const MAX_PAGE: u32 = 100;

/// The optional text fields of an upload.
const TEXT_FIELDS: [&str; 7] = [
    "password",
    "account_holder_name",
    "business_type",
    "sector",
    "country",
    "case_id",
    "metadata",
];

pub(crate) fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("the file is larger than the {limit} bytes accepted"),
    )
    .with_detail("limit_bytes", limit)
}

fn multipart_error(error: &MultipartError, field: Option<&str>, limit: u64) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large(limit);
    }
    match field {
        Some(field) => ApiError::bad_field(
            "malformed_multipart",
            field,
            &format!("malformed multipart body: {}", error.body_text()),
        ),
        None => ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_multipart",
            format!("malformed multipart body: {}", error.body_text()),
        ),
    }
}

/// The file field, read chunk by chunk so an oversize file is refused without holding it all.
async fn read_file(field: &mut Field<'_>, limit: u64) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| multipart_error(&e, Some("file"), limit))?
    {
        let size = u64::try_from(bytes.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
        if size > limit {
            return Err(too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

async fn read_text(field: &mut Field<'_>, name: &str, limit: u64) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| multipart_error(&e, Some(name), limit))?
    {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_TEXT_FIELD_BYTES {
            return Err(ApiError::bad_field(
                "invalid_field",
                name,
                &format!("longer than {MAX_TEXT_FIELD_BYTES} bytes"),
            ));
        }
    }
    String::from_utf8(bytes)
        .map(|text| text.trim().to_owned())
        .map_err(|_| ApiError::bad_field("invalid_field", name, "not UTF-8 text"))
}

/// What a multipart upload held.
#[derive(Default)]
struct Upload {
    file: Option<(String, Vec<u8>)>,
    options: DocumentOptions,
    password: Option<String>,
    case_id: Option<String>,
    metadata: Option<String>,
}

async fn read_upload(multipart: &mut Multipart, limit: u64) -> Result<Upload, ApiError> {
    let mut upload = Upload::default();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_error(&e, None, limit))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if upload.file.is_some() {
                return Err(ApiError::bad_field(
                    "invalid_field",
                    "file",
                    "one file per upload",
                ));
            }
            let filename = field
                .file_name()
                .map(sanitize_filename)
                .unwrap_or_else(|| "upload".to_owned());
            upload.file = Some((filename, read_file(&mut field, limit).await?));
            continue;
        }
        if !TEXT_FIELDS.contains(&name.as_str()) {
            return Err(ApiError::bad_field(
                "unknown_field",
                &name,
                "not a field of this upload (file, password, account_holder_name, business_type, \
                 sector, country, case_id, metadata)",
            ));
        }
        let value = Some(read_text(&mut field, &name, limit).await?).filter(|v| !v.is_empty());
        match name.as_str() {
            "password" => upload.password = value,
            "account_holder_name" => upload.options.account_holder_name = value,
            "business_type" => upload.options.business_type = value,
            "sector" => upload.options.sector = value,
            "case_id" => upload.case_id = value,
            "metadata" => upload.metadata = value,
            _ => upload.options.country = value,
        }
    }
    Ok(upload)
}

/// An upload as read from whatever API received it (the native multipart, or a compatible
/// vendor's shape).
pub(crate) struct Accepted {
    /// The client's file name, sanitised.
    pub filename: String,
    /// The file.
    pub bytes: Vec<u8>,
    /// Analysis options the client gave.
    pub options: DocumentOptions,
    /// PDF password.
    pub password: Option<String>,
    /// Case to file it under (`case_…`).
    pub case_id: Option<String>,
    /// Client metadata, a JSON object as text.
    pub metadata: Option<String>,
}

impl std::fmt::Debug for Accepted {
    /// Neither the password nor the file reaches a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accepted")
            .field("filename", &self.filename)
            .field("size", &self.bytes.len())
            .field("case_id", &self.case_id)
            .finish_non_exhaustive()
    }
}

/// Checks, stores and queues an upload; announces it (`document.uploaded`). Every API that
/// takes statements goes through here, so checks and defaults are the same everywhere.
pub(crate) async fn accept<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &ledgerlens_store::TenantId,
    upload: Accepted,
) -> Result<DocumentRecord, ApiError> {
    if upload.bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_field(
            "empty_file",
            "file",
            "the file is empty",
        ));
    }
    let format = ledgerlens_ingest::sniff::detect(&upload.bytes).map_err(|error| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("not a supported statement format: {error}"),
        )
    })?;
    let mut options = upload.options;
    let case_id = filed_under(state, tenant, upload.case_id, &mut options).await?;
    let metadata_json = metadata(upload.metadata)?;
    // The tenant's preferences fill what neither the upload nor the case said.
    let preferences = crate::preferences::load(&state.store, tenant).await?;
    options.business_type = options.business_type.or(preferences.business_type);
    options.sector = options.sector.or(preferences.sector);
    options.country = options.country.or(preferences.country);
    let sha256 = ledgerlens_ingest::sha256_hex(&upload.bytes);
    let key = BlobKey::new(tenant, &sha256)?;
    let size_bytes = u64::try_from(upload.bytes.len()).unwrap_or(u64::MAX);
    state.blobs.put(&key, upload.bytes).await?;
    let options_json = serde_json::to_string(&options).map_err(|e| ApiError::internal(&e))?;
    let record = state
        .store
        .insert_document(
            NewDocument {
                tenant: tenant.clone(),
                filename: upload.filename,
                sha256,
                size_bytes,
                format: format.name().to_owned(),
                options_json,
                password: upload.password,
                case_id,
                metadata_json,
            },
            now_ms(),
        )
        .await?;
    state.queued.notify_one();
    state.metrics.uploaded();
    tracing::info!(document = %record.id, format = format.name(), size_bytes, "queued");
    let uploaded = NewEvent {
        event_type: "document.uploaded".to_owned(),
        payload: crate::webhooks::payload(
            "document.uploaded",
            now_ms(),
            json!({
                "document_id": record.id.as_str(),
                "status": record.status.as_str(),
                "filename": record.filename,
                "format": record.format,
                "size_bytes": record.size_bytes,
                "sha256": record.sha256,
                "total_steps": TOTAL_STEPS,
                "message": "Statement uploaded.",
            }),
        ),
    };
    // The document is stored and queued: a failure to announce it must not fail the upload.
    match state
        .store
        .enqueue_event(&record.tenant, &uploaded, now_ms())
        .await
    {
        Ok(queued) if queued > 0 => state.deliveries_due.notify_one(),
        Ok(_) => {}
        Err(error) => tracing::error!(%error, "queueing document.uploaded failed"),
    }
    Ok(record)
}

/// The case an upload is filed under (`case_id`), whose describing fields fill the analysis
/// options the upload left out.
async fn filed_under<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &ledgerlens_store::TenantId,
    case_id: Option<String>,
    options: &mut DocumentOptions,
) -> Result<Option<CaseId>, ApiError> {
    let Some(text) = case_id else { return Ok(None) };
    let unknown = || {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_case",
            format!("the tenant has no case {text:?}"),
        )
        .with_detail("field", "case_id")
    };
    let id = CaseId::parse(&text).ok_or_else(unknown)?;
    let case = state
        .store
        .get_case(tenant, &id)
        .await?
        .ok_or_else(unknown)?;
    let fields = case.fields;
    if options.account_holder_name.is_none() {
        options.account_holder_name = fields.name;
    }
    options.business_type = options.business_type.take().or(fields.business_type);
    options.sector = options.sector.take().or(fields.sector);
    options.country = options.country.take().or(fields.country);
    Ok(Some(id))
}

/// The client's `metadata` field: a JSON object (period, statement date…), bounded like every
/// text field of an upload.
fn metadata(text: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(text) = text else { return Ok(None) };
    match serde_json::from_str::<Value>(&text) {
        Ok(value @ Value::Object(_)) => Ok(Some(value.to_string())),
        _ => Err(ApiError::bad_field(
            "invalid_field",
            "metadata",
            "a JSON object",
        )),
    }
}

/// The last path component, without control characters: shown back and used as the source name.
pub(crate) fn sanitize_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    if clean.is_empty() {
        "upload".to_owned()
    } else {
        clean
    }
}

/// `POST /v1/documents`: checks, stores and queues an upload; 202 with its id. Nothing is stored
/// for a refused upload: the checks run on the bytes in memory, before the first write.
pub async fn upload<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let limit = state.config.max_upload_bytes;
    // A declared length beyond any acceptable body is refused before reading a byte of it.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let overhead = u64::try_from(MULTIPART_OVERHEAD_BYTES).unwrap_or(u64::MAX);
    if declared.is_some_and(|length| length > limit.saturating_add(overhead)) {
        return Err(too_large(limit));
    }
    let mut multipart = multipart.map_err(|rejection| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_multipart",
            format!("expected a multipart/form-data body with a `file` field: {rejection}"),
        )
    })?;
    let upload = match read_upload(&mut multipart, limit).await {
        Ok(upload) => upload,
        Err(error) => {
            // Read what is left (bounded by the body limit) so the client, still sending, gets
            // the answer instead of a reset connection.
            while let Ok(Some(mut field)) = multipart.next_field().await {
                while let Ok(Some(_)) = field.chunk().await {}
            }
            return Err(error);
        }
    };
    let Some((filename, bytes)) = upload.file else {
        return Err(ApiError::bad_field(
            "missing_field",
            "file",
            "the statement file is required",
        ));
    };
    let record = accept(
        &state,
        &tenant,
        Accepted {
            filename,
            bytes,
            options: upload.options,
            password: upload.password,
            case_id: upload.case_id,
            metadata: upload.metadata,
        },
    )
    .await?;
    let location = format!("/v1/documents/{}", record.id);
    if wants_stream(&headers) {
        let tenant = record.tenant.clone();
        let mut response = crate::progress::stream(state, tenant, record);
        if let Ok(value) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        return Ok(response);
    }
    let mut response = (
        StatusCode::ACCEPTED,
        // The whole record (a superset of spec 003's `{id, status}`), so a client sees at once
        // what was understood: options after preferences, case, duplicate of an earlier upload.
        Json(document_json(&record)),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// `X-Stream-Response: true` (spec 003): answer with the SSE progress stream instead of 202.
fn wants_stream(headers: &HeaderMap) -> bool {
    headers
        .get("x-stream-response")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

pub(crate) fn timestamp(ms: i64) -> Value {
    DateTime::from_timestamp_millis(ms).map_or(Value::Null, |t| {
        t.to_rfc3339_opts(SecondsFormat::Millis, true).into()
    })
}

/// A document as the API shows it (never the password, never internal lease data).
pub(crate) fn document_json(record: &DocumentRecord) -> Value {
    let failure = match (&record.failure_code, &record.failure_message) {
        (Some(code), message) => json!({ "code": code, "message": message }),
        _ => Value::Null,
    };
    let options: Value = serde_json::from_str(&record.options_json).unwrap_or(Value::Null);
    json!({
        "id": record.id.as_str(),
        "status": record.status.as_str(),
        "filename": record.filename,
        "format": record.format,
        "size_bytes": record.size_bytes,
        "sha256": record.sha256,
        "options": options,
        "number": record.number,
        "case_id": record.case_id.as_ref().map(|c| c.as_str()),
        "metadata": record.metadata_json.as_deref().and_then(|m| serde_json::from_str::<Value>(m).ok()),
        "duplicate_of": record.duplicate_of.as_ref().map(|d| d.as_str()),
        "decision": record.decision.as_ref().map(|d| json!({
            "credit_score": d.score,
            "credit_tier": d.tier,
            "overall_risk_level": d.risk_level,
        })),
        "subject": record.subject.as_ref().map(|s| json!({
            "holder": s.holder,
            "bank": s.bank,
            "account": s.account,
            "period": { "start": s.period_start, "end": s.period_end },
            "name_match": s.name_match,
        })),
        "attempts": record.attempts,
        "step": record.progress_step,
        "total_steps": TOTAL_STEPS,
        "failure": failure,
        "created_at": timestamp(record.created_at_ms),
        "updated_at": timestamp(record.updated_at_ms),
        "started_at": record.started_at_ms.map_or(Value::Null, timestamp),
        "finished_at": record.finished_at_ms.map_or(Value::Null, timestamp),
    })
}

/// An id from the path: anything not of our shape cannot exist, so it is a plain 404.
pub(crate) fn document_id(
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<DocumentId, ApiError> {
    path.ok()
        .and_then(|Path(id)| DocumentId::parse(&id))
        .ok_or_else(|| ApiError::not_found("document"))
}

/// `GET /v1/documents/{id}`.
pub async fn get<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let id = document_id(path)?;
    let record = state
        .store
        .get_document(&tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("document"))?;
    Ok(Json(document_json(&record)))
}

/// `GET /v1/documents/{id}/events`: Server-Sent Events of the processing steps — those so far,
/// then each as it completes, then `end` with the final status; the stream then closes.
pub async fn events<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    let id = document_id(path)?;
    let record = state
        .store
        .get_document(&tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("document"))?;
    Ok(crate::progress::stream(state, tenant, record))
}

/// Query of the listing.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    limit: Option<String>,
    cursor: Option<String>,
    /// Comma-separated statuses (`ANALYZED,FLAGGED`).
    status: Option<String>,
    /// Only the documents of this case.
    case_id: Option<String>,
    /// Only the documents whose decision has this tier.
    tier: Option<String>,
    /// Only the documents whose file name contains this text, or whose id it is.
    q: Option<String>,
}

/// The tiers of the 0–1000 score, as `?tier=` takes them.
const TIERS: [&str; 4] = ["TIER_1", "TIER_2", "TIER_3", "INELIGIBLE"];

/// Longest search text of a listing (`?q=`): names and identifiers are far shorter.
pub(crate) const MAX_SEARCH_BYTES: usize = 256;

/// `GET /v1/documents?limit=&cursor=&status=&case_id=&tier=&q=`: newest first; `next_cursor` is null on
/// the last page. Filters are applied by the database, so pages stay full.
pub async fn list<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(query) = query
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_parameter", e.body_text()))?;
    let limit = match query.limit.as_deref() {
        None => DEFAULT_PAGE,
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| {
                ApiError::bad_field("invalid_parameter", "limit", "an integer from 1 to 100")
            })?,
    };
    let cursor = match query.cursor.as_deref() {
        None | Some("") => None,
        Some(text) => Some(PageCursor::parse(text).ok_or_else(|| {
            ApiError::bad_field(
                "invalid_parameter",
                "cursor",
                "not a cursor this API returned",
            )
        })?),
    };
    let mut filter = ledgerlens_store::DocumentFilter::default();
    if let Some(statuses) = query.status.as_deref().filter(|s| !s.is_empty()) {
        for status in statuses.split(',') {
            let status = ledgerlens_store::DocumentStatus::parse(&status.trim().to_uppercase())
                .ok_or_else(|| {
                    ApiError::bad_field(
                        "invalid_parameter",
                        "status",
                        "comma-separated PENDING, PROCESSING, ANALYZED, FLAGGED, FAILED",
                    )
                })?;
            filter.statuses.push(status);
        }
    }
    if let Some(case) = query.case_id.as_deref().filter(|c| !c.is_empty()) {
        // An id of another shape names no case: the page is simply empty, as for another
        // tenant's case.
        match CaseId::parse(case) {
            Some(case) => filter.case_id = Some(case),
            None => {
                return Ok(Json(json!({ "data": [], "next_cursor": null })));
            }
        }
    }
    if let Some(tier) = query.tier.as_deref().filter(|t| !t.is_empty()) {
        let tier = tier.trim().to_uppercase();
        if !TIERS.contains(&tier.as_str()) {
            return Err(ApiError::bad_field(
                "invalid_parameter",
                "tier",
                "one of TIER_1, TIER_2, TIER_3, INELIGIBLE",
            ));
        }
        filter.tier = Some(tier);
    }
    if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if q.len() > MAX_SEARCH_BYTES {
            return Err(ApiError::bad_field(
                "invalid_parameter",
                "q",
                "at most 256 bytes",
            ));
        }
        filter.search = Some(q.to_owned());
    }
    let page = state
        .store
        .list_documents(&tenant, &filter, cursor.as_ref(), limit)
        .await?;
    let data: Vec<Value> = page.documents.iter().map(document_json).collect();
    Ok(Json(json!({
        "data": data,
        "next_cursor": page.next.map(|c| c.to_string()),
    })))
}

/// Query of the analysis.
#[derive(Debug, Deserialize)]
pub struct AnalysisQuery {
    profile: Option<String>,
}

/// `GET /v1/documents/{id}/analysis?profile=…`: the stored JSON, as the CLI prints it.
pub async fn analysis<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    query: Result<Query<AnalysisQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let id = document_id(path)?;
    let Query(query) = query
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_parameter", e.body_text()))?;
    let profile = query.profile.unwrap_or_else(|| "native".to_owned());
    if !PROFILES.contains(&profile.as_str()) {
        return Err(ApiError::bad_field(
            "invalid_parameter",
            "profile",
            "one of native, periculum, finx, xray, envoyx",
        ));
    }
    analysed(&state, &tenant, &id).await?;
    let body = state
        .store
        .get_analysis(&tenant, &id, &profile)
        .await?
        .ok_or_else(|| ApiError::internal(&format!("analysis {profile} of {id} is missing")))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// The tenant's document, once analysed: 404 for an unknown or foreign id, 409 `not_analyzed`
/// (with its `status`) before the analysis is stored or when it failed.
pub(crate) async fn analysed<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &ledgerlens_store::TenantId,
    id: &DocumentId,
) -> Result<DocumentRecord, ApiError> {
    let record = state
        .store
        .get_document(tenant, id)
        .await?
        .ok_or_else(|| ApiError::not_found("document"))?;
    if !record.status.has_analysis() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_analyzed",
            format!("the document is {}, not analysed", record.status),
        )
        .with_detail("status", record.status.as_str()));
    }
    Ok(record)
}

/// `DELETE /v1/documents/{id}`: the rows, then the original (unless the tenant uploaded the same
/// bytes again under another document). 204.
pub async fn delete<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, ApiError> {
    let id = document_id(path)?;
    let (record, still_used) = state
        .store
        .delete_document(&tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("document"))?;
    if !still_used {
        let key = BlobKey::new(&tenant, &record.sha256)?;
        state.blobs.delete(&key).await?;
    }
    tracing::info!(document = %id, "deleted");
    Ok(StatusCode::NO_CONTENT)
}
