//! OAuth2 client credentials (spec 004): `POST /oauth/token` trades a client's id and secret for
//! a short-lived bearer token, which [`crate::auth`] accepts in `Authorization: Bearer`.
//!
//! Tokens are stateless JWTs (HS256): `base64url(header).base64url(payload).base64url(mac)`, the
//! payload `{"tid": tenant, "sub": client_id, "iat": s, "exp": s}`, the MAC an HMAC-SHA256 under
//! the server's [`TokenKey`] (a file in the data directory, so tokens survive restarts).
//! Signatures and secret hashes are compared in constant time (`hmac`'s `verify_slice`). A token
//! is accepted only while its client exists, is not revoked, and still belongs to the tenant the
//! token names, so revoking a client ends its tokens at once.

use std::fmt;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use hmac::{Hmac, Mac};
use ledgerlens_store::{Principal, Store, hash_secret};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::{ApiError, AppState, now_ms};

type HmacSha256 = Hmac<Sha256>;

/// The one grant this server issues tokens for.
const CLIENT_CREDENTIALS: &str = "client_credentials";

/// The JOSE header of every token: `{"alg":"HS256","typ":"JWT"}`.
const HEADER_JSON: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// Longest field value taken in a token request (ids and secrets are far shorter).
const MAX_FIELD_BYTES: usize = 1024;

/// The key tokens are signed with: 32 bytes, never printed.
#[derive(Clone)]
pub struct TokenKey([u8; 32]);

impl TokenKey {
    /// Length of a key in bytes.
    pub const LEN: usize = 32;

    /// A key from its bytes (e.g. the key file); `None` unless exactly 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(bytes).ok().map(TokenKey)
    }

    /// A new random key from the OS.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)?;
        Ok(TokenKey(key))
    }

    /// The key's bytes (to write the key file).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes a key of any length; this cannot fail for 32 bytes.
        match HmacSha256::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => unreachable_mac(),
        }
    }
}

/// HMAC accepts every key length, so this is never reached; it exists so `mac` needs no panic.
#[cold]
fn unreachable_mac() -> HmacSha256 {
    <HmacSha256 as hmac::digest::KeyInit>::new(&Default::default())
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKey(<redacted>)")
    }
}

/// A new token for `client` of `tenant`, valid `ttl_secs` from `now_ms`.
pub(crate) fn issue(
    key: &TokenKey,
    tenant: &str,
    client: &str,
    now_ms: i64,
    ttl_secs: u64,
) -> String {
    let issued = now_ms.div_euclid(1000);
    // Rounded up, so a token lives at least the `expires_in` the client is told.
    let expires = now_ms
        .saturating_add(999)
        .div_euclid(1000)
        .saturating_add(i64::try_from(ttl_secs).unwrap_or(i64::MAX));
    let payload = json!({
        "tid": tenant,
        "sub": client,
        "iat": issued,
        "exp": expires,
    });
    let signing_input = format!(
        "{}.{}",
        B64URL.encode(HEADER_JSON),
        B64URL.encode(payload.to_string())
    );
    let mut mac = key.mac();
    mac.update(signing_input.as_bytes());
    let signature = B64URL.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// What a token says, once its signature is checked.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Claims {
    pub(crate) tenant: String,
    pub(crate) client: String,
    pub(crate) expires_s: i64,
}

/// Why a token is refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    /// Not a token of ours, or altered.
    Invalid,
    /// Genuine but past its `exp`.
    Expired,
}

/// Checks the signature (constant time), then the shape, then the expiry.
pub(crate) fn verify(key: &TokenKey, token: &str, now_ms: i64) -> Result<Claims, TokenProblem> {
    let (signing_input, signature) = token.rsplit_once('.').ok_or(TokenProblem::Invalid)?;
    let (header_b64, payload_b64) = signing_input.split_once('.').ok_or(TokenProblem::Invalid)?;
    let signature = B64URL
        .decode(signature)
        .map_err(|_| TokenProblem::Invalid)?;
    let mut mac = key.mac();
    mac.update(signing_input.as_bytes());
    mac.verify_slice(&signature)
        .map_err(|_| TokenProblem::Invalid)?;
    // Signed by us, so what follows is our own output; checked anyway.
    let header = B64URL
        .decode(header_b64)
        .map_err(|_| TokenProblem::Invalid)?;
    if header != HEADER_JSON.as_bytes() {
        return Err(TokenProblem::Invalid);
    }
    let payload: Value = B64URL
        .decode(payload_b64)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(TokenProblem::Invalid)?;
    let text = |name: &str| {
        payload
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or(TokenProblem::Invalid)
    };
    let claims = Claims {
        tenant: text("tid")?,
        client: text("sub")?,
        expires_s: payload
            .get("exp")
            .and_then(Value::as_i64)
            .ok_or(TokenProblem::Invalid)?,
    };
    if now_ms >= claims.expires_s.saturating_mul(1000) {
        return Err(TokenProblem::Expired);
    }
    Ok(claims)
}

