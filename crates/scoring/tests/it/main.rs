//! Integration tests of the scoring crate.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail loudly by design"
)]

mod affordability;
mod envoyx;
mod legitimacy;
mod points;
mod xray;
