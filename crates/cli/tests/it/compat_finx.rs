//! finleap finX Risk Report (spec 002) at `/compat/finx`, over real HTTP against the real
//! binary: a report created from uploaded statements, fetched with `GET /rest/risk-reports/{id}`
//! and checked field by field (presence and type) against the spec's example; a report over
//! several statements is the analysis of their union; 400 and 401 where the spec names them.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::compat_sopra::assert_shape;
use crate::serve::{Response, Server, multipart};
use crate::temp_dir;

const MOUNT: &str = "/compat/finx";

/// Spec 002: `GET /rest/risk-reports/{id}`, as printed.
const SPEC_REPORT: &str = r#"{
  "period": 12,
  "accounts": [
    {
      "name": "FlexiCash",
      "type": "Giro account",
      "owners": [
        "Max Mustermann, Erika Mustermann"
      ],
      "iban": "DE93300308800013441006",
      "currency": "EUR",
      "is_jointly_managed": true,
      "is_main_account": true,
      "last_transaction_on": "2023-01-14",
      "balance": {
        "days_in_overdraft": 0,
        "average": {
          "one_month": 1234.56,
          "three_months": 234.56,
          "six_months": 562.67
        }
      },
      "verification_result": {
        "provided": {
          "name": "Max Mustermann",
          "iban": "DE93300308800013441006"
        },
        "matched": {
          "name": "Max Mustermann",
          "affinity": "VERY_HIGH"
        }
      }
    }
  ],
  "income": {
    "regular": [
      {
        "total": 1234.56,
        "low": -220.2,
        "high": 1400.5,
        "average": 2123.25,
        "count": 14,
        "href": "https://finx-s.finleap.cloud/rest/transactions?categories=3,14&since=2020-01-01&until=2020-01-31",
        "category": {
          "id": 123,
          "name": "Online-Shopping"
        },
        "first_booked_on": "2023-01-14",
        "last_booked_on": "2023-01-14"
      }
    ],
    "variable": [
      {
        "total": 1234.56,
        "low": -220.2,
        "high": 1400.5,
        "average": 2123.25,
        "count": 14,
        "href": "https://finx-s.finleap.cloud/rest/transactions?categories=3,14&since=2020-01-01&until=2020-01-31",
        "category": {
          "id": 123,
          "name": "Online-Shopping"
        },
        "first_booked_on": "2023-01-14",
        "last_booked_on": "2023-01-14"
      }
    ],
    "primary": {
      "recurrence": "monthly",
      "stability": 0.5,
      "total": 1234.56,
      "low": -220.2,
      "high": 1400.5,
      "average": 2123.25,
      "count": 14,
      "href": "https://finx-s.finleap.cloud/rest/transactions?categories=3,14&since=2020-01-01&until=2020-01-31",
      "category": {
        "id": 123,
        "name": "Online-Shopping"
      },
      "first_booked_on": "2023-01-14",
      "last_booked_on": "2023-01-14",
      "payment_partner": {
        "id": "6702b891-b8e6-4892-8615-5440e39d3d0e",
        "name": "Some Supermarket GmbH"
      }
    },
    "closeness": 10,
    "consumption_rate": 0.5
  },
  "expenses": {
    "regular": [
      {
        "total": 1234.56,
        "low": -220.2,
        "high": 1400.5,
        "average": 2123.25,
        "count": 14,
        "href": "https://finx-s.finleap.cloud/rest/transactions?categories=3,14&since=2020-01-01&until=2020-01-31",
        "category": {
          "id": 123,
          "name": "Online-Shopping"
        },
        "first_booked_on": "2023-01-14",
        "last_booked_on": "2023-01-14",
        "ratio_to_income": 98
      }
    ],
    "variable": [
      {
        "total": 1234.56,
        "low": -220.2,
        "high": 1400.5,
        "average": 2123.25,
        "count": 14,
        "href": "https://finx-s.finleap.cloud/rest/transactions?categories=3,14&since=2020-01-01&until=2020-01-31",
        "category": {
          "id": 123,
          "name": "Online-Shopping"
        },
        "first_booked_on": "2023-01-14",
        "last_booked_on": "2023-01-14",
        "ratio_to_income": 98
      }
    ]
  },
  "atm": {
    "total": 1234.56,
    "low": -220.2,
    "high": 1400.5,
    "average": 2123.25,
    "count": 14,
    "href": "https://finx-s.finleap.cloud/rest/transactions?categories=3,14&since=2020-01-01&until=2020-01-31"
  },
  "gambling": {
    "total": 1234.56,
    "low": -220.2,
    "high": 1400.5,
    "average": 2123.25,
    "count": 14,
    "href": "https://finx-s.finleap.cloud/rest/transactions?categories=3,14&since=2020-01-01&until=2020-01-31",
    "ratio_to_income": 0
  },
  "debt_collection": {
    "total": 1234.56,
    "low": -220.2,
    "high": 1400.5,
    "average": 2123.25,
    "count": 14,
    "href": "https://finx-s.finleap.cloud/rest/transactions?categories=3,14&since=2020-01-01&until=2020-01-31"
  },
  "loan": {
    "total": 1234.56,
    "low": -220.2,
    "high": 1400.5,
    "average": 2123.25,
    "count": 14,
    "href": "https://finx-s.finleap.cloud/rest/transactions?categories=3,14&since=2020-01-01&until=2020-01-31",
    "ratio_to_income": 0
  }
}"#;

