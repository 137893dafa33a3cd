//! A statement as Periculum shows it (`GET /statements/{key}`), its transactions, and what
//! every way of submitting one shares: the statement type, the metadata kept with the document,
//! and the applicant's case it is filed under.

use axum::Json;
use axum::extract::State;
use ledgerlens_store::{
    Blobs, CaseFields, CaseKind, CaseRecord, DocumentRecord, DocumentStatus, Store, TenantId,
};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::body::Described;
use super::{KeyPath, path_key, processed, statement, stored};
use crate::auth::Tenant;
use crate::documents::{Accepted, accept, timestamp};
use crate::{ApiError, AppState, now_ms};

/// `CONSUMER` or `BUSINESS`; the applicant's case is a person or a business accordingly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum StatementType {
    Consumer,
    Business,
}

impl StatementType {
    pub(super) fn parse(text: &str, field: &str) -> Result<StatementType, ApiError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "consumer" => Ok(StatementType::Consumer),
            "business" => Ok(StatementType::Business),
            _ => Err(ApiError::bad_field(
                "invalid_parameter",
                field,
                "consumer or business",
            )),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            StatementType::Consumer => "CONSUMER",
            StatementType::Business => "BUSINESS",
        }
    }

    fn case_kind(self) -> CaseKind {
        match self {
            StatementType::Consumer => CaseKind::Person,
            StatementType::Business => CaseKind::Business,
        }
    }
}

/// What Periculum knows of a statement that a document does not carry, kept as the document's
/// metadata (`{"periculum": {…}}`).
pub(super) fn metadata(name: &str, kind: StatementType, described: &Described) -> String {
    json!({
        "periculum": {
            "statementName": name,
            "statementType": kind.as_str(),
            "bankName": described.bank_name,
            "accountType": described.account_type,
            "accountName": described.account_name,
        }
    })
    .to_string()
}

/// The metadata written by [`metadata`], or an empty object for a document uploaded otherwise.
fn periculum_metadata(record: &DocumentRecord) -> Value {
    record
        .metadata_json
        .as_deref()
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .and_then(|value| value.get("periculum").cloned())
        .unwrap_or_else(|| json!({}))
}

/// Periculum's `source`: the format the statement came in (`PERICULUM`, `MONO`, `PDF`…).
fn source(record: &DocumentRecord) -> String {
    record.format.trim_end_matches("_json").to_ascii_uppercase()
}

/// Periculum's `processingStatus`. A client polls for `PROCESSED`; a job not yet finished reads
/// `UPLOADED` as the spec names it (the native status is beside it, in `ledgerlensStatus`).
fn processing_status(status: DocumentStatus) -> &'static str {
    match status {
        DocumentStatus::Pending | DocumentStatus::Processing => "UPLOADED",
        DocumentStatus::Analyzed | DocumentStatus::Flagged => "PROCESSED",
        DocumentStatus::Failed => "FAILED",
    }
}

/// Spec 004's `clientIdentification` from the case's identifiers: `bvn` and `nin` always (null
/// when unknown, as in the spec's example), then the tenant's own identifiers by their names.
pub(super) fn client_identification(case: Option<&CaseRecord>) -> Value {
    let identifiers: Map<String, Value> = case
        .and_then(|c| serde_json::from_str(&c.fields.identifiers_json).ok())
        .unwrap_or_default();
    let mut list = vec![
        json!({"identifierName": "bvn", "identifierValue": identifiers.get("bvn")}),
        json!({"identifierName": "nin", "identifierValue": identifiers.get("nin")}),
    ];
    for (scheme, value) in &identifiers {
        if let Some(name) = scheme.strip_prefix("custom:") {
            list.push(json!({"identifierName": name, "identifierValue": value}));
        }
    }
    Value::Array(list)
}

