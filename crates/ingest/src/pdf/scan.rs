//! PDFs and images to words: the text layer where it is readable, OCR where it is not.
//!
//! A statement PDF can be born digital (a text layer on every page), scanned (each page one
//! image, no text), or mixed (a scanned signature page behind digital ones). Each page is judged
//! on its own: a page with no words, or whose words are mostly characters no font meant, is drawn
//! and read by OCR; the others keep their exact text layer. A photo or a scan sent as PNG/JPEG
//! is one such page.

use ledgerlens_core::{Finding, Forensics, Format, Severity};

use super::layout::{self, garbled};
use super::ocr::{self, ImageHeader, recognise_pages};
use super::{Page, PdfText};
use crate::{IngestError, Input, Parsed};

/// Reads a PDF: text layer, OCR for the pages that need it, then the table.
pub fn read_pdf(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let options = input.options;
    let Some(engine) = &options.pdf_engine else {
        return Err(IngestError::Unsupported {
            format: Format::Pdf,
            detail: "no PDF engine is configured in this build".to_owned(),
        });
    };
    let password = options.password.as_deref();
    let mut text = engine.extract(input.bytes, password, &options.pdf_limits)?;
    let needing: Vec<u32> = text
        .pages
        .iter()
        .filter(|p| needs_ocr(p))
        .map(|p| p.number)
        .collect();
    if !needing.is_empty() {
        match &options.ocr_engine {
            Some(ocr) => {
                let limits = &options.ocr_limits;
                let plan = render_plan(&text.pages, &needing, limits.render_dpi);
                let sizes: Vec<(u32, f32)> = text
                    .pages
                    .iter()
                    .filter(|p| needing.contains(&p.number))
                    .map(|p| (p.number, p.width))
                    .collect();
                let read = recognise_pages(&sizes, ocr, limits, |sink| {
                    for (dpi, pages) in &plan {
                        engine.render(input.bytes, password, pages, *dpi, sink)?;
                    }
                    Ok(())
                })?;
                for page in read {
                    if let Some(slot) = text.pages.iter_mut().find(|p| p.number == page.number) {
                        *slot = page;
                    }
                }
                text.forensics
                    .findings
                    .push(scanned_finding(&needing, text.pages.len()));
                sort_findings(&mut text.forensics);
            }
            // Without OCR a partly scanned PDF is still read from its text pages; one with no
            // readable text at all cannot be, and says why.
            None if text.pages.iter().all(needs_ocr) => {
                return Err(IngestError::OcrUnavailable(
                    "no page of this PDF has a readable text layer, and no OCR engine is \
                     available (install tesseract-ocr)"
                        .to_owned(),
                ));
            }
            None => {}
        }
    }
    let forensics = text.forensics.clone();
    let mut parsed = layout::read(text)?;
    parsed.forensics = Some(forensics);
    Ok(parsed)
}

/// Lowest and highest scan resolutions drawn as they are; outside, `render_dpi` is used.
const NATIVE_DPI: std::ops::RangeInclusive<f32> = 96.0..=600.0;

/// The resolution each page needing OCR is drawn at, pages grouped by it (in page order within a
/// group): a scanned page at its image's own resolution, so the scanner's pixels reach OCR
/// unresampled (drawing a 200-dpi scan at 300 dpi cost half its amounts: the interpolated
/// glyphs read worse than the originals); any other page at `render_dpi`.
fn render_plan(pages: &[Page], needing: &[u32], render_dpi: f32) -> Vec<(f32, Vec<u32>)> {
    let mut plan: Vec<(f32, Vec<u32>)> = Vec::new();
    for &number in needing {
        let dpi = pages
            .iter()
            .find(|p| p.number == number)
            .and_then(|p| p.scan_dpi)
            .filter(|d| NATIVE_DPI.contains(d))
            // Scanners write whole resolutions; a page size rounded to points leaves a fraction.
            .map_or(render_dpi, f32::round);
        match plan.iter_mut().find(|(d, _)| (*d - dpi).abs() < 0.5) {
            Some((_, list)) => list.push(number),
            None => plan.push((dpi, vec![number])),
        }
    }
    plan
}

