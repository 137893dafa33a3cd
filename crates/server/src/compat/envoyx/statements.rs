//! `/api/v1/bank-statements`: upload (201 PENDING, or the 12 steps as SSE), list with page
//! numbers and filters, detail, delete, and the original file behind `download_url`. Uploads go
//! through the native `documents::accept`, so checks, preferences, storage, queueing and the
//! analysis are the native ones.

use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ledgerlens_store::{
    BlobKey, Blobs, DocumentFilter, DocumentRecord, DocumentStatus, Store, TenantId,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{Authed, Read, Write};
use super::envelope::Envelope;
use super::shape::{self, Base};
use super::{EnvoyxError, events, ids, stream};
use crate::analysis::DocumentOptions;
use crate::documents::{Accepted, MULTIPART_OVERHEAD_BYTES, accept, sanitize_filename, too_large};
use crate::{AppState, now_ms};

/// Longest accepted text field (names, business type, sector).
const MAX_TEXT_FIELD_BYTES: usize = 1024;

/// Listing page size: default and largest (spec).
const DEFAULT_PAGE_SIZE: u32 = 20;
const MAX_PAGE_SIZE: u32 = 100;

/// Documents read per store call while counting and filtering a listing.
const SCAN_BATCH: u32 = 100;

/// Statements whose stored analysis a tier filter reads at most: beyond it the filter is refused
/// (with the status filter, a client can narrow what is scanned).
const MAX_TIER_SCAN: usize = 10_000;

/// What an upload held.
#[derive(Default)]
struct Upload {
    file: Option<(String, Vec<u8>)>,
    options: DocumentOptions,
    password: Option<String>,
}

async fn read_field(
    field: &mut Field<'_>,
    name: &str,
    limit: usize,
    too_long: impl Fn() -> EnvoyxError,
) -> Result<Vec<u8>, EnvoyxError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| {
        EnvoyxError::bad_field(
            "malformed_multipart",
            name,
            &format!("malformed multipart body: {}", e.body_text()),
        )
    })? {
        if bytes.len().saturating_add(chunk.len()) > limit {
            return Err(too_long());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Reads the form: `file`, `business_type`, `sector`, `account_holder_name` (spec), and the
/// ledgerlens additions `password` (encrypted PDFs) and `country`.
async fn read_upload(multipart: &mut Multipart, limit: u64) -> Result<Upload, EnvoyxError> {
    let file_limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut upload = Upload::default();
    while let Some(mut field) = multipart.next_field().await.map_err(|e| {
        EnvoyxError::new(
            StatusCode::BAD_REQUEST,
            "malformed_multipart",
            format!("malformed multipart body: {}", e.body_text()),
        )
    })? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if upload.file.is_some() {
                return Err(EnvoyxError::bad_field(
                    "invalid_field",
                    "file",
                    "one file per upload",
                ));
            }
            let filename = field
                .file_name()
                .map(sanitize_filename)
                .unwrap_or_else(|| "bank_statement".to_owned());
            let bytes =
                read_field(&mut field, "file", file_limit, || too_large(limit).into()).await?;
            upload.file = Some((filename, bytes));
            continue;
        }
        let known = [
            "business_type",
            "sector",
            "account_holder_name",
            "password",
            "country",
        ];
        if !known.contains(&name.as_str()) {
            return Err(EnvoyxError::bad_field(
                "unknown_field",
                &name,
                "not a field of this upload (file, business_type, sector, account_holder_name, \
                 password, country)",
            ));
        }
        let bytes = read_field(&mut field, &name, MAX_TEXT_FIELD_BYTES, || {
            EnvoyxError::bad_field(
                "invalid_field",
                &name,
                &format!("longer than {MAX_TEXT_FIELD_BYTES} bytes"),
            )
        })
        .await?;
        let text = String::from_utf8(bytes)
            .map_err(|_| EnvoyxError::bad_field("invalid_field", &name, "not UTF-8 text"))?;
        let value = Some(text.trim().to_owned()).filter(|v| !v.is_empty());
        match name.as_str() {
            "business_type" => upload.options.business_type = value,
            "sector" => upload.options.sector = value,
            "account_holder_name" => upload.options.account_holder_name = value,
            "password" => upload.password = value,
            _ => upload.options.country = value.map(|c| c.to_uppercase()),
        }
    }
    Ok(upload)
}

