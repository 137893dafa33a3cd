//! The bank-like layouts: what each prints, where, and how it writes dates and amounts.
//!
//! Every layout prints the statement metadata (bank, holder, account number, IBAN when the
//! statement has one, currency, period, opening and closing balance), a header row of column
//! titles on every page, and every transaction with its running balance.

use chrono::NaiveDate;
use ledgerlens_core::{Amount, Statement};

use super::Layout;
use super::fonts::Font;
use super::sheet::{Align, Column, Placed, Row, Sheet};

/// The magnitude of an amount with the currency's decimals, grouped: `group(-1234567.5, 2, ",",
/// ".")` is "1,234,567.50".
pub fn group(amount: Amount, decimals: u32, thousands: &str, decimal: &str) -> String {
    let text = amount.abs().with_min_scale(decimals).to_string();
    let (int_part, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::with_capacity(text.len() + 8);
    let len = int_part.len();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            out.push_str(thousands);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push_str(decimal);
        out.push_str(frac);
    }
    out
}

impl Layout {
    /// How the layout prints a transaction date.
    pub fn date_text(self, date: NaiveDate) -> String {
        let pattern = match self {
            Layout::Nigerian => "%d-%b-%Y",
            Layout::NigerianCourier => "%d-%b-%y",
            Layout::Uk => "%d %b",
            Layout::French => "%d/%m/%Y",
            Layout::Us => "%m/%d/%Y",
        };
        date.format(pattern).to_string()
    }

    /// How the layout prints a transaction amount in its amount column (for debit/credit
    /// layouts: the unsigned magnitude in the debit or the credit column).
    pub fn amount_text(self, amount: Amount, decimals: u32) -> String {
        match self {
            Layout::Nigerian | Layout::NigerianCourier | Layout::Uk => {
                group(amount, decimals, ",", ".")
            }
            Layout::French => {
                let sign = if amount.is_negative() { "-" } else { "+" };
                format!("{sign}{}", group(amount, decimals, " ", ","))
            }
            Layout::Us => parenthesised(amount, decimals),
        }
    }

    /// How the layout prints a running balance.
    pub fn balance_text(self, balance: Amount, decimals: u32) -> String {
        let minus = if balance.is_negative() { "-" } else { "" };
        match self {
            Layout::Nigerian | Layout::NigerianCourier => {
                format!("{minus}{}", group(balance, decimals, ",", "."))
            }
            Layout::Uk => {
                let side = if balance.is_negative() { "DR" } else { "CR" };
                format!("{} {side}", group(balance, decimals, ",", "."))
            }
            Layout::French => format!("{minus}{}", group(balance, decimals, " ", ",")),
            Layout::Us => parenthesised(balance, decimals),
        }
    }
}

fn parenthesised(amount: Amount, decimals: u32) -> String {
    let digits = group(amount, decimals, ",", ".");
    if amount.is_negative() {
        format!("({digits})")
    } else {
        digits
    }
}

/// What every layout needs to know about the statement, formatted once.
struct Facts<'a> {
    statement: &'a Statement,
    decimals: u32,
    bank: String,
    holder: String,
    number: String,
    iban: Option<String>,
    currency: String,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    opening: Amount,
    closing: Amount,
}

