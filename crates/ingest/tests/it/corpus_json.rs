//! Corpus tests for the aggregator JSON readers: every file of `api-samples`, against EXPECTED.md.

use chrono::NaiveDate;
use ledgerlens_core::{Amount, Format};
use ledgerlens_ingest::{IngestError, detect_format};

use crate::support::{corpus_file, read_corpus};

fn amount(text: &str) -> Amount {
    Amount::parse(text).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn error(relative: &str) -> Option<IngestError> {
    Some(read_corpus(relative)?.expect_err("this sample must be refused"))
}

#[test]
fn mono_v2_verbatim_with_its_trailing_comma_reads_two_debits_in_kobo() {
    let Some(doc) = read_corpus("api-samples/mono/mono_v2_transactions_docs_example.verbatim.json")
    else {
        return;
    };
    let doc = doc.unwrap();
    assert_eq!(doc.format, Format::MonoJson);
    assert!(
        doc.warnings.iter().any(|w| w.contains("trailing comma")),
        "{:?}",
        doc.warnings
    );
    let s = &doc.statements[0];
    assert_eq!(s.currency.code(), "NGN");
    assert_eq!(s.transactions.len(), 2);
    // Newest first in the file; oldest first after reading.
    let older = &s.transactions[0];
    assert_eq!(
        (older.date, older.amount, older.balance),
        (date(2023, 12, 9), amount("-10.00"), Some(amount("20.00")))
    );
    assert_eq!(
        older.description,
        "0000132312091322123456789012345 NIP TRANSFER"
    );
    assert_eq!(older.bank_code.as_deref(), Some("bank_charges"));
    let newer = &s.transactions[1];
    assert_eq!(
        (newer.date, newer.amount, newer.balance),
        (date(2023, 12, 14), amount("-5.00"), Some(amount("15.00")))
    );
    assert_eq!(newer.description, "PG00001");
    assert_eq!(newer.bank_code.as_deref(), Some("unknown"));
    assert_eq!(newer.reference.as_deref(), Some("66141bbff58d2687e7d91234"));
}

#[test]
fn mono_v1_paging_verbatim_reads_kobo_amounts_and_balances() {
    let Some(doc) =
        read_corpus("api-samples/mono/mono_v1_transactions_paging_docs_example.verbatim.json")
    else {
        return;
    };
    let doc = doc.unwrap();
    assert_eq!(doc.format, Format::MonoJson);
    assert!(
        doc.warnings.iter().any(|w| w.contains("trailing comma")),
        "{:?}",
        doc.warnings
    );
    let s = &doc.statements[0];
    assert_eq!(s.transactions.len(), 2);
    let debit = s
        .transactions
        .iter()
        .find(|t| t.amount.is_negative())
        .unwrap();
    assert_eq!(
        (debit.amount, debit.balance),
        (amount("-1470.85"), Some(amount("10218.41")))
    );
    assert_eq!(
        debit.description,
        "VC POS Loc-215016609012--BOLA NURAT YUSUFF OY NG"
    );
    assert_eq!(debit.bank_code.as_deref(), Some("online_transactions"));
    let credit = s
        .transactions
        .iter()
        .find(|t| !t.amount.is_negative())
        .unwrap();
    assert_eq!(
        (credit.amount, credit.balance),
        (amount("3000.09"), Some(amount("11689.26")))
    );
    assert_eq!(credit.bank_code.as_deref(), Some("transfer"));
    assert!(s.transactions.iter().all(|t| t.date == date(2022, 5, 30)));
}

#[test]
fn mono_v1_reads_one_credit_with_a_zero_balance() {
    let Some(doc) = read_corpus("api-samples/mono/mono_v1_transactions_docs_example.json") else {
        return;
    };
    let doc = doc.unwrap();
    // Only the balances the running balance implies are worth a word: nothing else is odd.
    assert_eq!(
        doc.warnings,
        [
            "statement 1: opening balance -90.00 implied by the first row's running balance",
            "statement 1: closing balance 0.00 taken from the last row's running balance",
        ],
    );
    let s = &doc.statements[0];
    assert_eq!(s.transactions.len(), 1);
    let t = &s.transactions[0];
    assert_eq!(
        (t.date, t.amount, t.balance),
        (date(2023, 10, 6), amount("90.00"), Some(amount("0.00")))
    );
    assert_eq!(t.description, "NIP/KUDA/SAMUEL OLAMIDE/TRANSFER 1");
    assert_eq!(
        s.account.currency.map(|c| c.to_string()).as_deref(),
        Some("NGN")
    );
}

#[test]
fn mono_telco_reads_three_rows_and_reports_its_inconsistent_balances() {
    let Some(doc) = read_corpus("api-samples/mono/mono_telco_transactions_docs_example.json")
    else {
        return;
    };
    let s = &doc.unwrap().statements[0];
    assert_eq!(s.transactions.len(), 3);
    let got: Vec<(NaiveDate, Amount, Option<Amount>, &str)> = s
        .transactions
        .iter()
        .map(|t| (t.date, t.amount, t.balance, t.description.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                date(2022, 7, 24),
                amount("-1500.00"),
                Some(amount("76.59")),
                "6GB Weekly Plan"
            ),
            (
                date(2022, 7, 26),
                amount("5000.00"),
                Some(amount("5076.60")),
                "VTU"
            ),
            (
                date(2022, 7, 26),
                amount("-5000.00"),
                Some(amount("76.59")),
                "20GB Monthly Plan"
            ),
        ]
    );
    // EXPECTED.md: the published balances are not arithmetically consistent.
    assert_eq!(
        s.reconciliation.status,
        ledgerlens_core::ReconciliationStatus::Breaks
    );
}

