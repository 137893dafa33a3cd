//! Random but consistent ledgers.

use chrono::{Days, NaiveDate};
use ledgerlens_core::{Account, AccountKind, AccountNumber, Amount, Currency, Period, Statement, Transaction};

use crate::rng::Rng;

/// Shape of a generated statement.
#[derive(Clone, Debug)]
pub struct GenerateOptions {
    /// Seed: the same seed gives the same statement.
    pub seed: u64,
    /// Number of transactions.
    pub transactions: usize,
    /// Statement currency.
    pub currency: Currency,
    /// First day of the period.
    pub start: NaiveDate,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            seed: 42,
            transactions: 60,
            currency: Currency::parse("NGN").unwrap_or_else(|_| Currency::unknown()),
            start: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
        }
    }
}

/// What a Nigerian current account typically shows; enough variety for every later stage.
const PAYEES: &[(&str, i64, i64)] = &[
    // (description, min minor units, max minor units); negative = debit
    ("POS PURCHASE SHOPRITE LEKKI", -2_500_000, -150_000),
    ("NIP TRANSFER TO ADEBAYO OLUWASEUN", -10_000_000, -500_000),
    ("AIRTIME MTN VTU 08031234567", -500_000, -10_000),
    ("ATM WDL GTB ATM IKEJA", -4_000_000, -500_000),
    ("SMS ALERT CHARGES", -5_000, -2_000),
    ("STAMP DUTY", -5_000, -5_000),
    ("BET9JA DEPOSIT", -2_000_000, -50_000),
    ("DSTV SUBSCRIPTION", -2_900_000, -900_000),
    ("LOAN REPAYMENT CARBON", -6_000_000, -1_000_000),
    ("NIP TRANSFER FROM CHIOMA NWOSU", 200_000, 15_000_000),
    ("REVERSAL POS SHOPRITE", 100_000, 1_000_000),
    ("Paiement café Crème & Cie; «spécial»", -800_000, -100_000),
    ("Überweisung \"Miete\", Müller/Straße", -20_000_000, -5_000_000),
];

/// Generates one statement whose balances reconcile exactly.
pub fn generate(options: &GenerateOptions) -> Statement {
    let mut rng = Rng::new(options.seed);
    let currency = options.currency;
    let exponent = currency.minor_units();
    let account = Account {
        bank: Some("Ledgerlens Sample Bank".to_owned()),
        bank_id: Some("058".to_owned()),
        number: AccountNumber::parse(&format!("{:010}", rng.below(10_000_000_000))).ok(),
        iban: None,
        holder: Some("ADA OBI".to_owned()),
        kind: AccountKind::Checking,
        currency: Some(currency),
    };
    let mut statement = Statement::new(account, currency);
    let mut balance = minor(rng.below(50_000_000).try_into().unwrap_or(0), exponent);
    statement.opening_balance = Some(balance);
    let mut date = options.start;
    for index in 0..options.transactions {
        if rng.chance(35) {
            date = date.checked_add_days(Days::new(rng.below(3) + 1)).unwrap_or(date);
        }
        let salary_day = index % 40 == 0;
        let (text, lo, hi) = if salary_day {
            ("SALARY ACME NIGERIA LTD JAN", 25_000_000, 45_000_000)
        } else {
            rng.pick(PAYEES).copied().unwrap_or(("FEE", -100, -100))
        };
        let span = u64::try_from(hi - lo).unwrap_or(0);
        let value = lo + i64::try_from(rng.below(span + 1)).unwrap_or(0);
        let amount = minor(value, exponent);
        balance = balance.checked_add(amount).unwrap_or(balance);
        let mut t = Transaction::new(date, text, amount);
        t.balance = Some(balance);
        t.reference = Some(format!("REF{:08}", index + 1));
        t.value_date = rng.chance(10).then(|| date.checked_add_days(Days::new(1))).flatten();
        statement.transactions.push(t);
    }
    statement.closing_balance = Some(balance);
    statement.period = Some(Period { start: options.start, end: date.max(options.start) });
    statement
}

/// Minor units for a two-decimal scale, re-expressed in the currency's own exponent so that
/// zero-decimal currencies (XOF, JPY) get whole amounts.
fn minor(value_cents: i64, exponent: u32) -> Amount {
    let value = match exponent {
        0 => value_cents / 100,
        1 => value_cents / 10,
        2 => value_cents,
        _ => value_cents.saturating_mul(10),
    };
    Amount::from_minor(value, exponent).unwrap_or(Amount::ZERO)
}

#[cfg(test)]
mod tests {
    use ledgerlens_core::{reconcile, ReconciliationStatus};

    use super::*;

    #[test]
    fn generated_statements_reconcile_and_are_reproducible() {
        let options = GenerateOptions { transactions: 500, ..GenerateOptions::default() };
        let a = generate(&options);
        assert_eq!(a, generate(&options));
        assert_eq!(a.transactions.len(), 500);
        assert_eq!(reconcile(&a).status, ReconciliationStatus::Reconciled);
    }

    #[test]
    fn zero_decimal_currencies_get_whole_amounts() {
        let options = GenerateOptions { currency: Currency::parse("XOF").unwrap(), ..GenerateOptions::default() };
        assert!(generate(&options).transactions.iter().all(|t| t.amount.to_minor(0).is_some()));
    }
}