/// Reads a photo or scan (PNG, JPEG, TIFF) by OCR.
pub fn read_image(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let options = input.options;
    let limits = &options.ocr_limits;
    let header = ocr::image_header(input.bytes);
    if let Some(ImageHeader { width, height, .. }) = header {
        let pixels = u64::from(width) * u64::from(height);
        if pixels > limits.max_pixels || width == 0 || height == 0 {
            return Err(IngestError::malformed(
                Format::Image,
                None,
                format!(
                    "the image declares {width}×{height} pixels; the limit is {} pixels",
                    limits.max_pixels
                ),
            ));
        }
    }
    let Some(engine) = &options.ocr_engine else {
        return Err(IngestError::OcrUnavailable(
            "no OCR engine is available (install tesseract-ocr)".to_owned(),
        ));
    };
    let image = engine.recognise(input.bytes, limits)?;
    let dpi = header
        .and_then(|h| h.dpi)
        .unwrap_or_else(|| guess_dpi(&image));
    let page = ocr::to_page(1, &image, dpi);
    let mut forensics = Forensics {
        pages: 1,
        ..Forensics::default()
    };
    forensics.findings.push(scanned_finding(&[1], 1));
    let text = PdfText {
        pages: vec![page],
        fonts: Vec::new(),
        forensics: forensics.clone(),
    };
    let mut parsed = layout::read(text)?;
    parsed.forensics = Some(forensics);
    Ok(parsed)
}

/// A photo rarely states its resolution. Statement body text is set at 8–10 pt; taking the
/// median word height as 9 pt puts the page on a human scale, which is all the table reader
/// needs (its tolerances are in units of the type size).
fn guess_dpi(image: &ocr::OcrImage) -> f32 {
    let mut heights: Vec<f32> = image
        .words
        .iter()
        .filter(|w| w.text.chars().count() >= 2)
        .map(|w| w.height)
        .collect();
    heights.sort_by(f32::total_cmp);
    match heights.get(heights.len() / 2) {
        Some(h) if *h > 4.0 => (h / 9.0 * 72.0).clamp(72.0, 1200.0),
        _ => 300.0,
    }
}

/// A page OCR should read: no words at all, or a text layer that is mostly unmapped glyphs.
fn needs_ocr(page: &Page) -> bool {
    if page.ocr {
        return false;
    }
    let (mut chars, mut bad) = (0usize, 0usize);
    for c in page.words.iter().flat_map(|w| w.text.chars().take(64)) {
        chars += 1;
        bad += usize::from(garbled(c));
    }
    chars == 0 || bad * 3 > chars
}

fn scanned_finding(pages: &[u32], total: usize) -> Finding {
    let which = if pages.len() == total {
        "every page".to_owned()
    } else {
        format!(
            "page{} {}",
            if pages.len() == 1 { "" } else { "s" },
            pages
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Finding {
        code: "scanned_pages".to_owned(),
        severity: Severity::Info,
        reason: format!(
            "{which} carried no readable text and {} read by OCR: the figures are what the \
             machine saw, confirmed only where the running balance follows",
            if pages.len() == 1 { "was" } else { "were" }
        ),
        page: (pages.len() == 1).then(|| pages.first().copied()).flatten(),
    }
}

fn sort_findings(forensics: &mut Forensics) {
    forensics
        .findings
        .sort_by_key(|f| std::cmp::Reverse(f.severity));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::Word;

    fn page(words: &[&str]) -> Page {
        Page {
            number: 1,
            width: 595.0,
            height: 842.0,
            words: words
                .iter()
                .map(|t| Word {
                    text: (*t).to_owned(),
                    x0: 0.0,
                    y0: 0.0,
                    x1: 1.0,
                    y1: 1.0,
                    font: None,
                    size: 9.0,
                    confidence: None,
                })
                .collect(),
            ocr: false,
            scan_dpi: None,
        }
    }

    #[test]
    fn empty_and_garbled_pages_need_ocr_readable_ones_do_not() {
        assert!(needs_ocr(&page(&[])));
        assert!(needs_ocr(&page(&["\u{E001}\u{E002}\u{E003}", "a"])));
        assert!(!needs_ocr(&page(&["Balance", "1,234.56"])));
    }

    #[test]
    fn scanned_pages_are_drawn_at_their_own_resolution() {
        let mut pages: Vec<Page> = (1..=4)
            .map(|n| Page {
                number: n,
                ..page(&[])
            })
            .collect();
        pages[0].scan_dpi = Some(199.7);
        pages[1].scan_dpi = Some(200.2);
        pages[2].scan_dpi = Some(40.0);
        let plan = render_plan(&pages, &[1, 2, 3, 4], 300.0);
        assert_eq!(plan, vec![(200.0, vec![1, 2]), (300.0, vec![3, 4])]);
    }

    #[test]
    fn the_finding_names_the_pages() {
        let f = scanned_finding(&[2, 3], 4);
        assert_eq!(f.code, "scanned_pages");
        assert!(f.reason.starts_with("pages 2, 3 carried"), "{}", f.reason);
        assert!(scanned_finding(&[1], 1).reason.starts_with("every page"));
    }
}
