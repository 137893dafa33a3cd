//! One analysis in one product's shape, with that product's scores folded in: what `ledgerlens
//! analyze --profile` prints and what the API's analysis endpoint answers (one function, so the
//! two can never disagree).

use ledgerlens_analytics::profiles::{envoyx, finx, periculum, xray};
use ledgerlens_analytics::{AnalysisOptions, Ledger, native};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::benchmark::Benchmark;
use crate::config::ScoringConfig;
use crate::error::ScoringError;
use crate::legitimacy::Evidence;
use crate::points::Scorecard;
use crate::variables::periculum_variables;

/// The shapes an analysis can answer in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Our own complete shape, with every score.
    Native,
    /// Periculum Insights' statement analytics (its credit score is a separate call).
    Periculum,
    /// finleap finX risk report.
    Finx,
    /// Sopra Bank X-Ray report body, graded.
    Xray,
    /// EnvoyX analysis with its credit score, flags and legitimacy.
    Envoyx,
}

impl Profile {
    /// Reads a profile name.
    pub fn parse(name: &str) -> Option<Profile> {
        match name.trim().to_ascii_lowercase().as_str() {
            "native" => Some(Profile::Native),
            "periculum" => Some(Profile::Periculum),
            "finx" => Some(Profile::Finx),
            "xray" | "bank_xray" => Some(Profile::Xray),
            "envoyx" => Some(Profile::Envoyx),
            _ => None,
        }
    }
}

fn to_value<T: Serialize>(value: &T) -> Result<Value, ScoringError> {
    serde_json::to_value(value).map_err(|e| ScoringError::Serialize(e.to_string()))
}

/// Adds the fields of `extra` (an object) to `base` (an object); `extra` wins on a clash.
fn merge(mut base: Value, extra: Value) -> Value {
    if let (Some(base_map), Value::Object(extra_map)) = (base.as_object_mut(), extra) {
        base_map.extend(extra_map);
    }
    base
}

/// The analysis of `ledger` in `profile`'s shape, scored.
pub fn scored_profile(
    profile: Profile,
    ledger: &Ledger<'_>,
    options: &AnalysisOptions,
    evidence: &Evidence<'_>,
    config: &ScoringConfig,
) -> Result<Value, ScoringError> {
    let currency = ledger.currency.code().to_owned();
    let xray_context = crate::xray::XrayContext {
        country: options.country.clone(),
        sector: options.sector.clone(),
        revenue_band: None,
        as_of: Some(ledger.as_of),
    };
    let request = crate::envoyx::ScoreRequest {
        business_type: options.business_type.clone(),
        sector: options.sector.clone(),
        account_opened: None,
    };
    let preferences = crate::envoyx::Preferences::default();
    Ok(match profile {
        Profile::Periculum => to_value(&periculum::build(ledger, options))?,
        Profile::Finx => to_value(&finx::build(ledger, options))?,
        Profile::Xray => {
            let report = xray::build(ledger, options);
            let grade = crate::xray::grade(
                &report,
                &xray_context,
                Some(&currency),
                Benchmark::embedded()?,
                config,
            );
            merge(to_value(&report)?, to_value(&grade)?)
        }
        Profile::Envoyx => {
            let analysis = envoyx::build(ledger, options);
            let score = crate::envoyx::score(&analysis, &request, &preferences, evidence, config);
            merge(to_value(&analysis)?, to_value(&score)?)
        }
        Profile::Native => {
            let analysis = native::build(ledger, options);
            let report = xray::build(ledger, options);
            let xray_grade = crate::xray::grade(
                &report,
                &xray_context,
                Some(&currency),
                Benchmark::embedded()?,
                config,
            );
            let envoyx_analysis = envoyx::build(ledger, options);
            let envoyx_score =
                crate::envoyx::score(&envoyx_analysis, &request, &preferences, evidence, config);
            let variables = periculum_variables(&periculum::build(ledger, options));
            let points = Scorecard::periculum_default()?.evaluate(&variables, Some(ledger.as_of));
            let mut scores = Map::new();
            scores.insert("points".to_owned(), to_value(&points)?);
            scores.insert("xray".to_owned(), to_value(&xray_grade)?);
            scores.insert("envoyx".to_owned(), to_value(&envoyx_score)?);
            let mut scores_object = Map::new();
            scores_object.insert("scores".to_owned(), Value::Object(scores));
            merge(to_value(&analysis)?, Value::Object(scores_object))
        }
    })
}
