//! Where `serve`, `worker`, `admin` and `migrate` keep their data: the one place the binary
//! chooses the store (SQLite file in the data directory, or PostgreSQL) and the blob backend
//! (a directory, or an S3-compatible bucket; optionally encrypted at rest).
//!
//! Every process of a deployment must be given the same choices, or they will not share jobs.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use ledgerlens_store::{BlobsConfig, ConfiguredBlobs, SqlStore};

use crate::serve_cmd::flag_or_env;

/// The data directory when neither `--data-dir` nor `LEDGERLENS_DATA_DIR` says.
const DEFAULT_DATA_DIR: &str = "data";
/// The SQLite database file inside the data directory.
const DATABASE_FILE: &str = "ledgerlens.sqlite3";

/// Where the records are.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Data directory: the SQLite database (unless --database-url), the uploaded originals
    /// (unless --blobs) and the token signing key [env: LEDGERLENS_DATA_DIR] [default: ./data].
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Database: `postgres://USER@HOST:PORT/DB` to scale out, or `sqlite://PATH`
    /// [env: DATABASE_URL] [default: the SQLite file in the data directory].
    #[arg(long)]
    pub database_url: Option<String>,
}

/// Where the uploaded originals are.
#[derive(Debug, Clone, Args)]
pub struct BlobArgs {
    /// Store of originals: a directory, `file:///ABS/PATH`, or
    /// `s3://BUCKET[/PREFIX]?endpoint=URL&region=R&addressing=path|virtual` (credentials from
    /// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN)
    /// [env: LEDGERLENS_BLOBS] [default: DATA_DIR/blobs].
    #[arg(long)]
    pub blobs: Option<String>,
    /// Encrypt originals at rest (AES-256-GCM) with the key in this file: 32 raw bytes or 64
    /// hex digits [env: LEDGERLENS_BLOB_KEY_FILE].
    #[arg(long)]
    pub blob_key_file: Option<PathBuf>,
}

impl StoreArgs {
    /// The data directory, created if missing.
    pub fn data_dir(&self) -> Result<PathBuf> {
        let dir = flag_or_env(self.data_dir.as_ref(), "LEDGERLENS_DATA_DIR")?
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("creating the data directory {}", dir.display()))?;
        Ok(dir)
    }

    /// The database URL, if one was given (else the data directory's SQLite file is used).
    fn database_url(&self) -> Result<Option<String>> {
        flag_or_env(self.database_url.as_ref(), "DATABASE_URL")
    }

    /// Opens the store, applying pending migrations; also says which were applied.
    pub async fn open_reporting(&self) -> Result<(SqlStore, Vec<(i64, String)>)> {
        let data_dir = self.data_dir()?;
        match self.database_url()? {
            Some(url) => SqlStore::connect_reporting(&url)
                .await
                .with_context(|| format!("opening the database {}", redact(&url))),
            None => {
                let path = data_dir.join(DATABASE_FILE);
                SqlStore::open_reporting(&path)
                    .await
                    .with_context(|| format!("opening the database {}", path.display()))
            }
        }
    }

    /// Opens the store, applying pending migrations.
    pub async fn open(&self) -> Result<SqlStore> {
        Ok(self.open_reporting().await?.0)
    }
}

impl BlobArgs {
    /// Opens the blob backend (`data_dir/blobs` unless told otherwise).
    pub fn open(&self, data_dir: &Path) -> Result<ConfiguredBlobs> {
        let config = match flag_or_env(self.blobs.as_ref(), "LEDGERLENS_BLOBS")? {
            Some(url) => BlobsConfig::parse(&url, |name| std::env::var(name).ok())
                .context("--blobs / LEDGERLENS_BLOBS")?,
            None => BlobsConfig::local(data_dir.join("blobs")),
        };
        let config = match flag_or_env(self.blob_key_file.as_ref(), "LEDGERLENS_BLOB_KEY_FILE")? {
            Some(path) => config.with_key_file(path),
            None => config,
        };
        ConfiguredBlobs::open(&config).context("opening the store of originals")
    }
}

/// A URL fit for a log line: the password, if any, replaced.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = url.get(scheme_end + 3..).unwrap_or("");
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or("");
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = authority.get(..at).unwrap_or("");
            let user = userinfo.split(':').next().unwrap_or("");
            format!(
                "{}{user}:***@{}",
                url.get(..scheme_end + 3).unwrap_or(""),
                rest.get(at + 1..).unwrap_or("")
            )
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_do_not_reach_logs() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/ll"),
            "postgres://app:***@db:5432/ll"
        );
        assert_eq!(redact("postgres://db/ll"), "postgres://db/ll");
        assert_eq!(redact("sqlite://data/x"), "sqlite://data/x");
    }
}
