//! Webhooks and live progress over real HTTP: a `ledgerlens serve` process, a receiver on a
//! `TcpListener` in the test, signatures checked here with `hmac` + `sha2` (independently of the
//! server's signer), and the SSE stream read to its end.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::serve::{Server, upload_file};
use crate::{sample, temp_dir};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// The status the receiver answered.
    answered: u16,
}

impl Received {
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    pub(crate) fn event_type(&self) -> String {
        self.json()["type"].as_str().unwrap().to_owned()
    }
}

/// A webhook receiver: answers the given statuses in order, then 204; reports every request.
pub(crate) struct Receiver {
    address: SocketAddr,
    requests: mpsc::Receiver<Received>,
}

impl Receiver {
    pub(crate) fn start(statuses: &[u16]) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let (tx, requests) = mpsc::channel();
        let mut statuses = statuses.to_vec();
        statuses.reverse();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                stream
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .unwrap();
                let mut raw = Vec::new();
                let mut buffer = [0u8; 4096];
                let head_end = loop {
                    let n = stream.read(&mut buffer).unwrap();
                    assert!(n > 0, "connection closed before the head ended");
                    raw.extend_from_slice(&buffer[..n]);
                    if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                        break at;
                    }
                };
                let head = String::from_utf8(raw[..head_end].to_vec()).unwrap();
                let mut lines = head.split("\r\n");
                let request_line = lines.next().unwrap().to_owned();
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                    .collect();
                let length: usize = headers
                    .iter()
                    .find(|(n, _)| n == "content-length")
                    .map(|(_, v)| v.parse().unwrap())
                    .unwrap();
                let mut body = raw[head_end + 4..].to_vec();
                while body.len() < length {
                    let n = stream.read(&mut buffer).unwrap();
                    assert!(n > 0, "body cut short");
                    body.extend_from_slice(&buffer[..n]);
                }
                let status = statuses.pop().unwrap_or(204);
                let _ = stream.write_all(
                    format!(
                        "HTTP/1.1 {status} Whatever\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                    .as_bytes(),
                );
                let mut parts = request_line.split(' ');
                assert_eq!(parts.next(), Some("POST"));
                let path = parts.next().unwrap().to_owned();
                let _ = tx.send(Received {
                    path,
                    headers,
                    body,
                    answered: status,
                });
            }
        });
        Receiver { address, requests }
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}/hooks/ledgerlens", self.address)
    }

    /// The next request, within `timeout`.
    pub(crate) fn next(&self, timeout: Duration) -> Received {
        self.requests
            .recv_timeout(timeout)
            .unwrap_or_else(|e| panic!("no webhook within {timeout:?}: {e}"))
    }

    /// Requests until one of `event_type` arrives; returns all of them, that one last.
    pub(crate) fn until(&self, event_type: &str, timeout: Duration) -> Vec<Received> {
        let started = Instant::now();
        let mut seen = Vec::new();
        loop {
            let left = timeout.saturating_sub(started.elapsed());
            let request = self.next(left);
            let done = request.event_type() == event_type;
            seen.push(request);
            if done {
                return seen;
            }
        }
    }
}

/// Checks the Standard Webhooks headers and signature, computed here from the secret.
pub(crate) fn verify(secret: &str, request: &Received) {
    let id = request.header("webhook-id");
    assert!(id.starts_with("msg_") && id.len() == 36, "{id}");
    let timestamp: i64 = request.header("webhook-timestamp").parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (now - timestamp).abs() < 300,
        "timestamp {timestamp} vs now {now}"
    );
    assert_eq!(request.header("content-type"), "application/json");
    let key = BASE64
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(&request.body);
    let expected = format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()));
    let signatures = request.header("webhook-signature");
    assert!(
        signatures.split(' ').any(|s| s == expected),
        "signature {signatures} is not {expected}"
    );
    // And a tampered body does not verify.
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(&request.body);
    mac.update(b" ");
    let tampered = format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()));
    assert!(!signatures.split(' ').any(|s| s == tampered));
}

/// One SSE event: (event, id, data).
fn sse_events(body: &[u8]) -> Vec<(String, Option<String>, Value)> {
    let text = String::from_utf8(body.to_vec()).unwrap();
    text.split("\n\n")
        .filter_map(|block| {
            let mut event = None;
            let mut id = None;
            let mut data = String::new();
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    event = Some(v.trim().to_owned());
                } else if let Some(v) = line.strip_prefix("id:") {
                    id = Some(v.trim().to_owned());
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            event.map(|e| (e, id, serde_json::from_str(&data).unwrap()))
        })
        .collect()
}

