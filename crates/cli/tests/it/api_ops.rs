//! Operations over real HTTP: `/metrics`, request ids in the logs, `/openapi.json` and `/docs`.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::serve::{Server, upload_file};
use crate::{sample, temp_dir};

/// The value of one sample line of the exposition text (`name{labels} value`).
fn sample_value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series))
        .and_then(|rest| rest.trim().parse().ok())
}

#[test]
fn api_metrics_count_uploads_jobs_steps_requests_and_webhooks_without_tenant_data() {
    let dir = temp_dir("api-metrics");
    let server = Server::start_with(&dir, &["--allow-private-webhooks"]);
    let (tenant, key) = server.key("acme");
    // A receiver that is not there: every attempt fails and is scheduled again. Every event
    // type is subscribed, so one failed enqueue cannot leave the test without an attempt.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let subscribed = server.request(
        "POST",
        "/v1/webhooks",
        Some(&key),
        &[("Content-Type", "application/json")],
        json!({ "url": url }).to_string().as_bytes(),
    );
    assert_eq!(
        subscribed.status,
        201,
        "{}",
        String::from_utf8_lossy(&subscribed.body)
    );
    let statement = sample(&dir, "csv", 40, "s.csv");
    let id = upload_file(&server, &key, &statement);
    assert_eq!(server.wait_done(&key, &id)["status"], "ANALYZED");
    let started = Instant::now();
    let text = loop {
        let response = server.get("/metrics", None);
        assert_eq!(response.status, 200);
        assert_eq!(
            response.header("content-type"),
            Some("text/plain; version=0.0.4; charset=utf-8")
        );
        let text = String::from_utf8(response.body).unwrap();
        let retried = sample_value(
            &text,
            "ledgerlens_webhook_attempts_total{outcome=\"retry_scheduled\"}",
        );
        if retried.is_some_and(|n| n >= 1.0) {
            break text;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no attempt counted:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(
        sample_value(&text, "ledgerlens_documents_uploaded_total"),
        Some(1.0)
    );
    assert_eq!(
        sample_value(&text, "ledgerlens_jobs_claimed_total"),
        Some(1.0)
    );
    assert_eq!(
        sample_value(&text, "ledgerlens_jobs_finished_total{status=\"ANALYZED\"}"),
        Some(1.0)
    );
    assert_eq!(
        sample_value(&text, "ledgerlens_jobs_finished_total{status=\"FAILED\"}"),
        Some(0.0)
    );
    assert_eq!(
        sample_value(
            &text,
            "ledgerlens_webhook_attempts_total{outcome=\"delivered\"}"
        ),
        Some(0.0)
    );
    // Every one of the 12 steps was timed once.
    for (step, name) in [
        (1, "store"),
        (4, "extract"),
        (10, "score"),
        (12, "finalise"),
    ] {
        assert_eq!(
            sample_value(
                &text,
                &format!(
                    "ledgerlens_step_duration_seconds_count{{step=\"{step}\",name=\"{name}\"}}"
                )
            ),
            Some(1.0),
            "step {step}"
        );
    }
    // Requests by route template: the polls of the document, and the upload.
    let polls = sample_value(
        &text,
        "ledgerlens_http_request_duration_seconds_count{route=\"/v1/documents/{id}\",method=\"GET\",status=\"2xx\"}",
    );
    assert!(polls.is_some_and(|n| n >= 1.0), "{text}");
    assert_eq!(
        sample_value(
            &text,
            "ledgerlens_http_request_duration_seconds_count{route=\"/v1/documents\",method=\"POST\",status=\"2xx\"}"
        ),
        Some(1.0)
    );
    let bucket = "ledgerlens_http_request_duration_seconds_bucket{route=\"/v1/documents\",method=\"POST\",status=\"2xx\",le=\"+Inf\"}";
    assert_eq!(sample_value(&text, bucket), Some(1.0));
    // No tenant data: no ids, no key, no file name.
    for secret in [tenant.as_str(), id.as_str(), key.as_str(), "s.csv"] {
        assert!(!text.contains(secret), "/metrics shows {secret}");
    }
    // Unmatched paths are counted together, not by the text the client sent.
    server.get("/v1/no-such-thing-1234", Some(&key));
    let text = String::from_utf8(server.get("/metrics", None).body).unwrap();
    assert!(!text.contains("no-such-thing"));
    assert!(text.contains("route=\"unmatched\""));
}

#[test]
fn api_every_log_line_of_a_request_carries_its_request_id() {
    let dir = temp_dir("api-logs");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let statement = std::fs::read(sample(&dir, "csv", 20, "s.csv")).unwrap();
    let response = server.request(
        "POST",
        "/v1/analyze?profile=native",
        Some(&key),
        &[("X-Request-Id", "trace-me-42")],
        &statement,
    );
    assert_eq!(response.status, 200);
    let failing = server.request(
        "POST",
        "/v1/analyze?profile=native",
        Some(&key),
        &[("X-Request-Id", "trace-me-43")],
        b"Date,Description,Amount,Balance\n2024-01-01,Coffee,abc,xyz\n",
    );
    assert_eq!(failing.status, 422);
    let started = Instant::now();
    loop {
        let log = std::fs::read_to_string(dir.join("server.log")).unwrap();
        let ours: Vec<&str> = log.lines().filter(|l| l.contains("trace-me-4")).collect();
        if ours
            .iter()
            .any(|l| l.contains("trace-me-43") && l.contains("request done"))
        {
            assert!(
                ours.iter()
                    .any(|l| l.contains("trace-me-42") && l.contains("request done"))
            );
            // The refusal is logged by the handler, not the access log: it carries the id too.
            assert!(
                ours.iter().any(
                    |l| l.contains("request_id=trace-me-43") && l.contains("statement refused")
                ),
                "{ours:?}"
            );
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{log}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Fills a path template with ids that exist nowhere.
fn concrete(path: &str) -> String {
    path.replace("{id}", "doc_00000000000000000000000000000000")
        .replace("{delivery}", "msg_none")
}

/// True when the router has no route (404 `no such route`) or no such method (405) there.
fn unrouted(response: &crate::serve::Response) -> bool {
    if response.status == 405 {
        return true;
    }
    response.status == 404
        && serde_json::from_slice::<Value>(&response.body)
            .ok()
            .and_then(|b| b["error"]["message"].as_str().map(str::to_owned))
            .is_some_and(|m| m == "no such route")
}

#[test]
fn api_openapi_describes_every_route_and_the_server_serves_every_description() {
    let dir = temp_dir("api-openapi");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let response = server.get("/openapi.json", None);
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let doc = response.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for required in [
        "/v1/documents/{id}/statements",
        "/v1/documents/{id}/transactions",
        "/v1/documents/{id}/scores",
        "/v1/documents/{id}/affordability",
        "/v1/documents/{id}/report.pdf",
        "/v1/analyze",
        "/metrics",
    ] {
        assert!(paths.contains_key(required), "{required} is not described");
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    for (path, item) in paths {
        let item = item.as_object().unwrap();
        // Every `{parameter}` of the template is declared by each operation.
        let placeholders: Vec<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        for method in methods {
            let described = item.get(&method.to_lowercase());
            let answer = server.request(method, &concrete(path), Some(&key), &[], b"");
            match described {
                Some(op) => {
                    assert!(
                        !unrouted(&answer),
                        "{method} {path} is described but not served"
                    );
                    assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()));
                    assert!(op["operationId"].is_string(), "{method} {path}");
                    let declared: Vec<&str> = op["parameters"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|p| p["in"] == "path")
                        .map(|p| p["name"].as_str().unwrap())
                        .collect();
                    assert_eq!(declared, placeholders, "{method} {path}");
                    // Every reference resolves.
                    let text = op.to_string();
                    for reference in text.split("#/components/schemas/").skip(1) {
                        let name: String = reference
                            .chars()
                            .take_while(|c| c.is_alphanumeric())
                            .collect();
                        assert!(schemas.contains_key(&name), "{method} {path}: {name}");
                    }
                }
                None => assert!(
                    unrouted(&answer),
                    "{method} {path} is served ({}) but not described",
                    answer.status
                ),
            }
        }
    }
    // The error shape is the one every error has.
    let error = &schemas["Error"]["properties"]["error"];
    assert_eq!(error["required"], json!(["code", "message", "request_id"]));

    let page = server.get("/docs", None);
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains("/openapi.json"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page loads from elsewhere"
    );
    assert!(!html.contains("<script src") && !html.contains("<link"));
}
