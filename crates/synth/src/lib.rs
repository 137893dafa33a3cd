//! Synthetic statements: the repository's own fixtures.
//!
//! Tests, benchmarks, fuzz seeds and the README's first command all need statements, and the
//! external corpus may not be there (and must never be copied in). This crate generates consistent
//! ledgers — every running balance follows from the amounts — and writes them in every format
//! ledgerlens reads, so that "write, then read back" can prove each parser exact.

pub mod generate;
pub mod pdf;
pub mod persona;
pub mod rng;
pub mod scan;
pub mod write;

pub use generate::{GenerateOptions, generate};
pub use write::{OutputFormat, write};
