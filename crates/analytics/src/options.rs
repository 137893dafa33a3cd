//! What the lender tells the analysis beyond the statements.

use chrono::NaiveDate;
use serde::Serialize;

/// Consumer or business statement (Periculum's `statementType`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StatementType {
    /// A person's account.
    #[default]
    Consumer,
    /// A business's account.
    Business,
}

/// Options of one analysis; every field is optional and has a documented default.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AnalysisOptions {
    /// The date the analysis is as of; default: the last day the statements cover.
    pub as_of: Option<NaiveDate>,
    /// The applicant's name as the lender knows it (name affinity / name match).
    pub account_holder_name: Option<String>,
    /// Declared business type (EnvoyX calibration: e.g. `clinic`, `retail`, `pharmacy`).
    pub business_type: Option<String>,
    /// Declared sector (NACE code or free text).
    pub sector: Option<String>,
    /// ISO 3166 alpha-2 country of the applicant (selects rule packs and benchmarks).
    pub country: Option<String>,
    /// Consumer or business; default: inferred from the holder name, else consumer.
    pub statement_type: Option<StatementType>,
}
