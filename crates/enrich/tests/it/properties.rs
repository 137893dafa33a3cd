//! Properties: enrichment never panics on arbitrary text, and what it says about a transaction
//! does not depend on where the transaction sits in the ledger.

use std::collections::BTreeSet;

use ledgerlens_core::Statement;
use ledgerlens_enrich::{Context, EnrichedLedger, Enricher, Scratch, TxInput, categorize};
use ledgerlens_synth::persona::{PersonaKind, PersonaOptions, Vocabulary, persona};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn enricher() -> &'static Enricher {
    static ENRICHER: std::sync::OnceLock<Enricher> = std::sync::OnceLock::new();
    ENRICHER.get_or_init(|| Enricher::builtin().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_unicode_description_is_categorised_without_panic(
        description in any::<String>(),
        cents in any::<i64>(),
        country in prop::sample::select(vec!["NG", "FR", "DE", "IN", "ZZ"]),
    ) {
        let book = enricher().rulebook();
        let result = categorize(
            book,
            book.scope(Some(country), None),
            TxInput {
                description: &description,
                amount: Some(Decimal::new(cents, 2)),
                bank_code: Some(&description),
                counterparty: None,
            },
            &ledgerlens_enrich::holder_words(Some(&description)),
            &mut Scratch::default(),
        );
        prop_assert!((0.0..=1.0).contains(&result.confidence));
    }
}

/// (original index, category, counterparty, salary, internal, loan role, lender, series members)
type Fact = (
    usize,
    String,
    Option<String>,
    bool,
    bool,
    String,
    Option<String>,
    BTreeSet<usize>,
);

/// What enrichment says of each original transaction, independent of positions.
fn facts(statement: &Statement, ledger: &EnrichedLedger, original: &[usize]) -> Vec<Fact> {
    let mut out: Vec<_> = ledger
        .transactions
        .iter()
        .enumerate()
        .map(|(position, e)| {
            let members: BTreeSet<usize> = e
                .series
                .and_then(|s| ledger.series.get(s))
                .map(|s| s.members.iter().map(|m| original[*m]).collect())
                .unwrap_or_default();
            (
                original[position],
                e.category.code().to_owned(),
                e.counterparty.as_ref().map(|c| c.key.to_string()),
                e.salary,
                e.internal_transfer,
                format!("{:?}", e.loan),
                e.lender.as_deref().map(str::to_owned),
                members,
            )
        })
        .collect();
    out.sort_by_key(|fact| fact.0);
    let _ = statement;
    out
}

#[test]
fn shuffling_the_ledger_changes_nothing_about_any_transaction() {
    for (seed, kind) in PersonaKind::ALL.into_iter().enumerate() {
        let labeled = persona(&PersonaOptions {
            kind,
            country: "NG".to_owned(),
            seed: seed as u64 + 11,
            months: 6,
            vocabulary: Vocabulary::All,
            ..PersonaOptions::default()
        });
        let statement = labeled.statement;
        let context = Context::of(&statement);
        let ordered = enricher().enrich(&statement, &context);
        let identity: Vec<usize> = (0..statement.transactions.len()).collect();

        // A deterministic shuffle (reverse, then interleave halves).
        let mut order: Vec<usize> = identity.iter().rev().copied().collect();
        let half = order.len() / 2;
        let (a, b) = order.split_at(half);
        order = a
            .iter()
            .zip(b)
            .flat_map(|(x, y)| [*y, *x])
            .chain(b.get(a.len()..).unwrap_or(&[]).iter().copied())
            .collect();
        let mut shuffled = statement.clone();
        shuffled.transactions = order
            .iter()
            .map(|i| statement.transactions[*i].clone())
            .collect();
        let reordered = enricher().enrich(&shuffled, &context);

        assert_eq!(
            facts(&statement, &ordered, &identity),
            facts(&shuffled, &reordered, &order),
            "{kind}: enrichment depends on input order"
        );
    }
}
