//! People signing in: a tenant's users trade an e-mail and a password for a session token at
//! `POST /v1/sessions`, and send it like an API key. The dashboard's sign-in form uses this;
//! scripts keep using API keys and OAuth clients.
//!
//! - A session token (`llu_…`, 256 random bits) is opaque and stored hashed; it lasts
//!   [`SESSION_TTL`], ends at sign-out (`DELETE /v1/sessions/current`), when the password is
//!   changed elsewhere, and when the user is revoked (`DELETE /v1/credentials/{usr_…}`).
//! - A user is a credential with permissions, like keys: the same scopes decide what a session
//!   may do, and the audit log names the user.
//! - Guessing is slowed three ways: the password hash costs ~0.3 s of CPU (PBKDF2, see
//!   [`crate::passwords`]); at most [`KDF_PERMITS`] hashes run at once, so a flood of sign-ins
//!   cannot take every core from the analyses; and after [`MAX_FAILURES`] wrong passwords for
//!   one e-mail within [`LOCK_WINDOW`], that e-mail is refused (429 `sign_in_locked`) until the
//!   window ends. The lock is per process, like the rate limit: with N API processes a guesser
//!   gets N times the tries, still a handful per quarter hour.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use ledgerlens_store::{Blobs, CredentialSpec, Principal, Store, TenantId};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use crate::auth::Caller;
use crate::credentials::audit;
use crate::documents::timestamp;
use crate::json_body::Body;
use crate::{ApiError, AppState, blocking, now_ms, passwords};

/// How long a session works after sign-in: a working day and then some.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);

/// Wrong passwords for one e-mail before it is locked for the rest of the window.
pub const MAX_FAILURES: u32 = 5;

/// The window over which failures are counted, and the lock's length.
pub const LOCK_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Password hashes computed at once in this process.
pub const KDF_PERMITS: usize = 2;

/// E-mails with recent failures kept in memory before expired ones are swept.
const MAX_TRACKED: usize = 100_000;

/// This process's memory of failed sign-ins, and the gate on password hashing.
#[derive(Debug)]
pub(crate) struct SignInGuard {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    kdf: Semaphore,
}

impl Default for SignInGuard {
    fn default() -> Self {
        SignInGuard {
            failures: Mutex::new(HashMap::new()),
            kdf: Semaphore::new(KDF_PERMITS),
        }
    }
}

impl SignInGuard {
    /// How long `email` stays locked, if it is.
    fn locked(&self, email: &str, now: Instant) -> Option<Duration> {
        let failures = self.failures.lock().ok()?;
        let (count, since) = failures.get(email)?;
        let elapsed = now.saturating_duration_since(*since);
        (*count >= MAX_FAILURES && elapsed < LOCK_WINDOW).then(|| LOCK_WINDOW - elapsed)
    }

    fn failed(&self, email: &str, now: Instant) {
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        if failures.len() >= MAX_TRACKED {
            failures.retain(|_, (_, since)| now.saturating_duration_since(*since) < LOCK_WINDOW);
        }
        let entry = failures.entry(email.to_owned()).or_insert((0, now));
        if now.saturating_duration_since(entry.1) >= LOCK_WINDOW {
            *entry = (0, now);
        }
        entry.0 = entry.0.saturating_add(1);
    }

    fn succeeded(&self, email: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(email);
        }
    }

    /// Runs a password hash or check on the blocking pool, at most [`KDF_PERMITS`] at once.
    async fn hashing<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self
            .kdf
            .acquire()
            .await
            .map_err(|e| ApiError::internal(&e))?;
        blocking(work).await
    }
}