#[test]
fn mono_statement_reads_a_credit_whose_balance_is_null() {
    let Some(doc) = read_corpus("api-samples/mono/mono_statement_json_docs_example.json") else {
        return;
    };
    let s = &doc.unwrap().statements[0];
    assert_eq!(s.transactions.len(), 1);
    let t = &s.transactions[0];
    assert_eq!(
        (t.date, t.amount, t.balance),
        (date(2023, 10, 6), amount("65.00"), None)
    );
    assert_eq!(t.description, "KIP:WEMA/SAMUEL OLAMIDE/KUDA-");
}

#[test]
fn okra_placeholder_sample_is_recognised_but_its_undated_row_is_refused() {
    let relative = "api-samples/okra/okra_transactions_getById_docs_example.json";
    let Some(path) = corpus_file(relative) else {
        return;
    };
    assert_eq!(
        detect_format(&std::fs::read(path).unwrap()).unwrap(),
        Format::OkraJson
    );
    let Some(err) = error(relative) else { return };
    assert_eq!(err.code(), "malformed_file");
    assert_eq!(
        err.to_string(),
        "malformed okra_json file at transaction 1, line 15: the transaction has no date"
    );
}

#[test]
fn dojah_request_body_reads_two_string_amount_credits() {
    let Some(doc) = read_corpus(
        "api-samples/dojah/dojah_financial_collect_transactions_request_docs_example.json",
    ) else {
        return;
    };
    let doc = doc.unwrap();
    assert_eq!(doc.format, Format::DojahJson);
    let s = &doc.statements[0];
    assert_eq!(s.currency.code(), "NGN");
    assert_eq!(s.transactions.len(), 2);
    for (t, d) in s
        .transactions
        .iter()
        .zip([date(2021, 4, 30), date(2021, 5, 30)])
    {
        assert_eq!((t.date, t.amount, t.balance), (d, amount("2016.40"), None));
        assert_eq!(t.description, "0033199479:Int.Pd:01-04-2021 to 30-04-2 |");
        assert_eq!(t.reference.as_deref(), Some("12345tgfnde"));
    }
}

#[test]
fn dojah_account_creation_response_has_no_statement() {
    let Some(err) =
        error("api-samples/dojah/dojah_financial_collect_transactions_response_docs_example.json")
    else {
        return;
    };
    assert_eq!(err.code(), "no_statements");
    assert_eq!(
        err.to_string(),
        "no statement data found in this dojah_json file"
    );
}

#[test]
fn zeeh_is_not_a_supported_format_and_is_not_mistaken_for_mono() {
    let Some(err) = error("api-samples/zeeh/zeeh_transactions_docs_example.verbatim.json") else {
        return;
    };
    assert_eq!(err.code(), "unknown_format");
}

#[test]
fn every_api_sample_is_accounted_for() {
    let files = crate::support::corpus_files("api-samples", &[".json"]);
    if files.is_empty() {
        return;
    }
    assert_eq!(files.len(), 9, "{files:?}");
}
