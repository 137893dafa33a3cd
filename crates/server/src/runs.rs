//! `POST /v1/documents/{id}/scores` and `POST /v1/documents/{id}/affordability`: a score with a
//! chosen scorecard, or an affordability run, computed from the stored original.
//!
//! Both read the original through [`Blobs`] and ingest it as the worker does, then compute on
//! the blocking pool. The answer of each is built by one pure function ([`score_run`],
//! [`affordability_run`]) from the read statement and the request, so that storing runs later
//! is a matter of saving what it returns.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use ledgerlens_analytics::profiles::periculum;
use ledgerlens_scoring::Profile;
use ledgerlens_scoring::affordability::{AffordabilityInputs, AffordabilityRequest, affordability};
use ledgerlens_scoring::config::ScoringConfig;
use ledgerlens_scoring::points::{Scorecard, ScorecardFormat};
use ledgerlens_scoring::{ScoringError, periculum_variables};
use ledgerlens_store::{BlobKey, Blobs, DocumentRecord, Store};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::analysis::{DocumentOptions, Failure, ReadStatement, read};
use crate::auth::Tenant;
use crate::documents::{analysed, document_id};
use crate::json_body::Body;
use crate::{ApiError, AppState, blocking};

/// A score or affordability request is a few fields and at most one scorecard: 2 MiB holds a
/// scorecard of thousands of rules.
pub(crate) const RUN_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The built-in scorecards a score request can name.
pub const SCORECARDS: [&str; 3] = ["points", "xray", "envoyx"];

/// Which scorecard a run uses.
#[derive(Debug)]
pub enum ScorecardChoice {
    /// A points scorecard: the embedded Periculum default, or the request's own definition.
    Points(Box<Scorecard>),
    /// Sopra Bank X-Ray's A–E grade.
    Xray,
    /// EnvoyX's 0–1000 score.
    Envoyx,
}

impl ScorecardChoice {
    fn name(&self) -> &'static str {
        match self {
            ScorecardChoice::Points(_) => "points",
            ScorecardChoice::Xray => "xray",
            ScorecardChoice::Envoyx => "envoyx",
        }
    }
}

/// The request of a score run, read.
#[derive(Debug)]
pub struct ScoreRequest {
    /// The scorecard.
    pub scorecard: ScorecardChoice,
    /// The date the score is as of (default: the statements' last day).
    pub as_of: Option<NaiveDate>,
}

fn analysis_failed(failure: &Failure) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "analysis_failed",
        format!(
            "the stored original could not be analysed: {}",
            failure.message
        ),
    )
    .with_detail(
        "failure",
        json!({ "code": failure.code, "message": failure.message }),
    )
}

fn scoring_failed(error: &ScoringError) -> Failure {
    Failure::new("scoring_failed", error.to_string())
}

fn parse_score_request(bytes: &[u8]) -> Result<(ScoreRequest, Option<String>), ApiError> {
    let body = Body::parse(bytes, &["scorecard", "definition", "as_of", "password"])?;
    let name = body.text("scorecard")?;
    let definition = body.object("definition")?;
    let scorecard = match (name.as_deref().map(str::trim), definition) {
        (None | Some("points" | "custom"), Some(definition)) => {
            let text = definition.to_string();
            let scorecard =
                Scorecard::parse(&text, ScorecardFormat::Json, "definition").map_err(|e| {
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid_scorecard",
                        e.to_string(),
                    )
                    .with_detail("field", "definition")
                })?;
            ScorecardChoice::Points(Box::new(scorecard))
        }
        (Some(other), Some(_)) => {
            return Err(ApiError::bad_field(
                "invalid_field",
                "scorecard",
                &format!(
                    "`{other}` takes no definition; an inline definition is a points scorecard"
                ),
            ));
        }
        (None | Some("points" | "periculum" | "periculum-default"), None) => {
            let scorecard = Scorecard::periculum_default().map_err(|e| ApiError::internal(&e))?;
            ScorecardChoice::Points(Box::new(scorecard))
        }
        (Some("xray"), None) => ScorecardChoice::Xray,
        (Some("envoyx"), None) => ScorecardChoice::Envoyx,
        (Some(other), None) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_scorecard",
                format!(
                    "no scorecard `{other}`: use one of {}, or send a points scorecard as `definition`",
                    SCORECARDS.join(", ")
                ),
            )
            .with_detail("field", "scorecard"));
        }
    };
    let request = ScoreRequest {
        scorecard,
        as_of: body.date("as_of")?,
    };
    Ok((request, body.text("password")?))
}

