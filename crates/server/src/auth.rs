//! Who is calling: an API key (`X-API-Key`, or `Authorization: Bearer <key>`) resolves to a
//! tenant, and every handler that touches data takes the [`Tenant`] extractor, so no route can
//! forget to authenticate or to scope by tenant.
//!
//! The bearer form accepts API keys today; short-lived OAuth tokens from `POST /oauth/token` will
//! be accepted in the same header next.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use ledgerlens_store::{Store, TenantId};

use crate::{ApiError, AppState};

/// The authenticated caller's tenant.
#[derive(Debug, Clone)]
pub struct Tenant(pub TenantId);

fn presented_key(parts: &Parts) -> Option<&str> {
    if let Some(key) = parts.headers.get("x-api-key") {
        return key.to_str().ok().map(str::trim);
    }
    let authorization = parts.headers.get("authorization")?.to_str().ok()?;
    let (scheme, token) = authorization.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

impl<S: Store, B: Send + Sync + 'static> FromRequestParts<AppState<S, B>> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S, B>,
    ) -> Result<Self, Self::Rejection> {
        let Some(key) = presented_key(parts).filter(|k| !k.is_empty()) else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing_credentials",
                "send an API key in the X-API-Key header",
            ));
        };
        match state.store.tenant_for_api_key(key).await? {
            Some(tenant) => Ok(Tenant(tenant)),
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "the API key is unknown or revoked",
            )),
        }
    }
}
