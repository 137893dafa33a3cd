//! Originals in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, moto, …), so that API and
//! worker nodes on several machines share them.
//!
//! Objects are named `<prefix><tenant>/<sha256>` in one bucket. Requests are signed with AWS
//! Signature V4 (see `s3_sign`) and sent by the service's own HTTP client, which already bounds
//! time and answer size. Path-style addressing (`endpoint/bucket/key`) is the default because every
//! S3-compatible server understands it; virtual-hosted (`bucket.endpoint/key`) is what AWS prefers
//! for new buckets.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ledgerlens_http::bytes::Bytes;
use ledgerlens_http::http::{self, Method, StatusCode};
use ledgerlens_http::{Client, ClientConfig};

use crate::s3_sign::{Scope, Signable, amz_date, authorization, encode_path, sha256_hex};
use crate::{BlobKey, Blobs, S3Credentials, StoreError};

/// How the bucket is named in a request's URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum S3Addressing {
    /// `https://endpoint/bucket/key`: understood by every S3-compatible server.
    #[default]
    Path,
    /// `https://bucket.endpoint/key`: AWS's preferred form; needs DNS (or a wildcard) for the
    /// bucket's name.
    Virtual,
}

/// Where the originals live and who may touch them.
#[derive(Clone, Debug)]
pub struct S3Config {
    /// Base URL of the service, `http(s)://host[:port]`, without a path.
    pub endpoint: String,
    /// The bucket (3–63 lowercase letters, digits, `.` and `-`).
    pub bucket: String,
    /// Put before every object name, e.g. `ledgerlens/` (a `/` is added when missing).
    pub prefix: String,
    /// The region the signatures name (`us-east-1` for most S3-compatible servers).
    pub region: String,
    /// Path-style or virtual-hosted URLs.
    pub addressing: S3Addressing,
    /// The signing credentials.
    pub credentials: S3Credentials,
    /// Largest object read back; larger answers are an error rather than unbounded memory.
    pub max_object_bytes: usize,
}

