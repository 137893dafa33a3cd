//! The one error type of the store crate.

use std::path::PathBuf;

/// What can go wrong persisting or reading records and blobs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused or failed a query.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration could not be applied at start.
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A blob could not be read, written or removed.
    #[error("blob {path}: {source}")]
    BlobIo {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The object store could not be reached, or the exchange broke off.
    #[error("object store: {0}")]
    ObjectStore(String),
    /// The object store answered with an error: the status and S3's own code and message.
    #[error("object store: {operation} {object} answered {status} {code}: {message}")]
    ObjectStoreStatus {
        /// `GET`, `PUT` or `DELETE`.
        operation: &'static str,
        /// `bucket/object name`.
        object: String,
        /// The HTTP status.
        status: u16,
        /// S3's error code (`NoSuchBucket`, `InvalidAccessKeyId`, …); empty if the body had none.
        code: String,
        /// S3's message; empty if the body had none.
        message: String,
    },
    /// An original could not be encrypted or decrypted (wrong key, altered bytes), or the key
    /// file is unusable.
    #[error("encryption at rest: {0}")]
    Encryption(String),
    /// The operating system's random source failed, so no secret could be made.
    #[error("random source: {0}")]
    Random(String),
    /// A value read back from the database is not what this version wrote (e.g. an unknown
    /// status): the database was edited by hand or by a newer version.
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// A caller-supplied value cannot be used (e.g. a tenant name that is empty).
    #[error("invalid input: {0}")]
    Invalid(String),
}
