//! `POST /statements/analytics`: a JSON statement in one of the five formats, stored as a
//! statement and analysed by the worker while the client waits.

use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use ledgerlens_core::Format;
use ledgerlens_store::{Blobs, DocumentRecord, DocumentStatus, Store};
use serde_json::json;

use super::body;
use super::statements::{StatementType, file_statement, metadata, statement_json};
use crate::analysis::DocumentOptions;
use crate::auth::Tenant;
use crate::documents::Accepted;
use crate::{ApiError, AppState, blocking};

/// Spec 004: "A minimum of ten transactions are required, otherwise a 404 bad request will be
/// returned". The status is the spec's, literally (see docs/compat/periculum.md).
const MIN_TRANSACTIONS: usize = 10;

/// How long the JSON analytics call waits for its job before answering with the statement still
/// `UPLOADED` (202): a JSON statement takes well under a second, so this is only reached when no
/// worker is running.
const ANALYTICS_WAIT: Duration = Duration::from_secs(120);

/// The query parameters of `POST /statements/analytics`.
const ANALYTICS_PARAMETERS: [&str; 2] = ["format", "statementType"];

/// The query of the analytics call: the declared format (if any) and the statement type.
fn analytics_query(query: Option<&str>) -> Result<(Option<Format>, StatementType), ApiError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.unwrap_or("")).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
                format!("unreadable query string: {e}"),
            )
        })?;
    let mut format = None;
    let mut kind = StatementType::Consumer;
    for (name, value) in pairs {
        match ANALYTICS_PARAMETERS
            .iter()
            .find(|p| p.eq_ignore_ascii_case(&name))
        {
            Some(&"format") => {
                format = Some(body::format_named(&value).ok_or_else(|| {
                    ApiError::bad_field(
                        "invalid_parameter",
                        "format",
                        "one of periculum, mono, okra, mybankstatement, dojah",
                    )
                })?);
            }
            Some(_) => kind = StatementType::parse(&value, "statementType")?,
            None => {
                return Err(ApiError::bad_field(
                    "unknown_parameter",
                    &name,
                    "not a parameter of this request (format, statementType)",
                ));
            }
        }
    }
    Ok((format, kind))
}

/// How many transactions the request held: the rows the reader read, counting the rows it took
/// as the opening balance rather than as transactions (the spec's own Periculum and
/// MyBankStatement examples open with an "opening balance" row and hold exactly ten).
fn transaction_rows(document: &ledgerlens_core::Document) -> usize {
    document
        .statements
        .iter()
        .map(|statement| {
            let last_row = statement
                .transactions
                .iter()
                .filter_map(|t| t.provenance.row)
                .max()
                .map_or(0, |row| usize::try_from(row).unwrap_or(usize::MAX));
            last_row.max(statement.transactions.len())
        })
        .sum()
}

/// Polls the document until its job ends or `ANALYTICS_WAIT` passes. The job may run in
/// another process, so the store is asked, not this process's progress hub; the interval grows
/// from 20 ms to 250 ms, so a JSON statement is answered within a few tens of milliseconds of
/// its analysis.
async fn wait_for_job<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    record: DocumentRecord,
) -> Result<DocumentRecord, ApiError> {
    let started = Instant::now();
    let mut interval = Duration::from_millis(20);
    let mut record = record;
    while matches!(
        record.status,
        DocumentStatus::Pending | DocumentStatus::Processing
    ) && started.elapsed() < ANALYTICS_WAIT
    {
        tokio::time::sleep(interval).await;
        interval = (interval * 3 / 2).min(Duration::from_millis(250));
        record = state
            .store
            .get_document(&record.tenant, &record.id)
            .await?
            .ok_or_else(|| ApiError::not_found("statement"))?;
    }
    Ok(record)
}

