//! The pdfium-backed [`PdfEngine`]: loading the library and extracting words, images and
//! metadata page by page.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use ledgerlens_core::Format;
use ledgerlens_ingest::IngestError;
use ledgerlens_ingest::guard::contain;
use ledgerlens_ingest::pdf::{Page, PdfEngine, PdfLimits, PdfText, Raster, RenderSink};
use pdfium_render::prelude::*;

use crate::assemble::{
    FontTable, assemble, malformed, over_time, page_location, page_parts, too_many_pages,
    too_many_words,
};
use crate::forensics::garbage::TextLayerStats;
use crate::forensics::overlay::Rect;
use crate::forensics::{DocumentFacts, PageFacts};
use crate::frame::Frame;
use crate::words::{Glyph, WordBuilder};

/// The environment variable naming a libpdfium shared library to use.
pub const PDFIUM_ENV: &str = "LEDGERLENS_PDFIUM";

/// Where `scripts/ensure-pdfium` puts the library, under `$HOME`.
pub const CACHED_LIBRARY: &str = ".cache/ledgerlens/pdfium/libpdfium.so";

/// Nested form XObjects are followed this deep when looking for images.
const MAX_FORM_DEPTH: usize = 4;

/// A PDF engine over libpdfium, bound at run time.
///
/// pdfium is not thread safe, and its bindings are process-global (pdfium-render keeps them in a
/// static), so there is one engine per process ([`PdfiumEngine::load`] hands out the same
/// `Arc`). pdfium-render's `thread_safe` feature serialises each call into the library; the
/// engine's own mutex additionally serialises whole extractions, so two documents never
/// interleave inside pdfium. Parallelism across PDFs therefore needs processes, not threads.
#[derive(Debug)]
pub struct PdfiumEngine {
    pdfium: Mutex<Pdfium>,
    library: String,
}

/// Why no libpdfium could be bound.
#[derive(Debug)]
pub struct LoadError {
    /// Each place tried and why it failed.
    pub tried: Vec<(String, String)>,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no libpdfium could be loaded (")?;
        for (i, (place, why)) in self.tried.iter().enumerate() {
            if i > 0 {
                write!(f, "; ")?;
            }
            write!(f, "{place}: {why}")?;
        }
        write!(
            f,
            "); run scripts/ensure-pdfium, or set {PDFIUM_ENV} to a libpdfium.so"
        )
    }
}

impl std::error::Error for LoadError {}

static SHARED: Mutex<Option<Arc<PdfiumEngine>>> = Mutex::new(None);

impl PdfiumEngine {
    /// Binds libpdfium, trying in order: `path`, `$LEDGERLENS_PDFIUM`,
    /// `$HOME/.cache/ledgerlens/pdfium/libpdfium.so`, then the system's `libpdfium.so`.
    ///
    /// The first successful load is kept for the life of the process and returned by every later
    /// call, whatever path those name (pdfium can be bound only once). A failure is not kept, so
    /// a later call can succeed once the library has been provisioned.
    pub fn load(path: Option<&Path>) -> Result<Arc<PdfiumEngine>, LoadError> {
        let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(engine) = shared.as_ref() {
            return Ok(Arc::clone(engine));
        }
        let mut tried = Vec::new();
        let mut candidates: Vec<(PathBuf, &str)> = Vec::new();
        if let Some(p) = path {
            candidates.push((p.to_path_buf(), "the path given"));
        }
        if let Some(p) = std::env::var_os(PDFIUM_ENV).filter(|p| !p.is_empty()) {
            candidates.push((PathBuf::from(p), PDFIUM_ENV));
        }
        if let Some(home) = std::env::var_os("HOME").filter(|p| !p.is_empty()) {
            candidates.push((
                Path::new(&home).join(CACHED_LIBRARY),
                "the ledgerlens cache",
            ));
        }
        for (candidate, origin) in candidates {
            let shown = format!("{} ({origin})", candidate.display());
            if !candidate.is_file() {
                tried.push((shown, "no such file".to_owned()));
                continue;
            }
            match Pdfium::bind_to_library(&candidate) {
                Ok(bindings) => {
                    return Ok(keep(&mut shared, bindings, candidate.display().to_string()));
                }
                Err(e) => tried.push((shown, one_line(&e.to_string()))),
            }
        }
        match Pdfium::bind_to_system_library() {
            Ok(bindings) => Ok(keep(
                &mut shared,
                bindings,
                "the system libpdfium".to_owned(),
            )),
            Err(e) => {
                tried.push((
                    "the system library path".to_owned(),
                    one_line(&e.to_string()),
                ));
                Err(LoadError { tried })
            }
        }
    }

