//! `ledgerlens serve` over real HTTP: each test starts its own server process on a free port with
//! a fresh data directory, issues keys with `ledgerlens admin`, and talks to it with a small
//! HTTP/1.1 client over `TcpStream` (see `http` below for why not a client crate).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use ledgerlens_store::testing::ScratchDatabase;
use serde_json::Value;

use crate::{ledgerlens, sample, temp_dir};

/// The upload limit of the service (20 MiB).
const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// A server process for one test; killed when dropped (and its scratch database dropped).
pub(crate) struct Server {
    child: Child,
    _stdout: BufReader<ChildStdout>,
    address: SocketAddr,
    data_dir: PathBuf,
    database: Option<ScratchDatabase>,
}

/// The suite runs once per store backend: SQLite by default, PostgreSQL when
/// `LEDGERLENS_TEST_BACKEND=postgres` (scripts/test runs the service tests a second time so).
/// Each server then gets a scratch database of its own on `LEDGERLENS_TEST_POSTGRES`.
fn scratch_database(label: &Path) -> Option<ScratchDatabase> {
    if std::env::var("LEDGERLENS_TEST_BACKEND").as_deref() != Ok("postgres") {
        return None;
    }
    let admin_url = ledgerlens_store::testing::postgres_admin_url()
        .unwrap()
        .expect("LEDGERLENS_TEST_BACKEND=postgres needs LEDGERLENS_TEST_POSTGRES");
    let label = label
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some(block_on(ScratchDatabase::create(&admin_url, &label)).unwrap())
}

/// Runs a store future from a synchronous test.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

impl Server {
    pub(crate) fn start(dir: &Path) -> Server {
        Server::start_with(dir, &[])
    }

    /// A server with extra `serve` flags (e.g. `--allow-private-webhooks`).
    pub(crate) fn start_with(dir: &Path, flags: &[&str]) -> Server {
        Server::launch(dir, flags, scratch_database(dir), &[])
    }

    /// Stops this server (SIGKILL, if it still runs) and starts another on the same store.
    pub(crate) fn restart(mut self, dir: &Path) -> Server {
        let database = self.database.take();
        drop(self);
        Server::launch(dir, &[], database, &[])
    }

    /// A server on a given store (`None`: the data directory's SQLite file), with extra flags and
    /// environment (e.g. the S3 credentials of `--blobs`).
    pub(crate) fn launch(
        dir: &Path,
        flags: &[&str],
        database: Option<ScratchDatabase>,
        env: &[(&str, String)],
    ) -> Server {
        let data_dir = dir.join("data");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("server.log"))
            .unwrap();
        // `LEDGERLENS_TEST_SERVER_BINARY` runs the server from another build of the same
        // source (a release binary, for the dashboard's load-time figure); the CLI calls of the
        // tests stay on the test build.
        let binary = std::env::var_os("LEDGERLENS_TEST_SERVER_BINARY")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_ledgerlens").into());
        let mut child = Command::new(binary)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(store_flags(&data_dir, database.as_ref()))
            .args(flags)
            .env_remove("DATABASE_URL")
            .env_remove("LEDGERLENS_ALLOW_PRIVATE_WEBHOOKS")
            .env_remove("LEDGERLENS_TOKEN_TTL_SECONDS")
            .envs(env.iter().map(|(name, value)| (name, value)))
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let address = line
            .trim()
            .strip_prefix("ledgerlens: listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .unwrap();
        let server = Server {
            child,
            _stdout: stdout,
            address,
            data_dir,
            database,
        };
        // Readiness is awaited, never slept for.
        let started = Instant::now();
        while server.get("/healthz", None).status != 200 {
            assert!(started.elapsed() < Duration::from_secs(10), "never healthy");
        }
        server
    }

    /// A new API key of `tenant`, through the CLI; returns (tenant id, key).
    pub(crate) fn key(&self, tenant: &str) -> (String, String) {
        self.key_with(tenant, None)
    }

