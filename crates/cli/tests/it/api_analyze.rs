//! `POST /v1/analyze` over real HTTP: the CLI's answer, synchronously, with nothing stored.

use serde_json::Value;

use crate::serve::Server;
use crate::{ledgerlens, sample, temp_dir};

fn analyze(server: &Server, key: &str, query: &str, body: &[u8]) -> crate::serve::Response {
    server.request(
        "POST",
        &format!("/v1/analyze?{query}"),
        Some(key),
        &[("Content-Type", "application/octet-stream")],
        body,
    )
}

#[test]
fn api_analyze_answers_what_the_cli_prints_and_stores_nothing() {
    let dir = temp_dir("api-analyze");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let csv = sample(&dir, "csv", 90, "statement.csv");
    let json = sample(&dir, "periculum", 60, "statement.json");
    for (file, profile) in [
        (&csv, "native"),
        (&csv, "envoyx"),
        (&csv, "xray"),
        (&json, "periculum"),
        (&json, "finx"),
    ] {
        let bytes = std::fs::read(file).unwrap();
        let name = file.file_name().unwrap().to_str().unwrap();
        let response = analyze(
            &server,
            &key,
            &format!("profile={profile}&filename={name}&country=NG"),
            &bytes,
        );
        assert_eq!(
            response.status,
            200,
            "{profile}: {}",
            String::from_utf8_lossy(&response.body)
        );
        assert_eq!(response.header("content-type"), Some("application/json"));
        let cli = ledgerlens([
            "analyze",
            "--profile",
            profile,
            "--country",
            "NG",
            file.to_str().unwrap(),
        ]);
        assert!(cli.status.success());
        let mut api = response.body.clone();
        api.push(b'\n');
        assert!(api == cli.stdout, "{profile}: the API and the CLI differ");
    }
    // Options change the answer as they change the CLI's.
    let bytes = std::fs::read(&csv).unwrap();
    let dated = analyze(&server, &key, "profile=periculum&as_of=2024-02-15", &bytes);
    assert_eq!(dated.status, 200);
    let cli = ledgerlens([
        "analyze",
        "--profile",
        "periculum",
        "--as-of",
        "2024-02-15",
        csv.to_str().unwrap(),
    ]);
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(dated.json(), cli);
    // Nothing was stored: no document, no original.
    assert_eq!(
        server.get("/v1/documents", Some(&key)).json()["data"],
        Value::Array(vec![])
    );
    let blobs = server.data_dir().join("blobs");
    let stored = std::fs::read_dir(&blobs).map_or(0, |tenants| {
        tenants
            .map(|t| std::fs::read_dir(t.unwrap().path()).unwrap().count())
            .sum::<usize>()
    });
    assert_eq!(stored, 0);
}

#[test]
fn api_analyze_refuses_bad_input_as_uploads_do() {
    let dir = temp_dir("api-analyze-refused");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let big = vec![b'1'; 20 * 1024 * 1024 + 1];
    assert_eq!(
        analyze(&server, &key, "profile=native", &big).error_code(413),
        "payload_too_large"
    );
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    exe.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    assert_eq!(
        analyze(&server, &key, "profile=native", &exe).error_code(415),
        "unsupported_media_type"
    );
    let empty = analyze(&server, &key, "profile=native", b"  \n");
    assert_eq!(empty.error_code(400), "empty_file");
    let corrupt = analyze(
        &server,
        &key,
        "profile=native",
        b"Date,Description,Amount,Balance\n2024-01-01,Coffee,abc,xyz\n",
    );
    assert_eq!(corrupt.error_code(422), "analysis_failed");
    assert_eq!(corrupt.json()["error"]["failure"]["code"], "malformed_file");
    let statement = std::fs::read(sample(&dir, "csv", 10, "s.csv")).unwrap();
    for (query, field) in [
        ("profile=fico", "profile"),
        ("statement_type=robot", "statement_type"),
        ("as_of=tomorrow", "as_of"),
        ("profil=native", "profil"),
    ] {
        let response = analyze(&server, &key, query, &statement);
        let code = response.error_code(400);
        assert!(
            code == "invalid_parameter" || code == "unknown_parameter",
            "{query}"
        );
        assert_eq!(response.json()["error"]["field"], field, "{query}");
    }
    let anonymous = server.request("POST", "/v1/analyze", None, &[], &statement);
    assert_eq!(anonymous.error_code(401), "missing_credentials");
}