    /// The library the engine is bound to.
    pub fn library(&self) -> &str {
        &self.library
    }
}

/// pdfium-render's errors print as multi-line debug structures; a message wants one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn keep(
    shared: &mut Option<Arc<PdfiumEngine>>,
    bindings: Box<dyn PdfiumLibraryBindings>,
    library: String,
) -> Arc<PdfiumEngine> {
    let engine = Arc::new(PdfiumEngine {
        pdfium: Mutex::new(Pdfium::new(bindings)),
        library,
    });
    *shared = Some(Arc::clone(&engine));
    engine
}

impl PdfEngine for PdfiumEngine {
    fn extract(
        &self,
        bytes: &[u8],
        password: Option<&str>,
        limits: &PdfLimits,
    ) -> Result<PdfText, IngestError> {
        // A panic inside `contain` is caught before the guard is dropped, so the mutex is not
        // poisoned by a hostile file; tolerate poisoning anyway rather than refuse all PDFs.
        let pdfium = self.pdfium.lock().unwrap_or_else(PoisonError::into_inner);
        contain(Format::Pdf, "the PDF", || {
            extract_with(&pdfium, bytes, password, limits)
        })
    }

    fn render(
        &self,
        bytes: &[u8],
        password: Option<&str>,
        pages: &[u32],
        dpi: f32,
        sink: &mut RenderSink<'_>,
    ) -> Result<(), IngestError> {
        let pdfium = self.pdfium.lock().unwrap_or_else(PoisonError::into_inner);
        contain(Format::Pdf, "the PDF", || {
            render_with(&pdfium, bytes, password, pages, dpi, sink)
        })
    }
}

/// Most pixels drawn for one page: a 300-dpi A3 page is 17 Mpx; a page declaring a
/// billboard's size is drawn smaller rather than exhausting memory.
const MAX_RENDER_PIXELS: f32 = 40_000_000.0;

fn render_with(
    pdfium: &Pdfium,
    bytes: &[u8],
    password: Option<&str>,
    pages: &[u32],
    dpi: f32,
    sink: &mut RenderSink<'_>,
) -> Result<(), IngestError> {
    let password = password.filter(|p| !p.is_empty());
    let document = pdfium
        .load_pdf_from_byte_slice(bytes, password)
        .map_err(|e| open_error(e, password.is_some()))?;
    for &number in pages {
        let index = number
            .checked_sub(1)
            .and_then(|i| i32::try_from(i).ok())
            .ok_or_else(|| malformed(page_location(number), "no such page"))?;
        let page = document
            .pages()
            .get(index)
            .map_err(|_| malformed(page_location(number), "no such page"))?;
        let frame = frame_of(&page);
        let (w_pt, h_pt) = (frame.width().max(1.0), frame.height().max(1.0));
        let mut scale = dpi.clamp(36.0, 600.0) / 72.0;
        let area = w_pt * h_pt * scale * scale;
        if area > MAX_RENDER_PIXELS {
            scale *= (MAX_RENDER_PIXELS / area).sqrt();
        }
        let config = PdfRenderConfig::new()
            .scale_page_by_factor(scale)
            // pdfium's own 8-bit grey target traps (a CHECK in its AGG driver) on filled paths;
            // draw in colour and fold to grey here.
            .set_format(PdfBitmapFormat::BGRx)
            .render_form_data(false);
        let bitmap = page.render_with_config(&config).map_err(|e| {
            malformed(
                page_location(number),
                format!("the page cannot be drawn for OCR ({e:?})"),
            )
        })?;
        let (width, height) = (
            u32::try_from(bitmap.width()).unwrap_or(0),
            u32::try_from(bitmap.height()).unwrap_or(0),
        );
        let raw = bitmap.as_raw_bytes();
        let raster = unpad(width, height, &raw)
            .ok_or_else(|| malformed(page_location(number), "the drawn page has no pixels"))?;
        sink(number, raster)?;
    }
    Ok(())
}

