//! Points scorecards: Periculum's credit score (spec 004, "Generate Credit Score For A Statement").
//!
//! A scorecard is data — TOML (or JSON) a tenant can write — of rules on named variables. Each
//! rule compares one variable with `BETWEEN`, `LESS_THAN`, `GREATER_THAN` or `EQUALS`; a met
//! rule adds its points. `calculatedScore = baseScore + rulesScore`, and `didPass` is
//! `calculatedScore >= pass_threshold` (`null` when the scorecard sets no threshold, as in spec
//! 004's first example). Every rule yields one reason string, in spec 004's exact wording, in
//! `passReasons` or `failReasons`, plus a machine outcome code in `ruleResults`.
//!
//! # How `BETWEEN` treats its bounds: exclusive on both sides
//!
//! `BETWEEN min-max` is met when `min < value < max`.
//!
//! * Lower bound exclusive — **proven by both examples**. Example 1 has `TotalLoanAmount` = 0
//!   (rule `TotalLoanAmountEqualstoZero`, `EQUALS 0`, was met) and `GamblingRate` = 0
//!   (`GamblingRateEqualsTo0%`, `EQUALS 0`, met), yet `TotalLoanAmountBetween1To49k`
//!   (`BETWEEN 0-50000`) and `GamblingRateBetween1-20%` (`BETWEEN 0-0.21`) were *not* met: a
//!   value equal to the lower bound is outside. Example 2 repeats this for `GamblingRate` = 0.
//! * Upper bound exclusive — **inferred**, since neither example holds a value on an upper bound.
//!   Every range's bounds sit one unit *outside* the range its name promises, on both sides:
//!   `AccountActivityBetween10-19%` is `0.09-0.20`, `...Between50-100%` is `0.49-1.1`,
//!   `AveragePredictedSalaryBetween100kTo249k` is `99999-250000`, `GamblingRateBetween20-40%` is
//!   `0.20-0.41`. With the lower side proven exclusive, the symmetric reading (exclusive upper)
//!   is the only one under which each rule holds exactly what its name says (0.20 is not in
//!   "10-19%", 250 000 is not in "100kTo249k", 1 000 000 is not in "500kTo999k" but in no band,
//!   as "GreaterThan1m" also says) and under which adjacent bands of two-decimal ratios and
//!   whole amounts never overlap; `1.1` as the top of "50-100%" only makes sense if the top is
//!   exclusive (an inclusive `1.0` would have done).
//!
//! A tenant whose bands are meant inclusively sets `min_inclusive` / `max_inclusive` on the rule;
//! the reason text is unchanged, as Periculum's has no way to say it.
//!
//! # Reason order
//!
//! Both examples list `passReasons` and `failReasons` sorted by rule name, byte-wise
//! (`...Between500kTo999k` before `...Between50kTo99k`, `...Between100k-500k` before
//! `...Between10k-100k`, `...Between50kTo99k` < `...EqualstoZero` < `...GreaterThan500k`), and the
//! same rules move between the lists without breaking that order; so reasons are sorted by rule
//! name unless the scorecard says `reason_order = "definition"`.
//!
//! # Values
//!
//! Variables are a map name → JSON value. Numbers compare exactly as decimals (the text of the
//! number, so 0.1 is 0.1, never 0.1000000000000000055); a numeric string (`"0.35"`) counts as
//! a number. `EQUALS` compares numbers numerically, text case-insensitively (our balance bands
//! print `500k-1M` where Periculum's scorecard says `500k-1m`), and booleans against
//! `Yes`/`No`/`true`/`false`. A variable absent from the map, or `null`, makes its rule fail
//! with the reason "…$Statement.X was missing…" (never a silent 0: a missing figure must not
//! look like a measured one); a value of the wrong type (text for `BETWEEN`) fails with a reason
//! that says so. Neither is an error: one unusable figure must not stop a decision that the
//! other rules can still explain, and the reason shows the officer why points were lost.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::ScoringError;
use crate::variables::{Replay, ScorecardRef, sha256_hex, variables_json};

