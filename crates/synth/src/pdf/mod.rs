//! Text PDF statements written from scratch, in several bank-like layouts.
//!
//! The PDF reader needs statements it can check itself against: the same ledger rendered the way
//! a Nigerian, a UK, a French or a US bank would print it — different column orders, date styles
//! and amount conventions, wrapped descriptions, page breaks in the middle of a day — optionally
//! password-protected, and forged in the two classic ways ([`tamper`], [`RenderOptions::odd_font_row`])
//! so that document forensics has something to find.
//!
//! Files are PDF 1.7 with the standard 14 fonts in WinAnsiEncoding (see [`fonts`] for what is
//! transliterated), one content stream per page, FlateDecode-compressed unless
//! [`RenderOptions::compress`] is off, and a classic xref table. Output is deterministic: the
//! same statement, layout and options give the same bytes.

pub mod crypto;
pub mod encrypt;
pub mod fonts;
pub mod layouts;
pub mod sheet;
pub mod tamper;
pub mod writer;

use chrono::{Days, NaiveDate};
use ledgerlens_core::{Currency, Iban, Statement};

pub use encrypt::{Cipher, Encryption};
pub use tamper::{TamperError, tamper};

use crate::generate::{GenerateOptions, generate};
use crate::rng::Rng;

/// A bank-like page layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    /// Nigerian retail bank, A4, Helvetica: `Trans. Date | Value Date | Narration | Debit |
    /// Credit | Balance`; dates `05-Jan-2024`; unsigned amounts `1,234.56` in the debit or
    /// credit column; balance `-1,234.56` when overdrawn; first row "Balance B/F".
    Nigerian,
    /// Nigerian core-banking printout, A4, Courier: `Trans Date | Reference | Value Date |
    /// Debits | Credits | Balance | Remarks` (narration last); dates `05-Jan-24` (two-digit
    /// year); amounts as [`Layout::Nigerian`]; no brought-forward row.
    NigerianCourier,
    /// UK high-street bank, A4, Helvetica: `Date | Description | Paid out | Paid in | Balance`;
    /// dates `05 Jan` with no year, printed on the first row of each day and on the first row
    /// of each page only; unsigned amounts `1,234.56`; balances `1,234.56 CR` / `1,234.56 DR`
    /// (overdrawn); "BALANCE BROUGHT FORWARD" first and "BALANCE CARRIED FORWARD" last.
    Uk,
    /// French bank, A4, Helvetica: `Date | Libellé | Valeur | Montant | Solde`; dates
    /// `05/01/2024`; signed amounts `-1 234,56` / `+1 234,56` (space-grouped thousands, decimal
    /// comma); balances `-1 234,56` / `1 234,56`; IBAN in the header when the statement has one;
    /// "Solde précédent au …" first, then "Total des mouvements" (net) and "Nouveau solde au …".
    French,
    /// US bank, Letter, Helvetica: `Posting Date | Description | Amount | Running Balance`;
    /// dates `01/05/2024`; amounts and balances `1,234.56` / `(1,234.56)`; descriptions wrapped
    /// over two or three lines; "Beginning Balance" first and "Ending Balance" last.
    Us,
}

impl Layout {
    /// Every layout.
    pub const ALL: [Layout; 5] = [
        Layout::Nigerian,
        Layout::NigerianCourier,
        Layout::Uk,
        Layout::French,
        Layout::Us,
    ];

    /// A short stable name (`ledgerlens sample --format pdf-<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Layout::Nigerian => "ng",
            Layout::NigerianCourier => "ng-courier",
            Layout::Uk => "uk",
            Layout::French => "fr",
            Layout::Us => "us",
        }
    }
}

/// How to render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// Seeds the file identifier, encryption salts and IVs.
    pub seed: u64,
    /// Password protection.
    pub encryption: Option<Encryption>,
    /// FlateDecode the content streams.
    pub compress: bool,
    /// Forge: draw this transaction's (0-based index) amount in Times-Roman, the rest of the
    /// table being in the layout's body font.
    pub odd_font_row: Option<usize>,
    /// `/Producer`; a default names this generator.
    pub producer: Option<String>,
    /// `/Creator`; a default names the layout.
    pub creator: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            seed: 42,
            encryption: None,
            compress: true,
            odd_font_row: None,
            producer: None,
            creator: None,
        }
    }
}