/// pdfium pads each row of a BGRx bitmap to its stride; OCR wants grey rows back to back
/// (luma by the Rec. 601 weights, in integers).
fn unpad(width: u32, height: u32, raw: &[u8]) -> Option<Raster> {
    let (w, h) = (usize::try_from(width).ok()?, usize::try_from(height).ok()?);
    if w == 0 || h == 0 {
        return None;
    }
    let stride = raw.len() / h;
    if stride < w.checked_mul(4)? {
        return None;
    }
    let mut pixels = Vec::with_capacity(w.checked_mul(h)?);
    for row in raw.chunks_exact(stride).take(h) {
        for px in row.chunks_exact(4).take(w) {
            if let [b, g, r, _] = px {
                let luma = (u32::from(*r) * 77 + u32::from(*g) * 150 + u32::from(*b) * 29) >> 8;
                pixels.push(u8::try_from(luma).unwrap_or(u8::MAX));
            }
        }
    }
    Some(Raster {
        width,
        height,
        pixels,
    })
}

fn open_error(error: PdfiumError, password_given: bool) -> IngestError {
    match error {
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::PasswordError) => {
            if password_given {
                IngestError::PdfPasswordIncorrect
            } else {
                IngestError::PdfPasswordRequired
            }
        }
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::SecurityError) => {
            IngestError::Unsupported {
                format: Format::Pdf,
                detail: "the PDF uses an encryption scheme that cannot be opened".to_owned(),
            }
        }
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::FormatError) => malformed(
            None,
            "not a readable PDF: its structure is broken beyond repair, or it is not a PDF",
        ),
        other => malformed(
            None,
            format!("not a readable PDF (the PDF library says: {other:?})"),
        ),
    }
}

fn extract_with(
    pdfium: &Pdfium,
    bytes: &[u8],
    password: Option<&str>,
    limits: &PdfLimits,
) -> Result<PdfText, IngestError> {
    let started = Instant::now();
    let budget = Duration::from_millis(limits.time_budget_ms);
    let password = password.filter(|p| !p.is_empty());
    let document = pdfium
        .load_pdf_from_byte_slice(bytes, password)
        .map_err(|e| open_error(e, password.is_some()))?;
    let facts = document_facts(&document);
    if facts.pages > limits.max_pages {
        return Err(too_many_pages(facts.pages, limits.max_pages));
    }
    let mut fonts = FontTable::default();
    let mut pages = Vec::new();
    let mut page_facts = Vec::new();
    for (index, page) in document.pages().iter().enumerate() {
        let number = u32::try_from(index).unwrap_or(u32::MAX).saturating_add(1);
        if started.elapsed() > budget {
            return Err(over_time(number, limits.time_budget_ms));
        }
        let (extracted, facts) = read_page(&page, number, &mut fonts, limits)?;
        pages.push(extracted);
        page_facts.push(facts);
    }
    Ok(assemble(bytes, facts, pages, page_facts, fonts))
}

