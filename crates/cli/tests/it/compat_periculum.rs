//! Periculum Insights (spec 004) served under `/compat/periculum`, over real HTTP against
//! `ledgerlens serve` processes: the spec's own flow with the spec's own example payloads, every
//! field of its response examples checked for presence and type, and its auth and validation
//! statuses.
//!
//! The files in `compat_periculum/` are the spec's examples copied verbatim: `request_*.json` are
//! the bodies of its curl calls, `response_*.json` its response examples. Those are not strict
//! JSON (trailing commas, non-breaking spaces, a `number` placeholder for the phone number), so
//! [`spec_json`] applies exactly three repairs, nothing else; the request bodies are sent as the
//! spec prints them, byte for byte.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::serve::{Response, Server, multipart};
use crate::{ledgerlens, temp_dir};

const MOUNT: &str = "/compat/periculum";

/// The five formats in the spec's order, with their example body and `statementName`.
const FORMATS: [(&str, &str, &str); 5] = [
    (
        "periculum",
        include_str!("compat_periculum/request_periculum.json"),
        "Mandatory Statement Name",
    ),
    (
        "mono",
        include_str!("compat_periculum/request_mono.json"),
        "MONO Statement 1",
    ),
    (
        "okra",
        include_str!("compat_periculum/request_okra.json"),
        "Okra statement 1",
    ),
    (
        "dojah",
        include_str!("compat_periculum/request_dojah.json"),
        "Dojah from prod",
    ),
    (
        "mybankstatement",
        include_str!("compat_periculum/request_mybankstatement.json"),
        "statement my bank 1",
    ),
];

const RESPONSE_TOKEN: &str = include_str!("compat_periculum/response_token.json");
const RESPONSE_STATEMENT: &str = include_str!("compat_periculum/response_statement.json");
const RESPONSE_TRANSACTIONS: &str = include_str!("compat_periculum/response_transactions.json");
const REQUEST_IDENTIFICATION: &str = include_str!("compat_periculum/request_identification.json");
const REQUEST_AFFORDABILITY: &str = include_str!("compat_periculum/request_affordability.json");
const RESPONSE_AFFORDABILITY: &str = include_str!("compat_periculum/response_affordability.json");
const RESPONSE_AFFORDABILITY_HISTORY: &str =
    include_str!("compat_periculum/response_affordability_history.json");
const RESPONSE_CREDITSCORE: &str = include_str!("compat_periculum/response_creditscore.json");
const RESPONSE_CREDITSCORE_HISTORY: &str =
    include_str!("compat_periculum/response_creditscore_history.json");

/// Fields of the statement analytics a statement may leave `null`: they are optional in the
/// profile (`crates/analytics/src/profiles/periculum.rs`) because some statements have no such
/// thing — no phone number is ever on a statement, no salary means no pay day, a statement
/// without credits has no last day of credit. Every other field must have the spec's type.
const STATEMENT_NULLABLE: [&str; 17] = [
    "clientFullName",
    "clientPhoneNumber",
    "accountName",
    "bankName",
    "spendAnalysis.mostRecurringExpense",
    "spendAnalysis.mostFrequentSpendCategory",
    "spendAnalysis.monthWithHighestSpend",
    "spendAnalysis.mostFrequentExpense",
    "transactionPatternAnalysis.lastDayOfCredit",
    "transactionPatternAnalysis.lastDayOfDebit",
    "transactionPatternAnalysis.mostFrequentBalanceRange",
    "transactionPatternAnalysis.mostFrequentTransactionRange",
    "transactionPatternAnalysis.mostFrequentCreditTransfer",
    "transactionPatternAnalysis.mostFrequentDebitTransfer",
    "incomeAnalysis.expectedSalaryPaymentDay",
    "incomeAnalysis.frequencyOfSalaryPayments",
    "incomeAnalysis.lastDateOfSalaryPayment",
];

