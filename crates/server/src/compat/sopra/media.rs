//! Media, in the product's three steps: `POST /media` describes the file and answers with an
//! upload target; the client sends the bytes there (`PUT` of the raw bytes, or an S3-style
//! multipart form `POST` with the given fields and `file` last); `POST /media/{id}` puts it
//! online, with an optional period and date, and a bank statement is then filed under its
//! request through the native upload path, which queues its analysis.
//!
//! The upload target is ours, not S3's: see `signing.rs` for what its signature binds. It takes
//! one file, once, before it expires.

use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{Multipart, NestedPath, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ledgerlens_store::{BlobKey, Blobs, Store, TenantId};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{Authed, Read, Write};
use super::record::{self, Media, MediaStatus, Uploaded};
use super::{requests, signing};
use crate::documents::{Accepted, sanitize_filename, timestamp, too_large};
use crate::json_body::Body;
use crate::{ApiError, AppState, now_ms};

/// The media types of spec 000.
const TYPES: [&str; 2] = ["bank_statement", "other"];

/// Longest client metadata kept with a media, as JSON text.
const MAX_METADATA_BYTES: usize = 16 * 1024;

fn now_s() -> i64 {
    now_ms().div_euclid(1000)
}

/// The mount's base URL as the client reached it (`scheme://host/compat/sopra`, or the bare
/// host when the routes are merged at the root), so the upload target works behind whatever
/// name and prefix the client used.
fn base_url(headers: &HeaderMap, mount: &str) -> String {
    let host = headers
        .get("x-forwarded-host")
        .or_else(|| headers.get(header::HOST))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https" || *p == "http")
        .unwrap_or("http");
    format!("{scheme}://{host}{mount}")
}

/// `POST /media` `{type, request, name?, metadata?}`: 201 with the media (`pending`) and its
/// upload target.
pub(crate) async fn create<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Write>,
    headers: HeaderMap,
    mount: Result<NestedPath, axum::extract::rejection::NestedPathRejection>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = Body::parse(&body, &["type", "request", "name", "metadata"])?;
    let kind = body
        .text("type")?
        .ok_or_else(|| ApiError::bad_field("missing_field", "type", "bank_statement or other"))?;
    if !TYPES.contains(&kind.as_str()) {
        return Err(ApiError::bad_field(
            "invalid_field",
            "type",
            "bank_statement or other",
        ));
    }
    let request = body
        .text("request")?
        .ok_or_else(|| ApiError::bad_field("missing_field", "request", "the request's id"))?;
    let unknown = || {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_request",
            format!("the tenant has no request {request:?}"),
        )
        .with_detail("field", "request")
    };
    let case_id = requests::request_id(&request).map_err(|_| unknown())?;
    let case = state
        .store
        .get_case(&tenant, &case_id)
        .await?
        .ok_or_else(unknown)?;
    let metadata = body
        .object("metadata")?
        .cloned()
        .unwrap_or_else(|| json!({}));
    if metadata.to_string().len() > MAX_METADATA_BYTES {
        return Err(ApiError::bad_field(
            "invalid_field",
            "metadata",
            &format!("at most {MAX_METADATA_BYTES} bytes of JSON"),
        ));
    }
    let name = body
        .text("name")?
        .or_else(|| {
            metadata
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .map_or_else(|| format!("{kind}.pdf"), |n| sanitize_filename(&n));
    let id = record::new_id()?;
    let expires_s = now_s().saturating_add(signing::UPLOAD_TTL_SECONDS);
    let media = Media {
        id: id.clone(),
        request: case.id.as_str().to_owned(),
        kind,
        name,
        metadata,
        status: MediaStatus::Pending,
        created_ms: now_ms(),
        expires_s,
        uploaded: None,
        period: None,
        date: None,
        document: None,
    };
    record::save(&state, &tenant, &media).await?;
    let signature = signing::sign(&state.token_key, tenant.as_str(), &id, expires_s)
        .ok_or_else(|| ApiError::internal(&"the upload target could not be signed"))?;
    let target = format!(
        "{}/uploads/{id}",
        base_url(&headers, mount.as_ref().map_or("", NestedPath::as_str))
    );
    let fields = json!({
        "tenant": tenant.as_str(),
        "expires": expires_s.to_string(),
        "signature": signature,
    });
    let query = format!(
        "tenant={}&expires={expires_s}&signature={signature}",
        tenant.as_str()
    );
    let mut out = media.json();
    if let Value::Object(object) = &mut out {
        object.insert(
            "upload".to_owned(),
            json!({
                "method": "PUT",
                "url": format!("{target}?{query}"),
                "expiresAt": timestamp(expires_s.saturating_mul(1000)),
                // The S3 presigned-POST shape: a multipart form with these fields, `file` last.
                "post": { "url": target, "fields": fields },
            }),
        );
    }
    Ok((StatusCode::CREATED, Json(json!({ "media": out }))).into_response())
}

/// `GET /media/{id}`.
pub(crate) async fn get<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Read>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let media = record::load(&state, &tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("media"))?;
    Ok(Json(json!({ "media": media.json() })))
}

