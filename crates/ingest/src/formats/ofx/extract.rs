//! Statements out of the element stream.
//!
//! Each STMTRS (bank), CCSTMTRS (credit card), INVSTMTRS (investment) or Microsoft OFC ACCTSTMT
//! becomes one statement, wherever it sits: several accounts per file and several STMTRS in one
//! STMTTRNRS both just work. A leaf is attributed by the aggregate directly around it, so NAME in
//! PAYEE is the counterparty and NAME in STMTTRN is the description.

use std::borrow::Cow;

use chrono::NaiveDate;
use ledgerlens_core::{
    Account, AccountKind, AccountNumber, Amount, Counterparty, Currency, ForeignAmount, Format,
    Iban, Period, Provenance, Statement, Transaction,
};

use super::lexer::{Elements, Event};
use super::values::{
    account_kind, collapse, join_name_memo, ofx_amount, ofx_amount_rounded, ofx_date,
};
use crate::Parsed;
use crate::error::IngestError;

/// More statements than any real export holds; beyond it the file is hostile or broken.
const MAX_STATEMENTS: usize = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Container {
    Bank,
    CreditCard,
    Investment,
    /// Microsoft Open Financial Connectivity, OFX's predecessor.
    Ofc,
}

#[derive(Debug, Default)]
struct TxnDraft {
    depth: usize,
    line: u32,
    trntype: String,
    posted: Option<String>,
    user: Option<String>,
    amount: Option<String>,
    fitid: String,
    refnum: String,
    checknum: String,
    name: String,
    memo: String,
    payee: String,
    account_to: String,
    bank_to: String,
    /// `true` for CURRENCY (amounts in the foreign currency), `false` for ORIGCURRENCY.
    currency_block: Option<bool>,
    rate: String,
    symbol: String,
}

#[derive(Debug, Default)]
struct TradeDraft {
    depth: usize,
    line: u32,
    kind: String,
    fitid: String,
    traded: String,
    settled: String,
    memo: String,
    total: String,
    security: String,
}

#[derive(Debug)]
struct StatementDraft {
    depth: usize,
    container: Container,
    currency: String,
    bank_id: String,
    account_id: String,
    account_type: String,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    closing: Option<Amount>,
    available: Option<Amount>,
    transactions: Vec<Transaction>,
    trades: Vec<TradeDraft>,
}

impl StatementDraft {
    fn new(depth: usize, container: Container) -> Self {
        StatementDraft {
            depth,
            container,
            currency: String::new(),
            bank_id: String::new(),
            account_id: String::new(),
            account_type: String::new(),
            start: None,
            end: None,
            closing: None,
            available: None,
            transactions: Vec::new(),
            trades: Vec::new(),
        }
    }

    fn currency(&self) -> Option<Currency> {
        Currency::parse(&self.currency).ok()
    }
}

struct Extractor {
    format: Format,
    statements: Vec<Statement>,
    warnings: Vec<String>,
    org: Option<String>,
    statement: Option<StatementDraft>,
    txn: Option<TxnDraft>,
    trade: Option<TradeDraft>,
}

fn is(name: &str, wanted: &str) -> bool {
    name.eq_ignore_ascii_case(wanted)
}

fn is_any(name: &str, wanted: &[&str]) -> bool {
    wanted.iter().any(|w| name.eq_ignore_ascii_case(w))
}

/// Reads every statement of an OFX/QFX/OFC text.
pub fn extract(text: &str, format: Format) -> Result<Parsed, IngestError> {
    let mut elements = Elements::new(text, format);
    let mut x = Extractor {
        format,
        statements: Vec::new(),
        warnings: Vec::new(),
        org: None,
        statement: None,
        txn: None,
        trade: None,
    };
    while let Some(event) = elements.next_event()? {
        let open = elements.open();
        match event {
            Event::Start { name, line } => x.start(name, line, open)?,
            Event::End { .. } => x.end(open.len())?,
            Event::Leaf { name, value, line } => {
                x.leaf(name, value, line, open.last().copied().unwrap_or_default())?
            }
        }
    }
    x.end(0)?;
    if let Some(org) = x.org.as_ref() {
        for s in &mut x.statements {
            s.account.bank.get_or_insert_with(|| org.clone());
        }
    }
    Ok(Parsed {
        statements: x.statements,
        warnings: x.warnings,
        ..Parsed::default()
    })
}

impl Extractor {
    fn malformed(&self, line: u32, detail: impl Into<String>) -> IngestError {
        IngestError::malformed(self.format, Some(format!("line {line}")), detail)
    }

