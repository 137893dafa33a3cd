//! AWS Signature Version 4 for S3 requests, written out so the store needs no AWS SDK.
//!
//! The steps are AWS's: a canonical request (method, path, query, sorted headers, payload hash),
//! a string to sign over its hash and the credential scope, and an HMAC chain that derives the
//! signing key from the secret, the date, the region and the service. The tests check each step
//! against the values AWS publishes for its examples.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Access key, secret and (for temporary credentials) the session token.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Credentials {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: Option<String>,
}

impl S3Credentials {
    /// Credentials as AWS hands them out (e.g. `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and,
    /// for temporary ones, `AWS_SESSION_TOKEN`).
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        S3Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: session_token.filter(|t| !t.is_empty()),
        }
    }

    /// The public half, as shown in logs and S3 error messages.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret (e.g. to hand the same credentials to a child process).
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }
}

/// The secret and the token never reach a log through `Debug`.
impl std::fmt::Debug for S3Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .field("session_token", &self.session_token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// One request to sign. `path` and `query` are already in canonical form (see
/// [`encode_path`]); header names are lowercase and every header listed is signed.
#[derive(Debug)]
pub(crate) struct Signable<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: &'a str,
    pub(crate) headers: &'a [(String, String)],
    pub(crate) payload_sha256: &'a str,
}

/// Where and when the request is signed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub(crate) region: &'a str,
    pub(crate) service: &'a str,
    /// `YYYYMMDDTHHMMSSZ`, also sent as `x-amz-date`.
    pub(crate) amz_date: &'a str,
}

impl Scope<'_> {
    fn date(&self) -> &str {
        self.amz_date.get(..8).unwrap_or("")
    }

    fn credential_scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date(),
            self.region,
            self.service
        )
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length: the error arm is unreachable, and an empty signature would
    // only be refused by the server.
    match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// Percent-encodes a path as S3 wants it: every byte but `A-Z a-z 0-9 - . _ ~` and `/` (S3,
/// unlike other services, does not encode the path a second time for signing).
pub(crate) fn encode_path(path: &str) -> String {
    use std::fmt::Write;
    path.bytes()
        .fold(String::with_capacity(path.len()), |mut s, b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
                s.push(char::from(b));
            } else {
                let _ = write!(s, "%{b:02X}");
            }
            s
        })
}

pub(crate) fn canonical_request(request: &Signable<'_>) -> String {
    let mut headers: Vec<&(String, String)> = request.headers.iter().collect();
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    let canonical_headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}:{}\n", value.trim()))
        .collect();
    let signed = signed_headers(request.headers);
    format!(
        "{}\n{}\n{}\n{canonical_headers}\n{signed}\n{}",
        request.method, request.path, request.query, request.payload_sha256
    )
}

fn signed_headers(headers: &[(String, String)]) -> String {
    let mut names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    names.join(";")
}

pub(crate) fn string_to_sign(scope: &Scope<'_>, canonical_request: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256\n{}\n{}\n{}",
        scope.amz_date,
        scope.credential_scope(),
        sha256_hex(canonical_request.as_bytes())
    )
}

pub(crate) fn signature(secret: &str, scope: &Scope<'_>, string_to_sign: &str) -> String {
    let date_key = hmac(format!("AWS4{secret}").as_bytes(), scope.date().as_bytes());
    let region_key = hmac(&date_key, scope.region.as_bytes());
    let service_key = hmac(&region_key, scope.service.as_bytes());
    let signing_key = hmac(&service_key, b"aws4_request");
    hex(&hmac(&signing_key, string_to_sign.as_bytes()))
}

/// The `Authorization` header value for the request.
pub(crate) fn authorization(
    credentials: &S3Credentials,
    scope: &Scope<'_>,
    request: &Signable<'_>,
) -> String {
    let to_sign = string_to_sign(scope, &canonical_request(request));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
        credentials.access_key_id,
        scope.credential_scope(),
        signed_headers(request.headers),
        signature(&credentials.secret_access_key, scope, &to_sign)
    )
}

