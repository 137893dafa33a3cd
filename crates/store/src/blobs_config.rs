//! The one blob backend a binary holds, chosen at start from a URL.
//!
//! `--blobs` takes a URL so that one flag (or one environment variable) says everything:
//! - `file:///abs/path` or a bare path: [`LocalBlobs`] under that directory;
//! - `s3://bucket[/prefix]?endpoint=URL&region=R&addressing=path|virtual`: [`S3Blobs`];
//!   `endpoint` defaults to AWS (`https://s3.<region>.amazonaws.com`), `region` to `us-east-1`,
//!   `addressing` to `path`. Credentials are never in the URL (it is logged and shown in `ps`):
//!   they come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
//!
//! An optional key file turns on encryption at rest for either backend (see `cipher`).

use std::path::PathBuf;
use std::sync::Arc;

use crate::cipher::{open_blocking, seal_blocking};
use crate::{
    BlobEncryptionKey, BlobKey, Blobs, LocalBlobs, S3Addressing, S3Blobs, S3Config, S3Credentials,
    StoreError,
};

/// Where originals go, as parsed from `--blobs`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum BlobLocation {
    /// A directory.
    Local(PathBuf),
    /// A bucket of an S3-compatible service.
    S3(S3Config),
}

/// Everything needed to open the blob backend.
#[derive(Clone, Debug)]
pub struct BlobsConfig {
    /// Where originals go.
    pub location: BlobLocation,
    /// A file holding the encryption key (32 raw bytes or 64 hex digits); `None` stores
    /// originals as uploaded.
    pub key_file: Option<PathBuf>,
}

impl BlobsConfig {
    /// Originals as files under `dir`, unencrypted: the default (`<data-dir>/blobs`).
    pub fn local(dir: impl Into<PathBuf>) -> Self {
        BlobsConfig {
            location: BlobLocation::Local(dir.into()),
            key_file: None,
        }
    }

    /// Parses a `--blobs` URL. `env` looks up the AWS credential variables (pass
    /// `|name| std::env::var(name).ok()`; tests pass their own).
    pub fn parse(url: &str, env: impl Fn(&str) -> Option<String>) -> Result<Self, StoreError> {
        let location = if let Some(rest) = url.strip_prefix("s3://") {
            BlobLocation::S3(parse_s3(url, rest, &env)?)
        } else if let Some(path) = url.strip_prefix("file://") {
            if !path.starts_with('/') {
                return Err(invalid(
                    url,
                    "a file:// URL holds an absolute path (file:///srv/blobs)",
                ));
            }
            BlobLocation::Local(PathBuf::from(path))
        } else if url.contains("://") {
            return Err(invalid(url, "the scheme must be file:// or s3://"));
        } else if url.is_empty() {
            return Err(invalid(url, "empty"));
        } else {
            BlobLocation::Local(PathBuf::from(url))
        };
        Ok(BlobsConfig {
            location,
            key_file: None,
        })
    }

    /// Turns encryption at rest on with the key in `path`.
    #[must_use]
    pub fn with_key_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.key_file = Some(path.into());
        self
    }
}

fn invalid(url: &str, why: &str) -> StoreError {
    StoreError::Invalid(format!("blobs URL {url:?}: {why}"))
}

