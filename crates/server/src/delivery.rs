//! The webhook sender: takes due messages from the store's outbox, POSTs them with Standard
//! Webhooks headers, and records every attempt; failures are retried on [`RETRY_SCHEDULE`].
//!
//! Messages live in the database, so they survive restarts, and any process on the same database
//! may send them: a claim pushes the message's next attempt a minute ahead, so a sender that dies
//! only delays it. Delivery is therefore at least once; receivers deduplicate on `webhook-id`.
//!
//! Messages go out through the service's HTTP client (`ledgerlens-http`: `http://` and `https://`,
//! bounded in time and answer size, redirects not followed). Unless private destinations are
//! allowed, its address guard refuses every loopback, private or link-local address at connect
//! time: the address checked is the address connected to, whatever DNS answers at that moment.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ledgerlens_http::bytes::Bytes;
use ledgerlens_http::{Client, ClientConfig, HttpError, http};
use ledgerlens_store::{AttemptOutcome, Blobs, ClaimedDelivery, Store};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

use crate::webhooks::{is_private, parse_url, sign};
use crate::{Shared, now_ms};

/// Waits after the 1st, 2nd, … failed attempt: 5 s, 30 s, 2 min, 10 min, 1 h, 4 h, 8 h, 12 h —
/// nine attempts over 25 h 12 min, so a receiver down for a day still gets the message.
pub const RETRY_SCHEDULE: [Duration; 8] = [
    Duration::from_secs(5),
    Duration::from_secs(30),
    Duration::from_secs(120),
    Duration::from_secs(600),
    Duration::from_secs(3_600),
    Duration::from_secs(4 * 3_600),
    Duration::from_secs(8 * 3_600),
    Duration::from_secs(12 * 3_600),
];

/// How long a claim holds a message: longer than an attempt can take.
const CLAIM: Duration = Duration::from_secs(60);

/// Connect, then the whole exchange, each bounded: a slow receiver cannot hold a sender.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(15);

/// Messages sent at once by this process.
const CONCURRENCY: usize = 8;

/// Most of an answer read (the status code is all that counts; a longer body still delivers).
const MAX_ANSWER_BYTES: usize = 16 * 1024;

/// The sender's client: the timeouts above, and the SSRF guard unless private destinations are
/// allowed.
fn client(allow_private: bool) -> Result<Client, HttpError> {
    let guard: Option<ledgerlens_http::AddressGuard> = if allow_private {
        None
    } else {
        Some(Arc::new(|ip: IpAddr| !is_private(ip)))
    };
    Client::new(ClientConfig {
        connect_timeout: CONNECT_TIMEOUT,
        total_timeout: EXCHANGE_TIMEOUT,
        max_response_bytes: MAX_ANSWER_BYTES,
        address_guard: guard,
        ..ClientConfig::default()
    })
}

fn ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Starts the sender; it stops when `stop` turns true, letting sends in flight finish.
pub(crate) fn spawn<S: Store, B: Blobs>(
    shared: &Arc<Shared<S, B>>,
    stop: &watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(run(Arc::clone(shared), stop.clone()))
}

async fn run<S: Store, B: Blobs>(shared: Arc<Shared<S, B>>, mut stop: watch::Receiver<bool>) {
    let client = match client(shared.config.allow_private_webhooks) {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "the webhook client cannot be built: no webhook is sent");
            return;
        }
    };
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    while !*stop.borrow() {
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            break;
        };
        match shared.store.claim_delivery(now_ms(), ms(CLAIM)).await {
            Ok(Some(claimed)) => {
                let (shared, client) = (Arc::clone(&shared), client.clone());
                tokio::spawn(async move {
                    attempt(&shared, &client, claimed).await;
                    drop(permit);
                });
            }
            Ok(None) => {
                drop(permit);
                tokio::select! {
                    () = shared.deliveries_due.notified() => {}
                    () = tokio::time::sleep(shared.config.poll_interval) => {}
                    _ = stop.changed() => {}
                }
            }
            Err(error) => {
                drop(permit);
                tracing::error!(%error, "claiming a webhook message failed");
                tokio::select! {
                    () = tokio::time::sleep(shared.config.poll_interval) => {}
                    _ = stop.changed() => {}
                }
            }
        }
    }
    // Sends in flight finish (each is bounded by the timeouts) before the process exits.
    let _ = permits
        .acquire_many(u32::try_from(CONCURRENCY).unwrap_or(1))
        .await;
}

