//! Rows to records: the one place that knows column names and stored encodings.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::to_u32;
use crate::domain::{CaseFields, CaseKind, CaseRecord, RunRecord};
use crate::records::DocumentStatus;
use crate::{
    CaseId, Decision, DeliveryRecord, DeliveryStatus, DocumentId, DocumentRecord, StoreError,
    Subject, TenantId, WebhookRecord,
};

/// The columns of a document, as [`document`] reads them by name.
pub(super) const DOCUMENT_COLUMNS: &str = "id, tenant_id, filename, sha256, size_bytes, format, \
     status, failure_code, failure_message, options, attempts, created_at, updated_at, \
     started_at, finished_at, progress_step, number, case_id, metadata, duplicate_of, \
     decision_score, decision_tier, decision_risk, holder, bank, account, period_start, \
     period_end, holder_match";

/// The columns of a case, as [`case`] reads them.
pub(super) const CASE_COLUMNS: &str = "id, tenant_id, number, kind, name, country, identifiers, \
     business_type, sector, revenue_band, assignee, reference, created_at, updated_at";

/// The columns of a subscription, as [`webhook`] reads them.
pub(super) const WEBHOOK_COLUMNS: &str = "id, tenant_id, url, events, secret, created_at, active";

/// The columns of a message, as [`delivery`] reads them.
pub(super) const DELIVERY_COLUMNS: &str = "id, subscription_id, event_type, payload, status, \
     attempts, next_attempt_at, last_response_code, last_error, created_at, delivered_at";

/// The columns of a run, as [`run`] reads them.
pub(super) const RUN_COLUMNS: &str = "id, document_id, kind, number, request, result, created_at";

pub(super) fn document(row: &AnyRow) -> Result<DocumentRecord, StoreError> {
    let status: String = row.try_get("status")?;
    let status = DocumentStatus::parse(&status)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown document status {status:?}")))?;
    Ok(DocumentRecord {
        id: DocumentId::from_db(row.try_get("id")?),
        tenant: TenantId::from_db(row.try_get("tenant_id")?),
        filename: row.try_get("filename")?,
        sha256: row.try_get("sha256")?,
        size_bytes: u64::try_from(row.try_get::<i64, _>("size_bytes")?).unwrap_or(0),
        format: row.try_get("format")?,
        status,
        failure_code: row.try_get("failure_code")?,
        failure_message: row.try_get("failure_message")?,
        options_json: row.try_get("options")?,
        attempts: to_u32(row.try_get("attempts")?),
        created_at_ms: row.try_get("created_at")?,
        updated_at_ms: row.try_get("updated_at")?,
        started_at_ms: row.try_get("started_at")?,
        finished_at_ms: row.try_get("finished_at")?,
        progress_step: row.try_get::<Option<i64>, _>("progress_step")?.map(to_u32),
        number: row.try_get::<Option<i64>, _>("number")?.unwrap_or(0),
        case_id: row
            .try_get::<Option<String>, _>("case_id")?
            .map(CaseId::from_db),
        metadata_json: row.try_get("metadata")?,
        duplicate_of: row
            .try_get::<Option<String>, _>("duplicate_of")?
            .map(DocumentId::from_db),
        decision: match (
            row.try_get::<Option<i64>, _>("decision_score")?,
            row.try_get::<Option<String>, _>("decision_tier")?,
            row.try_get::<Option<String>, _>("decision_risk")?,
        ) {
            (Some(score), Some(tier), Some(risk_level)) => Some(Decision {
                score,
                tier,
                risk_level,
            }),
            _ => None,
        },
        subject: {
            let subject = Subject {
                holder: row.try_get("holder")?,
                bank: row.try_get("bank")?,
                account: row.try_get("account")?,
                period_start: row.try_get("period_start")?,
                period_end: row.try_get("period_end")?,
                name_match: row.try_get("holder_match")?,
            };
            (subject != Subject::default()).then_some(subject)
        },
    })
}

pub(super) fn case(row: &AnyRow) -> Result<CaseRecord, StoreError> {
    let kind: String = row.try_get("kind")?;
    let kind = CaseKind::parse(&kind)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown case kind {kind:?}")))?;
    Ok(CaseRecord {
        id: CaseId::from_db(row.try_get("id")?),
        tenant: TenantId::from_db(row.try_get("tenant_id")?),
        number: row.try_get("number")?,
        kind,
        fields: CaseFields {
            name: row.try_get("name")?,
            country: row.try_get("country")?,
            identifiers_json: row.try_get("identifiers")?,
            business_type: row.try_get("business_type")?,
            sector: row.try_get("sector")?,
            revenue_band: row.try_get("revenue_band")?,
            assignee: row.try_get("assignee")?,
            reference: row.try_get("reference")?,
        },
        created_at_ms: row.try_get("created_at")?,
        updated_at_ms: row.try_get("updated_at")?,
    })
}

pub(super) fn to_code(value: Option<i64>) -> Option<u16> {
    value.and_then(|v| u16::try_from(v).ok())
}

pub(super) fn webhook(row: &AnyRow) -> Result<WebhookRecord, StoreError> {
    let events: String = row.try_get("events")?;
    let events: Vec<String> = serde_json::from_str(&events)
        .map_err(|e| StoreError::Corrupt(format!("webhook event filter: {e}")))?;
    Ok(WebhookRecord {
        id: row.try_get("id")?,
        tenant: TenantId::from_db(row.try_get("tenant_id")?),
        url: row.try_get("url")?,
        events,
        secret: row.try_get("secret")?,
        created_at_ms: row.try_get("created_at")?,
        active: row.try_get::<i64, _>("active")? != 0,
    })
}

pub(super) fn delivery(row: &AnyRow) -> Result<DeliveryRecord, StoreError> {
    let status: String = row.try_get("status")?;
    let status = DeliveryStatus::parse(&status)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown delivery status {status:?}")))?;
    Ok(DeliveryRecord {
        id: row.try_get("id")?,
        subscription_id: row.try_get("subscription_id")?,
        event_type: row.try_get("event_type")?,
        payload: row.try_get("payload")?,
        status,
        attempts: to_u32(row.try_get("attempts")?),
        next_attempt_at_ms: row.try_get("next_attempt_at")?,
        last_response_code: to_code(row.try_get("last_response_code")?),
        last_error: row.try_get("last_error")?,
        created_at_ms: row.try_get("created_at")?,
        delivered_at_ms: row.try_get("delivered_at")?,
        log: Vec::new(),
    })
}

pub(super) fn run(row: &AnyRow) -> Result<RunRecord, StoreError> {
    Ok(RunRecord {
        id: row.try_get("id")?,
        document: DocumentId::from_db(row.try_get("document_id")?),
        kind: row.try_get("kind")?,
        number: row.try_get("number")?,
        request_json: row.try_get("request")?,
        result_json: row.try_get("result")?,
        created_at_ms: row.try_get("created_at")?,
    })
}

/// A JSON array of strings stored in a TEXT column (permissions, event filters).
pub(super) fn string_list(text: &str, what: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}