/// The statement as `GET /statements/{key}` answers it: once processed, the stored `periculum`
/// analysis (what `ledgerlens analyze --profile periculum` prints) with the statement's own
/// fields laid over it; before, those fields alone.
pub(super) async fn statement_json<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    record: &DocumentRecord,
) -> Result<Value, ApiError> {
    let case = match &record.case_id {
        Some(id) => state.store.get_case(&record.tenant, id).await?,
        None => None,
    };
    let mut object = if record.status.has_analysis() {
        match super::stored(state, record, "periculum").await? {
            Value::Object(object) => object,
            _ => {
                return Err(ApiError::internal(
                    &"the periculum analysis is not an object",
                ));
            }
        }
    } else {
        let mut object = Map::new();
        for field in [
            "clientFullName",
            "clientPhoneNumber",
            "accountType",
            "accountBalance",
            "accountName",
            "bankName",
            "statementType",
            "startDate",
            "endDate",
        ] {
            object.insert(field.to_owned(), Value::Null);
        }
        object
    };
    let meta = periculum_metadata(record);
    let text = |name: &str| meta.get(name).filter(|v| v.is_string()).cloned();
    object.insert("key".to_owned(), record.number.into());
    object.insert(
        "name".to_owned(),
        text("statementName").unwrap_or_else(|| record.filename.clone().into()),
    );
    object.insert("source".to_owned(), source(record).into());
    for field in ["bankName", "accountType", "accountName"] {
        if let Some(value) = text(field) {
            object.insert(field.to_owned(), value);
        }
    }
    if object.get("clientFullName").is_none_or(Value::is_null)
        && let Some(name) = case.as_ref().and_then(|c| c.fields.name.clone())
    {
        object.insert("clientFullName".to_owned(), name.into());
    }
    let statement_type = text("statementType")
        .or_else(|| {
            case.as_ref().map(|c| match c.kind {
                CaseKind::Person => "CONSUMER".into(),
                CaseKind::Business => "BUSINESS".into(),
            })
        })
        .or_else(|| {
            object
                .get("statementType")
                .filter(|v| v.is_string())
                .cloned()
        })
        .unwrap_or_else(|| "CONSUMER".into());
    object.insert("statementType".to_owned(), statement_type);
    object.insert("createdDate".to_owned(), timestamp(record.created_at_ms));
    object.insert(
        "processingStatus".to_owned(),
        processing_status(record.status).into(),
    );
    object.insert(
        "clientIdentification".to_owned(),
        client_identification(case.as_ref()),
    );
    object.insert("ledgerlensDocumentId".to_owned(), record.id.as_str().into());
    object.insert("ledgerlensStatus".to_owned(), record.status.as_str().into());
    if let Some(code) = &record.failure_code {
        object.insert(
            "failure".to_owned(),
            json!({"code": code, "message": record.failure_message}),
        );
    }
    Ok(Value::Object(object))
}

/// Files a new statement under a new case (the applicant) and queues it; the case is removed
/// again if the upload is refused, so a refusal leaves nothing behind.
pub(super) async fn file_statement<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &TenantId,
    kind: StatementType,
    described: &Described,
    upload: Accepted,
) -> Result<DocumentRecord, ApiError> {
    let fields = CaseFields {
        name: described.client_full_name.clone(),
        identifiers_json: "{}".to_owned(),
        reference: described.statement_name.clone(),
        ..CaseFields::default()
    };
    let case = state
        .store
        .create_case(tenant, kind.case_kind(), &fields, now_ms())
        .await?;
    let upload = Accepted {
        case_id: Some(case.id.as_str().to_owned()),
        ..upload
    };
    match accept(state, tenant, upload).await {
        Ok(record) => Ok(record),
        Err(error) => {
            if let Err(cleanup) = state.store.delete_case(tenant, &case.id).await {
                tracing::error!(error = %cleanup, "removing the case of a refused statement failed");
            }
            Err(error)
        }
    }
}

/// `GET /statements/{key}`: the analytics once `processingStatus` is `PROCESSED`, the metadata
/// before; 404 for an unknown key.
pub(super) async fn get<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: KeyPath,
) -> Result<Json<Value>, ApiError> {
    let key = path_key(path)?;
    let record = statement(&state, &tenant, key).await?;
    Ok(Json(statement_json(&state, &record).await?))
}

/// A stored decimal string (`"-1300.00"`) as the JSON number Periculum writes.
fn number(value: &Value) -> Option<Decimal> {
    match value {
        Value::String(text) => text.parse().ok(),
        Value::Number(number) => number.to_string().parse().ok(),
        _ => None,
    }
}

/// `GET /statements/{key}/transactions`: every transaction in date order as spec 004 lists them
/// (`date`, `amount` positive, `type` `debit`/`credit`, `description`, `balance`); 404 for an
/// unknown key, 409 before the statement is processed.
pub(super) async fn transactions<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: KeyPath,
) -> Result<Json<Value>, ApiError> {
    let key = path_key(path)?;
    let record = processed(&state, &tenant, key).await?;
    let rows = stored(&state, &record, crate::analysis::TRANSACTIONS_BODY).await?;
    let money = ledgerlens_analytics::ledger::money_number;
    let list = rows
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|row| {
                    let amount = row.get("amount").and_then(number).unwrap_or_default();
                    let kind = match row.get("direction").and_then(Value::as_str) {
                        Some(direction) => direction,
                        None if amount < Decimal::ZERO => "debit",
                        None => "credit",
                    };
                    json!({
                        "date": row.get("date"),
                        "amount": money(amount.abs()),
                        "type": kind,
                        "description": row.get("narration"),
                        "balance": row.get("balance").and_then(number).map(money),
                    })
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    Ok(Json(Value::Array(list)))
}
