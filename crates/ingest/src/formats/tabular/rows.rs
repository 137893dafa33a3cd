//! Data rows to transactions, with the locale decided over whole columns first.

use std::collections::HashMap;

use chrono::NaiveDate;
use ledgerlens_core::{
    Account, AccountNumber, Amount, Currency, ForeignAmount, Format, Iban, Statement, Transaction,
};

use super::Row;
use super::columns::{Columns, first_token_date};
use super::preamble::{self, Meta};
use super::vocab::{self, Label};
use crate::dates::{DateOrder, infer_date_order, parse_date};
use crate::number::{DecimalMark, decisive_decimal_mark, infer_decimal_mark, parse_amount};
use crate::{IngestError, Parsed, ReadOptions};

/// Most statements (accounts × currencies) one file may hold.
const MAX_STATEMENTS: usize = 1000;

/// Most skipped-row warnings spelled out one by one; the rest are counted.
const MAX_ROW_WARNINGS: usize = 50;

/// Locale decisions for the money columns.
struct Marks {
    amount: DecimalMark,
    debit: DecimalMark,
    credit: DecimalMark,
    balance: DecimalMark,
    original: DecimalMark,
}

fn column_values<'a>(
    data: &'a [Row],
    col: Option<usize>,
) -> impl Iterator<Item = &'a str> + Clone + 'a {
    data.iter()
        .filter_map(move |r| col.filter(|&c| !r.is_numeric(c)).map(|c| r.cell(c)))
        .filter(|v| !v.is_empty())
}

/// A column's decimal mark: its own decisive values, else the file's, else what the currency's
/// minor units allow ("12.345" cannot be three decimals of a two-decimal currency).
fn decide_mark<'a>(
    own: impl Iterator<Item = &'a str> + Clone,
    pooled: &[&str],
    currency: Option<Currency>,
) -> DecimalMark {
    if own.clone().any(|v| decisive_decimal_mark(v).is_some()) {
        return infer_decimal_mark(own);
    }
    if pooled.iter().any(|v| decisive_decimal_mark(v).is_some()) {
        return infer_decimal_mark(pooled.iter().copied());
    }
    let separator = pooled
        .iter()
        .find_map(|v| v.chars().find(|c| *c == '.' || *c == ','));
    match (separator, currency) {
        (Some(sep), Some(c)) => {
            let sep_is_decimal = c.minor_units() == 3;
            match (sep, sep_is_decimal) {
                ('.', true) | (',', false) => DecimalMark::Dot,
                _ => DecimalMark::Comma,
            }
        }
        _ => DecimalMark::Dot,
    }
}

fn decide_marks(cols: &Columns, data: &[Row], currency: Option<Currency>) -> Marks {
    let money = [
        cols.amount,
        cols.debit,
        cols.credit,
        cols.balance,
        cols.original_amount,
    ];
    let pooled: Vec<&str> = money.iter().flat_map(|c| column_values(data, *c)).collect();
    let mark = |col: Option<usize>| decide_mark(column_values(data, col), &pooled, currency);
    Marks {
        amount: mark(cols.amount),
        debit: mark(cols.debit),
        credit: mark(cols.credit),
        balance: mark(cols.balance),
        original: mark(cols.original_amount),
    }
}

fn decide_order(cols: &Columns, data: &[Row], options: &ReadOptions) -> DateOrder {
    let values: Vec<&str> = data
        .iter()
        .flat_map(|r| {
            [cols.date, cols.value_date]
                .into_iter()
                .flatten()
                .map(|c| first_token_date(r.cell(c)))
        })
        .filter(|v| !v.is_empty())
        .collect();
    if let Some(order) = cols.header_date_order
        && values.iter().all(|v| parse_date(v, order).is_some())
    {
        return order;
    }
    infer_date_order(values.iter().copied(), options.date_order_hint)
}

