//! Scans and photos: the engine-independent half of OCR.
//!
//! An OCR engine (tesseract, behind [`OcrEngine`], implemented outside this crate) reads one image
//! and reports words with pixel boxes, a confidence and the line it put each word on. Everything
//! after that is pure: pixels become page points, the tilt of a scan or a photo is measured on
//! the engine's own lines and removed, and the words join the same table reconstruction as a
//! text PDF's ([`super::layout`]). Orchestrating several pages ([`recognise_pages`]) is here too,
//! because the bound on memory (a few rendered pages in flight, not the whole document) is a
//! property of the pipeline, not of any one engine.

use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};

use ledgerlens_core::Format;

use super::{Page, Word};
use crate::error::IngestError;

/// A grayscale bitmap: 8 bits a pixel, row-major, no padding, 0 black and 255 white.
#[derive(Clone, PartialEq, Eq)]
pub struct Raster {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height` bytes.
    pub pixels: Vec<u8>,
}

impl std::fmt::Debug for Raster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Raster({}×{})", self.width, self.height)
    }
}

impl Raster {
    /// Flattens the paper: each pixel is divided by the local paper tone (the light level of its
    /// neighbourhood, tiles of about an eighth of an inch, interpolated between tile centres),
    /// so that print on a tinted band, a shaded header or an unevenly lit photo stands on white
    /// like the rest of the page. Without it, one global threshold (tesseract's Otsu) reads a
    /// grey header band as a black image region and the column names in it are lost. Dark
    /// regions (white print on a dark band) are left as they are: the engine inverts those.
    pub fn flatten_background(&mut self, dpi: f32) {
        let (w, h) = (self.width as usize, self.height as usize);
        if w == 0 || h == 0 || self.pixels.len() != w * h {
            return;
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let tile = ((if dpi.is_finite() { dpi } else { 300.0 }) / 8.0).clamp(8.0, 128.0) as usize;
        let (tw, th) = (w.div_ceil(tile), h.div_ceil(tile));
        // The paper tone of each tile: its 80th percentile (print covers far less of a tile).
        let mut tone = vec![255f32; tw * th];
        let mut histogram = [0u32; 256];
        for ty in 0..th {
            for tx in 0..tw {
                histogram.fill(0);
                let (x0, y0) = (tx * tile, ty * tile);
                let (x1, y1) = ((x0 + tile).min(w), (y0 + tile).min(h));
                for y in y0..y1 {
                    for &p in self.pixels.get(y * w + x0..y * w + x1).unwrap_or_default() {
                        if let Some(bin) = histogram.get_mut(usize::from(p)) {
                            *bin += 1;
                        }
                    }
                }
                let count = u32::try_from((x1 - x0) * (y1 - y0)).unwrap_or(u32::MAX);
                let target = count / 5;
                let mut seen = 0u32;
                let mut level = 255usize;
                for (v, n) in histogram.iter().enumerate().rev() {
                    seen += n;
                    if seen > target {
                        level = v;
                        break;
                    }
                }
                if let Some(t) = tone.get_mut(ty * tw + tx) {
                    *t = level as f32;
                }
            }
        }
        let at = |x: usize, y: usize| tone.get(y * tw + x).copied().unwrap_or(255.0);
        // Tile-centre coordinates of a pixel: index of the tile before it and the weight after.
        let locate = |p: usize, n: usize| {
            let f = ((p as f32 + 0.5) / tile as f32 - 0.5).max(0.0);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let i = (f as usize).min(n - 1);
            (i, (i + 1).min(n - 1), (f - i as f32).clamp(0.0, 1.0))
        };
        let columns: Vec<(usize, usize, f32)> = (0..w).map(|x| locate(x, tw)).collect();
        for y in 0..h {
            let (y0, y1, ay) = locate(y, th);
            let Some(row) = self.pixels.get_mut(y * w..(y + 1) * w) else {
                break;
            };
            for (p, &(x0, x1, ax)) in row.iter_mut().zip(&columns) {
                let top = at(x0, y0) * (1.0 - ax) + at(x1, y0) * ax;
                let bottom = at(x0, y1) * (1.0 - ax) + at(x1, y1) * ax;
                let paper = top * (1.0 - ay) + bottom * ay;
                if paper >= 128.0 {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let v = (f32::from(*p) * 255.0 / paper).round().min(255.0) as u8;
                    *p = v;
                }
            }
        }
    }

    /// The bitmap as a binary PGM (P5), the simplest container every OCR engine reads: no
    /// compression to spend time on for an image that only crosses a pipe.
    pub fn to_pgm(&self) -> Vec<u8> {
        let header = format!("P5\n{} {}\n255\n", self.width, self.height);
        let mut out = Vec::with_capacity(header.len() + self.pixels.len());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(&self.pixels);
        out
    }
}

/// One word as an OCR engine reports it, in pixels of the image it read.
#[derive(Clone, Debug, PartialEq)]
pub struct OcrWord {
    /// The text.
    pub text: String,
    /// Left edge, pixels.
    pub left: f32,
    /// Top edge, pixels.
    pub top: f32,
    /// Width, pixels.
    pub width: f32,
    /// Height, pixels.
    pub height: f32,
    /// Confidence in 0..=1.
    pub confidence: f32,
    /// The engine's line this word belongs to (any key unique within the image).
    pub line: u64,
}

/// What an OCR engine read from one image.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OcrImage {
    /// Image width, pixels.
    pub width: u32,
    /// Image height, pixels.
    pub height: u32,
    /// Words in the engine's order.
    pub words: Vec<OcrWord>,
}

/// Bounds on OCR.
#[derive(Clone, Debug)]
pub struct OcrLimits {
    /// Wall-clock budget for one image, in milliseconds; an engine that runs over is stopped.
    pub per_image_ms: u64,
    /// Largest image accepted, in pixels (a decompression-bomb guard: a tiny PNG can declare a
    /// gigapixel canvas).
    pub max_pixels: u64,
    /// Resolution scanned PDF pages are rendered at for OCR.
    pub render_dpi: f32,
    /// OCR processes run at once (pages in parallel; each engine process is single-threaded).
    pub workers: usize,
}

impl Default for OcrLimits {
    fn default() -> Self {
        OcrLimits {
            per_image_ms: 60_000,
            max_pixels: 80_000_000,
            render_dpi: 300.0,
            workers: std::thread::available_parallelism().map_or(1, usize::from),
        }
    }
}

/// Something that reads words off an image.
pub trait OcrEngine: std::fmt::Debug + Send + Sync {
    /// Reads one image, in any container the engine understands (PNG, JPEG, TIFF, PGM).
    fn recognise(&self, image: &[u8], limits: &OcrLimits) -> Result<OcrImage, IngestError>;
}

/// Image containers that statements arrive in, by signature.
pub fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
}

/// The image's size in pixels and the resolution it declares, read from its header without
/// decoding it, so that a bomb is refused before any engine allocates for it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImageHeader {
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
    /// Declared dots per inch, when the file states a plausible one.
    pub dpi: Option<f32>,
}

/// Reads the header of a PNG or JPEG (TIFF: size unknown, `None`).
pub fn image_header(bytes: &[u8]) -> Option<ImageHeader> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_header(bytes)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg_header(bytes)
    } else {
        None
    }
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([
        *b.first()?,
        *b.get(1)?,
        *b.get(2)?,
        *b.get(3)?,
    ]))
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([*b.first()?, *b.get(1)?]))
}

/// A resolution worth believing: cameras write 72 (meaning "unknown"), and nobody scans a
/// statement below 100 dpi or above 1200.
fn plausible_dpi(dpi: f32) -> Option<f32> {
    (100.0..=1200.0).contains(&dpi).then_some(dpi)
}

fn png_header(bytes: &[u8]) -> Option<ImageHeader> {
    let (width, height) = (be32(bytes, 16)?, be32(bytes, 20)?);
    let mut dpi = None;
    let mut at = 8usize;
    // Walk the chunks before the image data for pHYs.
    for _ in 0..64 {
        // A file that ends before its image data still has a size: stop looking, keep it.
        let (Some(len), Some(kind)) = (
            be32(bytes, at).and_then(|l| usize::try_from(l).ok()),
            bytes.get(at + 4..at + 8),
        ) else {
            break;
        };
        if kind == b"IDAT" || kind == b"IEND" {
            break;
        }
        if kind == b"pHYs" && len >= 9 && bytes.get(at + 16) == Some(&1) {
            let per_metre = be32(bytes, at + 8)?;
            let per_inch = per_metre as f32 * 0.0254;
            dpi = plausible_dpi(per_inch);
        }
        let Some(next) = at.checked_add(12).and_then(|a| a.checked_add(len)) else {
            break;
        };
        at = next;
    }
    Some(ImageHeader { width, height, dpi })
}

fn jpeg_header(bytes: &[u8]) -> Option<ImageHeader> {
    let mut at = 2usize;
    let mut dpi = None;
    for _ in 0..256 {
        if bytes.get(at) != Some(&0xFF) {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        let len = usize::from(be16(bytes, at + 2)?);
        match marker {
            // APP0 JFIF: units 1 = dots per inch, 2 = per centimetre.
            0xE0 if bytes.get(at + 4..at + 9) == Some(b"JFIF\0") => {
                let units = *bytes.get(at + 11)?;
                let x = f32::from(be16(bytes, at + 12)?);
                dpi = match units {
                    1 => plausible_dpi(x),
                    2 => plausible_dpi(x * 2.54),
                    _ => None,
                };
            }
            // Start of frame (baseline, progressive, …; not DHT 0xC4, JPG 0xC8, DAC 0xCC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                let height = u32::from(be16(bytes, at + 5)?);
                let width = u32::from(be16(bytes, at + 7)?);
                return Some(ImageHeader { width, height, dpi });
            }
            _ => {}
        }
        at = at.checked_add(2)?.checked_add(len)?;
    }
    None
}

/// Turns what OCR read into a page of words in points, tilt removed.
///
/// `dpi` converts pixels to points. The tilt is the median slope of the engine's own lines
/// (word centres fitted left to right): tesseract finds lines on a skewed page correctly but
/// reports axis-aligned boxes in the skewed image, so a 1° tilt moves the right end of a row a
/// whole line down. Rotating the word centres back makes rows level for the table reader.
pub fn to_page(number: u32, image: &OcrImage, dpi: f32) -> Page {
    let scale = 72.0
        / if dpi.is_finite() && dpi > 0.0 {
            dpi
        } else {
            300.0
        };
    let slope = tilt(&image.words);
    let (cx, cy) = (image.width as f32 / 2.0, image.height as f32 / 2.0);
    let (sin, cos) = slope.atan().sin_cos();
    let line_heights = line_heights(&image.words);
    let words = image
        .words
        .iter()
        .filter(|w| !w.text.trim().is_empty() && !speck(&w.text))
        .map(|w| {
            let (mx, my) = (w.left + w.width / 2.0 - cx, w.top + w.height / 2.0 - cy);
            // Rotate by −θ: the line's slope goes to zero.
            let x = mx * cos + my * sin + cx;
            let y = -mx * sin + my * cos + cy;
            let height = line_heights
                .iter()
                .find(|(line, _)| *line == w.line)
                .map_or(w.height, |(_, h)| *h);
            Word {
                text: w.text.trim().to_owned(),
                x0: (x - w.width / 2.0) * scale,
                y0: (y - w.height / 2.0) * scale,
                x1: (x + w.width / 2.0) * scale,
                y1: (y + w.height / 2.0) * scale,
                font: None,
                // A line's box spans ascenders to descenders, about the font size.
                size: height * scale,
                confidence: Some(w.confidence.clamp(0.0, 1.0)),
            }
        })
        .collect();
    Page {
        number,
        width: image.width as f32 * scale,
        height: image.height as f32 * scale,
        words,
        ocr: true,
        scan_dpi: None,
    }
}

/// Dust, ruled lines and stray marks that OCR reads as punctuation-only words ("." "|" "'");
/// left in, they split a header cell or a date from its column. Dashes stay: a bank prints
/// them in empty cells.
fn speck(text: &str) -> bool {
    text.chars().all(|c| {
        matches!(
            c,
            '.' | ','
                | '\''
                | '`'
                | ':'
                | ';'
                | '|'
                | '_'
                | '~'
                | '"'
                | '‘'
                | '’'
                | '“'
                | '”'
                | '!'
                | '¦'
        )
    })
}

