//! The records around documents over real HTTP (issue 7, items 2, 4 and 5): cases,
//! preferences, corrections that become tenant rules, duplicates, credentials with
//! permissions, `Idempotency-Key`, the audit log — and a tenant-isolation sweep over every
//! route the OpenAPI document lists.

use serde_json::{Value, json};

use crate::serve::{Response, Server, multipart, upload_file};
use crate::{sample, temp_dir};

fn post_json(server: &Server, path: &str, key: &str, body: &Value) -> Response {
    server.request(
        "POST",
        path,
        Some(key),
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

fn send_json(server: &Server, method: &str, path: &str, key: &str, body: &Value) -> Response {
    server.request(
        method,
        path,
        Some(key),
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

/// A key with only these scopes, through the API with a full key.
fn scoped_key(server: &Server, admin_key: &str, scopes: &[&str]) -> String {
    let created = post_json(
        server,
        "/v1/credentials",
        admin_key,
        &json!({"kind": "api_key", "permissions": scopes, "label": "test"}),
    );
    assert_eq!(
        created.status,
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    created.json()["key"].as_str().unwrap().to_owned()
}

#[test]
fn cases_file_documents_and_deleting_a_case_removes_its_documents_and_files() {
    let dir = temp_dir("records-cases");
    let server = Server::start(&dir);
    let (tenant, key) = server.key("acme");
    let case = post_json(
        &server,
        "/v1/cases",
        &key,
        &json!({"kind": "business", "name": "Boulangerie Dupont", "country": "fr",
                "identifiers": {"siren": "552100554", "custom:crm": "C-42"},
                "sector": "10.71", "revenue_band": "1-5M"}),
    );
    assert_eq!(case.status, 201, "{}", String::from_utf8_lossy(&case.body));
    let case = case.json();
    assert_eq!(case["number"], 1);
    assert_eq!(case["country"], "FR");
    let case_id = case["id"].as_str().unwrap().to_owned();

    // Shape checks name the field.
    let bad = post_json(
        &server,
        "/v1/cases",
        &key,
        &json!({"kind": "business", "identifiers": {"siren": "552100555"}}),
    );
    assert_eq!(bad.error_code(400), "invalid_field");
    assert_eq!(bad.json()["error"]["field"], "identifiers.siren");
    assert_eq!(
        post_json(&server, "/v1/cases", &key, &json!({"name": "x"})).error_code(400),
        "missing_field"
    );

    // An upload filed under the case takes the case's sector and name.
    let statement = sample(&dir, "csv", 30, "s.csv");
    let bytes = std::fs::read(&statement).unwrap();
    let upload = server.upload(
        &key,
        &[
            ("file", Some("s.csv"), &bytes),
            ("case_id", None, case_id.as_bytes()),
            ("metadata", None, br#"{"period":"2024-01"}"#),
        ],
    );
    assert_eq!(
        upload.status,
        202,
        "{}",
        String::from_utf8_lossy(&upload.body)
    );
    let document = upload.json();
    assert_eq!(document["case_id"], case_id.as_str());
    assert_eq!(document["metadata"]["period"], "2024-01");
    assert_eq!(document["options"]["sector"], "10.71");
    assert_eq!(
        document["options"]["account_holder_name"],
        "Boulangerie Dupont"
    );
    let unknown_case = server.upload(
        &key,
        &[
            ("file", Some("s.csv"), &bytes),
            ("case_id", None, b"case_00000000000000000000000000000000"),
        ],
    );
    assert_eq!(unknown_case.error_code(422), "unknown_case");
    let id = document["id"].as_str().unwrap().to_owned();
    server.wait_done(&key, &id);
    let listed = server
        .get(&format!("/v1/cases/{case_id}/documents"), Some(&key))
        .json();
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);

    let patched = send_json(
        &server,
        "PATCH",
        &format!("/v1/cases/{case_id}"),
        &key,
        &json!({"assignee": "analyst@lender.example", "sector": null}),
    );
    assert_eq!(
        patched.status,
        200,
        "{}",
        String::from_utf8_lossy(&patched.body)
    );
    assert_eq!(patched.json()["assignee"], "analyst@lender.example");
    assert_eq!(patched.json()["sector"], Value::Null);
    assert_eq!(patched.json()["name"], "Boulangerie Dupont");

    let blob = server
        .data_dir()
        .join("blobs")
        .join(&tenant)
        .join(document["sha256"].as_str().unwrap());
    assert!(blob.is_file());
    let deleted = server.request(
        "DELETE",
        &format!("/v1/cases/{case_id}"),
        Some(&key),
        &[],
        b"",
    );
    assert_eq!(deleted.status, 204);
    assert_eq!(
        server
            .get(&format!("/v1/documents/{id}"), Some(&key))
            .status,
        404
    );
    assert!(!blob.exists(), "the original is gone with its case");
    assert_eq!(
        server
            .get(&format!("/v1/cases/{case_id}"), Some(&key))
            .status,
        404
    );
}

#[test]
fn preferences_fill_what_an_upload_leaves_out() {
    let dir = temp_dir("records-preferences");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    assert_eq!(
        server.get("/v1/preferences", Some(&key)).json()["sector"],
        Value::Null
    );
    let put = send_json(
        &server,
        "PUT",
        "/v1/preferences",
        &key,
        &json!({"business_type": "retail", "sector": "47.11", "country": "ng"}),
    );
    assert_eq!(put.status, 200, "{}", String::from_utf8_lossy(&put.body));
    assert_eq!(put.json()["country"], "NG");
    let bad = send_json(
        &server,
        "PUT",
        "/v1/preferences",
        &key,
        &json!({"colour": "red"}),
    );
    assert_eq!(bad.error_code(400), "unknown_field");
    let statement = sample(&dir, "csv", 20, "s.csv");
    let bytes = std::fs::read(&statement).unwrap();
    let upload = server.upload(
        &key,
        &[("file", Some("s.csv"), &bytes), ("sector", None, b"56.10")],
    );
    assert_eq!(upload.status, 202);
    let options = &upload.json()["options"];
    assert_eq!(options["sector"], "56.10", "the upload's own value wins");
    assert_eq!(options["business_type"], "retail");
    assert_eq!(options["country"], "NG");
    // Another tenant's preferences are its own.
    let (_, other) = server.key("other");
    assert_eq!(
        server.get("/v1/preferences", Some(&other)).json()["sector"],
        Value::Null
    );
}

#[test]
fn a_correction_becomes_a_tenant_rule_and_the_analysis_follows() {
    let dir = temp_dir("records-recategorise");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let statement = sample(&dir, "csv", 60, "s.csv");
    let id = upload_file(&server, &key, &statement);
    server.wait_done(&key, &id);
    let transactions = server
        .get(
            &format!("/v1/documents/{id}/transactions?limit=500"),
            Some(&key),
        )
        .json();
    let rows = transactions["data"].as_array().unwrap();
    let target = rows
        .iter()
        .find(|tx| {
            tx["counterparty"]["key"].is_string()
                && tx["direction"] == "debit"
                && tx["category"]["detailed"] != "FOOD_AND_DRINK_GROCERIES"
        })
        .expect("a debit with a counterparty");
    let counterparty = target["counterparty"]["key"].as_str().unwrap().to_owned();
    let same: Vec<&Value> = rows
        .iter()
        .filter(|tx| {
            tx["counterparty"]["key"] == counterparty.as_str() && tx["direction"] == "debit"
        })
        .collect();
    let index = target["index"].as_u64().unwrap();

    let refused = post_json(
        &server,
        &format!("/v1/documents/{id}/transactions/{index}/category"),
        &key,
        &json!({"category": "NOT_A_CATEGORY"}),
    );
    assert_eq!(refused.error_code(422), "unknown_category");
    let corrected = post_json(
        &server,
        &format!("/v1/documents/{id}/transactions/{index}/category"),
        &key,
        &json!({"category": "FOOD_AND_DRINK_GROCERIES"}),
    );
    assert_eq!(
        corrected.status,
        202,
        "{}",
        String::from_utf8_lossy(&corrected.body)
    );
    let answer = corrected.json();
    assert_eq!(
        answer["rule"]["rule"]["counterparty"],
        counterparty.as_str()
    );
    // Queued again (a worker may already have taken it).
    let status = answer["document"]["status"].as_str().unwrap();
    assert!(status == "PENDING" || status == "PROCESSING", "{answer}");
    let doc = server.wait_done(&key, &id);
    assert_eq!(doc["status"], "ANALYZED", "{doc}");
    let after = server
        .get(
            &format!("/v1/documents/{id}/transactions?limit=500"),
            Some(&key),
        )
        .json();
    let after_rows = after["data"].as_array().unwrap();
    for tx in &same {
        let i = usize::try_from(tx["index"].as_u64().unwrap()).unwrap();
        assert_eq!(
            after_rows[i]["category"]["detailed"], "FOOD_AND_DRINK_GROCERIES",
            "every debit of {counterparty} follows the correction"
        );
    }
    let rules = server.get("/v1/rules", Some(&key)).json();
    assert_eq!(rules["data"].as_array().unwrap().len(), 1);
    // The rule is the tenant's: another tenant's analysis of the same file is unchanged.
    let (_, other) = server.key("other");
    let theirs = upload_file(&server, &other, &statement);
    server.wait_done(&other, &theirs);
    let their_rows = server
        .get(
            &format!("/v1/documents/{theirs}/transactions?limit=500"),
            Some(&other),
        )
        .json();
    let i = usize::try_from(index).unwrap();
    assert_eq!(
        their_rows["data"][i]["category"]["detailed"],
        target["category"]["detailed"]
    );
    let rule_id = rules["data"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        server
            .request(
                "DELETE",
                &format!("/v1/rules/{rule_id}"),
                Some(&other),
                &[],
                b""
            )
            .status,
        404
    );
    assert_eq!(
        server
            .request(
                "DELETE",
                &format!("/v1/rules/{rule_id}"),
                Some(&key),
                &[],
                b""
            )
            .status,
        204
    );
}

#[test]
fn a_resubmitted_statement_is_marked_as_a_duplicate_of_the_first() {
    let dir = temp_dir("records-duplicates");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let csv = sample(&dir, "csv", 80, "s.csv");
    let first = upload_file(&server, &key, &csv);
    server.wait_done(&key, &first);
    // The same file again: known at upload.
    let again = server.upload(
        &key,
        &[("file", Some("s.csv"), &std::fs::read(&csv).unwrap())],
    );
    assert_eq!(again.json()["duplicate_of"], first.as_str());
    // The same ledger in another format: found by the duplicate check (step 11).
    let ofx = sample(&dir, "ofx2", 80, "s.ofx");
    let other_format = upload_file(&server, &key, &ofx);
    let doc = server.wait_done(&key, &other_format);
    assert_eq!(doc["duplicate_of"], first.as_str(), "{doc}");
    // A different statement is not a duplicate (a shorter one from the same seed would be: it
    // is the first statement's first weeks).
    let different = dir.join("t.csv");
    let out = crate::ledgerlens([
        "sample",
        "--format",
        "csv",
        "--transactions",
        "80",
        "--seed",
        "7",
        "-o",
        different.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let third = upload_file(&server, &key, &different);
    let doc = server.wait_done(&key, &third);
    assert_eq!(doc["duplicate_of"], Value::Null, "{doc}");
}

#[test]
fn permissions_limit_what_a_credential_may_do_and_grant() {
    let dir = temp_dir("records-permissions");
    let server = Server::start(&dir);
    let (_, admin) = server.key("acme");
    let reader = scoped_key(&server, &admin, &["documents:read"]);
    assert_eq!(server.get("/v1/documents", Some(&reader)).status, 200);
    let statement = sample(&dir, "csv", 20, "s.csv");
    let bytes = std::fs::read(&statement).unwrap();
    let refused = server.upload(&reader, &[("file", Some("s.csv"), &bytes)]);
    assert_eq!(refused.error_code(403), "insufficient_scope");
    assert_eq!(refused.json()["error"]["required_scope"], "documents:write");
    assert_eq!(
        server.get("/v1/webhooks", Some(&reader)).error_code(403),
        "insufficient_scope"
    );
    assert_eq!(
        server.get("/v1/credentials", Some(&reader)).error_code(403),
        "insufficient_scope"
    );
    // A credential manager cannot mint a key stronger than itself.
    let manager = scoped_key(&server, &admin, &["credentials:manage", "documents:read"]);
    let escalation = post_json(
        &server,
        "/v1/credentials",
        &manager,
        &json!({"kind": "api_key", "permissions": ["documents:write"]}),
    );
    assert_eq!(escalation.error_code(403), "insufficient_scope");
    let star = post_json(
        &server,
        "/v1/credentials",
        &manager,
        &json!({"kind": "api_key", "permissions": ["*"]}),
    );
    assert_eq!(star.error_code(403), "insufficient_scope");
    // Listing shows no secrets; revoking takes effect at once; the audit log tells.
    let listed = server.get("/v1/credentials", Some(&admin)).json();
    let text = listed.to_string();
    assert!(!text.contains(&reader) && !text.contains("llk_"), "{text}");
    let reader_id = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["permissions"] == json!(["documents:read"]))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked = server.request(
        "DELETE",
        &format!("/v1/credentials/{reader_id}"),
        Some(&admin),
        &[],
        b"",
    );
    assert_eq!(revoked.status, 204);
    assert_eq!(
        server.get("/v1/documents", Some(&reader)).error_code(401),
        "invalid_credentials"
    );
    let audit = server.get("/v1/audit", Some(&admin)).json();
    let actions: Vec<&str> = audit["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"key.create") && actions.contains(&"credential.revoke"),
        "{actions:?}"
    );
    // OAuth clients carry their permissions into their tokens.
    let client = post_json(
        &server,
        "/v1/credentials",
        &admin,
        &json!({"kind": "oauth_client", "permissions": ["documents:read"]}),
    )
    .json();
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        client["client_id"].as_str().unwrap(),
        client["client_secret"].as_str().unwrap()
    );
    let token = server
        .request(
            "POST",
            "/oauth/token",
            None,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            form.as_bytes(),
        )
        .json();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let with_token = |method: &str, path: &str| {
        server.request(method, path, None, &[("Authorization", &bearer)], b"")
    };
    assert_eq!(with_token("GET", "/v1/documents").status, 200);
    assert_eq!(
        with_token("POST", "/v1/cases").error_code(403),
        "insufficient_scope"
    );
}

#[test]
fn an_idempotency_key_replays_the_first_answer_and_refuses_another_request() {
    let dir = temp_dir("records-idempotency");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let body = json!({"kind": "person", "name": "Ada"});
    let create = |body: &Value, idempotency: &str| {
        server.request(
            "POST",
            "/v1/cases",
            Some(&key),
            &[
                ("Content-Type", "application/json"),
                ("Idempotency-Key", idempotency),
            ],
            body.to_string().as_bytes(),
        )
    };
    let first = create(&body, "case-ada-1");
    assert_eq!(first.status, 201);
    let second = create(&body, "case-ada-1");
    assert_eq!(second.status, 201);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(second.json()["id"], first.json()["id"]);
    assert_eq!(
        server.get("/v1/cases", Some(&key)).json()["data"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "created once"
    );
    assert_eq!(
        create(&json!({"kind": "person", "name": "Bob"}), "case-ada-1").error_code(422),
        "idempotency_key_reused"
    );
    // A retried upload whose client picked a new multipart boundary is the same request.
    let statement = sample(&dir, "csv", 20, "s.csv");
    let bytes = std::fs::read(&statement).unwrap();
    let (content_type, body) = multipart(&[("file", Some("s.csv"), &bytes)]);
    let first = server.request(
        "POST",
        "/v1/documents",
        Some(&key),
        &[
            ("Content-Type", &content_type),
            ("Idempotency-Key", "upload-1"),
        ],
        &body,
    );
    assert_eq!(first.status, 202);
    let boundary = content_type.split("boundary=").nth(1).unwrap().to_owned();
    let other_boundary = format!("{boundary}Z9");
    let body2 = String::from_utf8_lossy(&body).replace(&boundary, &other_boundary);
    let second = server.request(
        "POST",
        "/v1/documents",
        Some(&key),
        &[
            (
                "Content-Type",
                &content_type.replace(&boundary, &other_boundary),
            ),
            ("Idempotency-Key", "upload-1"),
        ],
        body2.as_bytes(),
    );
    assert_eq!(
        second.status,
        202,
        "{}",
        String::from_utf8_lossy(&second.body)
    );
    assert_eq!(second.json()["id"], first.json()["id"]);
    let listed = server.get("/v1/documents", Some(&key)).json();
    assert_eq!(listed["data"].as_array().unwrap().len(), 1, "uploaded once");
    // Keys are per tenant.
    let (_, other) = server.key("other");
    let theirs = server.request(
        "POST",
        "/v1/cases",
        Some(&other),
        &[
            ("Content-Type", "application/json"),
            ("Idempotency-Key", "case-ada-1"),
        ],
        json!({"kind": "person", "name": "Ada"})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(theirs.status, 201);
    assert_eq!(theirs.header("idempotent-replayed"), None);
}

/// Every route with an id in its path, called by another tenant with the first tenant's ids:
/// 404, whatever the method. The routes come from `/openapi.json`, so a new route is swept
/// without anyone adding it here.
#[test]
fn another_tenant_gets_404_on_every_route_that_takes_an_id() {
    let dir = temp_dir("records-isolation");
    let server = Server::start_with(&dir, &["--allow-private-webhooks"]);
    let (_, key) = server.key("acme");
    let (_, intruder) = server.key("intruder");
    let statement = sample(&dir, "csv", 40, "s.csv");
    let document = upload_file(&server, &key, &statement);
    server.wait_done(&key, &document);
    let case = post_json(&server, "/v1/cases", &key, &json!({"kind": "person"})).json();
    let hook = post_json(
        &server,
        "/v1/webhooks",
        &key,
        &json!({"url": "http://127.0.0.1:9/hook", "events": ["*"]}),
    )
    .json();
    let rule = post_json(
        &server,
        "/v1/rules",
        &key,
        &json!({"category": "FOOD_AND_DRINK_GROCERIES", "phrase": "bakery"}),
    )
    .json();
    let credential = post_json(
        &server,
        "/v1/credentials",
        &key,
        &json!({"kind": "api_key"}),
    )
    .json();
    // A delivery of the subscription (the analysis of a second upload queues one).
    let second = upload_file(&server, &key, &sample(&dir, "csv", 25, "t.csv"));
    server.wait_done(&key, &second);
    let deliveries = server
        .get(
            &format!("/v1/webhooks/{}/deliveries", hook["id"].as_str().unwrap()),
            Some(&key),
        )
        .json();
    let delivery = deliveries["data"][0]["id"]
        .as_str()
        .unwrap_or("msg_missing")
        .to_owned();

    let openapi = server.get("/openapi.json", None).json();
    let paths = openapi["paths"].as_object().unwrap();
    let mut swept = 0;
    for (template, operations) in paths {
        if !template.starts_with("/v1/") || !template.contains('{') {
            continue;
        }
        let id = if template.starts_with("/v1/documents/") {
            document.as_str()
        } else if template.starts_with("/v1/cases/") {
            case["id"].as_str().unwrap()
        } else if template.starts_with("/v1/webhooks/") {
            hook["id"].as_str().unwrap()
        } else if template.starts_with("/v1/rules/") {
            rule["id"].as_str().unwrap()
        } else if template.starts_with("/v1/credentials/") {
            credential["id"].as_str().unwrap()
        } else {
            panic!("the sweep does not know the ids of {template}: teach it");
        };
        let path = template
            .replace("{id}", id)
            .replace("{delivery}", &delivery)
            .replace("{index}", "0");
        for method in operations.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
                continue;
            }
            let body = match template.as_str() {
                t if t.ends_with("/category") => json!({"category": "FOOD_AND_DRINK_GROCERIES"}),
                t if t.ends_with("/scores") => json!({"scorecard": "periculum_default"}),
                _ => json!({}),
            };
            let answer = send_json(&server, &method, &path, &intruder, &body);
            assert_eq!(
                answer.status,
                404,
                "{method} {path} as another tenant: {}",
                String::from_utf8_lossy(&answer.body)
            );
            swept += 1;
        }
    }
    assert!(swept >= 15, "only {swept} operations swept");
    // And the owner still has everything.
    assert_eq!(
        server
            .get(&format!("/v1/documents/{document}"), Some(&key))
            .status,
        200
    );
    assert_eq!(
        server
            .get(
                &format!("/v1/cases/{}", case["id"].as_str().unwrap()),
                Some(&key)
            )
            .status,
        200
    );
}

#[test]
fn a_config_file_sets_a_rate_limit_and_bursts_beyond_it_get_429() {
    let dir = temp_dir("records-config");
    let config = dir.join("ledgerlens.toml");
    std::fs::write(&config, "rate_limit_per_second = 2\nlease_seconds = 30\n").unwrap();
    let server = Server::start_with(&dir, &["--config", config.to_str().unwrap()]);
    let (_, key) = server.key("acme");
    let statuses: Vec<u16> = (0..8)
        .map(|_| server.get("/v1/documents", Some(&key)).status)
        .collect();
    // The bucket holds two seconds' worth (4 requests): the rest of a quick burst is refused.
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        4,
        "{statuses:?}"
    );
    let refused = server.get("/v1/documents", Some(&key));
    assert_eq!(refused.error_code(429), "rate_limited");
    assert!(
        refused.json()["error"]["retry_after_seconds"]
            .as_f64()
            .unwrap()
            >= 1.0
    );
    // Unknown keys in the file stop the server at start, with the key named.
    std::fs::write(&config, "rate_limit = 2\n").unwrap();
    let out = crate::ledgerlens([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        dir.join("other").to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("rate_limit"));
}

#[test]
fn originals_encrypted_at_rest_are_unreadable_on_disk_and_analysed_all_the_same() {
    let dir = temp_dir("records-encrypted");
    let key_file = dir.join("blob.key");
    std::fs::write(&key_file, "11".repeat(32)).unwrap();
    let server = Server::start_with(&dir, &["--blob-key-file", key_file.to_str().unwrap()]);
    let (tenant, key) = server.key("acme");
    let statement = sample(&dir, "csv", 30, "s.csv");
    let plain = std::fs::read(&statement).unwrap();
    let id = upload_file(&server, &key, &statement);
    let doc = server.wait_done(&key, &id);
    assert_eq!(doc["status"], "ANALYZED", "{doc}");
    let stored = std::fs::read(
        server
            .data_dir()
            .join("blobs")
            .join(&tenant)
            .join(doc["sha256"].as_str().unwrap()),
    )
    .unwrap();
    assert_ne!(stored, plain);
    let first_line = plain.split(|b| *b == b'\n').next().unwrap();
    assert!(
        !stored.windows(first_line.len()).any(|w| w == first_line),
        "the header line of the CSV is not on disk in clear"
    );
    // The same file's digest names it: the address is the plaintext's SHA-256.
    assert_eq!(doc["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn score_and_affordability_runs_are_kept_as_the_documents_history() {
    let dir = temp_dir("records-runs");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let statement = sample(&dir, "csv", 120, "s.csv");
    let id = upload_file(&server, &key, &statement);
    server.wait_done(&key, &id);
    let score = post_json(
        &server,
        &format!("/v1/documents/{id}/scores"),
        &key,
        &json!({"scorecard": "xray"}),
    );
    assert_eq!(
        score.status,
        200,
        "{}",
        String::from_utf8_lossy(&score.body)
    );
    let run_id = score.header("x-run-id").unwrap().to_owned();
    assert!(run_id.starts_with("run_"));
    let affordability = post_json(
        &server,
        &format!("/v1/documents/{id}/affordability"),
        &key,
        &json!({"dti": "0.3", "tenure": 6}),
    );
    assert_eq!(
        affordability.status,
        200,
        "{}",
        String::from_utf8_lossy(&affordability.body)
    );
    post_json(
        &server,
        &format!("/v1/documents/{id}/scores"),
        &key,
        &json!({"scorecard": "envoyx"}),
    );
    let all = server
        .get(&format!("/v1/documents/{id}/runs"), Some(&key))
        .json();
    let runs = all["data"].as_array().unwrap();
    assert_eq!(runs.len(), 3, "{all}");
    let scores: Vec<&Value> = runs.iter().filter(|r| r["kind"] == "score").collect();
    assert_eq!(scores.len(), 2);
    assert_eq!(scores[0]["id"], run_id.as_str());
    assert_eq!(
        (scores[0]["number"].as_i64(), scores[1]["number"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(scores[0]["request"]["scorecard"], "xray");
    assert_eq!(
        scores[0]["result"],
        score.json(),
        "the kept result is the answer"
    );
    let only = server
        .get(
            &format!("/v1/documents/{id}/runs?kind=affordability"),
            Some(&key),
        )
        .json();
    assert_eq!(only["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        server
            .get(&format!("/v1/documents/{id}/runs?kind=other"), Some(&key))
            .error_code(400),
        "invalid_parameter"
    );
    // Runs go with their document.
    server.request(
        "DELETE",
        &format!("/v1/documents/{id}"),
        Some(&key),
        &[],
        b"",
    );
    assert_eq!(
        server
            .get(&format!("/v1/documents/{id}/runs"), Some(&key))
            .status,
        404
    );
}

#[test]
fn the_document_list_filters_by_status_and_case_in_the_database() {
    let dir = temp_dir("records-list-filters");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let case = post_json(&server, "/v1/cases", &key, &json!({"kind": "person"})).json();
    let case_id = case["id"].as_str().unwrap().to_owned();
    let good = std::fs::read(sample(&dir, "csv", 20, "good.csv")).unwrap();
    let filed = server.upload(
        &key,
        &[
            ("file", Some("good.csv"), &good),
            ("case_id", None, case_id.as_bytes()),
        ],
    );
    let filed = filed.json()["id"].as_str().unwrap().to_owned();
    let broken = server.upload(
        &key,
        &[(
            "file",
            Some("broken.csv"),
            b"date,description,amount\n2024-01-01,coffee,not-a-number\n",
        )],
    );
    let broken = broken.json()["id"].as_str().unwrap().to_owned();
    server.wait_done(&key, &filed);
    server.wait_done(&key, &broken);
    let ids = |query: &str| -> Vec<String> {
        server
            .get(&format!("/v1/documents?{query}"), Some(&key))
            .json()["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids("status=FAILED"), vec![broken.clone()]);
    assert_eq!(ids("status=analyzed,flagged"), vec![filed.clone()]);
    assert_eq!(ids(&format!("case_id={case_id}")), vec![filed.clone()]);
    assert!(ids("case_id=case_00000000000000000000000000000000").is_empty());
    assert_eq!(ids("").len(), 2);
    assert_eq!(
        server
            .get("/v1/documents?status=DONE", Some(&key))
            .error_code(400),
        "invalid_parameter"
    );
}
