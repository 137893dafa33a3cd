//! The ledgerlens HTTP service: the `/v1` API over a [`Store`] and [`Blobs`], and the background
//! workers that analyse uploads, in one process.
//!
//! The server is generic over its store and blob backends; the binary picks them once
//! (`SqliteStore` + `LocalBlobs` today, PostgreSQL and S3 next) and calls [`serve`]. Nothing here
//! opens files or databases by itself, so tests can run it against an in-memory store.

pub mod analysis;
mod analyze;
mod auth;
mod bundle;
mod cases;
mod compat;
mod credentials;
mod dashboard;
pub mod delivery;
mod documents;
pub mod error;
mod filters;
mod health;
mod idempotency;
mod json_body;
mod ledger_bodies;
mod listings;
pub mod metrics;
mod oauth;
mod openapi;
pub mod passwords;
mod preferences;
pub mod progress;
mod rate_limit;
mod report;
pub mod request;
pub mod runs;
mod sessions;
mod tenant_rules;
pub mod webhooks;
mod worker;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, get, post};
use ledgerlens_enrich::Enricher;
use ledgerlens_ingest::ReadOptions;
use ledgerlens_store::{Blobs, Store};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower_http::catch_panic::CatchPanicLayer;

pub use error::{ApiError, ServerError};
pub use oauth::TokenKey;

/// Largest upload accepted by default: 20 MiB (spec 004), far above a year of any statement.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 20 * 1024 * 1024;

/// How the service runs. Every field has a default fit for one box.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest file accepted by `POST /v1/documents`.
    pub max_upload_bytes: u64,
    /// Background workers in this process (each analyses one document at a time).
    pub workers: usize,
    /// How long a claimed job is a worker's before another may take it (renewed while working).
    pub lease: Duration,
    /// Claims of one job before it is failed with `attempts_exhausted`.
    pub max_attempts: u32,
    /// How often an idle worker looks for jobs queued by another process (a local upload wakes
    /// workers at once).
    pub poll_interval: Duration,
    /// How long in-flight jobs may run on after shutdown is asked before they are released.
    pub shutdown_grace: Duration,
    /// Ingestion options, with the PDF and OCR engines the binary found.
    pub read_options: ReadOptions,
    /// Names this process's workers in leases (`<worker_prefix>-<n>`): unique per process.
    pub worker_prefix: String,
    /// Lets webhook subscriptions reach loopback, private, link-local and unique-local
    /// addresses. Off by default (SSRF); on for a receiver on the same host or network.
    pub allow_private_webhooks: bool,
    /// Signs and checks the bearer tokens of `POST /oauth/token`. The binary loads it from the
    /// data directory so tokens survive a restart; `None` uses a random key for this process.
    pub token_key: Option<TokenKey>,
    /// Lifetime of a bearer token (`expires_in`), whole seconds.
    pub token_ttl: Duration,
    /// Requests per second per credential (API key or OAuth client), in this process; `None`
    /// for no limit. Beyond it: 429 `rate_limited`.
    pub rate_limit_per_second: Option<u32>,
}

/// Default lifetime of a bearer token: one hour.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(3600);

impl Default for Config {
    fn default() -> Self {
        Config {
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            workers: 2,
            lease: Duration::from_secs(120),
            max_attempts: 3,
            poll_interval: Duration::from_secs(1),
            shutdown_grace: Duration::from_secs(10),
            read_options: ReadOptions::default(),
            worker_prefix: format!("w{}", std::process::id()),
            allow_private_webhooks: false,
            token_key: None,
            token_ttl: DEFAULT_TOKEN_TTL,
            rate_limit_per_second: None,
        }
    }
}

