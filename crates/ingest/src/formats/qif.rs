//! Quicken Interchange Format.
//!
//! A QIF file is a list of sections (`!Type:Bank`, `!Account`, `!Type:Cat`, ...) of records, one
//! field per line (a one-letter code, then the value) and `^` ending each record. Every account
//! (a `!Account` block followed by a transaction section) becomes one statement.
//!
//! QIF defines neither a currency nor a date order, and Quicken's own dates come in many shapes
//! ("1/ 2'24", "01/02/2024", "1/2/98", "2024-01-02"). The day/month order is therefore decided
//! once for the whole file, month-first (Quicken's US origin) when the file cannot tell. Amounts'
//! decimal mark is decided for the whole file too. The currency is unknown unless the account's
//! description names one (`DCurrency: NGN`, the convention of ledgerlens's own QIF writer), so
//! the caller's default applies.
//!
//! Splits (`S`/`E`/`$`) stay inside their transaction: its amount is `T`, the split lines only
//! tell how it was categorised. By Quicken's convention a first record whose payee is "Opening
//! Balance" states the opening balance and is not a transaction.

use ledgerlens_core::{
    Account, AccountKind, AccountNumber, Amount, Currency, Format, Provenance, Statement,
    Transaction,
};

use crate::dates::{DateOrder, infer_date_order, parse_date};
use crate::formats::ofx::values::{collapse, join_name_memo};
use crate::number::{infer_decimal_mark, parse_amount};
use crate::{IngestError, Input, Parsed};

/// More accounts than any real export holds.
const MAX_STATEMENTS: usize = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// Before any header, or in a list we do not read (categories, classes, securities...).
    Ignored,
    /// An `!Account` block: account name, type, description.
    Account,
    /// Transactions of the given kind; `investment` when the records use the `Invst` layout.
    Transactions { kind: AccountKind, investment: bool },
}

#[derive(Debug, Default)]
struct Record<'a> {
    line: u32,
    date: Option<&'a str>,
    amount: Option<&'a str>,
    u_amount: Option<&'a str>,
    payee: Option<&'a str>,
    memo: Option<&'a str>,
    number: Option<&'a str>,
    category: Option<&'a str>,
    splits: Vec<&'a str>,
}

impl Record<'_> {
    fn is_empty(&self) -> bool {
        self.date.is_none()
            && self.amount.is_none()
            && self.u_amount.is_none()
            && self.payee.is_none()
            && self.memo.is_none()
            && self.splits.is_empty()
    }
}

#[derive(Debug, Default)]
struct AccountBlock {
    name: String,
    kind_text: String,
    description: String,
}

#[derive(Debug)]
struct Draft<'a> {
    account: AccountBlock,
    kind: AccountKind,
    investment: bool,
    records: Vec<Record<'a>>,
}

/// Parses a QIF file: one statement per account.
pub fn parse(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let mut warnings = Vec::new();
    let drafts = read_sections(input.text, &mut warnings)?;
    let records = || drafts.iter().flat_map(|d| d.records.iter());
    let dates: Vec<String> = records()
        .filter_map(|r| r.date.map(normalise_date))
        .collect();
    let hint = input
        .options
        .date_order_hint
        .unwrap_or(DateOrder::MonthFirst);
    let order = infer_date_order(dates.iter().map(String::as_str), Some(hint));
    let mark = infer_decimal_mark(records().flat_map(|r| {
        r.amount
            .or(r.u_amount)
            .into_iter()
            .chain(r.splits.iter().copied())
    }));
    let mut statements = Vec::new();
    for draft in drafts {
        if let Some(statement) = build_statement(draft, order, mark, &mut warnings)? {
            statements.push(statement);
        }
    }
    if statements.is_empty() {
        return Err(IngestError::NoStatements(Format::Qif));
    }
    Ok(Parsed {
        statements,
        warnings,
        ..Parsed::default()
    })
}

fn malformed(line: u32, detail: impl Into<String>) -> IngestError {
    IngestError::malformed(Format::Qif, Some(format!("line {line}")), detail)
}