/// Parses one of the spec's examples after its three repairs: non-breaking spaces between
/// tokens read as spaces, trailing commas dropped, and the `number` placeholder of
/// `clientPhoneNumber` (a type name where a value should be) read as `null`.
fn spec_json(text: &str) -> Value {
    let text = text.replace('\u{a0}', " ").replace(": number,", ": null,");
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut pending_comma = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if pending_comma && !c.is_whitespace() {
            if c != '}' && c != ']' {
                out.push(',');
            }
            pending_comma = false;
        }
        match c {
            ',' => pending_comma = true,
            '"' => {
                in_string = true;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("spec example does not parse: {e}"))
}

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

/// Compares our answer with the spec's example: every key of the example is present, with the
/// example's type (any type where the example has `null`; `null` only where `nullable` allows),
/// recursively; the elements of our arrays are each compared with the example's first element.
/// Returns every difference, so a failure lists them all.
fn shape(expected: &Value, ours: &Value, path: &str, nullable: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    check(expected, ours, path, nullable, &mut problems);
    problems
}

fn check(
    expected: &Value,
    ours: &Value,
    path: &str,
    nullable: &[&str],
    problems: &mut Vec<String>,
) {
    if expected.is_null() {
        return;
    }
    if ours.is_null() {
        if !nullable.contains(&path) {
            problems.push(format!(
                "{path}: null, the spec has a {}",
                type_name(expected)
            ));
        }
        return;
    }
    if type_name(expected) != type_name(ours) {
        problems.push(format!(
            "{path}: {} ({ours}), the spec has a {}",
            type_name(ours),
            type_name(expected)
        ));
        return;
    }
    match (expected, ours) {
        (Value::Object(spec), Value::Object(answer)) => {
            for (key, value) in spec {
                let at = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match answer.get(key) {
                    Some(ours) => check(value, ours, &at, nullable, problems),
                    None => problems.push(format!("{at}: missing")),
                }
            }
        }
        (Value::Array(spec), Value::Array(answer)) => {
            if let Some(first) = spec.first() {
                for item in answer {
                    check(first, item, &format!("{path}[]"), nullable, problems);
                }
            }
        }
        _ => {}
    }
}

fn assert_shape(expected: &Value, ours: &Value, nullable: &[&str], what: &str) {
    let problems = shape(expected, ours, "", nullable);
    assert!(
        problems.is_empty(),
        "{what} differs from the spec's example:\n{}",
        problems.join("\n")
    );
}

/// A request to the mount with a bearer token.
fn call(server: &Server, method: &str, path: &str, token: &str, body: &[u8]) -> Response {
    server.request(
        method,
        &format!("{MOUNT}{path}"),
        None,
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("Content-Type", "application/json"),
        ],
        body,
    )
}

fn ok(answer: &Response) -> Value {
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.json()
}

/// A token through the spec's own request (its body, with this client's id and secret).
fn token(server: &Server, client_id: &str, secret: &str) -> String {
    let body = json!({
        "client_id": client_id,
        "client_secret": secret,
        "audience": "https://api.insights-periculum.com",
        "grant_type": "client_credentials"
    });
    let answer = server.request(
        "POST",
        &format!("{MOUNT}/oauth/token"),
        None,
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    );
    let answer = ok(&answer);
    assert_shape(&spec_json(RESPONSE_TOKEN), &answer, &[], "the token");
    assert_eq!(answer["token_type"], "Bearer");
    assert!(answer["expires_in"].as_u64().is_some_and(|s| s > 0));
    answer["access_token"].as_str().unwrap().to_owned()
}

fn analytics(server: &Server, token: &str, format: &str, body: &str) -> Response {
    call(
        server,
        "POST",
        &format!("/statements/analytics?format={format}&statementType=consumer"),
        token,
        body.as_bytes(),
    )
}

