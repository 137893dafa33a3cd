//! `GET /v1/documents/{id}/report.pdf`: the PDF report of `ledgerlens analyze --pdf`, rendered
//! by the same function ([`ledgerlens_report::render_pdf`]) from what was stored at analysis
//! time (the native profile and the transactions), so the original is not parsed again.
//!
//! Deterministic: the generation date printed is the day (UTC) the analysis finished, not the
//! day of the request, so the same document always gives the same bytes.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate};
use ledgerlens_report::{ReportInput, ReportTransaction, render_pdf};
use ledgerlens_store::{Blobs, Store};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::analysis::{DocumentOptions, STATEMENTS_BODY, TRANSACTIONS_BODY};
use crate::auth::Tenant;
use crate::documents::document_id;
use crate::listings::stored_body;
use crate::{ApiError, AppState, blocking};

fn decimal(value: &Value) -> Option<Decimal> {
    value.as_str().and_then(|text| text.parse().ok())
}

/// The masked account label of each statement, as the report's own `transactions_of` makes it.
fn account_labels(statements: &Value) -> Vec<Option<String>> {
    statements
        .as_array()
        .map(|statements| {
            statements
                .iter()
                .map(|s| {
                    ["number", "iban"]
                        .iter()
                        .find_map(|key| {
                            s.pointer(&format!("/account/{key}"))
                                .and_then(Value::as_str)
                        })
                        .map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The report's transactions from the stored body (ledger order, as the report expects).
fn report_transactions(
    transactions: &Value,
    statements: &Value,
) -> Result<Vec<ReportTransaction>, ApiError> {
    let labels = account_labels(statements);
    let several = labels.len() > 1;
    let rows = transactions
        .as_array()
        .ok_or_else(|| ApiError::internal(&"stored transactions are not an array"))?;
    rows.iter()
        .map(|row| {
            let unreadable = || ApiError::internal(&"a stored transaction is unreadable");
            let date = row
                .get("date")
                .and_then(Value::as_str)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .ok_or_else(unreadable)?;
            let account = row
                .get("account")
                .and_then(Value::as_u64)
                .and_then(|a| usize::try_from(a).ok())
                .and_then(|a| labels.get(a).cloned().flatten());
            Ok(ReportTransaction {
                date,
                description: row
                    .get("narration")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                amount: row.get("amount").and_then(decimal).ok_or_else(unreadable)?,
                balance: row.get("balance").and_then(decimal),
                category: row
                    .pointer("/category/detailed")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                account: if several { account } else { None },
            })
        })
        .collect()
}

/// `GET /v1/documents/{id}/report.pdf`: 200 `application/pdf`; 409 `not_analyzed` before the
/// analysis is stored or when it failed.
pub async fn report_pdf<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Response, ApiError> {
    let id = document_id(path)?;
    let transactions = stored_body(&state, &tenant, &id, TRANSACTIONS_BODY).await?;
    let statements = stored_body(&state, &tenant, &id, STATEMENTS_BODY).await?;
    let record = state
        .store
        .get_document(&tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("document"))?;
    let native: Value = state
        .store
        .get_analysis(&tenant, &id, "native")
        .await?
        .and_then(|text| serde_json::from_str(&text).ok())
        .ok_or_else(|| ApiError::internal(&format!("the native analysis of {id} is missing")))?;
    let options: DocumentOptions = serde_json::from_str(&record.options_json).unwrap_or_default();
    // As the CLI: the lender's name for the applicant, else the statement's holder.
    let applicant = options
        .account_holder_name
        .or_else(|| {
            native
                .pointer("/accounts/0/holder")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| record.filename.clone());
    let finished = record.finished_at_ms.unwrap_or(record.updated_at_ms);
    let generated_on = DateTime::from_timestamp_millis(finished)
        .map(|t| t.date_naive())
        .ok_or_else(|| ApiError::internal(&"the finish time is out of range"))?;
    let transactions = report_transactions(&transactions, &statements)?;
    let pdf = blocking(move || {
        let input = ReportInput::from_analysis(applicant, native, transactions, generated_on)?;
        render_pdf(&input)
    })
    .await?
    .map_err(|e| ApiError::internal(&e))?;
    let disposition = format!("inline; filename=\"{id}.pdf\"");
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        pdf,
    )
        .into_response())
}
