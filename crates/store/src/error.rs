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
