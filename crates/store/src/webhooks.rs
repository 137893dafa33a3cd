//! The records of webhooks: subscriptions, the messages queued for them, and every attempt to
//! deliver one.

use std::fmt;

use crate::TenantId;

/// A subscription to create. The server makes the secret (it owns the signature format).
#[derive(Clone)]
pub struct NewWebhook {
    /// The owner.
    pub tenant: TenantId,
    /// Where messages are POSTed (already checked by the server: scheme, SSRF rule).
    pub url: String,
    /// Event types delivered (`*` for all).
    pub events: Vec<String>,
    /// The signing key, `whsec_<base64>`.
    pub secret: String,
}

impl fmt::Debug for NewWebhook {
    /// The signing key never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewWebhook")
            .field("tenant", &self.tenant)
            .field("url", &self.url)
            .field("events", &self.events)
            .finish_non_exhaustive()
    }
}

/// A subscription as stored.
#[derive(Clone)]
pub struct WebhookRecord {
    /// `whk_` + 32 hex digits.
    pub id: String,
    /// The owner.
    pub tenant: TenantId,
    /// Destination.
    pub url: String,
    /// Event types delivered.
    pub events: Vec<String>,
    /// The signing key; the API shows it only in the answer to the creation.
    pub secret: String,
    /// Creation, Unix ms.
    pub created_at_ms: i64,
    /// Whether new events are queued for it.
    pub active: bool,
}

impl fmt::Debug for WebhookRecord {
    /// The signing key never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookRecord")
            .field("id", &self.id)
            .field("tenant", &self.tenant)
            .field("url", &self.url)
            .field("events", &self.events)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

/// An event to queue for every matching subscription of a tenant.
#[derive(Clone, Debug)]
pub struct NewEvent {
    /// E.g. `document.analyzed`.
    pub event_type: String,
    /// The JSON body sent, byte for byte, on every attempt (the signature covers it).
    pub payload: String,
}

/// Where a message is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// A 2xx answer was received.
    Delivered,
    /// Every retry failed; only a redelivery sends it again.
    Failed,
}

impl DeliveryStatus {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => DeliveryStatus::Pending,
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            _ => return None,
        })
    }
}

/// One attempt to deliver a message.
#[derive(Clone, Debug)]
pub struct AttemptRecord {
    /// When, Unix ms.
    pub attempted_at_ms: i64,
    /// The receiver's HTTP status, if it answered.
    pub response_code: Option<u16>,
    /// Why there was no usable answer (connection refused, timeout, refused address).
    pub error: Option<String>,
    /// How long the attempt took.
    pub duration_ms: i64,
}

/// A message and its attempts, for the delivery log.
#[derive(Clone, Debug)]
pub struct DeliveryRecord {
    /// `msg_` + 32 hex digits: the `webhook-id` header.
    pub id: String,
    /// The subscription.
    pub subscription_id: String,
    /// Event type.
    pub event_type: String,
    /// The JSON body.
    pub payload: String,
    /// Where it is.
    pub status: DeliveryStatus,
    /// Attempts so far.
    pub attempts: u32,
    /// Next attempt, Unix ms, while pending.
    pub next_attempt_at_ms: Option<i64>,
    /// Status code of the last answer.
    pub last_response_code: Option<u16>,
    /// Error of the last attempt without an answer.
    pub last_error: Option<String>,
    /// Queued, Unix ms.
    pub created_at_ms: i64,
    /// First 2xx answer, Unix ms.
    pub delivered_at_ms: Option<i64>,
    /// Every attempt, oldest first.
    pub log: Vec<AttemptRecord>,
}

/// A message a sender holds until `claim_until_ms`.
#[derive(Clone)]
pub struct ClaimedDelivery {
    /// The `webhook-id`.
    pub id: String,
    /// Owner.
    pub tenant: TenantId,
    /// Subscription.
    pub subscription_id: String,
    /// Destination.
    pub url: String,
    /// Signing key (`whsec_…`).
    pub secret: String,
    /// Event type.
    pub event_type: String,
    /// The JSON body.
    pub payload: String,
    /// Failed attempts since (re)queued: the position in the retry schedule.
    pub retry_index: u32,
    /// The claim; the result is written only if the message is still claimed by it (fencing).
    pub claim_until_ms: i64,
}

impl fmt::Debug for ClaimedDelivery {
    /// The signing key never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimedDelivery")
            .field("id", &self.id)
            .field("tenant", &self.tenant)
            .field("subscription_id", &self.subscription_id)
            .field("event_type", &self.event_type)
            .field("retry_index", &self.retry_index)
            .finish_non_exhaustive()
    }
}

/// What one attempt gave.
#[derive(Clone, Debug)]
pub struct AttemptOutcome {
    /// The receiver's status code, if it answered.
    pub response_code: Option<u16>,
    /// Why there was no usable answer.
    pub error: Option<String>,
    /// Duration of the attempt.
    pub duration_ms: i64,
    /// A 2xx answer.
    pub delivered: bool,
    /// When to try again after a failure; `None` after a failure means retries are exhausted.
    pub retry_at_ms: Option<i64>,
}
