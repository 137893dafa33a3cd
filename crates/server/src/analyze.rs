//! `POST /v1/analyze?profile=…&filename=…`: one statement, sent as the raw body, analysed while
//! the client waits; nothing is stored.
//!
//! The path is kept lean because it is the one a lender calls in a loop: the body is read once
//! into memory (bounded by the upload limit), sniffed like an upload, and the whole analysis of
//! the one requested profile runs on the blocking pool with the tenant's compiled
//! [`ledgerlens_enrich::Enricher`] (its own rules over the built-in packs; cached, never compiled
//! per request). For a tenant without rules the answer is byte for byte what `ledgerlens analyze
//! --profile` prints (without its final newline).

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use ledgerlens_analytics::{AnalysisOptions, StatementType};
use ledgerlens_scoring::Profile;
use ledgerlens_store::{Blobs, Store};
use serde_json::json;

use crate::auth::Tenant;
use crate::documents::too_large;
use crate::{ApiError, AppState, blocking};

/// The query parameters of `POST /v1/analyze`.
pub const PARAMETERS: [&str; 8] = [
    "profile",
    "filename",
    "account_holder_name",
    "business_type",
    "sector",
    "country",
    "statement_type",
    "as_of",
];

/// Longest accepted text parameter.
const MAX_PARAMETER_BYTES: usize = 1024;

struct Request {
    profile: Profile,
    filename: String,
    options: AnalysisOptions,
}

fn parse(query: Option<&str>) -> Result<Request, ApiError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.unwrap_or("")).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
                format!("unreadable query string: {e}"),
            )
        })?;
    let mut request = Request {
        profile: Profile::Native,
        filename: "statement".to_owned(),
        options: AnalysisOptions::default(),
    };
    for (name, value) in pairs {
        if !PARAMETERS.contains(&name.as_str()) {
            return Err(ApiError::bad_field(
                "unknown_parameter",
                &name,
                &format!(
                    "not a parameter of this request ({})",
                    PARAMETERS.join(", ")
                ),
            ));
        }
        if value.len() > MAX_PARAMETER_BYTES {
            return Err(ApiError::bad_field(
                "invalid_parameter",
                &name,
                &format!("longer than {MAX_PARAMETER_BYTES} bytes"),
            ));
        }
        let text = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        match name.as_str() {
            "profile" => {
                request.profile = Profile::parse(&value).ok_or_else(|| {
                    ApiError::bad_field(
                        "invalid_parameter",
                        "profile",
                        "one of native, periculum, finx, xray, envoyx",
                    )
                })?;
            }
            "filename" => {
                if let Some(name) = text {
                    request.filename = crate::documents::sanitize_filename(&name);
                }
            }
            "account_holder_name" => request.options.account_holder_name = text,
            "business_type" => request.options.business_type = text,
            "sector" => request.options.sector = text,
            "country" => request.options.country = text,
            "statement_type" => {
                request.options.statement_type = Some(match value.as_str() {
                    "consumer" => StatementType::Consumer,
                    "business" => StatementType::Business,
                    _ => {
                        return Err(ApiError::bad_field(
                            "invalid_parameter",
                            "statement_type",
                            "consumer or business",
                        ));
                    }
                });
            }
            _ => {
                request.options.as_of =
                    Some(NaiveDate::parse_from_str(&value, "%Y-%m-%d").map_err(|_| {
                        ApiError::bad_field("invalid_parameter", "as_of", "a date as YYYY-MM-DD")
                    })?);
            }
        }
    }
    Ok(request)
}

/// `POST /v1/analyze`: 200 with the analysis, 400 for bad parameters or an empty body, 413 over
/// the upload limit, 415 for a file of no supported format, 422 for a statement that cannot be
/// analysed (with the failure's own code under `failure`).
pub async fn analyze<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    let limit = state.config.max_upload_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large(limit));
    }
    let request = parse(query.as_deref())?;
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(limit)
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_body",
                format!("the body could not be read: {}", rejection.body_text()),
            )
        }
    })?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(too_large(limit));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_field(
            "empty_file",
            "body",
            "the statement is empty",
        ));
    }
    ledgerlens_ingest::sniff::detect(&bytes).map_err(|error| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("not a supported statement format: {error}"),
        )
    })?;
    // The tenant's own categorisation rules (cached compiled; the built-in packs without any).
    let enricher = state
        .tenant_enrichers
        .for_tenant(&state.store, &state.enricher, &tenant)
        .await?;
    let shared = std::sync::Arc::clone(&state);
    let result = blocking(move || {
        let read = crate::analysis::read(
            &request.filename,
            &bytes,
            request.options,
            None,
            &shared.config.read_options,
            &enricher,
            None,
        )?;
        let ledger = read.ledger()?;
        read.profile_json(&ledger, request.profile, &shared.scoring)
    })
    .await?
    .inspect_err(|failure| {
        tracing::info!(code = %failure.code, "statement refused");
    });
    match result {
        Ok(body) => Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response()),
        Err(failure) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "analysis_failed",
            format!("the statement could not be analysed: {}", failure.message),
        )
        .with_detail(
            "failure",
            json!({ "code": failure.code, "message": failure.message }),
        )),
    }
}
