//! The `bank_statement` object of spec 003, from the native document record and, once analysed,
//! its stored `envoyx` profile (crates/analytics profiles/envoyx.rs and crates/scoring
//! envoyx.rs already use the spec's field names; nothing is renamed here).

use axum::http::HeaderMap;
use ledgerlens_store::DocumentRecord;
use serde_json::{Map, Value, json};

use super::ids;
use crate::analysis::DocumentOptions;
use crate::documents::timestamp;

/// Where this mount is reachable, for absolute `download_url`s: scheme and host as the client
/// addressed us (`X-Forwarded-Proto` and `X-Forwarded-Host` from a proxy win), and the mount.
#[derive(Debug, Clone)]
pub(crate) struct Base(String);

impl Base {
    /// From the request's headers.
    pub(crate) fn of(headers: &HeaderMap) -> Base {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.split(',').next().unwrap_or(v).trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let scheme = header("x-forwarded-proto")
            .filter(|p| p == "http" || p == "https")
            .unwrap_or_else(|| "http".to_owned());
        let host = header("x-forwarded-host")
            .or_else(|| header("host"))
            .filter(|h| h.bytes().all(|b| b.is_ascii_graphic() && b != b'/'))
            .unwrap_or_else(|| "localhost".to_owned());
        Base(format!("{scheme}://{host}{}", super::MOUNT))
    }

    /// The address of a statement.
    pub(crate) fn detail_url(&self, record: &DocumentRecord) -> String {
        format!(
            "{}/api/v1/bank-statements/{}",
            self.0,
            ids::uuid(&record.id)
        )
    }

    /// The download link of a statement's original file.
    pub(crate) fn download_url(&self, record: &DocumentRecord) -> String {
        format!("{}/file", self.detail_url(record))
    }
}

/// MIME type of the stored original, from the sniffed format (and, for an image, the name).
pub(crate) fn file_type(record: &DocumentRecord) -> &'static str {
    let lower = record.filename.to_ascii_lowercase();
    match record.format.as_str() {
        "pdf" => "application/pdf",
        "image" if lower.ends_with(".png") => "image/png",
        "image" if lower.ends_with(".tif") || lower.ends_with(".tiff") => "image/tiff",
        "image" => "image/jpeg",
        "csv" => "text/csv",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xls" => "application/vnd.ms-excel",
        "camt053" | "ofx2" => "application/xml",
        format if format.ends_with("_json") => "application/json",
        _ => "text/plain",
    }
}

/// The analysis summary an unanalysed statement shows as null.
const SUMMARY_FIELDS: [&str; 5] = [
    "credit_score",
    "credit_tier",
    "overall_risk_level",
    "flag_count",
    "bank_name",
];

/// The statement as the upload answer and the detail show it: the file, the calibration the
/// upload asked for, and — when `profile` is given — every field of the analysis.
pub(crate) fn bank_statement(
    record: &DocumentRecord,
    base: &Base,
    profile: Option<&Value>,
) -> Value {
    let options: DocumentOptions = serde_json::from_str(&record.options_json).unwrap_or_default();
    let mut object = Map::new();
    object.insert("id".to_owned(), ids::uuid(&record.id).into());
    object.insert("filename".to_owned(), record.filename.clone().into());
    object.insert("original_name".to_owned(), record.filename.clone().into());
    object.insert("file_type".to_owned(), file_type(record).into());
    object.insert("file_size".to_owned(), record.size_bytes.into());
    object.insert("status".to_owned(), record.status.as_str().into());
    object.insert("business_type".to_owned(), options.business_type.into());
    object.insert("sector".to_owned(), options.sector.into());
    object.insert(
        "account_holder_name".to_owned(),
        options.account_holder_name.into(),
    );
    for field in SUMMARY_FIELDS {
        object.insert(field.to_owned(), Value::Null);
    }
    if let Some(Value::Object(analysis)) = profile {
        for (key, value) in analysis {
            // The record's status is the truth (it is the profile's once analysed).
            if key != "status" {
                object.insert(key.clone(), value.clone());
            }
        }
    }
    object.insert(
        "error_message".to_owned(),
        record.failure_message.clone().into(),
    );
    object.insert("created_at".to_owned(), timestamp(record.created_at_ms));
    object.insert("updated_at".to_owned(), timestamp(record.updated_at_ms));
    object.insert("download_url".to_owned(), base.download_url(record).into());
    Value::Object(object)
}

/// One row of the listing (spec: "List Bank Statements").
pub(crate) fn list_item(record: &DocumentRecord, base: &Base, profile: Option<&Value>) -> Value {
    let field = |name: &str| {
        profile
            .and_then(|p| p.get(name))
            .cloned()
            .unwrap_or(Value::Null)
    };
    json!({
        "id": ids::uuid(&record.id),
        "status": record.status.as_str(),
        "filename": record.filename,
        "bank_name": field("bank_name"),
        "credit_score": field("credit_score"),
        "credit_tier": field("credit_tier"),
        "overall_risk_level": field("overall_risk_level"),
        "flag_count": field("flag_count"),
        "created_at": timestamp(record.created_at_ms),
        "download_url": base.download_url(record),
    })
}
