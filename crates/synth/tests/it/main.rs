//! Round trips: random ledgers written in every format and read back must be identical.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

#[allow(dead_code, reason = "each round-trip module uses part of the harness")]
mod harness;
mod roundtrip_camt;
mod roundtrip_delimited;
mod roundtrip_json;
mod roundtrip_mt940;
mod roundtrip_ofx;
