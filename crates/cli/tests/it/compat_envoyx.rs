//! EnvoyX drop-in compatibility (spec 003) over real HTTP: a `ledgerlens serve` process, the
//! spec's own requests and example payloads, and every answer checked against the spec's
//! examples by shape (every key present, every value of the example's type).

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::serve::{Response, Server, multipart};
use crate::webhooks::{Receiver, verify};
use crate::{ledgerlens, temp_dir};

const MOUNT: &str = "/compat/envoyx";

/// Spec 003, "Upload Response".
const SPEC_UPLOAD_RESPONSE: &str = r#"{
"success": true,
"status": 201,
"message": "Bank statement uploaded successfully. Analysis started.",
"data": {
"bank_statement": {
"id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
"filename": "bank_statement.pdf",
"original_name": "bank_statement.pdf",
"file_type": "application/pdf",
"file_size": 14952,
"status": "PENDING",
"business_type": "healthcare_provider",
"sector": "healthcare",
"credit_score": null,
"credit_tier": null,
"created_at": "2026-04-07T10:30:00.000Z",
"updated_at": "2026-04-07T10:30:00.000Z",
"download_url": "https://..."
}
}
}"#;

/// Spec 003, "List Bank Statements" response.
const SPEC_LIST_RESPONSE: &str = r#"{
"success": true,
"data": {
"bank_statements": [
{
"id": "a1b2c3d4-...",
"status": "ANALYZED",
"bank_name": "BANQUE ATLANTIQUE COTE D'IVOIRE",
"credit_score": 723,
"credit_tier": "TIER_2",
"overall_risk_level": "MEDIUM",
"flag_count": 2,
"created_at": "2026-04-07T10:30:00.000Z",
"download_url": "https://..."
}
],
"total": 15,
"page": 1,
"page_size": 20
}
}"#;

/// Spec 003, "Webhook Events" payload (also the stream's final event).
const SPEC_WEBHOOK_PAYLOAD: &str = r#"{
"event": "bank_statement.analyzed",
"timestamp": "2026-04-07T10:31:45.000Z",
"bank_statement_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
"step": 12,
"total_steps": 12,
"message": "Bank statement analysis complete.",
"data": {
"status": "ANALYZED",
"credit_score": 723,
"credit_tier": "TIER_2",
"overall_risk_level": "MEDIUM",
"is_legitimate": true,
"flag_count": 2,
"processing_time": 45.3
}
}"#;

/// Spec 003, "Analysis Response Fields": every table row, as a value of the row's type
/// (`string` "", `integer` 0, `number` 0.5, `boolean`, `object` with the keys the row names,
/// `array`). `name_match_*` are there because the upload gives `account_holder_name`.
fn spec_analysis_fields() -> Value {
    spec(
        r#"{
        "bank_name": "", "account_number_masked": "", "statement_period_start": "",
        "statement_period_end": "", "currency": "", "opening_balance": 0.5,
        "closing_balance": 0.5, "total_credits": 0.5, "total_debits": 0.5,
        "transaction_count": 0,
        "extracted_account_holder_name": "", "account_holder_name_type": "",
        "account_holder_name_consistency": "", "name_match_result": "", "name_match_details": "",
        "revenue_score": 0, "revenue_consistency": "",
        "revenue_classification": {
            "institutional_payments": 0.5, "mobile_money_sweeps": 0.5, "cash_deposits": 0.5,
            "tontine_receipts": 0.5, "related_party_transfers": 0.5, "other": 0.5
        },
        "revenue_flags": [],
        "cashflow_score": 0, "cashflow_working_capital_adequacy": "",
        "cashflow_liquidity_bridges": {
            "mobile_money_detected": true, "tontine_detected": true, "description": ""
        },
        "cashflow_pattern_consistency": "", "cashflow_flags": [],
        "expense_score": 0, "expense_operating_presence": "", "expense_debt_load": "",
        "expense_tontine_activity": { "detected": true, "estimated_monthly": 0.5, "description": "" },
        "expense_flags": [],
        "balance_score": 0, "balance_trend": "", "balance_manipulation_detected": true,
        "balance_survival_behaviour": "", "balance_flags": [],
        "credit_score": 0, "credit_tier": "", "overall_risk_level": "", "is_legitimate": true,
        "legitimacy_confidence": 0, "legitimacy_reason": "", "all_flags": [], "flag_count": 0
        }"#,
    )
}

