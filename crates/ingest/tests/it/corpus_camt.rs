//! CAMT corpus: genkgo/camt (compared entry by entry with its JSON dumps), OCA
//! bank-statement-import (golden outputs) and ofxstatement-iso20022 (asserted values).

use chrono::NaiveDate;
use ledgerlens_core::{Amount, Currency, Document, Format, Statement};
use serde_json::Value;

use crate::support::{corpus_files, corpus_root, read_corpus};

/// Files that fail on purpose, with the error code our reader gives.
const EXPECTED_FAILURES: &[(&str, &str)] = &[
    // A group header and no Stmt at all.
    (
        "genkgo-camt/test/data/camt053.v2.wrong.xml",
        "no_statements",
    ),
    // `urn:weird-namespace`: not an ISO 20022 camt document (upstream expects a ParseError).
    (
        "ofxstatement-iso20022/tests/samples/unsupported.xml",
        "unsupported_format",
    ),
];

const OCA: &str = "oca-bank-statement-import/account_statement_import_camt/test_files";

fn camt_files() -> Vec<String> {
    let mut files = corpus_files("genkgo-camt", &[".xml"]);
    files.extend(corpus_files("ofxstatement-iso20022", &[".xml"]));
    // OCA's camt inputs have no extension; the zip and the golden .pydata files are not inputs.
    files.extend(corpus_files(
        OCA,
        &[
            "test-camt053",
            "test-camt053-txdtls",
            "test-camt053-no-ntry",
            "test-camt054",
        ],
    ));
    files
}

