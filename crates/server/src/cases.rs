//! Cases: the applicants a lender files statements under — a person or a business, with the
//! identifiers the lender knows them by (SIREN, BVN, NIN, or the lender's own), country,
//! business type, sector and revenue band (the X-Ray benchmarks' dimensions), and the user
//! following the case.
//!
//! Identifiers of known schemes are checked for shape, so a typo is caught at the door rather
//! than breaking a match later; anything else must be named `custom:<name>`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use ledgerlens_store::{
    BlobKey, Blobs, CaseFields, CaseId, CaseKind, CaseRecord, DocumentFilter, PageCursor, Store,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::auth::Tenant;
use crate::documents::{document_json, timestamp};
use crate::json_body::Body;
use crate::{ApiError, AppState, now_ms};

/// The fields a case body may hold.
const FIELDS: &[&str] = &[
    "kind",
    "name",
    "country",
    "identifiers",
    "business_type",
    "sector",
    "revenue_band",
    "assignee",
    "reference",
];

/// Identifier schemes checked for shape: (scheme, digits, what it is).
const SCHEMES: &[(&str, usize, &str)] = &[
    ("siren", 9, "French company number (SIREN)"),
    ("siret", 14, "French establishment number (SIRET)"),
    ("bvn", 11, "Nigerian Bank Verification Number"),
    ("nin", 11, "Nigerian National Identification Number"),
];

/// A case as the API shows it.
pub(crate) fn case_json(case: &CaseRecord) -> Value {
    let identifiers: Value =
        serde_json::from_str(&case.fields.identifiers_json).unwrap_or_else(|_| json!({}));
    json!({
        "id": case.id.as_str(),
        "number": case.number,
        "kind": case.kind.as_str(),
        "name": case.fields.name,
        "country": case.fields.country,
        "identifiers": identifiers,
        "business_type": case.fields.business_type,
        "sector": case.fields.sector,
        "revenue_band": case.fields.revenue_band,
        "assignee": case.fields.assignee,
        "reference": case.fields.reference,
        "created_at": timestamp(case.created_at_ms),
        "updated_at": timestamp(case.updated_at_ms),
    })
}

/// Checks one identifier against its scheme.
pub(crate) fn identifier(scheme: &str, value: &str) -> Result<(), ApiError> {
    let field = format!("identifiers.{scheme}");
    if let Some((_, digits, what)) = SCHEMES.iter().find(|(s, _, _)| *s == scheme) {
        let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() != *digits || !compact.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::bad_field(
                "invalid_field",
                &field,
                &format!("a {what} is {digits} digits"),
            ));
        }
        if (scheme == "siren" || scheme == "siret") && !luhn(&compact) {
            return Err(ApiError::bad_field(
                "invalid_field",
                &field,
                "fails the Luhn check digit (a typo?)",
            ));
        }
        return Ok(());
    }
    match scheme.strip_prefix("custom:") {
        Some(name) if !name.is_empty() && name.len() <= 50 && !value.is_empty() => Ok(()),
        _ => Err(ApiError::bad_field(
            "invalid_field",
            &field,
            "known schemes are siren, siret, bvn and nin; name others custom:<name>",
        )),
    }
}

/// The Luhn check SIREN and SIRET numbers carry.
fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Reads the describing fields of a body over `base` (a PATCH keeps what it does not name;
/// `null` clears a field).
fn fields(body: &Body, base: CaseFields) -> Result<CaseFields, ApiError> {
    let text = |field: &str, current: Option<String>| -> Result<Option<String>, ApiError> {
        if !body.has(field) {
            return Ok(current);
        }
        let value = body.text(field)?.map(|v| v.trim().to_owned());
        if value.as_ref().is_some_and(|v| v.len() > 300) {
            return Err(ApiError::bad_field(
                "invalid_field",
                field,
                "at most 300 characters",
            ));
        }
        Ok(value.filter(|v| !v.is_empty()))
    };
    let country = text("country", base.country)?.map(|c| c.to_uppercase());
    if let Some(country) = &country
        && (country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(ApiError::bad_field(
            "invalid_field",
            "country",
            "an ISO 3166 alpha-2 code such as FR or NG",
        ));
    }
    let assignee = text("assignee", base.assignee)?;
    if let Some(email) = &assignee
        && !email.contains('@')
    {
        return Err(ApiError::bad_field(
            "invalid_field",
            "assignee",
            "the e-mail of the tenant's user following the case",
        ));
    }
    let identifiers_json = if body.has("identifiers") {
        let mut checked = Map::new();
        if let Some(value) = body.object("identifiers")? {
            let Value::Object(map) = value else {
                return Err(ApiError::bad_field(
                    "invalid_field",
                    "identifiers",
                    "an object of scheme to value",
                ));
            };
            for (scheme, value) in map {
                let Value::String(value) = value else {
                    return Err(ApiError::bad_field(
                        "invalid_field",
                        &format!("identifiers.{scheme}"),
                        "a string",
                    ));
                };
                let scheme = scheme.trim().to_lowercase();
                identifier(&scheme, value.trim())?;
                checked.insert(scheme, Value::String(value.trim().to_owned()));
            }
        }
        Value::Object(checked).to_string()
    } else if base.identifiers_json.is_empty() {
        "{}".to_owned()
    } else {
        base.identifiers_json
    };
    Ok(CaseFields {
        name: text("name", base.name)?,
        country,
        identifiers_json,
        business_type: text("business_type", base.business_type)?,
        sector: text("sector", base.sector)?,
        revenue_band: text("revenue_band", base.revenue_band)?,
        assignee,
        reference: text("reference", base.reference)?,
    })
}

fn case_id(raw: &str) -> Result<CaseId, ApiError> {
    CaseId::parse(raw).ok_or_else(|| ApiError::not_found("case"))
}

/// `POST /v1/cases`.
pub(crate) async fn create<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let body = Body::parse(&body, FIELDS)?;
    let kind = match body.text("kind")?.as_deref() {
        Some(kind) => CaseKind::parse(kind)
            .ok_or_else(|| ApiError::bad_field("invalid_field", "kind", "person or business"))?,
        None => {
            return Err(ApiError::bad_field(
                "missing_field",
                "kind",
                "person or business",
            ));
        }
    };
    let fields = fields(&body, CaseFields::default())?;
    let case = state
        .store
        .create_case(&tenant, kind, &fields, now_ms())
        .await?;
    Ok((StatusCode::CREATED, Json(case_json(&case))))
}

