//! Rule packs: the data files that say how a country's banks write their narrations.
//!
//! Categorisation knowledge changes faster than code (a new digital lender every month), and the
//! people who hold it are analysts, not Rust programmers; so rules are TOML data, embedded for
//! the shipped countries and loadable for a tenant's own. `docs/taxonomy.md` documents the
//! format. A pack is validated as a whole when loaded: an unknown category, channel, direction or
//! a bad regex is an error naming the pack and rule, never a rule silently ignored.

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::error::EnrichError;

/// The packs shipped with ledgerlens, embedded so the binary needs no data directory.
pub const BUILTIN: &[(&str, &str)] = &[
    ("generic", include_str!("../packs/generic.toml")),
    ("ng", include_str!("../packs/ng.toml")),
    ("gh", include_str!("../packs/gh.toml")),
    ("ke", include_str!("../packs/ke.toml")),
    ("uemoa", include_str!("../packs/uemoa.toml")),
    ("fr", include_str!("../packs/fr.toml")),
    ("de", include_str!("../packs/de.toml")),
    ("gb", include_str!("../packs/gb.toml")),
    ("us", include_str!("../packs/us.toml")),
    ("in", include_str!("../packs/in.toml")),
    ("za", include_str!("../packs/za.toml")),
];

/// A pack as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    /// Identity and scope.
    pub pack: PackHeader,
    /// Categorisation rules.
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleSpec>,
    /// Channel rules.
    #[serde(default, rename = "channel")]
    pub channels: Vec<RuleSpec>,
    /// Counterparty extraction hints.
    #[serde(default)]
    pub counterparty: CounterpartySpec,
    /// Per-counterparty overrides (tenant files only): analysts' corrections.
    #[serde(default, rename = "override")]
    pub overrides: Vec<OverrideSpec>,
}

/// Identity and scope of a pack.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackHeader {
    /// Short id, e.g. `ng`.
    pub id: String,
    /// Version, recorded with every result for replay.
    pub version: String,
    /// Countries (ISO 3166 alpha-2) it applies to; `*` for every country.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Currencies it applies to.
    #[serde(default)]
    pub currencies: Vec<String>,
    /// What it covers.
    #[serde(default)]
    pub description: String,
}

/// One rule as written; `[[rule]]` entries must name a `category`, `[[channel]]` entries a
/// `channel` (a category rule may set a channel too).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique id, `<pack>.<area>.<name>`.
    pub id: String,
    /// Detailed taxonomy code.
    #[serde(default)]
    pub category: Option<String>,
    /// Channel name.
    #[serde(default)]
    pub channel: Option<String>,
    /// How often it is right when it fires.
    #[serde(default)]
    pub confidence: Option<f32>,
    /// At least one of these phrases.
    #[serde(default)]
    pub any: Vec<String>,
    /// All of these phrases too.
    #[serde(default)]
    pub all: Vec<String>,
    /// None of these phrases.
    #[serde(default)]
    pub not: Vec<String>,
    /// A regex on the normalised description.
    #[serde(default)]
    pub regex: Option<String>,
    /// `debit`, `credit` or `any`; by default, the side the category implies.
    #[serde(default)]
    pub direction: Option<String>,
    /// Lowest absolute amount, as a decimal string.
    #[serde(default)]
    pub min_amount: Option<String>,
    /// Highest absolute amount.
    #[serde(default)]
    pub max_amount: Option<String>,
    /// Higher wins.
    #[serde(default)]
    pub priority: Option<i32>,
}

/// Counterparty extraction hints.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterpartySpec {
    /// Phrases removed before the name is taken (rails, verbs).
    #[serde(default)]
    pub strip: Vec<String>,
    /// Words at which the name ends.
    #[serde(default)]
    pub stop: Vec<String>,
}

/// A tenant's correction: every transaction of this counterparty gets this category.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideSpec {
    /// The counterparty key as ledgerlens prints it (upper-case words).
    pub counterparty: String,
    /// Detailed taxonomy code.
    pub category: String,
    /// Restrict to `debit` or `credit`.
    #[serde(default)]
    pub direction: Option<String>,
}

/// Direction a rule applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Money out.
    Debit,
    /// Money in.
    Credit,
    /// Either.
    Any,
}

impl Direction {
    pub(crate) fn parse(text: &str) -> Option<Direction> {
        match text.trim().to_ascii_lowercase().as_str() {
            "debit" | "out" => Some(Direction::Debit),
            "credit" | "in" => Some(Direction::Credit),
            "any" | "both" => Some(Direction::Any),
            _ => None,
        }
    }

    pub(crate) fn admits(self, credit: bool) -> bool {
        match self {
            Direction::Any => true,
            Direction::Credit => credit,
            Direction::Debit => !credit,
        }
    }
}

/// Reads a pack's TOML; `name` is used in errors.
pub fn parse_pack(name: &str, text: &str) -> Result<PackFile, EnrichError> {
    toml::from_str(text).map_err(|error| EnrichError::Pack {
        pack: name.to_owned(),
        message: error.to_string(),
    })
}

/// Reads an amount bound.
pub(crate) fn parse_bound(
    pack: &str,
    rule: &str,
    text: Option<&String>,
) -> Result<Option<Decimal>, EnrichError> {
    text.map(|text| {
        text.trim()
            .parse::<Decimal>()
            .map(|value| value.abs())
            .map_err(|_| EnrichError::Rule {
                pack: pack.to_owned(),
                rule: rule.to_owned(),
                message: format!("amount bound {text:?} is not a decimal number"),
            })
    })
    .transpose()
}