#[test]
fn every_camt_file_parses_or_fails_as_expected() {
    let files = camt_files();
    if files.is_empty() {
        return;
    }
    assert_eq!(files.len(), 26 + 6 + 4, "genkgo, kedder and OCA inputs");
    let mut problems = Vec::new();
    for file in &files {
        let result = read_corpus(file).expect("corpus present");
        let expected = EXPECTED_FAILURES
            .iter()
            .find(|(f, _)| f == file)
            .map(|(_, code)| *code);
        match (result, expected) {
            (Ok(doc), None) if doc.format == Format::Camt053 => {}
            (Ok(doc), None) => problems.push(format!("{file}: read as {}", doc.format)),
            (Ok(_), Some(code)) => {
                problems.push(format!("{file}: parsed, but {code} was expected"))
            }
            (Err(e), None) => problems.push(format!("{file}: {e} ({})", e.code())),
            (Err(e), Some(code)) if e.code() != code => {
                problems.push(format!("{file}: {e}, expected {code}"))
            }
            (Err(_), Some(_)) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn load(relative: &str) -> Value {
    let root = corpus_root().expect("corpus present");
    serde_json::from_slice(&std::fs::read(root.join(relative)).expect("readable")).expect("json")
}

fn money(value: &Value) -> (i64, Currency) {
    let minor = value["getAmount"]
        .as_str()
        .expect("minor units")
        .parse()
        .expect("integer");
    let currency =
        Currency::parse(value["getCurrency"]["getCode"].as_str().expect("code")).expect("currency");
    (minor, currency)
}

fn minor(amount: Amount, currency: Currency) -> i64 {
    amount
        .to_minor(currency.minor_units())
        .expect("representable in minor units")
}

/// genkgo's dump: `getEntries` lists the entries of the LAST record, each in minor units of its
/// own currency; the first entry's `getRecord` holds that record's balances.
#[test]
fn genkgo_json_dumps_match_every_entry_and_balance() {
    let files = corpus_files("genkgo-camt/test/data", &[".json"]);
    if files.is_empty() {
        return;
    }
    assert_eq!(files.len(), 25);
    for file in &files {
        let expected = load(file);
        let doc = read_corpus(&file.replace(".json", ".xml"))
            .expect("corpus")
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let s = doc.statements.last().expect("a statement");
        let entries = expected["getEntries"].as_array().expect("entries");
        assert_eq!(s.transactions.len(), entries.len(), "{file}: entries");
        for (t, e) in s.transactions.iter().zip(entries) {
            let (want, currency) = money(&e["getAmount"]);
            assert_eq!(s.currency, currency, "{file}: entry currency");
            assert_eq!(minor(t.amount, currency), want, "{file}: entry amount");
            let indicator = e["getCreditDebitIndicator"].as_str().unwrap_or_default();
            assert_eq!(
                t.amount.is_negative(),
                indicator == "DBIT",
                "{file}: {indicator}"
            );
        }
        let Some(balances) = entries
            .first()
            .and_then(|e| e["getRecord"]["getBalances"].as_array())
        else {
            continue;
        };
        let of_type = |kind: &str| -> Vec<i64> {
            balances
                .iter()
                .filter(|b| b["getType"] == kind)
                .map(|b| money(&b["getAmount"]))
                .filter(|(_, c)| *c == s.currency)
                .map(|(m, _)| m)
                .collect()
        };
        let ours = |a: Option<Amount>| a.map(|a| minor(a, s.currency));
        if let Some(&first) = of_type("opening").first() {
            assert_eq!(ours(s.opening_balance), Some(first), "{file}: opening");
        }
        if let Some(&last) = of_type("closing").last() {
            assert_eq!(ours(s.closing_balance), Some(last), "{file}: closing");
        }
        if let Some(&last) = of_type("closing_available").last() {
            assert_eq!(ours(s.available_balance), Some(last), "{file}: available");
        }
    }
}

#[test]
fn genkgo_end_to_end_assertions_hold() {
    let Some(doc) = read_corpus("genkgo-camt/test/data/camt053.v2.minimal.xml") else {
        return;
    };
    let doc = doc.expect("parses");
    let s = &doc.statements[0];
    assert_eq!(
        s.account.iban.as_ref().map(|i| i.reveal()),
        Some("NL26VAYB8060476890")
    );
    assert_eq!(s.opening_balance, Amount::parse("18.15").ok());
    // The closing (SEK) and available (JPY) balances are in other currencies than the EUR account.
    assert_eq!(s.closing_balance, None);
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.contains("CLBD balance in SEK ignored")),
        "{:?}",
        doc.warnings
    );
    let t = &s.transactions[0];
    assert_eq!(t.amount, Amount::parse("8.85").unwrap());
    assert_eq!(t.date, NaiveDate::from_ymd_opt(2014, 12, 31).unwrap());
    assert_eq!(t.value_date, NaiveDate::from_ymd_opt(2015, 1, 2));
    assert_eq!(t.description, "4654654654654654");
}

#[test]
fn a_multi_statement_document_gives_one_statement_each() {
    let Some(doc) = read_corpus("genkgo-camt/test/data/camt053.v2.multi.statement.xml") else {
        return;
    };
    let doc = doc.expect("parses");
    let balances: Vec<_> = doc
        .statements
        .iter()
        .map(|s| (s.opening_balance, s.closing_balance))
        .collect();
    let a = |t: &str| Amount::parse(t).ok();
    assert_eq!(
        balances,
        [(a("18.15"), a("27.00")), (a("27.00"), a("20.00"))]
    );
    assert!(
        doc.statements
            .iter()
            .all(|s| s.reconciliation.totals.as_ref().is_some_and(|t| t.holds))
    );
}

fn single(doc: &Document) -> &Statement {
    assert_eq!(doc.statements.len(), 1);
    &doc.statements[0]
}

#[test]
fn oca_golden_statements_match() {
    let Some(doc) = read_corpus(&format!("{OCA}/test-camt053")) else {
        return;
    };
    let doc = doc.expect("parses");
    let golden = load("oca-bank-statement-import/expected_json/golden-camt053.json");
    let s = single(&doc);
    let want = &golden["statements"][0];
    assert_eq!(s.currency.code(), golden["currency"]);
    assert_eq!(
        s.account.iban.as_ref().map(|i| i.reveal()),
        golden["account_number"].as_str()
    );
    assert_eq!(
        s.opening_balance,
        Amount::parse(&want["balance_start"].to_string()).ok()
    );
    assert_eq!(
        s.closing_balance,
        Amount::parse(&want["balance_end_real"].to_string()).ok()
    );
    // OCA splits the batched entry (two returned direct debits, -564.05 and -100.00) into two
    // lines; we keep the one entry that hit the balance and describe both parts.
    let amounts: Vec<String> = s
        .transactions
        .iter()
        .map(|t| t.amount.to_string())
        .collect();
    assert_eq!(amounts, ["-754.25", "-664.05", "1405.31"]);
    let first = &s.transactions[0];
    assert_eq!(
        first.reference.as_deref(),
        Some("435005714488-ABNO33052620")
    );
    assert_eq!(
        first.counterparty.account.as_deref(),
        Some("NL46ABNA0499998748")
    );
    assert_eq!(
        first.counterparty.name.as_deref(),
        Some("INSURANCE COMPANY TESTX")
    );
    assert_eq!(first.bank_code.as_deref(), Some("PMNT/RDDT/ESDD"));
    assert!(
        s.transactions[1]
            .description
            .contains("Test Customer: Direct Debit S14 0410")
    );

    let Some(doc) = read_corpus(&format!("{OCA}/test-camt053-txdtls")) else {
        return;
    };
    let doc = doc.expect("parses");
    let s = single(&doc);
    assert_eq!(s.currency.code(), "CHF");
    assert_eq!(
        s.account.number.as_ref().map(|n| n.reveal()),
        Some("CH1111000000123456789")
    );
    assert_eq!(s.opening_balance, Amount::parse("75960.15").ok());
    assert_eq!(s.closing_balance, Amount::parse("79443.15").ok());
    // Golden: 2187.00 + 1296.00, two parts of one batched credit of 3483.00.
    assert_eq!(s.transactions.len(), 1);
    assert_eq!(s.transactions[0].amount, Amount::parse("3483.00").unwrap());
    assert_eq!(
        s.reconciliation.totals.as_ref().map(|t| t.holds),
        Some(true)
    );

    // No entries: OCA imports nothing; we keep the balances-only statement (opening = closing).
    let Some(doc) = read_corpus(&format!("{OCA}/test-camt053-no-ntry")) else {
        return;
    };
    let doc = doc.expect("parses");
    let s = single(&doc);
    assert!(s.transactions.is_empty());
    assert_eq!(s.opening_balance, s.closing_balance);

    let Some(doc) = read_corpus(&format!("{OCA}/test-camt054")) else {
        return;
    };
    let doc = doc.expect("parses");
    let s = single(&doc);
    assert_eq!(s.currency.code(), "EUR");
    assert_eq!(
        s.account.iban.as_ref().map(|i| i.reveal()),
        Some("NL77ABNA0574908765")
    );
    let t = &s.transactions[0];
    assert_eq!(
        (t.amount, t.date),
        (
            Amount::parse("5.00").unwrap(),
            NaiveDate::from_ymd_opt(2022, 1, 26).unwrap()
        )
    );
    assert_eq!(t.counterparty.name.as_deref(), Some("Test Customer"));
}

#[test]
fn kedder_samples_match_the_upstream_assertions() {
    let samples = "ofxstatement-iso20022/tests/samples";
    let Some(doc) = read_corpus(&format!("{samples}/simple.xml")) else {
        return;
    };
    let doc = doc.expect("parses");
    let s = single(&doc);
    assert_eq!(
        s.account.number.as_ref().map(|n| n.reveal()),
        Some("LT000000000000000000")
    );
    assert_eq!(
        (s.currency.code(), s.account.bank_id.as_deref()),
        ("EUR", Some("AGBLLT2XXXX"))
    );
    assert_eq!(
        (s.opening_balance, s.closing_balance),
        (Amount::parse("306.53").ok(), Amount::parse("125.52").ok())
    );
    assert_eq!(s.transactions.len(), 4);
    assert!(s.transactions.iter().all(|t| !t.amount.is_zero()));
    let t = &s.transactions[0];
    assert_eq!(t.amount, Amount::parse("-0.29").unwrap());
    assert_eq!(t.description, "Sąskaitos aptarnavimo mokestis");
    assert_eq!(t.date, NaiveDate::from_ymd_opt(2015, 12, 31).unwrap());
    assert_eq!(t.value_date, NaiveDate::from_ymd_opt(2016, 1, 1));
    assert_eq!(t.counterparty.name.as_deref(), Some("AB DNB Bankas"));
    assert_eq!(t.reference.as_deref(), Some("FC1261858984"));
    assert_eq!(
        s.reconciliation.totals.as_ref().map(|t| t.holds),
        Some(true)
    );

    // No currency anywhere but "XXX": the caller's default applies (upstream needs one configured).
    let Some(doc) = read_corpus(&format!("{samples}/gcamp6.xml")) else {
        return;
    };
    let doc = doc.expect("parses");
    let s = single(&doc);
    assert_eq!(
        s.account.iban.as_ref().map(|i| i.reveal()),
        Some("CH2609000000924238861")
    );
    assert_eq!(s.account.bank_id, None);
    assert_eq!(
        (s.opening_balance, s.closing_balance),
        (Amount::parse("0").ok(), Amount::parse("10000").ok())
    );
    assert_eq!(s.transactions.len(), 5);
    let t = &s.transactions[0];
    assert_eq!(
        (t.amount, t.description.as_str()),
        (Amount::parse("10000").unwrap(), "Account Transfer")
    );
    assert_eq!(t.date, NaiveDate::from_ymd_opt(2016, 4, 23).unwrap());
    assert_eq!(
        t.reference.as_deref(),
        Some("20160423000805545979476000000012")
    );
    assert_eq!(t.counterparty.name, None);

    let Some(doc) = read_corpus(&format!("{samples}/davider80.xml")) else {
        return;
    };
    let doc = doc.expect("parses");
    let s = single(&doc);
    assert_eq!(s.account.bank.as_deref(), Some("Raiffeisen"));
    assert_eq!(
        (s.opening_balance, s.closing_balance),
        (Amount::parse("9433.31").ok(), Amount::parse("5753.46").ok())
    );
    assert_eq!(s.transactions.len(), 16);
    let t = &s.transactions[0];
    assert_eq!(t.amount, Amount::parse("-905.30").unwrap());
    assert_eq!(
        t.description,
        "Sistema di addebitamento diretto xxxxxxxxxxxxxxxxxxxxxx AG"
    );
    assert_eq!(
        (t.date, t.value_date),
        (
            NaiveDate::from_ymd_opt(2017, 4, 1).unwrap(),
            NaiveDate::from_ymd_opt(2017, 4, 3)
        )
    );
    assert_eq!(
        t.reference.as_deref(),
        Some("210564431020000000024556150000")
    );
    assert_eq!(
        s.reconciliation.totals.as_ref().map(|t| t.holds),
        Some(true)
    );

    let Some(doc) = read_corpus(&format!("{samples}/camt052.xml")) else {
        return;
    };
    let doc = doc.expect("parses");
    let s = single(&doc);
    assert_eq!(
        (s.currency.code(), s.account.bank_id.as_deref()),
        ("EUR", Some("PZHSDE66XXX"))
    );
    assert_eq!(
        (s.opening_balance, s.closing_balance),
        (Amount::parse("268.35").ok(), Amount::parse("16.95").ok())
    );
    assert_eq!(s.transactions.len(), 5);
    let t = &s.transactions[0];
    assert_eq!(t.date, NaiveDate::from_ymd_opt(2021, 2, 5).unwrap());
    assert_eq!(
        t.counterparty.name.as_deref(),
        Some("SPARKASSE PFORZHEIM CALW")
    );
    assert_eq!(t.reference.as_deref(), Some("NONREF"));
    assert_eq!(
        s.reconciliation.totals.as_ref().map(|t| t.holds),
        Some(true)
    );

    let Some(doc) = read_corpus(&format!("{samples}/camt053.xml")) else {
        return;
    };
    let doc = doc.expect("parses");
    let s = single(&doc);
    assert_eq!(
        (s.currency.code(), s.account.bank.as_deref()),
        ("CHF", Some("SAMPLEBANK222"))
    );
    assert_eq!(
        (s.opening_balance, s.closing_balance),
        (Amount::parse("832.01").ok(), Amount::parse("2116.31").ok())
    );
    let t = &s.transactions[0];
    assert_eq!(
        (t.amount, t.description.as_str()),
        (Amount::parse("1284.30").unwrap(), "PAYMENT INFO")
    );
}

#[test]
fn notifications_and_reports_keep_their_pending_entries() {
    let Some(doc) = read_corpus("genkgo-camt/test/data/camt052.v4.xml") else {
        return;
    };
    let doc = doc.expect("parses");
    let t = &doc.statements[0].transactions[0];
    assert_eq!(t.amount, Amount::parse("-200000").unwrap());
    assert!(
        t.bank_code.as_deref().is_some_and(|c| c.ends_with("PDNG")),
        "{:?}",
        t.bank_code
    );
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.contains("pending entries kept")),
        "{:?}",
        doc.warnings
    );
}
