//! `ledgerlens affordability FILE... --dti 0.3 --tenure 6 [--monthly-expenses X]
//! [--monthly-repayment Y]`: spec 004's affordability of the applicant's statements.
//!
//! Amounts on the command line are parsed as exact decimals (never floats); the formula is in
//! docs/scoring.md.

use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use ledgerlens_scoring::ScoringError;
use ledgerlens_scoring::affordability::{AffordabilityInputs, AffordabilityRequest, affordability};
use rust_decimal::Decimal;

use crate::analyze_cmd::StatementTypeArg;
use crate::input::InputError;
use crate::score_cmd::{analysis_options, periculum_of, print_json};

/// Arguments of `affordability`.
#[derive(Debug, Args)]
pub struct AffordabilityArgs {
    /// Statement files of one applicant (as for `analyze`).
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Debt-to-income ratio, 0–1: the share of monthly income that may go to living costs and
    /// debt service.
    #[arg(long)]
    pub dti: Decimal,
    /// Loan tenure in months.
    #[arg(long)]
    pub tenure: u32,
    /// Average monthly total expenses to use instead of the statements'.
    #[arg(long, value_name = "AMOUNT")]
    pub monthly_expenses: Option<Decimal>,
    /// Average monthly loan repayment amount to use instead of the statements'.
    #[arg(long, value_name = "AMOUNT")]
    pub monthly_repayment: Option<Decimal>,
    /// Applicant's country (ISO 3166 alpha-2): rule packs of the analysis.
    #[arg(long)]
    pub country: Option<String>,
    /// Password for encrypted PDFs.
    #[arg(long)]
    pub password: Option<String>,
    /// The applicant's name as the lender knows it.
    #[arg(long)]
    pub account_holder: Option<String>,
    /// Consumer or business statement (default: from the holder's name).
    #[arg(long, value_enum)]
    pub statement_type: Option<StatementTypeArg>,
    /// The date the analysis is as of, YYYY-MM-DD (default: the statements' last day).
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// OCR languages for scans and photos.
    #[arg(long, default_value = "eng")]
    pub ocr_lang: String,
    /// Pretty-print the JSON.
    #[arg(long)]
    pub pretty: bool,
}

/// Runs `affordability`.
pub fn run(args: &AffordabilityArgs) -> Result<()> {
    let request = AffordabilityRequest {
        dti: args.dti,
        loan_tenure: args.tenure,
        average_monthly_total_expenses: args.monthly_expenses,
        average_monthly_loan_repayment_amount: args.monthly_repayment,
    };
    // A request out of range is refused before the (slower) analysis.
    let probe = AffordabilityInputs {
        average_predicted_salary: Decimal::ZERO,
        average_other_income: Decimal::ZERO,
        average_monthly_total_expenses: Decimal::ZERO,
        average_monthly_loan_repayment_amount: Decimal::ZERO,
    };
    affordability(&probe, &request, None).map_err(bad_request)?;
    let options = analysis_options(
        args.country.as_deref(),
        args.account_holder.as_deref(),
        args.statement_type,
        args.as_of,
    );
    let (analytics, as_of) = periculum_of(
        &args.files,
        args.password.as_deref(),
        &options,
        &args.ocr_lang,
    )?;
    let inputs = AffordabilityInputs::from_periculum(&analytics)?;
    let result = affordability(&inputs, &request, Some(as_of))?;
    print_json(&result, args.pretty)
}

/// A request the user can fix: exit 2 with `bad_argument`, naming the option.
fn bad_request(error: ScoringError) -> anyhow::Error {
    let (file, message) = match &error {
        ScoringError::Affordability { field, message } => {
            let option = match *field {
                "dti" => "--dti",
                "loanTenure" => "--tenure",
                "averageMonthlyTotalExpenses" => "--monthly-expenses",
                "averageMonthlyLoanRepaymentAmount" => "--monthly-repayment",
                other => other,
            };
            (option.to_owned(), message.clone())
        }
        other => ("request".to_owned(), other.to_string()),
    };
    InputError {
        file,
        code: "bad_argument",
        message,
    }
    .into()
}