/// The text of spec 004's rule set (crates/scoring/scorecards/periculum_default.toml).
pub const DEFAULT_SCORECARD_TOML: &str = include_str!("../scorecards/periculum_default.toml");

/// How a rule compares its variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Operator {
    /// `min < value < max` (bounds exclusive unless the rule says otherwise).
    Between,
    /// `variable < value` (strict).
    LessThan,
    /// `variable > value` (strict).
    GreaterThan,
    /// Equal number, text (case-insensitive) or yes/no.
    Equals,
}

impl Operator {
    /// The name spec 004's reasons print.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Between => "BETWEEN",
            Operator::LessThan => "LESS_THAN",
            Operator::GreaterThan => "GREATER_THAN",
            Operator::Equals => "EQUALS",
        }
    }

    /// Parses an operator name; `less_than`, `Less-Than` and `LESS THAN` are accepted too, since
    /// a tenant's typo in case is not worth a rejected file.
    pub fn parse(text: &str) -> Option<Operator> {
        let normal: String = text
            .trim()
            .chars()
            .map(|c| match c {
                '-' | ' ' => '_',
                other => other.to_ascii_uppercase(),
            })
            .collect();
        match normal.as_str() {
            "BETWEEN" => Some(Operator::Between),
            "LESS_THAN" => Some(Operator::LessThan),
            "GREATER_THAN" => Some(Operator::GreaterThan),
            "EQUALS" => Some(Operator::Equals),
            _ => None,
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A numeric bound: the exact value compared, and the text the reason prints (`0.50` stays
/// `0.50`, as in spec 004's reasons).
#[derive(Clone, Debug, PartialEq)]
pub struct Bound {
    /// The exact value.
    pub value: Decimal,
    /// As written in the scorecard.
    pub text: String,
    /// The value as a float, only for variables too large for a decimal.
    float: f64,
}

impl Bound {
    fn new(value: Decimal, text: String) -> Bound {
        let float = f64::try_from(value).unwrap_or(0.0);
        Bound { value, text, float }
    }
}

/// The operand of `EQUALS`.
#[derive(Clone, Debug, PartialEq)]
pub struct Operand {
    /// As written (printed in reasons; compared with text variables).
    pub text: String,
    /// The operand as a number, when it is one (compared with numeric variables).
    pub number: Option<Decimal>,
}

/// What a rule checks.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// `min < v < max`, each side inclusive only if asked.
    Between {
        /// Lower bound.
        min: Bound,
        /// Upper bound.
        max: Bound,
        /// `min <= v` instead of `min < v`.
        min_inclusive: bool,
        /// `v <= max` instead of `v < max`.
        max_inclusive: bool,
    },
    /// `v < bound`.
    LessThan(Bound),
    /// `v > bound`.
    GreaterThan(Bound),
    /// `v == operand`.
    Equals(Operand),
}

impl Condition {
    /// The operator.
    pub fn operator(&self) -> Operator {
        match self {
            Condition::Between { .. } => Operator::Between,
            Condition::LessThan(_) => Operator::LessThan,
            Condition::GreaterThan(_) => Operator::GreaterThan,
            Condition::Equals(_) => Operator::Equals,
        }
    }

    /// The operand as reasons print it: `0.29-0.50`, `0.1`, `No`.
    pub fn operand_text(&self) -> String {
        match self {
            Condition::Between { min, max, .. } => format!("{}-{}", min.text, max.text),
            Condition::LessThan(bound) | Condition::GreaterThan(bound) => bound.text.clone(),
            Condition::Equals(operand) => operand.text.clone(),
        }
    }
}

/// One rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Unique name, printed in reasons (`AccountActivityBetween30-49%`).
    pub name: String,
    /// The variable read (`AccountActivity`).
    pub variable: String,
    /// The comparison.
    pub condition: Condition,
    /// Points added when met (may be negative: a penalty).
    pub points: i64,
}

/// The order of the reason lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReasonOrder {
    /// By rule name, byte-wise: spec 004's order.
    #[default]
    RuleName,
    /// As the rules are written.
    Definition,
}

