//! Draft rows into transactions once the file's date order is known, and the statement around
//! them.

use std::borrow::Cow;

use chrono::NaiveDate;
use ledgerlens_core::{
    Account, AccountKind, AccountNumber, Amount, Currency, Statement, Transaction,
};

use super::fields::At;
use crate::IngestError;
use crate::dates::{DateOrder, infer_date_order, parse_date};

/// Naira, for providers that serve only Nigerian accounts and never state a currency.
pub(super) fn naira() -> Currency {
    Currency::parse("NGN").unwrap_or_else(|_| Currency::unknown())
}

/// The account type a provider prints, as far as it maps onto ours.
pub(super) fn account_kind(text: Option<&str>) -> AccountKind {
    let Some(text) = text else {
        return AccountKind::Unknown;
    };
    let lower = text.to_ascii_lowercase();
    if lower.contains("saving") {
        AccountKind::Savings
    } else if lower.contains("current") || lower.contains("checking") {
        AccountKind::Checking
    } else if lower.contains("card") {
        AccountKind::CreditCard
    } else if lower.contains("loan") {
        AccountKind::Loan
    } else if lower.contains("wallet") {
        AccountKind::Wallet
    } else {
        AccountKind::Unknown
    }
}

/// An account number, when the text has one.
pub(super) fn account_number(text: Option<&str>) -> Option<AccountNumber> {
    text.and_then(|t| AccountNumber::parse(t).ok())
}

/// The single statement of a Nigerian-only provider: the stated currency, else the caller's
/// default, else naira.
pub(super) fn naira_statement(
    mut account: Account,
    stated: Option<Currency>,
    default: Option<Currency>,
    built: Built,
) -> crate::Parsed {
    let currency = stated.or(default).unwrap_or_else(naira);
    account.currency = stated;
    crate::Parsed {
        statements: vec![statement(account, currency, built)],
        ..crate::Parsed::default()
    }
}

/// One statement from built rows.
pub(super) fn statement(account: Account, currency: Currency, built: Built) -> Statement {
    let mut statement = Statement::new(account, currency);
    statement.opening_balance = built.opening_balance;
    statement.transactions = built.transactions;
    // Opening/closing balances implied by the running balance are filled in by finalisation, for
    // every format alike.
    statement
}

/// A transaction read from a row, before the file's date order is known.
#[derive(Debug)]
pub(super) struct Draft<'a> {
    pub at: At,
    pub date: Option<Cow<'a, str>>,
    pub value_date: Option<Cow<'a, str>>,
    pub description: String,
    pub amount: Amount,
    pub balance: Option<Amount>,
    pub reference: Option<String>,
    pub bank_code: Option<String>,
}

/// Draft rows turned into transactions.
#[derive(Debug, Default)]
pub(super) struct Built {
    pub transactions: Vec<Transaction>,
    /// The balance of a leading "Opening Balance" row, which is a balance, not a movement.
    pub opening_balance: Option<Amount>,
}

/// True for the zero-amount "OPB Opening Balance" rows that Nigerian bank exports (and so the
/// Periculum and MyBankStatement samples) put first.
fn is_opening_row(draft: &Draft<'_>) -> bool {
    draft.amount.is_zero()
        && draft.balance.is_some()
        && draft
            .description
            .to_ascii_lowercase()
            .contains("opening balance")
}

/// Decides the date order from every date of the file (`extra` holds header dates such as a
/// statement period), then builds the transactions.
pub(super) fn build(
    drafts: Vec<Draft<'_>>,
    extra: &[&str],
    hint: Option<DateOrder>,
) -> Result<(Built, DateOrder), IngestError> {
    let order = infer_date_order(
        drafts
            .iter()
            .flat_map(|d| [d.date.as_deref(), d.value_date.as_deref()])
            .flatten()
            .chain(extra.iter().copied()),
        hint,
    );
    let mut built = Built {
        transactions: Vec::with_capacity(drafts.len()),
        opening_balance: None,
    };
    for draft in drafts {
        if built.transactions.is_empty() && is_opening_row(&draft) {
            built.opening_balance = draft.balance;
            continue;
        }
        let at = draft.at;
        let date_text = draft
            .date
            .as_deref()
            .ok_or_else(|| at.error("the transaction has no date"))?;
        let date = read_date(&at, date_text, order)?;
        let value_date = match draft.value_date.as_deref() {
            Some(text) => Some(read_date(&at, text, order)?).filter(|v| *v != date),
            None => None,
        };
        let mut t = Transaction::new(date, draft.description, draft.amount);
        t.value_date = value_date;
        t.balance = draft.balance;
        t.reference = draft.reference;
        t.bank_code = draft.bank_code;
        t.provenance.row = at.row;
        t.provenance.line = at.line;
        built.transactions.push(t);
    }
    Ok((built, order))
}

fn read_date(at: &At, text: &str, order: DateOrder) -> Result<NaiveDate, IngestError> {
    parse_date(text, order).ok_or_else(|| {
        at.error(format!(
            "unreadable date {:?}",
            text.chars().take(40).collect::<String>()
        ))
    })
}