    fn start(&mut self, name: &str, line: u32, open: &[&str]) -> Result<(), IngestError> {
        let depth = open.len();
        let container = if is(name, "STMTRS") {
            Some(Container::Bank)
        } else if is(name, "CCSTMTRS") {
            Some(Container::CreditCard)
        } else if is(name, "INVSTMTRS") {
            Some(Container::Investment)
        } else if is(name, "ACCTSTMT") {
            Some(Container::Ofc)
        } else {
            None
        };
        let Some(draft) = self.statement.as_ref() else {
            if let Some(container) = container {
                if self.statements.len() >= MAX_STATEMENTS {
                    return Err(
                        self.malformed(line, format!("more than {MAX_STATEMENTS} statements"))
                    );
                }
                self.statement = Some(StatementDraft::new(depth, container));
            }
            return Ok(());
        };
        if is(name, "STMTTRN") {
            // An STMTTRN left open by a broken file ends where the next one starts.
            self.finish_txn()?;
            self.txn = Some(TxnDraft {
                depth,
                line,
                ..TxnDraft::default()
            });
            return Ok(());
        }
        if let Some(txn) = self.txn.as_mut() {
            if is(name, "CURRENCY") {
                txn.currency_block = Some(true);
            } else if is(name, "ORIGCURRENCY") {
                txn.currency_block = Some(false);
            }
            return Ok(());
        }
        let in_tranlist = depth >= 2 && open.get(depth - 2).is_some_and(|p| is(p, "INVTRANLIST"));
        if draft.container == Container::Investment
            && in_tranlist
            && !is(name, "INVBANKTRAN")
            && self.trade.is_none()
        {
            self.trade = Some(TradeDraft {
                depth,
                line,
                kind: name.to_ascii_uppercase(),
                ..TradeDraft::default()
            });
        }
        Ok(())
    }

    /// Closes whatever was open deeper than `depth`.
    fn end(&mut self, depth: usize) -> Result<(), IngestError> {
        if self.txn.as_ref().is_some_and(|t| t.depth > depth) {
            self.finish_txn()?;
        }
        if let (Some(trade), Some(s)) = (
            self.trade.take_if(|t| t.depth > depth),
            self.statement.as_mut(),
        ) {
            s.trades.push(trade);
        }
        if let Some(draft) = self.statement.take_if(|s| s.depth > depth) {
            self.finish_statement(draft);
        }
        Ok(())
    }

    fn leaf(
        &mut self,
        name: &str,
        value: Cow<'_, str>,
        line: u32,
        parent: &str,
    ) -> Result<(), IngestError> {
        if let Some(txn) = self.txn.as_mut() {
            txn_leaf(txn, name, value, parent);
            return Ok(());
        }
        if let Some(trade) = self.trade.as_mut() {
            let slot = if is(name, "FITID") {
                &mut trade.fitid
            } else if is(name, "DTTRADE") {
                &mut trade.traded
            } else if is(name, "DTSETTLE") {
                &mut trade.settled
            } else if is(name, "MEMO") {
                &mut trade.memo
            } else if is(name, "TOTAL") {
                &mut trade.total
            } else if is(name, "UNIQUEID") {
                &mut trade.security
            } else {
                return Ok(());
            };
            *slot = value.into_owned();
            return Ok(());
        }
        let Some(draft) = self.statement.as_mut() else {
            if is(name, "ORG") && is(parent, "FI") && !value.is_empty() {
                self.org = Some(collapse(&value));
            }
            return Ok(());
        };
        let value = value.trim();
        if is(name, "CURDEF") {
            draft.currency = value.to_owned();
        } else if is_any(
            parent,
            &["BANKACCTFROM", "CCACCTFROM", "INVACCTFROM", "ACCTFROM"],
        ) {
            if is_any(name, &["BANKID", "BROKERID"]) {
                draft.bank_id = value.to_owned();
            } else if is(name, "ACCTID") {
                draft.account_id = value.to_owned();
            } else if is(name, "ACCTTYPE") {
                draft.account_type = value.to_owned();
            }
        } else if is_any(name, &["DTSTART", "DTEND"])
            && is_any(parent, &["BANKTRANLIST", "INVTRANLIST", "STMTRS"])
        {
            let date = ofx_date(value);
            if date.is_none() && !value.is_empty() {
                self.warnings.push(format!(
                    "line {line}: {name} {value:?} is not a date and was ignored"
                ));
            }
            if is(name, "DTSTART") {
                draft.start = min_date(draft.start, date);
            } else {
                draft.end = max_date(draft.end, date);
            }
        } else if (is(name, "BALAMT") && is(parent, "LEDGERBAL")) || is(name, "LEDGER") {
            draft.closing = balance(value, line, name, &mut self.warnings);
        } else if (is(name, "BALAMT") && is(parent, "AVAILBAL"))
            || (is(name, "AVAILCASH") && is(parent, "INVBAL"))
        {
            draft.available = balance(value, line, name, &mut self.warnings);
        }
        Ok(())
    }

