//! The pure core of ledgerlens: the domain types every later stage agrees on.
//!
//! Nothing here performs I/O or reads the clock. Amounts are exact decimals ([`Amount`]); account
//! identifiers mask themselves when displayed; reconciliation and multi-file merging are pure
//! functions over [`Statement`]s so that they can be tested exhaustively.

pub mod account;
pub mod category;
pub mod currency;
pub mod document;
pub mod error;
pub mod forensics;
pub mod merge;
pub mod money;
pub mod order;
pub mod reconcile;
pub mod standard_fonts;
pub mod statement;
pub mod transaction;
pub mod view;

pub use account::{Account, AccountKind, AccountNumber, Iban};
pub use category::{Category, CategoryInfo, Primary, TAXONOMY};
pub use currency::Currency;
pub use document::{Document, Format};
pub use error::CoreError;
pub use forensics::{Finding, Forensics, Severity};
pub use merge::{MergeReport, merge_statements};
pub use money::Amount;
pub use reconcile::{Reconciliation, ReconciliationStatus, reconcile};
pub use statement::{Period, Statement};
pub use transaction::{Counterparty, ForeignAmount, OcrReading, Provenance, Transaction};
