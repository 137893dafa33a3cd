//! Webhook subscriptions and their outbox of messages.

use sqlx::AnyConnection;
use sqlx::{Row, query};

use super::rows::{self, DELIVERY_COLUMNS, WEBHOOK_COLUMNS, to_code};
use super::{SqlStore, to_u32};
use crate::ids::random_hex;
use crate::{
    AttemptOutcome, AttemptRecord, ClaimedDelivery, DeliveryRecord, DeliveryStatus, NewEvent,
    NewWebhook, StoreError, TenantId, WebhookRecord,
};

/// Queues `event` for the tenant's matching subscriptions, inside the caller's transaction. The filter is matched here rather than in SQL: JSON functions differ between
/// the two databases, and a tenant has a handful of subscriptions.
pub(super) async fn enqueue(
    conn: &mut AnyConnection,
    tenant: &TenantId,
    event: &NewEvent,
    now_ms: i64,
) -> Result<u64, StoreError> {
    let subscriptions =
        query("SELECT id, events FROM webhook_subscriptions WHERE tenant_id = $1 AND active = 1")
            .bind(tenant.as_str())
            .fetch_all(&mut *conn)
            .await?;
    let mut queued = 0;
    for subscription in subscriptions {
        let events: String = subscription.try_get("events")?;
        let events = rows::string_list(&events, "webhook event filter")?;
        // `*` is every native event (`document.…`); a vendor-shaped copy (issue 8, e.g.
        // `bank_statement.analyzed`) goes only to the subscriptions that name it.
        let native = event.event_type.starts_with("document.");
        if !events
            .iter()
            .any(|e| (e == "*" && native) || *e == event.event_type)
        {
            continue;
        }
        let id: String = subscription.try_get("id")?;
        query(
            "INSERT INTO webhook_deliveries (id, tenant_id, subscription_id, event_type, payload, \
             status, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6)",
        )
        .bind(format!("msg_{}", random_hex(16)?))
        .bind(tenant.as_str())
        .bind(id)
        .bind(&event.event_type)
        .bind(&event.payload)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
        queued += 1;
    }
    Ok(queued)
}

impl SqlStore {
    pub(super) async fn create_webhook_sql(
        &self,
        webhook: NewWebhook,
        now_ms: i64,
    ) -> Result<WebhookRecord, StoreError> {
        let id = format!("whk_{}", random_hex(16)?);
        let events = serde_json::to_string(&webhook.events)
            .map_err(|e| StoreError::Invalid(format!("event filter: {e}")))?;
        let sql = format!(
            "INSERT INTO webhook_subscriptions (id, tenant_id, url, events, secret, created_at, \
             active) VALUES ($1, $2, $3, $4, $5, $6, 1) RETURNING {WEBHOOK_COLUMNS}"
        );
        let row = query(&sql)
            .bind(&id)
            .bind(webhook.tenant.as_str())
            .bind(&webhook.url)
            .bind(events)
            .bind(&webhook.secret)
            .bind(now_ms)
            .fetch_one(&self.pool)
            .await?;
        rows::webhook(&row)
    }

    pub(super) async fn list_webhooks_sql(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<WebhookRecord>, StoreError> {
        let sql = format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhook_subscriptions WHERE tenant_id = $1 \
             ORDER BY created_at, id"
        );
        let found = query(&sql)
            .bind(tenant.as_str())
            .fetch_all(&self.pool)
            .await?;
        found.iter().map(rows::webhook).collect()
    }

    pub(super) async fn get_webhook_sql(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<WebhookRecord>, StoreError> {
        let sql = format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhook_subscriptions WHERE id = $1 AND tenant_id = $2"
        );
        let row = query(&sql)
            .bind(id)
            .bind(tenant.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::webhook).transpose()
    }

