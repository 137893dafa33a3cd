//! Affordability (spec 004, "Generate Statement Affordability Analysis"): how much an applicant
//! can repay each month, and in total over the loan's tenure.
//!
//! ```text
//! monthly income     = average_predicted_salary + average_other_income
//! monthly disposable = max(0, dti × monthly income
//!                             − average_monthly_total_expenses
//!                             − average_monthly_loan_repayment_amount)
//! affordability      = monthly disposable × loanTenure
//! ```
//!
//! Why this formula (spec 004 gives only inputs and outputs; docs/scoring.md has the details):
//! * income is the salary plus other income because those are the two income figures Periculum
//!   returns with every stored affordability;
//! * `dti` (0–1) is the share of that income the lender lets go to debt service and living
//!   costs; the applicant's existing expenses and loan repayments are what the spec lets the
//!   lender override, so they are what comes off it. The stored record with `dti` 0.2, salary
//!   315 149.25, expenses 34 474.51 and repayments 33 836.46 has an affordability of **0**: this
//!   formula gives 63 029.85 − 68 310.97 < 0 → 0, whereas `dti × income − repayments` (29 193.39)
//!   or `dti × (income − expenses) − repayments` (22 298.49) would not. (The record next to it,
//!   12 000 a month at `dti` 0.5, fits no formula of its own fields together with this one; its
//!   round figures read as illustrative.)
//! * the total is the *unrounded* monthly figure times the tenure, rounded once: the spec's
//!   response has 313 920.45 a month and 3 767 045.35 over 12 months, and 313 920.45 × 12 would
//!   be 3 767 045.40.
//!
//! All money is exact [`Decimal`]; results are rounded to cents (half away from zero) only when
//! written as JSON numbers, as the analytics do.

use chrono::NaiveDate;
use ledgerlens_analytics::ledger::money_number;
use ledgerlens_analytics::profiles::periculum::PericulumAnalytics;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use crate::error::ScoringError;
use crate::variables::Replay;

/// The statement figures affordability reads (monthly averages, statement currency).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffordabilityInputs {
    /// `incomeAnalysis.averagePredictedSalary`.
    pub average_predicted_salary: Decimal,
    /// `incomeAnalysis.averageOtherIncome`.
    pub average_other_income: Decimal,
    /// `spendAnalysis.averageMonthlyTotalExpenses`.
    pub average_monthly_total_expenses: Decimal,
    /// `behavioralAnalysis.averageMonthlyLoanRepaymentAmount`.
    pub average_monthly_loan_repayment_amount: Decimal,
}

impl AffordabilityInputs {
    /// The figures of a Periculum analysis.
    pub fn from_periculum(analytics: &PericulumAnalytics) -> Result<Self, ScoringError> {
        Ok(AffordabilityInputs {
            average_predicted_salary: money(
                "average_predicted_salary",
                &analytics.income_analysis.average_predicted_salary,
            )?,
            average_other_income: money(
                "average_other_income",
                &analytics.income_analysis.average_other_income,
            )?,
            average_monthly_total_expenses: money(
                "averageMonthlyTotalExpenses",
                &analytics.spend_analysis.average_monthly_total_expenses,
            )?,
            average_monthly_loan_repayment_amount: money(
                "averageMonthlyLoanRepaymentAmount",
                &analytics
                    .behavioral_analysis
                    .average_monthly_loan_repayment_amount,
            )?,
        })
    }
}

/// A JSON money figure as an exact decimal (its shortest text, so 16738.1 is 16738.1).
fn money(field: &'static str, value: &Value) -> Result<Decimal, ScoringError> {
    let Value::Number(number) = value else {
        return Err(ScoringError::Affordability {
            field,
            message: format!("the analysis has no figure ({value})"),
        });
    };
    let text = number.to_string();
    text.parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(&text))
        .map_err(|e| ScoringError::Affordability {
            field,
            message: format!("{text} is not a usable amount: {e}"),
        })
}

/// What the lender asks (spec 004's request, less the statement key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffordabilityRequest {
    /// Debt-to-income ratio, 0–1.
    pub dti: Decimal,
    /// Loan tenure in months, ≥ 1.
    pub loan_tenure: u32,
    /// Replaces the statement's average monthly total expenses.
    pub average_monthly_total_expenses: Option<Decimal>,
    /// Replaces the statement's average monthly loan repayment amount.
    pub average_monthly_loan_repayment_amount: Option<Decimal>,
}

