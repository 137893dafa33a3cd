//! The external corpus: real statements and fixtures (read in place, never copied).

use chrono::NaiveDate;
use ledgerlens_core::{AccountKind, Amount, ReconciliationStatus, Severity};
use ledgerlens_ingest::pdf::{PdfText, Word};
use ledgerlens_ingest::{ReadOptions, read_document};

use crate::support::{corpus_bytes, corpus_file, engine, extract};

const MERCURY: &str = "beancount-reds-importers/beancount_reds_importers/importers/mercurycards/tests/mercury_statement_20241105.pdf";
const PAYSTUB: &str = "beancount-reds-importers/beancount_reds_importers/importers/genericpdfpaycheck/tests/paystub.sample.pdf";

fn all_words(text: &PdfText) -> Vec<(u32, &Word)> {
    text.pages
        .iter()
        .flat_map(|p| p.words.iter().map(move |w| (p.number, w)))
        .collect()
}

fn has(text: &PdfText, word: &str) -> bool {
    all_words(text).iter().any(|(_, w)| w.text == word)
}

#[test]
fn the_mercury_statement_yields_its_summary_figures_and_transactions() {
    let Some(bytes) = corpus_bytes(MERCURY) else {
        return;
    };
    let text = extract(&bytes).unwrap();
    assert_eq!(text.pages.len(), 6);
    assert!(
        text.pages
            .iter()
            .all(|p| (p.width, p.height) == (612.0, 792.0))
    );
    // Summary box (EXPECTED.md): previous and new balance, credit line, minimum payment.
    for figure in [
        "$2,452.23",
        "$2,461.81",
        "$6,580.00",
        "$24.62",
        "11/05/2024",
    ] {
        assert!(has(&text, figure), "{figure} missing");
    }
    // The first purchase: 10/05 Whole Foods $15.01, on one line, amount to the right.
    let words = all_words(&text);
    let amount = words
        .iter()
        .find(|(_, w)| w.text == "$15.01")
        .expect("$15.01");
    let whole = words
        .iter()
        .find(|(p, w)| *p == amount.0 && w.text == "Whole" && (w.y0 - amount.1.y0).abs() < 2.0)
        .expect("Whole on the line of $15.01");
    assert!(whole.1.x1 < amount.1.x0);
    // Positions are measured from the top of the visible page (its MediaBox starts at y 7.92):
    // the running header "Page 2 of 6" sits about 45 points down, as poppler reports it.
    let page2 = &text.pages[1].words[0];
    assert_eq!(page2.text, "Page");
    assert!(
        (page2.x0 - 57.6).abs() < 0.1 && (page2.y0 - 45.3).abs() < 1.0,
        "{page2:?}"
    );
}

#[test]
fn the_mercury_statement_was_made_in_canva_and_says_so() {
    let Some(bytes) = corpus_bytes(MERCURY) else {
        return;
    };
    let f = extract(&bytes).unwrap().forensics;
    assert_eq!(f.producer.as_deref(), Some("Canva"));
    assert_eq!((f.pages, f.incremental_updates, f.encrypted), (6, 0, false));
    assert_eq!(f.fonts_per_page.len(), 6);
    assert!(f.fonts_per_page[0].contains(&"AAAAAA+IBMPlexSans-Bold".to_owned()));
    let first = &f.findings[0];
    assert_eq!(
        (first.code.as_str(), first.severity),
        ("producer_editor", Severity::Critical)
    );
    assert!(first.reason.contains("Canva"), "{}", first.reason);
    assert!(
        !f.findings
            .iter()
            .any(|x| x.code == "odd_font" || x.code == "unreadable_text_layer")
    );
}

#[test]
fn the_paystub_reads_its_figures_and_raises_nothing() {
    let Some(bytes) = corpus_bytes(PAYSTUB) else {
        return;
    };
    let text = extract(&bytes).unwrap();
    assert_eq!(text.pages.len(), 1);
    for figure in ["4228.00", "1,600.00", "416.00", "Federal", "Withholding"] {
        assert!(has(&text, figure), "{figure} missing");
    }
    assert_eq!(text.forensics.creator.as_deref(), Some("Safari"));
    assert_eq!(text.forensics.findings, []);
}