    /// A new API key of `tenant` holding only `permissions` (comma-separated scopes; all when
    /// `None`), through `ledgerlens admin create-key`; returns (tenant id, key).
    pub(crate) fn key_with(&self, tenant: &str, permissions: Option<&str>) -> (String, String) {
        let mut args = vec!["admin".to_owned(), "create-key".to_owned()];
        args.extend(["--tenant".to_owned(), tenant.to_owned()]);
        if let Some(permissions) = permissions {
            args.extend(["--permissions".to_owned(), permissions.to_owned()]);
        }
        args.extend(self.store_flags());
        let out = ledgerlens(args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let tenant_id = text
            .lines()
            .next()
            .and_then(|l| l.rsplit_once('('))
            .map(|(_, id)| id.trim_end_matches(')').to_owned())
            .unwrap();
        let key = text.lines().last().unwrap().to_owned();
        (tenant_id, key)
    }

    /// A new OAuth client of `tenant`, through the CLI; returns (client_id, client_secret).
    pub(crate) fn client(&self, tenant: &str) -> (String, String) {
        let mut args = vec!["admin".to_owned(), "create-client".to_owned()];
        args.extend(["--tenant".to_owned(), tenant.to_owned()]);
        args.extend(self.store_flags());
        let out = ledgerlens(args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_owned())
                .unwrap_or_else(|| panic!("no {name} in {text:?}"))
        };
        (field("client_id:"), field("client_secret:"))
    }

    /// The address this server listens on.
    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }

    /// The data directory of this server.
    pub(crate) fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The flags that point another `ledgerlens` process (admin, worker, migrate) at this
    /// server's store: its data directory, and its database when that is not the SQLite file.
    pub(crate) fn store_flags(&self) -> Vec<String> {
        store_flags(&self.data_dir, self.database.as_ref())
    }

    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        extra: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        let mut headers: Vec<(&str, &str)> = extra.to_vec();
        if let Some(key) = key {
            headers.push(("X-API-Key", key));
        }
        http(self.address, method, path, &headers, body)
    }

    pub(crate) fn get(&self, path: &str, key: Option<&str>) -> Response {
        self.request("GET", path, key, &[], b"")
    }

    pub(crate) fn upload(&self, key: &str, fields: &[Part<'_>]) -> Response {
        let (content_type, body) = multipart(fields);
        self.request(
            "POST",
            "/v1/documents",
            Some(key),
            &[("Content-Type", &content_type)],
            &body,
        )
    }

    /// Polls a document until it leaves PENDING/PROCESSING.
    pub(crate) fn wait_done(&self, key: &str, id: &str) -> Value {
        let started = Instant::now();
        loop {
            let doc = self.get(&format!("/v1/documents/{id}"), Some(key)).json();
            let status = doc["status"].as_str().unwrap().to_owned();
            if status != "PENDING" && status != "PROCESSING" {
                return doc;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "stuck in {status}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn blob_path(&self, tenant_id: &str, sha256: &str) -> PathBuf {
        self.data_dir.join("blobs").join(tenant_id).join(sha256)
    }

    fn blob_count(&self) -> usize {
        let Ok(tenants) = std::fs::read_dir(self.data_dir.join("blobs")) else {
            return 0;
        };
        tenants
            .map(|t| std::fs::read_dir(t.unwrap().path()).unwrap().count())
            .sum()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(database) = self.database.take() {
            let _ = block_on(database.drop_now());
        }
    }
}

/// `--data-dir DIR [--database-url URL]`.
fn store_flags(data_dir: &Path, database: Option<&ScratchDatabase>) -> Vec<String> {
    let mut flags = vec![
        "--data-dir".to_owned(),
        data_dir.to_str().unwrap().to_owned(),
    ];
    if let Some(database) = database {
        flags.extend(["--database-url".to_owned(), database.url.clone()]);
    }
    flags
}

/// One answer.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{e}: {} {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Checks the one error shape, that its request id is the header's, and returns the code.
    pub(crate) fn error_code(&self, status: u16) -> String {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.header("content-type"), Some("application/json"));
        let body = self.json();
        let error = &body["error"];
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(error["request_id"].as_str(), self.header("x-request-id"));
        error["code"].as_str().unwrap().to_owned()
    }
}

