//! One integration-test binary for ingestion (linking many test binaries is slow on two cores).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod corpus_camt;
mod corpus_delimited;
mod corpus_json;
mod corpus_mt940;
mod corpus_ofx;
mod fuzz_regressions;
#[allow(dead_code, reason = "each corpus module uses part of the support kit")]
mod support;
