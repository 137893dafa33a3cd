//! Test support for suites that need an S3-compatible server (feature `testing`).
//!
//! Tests that need an outside service get its location from an environment variable that
//! `scripts/test` sets. Without it a test says `SKIPPED: …` and passes, so `cargo test` still
//! works on a bare checkout — unless `LEDGERLENS_REQUIRE_SERVICES=1` (CI), where a missing service
//! fails the test instead of quietly testing nothing.
#![allow(
    clippy::panic,
    reason = "test support: a required service that is missing fails the test"
)]

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ledgerlens_http::bytes::Bytes;
use ledgerlens_http::{Client, ClientConfig, http};

use crate::S3Credentials;
use crate::s3_sign::{Scope, Signable, amz_date, authorization, sha256_hex};

/// The value of `var`, or `None` after printing why the test is skipped. Panics (fails the test)
/// instead when `LEDGERLENS_REQUIRE_SERVICES=1`.
pub fn service_or_skip(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Some(value),
        _ if std::env::var("LEDGERLENS_REQUIRE_SERVICES").as_deref() == Ok("1") => {
            panic!(
                "{var} not set and LEDGERLENS_REQUIRE_SERVICES=1: run the tests with scripts/test"
            )
        }
        _ => {
            eprintln!("SKIPPED: {var} not set (scripts/test sets it)");
            None
        }
    }
}

/// A tenant id for blob tests that have no database to create tenants in.
pub fn tenant_id(id: &str) -> crate::TenantId {
    crate::TenantId::from_db(id.to_owned())
}

/// A `moto_server` process on a free loopback port, killed when dropped.
#[derive(Debug)]
pub struct MotoServer {
    child: Child,
    endpoint: String,
}

/// How long moto may take to start (it imports a lot of Python).
const START_TIMEOUT: Duration = Duration::from_secs(60);

impl MotoServer {
    /// Starts the server from `LEDGERLENS_MOTO_SERVER` (see [`service_or_skip`]); `None` when
    /// skipped. `no_auth_actions` is moto's `INITIAL_NO_AUTH_ACTION_COUNT`: after that many
    /// requests moto checks signatures and IAM permissions (`None`: never checks).
    pub fn start_or_skip(no_auth_actions: Option<u32>) -> Option<Self> {
        let executable = service_or_skip("LEDGERLENS_MOTO_SERVER")?;
        match Self::start(&executable, no_auth_actions) {
            Ok(server) => Some(server),
            Err(error) => panic!("starting {executable}: {error}"),
        }
    }

    /// Starts `executable -H 127.0.0.1 -p <free port>` and waits until it accepts connections.
    pub fn start(executable: &str, no_auth_actions: Option<u32>) -> Result<Self, String> {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("finding a free port: {e}"))?
            .port();
        let mut command = Command::new(executable);
        command
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(count) = no_auth_actions {
            command.env("INITIAL_NO_AUTH_ACTION_COUNT", count.to_string());
        }
        let child = command.spawn().map_err(|e| e.to_string())?;
        let mut server = MotoServer {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let started = Instant::now();
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!("exited at start: {status}"));
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!(
                    "not listening on {address} after {START_TIMEOUT:?}"
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts moto with signature and permission checks on, and creates an IAM user allowed
    /// everything; its keys are returned. Moto checks nothing for its first three requests —
    /// exactly the three that make the user — and every request after, so the tests' S3 requests
    /// are verified by an independent SigV4 implementation (botocore's).
    pub async fn start_with_user_or_skip() -> Option<(Self, S3Credentials)> {
        let server = Self::start_or_skip(Some(3))?;
        match server.create_user().await {
            Ok(credentials) => Some((server, credentials)),
            Err(error) => panic!("creating an IAM user in moto: {error}"),
        }
    }

    /// For synchronous tests (e.g. the binary's end-to-end suite, which drives child processes):
    /// moto with checks on, an IAM user, and `bucket` created. Must not be called from inside a
    /// tokio runtime (it runs its own).
    pub fn with_bucket_or_skip(bucket: &str) -> Option<(Self, S3Credentials)> {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(error) => panic!("a runtime for moto's setup: {error}"),
        };
        runtime.block_on(async {
            let (server, credentials) = Self::start_with_user_or_skip().await?;
            let config =
                crate::S3Config::new(server.endpoint(), bucket, "us-east-1", credentials.clone());
            let created = match crate::S3Blobs::new(config) {
                Ok(blobs) => blobs.create_bucket().await,
                Err(error) => Err(error),
            };
            if let Err(error) = created {
                panic!("creating bucket {bucket} in moto: {error}");
            }
            Some((server, credentials))
        })
    }