/// What signs an upload target (in the query of a `PUT`, or the fields of a form `POST`).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Signed {
    tenant: Option<String>,
    expires: Option<String>,
    signature: Option<String>,
}

/// Refusals of the upload target are S3's: 403 for anything wrong with the signature.
fn denied(why: &str) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "upload_denied", why.to_owned())
}

/// The tenant a valid, unexpired signature names.
fn check(state_key: &crate::TokenKey, media: &str, signed: &Signed) -> Result<TenantId, ApiError> {
    let (Some(tenant), Some(expires), Some(signature)) =
        (&signed.tenant, &signed.expires, &signed.signature)
    else {
        return Err(denied(
            "the upload target's tenant, expires and signature are required",
        ));
    };
    let expires: i64 = expires
        .parse()
        .map_err(|_| denied("the upload target's expiry is not a number"))?;
    if !signing::verify(state_key, tenant, media, expires, signature) {
        return Err(denied("the upload target's signature does not match"));
    }
    if now_s() > expires {
        return Err(denied(
            "the upload target has expired; describe the media again",
        ));
    }
    TenantId::parse(tenant).ok_or_else(|| denied("the upload target's tenant is malformed"))
}

/// Stores the bytes of a pending media and marks it uploaded.
async fn store_upload<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    media: &str,
    bytes: Vec<u8>,
) -> Result<Response, ApiError> {
    let mut record = record::load(state, tenant, media)
        .await?
        .ok_or_else(|| ApiError::not_found("media"))?;
    if record.status != MediaStatus::Pending {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_uploaded",
            "this upload target took its file already; describe a new media for another",
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_field(
            "empty_file",
            "file",
            "the file is empty",
        ));
    }
    let sha256 = ledgerlens_ingest::sha256_hex(&bytes);
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    state
        .blobs
        .put(&BlobKey::new(tenant, &sha256)?, bytes)
        .await?;
    record.status = MediaStatus::Uploaded;
    record.uploaded = Some(Uploaded {
        sha256: sha256.clone(),
        size,
        at_ms: now_ms(),
    });
    record::save(state, tenant, &record).await?;
    tracing::info!(media = %record.id, size, "sopra media uploaded");
    let etag =
        HeaderValue::from_str(&format!("\"{sha256}\"")).map_err(|e| ApiError::internal(&e))?;
    Ok((StatusCode::NO_CONTENT, [(header::ETAG, etag)]).into_response())
}

/// `PUT /uploads/{media}?tenant&expires&signature`: the raw bytes; 204 with an `ETag`.
pub(crate) async fn upload_put<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Path(media): Path<String>,
    Query(signed): Query<Signed>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let tenant = check(&state.token_key, &media, &signed)?;
    let limit = state.config.max_upload_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large(limit));
    }
    let bytes = axum::body::to_bytes(body, usize::try_from(limit).unwrap_or(usize::MAX))
        .await
        .map_err(|_| too_large(limit))?;
    store_upload(&state, &tenant, &media, bytes.to_vec()).await
}

async fn text(field: Field<'_>, name: &str) -> Result<String, ApiError> {
    let text = field
        .text()
        .await
        .map_err(|e| ApiError::bad_field("malformed_multipart", name, &e.body_text()))?;
    if text.len() > 1024 {
        return Err(ApiError::bad_field(
            "invalid_field",
            name,
            "at most 1024 bytes",
        ));
    }
    Ok(text.trim().to_owned())
}