fn parse_s3(
    url: &str,
    rest: &str,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<S3Config, StoreError> {
    let (location, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (bucket, prefix) = location.split_once('/').unwrap_or((location, ""));
    let mut endpoint = None;
    let mut region = "us-east-1".to_owned();
    let mut addressing = S3Addressing::Path;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair
            .split_once('=')
            .ok_or_else(|| invalid(url, "query parameters are name=value"))?;
        let value = percent_decode(value).ok_or_else(|| invalid(url, "bad %-escape"))?;
        match name {
            "endpoint" => endpoint = Some(value.trim_end_matches('/').to_owned()),
            "region" => region = value,
            "addressing" => {
                addressing = match value.as_str() {
                    "path" => S3Addressing::Path,
                    "virtual" => S3Addressing::Virtual,
                    _ => return Err(invalid(url, "addressing is path or virtual")),
                }
            }
            _ => {
                return Err(invalid(
                    url,
                    "known parameters are endpoint, region and addressing (credentials come from \
                     AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN)",
                ));
            }
        }
    }
    let access_key = env("AWS_ACCESS_KEY_ID").filter(|v| !v.is_empty());
    let secret = env("AWS_SECRET_ACCESS_KEY").filter(|v| !v.is_empty());
    let (Some(access_key), Some(secret)) = (access_key, secret) else {
        return Err(invalid(
            url,
            "S3 needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment",
        ));
    };
    let credentials = S3Credentials::new(access_key, secret, env("AWS_SESSION_TOKEN"));
    let endpoint = endpoint.unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com"));
    let mut config = S3Config::new(endpoint, bucket, region, credentials);
    config.prefix = prefix.to_owned();
    config.addressing = addressing;
    // Checked now, so a bad URL fails at start rather than at the first upload.
    S3Blobs::new(config.clone())?;
    Ok(config)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        if b == b'%' {
            let hex = text.get(at + 1..at + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            out.push(b);
            at += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[derive(Clone, Debug)]
enum Backend {
    Local(LocalBlobs),
    S3(S3Blobs),
}

/// The blob backend chosen by configuration, with or without encryption: the one `Blobs` type
/// the binary needs, so the server is compiled once whatever the deployment.
#[derive(Clone, Debug)]
pub struct ConfiguredBlobs {
    backend: Backend,
    cipher: Option<Arc<BlobEncryptionKey>>,
}

impl ConfiguredBlobs {
    /// Opens the backend: reads the key file, checks the S3 settings. Contacts no service.
    pub fn open(config: &BlobsConfig) -> Result<Self, StoreError> {
        let backend = match &config.location {
            BlobLocation::Local(dir) => Backend::Local(LocalBlobs::new(dir)),
            BlobLocation::S3(s3) => Backend::S3(S3Blobs::new(s3.clone())?),
        };
        let cipher = config
            .key_file
            .as_deref()
            .map(BlobEncryptionKey::read_file)
            .transpose()?
            .map(Arc::new);
        Ok(ConfiguredBlobs { backend, cipher })
    }

    /// Whether new originals are encrypted (for the start-up log line).
    pub fn encrypts(&self) -> bool {
        self.cipher.is_some()
    }

    /// A short description for logs: `local /srv/blobs` or `s3 bucket/prefix`, never secrets.
    pub fn describe(&self) -> String {
        let place = match &self.backend {
            Backend::Local(local) => format!("local {}", local.root().display()),
            Backend::S3(s3) => format!("s3 {}", s3.describe()),
        };
        if self.encrypts() {
            format!("{place}, encrypted")
        } else {
            place
        }
    }

    async fn put_raw(&self, key: &BlobKey, bytes: Vec<u8>) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Local(b) => b.put(key, bytes).await,
            Backend::S3(b) => b.put(key, bytes).await,
        }
    }

    async fn get_raw(&self, key: &BlobKey) -> Result<Option<Vec<u8>>, StoreError> {
        match &self.backend {
            Backend::Local(b) => b.get(key).await,
            Backend::S3(b) => b.get(key).await,
        }
    }
}

impl Blobs for ConfiguredBlobs {
    async fn put(&self, key: &BlobKey, bytes: Vec<u8>) -> Result<(), StoreError> {
        let bytes = match &self.cipher {
            Some(cipher) => seal_blocking(cipher, key, bytes).await?,
            None => bytes,
        };
        self.put_raw(key, bytes).await
    }

    async fn get(&self, key: &BlobKey) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(stored) = self.get_raw(key).await? else {
            return Ok(None);
        };
        match &self.cipher {
            Some(cipher) => open_blocking(cipher, key, stored).await.map(Some),
            // Without a key an encrypted object cannot be served; saying so beats sending
            // ciphertext to a parser.
            None if crate::cipher::is_sealed(&stored) => Err(StoreError::Encryption(format!(
                "original {} is encrypted and no key is configured (--blob-key-file)",
                key.name()
            ))),
            None => Ok(Some(stored)),
        }
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Local(b) => b.delete(key).await,
            Backend::S3(b) => b.delete(key).await,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "AWS_ACCESS_KEY_ID" => Some("AKID".to_owned()),
            "AWS_SECRET_ACCESS_KEY" => Some("secret".to_owned()),
            _ => None,
        }
    }

    #[test]
    fn paths_and_file_urls_are_local_directories() {
        for (url, dir) in [
            ("/srv/blobs", "/srv/blobs"),
            ("data/blobs", "data/blobs"),
            ("file:///srv/blobs", "/srv/blobs"),
        ] {
            match BlobsConfig::parse(url, env).unwrap().location {
                BlobLocation::Local(path) => assert_eq!(path, PathBuf::from(dir)),
                other @ BlobLocation::S3(_) => unreachable!("{other:?}"),
            }
        }
        assert!(BlobsConfig::parse("file://relative", env).is_err());
        assert!(BlobsConfig::parse("ftp://host/x", env).is_err());
    }

    #[test]
    fn s3_urls_name_bucket_prefix_endpoint_region_and_addressing() {
        let url = "s3://originals/ledgerlens/prod?endpoint=http%3A%2F%2F127.0.0.1%3A9000\
                   &region=eu-west-3&addressing=virtual";
        let BlobLocation::S3(config) = BlobsConfig::parse(url, env).unwrap().location else {
            unreachable!("not S3")
        };
        assert_eq!(config.bucket, "originals");
        assert_eq!(config.prefix, "ledgerlens/prod");
        assert_eq!(config.endpoint, "http://127.0.0.1:9000");
        assert_eq!(config.region, "eu-west-3");
        assert_eq!(config.addressing, S3Addressing::Virtual);
        assert_eq!(
            config.credentials,
            S3Credentials::new("AKID", "secret", None)
        );

        let BlobLocation::S3(aws) = BlobsConfig::parse("s3://originals", env).unwrap().location
        else {
            unreachable!("not S3")
        };
        assert_eq!(aws.endpoint, "https://s3.us-east-1.amazonaws.com");
        assert_eq!(aws.addressing, S3Addressing::Path);
    }

    #[test]
    fn s3_urls_without_credentials_or_with_unknown_parameters_are_refused() {
        let error = BlobsConfig::parse("s3://originals", |_| None).unwrap_err();
        assert!(error.to_string().contains("AWS_ACCESS_KEY_ID"), "{error}");
        assert!(BlobsConfig::parse("s3://originals?secret=x", env).is_err());
        assert!(BlobsConfig::parse("s3://originals?addressing=dns", env).is_err());
        assert!(BlobsConfig::parse("s3://Bad_Bucket", env).is_err());
    }
}
