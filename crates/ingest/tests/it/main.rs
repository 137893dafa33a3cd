//! One integration-test binary for ingestion (linking many test binaries is slow on two cores).

mod corpus_camt;
mod corpus_delimited;
mod corpus_json;
mod corpus_mt940;
mod corpus_ofx;
mod fuzz_regressions;
#[allow(dead_code, reason = "each corpus module uses part of the support kit")]
mod support;
