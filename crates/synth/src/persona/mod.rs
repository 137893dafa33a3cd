//! Personas: realistic ledgers whose every row carries its true label.
//!
//! The enrichment engine (categories, salary, loans, gambling, internal transfers) is measured
//! against these. A persona is a kind of account holder ([`PersonaKind`]) in one country
//! ([`COUNTRIES`]); [`persona`] writes months of their current account the way that country's
//! banks narrate it — rail prefixes (`NIP/`, `PRLV SEPA`, `FPS`, `UPI/`, `MPESA C2B`), reference
//! numbers, dates inside descriptions, masked cards (`5399****1234`), terminal ids, branch codes,
//! names cut at the bank's field width, mixed case — and records beside each row the [`Truth`] a
//! careful analyst would write down: the taxonomy category, the normalised counterparty, the
//! channel, and whether the row is salary, a loan disbursement or repayment (and whose), gambling,
//! an internal transfer, recurring.
//!
//! # Vocabulary split
//!
//! Rules must generalise, not memorise. Every name comes from per-country lists, and each list
//! entry has a scope:
//!
//! * national brands and institutions everyone knows (Shoprite, Tesco, M-Pesa, Bet9ja, URSSAF,
//!   HMRC, EPFO…) are in **every** split — a rule is expected to name them;
//! * local, generic-patterned names (person names, `MAMA NKECHI PROVISIONS`, `BOULANGERIE DU
//!   MARCHE`, `SHARMA KIRANA STORE`, small employers, suppliers, customers, tontine groups…) are
//!   divided in two halves: [`Vocabulary::Authoring`] draws from one half only,
//!   [`Vocabulary::Holdout`] from the other, [`Vocabulary::All`] from both;
//! * where a country's banks print the same kind of movement in several real templates (a Nigerian
//!   card purchase as `POS/WEB PURCHASE …` or `POS TRAN-…`), the templates are divided the same
//!   way: `Authoring` uses the even-numbered ones, `Holdout` the odd-numbered ones.
//!
//! Rules written while looking at `Authoring` output and scored on `Holdout` output therefore face
//! names and narration shapes they have never seen, as they will in production.
//!
//! # Labels
//!
//! `Truth::counterparty` is the full, uppercase name of the true payer or payee, without
//! references (the narration may have cut it). Cash rows (ATM, cash deposits) have `CASH`; bank
//! fees and interest have the bank's name; internal transfers have the holder's name. A returned
//! (unpaid) loan repayment is a credit labelled `TRANSFER_IN_REFUND_REVERSAL` that keeps
//! `loan: Some(Repayment)` and its lender: summing signed amounts over repayment rows gives what
//! was really repaid.
//!
//! Every statement reconciles exactly: opening balance plus each amount gives each running balance,
//! in exact decimals. Only the overdraft-prone kinds (gambler, multi-lender borrower) may go below
//! zero, and then pay debit interest.

mod book;
mod countries;
mod kinds;
mod narrate;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use ledgerlens_core::{Category, Statement};

pub use book::write_truth_csv;

/// The countries personas can live in (ISO 3166 alpha-2).
pub const COUNTRIES: &[&str] = &[
    "NG", "GH", "KE", "CI", "SN", "FR", "DE", "GB", "US", "IN", "ZA",
];

/// Who holds the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PersonaKind {
    /// Monthly salary, rent, groceries, utilities, airtime, transport, some person-to-person.
    SalariedConsumer,
    /// Many irregular platform payouts (ride-hailing, delivery, freelancing).
    GigWorker,
    /// Frequent betting deposits, occasional winnings; may run an overdraft.
    Gambler,
    /// Three to five lenders, overlapping loans, returned repayments; may run an overdraft.
    MultiLenderBorrower,
    /// A small business: sales receipts, payroll, social security, tax, suppliers.
    SmeEmployer,
    /// A clinic paid in mobile money and cash, in a tontine, buying medical supplies.
    WestAfricanClinic,
    /// Allowances, grants or student loans, fees, small spending.
    Student,
    /// A pension, pharmacies, donations, family.
    Pensioner,
}

impl PersonaKind {
    /// Every kind.
    pub const ALL: [PersonaKind; 8] = [
        PersonaKind::SalariedConsumer,
        PersonaKind::GigWorker,
        PersonaKind::Gambler,
        PersonaKind::MultiLenderBorrower,
        PersonaKind::SmeEmployer,
        PersonaKind::WestAfricanClinic,
        PersonaKind::Student,
        PersonaKind::Pensioner,
    ];

