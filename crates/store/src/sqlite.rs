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
    ApiKeyCreated, ClaimedJob, DocumentId, DocumentPage, DocumentRecord, JobOutcome, NewDocument,
    OAuthClientCreated, PageCursor, Store, StoreError, TenantId, hash_secret, random_token,
};

/// How long a writer waits for another before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections in the pool: SQLite has one writer at a time, so more buys only read parallelism.
const MAX_CONNECTIONS: u32 = 8;

/// The versioned migrations, embedded in the binary so a deployed server needs no files beside
/// it. A test checks that every file of `migrations/sqlite` is listed here.
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "initial",
    include_str!("../migrations/sqlite/0001_initial.sql"),
)];

/// The columns of a document, in the order [`document_from_row`] reads them by name.
const DOCUMENT_COLUMNS: &str = "id, tenant_id, filename, sha256, size_bytes, format, status, \
     failure_code, failure_message, options, attempts, created_at, updated_at, started_at, \
     finished_at";

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
        Self::connect(options).await
    }

    /// A private in-memory database (tests).
    pub async fn in_memory() -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
        Self::connect(options).await
    }

    async fn connect(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        let in_memory = options.get_filename() == Path::new(":memory:");
        let pool = SqlitePoolOptions::new()
            // An in-memory database exists once per connection: keep exactly one.
            .max_connections(if in_memory { 1 } else { MAX_CONNECTIONS })
            .min_connections(if in_memory { 1 } else { 0 })
            .idle_timeout(None::<Duration>)
            .max_lifetime(None::<Duration>)
            .connect_with(options)
            .await?;
        migrator().run(&pool).await?;
        Ok(SqliteStore { pool })
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
    })
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
             finished_at = ?4, updated_at = ?4 \
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
}

#[cfg(test)]
mod tests;
