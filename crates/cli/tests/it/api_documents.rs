//! `/v1/documents/{id}/statements`, `/transactions` and `/report.pdf` over real HTTP against a
//! `ledgerlens serve` process: what was stored at analysis time, paged and filtered.

use std::collections::BTreeSet;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::serve::{Server, upload_file};
use crate::{ledgerlens, sample, temp_dir};

/// Every transaction of a document, through the pages of `query` (which must not hold `cursor`).
fn all_pages(server: &Server, key: &str, id: &str, query: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let mut path = format!("/v1/documents/{id}/transactions?{query}");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let response = server.get(&path, Some(key));
        assert_eq!(
            response.status,
            200,
            "{}",
            String::from_utf8_lossy(&response.body)
        );
        let page = response.json();
        rows.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return rows,
        }
    }
    panic!("the pages never end");
}

fn decimal(value: &Value) -> Decimal {
    Decimal::from_str(
        value
            .as_str()
            .unwrap_or_else(|| panic!("not a decimal string: {value}")),
    )
    .unwrap()
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn api_statements_and_transactions_are_stored_exactly_and_page_with_filters() {
    let dir = temp_dir("api-ledger");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let statement = sample(&dir, "csv", 150, "statement.csv");
    let id = upload_file(&server, &key, &statement);
    assert_eq!(server.wait_done(&key, &id)["status"], "ANALYZED");

    let statements = server
        .get(&format!("/v1/documents/{id}/statements"), Some(&key))
        .json();
    let statements = statements["data"].as_array().unwrap().clone();
    assert_eq!(statements.len(), 1);
    let first = &statements[0];
    assert_eq!(first["currency"], "NGN");
    assert_eq!(first["transaction_count"], 150);
    assert!(first["reconciliation"]["status"].is_string(), "{first}");
    assert!(first.get("transactions").is_none());
    // The CSV's own columns, exact: every amount and balance as the file printed it.
    let mut file_rows: Vec<(String, String, String)> = csv::Reader::from_path(&statement)
        .unwrap()
        .records()
        .map(|record| {
            let record = record.unwrap();
            (
                record[0].to_owned(),
                record[4].to_owned(),
                record[5].to_owned(),
            )
        })
        .collect();
    let all = all_pages(&server, &key, &id, "limit=500");
    assert_eq!(all.len(), 150);
    let mut api_rows: Vec<(String, String, String)> = all
        .iter()
        .map(|t| {
            (
                t["date"].as_str().unwrap().to_owned(),
                t["amount"].as_str().unwrap().to_owned(),
                t["balance"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    file_rows.sort();
    api_rows.sort();
    assert_eq!(
        api_rows, file_rows,
        "amounts or balances differ from the file"
    );
    for (index, t) in all.iter().enumerate() {
        assert_eq!(t["index"], index);
        assert_eq!(t["id"], format!("tx_{index}"));
        assert!(t["category"]["primary"].is_string() && t["category"]["detailed"].is_string());
        let amount = decimal(&t["amount"]);
        let expected = if amount > Decimal::ZERO {
            "credit"
        } else {
            "debit"
        };
        assert_eq!(t["direction"], expected, "{t}");
    }
    // Small pages walk the same rows in the same order, each once.
    let paged = all_pages(&server, &key, &id, "limit=7");
    assert_eq!(ids(&paged), ids(&all));

    let check = |query: &str, keep: &dyn Fn(&Value) -> bool| {
        let expected: Vec<String> =
            ids(&all.iter().filter(|t| keep(t)).cloned().collect::<Vec<_>>());
        assert!(!expected.is_empty(), "{query}: the sample has no such rows");
        let got = all_pages(&server, &key, &id, &format!("limit=13&{query}"));
        assert_eq!(ids(&got), expected, "{query}");
    };
    check("direction=debit", &|t| {
        decimal(&t["amount"]) < Decimal::ZERO
    });
    check("direction=credit", &|t| {
        decimal(&t["amount"]) > Decimal::ZERO
    });
    let (low, high) = (Decimal::from(5_000), Decimal::from(50_000));
    check("min_amount=5000&max_amount=50000.00", &|t| {
        let amount = decimal(&t["amount"]).abs();
        amount >= low && amount <= high
    });
    // Both bounds are inclusive: an exact amount finds its own row.
    let exact = all[3]["amount"]
        .as_str()
        .unwrap()
        .trim_start_matches('-')
        .to_owned();
    check(&format!("min_amount={exact}&max_amount={exact}"), &|t| {
        decimal(&t["amount"]).abs() == Decimal::from_str(&exact).unwrap()
    });
    let middle = all[75]["date"].as_str().unwrap().to_owned();
    let last = all[120]["date"].as_str().unwrap().to_owned();
    check(&format!("from={middle}&to={last}"), &|t| {
        let date = t["date"].as_str().unwrap();
        date >= middle.as_str() && date <= last.as_str()
    });
    let primary = all[0]["category"]["primary"].as_str().unwrap().to_owned();
    check(&format!("category={}", primary.to_lowercase()), &|t| {
        t["category"]["primary"] == primary.as_str()
            || t["category"]["detailed"] == primary.as_str()
    });
    let detailed = all[0]["category"]["detailed"].as_str().unwrap().to_owned();
    check(&format!("category={detailed}"), &|t| {
        t["category"]["detailed"] == detailed.as_str()
    });
    let named = all
        .iter()
        .find(|t| t["counterparty"]["key"].is_string())
        .expect("a transaction with a counterparty");
    let counterparty = named["counterparty"]["key"].as_str().unwrap().to_owned();
    check(
        &format!(
            "counterparty={}",
            counterparty.to_lowercase().replace(' ', "%20")
        ),
        &|t| t["counterparty"]["key"] == counterparty.as_str(),
    );
    check("q=ShopRite", &|t| {
        let text = |v: &Value| v.as_str().unwrap_or("").to_lowercase();
        text(&t["narration"]).contains("shoprite")
            || text(&t["counterparty"]["key"]).contains("shoprite")
            || text(&t["counterparty"]["name"]).contains("shoprite")
    });
    check("direction=debit&q=loan", &|t| {
        decimal(&t["amount"]) < Decimal::ZERO
            && (t["narration"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("loan")
                || t["counterparty"]["key"]
                    .as_str()
                    .is_some_and(|k| k.to_lowercase().contains("loan"))
                || t["counterparty"]["name"]
                    .as_str()
                    .is_some_and(|k| k.to_lowercase().contains("loan")))
    });

    for (query, parameter) in [
        ("from=2024-13-01", "from"),
        ("to=yesterday", "to"),
        ("min_amount=ten", "min_amount"),
        ("max_amount=-5", "max_amount"),
        ("direction=sideways", "direction"),
        ("limit=501", "limit"),
        ("limit=0", "limit"),
        ("cursor=not-ours", "cursor"),
        ("amount=5", "amount"),
        ("from=2024-02-01&to=2024-01-01", "from"),
    ] {
        let response = server.get(
            &format!("/v1/documents/{id}/transactions?{query}"),
            Some(&key),
        );
        let code = response.error_code(400);
        assert!(
            code == "invalid_parameter" || code == "unknown_parameter",
            "{query}: {code}"
        );
        assert_eq!(response.json()["error"]["field"], parameter, "{query}");
    }
    let bad = server.get(
        &format!("/v1/documents/{id}/statements?direction=debit"),
        Some(&key),
    );
    assert_eq!(bad.error_code(400), "unknown_parameter");
}

#[test]
fn api_another_tenant_and_unanalysed_documents_get_404_and_409() {
    let dir = temp_dir("api-ledger-tenants");
    let server = Server::start(&dir);
    let (_, key_a) = server.key("tenant-a");
    let (_, key_b) = server.key("tenant-b");
    let statement = sample(&dir, "csv", 30, "a.csv");
    let id = upload_file(&server, &key_a, &statement);
    server.wait_done(&key_a, &id);
    let reads = [
        format!("/v1/documents/{id}/statements"),
        format!("/v1/documents/{id}/transactions"),
        format!("/v1/documents/{id}/report.pdf"),
    ];
    let posts = [
        (format!("/v1/documents/{id}/scores"), "{}"),
        (
            format!("/v1/documents/{id}/affordability"),
            r#"{"dti":"0.3","tenure":6}"#,
        ),
    ];
    for path in &reads {
        assert_eq!(
            server.get(path, Some(&key_b)).error_code(404),
            "not_found",
            "{path}"
        );
        assert_eq!(server.get(path, Some(&key_a)).status, 200, "{path}");
    }
    for (path, body) in &posts {
        let foreign = server.request("POST", path, Some(&key_b), &[], body.as_bytes());
        assert_eq!(foreign.error_code(404), "not_found", "{path}");
        let own = server.request("POST", path, Some(&key_a), &[], body.as_bytes());
        assert_eq!(
            own.status,
            200,
            "{path}: {}",
            String::from_utf8_lossy(&own.body)
        );
    }
    // A failed document has nothing to list, report or score.
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "Date,Description,Amount,Balance\n2024-01-01,Coffee,abc,xyz\n",
    )
    .unwrap();
    let failed = upload_file(&server, &key_a, &bad);
    assert_eq!(server.wait_done(&key_a, &failed)["status"], "FAILED");
    for path in [
        format!("/v1/documents/{failed}/statements"),
        format!("/v1/documents/{failed}/transactions"),
        format!("/v1/documents/{failed}/report.pdf"),
    ] {
        let response = server.get(&path, Some(&key_a));
        assert_eq!(response.error_code(409), "not_analyzed", "{path}");
        assert_eq!(response.json()["error"]["status"], "FAILED");
    }
    let score = server.request(
        "POST",
        &format!("/v1/documents/{failed}/scores"),
        Some(&key_a),
        &[],
        b"{}",
    );
    assert_eq!(score.error_code(409), "not_analyzed");
}

#[test]
fn api_report_pdf_is_the_cli_report_and_the_same_bytes_every_time() {
    let dir = temp_dir("api-report");
    let server = Server::start(&dir);
    let (_, key) = server.key("acme");
    let statement = sample(&dir, "csv", 80, "statement.csv");
    let bytes = std::fs::read(&statement).unwrap();
    let response = server.upload(
        &key,
        &[
            ("file", Some("statement.csv"), &bytes),
            ("account_holder_name", None, b"Ada Obi"),
        ],
    );
    assert_eq!(response.status, 202);
    let id = response.json()["id"].as_str().unwrap().to_owned();
    let doc = server.wait_done(&key, &id);
    assert_eq!(doc["status"], "ANALYZED");
    let first = server.get(&format!("/v1/documents/{id}/report.pdf"), Some(&key));
    assert_eq!(first.status, 200);
    assert_eq!(first.header("content-type"), Some("application/pdf"));
    assert!(first.body.starts_with(b"%PDF-"));
    let second = server.get(&format!("/v1/documents/{id}/report.pdf"), Some(&key));
    assert!(first.body == second.body, "two downloads differ");
    // The report of `analyze --pdf` for the same file, dated the day the analysis finished.
    let finished = doc["finished_at"].as_str().unwrap();
    let out = dir.join("cli.pdf");
    let cli = ledgerlens([
        "analyze",
        statement.to_str().unwrap(),
        "--account-holder",
        "Ada Obi",
        "--pdf",
        out.to_str().unwrap(),
        "--report-date",
        &finished[..10],
    ]);
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let expected = std::fs::read(&out).unwrap();
    assert!(
        first.body == expected,
        "the API's report differs from the CLI's"
    );
    let seen: BTreeSet<usize> = [first.body.len(), expected.len()].into();
    assert_eq!(seen.len(), 1);
}
