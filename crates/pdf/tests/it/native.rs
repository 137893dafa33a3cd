//! The native extractor against pdfium: every synthetic layout × seeds × the variants synth can
//! write (uncompressed, a forged odd-font amount, a tampered amount saved as an incremental
//! update, another producer, encryption), plus every PDF of the external corpus, read through
//! `read_document` with each engine. Where the native extractor reads a document, the whole
//! result — every transaction, the statement metadata, warnings and forensics — must be
//! identical; where it declines, the product engine must hand the document to pdfium and get
//! pdfium's result. Declines are counted and printed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ledgerlens_core::Document;
use ledgerlens_ingest::pdf::{PdfEngine, PdfLimits};
use ledgerlens_ingest::{IngestError, ReadOptions, read_document};
use ledgerlens_pdf::TextPdfEngine;
use ledgerlens_synth::pdf::{
    Cipher, Encryption, Layout, RenderOptions, render, sample_statement, tamper,
};
use proptest::prelude::*;

use crate::support::engine;

fn read(bytes: &[u8], engine: Arc<dyn PdfEngine>) -> Result<Document, IngestError> {
    let options = ReadOptions {
        pdf_engine: Some(engine),
        ..ReadOptions::default()
    };
    read_document("doc.pdf", bytes, &options)
}

/// A short description of a difference between two reads, or `None` when they agree.
fn difference(
    pdfium: &Result<Document, IngestError>,
    native: &Result<Document, IngestError>,
) -> Option<String> {
    match (pdfium, native) {
        (Ok(a), Ok(b)) if a == b => None,
        (Ok(a), Ok(b)) => {
            for (sa, sb) in a.statements.iter().zip(&b.statements) {
                for (i, (ta, tb)) in sa.transactions.iter().zip(&sb.transactions).enumerate() {
                    if ta != tb {
                        return Some(format!("transaction {i}: {ta:?}\n   vs {tb:?}"));
                    }
                }
                if sa != sb {
                    return Some(format!("statement: {sa:?}\n   vs {sb:?}"));
                }
            }
            if a.forensics != b.forensics {
                return Some(format!(
                    "forensics: {:?}\n   vs {:?}",
                    a.forensics, b.forensics
                ));
            }
            Some(format!("documents: {a:?}\n   vs {b:?}"))
        }
        (Err(a), Err(b)) if a.to_string() == b.to_string() => None,
        (a, b) => Some(format!(
            "{:?} vs {:?}",
            a.as_ref().map(|_| "ok"),
            b.as_ref().map(|_| "ok")
        )),
    }
}

#[derive(Debug, Default)]
struct Tally {
    compared: usize,
    identical: usize,
    declined: Vec<String>,
    different: Vec<String>,
}

impl Tally {
    fn check(&mut self, name: &str, bytes: &[u8]) {
        self.compared += 1;
        let pdfium = engine();
        let product = TextPdfEngine::new(pdfium.clone());
        let expected = read(bytes, pdfium.clone());
        match product.extract_native(bytes, &PdfLimits::default()) {
            Ok(Err(why)) => {
                // Declined: the product engine must give exactly pdfium's reading.
                let got = read(bytes, Arc::new(product));
                match difference(&expected, &got) {
                    None => self.declined.push(format!("{name} ({why})")),
                    Some(d) => self.different.push(format!("{name} (declined, yet): {d}")),
                }
            }
            _ => {
                // Read natively (or a limit error): compare with no pdfium behind at all.
                let native = TextPdfEngine::without_pdfium("not bound in this test");
                let got = read(bytes, Arc::new(native));
                match difference(&expected, &got) {
                    None => self.identical += 1,
                    Some(d) => self.different.push(format!("{name}: {d}")),
                }
            }
        }
    }
}

/// The first amount-like run that `tamper` can find and change.
fn tampered(pdf: &[u8]) -> Option<Vec<u8>> {
    let text = engine().extract(pdf, None, &PdfLimits::default()).ok()?;
    text.pages
        .iter()
        .flat_map(|p| &p.words)
        .filter(|w| {
            w.text.len() >= 4
                && w.text
                    .chars()
                    .all(|c| c.is_ascii_digit() || ".,+-".contains(c))
                && w.text
                    .chars()
                    .rev()
                    .nth(2)
                    .is_some_and(|c| ".,".contains(c))
        })
        .find_map(|w| {
            let forged = w
                .text
                .replacen(|c: char| c.is_ascii_digit() && c != '9', "9", 1);
            tamper(pdf, &w.text, &forged).ok()
        })
}