/// A year of a German giro account (the spec's example account) as ISO 20022 camt.053, the
/// months `from..=to` of 2023: a monthly salary, rent, a subscription, cash, betting, a loan,
/// shopping, and three one-off credits. Amounts in cents, so the balances are exact.
fn camt053(from: u32, to: u32) -> Vec<u8> {
    let mut entries: Vec<(String, i64, &str)> = Vec::new();
    let day = |month: u32, day: u32| format!("2023-{month:02}-{day:02}");
    for month in 1..=12u32 {
        let m = i64::from(month);
        entries.push((
            day(month, 1),
            -110_000,
            "DAUERAUFTRAG MIETE HAUSVERWALTUNG SCHMIDT",
        ));
        entries.push((day(month, 5), -4_599, "DSTV SUBSCRIPTION"));
        entries.push((day(month, 10), -20_000 - 100 * m, "ATM WDL SPARKASSE"));
        entries.push((day(month, 12), -3_000 - 100 * m, "BET9JA DEPOSIT"));
        entries.push((day(month, 15), -25_000, "LOAN REPAYMENT CARBON"));
        entries.push((
            day(month, 18),
            -8_000 - 317 * m,
            "POS PURCHASE SHOPRITE LEKKI",
        ));
        entries.push((
            day(month, 22),
            -6_000 - 250 * m,
            "POS PURCHASE SHOPRITE LEKKI",
        ));
        entries.push((day(month, 27), 320_000, "SALARY ACME GMBH"));
    }
    entries.push((day(3, 9), 41_250, "DIVIDEND PAYMENT ALLIANZ"));
    entries.push((day(7, 21), 98_000, "BONUS ACME GMBH"));
    entries.push((day(11, 3), 13_310, "INTEREST CREDIT"));
    entries.sort();
    let first = day(from, 1);
    let last = day(to, if to == 2 { 28 } else { 30 });
    let mut balance: i64 = 150_000;
    let mut opening = balance;
    let mut rows = String::new();
    for (n, (date, cents, text)) in entries.iter().enumerate() {
        if *date < first {
            balance += cents;
            opening = balance;
            continue;
        }
        if *date > last {
            break;
        }
        balance += cents;
        let (sign, amount) = if *cents > 0 {
            ("CRDT", *cents)
        } else {
            ("DBIT", -cents)
        };
        rows.push_str(&format!(
            "<Ntry><NtryRef>{n}</NtryRef><Amt Ccy=\"EUR\">{}.{:02}</Amt><CdtDbtInd>{sign}</CdtDbtInd>\
             <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{date}</Dt></BookgDt><ValDt><Dt>{date}</Dt></ValDt>\
             <NtryDtls><TxDtls><RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n",
            amount / 100,
            amount % 100
        ));
    }
    let bal = |code: &str, cents: i64, date: &str| {
        let sign = if cents >= 0 { "CRDT" } else { "DBIT" };
        format!(
            "<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{}.{:02}</Amt>\
             <CdtDbtInd>{sign}</CdtDbtInd><Dt><Dt>{date}</Dt></Dt></Bal>",
            cents.abs() / 100,
            cents.abs() % 100
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>\
         <GrpHdr><MsgId>M{from}</MsgId><CreDtTm>{last}T23:59:59</CreDtTm></GrpHdr><Stmt>\
         <Id>S{from}</Id><CreDtTm>{last}T23:59:59</CreDtTm>\
         <FrToDt><FrDtTm>{first}T00:00:00</FrDtTm><ToDtTm>{last}T23:59:59</ToDtTm></FrToDt>\
         <Acct><Id><IBAN>DE93300308800013441006</IBAN></Id><Ccy>EUR</Ccy>\
         <Ownr><Nm>Max Mustermann</Nm></Ownr><Svcr><FinInstnId><BICFI>COBADEFFXXX</BICFI>\
         <Nm>FlexiCash</Nm></FinInstnId></Svcr></Acct>{}{}\n{rows}</Stmt></BkToCstmrStmt></Document>\n",
        bal("OPBD", opening, &first),
        bal("CLBD", balance, &last),
    )
    .into_bytes()
}

fn create(server: &Server, key: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Response {
    let (content_type, body) = multipart(parts);
    server.request(
        "POST",
        &format!("{MOUNT}/rest/risk-reports"),
        None,
        &[
            ("Authorization", &format!("Bearer {key}")),
            ("Content-Type", &content_type),
        ],
        &body,
    )
}

fn fetch(server: &Server, key: &str, id: &str) -> Response {
    server.request(
        "GET",
        &format!("{MOUNT}/rest/risk-reports/{id}"),
        None,
        &[("Authorization", &format!("Bearer {key}"))],
        b"",
    )
}

/// Polls the report through its 202s until it answers otherwise.
fn wait_report(server: &Server, key: &str, id: &str) -> Response {
    let started = Instant::now();
    loop {
        let response = fetch(server, key, id);
        if response.status != 202 {
            return response;
        }
        assert_eq!(response.json()["status"], "PROCESSING");
        assert_eq!(response.header("retry-after"), Some("5"));
        assert!(started.elapsed() < Duration::from_secs(60), "never ready");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn created_id(response: &Response) -> String {
    assert_eq!(
        response.status,
        201,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()["id"].as_str().unwrap().to_owned()
}

#[test]
fn finx_risk_report_replays_the_spec() {
    let dir = temp_dir("finx-flow");
    let server = Server::start(&dir);
    let (_, key) = server.key("finx-lender");
    let year = camt053(1, 12);
    let id = created_id(&create(
        &server,
        &key,
        &[
            ("name", None, b"Max Mustermann"),
            ("iban", None, b"DE93 3003 0880 0013 4410 06"),
            ("file", Some("giro-2023.xml"), &year),
        ],
    ));
    let response = wait_report(&server, &key, &id);
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let report = response.json();
    assert_shape("GET /rest/risk-reports/{id}", SPEC_REPORT, &report, &[]);

    // The figures are this statement's, and what the lender provided is what it sent.
    assert_eq!(report["period"], 12);
    let account = &report["accounts"][0];
    assert_eq!(account["currency"], "EUR");
    assert_eq!(account["name"], "FlexiCash");
    assert_eq!(account["owners"], json!(["Max Mustermann"]));
    assert_eq!(
        account["verification_result"],
        json!({
            "provided": {"name": "Max Mustermann", "iban": "DE93300308800013441006"},
            "matched": {"name": "Max Mustermann", "affinity": "VERY_HIGH"}
        })
    );
    let primary = &report["income"]["primary"];
    assert_eq!(primary["recurrence"], "monthly");
    assert_eq!(primary["count"], 12);
    assert_eq!(primary["total"], 38400.0);
    assert_eq!(report["loan"]["total"], -3000.0);

    // The report is the stored finx profile of the uploaded document (plus the provided IBAN).
    let case = server
        .get(&format!("/v1/cases/{id}/documents"), Some(&key))
        .json();
    let document = case["data"][0]["id"].as_str().unwrap();
    let mut stored = server
        .get(
            &format!("/v1/documents/{document}/analysis?profile=finx"),
            Some(&key),
        )
        .json();
    stored["accounts"][0]["verification_result"]["provided"]["iban"] =
        json!("DE93300308800013441006");
    assert_eq!(report, stored);
}

#[test]
fn finx_report_over_several_statements_is_the_analysis_of_their_union() {
    let dir = temp_dir("finx-union");
    let server = Server::start(&dir);
    let (_, key) = server.key("finx-union");
    let whole = created_id(&create(
        &server,
        &key,
        &[
            ("name", None, b"Max Mustermann"),
            ("file", Some("2023.xml"), &camt053(1, 12)),
        ],
    ));
    let halves = created_id(&create(
        &server,
        &key,
        &[
            ("name", None, b"Max Mustermann"),
            ("iban", None, b"DE93300308800013441006"),
            ("file", Some("h1.xml"), &camt053(1, 6)),
            ("file", Some("h2.xml"), &camt053(7, 12)),
        ],
    ));
    let whole = wait_report(&server, &key, &whole);
    let split = wait_report(&server, &key, &halves);
    assert_eq!(
        split.status,
        200,
        "{}",
        String::from_utf8_lossy(&split.body)
    );
    let split = split.json();
    assert_shape("report of two statements", SPEC_REPORT, &split, &[]);
    // Two halves of one account merge into that account: the report of the whole year.
    assert_eq!(split["accounts"].as_array().unwrap().len(), 1);
    assert_eq!(split["income"], whole.json()["income"]);
    assert_eq!(split["expenses"], whole.json()["expenses"]);
    assert_eq!(split["period"], 12);
    // Computed once, then read back the same.
    assert_eq!(fetch(&server, &key, &halves).json(), split);
}

#[test]
fn finx_answers_400_and_401_as_the_spec_says() {
    let dir = temp_dir("finx-errors");
    let server = Server::start(&dir);
    let (_, key) = server.key("finx-errors");
    let year = camt053(1, 12);
    let id = created_id(&create(&server, &key, &[("file", Some("y.xml"), &year)]));

    // 401: no credentials, an unknown key, a malformed bearer token.
    let path = format!("{MOUNT}/rest/risk-reports/{id}");
    assert_eq!(
        server.get(&path, None).error_code(401),
        "missing_credentials"
    );
    assert_eq!(
        fetch(&server, "llk_unknown", &id).error_code(401),
        "invalid_credentials"
    );
    assert_eq!(
        fetch(&server, "a.b.c", &id).error_code(401),
        "invalid_token"
    );
    let (content_type, body) = multipart(&[("file", Some("y.xml"), &year)]);
    let anonymous = server.request(
        "POST",
        &format!("{MOUNT}/rest/risk-reports"),
        None,
        &[("Content-Type", &content_type)],
        &body,
    );
    assert_eq!(anonymous.error_code(401), "missing_credentials");

    // 400: malformed id, no file, an unknown field, a file that is no statement, no multipart.
    assert_eq!(
        fetch(&server, &key, "not-an-id").error_code(400),
        "invalid_parameter"
    );
    let field = |r: &Response| r.json()["error"]["field"].clone();
    let no_file = create(&server, &key, &[("name", None, b"Max")]);
    assert_eq!(field(&no_file), "file");
    assert_eq!(no_file.error_code(400), "missing_field");
    let unknown = create(&server, &key, &[("statement", Some("y.xml"), &year)]);
    assert_eq!(unknown.error_code(400), "unknown_field");
    let picture = create(
        &server,
        &key,
        &[("file", Some("cat.gif"), b"GIF89a\x01\x00\x01\x00")],
    );
    assert_eq!(picture.error_code(400), "unsupported_file");
    let json_body = server.request(
        "POST",
        &format!("{MOUNT}/rest/risk-reports"),
        Some(&key),
        &[("Content-Type", "application/json")],
        br#"{"file": "y.xml"}"#,
    );
    assert_eq!(json_body.error_code(400), "malformed_multipart");
    // Nothing was stored for the refused ones: the tenant has the one report's case only.
    assert_eq!(
        server.get("/v1/cases", Some(&key)).json()["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // 404: a well-formed id the tenant has no report of — another tenant's, or a native case.
    let (_, stranger) = server.key("finx-stranger");
    assert_eq!(fetch(&server, &stranger, &id).error_code(404), "not_found");
    let native_case = server.request(
        "POST",
        "/v1/cases",
        Some(&key),
        &[("Content-Type", "application/json")],
        br#"{"kind": "person", "name": "Erika"}"#,
    );
    let native_id = native_case.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        fetch(&server, &key, &native_id).error_code(404),
        "not_found"
    );

    // 422: statements that could not be analysed.
    let empty = created_id(&create(
        &server,
        &key,
        &[(
            "file",
            Some("empty.csv"),
            b"Date,Description,Amount,Balance\n",
        )],
    ));
    let failed = wait_report(&server, &key, &empty);
    assert_eq!(failed.error_code(422), "analysis_failed");
    let value: Value = failed.json();
    assert_eq!(value["error"]["failures"][0]["code"], "no_statements");
    // The good report is still there.
    assert_eq!(wait_report(&server, &key, &id).status, 200);
}