/// What every handler and worker shares.
pub(crate) struct Shared<S, B> {
    pub(crate) store: S,
    pub(crate) blobs: B,
    pub(crate) config: Config,
    pub(crate) enricher: Arc<Enricher>,
    /// Enrichers of tenants with their own rules, compiled on demand and cached.
    pub(crate) tenant_enrichers: tenant_rules::TenantEnrichers,
    /// Parsed statement and transaction rows of recently read documents.
    pub(crate) rows: listings::RowCache,
    /// The per-credential rate limit, when configured.
    pub(crate) limiter: Option<rate_limit::Limiter>,
    /// Scorecards and thresholds (the CLI's defaults).
    pub(crate) scoring: ledgerlens_scoring::config::ScoringConfig,
    /// Wakes idle workers when an upload is queued.
    pub(crate) queued: Notify,
    /// Wakes the webhook sender when a message is queued.
    pub(crate) deliveries_due: Notify,
    /// Live progress of this process's jobs, for SSE.
    pub(crate) progress: progress::Hub,
    /// The key of bearer tokens ([`Config::token_key`], or a random one).
    pub(crate) token_key: TokenKey,
    /// Counters and histograms of this process (`GET /metrics`).
    pub(crate) metrics: Arc<metrics::Metrics>,
    /// Failed sign-ins and the gate on password hashing.
    pub(crate) sign_in: sessions::SignInGuard,
}

/// Handler state: cheap to clone.
pub(crate) type AppState<S, B> = Arc<Shared<S, B>>;

/// Serves the API on `listener` and runs the workers until `shutdown` completes; then stops
/// taking requests and jobs, lets in-flight ones finish within [`Config::shutdown_grace`], and
/// releases the jobs still running so another process can take them.
pub async fn serve<S: Store, B: Blobs>(
    config: Config,
    store: S,
    blobs: B,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let shared = shared(config, store, blobs)?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let workers = worker::spawn_all(&shared, &stop_rx);
    let sender = delivery::spawn(&shared, &stop_rx);
    let app = router(Arc::clone(&shared));
    let mut http_stop = stop_rx.clone();
    let signal = tokio::spawn(async move {
        shutdown.await;
        tracing::info!("shutdown requested");
        let _ = stop_tx.send(true);
    });
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = http_stop.wait_for(|stop| *stop).await;
        })
        .await;
    signal.abort();
    for worker in workers {
        if let Err(error) = worker.await {
            tracing::error!(%error, "worker task ended abnormally");
        }
    }
    if let Err(error) = sender.await {
        tracing::error!(%error, "webhook sender ended abnormally");
    }
    tracing::info!("stopped");
    served.map_err(ServerError::from)
}

/// Runs the workers and the webhook sender alone, with no HTTP listener (`ledgerlens worker`),
/// until `shutdown` completes; then takes no new jobs, lets in-flight ones finish within
/// [`Config::shutdown_grace`], and releases the jobs still running so another process can take
/// them. Jobs queued by another process are found by polling every [`Config::poll_interval`].
pub async fn run_workers<S: Store, B: Blobs>(
    config: Config,
    store: S,
    blobs: B,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let shared = shared(config, store, blobs)?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let workers = worker::spawn_all(&shared, &stop_rx);
    let sender = delivery::spawn(&shared, &stop_rx);
    shutdown.await;
    tracing::info!("shutdown requested");
    let _ = stop_tx.send(true);
    for worker in workers {
        if let Err(error) = worker.await {
            tracing::error!(%error, "worker task ended abnormally");
        }
    }
    if let Err(error) = sender.await {
        tracing::error!(%error, "webhook sender ended abnormally");
    }
    tracing::info!("stopped");
    Ok(())
}

/// What the handlers and workers of one process share.
fn shared<S: Store, B: Blobs>(
    config: Config,
    store: S,
    blobs: B,
) -> Result<AppState<S, B>, ServerError> {
    let token_key = match config.token_key.clone() {
        Some(key) => key,
        None => TokenKey::generate().map_err(|e| ServerError::Random(e.to_string()))?,
    };
    let limiter = config.rate_limit_per_second.map(rate_limit::Limiter::new);
    Ok(Arc::new(Shared {
        token_key,
        store,
        blobs,
        config,
        enricher: Arc::new(Enricher::builtin()?),
        tenant_enrichers: tenant_rules::TenantEnrichers::default(),
        limiter,
        rows: listings::RowCache::default(),
        scoring: ledgerlens_scoring::config::ScoringConfig::default(),
        queued: Notify::new(),
        deliveries_due: Notify::new(),
        progress: progress::Hub::default(),
        metrics: Arc::new(metrics::Metrics::default()),
        sign_in: sessions::SignInGuard::default(),
    }))
}

/// A token request is a few short fields: 16 KiB is plenty.
const TOKEN_BODY_LIMIT: usize = 16 * 1024;

/// Cases, preferences, rules, credentials and corrections are a few short fields.
const SMALL_BODY_LIMIT: usize = 64 * 1024;