fn kind_of(type_name: &str) -> Option<(AccountKind, bool)> {
    let t = type_name.trim().to_ascii_lowercase();
    Some(match t.as_str() {
        "bank" => (AccountKind::Checking, false),
        "ccard" | "credit card" => (AccountKind::CreditCard, false),
        "cash" | "oth a" | "oth s" => (AccountKind::Unknown, false),
        "oth l" => (AccountKind::Loan, false),
        "invst" | "port" | "401(k)" | "401(k)/403(b)" | "mutual" => (AccountKind::Investment, true),
        _ => return None,
    })
}

/// Splits the file into accounts and their records.
fn read_sections<'a>(
    text: &'a str,
    warnings: &mut Vec<String>,
) -> Result<Vec<Draft<'a>>, IngestError> {
    let mut drafts: Vec<Draft<'a>> = Vec::new();
    let mut section = Section::Ignored;
    let mut account = AccountBlock::default();
    let mut pending_account: Option<AccountBlock> = None;
    let mut record = Record::default();
    let mut line_no: u32 = 0;
    for raw in text.trim_start_matches('\u{feff}').lines() {
        line_no = line_no.saturating_add(1);
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        if let Some(header) = line.strip_prefix('!') {
            flush(&mut record, &mut drafts, section, line_no, warnings);
            let header = header.trim();
            let lower = header.to_ascii_lowercase();
            if lower.starts_with("option") || lower.starts_with("clear") {
                continue;
            }
            if lower == "account" {
                section = Section::Account;
                account = AccountBlock::default();
                continue;
            }
            let type_name = lower
                .strip_prefix("type:")
                .or_else(|| lower.strip_prefix("type "))
                .unwrap_or("");
            section = match kind_of(type_name) {
                Some((kind, investment)) => {
                    let block = pending_account.take();
                    let continues = block.is_none()
                        && drafts
                            .last()
                            .is_some_and(|d| d.kind == kind && d.investment == investment);
                    if !continues {
                        if drafts.len() >= MAX_STATEMENTS {
                            return Err(malformed(
                                line_no,
                                format!("more than {MAX_STATEMENTS} accounts"),
                            ));
                        }
                        drafts.push(Draft {
                            account: block.unwrap_or_default(),
                            kind,
                            investment,
                            records: Vec::new(),
                        });
                    }
                    Section::Transactions { kind, investment }
                }
                None => {
                    let known_lists = [
                        "cat",
                        "class",
                        "memorized",
                        "security",
                        "prices",
                        "invitem",
                        "template",
                        "budget",
                    ];
                    if !known_lists.contains(&type_name) {
                        warnings.push(format!("line {line_no}: section !{header} is not a transaction list and was skipped"));
                    }
                    Section::Ignored
                }
            };
            continue;
        }
        let mut chars = line.chars();
        let code = chars.next().unwrap_or(' ');
        let value = chars.as_str();
        match section {
            Section::Ignored => {}
            Section::Account => match code {
                'N' => account.name = value.trim().to_owned(),
                'T' => account.kind_text = value.trim().to_owned(),
                'D' => account.description = value.trim().to_owned(),
                '^' => pending_account = Some(std::mem::take(&mut account)),
                _ => {}
            },
            Section::Transactions { .. } => {
                if record.is_empty() && record.line == 0 {
                    record.line = line_no;
                }
                match code {
                    '^' => {
                        flush(&mut record, &mut drafts, section, line_no, warnings);
                    }
                    'D' => record.date = Some(value),
                    'T' => record.amount = Some(value),
                    'U' => record.u_amount = Some(value),
                    'P' => record.payee = Some(value),
                    'M' => record.memo = Some(value),
                    'N' => record.number = Some(value),
                    'L' => record.category = Some(value),
                    '$' => record.splits.push(value),
                    _ => {}
                }
            }
        }
    }
    flush(&mut record, &mut drafts, section, line_no, warnings);
    if let Some(block) = pending_account.filter(|b| drafts.is_empty() && !b.name.is_empty()) {
        warnings.push(format!(
            "account {:?} is listed but has no transactions",
            block.name
        ));
    }
    Ok(drafts)
}

