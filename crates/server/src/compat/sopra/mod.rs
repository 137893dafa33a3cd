//! Sopra Financing's Risk Assessment API, Bank X-Ray product (specs 000 and 001), served by
//! ledgerlens: requests are native cases, media are native uploads filed under them, and a Bank
//! X-Ray report is a document's stored `xray` profile — no second pipeline.
//!
//! Everything under the mount needs the `October-Version` header (the product versions its API
//! by date and requires the header on every call) except the signed upload target, which, like
//! the S3 URL it stands for, carries its authority in its own signature. docs/compat/sopra.md
//! says, endpoint by endpoint, what is supported and how it differs.

mod auth;
pub(crate) mod events;
mod media;
mod record;
mod reports;
mod requests;
mod signing;
mod version;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use ledgerlens_store::{Blobs, Store};

use crate::AppState;

/// Requests, media descriptions and subscriptions are a few short fields.
const SMALL_BODY_LIMIT: usize = 64 * 1024;

/// The Sopra routes, to be nested under their mount (`/compat/sopra`). The upload target reads
/// its body without axum's limit: the handler holds it to `max_upload_bytes`, which lives in the
/// state a router built before the state cannot read.
pub(crate) fn router<S: Store, B: Blobs>() -> Router<AppState<S, B>> {
    let api = Router::new()
        .route("/requests", post(requests::create::<S, B>))
        .route("/requests/{id}", get(requests::get::<S, B>))
        .route("/media", post(media::create::<S, B>))
        .route(
            "/media/{id}",
            get(media::get::<S, B>).post(media::online::<S, B>),
        )
        .route("/reports", get(reports::list::<S, B>))
        .route("/reports/{id}", get(reports::get::<S, B>))
        .route("/reports/{id}/pdf", get(reports::pdf::<S, B>))
        .route(
            "/webhooks",
            get(events::list::<S, B>).post(events::create::<S, B>),
        )
        .route(
            "/webhooks/{id}",
            axum::routing::delete(events::delete::<S, B>),
        )
        .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT))
        .layer(axum::middleware::from_fn(version::layer));
    Router::new()
        .route(
            "/uploads/{media}",
            axum::routing::put(media::upload_put::<S, B>)
                .post(media::upload_form::<S, B>)
                .layer(DefaultBodyLimit::disable()),
        )
        .merge(api)
}
