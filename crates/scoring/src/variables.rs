//! Scorecard variables from an analysis, and the replay record every result carries.
//!
//! A points scorecard reads *named variables* (`$Statement.AccountActivity` in Periculum's
//! reasons), not the analytics structs: that keeps scorecards data a tenant can write, and lets
//! `ledgerlens score --variables` evaluate one on figures from anywhere. [`periculum_variables`]
//! is the bridge from our Periculum analytics to those names.
//!
//! Replay: an auditor re-running a decision must get the same figures and be able to prove the
//! inputs were the same, so every result records the engine version, the scorecard's identity
//! and hash, the `as_of` date and the SHA-256 of the canonical JSON of its inputs
//! ([`canonical_json`]: keys sorted, no whitespace — independent of map order and of serde_json
//! features another crate may switch on).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use ledgerlens_analytics::profiles::periculum::PericulumAnalytics;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// This engine's version, recorded in every result.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// This engine's name, recorded in every result.
pub const ENGINE: &str = "ledgerlens-scoring";

/// The identity of the scorecard a result was computed with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScorecardRef {
    /// The scorecard's `id`.
    pub id: String,
    /// The scorecard's `version`.
    pub version: String,
    /// SHA-256 (hex) of the scorecard's text exactly as loaded: a changed rule changes it even
    /// when nobody bumped `version`.
    pub sha256: String,
}

/// What is needed to reproduce a result and prove it was reproduced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replay {
    /// Always [`ENGINE`].
    pub engine: &'static str,
    /// [`ENGINE_VERSION`].
    pub engine_version: &'static str,
    /// The scorecard used, when the result comes from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scorecard: Option<ScorecardRef>,
    /// The date the inputs describe (the analysis' `as_of`); `None` when the caller gave only
    /// variables and no date. No clock is ever read.
    pub as_of: Option<NaiveDate>,
    /// SHA-256 (hex) of [`canonical_json`] of the inputs.
    pub inputs_sha256: String,
}

impl Replay {
    /// The replay record of a computation on `inputs`.
    pub fn new(scorecard: Option<ScorecardRef>, as_of: Option<NaiveDate>, inputs: &Value) -> Self {
        Replay {
            engine: ENGINE,
            engine_version: ENGINE_VERSION,
            scorecard,
            as_of,
            inputs_sha256: sha256_hex(canonical_json(inputs).as_bytes()),
        }
    }
}

/// Lower-case hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant whitespace,
/// numbers and strings as serde_json writes them. Two equal values always give the same text,
/// whatever order their maps were built in.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_unstable();
            out.push('{');
            for (index, key) in keys.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                if let Some(item) = map.get(key.as_str()) {
                    write_canonical(item, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::String(text) => write_string(text, out),
        // Scalars have one serde_json rendering each.
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(text: &str, out: &mut String) {
    out.push_str(&Value::String(text.to_owned()).to_string());
}

/// The variables of a variable map as one JSON object (what [`Replay::inputs_sha256`] hashes).
pub fn variables_json(variables: &BTreeMap<String, Value>) -> Value {
    Value::Object(
        variables
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

/// The scorecard variables of a Periculum analysis.
///
/// The seven variables spec 004's default scorecard reads are named exactly as its reasons name
/// them (`$Statement.AccountActivity` → `AccountActivity`):
///
/// | variable | analytics field |
/// |---|---|
/// | `AccountActivity` | `behavioralAnalysis.accountActivity` (0–1) |
/// | `AccountSweep` | `behavioralAnalysis.accountSweep` (`"Yes"`/`"No"`) |
/// | `AveragePredictedSalary` | `incomeAnalysis.averagePredictedSalary` |
/// | `GamblingRate` | `behavioralAnalysis.gamblingRate` (0–1) |
/// | `MostFrequentBalanceRange` | `transactionPatternAnalysis.mostFrequentBalanceRange` |
/// | `NetAverageMonthlyEarning` | `incomeAnalysis.NetAverageMonthlyEarning` |
/// | `TotalLoanAmount` | `behavioralAnalysis.totalLoanAmount` |
///
/// So that a tenant's own scorecard can use any other figure, every scalar field (number, string,
/// boolean) of the five analysis sections is added too, under its name with the first letter
/// upper-cased (`loanToInflowRate` → `LoanToInflowRate`); the seven above win any clash. A figure
/// the analysis could not compute (`null`, e.g. no balance at all for the balance range) is left
/// out, so a rule on it fails with "was missing" rather than comparing against a made-up value.
pub fn periculum_variables(analytics: &PericulumAnalytics) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let sections = [
        serde_json::to_value(&analytics.spend_analysis),
        serde_json::to_value(&analytics.transaction_pattern_analysis),
        serde_json::to_value(&analytics.behavioral_analysis),
        serde_json::to_value(&analytics.cash_flow_analysis),
        serde_json::to_value(&analytics.income_analysis),
    ];
    for section in sections.into_iter().flatten() {
        let Value::Object(fields) = section else {
            continue;
        };
        for (key, value) in fields {
            if matches!(value, Value::Number(_) | Value::String(_) | Value::Bool(_)) {
                out.insert(upper_first(&key), value);
            }
        }
    }
    let behavioral = &analytics.behavioral_analysis;
    let income = &analytics.income_analysis;
    let pattern = &analytics.transaction_pattern_analysis;
    let mut set = |name: &str, value: Value| {
        if value.is_null() {
            out.remove(name);
        } else {
            out.insert(name.to_owned(), value);
        }
    };
    set("AccountActivity", ratio(behavioral.account_activity));
    set("AccountSweep", Value::from(behavioral.account_sweep));
    set(
        "AveragePredictedSalary",
        income.average_predicted_salary.clone(),
    );
    set("GamblingRate", ratio(behavioral.gambling_rate));
    set(
        "MostFrequentBalanceRange",
        pattern
            .most_frequent_balance_range
            .map_or(Value::Null, Value::from),
    );
    set(
        "NetAverageMonthlyEarning",
        income.net_average_monthly_earning.clone(),
    );
    set("TotalLoanAmount", behavioral.total_loan_amount.clone());
    out
}

/// A ratio as a JSON number; a non-finite one (never expected) is missing, not 0.
fn ratio(value: f64) -> Value {
    serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
}

fn upper_first(key: &str) -> String {
    let mut chars = key.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let a: Value = serde_json::from_str(r#"{"b":1,"a":{"y":[1,{"q":2,"p":1}],"x":"s"}}"#)
            .unwrap_or_default();
        assert_eq!(
            canonical_json(&a),
            r#"{"a":{"x":"s","y":[1,{"p":1,"q":2}]},"b":1}"#
        );
    }

    #[test]
    fn sha256_is_lower_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn upper_first_keeps_the_rest() {
        assert_eq!(upper_first("loanToInflowRate"), "LoanToInflowRate");
        assert_eq!(
            upper_first("NetAverageMonthlyEarning"),
            "NetAverageMonthlyEarning"
        );
    }
}
