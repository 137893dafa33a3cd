//! Bank X-Ray benchmarks: percentile tables of the six benchmarked indicators, per country ×
//! NACE section (and per revenue band for overdraft), with a minimum population per cell and a
//! fallback sector → country → global.
//!
//! Bank X-Ray grades a company by "which percentile it falls into" among companies of the same
//! country and industry (spec 001); only overdraft is compared with companies of similar
//! revenue, across countries and industries. A benchmark here is built from a population of
//! raw indicator values ([`Benchmark::build`]): each cell keeps 101 quantiles (0th … 100th
//! percentile, linear interpolation between order statistics) of one indicator, and only cells
//! with at least `min_population` companies are kept, so a thin cell can never decide a grade —
//! the lookup falls back to the next, wider level. The table is data (JSON, canonical), with an
//! id, a version and a SHA-256 recorded in every result that used it.
//!
//! The default benchmark (`benchmarks/default.json`, embedded) is generated from the persona
//! generator; see docs/scoring.md ("Bank X-Ray") and `examples/build_benchmark.rs`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use ledgerlens_analytics::profiles::xray::{XrayIndicators, XrayReport};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::ScoringError;
use crate::reasons::{VersionRef, canonical_json, round6, sha256_hex};

/// The embedded default benchmark (JSON).
pub const DEFAULT_JSON: &str = include_str!("../benchmarks/default.json");

/// Minimum population per cell of the default benchmark.
pub const DEFAULT_MIN_POPULATION: usize = 10;

/// Stand-in for an infinite indicator value in a table (JSON has no infinity).
pub const INFINITY_SENTINEL: f64 = 1e12;

/// Number of quantiles kept per cell (0th to 100th percentile).
pub const QUANTILES: usize = 101;

/// A benchmarked indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Metric {
    /// Transactions with alerts ÷ all transactions (lower is better).
    AlertsFrequency,
    /// Σ |amount| with alerts ÷ Σ |amount| (lower is better; the ratio, so size does not count).
    AlertRelatedAmount,
    /// Days with a negative balance (lower is better; benchmarked by revenue band).
    Overdraft,
    /// Debt service ÷ cash generated (lower is better).
    DebtStress,
    /// Whole-number transactions ÷ all (lower is better: invented figures are round).
    WholeNumberAmounts,
    /// Balance change ÷ credit turnover (higher is better: the deviation Bank X-Ray warns of is
    /// a balance that falls, the sign of cash burn).
    BalanceTrend,
}

impl Metric {
    /// Every benchmarked metric.
    pub const ALL: [Metric; 6] = [
        Metric::AlertsFrequency,
        Metric::AlertRelatedAmount,
        Metric::Overdraft,
        Metric::DebtStress,
        Metric::WholeNumberAmounts,
        Metric::BalanceTrend,
    ];

    /// The camelCase name (as in JSON and in the reasons' `criteria`).
    pub fn name(self) -> &'static str {
        match self {
            Metric::AlertsFrequency => "alertsFrequency",
            Metric::AlertRelatedAmount => "alertRelatedAmount",
            Metric::Overdraft => "overdraft",
            Metric::DebtStress => "debtStress",
            Metric::WholeNumberAmounts => "wholeNumberAmounts",
            Metric::BalanceTrend => "balanceTrend",
        }
    }

    /// Whether a higher value is better.
    pub fn higher_is_better(self) -> bool {
        matches!(self, Metric::BalanceTrend)
    }

    /// The value graded, from the raw indicators; `None` when it is undefined (no balance
    /// printed for the trend). Debt service without any cash generated is the worst case and
    /// reads as +∞ (graded E); no debt and no cash is 0.
    pub fn value(self, indicators: &XrayIndicators) -> Option<f64> {
        match self {
            Metric::AlertsFrequency => Some(indicators.alerts_frequency),
            Metric::AlertRelatedAmount => Some(indicators.alert_amount_ratio),
            Metric::Overdraft => Some(indicators.overdraft_days as f64),
            Metric::DebtStress => match indicators.debt_stress.ratio {
                Some(r) => Some(r),
                None if indicators.debt_stress.debt_service > Decimal::ZERO => Some(f64::INFINITY),
                None => Some(0.0),
            },
            Metric::WholeNumberAmounts => Some(indicators.whole_number_amounts.ratio),
            Metric::BalanceTrend => indicators.balance_trend.change_to_credit_turnover,
        }
    }
}