    /// The `--blobs` URL of `bucket/prefix` on this server.
    pub fn blobs_url(&self, bucket: &str, prefix: &str) -> String {
        format!(
            "s3://{bucket}/{prefix}?endpoint={}&region=us-east-1",
            self.endpoint
        )
    }

    async fn create_user(&self) -> Result<S3Credentials, String> {
        let client = Client::new(ClientConfig::default()).map_err(|e| e.to_string())?;
        let user = "ledgerlens-test";
        self.iam(&client, &[("Action", "CreateUser"), ("UserName", user)])
            .await?;
        let created = self
            .iam(
                &client,
                &[("Action", "CreateAccessKey"), ("UserName", user)],
            )
            .await?;
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        self.iam(
            &client,
            &[
                ("Action", "PutUserPolicy"),
                ("UserName", user),
                ("PolicyName", "everything"),
                ("PolicyDocument", policy),
            ],
        )
        .await?;
        let field = |name: &str| {
            crate::s3::xml_field(&created, name).ok_or_else(|| format!("no {name} in {created}"))
        };
        Ok(S3Credentials::new(
            field("AccessKeyId")?,
            field("SecretAccessKey")?,
            None,
        ))
    }

    /// One IAM Query API call, signed (moto routes by the signature's service) with throwaway
    /// credentials that moto does not check yet.
    async fn iam(&self, client: &Client, params: &[(&str, &str)]) -> Result<String, String> {
        let mut form = String::from("Version=2010-05-08");
        for (name, value) in params {
            form.push_str(&format!("&{name}={}", form_encode(value)));
        }
        let authority = self.endpoint.trim_start_matches("http://").to_owned();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let date = amz_date(now);
        let payload = sha256_hex(form.as_bytes());
        let headers = vec![
            (
                "content-type".to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            ),
            ("host".to_owned(), authority.clone()),
            ("x-amz-date".to_owned(), date.clone()),
        ];
        let scope = Scope {
            region: "us-east-1",
            service: "iam",
            amz_date: &date,
        };
        let signable = Signable {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            payload_sha256: &payload,
        };
        let setup = S3Credentials::new("AKIDSETUPONLY", "setup-only", None);
        let mut request = http::Request::builder()
            .method("POST")
            .uri(format!("{}/", self.endpoint))
            .header("authorization", authorization(&setup, &scope, &signable));
        for (name, value) in &headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let request = request.body(Bytes::from(form)).map_err(|e| e.to_string())?;
        let answer = client.send(request).await.map_err(|e| e.to_string())?;
        let body = String::from_utf8_lossy(&answer.body).into_owned();
        if answer.status.is_success() {
            Ok(body)
        } else {
            Err(format!("IAM {params:?} answered {}: {body}", answer.status))
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

fn form_encode(value: &str) -> String {
    value.bytes().fold(String::new(), |mut s, b| {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
        s
    })
}

/// The environment a child process needs to use `credentials` (`AWS_ACCESS_KEY_ID`, …).
pub fn aws_env(credentials: &S3Credentials) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", credentials.access_key_id.clone()),
        (
            "AWS_SECRET_ACCESS_KEY",
            credentials.secret_access_key.clone(),
        ),
    ]
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