/// `YYYYMMDDTHHMMSSZ` of a Unix time in seconds (UTC; days to civil date after Howard Hinnant's
/// algorithm, so the store needs no calendar crate).
pub(crate) fn amz_date(unix_secs: u64) -> String {
    let days = unix_secs / 86_400;
    let secs = unix_secs % 86_400;
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// AWS's Signature V4 test suite, `get-vanilla`: service "service", us-east-1,
    /// 2015-08-30T12:36:00Z, the suite's example credentials.
    #[test]
    fn the_get_vanilla_example_of_the_aws_test_suite_signs_as_published() {
        let scope = Scope {
            region: "us-east-1",
            service: "service",
            amz_date: "20150830T123600Z",
        };
        let headers = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
        ]);
        let request = Signable {
            method: "GET",
            path: "/",
            query: "",
            headers: &headers,
            payload_sha256: EMPTY_SHA256,
        };
        let canonical = canonical_request(&request);
        assert_eq!(
            sha256_hex(canonical.as_bytes()),
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        );
        let to_sign = string_to_sign(&scope, &canonical);
        assert_eq!(
            to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\
             bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
        );
        let credentials = S3Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        );
        assert_eq!(
            authorization(&credentials, &scope, &request),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    fn s3_scope() -> Scope<'static> {
        Scope {
            region: "us-east-1",
            service: "s3",
            amz_date: "20130524T000000Z",
        }
    }

    const S3_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    /// The S3 documentation's "GET Object" example (a ranged GET of `/test.txt`).
    #[test]
    fn the_s3_get_object_example_signs_as_published() {
        let headers = headers(&[
            ("host", "examplebucket.s3.amazonaws.com"),
            ("range", "bytes=0-9"),
            ("x-amz-content-sha256", EMPTY_SHA256),
            ("x-amz-date", "20130524T000000Z"),
        ]);
        let request = Signable {
            method: "GET",
            path: &encode_path("/test.txt"),
            query: "",
            headers: &headers,
            payload_sha256: EMPTY_SHA256,
        };
        let canonical = canonical_request(&request);
        assert_eq!(
            sha256_hex(canonical.as_bytes()),
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"
        );
        let to_sign = string_to_sign(&s3_scope(), &canonical);
        assert_eq!(
            signature(S3_SECRET, &s3_scope(), &to_sign),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        );
    }

    /// The S3 documentation's "PUT Object" example: a path with `$`, which must be encoded.
    #[test]
    fn the_s3_put_object_example_signs_as_published() {
        let payload = sha256_hex(b"Welcome to Amazon S3.");
        assert_eq!(
            payload,
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
        );
        let headers = headers(&[
            ("date", "Fri, 24 May 2013 00:00:00 GMT"),
            ("host", "examplebucket.s3.amazonaws.com"),
            ("x-amz-content-sha256", &payload),
            ("x-amz-date", "20130524T000000Z"),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ]);
        let path = encode_path("/test$file.text");
        assert_eq!(path, "/test%24file.text");
        let request = Signable {
            method: "PUT",
            path: &path,
            query: "",
            headers: &headers,
            payload_sha256: &payload,
        };
        let to_sign = string_to_sign(&s3_scope(), &canonical_request(&request));
        assert_eq!(
            signature(S3_SECRET, &s3_scope(), &to_sign),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
        );
    }

    #[test]
    fn unix_times_become_amz_dates() {
        assert_eq!(amz_date(0), "19700101T000000Z");
        assert_eq!(amz_date(1_440_938_160), "20150830T123600Z");
        assert_eq!(amz_date(1_369_353_600), "20130524T000000Z");
        assert_eq!(amz_date(951_782_400), "20000229T000000Z");
        assert_eq!(amz_date(4_102_444_799), "20991231T235959Z");
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let credentials = S3Credentials::new("AKID", "very-secret", Some("tok-secret".to_owned()));
        let shown = format!("{credentials:?}");
        assert!(shown.contains("AKID"));
        assert!(!shown.contains("very-secret") && !shown.contains("tok-secret"));
    }
}