/// Annual revenue bands for the overdraft benchmark, in euro equivalents (EU SME thresholds
/// 2 M / 10 M / 50 M, plus a band for the very small).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RevenueBand {
    /// Below 100 000 EUR a year.
    #[serde(rename = "lt_100k")]
    Under100k,
    /// 100 000 – 2 M (micro enterprises).
    #[serde(rename = "100k_2m")]
    Micro,
    /// 2 M – 10 M (small).
    #[serde(rename = "2m_10m")]
    Small,
    /// 10 M – 50 M (medium).
    #[serde(rename = "10m_50m")]
    Medium,
    /// 50 M and more.
    #[serde(rename = "gt_50m")]
    Large,
}

impl RevenueBand {
    /// The band's name in JSON and cell keys.
    pub fn name(self) -> &'static str {
        match self {
            RevenueBand::Under100k => "lt_100k",
            RevenueBand::Micro => "100k_2m",
            RevenueBand::Small => "2m_10m",
            RevenueBand::Medium => "10m_50m",
            RevenueBand::Large => "gt_50m",
        }
    }

    /// The band of an annual revenue in `currency`; `None` for a currency without an
    /// indicative rate.
    pub fn of(annual_revenue: Decimal, currency: &str) -> Option<RevenueBand> {
        let rate = eur_rate(currency)?;
        let eur = annual_revenue.checked_div(rate)?;
        let k = Decimal::from(1000);
        Some(if eur < Decimal::from(100) * k {
            RevenueBand::Under100k
        } else if eur < Decimal::from(2000) * k {
            RevenueBand::Micro
        } else if eur < Decimal::from(10_000) * k {
            RevenueBand::Small
        } else if eur < Decimal::from(50_000) * k {
            RevenueBand::Medium
        } else {
            RevenueBand::Large
        })
    }

    /// The band of a Bank X-Ray report: its cash generated (`INCOME` credits), annualised with
    /// the report's own annualisation factor (365 ÷ days, from the movement report).
    pub fn of_report(report: &XrayReport, currency: &str) -> Option<RevenueBand> {
        let credits = report.movement_report.total_credit_amount;
        let cash = report.indicators.debt_stress.cash_generated;
        let annual = if credits.period.is_zero() {
            cash
        } else {
            cash.checked_mul(credits.annualised)?
                .checked_div(credits.period)?
        };
        RevenueBand::of(annual, currency)
    }
}

/// Indicative units of a currency per euro, used only to put revenues in bands (a band is a
/// factor of five wide, so rates a few percent off do not move a company). XOF and XAF are
/// pegged (655.957).
pub fn eur_rate(currency: &str) -> Option<Decimal> {
    let (units, scale) = match currency.to_ascii_uppercase().as_str() {
        "EUR" => (1, 0),
        "USD" => (108, 2),
        "GBP" => (85, 2),
        "NGN" => (1700, 0),
        "GHS" => (16, 0),
        "KES" => (140, 0),
        "XOF" | "XAF" => (655_957, 3),
        "INR" => (90, 0),
        "ZAR" => (20, 0),
        "CHF" => (95, 2),
        _ => return None,
    };
    Some(Decimal::new(units, scale))
}