/// The text format of a scorecard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScorecardFormat {
    /// TOML (`[[rule]]` tables).
    Toml,
    /// JSON (`"rules": [...]`).
    Json,
}

impl ScorecardFormat {
    /// JSON for a `.json` file name, TOML otherwise.
    pub fn of_file_name(name: &str) -> ScorecardFormat {
        if name.to_ascii_lowercase().ends_with(".json") {
            ScorecardFormat::Json
        } else {
            ScorecardFormat::Toml
        }
    }

    fn name(self) -> &'static str {
        match self {
            ScorecardFormat::Toml => "TOML",
            ScorecardFormat::Json => "JSON",
        }
    }
}

/// A validated points scorecard.
#[derive(Clone, Debug, PartialEq)]
pub struct Scorecard {
    /// Stable identifier (`periculum-default`).
    pub id: String,
    /// The scorecard's own version, recorded in every result.
    pub version: String,
    /// Human name.
    pub name: Option<String>,
    /// Points every applicant starts with (spec 004: 300).
    pub base_score: i64,
    /// `didPass` is `calculatedScore >= pass_threshold`; `None` gives `didPass: null`.
    pub pass_threshold: Option<i64>,
    /// The fact name the reasons print after `$` (`Statement`).
    pub fact: String,
    /// Order of the reason lists.
    pub reason_order: ReasonOrder,
    /// The rules, as written.
    pub rules: Vec<Rule>,
    /// SHA-256 of the text the scorecard was loaded from.
    pub sha256: String,
}

/// Spec 004's credit score, field for field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditScore {
    /// Sum of the points of the met rules.
    pub rules_score: i64,
    /// The scorecard's base score.
    pub base_score: i64,
    /// `baseScore + rulesScore`.
    pub calculated_score: i64,
    /// Against the pass threshold; `null` without one.
    pub did_pass: Option<bool>,
    /// One sentence per met rule.
    pub pass_reasons: Vec<String>,
    /// One sentence per rule not met.
    pub fail_reasons: Vec<String>,
    /// Always `POINTS`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// The machine-readable outcome of one rule (for adverse-action notices and audits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OutcomeCode {
    /// The rule held: its points were added.
    Met,
    /// The variable was there and the rule did not hold.
    NotMet,
    /// The variable was absent or null.
    MissingVariable,
    /// The variable's type cannot be compared this way (text for `BETWEEN`).
    WrongType,
}

/// One rule's outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleOutcome {
    /// The rule's name.
    pub rule: String,
    /// The variable it read.
    pub variable: String,
    /// `BETWEEN`, …
    pub operator: Operator,
    /// The operand as printed (`0.29-0.50`).
    pub operand: String,
    /// The outcome.
    pub code: OutcomeCode,
    /// The rule's points.
    pub points: i64,
    /// Points actually added (the rule's when met, else 0).
    pub awarded: i64,
    /// The value read (`null` when missing).
    pub value: Value,
}

/// A credit score with everything needed to explain and replay it.
///
/// Serialises as spec 004's object (its fields first, unchanged) followed by `ruleResults` and
/// `replay`; [`ScoreResult::credit_score`] alone is the exact spec shape.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreResult {
    /// Spec 004's object.
    #[serde(flatten)]
    pub credit_score: CreditScore,
    /// Every rule's outcome, in the scorecard's order.
    pub rule_results: Vec<RuleOutcome>,
    /// Engine and scorecard versions, `as_of`, input hash.
    pub replay: Replay,
}