/// Reads the money in a cell: `None` when empty.
fn money(
    format: Format,
    row: &Row,
    col: Option<usize>,
    mark: DecimalMark,
    header: &Row,
) -> Result<Option<Amount>, IngestError> {
    let Some(col) = col else { return Ok(None) };
    // A leading apostrophe is the spreadsheet way of forcing a cell to text.
    let text = row.cell(col).trim_start_matches('\'').trim();
    if text.is_empty() {
        return Ok(None);
    }
    let mark = if row.is_numeric(col) {
        DecimalMark::Dot
    } else {
        mark
    };
    parse_amount(text, Some(mark)).map(Some).map_err(|_| {
        let shown: String = text.chars().take(40).collect();
        IngestError::malformed(
            format,
            Some(row.location()),
            format!(
                "{shown:?} in column {:?} is not an amount",
                header.cell(col)
            ),
        )
    })
}

fn text_of(row: &Row, col: Option<usize>) -> Option<String> {
    let text = row.cell(col?);
    (!text.is_empty()).then(|| text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn description(row: &Row, cols: &Columns) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for &col in cols.description.iter().chain(&cols.memo) {
        let part = row.cell(col);
        if !part.is_empty() && !parts.contains(&part) {
            parts.push(part);
        }
    }
    let joined = parts.join(" ");
    let mut text = joined.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        text = text_of(row, cols.payee)
            .or_else(|| text_of(row, cols.bank_code))
            .unwrap_or_default();
    }
    text
}

/// Per-file state while rows are read.
struct Reader<'a> {
    format: Format,
    header: &'a Row,
    cols: &'a Columns,
    marks: Marks,
    order: DateOrder,
    /// Negate debit-column values (the column is written as positive magnitudes).
    negate_debits: bool,
    statements: Vec<(Option<String>, Option<Currency>, Statement)>,
    by_key: HashMap<(Option<String>, Option<Currency>), usize>,
    warnings: Vec<String>,
    skipped: usize,
    meta: Meta,
}

