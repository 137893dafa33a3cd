//! End to end on generated statements: ledger → PDF in every bank-like layout (synth) → words
//! (pdfium) → ledger (layout reader) → the same ledger, exactly, and reconciled.

use ledgerlens_core::ReconciliationStatus;
use ledgerlens_ingest::{ReadOptions, read_document};
use ledgerlens_synth::pdf::{Layout, RenderOptions, render, sample_statement};

use crate::support::engine;

/// Rows compared per layout, and what went wrong where, for a readable failure.
fn read_back(layout: Layout, seed: u64, rows: usize) -> (usize, usize, Vec<String>) {
    let statement = sample_statement(layout, seed, rows);
    let pdf = render(
        &statement,
        layout,
        &RenderOptions {
            seed,
            ..RenderOptions::default()
        },
    );
    let options = ReadOptions {
        pdf_engine: Some(engine()),
        ..ReadOptions::default()
    };
    let mut misses = Vec::new();
    let doc = match read_document("generated.pdf", &pdf, &options) {
        Ok(doc) => doc,
        Err(e) => return (0, rows, vec![format!("{}/{seed}: {e}", layout.name())]),
    };
    let Some(got) = doc.statements.first() else {
        return (
            0,
            rows,
            vec![format!("{}/{seed}: no statement", layout.name())],
        );
    };
    if got.reconciliation.status != ReconciliationStatus::Reconciled {
        misses.push(format!(
            "{}/{seed}: {:?}",
            layout.name(),
            got.reconciliation.status
        ));
    }
    let mut exact = 0;
    for (i, want) in statement.transactions.iter().enumerate() {
        match got.transactions.get(i) {
            Some(g)
                if g.date == want.date && g.amount == want.amount && g.balance == want.balance =>
            {
                exact += 1
            }
            Some(g) => misses.push(format!(
                "{}/{seed} row {i}: got {} {} {:?}, want {} {} {:?}",
                layout.name(),
                g.date,
                g.amount,
                g.balance,
                want.date,
                want.amount,
                want.balance
            )),
            None => misses.push(format!("{}/{seed} row {i}: missing", layout.name())),
        }
    }
    if got.transactions.len() != statement.transactions.len() {
        misses.push(format!(
            "{}/{seed}: {} rows read, {} written",
            layout.name(),
            got.transactions.len(),
            statement.transactions.len()
        ));
    }
    (exact, statement.transactions.len(), misses)
}

#[test]
fn every_generated_layout_reads_back_exactly_and_reconciles() {
    let mut total = (0, 0);
    let mut misses = Vec::new();
    for layout in Layout::ALL {
        let mut per_layout = (0, 0);
        for seed in 1..=40 {
            let (exact, rows, m) = read_back(layout, seed, 90);
            per_layout.0 += exact;
            per_layout.1 += rows;
            misses.extend(m);
        }
        eprintln!(
            "{:<12} {} of {} rows exact",
            layout.name(),
            per_layout.0,
            per_layout.1
        );
        total.0 += per_layout.0;
        total.1 += per_layout.1;
    }
    eprintln!("generated PDFs: {} of {} rows exact", total.0, total.1);
    assert!(
        misses.is_empty(),
        "{} problems, first ones:\n{}",
        misses.len(),
        misses
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn encrypted_generated_statements_need_their_password_and_then_read_exactly() {
    use ledgerlens_synth::pdf::{Cipher, Encryption};
    let layout = Layout::Nigerian;
    let statement = sample_statement(layout, 7, 40);
    for cipher in Cipher::ALL {
        let encryption = Encryption {
            cipher,
            user_password: "s3cret".to_owned(),
            owner_password: "owner".to_owned(),
        };
        let pdf = render(
            &statement,
            layout,
            &RenderOptions {
                encryption: Some(encryption),
                ..RenderOptions::default()
            },
        );
        let options = |password: Option<&str>| ReadOptions {
            pdf_engine: Some(engine()),
            password: password.map(str::to_owned),
            ..ReadOptions::default()
        };
        let missing = read_document("e.pdf", &pdf, &options(None)).unwrap_err();
        assert_eq!(missing.code(), "pdf_password_required", "{cipher:?}");
        let wrong = read_document("e.pdf", &pdf, &options(Some("nope"))).unwrap_err();
        assert_eq!(wrong.code(), "pdf_password_incorrect", "{cipher:?}");
        let doc = read_document("e.pdf", &pdf, &options(Some("s3cret"))).unwrap();
        let got = &doc.statements[0];
        assert_eq!(got.transactions.len(), 40, "{cipher:?}");
        assert_eq!(
            got.reconciliation.status,
            ReconciliationStatus::Reconciled,
            "{cipher:?}"
        );
        assert!(
            doc.forensics.as_ref().is_some_and(|f| f.encrypted),
            "{cipher:?}"
        );
    }
}
