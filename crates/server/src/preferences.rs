//! A tenant's preferences: the defaults an upload takes when it does not say (business type,
//! sector, country, revenue band — spec 003's "preferences"), so integrations need not repeat
//! them on every call.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use ledgerlens_store::{Blobs, Store, TenantId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::auth::Tenant;
use crate::json_body::Body;
use crate::{ApiError, AppState, now_ms};

/// The stored preferences.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Preferences {
    /// Default declared business type.
    #[serde(default)]
    pub business_type: Option<String>,
    /// Default sector (NACE code or text).
    #[serde(default)]
    pub sector: Option<String>,
    /// Default applicant country (ISO 3166 alpha-2).
    #[serde(default)]
    pub country: Option<String>,
    /// Default revenue band.
    #[serde(default)]
    pub revenue_band: Option<String>,
}

const FIELDS: &[&str] = &["business_type", "sector", "country", "revenue_band"];

/// The tenant's preferences (all empty when never set).
pub(crate) async fn load<S: Store>(store: &S, tenant: &TenantId) -> Result<Preferences, ApiError> {
    Ok(match store.get_preferences(tenant).await? {
        Some(text) => serde_json::from_str(&text).unwrap_or_default(),
        None => Preferences::default(),
    })
}

fn to_json(preferences: &Preferences) -> Result<Value, ApiError> {
    serde_json::to_value(preferences).map_err(|e| ApiError::internal(&e))
}

/// `GET /v1/preferences`.
pub(crate) async fn get<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(to_json(&load(&state.store, &tenant).await?)?))
}

/// `PUT /v1/preferences`: replaces them (a field left out is cleared).
pub(crate) async fn put<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = Body::parse(&body, FIELDS)?;
    let clean = |field: &str| -> Result<Option<String>, ApiError> {
        let value = body.text(field)?.map(|v| v.trim().to_owned());
        if value.as_ref().is_some_and(|v| v.len() > 200) {
            return Err(ApiError::bad_field(
                "invalid_field",
                field,
                "at most 200 characters",
            ));
        }
        Ok(value.filter(|v| !v.is_empty()))
    };
    let country = clean("country")?.map(|c| c.to_uppercase());
    if let Some(country) = &country
        && (country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(ApiError::bad_field(
            "invalid_field",
            "country",
            "an ISO 3166 alpha-2 code such as FR or NG",
        ));
    }
    let preferences = Preferences {
        business_type: clean("business_type")?,
        sector: clean("sector")?,
        country,
        revenue_band: clean("revenue_band")?,
    };
    let text = serde_json::to_string(&preferences).map_err(|e| ApiError::internal(&e))?;
    state
        .store
        .put_preferences(&tenant, &text, now_ms())
        .await?;
    Ok(Json(to_json(&preferences)?))
}