/// A minimal HTTP/1.1 client: one request per connection (`Connection: close`), body read to the
/// end, chunked encoding decoded. It costs no build time (reqwest without TLS measured +18 s) and
/// sends the broken requests these tests need (a lying `Content-Length`, a truncated multipart
/// body) that a client library works to prevent.
pub(crate) fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    // A test may declare a length of its own (to lie about it).
    if !headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before reading all of a large body; the answer still counts.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = std::str::from_utf8(&data[..line_end]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// One multipart field: name, optional file name, content.
pub(crate) type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

const BOUNDARY: &str = "ledgerlens-test-boundary-7f3a";

pub(crate) fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (name, filename, content) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match filename {
            Some(file) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                     Content-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// Uploads a file and returns the new document's id.
pub(crate) fn upload_file(server: &Server, key: &str, path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_str().unwrap();
    let response = server.upload(key, &[("file", Some(name), &bytes)]);
    assert_eq!(
        response.status,
        202,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let body = response.json();
    assert_eq!(body["status"], "PENDING");
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        response.header("location"),
        Some(format!("/v1/documents/{id}").as_str())
    );
    id
}

#[test]
fn serve_analyses_an_upload_exactly_as_the_cli_does_in_every_profile() {
    let dir = temp_dir("serve-e2e");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let statement = sample(&dir, "csv", 120, "statement.csv");
    let id = upload_file(&server, &key, &statement);
    let doc = server.wait_done(&key, &id);
    assert_eq!(doc["status"], "ANALYZED", "{doc}");
    assert_eq!(doc["attempts"], 1);
    assert_eq!(doc["format"], "csv");
    assert!(doc["finished_at"].is_string());
    for profile in ["native", "periculum", "finx", "xray", "envoyx"] {
        let response = server.get(
            &format!("/v1/documents/{id}/analysis?profile={profile}"),
            Some(&key),
        );
        assert_eq!(response.status, 200, "{profile}");
        assert_eq!(response.header("content-type"), Some("application/json"));
        let cli = ledgerlens(["analyze", "--profile", profile, statement.to_str().unwrap()]);
        assert!(cli.status.success());
        let mut api = response.body.clone();
        api.push(b'\n');
        assert!(api == cli.stdout, "{profile}: the API and the CLI differ");
    }
    let default = server.get(&format!("/v1/documents/{id}/analysis"), Some(&key));
    assert_eq!(
        default.json(),
        server
            .get(
                &format!("/v1/documents/{id}/analysis?profile=native"),
                Some(&key)
            )
            .json()
    );
    let bad = server.get(
        &format!("/v1/documents/{id}/analysis?profile=fico"),
        Some(&key),
    );
    assert_eq!(bad.error_code(400), "invalid_parameter");
    assert_eq!(bad.json()["error"]["field"], "profile");
}

#[test]
fn every_request_needs_a_valid_key_except_health() {
    let dir = temp_dir("serve-auth");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    assert_eq!(server.get("/readyz", None).status, 200);
    let missing = server.get("/v1/documents", None);
    assert_eq!(missing.error_code(401), "missing_credentials");
    let wrong = server.get("/v1/documents", Some("llk_not-a-key"));
    assert_eq!(wrong.error_code(401), "invalid_credentials");
    let upload = server.request("POST", "/v1/documents", Some("llk_bad"), &[], b"");
    assert_eq!(upload.error_code(401), "invalid_credentials");
    let bearer = server.request(
        "GET",
        "/v1/documents",
        None,
        &[("Authorization", &format!("Bearer {key}"))],
        b"",
    );
    assert_eq!(bearer.status, 200);
    assert_eq!(bearer.json()["data"], Value::Array(vec![]));
    // A caller's own request id is kept, for correlation with its logs.
    let traced = server.request(
        "GET",
        "/nowhere",
        Some(&key),
        &[("X-Request-Id", "abc-123")],
        b"",
    );
    assert_eq!(traced.error_code(404), "not_found");
    assert_eq!(traced.header("x-request-id"), Some("abc-123"));
    let method = server.request("PUT", "/healthz", None, &[], b"");
    assert_eq!(method.error_code(405), "method_not_allowed");
}

#[test]
fn another_tenant_gets_404_for_every_operation_on_a_document() {
    let dir = temp_dir("serve-tenants");
    let server = Server::start(&dir);
    let (_, key_a) = server.key("tenant-a");
    let (_, key_b) = server.key("tenant-b");
    let statement = sample(&dir, "csv", 30, "a.csv");
    let id = upload_file(&server, &key_a, &statement);
    server.wait_done(&key_a, &id);
    let paths = [
        format!("/v1/documents/{id}"),
        format!("/v1/documents/{id}/analysis?profile=native"),
    ];
    for path in &paths {
        assert_eq!(
            server.get(path, Some(&key_b)).error_code(404),
            "not_found",
            "{path}"
        );
    }
    let delete = server.request(
        "DELETE",
        &format!("/v1/documents/{id}"),
        Some(&key_b),
        &[],
        b"",
    );
    assert_eq!(delete.error_code(404), "not_found");
    let listed = server.get("/v1/documents", Some(&key_b)).json();
    assert_eq!(listed["data"], Value::Array(vec![]));
    // Unknown ids look the same as foreign ones.
    let unknown = server.get(
        "/v1/documents/doc_00000000000000000000000000000000",
        Some(&key_b),
    );
    assert_eq!(unknown.error_code(404), "not_found");
    let malformed = server.get("/v1/documents/not-an-id", Some(&key_b));
    assert_eq!(malformed.error_code(404), "not_found");
    // Still intact for its owner.
    for path in &paths {
        assert_eq!(server.get(path, Some(&key_a)).status, 200, "{path}");
    }
}

#[test]
fn oversize_and_unsupported_uploads_are_refused_and_nothing_is_stored() {
    let dir = temp_dir("serve-refused");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let big = vec![b'1'; MAX_UPLOAD_BYTES + 1];
    let response = server.upload(&key, &[("file", Some("big.csv"), &big)]);
    assert_eq!(response.error_code(413), "payload_too_large");
    // A body declared far beyond the limit is refused before it is read.
    let huge = server.request(
        "POST",
        "/v1/documents",
        Some(&key),
        &[
            ("Content-Type", "multipart/form-data; boundary=x"),
            ("Content-Length", "999999999"),
        ],
        b"",
    );
    assert_eq!(huge.error_code(413), "payload_too_large");
    // A Windows executable: binary, and no statement format's signature.
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    exe.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let response = server.upload(&key, &[("file", Some("setup.exe"), &exe)]);
    assert_eq!(response.error_code(415), "unsupported_media_type");
    let empty = server.upload(&key, &[("file", Some("empty.csv"), b"  \n")]);
    assert_eq!(empty.error_code(400), "empty_file");
    assert_eq!(server.blob_count(), 0);
    assert_eq!(
        server.get("/v1/documents", Some(&key)).json()["data"],
        Value::Array(vec![])
    );
}

#[test]
fn malformed_multipart_is_400_naming_the_field() {
    let dir = temp_dir("serve-multipart");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    // The body ends in the middle of the `file` field.
    let truncated = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.csv\"\r\n\r\nDate,Amount\r\n2024-01-01,1.00"
    );
    let response = server.request(
        "POST",
        "/v1/documents",
        Some(&key),
        &[(
            "Content-Type",
            &format!("multipart/form-data; boundary={BOUNDARY}"),
        )],
        truncated.as_bytes(),
    );
    assert_eq!(response.error_code(400), "malformed_multipart");
    assert_eq!(response.json()["error"]["field"], "file");
    let missing = server.upload(&key, &[("country", None, b"NG")]);
    assert_eq!(missing.error_code(400), "missing_field");
    assert_eq!(missing.json()["error"]["field"], "file");
    let unknown = server.upload(&key, &[("fiel", Some("s.csv"), b"x")]);
    assert_eq!(unknown.error_code(400), "unknown_field");
    assert_eq!(unknown.json()["error"]["field"], "fiel");
    let not_multipart = server.request(
        "POST",
        "/v1/documents",
        Some(&key),
        &[("Content-Type", "application/json")],
        b"{}",
    );
    assert_eq!(not_multipart.error_code(400), "malformed_multipart");
    assert_eq!(server.blob_count(), 0);
}

#[test]
fn delete_removes_the_rows_and_the_original_file() {
    let dir = temp_dir("serve-delete");
    let server = Server::start(&dir);
    let (tenant, key) = server.key("acme");
    let statement = sample(&dir, "csv", 30, "s.csv");
    let id = upload_file(&server, &key, &statement);
    let doc = server.wait_done(&key, &id);
    let blob = server.blob_path(&tenant, doc["sha256"].as_str().unwrap());
    assert!(blob.exists(), "{}", blob.display());
    let deleted = server.request(
        "DELETE",
        &format!("/v1/documents/{id}"),
        Some(&key),
        &[],
        b"",
    );
    assert_eq!(deleted.status, 204);
    assert!(!blob.exists(), "the original is still on disk");
    assert_eq!(
        server
            .get(&format!("/v1/documents/{id}"), Some(&key))
            .error_code(404),
        "not_found"
    );
    let analysis = server.get(&format!("/v1/documents/{id}/analysis"), Some(&key));
    assert_eq!(analysis.error_code(404), "not_found");
    let again = server.request(
        "DELETE",
        &format!("/v1/documents/{id}"),
        Some(&key),
        &[],
        b"",
    );
    assert_eq!(again.error_code(404), "not_found");
}

#[test]
fn a_corrupt_statement_ends_failed_with_its_code_and_its_input_kept() {
    let dir = temp_dir("serve-corrupt");
    let server = Server::start(&dir);
    let (tenant, key) = server.key("acme");
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "Date,Description,Amount,Balance\n2024-01-01,Coffee,abc,xyz\n",
    )
    .unwrap();
    let id = upload_file(&server, &key, &bad);
    let doc = server.wait_done(&key, &id);
    assert_eq!(doc["status"], "FAILED");
    assert_eq!(doc["failure"]["code"], "malformed_file", "{doc}");
    assert!(
        doc["failure"]["message"]
            .as_str()
            .unwrap()
            .contains("amount")
    );
    assert!(
        server
            .blob_path(&tenant, doc["sha256"].as_str().unwrap())
            .exists()
    );
    let analysis = server.get(&format!("/v1/documents/{id}/analysis"), Some(&key));
    assert_eq!(analysis.error_code(409), "not_analyzed");
    assert_eq!(analysis.json()["error"]["status"], "FAILED");
}