/// A subscription is a URL and a few event names: 16 KiB is plenty.
const WEBHOOK_BODY_LIMIT: usize = 16 * 1024;

/// One route: its path template, the methods it serves (as documented in `/openapi.json`) and
/// its handlers.
type Route<S, B> = (
    &'static str,
    &'static [&'static str],
    MethodRouter<AppState<S, B>>,
);

/// Every route of the service. The router is built from this table and nothing else, so the
/// OpenAPI test can compare the table with the document: a new route (the dashboard's too) is
/// added here and described in `openapi.rs`.
fn routes<S: Store, B: Blobs>(upload_body_limit: usize) -> Vec<Route<S, B>> {
    vec![
        ("/", &["GET"], get(dashboard::index)),
        ("/assets/{file}", &["GET"], get(dashboard::asset)),
        ("/healthz", &["GET"], get(health::healthz)),
        ("/readyz", &["GET"], get(health::readyz::<S, B>)),
        ("/metrics", &["GET"], get(metrics::metrics::<S, B>)),
        ("/openapi.json", &["GET"], get(openapi::document)),
        ("/docs", &["GET"], get(openapi::docs_page)),
        (
            "/oauth/token",
            &["POST"],
            post(oauth::token::<S, B>).layer(DefaultBodyLimit::max(TOKEN_BODY_LIMIT)),
        ),
        (
            "/v1/sessions",
            &["POST"],
            post(sessions::sign_in::<S, B>).layer(DefaultBodyLimit::max(TOKEN_BODY_LIMIT)),
        ),
        (
            "/v1/sessions/current",
            &["DELETE"],
            axum::routing::delete(sessions::sign_out::<S, B>),
        ),
        ("/v1/me", &["GET"], get(sessions::me::<S, B>)),
        (
            "/v1/me/password",
            &["PUT"],
            axum::routing::put(sessions::change_password::<S, B>)
                .layer(DefaultBodyLimit::max(TOKEN_BODY_LIMIT)),
        ),
        (
            "/v1/documents",
            &["GET", "POST"],
            get(documents::list::<S, B>)
                .post(documents::upload::<S, B>)
                .layer(DefaultBodyLimit::max(upload_body_limit)),
        ),
        (
            "/v1/documents/{id}",
            &["GET", "DELETE"],
            get(documents::get::<S, B>).delete(documents::delete::<S, B>),
        ),
        (
            "/v1/documents/{id}/analysis",
            &["GET"],
            get(documents::analysis::<S, B>),
        ),
        (
            "/v1/documents/{id}/events",
            &["GET"],
            get(documents::events::<S, B>),
        ),
        (
            "/v1/documents/{id}/statements",
            &["GET"],
            get(listings::statements::<S, B>),
        ),
        (
            "/v1/documents/{id}/transactions",
            &["GET"],
            get(listings::transactions::<S, B>),
        ),
        (
            "/v1/documents/{id}/scores",
            &["POST"],
            post(runs::score::<S, B>).layer(DefaultBodyLimit::max(runs::RUN_BODY_LIMIT)),
        ),
        (
            "/v1/documents/{id}/affordability",
            &["POST"],
            post(runs::affordability_handler::<S, B>)
                .layer(DefaultBodyLimit::max(runs::RUN_BODY_LIMIT)),
        ),
        (
            "/v1/documents/{id}/runs",
            &["GET"],
            get(runs::history::<S, B>),
        ),
        (
            "/v1/documents/{id}/report.pdf",
            &["GET"],
            get(report::report_pdf::<S, B>),
        ),
        (
            "/v1/analyze",
            &["POST"],
            post(analyze::analyze::<S, B>).layer(DefaultBodyLimit::max(upload_body_limit)),
        ),
        (
            "/v1/documents/{id}/transactions/{index}/category",
            &["POST"],
            post(tenant_rules::recategorise::<S, B>).layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT)),
        ),
        (
            "/v1/cases",
            &["GET", "POST"],
            get(cases::list::<S, B>)
                .post(cases::create::<S, B>)
                .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT)),
        ),
        (
            "/v1/cases/{id}",
            &["GET", "PATCH", "DELETE"],
            get(cases::get::<S, B>)
                .patch(cases::update::<S, B>)
                .delete(cases::delete::<S, B>)
                .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT)),
        ),
        (
            "/v1/cases/{id}/documents",
            &["GET"],
            get(cases::documents::<S, B>),
        ),
        (
            "/v1/preferences",
            &["GET", "PUT"],
            get(preferences::get::<S, B>)
                .put(preferences::put::<S, B>)
                .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT)),
        ),
        (
            "/v1/rules",
            &["GET", "POST"],
            get(tenant_rules::list::<S, B>)
                .post(tenant_rules::create::<S, B>)
                .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT)),
        ),
        (
            "/v1/rules/{id}",
            &["DELETE"],
            axum::routing::delete(tenant_rules::delete::<S, B>),
        ),
        (
            "/v1/credentials",
            &["GET", "POST"],
            get(credentials::list::<S, B>)
                .post(credentials::create::<S, B>)
                .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT)),
        ),
        (
            "/v1/credentials/{id}",
            &["DELETE"],
            axum::routing::delete(credentials::revoke::<S, B>),
        ),
        ("/v1/audit", &["GET"], get(credentials::audit_log::<S, B>)),
        (
            "/v1/webhooks",
            &["GET", "POST"],
            get(webhooks::list::<S, B>)
                .post(webhooks::create::<S, B>)
                .layer(DefaultBodyLimit::max(WEBHOOK_BODY_LIMIT)),
        ),
        (
            "/v1/webhooks/{id}",
            &["GET", "DELETE"],
            get(webhooks::get::<S, B>).delete(webhooks::delete::<S, B>),
        ),
        (
            "/v1/webhooks/{id}/deliveries",
            &["GET"],
            get(webhooks::deliveries::<S, B>),
        ),
        (
            "/v1/webhooks/{id}/deliveries/{delivery}/redeliver",
            &["POST"],
            post(webhooks::redeliver::<S, B>),
        ),
    ]
}