/// The answer of a score run: which scorecard, as of when, and its result (for points, spec
/// 004's credit score with `ruleResults` and `replay`, as `ledgerlens score` prints it; for
/// X-Ray and EnvoyX, the score object the native analysis carries under `scores`).
pub fn score_run(
    document: &str,
    read: &ReadStatement,
    request: &ScoreRequest,
    scoring: &ScoringConfig,
) -> Result<Value, Failure> {
    let ledger = read.ledger()?;
    let result = match &request.scorecard {
        ScorecardChoice::Points(scorecard) => {
            let variables = periculum_variables(&periculum::build(&ledger, &read.options));
            serde_json::to_value(scorecard.evaluate(&variables, Some(ledger.as_of)))
                .map_err(|e| Failure::new("internal_error", e.to_string()))?
        }
        ScorecardChoice::Xray | ScorecardChoice::Envoyx => {
            // The native profile scores with every built-in scorecard exactly as the stored
            // analysis does; taking its score keeps one code path for both.
            let native = ledgerlens_scoring::scored_profile(
                Profile::Native,
                &ledger,
                &read.options,
                &read.evidence(),
                scoring,
            )
            .map_err(|e| scoring_failed(&e))?;
            native
                .pointer(&format!("/scores/{}", request.scorecard.name()))
                .cloned()
                .ok_or_else(|| {
                    Failure::new("internal_error", "the native analysis has no such score")
                })?
        }
    };
    let scorecard = match &request.scorecard {
        ScorecardChoice::Points(scorecard) => json!({
            "name": "points",
            "id": scorecard.id,
            "version": scorecard.version,
            "sha256": scorecard.sha256,
        }),
        other => json!({ "name": other.name() }),
    };
    Ok(json!({
        "document_id": document,
        "scorecard": scorecard,
        "as_of": ledger.as_of,
        "result": result,
    }))
}

/// The parameters of an affordability run, as `ledgerlens affordability` takes them.
#[derive(Debug)]
pub struct AffordabilityParameters {
    /// `dti`, `tenure` and the optional overrides.
    pub request: AffordabilityRequest,
    /// The date the analysis is as of (default: the statements' last day).
    pub as_of: Option<NaiveDate>,
}

/// The request field a scoring error is about (the CLI maps them to its options the same way).
fn request_field(field: &str) -> &str {
    match field {
        "loanTenure" => "tenure",
        "averageMonthlyTotalExpenses" => "monthly_expenses",
        "averageMonthlyLoanRepaymentAmount" => "monthly_repayment",
        other => other,
    }
}

fn parse_affordability(
    bytes: &[u8],
) -> Result<(AffordabilityParameters, Option<String>), ApiError> {
    let body = Body::parse(
        bytes,
        &[
            "dti",
            "tenure",
            "monthly_expenses",
            "monthly_repayment",
            "as_of",
            "password",
        ],
    )?;
    let dti = body.decimal("dti")?.ok_or_else(|| {
        ApiError::bad_field(
            "missing_field",
            "dti",
            "the debt-to-income ratio (0–1) is required",
        )
    })?;
    let tenure = body.whole("tenure")?.ok_or_else(|| {
        ApiError::bad_field(
            "missing_field",
            "tenure",
            "the loan tenure in months is required",
        )
    })?;
    let request = AffordabilityRequest {
        dti,
        loan_tenure: tenure,
        average_monthly_total_expenses: body.decimal("monthly_expenses")?,
        average_monthly_loan_repayment_amount: body.decimal("monthly_repayment")?,
    };
    // A request out of range is refused before the (slower) analysis, as the CLI does.
    let probe = AffordabilityInputs {
        average_predicted_salary: Decimal::ZERO,
        average_other_income: Decimal::ZERO,
        average_monthly_total_expenses: Decimal::ZERO,
        average_monthly_loan_repayment_amount: Decimal::ZERO,
    };
    if let Err(error) = affordability(&probe, &request, None) {
        return Err(match &error {
            ScoringError::Affordability { field, message } => {
                ApiError::bad_field("invalid_field", request_field(field), message)
            }
            other => ApiError::internal(other),
        });
    }
    let parameters = AffordabilityParameters {
        request,
        as_of: body.date("as_of")?,
    };
    Ok((parameters, body.text("password")?))
}

/// The answer of an affordability run: the parameters (exact decimals as strings) and spec
/// 004's affordability object, as `ledgerlens affordability` prints it.
pub fn affordability_run(
    document: &str,
    read: &ReadStatement,
    parameters: &AffordabilityParameters,
) -> Result<Value, Failure> {
    let ledger = read.ledger()?;
    let analytics = periculum::build(&ledger, &read.options);
    let inputs = AffordabilityInputs::from_periculum(&analytics).map_err(|e| scoring_failed(&e))?;
    let result = affordability(&inputs, &parameters.request, Some(ledger.as_of))
        .map_err(|e| scoring_failed(&e))?;
    let request = &parameters.request;
    Ok(json!({
        "document_id": document,
        "as_of": ledger.as_of,
        "parameters": {
            "dti": request.dti.to_string(),
            "tenure": request.loan_tenure,
            "monthly_expenses": request.average_monthly_total_expenses.map(|d| d.to_string()),
            "monthly_repayment": request.average_monthly_loan_repayment_amount.map(|d| d.to_string()),
        },
        "result": serde_json::to_value(&result)
            .map_err(|e| Failure::new("internal_error", e.to_string()))?,
    }))
}