    fn finish_txn(&mut self) -> Result<(), IngestError> {
        let Some(txn) = self.txn.take() else {
            return Ok(());
        };
        let Some(draft) = self.statement.as_mut() else {
            return Ok(());
        };
        let line = txn.line;
        let fail = |detail: String| {
            IngestError::malformed(self.format, Some(format!("line {line}")), detail)
        };
        let posted = txn
            .posted
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        let user = txn.user.as_deref().and_then(ofx_date);
        let date = match posted {
            Some(p) => ofx_date(p)
                .ok_or_else(|| fail(format!("the transaction's DTPOSTED {p:?} is not a date")))?,
            None => match user {
                Some(u) => {
                    self.warnings.push(format!(
                        "line {line}: a transaction without DTPOSTED is dated by its DTUSER"
                    ));
                    u
                }
                None => return Err(fail("a transaction has no DTPOSTED date".to_owned())),
            },
        };
        let amount_text = txn
            .amount
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        let amount_text =
            amount_text.ok_or_else(|| fail("a transaction has no TRNAMT amount".to_owned()))?;
        let amount = match ofx_amount(amount_text) {
            Some(a) => a,
            None => {
                let rounded = ofx_amount_rounded(amount_text);
                let a = rounded.ok_or_else(|| {
                    fail(format!(
                        "the transaction's TRNAMT {amount_text:?} is not an amount"
                    ))
                })?;
                self.warnings.push(format!("line {line}: TRNAMT {amount_text:?} has more than 8 decimals and was rounded to {a}"));
                a
            }
        };
        let mut description = join_name_memo(&txn.name, &txn.memo);
        if description.is_empty() {
            description = collapse(if txn.payee.trim().is_empty() {
                &txn.trntype
            } else {
                &txn.payee
            });
        }
        let mut t = Transaction::new(date, description, amount);
        t.value_date = user.filter(|u| *u != date);
        t.reference = [&txn.fitid, &txn.refnum, &txn.checknum]
            .into_iter()
            .map(|r| r.trim())
            .find(|r| !r.is_empty())
            .map(str::to_owned);
        t.bank_code = Some(txn.trntype.trim().to_owned()).filter(|c| !c.is_empty());
        let non_empty = |s: &str| Some(collapse(s)).filter(|s| !s.is_empty());
        t.counterparty = Counterparty {
            name: non_empty(&txn.payee),
            account: non_empty(&txn.account_to),
            bank_id: non_empty(&txn.bank_to),
        };
        t.original = foreign(&txn, amount, draft.currency());
        t.provenance = Provenance {
            line: Some(line),
            row: u32::try_from(draft.transactions.len() + 1).ok(),
            ..Provenance::default()
        };
        draft.transactions.push(t);
        Ok(())
    }

    fn finish_statement(&mut self, mut draft: StatementDraft) {
        let index = self.statements.len() + 1;
        let currency = draft.currency();
        if currency.is_none() {
            let what = if draft.currency.is_empty() {
                "no CURDEF".to_owned()
            } else {
                format!("an unknown CURDEF {:?}", draft.currency)
            };
            self.warnings.push(format!(
                "statement {index}: {what}; the currency is left unknown"
            ));
        }
        if !draft.trades.is_empty() {
            if draft.transactions.is_empty() {
                let before = draft.trades.len();
                draft.transactions = draft.trades.iter().filter_map(trade_cash).collect();
                for (i, t) in draft.transactions.iter_mut().enumerate() {
                    t.provenance.row = u32::try_from(i + 1).ok();
                }
                self.warnings.push(format!(
                    "statement {index}: an investment statement with only security trades; {} of {before} trades are read as their cash totals (TOTAL)",
                    draft.transactions.len()
                ));
            } else {
                self.warnings.push(format!(
                    "statement {index}: {} security trades ignored; only the cash movements (INVBANKTRAN) are read",
                    draft.trades.len()
                ));
            }
        }
        if draft.transactions.is_empty() && draft.closing.is_none() {
            self.warnings.push(format!(
                "statement {index}: no transactions and no ledger balance; skipped"
            ));
            return;
        }
        let kind = match draft.container {
            Container::CreditCard => AccountKind::CreditCard,
            Container::Investment => AccountKind::Investment,
            Container::Bank | Container::Ofc => account_kind(&draft.account_type),
        };
        let account = Account {
            bank: None,
            bank_id: Some(draft.bank_id).filter(|b| !b.is_empty()),
            number: AccountNumber::parse(&draft.account_id).ok(),
            iban: Iban::parse(&draft.account_id).ok(),
            holder: None,
            kind,
            currency,
        };
        let mut statement = Statement::new(account, currency.unwrap_or_else(Currency::unknown));
        statement.period = match (draft.start, draft.end) {
            (Some(start), Some(end)) if start <= end => Some(Period { start, end }),
            _ => None,
        };
        // OFX states no opening balance. Deriving one as closing − Σ amounts would make every file
        // "reconcile" by construction, so it is left unknown.
        statement.closing_balance = draft.closing;
        statement.available_balance = draft.available;
        statement.transactions = draft.transactions;
        self.statements.push(statement);
    }
}

