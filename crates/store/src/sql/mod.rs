//! The store on a SQL database: SQLite (embedded default) or PostgreSQL (scaled out).
//!
//! One implementation serves both, over sqlx's `Any` driver: the queries are written once in
//! the SQL both databases share (`$n` parameters, `RETURNING`, `ON CONFLICT`), every integer is
//! an `i64` (BIGINT on PostgreSQL), and the few places where the two must differ ask
//! [`Dialect`]. The alternative — a second copy of every query for PostgreSQL — would let the
//! backends drift apart, and the same test suite runs on both to keep them honest.
//!
//! SQLite runs in WAL mode, so readers run beside the one writer and `ledgerlens admin` can write
//! keys while `ledgerlens serve` runs on the same file; writers wait up to [`BUSY_TIMEOUT`] for
//! each other. PostgreSQL claims jobs with `FOR UPDATE SKIP LOCKED`, so many worker processes
//! never take the same job and never wait on each other's claims.

mod cases;
mod credentials;
mod documents;
mod domain;
mod jobs;
mod rows;
mod users;
mod webhooks;

use std::borrow::Cow;
use std::path::Path;
use std::sync::Once;
use std::time::Duration;

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Executor, Row, query};

use crate::domain::{
    AuditRecord, CasePage, CaseRecord, CredentialRecord, CredentialSpec, DeletedCase, Idempotency,
    NewAudit, Principal, RuleRecord, RunRecord, SessionPrincipal, UserLogin,
};
use crate::{
    ApiKeyCreated, AttemptOutcome, CaseFields, CaseId, CaseKind, ClaimedDelivery, ClaimedJob,
    DeliveryRecord, DocumentFilter, DocumentId, DocumentPage, DocumentRecord, DocumentStatus,
    JobOutcome, NewDocument, NewEvent, NewWebhook, OAuthClientCreated, PageCursor, Store,
    StoreError, TenantId, WebhookRecord,
};

/// How long a SQLite writer waits for another before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections per process: SQLite has one writer at a time, so more buys only read
/// parallelism; PostgreSQL serves each connection with its own backend process.
const SQLITE_CONNECTIONS: u32 = 8;
const POSTGRES_CONNECTIONS: u32 = 16;

/// Which database is behind the pool, for the few statements that differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite, embedded.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Dialect {
    /// The backend's name (logs, `ledgerlens migrate`).
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
        }
    }

    /// Lock clause for a queue's "take the oldest row" subquery. SQLite needs none: a write
    /// statement holds the database's single write lock. PostgreSQL skips rows another
    /// transaction is claiming instead of waiting for them (and then re-checking a row that is
    /// no longer claimable).
    fn skip_locked(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    fn migrations(self) -> &'static [(i64, &'static str, &'static str)] {
        match self {
            Dialect::Sqlite => SQLITE_MIGRATIONS,
            Dialect::Postgres => POSTGRES_MIGRATIONS,
        }
    }
}

/// The versioned migrations of each dialect, embedded in the binary so a deployed server needs
/// no files beside it. Both lists have the same versions with the same meaning; a test checks
/// that every file of `migrations/<dialect>` is listed here.
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../../migrations/sqlite/0001_initial.sql"),
    ),
    (
        2,
        "webhooks",
        include_str!("../../migrations/sqlite/0002_webhooks.sql"),
    ),
    (
        3,
        "domain",
        include_str!("../../migrations/sqlite/0003_domain.sql"),
    ),
    (
        4,
        "users",
        include_str!("../../migrations/sqlite/0004_users.sql"),
    ),
    (
        5,
        "decisions",
        include_str!("../../migrations/sqlite/0005_decisions.sql"),
    ),
    (
        6,
        "subjects",
        include_str!("../../migrations/sqlite/0006_subjects.sql"),
    ),
    (
        7,
        "holder_match",
        include_str!("../../migrations/sqlite/0007_holder_match.sql"),
    ),
];