/// The NACE section (one letter, A–U) of a sector given as a NACE code (`86.10`, `8610`,
/// `Q86`, `Q`) or as a common English/French word (`healthcare`, `retail`, `commerce`);
/// otherwise the trimmed text in upper case (a tenant's own sector names work as long as the
/// benchmark uses the same ones).
pub fn nace_section(sector: &str) -> String {
    let text = sector.trim();
    let mut chars = text.chars();
    let first = chars.next();
    let second = chars.next();
    if let Some(letter) = first
        && letter.is_ascii_alphabetic()
        && second.is_none_or(|c| !c.is_ascii_alphabetic())
    {
        return letter.to_ascii_uppercase().to_string();
    }
    let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
    if let Some(division) = digits.get(..2).and_then(|d| d.parse::<u32>().ok()) {
        let section = match division {
            1..=3 => "A",
            5..=9 => "B",
            10..=33 => "C",
            35 => "D",
            36..=39 => "E",
            41..=43 => "F",
            45..=47 => "G",
            49..=53 => "H",
            55..=56 => "I",
            58..=63 => "J",
            64..=66 => "K",
            68 => "L",
            69..=75 => "M",
            77..=82 => "N",
            84 => "O",
            85 => "P",
            86..=88 => "Q",
            90..=93 => "R",
            94..=96 => "S",
            97..=98 => "T",
            99 => "U",
            _ => "",
        };
        if !section.is_empty() {
            return section.to_owned();
        }
    }
    let lower = text.to_lowercase();
    const WORDS: &[(&str, &str)] = &[
        ("health", "Q"),
        ("clinic", "Q"),
        ("clinique", "Q"),
        ("hospital", "Q"),
        ("medical", "Q"),
        ("sante", "Q"),
        ("pharma", "G"),
        ("retail", "G"),
        ("commerce", "G"),
        ("trade", "G"),
        ("trading", "G"),
        ("wholesale", "G"),
        ("shop", "G"),
        ("restaurant", "I"),
        ("hospitality", "I"),
        ("hotel", "I"),
        ("agri", "A"),
        ("farm", "A"),
        ("transport", "H"),
        ("logistics", "H"),
        ("manufactur", "C"),
        ("construction", "F"),
        ("education", "P"),
        ("school", "P"),
        ("consult", "M"),
        ("services", "N"),
        ("software", "J"),
        ("technology", "J"),
    ];
    for (word, section) in WORDS {
        if lower.contains(word) {
            return (*section).to_owned();
        }
    }
    text.to_uppercase()
}

/// The distribution of one indicator in one cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// Companies in the cell.
    pub n: usize,
    /// The 0th … 100th percentiles (101 values, non-decreasing).
    pub quantiles: Vec<f64>,
}

impl Distribution {
    /// The distribution of some values (non-finite values are the worst case and are put at the
    /// end: +∞ stays +∞, NaN is dropped). `None` without values.
    pub fn of(mut values: Vec<f64>) -> Option<Distribution> {
        values.retain(|v| !v.is_nan());
        // JSON has no infinity: the worst case (debt without income) is stored as a large
        // finite sentinel that still ranks above every real value.
        for v in &mut values {
            if v.is_infinite() {
                *v = v.signum() * INFINITY_SENTINEL;
            }
        }
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let last = (n - 1) as f64;
        let quantiles = (0..QUANTILES)
            .map(|i| {
                let position = last * i as f64 / 100.0;
                let low = position.floor();
                let fraction = position - low;
                let lo = values.get(low as usize).copied().unwrap_or(0.0);
                let hi = values.get(low as usize + 1).copied().unwrap_or(lo);
                let v = if fraction == 0.0 || hi == lo {
                    lo
                } else {
                    lo + (hi - lo) * fraction
                };
                // Six decimals: the table stays short and its text stable.
                round6(v)
            })
            .collect();
        Some(Distribution { n, quantiles })
    }

    fn q(&self, i: usize) -> f64 {
        self.quantiles.get(i).copied().unwrap_or(0.0)
    }

    /// Percent (0–100) of the population strictly below `v` (ties are not below).
    pub fn share_below(&self, v: f64) -> f64 {
        let top = self.quantiles.len().saturating_sub(1);
        if top == 0 || v <= self.q(0) {
            return 0.0;
        }
        if v > self.q(top) {
            return 100.0;
        }
        let i = (1..=top).find(|&i| self.q(i) >= v).unwrap_or(top);
        let (a, b) = (self.q(i - 1), self.q(i));
        let fraction = if b > a && b.is_finite() {
            (v - a) / (b - a)
        } else {
            1.0
        };
        ((i - 1) as f64 + fraction) * 100.0 / top as f64
    }

