//! Scoring: from the analytics to lending decisions, each with machine reason codes and a
//! replay record (engine version, inputs hash, benchmark and config versions).
//!
//! Pure functions, no clock and no I/O: the same inputs give the same output.

pub mod affordability;
pub mod benchmark;
pub mod config;
pub mod envoyx;
pub mod error;
pub mod legitimacy;
pub mod points;
pub mod profiles;
pub mod reasons;
pub mod variables;
pub mod xray;

pub use error::ScoringError;
pub use points::{CreditScore, ScoreResult, Scorecard};
pub use profiles::{Profile, scored_profile};
pub use variables::{Replay, periculum_variables};