impl Scorecard {
    /// Spec 004's rule set (embedded: the binary needs no file to score). Parsed once per
    /// process: every analysis scores with it, and parsing its TOML was 4 % of a synchronous
    /// analysis's CPU under load.
    pub fn periculum_default() -> Result<Scorecard, ScoringError> {
        static PARSED: std::sync::OnceLock<Result<Scorecard, String>> = std::sync::OnceLock::new();
        match PARSED.get_or_init(|| {
            Scorecard::parse(
                DEFAULT_SCORECARD_TOML,
                ScorecardFormat::Toml,
                "periculum_default.toml",
            )
            .map_err(|e| e.to_string())
        }) {
            Ok(card) => Ok(card.clone()),
            // The embedded text is checked by the tests; if it ever failed, say so each time.
            Err(_) => Scorecard::parse(
                DEFAULT_SCORECARD_TOML,
                ScorecardFormat::Toml,
                "periculum_default.toml",
            ),
        }
    }

    /// Parses and validates a scorecard. `source_name` (usually the file name) is in every
    /// error, and every rule error names the rule.
    pub fn parse(
        text: &str,
        format: ScorecardFormat,
        source_name: &str,
    ) -> Result<Scorecard, ScoringError> {
        let syntax = |message: String| ScoringError::ScorecardSyntax {
            source_name: source_name.to_owned(),
            format: format.name(),
            message: message.trim().to_owned(),
        };
        let root: Value = match format {
            ScorecardFormat::Toml => toml::from_str(text).map_err(|e| syntax(e.to_string()))?,
            ScorecardFormat::Json => {
                serde_json::from_str(text).map_err(|e| syntax(e.to_string()))?
            }
        };
        Loader { source_name }.scorecard(&root, sha256_hex(text.as_bytes()))
    }

    /// The identity recorded in results.
    pub fn reference(&self) -> ScorecardRef {
        ScorecardRef {
            id: self.id.clone(),
            version: self.version.clone(),
            sha256: self.sha256.clone(),
        }
    }

    /// The same scorecard with another pass threshold (`None`: `didPass` is `null`).
    #[must_use]
    pub fn with_pass_threshold(mut self, threshold: Option<i64>) -> Scorecard {
        self.pass_threshold = threshold;
        self
    }

    /// Scores `variables`. `as_of` is recorded, never read from a clock.
    pub fn evaluate(
        &self,
        variables: &BTreeMap<String, Value>,
        as_of: Option<NaiveDate>,
    ) -> ScoreResult {
        let mut rules_score: i64 = 0;
        let mut passes: Vec<(&str, String)> = Vec::new();
        let mut fails: Vec<(&str, String)> = Vec::new();
        let mut outcomes = Vec::with_capacity(self.rules.len());
        for rule in &self.rules {
            let value = variables.get(&rule.variable).filter(|v| !v.is_null());
            let outcome = value.map_or(Check::Missing, |v| check(&rule.condition, v));
            let reason = self.reason(rule, &outcome);
            let code = match outcome {
                Check::Met => OutcomeCode::Met,
                Check::NotMet => OutcomeCode::NotMet,
                Check::Missing => OutcomeCode::MissingVariable,
                Check::WrongType(_) => OutcomeCode::WrongType,
            };
            let awarded = if code == OutcomeCode::Met {
                rules_score = rules_score.saturating_add(rule.points);
                passes.push((&rule.name, reason));
                rule.points
            } else {
                fails.push((&rule.name, reason));
                0
            };
            outcomes.push(RuleOutcome {
                rule: rule.name.clone(),
                variable: rule.variable.clone(),
                operator: rule.condition.operator(),
                operand: rule.condition.operand_text(),
                code,
                points: rule.points,
                awarded,
                value: value.cloned().unwrap_or(Value::Null),
            });
        }
        if self.reason_order == ReasonOrder::RuleName {
            passes.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            fails.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        }
        let calculated_score = self.base_score.saturating_add(rules_score);
        ScoreResult {
            credit_score: CreditScore {
                rules_score,
                base_score: self.base_score,
                calculated_score,
                did_pass: self.pass_threshold.map(|t| calculated_score >= t),
                pass_reasons: passes.into_iter().map(|(_, r)| r).collect(),
                fail_reasons: fails.into_iter().map(|(_, r)| r).collect(),
                kind: "POINTS",
            },
            rule_results: outcomes,
            replay: Replay::new(Some(self.reference()), as_of, &variables_json(variables)),
        }
    }

