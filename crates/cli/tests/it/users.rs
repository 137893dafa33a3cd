//! People of a tenant signing in with an e-mail and a password, over real HTTP against
//! `ledgerlens serve` processes: users made by `ledgerlens admin create-user` and by the API,
//! sessions that carry the user's permissions and end at sign-out, on a password change and on
//! revocation, the lock after repeated wrong passwords, and no leak between tenants.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::serve::{Response, Server};
use crate::{sample, temp_dir};

/// `admin create-user` with the password on stdin; returns the user id.
fn create_user(server: &Server, tenant: &str, email: &str, password: &str, scopes: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ledgerlens"))
        .args(["admin", "create-user", "--tenant", tenant, "--email", email])
        .args(["--permissions", scopes, "--password-stdin"])
        .args(server.store_flags())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains(password),
        "a password given on stdin is not printed"
    );
    text.lines()
        .find_map(|l| l.strip_prefix("user id: "))
        .unwrap()
        .to_owned()
}

fn json_request(
    server: &Server,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: &Value,
) -> Response {
    server.request(
        method,
        path,
        key,
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
}

fn sign_in(server: &Server, email: &str, password: &str) -> Response {
    json_request(
        server,
        "POST",
        "/v1/sessions",
        None,
        &json!({ "email": email, "password": password }),
    )
}

fn session(server: &Server, email: &str, password: &str) -> String {
    let answer = sign_in(server, email, password);
    assert_eq!(
        answer.status,
        201,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.json()["token"].as_str().unwrap().to_owned()
}

#[test]
fn a_user_signs_in_with_email_and_password_and_the_session_carries_their_permissions() {
    let dir = temp_dir("users-sign-in");
    let server = Server::start(&dir);
    let (_, admin_key) = server.key("acme");
    let ada = create_user(
        &server,
        "acme",
        "Ada@Lender.Example",
        "correct horse battery",
        "documents:read,documents:write",
    );
    assert!(ada.starts_with("usr_"));

    // The sign-in answer: a session token, its lifetime, the user (e-mail as stored).
    let answer = sign_in(&server, "ada@lender.example", "correct horse battery");
    assert_eq!(answer.status, 201);
    let body = answer.json();
    let token = body["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("llu_"));
    assert_eq!(body["token_type"], "session");
    assert_eq!(body["expires_in"], 12 * 3600);
    assert_eq!(body["user"]["id"], ada);
    assert_eq!(body["user"]["email"], "ada@lender.example");

    // The session works in either header, with the user's scopes and no more.
    let me = server.get("/v1/me", Some(&token));
    assert_eq!(me.status, 200);
    let me = me.json();
    assert_eq!(
        (me["kind"].as_str(), me["email"].as_str()),
        (Some("user"), Some("ada@lender.example"))
    );
    assert!(me["session_expires_at"].as_str().is_some());
    let bearer = format!("Bearer {token}");
    let listed = server.request(
        "GET",
        "/v1/documents",
        None,
        &[("Authorization", &bearer)],
        b"",
    );
    assert_eq!(listed.status, 200);
    let statement = sample(&dir, "csv", 30, "s.csv");
    let id = crate::serve::upload_file(&server, &token, &statement);
    let done = server.wait_done(&token, &id);
    assert_eq!(done["status"], "ANALYZED");
    assert_eq!(
        server.get("/v1/webhooks", Some(&token)).error_code(403),
        "insufficient_scope"
    );
    // The document is the tenant's: the admin key sees it too; the audit log names the user.
    assert_eq!(
        server
            .get(&format!("/v1/documents/{id}"), Some(&admin_key))
            .status,
        200
    );
    let audit = server.get("/v1/audit", Some(&admin_key)).json();
    let actions: Vec<(String, String)> = audit["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["actor"].as_str().unwrap_or_default().to_owned(),
                a["action"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert!(
        actions.contains(&(ada.clone(), "sign_in".to_owned())),
        "{actions:?}"
    );

    // Listed among the tenant's credentials with the e-mail; no hash, no password.
    let credentials = server.get("/v1/credentials", Some(&admin_key));
    let text = String::from_utf8_lossy(&credentials.body).into_owned();
    assert!(!text.contains("pbkdf2") && !text.contains("correct horse"));
    let listed = credentials.json();
    let user = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == ada.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (user["kind"].as_str(), user["email"].as_str()),
        (Some("user"), Some("ada@lender.example"))
    );

    // Signing out ends the session at once; a second sign-out is a 401, not a success.
    let out = server.request("DELETE", "/v1/sessions/current", Some(&token), &[], b"");
    assert_eq!(out.status, 204);
    assert_eq!(
        server.get("/v1/documents", Some(&token)).error_code(401),
        "session_ended"
    );
    // An API key cannot "sign out".
    assert_eq!(
        server
            .request("DELETE", "/v1/sessions/current", Some(&admin_key), &[], b"")
            .error_code(400),
        "not_a_session"
    );
}

#[test]
fn wrong_passwords_are_refused_alike_then_locked_and_sessions_end_on_password_change_and_revocation()
 {
    let dir = temp_dir("users-refusals");
    let server = Server::start(&dir);
    let (_, admin_key) = server.key("acme");
    let (_, other_key) = server.key("umbrella");
    let ada = create_user(
        &server,
        "acme",
        "ada@lender.example",
        "correct horse battery",
        "*",
    );

    // Wrong password and unknown e-mail: the same 401, the same words.
    let wrong = sign_in(&server, "ada@lender.example", "not the password");
    assert_eq!(wrong.error_code(401), "invalid_login");
    let unknown = sign_in(&server, "nobody@lender.example", "not the password");
    assert_eq!(unknown.error_code(401), "invalid_login");
    assert_eq!(
        wrong.json()["error"]["message"],
        unknown.json()["error"]["message"]
    );
    // Missing fields name the field.
    let missing = json_request(
        &server,
        "POST",
        "/v1/sessions",
        None,
        &json!({ "email": "ada@lender.example" }),
    );
    assert_eq!(missing.error_code(400), "missing_field");
    assert_eq!(missing.json()["error"]["field"], "password");

    // Two sessions; a password change from one ends the other.
    let first = session(&server, "ada@lender.example", "correct horse battery");
    let second = session(&server, "ADA@lender.example", "correct horse battery");
    let weak = json_request(
        &server,
        "PUT",
        "/v1/me/password",
        Some(&first),
        &json!({ "current_password": "correct horse battery", "new_password": "short" }),
    );
    assert_eq!(weak.error_code(400), "weak_password");
    let bad_current = json_request(
        &server,
        "PUT",
        "/v1/me/password",
        Some(&first),
        &json!({ "current_password": "wrong wrong wrong", "new_password": "a longer passphrase" }),
    );
    assert_eq!(bad_current.error_code(403), "invalid_login");
    let changed = json_request(
        &server,
        "PUT",
        "/v1/me/password",
        Some(&first),
        &json!({ "current_password": "correct horse battery", "new_password": "a longer passphrase" }),
    );
    assert_eq!(
        changed.status,
        204,
        "{}",
        String::from_utf8_lossy(&changed.body)
    );
    assert_eq!(server.get("/v1/me", Some(&first)).status, 200);
    assert_eq!(
        server.get("/v1/me", Some(&second)).error_code(401),
        "session_ended"
    );
    assert_eq!(
        sign_in(&server, "ada@lender.example", "correct horse battery").error_code(401),
        "invalid_login"
    );
    let third = session(&server, "ada@lender.example", "a longer passphrase");

    // Another tenant can neither see nor revoke the user.
    let theirs = server.get("/v1/credentials", Some(&other_key)).json();
    assert!(
        theirs["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != ada.as_str())
    );
    let foreign = server.request(
        "DELETE",
        &format!("/v1/credentials/{ada}"),
        Some(&other_key),
        &[],
        b"",
    );
    assert_eq!(foreign.error_code(404), "not_found");
    // Its own admin revokes it: every session ends, sign-in is refused.
    let revoked = server.request(
        "DELETE",
        &format!("/v1/credentials/{ada}"),
        Some(&admin_key),
        &[],
        b"",
    );
    assert_eq!(revoked.status, 204);
    assert_eq!(
        server.get("/v1/me", Some(&first)).error_code(401),
        "session_ended"
    );
    assert_eq!(
        server.get("/v1/me", Some(&third)).error_code(401),
        "session_ended"
    );
    assert_eq!(
        sign_in(&server, "ada@lender.example", "a longer passphrase").error_code(401),
        "invalid_login"
    );

    // Five wrong passwords lock the address for a quarter of an hour, even the right one.
    let bob_password = "battery staple horse";
    create_user(
        &server,
        "acme",
        "bob@lender.example",
        bob_password,
        "documents:read",
    );
    for _ in 0..5 {
        assert_eq!(
            sign_in(&server, "bob@lender.example", "guess guess guess").error_code(401),
            "invalid_login"
        );
    }
    let locked = sign_in(&server, "bob@lender.example", bob_password);
    assert_eq!(locked.error_code(429), "sign_in_locked");
    let wait = locked.json()["error"]["retry_after_seconds"]
        .as_u64()
        .unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    // Another address is not affected.
    assert_eq!(
        sign_in(&server, "carol@lender.example", "whatever whatever").error_code(401),
        "invalid_login"
    );
}

#[test]
fn users_are_created_over_the_api_within_the_callers_scopes_with_one_address_each() {
    let dir = temp_dir("users-api");
    let server = Server::start(&dir);
    let (_, admin_key) = server.key("acme");
    let (_, reader_key) = server.key_with("acme", Some("documents:read,credentials:manage"));
    let (_, other_key) = server.key("umbrella");
    let create =
        |key: &str, body: Value| json_request(&server, "POST", "/v1/credentials", Some(key), &body);

    let made = create(
        &admin_key,
        json!({ "kind": "user", "email": "Dee@Lender.Example", "password": "a fine passphrase", "permissions": ["documents:read"], "label": "Dee, analyst" }),
    );
    assert_eq!(made.status, 201, "{}", String::from_utf8_lossy(&made.body));
    let made = made.json();
    assert_eq!(
        (made["kind"].as_str(), made["email"].as_str()),
        (Some("user"), Some("dee@lender.example"))
    );
    assert!(made.get("password").is_none());
    let token = session(&server, "dee@lender.example", "a fine passphrase");
    assert_eq!(server.get("/v1/documents", Some(&token)).status, 200);
    assert_eq!(
        server
            .upload(&token, &[("file", Some("s.csv"), &b"date,amount\n"[..])])
            .error_code(403),
        "insufficient_scope"
    );

    // One address, one user, across tenants.
    let taken = create(
        &other_key,
        json!({ "kind": "user", "email": "dee@lender.example", "password": "another passphrase" }),
    );
    assert_eq!(taken.error_code(409), "email_taken");
    // Policy and shape.
    let weak = create(
        &admin_key,
        json!({ "kind": "user", "email": "eve@lender.example", "password": "short" }),
    );
    assert_eq!(weak.error_code(400), "weak_password");
    let no_email = create(
        &admin_key,
        json!({ "kind": "user", "password": "a fine passphrase" }),
    );
    assert_eq!(no_email.error_code(400), "missing_field");
    let bad_email = create(
        &admin_key,
        json!({ "kind": "user", "email": "eve", "password": "a fine passphrase" }),
    );
    assert_eq!(bad_email.error_code(400), "invalid_field");
    // A caller cannot make a user more powerful than itself.
    let escalate = create(
        &reader_key,
        json!({ "kind": "user", "email": "mallory@lender.example", "password": "a fine passphrase", "permissions": ["documents:write"] }),
    );
    assert_eq!(escalate.error_code(403), "insufficient_scope");
    assert_eq!(
        sign_in(&server, "mallory@lender.example", "a fine passphrase").error_code(401),
        "invalid_login"
    );
}
