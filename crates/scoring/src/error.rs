//! Errors of the scoring crate.

/// Why scoring could not run: bad configuration, scorecard or benchmark data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScoringError {
    /// A configuration, scorecard or benchmark file failed to parse or validate.
    #[error("invalid {what}: {reason}")]
    Invalid {
        /// What was being read (`scoring config`, `benchmark`, …).
        what: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// A points scorecard's text is not valid TOML or JSON: nothing of it can be trusted, so no
    /// rule is named; `line` context is in the parser's message.
    #[error("scorecard {source_name}: not valid {format}: {message}")]
    ScorecardSyntax {
        /// The scorecard's file name (or `default` for the embedded one).
        source_name: String,
        /// `TOML` or `JSON`.
        format: &'static str,
        /// The parser's message.
        message: String,
    },
    /// A scorecard-level field (id, version, base score, threshold, …) is missing, unknown or of
    /// the wrong type.
    #[error("scorecard {source_name}: {message}")]
    Scorecard {
        /// The scorecard's file name.
        source_name: String,
        /// What is wrong, naming the field.
        message: String,
    },
    /// One rule of a points scorecard is invalid: unknown operator, missing or inverted bounds,
    /// unknown key, wrong type. Named so that a tenant can find it in a 100-rule file.
    #[error("scorecard {source_name}: rule {rule}: {message}")]
    Rule {
        /// The scorecard's file name.
        source_name: String,
        /// The rule's name, or `#n` (1-based position) when it has none.
        rule: String,
        /// What is wrong, naming the field.
        message: String,
    },
    /// Two rules of a points scorecard share a name: reasons would be ambiguous to an auditor.
    #[error("scorecard {source_name}: duplicate rule {rule} (rules #{first} and #{second})")]
    DuplicateRule {
        /// The scorecard's file name.
        source_name: String,
        /// The repeated name.
        rule: String,
        /// 1-based position of the first rule with that name.
        first: usize,
        /// 1-based position of the repeat.
        second: usize,
    },
    /// The variables to score are not a JSON object of name → number, string or boolean.
    #[error("variables: {0}")]
    Variables(String),
    /// An affordability request or its inputs are out of range (dti outside 0–1, tenure 0,
    /// a negative amount, an amount that is not a number, an overflow).
    #[error("affordability: {field}: {message}")]
    Affordability {
        /// The offending field, as Periculum names it (`dti`, `loanTenure`, …).
        field: &'static str,
        /// Why it was rejected.
        message: String,
    },
    /// A result could not be turned into JSON (a bug: every result type serialises).
    #[error("serialising a result: {0}")]
    Serialize(String),
}
