//! `POST /v1/documents/{id}/scores` and `/affordability` over real HTTP: the same figures as
//! `ledgerlens score` and `ledgerlens affordability` print for the same file.

use serde_json::{Value, json};

use crate::serve::{Server, upload_file};
use crate::{ledgerlens, sample, temp_dir};

fn post(server: &Server, key: &str, path: &str, body: &str) -> crate::serve::Response {
    server.request(
        "POST",
        path,
        Some(key),
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
}

fn cli_json<const N: usize>(args: [&str; N]) -> Value {
    let out = ledgerlens(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn api_scores_use_the_chosen_scorecard_exactly_as_the_cli_and_the_analysis_do() {
    let dir = temp_dir("api-scores");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let statement = sample(&dir, "csv", 120, "statement.csv");
    let file = statement.to_str().unwrap();
    let id = upload_file(&server, &key, &statement);
    server.wait_done(&key, &id);
    let path = format!("/v1/documents/{id}/scores");

    // Points (the default): spec 004's score with rule results and replay, as `score` prints.
    let points = post(&server, &key, &path, "{}");
    assert_eq!(
        points.status,
        200,
        "{}",
        String::from_utf8_lossy(&points.body)
    );
    let points = points.json();
    assert_eq!(points["document_id"], id.as_str());
    assert_eq!(points["scorecard"]["name"], "points");
    assert_eq!(points["scorecard"]["id"], "periculum-default");
    assert_eq!(points["result"], cli_json(["score", file]));
    let named = post(&server, &key, &path, r#"{"scorecard":"points"}"#).json();
    assert_eq!(named["result"], points["result"]);

    // X-Ray and EnvoyX: the scores the stored native analysis carries.
    let native = server
        .get(
            &format!("/v1/documents/{id}/analysis?profile=native"),
            Some(&key),
        )
        .json();
    for name in ["xray", "envoyx"] {
        let run = post(
            &server,
            &key,
            &path,
            &format!(r#"{{"scorecard":"{name}"}}"#),
        );
        assert_eq!(
            run.status,
            200,
            "{name}: {}",
            String::from_utf8_lossy(&run.body)
        );
        let run = run.json();
        assert_eq!(run["scorecard"]["name"], name);
        assert_eq!(run["result"], native["scores"][name], "{name}");
    }

    // An inline points scorecard scores as the same file given to `score --scorecard`.
    let definition = json!({
        "id": "acme-small",
        "version": "2.0.0",
        "base_score": 100,
        "pass_threshold": 120,
        "fact": "Statement",
        "rules": [
            { "name": "ActiveAccount", "variable": "AccountActivity", "operator": "GREATER_THAN", "value": "0.1", "points": 30 },
            { "name": "QuietAccount", "variable": "AccountActivity", "operator": "LESS_THAN", "value": "0.1", "points": 5 },
        ],
    });
    let scorecard_file = dir.join("acme-small.json");
    std::fs::write(&scorecard_file, definition.to_string()).unwrap();
    let custom = post(
        &server,
        &key,
        &path,
        &json!({ "definition": definition }).to_string(),
    );
    assert_eq!(
        custom.status,
        200,
        "{}",
        String::from_utf8_lossy(&custom.body)
    );
    let custom = custom.json();
    assert_eq!(custom["scorecard"]["id"], "acme-small");
    let expected = cli_json([
        "score",
        file,
        "--scorecard",
        scorecard_file.to_str().unwrap(),
    ]);
    assert_eq!(
        custom["result"]["calculatedScore"],
        expected["calculatedScore"]
    );
    assert_eq!(custom["result"]["ruleResults"], expected["ruleResults"]);
    assert_eq!(custom["result"]["passReasons"], expected["passReasons"]);
    assert_ne!(
        custom["result"]["calculatedScore"],
        points["result"]["calculatedScore"]
    );

    // Refusals: unknown scorecard 422; malformed JSON and bad fields 400 naming the field.
    let unknown = post(&server, &key, &path, r#"{"scorecard":"fico"}"#);
    assert_eq!(unknown.error_code(422), "unknown_scorecard");
    assert_eq!(unknown.json()["error"]["field"], "scorecard");
    let broken = post(&server, &key, &path, r#"{"scorecard": "points""#);
    assert_eq!(broken.error_code(400), "malformed_json");
    let wrong_type = post(&server, &key, &path, r#"{"scorecard": 5}"#);
    assert_eq!(wrong_type.error_code(400), "invalid_field");
    assert_eq!(wrong_type.json()["error"]["field"], "scorecard");
    let misspelt = post(&server, &key, &path, r#"{"scorcard": "xray"}"#);
    assert_eq!(misspelt.error_code(400), "unknown_field");
    assert_eq!(misspelt.json()["error"]["field"], "scorcard");
    let bad_date = post(&server, &key, &path, r#"{"as_of": "31/01/2024"}"#);
    assert_eq!(bad_date.error_code(400), "invalid_field");
    assert_eq!(bad_date.json()["error"]["field"], "as_of");
    let bad_rule = json!({ "definition": {
        "id": "x", "version": "1", "base_score": 0, "fact": "Statement",
        "rules": [{ "name": "Odd", "variable": "AccountActivity", "operator": "ROUGHLY", "value": "1", "points": 1 }],
    } });
    let invalid = post(&server, &key, &path, &bad_rule.to_string());
    assert_eq!(invalid.error_code(422), "invalid_scorecard");
    assert!(
        invalid.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Odd")
    );
}

#[test]
fn api_affordability_is_the_cli_affordability_with_exact_parameters() {
    let dir = temp_dir("api-affordability");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let statement = sample(&dir, "csv", 150, "statement.csv");
    let file = statement.to_str().unwrap();
    let id = upload_file(&server, &key, &statement);
    server.wait_done(&key, &id);
    let path = format!("/v1/documents/{id}/affordability");

    let run = post(&server, &key, &path, r#"{"dti": "0.35", "tenure": 6}"#);
    assert_eq!(run.status, 200, "{}", String::from_utf8_lossy(&run.body));
    let run = run.json();
    assert_eq!(run["parameters"]["dti"], "0.35");
    assert_eq!(run["parameters"]["tenure"], 6);
    assert_eq!(
        run["result"],
        cli_json(["affordability", file, "--dti", "0.35", "--tenure", "6"])
    );
    // Numbers are read by their text, and overrides replace the statement's figures.
    let overridden = post(
        &server,
        &key,
        &path,
        r#"{"dti": 0.5, "tenure": 12, "monthly_expenses": "1000.10", "monthly_repayment": 250}"#,
    );
    assert_eq!(
        overridden.status,
        200,
        "{}",
        String::from_utf8_lossy(&overridden.body)
    );
    let overridden = overridden.json();
    assert_eq!(overridden["parameters"]["monthly_expenses"], "1000.10");
    assert_eq!(
        overridden["result"],
        cli_json([
            "affordability",
            file,
            "--dti",
            "0.5",
            "--tenure",
            "12",
            "--monthly-expenses",
            "1000.10",
            "--monthly-repayment",
            "250",
        ])
    );

    for (body, code, field) in [
        (r#"{"tenure": 6}"#, "missing_field", "dti"),
        (r#"{"dti": "0.3"}"#, "missing_field", "tenure"),
        (r#"{"dti": "1.5", "tenure": 6}"#, "invalid_field", "dti"),
        (r#"{"dti": "0.3", "tenure": 0}"#, "invalid_field", "tenure"),
        (
            r#"{"dti": "0.3", "tenure": 2.5}"#,
            "invalid_field",
            "tenure",
        ),
        (r#"{"dti": "lots", "tenure": 6}"#, "invalid_field", "dti"),
        (
            r#"{"dti": "0.3", "tenure": 6, "monthly_expenses": "-1"}"#,
            "invalid_field",
            "monthly_expenses",
        ),
        (
            r#"{"dti": "0.3", "tenure": 6, "loan": 1}"#,
            "unknown_field",
            "loan",
        ),
        (r#"[1, 2]"#, "malformed_json", "body"),
        (r#"{"dti": "#, "malformed_json", "body"),
    ] {
        let response = post(&server, &key, &path, body);
        assert_eq!(response.error_code(400), code, "{body}");
        assert_eq!(response.json()["error"]["field"], field, "{body}");
    }
}