fn txn_leaf(txn: &mut TxnDraft, name: &str, value: Cow<'_, str>, parent: &str) {
    let slot = if is_any(parent, &["CURRENCY", "ORIGCURRENCY"]) {
        if is(name, "CURRATE") {
            &mut txn.rate
        } else if is(name, "CURSYM") {
            &mut txn.symbol
        } else {
            return;
        }
    } else if is(parent, "PAYEE") {
        if !is(name, "NAME") {
            return;
        }
        &mut txn.payee
    } else if is_any(parent, &["BANKACCTTO", "CCACCTTO"]) {
        if is(name, "ACCTID") {
            &mut txn.account_to
        } else if is(name, "BANKID") {
            &mut txn.bank_to
        } else {
            return;
        }
    } else if is(name, "DTPOSTED") {
        txn.posted = Some(value.into_owned());
        return;
    } else if is(name, "DTUSER") {
        txn.user = Some(value.into_owned());
        return;
    } else if is(name, "TRNAMT") {
        txn.amount = Some(value.into_owned());
        return;
    } else if is(name, "TRNTYPE") {
        &mut txn.trntype
    } else if is(name, "FITID") {
        &mut txn.fitid
    } else if is(name, "REFNUM") {
        &mut txn.refnum
    } else if is_any(name, &["CHECKNUM", "CHKNUM"]) {
        &mut txn.checknum
    } else if is(name, "NAME") {
        &mut txn.name
    } else if is(name, "MEMO") {
        &mut txn.memo
    } else {
        return;
    };
    *slot = value.into_owned();
}

/// The foreign side of a transaction.
///
/// Per the specification, CURRATE is the number of CURDEF units per CURSYM unit. Under
/// ORIGCURRENCY, TRNAMT is already in CURDEF. Under CURRENCY the specification says TRNAMT is in
/// CURSYM — but banks that send CURRENCY almost always still put the booked account-currency
/// amount in TRNAMT (it is what their LEDGERBAL adds up with), so TRNAMT is kept as the amount
/// in both cases and the original amount is TRNAMT / CURRATE, rounded to CURSYM's minor units.
fn foreign(
    txn: &TxnDraft,
    amount: Amount,
    statement_currency: Option<Currency>,
) -> Option<ForeignAmount> {
    txn.currency_block?;
    let currency = Currency::parse(&txn.symbol).ok()?;
    if Some(currency) == statement_currency {
        return None;
    }
    let rate = ofx_amount(&txn.rate)?.as_decimal();
    if rate.is_zero() || rate.is_sign_negative() {
        return None;
    }
    let original = amount
        .as_decimal()
        .checked_div(rate)?
        .round_dp(currency.minor_units());
    Some(ForeignAmount {
        amount: Amount::from_decimal(original).ok()?,
        currency,
    })
}

/// A security trade as the cash it moved, when it states a total and a date.
fn trade_cash(trade: &TradeDraft) -> Option<Transaction> {
    let amount = ofx_amount(&trade.total)?;
    let traded = ofx_date(&trade.traded);
    let settled = ofx_date(&trade.settled);
    let date = traded.or(settled)?;
    let memo = collapse(&trade.memo);
    let description = if memo.is_empty() {
        collapse(&format!("{} {}", trade.kind, trade.security))
    } else {
        memo
    };
    let mut t = Transaction::new(date, description, amount);
    t.value_date = settled.filter(|s| *s != date);
    t.reference = Some(trade.fitid.trim().to_owned()).filter(|f| !f.is_empty());
    t.bank_code = Some(trade.kind.clone());
    t.provenance.line = Some(trade.line);
    Some(t)
}

fn balance(value: &str, line: u32, name: &str, warnings: &mut Vec<String>) -> Option<Amount> {
    if value.is_empty() {
        return None;
    }
    if let Some(amount) = ofx_amount(value) {
        return Some(amount);
    }
    let rounded = ofx_amount_rounded(value);
    match rounded {
        Some(a) => warnings.push(format!(
            "line {line}: {name} {value:?} has more than 8 decimals and was rounded to {a}"
        )),
        None => warnings.push(format!(
            "line {line}: {name} {value:?} is not an amount and was ignored"
        )),
    }
    rounded
}

fn min_date(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_date(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}
