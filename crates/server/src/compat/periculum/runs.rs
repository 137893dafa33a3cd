//! `/affordability` and `/creditscore`: spec 004's affordability and points credit score of a
//! processed statement, each kept as a run of the document (kinds `affordability` and `score`,
//! with the result in the native run shape of [`crate::runs`]) so that `GET` answers the
//! statement's history, newest first as in the spec's example.
//!
//! Both compute from what the worker stored rather than from the original: the affordability
//! inputs are four figures of the stored `periculum` analysis, and the default points scorecard
//! is already evaluated in the stored `native` analysis (`scores.points`, the very result
//! [`crate::runs::score_run`] computes with it). So neither re-reads the file, and both work for
//! an encrypted PDF whose password was erased when its job ended.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use chrono::NaiveDate;
use ledgerlens_scoring::ScoringError;
use ledgerlens_scoring::affordability::{
    AffordabilityInputs, AffordabilityRequest, affordability as compute,
};
use ledgerlens_store::{Blobs, DocumentRecord, RunRecord, Store};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::body;
use super::{KeyPath, path_key, processed, statement, stored};
use crate::auth::Tenant;
use crate::documents::timestamp;
use crate::{ApiError, AppState, now_ms};

/// Run kinds, shared with the native runs so both APIs show one history.
const AFFORDABILITY: &str = "affordability";
const SCORE: &str = "score";

/// The fields of an affordability request.
const AFFORDABILITY_FIELDS: [&str; 5] = [
    "statementKey",
    "dti",
    "loanTenure",
    "averageMonthlyTotalExpenses",
    "averageMonthlyLoanRepaymentAmount",
];

fn invalid(error: &ScoringError) -> ApiError {
    match error {
        ScoringError::Affordability { field, message } => {
            ApiError::bad_field("invalid_field", field, message)
        }
        other => ApiError::internal(other),
    }
}

/// A figure of the stored analysis as an exact decimal (the shortest text of its JSON number).
fn figure(analysis: &Value, pointer: &str) -> Result<Decimal, ApiError> {
    analysis
        .pointer(pointer)
        .and_then(Value::as_number)
        .map(ToString::to_string)
        .and_then(|text| {
            text.parse::<Decimal>()
                .ok()
                .or_else(|| Decimal::from_scientific(&text).ok())
        })
        .ok_or_else(|| ApiError::internal(&format!("the stored analysis has no {pointer}")))
}

/// The date the stored analysis is as of (its `createdDate`, `YYYY-MM-DDT00:00:00Z`).
fn as_of(analysis: &Value) -> Option<NaiveDate> {
    let text = analysis.get("createdDate")?.as_str()?;
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// The Periculum shape of a stored run: its result's fields, with the statement key and the
/// run's creation time.
fn periculum_run(record: &DocumentRecord, run: &RunRecord) -> Option<Value> {
    let stored: Value = serde_json::from_str(&run.result_json).ok()?;
    let Value::Object(result) = stored.get("result")?.clone() else {
        return None;
    };
    let mut object = Map::new();
    object.insert("statementKey".to_owned(), record.number.into());
    object.extend(result);
    object.insert("createdDate".to_owned(), timestamp(run.created_at_ms));
    Some(Value::Object(object))
}

/// The runs of one kind on a statement, newest first, in Periculum's shape.
async fn history<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    record: &DocumentRecord,
    kind: &str,
    keep: impl Fn(&Value) -> bool,
) -> Result<Value, ApiError> {
    let runs = state
        .store
        .list_runs(&record.tenant, &record.id, kind)
        .await?;
    let list = runs
        .iter()
        .rev()
        .filter(|run| {
            serde_json::from_str::<Value>(&run.result_json).is_ok_and(|stored| keep(&stored))
        })
        .filter_map(|run| periculum_run(record, run))
        .collect();
    Ok(Value::Array(list))
}