fn document_facts(document: &PdfDocument<'_>) -> DocumentFacts {
    let metadata = document.metadata();
    let tag = |t| {
        metadata
            .get(t)
            .map(|m| m.value().trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    DocumentFacts {
        producer: tag(PdfDocumentMetadataTagType::Producer),
        creator: tag(PdfDocumentMetadataTagType::Creator),
        created: tag(PdfDocumentMetadataTagType::CreationDate),
        modified: tag(PdfDocumentMetadataTagType::ModificationDate),
        // AES-256 (revisions 5 and 6) is unknown to pdfium-render's enum: an error, still encrypted.
        encrypted: !matches!(
            document.permissions().security_handler_revision(),
            Ok(PdfSecurityHandlerRevision::Unprotected)
        ),
        pages: u32::try_from(document.pages().len()).unwrap_or(0),
    }
}

fn read_page(
    page: &PdfPage<'_>,
    number: u32,
    fonts: &mut FontTable,
    limits: &PdfLimits,
) -> Result<(Page, PageFacts), IngestError> {
    let frame = frame_of(page);
    let (width, height) = (frame.width(), frame.height());
    let text = page.text().map_err(|e| {
        malformed(
            page_location(number),
            format!("its text cannot be read ({e:?})"),
        )
    })?;
    let mut builder = WordBuilder::new();
    let mut stats = TextLayerStats::default();
    // Consecutive characters nearly always share a font: remember the last name's index.
    let mut last_font: Option<(String, Option<u16>)> = None;
    for ch in text.chars().iter() {
        let c = ch.unicode_char().unwrap_or('\u{FFFD}');
        stats.add(c);
        if c.is_whitespace() || c == '\0' {
            builder.break_word();
            continue;
        }
        let Ok(bounds) = ch.loose_bounds() else {
            builder.break_word();
            continue;
        };
        let name = ch.font_name();
        let font = match &last_font {
            Some((last, index)) if *last == name => *index,
            _ => {
                let index = fonts.index_of(&name);
                last_font = Some((name, index));
                index
            }
        };
        let r = frame.rect(
            bounds.left().value,
            bounds.bottom().value,
            bounds.right().value,
            bounds.top().value,
        );
        builder.push(Glyph {
            ch: c,
            x0: r.x0,
            y0: r.y0,
            x1: r.x1,
            y1: r.y1,
            size: effective_size(&ch),
            font,
        });
        if builder.len() > limits.max_words_per_page {
            return Err(too_many_words(number, limits.max_words_per_page));
        }
    }
    let built = builder.finish();
    if built.len() > limits.max_words_per_page {
        return Err(too_many_words(number, limits.max_words_per_page));
    }
    let mut images = Vec::new();
    collect_images(page.objects().iter(), &mut Vec::new(), &frame, &mut images);
    Ok(page_parts(number, width, height, built, images, stats))
}

/// The size a reader sees: the font size times the length of the glyph's vertical axis after the
/// text matrix and the CTM (pdfium-render's `scaled_font_size` uses only the matrix's `d`, which
/// is zero for text turned a quarter and negative for mirrored text).
fn effective_size(ch: &PdfPageTextChar<'_>) -> f32 {
    let size = ch.unscaled_font_size().value;
    match ch.matrix() {
        Ok(m) => size * m.c().hypot(m.d()),
        Err(_) => size,
    }
}

/// The page's visible box (media ∩ crop, as pdfium computes it) and rotation. A page whose box
/// cannot be read falls back to its reported size at the origin.
fn frame_of(page: &PdfPage<'_>) -> Frame {
    let quarter_turns = match page.rotation() {
        Ok(PdfPageRenderRotation::Degrees90) => 1,
        Ok(PdfPageRenderRotation::Degrees180) => 2,
        Ok(PdfPageRenderRotation::Degrees270) => 3,
        _ => 0,
    };
    match page.boundaries().bounding() {
        Ok(b) => Frame {
            left: b.bounds.left().value,
            bottom: b.bounds.bottom().value,
            right: b.bounds.right().value,
            top: b.bounds.top().value,
            quarter_turns,
        },
        Err(_) => {
            let (w, h) = (page.width().value, page.height().value);
            let (right, top) = if quarter_turns % 2 == 1 {
                (h, w)
            } else {
                (w, h)
            };
            Frame {
                left: 0.0,
                bottom: 0.0,
                right,
                top,
                quarter_turns,
            }
        }
    }
}

/// Bounds of the image objects (with their size in pixels when pdfium knows it), following form
/// XObjects: a form's children are in its own space, so their bounds go through each enclosing
/// form's matrix, innermost first (`forms` lists the matrices outermost first).
fn collect_images<'a>(
    objects: impl Iterator<Item = PdfPageObject<'a>>,
    forms: &mut Vec<PdfMatrix>,
    frame: &Frame,
    out: &mut Vec<(Rect, Option<(u32, u32)>)>,
) {
    for object in objects {
        match &object {
            PdfPageObject::Image(image) => {
                let Ok(mut quad) = image.bounds() else {
                    continue;
                };
                for matrix in forms.iter().rev() {
                    quad = quad.transform(*matrix);
                }
                let pixels = match (image.width(), image.height()) {
                    (Ok(w), Ok(h)) => u32::try_from(w).ok().zip(u32::try_from(h).ok()),
                    _ => None,
                };
                let rect = frame.rect(
                    quad.left().value,
                    quad.bottom().value,
                    quad.right().value,
                    quad.top().value,
                );
                out.push((rect, pixels));
            }
            PdfPageObject::XObjectForm(form) if forms.len() < MAX_FORM_DEPTH => {
                let Ok(matrix) = form.matrix() else {
                    continue;
                };
                forms.push(matrix);
                collect_images(form.iter(), forms, frame, out);
                forms.pop();
            }
            _ => {}
        }
    }
}
