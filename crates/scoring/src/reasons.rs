//! Reason codes and replay records.
//!
//! Every grade, flag and score this crate gives carries a [`Reason`]: a stable machine code
//! (`XR_OVERDRAFT_DAYS_E`, `EX_FLAG_CIRCULAR_FLOWS`, `LG_FORENSIC_CRITICAL`) and a sentence a
//! credit officer can read. Codes are what an adverse-action notice or a GDPR Art. 22
//! explanation is generated from; the text is for people and may be reworded, the code may not.
//!
//! Every result also carries a [`Replay`] record: the engine and its version, the configuration
//! and benchmark used (with their SHA-256), the `as_of` date and the SHA-256 of the canonical
//! JSON of the inputs. Scoring is a pure function of those, so re-running it on the same
//! inputs gives byte-identical output; the hashes let an auditor prove which inputs a stored
//! decision was made from.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The engine name recorded in every replay record.
pub const ENGINE: &str = "ledgerlens-scoring";

/// The engine version recorded in every replay record: the crate's version, so a change of
/// rules ships with a new version.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A machine code with its plain-language text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// Stable code: upper snake case, prefixed by the engine part (`XR_`, `EX_`, `LG_`).
    pub code: String,
    /// What it means for this applicant, in plain words.
    pub text: String,
}

impl Reason {
    /// A reason from a code and a text.
    pub fn new(code: impl Into<String>, text: impl Into<String>) -> Reason {
        Reason {
            code: code.into(),
            text: text.into(),
        }
    }
}

/// A versioned data set a result depended on (benchmark, configuration).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRef {
    /// Identifier (`default-personas`, `tenant`).
    pub id: String,
    /// Version label.
    pub version: String,
    /// Hex SHA-256 of its canonical JSON.
    pub sha256: String,
}

/// What a result was computed from, so it can be reproduced and audited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replay {
    /// Always [`ENGINE`].
    pub engine: String,
    /// [`ENGINE_VERSION`].
    pub engine_version: String,
    /// The scoring configuration used.
    pub config: VersionRef,
    /// The benchmark used (Bank X-Ray only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<VersionRef>,
    /// The date the analysis is as of (no clock is read: this is an input).
    pub as_of: Option<NaiveDate>,
    /// Hex SHA-256 of the canonical JSON of every input the result read.
    pub inputs_sha256: String,
}

impl Replay {
    /// A replay record for `inputs` (any serialisable value; hashed canonically).
    pub fn of<T: Serialize>(
        config: VersionRef,
        benchmark: Option<VersionRef>,
        as_of: Option<NaiveDate>,
        inputs: &T,
    ) -> Replay {
        Replay {
            engine: ENGINE.to_owned(),
            engine_version: ENGINE_VERSION.to_owned(),
            config,
            benchmark,
            as_of,
            inputs_sha256: sha256_canonical(inputs),
        }
    }
}

/// The canonical JSON of a value: object keys sorted, no whitespace. Two values that serialise
/// to equal JSON have equal canonical text whatever the field order of their types.
pub fn canonical_json<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(v) => {
            let mut out = String::new();
            write_canonical(&v, &mut out);
            out
        }
        // Serialising our own types cannot fail (no maps with non-string keys); an error still
        // gives a stable, distinct text rather than a panic.
        Err(e) => format!("!unserialisable:{e}"),
    }
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(key) {
                    write_canonical(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// Hex SHA-256 of the canonical JSON of a value.
pub fn sha256_canonical<T: Serialize>(value: &T) -> String {
    sha256_hex(canonical_json(value).as_bytes())
}

/// Upper snake case of an identifier (`alertsFrequency` → `ALERTS_FREQUENCY`,
/// `round_number_deposits` → `ROUND_NUMBER_DEPOSITS`), for codes.
pub fn upper_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == ' ' {
            out.push('_');
            previous_lower = false;
        } else if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c);
            previous_lower = false;
        } else {
            out.push(c.to_ascii_uppercase());
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

/// Rounds a ratio or score for output: six decimals are far below any threshold and keep the
/// JSON stable against the last bits of a float. Never negative zero: a tiny negative rounds to
/// -0.0, which JSON and the reasons would print as "-0" (a report said "-0 of 150 points").
pub fn round6(value: f64) -> f64 {
    if value.is_finite() {
        (value * 1e6).round() / 1e6 + 0.0
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::round6;

    #[test]
    fn rounding_never_gives_negative_zero() {
        for tiny in [-0.0, -1e-9, -4e-7] {
            let rounded = round6(tiny);
            assert_eq!(rounded, 0.0);
            assert!(rounded.is_sign_positive(), "{tiny} rounded to {rounded}");
            assert_eq!(format!("{rounded:.0}"), "0");
        }
        assert_eq!(round6(-0.5), -0.5);
        assert_eq!(round6(0.1234567), 0.123457);
    }
}