/// Renders a statement as a text PDF.
pub fn render(statement: &Statement, layout: Layout, options: &RenderOptions) -> Vec<u8> {
    let sheet = match layout {
        Layout::Nigerian => layouts::nigerian(statement, options.odd_font_row),
        Layout::NigerianCourier => layouts::nigerian_courier(statement, options.odd_font_row),
        Layout::Uk => layouts::uk(statement, options.odd_font_row),
        Layout::French => layouts::french(statement, options.odd_font_row),
        Layout::Us => layouts::us(statement, options.odd_font_row),
    };
    let pages = sheet.render();
    let mut rng = Rng::new(options.seed);
    let mut seed_text = format!("{}:{}", layout.name(), options.seed);
    for page in &pages {
        seed_text.push_str(page.canvas.content());
    }
    let id = crypto::md5(seed_text.as_bytes());
    // Dated the morning after the period, as a bank's batch run would be.
    let made = statement
        .period
        .map(|p| p.end)
        .or_else(|| statement.transaction_span().map(|p| p.end))
        .and_then(|d| d.checked_add_days(Days::new(1)))
        .unwrap_or_default();
    let stamp = made.format("D:%Y%m%d063000+01'00'").to_string();
    let info = writer::Info {
        title: format!(
            "Statement {}",
            statement
                .account
                .number
                .as_ref()
                .map(|n| n.reveal())
                .unwrap_or_default()
        ),
        creator: options
            .creator
            .clone()
            .unwrap_or_else(|| format!("ledgerlens synth statement ({})", layout.name())),
        producer: options
            .producer
            .clone()
            .unwrap_or_else(|| "ledgerlens-synth PDF writer".to_owned()),
        created: stamp.clone(),
        modified: stamp,
    };
    let security = options
        .encryption
        .as_ref()
        .map(|e| encrypt::SecurityHandler::new(e, &id, &mut rng));
    writer::assemble(&pages, &info, &id, security, options.compress)
}

/// A French IBAN (bank 30004, branch 00001) whose RIB key and check digits are valid, built
/// from an account number.
fn french_iban(number: &str) -> Option<Iban> {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let account = format!("{:0>11}", digits.get(digits.len().saturating_sub(11)..)?);
    let (bank, branch) = (30004u64, 1u64);
    let account_value: u64 = account.parse().ok()?;
    let rib = 97 - (89 * bank + 15 * branch + 3 * account_value) % 97;
    let bban = format!("{bank:05}{branch:05}{account}{rib:02}");
    // "FR00" moved to the end, letters as numbers: F = 15, R = 27.
    let remainder = format!("{bban}152700")
        .bytes()
        .fold(0u64, |r, b| (r * 10 + u64::from(b - b'0')) % 97);
    Iban::parse(&format!("FR{:02}{bban}", 98 - remainder)).ok()
}

/// A ledger dressed for a layout: its usual currency, a bank and holder name, an IBAN for the
/// French layout, and (UK) a period that crosses a year end so that year-less dates need the
/// header's period to be read.
pub fn sample_statement(layout: Layout, seed: u64, transactions: usize) -> Statement {
    let (currency, start, bank, holder) = match layout {
        Layout::Nigerian => ("NGN", (2024, 1, 1), "Lagos Mutual Bank Plc", "ADA OBI"),
        Layout::NigerianCourier => ("NGN", (2024, 4, 1), "Eko Trust Bank Limited", "CHIDI EZE"),
        Layout::Uk => (
            "GBP",
            (2023, 11, 20),
            "Thames Counties Bank",
            "Mr John Smith",
        ),
        Layout::French => ("EUR", (2024, 2, 1), "Banque Ledgerlens", "Mme Amélie Dupré"),
        Layout::Us => (
            "USD",
            (2024, 3, 1),
            "First Ledgerlens National Bank",
            "JOHN Q PUBLIC",
        ),
    };
    let (y, m, d) = start;
    let mut statement = generate(&GenerateOptions {
        seed,
        transactions,
        currency: Currency::parse(currency).unwrap_or_else(|_| Currency::unknown()),
        start: NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default(),
    });
    statement.account.bank = Some(bank.to_owned());
    statement.account.holder = Some(holder.to_owned());
    if layout == Layout::French {
        statement.account.iban = statement
            .account
            .number
            .as_ref()
            .and_then(|n| french_iban(n.reveal()));
    }
    statement
}

/// The description text a reader should find: what WinAnsi can show, whitespace collapsed.
pub fn expected_description(description: &str) -> String {
    fonts::transliterate(description)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