/// Creates a user after checking the password policy (400) and the e-mail's uniqueness (409).
/// Used by `POST /v1/credentials` (`kind: user`).
pub(crate) async fn create_user<S: Store>(
    store: &S,
    tenant: &TenantId,
    email: &str,
    password: String,
    spec: &CredentialSpec,
) -> Result<String, ApiError> {
    if let Some(problem) = passwords::policy_problem(&password, email) {
        return Err(ApiError::bad_field("weak_password", "password", &problem));
    }
    let hash = blocking(move || passwords::hash(&password))
        .await?
        .map_err(|e| ApiError::internal(&e))?;
    match store
        .create_user(tenant, email, &hash, spec, now_ms())
        .await
    {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "email_taken",
            "a user with this e-mail address already exists",
        )
        .with_detail("field", "email")),
        Err(ledgerlens_store::StoreError::Invalid(why)) => {
            Err(ApiError::bad_field("invalid_field", "email", &why))
        }
        Err(other) => Err(other.into()),
    }
}

/// The session token a request carries, if what it carries is one (read as authentication
/// reads it, [`crate::auth::presented`]).
pub(crate) fn session_token(headers: &HeaderMap) -> Option<&str> {
    crate::auth::presented(headers)
        .map(|credential| credential.secret())
        .filter(|secret| secret.starts_with(SESSION_PREFIX))
}

/// What every session token starts with (API keys start `llk_`, client secrets `lls_`).
pub(crate) const SESSION_PREFIX: &str = "llu_";

fn invalid_login() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_login",
        "the e-mail address or the password is wrong",
    )
}

/// `POST /v1/sessions` `{email, password}`: signs in; the token is in this answer only.
pub(crate) async fn sign_in<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let body = Body::parse(&body, &["email", "password"])?;
    let email = body
        .text("email")?
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .ok_or_else(|| ApiError::bad_field("missing_field", "email", "required"))?;
    let password = body
        .text("password")?
        .filter(|p| !p.is_empty())
        .ok_or_else(|| ApiError::bad_field("missing_field", "password", "required"))?;
    if password.len() > passwords::MAX_BYTES {
        return Err(invalid_login());
    }
    let guard = &state.sign_in;
    if let Some(wait) = guard.locked(&email, Instant::now()) {
        let seconds = wait.as_secs().max(1);
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "sign_in_locked",
            format!(
                "too many wrong passwords for this e-mail address; try again in {} min",
                seconds.div_ceil(60)
            ),
        )
        .with_detail("retry_after_seconds", seconds));
    }
    let now = now_ms();
    let login = state.store.user_login(&email, now).await?;
    let matches = match &login {
        Some(login) => {
            let stored = login.password_hash.clone();
            guard
                .hashing(move || passwords::verify(&password, &stored))
                .await?
        }
        None => {
            guard
                .hashing(move || passwords::verify_decoy(&password))
                .await?;
            false
        }
    };
    let login = match login {
        Some(login) if matches => login,
        known => {
            guard.failed(&email, Instant::now());
            if let Some(login) = known {
                audit(
                    &state.store,
                    &login.principal,
                    "sign_in.failed",
                    Some(&login.principal.credential),
                )
                .await;
            }
            return Err(invalid_login());
        }
    };
    guard.succeeded(&email);
    let ttl_ms = i64::try_from(SESSION_TTL.as_millis()).unwrap_or(i64::MAX);
    let expires = now.saturating_add(ttl_ms);
    let token = state
        .store
        .create_session(&login.principal.credential, now, expires)
        .await?;
    audit(&state.store, &login.principal, "sign_in", None).await;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "token": token,
            "token_type": "session",
            "expires_at": timestamp(expires),
            "expires_in": SESSION_TTL.as_secs(),
            "user": {
                "id": login.principal.credential,
                "email": email,
                "permissions": login.principal.permissions,
            },
        })),
    ))
}

/// `DELETE /v1/sessions/current`: signs this session out.
pub(crate) async fn sign_out<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Caller(caller): Caller,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = session_token(&headers).ok_or_else(not_a_session)?;
    state.store.end_session(token, now_ms()).await?;
    audit(&state.store, &caller, "sign_out", None).await;
    Ok(StatusCode::NO_CONTENT)
}

fn not_a_session() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "not_a_session",
        "this request is authenticated with an API key or token, not a signed-in session",
    )
}