/// `X-Stream-Response: true`: answer with the progress stream.
fn wants_stream(headers: &HeaderMap) -> bool {
    headers
        .get("x-stream-response")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// `POST /api/v1/bank-statements/upload`: 201 with the PENDING statement, or (streaming) the
/// steps as Server-Sent Events until the analysis ends.
pub(crate) async fn upload<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Write>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, EnvoyxError> {
    let limit = state.config.max_upload_bytes;
    let overhead = u64::try_from(MULTIPART_OVERHEAD_BYTES).unwrap_or(u64::MAX);
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit.saturating_add(overhead)) {
        return Err(too_large(limit).into());
    }
    let mut multipart = multipart.map_err(|rejection| {
        EnvoyxError::new(
            StatusCode::BAD_REQUEST,
            "malformed_multipart",
            format!("expected a multipart/form-data body with a `file` field: {rejection}"),
        )
    })?;
    let upload = match read_upload(&mut multipart, limit).await {
        Ok(upload) => upload,
        Err(error) => {
            // Read what is left (bounded by the declared length checked above, or cut off by
            // the connection) so a client still sending gets the answer, not a reset.
            let mut drained = 0u64;
            while let Ok(Some(mut field)) = multipart.next_field().await {
                while let Ok(Some(chunk)) = field.chunk().await {
                    drained = drained.saturating_add(u64::try_from(chunk.len()).unwrap_or(0));
                    if drained > limit.saturating_add(overhead) {
                        return Err(error);
                    }
                }
            }
            return Err(error);
        }
    };
    let Some((filename, bytes)) = upload.file else {
        return Err(EnvoyxError::bad_field(
            "missing_field",
            "file",
            "the bank statement file is required",
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
            case_id: None,
            metadata: None,
        },
    )
    .await?;
    if wants_stream(&headers) {
        return Ok(stream::progress(state, tenant, record));
    }
    // Spec: `bank_statement.uploaded` is an event of the asynchronous mode only.
    events::announce_uploaded(&state, &record).await;
    let base = Base::of(&headers);
    let mut response = Envelope::with_status(
        StatusCode::CREATED,
        "Bank statement uploaded successfully. Analysis started.",
        json!({ "bank_statement": shape::bank_statement(&record, &base, None) }),
    )
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&base.detail_url(&record)) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// The stored `envoyx` profile of an analysed statement (`None` before, or when it failed).
pub(crate) async fn profile<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    record: &DocumentRecord,
) -> Result<Option<Value>, EnvoyxError> {
    if !record.status.has_analysis() {
        return Ok(None);
    }
    let Some(text) = state
        .store
        .get_analysis(tenant, &record.id, "envoyx")
        .await?
    else {
        return Err(EnvoyxError::internal(&format!(
            "analysis envoyx of {} is missing",
            record.id
        )));
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| EnvoyxError::internal(&e))
}

/// Query of the listing; everything is read as text so a bad value is a 400 naming it.
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    page: Option<String>,
    page_size: Option<String>,
    status_filter: Option<String>,
    credit_tier_filter: Option<String>,
}

/// The listing's parameters, checked.
struct Listing {
    page: u32,
    page_size: u32,
    statuses: Vec<DocumentStatus>,
    tier: Option<&'static str>,
}

const TIERS: [&str; 4] = ["TIER_1", "TIER_2", "TIER_3", "INELIGIBLE"];

fn listing(query: ListQuery) -> Result<Listing, EnvoyxError> {
    let number = |field: &str, text: Option<&str>, default: u32, max: u32, why: &str| match text {
        None | Some("") => Ok(default),
        Some(text) => text
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| EnvoyxError::bad_field("invalid_parameter", field, why)),
    };
    let page = number(
        "page",
        query.page.as_deref(),
        1,
        u32::MAX,
        "an integer from 1",
    )?;
    let page_size = number(
        "page_size",
        query.page_size.as_deref(),
        DEFAULT_PAGE_SIZE,
        MAX_PAGE_SIZE,
        "an integer from 1 to 100",
    )?;
    let statuses = match query.status_filter.as_deref().map(str::trim) {
        None | Some("") => Vec::new(),
        Some(text) => vec![
            DocumentStatus::parse(&text.to_ascii_uppercase()).ok_or_else(|| {
                EnvoyxError::bad_field(
                    "invalid_parameter",
                    "status_filter",
                    "one of PENDING, PROCESSING, ANALYZED, FLAGGED, FAILED",
                )
            })?,
        ],
    };
    let tier = match query.credit_tier_filter.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            TIERS
                .iter()
                .copied()
                .find(|t| t.eq_ignore_ascii_case(text))
                .ok_or_else(|| {
                    EnvoyxError::bad_field(
                        "invalid_parameter",
                        "credit_tier_filter",
                        "one of TIER_1, TIER_2, TIER_3, INELIGIBLE",
                    )
                })?,
        ),
    };
    Ok(Listing {
        page,
        page_size,
        statuses,
        tier,
    })
}

/// Every statement of the tenant passing the status filter, newest first.
async fn scan<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    statuses: Vec<DocumentStatus>,
) -> Result<Vec<DocumentRecord>, EnvoyxError> {
    let filter = DocumentFilter {
        statuses,
        ..DocumentFilter::default()
    };
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = state
            .store
            .list_documents(tenant, &filter, cursor.as_ref(), SCAN_BATCH)
            .await?;
        all.extend(page.documents);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(all),
        }
    }
}