/// The tallest word of each engine line: the line's type size in pixels.
fn line_heights(words: &[OcrWord]) -> Vec<(u64, f32)> {
    let mut out: Vec<(u64, f32)> = Vec::new();
    for w in words {
        match out.iter_mut().find(|(line, _)| *line == w.line) {
            Some((_, h)) => *h = h.max(w.height),
            None => out.push((w.line, w.height)),
        }
    }
    out
}

/// The median slope (dy/dx) of the engine's lines, each fitted by least squares through its
/// word centres; lines of fewer than three words or spanning little width say nothing.
fn tilt(words: &[OcrWord]) -> f32 {
    let mut lines: Vec<(u64, Vec<(f32, f32)>)> = Vec::new();
    for w in words {
        let centre = (w.left + w.width / 2.0, w.top + w.height / 2.0);
        match lines.iter_mut().find(|(line, _)| *line == w.line) {
            Some((_, points)) => points.push(centre),
            None => lines.push((w.line, vec![centre])),
        }
    }
    let mut slopes: Vec<f32> = lines
        .iter()
        .filter(|(_, p)| p.len() >= 3)
        .filter_map(|(_, points)| {
            let n = points.len() as f32;
            let mx = points.iter().map(|p| p.0).sum::<f32>() / n;
            let my = points.iter().map(|p| p.1).sum::<f32>() / n;
            let sxx: f32 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
            let sxy: f32 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
            let span = points.iter().map(|p| p.0).fold(f32::MIN, f32::max)
                - points.iter().map(|p| p.0).fold(f32::MAX, f32::min);
            (span > 200.0 && sxx > 0.0).then(|| sxy / sxx)
        })
        .filter(|s| s.is_finite() && s.abs() < 0.2)
        .collect();
    if slopes.is_empty() {
        return 0.0;
    }
    slopes.sort_by(f32::total_cmp);
    slopes.get(slopes.len() / 2).copied().unwrap_or(0.0)
}

