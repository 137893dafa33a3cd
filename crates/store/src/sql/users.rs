//! People of a tenant and their signed-in sessions.
//!
//! The store never sees a password: the server hashes it (a slow KDF belongs next to the request
//! that pays for it) and the store keeps the hash string. Session tokens are random and only
//! their SHA-256 is kept, like API keys: a token has 256 bits of entropy, so a fast hash is
//! enough and lets every request find its session by index.

use sqlx::{Row, query};

use super::SqlStore;
use super::credentials::permissions_json;
use super::rows::string_list;
use crate::domain::{CredentialSpec, Principal, SessionPrincipal, UserLogin};
use crate::ids::random_hex;
use crate::{StoreError, TenantId, hash_secret, random_token};

/// Longest e-mail address accepted (RFC 5321's path limit).
const MAX_EMAIL_BYTES: usize = 254;

/// The one spelling an address is stored and looked up in.
fn canonical_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl SqlStore {
    pub(super) async fn create_user_sql(
        &self,
        tenant: &TenantId,
        email: &str,
        password_hash: &str,
        spec: &CredentialSpec,
        now_ms: i64,
    ) -> Result<Option<String>, StoreError> {
        let email = canonical_email(email);
        if email.len() > MAX_EMAIL_BYTES || !plausible_email(&email) {
            return Err(StoreError::Invalid(
                "an e-mail address is name@domain, at most 254 characters".to_owned(),
            ));
        }
        let id = format!("usr_{}", random_hex(8)?);
        let done = query(
            "INSERT INTO users (id, tenant_id, email, password_hash, permissions, label, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (email) DO NOTHING",
        )
        .bind(&id)
        .bind(tenant.as_str())
        .bind(&email)
        .bind(password_hash)
        .bind(permissions_json(spec)?)
        .bind(spec.label.as_deref())
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok((done.rows_affected() == 1).then_some(id))
    }

    pub(super) async fn user_login_sql(
        &self,
        email: &str,
        now_ms: i64,
    ) -> Result<Option<UserLogin>, StoreError> {
        let row = query(
            "SELECT id, tenant_id, password_hash, permissions FROM users \
             WHERE email = $1 AND (revoked_at IS NULL OR revoked_at > $2)",
        )
        .bind(canonical_email(email))
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let permissions: String = row.try_get("permissions")?;
        Ok(Some(UserLogin {
            principal: Principal {
                tenant: TenantId::from_db(row.try_get("tenant_id")?),
                credential: row.try_get("id")?,
                permissions: string_list(&permissions, "user permissions")?,
            },
            password_hash: row.try_get("password_hash")?,
        }))
    }

    pub(super) async fn set_user_password_sql(
        &self,
        user_id: &str,
        password_hash: &str,
        keep: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = query(
            "UPDATE users SET password_hash = $1 WHERE id = $2 \
             AND (revoked_at IS NULL OR revoked_at > $3)",
        )
        .bind(password_hash)
        .bind(user_id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        // Whoever else knew the old password is signed out; the session that changed it stays.
        query(
            "UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL \
             AND token_hash <> $3",
        )
        .bind(now_ms)
        .bind(user_id)
        .bind(keep.map(hash_secret).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    pub(super) async fn create_session_sql(
        &self,
        user_id: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<String, StoreError> {
        let token = random_token("llu_")?;
        query(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(hash_secret(&token))
        .bind(user_id)
        .bind(now_ms)
        .bind(expires_at_ms)
        .execute(&self.pool)
        .await?;
        // Sessions nobody signed out of would otherwise stay forever: each sign-in of the user
        // removes theirs that ended or expired more than a day ago.
        query("DELETE FROM sessions WHERE user_id = $1 AND (expires_at < $2 OR ended_at < $2)")
            .bind(user_id)
            .bind(now_ms.saturating_sub(86_400_000))
            .execute(&self.pool)
            .await?;
        Ok(token)
    }

    pub(super) async fn principal_for_session_sql(
        &self,
        token: &str,
        now_ms: i64,
    ) -> Result<Option<SessionPrincipal>, StoreError> {
        let row = query(
            "SELECT u.id, u.tenant_id, u.permissions, u.email, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > $2 \
             AND (u.revoked_at IS NULL OR u.revoked_at > $2)",
        )
        .bind(hash_secret(token))
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let permissions: String = row.try_get("permissions")?;
        Ok(Some(SessionPrincipal {
            principal: Principal {
                tenant: TenantId::from_db(row.try_get("tenant_id")?),
                credential: row.try_get("id")?,
                permissions: string_list(&permissions, "user permissions")?,
            },
            email: row.try_get("email")?,
            expires_at_ms: row.try_get("expires_at")?,
        }))
    }

    pub(super) async fn end_session_sql(
        &self,
        token: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        // Ended sessions are also pruned here, a sign-out being the natural moment: rows of
        // sessions that expired a day ago serve no one.
        let done = query(
            "UPDATE sessions SET ended_at = $1 WHERE token_hash = $2 AND ended_at IS NULL \
             AND expires_at > $1",
        )
        .bind(now_ms)
        .bind(hash_secret(token))
        .execute(&self.pool)
        .await?;
        query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now_ms.saturating_sub(86_400_000))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// One `@` with something on each side, a dot in the domain, no spaces or control characters:
/// enough to catch a typo, without pretending to validate deliverability.
fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_emails() {
        assert!(plausible_email("ada@bank.example"));
        assert!(!plausible_email("ada"));
        assert!(!plausible_email("@bank.example"));
        assert!(!plausible_email("ada@bank"));
        assert!(!plausible_email("ada@bank.example."));
        assert!(!plausible_email("a da@bank.example"));
        assert!(!plausible_email("a@b@bank.example"));
        assert_eq!(canonical_email("  Ada@Bank.Example "), "ada@bank.example");
    }
}
