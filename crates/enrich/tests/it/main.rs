//! Integration tests of enrichment: one binary (linking many is slow on two cores).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod engine;
mod labeled;
mod packs;
mod personas;
mod properties;