    pub(super) async fn delete_webhook_sql(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<bool, StoreError> {
        // Foreign keys cascade to the messages and their attempts.
        let done = query("DELETE FROM webhook_subscriptions WHERE id = $1 AND tenant_id = $2")
            .bind(id)
            .bind(tenant.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn list_deliveries_sql(
        &self,
        tenant: &TenantId,
        subscription: &str,
        limit: u32,
    ) -> Result<Option<Vec<DeliveryRecord>>, StoreError> {
        if self.get_webhook_sql(tenant, subscription).await?.is_none() {
            return Ok(None);
        }
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries \
             WHERE tenant_id = $1 AND subscription_id = $2 \
             ORDER BY created_at DESC, id DESC LIMIT $3"
        );
        let found = query(&sql)
            .bind(tenant.as_str())
            .bind(subscription)
            .bind(i64::from(limit.clamp(1, 1000)))
            .fetch_all(&self.pool)
            .await?;
        let mut deliveries = found
            .iter()
            .map(rows::delivery)
            .collect::<Result<Vec<_>, _>>()?;
        for delivery in &mut deliveries {
            let attempts = query(
                "SELECT attempted_at, response_code, error, duration_ms FROM webhook_attempts \
                 WHERE delivery_id = $1 AND tenant_id = $2 ORDER BY id",
            )
            .bind(&delivery.id)
            .bind(tenant.as_str())
            .fetch_all(&self.pool)
            .await?;
            delivery.log = attempts
                .iter()
                .map(|row| {
                    Ok(AttemptRecord {
                        attempted_at_ms: row.try_get("attempted_at")?,
                        response_code: to_code(row.try_get("response_code")?),
                        error: row.try_get("error")?,
                        duration_ms: row.try_get("duration_ms")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
        }
        Ok(Some(deliveries))
    }

    pub(super) async fn redeliver_sql(
        &self,
        tenant: &TenantId,
        subscription: &str,
        delivery: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = query(
            "UPDATE webhook_deliveries SET status = 'pending', retry_index = 0, \
             next_attempt_at = $1 \
             WHERE id = $2 AND tenant_id = $3 AND subscription_id = $4",
        )
        .bind(now_ms)
        .bind(delivery)
        .bind(tenant.as_str())
        .bind(subscription)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn claim_delivery_sql(
        &self,
        now_ms: i64,
        claim_ms: i64,
    ) -> Result<Option<ClaimedDelivery>, StoreError> {
        let until = now_ms.saturating_add(claim_ms);
        // One statement: two senders never hold the same message (see `claim_job_sql`).
        let sql = format!(
            "UPDATE webhook_deliveries SET next_attempt_at = $2 \
             WHERE id = (SELECT id FROM webhook_deliveries \
                         WHERE status = 'pending' AND next_attempt_at <= $1 \
                         ORDER BY next_attempt_at, id LIMIT 1{}) \
             AND status = 'pending' AND next_attempt_at <= $1 \
             RETURNING id, tenant_id, subscription_id, event_type, payload, retry_index",
            self.dialect.skip_locked()
        );
        let row = query(&sql)
            .bind(now_ms)
            .bind(until)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let tenant = TenantId::from_db(row.try_get("tenant_id")?);
        let subscription_id: String = row.try_get("subscription_id")?;
        let Some(webhook) = self.get_webhook_sql(&tenant, &subscription_id).await? else {
            return Err(StoreError::Corrupt(format!(
                "message of a missing subscription {subscription_id}"
            )));
        };
        Ok(Some(ClaimedDelivery {
            id: row.try_get("id")?,
            tenant,
            subscription_id,
            url: webhook.url,
            secret: webhook.secret,
            event_type: row.try_get("event_type")?,
            payload: row.try_get("payload")?,
            retry_index: to_u32(row.try_get("retry_index")?),
            claim_until_ms: until,
        }))
    }

    pub(super) async fn record_attempt_sql(
        &self,
        claimed: &ClaimedDelivery,
        outcome: &AttemptOutcome,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        query(
            "INSERT INTO webhook_attempts (delivery_id, tenant_id, attempted_at, response_code, \
             error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&claimed.id)
        .bind(claimed.tenant.as_str())
        .bind(now_ms)
        .bind(outcome.response_code.map(i64::from))
        .bind(outcome.error.as_deref())
        .bind(outcome.duration_ms)
        .execute(&mut *tx)
        .await?;
        let (status, next, delivered_at) = if outcome.delivered {
            (DeliveryStatus::Delivered, None, Some(now_ms))
        } else if let Some(at) = outcome.retry_at_ms {
            (DeliveryStatus::Pending, Some(at), None)
        } else {
            (DeliveryStatus::Failed, None, None)
        };
        let done = query(
            "UPDATE webhook_deliveries SET status = $1, next_attempt_at = $2, \
             delivered_at = COALESCE($3, delivered_at), attempts = attempts + 1, \
             retry_index = CASE WHEN $1 = 'delivered' THEN retry_index ELSE retry_index + 1 END, \
             last_response_code = $4, last_error = $5 \
             WHERE id = $6 AND tenant_id = $7 AND status = 'pending' AND next_attempt_at = $8",
        )
        .bind(status.as_str())
        .bind(next)
        .bind(delivered_at)
        .bind(outcome.response_code.map(i64::from))
        .bind(outcome.error.as_deref())
        .bind(&claimed.id)
        .bind(claimed.tenant.as_str())
        .bind(claimed.claim_until_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }
}
