//! OAuth2 client credentials over real HTTP: `POST /oauth/token` (spec 004's request and answer)
//! and the bearer tokens it issues, against `ledgerlens serve` processes started per test.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::serve::{Response, Server, multipart};
use crate::{sample, temp_dir};

/// `POST /oauth/token` with a JSON body.
fn token_json(server: &Server, body: &Value) -> Response {
    server.request(
        "POST",
        "/oauth/token",
        None,
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

/// A token for a client, through the JSON form of spec 004.
fn token(server: &Server, client_id: &str, secret: &str) -> String {
    let answer = token_json(
        server,
        &json!({
            "client_id": client_id,
            "client_secret": secret,
            "audience": "https://api.insights-periculum.com",
            "grant_type": "client_credentials",
        }),
    );
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.json()["access_token"].as_str().unwrap().to_owned()
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn get(server: &Server, path: &str, token: &str) -> Response {
    server.request("GET", path, None, &[("Authorization", &bearer(token))], b"")
}

fn upload(server: &Server, token: &str, path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let (content_type, body) = multipart(&[("file", Some("statement.csv"), &bytes)]);
    let answer = server.request(
        "POST",
        "/v1/documents",
        None,
        &[
            ("Authorization", &bearer(token)),
            ("Content-Type", &content_type),
        ],
        &body,
    );
    assert_eq!(
        answer.status,
        202,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.json()["id"].as_str().unwrap().to_owned()
}

fn wait_done(server: &Server, token: &str, id: &str) -> Value {
    let started = Instant::now();
    loop {
        let doc = get(server, &format!("/v1/documents/{id}"), token).json();
        let status = doc["status"].as_str().unwrap().to_owned();
        if status != "PENDING" && status != "PROCESSING" {
            return doc;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "stuck");
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn a_token_authenticates_an_upload_and_the_analysis_fetch_and_survives_a_restart() {
    let dir = temp_dir("oauth-flow");
    let server = Server::start(&dir);
    let (client_id, secret) = server.client("acme");
    // Spec 004's request, answered in its shape.
    let answer = token_json(
        &server,
        &json!({
            "client_id": client_id,
            "client_secret": secret,
            "audience": "https://api.insights-periculum.com",
            "grant_type": "client_credentials",
        }),
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    let body = answer.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let access_token = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(access_token.split('.').count(), 3);
    // The form-encoded request works alike.
    let form = server.request(
        "POST",
        "/oauth/token",
        None,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        format!("grant_type=client_credentials&client_id={client_id}&client_secret={secret}")
            .as_bytes(),
    );
    assert_eq!(form.status, 200, "{}", String::from_utf8_lossy(&form.body));
    assert_eq!(form.json()["token_type"], "Bearer");

    let statement = sample(&dir, "csv", 30, "a.csv");
    let id = upload(&server, &access_token, &statement);
    let doc = wait_done(&server, &access_token, &id);
    assert_eq!(doc["status"], "ANALYZED", "{doc}");
    let analysis = get(
        &server,
        &format!("/v1/documents/{id}/analysis?profile=native"),
        &access_token,
    );
    assert_eq!(analysis.status, 200);
    assert!(analysis.json().is_object());

    // The signing key is a private file of the data directory, so a restart keeps tokens valid.
    let key_file = server.data_dir().join("oauth_token.key");
    assert_eq!(std::fs::read(&key_file).unwrap().len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let server = server.restart(&dir);
    assert_eq!(
        get(&server, &format!("/v1/documents/{id}"), &access_token).status,
        200
    );
}

#[test]
fn bad_token_requests_are_refused_with_their_codes() {
    let dir = temp_dir("oauth-errors");
    let server = Server::start(&dir);
    let (client_id, secret) = server.client("acme");
    let request = |client: &str, secret: &str, grant: &str| json!({"client_id": client, "client_secret": secret, "grant_type": grant});
    let wrong = token_json(
        &server,
        &request(&client_id, "lls_wrong", "client_credentials"),
    );
    assert_eq!(wrong.error_code(401), "invalid_client");
    let unknown = token_json(
        &server,
        &request("cli_unknown", &secret, "client_credentials"),
    );
    assert_eq!(unknown.error_code(401), "invalid_client");
    let grant = token_json(&server, &request(&client_id, &secret, "password"));
    assert_eq!(grant.error_code(400), "unsupported_grant_type");
    let missing = token_json(
        &server,
        &json!({"client_id": client_id, "grant_type": "client_credentials"}),
    );
    assert_eq!(missing.error_code(400), "invalid_request");
    assert_eq!(missing.json()["error"]["field"], "client_secret");
    let malformed = server.request(
        "POST",
        "/oauth/token",
        None,
        &[("Content-Type", "application/json")],
        b"{not json",
    );
    assert_eq!(malformed.error_code(400), "malformed_json");
    let media = server.request(
        "POST",
        "/oauth/token",
        None,
        &[("Content-Type", "text/plain")],
        b"hello",
    );
    assert_eq!(media.error_code(415), "unsupported_media_type");

    // Tampered tokens: a changed payload, a changed signature, junk.
    let good = token(&server, &client_id, &secret);
    assert_eq!(get(&server, "/v1/documents", &good).status, 200);
    let parts: Vec<&str> = good.split('.').collect();
    let mut payload = parts[1].to_owned();
    let last = payload.pop().unwrap();
    payload.push(if last == 'A' { 'B' } else { 'A' });
    let mut signature = parts[2].to_owned();
    let first = signature.remove(0);
    signature.insert(0, if first == 'A' { 'B' } else { 'A' });
    for tampered in [
        format!("{}.{payload}.{}", parts[0], parts[2]),
        format!("{}.{}.{signature}", parts[0], parts[1]),
        "a.b.c".to_owned(),
    ] {
        let answer = get(&server, "/v1/documents", &tampered);
        assert_eq!(answer.error_code(401), "invalid_token", "{tampered}");
    }
}

#[test]
fn an_expired_token_is_401_token_expired() {
    let dir = temp_dir("oauth-expiry");
    let server = Server::start_with(&dir, &["--token-ttl-seconds", "1"]);
    let (client_id, secret) = server.client("acme");
    let answer = token_json(
        &server,
        &json!({"client_id": client_id, "client_secret": secret, "grant_type": "client_credentials"}),
    );
    assert_eq!(answer.json()["expires_in"], 1);
    let access_token = answer.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(get(&server, "/v1/documents", &access_token).status, 200);
    std::thread::sleep(Duration::from_secs(2));
    let expired = get(&server, "/v1/documents", &access_token);
    assert_eq!(expired.error_code(401), "token_expired");
    // A new token works again.
    let fresh = token(&server, &client_id, &secret);
    assert_eq!(get(&server, "/v1/documents", &fresh).status, 200);
}

#[test]
fn another_tenants_token_gets_404_for_every_operation_on_a_document() {
    let dir = temp_dir("oauth-tenants");
    let server = Server::start(&dir);
    let (a_id, a_secret) = server.client("tenant-a");
    let (b_id, b_secret) = server.client("tenant-b");
    let token_a = token(&server, &a_id, &a_secret);
    let token_b = token(&server, &b_id, &b_secret);
    let statement = sample(&dir, "csv", 30, "a.csv");
    let id = upload(&server, &token_a, &statement);
    wait_done(&server, &token_a, &id);
    let paths = [
        format!("/v1/documents/{id}"),
        format!("/v1/documents/{id}/analysis?profile=native"),
    ];
    for path in &paths {
        assert_eq!(get(&server, path, &token_b).error_code(404), "not_found");
    }
    let delete = server.request(
        "DELETE",
        &format!("/v1/documents/{id}"),
        None,
        &[("Authorization", &bearer(&token_b))],
        b"",
    );
    assert_eq!(delete.error_code(404), "not_found");
    let listed = get(&server, "/v1/documents", &token_b).json();
    assert_eq!(listed["data"], Value::Array(vec![]));
    // The owner's API key and token both still see it.
    let (_, key_a) = server.key("tenant-a");
    for path in &paths {
        assert_eq!(get(&server, path, &token_a).status, 200, "{path}");
        assert_eq!(server.get(path, Some(&key_a)).status, 200, "{path}");
    }
}
