//! The PDF report a credit officer reads: the decision first, then the cash flow, income and
//! loans, flags, the statement's reconciliation, and every transaction as an appendix.
//!
//! One function, [`render_pdf`], shared by the CLI (`ledgerlens analyze … --pdf`) and the
//! server, so the two can never print different reports. It reads the native analysis JSON
//! (with its `scores`), exactly what `ledgerlens_scoring::scored_profile(Profile::Native, …)`
//! returns and what the server stores, rather than the typed structs: the report then renders
//! any stored analysis without re-running it. No clock and no randomness: the same input gives
//! the same bytes. See docs/report.md.

mod charts;
mod fonts;
mod format;
mod layout;
mod pdf;
mod sections;
#[cfg(test)]
mod tests;
mod ttf;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;

pub use format::money;

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The analysis is not the native analysis object.
    #[error("not a native analysis: {0}")]
    InvalidAnalysis(&'static str),
    /// An embedded font could not be read (a corrupt build).
    #[error("embedded font unreadable: {0}")]
    Font(&'static str),
}

/// One transaction as the appendix lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportTransaction {
    /// Booking date.
    pub date: NaiveDate,
    /// Description as printed on the statement.
    pub description: String,
    /// Signed amount (credits positive).
    pub amount: Decimal,
    /// Running balance after it, when the statement states one.
    pub balance: Option<Decimal>,
    /// Category code from enrichment (`INCOME_WAGES`).
    pub category: String,
    /// Masked account identifier, when the applicant has several accounts.
    pub account: Option<String>,
}

/// Everything the report shows.
#[derive(Clone, Debug)]
pub struct ReportInput {
    /// Applicant's name as the lender knows it.
    pub applicant: String,
    /// First day the statements cover.
    pub period_start: NaiveDate,
    /// Last day the statements cover.
    pub period_end: NaiveDate,
    /// The native analysis with `scores` (`points`, `xray`, `envoyx`).
    pub analysis: Value,
    /// Every transaction, oldest first.
    pub transactions: Vec<ReportTransaction>,
    /// The date printed as the generation date (passed in: the report reads no clock).
    pub generated_on: NaiveDate,
}

impl ReportInput {
    /// An input whose period is the analysis' own `period.start`/`period.end`.
    pub fn from_analysis(
        applicant: String,
        analysis: Value,
        transactions: Vec<ReportTransaction>,
        generated_on: NaiveDate,
    ) -> Result<ReportInput, ReportError> {
        let date = |key: &str| {
            analysis
                .get("period")
                .and_then(|p| p.get(key))
                .and_then(Value::as_str)
                .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
                .ok_or(ReportError::InvalidAnalysis("no period"))
        };
        Ok(ReportInput {
            applicant,
            period_start: date("start")?,
            period_end: date("end")?,
            analysis,
            transactions,
            generated_on,
        })
    }
}

/// The transactions of a ledger, in its order, for the appendix and the balance chart.
pub fn transactions_of(ledger: &ledgerlens_analytics::Ledger<'_>) -> Vec<ReportTransaction> {
    let several = ledger.accounts.len() > 1;
    ledger
        .entries
        .iter()
        .map(|entry| {
            let account = ledger.accounts.get(entry.account).and_then(|a| {
                let account = &a.statement.account;
                account
                    .number
                    .as_ref()
                    .map(|n| n.masked())
                    .or_else(|| account.iban.as_ref().map(|i| i.masked()))
            });
            ReportTransaction {
                date: entry.tx.date,
                description: entry.tx.description.clone(),
                amount: entry.tx.amount.as_decimal(),
                balance: entry.tx.balance.map(|b| b.as_decimal()),
                category: entry.category().code().to_owned(),
                account: if several { account } else { None },
            }
        })
        .collect()
}

/// Renders the report.
pub fn render_pdf(input: &ReportInput) -> Result<Vec<u8>, ReportError> {
    if !input.analysis.is_object() {
        return Err(ReportError::InvalidAnalysis(
            "the analysis is not a JSON object",
        ));
    }
    if input.analysis.get("scores").is_none() {
        return Err(ReportError::InvalidAnalysis("the analysis has no scores"));
    }
    let doc = pdf::Doc::new()?;
    let doc = sections::render(doc, input);
    let title = format!("Bank statement report: {}", input.applicant);
    let created = format!("D:{}000000Z", input.generated_on.format("%Y%m%d"));
    doc.finish(&title, &created)
}
