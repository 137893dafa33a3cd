//! `/v1/webhooks`: a tenant's subscriptions, their delivery log and redelivery; and what every
//! message shares — the Standard Webhooks signature, the event payloads, the destination rules.
//!
//! Destinations are checked when subscribed and again before every attempt (a name may resolve
//! elsewhere later): addresses on loopback, private, link-local or unique-local networks are
//! refused unless the operator allowed them, so a tenant cannot make the server probe the network
//! it runs in (SSRF).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, SecondsFormat};
use hmac::{Hmac, Mac};
use ledgerlens_store::{DeliveryRecord, NewWebhook, Store, WebhookRecord};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::auth::Tenant;
use crate::{ApiError, AppState, now_ms};

/// The event types a subscription may ask for (`*` takes them all).
pub const EVENT_TYPES: [&str; 5] = [
    "document.uploaded",
    "document.processing",
    "document.analyzed",
    "document.flagged",
    "document.failed",
];

/// Prefix of a signing key (Standard Webhooks).
const SECRET_PREFIX: &str = "whsec_";

/// Random bytes of a signing key: 192 bits, within the spec's 24–64.
const SECRET_BYTES: usize = 24;

/// Subscriptions per tenant: a bound on the fan-out of one event.
pub(crate) const MAX_SUBSCRIPTIONS: usize = 20;

/// Longest accepted URL.
const MAX_URL_BYTES: usize = 2048;

/// Messages shown by the delivery log.
const DELIVERY_LOG_LIMIT: u32 = 100;

/// A new signing key, `whsec_<base64 of 24 random bytes>`.
pub(crate) fn new_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(&e))?;
    Ok(format!("{SECRET_PREFIX}{}", BASE64.encode(bytes)))
}

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed by the base64-decoded part of
/// `whsec_…` (Standard Webhooks). `None` only for a key this server did not make.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Option<String> {
    let key = BASE64
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Some(format!("v1,{}", BASE64.encode(mac.finalize().into_bytes())))
}

/// A destination: scheme, host, port and request path of an `http(s)://` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Destination {
    pub(crate) https: bool,
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) path: String,
}

/// Why a URL cannot be a destination; the code is the API's.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum UrlProblem {
    /// Not an absolute http(s) URL we can parse.
    Invalid(&'static str),
}

impl Destination {
    /// The URL the sender requests, rebuilt from the parsed parts (host lowercased, IPv6 in
    /// brackets), so what is sent is exactly what was checked.
    pub(crate) fn url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        if self.host.contains(':') {
            format!("{scheme}://[{}]:{}{}", self.host, self.port, self.path)
        } else {
            format!("{scheme}://{}:{}{}", self.host, self.port, self.path)
        }
    }
}

/// Parses `http(s)://host[:port][/path][?query]`. Deliberately strict: no user info, no
/// fragment.
pub(crate) fn parse_url(url: &str) -> Result<Destination, UrlProblem> {
    if url.len() > MAX_URL_BYTES || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(UrlProblem::Invalid(
            "too long, or holds spaces or control characters",
        ));
    }
    let https = url
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
    let scheme_len = if https { 8 } else { 7 };
    let rest = url
        .get(..scheme_len)
        .filter(|scheme| https || scheme.eq_ignore_ascii_case("http://"))
        .and_then(|_| url.get(scheme_len..))
        .ok_or(UrlProblem::Invalid("an absolute http:// or https:// URL"))?;
    if rest.contains('#') {
        return Err(UrlProblem::Invalid("no fragment"));
    }
    let (authority, path) = match rest.find(['/', '?']) {
        Some(at) => (rest.get(..at).unwrap_or(""), rest.get(at..).unwrap_or("/")),
        None => (rest, "/"),
    };
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_owned()
    };
    if authority.contains('@') {
        return Err(UrlProblem::Invalid("no user information"));
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed
            .split_once(']')
            .ok_or(UrlProblem::Invalid("an unclosed IPv6 address"))?;
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port),
            None if after.is_empty() => None,
            None => return Err(UrlProblem::Invalid("a malformed host")),
        };
        (host.to_owned(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_owned(), Some(port)),
            None => (authority.to_owned(), None),
        }
    };
    let port = match port {
        None if https => 443,
        None => 80,
        Some(text) => text
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or(UrlProblem::Invalid("a port from 1 to 65535"))?,
    };
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b':')
    {
        return Err(UrlProblem::Invalid("a host name or IP address"));
    }
    Ok(Destination {
        https,
        host: host.to_ascii_lowercase(),
        port,
        path,
    })
}