/// Renders pages of a document: hands each rendered page to `sink` as soon as it exists, so a
/// caller can start OCR while later pages are still being drawn.
pub type RenderSink<'a> = dyn FnMut(u32, Raster) -> Result<(), IngestError> + 'a;

/// OCRs the given pages of a document, each given as its number and its width in points:
/// `render` draws them one by one into `sink` (holding the document's engine, which is usually
/// single-threaded), while `workers` OCR processes read them in parallel. At most `workers`
/// rendered pages wait at once, which bounds memory whatever the page count. A drawing's
/// resolution is its width in pixels over the page's in inches (pages may be drawn at different
/// resolutions); `limits.render_dpi` when the width is unknown. Returns the pages in the order
/// asked.
pub fn recognise_pages(
    pages: &[(u32, f32)],
    ocr: &Arc<dyn OcrEngine>,
    limits: &OcrLimits,
    render: impl FnOnce(&mut RenderSink<'_>) -> Result<(), IngestError>,
) -> Result<Vec<Page>, IngestError> {
    let workers = limits.workers.clamp(1, 16);
    let (tx, rx) = mpsc::sync_channel::<(u32, Raster)>(workers);
    let rx = Arc::new(Mutex::new(rx));
    let results: Mutex<Vec<(u32, Result<Page, IngestError>)>> = Mutex::new(Vec::new());
    let rendered = std::thread::scope(|scope| {
        for _ in 0..workers {
            let rx = Arc::clone(&rx);
            let results = &results;
            scope.spawn(move || {
                loop {
                    let next = rx.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    let Ok((number, mut raster)) = next else {
                        break;
                    };
                    let dpi = pages
                        .iter()
                        .find(|(n, _)| *n == number)
                        .map(|(_, width)| raster.width as f32 * 72.0 / width)
                        .filter(|d| d.is_finite() && *d > 0.0)
                        .unwrap_or(limits.render_dpi);
                    raster.flatten_background(dpi);
                    let outcome = ocr
                        .recognise(&raster.to_pgm(), limits)
                        .map(|image| to_page(number, &image, dpi));
                    results
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push((number, outcome));
                }
            });
        }
        let mut sink = |number: u32, raster: Raster| {
            tx.send((number, raster)).map_err(|_| {
                IngestError::malformed(Format::Pdf, None, "the OCR workers stopped early")
            })
        };
        let outcome = render(&mut sink);
        drop(tx);
        outcome
    });
    rendered?;
    let mut results = results.into_inner().unwrap_or_else(PoisonError::into_inner);
    results.sort_by_key(|(n, _)| *n);
    let mut out = Vec::with_capacity(pages.len());
    for (number, page) in results {
        if pages.iter().any(|(n, _)| *n == number) {
            out.push(page?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, left: f32, top: f32, line: u64) -> OcrWord {
        OcrWord {
            text: text.to_owned(),
            left,
            top,
            width: 100.0,
            height: 30.0,
            confidence: 0.9,
            line,
        }
    }

    #[test]
    fn a_tilted_line_comes_out_level_and_in_points() {
        // Words of one line drifting down 2 px per 100 px (≈1.15°), image 2480×3508 at 300 dpi.
        let words: Vec<OcrWord> = (0..8)
            .map(|i| {
                word(
                    "12.50",
                    200.0 + 250.0 * i as f32,
                    1000.0 + 5.0 * i as f32,
                    7,
                )
            })
            .collect();
        let image = OcrImage {
            width: 2480,
            height: 3508,
            words,
        };
        let page = to_page(3, &image, 300.0);
        assert!(page.ocr);
        assert_eq!(page.number, 3);
        assert!((page.width - 595.2).abs() < 0.1, "{}", page.width);
        let ys: Vec<f32> = page.words.iter().map(|w| w.y0).collect();
        let spread =
            ys.iter().fold(f32::MIN, |a, b| a.max(*b)) - ys.iter().fold(f32::MAX, |a, b| a.min(*b));
        assert!(spread < 0.5, "still tilted: {ys:?}");
        assert!((page.words[0].size - 7.2).abs() < 0.01);
        assert_eq!(page.words[0].confidence, Some(0.9));
    }

    #[test]
    fn headers_give_size_and_resolution_without_decoding() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(b"IHDR");
        png.extend_from_slice(&1700u32.to_be_bytes());
        png.extend_from_slice(&2200u32.to_be_bytes());
        png.extend_from_slice(&[8, 0, 0, 0, 0, 0, 0, 0, 0]);
        png.extend_from_slice(&9u32.to_be_bytes());
        png.extend_from_slice(b"pHYs");
        png.extend_from_slice(&7874u32.to_be_bytes());
        png.extend_from_slice(&7874u32.to_be_bytes());
        png.extend_from_slice(&[1, 0, 0, 0, 0]);
        let h = image_header(&png).unwrap();
        assert_eq!((h.width, h.height), (1700, 2200));
        assert!((h.dpi.unwrap() - 200.0).abs() < 0.1);
        assert!(is_image(&png));

        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 1, 0, 150, 0, 150, 0,
            0, 0xFF, 0xC0, 0, 11, 8, 0x08, 0x98, 0x06, 0xA4, 1, 1, 0x11, 0,
        ];
        let h = image_header(&jpeg).unwrap();
        assert_eq!((h.width, h.height, h.dpi), (1700, 2200, Some(150.0)));
        // Truncated headers are no panic, just unknown.
        assert_eq!(image_header(&jpeg[..12]), None);
        assert_eq!(image_header(&png[..20]), None);
    }

    #[test]
    fn a_grey_band_is_flattened_to_white_and_its_print_kept_dark() {
        // 200 dpi: paper 240, a band of 210 across rows 40..80, print of 120 inside the band.
        let (w, h) = (200u32, 120u32);
        let mut pixels = vec![240u8; (w * h) as usize];
        for y in 40..80usize {
            for x in 0..w as usize {
                pixels[y * w as usize + x] = if (60..64).contains(&y) && x % 7 < 2 {
                    120
                } else {
                    210
                };
            }
        }
        let mut r = Raster {
            width: w,
            height: h,
            pixels,
        };
        r.flatten_background(200.0);
        let at = |x: usize, y: usize| r.pixels[y * w as usize + x];
        assert!(at(100, 10) >= 250, "paper {}", at(100, 10));
        assert!(at(101, 60) >= 245, "band {}", at(101, 60));
        assert!(at(101, 75) >= 235, "band edge {}", at(101, 75));
        assert!(at(98, 62) <= 150, "print {}", at(98, 62));
        // A dark band (white print on black) is left to the engine.
        let mut dark = Raster {
            width: 64,
            height: 64,
            pixels: vec![20; 64 * 64],
        };
        dark.flatten_background(200.0);
        assert!(dark.pixels.iter().all(|p| *p == 20));
    }

    #[test]
    fn pgm_carries_size_and_pixels() {
        let r = Raster {
            width: 2,
            height: 1,
            pixels: vec![0, 255],
        };
        assert_eq!(r.to_pgm(), b"P5\n2 1\n255\n\x00\xff");
    }
}
