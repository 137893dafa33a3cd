//! Who is calling, the product's way or ours. The product authenticates with two headers,
//! `userId` and `sessionToken`; here the `sessionToken` is a ledgerlens API key (or a bearer
//! token from `POST /oauth/token`) and `userId` is not needed — the key alone names the tenant.
//! `X-API-Key` and `Authorization: Bearer` work too, as on the native API.
//!
//! The native extractor derives the scope from a `/v1/…` path; these paths are the product's,
//! so each handler names its permission through the type parameter. Reports need the product's
//! own `read_bank_xray_report` (spec 000: the same permission for the JSON and the PDF).

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use ledgerlens_store::{Principal, Store, TenantId};

use crate::{ApiError, AppState, now_ms};

/// The permission a route needs.
pub(crate) trait Scope {
    /// Its name, as credentials carry it.
    const NAME: &'static str;
}

/// Reading requests and media.
#[derive(Debug)]
pub(crate) struct Read;
impl Scope for Read {
    const NAME: &'static str = "documents:read";
}

/// Creating requests and media, uploading.
#[derive(Debug)]
pub(crate) struct Write;
impl Scope for Write {
    const NAME: &'static str = "documents:write";
}

/// Reading Bank X-Ray reports, JSON or PDF.
#[derive(Debug)]
pub(crate) struct Reports;
impl Scope for Reports {
    const NAME: &'static str = "read_bank_xray_report";
}

/// Managing webhook subscriptions.
#[derive(Debug)]
pub(crate) struct Hooks;
impl Scope for Hooks {
    const NAME: &'static str = "webhooks:manage";
}

/// The caller's tenant, once its credential is known and holds permission `P`.
#[derive(Debug)]
pub(crate) struct Authed<P>(pub TenantId, pub PhantomData<P>);

async fn principal<S: Store, B: Send + Sync + 'static>(
    parts: &Parts,
    state: &AppState<S, B>,
) -> Result<Principal, ApiError> {
    let session = parts
        .headers
        .get("sessiontoken")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let Some(token) = session else {
        return crate::auth::resolve(parts, state).await;
    };
    if token.contains('.') {
        return crate::oauth::principal_for_token(&state.store, &state.token_key, token).await;
    }
    state
        .store
        .principal_for_api_key(token, now_ms())
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "the sessionToken is unknown or revoked",
            )
        })
}

impl<S: Store, B: Send + Sync + 'static, P: Scope> FromRequestParts<AppState<S, B>> for Authed<P> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S, B>,
    ) -> Result<Self, Self::Rejection> {
        // Resolved once per request, even when a middleware (idempotency) asked first.
        let principal = match parts.extensions.get::<Principal>() {
            Some(principal) => principal.clone(),
            None => {
                let principal = principal(parts, state).await?;
                parts.extensions.insert(principal.clone());
                principal
            }
        };
        if !principal.may(P::NAME) {
            return Err(crate::auth::forbidden(P::NAME));
        }
        if let Some(limiter) = &state.limiter
            && let Err(wait) = limiter.take(&principal.credential, std::time::Instant::now())
        {
            let seconds = wait.ceil().max(1.0);
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many requests for this credential; retry in {seconds} s"),
            )
            .with_detail("retry_after_seconds", seconds));
        }
        Ok(Authed(principal.tenant, PhantomData))
    }
}
