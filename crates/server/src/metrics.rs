//! Prometheus metrics of this process, written by hand in the text exposition format (version
//! 0.0.4): a few counters and histograms do not earn a metrics crate's compile time.
//!
//! Everything is counted in-process, since the process start: the store has no cross-tenant
//! count of documents by status yet, so documents appear as the uploads this process accepted
//! and the jobs its workers finished, by outcome (a `Store::status_counts` can replace them).
//! No label carries a tenant, a document id or any other client data: routes are the router's
//! templates (`/v1/documents/{id}`), never the requested path. That is why `GET /metrics` needs
//! no credentials (docs/service.md); keep it off the public network as you would `/readyz`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::progress::STEPS;

/// Upper bounds (seconds) of the HTTP latency buckets: the analysis endpoint's target is
/// p99 < 100 ms, so the buckets are dense below that.
const HTTP_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Upper bounds (seconds) of the step buckets: from a CSV's milliseconds to an OCR's minutes.
const STEP_BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// A cumulative histogram of durations.
#[derive(Debug)]
struct Histogram {
    bounds: &'static [f64],
    counts: Vec<AtomicU64>,
    sum_micros: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Self {
        Histogram {
            bounds,
            counts: bounds.iter().map(|_| AtomicU64::new(0)).collect(),
            sum_micros: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }
    }

