//! The embedded backend: one SQLite file in WAL mode.
//!
//! WAL lets readers run beside the one writer, and lets `ledgerlens admin` write keys while
//! `ledgerlens serve` runs on the same file. Writers wait up to [`BUSY_TIMEOUT`] for each other
//! instead of failing. Every transaction here starts with a write, so waiting is always possible
//! (a read-then-write transaction could instead fail at once with a stale snapshot).

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, query};

use crate::ids::random_hex;
use crate::records::DocumentStatus;
use crate::{
    ApiKeyCreated, AttemptOutcome, AttemptRecord, ClaimedDelivery, ClaimedJob, DeliveryRecord,
    DeliveryStatus, DocumentId, DocumentPage, DocumentRecord, JobOutcome, NewDocument, NewEvent,
    NewWebhook, OAuthClientCreated, PageCursor, Store, StoreError, TenantId, WebhookRecord,
    hash_secret, random_token,
};

/// How long a writer waits for another before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections in the pool: SQLite has one writer at a time, so more buys only read parallelism.
const MAX_CONNECTIONS: u32 = 8;

/// The versioned migrations, embedded in the binary so a deployed server needs no files beside
/// it. A test checks that every file of `migrations/sqlite` is listed here.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../migrations/sqlite/0001_initial.sql"),
    ),
    (
        2,
        "webhooks",
        include_str!("../migrations/sqlite/0002_webhooks.sql"),
    ),
];

/// The columns of a document, in the order [`document_from_row`] reads them by name.
const DOCUMENT_COLUMNS: &str = "id, tenant_id, filename, sha256, size_bytes, format, status, \
     failure_code, failure_message, options, attempts, created_at, updated_at, started_at, \
     finished_at, progress_step";

/// The columns of a subscription, as [`webhook_from_row`] reads them.
const WEBHOOK_COLUMNS: &str = "id, tenant_id, url, events, secret, created_at, active";

/// The columns of a message, as [`delivery_from_row`] reads them.
const DELIVERY_COLUMNS: &str = "id, subscription_id, event_type, payload, status, attempts, \
     next_attempt_at, last_response_code, last_error, created_at, delivered_at";

/// The store on SQLite.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        Ok(Self::connect(options).await?.0)
    }

    /// Like [`SqliteStore::open`], and also says which migrations this call applied (version and
    /// description, in order; empty when the database was already up to date).
    pub async fn open_reporting(path: &Path) -> Result<(Self, Vec<(i64, String)>), StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        Self::connect(options).await
    }

    /// A private in-memory database (tests).
    pub async fn in_memory() -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        Ok(Self::connect(options).await?.0)
    }

    async fn connect(
        options: SqliteConnectOptions,
    ) -> Result<(Self, Vec<(i64, String)>), StoreError> {
        let in_memory = options.get_filename() == Path::new(":memory:");
        let pool = SqlitePoolOptions::new()
            // An in-memory database exists once per connection: keep exactly one.
            .max_connections(if in_memory { 1 } else { MAX_CONNECTIONS })
            .min_connections(if in_memory { 1 } else { 0 })
            .idle_timeout(None::<Duration>)
            .max_lifetime(None::<Duration>)
            .connect_with(options)
            .await?;
        // The versions already applied (none on a fresh database, where the table is missing).
        let before: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1")
                .fetch_all(&pool)
                .await
                .unwrap_or_default();
        migrator().run(&pool).await?;
        let applied = MIGRATIONS
            .iter()
            .filter(|(version, _, _)| !before.contains(version))
            .map(|(version, description, _)| (*version, (*description).to_owned()))
            .collect();
        Ok((SqliteStore { pool }, applied))
    }
}