    /// Spec 004's sentence for one rule.
    fn reason(&self, rule: &Rule, outcome: &Check) -> String {
        let subject = format!("${}.{}", self.fact, rule.variable);
        let operator = rule.condition.operator();
        let operand = rule.condition.operand_text();
        let (name, points) = (&rule.name, rule.points);
        match outcome {
            Check::Met => format!(
                "Rule {name} was met because {subject} was {operator} {operand} and {points} were added to the score"
            ),
            Check::NotMet => format!(
                "Rule {name} was not met because {subject} was not {operator} {operand} and {points} were not added to the score"
            ),
            Check::Missing => format!(
                "Rule {name} was not met because {subject} was missing and {points} were not added to the score"
            ),
            Check::WrongType(why) => format!(
                "Rule {name} was not met because {subject} was not {operator} {operand} ({why}) and {points} were not added to the score"
            ),
        }
    }
}

/// The outcome of one comparison.
enum Check {
    Met,
    NotMet,
    Missing,
    /// Why the value cannot be compared.
    WrongType(String),
}

impl Check {
    fn of(met: bool) -> Check {
        if met { Check::Met } else { Check::NotMet }
    }
}

/// A variable as a number: exact when it fits a decimal, else a float (beyond ±7.9e28 or with
/// more than 28 decimals; only ever compared, never summed).
#[derive(Clone, Copy)]
enum Num {
    Exact(Decimal),
    Float(f64),
}

impl Num {
    fn of(value: &Value) -> Option<Num> {
        let text = match value {
            Value::Number(n) => {
                let text = n.to_string();
                return parse_decimal(&text)
                    .map(Num::Exact)
                    .or_else(|| n.as_f64().map(Num::Float));
            }
            Value::String(s) => s.trim(),
            _ => return None,
        };
        parse_decimal(text).map(Num::Exact).or_else(|| {
            text.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Num::Float)
        })
    }

    fn cmp(self, bound: &Bound) -> std::cmp::Ordering {
        match self {
            Num::Exact(d) => d.cmp(&bound.value),
            Num::Float(f) => f.total_cmp(&bound.float),
        }
    }
}

/// A decimal from plain (`0.50`) or scientific (`1e-7`) notation, keeping the written scale.
fn parse_decimal(text: &str) -> Option<Decimal> {
    if text.is_empty() {
        return None;
    }
    text.parse::<Decimal>()
        .ok()
        .filter(|_| !text.contains(['e', 'E']))
        .or_else(|| Decimal::from_scientific(text).ok())
}

