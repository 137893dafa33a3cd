//! Analytics: every figure the four seed products report, computed once from an enriched ledger.
//!
//! Pure functions of (statements, their enrichment, options); no clock (the analysis is "as of"
//! a date that is a parameter) and no I/O. [`Prepared`] merges and enriches the statements;
//! [`Ledger`] is the one view every figure reads; each product's shape is a module of
//! `profiles`, and `native` is our own complete shape.

pub mod affinity;
pub mod balances;
pub mod cashflow;
pub mod credit;
pub mod facts;
pub mod income;
pub mod indicators;
pub mod ledger;
pub mod manipulation;
pub mod names;
pub mod native;
pub mod options;
pub mod prepare;
pub mod profiles;
pub mod spend;

pub use facts::Facts;
pub use ledger::{AccountLedger, Entry, Ledger};
pub use options::{AnalysisOptions, StatementType};
pub use prepare::Prepared;