/// `GET /api/v1/bank-statements?page=&page_size=&status_filter=&credit_tier_filter=`: newest
/// first, with the total that passes the filters. The tier is the stored analysis's, so a tier
/// filter keeps analysed statements only.
pub(crate) async fn list<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Read>,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Envelope, EnvoyxError> {
    let Query(query) = query.map_err(|e| {
        EnvoyxError::new(StatusCode::BAD_REQUEST, "invalid_parameter", e.body_text())
    })?;
    let listing = listing(query)?;
    let base = Base::of(&headers);
    let mut statuses = listing.statuses.clone();
    if listing.tier.is_some() {
        let analysed = [DocumentStatus::Analyzed, DocumentStatus::Flagged];
        statuses = if statuses.is_empty() {
            analysed.to_vec()
        } else {
            statuses
                .into_iter()
                .filter(|s| analysed.contains(s))
                .collect()
        };
        if statuses.is_empty() {
            // Only analysed statements have a tier.
            return Ok(page_answer(Vec::new(), 0, &listing));
        }
    }
    let records = scan(&state, &tenant, statuses).await?;
    let skip = usize::try_from(listing.page.saturating_sub(1))
        .unwrap_or(usize::MAX)
        .saturating_mul(usize::try_from(listing.page_size).unwrap_or(usize::MAX));
    let take = usize::try_from(listing.page_size).unwrap_or(usize::MAX);
    let mut rows = Vec::new();
    let total = match listing.tier {
        None => {
            for record in records.iter().skip(skip).take(take) {
                let profile = profile(&state, &tenant, record).await?;
                rows.push(shape::list_item(record, &base, profile.as_ref()));
            }
            records.len()
        }
        Some(tier) => {
            if records.len() > MAX_TIER_SCAN {
                return Err(EnvoyxError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "too_many_to_filter",
                    format!(
                        "a tier filter reads at most {MAX_TIER_SCAN} analyses; add a \
                         status_filter to narrow it"
                    ),
                ));
            }
            let mut matched = 0usize;
            for record in &records {
                let profile = profile(&state, &tenant, record).await?;
                let tier_of = profile
                    .as_ref()
                    .and_then(|p| p.get("credit_tier"))
                    .and_then(Value::as_str);
                if tier_of != Some(tier) {
                    continue;
                }
                if matched >= skip && rows.len() < take {
                    rows.push(shape::list_item(record, &base, profile.as_ref()));
                }
                matched = matched.saturating_add(1);
            }
            matched
        }
    };
    Ok(page_answer(rows, total, &listing))
}

fn page_answer(rows: Vec<Value>, total: usize, listing: &Listing) -> Envelope {
    Envelope::ok(
        "Bank statements retrieved successfully.",
        json!({
            "bank_statements": rows,
            "total": total,
            "page": listing.page,
            "page_size": listing.page_size,
        }),
    )
}

async fn owned<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<DocumentRecord, EnvoyxError> {
    let Path(text) = path.map_err(|_| EnvoyxError::not_found("bank statement"))?;
    let id = ids::parse(&text)?;
    state
        .store
        .get_document(tenant, &id)
        .await?
        .ok_or_else(|| EnvoyxError::not_found("bank statement"))
}

/// `GET /api/v1/bank-statements/{id}`: the statement with its full analysis once there is one.
pub(crate) async fn get<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Read>,
    headers: HeaderMap,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Envelope, EnvoyxError> {
    let record = owned(&state, &tenant, path).await?;
    let profile = profile(&state, &tenant, &record).await?;
    let base = Base::of(&headers);
    Ok(Envelope::ok(
        "Bank statement retrieved successfully.",
        json!({ "bank_statement": shape::bank_statement(&record, &base, profile.as_ref()) }),
    ))
}

/// `DELETE /api/v1/bank-statements/{id}`: the statement, its analyses and (unless the tenant
/// uploaded the same bytes under another statement) the stored file.
pub(crate) async fn delete<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Write>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Envelope, EnvoyxError> {
    let Path(text) = path.map_err(|_| EnvoyxError::not_found("bank statement"))?;
    let id = ids::parse(&text)?;
    let (record, still_used) = state
        .store
        .delete_document(&tenant, &id)
        .await?
        .ok_or_else(|| EnvoyxError::not_found("bank statement"))?;
    if !still_used {
        let key = BlobKey::new(&tenant, &record.sha256).map_err(EnvoyxError::from)?;
        state.blobs.delete(&key).await.map_err(EnvoyxError::from)?;
    }
    tracing::info!(document = %id, "deleted (envoyx)");
    Ok(Envelope::ok(
        "Bank statement deleted successfully.",
        json!({ "id": ids::uuid(&record.id), "deleted_at": crate::documents::timestamp(now_ms()) }),
    ))
}

/// `GET /api/v1/bank-statements/{id}/file`: the original, as uploaded (`download_url`).
pub(crate) async fn file<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Read>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Response, EnvoyxError> {
    let record = owned(&state, &tenant, path).await?;
    let key = BlobKey::new(&tenant, &record.sha256).map_err(EnvoyxError::from)?;
    let bytes = state
        .blobs
        .get(&key)
        .await
        .map_err(EnvoyxError::from)?
        .ok_or_else(|| EnvoyxError::not_found("stored file"))?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        record.filename.replace(['"', '\\'], "_")
    );
    let mut response = ([(header::CONTENT_TYPE, shape::file_type(&record))], bytes).into_response();
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
