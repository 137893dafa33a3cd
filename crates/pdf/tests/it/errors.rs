//! Passwords, broken files and limits: clear errors, never a panic.

use ledgerlens_core::Format;
use ledgerlens_ingest::IngestError;
use ledgerlens_ingest::pdf::{PdfEngine, PdfLimits};

use crate::support::{corpus_bytes, document, engine, extract};

const PROTECTED: &str = "monopoly/tests/integration/fixtures/protected.pdf";
const MERCURY: &str = "beancount-reds-importers/beancount_reds_importers/importers/mercurycards/tests/mercury_statement_20241105.pdf";

#[test]
fn an_encrypted_pdf_without_a_password_asks_for_one() {
    let Some(bytes) = corpus_bytes(PROTECTED) else {
        return;
    };
    let err = extract(&bytes).unwrap_err();
    assert_eq!(err.code(), "pdf_password_required", "{err}");
    let err = engine()
        .extract(&bytes, Some(""), &PdfLimits::default())
        .unwrap_err();
    assert_eq!(
        err.code(),
        "pdf_password_required",
        "an empty password is no password"
    );
}

#[test]
fn a_wrong_password_is_incorrect() {
    let Some(bytes) = corpus_bytes(PROTECTED) else {
        return;
    };
    let err = engine()
        .extract(&bytes, Some("wrongpw_123"), &PdfLimits::default())
        .unwrap_err();
    assert!(matches!(err, IngestError::PdfPasswordIncorrect), "{err}");
}

#[test]
fn the_right_password_opens_the_aes_encrypted_pdf() {
    let Some(bytes) = corpus_bytes(PROTECTED) else {
        return;
    };
    let text = engine()
        .extract(&bytes, Some("foobar123"), &PdfLimits::default())
        .unwrap();
    assert_eq!(text.pages.len(), 1);
    assert!(text.forensics.encrypted);
    assert_eq!(text.forensics.pages, 1);
    assert_eq!(
        text.forensics.producer.as_deref(),
        Some("Adobe Acrobat Pro (64-bit) 23.3.20284")
    );
    assert_eq!(
        text.forensics.created.as_deref(),
        Some("D:20230921000042+08'00'")
    );
    assert_eq!(
        text.forensics.modified.as_deref(),
        Some("D:20230921000106+08'00'")
    );
    // Made and saved in Acrobat, 24 seconds apart: nothing suspicious.
    assert_eq!(text.forensics.findings, []);
}

#[test]
fn a_password_given_for_an_unencrypted_pdf_is_ignored() {
    let pdf = document(&[(&[("F1", 10.0, 72.0, 700.0, "open")], &[])], None);
    let text = engine()
        .extract(&pdf, Some("secret"), &PdfLimits::default())
        .unwrap();
    assert_eq!(text.pages[0].words[0].text, "open");
    assert!(!text.forensics.encrypted);
}

fn assert_malformed(result: Result<ledgerlens_ingest::pdf::PdfText, IngestError>) -> String {
    match result {
        Err(IngestError::Malformed {
            format: Format::Pdf,
            location,
            detail,
        }) => {
            format!("{location:?} {detail}")
        }
        other => panic!("expected a malformed PDF error, got {other:?}"),
    }
}

#[test]
fn broken_files_are_malformed_pdfs() {
    for bytes in [
        &b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"[..],
        b"%PDF-1.4\n",
        b"not a pdf at all",
        b"",
    ] {
        let detail = assert_malformed(extract(bytes));
        assert!(detail.contains("not a readable PDF"), "{detail}");
    }
}

#[test]
fn truncated_and_corrupted_statements_never_panic() {
    let Some(bytes) = corpus_bytes(MERCURY) else {
        return;
    };
    for cut in [bytes.len() / 3, bytes.len() / 2, bytes.len() - 200] {
        // pdfium repairs what it can; whatever it returns must be a value, not a crash.
        let _ = extract(&bytes[..cut]);
    }
    let mut flipped = bytes.clone();
    for i in (1000..flipped.len()).step_by(997) {
        flipped[i] ^= 0x5A;
    }
    let _ = extract(&flipped);
}

#[test]
fn too_many_pages_is_refused_before_reading_them() {
    let pdf = document(&[(&[], &[]), (&[], &[]), (&[], &[])], None);
    let limits = PdfLimits {
        max_pages: 2,
        ..PdfLimits::default()
    };
    let detail = assert_malformed(engine().extract(&pdf, None, &limits));
    assert!(detail.contains("3 pages, over the limit of 2"), "{detail}");
}

#[test]
fn too_many_words_on_a_page_is_refused_naming_the_page() {
    let pdf = document(
        &[
            (&[("F1", 10.0, 72.0, 700.0, "one")], &[]),
            (&[("F1", 10.0, 72.0, 700.0, "one two three")], &[]),
        ],
        None,
    );
    let limits = PdfLimits {
        max_words_per_page: 2,
        ..PdfLimits::default()
    };
    let detail = assert_malformed(engine().extract(&pdf, None, &limits));
    assert!(detail.starts_with("Some(\"page 2\")"), "{detail}");
    assert!(detail.contains("more than 2 words"), "{detail}");
}

#[test]
fn running_out_of_time_is_an_error_not_a_hang() {
    let pdf = document(&[(&[("F1", 10.0, 72.0, 700.0, "slow")], &[])], None);
    let limits = PdfLimits {
        time_budget_ms: 0,
        ..PdfLimits::default()
    };
    let detail = assert_malformed(engine().extract(&pdf, None, &limits));
    assert!(detail.contains("0 ms budget"), "{detail}");
}