/// `POST /affordability` (`statementKey`, `dti` 0–1, `loanTenure` months, optional
/// `averageMonthlyTotalExpenses` and `averageMonthlyLoanRepaymentAmount` replacing the
/// statement's): 200 with spec 004's affordability (plus the income figures used, the statement
/// key, the creation time and the replay record). 400 for a missing or out-of-range field, 404
/// for an unknown key, 409 before the statement is processed.
pub(super) async fn affordability<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    request: Bytes,
) -> Result<Json<Value>, ApiError> {
    let (fields, object) = body::fields(&request, &AFFORDABILITY_FIELDS)?;
    let key = object
        .get("statementKey")
        .and_then(Value::as_i64)
        .filter(|k| *k > 0)
        .ok_or_else(|| {
            ApiError::bad_field(
                "invalid_field",
                "statementKey",
                "the integer key of a statement",
            )
        })?;
    let dti = fields.decimal("dti")?.ok_or_else(|| {
        ApiError::bad_field(
            "missing_field",
            "dti",
            "the debt-to-income ratio (0–1) is required",
        )
    })?;
    let tenure = fields.whole("loanTenure")?.ok_or_else(|| {
        ApiError::bad_field(
            "missing_field",
            "loanTenure",
            "the loan tenure in months is required",
        )
    })?;
    let request = AffordabilityRequest {
        dti,
        loan_tenure: tenure,
        average_monthly_total_expenses: fields.decimal("averageMonthlyTotalExpenses")?,
        average_monthly_loan_repayment_amount: fields
            .decimal("averageMonthlyLoanRepaymentAmount")?,
    };
    // Out-of-range requests are refused before the statement is looked up, as the native run.
    let probe = AffordabilityInputs {
        average_predicted_salary: Decimal::ZERO,
        average_other_income: Decimal::ZERO,
        average_monthly_total_expenses: Decimal::ZERO,
        average_monthly_loan_repayment_amount: Decimal::ZERO,
    };
    compute(&probe, &request, None).map_err(|e| invalid(&e))?;
    let record = processed(&state, &tenant, key).await?;
    let analysis = stored(&state, &record, "periculum").await?;
    let inputs = AffordabilityInputs {
        average_predicted_salary: figure(&analysis, "/incomeAnalysis/averagePredictedSalary")?,
        average_other_income: figure(&analysis, "/incomeAnalysis/averageOtherIncome")?,
        average_monthly_total_expenses: figure(
            &analysis,
            "/spendAnalysis/averageMonthlyTotalExpenses",
        )?,
        average_monthly_loan_repayment_amount: figure(
            &analysis,
            "/behavioralAnalysis/averageMonthlyLoanRepaymentAmount",
        )?,
    };
    let as_of = as_of(&analysis);
    let result = compute(&inputs, &request, as_of).map_err(|e| invalid(&e))?;
    // The native run's shape (crate::runs::affordability_run), so both APIs read one history.
    let run = json!({
        "document_id": record.id.as_str(),
        "as_of": as_of,
        "parameters": {
            "dti": request.dti.to_string(),
            "tenure": request.loan_tenure,
            "monthly_expenses": request.average_monthly_total_expenses.map(|d| d.to_string()),
            "monthly_repayment": request.average_monthly_loan_repayment_amount.map(|d| d.to_string()),
        },
        "result": serde_json::to_value(&result).map_err(|e| ApiError::internal(&e))?,
    });
    let saved = state
        .store
        .insert_run(
            &tenant,
            &record.id,
            AFFORDABILITY,
            &Value::Object(object).to_string(),
            &run.to_string(),
            now_ms(),
        )
        .await?;
    periculum_run(&record, &saved)
        .map(Json)
        .ok_or_else(|| ApiError::internal(&"a stored affordability run has no result"))
}

/// `GET /affordability/{key}`: every affordability of the statement, newest first (an empty
/// list when none was asked for); 404 for an unknown key.
pub(super) async fn affordability_history<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: KeyPath,
) -> Result<Json<Value>, ApiError> {
    let key = path_key(path)?;
    let record = statement(&state, &tenant, key).await?;
    Ok(Json(
        history(&state, &record, AFFORDABILITY, |_| true).await?,
    ))
}

/// Whether a stored score run used the points scorecard (the native API may keep X-Ray and
/// EnvoyX scores under the same kind).
fn is_points(stored: &Value) -> bool {
    stored.pointer("/scorecard/name").and_then(Value::as_str) == Some("points")
}

/// `POST /creditscore/{key}` (the body, `none` in the spec, is ignored): 200 with spec 004's
/// credit score by the default points scorecard — `rulesScore`, `baseScore`, `calculatedScore`,
/// `didPass` (null: no pass threshold), `passReasons`, `failReasons`, `type` — followed by every
/// rule's outcome and the replay record. 404 for an unknown key, 409 before it is processed.
pub(super) async fn credit_score<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: KeyPath,
) -> Result<Json<Value>, ApiError> {
    let key = path_key(path)?;
    let record = processed(&state, &tenant, key).await?;
    let native = stored(&state, &record, "native").await?;
    let points = native
        .pointer("/scores/points")
        .cloned()
        .ok_or_else(|| ApiError::internal(&"the stored native analysis has no points score"))?;
    let mut scorecard = json!({"name": "points"});
    if let (Some(target), Some(Value::Object(reference))) = (
        scorecard.as_object_mut(),
        points.pointer("/replay/scorecard").cloned(),
    ) {
        target.extend(reference);
    }
    // The native run's shape (crate::runs::score_run).
    let run = json!({
        "document_id": record.id.as_str(),
        "scorecard": scorecard,
        "as_of": points.pointer("/replay/asOf"),
        "result": points,
    });
    state
        .store
        .insert_run(&tenant, &record.id, SCORE, "{}", &run.to_string(), now_ms())
        .await?;
    Ok(Json(points))
}

/// `GET /creditscore/{key}`: every points credit score of the statement, newest first (each
/// with its `statementKey` and `createdDate`); 404 for an unknown key.
pub(super) async fn credit_scores<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: KeyPath,
) -> Result<Json<Value>, ApiError> {
    let key = path_key(path)?;
    let record = statement(&state, &tenant, key).await?;
    Ok(Json(history(&state, &record, SCORE, is_points).await?))
}
