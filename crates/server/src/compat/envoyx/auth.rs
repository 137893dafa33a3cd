//! EnvoyX authenticates with `X-API-Key`, as the native API does (a bearer token from
//! `POST /oauth/token` works too). The native extractor derives the scope from a `/v1/…` path;
//! these paths are EnvoyX's, so each handler names its scope through the type parameter, and a
//! refusal comes back in the EnvoyX envelope (401 unknown or missing key, 403 missing scope).

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use ledgerlens_store::{Principal, Store, TenantId};

use super::EnvoyxError;
use crate::AppState;

/// The permission a route needs.
pub(crate) trait Scope {
    /// Its name, as API keys carry it.
    const NAME: &'static str;
}

/// Reading statements and analyses.
#[derive(Debug)]
pub(crate) struct Read;
impl Scope for Read {
    const NAME: &'static str = "documents:read";
}

/// Uploading and deleting statements.
#[derive(Debug)]
pub(crate) struct Write;
impl Scope for Write {
    const NAME: &'static str = "documents:write";
}

/// Changing the tenant's analysis defaults.
#[derive(Debug)]
pub(crate) struct Settings;
impl Scope for Settings {
    const NAME: &'static str = "settings:manage";
}

/// Managing webhook subscriptions.
#[derive(Debug)]
pub(crate) struct Hooks;
impl Scope for Hooks {
    const NAME: &'static str = "webhooks:manage";
}

/// The caller's tenant, once its credential is known and holds scope `P`.
#[derive(Debug)]
pub(crate) struct Authed<P>(pub(crate) TenantId, pub(crate) PhantomData<P>);

impl<S: Store, B: Send + Sync + 'static, P: Scope> FromRequestParts<AppState<S, B>> for Authed<P> {
    type Rejection = EnvoyxError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S, B>,
    ) -> Result<Self, Self::Rejection> {
        // Resolved once per request, even when a middleware (idempotency) asked first.
        let principal = match parts.extensions.get::<Principal>() {
            Some(principal) => principal.clone(),
            None => {
                let principal = crate::auth::resolve(parts, state).await?;
                parts.extensions.insert(principal.clone());
                principal
            }
        };
        if !principal.may(P::NAME) {
            return Err(crate::auth::forbidden(P::NAME).into());
        }
        Ok(Authed(principal.tenant, PhantomData))
    }
}
