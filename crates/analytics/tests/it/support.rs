//! Ledgers whose truth is known: personas enriched with their own labels ("oracle"
//! enrichment), hand-built statements, and JSON comparison helpers.

use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use ledgerlens_analytics::{AccountLedger, AnalysisOptions, Ledger, Prepared};
use ledgerlens_core::{Account, AccountNumber, Amount, Category, Currency, Statement, Transaction};
use ledgerlens_enrich::{
    Channel, CounterpartyKey, Decision, EnrichedLedger, Enricher, LoanRole, Source, TxEnrichment,
    income, loans, recurrence,
};
use ledgerlens_synth::persona::{
    LabeledStatement, LoanRole as TrueLoan, PersonaKind, PersonaOptions, Vocabulary, persona,
};
use rust_decimal::Decimal;
use serde_json::Value;

/// The shipped enricher, compiled once per test binary.
pub fn enricher() -> &'static Enricher {
    static ENRICHER: OnceLock<Enricher> = OnceLock::new();
    ENRICHER.get_or_init(|| Enricher::builtin().unwrap())
}

/// A persona.
pub fn labeled(kind: PersonaKind, country: &str, seed: u64, months: u32) -> LabeledStatement {
    persona(&PersonaOptions {
        kind,
        country: country.to_owned(),
        seed,
        months,
        vocabulary: Vocabulary::All,
        ..PersonaOptions::default()
    })
}

pub fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

pub fn amt(text: &str) -> Amount {
    Amount::parse(text).unwrap()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// One row of enrichment, as a test states it.
pub fn enr(category: &str, channel: Channel, counterparty: &str) -> TxEnrichment {
    TxEnrichment {
        category: Category::parse(category).unwrap_or_else(|| panic!("no category {category}")),
        confidence: 1.0,
        decided_by: Decision {
            source: Source::TenantOverride,
            rule: Arc::from("truth"),
        },
        counterparty: (!counterparty.is_empty()).then(|| CounterpartyKey {
            key: Arc::from(counterparty.to_uppercase()),
            name: Arc::from(counterparty),
        }),
        channel,
        series: None,
        internal_transfer: false,
        salary: false,
        loan: None,
        lender: None,
    }
}

/// Enrichment taken from the persona's labels: categories, channels, counterparties, salary,
/// loans and own-account moves are the truth. The ledger detectors still run (for series and
/// income streams), but every per-row label they could touch is put back to the truth.
pub fn oracle(labeled: &LabeledStatement) -> EnrichedLedger {
    let statement = &labeled.statement;
    let txs = &statement.transactions;
    let mut rows: Vec<TxEnrichment> = txs
        .iter()
        .zip(&labeled.truth)
        .map(|(tx, truth)| {
            let mut e = enr(
                truth.category.code(),
                Channel::parse(truth.channel).unwrap_or(Channel::Other),
                &truth.counterparty,
            );
            e.internal_transfer = truth.internal_transfer;
            e.salary = truth.salary;
            e.lender = truth.lender.as_deref().map(Arc::from);
            e.loan = match truth.loan {
                Some(TrueLoan::Disbursement) => Some(LoanRole::Disbursement),
                Some(TrueLoan::Repayment) if tx.amount.is_negative() => Some(LoanRole::Repayment),
                // The credit that returns an unpaid repayment.
                Some(TrueLoan::Repayment) => Some(LoanRole::ReturnedRepayment),
                None => None,
            };
            e
        })
        .collect();
    // The debit a returned repayment undoes: the latest earlier repayment to the same lender
    // of the same amount.
    for credit in 0..rows.len() {
        if rows[credit].loan != Some(LoanRole::ReturnedRepayment)
            || txs[credit].amount.is_negative()
        {
            continue;
        }
        let wanted = txs[credit].amount.negated();
        if let Some(debit) = (0..credit).rev().find(|&i| {
            rows[i].loan == Some(LoanRole::Repayment)
                && rows[i].lender == rows[credit].lender
                && txs[i].amount == wanted
        }) {
            rows[debit].loan = Some(LoanRole::ReturnedRepayment);
        }
    }
    let truth = rows.clone();
    let as_of = statement.period.map(|p| p.end).unwrap();
    let series = recurrence::detect_series(txs, &mut rows, as_of);
    let income = income::detect_income(txs, &mut rows, &series, as_of);
    let loans = loans::detect_loans(txs, &mut rows);
    for (row, truth) in rows.iter_mut().zip(truth) {
        let series = row.series;
        *row = truth;
        row.series = series;
    }
    EnrichedLedger {
        transactions: rows,
        series,
        income,
        loans,
        packs: Vec::new(),
    }
}

/// A ledger over given statements and their enrichment.
pub fn ledger<'a>(parts: &'a [(Statement, EnrichedLedger)]) -> Ledger<'a> {
    Ledger::new(
        parts
            .iter()
            .map(|(statement, enriched)| AccountLedger {
                statement,
                enriched,
            })
            .collect(),
        None,
    )
    .unwrap()
}

