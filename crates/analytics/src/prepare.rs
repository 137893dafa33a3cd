//! From parsed statements to the ledger the analysis reads: merge, enrich, order.

use ledgerlens_core::{MergeReport, Statement, merge_statements};
use ledgerlens_enrich::{Context, EnrichedLedger, Enricher, HolderKind};

use crate::ledger::{AccountLedger, Ledger};
use crate::options::{AnalysisOptions, StatementType};

/// Statements merged per account and enriched; owns what a [`Ledger`] borrows.
#[derive(Debug)]
pub struct Prepared {
    /// One merged statement per account, with what merging removed.
    pub accounts: Vec<(Statement, MergeReport)>,
    /// Enrichment of each merged statement.
    pub enriched: Vec<EnrichedLedger>,
}

impl Prepared {
    /// Merges overlapping statements of the same account (so that two files cut from one
    /// statement analyse like the statement) and enriches each account.
    pub fn new(
        statements: Vec<Statement>,
        enricher: &Enricher,
        options: &AnalysisOptions,
    ) -> Prepared {
        let accounts = merge_statements(statements);
        let enriched = accounts
            .iter()
            .map(|(statement, _)| {
                let mut context = Context::of(statement);
                context.country = options.country.clone();
                context.as_of = options.as_of.or(context.as_of);
                if let Some(name) = &options.account_holder_name
                    && context.holder.is_none()
                {
                    context.holder = Some(name.clone());
                }
                context.holder_kind = options.statement_type.map(|kind| match kind {
                    StatementType::Business => HolderKind::Business,
                    StatementType::Consumer => HolderKind::Person,
                });
                enricher.enrich(statement, &context)
            })
            .collect();
        Prepared { accounts, enriched }
    }

    /// The ledger view; `None` when there is nothing to analyse.
    pub fn ledger(&self, options: &AnalysisOptions) -> Option<Ledger<'_>> {
        let accounts = self
            .accounts
            .iter()
            .zip(&self.enriched)
            .map(|((statement, _), enriched)| AccountLedger {
                statement,
                enriched,
            })
            .collect();
        Ledger::new(accounts, options.as_of)
    }
}
