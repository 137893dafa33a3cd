//! The shipped packs load, and their scopes are what the statement's country says.

use ledgerlens_enrich::{Enricher, Tier};

#[test]
fn every_shipped_pack_loads() {
    let enricher = Enricher::builtin().unwrap_or_else(|error| panic!("{error}"));
    let book = enricher.rulebook();
    assert_eq!(book.packs().len(), ledgerlens_enrich::BUILTIN.len());
    assert_eq!(
        book.packs()
            .iter()
            .filter(|pack| pack.tier == Tier::Generic)
            .count(),
        1,
        "exactly one generic pack"
    );
    println!(
        "{} rules in {} packs",
        book.rule_count(),
        book.packs().len()
    );
}