/// Native and Periculum JSON of statements through the real pipeline (merge + enrichment).
pub fn analyse(statements: Vec<Statement>) -> (Value, Value) {
    let options = AnalysisOptions::default();
    let prepared = Prepared::new(statements, enricher(), &options);
    let ledger = prepared.ledger(&options).unwrap();
    (
        serde_json::to_value(ledgerlens_analytics::native::build(&ledger, &options)).unwrap(),
        serde_json::to_value(ledgerlens_analytics::profiles::periculum::build(
            &ledger, &options,
        ))
        .unwrap(),
    )
}

/// A statement for hand-built ledgers.
pub fn statement(currency: &str, opening: &str, start: NaiveDate, end: NaiveDate) -> Statement {
    let account = Account {
        number: AccountNumber::parse("0123456789").ok(),
        holder: Some("ADA OBI".to_owned()),
        bank: Some("Test Bank".to_owned()),
        ..Account::default()
    };
    let mut s = Statement::new(account, Currency::parse(currency).unwrap());
    s.opening_balance = Some(amt(opening));
    s.period = Some(ledgerlens_core::Period { start, end });
    s
}

/// Appends a transaction with its running balance.
pub fn push(
    s: &mut Statement,
    rows: &mut Vec<TxEnrichment>,
    day: NaiveDate,
    text: &str,
    amount: &str,
    e: TxEnrichment,
) {
    let previous = s
        .transactions
        .last()
        .and_then(|t| t.balance)
        .or(s.opening_balance)
        .unwrap();
    let mut t = Transaction::new(day, text, amt(amount));
    t.balance = Some(previous.checked_add(amt(amount)).unwrap());
    s.closing_balance = t.balance;
    s.transactions.push(t);
    rows.push(e);
}

/// Compares two JSON values: equal, except numbers that are floats may differ by `tolerance`.
pub fn assert_close(a: &Value, b: &Value, path: &str) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(
                x.keys().collect::<Vec<_>>(),
                y.keys().collect::<Vec<_>>(),
                "keys differ at {path}"
            );
            for (k, v) in x {
                assert_close(v, &y[k], &format!("{path}.{k}"));
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "lengths differ at {path}");
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                assert_close(v, w, &format!("{path}[{i}]"));
            }
        }
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!(
                (x - y).abs() <= 1e-9 * x.abs().max(1.0),
                "{path}: {x} != {y}"
            );
        }
        _ => assert_eq!(a, b, "differ at {path}"),
    }
}

/// The value at a dotted path (`cash_flow.inflow`).
pub fn at<'v>(value: &'v Value, path: &str) -> &'v Value {
    path.split('.')
        .fold(value, |v, key| match key.parse::<usize>() {
            Ok(index) => &v[index],
            Err(_) => &v[key],
        })
}

/// A native money field as a decimal.
pub fn money(value: &Value, path: &str) -> Decimal {
    dec(at(value, path)
        .as_str()
        .unwrap_or_else(|| panic!("{path} is not money: {}", at(value, path))))
}

/// A Periculum money field (a JSON number) as a decimal.
pub fn number(value: &Value, path: &str) -> Decimal {
    let v = at(value, path);
    dec(&v
        .as_number()
        .unwrap_or_else(|| panic!("{path} is not a number: {v}"))
        .to_string())
}

/// Rounds to cents the way the Periculum shape does.
pub fn cents(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}