/// Spec 004's affordability response, plus its income figures (as in the stored records) and
/// the replay record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Affordability {
    /// As requested.
    #[serde(serialize_with = "as_number")]
    pub dti: Decimal,
    /// As requested.
    #[serde(rename = "loanTenure")]
    pub loan_tenure: u32,
    /// Exact monthly disposable income / monthly affordability amount.
    #[serde(
        rename = "monthly_disposable_income/monthly_affordability_amount",
        serialize_with = "as_money"
    )]
    pub monthly_affordability_amount: Decimal,
    /// Exact total over the tenure.
    #[serde(rename = "affordability_amount", serialize_with = "as_money")]
    pub affordability_amount: Decimal,
    /// Income used.
    #[serde(serialize_with = "as_money")]
    pub average_predicted_salary: Decimal,
    /// Income used.
    #[serde(serialize_with = "as_money")]
    pub average_other_income: Decimal,
    /// Expenses used (the override when given).
    #[serde(serialize_with = "as_money")]
    pub average_monthly_total_expenses: Decimal,
    /// Repayments used (the override when given).
    #[serde(serialize_with = "as_money")]
    pub average_monthly_loan_repayment_amount: Decimal,
    /// Engine version, `as_of`, input hash.
    pub replay: Replay,
}

fn as_money<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    money_number(*value).serialize(serializer)
}

fn as_number<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    let number: Value = serde_json::from_str(&value.normalize().to_string()).unwrap_or(Value::Null);
    number.serialize(serializer)
}

fn invalid(field: &'static str, message: impl Into<String>) -> ScoringError {
    ScoringError::Affordability {
        field,
        message: message.into(),
    }
}

/// Computes affordability. `as_of` is only recorded.
pub fn affordability(
    inputs: &AffordabilityInputs,
    request: &AffordabilityRequest,
    as_of: Option<NaiveDate>,
) -> Result<Affordability, ScoringError> {
    if request.dti < Decimal::ZERO || request.dti > Decimal::ONE {
        return Err(invalid(
            "dti",
            format!("must be between 0 and 1, found {}", request.dti),
        ));
    }
    if request.loan_tenure == 0 {
        return Err(invalid("loanTenure", "must be at least 1 month"));
    }
    let expenses = request
        .average_monthly_total_expenses
        .unwrap_or(inputs.average_monthly_total_expenses);
    let repayment = request
        .average_monthly_loan_repayment_amount
        .unwrap_or(inputs.average_monthly_loan_repayment_amount);
    for (field, value) in [
        ("averageMonthlyTotalExpenses", expenses),
        ("averageMonthlyLoanRepaymentAmount", repayment),
        ("average_predicted_salary", inputs.average_predicted_salary),
        ("average_other_income", inputs.average_other_income),
    ] {
        if value < Decimal::ZERO {
            return Err(invalid(
                field,
                format!("must not be negative, found {value}"),
            ));
        }
    }
    let overflow = || {
        invalid(
            "affordability_amount",
            "the figures are too large to compute exactly",
        )
    };
    let income = inputs
        .average_predicted_salary
        .checked_add(inputs.average_other_income)
        .ok_or_else(overflow)?;
    let monthly = request
        .dti
        .checked_mul(income)
        .and_then(|x| x.checked_sub(expenses))
        .and_then(|x| x.checked_sub(repayment))
        .ok_or_else(overflow)?
        .max(Decimal::ZERO);
    let total = monthly
        .checked_mul(Decimal::from(request.loan_tenure))
        .ok_or_else(overflow)?;
    let replay_inputs = json!({
        "dti": request.dti.to_string(),
        "loanTenure": request.loan_tenure,
        "averageMonthlyTotalExpensesOverride": request.average_monthly_total_expenses.map(|d| d.to_string()),
        "averageMonthlyLoanRepaymentAmountOverride": request.average_monthly_loan_repayment_amount.map(|d| d.to_string()),
        "average_predicted_salary": inputs.average_predicted_salary.to_string(),
        "average_other_income": inputs.average_other_income.to_string(),
        "average_monthly_total_expenses": inputs.average_monthly_total_expenses.to_string(),
        "average_monthly_loan_repayment_amount": inputs.average_monthly_loan_repayment_amount.to_string(),
    });
    Ok(Affordability {
        dti: request.dti,
        loan_tenure: request.loan_tenure,
        monthly_affordability_amount: monthly,
        affordability_amount: total,
        average_predicted_salary: inputs.average_predicted_salary,
        average_other_income: inputs.average_other_income,
        average_monthly_total_expenses: expenses,
        average_monthly_loan_repayment_amount: repayment,
        replay: Replay::new(None, as_of, &replay_inputs),
    })
}
