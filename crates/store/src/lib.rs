//! Persistence of the ledgerlens service.
//!
//! Two traits, each with one backend so far, chosen once at the edge (the binary):
//! - [`Store`]: the records — tenants, API keys, OAuth clients, documents (which are also the
//!   job queue) and analyses. [`SqliteStore`] is the embedded default; a PostgreSQL backend will
//!   implement the same trait with its own migrations.
//!   It also keeps webhook subscriptions and their outbox of messages (queued in the same
//!   transaction as the job result they announce, so a crash cannot lose one).
//! - [`Blobs`]: the uploaded originals. [`LocalBlobs`] keeps them as files; an S3-compatible
//!   backend will implement the same trait.
//!
//! Every query about a tenant's data takes the tenant's id, so a handler cannot forget it: there is
//! no "get document by id" without a tenant. Time is a parameter (`now_ms`) so the queue's lease
//! arithmetic can be tested without sleeping.

mod blobs;
mod error;
mod ids;
mod records;
mod sqlite;
mod webhooks;

use std::future::Future;

pub use blobs::{BlobKey, Blobs, LocalBlobs};
pub use error::StoreError;
pub use ids::{DocumentId, TenantId, hash_secret, random_token};
pub use records::{
    ApiKeyCreated, ClaimedJob, DocumentPage, DocumentRecord, DocumentStatus, JobOutcome,
    NewDocument, OAuthClientCreated, PageCursor,
};
pub use sqlite::SqliteStore;
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

    /// A new API key for the tenant: the key is returned once, only its hash is stored.
    fn create_api_key(
        &self,
        tenant: &TenantId,
        now_ms: i64,
    ) -> impl Future<Output = Result<ApiKeyCreated, StoreError>> + Send;

    /// A new OAuth client for the tenant: the secret is returned once, only its hash is stored.
    fn create_oauth_client(
        &self,
        tenant: &TenantId,
        now_ms: i64,
    ) -> impl Future<Output = Result<OAuthClientCreated, StoreError>> + Send;

    /// The tenant a presented API key belongs to, if the key exists and is not revoked.
    fn tenant_for_api_key(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<Option<TenantId>, StoreError>> + Send;

    /// An OAuth client that exists and is not revoked: its tenant and the stored hash of its
    /// secret (the caller compares hashes in constant time). `None` for an unknown or revoked
    /// client.
    fn oauth_client(
        &self,
        client_id: &str,
    ) -> impl Future<Output = Result<Option<(TenantId, String)>, StoreError>> + Send;

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

    /// The tenant's documents, newest first, `limit` at most, after `cursor`.
    fn list_documents(
        &self,
        tenant: &TenantId,
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
    /// webhook messages announcing it in one transaction, and erases the job's secrets. False if
    /// the worker no longer held it (lease expired and re-claimed, or the document was deleted);
    /// then nothing is written and no event is queued, so an event is announced once.
    fn finish_job(
        &self,
        job: &ClaimedJob,
        outcome: JobOutcome,
        event: Option<NewEvent>,
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
}