#[test]
fn blank_pdfs_have_pages_and_no_words() {
    for (file, pages, findings) in [
        (
            "monopoly/tests/integration/fixtures/4_pages_blank.pdf",
            4,
            &[][..],
        ),
        // Their metadata says they were modified years after they were made: reported, rightly.
        (
            "ofxstatement-dutch/tests/samples/blank.pdf",
            1,
            &["modified_after_creation"][..],
        ),
        (
            "ofxstatement-french/tests/samples/blank.pdf",
            1,
            &["modified_after_creation"][..],
        ),
    ] {
        let Some(bytes) = corpus_bytes(file) else {
            return;
        };
        let text = extract(&bytes).unwrap();
        assert_eq!(text.pages.len(), pages, "{file}");
        assert!(text.pages.iter().all(|p| p.words.is_empty()), "{file}");
        let codes: Vec<_> = text
            .forensics
            .findings
            .iter()
            .map(|f| f.code.as_str())
            .collect();
        assert_eq!(codes, findings, "{file}");
    }
}

/// One posting of a beancount `.extract` file: the transaction's date, payee and amount.
#[derive(Debug)]
struct Posting {
    date: NaiveDate,
    payee: String,
    amount: Amount,
}

/// Reads `YYYY-MM-DD * "Payee"` followed by an indented `Account  AMOUNT CUR` line.
fn beancount_postings(text: &str) -> Vec<Posting> {
    let mut out = Vec::new();
    let mut head: Option<(NaiveDate, String)> = None;
    for line in text.lines() {
        if let Some((date, rest)) = line.split_once(' ')
            && let Ok(date) = NaiveDate::parse_from_str(date, "%Y-%m-%d")
        {
            let payee = rest.split('"').nth(1).unwrap_or_default().to_owned();
            head = Some((date, payee));
        } else if line.starts_with("  ")
            && let Some((date, payee)) = head.take()
        {
            let amount = line.split_whitespace().nth(1).expect("posting amount");
            out.push(Posting {
                date,
                payee,
                amount: amount.parse().expect("posting amount parses"),
            });
        }
    }
    out
}

/// The Mercury card statement through the real engine and the generic layout reader, row by row
/// against the importer's expected output (purchases only: it does not emit payments).
#[test]
fn the_mercury_card_statement_reads_every_purchase_exactly_and_reconciles() {
    let Some(bytes) = corpus_bytes(MERCURY) else {
        return;
    };
    let extract_path = corpus_file(&format!("{MERCURY}.extract")).expect("the .extract file");
    let expected = beancount_postings(&std::fs::read_to_string(extract_path).unwrap());
    assert!(expected.len() > 50, "{} postings parsed", expected.len());

    let options = ReadOptions {
        pdf_engine: Some(engine()),
        ..ReadOptions::default()
    };
    let doc = read_document("mercury.pdf", &bytes, &options).unwrap();
    let [statement] = doc.statements.as_slice() else {
        panic!("{} statements", doc.statements.len());
    };
    assert_eq!(statement.account.kind, AccountKind::CreditCard);
    assert_eq!(statement.currency.code(), "USD");
    // The summary box: what is owed is a negative balance from the holder's side.
    assert_eq!(statement.opening_balance, Some("-2452.23".parse().unwrap()));
    assert_eq!(statement.closing_balance, Some("-2461.81".parse().unwrap()));
    assert_eq!(
        statement.reconciliation.status,
        ReconciliationStatus::Reconciled,
        "{:?}",
        statement.reconciliation
    );

    // Each expected purchase matches one row: its transaction date (kept as the value date, the
    // booking date being the post date), its amount, and a description naming the payee.
    let rows = &statement.transactions;
    let mut taken = vec![false; rows.len()];
    let mut misses = Vec::new();
    for e in &expected {
        let found = rows.iter().enumerate().position(|(i, t)| {
            !taken[i]
                && t.value_date.unwrap_or(t.date) == e.date
                && t.amount == e.amount
                && t.description.contains(&e.payee)
        });
        match found {
            Some(i) => taken[i] = true,
            None => misses.push(format!("{} {:?} {}", e.date, e.payee, e.amount)),
        }
    }
    let exact = expected.len() - misses.len();
    let percent = 100.0 * exact as f64 / expected.len() as f64;
    println!(
        "mercury: {exact} of {} purchases exact ({percent:.1}%); {} rows read",
        expected.len(),
        rows.len()
    );
    for m in &misses {
        println!("  missed: {m}");
    }
    assert!(percent >= 99.5, "{percent:.1}% exact; missed {misses:?}");

    // The rows the importer does not emit are the payment and the credit: both money in.
    let others: Vec<_> = rows
        .iter()
        .zip(&taken)
        .filter(|(_, t)| !**t)
        .map(|(t, _)| t)
        .collect();
    assert_eq!(others.len(), 2, "{others:?}");
    assert!(others.iter().all(|t| !t.amount.is_negative()), "{others:?}");
}
