//! The webhook sender: takes due messages from the store's outbox, POSTs them with Standard
//! Webhooks headers, and records every attempt; failures are retried on [`RETRY_SCHEDULE`].
//!
//! Messages live in the database, so they survive restarts, and any process on the same database
//! may send them: a claim pushes the message's next attempt a minute ahead, so a sender that dies
//! only delays it. Delivery is therefore at least once; receivers deduplicate on `webhook-id`.
//!
//! The HTTP client is a few lines over `tokio::net::TcpStream`: plain `http://` only. `https://`
//! needs a TLS client (reqwest + rustls measured at a minute of build time on this box); until one
//! is added, subscriptions to `https://` are refused at creation.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ledgerlens_store::{AttemptOutcome, Blobs, ClaimedDelivery, Store};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

use crate::webhooks::{parse_url, resolve, sign};
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

/// Most of an answer read (the status line is all that counts).
const MAX_ANSWER_BYTES: usize = 16 * 1024;

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
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    while !*stop.borrow() {
        let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
            break;
        };
        match shared.store.claim_delivery(now_ms(), ms(CLAIM)).await {
            Ok(Some(claimed)) => {
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    attempt(&shared, claimed).await;
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
async fn attempt<S: Store, B: Blobs>(shared: &Shared<S, B>, claimed: ClaimedDelivery) {
    let started = Instant::now();
    let result = send(&claimed, shared.config.allow_private_webhooks).await;
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
async fn send(claimed: &ClaimedDelivery, allow_private: bool) -> Result<u16, String> {
    let destination =
        parse_url(&claimed.url).map_err(|_| "the destination URL is not usable".to_owned())?;
    // Checked again at every attempt (DNS may now answer differently), and the checked address is
    // the one connected to.
    let addresses = resolve(&destination, allow_private).await?;
    let timestamp = now_ms() / 1000;
    let signature = sign(&claimed.secret, &claimed.id, timestamp, &claimed.payload)
        .ok_or_else(|| "the signing key is unreadable".to_owned())?;
    let host = if destination.host.contains(':') {
        format!("[{}]", destination.host)
    } else {
        destination.host.clone()
    };
    let host = if destination.port == 80 {
        host
    } else {
        format!("{host}:{}", destination.port)
    };
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: ledgerlens-webhooks/{version}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n\
         webhook-id: {id}\r\nwebhook-timestamp: {timestamp}\r\nwebhook-signature: {signature}\r\n\r\n{body}",
        path = destination.path,
        version = env!("CARGO_PKG_VERSION"),
        length = claimed.payload.len(),
        id = claimed.id,
        body = claimed.payload,
    );
    tokio::time::timeout(EXCHANGE_TIMEOUT, exchange(&addresses, request.as_bytes()))
        .await
        .map_err(|_| format!("no answer within {} s", EXCHANGE_TIMEOUT.as_secs()))?
}

async fn exchange(addresses: &[SocketAddr], request: &[u8]) -> Result<u16, String> {
    let mut last_error = "no address".to_owned();
    let mut stream = None;
    for address in addresses {
        match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(address)).await {
            Ok(Ok(connected)) => {
                stream = Some(connected);
                break;
            }
            Ok(Err(error)) => last_error = format!("connecting to {address}: {error}"),
            Err(_) => last_error = format!("connecting to {address}: timed out"),
        }
    }
    let mut stream = stream.ok_or(last_error)?;
    stream
        .write_all(request)
        .await
        .map_err(|e| format!("sending: {e}"))?;
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read = stream
            .read(&mut buffer)
            .await
            .map_err(|e| format!("reading the answer: {e}"))?;
        answer.extend_from_slice(buffer.get(..read).unwrap_or(&[]));
        if read == 0 || answer.windows(2).any(|w| w == b"\r\n") || answer.len() > MAX_ANSWER_BYTES {
            break;
        }
    }
    status_code(&answer).ok_or_else(|| "the answer is not HTTP".to_owned())
}

/// The status code of `HTTP/1.x NNN …`.
fn status_code(answer: &[u8]) -> Option<u16> {
    let line_end = answer.windows(2).position(|w| w == b"\r\n")?;
    let line = std::str::from_utf8(answer.get(..line_end)?).ok()?;
    let mut parts = line.split(' ');
    let version = parts.next()?;
    if !version.starts_with("HTTP/1.") {
        return None;
    }
    parts
        .next()?
        .parse::<u16>()
        .ok()
        .filter(|c| (100..600).contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_covers_more_than_a_day() {
        let total: Duration = RETRY_SCHEDULE.iter().sum();
        assert!(total >= Duration::from_secs(24 * 3_600), "{total:?}");
    }

    #[test]
    fn status_lines_are_read_and_garbage_refused() {
        assert_eq!(status_code(b"HTTP/1.1 204 No Content\r\n"), Some(204));
        assert_eq!(status_code(b"HTTP/1.0 500 Oops\r\nx: y\r\n\r\n"), Some(500));
        assert_eq!(status_code(b"SSH-2.0-OpenSSH\r\n"), None);
        assert_eq!(status_code(b"HTTP/1.1 999 x\r\n"), None);
        assert_eq!(status_code(b"HTTP/1.1 200"), None);
    }
}