/// Addresses a webhook may not reach unless allowed: this machine, its private networks, and
/// addresses that are never a public service.
pub(crate) fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private_v4(v4);
            }
            let first = v6.segments().first().copied().unwrap_or(0);
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link local fe80::/10
                || (first & 0xffc0) == 0xfec0 // deprecated site local fec0::/10
                || v6 == Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1)
        }
    }
}

fn is_private_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space 100.64/10
        || a >= 240
}

/// The addresses of a destination, refused as a whole if any is private (a name resolving to
/// both a public and a private address would let an attacker pick).
pub(crate) async fn resolve(
    destination: &Destination,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, String> {
    let addresses: Vec<SocketAddr> =
        tokio::net::lookup_host((destination.host.as_str(), destination.port))
            .await
            .map_err(|e| format!("cannot resolve {}: {e}", destination.host))?
            .collect();
    if addresses.is_empty() {
        return Err(format!("{} has no address", destination.host));
    }
    if !allow_private && let Some(private) = addresses.iter().find(|a| is_private(a.ip())) {
        return Err(format!(
            "{} resolves to {}, a loopback, private or link-local address",
            destination.host,
            private.ip()
        ));
    }
    Ok(addresses)
}

fn timestamp(ms: i64) -> Value {
    DateTime::from_timestamp_millis(ms).map_or(Value::Null, |t| {
        t.to_rfc3339_opts(SecondsFormat::Millis, true).into()
    })
}

/// The body of a message: Standard Webhooks' `{type, timestamp, data}`; `data` carries the
/// spec 003 fields (document id, step, total_steps, message, status and, when analysed, the
/// score summary).
pub(crate) fn payload(event_type: &str, now_ms: i64, data: Value) -> String {
    json!({
        "type": event_type,
        "timestamp": timestamp(now_ms),
        "data": data,
    })
    .to_string()
}

/// Queues the vendor-shaped copies of a native event (issue 8: EnvoyX's `bank_statement.*`,
/// see compat/envoyx/events.rs) for the tenant's subscriptions that name them; a tenant without
/// one gets nothing queued. Called beside each native event the worker queues. The native event
/// is the record, so a failure here only logs.
pub(crate) async fn enqueue_vendor_copies<S: Store>(
    store: &S,
    deliveries_due: &tokio::sync::Notify,
    tenant: &ledgerlens_store::TenantId,
    native: &ledgerlens_store::NewEvent,
) {
    for copy in vendor_copies(store, tenant, native).await {
        match store.enqueue_event(tenant, &copy, now_ms()).await {
            Ok(queued) if queued > 0 => deliveries_due.notify_one(),
            Ok(_) => {}
            Err(error) => {
                tracing::error!(%error, event = %copy.event_type, "queueing a vendor copy failed");
            }
        }
    }
}

/// The vendor-shaped copies of a native event (EnvoyX's `bank_statement.*`, Sopra's
/// `new_report`), for subscriptions that name them. The worker queues a job's terminal copies
/// in the same transaction as its result, so they are announced exactly when it is.
pub(crate) async fn vendor_copies<S: Store>(
    store: &S,
    tenant: &ledgerlens_store::TenantId,
    native: &ledgerlens_store::NewEvent,
) -> Vec<ledgerlens_store::NewEvent> {
    [
        crate::compat::envoyx::webhook_event(native),
        crate::compat::sopra::events::webhook_event(store, tenant, native).await,
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn webhook_json(record: &WebhookRecord) -> Value {
    json!({
        "id": record.id,
        "url": record.url,
        "events": record.events,
        "active": record.active,
        "created_at": timestamp(record.created_at_ms),
    })
}

fn delivery_json(record: &DeliveryRecord) -> Value {
    let payload: Value = serde_json::from_str(&record.payload).unwrap_or(Value::Null);
    let attempts: Vec<Value> = record
        .log
        .iter()
        .map(|a| {
            json!({
                "attempted_at": timestamp(a.attempted_at_ms),
                "response_code": a.response_code,
                "error": a.error,
                "duration_ms": a.duration_ms,
            })
        })
        .collect();
    json!({
        "id": record.id,
        "subscription_id": record.subscription_id,
        "event_type": record.event_type,
        "status": record.status.as_str(),
        "attempt_count": record.attempts,
        "next_attempt_at": record.next_attempt_at_ms.map_or(Value::Null, timestamp),
        "last_response_code": record.last_response_code,
        "last_error": record.last_error,
        "created_at": timestamp(record.created_at_ms),
        "delivered_at": record.delivered_at_ms.map_or(Value::Null, timestamp),
        "payload": payload,
        "attempts": attempts,
    })
}

/// An id from the path of the given prefix (`whk_`, `msg_`); anything else is a plain 404.
fn path_id(text: &str, prefix: &str, what: &str) -> Result<String, ApiError> {
    text.strip_prefix(prefix)
        .filter(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|_| text.to_owned())
        .ok_or_else(|| ApiError::not_found(what))
}

/// What `POST /v1/webhooks` takes.
struct NewSubscription {
    url: String,
    events: Vec<String>,
}

fn read_subscription(body: &[u8]) -> Result<NewSubscription, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("the body is not JSON: {e}"),
        )
    })?;
    let Value::Object(object) = value else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "the body must be a JSON object with `url` and `events`",
        ));
    };
    if let Some(unknown) = object.keys().find(|k| *k != "url" && *k != "events") {
        return Err(ApiError::bad_field(
            "unknown_field",
            unknown,
            "not a field of a subscription (url, events)",
        ));
    }
    let url = match object.get("url") {
        Some(Value::String(url)) => url.trim().to_owned(),
        Some(_) => return Err(ApiError::bad_field("invalid_field", "url", "a string")),
        None => return Err(ApiError::bad_field("missing_field", "url", "required")),
    };
    let events = match object.get("events") {
        None => vec!["*".to_owned()],
        Some(Value::Array(items)) if !items.is_empty() && items.len() <= EVENT_TYPES.len() + 1 => {
            let mut events = Vec::new();
            for item in items {
                let Some(name) = item
                    .as_str()
                    .filter(|n| *n == "*" || EVENT_TYPES.contains(n))
                else {
                    return Err(ApiError::bad_field(
                        "invalid_field",
                        "events",
                        &format!("event types are `*` or {}", EVENT_TYPES.join(", ")),
                    ));
                };
                if !events.iter().any(|e| e == name) {
                    events.push(name.to_owned());
                }
            }
            events
        }
        Some(_) => {
            return Err(ApiError::bad_field(
                "invalid_field",
                "events",
                "a non-empty array of event types",
            ));
        }
    };
    Ok(NewSubscription { url, events })
}