impl Reader<'_> {
    fn warn_row(&mut self, message: String) {
        self.skipped += 1;
        if self.skipped <= MAX_ROW_WARNINGS {
            self.warnings.push(message);
        }
    }

    fn date(&self, row: &Row, col: Option<usize>) -> Option<NaiveDate> {
        parse_date(first_token_date(row.cell(col?)), self.order)
    }

    fn summary_row(&mut self, row: &Row) -> bool {
        let Some((label, value)) = preamble::summary(row) else {
            return false;
        };
        let what = match label {
            Label::Opening => {
                if self.meta.opening.is_none() {
                    self.meta.opening = Some(value);
                }
                "read as the opening balance"
            }
            Label::Closing => {
                if self.meta.closing.is_none() {
                    self.meta.closing = Some(value);
                }
                "read as the closing balance"
            }
            _ => "a total, skipped",
        };
        let first: String = row
            .cells
            .iter()
            .map(|c| c.trim())
            .find(|c| !c.is_empty())
            .unwrap_or_default()
            .chars()
            .take(40)
            .collect();
        self.warnings
            .push(format!("{}: summary row {first:?} {what}", row.location()));
        true
    }

    fn amount(&self, row: &Row) -> Result<Option<Amount>, IngestError> {
        let (f, h, c) = (self.format, self.header, self.cols);
        if let Some(mut amount) = money(f, row, c.amount, self.marks.amount, h)? {
            if let Some(is_debit) = c.marker.and_then(|m| vocab::marker_sign(row.cell(m))) {
                amount = if is_debit {
                    amount.abs().negated()
                } else {
                    amount.abs()
                };
            }
            return Ok(Some(amount));
        }
        let debit = money(f, row, c.debit, self.marks.debit, h)?;
        let credit = money(f, row, c.credit, self.marks.credit, h)?;
        let debit = debit.map(|d| if self.negate_debits { d.negated() } else { d });
        Ok(match (debit, credit) {
            (None, None) => None,
            (Some(d), None) => Some(d),
            (None, Some(cr)) => Some(cr),
            (Some(d), Some(cr)) if d.is_zero() => Some(cr),
            (Some(d), Some(cr)) if cr.is_zero() => Some(d),
            (Some(d), Some(cr)) => Some(d.checked_add(cr).map_err(|_| {
                IngestError::malformed(
                    self.format,
                    Some(row.location()),
                    "debit plus credit overflows",
                )
            })?),
        })
    }

    fn statement_for(&mut self, row: &Row) -> Result<&mut Statement, IngestError> {
        let account =
            text_of(row, self.cols.account_number).or_else(|| text_of(row, self.cols.account_name));
        let currency = self
            .cols
            .currency
            .and_then(|c| Currency::parse(row.cell(c)).ok());
        let key = (account, currency);
        let index = match self.by_key.get(&key) {
            Some(&i) => i,
            None => {
                if self.statements.len() >= MAX_STATEMENTS {
                    return Err(IngestError::malformed(
                        self.format,
                        Some(row.location()),
                        format!("more than {MAX_STATEMENTS} accounts in one file"),
                    ));
                }
                let statement = Statement::new(Account::default(), Currency::unknown());
                self.statements.push((key.0.clone(), key.1, statement));
                self.by_key.insert(key, self.statements.len() - 1);
                self.statements.len() - 1
            }
        };
        self.statements
            .get_mut(index)
            .map(|(_, _, s)| s)
            .ok_or_else(|| IngestError::malformed(self.format, None, "statement index lost"))
    }

    fn row(&mut self, row: &Row, data_row: u32) -> Result<(), IngestError> {
        if row.is_blank() {
            return Ok(());
        }
        if row.cells == self.header.cells {
            self.warn_row(format!("{}: repeated header row skipped", row.location()));
            return Ok(());
        }
        let Some(date) = self.date(row, self.cols.date) else {
            if self.summary_row(row) {
                return Ok(());
            }
            let shown: String = row
                .cell(self.cols.date.unwrap_or(0))
                .chars()
                .take(30)
                .collect();
            self.warn_row(format!(
                "{}: no readable date ({shown:?}); row skipped",
                row.location()
            ));
            return Ok(());
        };
        let balance = money(
            self.format,
            row,
            self.cols.balance,
            self.marks.balance,
            self.header,
        )?;
        let Some(amount) = self.amount(row)? else {
            let text = description(row, self.cols);
            match (vocab::label(&text), balance) {
                (Some(Label::Opening), Some(b)) if self.meta.opening.is_none() => {
                    self.meta.opening = Some(b.to_string());
                    self.warnings.push(format!(
                        "{}: balance row {text:?} read as the opening balance",
                        row.location()
                    ));
                }
                (Some(Label::Closing), Some(b)) if self.meta.closing.is_none() => {
                    self.meta.closing = Some(b.to_string());
                    self.warnings.push(format!(
                        "{}: balance row {text:?} read as the closing balance",
                        row.location()
                    ));
                }
                _ if !self.cols.has_movement() => {}
                _ => self.warn_row(format!("{}: no amount; row skipped", row.location())),
            }
            if !self.cols.has_movement()
                && let Some(b) = balance
            {
                self.statement_for(row)?;
                self.track_balance_only(date, b);
            }
            return Ok(());
        };
        let mut t = Transaction::new(date, description(row, self.cols), amount);
        t.value_date = self.date(row, self.cols.value_date).filter(|d| *d != date);
        t.balance = if self.cols.balance_before {
            balance.and_then(|b| b.checked_add(amount).ok())
        } else {
            balance
        };
        t.reference = text_of(row, self.cols.reference);
        t.bank_code = text_of(row, self.cols.bank_code);
        t.counterparty.name = text_of(row, self.cols.payee);
        t.counterparty.account = text_of(row, self.cols.counterparty_account);
        if let Some(original) = money(
            self.format,
            row,
            self.cols.original_amount,
            self.marks.original,
            self.header,
        )? {
            let currency = self
                .cols
                .original_currency
                .and_then(|c| Currency::parse(row.cell(c)).ok());
            if let (false, Some(currency)) = (original.is_zero(), currency) {
                let signed = if amount.is_negative() {
                    original.abs().negated()
                } else {
                    original.abs()
                };
                t.original = Some(ForeignAmount {
                    amount: signed,
                    currency,
                });
            }
        }
        t.provenance.line = row.line;
        t.provenance.row = Some(data_row);
        self.statement_for(row)?.transactions.push(t);
        Ok(())
    }

    /// Balance-only exports (date + balance per day): the latest balance is the closing balance.
    fn track_balance_only(&mut self, date: NaiveDate, balance: Amount) {
        if let Some((_, _, s)) = self.statements.last_mut() {
            let later = s.period.is_none_or(|p| date > p.end);
            if later {
                s.closing_balance = Some(balance);
                s.period = Some(ledgerlens_core::Period {
                    start: date,
                    end: date,
                });
            }
        }
    }
}