    /// The kebab-case name (`salaried-consumer`).
    pub fn name(self) -> &'static str {
        match self {
            PersonaKind::SalariedConsumer => "salaried-consumer",
            PersonaKind::GigWorker => "gig-worker",
            PersonaKind::Gambler => "gambler",
            PersonaKind::MultiLenderBorrower => "multi-lender-borrower",
            PersonaKind::SmeEmployer => "sme-employer",
            PersonaKind::WestAfricanClinic => "west-african-clinic",
            PersonaKind::Student => "student",
            PersonaKind::Pensioner => "pensioner",
        }
    }

    /// True for the kinds whose balance may go below zero.
    pub fn overdraft(self) -> bool {
        matches!(
            self,
            PersonaKind::Gambler | PersonaKind::MultiLenderBorrower
        )
    }
}

impl fmt::Display for PersonaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PersonaKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().replace('_', "-");
        PersonaKind::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| {
                let names: Vec<&str> = PersonaKind::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "unknown persona {s:?}; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Which half of the local vocabulary (names and narration templates) to draw from; see the
/// module documentation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Vocabulary {
    /// The half rule authors may look at.
    Authoring,
    /// The other half, kept for measuring.
    Holdout,
    /// Both halves.
    #[default]
    All,
}

impl Vocabulary {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Vocabulary::Authoring => "authoring",
            Vocabulary::Holdout => "holdout",
            Vocabulary::All => "all",
        }
    }
}

impl fmt::Display for Vocabulary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Vocabulary {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "authoring" => Ok(Vocabulary::Authoring),
            "holdout" => Ok(Vocabulary::Holdout),
            "all" => Ok(Vocabulary::All),
            _ => Err(format!(
                "unknown vocabulary {s:?}; expected authoring, holdout or all"
            )),
        }
    }
}

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonaOptions {
    /// The account holder's kind.
    pub kind: PersonaKind,
    /// ISO alpha-2 country, one of [`COUNTRIES`]; anything else falls back to `NG` (the returned
    /// [`LabeledStatement::country`] says which was used).
    pub country: String,
    /// The same seed gives the same statement.
    pub seed: u64,
    /// Months covered (at least 1).
    pub months: u32,
    /// First day covered.
    pub start: NaiveDate,
    /// Which half of the local vocabulary to use.
    pub vocabulary: Vocabulary,
}

impl Default for PersonaOptions {
    fn default() -> Self {
        PersonaOptions {
            kind: PersonaKind::SalariedConsumer,
            country: "NG".to_owned(),
            seed: 42,
            months: 6,
            start: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
            vocabulary: Vocabulary::All,
        }
    }
}

/// The side of a loan a row is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoanRole {
    /// The lender paid the borrower.
    Disbursement,
    /// The borrower paid the lender (or, on a credit, the payment came back unpaid).
    Repayment,
}

impl LoanRole {
    /// Lowercase name, as in the truth CSV.
    pub fn name(self) -> &'static str {
        match self {
            LoanRole::Disbursement => "disbursement",
            LoanRole::Repayment => "repayment",
        }
    }
}

/// The true label of one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Truth {
    /// The detailed category a careful analyst would choose.
    pub category: Category,
    /// Normalised true payer or payee: uppercase words, no references.
    pub counterparty: String,
    /// `card`, `atm`, `transfer`, `direct_debit`, `standing_order`, `ussd`, `mobile_money`,
    /// `cheque`, `cash`, `fee`, `interest`, `online` or `other`.
    pub channel: &'static str,
    /// A wage credit from the holder's employer.
    pub salary: bool,
    /// The loan side, for loan rows.
    pub loan: Option<LoanRole>,
    /// The lender's normalised name, for loan rows.
    pub lender: Option<String>,
    /// A bet, a lottery ticket, a casino deposit or a winning.
    pub gambling: bool,
    /// A move between the holder's own accounts.
    pub internal_transfer: bool,
    /// Part of a regular series (salary, rent, subscriptions, instalments, monthly fees).
    pub recurring: bool,
}

/// A statement and the truth of each of its rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabeledStatement {
    /// The ledger, reconciled.
    pub statement: Statement,
    /// One label per transaction, in the same order.
    pub truth: Vec<Truth>,
    /// The country actually used.
    pub country: String,
}

/// Generates one persona's statement with its labels.
pub fn persona(options: &PersonaOptions) -> LabeledStatement {
    let country = countries::country(&options.country);
    book::build(options, country)
}

#[cfg(test)]
mod tests;
