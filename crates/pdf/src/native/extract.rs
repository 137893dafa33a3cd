//! From bytes to [`PdfText`]: the pages' glyphs through [`WordBuilder`], images, statistics and
//! document facts, then [`forensics::assess`] — the same assembly as the pdfium engine's.

use std::time::{Duration, Instant};

use ledgerlens_ingest::IngestError;
use ledgerlens_ingest::pdf::{Page, PdfLimits, PdfText};

use super::Decline;
use super::content::Interpreter;
use super::document::Document;
use super::filters::Budget;
use super::info::document_facts;
use super::object::Object;
use super::pages::{PageNode, pages};
use super::text_page::PageSink;
use crate::assemble::{
    FontTable, assemble, malformed, over_time, page_parts, too_many_pages, too_many_words,
};
use crate::forensics::PageFacts;

/// The least decompression allowance, whatever the file's size and ratio: a 2 kB file may hold
/// a 1 MB page without being a bomb.
const MIN_DECOMPRESSED: u64 = 1 << 20;

/// What the native extractor made of a document.
#[derive(Debug)]
pub enum Outcome {
    /// It declined: hand the document to pdfium.
    Declined(Decline),
    /// A limit was breached (the same errors the pdfium engine gives).
    Failed(IngestError),
}

impl From<Decline> for Outcome {
    fn from(d: Decline) -> Self {
        Outcome::Declined(d)
    }
}

/// Extracts a text PDF, or says why it will not.
pub fn extract(bytes: &[u8], limits: &PdfLimits) -> Result<PdfText, Outcome> {
    let started = Instant::now();
    let budget_time = Duration::from_millis(limits.time_budget_ms);
    let allowance = u64::try_from(bytes.len())
        .unwrap_or(u64::MAX)
        .saturating_mul(u64::from(limits.max_decompression_ratio))
        .max(MIN_DECOMPRESSED);
    let doc = Document::open(bytes, Budget::new(allowance)).map_err(too_large)?;
    let trailer = doc.trailer();
    if trailer.has(b"Encrypt") {
        return Err(Decline::Unsupported("an encrypted document").into());
    }
    let catalog = doc.resolve(trailer.get(b"Root")).map_err(too_large)?;
    let nodes = pages(&doc, &catalog).map_err(too_large)?;
    let facts = document_facts(&doc, &trailer, nodes.len());
    if facts.pages > limits.max_pages {
        return Err(Outcome::Failed(too_many_pages(
            facts.pages,
            limits.max_pages,
        )));
    }
    let mut interpreter = Interpreter::with_deadline(started.checked_add(budget_time));
    let mut fonts = FontTable::default();
    let mut pages_out = Vec::with_capacity(nodes.len());
    let mut page_facts = Vec::with_capacity(nodes.len());
    for (index, node) in nodes.iter().enumerate() {
        let number = u32::try_from(index).unwrap_or(u32::MAX).saturating_add(1);
        if started.elapsed() > budget_time {
            return Err(Outcome::Failed(over_time(number, limits.time_budget_ms)));
        }
        let (page, facts) = read_page(&doc, node, number, &mut interpreter, &mut fonts, limits)?;
        pages_out.push(page);
        page_facts.push(facts);
    }
    Ok(assemble(bytes, facts, pages_out, page_facts, fonts))
}

/// A breach of the decompression bound is an error for the caller, not a hand-over: pdfium
/// would inflate the bomb.
fn too_large(d: Decline) -> Outcome {
    match d {
        Decline::TimedOut => Outcome::Failed(malformed(
            None,
            "reading the PDF took longer than its time budget",
        )),
        Decline::TooLarge => Outcome::Failed(malformed(
            None,
            "the PDF's compressed streams expand beyond the allowed ratio to its size",
        )),
        other => Outcome::Declined(other),
    }
}

fn read_page<'a>(
    doc: &Document<'a>,
    node: &PageNode<'a>,
    number: u32,
    interpreter: &mut Interpreter,
    fonts: &mut FontTable,
    limits: &PdfLimits,
) -> Result<(Page, PageFacts), Outcome> {
    let frame = node.frame;
    let (width, height) = (frame.width(), frame.height());
    let content = page_content(doc, node).map_err(too_large)?;
    let mut sink = PageSink::new(frame, fonts, limits.max_words_per_page);
    let mut result = interpreter.run_page(doc, &content, node.resources.clone(), &mut sink);
    if let Some(e) = sink.deferred.take() {
        result = Err(e);
    }
    if result.is_ok() {
        result = sink.finish();
    }
    if sink.too_many {
        return Err(Outcome::Failed(too_many_words(
            number,
            limits.max_words_per_page,
        )));
    }
    if result == Err(Decline::TimedOut) {
        return Err(Outcome::Failed(over_time(number, limits.time_budget_ms)));
    }
    result.map_err(too_large)?;
    let built = sink.builder.finish();
    if built.len() > limits.max_words_per_page {
        return Err(Outcome::Failed(too_many_words(
            number,
            limits.max_words_per_page,
        )));
    }
    Ok(page_parts(
        number,
        width,
        height,
        built,
        sink.images,
        sink.stats,
    ))
}

/// The page's content streams, decoded and joined (a space between them, as the reference
/// says they are one stream split anywhere but inside a token).
fn page_content<'a>(doc: &Document<'a>, node: &PageNode<'a>) -> Result<Vec<u8>, Decline> {
    let dict = node
        .dict
        .as_dict()
        .ok_or(Decline::Malformed("a page is not a dictionary"))?;
    let contents = doc.resolve(dict.get(b"Contents"))?;
    match contents.as_ref() {
        Object::Stream(..) => doc.stream_bytes(&contents),
        Object::Array(parts) => {
            let mut out = Vec::new();
            for part in parts {
                let stream = doc.resolve(part)?;
                if matches!(stream.as_ref(), Object::Stream(..)) {
                    out.extend_from_slice(&doc.stream_bytes(&stream)?);
                    out.push(b'\n');
                }
            }
            Ok(out)
        }
        _ => Ok(Vec::new()),
    }
}
