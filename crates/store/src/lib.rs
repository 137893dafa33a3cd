//! Persistence of the ledgerlens service.
//!
//! Two traits, chosen once at the edge (the binary):
//! - [`Store`]: the records — tenants, credentials, cases, documents (which are also the job
//!   queue), analyses, runs, preferences, rules, idempotency keys and the audit log.
//!   [`SqlStore`] implements it on SQLite (the embedded default) and on PostgreSQL.
//!   It also keeps webhook subscriptions and their outbox of messages (queued in the same
//!   transaction as the job result they announce, so a crash cannot lose one).
//! - [`Blobs`]: the uploaded originals. [`LocalBlobs`] keeps them as files, an S3-compatible
//!   service can hold them instead, and either can encrypt them at rest ([`ConfiguredBlobs`]).
//!
//! Every query about a tenant's data takes the tenant's id, so a handler cannot forget it: there is
//! no "get document by id" without a tenant. Time is a parameter (`now_ms`) so the queue's lease
//! arithmetic can be tested without sleeping.

mod blobs;
mod blobs_config;
mod cipher;
pub mod domain;
mod error;
mod ids;
mod records;
mod s3;
mod s3_sign;
#[cfg(feature = "testing")]
pub mod s3_testing;
mod sql;
#[cfg(feature = "testing")]
pub mod testing;
mod webhooks;

use std::future::Future;

pub use blobs::{BlobKey, Blobs, LocalBlobs};
pub use blobs_config::{BlobLocation, BlobsConfig, ConfiguredBlobs};
pub use cipher::{BlobEncryptionKey, EncryptedBlobs};
pub use domain::{
    AuditRecord, CaseFields, CaseKind, CasePage, CaseRecord, CredentialKind, CredentialRecord,
    CredentialSpec, DeletedCase, Idempotency, NewAudit, Principal, RuleRecord, RunRecord,
    SessionPrincipal, UserLogin,
};
pub use error::StoreError;
pub use ids::{CaseId, DocumentId, TenantId, hash_secret, random_token};
pub use records::{
    ApiKeyCreated, ClaimedJob, Decision, DocumentFilter, DocumentPage, DocumentRecord,
    DocumentStatus, JobOutcome, NewDocument, OAuthClientCreated, PageCursor, Subject,
};
pub use s3::{S3Addressing, S3Blobs, S3Config};
pub use s3_sign::S3Credentials;
pub use sql::{Dialect, SqlStore};
pub use webhooks::{
    AttemptOutcome, AttemptRecord, ClaimedDelivery, DeliveryRecord, DeliveryStatus, NewEvent,
    NewWebhook, WebhookRecord,
};