    /// Percent (0–100) of the population at or below `v` (ties included).
    pub fn share_at_or_below(&self, v: f64) -> f64 {
        let top = self.quantiles.len().saturating_sub(1);
        if top == 0 {
            return if v >= self.q(0) { 100.0 } else { 0.0 };
        }
        if v < self.q(0) {
            return 0.0;
        }
        if v >= self.q(top) {
            return 100.0;
        }
        let j = (0..top).rev().find(|&j| self.q(j) <= v).unwrap_or(0);
        let (a, b) = (self.q(j), self.q(j + 1));
        let fraction = if b > a && a.is_finite() {
            (v - a) / (b - a)
        } else {
            0.0
        };
        (j as f64 + fraction) * 100.0 / top as f64
    }

    /// Percent of the population `v` is at least as good as. Ties count in the company's
    /// favour: a value most of the population shares (no overdraft at all) is not a sign of
    /// distress.
    pub fn at_least_as_good_as(&self, v: f64, higher_is_better: bool) -> f64 {
        if higher_is_better {
            self.share_at_or_below(v)
        } else {
            100.0 - self.share_below(v)
        }
    }

    /// The percentile of `v` in the population (0 lowest, 100 highest; ties at their middle).
    pub fn percentile(&self, v: f64) -> f64 {
        (self.share_below(v) + self.share_at_or_below(v)) / 2.0
    }
}

/// The level of a benchmark cell, from narrowest to widest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Same country and NACE section.
    Sector,
    /// Same country, any sector.
    Country,
    /// Same revenue band, any country or sector (overdraft only).
    RevenueBand,
    /// Everybody.
    Global,
}

/// One member of a benchmark population.
#[derive(Clone, Copy, Debug)]
pub struct Member<'a> {
    /// ISO country.
    pub country: &'a str,
    /// Sector (normalised with [`nace_section`]).
    pub sector: &'a str,
    /// Revenue band, when known.
    pub revenue_band: Option<RevenueBand>,
    /// The raw indicators.
    pub indicators: &'a XrayIndicators,
}

/// A benchmark: metadata and cells keyed `level/…/metric`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Benchmark {
    /// Identifier (`default-personas`).
    pub id: String,
    /// Version label.
    pub version: String,
    /// How the population was made.
    pub description: String,
    /// Cells with fewer companies are not kept.
    pub min_population: usize,
    /// Companies in the population.
    pub population: usize,
    /// Cells: `sector/<country>/<section>/<metric>`, `country/<country>/<metric>`,
    /// `revenue/<band>/overdraft`, `global/<metric>`.
    pub cells: BTreeMap<String, Distribution>,
    /// The SHA-256 of the canonical JSON, computed once: hashing a large table on every grade
    /// would cost more than the grading.
    #[serde(skip)]
    sha: ShaCache,
}

/// A lazily computed hash that takes no part in equality (it is a function of the rest).
#[derive(Clone, Debug, Default)]
struct ShaCache(OnceLock<String>);

impl PartialEq for ShaCache {
    fn eq(&self, _: &ShaCache) -> bool {
        true
    }
}

/// Where a grade's distribution came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lookup<'b> {
    /// The cell's level.
    pub level: Level,
    /// Its key.
    pub key: String,
    /// Its distribution.
    #[serde(skip)]
    pub distribution: &'b Distribution,
}

fn sector_key(country: &str, sector: &str, metric: Metric) -> String {
    format!(
        "sector/{}/{}/{}",
        country.to_ascii_uppercase(),
        nace_section(sector),
        metric.name()
    )
}

fn country_key(country: &str, metric: Metric) -> String {
    format!("country/{}/{}", country.to_ascii_uppercase(), metric.name())
}

fn band_key(band: RevenueBand) -> String {
    format!("revenue/{}/{}", band.name(), Metric::Overdraft.name())
}

fn global_key(metric: Metric) -> String {
    format!("global/{}", metric.name())
}

