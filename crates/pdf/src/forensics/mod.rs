//! Document forensics: how the file was made and whether it was edited since.
//!
//! Every detector is a small pure function over our own structs (metadata strings, raw bytes,
//! built words, image rectangles), so each rule is tested without pdfium; the engine only
//! gathers the facts.

pub mod fonts;
pub mod garbage;
pub mod metadata;
pub mod overlay;
pub mod revisions;

use std::collections::BTreeSet;

use ledgerlens_core::{Finding, Forensics, Severity};

use crate::words::BuiltWord;
use garbage::TextLayerStats;
use overlay::Rect;
use revisions::Revisions;

/// What the document information dictionary and the security handler say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentFacts {
    /// Producer, as written.
    pub producer: Option<String>,
    /// Creator, as written.
    pub creator: Option<String>,
    /// CreationDate, as written.
    pub created: Option<String>,
    /// ModDate, as written.
    pub modified: Option<String>,
    /// Whether the file is encrypted.
    pub encrypted: bool,
    /// Pages in the document (all of them, even past the page limit).
    pub pages: u32,
}

/// What one page holds, as forensics needs it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageFacts {
    /// 1-based page number.
    pub number: u32,
    /// Width × height in square points.
    pub area: f32,
    /// The page's words.
    pub words: Vec<BuiltWord>,
    /// Image objects, in top-left page coordinates.
    pub images: Vec<Rect>,
    /// Character statistics of the text layer.
    pub text_layer: TextLayerStats,
}

/// Assembles the forensics of a document: facts, then findings, most severe first.
pub fn assess(
    bytes: &[u8],
    document: DocumentFacts,
    pages: &[PageFacts],
    fonts: &[String],
) -> Forensics {
    let revisions = revisions::scan(bytes);
    let mut findings = Vec::new();
    let editor =
        metadata::producer_editor(document.producer.as_deref(), document.creator.as_deref());
    let modified = metadata::modified_after_creation(
        document.created.as_deref(),
        document.modified.as_deref(),
    );
    let corroborated = editor.is_some()
        || modified
            .as_ref()
            .is_some_and(|f| f.severity >= Severity::Warning);
    findings.extend(incremental_update(&revisions, corroborated));
    findings.extend(editor);
    findings.extend(modified);
    let mut fonts_per_page = Vec::with_capacity(pages.len());
    for page in pages {
        findings.extend(fonts::odd_fonts(page.number, &page.words, fonts));
        findings.extend(overlay::text_over_image(
            page.number,
            page.area,
            &page.words,
            &page.images,
        ));
        findings.extend(garbage::unreadable_text_layer(page.number, page.text_layer));
        let used: BTreeSet<&str> = page
            .words
            .iter()
            .filter_map(|w| w.word.font)
            .filter_map(|f| fonts.get(usize::from(f)).map(String::as_str))
            .collect();
        fonts_per_page.push(used.into_iter().map(str::to_owned).collect());
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    Forensics {
        producer: document.producer,
        creator: document.creator,
        created: document.created,
        modified: document.modified,
        incremental_updates: revisions.updates,
        encrypted: document.encrypted,
        pages: document.pages,
        fonts_per_page,
        findings,
    }
}

/// `incremental_update`: revisions appended after the original file. Signatures alone are
/// noted; an update is critical when the metadata also says an editor or a later session
/// touched the file.
pub fn incremental_update(revisions: &Revisions, corroborated: bool) -> Option<Finding> {
    if revisions.updates == 0 {
        return None;
    }
    let n = revisions.updates;
    let times = if n == 1 {
        "once".to_owned()
    } else {
        format!("{n} times")
    };
    let (severity, reason) = if revisions.signatures_only {
        (
            Severity::Info,
            format!(
                "the file was updated {times} after it was written, only to add a digital \
                 signature"
            ),
        )
    } else {
        (
            if corroborated {
                Severity::Critical
            } else {
                Severity::Warning
            },
            format!(
                "the file was changed and saved again {times} after it was first written (its \
                 original content is still inside, with the changes appended)"
            ),
        )
    };
    Some(Finding {
        code: "incremental_update".to_owned(),
        severity,
        reason,
        page: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revision(body: &str) -> String {
        format!("{body}\nxref\ntrailer\n<<>>\nstartxref\n1\n%%EOF\n")
    }

    #[test]
    fn an_untouched_file_has_no_findings_and_keeps_its_facts() {
        let facts = DocumentFacts {
            producer: Some("iText 7".to_owned()),
            creator: Some("Core Banking Reports".to_owned()),
            created: Some("D:20241105093000Z".to_owned()),
            modified: Some("D:20241105093000Z".to_owned()),
            encrypted: true,
            pages: 3,
        };
        let f = assess(revision("%PDF-1.7").as_bytes(), facts, &[], &[]);
        assert_eq!(f.findings, []);
        assert_eq!(f.producer.as_deref(), Some("iText 7"));
        assert_eq!((f.pages, f.encrypted, f.incremental_updates), (3, true, 0));
    }

    #[test]
    fn an_update_with_an_editor_producer_is_critical_and_sorted_first() {
        let bytes = revision("%PDF-1.7") + &revision("7 0 obj (x) endobj");
        let facts = DocumentFacts {
            producer: Some("PDFescape Online".to_owned()),
            pages: 1,
            ..DocumentFacts::default()
        };
        let f = assess(bytes.as_bytes(), facts, &[], &[]);
        assert_eq!(f.incremental_updates, 1);
        let codes: Vec<_> = f
            .findings
            .iter()
            .map(|x| (x.code.as_str(), x.severity))
            .collect();
        assert_eq!(
            codes,
            [
                ("incremental_update", Severity::Critical),
                ("producer_editor", Severity::Warning)
            ]
        );
    }

    #[test]
    fn an_update_alone_is_a_warning_and_a_signature_only_a_note() {
        let edited = revision("%PDF-1.7") + &revision("7 0 obj (x) endobj");
        let f = incremental_update(&revisions::scan(edited.as_bytes()), false).unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.reason.contains("once"), "{}", f.reason);
        let signed = revision("%PDF-1.7") + &revision("<</ByteRange[0 1 2 3]>>");
        let f = incremental_update(&revisions::scan(signed.as_bytes()), true).unwrap();
        assert_eq!(f.severity, Severity::Info);
    }

    #[test]
    fn fonts_per_page_list_the_fonts_of_the_words_once_each() {
        use ledgerlens_ingest::pdf::Word;
        let word = |font| BuiltWord {
            word: Word {
                text: "x".to_owned(),
                x0: 0.0,
                y0: 0.0,
                x1: 1.0,
                y1: 1.0,
                font: Some(font),
                size: 9.0,
                confidence: None,
            },
            mixed_fonts: false,
        };
        let page = PageFacts {
            number: 1,
            area: 1000.0,
            words: vec![word(1), word(0), word(1)],
            ..PageFacts::default()
        };
        let fonts = ["Helvetica".to_owned(), "Courier".to_owned()];
        let f = assess(b"", DocumentFacts::default(), &[page], &fonts);
        assert_eq!(
            f.fonts_per_page,
            [vec!["Courier".to_owned(), "Helvetica".to_owned()]]
        );
    }
}