    fn observe(&self, duration: Duration) {
        let seconds = duration.as_secs_f64();
        for (bound, count) in self.bounds.iter().zip(&self.counts) {
            if seconds <= *bound {
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
        let micros = u64::try_from(duration.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    /// Writes the `_bucket`, `_sum` and `_count` lines; `labels` is `a="x",b="y"` or empty.
    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (bound, count) in self.bounds.iter().zip(&self.counts) {
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {}",
                count.load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {count}");
        // Microseconds to seconds for display only; the sum itself is kept exact.
        #[allow(
            clippy::as_conversions,
            reason = "a display value; precision loss beyond 2^53 µs is irrelevant"
        )]
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {sum}");
        let _ = writeln!(out, "{name}_count{braces} {count}");
    }
}

/// Outcomes of a finished job.
const JOB_OUTCOMES: [&str; 3] = ["ANALYZED", "FLAGGED", "FAILED"];

/// Outcomes of a webhook attempt.
const WEBHOOK_OUTCOMES: [&str; 3] = ["delivered", "retry_scheduled", "gave_up"];

/// The process's metrics.
#[derive(Debug)]
pub struct Metrics {
    /// `(route template, method, status class)` → latency.
    http: Mutex<BTreeMap<(String, String, &'static str), Histogram>>,
    steps: Vec<Histogram>,
    uploads: AtomicU64,
    claimed: AtomicU64,
    finished: [AtomicU64; 3],
    webhooks: [AtomicU64; 3],
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            http: Mutex::new(BTreeMap::new()),
            steps: STEPS
                .iter()
                .map(|_| Histogram::new(&STEP_BUCKETS))
                .collect(),
            uploads: AtomicU64::new(0),
            claimed: AtomicU64::new(0),
            finished: Default::default(),
            webhooks: Default::default(),
        }
    }
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

impl Metrics {
    /// One HTTP request answered.
    pub(crate) fn request(&self, route: &str, method: &str, status: u16, latency: Duration) {
        let Ok(mut http) = self.http.lock() else {
            return;
        };
        http.entry((route.to_owned(), method.to_owned(), status_class(status)))
            .or_insert_with(|| Histogram::new(&HTTP_BUCKETS))
            .observe(latency);
    }

    /// One processing step (1-based) done, after `took` since the previous one.
    pub(crate) fn step(&self, step: u32, took: Duration) {
        let histogram = usize::try_from(step)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|n| self.steps.get(n));
        if let Some(histogram) = histogram {
            histogram.observe(took);
        }
    }

    /// An upload accepted and queued.
    pub(crate) fn uploaded(&self) {
        self.uploads.fetch_add(1, Ordering::Relaxed);
    }

    /// A job taken by a worker of this process.
    pub(crate) fn claimed(&self) {
        self.claimed.fetch_add(1, Ordering::Relaxed);
    }

    /// A job's result stored, with its final status.
    pub(crate) fn finished(&self, status: &str) {
        if let Some(counter) = JOB_OUTCOMES
            .iter()
            .position(|s| *s == status)
            .and_then(|n| self.finished.get(n))
        {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A webhook attempt recorded: delivered, failed with a retry scheduled, or failed for
    /// good (its retries are exhausted).
    pub fn webhook_attempt(&self, delivered: bool, retry_scheduled: bool) {
        let index = match (delivered, retry_scheduled) {
            (true, _) => 0,
            (false, true) => 1,
            (false, false) => 2,
        };
        if let Some(counter) = self.webhooks.get(index) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The exposition text.
    pub(crate) fn render(&self) -> String {
        let mut out = String::with_capacity(8 * 1024);
        let counter = |out: &mut String, name: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
        };
        counter(
            &mut out,
            "ledgerlens_documents_uploaded_total",
            "Uploads accepted and queued by this process.",
        );
        let _ = writeln!(
            out,
            "ledgerlens_documents_uploaded_total {}",
            self.uploads.load(Ordering::Relaxed)
        );
        counter(
            &mut out,
            "ledgerlens_jobs_claimed_total",
            "Jobs taken by this process's workers (retries included).",
        );
        let _ = writeln!(
            out,
            "ledgerlens_jobs_claimed_total {}",
            self.claimed.load(Ordering::Relaxed)
        );
        counter(
            &mut out,
            "ledgerlens_jobs_finished_total",
            "Jobs finished by this process's workers, by final document status.",
        );
        for (status, count) in JOB_OUTCOMES.iter().zip(&self.finished) {
            let _ = writeln!(
                out,
                "ledgerlens_jobs_finished_total{{status=\"{status}\"}} {}",
                count.load(Ordering::Relaxed)
            );
        }
        counter(
            &mut out,
            "ledgerlens_webhook_attempts_total",
            "Webhook delivery attempts by outcome.",
        );
        for (outcome, count) in WEBHOOK_OUTCOMES.iter().zip(&self.webhooks) {
            let _ = writeln!(
                out,
                "ledgerlens_webhook_attempts_total{{outcome=\"{outcome}\"}} {}",
                count.load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP ledgerlens_step_duration_seconds Time from the previous processing step to this one (spec 003's 12 steps).\n\
             # TYPE ledgerlens_step_duration_seconds histogram"
        );
        for (n, histogram) in self.steps.iter().enumerate() {
            let name = STEPS.get(n).map_or("unknown", |(name, _)| *name);
            let labels = format!("step=\"{}\",name=\"{name}\"", n.saturating_add(1));
            histogram.write(&mut out, "ledgerlens_step_duration_seconds", &labels);
        }
        let _ = writeln!(
            out,
            "# HELP ledgerlens_http_request_duration_seconds Time to answer an HTTP request (to its headers), by route template, method and status class.\n\
             # TYPE ledgerlens_http_request_duration_seconds histogram"
        );
        if let Ok(http) = self.http.lock() {
            for ((route, method, class), histogram) in http.iter() {
                let labels = format!(
                    "route=\"{}\",method=\"{method}\",status=\"{class}\"",
                    escape(route)
                );
                histogram.write(
                    &mut out,
                    "ledgerlens_http_request_duration_seconds",
                    &labels,
                );
            }
        }
        out
    }
}

/// Escapes a label value (route templates have none of these, but the format requires it).
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The route template a request matched, handed from the router to the request middleware.
#[derive(Clone, Debug)]
pub(crate) struct RouteTemplate(pub(crate) String);

/// Layered on each route with its template (axum's `MatchedPath` would need another feature
/// compiled): tags the response with the template.
pub(crate) async fn tag_route(
    State(template): State<&'static str>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    response
        .extensions_mut()
        .insert(RouteTemplate(template.to_owned()));
    response
}

/// `GET /metrics`.
pub(crate) async fn metrics<S: Send + Sync, B: Send + Sync>(
    State(state): State<crate::AppState<S, B>>,
) -> Response {
    let mut response = state.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_count_everything() {
        let metrics = Metrics::default();
        metrics.request("/v1/analyze", "POST", 200, Duration::from_millis(3));
        metrics.request("/v1/analyze", "POST", 200, Duration::from_millis(30));
        let text = metrics.render();
        assert!(text.contains(
            "ledgerlens_http_request_duration_seconds_bucket{route=\"/v1/analyze\",method=\"POST\",status=\"2xx\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "ledgerlens_http_request_duration_seconds_bucket{route=\"/v1/analyze\",method=\"POST\",status=\"2xx\",le=\"+Inf\"} 2"
        ));
        assert!(text.contains(
            "ledgerlens_http_request_duration_seconds_count{route=\"/v1/analyze\",method=\"POST\",status=\"2xx\"} 2"
        ));
    }
}