impl Benchmark {
    /// Builds a benchmark from a population, keeping cells of at least `min_population`
    /// companies (the global cells are kept whatever their size, so that any population gives
    /// a usable benchmark).
    pub fn build<'a>(
        id: &str,
        version: &str,
        description: &str,
        min_population: usize,
        population: impl IntoIterator<Item = Member<'a>>,
    ) -> Benchmark {
        let mut values: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        let mut count = 0;
        for member in population {
            count += 1;
            for metric in Metric::ALL {
                let Some(v) = metric.value(member.indicators) else {
                    continue;
                };
                let mut keys = vec![global_key(metric)];
                if metric == Metric::Overdraft {
                    keys.extend(member.revenue_band.map(band_key));
                } else {
                    keys.push(country_key(member.country, metric));
                    keys.push(sector_key(member.country, member.sector, metric));
                }
                for key in keys {
                    values.entry(key).or_default().push(v);
                }
            }
        }
        let cells = values
            .into_iter()
            .filter(|(key, v)| key.starts_with("global/") || v.len() >= min_population)
            .filter_map(|(key, v)| Distribution::of(v).map(|d| (key, d)))
            .collect();
        Benchmark {
            id: id.to_owned(),
            version: version.to_owned(),
            description: description.to_owned(),
            min_population,
            population: count,
            cells,
            sha: ShaCache::default(),
        }
    }

    /// Reads a benchmark from JSON and checks its cells.
    pub fn from_json(text: &str) -> Result<Benchmark, ScoringError> {
        let benchmark: Benchmark =
            serde_json::from_str(text).map_err(|e| ScoringError::Invalid {
                what: "benchmark",
                reason: e.to_string(),
            })?;
        for (key, cell) in &benchmark.cells {
            let sorted = cell
                .quantiles
                .iter()
                .zip(cell.quantiles.iter().skip(1))
                .all(|(a, b)| a <= b);
            if cell.quantiles.len() != QUANTILES || !sorted || cell.n == 0 {
                return Err(ScoringError::Invalid {
                    what: "benchmark",
                    reason: format!(
                        "cell {key}: expected {QUANTILES} non-decreasing quantiles and n > 0"
                    ),
                });
            }
        }
        Ok(benchmark)
    }

    /// The canonical JSON (sorted keys, no whitespace) with a final newline: what is committed
    /// and hashed.
    pub fn to_json(&self) -> String {
        let mut text = canonical_json(self);
        text.push('\n');
        text
    }

    /// The benchmark's identity for replay records (SHA-256 of its canonical JSON).
    pub fn version_ref(&self) -> VersionRef {
        VersionRef {
            id: self.id.clone(),
            version: self.version.clone(),
            sha256: self
                .sha
                .0
                .get_or_init(|| sha256_hex(self.to_json().as_bytes()))
                .clone(),
        }
    }

    /// The embedded default benchmark, parsed once.
    pub fn embedded() -> Result<&'static Benchmark, ScoringError> {
        static EMBEDDED: OnceLock<Result<Benchmark, String>> = OnceLock::new();
        match EMBEDDED.get_or_init(|| Benchmark::from_json(DEFAULT_JSON).map_err(|e| e.to_string()))
        {
            Ok(b) => Ok(b),
            Err(reason) => Err(ScoringError::Invalid {
                what: "embedded benchmark",
                reason: reason.clone(),
            }),
        }
    }

    /// The distribution to grade `metric` against: for overdraft the revenue band, else the
    /// country × sector cell; then the country; then global. `None` when the benchmark has no
    /// data for the metric at all.
    pub fn lookup(
        &self,
        metric: Metric,
        country: Option<&str>,
        sector: Option<&str>,
        band: Option<RevenueBand>,
    ) -> Option<Lookup<'_>> {
        let mut candidates: Vec<(Level, String)> = Vec::new();
        if metric == Metric::Overdraft {
            if let Some(band) = band {
                candidates.push((Level::RevenueBand, band_key(band)));
            }
        } else if let Some(country) = country {
            if let Some(sector) = sector {
                candidates.push((Level::Sector, sector_key(country, sector, metric)));
            }
            candidates.push((Level::Country, country_key(country, metric)));
        }
        candidates.push((Level::Global, global_key(metric)));
        candidates.into_iter().find_map(|(level, key)| {
            self.cells.get(&key).map(|distribution| Lookup {
                level,
                key,
                distribution,
            })
        })
    }
}
