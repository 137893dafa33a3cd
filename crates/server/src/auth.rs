//! Who is calling, and whether they may: an API key (`X-API-Key`, or `Authorization: Bearer
//! <key>`) or a bearer token from `POST /oauth/token` (`Authorization: Bearer <token>`)
//! resolves to a [`Principal`] — tenant, credential and permissions. Every handler that touches
//! data takes the [`Tenant`] (or [`Caller`]) extractor, so no route can forget to authenticate,
//! to check the credential's permissions, or to scope by tenant.
//!
//! The bearer value tells which it is: tokens are JWTs (three dot-separated parts), API keys
//! (`llk_…`) have no dot.
//!
//! Permissions are scopes. The scope a request needs follows from its method and path
//! ([`required_scope`]), so a new route is covered without anyone remembering to add a check:
//! reading needs `documents:read`, changing needs `documents:write`, webhooks need
//! `webhooks:manage`, credentials and the audit log need `credentials:manage`, tenant rules and
//! preferences need `settings:manage` to change. `*` is every scope. A caller's own affairs
//! (`/v1/me`, signing out) need none.
//!
//! A session token of a signed-in user (`llu_…`, from `POST /v1/sessions`) is sent like an API
//! key and resolves to the user ([`crate::sessions`]).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use ledgerlens_store::{Principal, Store, TenantId};

use crate::{ApiError, AppState, oauth, sessions};

/// The authenticated caller's tenant.
#[derive(Debug, Clone)]
pub struct Tenant(pub TenantId);

/// The authenticated caller, permissions included.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

/// What the caller presented.
pub(crate) enum Credential<'a> {
    /// An API key or a session token (no dot), from `X-API-Key` or a bearer header.
    ApiKey(&'a str),
    /// A bearer JWT from `POST /oauth/token` (it has dots).
    Token(&'a str),
}

impl<'a> Credential<'a> {
    /// The presented secret itself.
    pub(crate) fn secret(&self) -> &'a str {
        match self {
            Credential::ApiKey(secret) | Credential::Token(secret) => secret,
        }
    }
}

/// The one reading of a request's credential headers: `X-API-Key` wins over `Authorization`.
pub(crate) fn presented(headers: &HeaderMap) -> Option<Credential<'_>> {
    if let Some(key) = headers.get("x-api-key") {
        return key
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(Credential::ApiKey);
    }
    let authorization = headers.get("authorization")?.to_str().ok()?;
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

/// The "scope" of a caller's own affairs (who am I, sign out, change my password): every
/// authenticated caller has it.
pub(crate) const SELF_SERVICE: &str = "self";

/// The scope a request needs, from its method and path.
pub(crate) fn required_scope(method: &Method, path: &str) -> &'static str {
    let reads = matches!(*method, Method::GET | Method::HEAD);
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    if under("/v1/me") || under("/v1/sessions") {
        SELF_SERVICE
    } else if under("/v1/webhooks") {
        "webhooks:manage"
    } else if under("/v1/credentials") || under("/v1/audit") {
        "credentials:manage"
    } else if (under("/v1/rules") || under("/v1/preferences")) && !reads {
        "settings:manage"
    } else if reads {
        "documents:read"
    } else {
        "documents:write"
    }
}

/// Resolves the credentials of a request to a principal (401 when missing or invalid).
pub(crate) async fn resolve<S: Store, B>(
    parts: &Parts,
    state: &AppState<S, B>,
) -> Result<Principal, ApiError> {
    match presented(&parts.headers) {
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing_credentials",
            "send an API key in the X-API-Key header, or a token from POST /oauth/token \
             as Authorization: Bearer <token>",
        )),
        Some(Credential::Token(token)) => {
            oauth::principal_for_token(&state.store, &state.token_key, token).await
        }
        Some(Credential::ApiKey(key)) if key.starts_with(sessions::SESSION_PREFIX) => {
            sessions::principal(&state.store, key).await
        }
        Some(Credential::ApiKey(key)) => state
            .store
            .principal_for_api_key(key, crate::now_ms())
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_credentials",
                    "the API key is unknown or revoked",
                )
            }),
    }
}

/// 403 for a credential without the scope.
pub(crate) fn forbidden(scope: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "insufficient_scope",
        format!("this credential lacks the `{scope}` permission"),
    )
    .with_detail("required_scope", scope)
}

impl<S: Store, B: Send + Sync + 'static> FromRequestParts<AppState<S, B>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S, B>,
    ) -> Result<Self, Self::Rejection> {
        // Resolved once per request, even when a middleware asked first.
        let principal = match parts.extensions.get::<Principal>() {
            Some(principal) => principal.clone(),
            None => {
                let principal = resolve(parts, state).await?;
                parts.extensions.insert(principal.clone());
                principal
            }
        };
        let scope = required_scope(&parts.method, parts.uri.path());
        if scope != SELF_SERVICE && !principal.may(scope) {
            return Err(forbidden(scope));
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
        Ok(Caller(principal))
    }
}

impl<S: Store, B: Send + Sync + 'static> FromRequestParts<AppState<S, B>> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState<S, B>,
    ) -> Result<Self, Self::Rejection> {
        Caller::from_request_parts(parts, state)
            .await
            .map(|caller| Tenant(caller.0.tenant))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_follow_method_and_path() {
        assert_eq!(
            required_scope(&Method::GET, "/v1/documents/x"),
            "documents:read"
        );
        assert_eq!(
            required_scope(&Method::POST, "/v1/documents"),
            "documents:write"
        );
        assert_eq!(
            required_scope(&Method::DELETE, "/v1/cases/x"),
            "documents:write"
        );
        assert_eq!(
            required_scope(&Method::GET, "/v1/webhooks"),
            "webhooks:manage"
        );
        assert_eq!(
            required_scope(&Method::GET, "/v1/credentials"),
            "credentials:manage"
        );
        assert_eq!(
            required_scope(&Method::GET, "/v1/audit"),
            "credentials:manage"
        );
        assert_eq!(
            required_scope(&Method::PUT, "/v1/preferences"),
            "settings:manage"
        );
        assert_eq!(
            required_scope(&Method::GET, "/v1/preferences"),
            "documents:read"
        );
        assert_eq!(required_scope(&Method::GET, "/v1/me"), SELF_SERVICE);
        assert_eq!(
            required_scope(&Method::DELETE, "/v1/sessions/current"),
            SELF_SERVICE
        );
        // A prefix is a whole segment.
        assert_eq!(
            required_scope(&Method::GET, "/v1/webhooksx"),
            "documents:read"
        );
    }
}