/// Checks a stream of a successful job: the 12 steps in order, then `end` ANALYZED.
fn assert_twelve_steps_then_analyzed(events: &[(String, Option<String>, Value)], document: &str) {
    let steps: Vec<u64> = events
        .iter()
        .filter(|(e, _, _)| e == "step")
        .map(|(_, _, d)| d["step"].as_u64().unwrap())
        .collect();
    assert_eq!(steps, (1..=12).collect::<Vec<_>>(), "{events:?}");
    let names: Vec<&str> = events
        .iter()
        .filter(|(e, _, _)| e == "step")
        .map(|(_, _, d)| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "store",
            "download",
            "validate",
            "extract",
            "account_holder",
            "revenue",
            "cash_flow",
            "expense",
            "balance",
            "score",
            "duplicate_check",
            "finalise"
        ]
    );
    for (event, id, data) in events.iter().filter(|(e, _, _)| e == "step") {
        assert_eq!(event, "step");
        assert_eq!(id.as_deref(), Some(data["step"].to_string().as_str()));
        assert_eq!(data["document_id"], document);
        assert_eq!(data["total_steps"], 12);
    }
    let (last, _, end) = events.last().unwrap();
    assert_eq!(last, "end");
    assert_eq!(end["status"], "ANALYZED", "{end}");
    assert_eq!(end["document_id"], document);
    assert_eq!(end["step"], 12);
}

pub(crate) fn subscribe(server: &Server, key: &str, body: &Value) -> Value {
    let response = server.request(
        "POST",
        "/v1/webhooks",
        Some(key),
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    );
    assert_eq!(
        response.status,
        201,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

#[test]
fn upload_streams_twelve_steps_and_a_signed_webhook_announces_the_analysis() {
    let dir = temp_dir("webhooks-e2e");
    let server = Server::start_with(&dir, &["--allow-private-webhooks"]);
    let (_, key) = server.key("acme");
    let receiver = Receiver::start(&[]);
    let subscription = subscribe(&server, &key, &json!({ "url": receiver.url() }));
    let secret = subscription["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(subscription["events"], json!(["*"]));
    let hook_id = subscription["id"].as_str().unwrap().to_owned();
    // The secret is shown once: never in a listing or a read.
    let listed = server.get("/v1/webhooks", Some(&key)).json();
    assert_eq!(listed["data"][0]["id"], hook_id.as_str());
    assert!(listed["data"][0].get("secret").is_none());
    let read = server
        .get(&format!("/v1/webhooks/{hook_id}"), Some(&key))
        .json();
    assert!(read.get("secret").is_none());

    // Upload with X-Stream-Response: the answer is the SSE stream, read here to its end.
    let csv = sample(&dir, "csv", 150, "statement.csv");
    let bytes = std::fs::read(&csv).unwrap();
    let (content_type, body) = crate::serve::multipart(&[("file", Some("statement.csv"), &bytes)]);
    let response = server.request(
        "POST",
        "/v1/documents",
        Some(&key),
        &[
            ("Content-Type", &content_type),
            ("X-Stream-Response", "true"),
        ],
        &body,
    );
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("text/event-stream"));
    let events = sse_events(&response.body);
    let document = events[0].2["document_id"].as_str().unwrap().to_owned();
    assert_eq!(
        response.header("location"),
        Some(format!("/v1/documents/{document}").as_str())
    );
    assert_twelve_steps_then_analyzed(&events, &document);

    // The receiver gets uploaded, processing and analyzed, each signed.
    let received = receiver.until("document.analyzed", Duration::from_secs(60));
    for request in &received {
        verify(&secret, request);
        assert_eq!(request.path, "/hooks/ledgerlens");
    }
    let analyzed = received.last().unwrap().json();
    assert_eq!(analyzed["data"]["document_id"], document.as_str());
    assert_eq!(analyzed["data"]["status"], "ANALYZED");
    assert_eq!(analyzed["data"]["step"], 12);
    assert!(analyzed["data"]["credit_score"].is_u64(), "{analyzed}");
    assert!(analyzed["timestamp"].is_string());
    let mut kinds: Vec<String> = received.iter().map(Received::event_type).collect();
    while kinds.len() < 3 {
        kinds.push(receiver.next(Duration::from_secs(10)).event_type());
    }
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "document.analyzed",
            "document.processing",
            "document.uploaded"
        ]
    );

    // The report, and the document's last step.
    let analysis = server.get(
        &format!("/v1/documents/{document}/analysis?profile=envoyx"),
        Some(&key),
    );
    assert_eq!(analysis.status, 200);
    assert_eq!(
        analysis.json()["credit_score"],
        analyzed["data"]["credit_score"]
    );
    let doc = server
        .get(&format!("/v1/documents/{document}"), Some(&key))
        .json();
    assert_eq!(doc["step"], 12);

    // Subscribing after the end replays the steps from the stored state.
    let replay = server.get(&format!("/v1/documents/{document}/events"), Some(&key));
    assert_eq!(replay.status, 200);
    assert_twelve_steps_then_analyzed(&sse_events(&replay.body), &document);

    // The delivery log: three messages, each delivered at the first attempt.
    let log = server
        .get(&format!("/v1/webhooks/{hook_id}/deliveries"), Some(&key))
        .json();
    let data = log["data"].as_array().unwrap();
    assert_eq!(data.len(), 3, "{log}");
    for delivery in data {
        assert_eq!(delivery["status"], "delivered", "{delivery}");
        assert_eq!(delivery["attempt_count"], 1);
        assert_eq!(delivery["attempts"][0]["response_code"], 204);
    }
}