#[test]
fn the_native_extractor_reads_every_synthetic_variant_as_pdfium_does() {
    let mut tally = Tally::default();
    for layout in Layout::ALL {
        for (seed, rows) in [(1u64, 40usize), (7, 130), (23, 260)] {
            let statement = sample_statement(layout, seed, rows);
            let base = RenderOptions {
                seed,
                ..RenderOptions::default()
            };
            let name = |variant: &str| format!("{}/{seed}/{variant}", layout.name());
            let plain = render(&statement, layout, &base);
            tally.check(&name("plain"), &plain);
            let uncompressed = RenderOptions {
                compress: false,
                ..base.clone()
            };
            tally.check(
                &name("uncompressed"),
                &render(&statement, layout, &uncompressed),
            );
            let odd = RenderOptions {
                odd_font_row: Some(seed as usize % 7),
                ..base.clone()
            };
            tally.check(&name("odd-font"), &render(&statement, layout, &odd));
            let edited = RenderOptions {
                producer: Some("PDFescape Online".to_owned()),
                ..base.clone()
            };
            tally.check(&name("producer"), &render(&statement, layout, &edited));
            match tampered(&plain) {
                Some(forged) => tally.check(&name("tampered"), &forged),
                None => tally
                    .different
                    .push(format!("{}: nothing to tamper", name("tampered"))),
            }
            if seed == 1 {
                let locked = RenderOptions {
                    encryption: Some(Encryption {
                        cipher: Cipher::Aes128,
                        user_password: String::new(),
                        owner_password: "owner".to_owned(),
                    }),
                    ..base.clone()
                };
                tally.check(&name("encrypted"), &render(&statement, layout, &locked));
            }
        }
    }
    println!(
        "synthetic: {} compared, {} identical, {} declined",
        tally.compared,
        tally.identical,
        tally.declined.len()
    );
    for d in &tally.declined {
        println!("  declined: {d}");
    }
    assert!(tally.different.is_empty(), "{:#?}", tally.different);
    // Only the encrypted variants may be declined: everything else synth writes is plain text.
    assert_eq!(
        tally.declined.len(),
        Layout::ALL.len(),
        "{:#?}",
        tally.declined
    );
    assert_eq!(tally.identical + tally.declined.len(), tally.compared);
}

/// `qpdf ARGS in out` on `pdf`, or `None` when qpdf is not installed.
fn qpdf(pdf: &[u8], args: &[&str], tag: &str) -> Option<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!("ll-native-qpdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let input = dir.join(format!("{tag}-in.pdf"));
    let output = dir.join(format!("{tag}-out.pdf"));
    std::fs::write(&input, pdf).ok()?;
    let status = std::process::Command::new("qpdf")
        .args(args)
        .arg(&input)
        .arg(&output)
        .status()
        .ok()?;
    // qpdf exits 3 for warnings; the file is written all the same.
    if !(status.success() || status.code() == Some(3)) {
        return None;
    }
    std::fs::read(&output).ok()
}

#[test]
fn the_native_extractor_reads_restructured_and_damaged_files_as_pdfium_does() {
    let mut tally = Tally::default();
    let mut skipped = false;
    for layout in [Layout::Uk, Layout::French, Layout::NigerianCourier] {
        let statement = sample_statement(layout, 5, 120);
        let pdf = render(&statement, layout, &RenderOptions::default());
        let name = |variant: &str| format!("{}/{variant}", layout.name());
        // Cross-reference streams and object streams; linearised files (hint streams, a first
        // page section, two xref sections); and both at once.
        for (variant, args) in [
            ("object-streams", &["--object-streams=generate"][..]),
            ("linearized", &["--linearize"][..]),
            (
                "linearized-object-streams",
                &["--linearize", "--object-streams=generate"][..],
            ),
            (
                "stream-data-uncompressed",
                &["--stream-data=uncompress"][..],
            ),
        ] {
            match qpdf(&pdf, args, &name(variant).replace('/', "-")) {
                Some(restructured) => tally.check(&name(variant), &restructured),
                None => skipped = true,
            }
        }
        // A wrong startxref offset: the table is rebuilt by scanning.
        let at = pdf.windows(10).rposition(|w| w == b"startxref\n").unwrap() + 10;
        let mut broken = pdf.clone();
        broken[at] = if broken[at] == b'1' { b'2' } else { b'1' };
        tally.check(&name("bad-startxref"), &broken);
        // Junk before the header: offsets count from `%PDF-`.
        let mut prefixed = b"junk\n".to_vec();
        prefixed.extend_from_slice(&pdf);
        tally.check(&name("prefixed"), &prefixed);
    }
    if skipped {
        eprintln!("SKIPPED: qpdf is not installed; restructured variants not compared");
    }
    println!(
        "restructured: {} compared, {} identical, {} declined",
        tally.compared,
        tally.identical,
        tally.declined.len()
    );
    for d in &tally.declined {
        println!("  declined: {d}");
    }
    assert!(tally.different.is_empty(), "{:#?}", tally.different);
    assert!(tally.declined.is_empty(), "{:#?}", tally.declined);
}