/// Who a bearer token authenticates as (its client, with the client's current permissions),
/// or the 401 to answer.
pub(crate) async fn principal_for_token<S: Store>(
    store: &S,
    key: &TokenKey,
    token: &str,
) -> Result<Principal, ApiError> {
    let claims = verify(key, token, now_ms()).map_err(|problem| match problem {
        TokenProblem::Invalid => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "the bearer token is malformed, altered or not issued by this server",
        ),
        TokenProblem::Expired => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "token_expired",
            "the bearer token has expired; request a new one from POST /oauth/token",
        ),
    })?;
    match store.oauth_client(&claims.client, now_ms()).await? {
        Some((principal, _)) if principal.tenant.as_str() == claims.tenant => Ok(principal),
        _ => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "the token's client is unknown or revoked",
        )),
    }
}

/// Whether `presented` is the secret whose hash is `stored_hash`, in constant time: both hashes
/// go through an HMAC and the tags are compared with `verify_slice`.
fn secret_matches(key: &TokenKey, stored_hash: &str, presented: &str) -> bool {
    let mut presented_mac = key.mac();
    presented_mac.update(hash_secret(presented).as_bytes());
    let mut stored_mac = key.mac();
    stored_mac.update(stored_hash.as_bytes());
    stored_mac
        .verify_slice(&presented_mac.finalize().into_bytes())
        .is_ok()
}

/// The fields of a token request, JSON or form-encoded. Unknown fields are ignored (RFC 6749
/// §3.2); empty values count as absent.
#[derive(Debug, Default)]
struct TokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

fn invalid_request(field: &str, why: &str) -> ApiError {
    ApiError::bad_field("invalid_request", field, why)
}

fn read_request(headers: &HeaderMap, body: &[u8]) -> Result<TokenRequest, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let pairs: Vec<(String, Value)> = match content_type.as_str() {
        "application/json" => {
            let value: Value = serde_json::from_slice(body).map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "malformed_json",
                    format!("the body is not JSON: {e}"),
                )
            })?;
            let Value::Object(object) = value else {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "malformed_json",
                    "the body must be a JSON object with `grant_type`, `client_id` and \
                     `client_secret`",
                ));
            };
            object.into_iter().collect()
        }
        "application/x-www-form-urlencoded" => {
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
                .map_err(|_| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_request",
                        "the body is not a valid form (application/x-www-form-urlencoded)",
                    )
                })?
                .into_iter()
                .map(|(name, value)| (name, Value::String(value)))
                .collect()
        }
        _ => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send application/json or application/x-www-form-urlencoded",
            ));
        }
    };
    let mut request = TokenRequest::default();
    for (name, value) in pairs {
        let slot = match name.as_str() {
            "grant_type" => &mut request.grant_type,
            "client_id" => &mut request.client_id,
            "client_secret" => &mut request.client_secret,
            // `audience` (spec 004), `scope` and anything else: accepted and ignored.
            _ => continue,
        };
        let text = match value {
            Value::String(text) => text,
            Value::Null => continue,
            _ => return Err(invalid_request(&name, "must be a string")),
        };
        if text.len() > MAX_FIELD_BYTES {
            return Err(invalid_request(&name, "too long"));
        }
        if slot.is_some() {
            return Err(invalid_request(&name, "given more than once"));
        }
        if !text.is_empty() {
            *slot = Some(text);
        }
    }
    Ok(request)
}

