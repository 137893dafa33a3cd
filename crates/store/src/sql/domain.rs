//! Preferences, tenant rules, stored runs, idempotency keys and the audit log.

use sqlx::{Row, query};

use super::rows::{self, RUN_COLUMNS};
use super::{SqlStore, next_number};
use crate::domain::{AuditRecord, Idempotency, NewAudit, RuleRecord, RunRecord};
use crate::ids::random_hex;
use crate::{DocumentId, StoreError, TenantId};

impl SqlStore {
    pub(super) async fn get_preferences_sql(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<String>, StoreError> {
        let row = query("SELECT body FROM preferences WHERE tenant_id = $1")
            .bind(tenant.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| row.try_get("body"))
            .transpose()
            .map_err(StoreError::from)
    }

    pub(super) async fn put_preferences_sql(
        &self,
        tenant: &TenantId,
        body_json: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        query(
            "INSERT INTO preferences (tenant_id, body, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (tenant_id) DO UPDATE SET body = excluded.body, \
             updated_at = excluded.updated_at",
        )
        .bind(tenant.as_str())
        .bind(body_json)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(super) async fn add_rule_sql(
        &self,
        tenant: &TenantId,
        body_json: &str,
        now_ms: i64,
    ) -> Result<RuleRecord, StoreError> {
        let id = format!("rul_{}", random_hex(16)?);
        query("INSERT INTO tenant_rules (id, tenant_id, body, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(tenant.as_str())
            .bind(body_json)
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(RuleRecord {
            id,
            body_json: body_json.to_owned(),
            created_at_ms: now_ms,
        })
    }

    pub(super) async fn list_rules_sql(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<RuleRecord>, StoreError> {
        let found = query(
            "SELECT id, body, created_at FROM tenant_rules WHERE tenant_id = $1 \
             ORDER BY created_at, id",
        )
        .bind(tenant.as_str())
        .fetch_all(&self.pool)
        .await?;
        found
            .iter()
            .map(|row| {
                Ok(RuleRecord {
                    id: row.try_get("id")?,
                    body_json: row.try_get("body")?,
                    created_at_ms: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    pub(super) async fn delete_rule_sql(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<bool, StoreError> {
        let done = query("DELETE FROM tenant_rules WHERE id = $1 AND tenant_id = $2")
            .bind(id)
            .bind(tenant.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn insert_run_sql(
        &self,
        tenant: &TenantId,
        document: &DocumentId,
        kind: &str,
        request_json: &str,
        result_json: &str,
        now_ms: i64,
    ) -> Result<RunRecord, StoreError> {
        let id = format!("run_{}", random_hex(16)?);
        let mut tx = self.write_tx().await?;
        let exists = query("SELECT 1 AS one FROM documents WHERE id = $1 AND tenant_id = $2")
            .bind(document.as_str())
            .bind(tenant.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::Invalid(format!("no document {document}")));
        }
        let number = next_number(&mut *tx, tenant, &format!("run:{kind}")).await?;
        let sql = format!(
            "INSERT INTO runs (id, tenant_id, document_id, kind, number, request, result, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {RUN_COLUMNS}"
        );
        let row = query(&sql)
            .bind(&id)
            .bind(tenant.as_str())
            .bind(document.as_str())
            .bind(kind)
            .bind(number)
            .bind(request_json)
            .bind(result_json)
            .bind(now_ms)
            .fetch_one(&mut *tx)
            .await?;
        let run = rows::run(&row)?;
        tx.commit().await?;
        Ok(run)
    }

    pub(super) async fn list_runs_sql(
        &self,
        tenant: &TenantId,
        document: &DocumentId,
        kind: &str,
    ) -> Result<Vec<RunRecord>, StoreError> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE tenant_id = $1 AND document_id = $2 \
             AND kind = $3 ORDER BY created_at, number"
        );
        let found = query(&sql)
            .bind(tenant.as_str())
            .bind(document.as_str())
            .bind(kind)
            .fetch_all(&self.pool)
            .await?;
        found.iter().map(rows::run).collect()
    }

    pub(super) async fn get_run_by_number_sql(
        &self,
        tenant: &TenantId,
        kind: &str,
        number: i64,
    ) -> Result<Option<RunRecord>, StoreError> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE tenant_id = $1 AND kind = $2 AND number = $3"
        );
        let row = query(&sql)
            .bind(tenant.as_str())
            .bind(kind)
            .bind(number)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::run).transpose()
    }

    pub(super) async fn begin_idempotent_sql(
        &self,
        tenant: &TenantId,
        key: &str,
        fingerprint: &str,
        now_ms: i64,
        expire_before_ms: i64,
    ) -> Result<Idempotency, StoreError> {
        query("DELETE FROM idempotency_keys WHERE tenant_id = $1 AND created_at < $2")
            .bind(tenant.as_str())
            .bind(expire_before_ms)
            .execute(&self.pool)
            .await?;
        // The insert decides who is first: a concurrent retry conflicts and reads the row.
        let claimed = query(
            "INSERT INTO idempotency_keys (tenant_id, key, fingerprint, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, key) DO NOTHING",
        )
        .bind(tenant.as_str())
        .bind(key)
        .bind(fingerprint)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        if claimed.rows_affected() == 1 {
            return Ok(Idempotency::Proceed);
        }
        let row = query(
            "SELECT fingerprint, status_code, response FROM idempotency_keys \
             WHERE tenant_id = $1 AND key = $2",
        )
        .bind(tenant.as_str())
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        // Gone between the two statements (abandoned by the first request): it is ours now.
        let Some(row) = row else {
            return Box::pin(self.begin_idempotent_sql(
                tenant,
                key,
                fingerprint,
                now_ms,
                expire_before_ms,
            ))
            .await;
        };
        let stored: String = row.try_get("fingerprint")?;
        if stored != fingerprint {
            return Ok(Idempotency::Mismatch);
        }
        let status: Option<i64> = row.try_get("status_code")?;
        let body: Option<String> = row.try_get("response")?;
        Ok(match (status, body) {
            (Some(status), Some(body)) => Idempotency::Replay {
                status: u16::try_from(status).unwrap_or(500),
                body,
            },
            _ => Idempotency::InFlight,
        })
    }

    pub(super) async fn complete_idempotent_sql(
        &self,
        tenant: &TenantId,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError> {
        query(
            "UPDATE idempotency_keys SET status_code = $1, response = $2 \
             WHERE tenant_id = $3 AND key = $4",
        )
        .bind(i64::from(status))
        .bind(body)
        .bind(tenant.as_str())
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(super) async fn abandon_idempotent_sql(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> Result<(), StoreError> {
        query(
            "DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2 \
             AND status_code IS NULL",
        )
        .bind(tenant.as_str())
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(super) async fn audit_sql(
        &self,
        entry: NewAudit<'_>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        query(
            "INSERT INTO audit_log (tenant_id, at, actor, action, target, detail) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(entry.tenant.as_str())
        .bind(now_ms)
        .bind(entry.actor)
        .bind(entry.action)
        .bind(entry.target)
        .bind(entry.detail)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(super) async fn list_audit_sql(
        &self,
        tenant: &TenantId,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let found = query(
            "SELECT at, actor, action, target, detail FROM audit_log WHERE tenant_id = $1 \
             ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(tenant.as_str())
        .bind(i64::from(limit.clamp(1, 1000)))
        .fetch_all(&self.pool)
        .await?;
        found
            .iter()
            .map(|row| {
                Ok(AuditRecord {
                    at_ms: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    action: row.try_get("action")?,
                    target: row.try_get("target")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect()
    }
}