fn pdfs_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            pdfs_under(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
        {
            out.push(path);
        }
    }
}

#[test]
fn the_native_extractor_reads_the_corpus_as_pdfium_does() {
    let root = std::env::var_os("LEDGERLENS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
    if !root.is_dir() {
        eprintln!(
            "SKIPPED: the external corpus (../shared/corpus) is absent; no corpus PDF compared"
        );
        return;
    }
    let mut files = Vec::new();
    pdfs_under(&root, &mut files);
    files.sort();
    let mut tally = Tally::default();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let name = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        tally.check(&name, &bytes);
    }
    println!(
        "corpus: {} compared, {} identical, {} declined",
        tally.compared,
        tally.identical,
        tally.declined.len()
    );
    for d in &tally.declined {
        println!("  declined: {d}");
    }
    assert!(tally.different.is_empty(), "{:#?}", tally.different);
    assert_eq!(tally.compared, files.len());
}

#[test]
fn the_native_extractor_breaches_limits_with_pdfium_s_errors() {
    let statement = sample_statement(Layout::Uk, 3, 150);
    let pdf = render(&statement, Layout::Uk, &RenderOptions::default());
    let native = TextPdfEngine::without_pdfium("not bound in this test");
    for limits in [
        PdfLimits {
            max_pages: 1,
            ..PdfLimits::default()
        },
        PdfLimits {
            max_words_per_page: 5,
            ..PdfLimits::default()
        },
        PdfLimits {
            time_budget_ms: 0,
            ..PdfLimits::default()
        },
    ] {
        let theirs = engine().extract(&pdf, None, &limits).unwrap_err();
        let ours = native.extract(&pdf, None, &limits).unwrap_err();
        assert_eq!(ours.to_string(), theirs.to_string(), "{limits:?}");
    }
    // A bound on decompression pdfium does not have: 16 MiB of spaces in a few kB.
    use std::io::Write as _;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![b' '; 16 << 20]).unwrap();
    let packed = z.finish().unwrap();
    let mut b = crate::support::PdfBuilder::default();
    let catalog = b.add("<< /Type /Catalog /Pages 2 0 R >>");
    b.add("<< /Type /Pages /Kids [4 0 R] /Count 1 >>");
    let content = b.stream("/Filter /FlateDecode", &packed);
    b.add(format!(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R >>"
    ));
    let bomb = b.finish(catalog, None);
    let err = native
        .extract(&bomb, None, &PdfLimits::default())
        .unwrap_err();
    assert!(err.to_string().contains("expand beyond"), "{err}");
}

#[test]
fn without_pdfium_a_declined_document_says_what_is_missing() {
    let statement = sample_statement(Layout::Nigerian, 1, 20);
    let locked = RenderOptions {
        encryption: Some(Encryption {
            cipher: Cipher::Rc4_128,
            user_password: String::new(),
            owner_password: "owner".to_owned(),
        }),
        ..RenderOptions::default()
    };
    let pdf = render(&statement, Layout::Nigerian, &locked);
    let native = TextPdfEngine::without_pdfium("no libpdfium here");
    let err = native
        .extract(&pdf, None, &PdfLimits::default())
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("encrypted") && text.contains("no libpdfium here"),
        "{text}"
    );
}

/// Mutated statements: flipped bytes, truncations and spliced garbage, through the native
/// extractor alone. It may read, decline or fail, never panic (checked without `contain`'s
/// safety net: `native::extract` is called directly).
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    let layouts = prop::sample::select(Layout::ALL.to_vec());
    (
        layouts,
        0u64..50,
        any::<bool>(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..24),
        any::<prop::sample::Index>(),
        any::<bool>(),
    )
        .prop_map(|(layout, seed, compress, flips, cut, truncate)| {
            let statement = sample_statement(layout, seed, 30);
            let options = RenderOptions {
                seed,
                compress,
                ..RenderOptions::default()
            };
            let mut pdf = render(&statement, layout, &options);
            for (at, byte) in flips {
                let i = at.index(pdf.len());
                pdf[i] = byte;
            }
            if truncate {
                pdf.truncate(cut.index(pdf.len()).max(1));
            }
            pdf
        })
}

proptest! {
    // 96 cases by default; PROPTEST_CASES=N for a longer run.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(96)
    ))]

    #[test]
    fn mutated_statements_never_panic_the_native_extractor(pdf in mutated()) {
        let limits = PdfLimits { time_budget_ms: 5_000, ..PdfLimits::default() };
        let _ = ledgerlens_pdf::native::extract(&pdf, &limits);
    }
}
