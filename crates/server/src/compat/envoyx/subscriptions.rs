//! `/api/v1/webhooks`: how a tenant asks for EnvoyX-shaped events. Spec 003 defers the setup to
//! a "Webhooks guide" it does not include, so this is ours: a subscription is a native one (same
//! table, same outbox, same Standard Webhooks signature and retries, visible in
//! `GET /v1/webhooks` with its delivery log) whose event filter names `bank_statement.*` types
//! only. Those types are queued beside the native events; a native subscription, `*` included,
//! never receives them.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use ledgerlens_store::{Blobs, NewWebhook, Store, WebhookRecord};
use serde_json::{Value, json};

use super::EnvoyxError;
use super::auth::{Authed, Hooks};
use super::envelope::Envelope;
use super::events::EVENT_TYPES;
use crate::json_body::Body;
use crate::webhooks::{MAX_SUBSCRIPTIONS, UrlProblem, new_secret, parse_url, resolve};
use crate::{AppState, now_ms};

fn is_envoyx(record: &WebhookRecord) -> bool {
    !record.events.is_empty()
        && record
            .events
            .iter()
            .all(|e| EVENT_TYPES.contains(&e.as_str()))
}

fn subscription_json(record: &WebhookRecord) -> Value {
    json!({
        "id": record.id,
        "url": record.url,
        "events": record.events,
        "is_active": record.active,
        "created_at": crate::documents::timestamp(record.created_at_ms),
    })
}

/// The events asked for: all five when left out.
fn events(body: &Body) -> Result<Vec<String>, EnvoyxError> {
    let Some(value) = body.value("events").filter(|v| !v.is_null()) else {
        return Ok(EVENT_TYPES.iter().map(|e| (*e).to_owned()).collect());
    };
    let invalid = || {
        EnvoyxError::bad_field(
            "invalid_field",
            "events",
            &format!("a non-empty array of {}", EVENT_TYPES.join(", ")),
        )
    };
    let items = value
        .as_array()
        .filter(|a| !a.is_empty())
        .ok_or_else(invalid)?;
    let mut events: Vec<String> = Vec::new();
    for item in items {
        let name = item
            .as_str()
            .filter(|n| EVENT_TYPES.contains(n))
            .ok_or_else(invalid)?;
        if !events.iter().any(|e| e == name) {
            events.push(name.to_owned());
        }
    }
    Ok(events)
}

/// `POST /api/v1/webhooks` `{"url", "events"?}`: 201 with the subscription and, this once, its
/// signing `secret`.
pub(crate) async fn create<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Hooks>,
    body: Bytes,
) -> Result<Envelope, EnvoyxError> {
    let body = Body::parse(&body, &["url", "events"])?;
    let url = body
        .text("url")?
        .map(|u| u.trim().to_owned())
        .ok_or_else(|| EnvoyxError::bad_field("missing_field", "url", "required"))?;
    let events = events(&body)?;
    let destination = parse_url(&url).map_err(|problem| match problem {
        UrlProblem::Invalid(why) => EnvoyxError::bad_field("invalid_field", "url", why),
    })?;
    resolve(&destination, state.config.allow_private_webhooks)
        .await
        .map_err(|why| {
            EnvoyxError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "webhook_url_forbidden",
                format!("refused destination: {why}"),
            )
        })?;
    if state.store.list_webhooks(&tenant).await?.len() >= MAX_SUBSCRIPTIONS {
        return Err(EnvoyxError::new(
            StatusCode::CONFLICT,
            "too_many_webhooks",
            format!("a tenant has at most {MAX_SUBSCRIPTIONS} subscriptions"),
        ));
    }
    let record = state
        .store
        .create_webhook(
            NewWebhook {
                tenant,
                url,
                events,
                secret: new_secret()?,
            },
            now_ms(),
        )
        .await?;
    tracing::info!(webhook = %record.id, url = %record.url, "envoyx webhook subscribed");
    let mut data = subscription_json(&record);
    if let Value::Object(object) = &mut data {
        object.insert("secret".to_owned(), record.secret.clone().into());
    }
    Ok(Envelope::with_status(
        StatusCode::CREATED,
        "Webhook created successfully.",
        json!({ "webhook": data }),
    ))
}

/// `GET /api/v1/webhooks`: the tenant's EnvoyX subscriptions, without secrets.
pub(crate) async fn list<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Hooks>,
) -> Result<Envelope, EnvoyxError> {
    let records = state.store.list_webhooks(&tenant).await?;
    let webhooks: Vec<Value> = records
        .iter()
        .filter(|r| is_envoyx(r))
        .map(subscription_json)
        .collect();
    Ok(Envelope::ok(
        "Webhooks retrieved successfully.",
        json!({ "webhooks": webhooks }),
    ))
}

/// `DELETE /api/v1/webhooks/{id}`: an EnvoyX subscription (a native one is deleted natively).
pub(crate) async fn delete<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Hooks>,
    Path(id): Path<String>,
) -> Result<Envelope, EnvoyxError> {
    let well_formed = id
        .strip_prefix("whk_")
        .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if !well_formed {
        return Err(EnvoyxError::not_found("webhook"));
    }
    let found = state
        .store
        .get_webhook(&tenant, &id)
        .await?
        .filter(is_envoyx)
        .ok_or_else(|| EnvoyxError::not_found("webhook"))?;
    if !state.store.delete_webhook(&tenant, &found.id).await? {
        return Err(EnvoyxError::not_found("webhook"));
    }
    Ok(Envelope::ok(
        "Webhook deleted successfully.",
        json!({ "id": found.id }),
    ))
}