/// `GET /v1/me`: who the credential is and what it may do (any credential, any scope), so a
/// page can show only what its user can use.
pub(crate) async fn me<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Caller(caller): Caller,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let (kind, email, expires) = match session_token(&headers) {
        Some(token) => {
            let session = state.store.principal_for_session(token, now_ms()).await?;
            (
                "user",
                session.as_ref().map(|s| s.email.clone()),
                session.map(|s| timestamp(s.expires_at_ms)),
            )
        }
        None if caller.credential.starts_with("cli_") => ("oauth_client", None, None),
        None => ("api_key", None, None),
    };
    Ok(Json(json!({
        "id": caller.credential,
        "kind": kind,
        "email": email,
        "permissions": caller.permissions,
        "session_expires_at": expires,
    })))
}

/// `PUT /v1/me/password` `{current_password, new_password}`: a signed-in user changes their
/// password; every other session of theirs ends.
pub(crate) async fn change_password<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Caller(caller): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let token = session_token(&headers)
        .ok_or_else(not_a_session)?
        .to_owned();
    let body = Body::parse(&body, &["current_password", "new_password"])?;
    let current = body
        .text("current_password")?
        .ok_or_else(|| ApiError::bad_field("missing_field", "current_password", "required"))?;
    let new = body
        .text("new_password")?
        .ok_or_else(|| ApiError::bad_field("missing_field", "new_password", "required"))?;
    let session = state
        .store
        .principal_for_session(&token, now_ms())
        .await?
        .ok_or_else(not_a_session)?;
    if let Some(problem) = passwords::policy_problem(&new, &session.email) {
        return Err(ApiError::bad_field(
            "weak_password",
            "new_password",
            &problem,
        ));
    }
    let login = state
        .store
        .user_login(&session.email, now_ms())
        .await?
        .ok_or_else(invalid_login)?;
    let stored = login.password_hash;
    let (matches, hash) = state
        .sign_in
        .hashing(move || {
            let matches = passwords::verify(&current, &stored);
            (matches, matches.then(|| passwords::hash(&new)))
        })
        .await?;
    if !matches {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "invalid_login",
            "the current password is wrong",
        )
        .with_detail("field", "current_password"));
    }
    let hash = hash
        .transpose()
        .map_err(|e| ApiError::internal(&e))?
        .unwrap_or_default();
    state
        .store
        .set_user_password(&caller.credential, &hash, Some(&token), now_ms())
        .await?;
    audit(&state.store, &caller, "password.change", None).await;
    Ok(StatusCode::NO_CONTENT)
}

/// The principal of a session token, or the 401 to answer.
pub(crate) async fn principal<S: Store>(store: &S, token: &str) -> Result<Principal, ApiError> {
    store
        .principal_for_session(token, now_ms())
        .await?
        .map(|s| s.principal)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "session_ended",
                "the session has expired or was signed out; sign in again",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_an_email_for_the_window_only() {
        let guard = SignInGuard::default();
        let start = Instant::now();
        for _ in 0..MAX_FAILURES - 1 {
            guard.failed("ada@bank.example", start);
        }
        assert!(guard.locked("ada@bank.example", start).is_none());
        guard.failed("ada@bank.example", start);
        assert!(guard.locked("ada@bank.example", start).is_some());
        assert!(guard.locked("bob@bank.example", start).is_none());
        assert!(
            guard
                .locked("ada@bank.example", start + LOCK_WINDOW)
                .is_none()
        );
        // A success clears the count.
        guard.succeeded("ada@bank.example");
        assert!(guard.locked("ada@bank.example", start).is_none());
    }

    #[test]
    fn session_tokens_are_found_in_either_header() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer llu_abc".parse().unwrap());
        assert_eq!(session_token(&headers), Some("llu_abc"));
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", "llu_abc".parse().unwrap());
        assert_eq!(session_token(&headers), Some("llu_abc"));
        headers.insert("x-api-key", "llk_abc".parse().unwrap());
        assert_eq!(session_token(&headers), None);
    }
}