/// Checks that `ours` has every key of `spec`, recursively, each of the spec value's type. A
/// spec `null` is a nullable field: present, any type. An integer in the spec must be an
/// integer here; a fraction may be any number. An array's elements are checked against the
/// spec's first element.
fn assert_shape(spec: &Value, ours: &Value, at: &str) {
    match spec {
        Value::Null => {}
        Value::Bool(_) => assert!(ours.is_boolean(), "{at}: {ours} is not a boolean"),
        Value::String(_) => assert!(ours.is_string(), "{at}: {ours} is not a string"),
        Value::Number(n) if n.is_f64() => assert!(ours.is_number(), "{at}: {ours} not a number"),
        Value::Number(_) => assert!(
            ours.is_i64() || ours.is_u64(),
            "{at}: {ours} is not an integer"
        ),
        Value::Array(items) => {
            let ours = ours
                .as_array()
                .unwrap_or_else(|| panic!("{at}: {ours} is not an array"));
            if let Some(first) = items.first() {
                assert!(!ours.is_empty(), "{at}: empty, the spec shows an element");
                for (n, item) in ours.iter().enumerate() {
                    assert_shape(first, item, &format!("{at}[{n}]"));
                }
            }
        }
        Value::Object(fields) => {
            let ours = ours
                .as_object()
                .unwrap_or_else(|| panic!("{at}: {ours} is not an object"));
            for (key, value) in fields {
                let got = ours
                    .get(key)
                    .unwrap_or_else(|| panic!("{at}.{key} is missing"));
                assert_shape(value, got, &format!("{at}.{key}"));
            }
        }
    }
}

