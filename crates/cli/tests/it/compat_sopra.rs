//! Sopra Financing's Bank X-Ray API (specs 000 and 001) at `/compat/sopra`, over real HTTP
//! against the real binary: the spec's own flow (request → media in three steps → report →
//! PDF) with the spec's own example payloads, every field of the spec's response examples
//! checked for presence and type, and the statuses of auth, version and validation failures.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

use crate::serve::{Response, Server, multipart};
use crate::{ledgerlens, temp_dir};

const MOUNT: &str = "/compat/sopra";
const VERSION: &str = "2024-01-25";

/// Spec 000, "Create a request": the request body, as printed.
const SPEC_CREATE_REQUEST: &str = r#"{
  "code": {
    "type": "siren",
    "id": "514673987"
  }
}"#;

/// Spec 000: the answer to `POST /requests` (its `// comment` and `...` taken out).
const SPEC_REQUEST: &str = r#"{
  "request": {
    "id": "[requestId]",
    "code": {
      "type": "siren",
      "id": "514673987"
    },
    "status": "pending_analysis",
    "stage": "1.1"
  }
}"#;

/// Spec 000, "Review the analysis": the report (comments and `...` taken out).
const SPEC_REPORT: &str = r#"{
  "report": {
    "id": "[reportId]",
    "request": "[requestId]",
    "source": "bank_xray",
    "raw": {
      "movementReport": {
        "totalDebitAmount": {
          "period": 68226.41,
          "annualised": 803310.96
        }
      },
      "summary": [
        {
          "startDate": "2021-07-31",
          "endDate": "2021-08-31",
          "bic": "",
          "iban": null,
          "statementId": 1,
          "pageCount": 9,
          "startBalance": 166623.16,
          "endBalance": 262738.66,
          "totalCreditAmount": 164341.91,
          "totalDebitAmount": 68226.41,
          "movements": "correct"
        }
      ],
      "bankFlag": {
        "color": "red",
        "dataSanity": 100,
        "reasons": [
          {
            "criteria": "missedSocialSecurity",
            "quantile": 100,
            "value": 1,
            "sentiment": "bad",
            "popovers": [
              "Social security assesses the company's regularity of payments, compliance with the social security administration's due dates, and correspondence with regulations."
            ]
          }
        ]
      },
      "riskClass": 4,
      "score": 0.8,
      "allTransactions": [
        {}
      ]
    }
  }
}"#;

/// Spec 000: the answer of the PDF download.
const SPEC_PDF: &str = r#"{
  "fileExtension": "pdf",
  "request": "61b1aaa1015c69003931e945",
  "report": "61baf58cb92353003b888c3d",
  "creation": "2021-12-16T08:15:08.000Z",
  "bankXrayPdfB64": "..."
}"#;

/// Spec 000: the `new_report` webhook body.
const SPEC_NEW_REPORT: &str = r#"{
  "event": "new_report",
  "requestId": "[requestId]",
  "reportId": "[reportId]"
}"#;

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every key of the spec's example is in ours with the same JSON type, recursively; arrays
/// compare the spec's first item with each of ours, and must not be empty where the spec's is
/// not. A spec `null` accepts anything (the spec shows no type); `nullable` lists the paths
/// where our `null` is allowed against a typed spec value.
pub(crate) fn shape(expected: &Value, ours: &Value, nullable: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    check(expected, ours, "$", nullable, &mut problems);
    problems
}

fn check(expected: &Value, ours: &Value, path: &str, nullable: &[&str], out: &mut Vec<String>) {
    if expected.is_null() {
        return;
    }
    if ours.is_null() {
        if !nullable.contains(&path) {
            out.push(format!(
                "{path}: null, the spec has a {}",
                type_name(expected)
            ));
        }
        return;
    }
    if type_name(expected) != type_name(ours) {
        out.push(format!(
            "{path}: {} ({ours}), the spec has a {}",
            type_name(ours),
            type_name(expected)
        ));
        return;
    }
    match (expected, ours) {
        (Value::Object(spec), Value::Object(have)) => {
            for (key, value) in spec {
                let here = format!("{path}.{key}");
                match have.get(key) {
                    Some(mine) => check(value, mine, &here, nullable, out),
                    None => out.push(format!("{here}: missing")),
                }
            }
        }
        (Value::Array(spec), Value::Array(have)) => {
            if let Some(first) = spec.first() {
                if have.is_empty() {
                    out.push(format!("{path}: empty, the spec shows items"));
                }
                for mine in have {
                    check(first, mine, &format!("{path}[]"), nullable, out);
                }
            }
        }
        _ => {}
    }
}