/// `POST /v1/webhooks` `{"url","events"}`: 201 with the subscription and, this once, its
/// signing `secret`.
pub(crate) async fn create<S: Store, B: Send + Sync + 'static>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = read_subscription(&body)?;
    let destination = parse_url(&request.url).map_err(|problem| match problem {
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
                url: request.url,
                events: request.events,
                secret: new_secret()?,
            },
            now_ms(),
        )
        .await?;
    tracing::info!(webhook = %record.id, url = %record.url, "webhook subscribed");
    let mut body = webhook_json(&record);
    if let Value::Object(object) = &mut body {
        object.insert("secret".to_owned(), record.secret.clone().into());
    }
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `GET /v1/webhooks`: the tenant's subscriptions, without their secrets.
pub(crate) async fn list<S: Store, B: Send + Sync + 'static>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
) -> Result<Json<Value>, ApiError> {
    let records = state.store.list_webhooks(&tenant).await?;
    let data: Vec<Value> = records.iter().map(webhook_json).collect();
    Ok(Json(json!({ "data": data })))
}

/// `GET /v1/webhooks/{id}`.
pub(crate) async fn get<S: Store, B: Send + Sync + 'static>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = path_id(&id, "whk_", "webhook")?;
    let record = state
        .store
        .get_webhook(&tenant, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("webhook"))?;
    Ok(Json(webhook_json(&record)))
}