/// One attempt, recorded whatever happens.
async fn attempt<S: Store, B: Blobs>(
    shared: &Shared<S, B>,
    client: &Client,
    claimed: ClaimedDelivery,
) {
    let started = Instant::now();
    let result = send(client, &claimed).await;
    let duration_ms = ms(started.elapsed());
    let (response_code, error) = match result {
        Ok(code) => (Some(code), None),
        Err(error) => (None, Some(error)),
    };
    let delivered = response_code.is_some_and(|c| (200..300).contains(&c));
    let retry_at_ms = if delivered {
        None
    } else {
        usize::try_from(claimed.retry_index)
            .ok()
            .and_then(|i| RETRY_SCHEDULE.get(i))
            .map(|wait| now_ms().saturating_add(ms(*wait)))
    };
    tracing::info!(
        webhook_id = %claimed.id,
        event = %claimed.event_type,
        subscription = %claimed.subscription_id,
        tenant = %claimed.tenant,
        status = ?response_code,
        error = error.as_deref().unwrap_or(""),
        delivered,
        "webhook attempt"
    );
    let outcome = AttemptOutcome {
        response_code,
        error,
        duration_ms,
        delivered,
        retry_at_ms,
    };
    shared
        .metrics
        .webhook_attempt(delivered, retry_at_ms.is_some());
    if let Err(error) = shared
        .store
        .record_attempt(&claimed, &outcome, now_ms())
        .await
    {
        // The claim runs out and the message is sent again: at least once.
        tracing::error!(%error, webhook_id = %claimed.id, "recording a webhook attempt failed");
    }
}

/// POSTs the message; the receiver's status code, or why there is none.
async fn send(client: &Client, claimed: &ClaimedDelivery) -> Result<u16, String> {
    let destination =
        parse_url(&claimed.url).map_err(|_| "the destination URL is not usable".to_owned())?;
    let timestamp = now_ms() / 1000;
    let signature = sign(&claimed.secret, &claimed.id, timestamp, &claimed.payload)
        .ok_or_else(|| "the signing key is unreadable".to_owned())?;
    let request = http::Request::post(destination.url())
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(
            http::header::USER_AGENT,
            concat!("ledgerlens-webhooks/", env!("CARGO_PKG_VERSION")),
        )
        .header("webhook-id", claimed.id.as_str())
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(Bytes::from(claimed.payload.clone()))
        .map_err(|e| format!("the request cannot be built: {e}"))?;
    match client.send(request).await {
        Ok(answer) => Ok(answer.status.as_u16()),
        Err(HttpError::TooLarge { status, .. }) => Ok(status),
        Err(error) => Err(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_covers_more_than_a_day() {
        let total: Duration = RETRY_SCHEDULE.iter().sum();
        assert!(total >= Duration::from_secs(24 * 3_600), "{total:?}");
    }

    /// The guard is what stands between a tenant's URL and the server's own network: a private
    /// address is refused before any connection, however the URL spells it.
    #[tokio::test]
    async fn private_destinations_are_refused_unless_allowed() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let guarded = client(false).unwrap();
        for url in [
            format!("http://127.0.0.1:{port}/hook"),
            format!("https://localhost:{port}/hook"),
            format!("http://[::ffff:127.0.0.1]:{port}/hook"),
        ] {
            let request = http::Request::post(url.as_str())
                .body(Bytes::new())
                .unwrap();
            let error = guarded.send(request).await.unwrap_err();
            assert!(
                matches!(error, HttpError::AddressRefused { .. }),
                "{url}: {error}"
            );
        }
        let accepted = tokio::time::timeout(Duration::from_millis(50), listener.accept()).await;
        assert!(accepted.is_err(), "a refused destination was connected to");
    }
}
