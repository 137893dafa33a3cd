//! Enrichment: what each transaction is, who it is with, how it moved, and what repeats.
//!
//! Every analytic a lender reads is a sum over a category (salary, loans, gambling, airtime…),
//! so a wrong category is a wrong credit decision. This crate is pure: rule packs are data
//! compiled once into a [`Rulebook`]; enriching a ledger is a function of the ledger, the packs
//! and a [`Context`] (country, currency, holder name, `as_of`), with no clock and no I/O.
//!
//! The pipeline per statement:
//! 1. [`categorize`] each transaction: one Aho-Corasick scan of the normalised narration finds
//!    every phrase of every applicable rule; the best rule by (tenant, priority, country over
//!    generic, specificity, confidence) gives the category, another the channel; the counterparty
//!    key is what remains without rails, references and legal suffixes; tenant overrides by
//!    counterparty win over everything.
//! 2. Ledger passes: periodic series ([`recurrence`]), income streams and salary ([`income`]),
//!    lenders, stacking and returned payments ([`loans`]).

pub mod business;
pub mod categorize;
pub mod counterparty;
pub mod error;
pub mod fxhash;
pub mod holder;
pub mod income;
pub mod loans;
pub mod normalize;
pub mod pack;
pub mod recurrence;
pub mod rulebook;
pub mod types;

use chrono::NaiveDate;
use ledgerlens_core::Statement;
use serde::Serialize;

pub use categorize::{Scratch, TxInput, categorize, holder_words};
pub use error::EnrichError;
pub use holder::{HolderKind, holder_kind};
pub use pack::{
    BUILTIN, CounterpartySpec, OverrideSpec, PackFile, PackHeader, RuleSpec, parse_pack,
};
pub use rulebook::{PackInfo, Rulebook, Scope, Tier};
pub use types::*;

/// What enrichment needs to know about the statement beyond its transactions.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// ISO 3166 alpha-2 country of the account; selects the country packs.
    pub country: Option<String>,
    /// Currency code; selects packs when the country is unknown.
    pub currency: Option<String>,
    /// Account holder's name: a transfer naming the holder is a move between own accounts.
    pub holder: Option<String>,
    /// Person or business; inferred from the holder's name when not given. On a business
    /// account, credits that are only "a transfer" are sales.
    pub holder_kind: Option<HolderKind>,
    /// The date the analysis is as of (recurrence's "still active"); by default the last
    /// transaction's date.
    pub as_of: Option<NaiveDate>,
}

impl Context {
    /// The context a statement carries itself: its currency and holder.
    pub fn of(statement: &Statement) -> Context {
        Context {
            country: None,
            currency: Some(statement.currency.code().to_owned()),
            holder: statement.account.holder.clone(),
            holder_kind: None,
            as_of: statement.period.map(|period| period.end),
        }
    }
}

/// A ledger with everything enrichment found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EnrichedLedger {
    /// Parallel to the statement's transactions.
    pub transactions: Vec<TxEnrichment>,
    /// Periodic series.
    pub series: Vec<Series>,
    /// Income streams and salary.
    pub income: IncomeSummary,
    /// Lenders, stacking, returned payments, gambling, charges.
    pub loans: LoanSummary,
    /// `id@version` of every pack applied, for replay.
    pub packs: Vec<String>,
}

/// The shipped packs plus any tenant files, compiled once and shared.
#[derive(Debug)]
pub struct Enricher {
    book: Rulebook,
}

impl Enricher {
    /// The packs shipped with ledgerlens.
    pub fn builtin() -> Result<Enricher, EnrichError> {
        Enricher::with_tenant_files(&[])
    }

    /// The shipped packs plus tenant files `(name, TOML text)`: their rules and overrides win.
    pub fn with_tenant_files(tenant: &[(&str, &str)]) -> Result<Enricher, EnrichError> {
        let packs = tenant
            .iter()
            .map(|(name, text)| Ok(((*name).to_owned(), parse_pack(name, text)?)))
            .collect::<Result<Vec<_>, EnrichError>>()?;
        Enricher::with_tenant_packs(packs)
    }

    /// The shipped packs plus tenant packs built in code (the service builds them from the
    /// corrections stored for a tenant): their rules and overrides win.
    pub fn with_tenant_packs(tenant: Vec<(String, PackFile)>) -> Result<Enricher, EnrichError> {
        let mut files = Vec::new();
        for (name, text) in BUILTIN {
            let file = parse_pack(name, text)?;
            let tier = if file.pack.countries.iter().any(|c| c.trim() == "*") {
                Tier::Generic
            } else {
                Tier::Country
            };
            files.push(((*name).to_owned(), file, tier));
        }
        for (name, file) in tenant {
            files.push((name, file, Tier::Tenant));
        }
        Ok(Enricher {
            book: Rulebook::compile(files)?,
        })
    }

    /// The compiled packs.
    pub fn rulebook(&self) -> &Rulebook {
        &self.book
    }

    /// Enriches one statement.
    pub fn enrich(&self, statement: &Statement, context: &Context) -> EnrichedLedger {
        let currency = context
            .currency
            .clone()
            .unwrap_or_else(|| statement.currency.code().to_owned());
        let scope = self
            .book
            .scope(context.country.as_deref(), Some(currency.as_str()));
        let holder_name = context
            .holder
            .as_deref()
            .or(statement.account.holder.as_deref());
        let holder = holder_words(holder_name);
        let business = context.holder_kind.or_else(|| holder_name.map(holder_kind))
            == Some(HolderKind::Business);
        let mut scratch = Scratch::default();
        let mut returned_words = Vec::with_capacity(statement.transactions.len());
        let mut transactions: Vec<TxEnrichment> = statement
            .transactions
            .iter()
            .map(|transaction| {
                let enriched = categorize(
                    &self.book,
                    scope,
                    TxInput {
                        description: &transaction.description,
                        amount: Some(transaction.amount.as_decimal()),
                        bank_code: transaction.bank_code.as_deref(),
                        counterparty: transaction.counterparty.name.as_deref(),
                    },
                    &holder,
                    &mut scratch,
                );
                returned_words.push(scratch.returned_words());
                if business {
                    categorize::as_business(enriched, transaction.amount.as_decimal())
                } else {
                    enriched
                }
            })
            .collect();
        let packs = self
            .book
            .packs()
            .iter()
            .enumerate()
            .filter(|(index, _)| u16::try_from(*index).is_ok_and(|index| scope.contains(index)))
            .map(|(_, pack)| format!("{}@{}", pack.id, pack.version))
            .collect();
        let as_of = context
            .as_of
            .or_else(|| statement.transaction_span().map(|span| span.end))
            .unwrap_or_default();
        let txs = &statement.transactions;
        if business {
            business::payroll(txs, &mut transactions);
        }
        let series = recurrence::detect_series(txs, &mut transactions, as_of);
        let income = income::detect_income(txs, &mut transactions, &series, as_of);
        let loans = loans::detect_loans_flagged(txs, &mut transactions, Some(&returned_words));
        EnrichedLedger {
            transactions,
            series,
            income,
            loans,
            packs,
        }
    }
}