const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("../../migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        "webhooks",
        include_str!("../../migrations/postgres/0002_webhooks.sql"),
    ),
    (
        3,
        "domain",
        include_str!("../../migrations/postgres/0003_domain.sql"),
    ),
    (
        4,
        "users",
        include_str!("../../migrations/postgres/0004_users.sql"),
    ),
    (
        5,
        "decisions",
        include_str!("../../migrations/postgres/0005_decisions.sql"),
    ),
    (
        6,
        "subjects",
        include_str!("../../migrations/postgres/0006_subjects.sql"),
    ),
    (
        7,
        "holder_match",
        include_str!("../../migrations/postgres/0007_holder_match.sql"),
    ),
];

/// The store on SQLite or PostgreSQL.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pool: AnyPool,
    dialect: Dialect,
}

/// The `Any` driver dispatches on the URL scheme to drivers registered once per process.
pub(crate) fn install_drivers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(sqlx::any::install_default_drivers);
}

impl SqlStore {
    /// Opens (creating if needed) a SQLite file and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        Ok(Self::open_reporting(path).await?.0)
    }

    /// Like [`SqlStore::open`], and also says which migrations this call applied.
    pub async fn open_reporting(path: &Path) -> Result<(Self, Vec<(i64, String)>), StoreError> {
        Self::connect_reporting(&sqlite_url(path)?).await
    }

    /// Connects to `sqlite://<path>` or `postgres://…` and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Ok(Self::connect_reporting(url).await?.0)
    }

    /// Like [`SqlStore::connect`], and also says which migrations this call applied (version
    /// and description, in order; empty when the database was already up to date).
    pub async fn connect_reporting(url: &str) -> Result<(Self, Vec<(i64, String)>), StoreError> {
        let dialect = dialect_of(url)?;
        let in_memory = url.contains(":memory:");
        let connections = match dialect {
            // An in-memory database exists once per connection: keep exactly one.
            Dialect::Sqlite if in_memory => 1,
            Dialect::Sqlite => SQLITE_CONNECTIONS,
            Dialect::Postgres => POSTGRES_CONNECTIONS,
        };
        install_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(connections)
            .min_connections(u32::from(in_memory))
            .idle_timeout(if in_memory {
                None
            } else {
                Some(Duration::from_secs(600))
            })
            .max_lifetime(None::<Duration>)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if dialect == Dialect::Sqlite {
                        // Per connection: these are not stored in the file (except WAL).
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute(
                            format!("PRAGMA busy_timeout = {}", BUSY_TIMEOUT.as_millis()).as_str(),
                        )
                        .await?;
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        // The versions already applied (none on a fresh database, where the table is missing).
        let before: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all(&pool)
                .await
                .unwrap_or_default();
        migrator(dialect).run(&pool).await?;
        let applied = dialect
            .migrations()
            .iter()
            .filter(|(version, _, _)| !before.contains(version))
            .map(|(version, description, _)| (*version, (*description).to_owned()))
            .collect();
        Ok((SqlStore { pool, dialect }, applied))
    }

    /// A private in-memory SQLite database (tests).
    pub async fn in_memory() -> Result<Self, StoreError> {
        Self::connect("sqlite::memory:").await
    }

    /// Which database this is.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// A transaction that will write. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a transaction that reads first and writes later could otherwise fail with
    /// a stale snapshot (`SQLITE_BUSY_SNAPSHOT`) when another connection wrote meanwhile,
    /// instead of waiting its turn. PostgreSQL needs no such care.
    async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.dialect {
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.pool.begin().await?,
        })
    }

    /// Closes the pool (tests that drop a PostgreSQL database first close their connections).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The dialect a URL names; anything else is refused before a driver sees it.
fn dialect_of(url: &str) -> Result<Dialect, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Dialect::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Dialect::Postgres)
    } else {
        Err(StoreError::Invalid(
            "a database URL starts with sqlite: or postgres://".to_owned(),
        ))
    }
}

/// `sqlite://<path>?mode=rwc` (create if missing). Characters the URL form would read
/// differently are refused rather than escaped: data directories do not need them.
fn sqlite_url(path: &Path) -> Result<String, StoreError> {
    let text = path.to_str().ok_or_else(|| {
        StoreError::Invalid(format!("database path {} is not UTF-8", path.display()))
    })?;
    if text.is_empty() || text.contains(['?', '#', '%']) {
        return Err(StoreError::Invalid(format!(
            "database path {text:?} is empty or holds ?, # or %"
        )));
    }
    Ok(format!("sqlite://{text}?mode=rwc"))
}

