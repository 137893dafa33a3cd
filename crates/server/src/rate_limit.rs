//! Per-credential request rate limit (429 `rate_limited`), off unless configured.
//!
//! A token bucket per API key or OAuth client, in this process's memory: with N API processes
//! behind a balancer a credential gets up to N times the rate, which is the usual trade for not
//! putting a shared counter on every request's path. Buckets refill continuously at the
//! configured rate and hold up to two seconds' worth, so short bursts pass.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Buckets of one process.
#[derive(Debug)]
pub(crate) struct Limiter {
    per_second: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

/// Buckets hold this many seconds of requests.
const BURST_SECONDS: f64 = 2.0;

impl Limiter {
    /// A limiter of `per_second` requests per credential.
    pub(crate) fn new(per_second: u32) -> Self {
        Limiter {
            per_second: f64::from(per_second.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from the credential's bucket; `Err(seconds)` says how long until one
    /// is available.
    pub(crate) fn take(&self, credential: &str, now: Instant) -> Result<(), f64> {
        let capacity = self.per_second * BURST_SECONDS;
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        let (tokens, last) = buckets
            .entry(credential.to_owned())
            .or_insert((capacity, now));
        let refilled = (*tokens
            + now.saturating_duration_since(*last).as_secs_f64() * self.per_second)
            .min(capacity);
        *last = now;
        if refilled >= 1.0 {
            *tokens = refilled - 1.0;
            Ok(())
        } else {
            *tokens = refilled;
            Err((1.0 - refilled) / self.per_second)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_holds_per_credential() {
        let limiter = Limiter::new(5);
        let start = Instant::now();
        for _ in 0..10 {
            assert!(limiter.take("key_a", start).is_ok());
        }
        let wait = limiter.take("key_a", start).unwrap_err();
        assert!((wait - 0.2).abs() < 1e-9, "{wait}");
        assert!(
            limiter.take("key_b", start).is_ok(),
            "another credential has its own bucket"
        );
        assert!(
            limiter
                .take("key_a", start + Duration::from_millis(200))
                .is_ok()
        );
    }
}
