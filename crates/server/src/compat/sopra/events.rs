//! The `new_report` webhook (spec 000): `{"event": "new_report", "requestId", "reportId"}`, sent
//! when a statement filed under a request is analysed (its report exists from then on).
//!
//! A tenant subscribes with `POST /webhooks` `{url}` under this mount: a native subscription
//! (same table, outbox, Standard Webhooks signature headers and retries, visible with its
//! delivery log in `GET /v1/webhooks`) whose filter names `new_report` only. The body is the
//! product's, byte for byte; a native subscription, `*` included, never receives it.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use ledgerlens_store::{Blobs, DocumentId, NewEvent, NewWebhook, Store, TenantId, WebhookRecord};
use serde_json::{Value, json};

use super::auth::{Authed, Hooks};
use crate::json_body::Body;
use crate::webhooks::{MAX_SUBSCRIPTIONS, UrlProblem, new_secret, parse_url, resolve};
use crate::{ApiError, AppState, now_ms};

/// The one event type of the product.
pub(crate) const NEW_REPORT: &str = "new_report";

/// The `new_report` message for a native event, when it announces an analysed statement filed
/// under a request; `None` for every other event. The native payload names the document only,
/// so its request is looked up.
pub(crate) async fn webhook_event<S: Store>(
    store: &S,
    tenant: &TenantId,
    native: &NewEvent,
) -> Option<NewEvent> {
    if native.event_type != "document.analyzed" && native.event_type != "document.flagged" {
        return None;
    }
    let body: Value = serde_json::from_str(&native.payload).ok()?;
    let id = DocumentId::parse(body.pointer("/data/document_id")?.as_str()?)?;
    let document = store.get_document(tenant, &id).await.ok()??;
    let request = document.case_id?;
    Some(NewEvent {
        event_type: NEW_REPORT.to_owned(),
        payload: json!({
            "event": NEW_REPORT,
            "requestId": request.as_str(),
            "reportId": id.as_str(),
        })
        .to_string(),
    })
}

fn is_sopra(record: &WebhookRecord) -> bool {
    record.events.iter().all(|e| e == NEW_REPORT) && !record.events.is_empty()
}

fn subscription_json(record: &WebhookRecord) -> Value {
    json!({
        "id": record.id,
        "url": record.url,
        "events": record.events,
        "active": record.active,
        "creation": crate::documents::timestamp(record.created_at_ms),
    })
}

/// `POST /webhooks` `{url}`: 201 with the subscription and, this once, its signing `secret`.
pub(crate) async fn create<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Hooks>,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let body = Body::parse(&body, &["url", "events"])?;
    let url = body
        .text("url")?
        .map(|u| u.trim().to_owned())
        .ok_or_else(|| ApiError::bad_field("missing_field", "url", "required"))?;
    if let Some(events) = body.value("events")
        && events != &json!([NEW_REPORT])
    {
        return Err(ApiError::bad_field(
            "invalid_field",
            "events",
            "the product has one event: [\"new_report\"]",
        ));
    }
    let destination = parse_url(&url).map_err(|problem| match problem {
        UrlProblem::Invalid(why) => ApiError::bad_field("invalid_field", "url", why),
    })?;
    resolve(&destination, state.config.allow_private_webhooks)
        .await
        .map_err(|why| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "webhook_url_forbidden",
                format!("refused destination: {why}"),
            )
            .with_detail("field", "url")
        })?;
    if state.store.list_webhooks(&tenant).await?.len() >= MAX_SUBSCRIPTIONS {
        return Err(ApiError::new(
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
                events: vec![NEW_REPORT.to_owned()],
                secret: new_secret()?,
            },
            now_ms(),
        )
        .await?;
    tracing::info!(webhook = %record.id, url = %record.url, "sopra webhook subscribed");
    let mut out = subscription_json(&record);
    if let Value::Object(object) = &mut out {
        object.insert("secret".to_owned(), record.secret.clone().into());
    }
    Ok((StatusCode::CREATED, Json(json!({ "webhook": out }))))
}

/// `GET /webhooks`: the tenant's `new_report` subscriptions, without secrets.
pub(crate) async fn list<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Hooks>,
) -> Result<Json<Value>, ApiError> {
    let webhooks: Vec<Value> = state
        .store
        .list_webhooks(&tenant)
        .await?
        .iter()
        .filter(|r| is_sopra(r))
        .map(subscription_json)
        .collect();
    Ok(Json(json!({ "webhooks": webhooks })))
}

/// `DELETE /webhooks/{id}`: 204; 404 for an id that is not one of the tenant's `new_report`
/// subscriptions.
pub(crate) async fn delete<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Authed(tenant, _): Authed<Hooks>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let ours = state
        .store
        .get_webhook(&tenant, &id)
        .await?
        .is_some_and(|r| is_sopra(&r));
    if !ours || !state.store.delete_webhook(&tenant, &id).await? {
        return Err(ApiError::not_found("webhook"));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use ledgerlens_store::{CaseFields, CaseKind, NewDocument, SqlStore};

    use super::*;

    fn native(event_type: &str, document: &str) -> NewEvent {
        NewEvent {
            event_type: event_type.to_owned(),
            payload: crate::webhooks::payload(
                event_type,
                0,
                json!({ "document_id": document, "status": "ANALYZED" }),
            ),
        }
    }

    #[tokio::test]
    async fn an_analysed_statement_of_a_request_is_a_new_report() {
        let store = SqlStore::in_memory().await.unwrap();
        let tenant = store.ensure_tenant("lender", 0).await.unwrap();
        let case = store
            .create_case(
                &tenant,
                CaseKind::Business,
                &CaseFields {
                    identifiers_json: "{}".to_owned(),
                    ..CaseFields::default()
                },
                1,
            )
            .await
            .unwrap();
        let insert = |case_id: Option<ledgerlens_store::CaseId>| NewDocument {
            tenant: tenant.clone(),
            filename: "s.csv".to_owned(),
            sha256: "0".repeat(64),
            size_bytes: 1,
            format: "csv".to_owned(),
            options_json: "{}".to_owned(),
            password: None,
            case_id,
            metadata_json: None,
        };
        let filed = store
            .insert_document(insert(Some(case.id.clone())), 2)
            .await
            .unwrap();
        let loose = store.insert_document(insert(None), 3).await.unwrap();

        for kind in ["document.analyzed", "document.flagged"] {
            let event = webhook_event(&store, &tenant, &native(kind, filed.id.as_str()))
                .await
                .unwrap();
            assert_eq!(event.event_type, "new_report");
            let body: Value = serde_json::from_str(&event.payload).unwrap();
            assert_eq!(
                body,
                json!({
                    "event": "new_report",
                    "requestId": case.id.as_str(),
                    "reportId": filed.id.as_str(),
                })
            );
        }
        // No report yet, no report ever, or no request: nothing.
        for kind in [
            "document.uploaded",
            "document.processing",
            "document.failed",
        ] {
            assert!(
                webhook_event(&store, &tenant, &native(kind, filed.id.as_str()))
                    .await
                    .is_none()
            );
        }
        let loose = native("document.analyzed", loose.id.as_str());
        assert!(webhook_event(&store, &tenant, &loose).await.is_none());
        // Another tenant's document is not found.
        let other = store.ensure_tenant("other", 0).await.unwrap();
        let foreign = native("document.analyzed", filed.id.as_str());
        assert!(webhook_event(&store, &other, &foreign).await.is_none());
    }
}