/// `DELETE /v1/webhooks/{id}`: 204; its queued messages are dropped with it.
pub(crate) async fn delete<S: Store, B: Send + Sync + 'static>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = path_id(&id, "whk_", "webhook")?;
    if !state.store.delete_webhook(&tenant, &id).await? {
        return Err(ApiError::not_found("webhook"));
    }
    tracing::info!(webhook = %id, "webhook deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/webhooks/{id}/deliveries`: the last 100 messages, newest first, each with every
/// attempt.
pub(crate) async fn deliveries<S: Store, B: Send + Sync + 'static>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = path_id(&id, "whk_", "webhook")?;
    let records = state
        .store
        .list_deliveries(&tenant, &id, DELIVERY_LOG_LIMIT)
        .await?
        .ok_or_else(|| ApiError::not_found("webhook"))?;
    let data: Vec<Value> = records.iter().map(delivery_json).collect();
    Ok(Json(json!({ "data": data })))
}

/// `POST /v1/webhooks/{id}/deliveries/{delivery}/redeliver`: 202; the same message (same
/// `webhook-id`) is sent again now, with a fresh retry schedule.
pub(crate) async fn redeliver<S: Store, B: Send + Sync + 'static>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    Path((id, delivery)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = path_id(&id, "whk_", "webhook")?;
    let delivery = path_id(&delivery, "msg_", "delivery")?;
    if !state
        .store
        .redeliver(&tenant, &id, &delivery, now_ms())
        .await?
    {
        return Err(ApiError::not_found("delivery"));
    }
    state.deliveries_due.notify_one();
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "id": delivery, "status": "pending" })),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_standard_webhooks() {
        // The example of the Standard Webhooks specification (its reference libraries' test).
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        let signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        assert_eq!(
            signature.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn secrets_are_whsec_base64_of_24_bytes() {
        let secret = new_secret().unwrap();
        let raw = BASE64
            .decode(secret.strip_prefix("whsec_").unwrap())
            .unwrap();
        assert_eq!(raw.len(), 24);
        assert_ne!(secret, new_secret().unwrap());
    }

    #[test]
    fn urls_parse_strictly() {
        let d = parse_url("http://Example.com:8080/hooks?x=1").unwrap();
        assert_eq!(
            (d.host.as_str(), d.port, d.path.as_str()),
            ("example.com", 8080, "/hooks?x=1")
        );
        let d = parse_url("http://[::1]/").unwrap();
        assert_eq!((d.host.as_str(), d.port), ("::1", 80));
        let d = parse_url("HTTPS://example.com/hook").unwrap();
        assert_eq!(
            (d.https, d.port, d.url().as_str()),
            (true, 443, "https://example.com:443/hook")
        );
        assert_eq!(
            parse_url("http://[::1]:8080/x").unwrap().url(),
            "http://[::1]:8080/x"
        );
        for bad in [
            "ftp://example.com/",
            "http://user:pw@example.com/",
            "https://user@example.com/",
            "https//example.com/",
            "http://example.com:0/",
            "http://example.com:99999/",
            "http:///path",
            "http://exa mple.com/",
            "http://example.com/#frag",
            "example.com",
        ] {
            assert!(
                matches!(parse_url(bad), Err(UrlProblem::Invalid(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn private_addresses_are_recognised() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::",
        ] {
            assert!(is_private(private.parse().unwrap()), "{private}");
        }
        for public in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:2800:220:1::1",
            "172.32.0.1",
        ] {
            assert!(!is_private(public.parse().unwrap()), "{public}");
        }
    }
}