/// Ends the current record: appends it to the current account when it holds anything.
fn flush<'a>(
    record: &mut Record<'a>,
    drafts: &mut [Draft<'a>],
    section: Section,
    line: u32,
    warnings: &mut Vec<String>,
) {
    let done = std::mem::take(record);
    if done.is_empty() || !matches!(section, Section::Transactions { .. }) {
        return;
    }
    match drafts.last_mut() {
        Some(draft) => draft.records.push(done),
        None => warnings.push(format!(
            "line {line}: a record outside any account was skipped"
        )),
    }
}

/// Rewrites Quicken's date shapes into ones the shared date parser reads: spaces go
/// ("1/ 2'24"), and an apostrophe before the year marks the 2000s ("1/2'05" is 2005).
fn normalise_date(text: &str) -> String {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match compact.split_once('\'') {
        Some((day_month, year))
            if !year.is_empty() && year.len() <= 2 && year.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{day_month}/{}", 2000 + year.parse::<u32>().unwrap_or(0))
        }
        _ => compact.replace('\'', "/"),
    }
}

/// The currency an account description names: "NGN" or "Currency: NGN".
fn currency_in(description: &str) -> Option<Currency> {
    let d = description.trim();
    let rest = match d.get(..8) {
        Some(prefix) if prefix.eq_ignore_ascii_case("currency") => d.get(8..).unwrap_or_default(),
        _ => d,
    };
    Currency::parse(rest.trim_start_matches([':', ' ', '='])).ok()
}

fn build_statement(
    draft: Draft<'_>,
    order: DateOrder,
    mark: crate::number::DecimalMark,
    warnings: &mut Vec<String>,
) -> Result<Option<Statement>, IngestError> {
    let kind = kind_of(&draft.account.kind_text).map_or(draft.kind, |(k, _)| k);
    let currency = currency_in(&draft.account.description);
    let account = Account {
        number: AccountNumber::parse(&draft.account.name).ok(),
        kind,
        currency,
        ..Account::default()
    };
    let mut statement = Statement::new(account, currency.unwrap_or_else(Currency::unknown));
    for (i, record) in draft.records.iter().enumerate() {
        let line = record.line;
        let date_text = record
            .date
            .ok_or_else(|| malformed(line, "a record has no date (D line)"))?;
        let date = parse_date(&normalise_date(date_text), order)
            .ok_or_else(|| malformed(line, format!("{:?} is not a date", date_text.trim())))?;
        let amount = record_amount(record, mark)?;
        let payee = record.payee.map(collapse).unwrap_or_default();
        if i == 0 && payee.eq_ignore_ascii_case("opening balance") {
            statement.opening_balance = Some(amount);
            continue;
        }
        let mut description = join_name_memo(&payee, record.memo.unwrap_or_default());
        if description.is_empty() {
            description = collapse(record.category.unwrap_or_default());
        }
        let mut t = Transaction::new(date, description, amount);
        let number = record
            .number
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        if draft.investment {
            t.bank_code = number;
        } else {
            t.reference = number;
        }
        t.counterparty.name = Some(payee).filter(|p| !p.is_empty());
        t.provenance = Provenance {
            line: Some(line),
            row: u32::try_from(statement.transactions.len() + 1).ok(),
            ..Provenance::default()
        };
        statement.transactions.push(t);
    }
    if draft.investment && !statement.transactions.is_empty() {
        warnings.push("investment records are read with their total (T) as the amount; share quantities are ignored".to_owned());
    }
    if statement.transactions.is_empty() && statement.opening_balance.is_none() {
        return Ok(None);
    }
    Ok(Some(statement))
}

