//! Persistence of the ledgerlens service.
//!
//! Two traits, each with one backend so far, chosen once at the edge (the binary):
//! - [`Store`]: the records — tenants, API keys, OAuth clients, documents (which are also the
//!   job queue) and analyses. [`SqliteStore`] is the embedded default; a PostgreSQL backend will
//!   implement the same trait with its own migrations.
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

use std::future::Future;

pub use blobs::{BlobKey, Blobs, LocalBlobs};
pub use error::StoreError;
pub use ids::{DocumentId, TenantId, hash_secret, random_token};
pub use records::{
    ApiKeyCreated, ClaimedJob, DocumentPage, DocumentRecord, DocumentStatus, JobOutcome,
    NewDocument, OAuthClientCreated, PageCursor,
};
pub use sqlite::SqliteStore;

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

    /// Ends a job the worker holds: stores the analyses (on success) and the final status in
    /// one transaction, and erases the job's secrets. False if the worker no longer held it
    /// (lease expired and re-claimed, or the document was deleted).
    fn finish_job(
        &self,
        job: &ClaimedJob,
        outcome: JobOutcome,
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