/// `POST /uploads/{media}`: an S3-style form, the signing fields (or the signed query) then
/// `file`; other fields S3 clients send (`key`, `Content-Type`…) are ignored. 204 with an `ETag`.
pub(crate) async fn upload_form<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Path(media): Path<String>,
    Query(query): Query<Signed>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let mut multipart = multipart.map_err(|rejection| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_multipart",
            format!(
                "send multipart/form-data, the signing fields then `file`: {}",
                rejection.body_text()
            ),
        )
    })?;
    let limit = state.config.max_upload_bytes;
    let mut signed = query;
    let malformed = |e: axum::extract::multipart::MultipartError| -> ApiError {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(limit)
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_multipart",
                format!("malformed multipart body: {}", e.body_text()),
            )
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "tenant" => signed.tenant = Some(text(field, &name).await?),
            "expires" => signed.expires = Some(text(field, &name).await?),
            "signature" => signed.signature = Some(text(field, &name).await?),
            "file" => {
                // The signature is checked before a byte of the file is read.
                let tenant = check(&state.token_key, &media, &signed)?;
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(malformed)? {
                    let size =
                        u64::try_from(bytes.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
                    if size > limit {
                        return Err(too_large(limit));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                return store_upload(&state, &tenant, &media, bytes).await;
            }
            _ => {
                let _ = text(field, &name).await?;
            }
        }
    }
    Err(ApiError::bad_field(
        "missing_field",
        "file",
        "the form's last field is the file",
    ))
}

/// Reads the optional `period`: `{start, end}` dates, or a text such as `2021-07`.
fn read_period(body: &Body) -> Result<Option<Value>, ApiError> {
    match body.value("period") {
        None => Ok(None),
        Some(Value::String(text)) if !text.trim().is_empty() && text.len() <= 100 => {
            Ok(Some(Value::String(text.trim().to_owned())))
        }
        Some(Value::Object(object)) => {
            let mut dates = serde_json::Map::new();
            for (key, value) in object {
                let date = value
                    .as_str()
                    .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok());
                match (key.as_str(), date) {
                    ("start" | "end", Some(date)) => {
                        dates.insert(key.clone(), date.into());
                    }
                    _ => {
                        return Err(ApiError::bad_field(
                            "invalid_field",
                            &format!("period.{key}"),
                            "period is {start, end} as YYYY-MM-DD dates",
                        ));
                    }
                }
            }
            Ok(Some(Value::Object(dates)))
        }
        Some(_) => Err(ApiError::bad_field(
            "invalid_field",
            "period",
            "{start, end} as YYYY-MM-DD dates, or a text",
        )),
    }
}

/// `POST /media/{id}` `{status?: "online", period?, date?}`: puts an uploaded media online; a
/// bank statement is filed under its request and queued for analysis (the report follows, and
/// `new_report` with it). 200 with the media; again on an online media, 200 unchanged.
pub(crate) async fn online<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Write>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = Body::parse(&body, &["status", "period", "date"])?;
    if let Some(status) = body.text("status")?
        && status != "online"
    {
        return Err(ApiError::bad_field("invalid_field", "status", "online"));
    }
    let period = read_period(&body)?;
    let date = body.date("date")?.map(|d| d.to_string());
    let mut media = record::load(&state, &tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("media"))?;
    match media.status {
        MediaStatus::Online => return Ok(Json(json!({ "media": media.json() }))),
        MediaStatus::Pending => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "not_uploaded",
                "upload the file to the media's upload target first",
            ));
        }
        MediaStatus::Uploaded => {}
    }
    let uploaded = media
        .uploaded
        .clone()
        .ok_or_else(|| ApiError::internal(&"an uploaded media without its upload"))?;
    media.period = period;
    media.date = date;
    if media.kind == "bank_statement" {
        let bytes = state
            .blobs
            .get(&BlobKey::new(&tenant, &uploaded.sha256)?)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::CONFLICT,
                    "upload_missing",
                    "the uploaded file is gone; describe and upload the media again",
                )
            })?;
        let metadata = json!({
            "sopra": {
                "media": media.id,
                "type": media.kind,
                "period": media.period,
                "date": media.date,
                "metadata": media.metadata,
            }
        });
        let document = crate::documents::accept(
            &state,
            &tenant,
            Accepted {
                filename: media.name.clone(),
                bytes,
                options: crate::analysis::DocumentOptions::default(),
                password: None,
                case_id: Some(media.request.clone()),
                metadata: Some(metadata.to_string()),
            },
        )
        .await?;
        media.document = Some(document.id.as_str().to_owned());
    }
    media.status = MediaStatus::Online;
    record::save(&state, &tenant, &media).await?;
    Ok(Json(json!({ "media": media.json() })))
}