/// `POST /oauth/token` (JSON or form): `{grant_type: "client_credentials", client_id,
/// client_secret, audience?}` → 200 `{"access_token","token_type":"Bearer","expires_in"}`.
pub(crate) async fn token<S: Store, B: Send + Sync + 'static>(
    State(state): State<AppState<S, B>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = read_request(&headers, &body)?;
    let Some(grant_type) = request.grant_type else {
        return Err(invalid_request(
            "grant_type",
            "required (`client_credentials`)",
        ));
    };
    if grant_type != CLIENT_CREDENTIALS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only the `client_credentials` grant is supported",
        )
        .with_detail("field", "grant_type"));
    }
    let Some(client_id) = request.client_id else {
        return Err(invalid_request("client_id", "required"));
    };
    let Some(client_secret) = request.client_secret else {
        return Err(invalid_request("client_secret", "required"));
    };
    let tenant = match state.store.oauth_client(&client_id, now_ms()).await? {
        Some((principal, stored_hash))
            if secret_matches(&state.token_key, &stored_hash, &client_secret) =>
        {
            principal.tenant
        }
        _ => {
            tracing::info!(client = %client_id, "token refused: unknown client or wrong secret");
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "unknown or revoked client, or wrong secret",
            ));
        }
    };
    let ttl = state.config.token_ttl.as_secs();
    let access_token = issue(&state.token_key, tenant.as_str(), &client_id, now_ms(), ttl);
    tracing::info!(client = %client_id, %tenant, "token issued");
    let mut response = Json(json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": ttl,
    }))
    .into_response();
    // RFC 6749 §5.1: a token response is never cached.
    let response_headers = response.headers_mut();
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response_headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(response)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail loudly by design"
)]
mod tests {
    use super::*;

    const TENANT: &str = "ten_0123456789abcdef0123456789abcdef";

    #[test]
    fn a_token_verifies_until_it_expires() {
        let key = TokenKey::generate().unwrap();
        let token = issue(&key, TENANT, "cli_x", 1_000_000, 60);
        assert_eq!(token.split('.').count(), 3);
        let claims = verify(&key, &token, 1_000_000).unwrap();
        assert_eq!(claims.tenant, TENANT);
        assert_eq!(claims.client, "cli_x");
        assert_eq!(claims.expires_s, 1_060);
        assert!(verify(&key, &token, 1_059_999).is_ok());
        assert_eq!(verify(&key, &token, 1_060_000), Err(TokenProblem::Expired));
    }

    #[test]
    fn altered_or_foreign_tokens_are_invalid() {
        let key = TokenKey::generate().unwrap();
        let token = issue(&key, TENANT, "cli_x", 1_000_000, 60);
        let other = TokenKey::generate().unwrap();
        assert_eq!(
            verify(&other, &token, 1_000_000),
            Err(TokenProblem::Invalid)
        );
        // A payload rewritten to another tenant, keeping the signature.
        let parts: Vec<&str> = token.split('.').collect();
        let forged = B64URL.encode(
            json!({"tid":"ten_ffffffffffffffffffffffffffffffff","sub":"cli_x","iat":1000,"exp":99999999999_i64})
                .to_string(),
        );
        let tampered = format!("{}.{forged}.{}", parts[0], parts[2]);
        assert_eq!(
            verify(&key, &tampered, 1_000_000),
            Err(TokenProblem::Invalid)
        );
        for junk in ["", ".", "..", "a.b.c", "llk_abc", &format!("{token}x")] {
            assert_eq!(verify(&key, junk, 1_000_000), Err(TokenProblem::Invalid));
        }
    }

    #[test]
    fn secrets_match_only_their_hash() {
        let key = TokenKey::generate().unwrap();
        let stored = hash_secret("lls_right");
        assert!(secret_matches(&key, &stored, "lls_right"));
        assert!(!secret_matches(&key, &stored, "lls_wrong"));
        assert!(!secret_matches(&key, &stored, ""));
    }

    #[test]
    fn keys_are_32_bytes_and_never_printed() {
        assert!(TokenKey::from_bytes(&[7; 31]).is_none());
        let key = TokenKey::from_bytes(&[7; 32]).unwrap();
        assert_eq!(key.as_bytes(), &[7; 32]);
        assert_eq!(format!("{key:?}"), "TokenKey(<redacted>)");
    }

    #[test]
    fn json_and_form_requests_read_alike() {
        let mut json_headers = HeaderMap::new();
        json_headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let json_request = read_request(
            &json_headers,
            br#"{"client_id":"c","client_secret":"s","grant_type":"client_credentials","audience":"a"}"#,
        )
        .unwrap();
        let mut form_headers = HeaderMap::new();
        form_headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
        );
        let form_request = read_request(
            &form_headers,
            b"grant_type=client_credentials&client_id=c&client_secret=s&audience=a%20b",
        )
        .unwrap();
        for request in [json_request, form_request] {
            assert_eq!(request.grant_type.as_deref(), Some("client_credentials"));
            assert_eq!(request.client_id.as_deref(), Some("c"));
            assert_eq!(request.client_secret.as_deref(), Some("s"));
        }
        let err = read_request(&json_headers, br#"{"client_id":5}"#).unwrap_err();
        assert_eq!(err.code, "invalid_request");
        let err = read_request(&HeaderMap::new(), b"x").unwrap_err();
        assert_eq!(err.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
}