/// The routes, with the middleware that gives every response a request id and every error the
/// one JSON shape, and times every request by its route template.
fn router<S: Store, B: Blobs>(state: AppState<S, B>) -> Router {
    // The multipart framing adds a little to the file; beyond this the body is cut off unread.
    let body_limit = usize::try_from(state.config.max_upload_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(documents::MULTIPART_OVERHEAD_BYTES);
    let metrics = Arc::clone(&state.metrics);
    routes::<S, B>(body_limit)
        .into_iter()
        .fold(Router::new(), |router, (path, _, handlers)| {
            let tagged = handlers.layer(axum::middleware::from_fn_with_state(
                path,
                metrics::tag_route,
            ));
            router.route(path, tagged)
        })
        // Vendor-compatible APIs (issue 8), one mount each: add `.nest("/compat/<vendor>",
        // compat::<vendor>::router::<S, B>())` lines here.
        .nest("/compat/envoyx", compat::envoyx::router::<S, B>())
        .nest("/compat/periculum", compat::periculum::router::<S, B>())
        .nest("/compat/sopra", compat::sopra::router::<S, B>())
        .nest("/compat/finx", compat::finx::router::<S, B>())
        .fallback(|| async { ApiError::not_found("route") })
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            idempotency::layer::<S, B>,
        ))
        .with_state(state)
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            request::middleware,
        ))
}

/// Runs CPU-bound work on the blocking pool, inside the caller's span so its log lines keep
/// the request id.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(work))
        .await
        .map_err(|e| ApiError::internal(&e))
}

/// Wall-clock time in Unix milliseconds: read here, at the edge, and passed to the store.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use ledgerlens_store::{LocalBlobs, SqlStore};

    use super::*;

    #[test]
    fn every_route_is_in_the_openapi_document_and_nothing_else_is() {
        let routed: BTreeSet<(String, String)> = routes::<SqlStore, LocalBlobs>(0)
            .iter()
            .flat_map(|(path, methods, _)| {
                methods
                    .iter()
                    .map(|method| ((*path).to_owned(), (*method).to_owned()))
            })
            .collect();
        let documented = openapi::operations();
        let undocumented: Vec<_> = routed.difference(&documented).collect();
        let unrouted: Vec<_> = documented.difference(&routed).collect();
        assert!(
            undocumented.is_empty(),
            "routes missing from /openapi.json: {undocumented:?}"
        );
        assert!(
            unrouted.is_empty(),
            "documented but not routed: {unrouted:?}"
        );
    }
}
