//! Tenants, API keys and OAuth clients.
//!
//! Only hashes of secrets are stored. A credential's `revoked_at` may lie in the future: that is
//! a rotation's grace period, during which the old secret still works beside the new one.

use sqlx::{Row, query};

use super::SqlStore;
use super::rows::string_list;
use crate::domain::{CredentialKind, CredentialRecord, CredentialSpec, Principal};
use crate::ids::random_hex;
use crate::{ApiKeyCreated, OAuthClientCreated, StoreError, TenantId, hash_secret, random_token};

pub(super) fn permissions_json(spec: &CredentialSpec) -> Result<String, StoreError> {
    if spec.permissions.is_empty()
        || spec
            .permissions
            .iter()
            .any(|p| p.is_empty() || p.len() > 100 || p.chars().any(char::is_whitespace))
    {
        return Err(StoreError::Invalid(
            "permissions are 1 or more scopes without spaces".to_owned(),
        ));
    }
    serde_json::to_string(&spec.permissions)
        .map_err(|e| StoreError::Invalid(format!("permissions: {e}")))
}

impl SqlStore {
    pub(super) async fn ensure_tenant_sql(
        &self,
        name: &str,
        now_ms: i64,
    ) -> Result<TenantId, StoreError> {
        let name = name.trim();
        if name.is_empty() || name.len() > 200 {
            return Err(StoreError::Invalid(
                "a tenant name is 1 to 200 characters".to_owned(),
            ));
        }
        let candidate = format!("ten_{}", random_hex(16)?);
        query(
            "INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(&candidate)
        .bind(name)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        self.find_tenant_sql(name)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("tenant {name:?} vanished")))
    }

    pub(super) async fn find_tenant_sql(&self, name: &str) -> Result<Option<TenantId>, StoreError> {
        let row = query("SELECT id FROM tenants WHERE name = $1")
            .bind(name.trim())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| row.try_get("id").map(TenantId::from_db))
            .transpose()
            .map_err(StoreError::from)
    }

    pub(super) async fn create_api_key_sql(
        &self,
        tenant: &TenantId,
        spec: &CredentialSpec,
        now_ms: i64,
    ) -> Result<ApiKeyCreated, StoreError> {
        let id = format!("key_{}", random_hex(8)?);
        let key = random_token("llk_")?;
        query(
            "INSERT INTO api_keys (id, tenant_id, key_hash, created_at, permissions, label) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(tenant.as_str())
        .bind(hash_secret(&key))
        .bind(now_ms)
        .bind(permissions_json(spec)?)
        .bind(spec.label.as_deref())
        .execute(&self.pool)
        .await?;
        Ok(ApiKeyCreated { id, key })
    }

    pub(super) async fn create_oauth_client_sql(
        &self,
        tenant: &TenantId,
        spec: &CredentialSpec,
        now_ms: i64,
    ) -> Result<OAuthClientCreated, StoreError> {
        let client_id = format!("cli_{}", random_hex(16)?);
        let client_secret = random_token("lls_")?;
        query(
            "INSERT INTO oauth_clients (client_id, tenant_id, secret_hash, created_at, \
             permissions, label) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&client_id)
        .bind(tenant.as_str())
        .bind(hash_secret(&client_secret))
        .bind(now_ms)
        .bind(permissions_json(spec)?)
        .bind(spec.label.as_deref())
        .execute(&self.pool)
        .await?;
        Ok(OAuthClientCreated {
            client_id,
            client_secret,
        })
    }

    pub(super) async fn principal_for_api_key_sql(
        &self,
        key: &str,
        now_ms: i64,
    ) -> Result<Option<Principal>, StoreError> {
        let row = query(
            "SELECT id, tenant_id, permissions FROM api_keys \
             WHERE key_hash = $1 AND (revoked_at IS NULL OR revoked_at > $2)",
        )
        .bind(hash_secret(key))
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let permissions: String = row.try_get("permissions")?;
        Ok(Some(Principal {
            tenant: TenantId::from_db(row.try_get("tenant_id")?),
            credential: row.try_get("id")?,
            permissions: string_list(&permissions, "key permissions")?,
        }))
    }

    pub(super) async fn oauth_client_sql(
        &self,
        client_id: &str,
        now_ms: i64,
    ) -> Result<Option<(Principal, String)>, StoreError> {
        let row = query(
            "SELECT tenant_id, secret_hash, permissions FROM oauth_clients \
             WHERE client_id = $1 AND (revoked_at IS NULL OR revoked_at > $2)",
        )
        .bind(client_id)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let permissions: String = row.try_get("permissions")?;
        Ok(Some((
            Principal {
                tenant: TenantId::from_db(row.try_get("tenant_id")?),
                credential: client_id.to_owned(),
                permissions: string_list(&permissions, "client permissions")?,
            },
            row.try_get("secret_hash")?,
        )))
    }

    pub(super) async fn list_credentials_sql(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<CredentialRecord>, StoreError> {
        let rows = query(
            "SELECT 'api_key' AS kind, id, permissions, label, CAST(NULL AS TEXT) AS email, \
             created_at, revoked_at FROM api_keys WHERE tenant_id = $1 \
             UNION ALL \
             SELECT 'oauth_client' AS kind, client_id AS id, permissions, label, \
             CAST(NULL AS TEXT) AS email, created_at, revoked_at FROM oauth_clients \
             WHERE tenant_id = $1 \
             UNION ALL \
             SELECT 'user' AS kind, id, permissions, label, email, created_at, revoked_at \
             FROM users WHERE tenant_id = $1 \
             ORDER BY created_at, id",
        )
        .bind(tenant.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let kind: String = row.try_get("kind")?;
                let permissions: String = row.try_get("permissions")?;
                Ok(CredentialRecord {
                    id: row.try_get("id")?,
                    kind: match kind.as_str() {
                        "api_key" => CredentialKind::ApiKey,
                        "user" => CredentialKind::User,
                        _ => CredentialKind::OAuthClient,
                    },
                    permissions: string_list(&permissions, "permissions")?,
                    label: row.try_get("label")?,
                    email: row.try_get("email")?,
                    created_at_ms: row.try_get("created_at")?,
                    revoked_at_ms: row.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    pub(super) async fn revoke_credential_sql(
        &self,
        tenant: &TenantId,
        id: &str,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        // An earlier revocation stands: rotating a key twice cannot extend its life.
        let sql = if id.starts_with("cli_") {
            "UPDATE oauth_clients SET revoked_at = $1 WHERE client_id = $2 AND tenant_id = $3 \
             AND (revoked_at IS NULL OR revoked_at > $1)"
        } else if id.starts_with("usr_") {
            "UPDATE users SET revoked_at = $1 WHERE id = $2 AND tenant_id = $3 \
             AND (revoked_at IS NULL OR revoked_at > $1)"
        } else {
            "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND tenant_id = $3 \
             AND (revoked_at IS NULL OR revoked_at > $1)"
        };
        let done = query(sql)
            .bind(at_ms)
            .bind(id)
            .bind(tenant.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