fn migrator(dialect: Dialect) -> Migrator {
    let migrations = dialect
        .migrations()
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

pub(crate) fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

pub(crate) fn to_u32(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}

/// Takes the next value of one of the tenant's sequences (document, case, run numbers).
async fn next_number<'e, E: Executor<'e, Database = sqlx::Any>>(
    executor: E,
    tenant: &TenantId,
    name: &str,
) -> Result<i64, StoreError> {
    let row = query(
        "INSERT INTO counters (tenant_id, name, value) VALUES ($1, $2, 1) \
         ON CONFLICT (tenant_id, name) DO UPDATE SET value = counters.value + 1 \
         RETURNING value",
    )
    .bind(tenant.as_str())
    .bind(name)
    .fetch_one(executor)
    .await?;
    Ok(row.try_get("value")?)
}

impl Store for SqlStore {
    async fn ping(&self) -> Result<(), StoreError> {
        query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn ensure_tenant(&self, name: &str, now_ms: i64) -> Result<TenantId, StoreError> {
        self.ensure_tenant_sql(name, now_ms).await
    }

    async fn find_tenant(&self, name: &str) -> Result<Option<TenantId>, StoreError> {
        self.find_tenant_sql(name).await
    }

    async fn create_api_key(
        &self,
        tenant: &TenantId,
        spec: &CredentialSpec,
        now_ms: i64,
    ) -> Result<ApiKeyCreated, StoreError> {
        self.create_api_key_sql(tenant, spec, now_ms).await
    }

    async fn create_oauth_client(
        &self,
        tenant: &TenantId,
        spec: &CredentialSpec,
        now_ms: i64,
    ) -> Result<OAuthClientCreated, StoreError> {
        self.create_oauth_client_sql(tenant, spec, now_ms).await
    }

    async fn principal_for_api_key(
        &self,
        key: &str,
        now_ms: i64,
    ) -> Result<Option<Principal>, StoreError> {
        self.principal_for_api_key_sql(key, now_ms).await
    }

    async fn oauth_client(
        &self,
        client_id: &str,
        now_ms: i64,
    ) -> Result<Option<(Principal, String)>, StoreError> {
        self.oauth_client_sql(client_id, now_ms).await
    }

    async fn list_credentials(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<CredentialRecord>, StoreError> {
        self.list_credentials_sql(tenant).await
    }

    async fn create_user(
        &self,
        tenant: &TenantId,
        email: &str,
        password_hash: &str,
        spec: &CredentialSpec,
        now_ms: i64,
    ) -> Result<Option<String>, StoreError> {
        self.create_user_sql(tenant, email, password_hash, spec, now_ms)
            .await
    }

    async fn user_login(&self, email: &str, now_ms: i64) -> Result<Option<UserLogin>, StoreError> {
        self.user_login_sql(email, now_ms).await
    }

    async fn set_user_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        self.set_user_password_sql(user_id, password_hash, keep, now_ms)
            .await
    }

    async fn create_session(
        &self,
        user_id: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> Result<String, StoreError> {
        self.create_session_sql(user_id, now_ms, expires_at_ms)
            .await
    }

    async fn principal_for_session(
        &self,
        token: &str,
        now_ms: i64,
    ) -> Result<Option<SessionPrincipal>, StoreError> {
        self.principal_for_session_sql(token, now_ms).await
    }

    async fn end_session(&self, token: &str, now_ms: i64) -> Result<bool, StoreError> {
        self.end_session_sql(token, now_ms).await
    }

    async fn revoke_credential(
        &self,
        tenant: &TenantId,
        id: &str,
        at_ms: i64,
    ) -> Result<bool, StoreError> {
        self.revoke_credential_sql(tenant, id, at_ms).await
    }

    async fn insert_document(
        &self,
        document: NewDocument,
        now_ms: i64,
    ) -> Result<DocumentRecord, StoreError> {
        self.insert_document_sql(document, now_ms).await
    }

    async fn get_document(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
    ) -> Result<Option<DocumentRecord>, StoreError> {
        self.get_document_sql(tenant, id).await
    }

    async fn get_document_by_number(
        &self,
        tenant: &TenantId,
        number: i64,
    ) -> Result<Option<DocumentRecord>, StoreError> {
        self.get_document_by_number_sql(tenant, number).await
    }

    async fn list_documents(
        &self,
        tenant: &TenantId,
        filter: &DocumentFilter,
        cursor: Option<&PageCursor>,
        limit: u32,
    ) -> Result<DocumentPage, StoreError> {
        self.list_documents_sql(tenant, filter, cursor, limit).await
    }

    async fn delete_document(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
    ) -> Result<Option<(DocumentRecord, bool)>, StoreError> {
        self.delete_document_sql(tenant, id).await
    }

    async fn get_analysis(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
        profile: &str,
    ) -> Result<Option<String>, StoreError> {
        self.get_analysis_sql(tenant, id, profile).await
    }

    async fn status_counts(&self) -> Result<Vec<(DocumentStatus, u64)>, StoreError> {
        self.status_counts_sql().await
    }

    async fn claim_job(
        &self,
        worker: &str,
        now_ms: i64,
        lease_ms: i64,
        max_attempts: u32,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        self.claim_job_sql(worker, now_ms, lease_ms, max_attempts)
            .await
    }

    async fn extend_lease(&self, job: &ClaimedJob, until_ms: i64) -> Result<bool, StoreError> {
        self.extend_lease_sql(job, until_ms).await
    }

    async fn finish_job(
        &self,
        job: &ClaimedJob,
        outcome: JobOutcome,
        events: Vec<NewEvent>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        self.finish_job_sql(job, outcome, events, now_ms).await
    }

    async fn release_job(&self, job: &ClaimedJob, now_ms: i64) -> Result<bool, StoreError> {
        self.release_job_sql(job, now_ms).await
    }

    async fn set_progress(
        &self,
        job: &ClaimedJob,
        step: u32,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        self.set_progress_sql(job, step, now_ms).await
    }

    async fn requeue_document(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
        password: Option<String>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        self.requeue_document_sql(tenant, id, password, now_ms)
            .await
    }

    async fn record_fingerprints(
        &self,
        job: &ClaimedJob,
        fingerprints: &[String],
        min_overlap: f64,
    ) -> Result<Option<DocumentId>, StoreError> {
        self.record_fingerprints_sql(job, fingerprints, min_overlap)
            .await
    }

    async fn enqueue_event(
        &self,
        tenant: &TenantId,
        event: &NewEvent,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let mut tx = self.write_tx().await?;
        let queued = webhooks::enqueue(&mut tx, tenant, event, now_ms).await?;
        tx.commit().await?;
        Ok(queued)
    }

    async fn create_webhook(
        &self,
        webhook: NewWebhook,
        now_ms: i64,
    ) -> Result<WebhookRecord, StoreError> {
        self.create_webhook_sql(webhook, now_ms).await
    }

    async fn list_webhooks(&self, tenant: &TenantId) -> Result<Vec<WebhookRecord>, StoreError> {
        self.list_webhooks_sql(tenant).await
    }

    async fn get_webhook(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<WebhookRecord>, StoreError> {
        self.get_webhook_sql(tenant, id).await
    }

    async fn delete_webhook(&self, tenant: &TenantId, id: &str) -> Result<bool, StoreError> {
        self.delete_webhook_sql(tenant, id).await
    }

    async fn list_deliveries(
        &self,
        tenant: &TenantId,
        subscription: &str,
        limit: u32,
    ) -> Result<Option<Vec<DeliveryRecord>>, StoreError> {
        self.list_deliveries_sql(tenant, subscription, limit).await
    }

    async fn redeliver(
        &self,
        tenant: &TenantId,
        subscription: &str,
        delivery: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        self.redeliver_sql(tenant, subscription, delivery, now_ms)
            .await
    }

    async fn claim_delivery(
        &self,
        now_ms: i64,
        claim_ms: i64,
    ) -> Result<Option<ClaimedDelivery>, StoreError> {
        self.claim_delivery_sql(now_ms, claim_ms).await
    }

    async fn record_attempt(
        &self,
        claimed: &ClaimedDelivery,
        outcome: &AttemptOutcome,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        self.record_attempt_sql(claimed, outcome, now_ms).await
    }

    async fn create_case(
        &self,
        tenant: &TenantId,
        kind: CaseKind,
        fields: &CaseFields,
        now_ms: i64,
    ) -> Result<CaseRecord, StoreError> {
        self.create_case_sql(tenant, kind, fields, now_ms).await
    }

    async fn get_case(
        &self,
        tenant: &TenantId,
        id: &CaseId,
    ) -> Result<Option<CaseRecord>, StoreError> {
        self.get_case_sql(tenant, id).await
    }

    async fn get_case_by_number(
        &self,
        tenant: &TenantId,
        number: i64,
    ) -> Result<Option<CaseRecord>, StoreError> {
        self.get_case_by_number_sql(tenant, number).await
    }

    async fn list_cases(
        &self,
        tenant: &TenantId,
        search: Option<&str>,
        cursor: Option<&PageCursor>,
        limit: u32,
    ) -> Result<CasePage, StoreError> {
        self.list_cases_sql(tenant, search, cursor, limit).await
    }

    async fn update_case(
        &self,
        tenant: &TenantId,
        id: &CaseId,
        fields: &CaseFields,
        now_ms: i64,
    ) -> Result<Option<CaseRecord>, StoreError> {
        self.update_case_sql(tenant, id, fields, now_ms).await
    }

    async fn delete_case(
        &self,
        tenant: &TenantId,
        id: &CaseId,
    ) -> Result<Option<DeletedCase>, StoreError> {
        self.delete_case_sql(tenant, id).await
    }

    async fn get_preferences(&self, tenant: &TenantId) -> Result<Option<String>, StoreError> {
        self.get_preferences_sql(tenant).await
    }

    async fn put_preferences(
        &self,
        tenant: &TenantId,
        body_json: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.put_preferences_sql(tenant, body_json, now_ms).await
    }

    async fn add_rule(
        &self,
        tenant: &TenantId,
        body_json: &str,
        now_ms: i64,
    ) -> Result<RuleRecord, StoreError> {
        self.add_rule_sql(tenant, body_json, now_ms).await
    }

    async fn list_rules(&self, tenant: &TenantId) -> Result<Vec<RuleRecord>, StoreError> {
        self.list_rules_sql(tenant).await
    }

    async fn delete_rule(&self, tenant: &TenantId, id: &str) -> Result<bool, StoreError> {
        self.delete_rule_sql(tenant, id).await
    }

    async fn insert_run(
        &self,
        tenant: &TenantId,
        document: &DocumentId,
        kind: &str,
        request_json: &str,
        result_json: &str,
        now_ms: i64,
    ) -> Result<RunRecord, StoreError> {
        self.insert_run_sql(tenant, document, kind, request_json, result_json, now_ms)
            .await
    }

    async fn list_runs(
        &self,
        tenant: &TenantId,
        document: &DocumentId,
        kind: &str,
    ) -> Result<Vec<RunRecord>, StoreError> {
        self.list_runs_sql(tenant, document, kind).await
    }

    async fn get_run_by_number(
        &self,
        tenant: &TenantId,
        kind: &str,
        number: i64,
    ) -> Result<Option<RunRecord>, StoreError> {
        self.get_run_by_number_sql(tenant, kind, number).await
    }

    async fn begin_idempotent(
        &self,
        tenant: &TenantId,
        key: &str,
        fingerprint: &str,
        now_ms: i64,
        expire_before_ms: i64,
    ) -> Result<Idempotency, StoreError> {
        self.begin_idempotent_sql(tenant, key, fingerprint, now_ms, expire_before_ms)
            .await
    }

    async fn complete_idempotent(
        &self,
        tenant: &TenantId,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError> {
        self.complete_idempotent_sql(tenant, key, status, body)
            .await
    }

    async fn abandon_idempotent(&self, tenant: &TenantId, key: &str) -> Result<(), StoreError> {
        self.abandon_idempotent_sql(tenant, key).await
    }

    async fn audit(&self, entry: NewAudit<'_>, now_ms: i64) -> Result<(), StoreError> {
        self.audit_sql(entry, now_ms).await
    }

    async fn list_audit(
        &self,
        tenant: &TenantId,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        self.list_audit_sql(tenant, limit).await
    }
}

#[cfg(test)]
mod tests;
