//! Who is calling: an API key (`X-API-Key`, or `Authorization: Bearer <key>`) or a bearer token
//! from `POST /oauth/token` (`Authorization: Bearer <token>`) resolves to a tenant, and every
//! handler that touches data takes the [`Tenant`] extractor, so no route can forget to
//! authenticate or to scope by tenant.
//!
//! The bearer value tells which it is: tokens are JWTs (three dot-separated parts), API keys
//! (`llk_…`) have no dot.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use ledgerlens_store::{Store, TenantId};

use crate::{ApiError, AppState, oauth};

/// The authenticated caller's tenant.
#[derive(Debug, Clone)]
pub struct Tenant(pub TenantId);

/// What the caller presented.
enum Credential<'a> {
    ApiKey(&'a str),
    Token(&'a str),
}

fn presented(parts: &Parts) -> Option<Credential<'_>> {
    if let Some(key) = parts.headers.get("x-api-key") {
        return key
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(Credential::ApiKey);
    }
    let authorization = parts.headers.get("authorization")?.to_str().ok()?;
    let (scheme, value) = authorization.split_once(' ')?;
    let value = value.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || value.is_empty() {
        return None;
    }
    Some(if value.contains('.') {
        Credential::Token(value)
    } else {
        Credential::ApiKey(value)
    })
}

impl<S: Store, B: Send + Sync + 'static> FromRequestParts<AppState<S, B>> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S, B>,
    ) -> Result<Self, Self::Rejection> {
        match presented(parts) {
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing_credentials",
                "send an API key in the X-API-Key header, or a token from POST /oauth/token \
                 as Authorization: Bearer <token>",
            )),
            Some(Credential::Token(token)) => {
                oauth::tenant_for_token(&state.store, &state.token_key, token)
                    .await
                    .map(Tenant)
            }
            Some(Credential::ApiKey(key)) => match state.store.tenant_for_api_key(key).await? {
                Some(tenant) => Ok(Tenant(tenant)),
                None => Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_credentials",
                    "the API key is unknown or revoked",
                )),
            },
        }
    }
}