fn number(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

#[test]
fn the_specs_flow_replays_with_the_specs_own_payloads() {
    let dir = temp_dir("periculum-flow");
    let server = Server::start(&dir);
    let (client_id, secret) = server.client("lender");
    let token = token(&server, &client_id, &secret);
    let expected = spec_json(RESPONSE_STATEMENT);

    // The five JSON formats, each stored as a statement with the next integer key.
    for (index, (format, body, name)) in FORMATS.iter().enumerate() {
        let answer = ok(&analytics(&server, &token, format, body));
        assert_shape(&expected, &answer, &STATEMENT_NULLABLE, format);
        assert_eq!(answer["key"], index + 1, "{format}");
        assert_eq!(answer["name"], *name);
        assert_eq!(answer["source"], format.to_uppercase());
        assert_eq!(answer["processingStatus"], "PROCESSED");
        assert_eq!(answer["statementType"], "CONSUMER");
        let pattern = &answer["transactionPatternAnalysis"];
        assert!(
            pattern["totalNumberOfTransactions"].as_u64().unwrap() >= 9,
            "{format}"
        );
        assert_eq!(
            answer["cashFlowAnalysis"]["monthlyInflow"]
                .as_array()
                .unwrap()
                .len(),
            answer["cashFlowAnalysis"]["monthlyOutflow"]
                .as_array()
                .unwrap()
                .len()
        );
        assert_eq!(pattern["balanceBreakdown"].as_array().unwrap().len(), 7);
    }

    // Figures follow from the spec's payloads: the Periculum example's last balance is
    // 69 650.87, Mono's newest is 17 518 498 kobo.
    let periculum = ok(&call(&server, "GET", "/statements/1", &token, b""));
    assert_shape(
        &expected,
        &periculum,
        &STATEMENT_NULLABLE,
        "GET /statements/1",
    );
    assert_eq!(
        number(&periculum["cashFlowAnalysis"]["closingBalance"]),
        69650.87
    );
    assert_eq!(
        periculum["cashFlowAnalysis"]["lastDateInStatement"],
        "2020-08-07"
    );
    let mono = ok(&call(&server, "GET", "/statements/2", &token, b""));
    assert_eq!(
        number(&mono["cashFlowAnalysis"]["closingBalance"]),
        175184.98
    );

    // Transactions of the Periculum example: its nine movements after the opening balance row.
    let transactions = ok(&call(
        &server,
        "GET",
        "/statements/1/transactions",
        &token,
        b"",
    ));
    assert_shape(
        &spec_json(RESPONSE_TRANSACTIONS),
        &transactions,
        &[],
        "the transactions",
    );
    let rows = transactions.as_array().unwrap();
    assert_eq!(rows.len(), 9);
    assert_eq!(rows[0]["date"], "2020-06-19");
    assert_eq!(number(&rows[0]["amount"]), 5010.75);
    assert_eq!(rows[0]["type"], "debit");
    assert_eq!(number(&rows[0]["balance"]), 11151.27);
    assert!(
        rows.iter()
            .any(|r| r["type"] == "credit" && number(&r["amount"]) == 1000.0)
    );

    // The spec's identification, affordability and credit score examples name statement 3: the
    // Okra statement here. Their bodies are sent as printed.
    let identified = ok(&call(
        &server,
        "PATCH",
        "/statements/identification",
        &token,
        REQUEST_IDENTIFICATION.as_bytes(),
    ));
    assert_eq!(identified["statementKey"], 3);
    let okra = ok(&call(&server, "GET", "/statements/3", &token, b""));
    assert_shape(&expected, &okra, &STATEMENT_NULLABLE, "GET /statements/3");
    let ids = okra["clientIdentification"].as_array().unwrap();
    assert!(ids.contains(&json!({"identifierName": "bvn", "identifierValue": null})));
    assert!(ids.contains(&json!({"identifierName": "customIdentifier", "identifierValue": "111"})));

    let first = ok(&call(
        &server,
        "POST",
        "/affordability",
        &token,
        REQUEST_AFFORDABILITY.as_bytes(),
    ));
    assert_shape(
        &spec_json(RESPONSE_AFFORDABILITY),
        &first,
        &[],
        "the affordability",
    );
    assert_eq!(number(&first["dti"]), 0.3);
    assert_eq!(first["loanTenure"], 6);
    assert_eq!(number(&first["average_monthly_total_expenses"]), 4000.0);
    assert_eq!(
        number(&first["average_monthly_loan_repayment_amount"]),
        1000.0
    );
    let monthly = number(&first["monthly_disposable_income/monthly_affordability_amount"]);
    let total = number(&first["affordability_amount"]);
    assert!(
        (total - monthly * 6.0).abs() < 0.06,
        "{monthly} × 6 ≠ {total}"
    );
    let second = ok(&call(
        &server,
        "POST",
        "/affordability",
        &token,
        br#"{"statementKey": 3, "dti": 0.5, "loanTenure": 12}"#,
    ));
    assert_eq!(second["loanTenure"], 12);
    let history = ok(&call(&server, "GET", "/affordability/3", &token, b""));
    assert_shape(
        &spec_json(RESPONSE_AFFORDABILITY_HISTORY),
        &history,
        &[],
        "the affordability history",
    );
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["loanTenure"], 12, "newest first");
    assert_eq!(history[1]["loanTenure"], 6);
    assert!(history.iter().all(|run| run["statementKey"] == 3));
    assert_eq!(
        ok(&call(&server, "GET", "/affordability/1", &token, b"")),
        json!([])
    );

    // `--data-raw 'none'`: the spec sends the word as the body.
    let score = ok(&call(&server, "POST", "/creditscore/3", &token, b"none"));
    assert_shape(
        &spec_json(RESPONSE_CREDITSCORE),
        &score,
        &[],
        "the credit score",
    );
    assert_eq!(
        score["calculatedScore"].as_i64().unwrap(),
        score["baseScore"].as_i64().unwrap() + score["rulesScore"].as_i64().unwrap()
    );
    let reasons = score["passReasons"].as_array().unwrap().len()
        + score["failReasons"].as_array().unwrap().len();
    assert_eq!(reasons, score["ruleResults"].as_array().unwrap().len());
    assert_eq!(score["type"], "POINTS");
    let scores = ok(&call(&server, "GET", "/creditscore/3", &token, b""));
    // `didPass` is null without a pass threshold (the spec's first example); its second example
    // comes from a tenant with one.
    assert_shape(
        &spec_json(RESPONSE_CREDITSCORE_HISTORY),
        &scores,
        &["[].didPass"],
        "the credit score history",
    );
    assert_eq!(scores.as_array().unwrap().len(), 1);
    assert_eq!(scores[0]["calculatedScore"], score["calculatedScore"]);

    // A password-protected PDF: UPLOADED at once, PROCESSED later, then scored although its
    // password is no longer kept.
    let pdfs = dir.join("pdf");
    let made = ledgerlens([
        "synth",
        "--out",
        pdfs.to_str().unwrap(),
        "--layout",
        "ng",
        "--transactions",
        "40",
        "--encrypt",
        "aes128",
        "--password",
        "s3cret",
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let pdf = std::fs::read(pdfs.join("ng-1.pdf")).unwrap();
    let (content_type, body) = multipart(&[
        ("file", Some("ng-1.pdf"), &pdf),
        ("password", None, b"s3cret"),
        ("statementType", None, b"business"),
    ]);
    let uploaded = server.request(
        "PUT",
        &format!("{MOUNT}/statements"),
        None,
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("Content-Type", &content_type),
        ],
        &body,
    );
    let uploaded = ok(&uploaded);
    assert_eq!(uploaded["processingStatus"], "UPLOADED");
    assert_eq!(uploaded["key"], 6);
    assert_eq!(uploaded["source"], "PDF");
    assert_eq!(uploaded["statementType"], "BUSINESS");
    let metadata_fields = [
        "key",
        "name",
        "source",
        "statementType",
        "createdDate",
        "processingStatus",
        "clientIdentification",
    ];
    let mut expected_metadata = serde_json::Map::new();
    for (key, value) in expected.as_object().unwrap() {
        if !value.is_object() {
            let value = if metadata_fields.contains(&key.as_str()) {
                value.clone()
            } else {
                Value::Null
            };
            expected_metadata.insert(key.clone(), value);
        }
    }
    assert_shape(
        &Value::Object(expected_metadata),
        &uploaded,
        &[],
        "the PDF upload",
    );
    let started = Instant::now();
    let processed = loop {
        let answer = ok(&call(&server, "GET", "/statements/6", &token, b""));
        if answer["processingStatus"] != "UPLOADED" {
            break answer;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "never processed"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(processed["processingStatus"], "PROCESSED", "{processed}");
    assert_shape(
        &expected,
        &processed,
        &STATEMENT_NULLABLE,
        "the processed PDF",
    );
    assert_eq!(processed["statementType"], "BUSINESS");
    assert_eq!(processed["name"], "ng-1.pdf");
    let score = ok(&call(&server, "POST", "/creditscore/6", &token, b""));
    assert!(score["calculatedScore"].as_i64().is_some());
}

#[test]
fn missing_invalid_and_expired_credentials_are_401() {
    let dir = temp_dir("periculum-auth");
    let server = Server::start_with(&dir, &["--token-ttl-seconds", "1"]);
    let (client_id, secret) = server.client("lender");
    let (_, body) = (FORMATS[0].0, FORMATS[0].1);
    let routes: [(&str, &str, &[u8]); 8] = [
        (
            "POST",
            "/statements/analytics?format=periculum",
            body.as_bytes(),
        ),
        ("PUT", "/statements", b""),
        ("GET", "/statements/1", b""),
        ("GET", "/statements/1/transactions", b""),
        (
            "PATCH",
            "/statements/identification",
            REQUEST_IDENTIFICATION.as_bytes(),
        ),
        ("POST", "/affordability", REQUEST_AFFORDABILITY.as_bytes()),
        ("GET", "/affordability/1", b""),
        ("POST", "/creditscore/1", b""),
    ];
    for (method, path, body) in routes {
        let none = server.request(
            method,
            &format!("{MOUNT}{path}"),
            None,
            &[("Content-Type", "application/json")],
            body,
        );
        assert_eq!(
            none.error_code(401),
            "missing_credentials",
            "{method} {path}"
        );
        let forged = call(
            &server,
            method,
            path,
            "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl",
            body,
        );
        assert_eq!(forged.error_code(401), "invalid_token", "{method} {path}");
    }
    assert_eq!(
        call(&server, "GET", "/creditscore/1", "not-a-token", b"").error_code(401),
        "invalid_credentials"
    );

    // The token endpoint: a wrong secret or an unknown client is 401 (the spec's error code).
    for (id, wrong) in [
        (client_id.as_str(), "wrong-secret"),
        ("unknown", secret.as_str()),
    ] {
        let refused = server.request(
            "POST",
            &format!("{MOUNT}/oauth/token"),
            None,
            &[("Content-Type", "application/json")],
            json!({"client_id": id, "client_secret": wrong, "audience": "https://api.insights-periculum.com", "grant_type": "client_credentials"})
                .to_string()
                .as_bytes(),
        );
        assert_eq!(refused.error_code(401), "invalid_client");
    }

    // A token past its `expires_in` is 401, as the spec's notes say.
    let token = token(&server, &client_id, &secret);
    assert_eq!(
        call(&server, "GET", "/statements/1", &token, b"").error_code(404),
        "not_found"
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(
        call(&server, "GET", "/statements/1", &token, b"").error_code(401),
        "token_expired"
    );
}

/// The Mono example with its last `n` transactions removed.
fn mono_without(n: usize) -> String {
    let mut value = spec_json(FORMATS[1].1);
    let rows = value["data"].as_array_mut().unwrap();
    let keep = rows.len() - n;
    rows.truncate(keep);
    value.to_string()
}

#[test]
fn validation_errors_return_the_specs_statuses_and_store_nothing() {
    let dir = temp_dir("periculum-validation");
    let server = Server::start(&dir);
    let (client_id, secret) = server.client("lender");
    let token = token(&server, &client_id, &secret);

    // Fewer than ten transactions: the spec's "404 bad request". Its Periculum example has ten
    // rows, the first an opening balance; without its last row it has nine.
    let nine = analytics(&server, &token, "mono", &mono_without(1));
    assert_eq!(nine.error_code(404), "too_few_transactions");
    assert_eq!(nine.json()["error"]["transactions"], 9);
    let mut periculum = spec_json(FORMATS[0].1);
    periculum["transactions"].as_array_mut().unwrap().pop();
    let short = analytics(&server, &token, "periculum", &periculum.to_string());
    assert_eq!(short.error_code(404), "too_few_transactions");

    // Malformed requests are 400 and name what is wrong.
    let cases: [(&str, String, &str); 7] = [
        ("okra", FORMATS[1].1.to_owned(), "format_mismatch"),
        ("csv", FORMATS[1].1.to_owned(), "invalid_parameter"),
        (
            "mono",
            "{\"statementName\": \"x\", \"data\": [".to_owned(),
            "malformed_json",
        ),
        ("mono", "not json".to_owned(), "malformed_json"),
        (
            "mono",
            "{\"statementName\": \"x\"}".to_owned(),
            "unknown_format",
        ),
        (
            "mono",
            FORMATS[1]
                .1
                .replace("\"statementName\": \"MONO Statement 1\",", ""),
            "missing_field",
        ),
        ("mono", String::new(), "empty_file"),
    ];
    for (format, body, code) in cases {
        let answer = analytics(&server, &token, format, &body);
        assert_eq!(answer.error_code(400), code, "{format}: {body:.60}");
    }
    let bad_type = call(
        &server,
        "POST",
        "/statements/analytics?format=mono&statementType=sme",
        &token,
        FORMATS[1].1.as_bytes(),
    );
    assert_eq!(bad_type.error_code(400), "invalid_parameter");

    // Nothing was stored by any refusal: the first statement is still to come.
    assert_eq!(
        call(&server, "GET", "/statements/1", &token, b"").error_code(404),
        "not_found"
    );
    assert_eq!(
        call(&server, "GET", "/statements/x", &token, b"").error_code(404),
        "not_found"
    );
    let accepted = ok(&analytics(&server, &token, "mono", FORMATS[1].1));
    assert_eq!(accepted["key"], 1);

    // Affordability: out-of-range and missing fields are 400, an unknown key 404.
    for (body, code) in [
        (
            r#"{"statementKey": 1, "dti": 1.5, "loanTenure": 6}"#,
            "invalid_field",
        ),
        (
            r#"{"statementKey": 1, "dti": 0.3, "loanTenure": 0}"#,
            "invalid_field",
        ),
        (r#"{"statementKey": 1, "dti": 0.3}"#, "missing_field"),
        (r#"{"statementKey": 1, "loanTenure": 6}"#, "missing_field"),
        (r#"{"dti": 0.3, "loanTenure": 6}"#, "invalid_field"),
        (
            r#"{"statementKey": 1, "dti": 0.3, "loanTenure": 6, "tenure": 6}"#,
            "unknown_field",
        ),
        ("[]", "malformed_json"),
    ] {
        let answer = call(&server, "POST", "/affordability", &token, body.as_bytes());
        assert_eq!(answer.error_code(400), code, "{body}");
    }
    let unknown = call(
        &server,
        "POST",
        "/affordability",
        &token,
        br#"{"statementKey": 99, "dti": 0.3, "loanTenure": 6}"#,
    );
    assert_eq!(unknown.error_code(404), "not_found");
    assert_eq!(
        call(&server, "POST", "/creditscore/99", &token, b"").error_code(404),
        "not_found"
    );
    assert_eq!(
        call(&server, "GET", "/creditscore/99", &token, b"").error_code(404),
        "not_found"
    );

    // Identification: a BVN is 11 digits; the key must exist.
    let bad_bvn = call(
        &server,
        "PATCH",
        "/statements/identification",
        &token,
        br#"{"statementKey": 1, "identificationData": [{"identifierName": "bvn", "value": "123"}]}"#,
    );
    assert_eq!(bad_bvn.error_code(400), "invalid_field");
    let empty = call(
        &server,
        "PATCH",
        "/statements/identification",
        &token,
        br#"{"statementKey": 1, "identificationData": []}"#,
    );
    assert_eq!(empty.error_code(400), "invalid_field");
    let missing = call(
        &server,
        "PATCH",
        "/statements/identification",
        &token,
        REQUEST_IDENTIFICATION.as_bytes(),
    );
    assert_eq!(
        missing.error_code(404),
        "not_found",
        "statement 3 does not exist"
    );

    // The PDF upload without a file, or with a field it does not know.
    let (content_type, body) = multipart(&[("statementType", None, b"consumer")]);
    let no_file = server.request(
        "PUT",
        &format!("{MOUNT}/statements"),
        None,
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("Content-Type", &content_type),
        ],
        &body,
    );
    assert_eq!(no_file.error_code(400), "missing_field");
    let (content_type, body) = multipart(&[
        ("file", Some("a.pdf"), b"%PDF-1.4"),
        ("colour", None, b"red"),
    ]);
    let unknown_field = server.request(
        "PUT",
        &format!("{MOUNT}/statements"),
        None,
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("Content-Type", &content_type),
        ],
        &body,
    );
    assert_eq!(unknown_field.error_code(400), "unknown_field");
    assert_eq!(
        call(&server, "GET", "/statements/2", &token, b"").error_code(404),
        "not_found"
    );
}

#[test]
fn the_shape_check_finds_missing_mistyped_and_null_fields() {
    let expected = json!({"a": 1, "b": {"c": "x", "d": [{"e": true}]}, "f": null});
    let ours = json!({"a": 1.5, "b": {"c": "y", "d": [{"e": false}, {"e": true}]}, "f": [1]});
    assert!(shape(&expected, &ours, "", &[]).is_empty());
    let wrong = json!({"a": "1", "b": {"d": [{"e": 1}, {}]}, "f": null});
    assert_eq!(
        shape(&expected, &wrong, "", &[]),
        [
            "a: string (\"1\"), the spec has a number",
            "b.c: missing",
            "b.d[].e: number (1), the spec has a boolean",
            "b.d[].e: missing",
        ]
    );
    let null = json!({"a": null, "b": {"c": null, "d": []}});
    assert_eq!(
        shape(&expected, &null, "", &["b.c"]),
        // A key the spec shows as null must still be there.
        ["a: null, the spec has a number", "f: missing"]
    );
    // The spec's examples parse after the three documented repairs.
    assert_eq!(
        spec_json(RESPONSE_STATEMENT)["clientPhoneNumber"],
        Value::Null
    );
    assert_eq!(spec_json(RESPONSE_AFFORDABILITY)["loanTenure"], 12);
    assert_eq!(
        spec_json(FORMATS[3].1)["entity"]["transactions"]
            .as_array()
            .map(Vec::len),
        Some(11)
    );
}
