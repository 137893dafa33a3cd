//! EnvoyX Bank Statement Analysis (spec 003), served by ledgerlens: the routes, the
//! `{success, status, message, data}` envelope and the `bank_statement` shapes, over the native
//! upload path, job pipeline, stored `envoyx` profile, preferences and webhooks.
//!
//! Everything an EnvoyX client can see goes through `envelope::Envelope` or [`EnvoyxError`], errors
//! included: an EnvoyX client reads `success` and `message`, never the native `{"error":…}`.
//! docs/compat/envoyx.md says, endpoint by endpoint, what is supported and how it differs.

mod auth;
mod envelope;
mod events;
mod ids;
mod preferences;
mod shape;
mod statements;
mod stream;
mod subscriptions;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, delete, get, post};
use ledgerlens_store::{Blobs, Store};

use crate::AppState;

pub(crate) use envelope::EnvoyxError;
pub(crate) use events::webhook_event;

/// A path under the mount, as one literal (route templates in the metrics are `&'static str`).
macro_rules! mounted {
    ($path:literal) => {
        concat!("/compat/envoyx", $path)
    };
}

/// Where `router` is nested (lib.rs): absolute links (`download_url`, `Location`) start here.
pub(crate) const MOUNT: &str = mounted!("");

/// Preferences and webhook subscriptions are a few short fields.
const SMALL_BODY_LIMIT: usize = 16 * 1024;

/// One route: its path under the mount, its template as the metrics name it, its handlers.
type Route<S, B> = (&'static str, &'static str, MethodRouter<AppState<S, B>>);

fn routes<S: Store, B: Blobs>() -> Vec<Route<S, B>> {
    vec![
        (
            "/api/v1/bank-statements/upload",
            mounted!("/api/v1/bank-statements/upload"),
            // No axum limit: the handler counts the file's bytes against `max_upload_bytes` as
            // they arrive (the limit lives in the state, which this table is built without).
            post(statements::upload::<S, B>).layer(DefaultBodyLimit::disable()),
        ),
        (
            "/api/v1/bank-statements",
            mounted!("/api/v1/bank-statements"),
            get(statements::list::<S, B>),
        ),
        (
            "/api/v1/bank-statements/preferences",
            mounted!("/api/v1/bank-statements/preferences"),
            get(preferences::get::<S, B>)
                .put(preferences::put::<S, B>)
                .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT)),
        ),
        (
            "/api/v1/bank-statements/{id}",
            mounted!("/api/v1/bank-statements/{id}"),
            get(statements::get::<S, B>).delete(statements::delete::<S, B>),
        ),
        (
            "/api/v1/bank-statements/{id}/file",
            mounted!("/api/v1/bank-statements/{id}/file"),
            get(statements::file::<S, B>),
        ),
        (
            "/api/v1/webhooks",
            mounted!("/api/v1/webhooks"),
            get(subscriptions::list::<S, B>)
                .post(subscriptions::create::<S, B>)
                .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT)),
        ),
        (
            "/api/v1/webhooks/{id}",
            mounted!("/api/v1/webhooks/{id}"),
            delete(subscriptions::delete::<S, B>),
        ),
    ]
}

/// The EnvoyX routes, to be nested under [`MOUNT`]; each response is tagged with its route
/// template for the metrics, and unknown routes and methods answer in the envelope.
pub(crate) fn router<S: Store, B: Blobs>() -> Router<AppState<S, B>> {
    routes::<S, B>()
        .into_iter()
        .fold(Router::new(), |router, (path, template, handlers)| {
            let tagged = handlers.layer(axum::middleware::from_fn_with_state(
                template,
                crate::metrics::tag_route,
            ));
            router.route(path, tagged)
        })
        .fallback(|| async { EnvoyxError::not_found("route") })
        .method_not_allowed_fallback(|| async { EnvoyxError::method_not_allowed() })
}
