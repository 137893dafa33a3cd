//! Integration tests of the pdfium engine on real PDFs: our own hand-written ones (known text at
//! known positions) and the external corpus. One binary: linking many is slow on two cores.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod corpus;
mod errors;
mod extraction;
mod forensics;
mod fuzz_regressions;
mod generated;
mod native;
mod support;