fn account_from(number: Option<&str>, meta: &Meta) -> Account {
    let mut account = Account {
        holder: meta.holder.clone(),
        bank: meta.bank.clone(),
        bank_id: meta.bank_id.clone(),
        ..Account::default()
    };
    if let Some(number) = number.or(meta.account.as_deref()) {
        match Iban::parse(number) {
            Ok(iban) => account.iban = Some(iban),
            Err(_) => account.number = AccountNumber::parse(number).ok(),
        }
    }
    account
}

/// Reads the data rows under `header` into statements.
pub fn read(
    format: Format,
    header: &Row,
    cols: &Columns,
    meta: Meta,
    data: &[Row],
    options: &ReadOptions,
) -> Result<Parsed, IngestError> {
    let first_currency = cols
        .currency
        .and_then(|c| data.iter().find_map(|r| Currency::parse(r.cell(c)).ok()));
    let currency_hint = cols
        .header_currency
        .or(meta.currency)
        .or(first_currency)
        .or(options.default_currency);
    let negate_debits = column_values(data, cols.debit)
        .chain(
            data.iter()
                .filter_map(|r| cols.debit.filter(|&c| r.is_numeric(c)).map(|c| r.cell(c))),
        )
        .any(|v| parse_amount(v, None).is_ok_and(|a| !a.is_negative() && !a.is_zero()));
    let mut reader = Reader {
        format,
        header,
        cols,
        marks: decide_marks(cols, data, currency_hint),
        order: decide_order(cols, data, options),
        negate_debits,
        statements: Vec::new(),
        by_key: HashMap::new(),
        warnings: Vec::new(),
        skipped: 0,
        meta,
    };
    for (index, row) in data.iter().enumerate() {
        reader.row(row, u32::try_from(index + 1).unwrap_or(u32::MAX))?;
    }
    if reader.skipped > MAX_ROW_WARNINGS {
        reader
            .warnings
            .push(format!("{} rows skipped in all", reader.skipped));
    }
    if !cols.has_movement() {
        reader
            .warnings
            .push("no amount column: only the balance was read".to_owned());
    }
    let Reader {
        statements,
        mut warnings,
        meta,
        marks,
        ..
    } = reader;
    let parse_meta = |text: &Option<String>, what: &str, warnings: &mut Vec<String>| {
        let text = text.as_deref()?;
        match parse_amount(text, Some(marks.balance)) {
            Ok(a) => Some(a),
            Err(_) => {
                warnings.push(format!("the {what} {text:?} is not an amount; ignored"));
                None
            }
        }
    };
    let opening = parse_meta(&meta.opening, "opening balance", &mut warnings);
    let closing = parse_meta(&meta.closing, "closing balance", &mut warnings);
    let mut out: Vec<Statement> = Vec::with_capacity(statements.len().max(1));
    let single = statements.len() <= 1;
    if !single && (opening.is_some() || closing.is_some()) {
        warnings.push(
            "opening/closing balances stated once for several accounts; not assigned".to_owned(),
        );
    }
    let groups = if statements.is_empty() {
        vec![(
            None,
            None,
            Statement::new(Account::default(), Currency::unknown()),
        )]
    } else {
        statements
    };
    for (number, currency, mut statement) in groups {
        let currency = currency.or(cols.header_currency).or(meta.currency);
        statement.account = account_from(number.as_deref(), &meta);
        statement.account.currency = currency;
        statement.currency = currency.unwrap_or_else(Currency::unknown);
        if single {
            statement.opening_balance = opening;
            statement.closing_balance = closing.or(statement.closing_balance);
        }
        if !cols.has_movement() {
            statement.period = None;
        }
        out.push(statement);
    }
    Ok(Parsed {
        statements: out,
        warnings,
        ..Parsed::default()
    })
}