#[test]
fn a_failed_delivery_is_retried_with_the_same_id_and_logged_and_other_tenants_see_nothing() {
    let dir = temp_dir("webhooks-retry");
    let server = Server::start_with(&dir, &["--allow-private-webhooks"]);
    let (_, key) = server.key("acme");
    let (_, foreign) = server.key("other");
    let receiver = Receiver::start(&[500]);
    let subscription = subscribe(
        &server,
        &key,
        &json!({ "url": receiver.url(), "events": ["document.uploaded"] }),
    );
    let secret = subscription["secret"].as_str().unwrap().to_owned();
    let hook = subscription["id"].as_str().unwrap().to_owned();
    let csv = sample(&dir, "csv", 40, "statement.csv");
    let document = upload_file(&server, &key, &csv);

    let first = receiver.next(Duration::from_secs(30));
    assert_eq!(first.answered, 500);
    verify(&secret, &first);
    assert_eq!(first.json()["data"]["document_id"], document.as_str());
    // The first retry comes 5 s later, same message, signed afresh.
    let started = Instant::now();
    let second = receiver.next(Duration::from_secs(30));
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(second.answered, 204);
    verify(&secret, &second);
    assert_eq!(second.header("webhook-id"), first.header("webhook-id"));
    assert_eq!(second.body, first.body);
    let message = first.header("webhook-id").to_owned();

    // Only the filtered event type was sent.
    assert!(
        receiver
            .requests
            .recv_timeout(Duration::from_millis(500))
            .is_err()
    );

    let log_path = format!("/v1/webhooks/{hook}/deliveries");
    let started = Instant::now();
    let delivery = loop {
        let log = server.get(&log_path, Some(&key)).json();
        let delivery = log["data"][0].clone();
        if delivery["status"] == "delivered" {
            break delivery;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{log}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(delivery["id"], message.as_str());
    assert_eq!(delivery["event_type"], "document.uploaded");
    assert_eq!(delivery["attempt_count"], 2);
    let codes: Vec<&Value> = delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["response_code"])
        .collect();
    assert_eq!(codes, [&json!(500), &json!(204)]);
    assert!(delivery["delivered_at"].is_string());

    // Another tenant: nothing listed, 404 on every operation.
    let theirs = server.get("/v1/webhooks", Some(&foreign)).json();
    assert_eq!(theirs["data"], json!([]));
    let redeliver = format!("/v1/webhooks/{hook}/deliveries/{message}/redeliver");
    for (method, path) in [
        ("GET", format!("/v1/webhooks/{hook}")),
        ("GET", log_path.clone()),
        ("POST", redeliver.clone()),
        ("DELETE", format!("/v1/webhooks/{hook}")),
    ] {
        let response = server.request(method, &path, Some(&foreign), &[], b"");
        assert_eq!(response.error_code(404), "not_found", "{method} {path}");
    }

    // The owner redelivers: the same message once more.
    let response = server.request("POST", &redeliver, Some(&key), &[], b"");
    assert_eq!(response.status, 202);
    let third = receiver.next(Duration::from_secs(30));
    assert_eq!(third.header("webhook-id"), message);
    verify(&secret, &third);

    // Deleting the subscription removes it and its log.
    let response = server.request(
        "DELETE",
        &format!("/v1/webhooks/{hook}"),
        Some(&key),
        &[],
        b"",
    );
    assert_eq!(response.status, 204);
    assert_eq!(
        server.get(&log_path, Some(&key)).error_code(404),
        "not_found"
    );
}

#[test]
fn private_and_unusable_destinations_are_refused_with_stable_codes() {
    let dir = temp_dir("webhooks-ssrf");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let post = |body: &[u8]| {
        server.request(
            "POST",
            "/v1/webhooks",
            Some(&key),
            &[("Content-Type", "application/json")],
            body,
        )
    };
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://10.0.0.8/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:8080/",
        "http://[fd00::1]/",
        "https://127.0.0.1:8443/hook",
    ] {
        let response = post(json!({ "url": url }).to_string().as_bytes());
        assert_eq!(response.error_code(422), "webhook_url_forbidden", "{url}");
        assert_eq!(response.json()["error"]["field"], "url");
    }
    let response = post(br#"{"url":"ftp://example.com/"}"#);
    assert_eq!(response.error_code(400), "invalid_field");
    let response = post(br#"{"url":"http://example.com/","events":["document.eaten"]}"#);
    assert_eq!(response.error_code(400), "invalid_field");
    assert_eq!(response.json()["error"]["field"], "events");
    let response = post(br#"{"url":"http://example.com/","secret":"mine"}"#);
    assert_eq!(response.error_code(400), "unknown_field");
    assert_eq!(response.json()["error"]["field"], "secret");
    let response = post(br#"{"url": "#);
    assert_eq!(response.error_code(400), "malformed_json");
    let response = post(br#"{}"#);
    assert_eq!(response.error_code(400), "missing_field");
    // Nothing was stored.
    let listed = server.get("/v1/webhooks", Some(&key)).json();
    assert_eq!(listed["data"], json!([]));
    assert_eq!(
        server
            .request("POST", "/v1/webhooks", None, &[], b"{}")
            .error_code(401),
        "missing_credentials"
    );
}

#[test]
fn the_events_stream_of_another_tenants_document_is_404() {
    let dir = temp_dir("webhooks-sse-tenant");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let (_, foreign) = server.key("other");
    let csv = sample(&dir, "csv", 20, "statement.csv");
    let document = upload_file(&server, &key, &csv);
    let path = format!("/v1/documents/{document}/events");
    assert_eq!(
        server.get(&path, Some(&foreign)).error_code(404),
        "not_found"
    );
    // The owner's stream ends with the final status, however far the job was when asked.
    let response = server.get(&path, Some(&key));
    assert_eq!(response.status, 200);
    let events = sse_events(&response.body);
    let (last, _, end) = events.last().unwrap();
    assert_eq!(last, "end");
    assert_eq!(end["status"], "ANALYZED");
}

#[test]
fn a_failing_document_streams_its_steps_then_failed_and_is_announced_once() {
    let dir = temp_dir("webhooks-failed");
    let server = Server::start_with(&dir, &["--allow-private-webhooks"]);
    let (_, key) = server.key("acme");
    let receiver = Receiver::start(&[]);
    let subscription = subscribe(
        &server,
        &key,
        &json!({ "url": receiver.url(), "events": ["document.failed", "document.analyzed"] }),
    );
    let secret = subscription["secret"].as_str().unwrap().to_owned();
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "Date,Description,Amount,Balance\n2024-01-01,Coffee,abc,xyz\n",
    )
    .unwrap();
    let document = upload_file(&server, &key, &bad);
    let stream = server.get(&format!("/v1/documents/{document}/events"), Some(&key));
    let events = sse_events(&stream.body);
    let (last, _, end) = events.last().unwrap();
    assert_eq!(last, "end");
    assert_eq!(end["status"], "FAILED");
    assert_eq!(end["failure"]["code"], "malformed_file", "{end}");
    // It stopped before extraction completed: steps 1..=3 at most, in order.
    let steps: Vec<u64> = events
        .iter()
        .filter(|(e, _, _)| e == "step")
        .map(|(_, _, d)| d["step"].as_u64().unwrap())
        .collect();
    assert!(
        steps.iter().all(|s| *s <= 3) && steps.windows(2).all(|w| w[0] < w[1]),
        "{steps:?}"
    );
    let failed = receiver.next(Duration::from_secs(30));
    verify(&secret, &failed);
    let body = failed.json();
    assert_eq!(body["type"], "document.failed");
    assert_eq!(body["data"]["document_id"], document.as_str());
    assert_eq!(body["data"]["failure"]["code"], "malformed_file");
    assert!(
        receiver
            .requests
            .recv_timeout(Duration::from_millis(500))
            .is_err()
    );
}