/// `POST /statements/analytics?format=…&statementType=…`: one of the five JSON formats, stored as
/// a statement with the next key and analysed by the worker while the client waits; 200 with the
/// analytics. 400 for a body that is not such a statement (or not the declared format, or without
/// `statementName`), 404 for fewer than ten transactions (the spec's status), 413 over the upload
/// limit, 422 when the analysis fails, 202 with `processingStatus` `UPLOADED` if no worker
/// finished it in time.
pub(super) async fn analytics<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    request_body: axum::body::Body,
) -> Result<Response, ApiError> {
    let (declared, kind) = analytics_query(query.as_deref())?;
    let bytes = body::read_limited(&headers, request_body, state.config.max_upload_bytes).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_field(
            "empty_file",
            "body",
            "the statement is empty",
        ));
    }
    let envelope = body::envelope(&bytes)?;
    let format = ledgerlens_ingest::sniff::detect(&bytes)
        .ok()
        .filter(|f| body::format_param(*f) != "other")
        .ok_or_else(|| {
            ApiError::bad_field(
                "unknown_format",
                "body",
                "not a statement in one of the formats periculum, mono, okra, mybankstatement, dojah",
            )
        })?;
    if let Some(declared) = declared
        && declared != format
    {
        return Err(ApiError::bad_field(
            "format_mismatch",
            "format",
            &format!(
                "the body is a {} statement, not {}",
                body::format_param(format),
                body::format_param(declared)
            ),
        ));
    }
    let described = body::described(&envelope, format)?;
    let Some(name) = described.statement_name.clone() else {
        return Err(ApiError::bad_field(
            "missing_field",
            "statementName",
            "a unique name for the statement is required",
        ));
    };
    let filename =
        crate::documents::sanitize_filename(&format!("{}.json", name.replace(['/', '\\'], "_")));
    // Read once here to count the transactions (and refuse a broken body before storing it);
    // a JSON statement reads in milliseconds.
    let shared = std::sync::Arc::clone(&state);
    let (read_name, read_bytes) = (filename.clone(), bytes.clone());
    let read = blocking(move || {
        ledgerlens_ingest::read_document(&read_name, &read_bytes, &shared.config.read_options)
    })
    .await?;
    let rows = match read {
        Ok(document) => transaction_rows(&document),
        Err(ledgerlens_ingest::IngestError::NoStatements(_)) => 0,
        Err(error) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_statement",
                format!("the statement could not be read: {error}"),
            )
            .with_detail(
                "failure",
                json!({"code": error.code(), "message": error.to_string()}),
            ));
        }
    };
    if rows < MIN_TRANSACTIONS {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "too_few_transactions",
            format!(
                "bad request: a minimum of {MIN_TRANSACTIONS} transactions is required, the statement has {rows}"
            ),
        )
        .with_detail("transactions", rows)
        .with_detail("minimum", MIN_TRANSACTIONS));
    }
    let upload = Accepted {
        filename,
        bytes,
        options: DocumentOptions::default(),
        password: None,
        case_id: None,
        metadata: Some(metadata(&name, kind, &described)),
    };
    let record = file_statement(&state, &tenant, kind, &described, upload).await?;
    let record = wait_for_job(&state, record).await?;
    let answer = statement_json(&state, &record).await?;
    match record.status {
        DocumentStatus::Analyzed | DocumentStatus::Flagged => Ok(Json(answer).into_response()),
        DocumentStatus::Failed => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "analysis_failed",
            format!(
                "the statement could not be analysed: {}",
                record
                    .failure_message
                    .as_deref()
                    .unwrap_or("unknown reason")
            ),
        )
        .with_detail("statementKey", record.number)
        .with_detail(
            "failure",
            json!({"code": record.failure_code, "message": record.failure_message}),
        )),
        DocumentStatus::Pending | DocumentStatus::Processing => {
            Ok((StatusCode::ACCEPTED, Json(answer)).into_response())
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly by design"
)]
mod tests {
    use super::*;

    #[test]
    fn the_query_takes_the_five_formats_and_two_types() {
        let (format, kind) = analytics_query(Some("format=mono&statementType=business")).unwrap();
        assert_eq!(format, Some(Format::MonoJson));
        assert_eq!(kind, StatementType::Business);
        let (format, kind) = analytics_query(None).unwrap();
        assert_eq!((format, kind), (None, StatementType::Consumer));
        assert_eq!(
            analytics_query(Some("format=csv")).unwrap_err().code,
            "invalid_parameter"
        );
        assert_eq!(
            analytics_query(Some("statementType=sme")).unwrap_err().code,
            "invalid_parameter"
        );
        assert_eq!(
            analytics_query(Some("profile=native")).unwrap_err().code,
            "unknown_parameter"
        );
    }
}