/// Reads the stored original of an analysed document with its upload options (and `as_of`)
/// on the blocking pool, then runs `compute` there too.
async fn from_original<S: Store, B: Blobs, T: Send + 'static>(
    state: &AppState<S, B>,
    record: &DocumentRecord,
    as_of: Option<NaiveDate>,
    password: Option<String>,
    compute: impl FnOnce(&ReadStatement, &ScoringConfig) -> Result<T, Failure> + Send + 'static,
) -> Result<T, ApiError> {
    let key = BlobKey::new(&record.tenant, &record.sha256)?;
    let bytes = state.blobs.get(&key).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "original_missing",
            "the uploaded file is no longer stored",
        )
    })?;
    let stored: DocumentOptions =
        serde_json::from_str(&record.options_json).map_err(|e| ApiError::internal(&e))?;
    let mut options = stored.analysis_options();
    options.as_of = as_of;
    // The tenant's own rules, as the worker used them for the stored analysis.
    let enricher = state
        .tenant_enrichers
        .for_tenant(&state.store, &state.enricher, &record.tenant)
        .await?;
    let shared = std::sync::Arc::clone(state);
    let filename = record.filename.clone();
    blocking(move || {
        let read = read(
            &filename,
            &bytes,
            options,
            password,
            &shared.config.read_options,
            &enricher,
            None,
        )?;
        compute(&read, &shared.scoring)
    })
    .await?
    .map_err(|failure| analysis_failed(&failure))
}

type PathResult = Result<Path<String>, axum::extract::rejection::PathRejection>;

/// `POST /v1/documents/{id}/scores`.
pub(crate) async fn score<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: PathResult,
    body: Bytes,
) -> Result<axum::response::Response, ApiError> {
    let id = document_id(path)?;
    let record = analysed(&state, &tenant, &id).await?;
    let (request, password) = parse_score_request(&body)?;
    let document = id.as_str().to_owned();
    let as_of = request.as_of;
    let asked = String::from_utf8_lossy(&body).into_owned();
    let value = from_original(&state, &record, as_of, password, move |read, scoring| {
        score_run(&document, read, &request, scoring)
    })
    .await?;
    keep(&state, &tenant, &id, "score", &asked, value).await
}

/// Keeps a run in the document's history (`GET /v1/documents/{id}/runs`) and answers it, with
/// its id in `X-Run-Id` (the body stays what the CLI prints). A password given with the request
/// is not kept.
async fn keep<S: Store, B: Blobs>(
    state: &AppState<S, B>,
    tenant: &ledgerlens_store::TenantId,
    id: &ledgerlens_store::DocumentId,
    kind: &str,
    asked: &str,
    value: Value,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let mut request: Value = serde_json::from_str(asked).unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut request {
        fields.remove("password");
    }
    let run = state
        .store
        .insert_run(
            tenant,
            id,
            kind,
            &request.to_string(),
            &value.to_string(),
            crate::now_ms(),
        )
        .await?;
    let mut response = Json(value).into_response();
    if let Ok(header) = axum::http::HeaderValue::from_str(&run.id) {
        response.headers_mut().insert("x-run-id", header);
    }
    Ok(response)
}

/// `GET /v1/documents/{id}/runs?kind=score|affordability`: the document's kept runs, oldest
/// first, each with what was asked and what was answered.
pub(crate) async fn history<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: PathResult,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Json<Value>, ApiError> {
    let id = document_id(path)?;
    if state.store.get_document(&tenant, &id).await?.is_none() {
        return Err(ApiError::not_found("document"));
    }
    let kinds: Vec<&str> = match query.as_deref().unwrap_or("") {
        "" => vec!["score", "affordability"],
        "kind=score" => vec!["score"],
        "kind=affordability" => vec!["affordability"],
        _ => {
            return Err(ApiError::bad_field(
                "invalid_parameter",
                "kind",
                "score or affordability (or none for both)",
            ));
        }
    };
    let mut data = Vec::new();
    for kind in kinds {
        for run in state.store.list_runs(&tenant, &id, kind).await? {
            data.push(json!({
                "id": run.id,
                "kind": run.kind,
                "number": run.number,
                "request": serde_json::from_str::<Value>(&run.request_json).unwrap_or(Value::Null),
                "result": serde_json::from_str::<Value>(&run.result_json).unwrap_or(Value::Null),
                "created_at": crate::documents::timestamp(run.created_at_ms),
            }));
        }
    }
    Ok(Json(json!({ "data": data })))
}

/// `POST /v1/documents/{id}/affordability`.
pub(crate) async fn affordability_handler<S: Store, B: Blobs>(
    State(state): State<AppState<S, B>>,
    Tenant(tenant): Tenant,
    path: PathResult,
    body: Bytes,
) -> Result<axum::response::Response, ApiError> {
    let id = document_id(path)?;
    let record = analysed(&state, &tenant, &id).await?;
    let (parameters, password) = parse_affordability(&body)?;
    let document = id.as_str().to_owned();
    let as_of = parameters.as_of;
    let asked = String::from_utf8_lossy(&body).into_owned();
    let value = from_original(&state, &record, as_of, password, move |read, _| {
        affordability_run(&document, read, &parameters)
    })
    .await?;
    keep(&state, &tenant, &id, "affordability", &asked, value).await
}
