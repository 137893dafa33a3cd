//! `/api/v1/bank-statements/preferences`: EnvoyX's `default_business_type` and `default_sector`
//! are the native preferences' `business_type` and `sector` (one store, so an upload through
//! either API takes the same defaults). A PUT changes only the fields it names, and leaves the
//! native-only ones (country, revenue band) as they were.

use axum::body::Bytes;
use axum::extract::State;
use ledgerlens_store::{Blobs, Store};
use serde_json::{Value, json};

use super::EnvoyxError;
use super::auth::{Authed, Read, Settings};
use super::envelope::Envelope;
use crate::json_body::Body;
use crate::preferences::{Preferences, load};
use crate::{AppState, now_ms};

/// Longest accepted value.
const MAX_VALUE_CHARS: usize = 200;

const FIELDS: &[&str] = &["default_business_type", "default_sector"];

fn to_json(preferences: &Preferences) -> Value {
    json!({
        "default_business_type": preferences.business_type,
        "default_sector": preferences.sector,
    })
}

/// `GET …/preferences`: the saved defaults (null when never set: the system default applies).
pub(crate) async fn get<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Read>,
) -> Result<Envelope, EnvoyxError> {
    let preferences = load(&state.store, &tenant).await?;
    Ok(Envelope::ok(
        "Preferences retrieved successfully.",
        to_json(&preferences),
    ))
}

/// A field of the PUT: absent leaves it, null or "" clears it, text sets it.
fn update(body: &Body, field: &str, current: &mut Option<String>) -> Result<(), EnvoyxError> {
    if !body.has(field) {
        return Ok(());
    }
    let value = body.text(field)?.map(|v| v.trim().to_owned());
    if value
        .as_ref()
        .is_some_and(|v| v.chars().count() > MAX_VALUE_CHARS)
    {
        return Err(EnvoyxError::bad_field(
            "invalid_field",
            field,
            &format!("at most {MAX_VALUE_CHARS} characters"),
        ));
    }
    *current = value.filter(|v| !v.is_empty());
    Ok(())
}

/// `PUT …/preferences` `{"default_business_type", "default_sector"}`.
pub(crate) async fn put<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Settings>,
    body: Bytes,
) -> Result<Envelope, EnvoyxError> {
    let body = Body::parse(&body, FIELDS)?;
    let mut preferences = load(&state.store, &tenant).await?;
    update(
        &body,
        "default_business_type",
        &mut preferences.business_type,
    )?;
    update(&body, "default_sector", &mut preferences.sector)?;
    let text = serde_json::to_string(&preferences).map_err(|e| EnvoyxError::internal(&e))?;
    state
        .store
        .put_preferences(&tenant, &text, now_ms())
        .await?;
    Ok(Envelope::ok(
        "Preferences updated successfully.",
        to_json(&preferences),
    ))
}