/// Yes/no reading of a text, for booleans.
fn truthiness(text: &str) -> Option<bool> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("yes") || text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("no") || text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn check(condition: &Condition, value: &Value) -> Check {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let number = || {
        Num::of(value).ok_or_else(|| Check::WrongType(format!("its value {value} is not a number")))
    };
    match condition {
        Condition::Between {
            min,
            max,
            min_inclusive,
            max_inclusive,
        } => match number() {
            Ok(n) => {
                let low = n.cmp(min);
                let high = n.cmp(max);
                let above = low == Greater || (*min_inclusive && low == Equal);
                let below = high == Less || (*max_inclusive && high == Equal);
                Check::of(above && below)
            }
            Err(wrong) => wrong,
        },
        Condition::LessThan(bound) => {
            number().map_or_else(|w| w, |n| Check::of(n.cmp(bound) == Less))
        }
        Condition::GreaterThan(bound) => {
            number().map_or_else(|w| w, |n| Check::of(n.cmp(bound) == Greater))
        }
        Condition::Equals(operand) => match value {
            Value::Number(_) => Check::of(match (Num::of(value), operand.number) {
                (Some(Num::Exact(v)), Some(o)) => v == o,
                _ => false,
            }),
            Value::String(text) => {
                let text = text.trim();
                let same_text = text.eq_ignore_ascii_case(operand.text.trim());
                let same_number = matches!(
                    (parse_decimal(text), operand.number),
                    (Some(v), Some(o)) if v == o
                );
                let same_truth = matches!(
                    (truthiness(text), truthiness(&operand.text)),
                    (Some(v), Some(o)) if v == o
                );
                Check::of(same_text || same_number || same_truth)
            }
            Value::Bool(flag) => Check::of(truthiness(&operand.text) == Some(*flag)),
            Value::Null => Check::Missing,
            Value::Array(_) | Value::Object(_) => Check::WrongType(format!(
                "its value {value} is not a number, text or boolean"
            )),
        },
    }
}

/// Validation of the parsed tree, with errors that name the scorecard and the rule.
struct Loader<'a> {
    source_name: &'a str,
}

const SCORECARD_KEYS: [&str; 9] = [
    "id",
    "version",
    "name",
    "description",
    "base_score",
    "pass_threshold",
    "fact",
    "reason_order",
    "rule",
];

const RULE_KEYS: [&str; 10] = [
    "name",
    "description",
    "variable",
    "operator",
    "value",
    "min",
    "max",
    "min_inclusive",
    "max_inclusive",
    "points",
];

/// The JSON type name of a value, for messages.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

