//! The shared round-trip check and the proptest strategy for random ledgers.

use chrono::{Days, NaiveDate};
use ledgerlens_core::{Account, AccountKind, AccountNumber, Amount, Currency, Period, ReconciliationStatus, Statement, Transaction};
use ledgerlens_ingest::{read_document, ReadOptions};
use ledgerlens_synth::write::{expected_description, write, OutputFormat};
use proptest::prelude::*;

/// Currencies with 0, 2 and 3 decimals.
const CURRENCIES: &[&str] = &["NGN", "EUR", "USD", "XOF", "JPY", "KWD", "GHS", "KES", "GBP", "INR"];

/// Descriptions with accents, delimiters, quotes and XML/SGML specials.
fn description() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        "[A-Za-z0-9]{1,12}",
        Just("café".to_owned()),
        Just("Überweisung".to_owned()),
        Just("São".to_owned()),
        Just("a,b".to_owned()),
        Just("x;y".to_owned()),
        Just("\"quoted\"".to_owned()),
        Just("R&D".to_owned()),
        Just("<tag>".to_owned()),
        Just("tab\there".to_owned()),
        Just("50%".to_owned()),
        Just("N°12/B".to_owned()),
    ];
    proptest::collection::vec(word, 1..25).prop_map(|w| w.join(" "))
}

/// A random statement: any currency, balances that may go negative, runs of same-day rows, long
/// descriptions. Its balances always reconcile.
pub fn statement() -> impl Strategy<Value = Statement> {
    let row = (0u64..3, -5_000_000i64..5_000_000, description(), any::<bool>());
    (
        proptest::sample::select(CURRENCIES),
        -1_000_000i64..10_000_000,
        proptest::collection::vec(row, 1..40),
        0u64..3000,
        "[0-9]{6,12}",
    )
        .prop_map(|(code, opening_minor, rows, start_offset, number)| {
            let currency = Currency::parse(code).expect("listed currency");
            let exp = currency.minor_units();
            let start = NaiveDate::from_ymd_opt(2018, 1, 1).unwrap() + Days::new(start_offset);
            let account = Account {
                bank: Some("Round Trip Bank".to_owned()),
                bank_id: Some("RTBKNGLA".to_owned()),
                number: AccountNumber::parse(&number).ok(),
                iban: None,
                holder: Some("Test Holder".to_owned()),
                kind: AccountKind::Checking,
                currency: Some(currency),
            };
            let mut s = Statement::new(account, currency);
            let mut balance = Amount::from_minor(opening_minor, exp).unwrap();
            s.opening_balance = Some(balance);
            let mut date = start;
            for (i, (gap, minor, text, _)) in rows.into_iter().enumerate() {
                date = date + Days::new(gap);
                let minor = if minor == 0 { 1 } else { minor };
                let amount = Amount::from_minor(minor, exp).unwrap();
                balance = balance.checked_add(amount).unwrap();
                let mut t = Transaction::new(date, text, amount);
                t.balance = Some(balance);
                t.reference = Some(format!("R{i:06}"));
                s.transactions.push(t);
            }
            s.closing_balance = Some(balance);
            s.period = Some(Period { start, end: date });
            s
        })
}

/// Writes `statement` as `format`, reads it back, and checks transactions, balances and
/// reconciliation.
pub fn assert_round_trip(format: OutputFormat, statement: &Statement) -> Result<(), TestCaseError> {
    let bytes = write(format, statement);
    let name = format!("roundtrip.{}", format.extension());
    let doc = read_document(&name, &bytes, &ReadOptions::default())
        .map_err(|e| TestCaseError::fail(format!("{format:?}: {e} ({})", e.code())))?;
    prop_assert_eq!(doc.statements.len(), 1, "{:?}: one statement", format);
    let got = &doc.statements[0];
    prop_assert_eq!(got.currency, statement.currency, "{:?}: currency", format);
    prop_assert_eq!(got.transactions.len(), statement.transactions.len(), "{:?}: count", format);
    for (i, (g, w)) in got.transactions.iter().zip(&statement.transactions).enumerate() {
        prop_assert_eq!(g.date, w.date, "{:?} row {}: date", format, i);
        prop_assert_eq!(g.amount, w.amount, "{:?} row {}: amount", format, i);
        prop_assert_eq!(&g.description, &expected_description(format, &w.description), "{:?} row {}: description", format, i);
        if format.carries_row_balances() {
            prop_assert_eq!(g.balance, w.balance, "{:?} row {}: balance", format, i);
        }
    }
    if format.carries_opening_and_closing() {
        prop_assert_eq!(got.opening_balance, statement.opening_balance, "{:?}: opening", format);
        prop_assert_eq!(got.closing_balance, statement.closing_balance, "{:?}: closing", format);
    }
    if format.carries_row_balances() || format.carries_opening_and_closing() {
        prop_assert_eq!(got.reconciliation.status, ReconciliationStatus::Reconciled, "{:?}: {:?}", format, got.reconciliation);
        prop_assert_eq!(got.reconciliation.data_sanity, Some(100.0), "{:?}: data sanity", format);
    }
    Ok(())
}