/// Fails with every difference at once.
pub(crate) fn assert_shape(what: &str, expected: &str, ours: &Value, nullable: &[&str]) {
    let expected: Value = serde_json::from_str(expected).unwrap();
    let problems = shape(&expected, ours, nullable);
    assert!(problems.is_empty(), "{what}: {problems:#?}\n{ours:#}");
}

/// The product's headers: version, user id, session token (our API key).
fn headers(key: &str) -> Vec<(&str, &str)> {
    vec![
        ("October-Version", VERSION),
        ("userId", "integration@lender.example"),
        ("sessionToken", key),
        ("Content-Type", "application/json"),
    ]
}

fn call(server: &Server, method: &str, path: &str, key: &str, body: &str) -> Response {
    server.request(
        method,
        &format!("{MOUNT}{path}"),
        None,
        &headers(key),
        body.as_bytes(),
    )
}

fn ok(response: &Response, status: u16) -> Value {
    assert_eq!(
        response.status,
        status,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

/// A French text-PDF statement (Bank X-Ray reads true PDFs; page counts come from them).
fn statement_pdf(dir: &Path) -> PathBuf {
    let out_dir = dir.join("synth");
    let out = ledgerlens([
        "synth",
        "-o",
        out_dir.to_str().unwrap(),
        "--layout",
        "fr",
        "--transactions",
        "80",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out_dir.join("fr-1.pdf")
}

/// The path and query of an absolute upload URL of this server.
fn local(server: &Server, url: &str) -> String {
    url.strip_prefix(&format!("http://{}", server.address()))
        .unwrap_or_else(|| panic!("{url} is not on this server"))
        .to_owned()
}

fn wait_analysed(server: &Server, key: &str, request: &str) -> Value {
    let started = Instant::now();
    loop {
        let body = ok(
            &call(server, "GET", &format!("/requests/{request}"), key, ""),
            200,
        );
        if body["request"]["stage"] != "1.2" && body["request"]["stage"] != "1.1" {
            return body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "never analysed: {body}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Request, media, upload, online: the request id and the media.
fn request_with_statement(server: &Server, key: &str, statement: &[u8]) -> (String, Value) {
    let created = ok(
        &call(server, "POST", "/requests", key, SPEC_CREATE_REQUEST),
        201,
    );
    let request = created["request"]["id"].as_str().unwrap().to_owned();
    let media = ok(
        &call(
            server,
            "POST",
            "/media",
            key,
            &json!({"type": "bank_statement", "request": request, "metadata": {"name": "releve-aout.pdf"}})
                .to_string(),
        ),
        201,
    );
    let url = local(server, media["media"]["upload"]["url"].as_str().unwrap());
    // The upload target needs no credentials and no version header: it is S3's stand-in.
    let put = server.request("PUT", &url, None, &[], statement);
    assert_eq!(put.status, 204, "{}", String::from_utf8_lossy(&put.body));
    (request, media["media"].clone())
}

#[test]
fn sopra_bank_xray_flow_replays_the_spec() {
    let dir = temp_dir("sopra-flow");
    let server = Server::start(&dir);
    let (_, key) = server.key("sopra-lender");
    let pdf = std::fs::read(statement_pdf(&dir)).unwrap();

    // 1. Create a request: the spec's body, the spec's answer.
    let created = call(&server, "POST", "/requests", &key, SPEC_CREATE_REQUEST);
    assert_eq!(created.header("october-version"), Some(VERSION));
    let created = ok(&created, 201);
    assert_shape("POST /requests", SPEC_REQUEST, &created, &[]);
    assert_eq!(
        created["request"]["code"],
        json!({"type": "siren", "id": "514673987"})
    );
    assert_eq!(created["request"]["status"], "pending_analysis");
    assert_eq!(created["request"]["stage"], "1.1");
    let request = created["request"]["id"].as_str().unwrap().to_owned();
    let fetched = ok(
        &call(&server, "GET", &format!("/requests/{request}"), &key, ""),
        200,
    );
    assert_shape("GET /requests/{id}", SPEC_REQUEST, &fetched, &[]);
    assert_eq!(fetched["request"]["id"], request.as_str());

    // 2. Upload a media in three steps.
    let described = ok(
        &call(
            &server,
            "POST",
            "/media",
            &key,
            &json!({"type": "bank_statement", "request": request, "metadata": {"name": "releve-aout.pdf"}})
                .to_string(),
        ),
        201,
    );
    let media = &described["media"];
    assert_eq!(media["status"], "pending");
    let media_id = media["id"].as_str().unwrap().to_owned();
    let url = local(&server, media["upload"]["url"].as_str().unwrap());
    let put = server.request("PUT", &url, None, &[], &pdf);
    assert_eq!(put.status, 204, "{}", String::from_utf8_lossy(&put.body));
    assert!(put.header("etag").is_some());
    // One document per target: a second file is refused.
    assert_eq!(
        server.request("PUT", &url, None, &[], &pdf).error_code(409),
        "already_uploaded"
    );
    let online = ok(
        &call(
            &server,
            "POST",
            &format!("/media/{media_id}"),
            &key,
            r#"{"status": "online", "period": {"start": "2024-02-01", "end": "2024-04-05"}, "date": "2024-04-05"}"#,
        ),
        200,
    );
    assert_eq!(online["media"]["status"], "online");
    assert_eq!(online["media"]["date"], "2024-04-05");
    let document = online["media"]["document"].as_str().unwrap().to_owned();

    // 3. Analysis starts by itself; poll the request as the spec says.
    let done = wait_analysed(&server, &key, &request);
    assert_eq!(done["request"]["status"], "analysis_done", "{done}");
    assert_eq!(done["request"]["stage"], "2.1");
    assert_eq!(done["request"]["reports"], json!([document]));
    assert_eq!(done["request"]["media"], json!([media_id]));
    let listed = ok(
        &call(
            &server,
            "GET",
            &format!("/reports?source=bank_xray&request={request}"),
            &key,
            "",
        ),
        200,
    );
    let reports = listed["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 1);
    assert_shape(
        "GET /reports",
        SPEC_REPORT,
        &json!({"report": reports[0]}),
        &[],
    );

    // 4. Review the analysis: the spec's report, every field with its type.
    let report_id = reports[0]["id"].as_str().unwrap().to_owned();
    let report = ok(
        &call(&server, "GET", &format!("/reports/{report_id}"), &key, ""),
        200,
    );
    assert_shape("GET /reports/{id}", SPEC_REPORT, &report, &[]);
    let report = &report["report"];
    assert_eq!(report["request"], request.as_str());
    assert_eq!(report["media"], media_id.as_str());
    // The stored xray profile, not a copy of the example: it is this statement's.
    let xray = server
        .get(
            &format!("/v1/documents/{document}/analysis?profile=xray"),
            Some(&key),
        )
        .json();
    assert_eq!(report["raw"], xray, "raw is the stored xray profile");
    assert_eq!(
        report["raw"]["allTransactions"].as_array().unwrap().len(),
        80
    );
    assert_eq!(report["raw"]["summary"][0]["pageCount"], 2);
    let risk = report["raw"]["riskClass"].as_i64().unwrap();
    assert!((1..=5).contains(&risk), "riskClass {risk}");

    // The PDF download.
    let pdf_answer = ok(
        &call(
            &server,
            "GET",
            &format!("/reports/{report_id}/pdf"),
            &key,
            "",
        ),
        200,
    );
    assert_shape("GET /reports/{id}/pdf", SPEC_PDF, &pdf_answer, &[]);
    assert_eq!(pdf_answer["fileExtension"], "pdf");
    assert_eq!(pdf_answer["request"], request.as_str());
    assert_eq!(pdf_answer["report"], report_id.as_str());
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(pdf_answer["bankXrayPdfB64"].as_str().unwrap())
        .unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let native = server.get(&format!("/v1/documents/{document}/report.pdf"), Some(&key));
    assert_eq!(bytes, native.body, "the native PDF report, base64-encoded");

    // The request is a native case with the SIREN.
    let case = server
        .get(&format!("/v1/cases/{request}"), Some(&key))
        .json();
    assert_eq!(case["identifiers"]["siren"], "514673987");
    assert_eq!(case["kind"], "business");
}

#[test]
fn sopra_upload_targets_take_one_signed_unexpired_file() {
    let dir = temp_dir("sopra-upload");
    let server = Server::start(&dir);
    let (_, key) = server.key("sopra-uploads");
    let created = ok(
        &call(&server, "POST", "/requests", &key, SPEC_CREATE_REQUEST),
        201,
    );
    let request = created["request"]["id"].as_str().unwrap().to_owned();
    let describe = |kind: &str| {
        ok(
            &call(
                &server,
                "POST",
                "/media",
                &key,
                &json!({"type": kind, "request": request, "metadata": {}}).to_string(),
            ),
            201,
        )["media"]
            .clone()
    };
    let csv = std::fs::read(crate::sample(&dir, "csv", 40, "s.csv")).unwrap();

    // The S3-style form POST: the given fields, then the file.
    let media = describe("bank_statement");
    let post = &media["upload"]["post"];
    let fields = post["fields"].as_object().unwrap();
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), None, value.as_str().unwrap().as_bytes()))
        .collect();
    parts.insert(0, ("key", None, b"ignored-like-s3".as_slice()));
    parts.push(("file", Some("s.csv"), &csv));
    let (content_type, body) = multipart(&parts);
    let target = local(&server, post["url"].as_str().unwrap());
    let posted = server.request(
        "POST",
        &target,
        None,
        &[("Content-Type", &content_type)],
        &body,
    );
    assert_eq!(
        posted.status,
        204,
        "{}",
        String::from_utf8_lossy(&posted.body)
    );
    let online = ok(
        &call(
            &server,
            "POST",
            &format!("/media/{}", media["id"].as_str().unwrap()),
            &key,
            "{}",
        ),
        200,
    );
    assert!(
        online["media"]["document"]
            .as_str()
            .unwrap()
            .starts_with("doc_")
    );
    // Again: the same answer, nothing new queued.
    let again = ok(
        &call(
            &server,
            "POST",
            &format!("/media/{}", media["id"].as_str().unwrap()),
            &key,
            "{}",
        ),
        200,
    );
    assert_eq!(again["media"]["document"], online["media"]["document"]);

    // A signature binds tenant, media and expiry: changing any is 403, before the body counts.
    let media = describe("bank_statement");
    let url = local(&server, media["upload"]["url"].as_str().unwrap());
    let (path, query) = url.split_once('?').unwrap();
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|p| p.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_owned()
    };
    let (tenant, expires, signature) = (param("tenant"), param("expires"), param("signature"));
    let other = describe("bank_statement");
    let other_path = local(&server, other["upload"]["url"].as_str().unwrap());
    let other_path = other_path.split_once('?').unwrap().0;
    let past: i64 = expires.parse::<i64>().unwrap() - 3600;
    let mut flipped = signature.clone().into_bytes();
    flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
    let flipped = String::from_utf8(flipped).unwrap();
    for bad in [
        format!("{path}?tenant={tenant}&expires={past}&signature={signature}"),
        format!("{path}?tenant={tenant}&expires={expires}&signature={flipped}"),
        format!(
            "{path}?tenant=ten_00000000000000000000000000000000&expires={expires}&signature={signature}"
        ),
        format!("{other_path}?tenant={tenant}&expires={expires}&signature={signature}"),
        path.to_owned(),
    ] {
        let refused = server.request("PUT", &bad, None, &[], &csv);
        assert_eq!(refused.error_code(403), "upload_denied", "{bad}");
    }
    // A form POST that is no multipart form: 400.
    let not_form = server.request(
        "POST",
        &url,
        None,
        &[("Content-Type", "application/octet-stream")],
        &csv,
    );
    assert_eq!(not_form.error_code(400), "malformed_multipart");
    // Online before the bytes arrived: 409.
    let pending = call(
        &server,
        "POST",
        &format!("/media/{}", media["id"].as_str().unwrap()),
        &key,
        "{}",
    );
    assert_eq!(pending.error_code(409), "not_uploaded");
    // An empty file is refused, and the target still takes a real one afterwards.
    assert_eq!(
        server.request("PUT", &url, None, &[], b"").error_code(400),
        "empty_file"
    );
    assert_eq!(server.request("PUT", &url, None, &[], &csv).status, 204);

    // `other` media go online without an analysis.
    let other_kind = describe("other");
    let other_url = local(&server, other_kind["upload"]["url"].as_str().unwrap());
    assert_eq!(
        server
            .request("PUT", &other_url, None, &[], b"%PDF-1.4 not a statement")
            .status,
        204
    );
    let online = ok(
        &call(
            &server,
            "POST",
            &format!("/media/{}", other_kind["id"].as_str().unwrap()),
            &key,
            "{}",
        ),
        200,
    );
    assert_eq!(online["media"]["status"], "online");
    assert!(online["media"]["document"].is_null());
    let got = ok(
        &call(
            &server,
            "GET",
            &format!("/media/{}", other_kind["id"].as_str().unwrap()),
            &key,
            "",
        ),
        200,
    );
    assert_eq!(got["media"]["type"], "other");

    // Another tenant cannot see the media.
    let (_, stranger) = server.key("someone-else");
    let hidden = call(
        &server,
        "GET",
        &format!("/media/{}", other_kind["id"].as_str().unwrap()),
        &stranger,
        "",
    );
    assert_eq!(hidden.error_code(404), "not_found");
}

#[test]
fn sopra_refuses_bad_version_credentials_permissions_and_fields_with_their_statuses() {
    let dir = temp_dir("sopra-errors");
    let server = Server::start(&dir);
    let (_, key) = server.key("sopra-errors");
    let path = format!("{MOUNT}/requests");
    let body = SPEC_CREATE_REQUEST.as_bytes();

    // Version: required (401, as the product refuses calls missing its header structure);
    // an unknown one is a 400 naming the known ones.
    let missing = server.request("POST", &path, None, &[("sessionToken", &key)], body);
    assert_eq!(missing.error_code(401), "missing_version");
    let unknown = server.request(
        "POST",
        &path,
        None,
        &[("October-Version", "2019-01-01"), ("sessionToken", &key)],
        body,
    );
    assert_eq!(unknown.error_code(400), "unsupported_version");
    assert_eq!(unknown.json()["error"]["supported_versions"][1], VERSION);
    let older = server.request(
        "POST",
        &path,
        None,
        &[("October-Version", "2023-06-01"), ("sessionToken", &key)],
        body,
    );
    assert_eq!(older.status, 201);
    assert_eq!(older.header("october-version"), Some("2023-06-01"));

    // Credentials: none, or an unknown session token → 401; X-API-Key works as natively.
    let none = server.request("POST", &path, None, &[("October-Version", VERSION)], body);
    assert_eq!(none.error_code(401), "missing_credentials");
    let wrong = call(
        &server,
        "POST",
        "/requests",
        "llk_not_a_key",
        SPEC_CREATE_REQUEST,
    );
    assert_eq!(wrong.error_code(401), "invalid_credentials");
    let native = server.request(
        "POST",
        &path,
        Some(&key),
        &[("October-Version", VERSION)],
        body,
    );
    assert_eq!(native.status, 201);
    let request = native.json()["request"]["id"].as_str().unwrap().to_owned();

    // read_bank_xray_report: reports need it, and it alone is enough for them.
    let no_reports = server
        .key_with("sopra-errors", Some("documents:read,documents:write"))
        .1;
    let reports_path = format!("/reports?source=bank_xray&request={request}");
    let refused = call(&server, "GET", &reports_path, &no_reports, "");
    assert_eq!(refused.error_code(403), "insufficient_scope");
    assert_eq!(
        refused.json()["error"]["required_scope"],
        "read_bank_xray_report"
    );
    assert_eq!(
        call(
            &server,
            "GET",
            &format!("/reports/doc_{}/pdf", "0".repeat(32)),
            &no_reports,
            ""
        )
        .status,
        403
    );
    let reports_only = server
        .key_with("sopra-errors", Some("read_bank_xray_report"))
        .1;
    assert_eq!(
        ok(&call(&server, "GET", &reports_path, &reports_only, ""), 200)["reports"],
        json!([])
    );
    assert_eq!(
        call(
            &server,
            "POST",
            "/requests",
            &reports_only,
            SPEC_CREATE_REQUEST
        )
        .error_code(403),
        "insufficient_scope"
    );

    // Validation: 400 with the field named.
    let field_of = |response: &Response| response.json()["error"]["field"].clone();
    for (body, code, field) in [
        (
            r#"{"code": {"type": "siren", "id": "514673988"}}"#,
            "invalid_field",
            "code.id",
        ),
        (
            r#"{"code": {"type": "siren", "id": "51467398"}}"#,
            "invalid_field",
            "code.id",
        ),
        (r#"{"code": {"type": "siren"}}"#, "missing_field", "code.id"),
        (r#"{}"#, "missing_field", "code"),
        (r#"{"code": "514673987"}"#, "invalid_field", "code"),
        (
            r#"{"code": {"type": "siren", "id": "514673987"}, "creator": "not-an-email"}"#,
            "invalid_field",
            "creator",
        ),
        (
            r#"{"code": {"type": "siren", "id": "514673987"}, "owner": "x"}"#,
            "unknown_field",
            "owner",
        ),
        ("{not json", "malformed_json", "body"),
    ] {
        let refused = call(&server, "POST", "/requests", &key, body);
        assert_eq!(refused.error_code(400), code, "{body}");
        assert_eq!(field_of(&refused), field, "{body}");
    }
    // Other code types are kept as they are.
    let vat = ok(
        &call(
            &server,
            "POST",
            "/requests",
            &key,
            r#"{"code": {"type": "vat", "id": "FR40514673987"}}"#,
        ),
        201,
    );
    assert_eq!(
        vat["request"]["code"],
        json!({"type": "vat", "id": "FR40514673987"})
    );

    // "Add a creator to your request": the case's assignee.
    let assigned = ok(
        &call(
            &server,
            "POST",
            "/requests",
            &key,
            r#"{"code": {"type": "siren", "id": "514673987"}, "creator": "analyst@lender.example"}"#,
        ),
        201,
    );
    assert_eq!(assigned["request"]["creator"], "analyst@lender.example");
    let case = server
        .get(
            &format!("/v1/cases/{}", assigned["request"]["id"].as_str().unwrap()),
            Some(&key),
        )
        .json();
    assert_eq!(case["assignee"], "analyst@lender.example");

    // Media and reports.
    let bad_type = call(
        &server,
        "POST",
        "/media",
        &key,
        &json!({"type": "invoice", "request": request}).to_string(),
    );
    assert_eq!(bad_type.error_code(400), "invalid_field");
    let no_request = call(
        &server,
        "POST",
        "/media",
        &key,
        r#"{"type": "bank_statement"}"#,
    );
    assert_eq!(no_request.error_code(400), "missing_field");
    let unknown_request = call(
        &server,
        "POST",
        "/media",
        &key,
        &json!({"type": "bank_statement", "request": format!("case_{}", "0".repeat(32))})
            .to_string(),
    );
    assert_eq!(unknown_request.error_code(422), "unknown_request");
    assert_eq!(
        call(&server, "GET", "/reports?source=bank_xray", &key, "").error_code(400),
        "missing_parameter"
    );
    assert_eq!(
        call(
            &server,
            "GET",
            &format!("/reports?source=credit&request={request}"),
            &key,
            ""
        )
        .error_code(400),
        "invalid_parameter"
    );
    assert_eq!(
        call(
            &server,
            "GET",
            &format!("/reports/doc_{}", "0".repeat(32)),
            &key,
            ""
        )
        .error_code(404),
        "not_found"
    );
    assert_eq!(
        call(&server, "GET", "/requests/nope", &key, "").error_code(404),
        "not_found"
    );
    let bad_date = call(
        &server,
        "POST",
        &format!("/media/med_{}", "0".repeat(32)),
        &key,
        r#"{"date": "31/08/2021"}"#,
    );
    assert_eq!(bad_date.error_code(400), "invalid_field");
}

#[test]
fn sopra_new_report_webhook_subscription() {
    let dir = temp_dir("sopra-webhook-subscription");
    let server = Server::start_with(&dir, &["--allow-private-webhooks"]);
    let (_, key) = server.key("sopra-hooks");
    let receiver = crate::webhooks::Receiver::start(&[200]);
    let created = ok(
        &call(
            &server,
            "POST",
            "/webhooks",
            &key,
            &json!({"url": receiver.url()}).to_string(),
        ),
        201,
    );
    let hook = &created["webhook"];
    assert_eq!(hook["events"], json!(["new_report"]));
    assert!(hook["secret"].as_str().unwrap().starts_with("whsec_"));
    let listed = ok(&call(&server, "GET", "/webhooks", &key, ""), 200);
    assert_eq!(listed["webhooks"].as_array().unwrap().len(), 1);
    assert!(listed["webhooks"][0].get("secret").is_none());
    // The native listing shows it too, with its delivery log.
    let native = server.get("/v1/webhooks", Some(&key)).json();
    assert_eq!(native["data"][0]["events"], json!(["new_report"]));
    let bad = call(
        &server,
        "POST",
        "/webhooks",
        &key,
        &json!({"url": receiver.url(), "events": ["document.analyzed"]}).to_string(),
    );
    assert_eq!(bad.error_code(400), "invalid_field");
    let id = hook["id"].as_str().unwrap();
    assert_eq!(
        call(&server, "DELETE", &format!("/webhooks/{id}"), &key, "").status,
        204
    );
    assert_eq!(
        call(&server, "DELETE", &format!("/webhooks/{id}"), &key, "").error_code(404),
        "not_found"
    );
}

/// The `new_report` delivery needs the worker to call `webhooks::enqueue_vendor_copies` beside
/// each native event (the hook proposed in docs/compat/envoyx.md and docs/compat/sopra.md).
#[test]
fn sopra_new_report_webhook_is_delivered_with_the_spec_body() {
    let dir = temp_dir("sopra-webhook");
    let server = Server::start_with(&dir, &["--allow-private-webhooks"]);
    let (_, key) = server.key("sopra-hooks");
    let receiver = crate::webhooks::Receiver::start(&[200]);
    let created = ok(
        &call(
            &server,
            "POST",
            "/webhooks",
            &key,
            &json!({"url": receiver.url()}).to_string(),
        ),
        201,
    );
    let secret = created["webhook"]["secret"].as_str().unwrap().to_owned();
    let csv = std::fs::read(crate::sample(&dir, "csv", 40, "s.csv")).unwrap();
    let (request, media) = request_with_statement(&server, &key, &csv);
    let online = ok(
        &call(
            &server,
            "POST",
            &format!("/media/{}", media["id"].as_str().unwrap()),
            &key,
            "{}",
        ),
        200,
    );
    let received = receiver.next(Duration::from_secs(60));
    crate::webhooks::verify(&secret, &received);
    let body = received.json();
    assert_shape("new_report", SPEC_NEW_REPORT, &body, &[]);
    assert_eq!(body["event"], "new_report");
    assert_eq!(body["requestId"], request.as_str());
    assert_eq!(body["reportId"], online["media"]["document"]);
}
