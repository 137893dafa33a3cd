//! Integration tests of the analytics crate: golden figures against known truth, properties
//! (scaling, input order, split statements) and the vendor shapes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail loudly by design"
)]

mod envoyx;
mod finx;
mod golden;
mod hand;
mod properties;
mod shapes;
mod support;
mod xray;