#[test]
fn listing_pages_newest_first_with_a_cursor() {
    let dir = temp_dir("serve-list");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let mut ids = Vec::new();
    for n in 0..3 {
        let statement = sample(&dir, "csv", 10 + n, &format!("s{n}.csv"));
        ids.push(upload_file(&server, &key, &statement));
    }
    let first = server.get("/v1/documents?limit=2", Some(&key)).json();
    assert_eq!(first["data"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = server
        .get(
            &format!("/v1/documents?limit=2&cursor={cursor}"),
            Some(&key),
        )
        .json();
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    assert_eq!(second["next_cursor"], Value::Null);
    let mut seen: Vec<String> = first["data"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["data"].as_array().unwrap())
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    seen.sort();
    ids.sort();
    assert_eq!(seen, ids);
    let bad = server.get("/v1/documents?limit=0", Some(&key));
    assert_eq!(bad.error_code(400), "invalid_parameter");
    assert_eq!(bad.json()["error"]["field"], "limit");
}

#[test]
fn sigterm_stops_the_server_cleanly_and_a_restart_keeps_the_data() {
    let dir = temp_dir("serve-restart");
    let mut server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let statement = sample(&dir, "csv", 20, "s.csv");
    let id = upload_file(&server, &key, &statement);
    server.wait_done(&key, &id);
    // The shell's builtin `kill`: present even where procps is not.
    let killed = Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", server.child.id())])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let server = server.restart(&dir);
    let doc = server
        .get(&format!("/v1/documents/{id}"), Some(&key))
        .json();
    assert_eq!(doc["status"], "ANALYZED");
}