/// The records of the service, whatever database holds them.
///
/// Methods return `impl Future + Send` so the server can hold a store across `.await` in any
/// task; backends implement them with plain `async fn`.
pub trait Store: Clone + Send + Sync + 'static {
    /// Answers when the database is reachable (readiness).
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The tenant called `name`, created if it does not exist yet.
    fn ensure_tenant(
        &self,
        name: &str,
        now_ms: i64,
    ) -> impl Future<Output = Result<TenantId, StoreError>> + Send;

    /// The tenant called `name`, if it exists.
    fn find_tenant(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<TenantId>, StoreError>> + Send;

    /// A new API key for the tenant: the key is returned once, only its hash is stored.
    fn create_api_key(
        &self,
        tenant: &TenantId,
        spec: &CredentialSpec,
        now_ms: i64,
    ) -> impl Future<Output = Result<ApiKeyCreated, StoreError>> + Send;

    /// A new OAuth client for the tenant: the secret is returned once, only its hash is stored.
    fn create_oauth_client(
        &self,
        tenant: &TenantId,
        spec: &CredentialSpec,
        now_ms: i64,
    ) -> impl Future<Output = Result<OAuthClientCreated, StoreError>> + Send;

    /// Who a presented API key is, if the key exists and is not revoked at `now_ms`.
    fn principal_for_api_key(
        &self,
        key: &str,
        now_ms: i64,
    ) -> impl Future<Output = Result<Option<Principal>, StoreError>> + Send;

    /// An OAuth client that exists and is not revoked at `now_ms`: who it is and the stored
    /// hash of its secret (the caller compares hashes in constant time).
    fn oauth_client(
        &self,
        client_id: &str,
        now_ms: i64,
    ) -> impl Future<Output = Result<Option<(Principal, String)>, StoreError>> + Send;

    /// The tenant's API keys and OAuth clients, oldest first (no secrets: none are stored).
    fn list_credentials(
        &self,
        tenant: &TenantId,
    ) -> impl Future<Output = Result<Vec<CredentialRecord>, StoreError>> + Send;

    /// A new user of `tenant` signing in with `email` (stored lower-cased) and a password whose
    /// hash the caller made; `None` when another user already has that e-mail.
    fn create_user(
        &self,
        tenant: &TenantId,
        email: &str,
        password_hash: &str,
        spec: &CredentialSpec,
        now_ms: i64,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// The active user signing in with `email` (any case), with the stored password hash.
    fn user_login(
        &self,
        email: &str,
        now_ms: i64,
    ) -> impl Future<Output = Result<Option<UserLogin>, StoreError>> + Send;

    /// Replaces a user's password hash and ends the user's other sessions (every session but
    /// the one whose token is `keep`); false if there is no such active user.
    fn set_user_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep: Option<&str>,
        now_ms: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Opens a session for a user until `expires_at_ms`; the token (`llu_…`) is in this answer
    /// only, the store keeps its hash.
    fn create_session(
        &self,
        user_id: &str,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> impl Future<Output = Result<String, StoreError>> + Send;

    /// The user a session token stands for, while the session is open and the user active.
    fn principal_for_session(
        &self,
        token: &str,
        now_ms: i64,
    ) -> impl Future<Output = Result<Option<SessionPrincipal>, StoreError>> + Send;

    /// Signs a session out; false if it was not open.
    fn end_session(
        &self,
        token: &str,
        now_ms: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Makes an API key or client stop working at `at_ms` (now, or later for a rotation's
    /// grace period); false if the tenant has no such credential.
    fn revoke_credential(
        &self,
        tenant: &TenantId,
        id: &str,
        at_ms: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records an upload as a PENDING document, which is also a job for the workers.
    fn insert_document(
        &self,
        document: NewDocument,
        now_ms: i64,
    ) -> impl Future<Output = Result<DocumentRecord, StoreError>> + Send;

    /// One document of the tenant; `None` for another tenant's id as for an unknown one.
    fn get_document(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
    ) -> impl Future<Output = Result<Option<DocumentRecord>, StoreError>> + Send;

    /// One document of the tenant by its integer key.
    fn get_document_by_number(
        &self,
        tenant: &TenantId,
        number: i64,
    ) -> impl Future<Output = Result<Option<DocumentRecord>, StoreError>> + Send;

    /// The tenant's documents that pass `filter`, newest first, `limit` at most, after `cursor`.
    fn list_documents(
        &self,
        tenant: &TenantId,
        filter: &DocumentFilter,
        cursor: Option<&PageCursor>,
        limit: u32,
    ) -> impl Future<Output = Result<DocumentPage, StoreError>> + Send;

    /// Deletes a document and its analyses. Returns the removed record and whether its blob is
    /// still used by another document of the tenant (same content uploaded twice), or `None`
    /// when the tenant has no such document.
    fn delete_document(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
    ) -> impl Future<Output = Result<Option<(DocumentRecord, bool)>, StoreError>> + Send;

    /// The stored JSON of one analysis profile of a document.
    fn get_analysis(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
        profile: &str,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// How many documents are in each status, over all tenants (metrics).
    fn status_counts(
        &self,
    ) -> impl Future<Output = Result<Vec<(DocumentStatus, u64)>, StoreError>> + Send;

    /// Puts a finished document back in the queue (after the tenant's rules changed, say),
    /// with the PDF password if one is needed again; false if the tenant has no such document
    /// or it is still queued or processing.
    fn requeue_document(
        &self,
        tenant: &TenantId,
        id: &DocumentId,
        password: Option<String>,
        now_ms: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Stores the transaction fingerprints of a job's ledger (replacing earlier ones) and
    /// returns the oldest other document of the tenant that shares at least `min_overlap` (a
    /// share, 0–1) of them, which is also recorded as the job's `duplicate_of` unless the same
    /// file was uploaded before. Nothing is written if the worker lost the job.
    fn record_fingerprints(
        &self,
        job: &ClaimedJob,
        fingerprints: &[String],
        min_overlap: f64,
    ) -> impl Future<Output = Result<Option<DocumentId>, StoreError>> + Send;

    /// Atomically takes the oldest claimable job (PENDING, or PROCESSING with an expired lease)
    /// for `worker` until `now_ms + lease_ms`. Jobs whose lease expired `max_attempts` times are
    /// failed with `attempts_exhausted` instead of being claimed again.
    fn claim_job(
        &self,
        worker: &str,
        now_ms: i64,
        lease_ms: i64,
        max_attempts: u32,
    ) -> impl Future<Output = Result<Option<ClaimedJob>, StoreError>> + Send;

    /// Pushes the lease of a job the worker still holds; false if it lost the job.
    fn extend_lease(
        &self,
        job: &ClaimedJob,
        until_ms: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Ends a job the worker holds: stores the analyses (on success), the final status and the
    /// webhook messages announcing it (the native event and any vendor-shaped copies) in one
    /// transaction, and erases the job's secrets. False if the worker no longer held it (lease
    /// expired and re-claimed, or the document was deleted); then nothing is written and no
    /// event is queued, so an event is announced once.
    fn finish_job(
        &self,
        job: &ClaimedJob,
        outcome: JobOutcome,
        events: Vec<NewEvent>,
        now_ms: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records the last processing step (1–12) a worker reached, if it still holds the job.
    fn set_progress(
        &self,
        job: &ClaimedJob,
        step: u32,
        now_ms: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Queues `event` for every active subscription of the tenant whose filter takes it;
    /// returns how many messages were queued.
    fn enqueue_event(
        &self,
        tenant: &TenantId,
        event: &NewEvent,
        now_ms: i64,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Stores a new subscription.
    fn create_webhook(
        &self,
        webhook: NewWebhook,
        now_ms: i64,
    ) -> impl Future<Output = Result<WebhookRecord, StoreError>> + Send;

    /// The tenant's subscriptions, oldest first.
    fn list_webhooks(
        &self,
        tenant: &TenantId,
    ) -> impl Future<Output = Result<Vec<WebhookRecord>, StoreError>> + Send;

    /// One subscription of the tenant; `None` for another tenant's id as for an unknown one.
    fn get_webhook(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> impl Future<Output = Result<Option<WebhookRecord>, StoreError>> + Send;

    /// Deletes a subscription with its messages and their log; false if the tenant has none
    /// of that id.
    fn delete_webhook(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The messages of a subscription, newest first, with every attempt; `None` when the tenant
    /// has no such subscription.
    fn list_deliveries(
        &self,
        tenant: &TenantId,
        subscription: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Option<Vec<DeliveryRecord>>, StoreError>> + Send;

    /// Queues a message again for an attempt now, with a fresh retry schedule; false when the
    /// tenant has no such message under that subscription.
    fn redeliver(
        &self,
        tenant: &TenantId,
        subscription: &str,
        delivery: &str,
        now_ms: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Atomically takes the most overdue pending message (any tenant: this is the sender's
    /// queue) until `now_ms + claim_ms`; if the sender dies, the message is due again then.
    fn claim_delivery(
        &self,
        now_ms: i64,
        claim_ms: i64,
    ) -> impl Future<Output = Result<Option<ClaimedDelivery>, StoreError>> + Send;

    /// Logs an attempt and moves the message on (delivered, retry at, or failed). The message
    /// is updated only if still held by this claim; the attempt is logged either way.
    fn record_attempt(
        &self,
        claimed: &ClaimedDelivery,
        outcome: &AttemptOutcome,
        now_ms: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Hands a job back unfinished (graceful shutdown): PENDING again, and the interrupted
    /// attempt is not counted.
    fn release_job(
        &self,
        job: &ClaimedJob,
        now_ms: i64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// A new case of the tenant, with the next case number.
    fn create_case(
        &self,
        tenant: &TenantId,
        kind: CaseKind,
        fields: &CaseFields,
        now_ms: i64,
    ) -> impl Future<Output = Result<CaseRecord, StoreError>> + Send;

    /// One case of the tenant.
    fn get_case(
        &self,
        tenant: &TenantId,
        id: &CaseId,
    ) -> impl Future<Output = Result<Option<CaseRecord>, StoreError>> + Send;

    /// One case of the tenant by its integer key.
    fn get_case_by_number(
        &self,
        tenant: &TenantId,
        number: i64,
    ) -> impl Future<Output = Result<Option<CaseRecord>, StoreError>> + Send;

    /// The tenant's cases, newest first; with `search`, only those whose name, reference,
    /// assignee or an identifier contains it (any case, `%` and `_` literal).
    fn list_cases(
        &self,
        tenant: &TenantId,
        search: Option<&str>,
        cursor: Option<&PageCursor>,
        limit: u32,
    ) -> impl Future<Output = Result<CasePage, StoreError>> + Send;

    /// Replaces the describing fields of a case.
    fn update_case(
        &self,
        tenant: &TenantId,
        id: &CaseId,
        fields: &CaseFields,
        now_ms: i64,
    ) -> impl Future<Output = Result<Option<CaseRecord>, StoreError>> + Send;

    /// Deletes a case with its documents (and their analyses, runs, fingerprints); returns the
    /// removed documents, each with whether its blob is still used by another document.
    fn delete_case(
        &self,
        tenant: &TenantId,
        id: &CaseId,
    ) -> impl Future<Output = Result<Option<DeletedCase>, StoreError>> + Send;

    /// The tenant's preferences (JSON), if set.
    fn get_preferences(
        &self,
        tenant: &TenantId,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// Replaces the tenant's preferences.
    fn put_preferences(
        &self,
        tenant: &TenantId,
        body_json: &str,
        now_ms: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Adds a categorisation rule of the tenant.
    fn add_rule(
        &self,
        tenant: &TenantId,
        body_json: &str,
        now_ms: i64,
    ) -> impl Future<Output = Result<RuleRecord, StoreError>> + Send;

    /// The tenant's rules, oldest first (later rules win).
    fn list_rules(
        &self,
        tenant: &TenantId,
    ) -> impl Future<Output = Result<Vec<RuleRecord>, StoreError>> + Send;

    /// Deletes a rule; false if the tenant has none of that id.
    fn delete_rule(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Keeps a computed score or affordability run, with the next number of its kind.
    fn insert_run(
        &self,
        tenant: &TenantId,
        document: &DocumentId,
        kind: &str,
        request_json: &str,
        result_json: &str,
        now_ms: i64,
    ) -> impl Future<Output = Result<RunRecord, StoreError>> + Send;

    /// The runs of one kind on a document, oldest first.
    fn list_runs(
        &self,
        tenant: &TenantId,
        document: &DocumentId,
        kind: &str,
    ) -> impl Future<Output = Result<Vec<RunRecord>, StoreError>> + Send;

    /// One run by its kind and number.
    fn get_run_by_number(
        &self,
        tenant: &TenantId,
        kind: &str,
        number: i64,
    ) -> impl Future<Output = Result<Option<RunRecord>, StoreError>> + Send;

    /// Claims an `Idempotency-Key` for a request whose method, path and body hash to
    /// `fingerprint`. Keys created before `expire_before_ms` are forgotten first.
    fn begin_idempotent(
        &self,
        tenant: &TenantId,
        key: &str,
        fingerprint: &str,
        now_ms: i64,
        expire_before_ms: i64,
    ) -> impl Future<Output = Result<Idempotency, StoreError>> + Send;

    /// Records the response of the request that claimed the key.
    fn complete_idempotent(
        &self,
        tenant: &TenantId,
        key: &str,
        status: u16,
        body: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Forgets a claimed key whose request failed before answering, so a retry can run.
    fn abandon_idempotent(
        &self,
        tenant: &TenantId,
        key: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Appends a line to the tenant's audit log.
    fn audit(
        &self,
        entry: NewAudit<'_>,
        now_ms: i64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The tenant's audit log, newest first.
    fn list_audit(
        &self,
        tenant: &TenantId,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<AuditRecord>, StoreError>> + Send;
}
