//! Errors of enrichment: only loading rules can fail; enriching a ledger cannot.

/// Why a rule pack or tenant file could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnrichError {
    /// The file is not valid TOML or has unknown fields.
    #[error("rule pack {pack}: {message}")]
    Pack {
        /// Pack name or file.
        pack: String,
        /// What is wrong, with line and column.
        message: String,
    },
    /// One rule is invalid.
    #[error("rule pack {pack}, rule {rule}: {message}")]
    Rule {
        /// Pack name.
        pack: String,
        /// Rule id.
        rule: String,
        /// What is wrong.
        message: String,
    },
}