/// `GET /v1/cases/{id}`.
pub(crate) async fn get<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let case = state
        .store
        .get_case(&tenant, &case_id(&id)?)
        .await?
        .ok_or_else(|| ApiError::not_found("case"))?;
    Ok(Json(case_json(&case)))
}

/// `PATCH /v1/cases/{id}`: the fields named replace the stored ones (`null` clears); the kind
/// is fixed at creation.
pub(crate) async fn update<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let id = case_id(&id)?;
    // Every field but `kind`, which is fixed at creation.
    let body = Body::parse(&body, FIELDS.get(1..).unwrap_or_default())?;
    let current = state
        .store
        .get_case(&tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("case"))?;
    let fields = fields(&body, current.fields)?;
    let case = state
        .store
        .update_case(&tenant, &id, &fields, now_ms())
        .await?
        .ok_or_else(|| ApiError::not_found("case"))?;
    Ok(Json(case_json(&case)))
}

/// `DELETE /v1/cases/{id}`: the case, its documents, their analyses and stored originals.
pub(crate) async fn delete<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let (_, documents) = state
        .store
        .delete_case(&tenant, &case_id(&id)?)
        .await?
        .ok_or_else(|| ApiError::not_found("case"))?;
    for (document, still_used) in &documents {
        if !still_used {
            state
                .blobs
                .delete(&BlobKey::new(&tenant, &document.sha256)?)
                .await?;
        }
    }
    tracing::info!(case = %id, documents = documents.len(), "case deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Paging of listings.
#[derive(Debug, Deserialize)]
pub(crate) struct Page {
    limit: Option<String>,
    cursor: Option<String>,
}

/// The query of the case listing: paging and a search.
#[derive(Debug, Deserialize)]
pub(crate) struct CaseQuery {
    #[serde(flatten)]
    page: Page,
    /// Name, reference, assignee or an identifier contains this (any case).
    q: Option<String>,
}

impl Page {
    fn read(&self) -> Result<(u32, Option<PageCursor>), ApiError> {
        let limit = match self.limit.as_deref() {
            None => 20,
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=100).contains(n))
                .ok_or_else(|| {
                    ApiError::bad_field("invalid_parameter", "limit", "an integer from 1 to 100")
                })?,
        };
        let cursor = match self.cursor.as_deref() {
            None => None,
            Some(text) => Some(PageCursor::parse(text).ok_or_else(|| {
                ApiError::bad_field(
                    "invalid_parameter",
                    "cursor",
                    "not a cursor this API returned",
                )
            })?),
        };
        Ok((limit, cursor))
    }
}

/// `GET /v1/cases?q=`: newest first.
pub(crate) async fn list<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    Query(query): Query<CaseQuery>,
) -> Result<Json<Value>, ApiError> {
    let (limit, cursor) = query.page.read()?;
    let search = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if search.is_some_and(|q| q.len() > crate::documents::MAX_SEARCH_BYTES) {
        return Err(ApiError::bad_field(
            "invalid_parameter",
            "q",
            "at most 256 bytes",
        ));
    }
    let found = state
        .store
        .list_cases(&tenant, search, cursor.as_ref(), limit)
        .await?;
    Ok(Json(json!({
        "data": found.cases.iter().map(case_json).collect::<Vec<_>>(),
        "next_cursor": found.next.map(|c| c.to_string()),
    })))
}

/// `GET /v1/cases/{id}/documents`: the case's documents, newest first.
pub(crate) async fn documents<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
    Query(page): Query<Page>,
) -> Result<Json<Value>, ApiError> {
    let id = case_id(&id)?;
    let (limit, cursor) = page.read()?;
    if state.store.get_case(&tenant, &id).await?.is_none() {
        return Err(ApiError::not_found("case"));
    }
    let filter = DocumentFilter {
        case_id: Some(id),
        ..DocumentFilter::default()
    };
    let found = state
        .store
        .list_documents(&tenant, &filter, cursor.as_ref(), limit)
        .await?;
    Ok(Json(json!({
        "data": found.documents.iter().map(document_json).collect::<Vec<_>>(),
        "next_cursor": found.next.map(|c| c.to_string()),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sirens_carry_a_luhn_digit_and_other_schemes_must_be_custom() {
        assert!(identifier("siren", "552100554").is_ok());
        assert!(identifier("siren", "552100555").is_err());
        assert!(identifier("siren", "55210055").is_err());
        assert!(identifier("bvn", "22212345678").is_ok());
        assert!(identifier("bvn", "2221234567X").is_err());
        assert!(identifier("crm", "42").is_err());
        assert!(identifier("custom:crm", "42").is_ok());
    }
}