fn spec(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// Checks the envelope of an answer and returns it.
fn envelope(response: &Response, status: u16) -> Value {
    assert_eq!(
        response.status,
        status,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body = response.json();
    assert_eq!(
        body["success"],
        json!((200..300).contains(&status)),
        "{body}"
    );
    assert_eq!(body["status"], json!(status), "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body.get("data").is_some(), "{body}");
    assert!(
        body.get("error").is_none(),
        "the native error shape leaked: {body}"
    );
    body
}

/// A text PDF statement (the French layout), as the spec's `bank_statement.pdf`.
fn statement_pdf(dir: &Path) -> Vec<u8> {
    let out = ledgerlens([
        "synth",
        "-o",
        dir.join("pdfs").to_str().unwrap(),
        "--layout",
        "fr",
        "--transactions",
        "60",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(dir.join("pdfs").join("fr-1.pdf")).unwrap()
}

/// The spec's curl upload: `file`, `business_type`, `sector`, `account_holder_name`.
fn spec_upload(server: &Server, key: &str, pdf: &[u8], extra: &[(&str, &str)]) -> Response {
    let (content_type, body) = multipart(&[
        ("file", Some("bank_statement.pdf"), pdf),
        ("business_type", None, b"healthcare_provider"),
        ("sector", None, b"healthcare"),
        ("account_holder_name", None, b"CLINIQUE SAINTE MARIE SARL"),
    ]);
    let mut headers = vec![("Content-Type", content_type.as_str())];
    headers.extend_from_slice(extra);
    server.request(
        "POST",
        &format!("{MOUNT}/api/v1/bank-statements/upload"),
        Some(key),
        &headers,
        &body,
    )
}

/// The spec's "Complete Integration Example": poll the detail until the status is final.
fn poll_until_done(server: &Server, key: &str, id: &str) -> Value {
    let started = Instant::now();
    loop {
        let response = server.get(&format!("{MOUNT}/api/v1/bank-statements/{id}"), Some(key));
        let body = envelope(&response, 200);
        let status = body["data"]["bank_statement"]["status"]
            .as_str()
            .unwrap()
            .to_owned();
        if ["ANALYZED", "FLAGGED", "FAILED"].contains(&status.as_str()) {
            return body;
        }
        assert!(
            ["PENDING", "PROCESSING"].contains(&status.as_str()),
            "{status}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "stuck in {status}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn put_json(server: &Server, key: &str, path: &str, body: &str) -> Response {
    server.request(
        "PUT",
        &format!("{MOUNT}{path}"),
        Some(key),
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
}

#[test]
fn envoyx_flow_replays_the_spec_examples() {
    let dir = temp_dir("envoyx-flow");
    let server = Server::start(&dir);
    let (_, key) = server.key("clinique");
    let pdf = statement_pdf(&dir);

    // Preferences: the spec's PUT body, then read back.
    let put = put_json(
        &server,
        &key,
        "/api/v1/bank-statements/preferences",
        r#"{"default_business_type": "healthcare_provider", "default_sector": "healthcare"}"#,
    );
    let body = envelope(&put, 200);
    assert_eq!(body["data"]["default_business_type"], "healthcare_provider");
    let got = envelope(
        &server.get(
            &format!("{MOUNT}/api/v1/bank-statements/preferences"),
            Some(&key),
        ),
        200,
    );
    assert_eq!(
        got["data"],
        json!({"default_business_type": "healthcare_provider", "default_sector": "healthcare"})
    );
    // They are the native preferences too (one store), and a partial PUT keeps the rest.
    let native = server.get("/v1/preferences", Some(&key)).json();
    assert_eq!(native["business_type"], "healthcare_provider");
    let partial = put_json(
        &server,
        &key,
        "/api/v1/bank-statements/preferences",
        r#"{"default_sector": "services"}"#,
    );
    let partial = envelope(&partial, 200);
    assert_eq!(
        partial["data"]["default_business_type"],
        "healthcare_provider"
    );
    assert_eq!(partial["data"]["default_sector"], "services");

    // Upload: 201, PENDING, the spec's example shape.
    let upload = spec_upload(&server, &key, &pdf, &[]);
    let body = envelope(&upload, 201);
    assert_shape(&spec(SPEC_UPLOAD_RESPONSE), &body, "upload");
    let statement = &body["data"]["bank_statement"];
    assert_eq!(statement["status"], "PENDING");
    assert_eq!(statement["filename"], "bank_statement.pdf");
    assert_eq!(statement["file_type"], "application/pdf");
    assert_eq!(statement["file_size"], json!(pdf.len()));
    // The request's values win over the saved preference (spec: parameter priority).
    assert_eq!(statement["business_type"], "healthcare_provider");
    assert_eq!(statement["sector"], "healthcare");
    assert!(statement["credit_score"].is_null());
    let id = statement["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    assert_eq!(
        upload.header("location").unwrap(),
        format!(
            "http://{}{MOUNT}/api/v1/bank-statements/{id}",
            server.address()
        )
    );

    // Poll (the spec's integration example) until analysed; the detail has every field of the
    // spec's tables, of the table's type.
    let done = poll_until_done(&server, &key, &id);
    let detail = &done["data"]["bank_statement"];
    assert!(
        ["ANALYZED", "FLAGGED"].contains(&detail["status"].as_str().unwrap()),
        "{detail}"
    );
    assert_shape(
        &spec(SPEC_UPLOAD_RESPONSE)["data"]["bank_statement"],
        detail,
        "detail",
    );
    assert_shape(&spec_analysis_fields(), detail, "detail");
    let score = detail["credit_score"].as_u64().unwrap();
    assert!(score <= 1000);
    let tier = detail["credit_tier"].as_str().unwrap().to_owned();
    let expected_tier = match score {
        750.. => "TIER_1",
        500..=749 => "TIER_2",
        250..=499 => "TIER_3",
        _ => "INELIGIBLE",
    };
    assert_eq!(tier, expected_tier, "spec's tier ranges");
    assert_eq!(
        detail["flag_count"].as_u64().unwrap(),
        detail["all_flags"].as_array().unwrap().len() as u64
    );
    assert!(
        ["EXACT", "PARTIAL", "MISMATCH"].contains(&detail["name_match_result"].as_str().unwrap())
    );
    assert!(
        detail["account_number_masked"]
            .as_str()
            .unwrap()
            .starts_with("****")
    );
    // The same analysis as the native profile: one pipeline.
    let native_id = format!("doc_{}", id.replace('-', ""));
    let native = server
        .get(
            &format!("/v1/documents/{native_id}/analysis?profile=envoyx"),
            Some(&key),
        )
        .json();
    assert_eq!(native["credit_score"], detail["credit_score"]);
    assert_eq!(
        native["revenue_classification"],
        detail["revenue_classification"]
    );

    // download_url serves the original, byte for byte.
    let url = detail["download_url"].as_str().unwrap();
    let path = url
        .strip_prefix(&format!("http://{}", server.address()))
        .unwrap();
    let file = server.get(path, Some(&key));
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("application/pdf"));
    assert_eq!(file.body, pdf);

    // A second upload (the same file again) gives the listing two rows.
    let second = spec_upload(&server, &key, &pdf, &[]);
    let second_id = envelope(&second, 201)["data"]["bank_statement"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    poll_until_done(&server, &key, &second_id);

    // List: the spec's example shape, newest first, page numbers and totals.
    let list = envelope(
        &server.get(&format!("{MOUNT}/api/v1/bank-statements"), Some(&key)),
        200,
    );
    assert_shape(&spec(SPEC_LIST_RESPONSE), &list, "list");
    assert_eq!(list["data"]["total"], 2);
    assert_eq!(list["data"]["page"], 1);
    assert_eq!(list["data"]["page_size"], 20);
    assert_eq!(list["data"]["bank_statements"][0]["id"], second_id.as_str());
    let page = envelope(
        &server.get(
            &format!("{MOUNT}/api/v1/bank-statements?page=2&page_size=1"),
            Some(&key),
        ),
        200,
    );
    assert_eq!(page["data"]["total"], 2);
    assert_eq!(page["data"]["bank_statements"].as_array().unwrap().len(), 1);
    assert_eq!(page["data"]["bank_statements"][0]["id"], id.as_str());
    let beyond = envelope(
        &server.get(
            &format!("{MOUNT}/api/v1/bank-statements?page=3&page_size=1"),
            Some(&key),
        ),
        200,
    );
    assert_eq!(beyond["data"]["bank_statements"], json!([]));

    // Filters: the status, and the tier of the stored analysis.
    let status = detail["status"].as_str().unwrap();
    let by_status = envelope(
        &server.get(
            &format!("{MOUNT}/api/v1/bank-statements?status_filter={status}"),
            Some(&key),
        ),
        200,
    );
    assert_eq!(by_status["data"]["total"], 2);
    let none = envelope(
        &server.get(
            &format!("{MOUNT}/api/v1/bank-statements?status_filter=PENDING"),
            Some(&key),
        ),
        200,
    );
    assert_eq!(none["data"]["total"], 0);
    let by_tier = envelope(
        &server.get(
            &format!("{MOUNT}/api/v1/bank-statements?credit_tier_filter={tier}&page_size=1"),
            Some(&key),
        ),
        200,
    );
    assert_eq!(by_tier["data"]["total"], 2);
    assert_eq!(
        by_tier["data"]["bank_statements"][0]["credit_tier"],
        tier.as_str()
    );
    let other_tier = if tier == "INELIGIBLE" {
        "TIER_1"
    } else {
        "INELIGIBLE"
    };
    let by_other = envelope(
        &server.get(
            &format!("{MOUNT}/api/v1/bank-statements?credit_tier_filter={other_tier}"),
            Some(&key),
        ),
        200,
    );
    assert_eq!(by_other["data"]["total"], 0);

    // Another tenant sees nothing of it.
    let (_, other) = server.key("someone-else");
    let foreign = server.get(
        &format!("{MOUNT}/api/v1/bank-statements/{id}"),
        Some(&other),
    );
    envelope(&foreign, 404);

    // Delete: gone from the detail and the listing.
    let deleted = server.request(
        "DELETE",
        &format!("{MOUNT}/api/v1/bank-statements/{id}"),
        Some(&key),
        &[],
        b"",
    );
    envelope(&deleted, 200);
    let gone = server.get(&format!("{MOUNT}/api/v1/bank-statements/{id}"), Some(&key));
    assert_eq!(envelope(&gone, 404)["data"]["code"], "not_found");
    let list = envelope(
        &server.get(&format!("{MOUNT}/api/v1/bank-statements"), Some(&key)),
        200,
    );
    assert_eq!(list["data"]["total"], 1);
}

/// `data:` payloads of an SSE body, with their `id:`.
fn sse_payloads(body: &[u8]) -> Vec<(Option<String>, Value)> {
    String::from_utf8(body.to_vec())
        .unwrap()
        .split("\n\n")
        .filter_map(|frame| {
            let mut id = None;
            let mut data = String::new();
            for line in frame.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = Some(v.trim().to_owned());
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            (!data.is_empty()).then(|| (id, serde_json::from_str(&data).unwrap()))
        })
        .collect()
}

#[test]
fn envoyx_streamed_upload_sends_the_twelve_steps_in_the_spec_event_format() {
    let dir = temp_dir("envoyx-stream");
    let server = Server::start(&dir);
    let (_, key) = server.key("clinique");
    let pdf = statement_pdf(&dir);
    let response = spec_upload(&server, &key, &pdf, &[("X-Stream-Response", "true")]);
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("text/event-stream"));
    let events = sse_payloads(&response.body);
    assert_eq!(events.len(), 12, "{events:?}");
    let id = events[0].1["bank_statement_id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (n, (frame_id, event)) in events.iter().take(11).enumerate() {
        let step = n + 1;
        assert_eq!(frame_id.as_deref(), Some(step.to_string().as_str()));
        assert_eq!(event["event"], "bank_statement.processing", "{event}");
        assert_eq!(event["step"], json!(step));
        assert_eq!(event["total_steps"], 12);
        assert_eq!(event["bank_statement_id"], id.as_str());
        assert_eq!(event["data"]["status"], "PROCESSING");
        assert!(event["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let (_, last) = &events[11];
    assert_shape(&spec(SPEC_WEBHOOK_PAYLOAD), last, "final event");
    let kind = last["event"].as_str().unwrap();
    assert!(
        ["bank_statement.analyzed", "bank_statement.flagged"].contains(&kind),
        "{last}"
    );
    // The final event says what the detail says.
    let detail = envelope(
        &server.get(&format!("{MOUNT}/api/v1/bank-statements/{id}"), Some(&key)),
        200,
    );
    let statement = &detail["data"]["bank_statement"];
    for field in [
        "credit_score",
        "credit_tier",
        "overall_risk_level",
        "is_legitimate",
        "flag_count",
    ] {
        assert_eq!(last["data"][field], statement[field], "{field}");
    }
    assert_eq!(last["data"]["status"], statement["status"]);
}

#[test]
fn envoyx_errors_come_in_the_envelope_with_their_statuses() {
    let dir = temp_dir("envoyx-errors");
    let server = Server::start(&dir);
    let (_, key) = server.key("clinique");
    let list = format!("{MOUNT}/api/v1/bank-statements");
    let upload = format!("{MOUNT}/api/v1/bank-statements/upload");

    // Auth: no key, an unknown key → 401; a key without the permission → 403.
    let missing = server.get(&list, None);
    assert_eq!(
        envelope(&missing, 401)["data"]["code"],
        "missing_credentials"
    );
    let unknown = server.get(&list, Some("llk_not_a_real_key"));
    assert_eq!(
        envelope(&unknown, 401)["data"]["code"],
        "invalid_credentials"
    );
    let reader = server.key_with("clinique", Some("documents:read")).1;
    envelope(&server.get(&list, Some(&reader)), 200);
    let (content_type, body) = multipart(&[("file", Some("s.pdf"), b"%PDF-1.4 nothing")]);
    let refused = server.request(
        "POST",
        &upload,
        Some(&reader),
        &[("Content-Type", &content_type)],
        &body,
    );
    assert_eq!(
        envelope(&refused, 403)["data"]["code"],
        "insufficient_scope"
    );
    let refused = put_json(
        &server,
        &reader,
        "/api/v1/bank-statements/preferences",
        "{}",
    );
    envelope(&refused, 403);

    // Upload validation: no file, an empty file, an unknown field → 400; not a statement → 415.
    let (content_type, body) = multipart(&[("business_type", None, b"retail")]);
    let response = server.request(
        "POST",
        &upload,
        Some(&key),
        &[("Content-Type", &content_type)],
        &body,
    );
    let error = envelope(&response, 400);
    assert_eq!(error["data"]["code"], "missing_field");
    assert_eq!(error["data"]["field"], "file");
    let (content_type, body) = multipart(&[("file", Some("s.pdf"), b"")]);
    let response = server.request(
        "POST",
        &upload,
        Some(&key),
        &[("Content-Type", &content_type)],
        &body,
    );
    assert_eq!(envelope(&response, 400)["data"]["code"], "empty_file");
    let (content_type, body) = multipart(&[
        ("file", Some("s.pdf"), b"%PDF-1.4"),
        ("colour", None, b"red"),
    ]);
    let response = server.request(
        "POST",
        &upload,
        Some(&key),
        &[("Content-Type", &content_type)],
        &body,
    );
    assert_eq!(envelope(&response, 400)["data"]["field"], "colour");
    let (content_type, body) =
        multipart(&[("file", Some("s.bin"), &[0u8, 159, 146, 150, 1, 2, 3])]);
    let response = server.request(
        "POST",
        &upload,
        Some(&key),
        &[("Content-Type", &content_type)],
        &body,
    );
    assert_eq!(
        envelope(&response, 415)["data"]["code"],
        "unsupported_media_type"
    );
    let response = server.request(
        "POST",
        &upload,
        Some(&key),
        &[("Content-Type", "application/json")],
        b"{}",
    );
    assert_eq!(
        envelope(&response, 400)["data"]["code"],
        "malformed_multipart"
    );
    // Over the 20 MB limit (declared length): 413, before the body is read.
    let response = server.request(
        "POST",
        &upload,
        Some(&key),
        &[
            ("Content-Type", "multipart/form-data; boundary=x"),
            ("Content-Length", "30000000"),
        ],
        b"",
    );
    assert_eq!(
        envelope(&response, 413)["data"]["code"],
        "payload_too_large"
    );

    // Listing parameters.
    for (query, field) in [
        ("page_size=101", "page_size"),
        ("page_size=0", "page_size"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("status_filter=DONE", "status_filter"),
        ("credit_tier_filter=TIER_9", "credit_tier_filter"),
    ] {
        let response = server.get(&format!("{list}?{query}"), Some(&key));
        let error = envelope(&response, 400);
        assert_eq!(error["data"]["field"], field, "{query}");
    }
    envelope(
        &server.get(&format!("{list}?page_size=100"), Some(&key)),
        200,
    );

    // Unknown and malformed ids → 404; an unknown route or method under the mount keeps the
    // envelope.
    for id in [
        "a1b2c3d4-e5f6-7890-abcd-ef1234567890",
        "not-an-id",
        "doc_123",
    ] {
        let response = server.get(&format!("{list}/{id}"), Some(&key));
        assert_eq!(
            envelope(&response, 404)["data"]["code"],
            "not_found",
            "{id}"
        );
        let response = server.request("DELETE", &format!("{list}/{id}"), Some(&key), &[], b"");
        envelope(&response, 404);
    }
    envelope(
        &server.get(&format!("{MOUNT}/api/v1/nothing"), Some(&key)),
        404,
    );
    let response = server.request("PATCH", &list, Some(&key), &[], b"");
    envelope(&response, 405);

    // Preferences: not JSON, an unknown field, a wrong type → 400 naming it.
    let path = "/api/v1/bank-statements/preferences";
    assert_eq!(
        envelope(&put_json(&server, &key, path, "{"), 400)["data"]["code"],
        "malformed_json"
    );
    let unknown = put_json(&server, &key, path, r#"{"business_type": "x"}"#);
    assert_eq!(envelope(&unknown, 400)["data"]["field"], "business_type");
    let wrong = put_json(&server, &key, path, r#"{"default_sector": 12}"#);
    assert_eq!(envelope(&wrong, 400)["data"]["field"], "default_sector");
}

fn envoyx_subscribe(server: &Server, key: &str, url: &str) -> Value {
    let response = server.request(
        "POST",
        &format!("{MOUNT}/api/v1/webhooks"),
        Some(key),
        &[("Content-Type", "application/json")],
        json!({ "url": url }).to_string().as_bytes(),
    );
    envelope(&response, 201)["data"]["webhook"].clone()
}

/// Event types queued for a subscription (its delivery log), oldest first.
fn queued_types(server: &Server, key: &str, subscription: &str) -> Vec<String> {
    let log = server
        .get(
            &format!("/v1/webhooks/{subscription}/deliveries"),
            Some(key),
        )
        .json();
    let mut types: Vec<String> = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["event_type"].as_str().unwrap().to_owned())
        .collect();
    types.reverse();
    types
}

#[test]
fn envoyx_webhooks_announce_an_upload_in_the_spec_payload_to_envoyx_subscribers_only() {
    let dir = temp_dir("envoyx-webhooks");
    let server = Server::start_with(&dir, &["--allow-private-webhooks"]);
    let (_, key) = server.key("clinique");
    let envoyx = Receiver::start(&[]);
    let native = Receiver::start(&[]);
    let subscription = envoyx_subscribe(&server, &key, &envoyx.url());
    let secret = subscription["secret"].as_str().unwrap().to_owned();
    let envoyx_id = subscription["id"].as_str().unwrap().to_owned();
    assert_eq!(
        subscription["events"],
        json!([
            "bank_statement.uploaded",
            "bank_statement.processing",
            "bank_statement.analyzed",
            "bank_statement.flagged",
            "bank_statement.failed"
        ])
    );
    let native_sub = crate::webhooks::subscribe(&server, &key, &json!({ "url": native.url() }));
    let native_id = native_sub["id"].as_str().unwrap().to_owned();
    // Only the EnvoyX subscription is listed under the EnvoyX path.
    let listed = envelope(
        &server.get(&format!("{MOUNT}/api/v1/webhooks"), Some(&key)),
        200,
    );
    assert_eq!(listed["data"]["webhooks"].as_array().unwrap().len(), 1);
    assert_eq!(listed["data"]["webhooks"][0]["id"], envoyx_id.as_str());
    assert!(listed["data"]["webhooks"][0].get("secret").is_none());

    let pdf = statement_pdf(&dir);
    let upload = spec_upload(&server, &key, &pdf, &[]);
    let id = envelope(&upload, 201)["data"]["bank_statement"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let received = envoyx.next(Duration::from_secs(30));
    verify(&secret, &received);
    let event = received.json();
    assert_eq!(event["event"], "bank_statement.uploaded");
    assert_eq!(event["bank_statement_id"], id.as_str());
    // The spec's payload keys, of the spec's types (the data of an upload is its own).
    let mut shape = spec(SPEC_WEBHOOK_PAYLOAD);
    shape["data"] = json!({ "status": "PENDING" });
    assert_shape(&shape, &event, "uploaded");
    assert_eq!(event["data"]["status"], "PENDING");

    // The native subscription (`*`) gets the native events and never the EnvoyX copies; the
    // EnvoyX one gets only EnvoyX events.
    let started = Instant::now();
    loop {
        let left = Duration::from_secs(90).saturating_sub(started.elapsed());
        let kind = native.next(left).event_type();
        if kind == "document.analyzed" || kind == "document.flagged" {
            break;
        }
    }
    let native_types = queued_types(&server, &key, &native_id);
    assert!(
        native_types.iter().all(|t| t.starts_with("document.")),
        "{native_types:?}"
    );
    assert!(native_types.contains(&"document.uploaded".to_owned()));
    let envoyx_types = queued_types(&server, &key, &envoyx_id);
    assert!(
        envoyx_types
            .iter()
            .all(|t| t.starts_with("bank_statement.")),
        "{envoyx_types:?}"
    );

    // Deleting it through the EnvoyX path; the native one is not the EnvoyX path's to delete.
    let response = server.request(
        "DELETE",
        &format!("{MOUNT}/api/v1/webhooks/{native_id}"),
        Some(&key),
        &[],
        b"",
    );
    envelope(&response, 404);
    let response = server.request(
        "DELETE",
        &format!("{MOUNT}/api/v1/webhooks/{envoyx_id}"),
        Some(&key),
        &[],
        b"",
    );
    envelope(&response, 200);
}

/// The worker queues the EnvoyX copy of `document.processing`, and of the terminal event in the
/// same transaction as the result (docs/compat/envoyx.md, "Webhooks").
#[test]
fn envoyx_webhooks_follow_the_analysis_in_the_spec_payload() {
    let dir = temp_dir("envoyx-webhooks-pipeline");
    let server = Server::start_with(&dir, &["--allow-private-webhooks"]);
    let (_, key) = server.key("clinique");
    let envoyx = Receiver::start(&[]);
    let subscription = envoyx_subscribe(&server, &key, &envoyx.url());
    let secret = subscription["secret"].as_str().unwrap().to_owned();
    let pdf = statement_pdf(&dir);
    let id = envelope(&spec_upload(&server, &key, &pdf, &[]), 201)["data"]["bank_statement"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let started = Instant::now();
    let mut seen: Vec<Value> = Vec::new();
    while !seen.iter().any(|e| {
        ["bank_statement.analyzed", "bank_statement.flagged"]
            .contains(&e["event"].as_str().unwrap())
    }) {
        let left = Duration::from_secs(90).saturating_sub(started.elapsed());
        let received = envoyx.next(left);
        verify(&secret, &received);
        seen.push(received.json());
    }
    let kinds: Vec<&str> = seen.iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"bank_statement.uploaded"), "{kinds:?}");
    assert!(kinds.contains(&"bank_statement.processing"), "{kinds:?}");
    let last = seen.last().unwrap();
    assert_shape(&spec(SPEC_WEBHOOK_PAYLOAD), last, "terminal event");
    assert_eq!(last["bank_statement_id"], id.as_str());
    let detail = envelope(
        &server.get(&format!("{MOUNT}/api/v1/bank-statements/{id}"), Some(&key)),
        200,
    );
    assert_eq!(
        last["data"]["credit_score"],
        detail["data"]["bank_statement"]["credit_score"]
    );
}