impl Loader<'_> {
    fn top(&self, message: String) -> ScoringError {
        ScoringError::Scorecard {
            source_name: self.source_name.to_owned(),
            message,
        }
    }

    fn rule_error(&self, rule: &str, message: String) -> ScoringError {
        ScoringError::Rule {
            source_name: self.source_name.to_owned(),
            rule: rule.to_owned(),
            message,
        }
    }

    fn scorecard(&self, root: &Value, sha256: String) -> Result<Scorecard, ScoringError> {
        let Value::Object(map) = root else {
            return Err(self.top("the top level must be a table of fields".to_owned()));
        };
        // JSON scorecards may say `rules`; TOML's `[[rule]]` reads naturally in the singular.
        let mut map = map.clone();
        if let Some(rules) = map.remove("rules") {
            if map.contains_key("rule") {
                return Err(self.top("both `rule` and `rules` are given; use one".to_owned()));
            }
            map.insert("rule".to_owned(), rules);
        }
        if let Some(key) = map.keys().find(|k| !SCORECARD_KEYS.contains(&k.as_str())) {
            return Err(self.top(format!(
                "unknown field `{key}` (expected one of {})",
                SCORECARD_KEYS.join(", ")
            )));
        }
        let text = |key: &str, required: bool| -> Result<Option<String>, ScoringError> {
            match map.get(key) {
                None if required => Err(self.top(format!("missing field `{key}`"))),
                None => Ok(None),
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_owned())),
                Some(other) => Err(self.top(format!(
                    "`{key}` must be a non-empty string, found {}",
                    type_name(other)
                ))),
            }
        };
        let integer = |key: &str, required: bool| -> Result<Option<i64>, ScoringError> {
            match map.get(key) {
                None if required => Err(self.top(format!("missing field `{key}`"))),
                None => Ok(None),
                Some(Value::Number(n)) if n.as_i64().is_some() => Ok(n.as_i64()),
                Some(other) => Err(self.top(format!(
                    "`{key}` must be an integer, found {} {other}",
                    type_name(other)
                ))),
            }
        };
        let id = text("id", true)?.unwrap_or_default();
        let version = text("version", true)?.unwrap_or_default();
        let name = text("name", false)?;
        text("description", false)?;
        let base_score = integer("base_score", true)?.unwrap_or_default();
        let pass_threshold = integer("pass_threshold", false)?;
        let fact = text("fact", false)?.unwrap_or_else(|| "Statement".to_owned());
        let reason_order = match text("reason_order", false)?.as_deref() {
            None | Some("rule_name") => ReasonOrder::RuleName,
            Some("definition") => ReasonOrder::Definition,
            Some(other) => {
                return Err(self.top(format!(
                    "`reason_order` must be \"rule_name\" or \"definition\", found {other:?}"
                )));
            }
        };
        let rules = match map.get("rule") {
            Some(Value::Array(rules)) if !rules.is_empty() => rules,
            Some(Value::Array(_)) | None => {
                return Err(self.top("has no rules (add [[rule]] tables)".to_owned()));
            }
            Some(other) => {
                return Err(self.top(format!(
                    "`rule` must be an array of tables, found {}",
                    type_name(other)
                )));
            }
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut parsed = Vec::with_capacity(rules.len());
        for (index, raw) in rules.iter().enumerate() {
            let position = index.saturating_add(1);
            let rule = self.rule(raw, position)?;
            if let Some(first) = seen.insert(rule.name.clone(), position) {
                return Err(ScoringError::DuplicateRule {
                    source_name: self.source_name.to_owned(),
                    rule: rule.name,
                    first,
                    second: position,
                });
            }
            parsed.push(rule);
        }
        Ok(Scorecard {
            id,
            version,
            name,
            base_score,
            pass_threshold,
            fact,
            reason_order,
            rules: parsed,
            sha256,
        })
    }

    fn rule(&self, raw: &Value, position: usize) -> Result<Rule, ScoringError> {
        let Value::Object(map) = raw else {
            return Err(self.rule_error(
                &format!("#{position}"),
                format!("must be a table, found {}", type_name(raw)),
            ));
        };
        let label = match map.get("name") {
            Some(Value::String(name)) if !name.trim().is_empty() => name.trim().to_owned(),
            Some(other) => {
                return Err(self.rule_error(
                    &format!("#{position}"),
                    format!(
                        "`name` must be a non-empty string, found {}",
                        type_name(other)
                    ),
                ));
            }
            None => {
                return Err(
                    self.rule_error(&format!("#{position}"), "missing field `name`".to_owned())
                );
            }
        };
        let err = |message: String| self.rule_error(&label, message);
        if let Some(key) = map.keys().find(|k| !RULE_KEYS.contains(&k.as_str())) {
            return Err(err(format!(
                "unknown field `{key}` (expected one of {})",
                RULE_KEYS.join(", ")
            )));
        }
        let variable = match map.get("variable") {
            Some(Value::String(v))
                if !v.trim().is_empty() && !v.trim().contains(char::is_whitespace) =>
            {
                v.trim().to_owned()
            }
            Some(Value::String(v)) => {
                return Err(err(format!(
                    "`variable` must be a name without spaces, found {v:?}"
                )));
            }
            Some(other) => {
                return Err(err(format!(
                    "`variable` must be a string, found {}",
                    type_name(other)
                )));
            }
            None => return Err(err("missing field `variable`".to_owned())),
        };
        let operator = match map.get("operator") {
            Some(Value::String(op)) => Operator::parse(op).ok_or_else(|| {
                err(format!(
                    "unknown operator {op:?} (expected BETWEEN, LESS_THAN, GREATER_THAN or EQUALS)"
                ))
            })?,
            Some(other) => {
                return Err(err(format!(
                    "`operator` must be a string, found {}",
                    type_name(other)
                )));
            }
            None => return Err(err("missing field `operator`".to_owned())),
        };
        let points = match map.get("points") {
            Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64().unwrap_or_default(),
            Some(other) => {
                return Err(err(format!(
                    "`points` must be an integer, found {} {other}",
                    type_name(other)
                )));
            }
            None => return Err(err("missing field `points`".to_owned())),
        };
        if let Some(other) = map.get("description").filter(|d| !d.is_string()) {
            return Err(err(format!(
                "`description` must be a string, found {}",
                type_name(other)
            )));
        }
        let flag = |key: &str| -> Result<Option<bool>, ScoringError> {
            match map.get(key) {
                None => Ok(None),
                Some(Value::Bool(b)) => Ok(Some(*b)),
                Some(other) => Err(err(format!(
                    "`{key}` must be true or false, found {}",
                    type_name(other)
                ))),
            }
        };
        let number = |key: &str| -> Result<Bound, ScoringError> {
            let value = map
                .get(key)
                .ok_or_else(|| err(format!("{operator} needs `{key}`")))?;
            let text = match value {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.trim().to_owned(),
                other => {
                    return Err(err(format!(
                        "`{key}` must be a number (or a numeric string such as \"0.50\"), found {}",
                        type_name(other)
                    )));
                }
            };
            let parsed = parse_decimal(&text)
                .ok_or_else(|| err(format!("`{key}` must be a number, found {text:?}")))?;
            Ok(Bound::new(parsed, text))
        };
        let forbid = |keys: &[&str]| -> Result<(), ScoringError> {
            match keys.iter().find(|k| map.contains_key(**k)) {
                Some(key) => Err(err(format!("{operator} takes no `{key}`"))),
                None => Ok(()),
            }
        };
        let condition = match operator {
            Operator::Between => {
                forbid(&["value"])?;
                let (min, max) = (number("min")?, number("max")?);
                if min.value >= max.value {
                    return Err(err(format!(
                        "BETWEEN needs min < max, found {}-{}",
                        min.text, max.text
                    )));
                }
                Condition::Between {
                    min,
                    max,
                    min_inclusive: flag("min_inclusive")?.unwrap_or(false),
                    max_inclusive: flag("max_inclusive")?.unwrap_or(false),
                }
            }
            Operator::LessThan | Operator::GreaterThan => {
                forbid(&["min", "max", "min_inclusive", "max_inclusive"])?;
                let bound = number("value")?;
                if operator == Operator::LessThan {
                    Condition::LessThan(bound)
                } else {
                    Condition::GreaterThan(bound)
                }
            }
            Operator::Equals => {
                forbid(&["min", "max", "min_inclusive", "max_inclusive"])?;
                let text = match map.get("value") {
                    Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
                    Some(Value::Number(n)) => n.to_string(),
                    Some(Value::Bool(b)) => (if *b { "Yes" } else { "No" }).to_owned(),
                    Some(other) => {
                        return Err(err(format!(
                            "EQUALS `value` must be a string, number or boolean, found {}",
                            type_name(other)
                        )));
                    }
                    None => return Err(err("EQUALS needs `value`".to_owned())),
                };
                Condition::Equals(Operand {
                    number: parse_decimal(&text),
                    text,
                })
            }
        };
        Ok(Rule {
            name: label,
            variable,
            condition,
            points,
        })
    }
}

/// Variables from a JSON object (`ledgerlens score --variables`): name → number, string,
/// boolean or null.
pub fn variables_from_json(text: &str) -> Result<BTreeMap<String, Value>, ScoringError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| ScoringError::Variables(e.to_string()))?;
    let Value::Object(map) = value else {
        return Err(ScoringError::Variables(format!(
            "expected a JSON object of name → value, found {}",
            type_name(&value)
        )));
    };
    variables_from_map(map)
}

fn variables_from_map(map: Map<String, Value>) -> Result<BTreeMap<String, Value>, ScoringError> {
    let mut out = BTreeMap::new();
    for (name, value) in map {
        if matches!(value, Value::Array(_) | Value::Object(_)) {
            return Err(ScoringError::Variables(format!(
                "`{name}` must be a number, string, boolean or null, found {}",
                type_name(&value)
            )));
        }
        out.insert(name, value);
    }
    Ok(out)
}