fn migrator() -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .map(|(version, description, sql)| {
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                Cow::Borrowed(*sql),
                false,
            )
        })
        .collect::<Vec<_>>();
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn to_u32(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

fn document_from_row(row: &SqliteRow) -> Result<DocumentRecord, StoreError> {
    let status: String = row.try_get("status")?;
    let status = DocumentStatus::parse(&status)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown document status {status:?}")))?;
    Ok(DocumentRecord {
        id: DocumentId::from_db(row.try_get("id")?),
        tenant: TenantId::from_db(row.try_get("tenant_id")?),
        filename: row.try_get("filename")?,
        sha256: row.try_get("sha256")?,
        size_bytes: u64::try_from(row.try_get::<i64, _>("size_bytes")?).unwrap_or(0),
        format: row.try_get("format")?,
        status,
        failure_code: row.try_get("failure_code")?,
        failure_message: row.try_get("failure_message")?,
        options_json: row.try_get("options")?,
        attempts: to_u32(row.try_get("attempts")?),
        created_at_ms: row.try_get("created_at")?,
        updated_at_ms: row.try_get("updated_at")?,
        started_at_ms: row.try_get("started_at")?,
        finished_at_ms: row.try_get("finished_at")?,
        progress_step: row.try_get::<Option<i64>, _>("progress_step")?.map(to_u32),
    })
}

fn to_code(value: Option<i64>) -> Option<u16> {
    value.and_then(|v| u16::try_from(v).ok())
}

fn webhook_from_row(row: &SqliteRow) -> Result<WebhookRecord, StoreError> {
    let events: String = row.try_get("events")?;
    let events: Vec<String> = serde_json::from_str(&events)
        .map_err(|e| StoreError::Corrupt(format!("webhook event filter: {e}")))?;
    Ok(WebhookRecord {
        id: row.try_get("id")?,
        tenant: TenantId::from_db(row.try_get("tenant_id")?),
        url: row.try_get("url")?,
        events,
        secret: row.try_get("secret")?,
        created_at_ms: row.try_get("created_at")?,
        active: row.try_get::<i64, _>("active")? != 0,
    })
}

fn delivery_from_row(row: &SqliteRow) -> Result<DeliveryRecord, StoreError> {
    let status: String = row.try_get("status")?;
    let status = DeliveryStatus::parse(&status)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown delivery status {status:?}")))?;
    Ok(DeliveryRecord {
        id: row.try_get("id")?,
        subscription_id: row.try_get("subscription_id")?,
        event_type: row.try_get("event_type")?,
        payload: row.try_get("payload")?,
        status,
        attempts: to_u32(row.try_get("attempts")?),
        next_attempt_at_ms: row.try_get("next_attempt_at")?,
        last_response_code: to_code(row.try_get("last_response_code")?),
        last_error: row.try_get("last_error")?,
        created_at_ms: row.try_get("created_at")?,
        delivered_at_ms: row.try_get("delivered_at")?,
        log: Vec::new(),
    })
}

/// Queues `event` for the tenant's matching subscriptions, inside the caller's transaction
/// (or on the pool). Message ids come from SQLite's own random source, one per row.
async fn enqueue<'e, E: sqlx::SqliteExecutor<'e>>(
    executor: E,
    tenant: &TenantId,
    event: &NewEvent,
    now_ms: i64,
) -> Result<u64, StoreError> {
    let done = query(
        "INSERT INTO webhook_deliveries (id, tenant_id, subscription_id, event_type, payload, \
         status, next_attempt_at, created_at) \
         SELECT 'msg_' || lower(hex(randomblob(16))), s.tenant_id, s.id, ?2, ?3, 'pending', ?4, ?4 \
         FROM webhook_subscriptions s \
         WHERE s.tenant_id = ?1 AND s.active = 1 \
         AND EXISTS (SELECT 1 FROM json_each(s.events) e WHERE e.value = ?2 OR e.value = '*')",
    )
    .bind(tenant.as_str())
    .bind(&event.event_type)
    .bind(&event.payload)
    .bind(now_ms)
    .execute(executor)
    .await?;
    Ok(done.rows_affected())
}

impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn ensure_tenant(&self, name: &str, now_ms: i64) -> Result<TenantId, StoreError> {
        let name = name.trim();
        if name.is_empty() || name.len() > 200 {
            return Err(StoreError::Invalid(
                "a tenant name is 1 to 200 characters".to_owned(),
            ));
        }
        let candidate = format!("ten_{}", random_hex(16)?);
        query("INSERT INTO tenants (id, name, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO NOTHING")
            .bind(&candidate)
            .bind(name)
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        let id: String = query("SELECT id FROM tenants WHERE name = ?1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?
            .try_get("id")?;
        Ok(TenantId::from_db(id))
    }

    async fn create_api_key(
        &self,
        tenant: &TenantId,
        now_ms: i64,
    ) -> Result<ApiKeyCreated, StoreError> {
        let id = format!("key_{}", random_hex(8)?);
        let key = random_token("llk_")?;
        query("INSERT INTO api_keys (id, tenant_id, key_hash, created_at) VALUES (?1, ?2, ?3, ?4)")
            .bind(&id)
            .bind(tenant.as_str())
            .bind(hash_secret(&key))
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(ApiKeyCreated { id, key })
    }

    async fn create_oauth_client(
        &self,
        tenant: &TenantId,
        now_ms: i64,
    ) -> Result<OAuthClientCreated, StoreError> {
        let client_id = format!("cli_{}", random_hex(16)?);
        let client_secret = random_token("lls_")?;
        query("INSERT INTO oauth_clients (client_id, tenant_id, secret_hash, created_at) VALUES (?1, ?2, ?3, ?4)")
            .bind(&client_id)
            .bind(tenant.as_str())
            .bind(hash_secret(&client_secret))
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(OAuthClientCreated {
            client_id,
            client_secret,
        })
    }

    async fn tenant_for_api_key(&self, key: &str) -> Result<Option<TenantId>, StoreError> {
        let row =
            query("SELECT tenant_id FROM api_keys WHERE key_hash = ?1 AND revoked_at IS NULL")
                .bind(hash_secret(key))
                .fetch_optional(&self.pool)
                .await?;
        row.map(|row| row.try_get("tenant_id").map(TenantId::from_db))
            .transpose()
            .map_err(StoreError::from)
    }

    async fn oauth_client(
        &self,
        client_id: &str,
    ) -> Result<Option<(TenantId, String)>, StoreError> {
        let row = query(
            "SELECT tenant_id, secret_hash FROM oauth_clients \
             WHERE client_id = ?1 AND revoked_at IS NULL",
        )
        .bind(client_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| -> Result<_, sqlx::Error> {
            Ok((
                TenantId::from_db(row.try_get("tenant_id")?),
                row.try_get("secret_hash")?,
            ))
        })
        .transpose()
        .map_err(StoreError::from)
    }

    async fn insert_document(
        &self,
        document: NewDocument,
        now_ms: i64,
    ) -> Result<DocumentRecord, StoreError> {
        let id = DocumentId::generate()?;
        let sql = format!(
            "INSERT INTO documents (id, tenant_id, filename, sha256, size_bytes, format, status, \
             options, secret_password, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'PENDING', ?7, ?8, ?9, ?9) RETURNING {DOCUMENT_COLUMNS}"
        );
        let row = query(&sql)
            .bind(id.as_str())
            .bind(document.tenant.as_str())
            .bind(&document.filename)
            .bind(&document.sha256)
            .bind(to_i64(document.size_bytes))
            .bind(&document.format)
            .bind(&document.options_json)
            .bind(document.password.as_deref())
            .bind(now_ms)
            .fetch_one(&self.pool)
            .await?;
        document_from_row(&row)
    }

    async fn get_document(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
    ) -> Result<Option<DocumentRecord>, StoreError> {
        let sql =
            format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = ?1 AND tenant_id = ?2");
        let row = query(&sql)
            .bind(id.as_str())
            .bind(tenant.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(document_from_row).transpose()
    }

    async fn list_documents(
        &self,
        tenant: &TenantId,
        cursor: Option<&PageCursor>,
        limit: u32,
    ) -> Result<DocumentPage, StoreError> {
        let limit = limit.clamp(1, 1000);
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE tenant_id = ?1 \
             AND (?2 IS NULL OR created_at < ?2 OR (created_at = ?2 AND id < ?3)) \
             ORDER BY created_at DESC, id DESC LIMIT ?4"
        );
        let rows = query(&sql)
            .bind(tenant.as_str())
            .bind(cursor.map(|c| c.created_at_ms))
            .bind(cursor.map(|c| c.id.as_str()))
            // One more than asked tells whether there is a next page.
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.pool)
            .await?;
        let mut documents = rows
            .iter()
            .map(document_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let more = documents.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        documents.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next = if more {
            documents.last().map(|last| PageCursor {
                created_at_ms: last.created_at_ms,
                id: last.id.as_str().to_owned(),
            })
        } else {
            None
        };
        Ok(DocumentPage { documents, next })
    }

    async fn delete_document(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
    ) -> Result<Option<(DocumentRecord, bool)>, StoreError> {
        let mut tx = self.pool.begin().await?;
        query("DELETE FROM analyses WHERE document_id = ?1 AND tenant_id = ?2")
            .bind(id.as_str())
            .bind(tenant.as_str())
            .execute(&mut *tx)
            .await?;
        let sql = format!(
            "DELETE FROM documents WHERE id = ?1 AND tenant_id = ?2 RETURNING {DOCUMENT_COLUMNS}"
        );
        let Some(row) = query(&sql)
            .bind(id.as_str())
            .bind(tenant.as_str())
            .fetch_optional(&mut *tx)
            .await?
        else {
            tx.rollback().await?;
            return Ok(None);
        };
        let record = document_from_row(&row)?;
        let others: i64 =
            query("SELECT COUNT(*) AS n FROM documents WHERE tenant_id = ?1 AND sha256 = ?2")
                .bind(tenant.as_str())
                .bind(&record.sha256)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        tx.commit().await?;
        Ok(Some((record, others > 0)))
    }

    async fn get_analysis(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
        profile: &str,
    ) -> Result<Option<String>, StoreError> {
        let row = query(
            "SELECT body FROM analyses WHERE document_id = ?1 AND tenant_id = ?2 AND profile = ?3",
        )
        .bind(id.as_str())
        .bind(tenant.as_str())
        .bind(profile)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| row.try_get("body"))
            .transpose()
            .map_err(StoreError::from)
    }

    async fn claim_job(
        &self,
        worker: &str,
        now_ms: i64,
        lease_ms: i64,
        max_attempts: u32,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        // A job whose worker died `max_attempts` times is likely what kills workers: stop.
        query(
            "UPDATE documents SET status = 'FAILED', failure_code = 'attempts_exhausted', \
             failure_message = 'processing was interrupted ' || attempts || ' times', \
             secret_password = NULL, lease_owner = NULL, lease_expires_at = NULL, \
             finished_at = ?1, updated_at = ?1 \
             WHERE status = 'PROCESSING' AND lease_expires_at < ?1 AND attempts >= ?2",
        )
        .bind(now_ms)
        .bind(i64::from(max_attempts))
        .execute(&self.pool)
        .await?;
        // One statement, so two workers (or two processes) can never take the same job: SQLite
        // runs it under the database's single write lock. PostgreSQL will use SKIP LOCKED.
        let row = query(
            "UPDATE documents SET status = 'PROCESSING', attempts = attempts + 1, \
             lease_owner = ?1, lease_expires_at = ?2, started_at = COALESCE(started_at, ?3), \
             updated_at = ?3 \
             WHERE id = (SELECT id FROM documents \
                         WHERE status = 'PENDING' OR (status = 'PROCESSING' AND lease_expires_at < ?3) \
                         ORDER BY created_at, id LIMIT 1) \
             RETURNING id, tenant_id, filename, sha256, options, secret_password, attempts",
        )
        .bind(worker)
        .bind(now_ms.saturating_add(lease_ms))
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(ClaimedJob {
            document: DocumentId::from_db(row.try_get("id")?),
            tenant: TenantId::from_db(row.try_get("tenant_id")?),
            lease_owner: worker.to_owned(),
            filename: row.try_get("filename")?,
            sha256: row.try_get("sha256")?,
            options_json: row.try_get("options")?,
            password: row.try_get("secret_password")?,
            attempts: to_u32(row.try_get("attempts")?),
        }))
    }

    async fn extend_lease(&self, job: &ClaimedJob, until_ms: i64) -> Result<bool, StoreError> {
        let done = query(
            "UPDATE documents SET lease_expires_at = ?1 \
             WHERE id = ?2 AND tenant_id = ?3 AND lease_owner = ?4 AND status = 'PROCESSING'",
        )
        .bind(until_ms)
        .bind(job.document.as_str())
        .bind(job.tenant.as_str())
        .bind(&job.lease_owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn finish_job(
        &self,
        job: &ClaimedJob,
        outcome: JobOutcome,
        event: Option<NewEvent>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let (status, code, message, analyses) = match outcome {
            JobOutcome::Analyzed { analyses, flagged } => {
                let status = if flagged {
                    DocumentStatus::Flagged
                } else {
                    DocumentStatus::Analyzed
                };
                (status, None, None, analyses)
            }
            JobOutcome::Failed { code, message } => (
                DocumentStatus::Failed,
                Some(code),
                Some(message),
                Vec::new(),
            ),
        };
        let mut tx = self.pool.begin().await?;
        let done = query(
            "UPDATE documents SET status = ?1, failure_code = ?2, failure_message = ?3, \
             secret_password = NULL, lease_owner = NULL, lease_expires_at = NULL, \
             finished_at = ?4, updated_at = ?4, \
             progress_step = CASE WHEN ?1 = 'FAILED' THEN progress_step ELSE 12 END \
             WHERE id = ?5 AND tenant_id = ?6 AND lease_owner = ?7 AND status = 'PROCESSING'",
        )
        .bind(status.as_str())
        .bind(code)
        .bind(message)
        .bind(now_ms)
        .bind(job.document.as_str())
        .bind(job.tenant.as_str())
        .bind(&job.lease_owner)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        for (profile, body) in analyses {
            query(
                "INSERT INTO analyses (document_id, tenant_id, profile, body, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (document_id, profile) DO UPDATE SET body = excluded.body, \
                 created_at = excluded.created_at",
            )
            .bind(job.document.as_str())
            .bind(job.tenant.as_str())
            .bind(profile)
            .bind(body)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(event) = event {
            enqueue(&mut *tx, &job.tenant, &event, now_ms).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn release_job(&self, job: &ClaimedJob, now_ms: i64) -> Result<bool, StoreError> {
        let done = query(
            "UPDATE documents SET status = 'PENDING', attempts = MAX(attempts - 1, 0), \
             lease_owner = NULL, lease_expires_at = NULL, updated_at = ?1 \
             WHERE id = ?2 AND tenant_id = ?3 AND lease_owner = ?4 AND status = 'PROCESSING'",
        )
        .bind(now_ms)
        .bind(job.document.as_str())
        .bind(job.tenant.as_str())
        .bind(&job.lease_owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_progress(
        &self,
        job: &ClaimedJob,
        step: u32,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = query(
            "UPDATE documents SET progress_step = ?1, updated_at = ?2 \
             WHERE id = ?3 AND tenant_id = ?4 AND lease_owner = ?5 AND status = 'PROCESSING'",
        )
        .bind(i64::from(step))
        .bind(now_ms)
        .bind(job.document.as_str())
        .bind(job.tenant.as_str())
        .bind(&job.lease_owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn enqueue_event(
        &self,
        tenant: &TenantId,
        event: &NewEvent,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        enqueue(&self.pool, tenant, event, now_ms).await
    }

    async fn create_webhook(
        &self,
        webhook: NewWebhook,
        now_ms: i64,
    ) -> Result<WebhookRecord, StoreError> {
        let id = format!("whk_{}", random_hex(16)?);
        let events = serde_json::to_string(&webhook.events)
            .map_err(|e| StoreError::Invalid(format!("event filter: {e}")))?;
        let sql = format!(
            "INSERT INTO webhook_subscriptions (id, tenant_id, url, events, secret, created_at, active) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1) RETURNING {WEBHOOK_COLUMNS}"
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
        webhook_from_row(&row)
    }

    async fn list_webhooks(&self, tenant: &TenantId) -> Result<Vec<WebhookRecord>, StoreError> {
        let sql = format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhook_subscriptions WHERE tenant_id = ?1 \
             ORDER BY created_at, id"
        );
        let rows = query(&sql)
            .bind(tenant.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(webhook_from_row).collect()
    }

    async fn get_webhook(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<WebhookRecord>, StoreError> {
        let sql = format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhook_subscriptions WHERE id = ?1 AND tenant_id = ?2"
        );
        let row = query(&sql)
            .bind(id)
            .bind(tenant.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(webhook_from_row).transpose()
    }

    async fn delete_webhook(&self, tenant: &TenantId, id: &str) -> Result<bool, StoreError> {
        // Foreign keys cascade to the messages and their attempts.
        let done = query("DELETE FROM webhook_subscriptions WHERE id = ?1 AND tenant_id = ?2")
            .bind(id)
            .bind(tenant.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn list_deliveries(
        &self,
        tenant: &TenantId,
        subscription: &str,
        limit: u32,
    ) -> Result<Option<Vec<DeliveryRecord>>, StoreError> {
        if self.get_webhook(tenant, subscription).await?.is_none() {
            return Ok(None);
        }
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries \
             WHERE tenant_id = ?1 AND subscription_id = ?2 \
             ORDER BY created_at DESC, id DESC LIMIT ?3"
        );
        let rows = query(&sql)
            .bind(tenant.as_str())
            .bind(subscription)
            .bind(i64::from(limit.clamp(1, 1000)))
            .fetch_all(&self.pool)
            .await?;
        let mut deliveries = rows
            .iter()
            .map(delivery_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        for delivery in &mut deliveries {
            let attempts = query(
                "SELECT attempted_at, response_code, error, duration_ms FROM webhook_attempts \
                 WHERE delivery_id = ?1 AND tenant_id = ?2 ORDER BY id",
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

    async fn redeliver(
        &self,
        tenant: &TenantId,
        subscription: &str,
        delivery: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let done = query(
            "UPDATE webhook_deliveries SET status = 'pending', retry_index = 0, \
             next_attempt_at = ?1 \
             WHERE id = ?2 AND tenant_id = ?3 AND subscription_id = ?4",
        )
        .bind(now_ms)
        .bind(delivery)
        .bind(tenant.as_str())
        .bind(subscription)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn claim_delivery(
        &self,
        now_ms: i64,
        claim_ms: i64,
    ) -> Result<Option<ClaimedDelivery>, StoreError> {
        let until = now_ms.saturating_add(claim_ms);
        // One statement: two senders can never hold the same message (SQLite's write lock).
        let row = query(
            "UPDATE webhook_deliveries SET next_attempt_at = ?2 \
             WHERE id = (SELECT id FROM webhook_deliveries \
                         WHERE status = 'pending' AND next_attempt_at <= ?1 \
                         ORDER BY next_attempt_at, id LIMIT 1) \
             RETURNING id, tenant_id, subscription_id, event_type, payload, retry_index",
        )
        .bind(now_ms)
        .bind(until)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let tenant = TenantId::from_db(row.try_get("tenant_id")?);
        let subscription_id: String = row.try_get("subscription_id")?;
        let Some(webhook) = self.get_webhook(&tenant, &subscription_id).await? else {
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

    async fn record_attempt(
        &self,
        claimed: &ClaimedDelivery,
        outcome: &AttemptOutcome,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        query(
            "INSERT INTO webhook_attempts (delivery_id, tenant_id, attempted_at, response_code, \
             error, duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
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
            "UPDATE webhook_deliveries SET status = ?1, next_attempt_at = ?2, \
             delivered_at = COALESCE(?3, delivered_at), attempts = attempts + 1, \
             retry_index = CASE WHEN ?1 = 'delivered' THEN retry_index ELSE retry_index + 1 END, \
             last_response_code = ?4, last_error = ?5 \
             WHERE id = ?6 AND tenant_id = ?7 AND status = 'pending' AND next_attempt_at = ?8",
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

#[cfg(test)]
mod tests;