impl<'a> Facts<'a> {
    fn new(statement: &'a Statement) -> Self {
        let account = &statement.account;
        let span = statement.period.or_else(|| statement.transaction_span());
        let opening = statement.opening_balance.unwrap_or_else(|| {
            // Derive it from the first row when the statement lacks it.
            statement
                .transactions
                .first()
                .and_then(|t| t.balance.map(|b| b.checked_sub(t.amount).unwrap_or(b)))
                .unwrap_or(Amount::ZERO)
        });
        let closing = statement.closing_balance.unwrap_or_else(|| {
            statement
                .transactions
                .last()
                .and_then(|t| t.balance)
                .unwrap_or(opening)
        });
        Facts {
            statement,
            decimals: statement.currency.minor_units(),
            bank: account.bank.clone().unwrap_or_else(|| "Bank".to_owned()),
            holder: account.holder.clone().unwrap_or_default(),
            number: account
                .number
                .as_ref()
                .map(|n| n.reveal().to_owned())
                .unwrap_or_default(),
            iban: account.iban.as_ref().map(|i| {
                let compact: Vec<char> = i.reveal().chars().collect();
                compact
                    .chunks(4)
                    .map(|c| c.iter().collect::<String>())
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
            currency: statement.currency.code().to_owned(),
            start: span.map(|p| p.start),
            end: span.map(|p| p.end),
            opening,
            closing,
        }
    }

    fn date(&self, layout: Layout, date: Option<NaiveDate>) -> String {
        date.map(|d| layout.date_text(d)).unwrap_or_default()
    }

    fn totals(&self) -> (Amount, Amount) {
        let mut out = Amount::ZERO;
        let mut inflow = Amount::ZERO;
        for t in &self.statement.transactions {
            if t.amount.is_negative() {
                out = out.checked_add(t.amount.abs()).unwrap_or(out);
            } else {
                inflow = inflow.checked_add(t.amount).unwrap_or(inflow);
            }
        }
        (out, inflow)
    }
}

/// Label/value pairs stacked under a title, the metadata block of page 1.
fn block(
    font: Font,
    bold: Font,
    size: f32,
    x: f32,
    top: f32,
    pairs: &[(&str, String)],
) -> Vec<Placed> {
    let label_width = pairs
        .iter()
        .map(|(label, _)| bold.text_width(label, size))
        .fold(0.0, f32::max);
    pairs
        .iter()
        .enumerate()
        .flat_map(|(i, (label, value))| {
            let y = top - i as f32 * (size + 3.5);
            [
                Placed::left(bold, size, x, y, *label),
                Placed::left(font, size, x + label_width + 6.0, y, value.clone()),
            ]
        })
        .collect()
}

fn odd(odd_font_row: Option<usize>, index: usize, column: usize) -> Option<usize> {
    (odd_font_row == Some(index)).then_some(column)
}

/// Nigerian retail bank: Trans. Date | Value Date | Narration | Debit | Credit | Balance.
pub fn nigerian(statement: &Statement, odd_font_row: Option<usize>) -> Sheet {
    let layout = Layout::Nigerian;
    let f = Facts::new(statement);
    let (width, height) = (595.0, 842.0);
    let (font, bold, size) = (Font::Helvetica, Font::HelveticaBold, 7.5);
    let every_page = vec![
        Placed::left(bold, 9.0, 36.0, 815.0, f.bank.to_uppercase()),
        Placed::left(font, 7.0, 559.0, 815.0, format!("Account No: {}", f.number))
            .aligned(Align::Right),
        Placed::left(font, 7.0, 297.5, 24.0, "Page {page} of {pages}").aligned(Align::Center),
        Placed::left(
            font,
            6.5,
            36.0,
            24.0,
            "This is a computer generated statement.",
        ),
    ];
    let mut first_page = vec![Placed::left(
        bold,
        12.0,
        36.0,
        785.0,
        "STATEMENT OF ACCOUNT",
    )];
    let (debits, credits) = f.totals();
    let mut pairs = vec![
        ("Account Name:", f.holder.clone()),
        ("Account Number:", f.number.clone()),
        ("Currency:", f.currency.clone()),
        (
            "Period:",
            format!("{} to {}", f.date(layout, f.start), f.date(layout, f.end)),
        ),
        (
            "Opening Balance:",
            layout.balance_text(f.opening, f.decimals),
        ),
        ("Total Debit:", group(debits, f.decimals, ",", ".")),
        ("Total Credit:", group(credits, f.decimals, ",", ".")),
        (
            "Closing Balance:",
            layout.balance_text(f.closing, f.decimals),
        ),
    ];
    if let Some(iban) = &f.iban {
        pairs.insert(2, ("IBAN:", iban.clone()));
    }
    first_page.extend(block(font, bold, 8.0, 36.0, 765.0, &pairs));
    let columns = vec![
        Column::new("Trans. Date", 36.0, 84.0, Align::Left, false),
        Column::new("Value Date", 90.0, 138.0, Align::Left, false),
        Column::new("Narration", 144.0, 330.0, Align::Left, true),
        Column::new("Debit", 336.0, 400.0, Align::Right, false),
        Column::new("Credit", 406.0, 474.0, Align::Right, false),
        Column::new("Balance", 480.0, 559.0, Align::Right, false),
    ];
    let opening_date = f.date(layout, f.start);
    let mut rows = vec![Row {
        cells: vec![
            opening_date.clone(),
            opening_date,
            "Balance B/F".to_owned(),
            String::new(),
            String::new(),
            layout.balance_text(f.opening, f.decimals),
        ],
        ..Row::default()
    }];
    for (i, t) in statement.transactions.iter().enumerate() {
        let amount = layout.amount_text(t.amount, f.decimals);
        let (debit, credit, column) = if t.amount.is_negative() {
            (amount, String::new(), 3)
        } else {
            (String::new(), amount, 4)
        };
        rows.push(Row {
            cells: vec![
                layout.date_text(t.date),
                layout.date_text(t.value_date.unwrap_or(t.date)),
                t.description.clone(),
                debit,
                credit,
                t.balance
                    .map(|b| layout.balance_text(b, f.decimals))
                    .unwrap_or_default(),
            ],
            odd_font: odd(odd_font_row, i, column),
            ..Row::default()
        });
    }
    Sheet {
        width,
        height,
        font,
        bold,
        size,
        leading: 9.0,
        row_gap: 2.5,
        every_page,
        first_page,
        table_top_first: 660.0,
        table_top: 800.0,
        bottom: 45.0,
        columns,
        rows,
    }
}

/// Nigerian core-banking printout in Courier, narration last and two-digit years:
/// Trans Date | Reference | Value Date | Debits | Credits | Balance | Remarks.
pub fn nigerian_courier(statement: &Statement, odd_font_row: Option<usize>) -> Sheet {
    let layout = Layout::NigerianCourier;
    let f = Facts::new(statement);
    let (font, bold, size) = (Font::Courier, Font::Courier, 7.0);
    let every_page = vec![
        Placed::left(font, 8.0, 30.0, 815.0, f.bank.to_uppercase()),
        Placed::left(font, 7.0, 565.0, 815.0, "Page {page} of {pages}").aligned(Align::Right),
        Placed::left(font, 7.0, 30.0, 805.0, format!("Account: {}", f.number)),
    ];
    let mut pairs = vec![
        ("Customer Name  :", f.holder.clone()),
        ("Account Number :", f.number.clone()),
        ("Currency       :", f.currency.clone()),
        (
            "Period         :",
            format!(
                "{} To {}",
                f.start
                    .map(|d| d.format("%d-%b-%Y").to_string())
                    .unwrap_or_default(),
                f.end
                    .map(|d| d.format("%d-%b-%Y").to_string())
                    .unwrap_or_default()
            ),
        ),
        (
            "Opening Balance:",
            layout.balance_text(f.opening, f.decimals),
        ),
        (
            "Closing Balance:",
            layout.balance_text(f.closing, f.decimals),
        ),
    ];
    if let Some(iban) = &f.iban {
        pairs.insert(2, ("IBAN           :", iban.clone()));
    }
    let mut first_page = vec![Placed::left(font, 10.0, 30.0, 780.0, "CUSTOMER STATEMENT")];
    first_page.extend(block(font, bold, 7.5, 30.0, 762.0, &pairs));
    let columns = vec![
        Column::new("Trans Date", 30.0, 72.0, Align::Left, false),
        Column::new("Reference", 78.0, 128.0, Align::Left, false),
        Column::new("Value Date", 134.0, 176.0, Align::Left, false),
        Column::new("Debits", 182.0, 248.0, Align::Right, false),
        Column::new("Credits", 254.0, 320.0, Align::Right, false),
        Column::new("Balance", 326.0, 396.0, Align::Right, false),
        Column::new("Remarks", 404.0, 565.0, Align::Left, true),
    ];
    let mut rows = Vec::new();
    for (i, t) in statement.transactions.iter().enumerate() {
        let amount = layout.amount_text(t.amount, f.decimals);
        let (debit, credit, column) = if t.amount.is_negative() {
            (amount, String::new(), 3)
        } else {
            (String::new(), amount, 4)
        };
        rows.push(Row {
            cells: vec![
                layout.date_text(t.date),
                t.reference.clone().unwrap_or_default(),
                layout.date_text(t.value_date.unwrap_or(t.date)),
                debit,
                credit,
                t.balance
                    .map(|b| layout.balance_text(b, f.decimals))
                    .unwrap_or_default(),
                t.description.clone(),
            ],
            odd_font: odd(odd_font_row, i, column),
            ..Row::default()
        });
    }
    Sheet {
        width: 595.0,
        height: 842.0,
        font,
        bold,
        size,
        leading: 8.5,
        row_gap: 2.0,
        every_page,
        first_page,
        table_top_first: 690.0,
        table_top: 790.0,
        bottom: 40.0,
        columns,
        rows,
    }
}

/// UK high-street bank: Date | Description | Paid out | Paid in | Balance, "05 Jan" dates printed
/// once per day (and again at the top of a page), balances with a CR/DR suffix.
pub fn uk(statement: &Statement, odd_font_row: Option<usize>) -> Sheet {
    let layout = Layout::Uk;
    let f = Facts::new(statement);
    let (font, bold, size) = (Font::Helvetica, Font::HelveticaBold, 8.0);
    let long = |d: Option<NaiveDate>| {
        d.map(|d| d.format("%-d %B %Y").to_string())
            .unwrap_or_default()
    };
    let every_page = vec![
        Placed::left(bold, 11.0, 40.0, 805.0, f.bank.clone()),
        Placed::left(
            font,
            8.0,
            555.0,
            805.0,
            format!("Account number {}", f.number),
        )
        .aligned(Align::Right),
        Placed::left(font, 7.0, 555.0, 30.0, "Page {page} of {pages}").aligned(Align::Right),
        Placed::left(
            font,
            7.0,
            40.0,
            30.0,
            format!("{} - {}", f.holder, f.number),
        ),
    ];
    let (paid_out, paid_in) = f.totals();
    let mut pairs = vec![
        ("Account name", f.holder.clone()),
        ("Account number", f.number.clone()),
        (
            "Statement period",
            format!("{} to {}", long(f.start), long(f.end)),
        ),
        ("Account currency", f.currency.clone()),
        (
            "Opening balance",
            layout.balance_text(f.opening, f.decimals),
        ),
        ("Payments out", group(paid_out, f.decimals, ",", ".")),
        ("Payments in", group(paid_in, f.decimals, ",", ".")),
        (
            "Closing balance",
            layout.balance_text(f.closing, f.decimals),
        ),
    ];
    if let Some(iban) = &f.iban {
        pairs.insert(2, ("IBAN", iban.clone()));
    }
    let mut first_page = vec![Placed::left(bold, 13.0, 40.0, 770.0, "Your statement")];
    first_page.extend(block(font, bold, 8.5, 40.0, 748.0, &pairs));
    let columns = vec![
        Column::new("Date", 40.0, 78.0, Align::Left, false),
        Column::new("Description", 84.0, 290.0, Align::Left, true),
        Column::new("Paid out", 300.0, 370.0, Align::Right, false),
        Column::new("Paid in", 380.0, 450.0, Align::Right, false),
        Column::new("Balance", 460.0, 555.0, Align::Right, false),
    ];
    let mut rows = vec![Row {
        cells: vec![
            f.date(layout, f.start),
            "BALANCE BROUGHT FORWARD".to_owned(),
            String::new(),
            String::new(),
            layout.balance_text(f.opening, f.decimals),
        ],
        ..Row::default()
    }];
    let mut previous = f.start;
    for (i, t) in statement.transactions.iter().enumerate() {
        let date = layout.date_text(t.date);
        let same_day = previous == Some(t.date);
        previous = Some(t.date);
        let amount = layout.amount_text(t.amount, f.decimals);
        let (out, inflow, column) = if t.amount.is_negative() {
            (amount, String::new(), 2)
        } else {
            (String::new(), amount, 3)
        };
        rows.push(Row {
            cells: vec![
                if same_day {
                    String::new()
                } else {
                    date.clone()
                },
                t.description.clone(),
                out,
                inflow,
                t.balance
                    .map(|b| layout.balance_text(b, f.decimals))
                    .unwrap_or_default(),
            ],
            odd_font: odd(odd_font_row, i, column),
            carried: same_day.then_some((0, date)),
            ..Row::default()
        });
    }
    rows.push(Row {
        cells: vec![
            f.date(layout, f.end),
            "BALANCE CARRIED FORWARD".to_owned(),
            String::new(),
            String::new(),
            layout.balance_text(f.closing, f.decimals),
        ],
        bold: true,
        ..Row::default()
    });
    Sheet {
        width: 595.0,
        height: 842.0,
        font,
        bold,
        size,
        leading: 10.0,
        row_gap: 2.0,
        every_page,
        first_page,
        table_top_first: 665.0,
        table_top: 785.0,
        bottom: 50.0,
        columns,
        rows,
    }
}

/// French bank: Date | Libellé | Valeur | Montant | Solde, signed amounts with a decimal comma and
/// space-grouped thousands, IBAN in the header, a "Total des mouvements" line.
pub fn french(statement: &Statement, odd_font_row: Option<usize>) -> Sheet {
    let layout = Layout::French;
    let f = Facts::new(statement);
    let (font, bold, size) = (Font::Helvetica, Font::HelveticaBold, 8.0);
    let start = f.date(layout, f.start);
    let end = f.date(layout, f.end);
    let every_page = vec![
        Placed::left(bold, 11.0, 40.0, 805.0, f.bank.clone()),
        Placed::left(font, 8.0, 555.0, 805.0, format!("Compte n° {}", f.number))
            .aligned(Align::Right),
        Placed::left(font, 7.0, 297.5, 28.0, "Page {page} / {pages}").aligned(Align::Center),
    ];
    let mut pairs = vec![
        ("Titulaire :", f.holder.clone()),
        ("N° de compte :", f.number.clone()),
        ("Devise :", f.currency.clone()),
        ("Période :", format!("du {start} au {end}")),
        (
            "Solde initial :",
            layout.balance_text(f.opening, f.decimals),
        ),
        ("Solde final :", layout.balance_text(f.closing, f.decimals)),
    ];
    if let Some(iban) = &f.iban {
        pairs.insert(2, ("IBAN :", iban.clone()));
    }
    let mut first_page = vec![Placed::left(bold, 13.0, 40.0, 772.0, "RELEVÉ DE COMPTE")];
    first_page.extend(block(font, bold, 8.5, 40.0, 750.0, &pairs));
    let columns = vec![
        Column::new("Date", 40.0, 86.0, Align::Left, false),
        Column::new("Libellé", 92.0, 300.0, Align::Left, true),
        Column::new("Valeur", 306.0, 352.0, Align::Left, false),
        Column::new("Montant", 362.0, 450.0, Align::Right, false),
        Column::new("Solde", 460.0, 555.0, Align::Right, false),
    ];
    let mut rows = vec![Row {
        cells: vec![
            String::new(),
            format!("Solde précédent au {start}"),
            String::new(),
            String::new(),
            layout.balance_text(f.opening, f.decimals),
        ],
        bold: true,
        ..Row::default()
    }];
    for (i, t) in statement.transactions.iter().enumerate() {
        rows.push(Row {
            cells: vec![
                layout.date_text(t.date),
                t.description.clone(),
                layout.date_text(t.value_date.unwrap_or(t.date)),
                layout.amount_text(t.amount, f.decimals),
                t.balance
                    .map(|b| layout.balance_text(b, f.decimals))
                    .unwrap_or_default(),
            ],
            odd_font: odd(odd_font_row, i, 3),
            ..Row::default()
        });
    }
    let net = f.closing.checked_sub(f.opening).unwrap_or(Amount::ZERO);
    rows.push(Row {
        cells: vec![
            String::new(),
            "Total des mouvements".to_owned(),
            String::new(),
            layout.amount_text(net, f.decimals),
            String::new(),
        ],
        bold: true,
        ..Row::default()
    });
    rows.push(Row {
        cells: vec![
            String::new(),
            format!("Nouveau solde au {end}"),
            String::new(),
            String::new(),
            layout.balance_text(f.closing, f.decimals),
        ],
        bold: true,
        ..Row::default()
    });
    Sheet {
        width: 595.0,
        height: 842.0,
        font,
        bold,
        size,
        leading: 10.0,
        row_gap: 2.0,
        every_page,
        first_page,
        table_top_first: 660.0,
        table_top: 785.0,
        bottom: 50.0,
        columns,
        rows,
    }
}

/// US bank on Letter paper: Posting Date | Description | Amount | Running Balance, MM/DD/YYYY,
/// negatives in parentheses, descriptions wrapped in a narrow column over two or three lines.
pub fn us(statement: &Statement, odd_font_row: Option<usize>) -> Sheet {
    let layout = Layout::Us;
    let f = Facts::new(statement);
    let (font, bold, size) = (Font::Helvetica, Font::HelveticaBold, 8.0);
    let every_page = vec![
        Placed::left(bold, 12.0, 40.0, 758.0, f.bank.clone()),
        Placed::left(
            font,
            8.0,
            572.0,
            758.0,
            format!("Account Number: {}", f.number),
        )
        .aligned(Align::Right),
        Placed::left(font, 7.0, 572.0, 24.0, "Page {page} of {pages}").aligned(Align::Right),
        Placed::left(
            font,
            6.5,
            40.0,
            24.0,
            "Member FDIC. Questions? Call the number on the back of your card.",
        ),
    ];
    let (withdrawals, deposits) = f.totals();
    let mut pairs = vec![
        ("Account Holder:", f.holder.clone()),
        ("Account Number:", f.number.clone()),
        (
            "Statement Period:",
            format!("{} - {}", f.date(layout, f.start), f.date(layout, f.end)),
        ),
        ("Currency:", f.currency.clone()),
        (
            "Beginning Balance:",
            layout.balance_text(f.opening, f.decimals),
        ),
        (
            "Deposits and Credits:",
            group(deposits, f.decimals, ",", "."),
        ),
        (
            "Withdrawals and Debits:",
            parenthesised(withdrawals.negated(), f.decimals),
        ),
        (
            "Ending Balance:",
            layout.balance_text(f.closing, f.decimals),
        ),
    ];
    if let Some(iban) = &f.iban {
        pairs.insert(2, ("IBAN:", iban.clone()));
    }
    let mut first_page = vec![Placed::left(bold, 11.0, 40.0, 728.0, "Account Statement")];
    first_page.extend(block(font, bold, 8.5, 40.0, 708.0, &pairs));
    let columns = vec![
        Column::new("Posting Date", 40.0, 96.0, Align::Left, false),
        Column::new("Description", 104.0, 190.0, Align::Left, true),
        Column::new("Amount", 300.0, 400.0, Align::Right, false),
        Column::new("Running Balance", 440.0, 572.0, Align::Right, false),
    ];
    let mut rows = vec![Row {
        cells: vec![
            f.date(layout, f.start),
            "Beginning Balance".to_owned(),
            String::new(),
            layout.balance_text(f.opening, f.decimals),
        ],
        ..Row::default()
    }];
    for (i, t) in statement.transactions.iter().enumerate() {
        rows.push(Row {
            cells: vec![
                layout.date_text(t.date),
                t.description.clone(),
                layout.amount_text(t.amount, f.decimals),
                t.balance
                    .map(|b| layout.balance_text(b, f.decimals))
                    .unwrap_or_default(),
            ],
            odd_font: odd(odd_font_row, i, 2),
            ..Row::default()
        });
    }
    rows.push(Row {
        cells: vec![
            f.date(layout, f.end),
            "Ending Balance".to_owned(),
            String::new(),
            layout.balance_text(f.closing, f.decimals),
        ],
        bold: true,
        ..Row::default()
    });
    Sheet {
        width: 612.0,
        height: 792.0,
        font,
        bold,
        size,
        leading: 9.5,
        row_gap: 3.0,
        every_page,
        first_page,
        table_top_first: 600.0,
        table_top: 735.0,
        bottom: 48.0,
        columns,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(text: &str) -> Amount {
        Amount::parse(text).unwrap()
    }

    #[test]
    fn grouping_follows_each_locale() {
        assert_eq!(group(a("-1234567.5"), 2, ",", "."), "1,234,567.50");
        assert_eq!(group(a("999"), 2, " ", ","), "999,00");
        assert_eq!(group(a("1000"), 0, ".", ","), "1.000");
        assert_eq!(group(a("0.125"), 2, ",", "."), "0.125");
    }

    #[test]
    fn each_layout_writes_amounts_its_own_way() {
        let debit = a("-1234.5");
        assert_eq!(Layout::Nigerian.amount_text(debit, 2), "1,234.50");
        assert_eq!(Layout::French.amount_text(debit, 2), "-1 234,50");
        assert_eq!(Layout::French.amount_text(a("3"), 2), "+3,00");
        assert_eq!(Layout::Us.amount_text(debit, 2), "(1,234.50)");
        assert_eq!(Layout::Uk.balance_text(debit, 2), "1,234.50 DR");
        assert_eq!(Layout::Uk.balance_text(a("0"), 2), "0.00 CR");
        assert_eq!(Layout::Nigerian.balance_text(debit, 2), "-1,234.50");
        assert_eq!(Layout::French.balance_text(debit, 2), "-1 234,50");
    }

    #[test]
    fn each_layout_writes_dates_its_own_way() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 5).unwrap();
        assert_eq!(Layout::Nigerian.date_text(d), "05-Jan-2024");
        assert_eq!(Layout::NigerianCourier.date_text(d), "05-Jan-24");
        assert_eq!(Layout::Uk.date_text(d), "05 Jan");
        assert_eq!(Layout::French.date_text(d), "05/01/2024");
        assert_eq!(Layout::Us.date_text(d), "01/05/2024");
    }
}