impl S3Config {
    /// A configuration with the defaults: path-style addressing, no prefix, objects up to
    /// 64 MiB (uploads are capped well below that).
    pub fn new(
        endpoint: impl Into<String>,
        bucket: impl Into<String>,
        region: impl Into<String>,
        credentials: S3Credentials,
    ) -> Self {
        S3Config {
            endpoint: endpoint.into(),
            bucket: bucket.into(),
            prefix: String::new(),
            region: region.into(),
            addressing: S3Addressing::Path,
            credentials,
            max_object_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Attempts for one operation: S3 asks clients to retry 500/503 (`SlowDown`, `InternalError`),
/// and a connection cut while idle in the pool is worth one more try. All three operations are
/// idempotent.
const ATTEMPTS: u32 = 3;

/// [`Blobs`] in an S3-compatible bucket.
#[derive(Clone, Debug)]
pub struct S3Blobs {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: Client,
    scheme: String,
    /// `host[:port]` of the endpoint.
    authority: String,
    bucket: String,
    prefix: String,
    region: String,
    addressing: S3Addressing,
    credentials: S3Credentials,
}

fn valid_bucket(name: &str) -> bool {
    (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && !name.starts_with(['.', '-'])
        && !name.ends_with(['.', '-'])
}

impl S3Blobs {
    /// A backend for the configuration; checks its shape, does not contact the service.
    pub fn new(config: S3Config) -> Result<Self, StoreError> {
        let uri: http::Uri = config
            .endpoint
            .parse()
            .map_err(|_| StoreError::Invalid(format!("S3 endpoint {:?}", config.endpoint)))?;
        let scheme = match uri.scheme_str() {
            Some(s @ ("http" | "https")) => s.to_owned(),
            _ => {
                return Err(StoreError::Invalid(format!(
                    "S3 endpoint {:?}: an http:// or https:// URL",
                    config.endpoint
                )));
            }
        };
        let authority = uri
            .authority()
            .map(|a| a.as_str().to_owned())
            .filter(|a| !a.is_empty() && !a.contains('@'))
            .ok_or_else(|| {
                StoreError::Invalid(format!("S3 endpoint {:?}: no host", config.endpoint))
            })?;
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(StoreError::Invalid(format!(
                "S3 endpoint {:?}: a base URL without a path",
                config.endpoint
            )));
        }
        if !valid_bucket(&config.bucket) {
            return Err(StoreError::Invalid(format!(
                "S3 bucket {:?}: 3 to 63 lowercase letters, digits, '.' or '-'",
                config.bucket
            )));
        }
        if config.region.is_empty()
            || !config
                .region
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(StoreError::Invalid(format!(
                "S3 region {:?}",
                config.region
            )));
        }
        let mut prefix = config.prefix.trim_start_matches('/').to_owned();
        if !prefix.is_empty() && !prefix.ends_with('/') {
            prefix.push('/');
        }
        let client = Client::new(ClientConfig {
            connect_timeout: Duration::from_secs(5),
            // A 20 MB original over a slow link, with room to spare.
            total_timeout: Duration::from_secs(120),
            max_response_bytes: config.max_object_bytes,
            ..ClientConfig::default()
        })
        .map_err(|e| StoreError::ObjectStore(e.to_string()))?;
        Ok(S3Blobs {
            inner: Arc::new(Inner {
                client,
                scheme,
                authority,
                bucket: config.bucket,
                prefix,
                region: config.region,
                addressing: config.addressing,
                credentials: config.credentials,
            }),
        })
    }

    /// Creates the bucket; one that exists and is ours already is fine. For tests and first
    /// installs: in production the bucket is usually made by whoever grants the credentials.
    pub async fn create_bucket(&self) -> Result<(), StoreError> {
        let body = if self.inner.region == "us-east-1" {
            Bytes::new()
        } else {
            Bytes::from(format!(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
                 <LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
                self.inner.region
            ))
        };
        let answer = self.call(Method::PUT, None, body).await?;
        if answer.status.is_success() {
            return Ok(());
        }
        let failure = self.failure("PUT", None, &answer);
        match &failure {
            StoreError::ObjectStoreStatus { code, .. } if code == "BucketAlreadyOwnedByYou" => {
                Ok(())
            }
            _ => Err(failure),
        }
    }

    /// `bucket/prefix at endpoint`, for logs.
    pub fn describe(&self) -> String {
        format!(
            "{}/{} at {}://{}",
            self.inner.bucket, self.inner.prefix, self.inner.scheme, self.inner.authority
        )
    }

    /// `bucket/prefix/tenant/sha256`, as errors name an object.
    fn object_name(&self, key: Option<&BlobKey>) -> String {
        match key {
            Some(key) => format!("{}/{}{}", self.inner.bucket, self.inner.prefix, key.name()),
            None => self.inner.bucket.clone(),
        }
    }

    /// The authority and the unencoded path of the object (or of the bucket).
    fn locate(&self, key: Option<&BlobKey>) -> (String, String) {
        let inner = &self.inner;
        let object = key.map(|k| format!("{}{}", inner.prefix, k.name()));
        match inner.addressing {
            S3Addressing::Path => (
                inner.authority.clone(),
                match object {
                    Some(object) => format!("/{}/{object}", inner.bucket),
                    None => format!("/{}", inner.bucket),
                },
            ),
            S3Addressing::Virtual => (
                format!("{}.{}", inner.bucket, inner.authority),
                format!("/{}", object.unwrap_or_default()),
            ),
        }
    }

    fn signed_request(
        &self,
        method: &Method,
        key: Option<&BlobKey>,
        body: Bytes,
    ) -> Result<http::Request<Bytes>, StoreError> {
        let inner = &self.inner;
        let (authority, path) = self.locate(key);
        let path = encode_path(&path);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let date = amz_date(now);
        let payload = sha256_hex(&body);
        let mut headers = vec![
            ("host".to_owned(), authority.clone()),
            ("x-amz-content-sha256".to_owned(), payload.clone()),
            ("x-amz-date".to_owned(), date.clone()),
        ];
        if let Some(token) = &inner.credentials.session_token {
            headers.push(("x-amz-security-token".to_owned(), token.clone()));
        }
        let scope = Scope {
            region: &inner.region,
            service: "s3",
            amz_date: &date,
        };
        let signable = Signable {
            method: method.as_str(),
            path: &path,
            query: "",
            headers: &headers,
            payload_sha256: &payload,
        };
        let authorization = authorization(&inner.credentials, &scope, &signable);
        let mut builder = http::Request::builder()
            .method(method.clone())
            .uri(format!("{}://{authority}{path}", inner.scheme))
            .header(http::header::AUTHORIZATION, authorization)
            .header(http::header::CONTENT_LENGTH, body.len());
        for (name, value) in &headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder.body(body).map_err(|e| {
            StoreError::Invalid(format!("S3 request for {}: {e}", self.object_name(key)))
        })
    }

    /// Sends one operation, signed afresh at each attempt, retrying what S3 says to retry.
    async fn call(
        &self,
        method: Method,
        key: Option<&BlobKey>,
        body: Bytes,
    ) -> Result<ledgerlens_http::Response, StoreError> {
        let mut attempt = 1;
        loop {
            let request = self.signed_request(&method, key, body.clone())?;
            let result = self.inner.client.send(request).await;
            let retry = match &result {
                Ok(answer) => answer.status.is_server_error(),
                Err(
                    ledgerlens_http::HttpError::Connect { .. }
                    | ledgerlens_http::HttpError::Protocol(_),
                ) => true,
                Err(_) => false,
            };
            if !retry || attempt >= ATTEMPTS {
                return result.map_err(|e| {
                    StoreError::ObjectStore(format!("{method} {}: {e}", self.object_name(key)))
                });
            }
            tokio::time::sleep(Duration::from_millis(100 * 4_u64.pow(attempt - 1))).await;
            attempt += 1;
        }
    }

    fn failure(
        &self,
        operation: &'static str,
        key: Option<&BlobKey>,
        answer: &ledgerlens_http::Response,
    ) -> StoreError {
        let text = String::from_utf8_lossy(&answer.body);
        StoreError::ObjectStoreStatus {
            operation,
            object: self.object_name(key),
            status: answer.status.as_u16(),
            code: xml_field(&text, "Code").unwrap_or_default(),
            message: xml_field(&text, "Message").unwrap_or_default(),
        }
    }
}

/// The text of the first `<name>…</name>` of an S3 error document, unescaped. Error documents are
/// flat and small, so a search is enough and keeps an XML parser out of the store.
pub(crate) fn xml_field(document: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = document.find(&open)?.saturating_add(open.len());
    let rest = document.get(start..)?;
    let end = rest.find(&format!("</{name}>"))?;
    let raw = rest.get(..end)?;
    Some(
        raw.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// A 404 that means "no such object" (not "no such bucket", which is a configuration error).
fn missing_object(answer: &ledgerlens_http::Response) -> bool {
    if answer.status != StatusCode::NOT_FOUND {
        return false;
    }
    let code = xml_field(&String::from_utf8_lossy(&answer.body), "Code");
    matches!(code.as_deref(), None | Some("" | "NoSuchKey"))
}

impl Blobs for S3Blobs {
    async fn put(&self, key: &BlobKey, bytes: Vec<u8>) -> Result<(), StoreError> {
        let answer = self
            .call(Method::PUT, Some(key), Bytes::from(bytes))
            .await?;
        if answer.status.is_success() {
            Ok(())
        } else {
            Err(self.failure("PUT", Some(key), &answer))
        }
    }

    async fn get(&self, key: &BlobKey) -> Result<Option<Vec<u8>>, StoreError> {
        let answer = self.call(Method::GET, Some(key), Bytes::new()).await?;
        if answer.status == StatusCode::OK {
            Ok(Some(answer.body.to_vec()))
        } else if missing_object(&answer) {
            Ok(None)
        } else {
            Err(self.failure("GET", Some(key), &answer))
        }
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), StoreError> {
        let answer = self.call(Method::DELETE, Some(key), Bytes::new()).await?;
        if answer.status.is_success() || missing_object(&answer) {
            Ok(())
        } else {
            Err(self.failure("DELETE", Some(key), &answer))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::TenantId;

    fn config(endpoint: &str, bucket: &str) -> S3Config {
        S3Config::new(
            endpoint,
            bucket,
            "us-east-1",
            S3Credentials::new("a", "b", None),
        )
    }

    fn key() -> BlobKey {
        BlobKey::new(&TenantId::from_db("ten_x".to_owned()), &"c".repeat(64)).unwrap()
    }

    #[test]
    fn path_style_puts_the_bucket_in_the_path_and_virtual_in_the_host() {
        let mut c = config("http://127.0.0.1:9000", "originals");
        c.prefix = "/ledgerlens".to_owned();
        let path = S3Blobs::new(c.clone()).unwrap();
        assert_eq!(
            path.locate(Some(&key())),
            (
                "127.0.0.1:9000".to_owned(),
                format!("/originals/ledgerlens/ten_x/{}", "c".repeat(64))
            )
        );
        assert_eq!(path.locate(None).1, "/originals");
        c.addressing = S3Addressing::Virtual;
        c.endpoint = "https://s3.eu-west-3.amazonaws.com".to_owned();
        let virtual_hosted = S3Blobs::new(c).unwrap();
        assert_eq!(
            virtual_hosted.locate(Some(&key())),
            (
                "originals.s3.eu-west-3.amazonaws.com".to_owned(),
                format!("/ledgerlens/ten_x/{}", "c".repeat(64))
            )
        );
    }

    #[test]
    fn unusable_endpoints_and_buckets_are_refused() {
        for endpoint in [
            "ftp://x",
            "127.0.0.1:9000",
            "http://h/sub/path",
            "http://u:p@h",
        ] {
            assert!(
                S3Blobs::new(config(endpoint, "bucket")).is_err(),
                "{endpoint}"
            );
        }
        for bucket in ["ab", "Upper", "a/b", "-lead", &"x".repeat(64)] {
            assert!(
                S3Blobs::new(config("http://h", bucket)).is_err(),
                "{bucket}"
            );
        }
    }

    #[test]
    fn error_documents_give_their_code_and_message() {
        let body = "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code>\
                    <Message>The bucket &amp; key do not exist</Message></Error>";
        assert_eq!(xml_field(body, "Code").as_deref(), Some("NoSuchBucket"));
        assert_eq!(
            xml_field(body, "Message").as_deref(),
            Some("The bucket & key do not exist")
        );
        assert_eq!(xml_field("<html>502</html>", "Code"), None);
    }
}