fn record_amount(
    record: &Record<'_>,
    mark: crate::number::DecimalMark,
) -> Result<Amount, IngestError> {
    let parse = |text: &str| {
        parse_amount(text.trim(), Some(mark)).map_err(|e| malformed(record.line, e.to_string()))
    };
    if let Some(text) = record
        .amount
        .or(record.u_amount)
        .filter(|t| !t.trim().is_empty())
    {
        return parse(text);
    }
    if record.splits.is_empty() {
        return Err(malformed(record.line, "a record has no amount (T line)"));
    }
    let parts: Result<Vec<Amount>, IngestError> = record.splits.iter().map(|s| parse(s)).collect();
    Amount::checked_sum(parts?).map_err(|e| malformed(record.line, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ReadOptions;

    fn run(text: &str) -> Result<Parsed, IngestError> {
        let options = ReadOptions::default();
        parse(&Input {
            bytes: text.as_bytes(),
            text,
            options: &options,
        })
    }

    fn amount(text: &str) -> Amount {
        Amount::parse(text).unwrap()
    }

    #[test]
    fn quicken_date_shapes_normalise() {
        assert_eq!(normalise_date("1/ 2'24"), "1/2/2024");
        assert_eq!(normalise_date(" 1/ 2' 5"), "1/2/2005");
        assert_eq!(normalise_date("01/02/2024"), "01/02/2024");
        assert_eq!(normalise_date("2024-01-02"), "2024-01-02");
    }

    #[test]
    fn a_bank_file_reads_with_splits_kept_inside_their_transaction() {
        let text = "!Type:Bank\nD1/ 2'24\nT-1,000.00\nPDelta PC\nMrent\nN101\nLHousing\nSHousing\nErent part\n$-600.00\nSFees\n$-400.00\n^\nD1/15'24\nU75.46\nPWalts\n^\n";
        let parsed = run(text).unwrap();
        let s = &parsed.statements[0];
        assert_eq!(s.account.kind, AccountKind::Checking);
        assert!(s.currency.is_unknown());
        let [a, b] = s.transactions.as_slice() else {
            panic!("two transactions")
        };
        assert_eq!(a.date.to_string(), "2024-01-02");
        assert_eq!(a.amount, amount("-1000.00"));
        assert_eq!(a.description, "Delta PC - rent");
        assert_eq!(a.reference.as_deref(), Some("101"));
        assert_eq!(a.counterparty.name.as_deref(), Some("Delta PC"));
        assert_eq!(a.provenance.line, Some(2));
        assert_eq!(b.amount, amount("75.46"));
        assert_eq!(b.date.to_string(), "2024-01-15");
    }

    #[test]
    fn accounts_become_statements_and_opening_balance_is_not_a_transaction() {
        let text = "!Account\nN0123 456\nTCCard\nDCurrency: EUR\n^\n!Type:CCard\nD02/01/2024\nT100.00\nPOpening Balance\nL[0123 456]\n^\nD02/13/2024\nT-5.00\nPShop\n^\n\
!Account\nNSavings\nTBank\n^\n!Type:Bank\nD2024-02-03\nT7\nPInterest\n^\n";
        let parsed = run(text).unwrap();
        let [card, savings] = parsed.statements.as_slice() else {
            panic!("two statements")
        };
        assert_eq!(card.account.kind, AccountKind::CreditCard);
        assert_eq!(card.currency.code(), "EUR");
        assert_eq!(card.account.number.as_ref().unwrap().reveal(), "0123456");
        assert_eq!(card.opening_balance, Some(amount("100.00")));
        assert_eq!(card.transactions.len(), 1);
        assert_eq!(card.transactions[0].date.to_string(), "2024-02-13");
        assert_eq!(savings.transactions[0].amount, amount("7"));
        assert_eq!(savings.transactions[0].date.to_string(), "2024-02-03");
    }

    #[test]
    fn the_whole_file_decides_day_first_dates_and_decimal_commas() {
        let text = "!Type:Bank\nD01.02.2024\nT-1.234,50\nPA\n^\nD25.02.2024\nT10,00\nPB\n^\n";
        let parsed = run(text).unwrap();
        let t = &parsed.statements[0].transactions;
        assert_eq!(t[0].date.to_string(), "2024-02-01");
        assert_eq!(t[0].amount, amount("-1234.50"));
    }

    #[test]
    fn records_without_date_or_amount_are_located_errors() {
        let err = run("!Type:Bank\nD1/2/24\nPA\n^\n").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        let err = run("!Type:Bank\nT5\nPA\n^\n").unwrap_err();
        assert_eq!(err.code(), "malformed_file");
        assert_eq!(
            run("!Type:Cat\nNFood\n^\n").unwrap_err().code(),
            "no_statements"
        );
    }
}
