//! Scanned and photographed pages: what OCR receives instead of a text PDF.
//!
//! Lenders rarely get the bank's own PDF. They get a statement that was printed and fed through
//! an office scanner, or photographed on a desk with a phone, and sent on as a PNG, a JPEG or a
//! "scan to PDF" file that holds one picture per page and no text at all. Such pages share a few
//! traits, and each is here because it is what breaks OCR in practice:
//!
//! - **A small skew.** Paper never enters a feeder, or lies under a phone, perfectly square:
//!   half a degree to two degrees is normal. Rows of a statement table then drift across text
//!   lines, so a reader that assumes horizontal baselines merges neighbouring transactions.
//! - **Soft edges.** Scanner optics and phone autofocus blur strokes over a pixel or two, which
//!   joins thin glyphs (`1`/`l`, `0`/`O`, the comma and point in amounts).
//! - **Washed-out contrast.** Paper is never 255: a scan's white is light grey and its black is
//!   dark grey, so fixed binarisation thresholds fail.
//! - **Sensor noise.** Every grey level jitters by a few units; it is why real scans compress
//!   badly and why a pixel-exact comparison is never possible.
//! - **Dust and dropouts.** Dirt on the glass and toner specks add isolated dark dots that OCR
//!   takes for full stops and decimal points; missing toner adds light ones.
//!
//! Perspective (a phone held at an angle), uneven lighting and page curl are deliberately left
//! out: they need a document-dewarping stage that ledgerlens does not claim to have, and test
//! data should exercise what the reader promises to handle.
//!
//! Everything is deterministic for a seed, pure (bytes in, bytes out) and written here with no
//! image library: the PNG and JPEG encoders are small, and the PDF reuses the statement writer's
//! object and xref code.

mod degrade;
mod jpeg;
mod pdf;
mod png;

use std::borrow::Cow;

pub use degrade::{ScanOptions, degrade};
pub use jpeg::jpeg;
pub use pdf::{image_pdf, jpeg_pdf};
pub use png::png;

/// An 8-bit grayscale page: row-major, no padding, 0 = black, 255 = white.
///
/// The fields are public so that a renderer can fill a page without copying; the constructors
/// are the checked way in, and every function here still copes with a hand-built value whose
/// pixel count is wrong (missing pixels read as white paper, extra ones are ignored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gray {
    /// Pixels per row.
    pub width: u32,
    /// Rows.
    pub height: u32,
    /// `width * height` grey levels, top row first.
    pub pixels: Vec<u8>,
}

/// Paper: what uncovered or missing pixels become.
const WHITE: u8 = 255;

impl Gray {
    /// The longest side accepted. JPEG cannot describe more, and at 300 dpi it is 5.5 metres:
    /// no statement page comes near it, so a larger value is a caller's bug, not a page.
    pub const MAX_SIDE: u32 = 65_535;

    /// A page from exactly `width * height` grey levels; None when the count differs or a side
    /// is zero or longer than [`Gray::MAX_SIDE`].
    pub fn new(width: u32, height: u32, pixels: Vec<u8>) -> Option<Gray> {
        let len = area(width, height)?;
        (pixels.len() == len).then_some(Gray {
            width,
            height,
            pixels,
        })
    }

    /// A page from a bitmap whose rows are `stride` bytes apart (pdfium pads rows to a multiple
    /// of four bytes), one grey byte per pixel. The last row may omit its padding.
    pub fn from_strided(width: u32, height: u32, stride: usize, bytes: &[u8]) -> Option<Gray> {
        let len = area(width, height)?;
        let row = usize::try_from(width).ok()?;
        if stride < row {
            return None;
        }
        let rows = usize::try_from(height).ok()?;
        let needed = stride.checked_mul(rows - 1)?.checked_add(row)?;
        if bytes.len() < needed {
            return None;
        }
        let mut pixels = Vec::with_capacity(len);
        for line in bytes.chunks(stride).take(rows) {
            pixels.extend_from_slice(line.get(..row)?);
        }
        Gray::new(width, height, pixels)
    }

    /// This page with its sides clamped to `1..=MAX_SIDE` and its pixel count made right, so
    /// that encoders never meet an impossible header. Borrowed in the normal case.
    fn fitted(&self) -> Cow<'_, Gray> {
        let width = self.width.clamp(1, Gray::MAX_SIDE);
        let height = self.height.clamp(1, Gray::MAX_SIDE);
        let len = area(width, height).unwrap_or(1);
        if width == self.width && height == self.height && self.pixels.len() == len {
            return Cow::Borrowed(self);
        }
        let (row, old_row) = (to_usize(width), to_usize(self.width));
        let mut pixels = Vec::with_capacity(len);
        for y in 0..to_usize(height) {
            let start = y.saturating_mul(old_row);
            let line = self
                .pixels
                .get(start..start.saturating_add(row).min(self.pixels.len()))
                .unwrap_or(&[]);
            let line = line.get(..row.min(old_row)).unwrap_or(line);
            pixels.extend_from_slice(line);
            pixels.resize((y + 1) * row, WHITE);
        }
        Cow::Owned(Gray {
            width,
            height,
            pixels,
        })
    }
}

/// `width * height` when both sides are in `1..=MAX_SIDE`.
fn area(width: u32, height: u32) -> Option<usize> {
    let valid = 1..=Gray::MAX_SIDE;
    if !valid.contains(&width) || !valid.contains(&height) {
        return None;
    }
    usize::try_from(width)
        .ok()?
        .checked_mul(usize::try_from(height).ok()?)
}

/// A side as an index bound; sides are at most `MAX_SIDE`, so this never saturates on the
/// 32- and 64-bit targets ledgerlens builds for.
fn to_usize(side: u32) -> usize {
    usize::try_from(side).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn new_refuses_a_pixel_count_that_does_not_match() {
        assert!(Gray::new(3, 2, vec![0; 6]).is_some());
        assert!(Gray::new(3, 2, vec![0; 5]).is_none());
        assert!(Gray::new(0, 0, vec![]).is_none());
        assert!(Gray::new(Gray::MAX_SIDE + 1, 1, vec![0; 65_536]).is_none());
        assert!(Gray::new(u32::MAX, u32::MAX, vec![]).is_none());
    }

    #[test]
    fn from_strided_drops_row_padding() {
        let bytes = [1, 2, 3, 99, 4, 5, 6, 99, 7, 8, 9];
        let gray = Gray::from_strided(3, 3, 4, &bytes).unwrap();
        assert_eq!(gray.pixels, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert!(
            Gray::from_strided(3, 3, 2, &bytes).is_none(),
            "stride < width"
        );
        assert!(
            Gray::from_strided(3, 4, 4, &bytes).is_none(),
            "too few bytes"
        );
        assert!(Gray::from_strided(3, 1, usize::MAX, &bytes).is_some());
        assert!(Gray::from_strided(3, 2, usize::MAX, &bytes).is_none());
    }

    #[test]
    fn a_hand_built_page_with_missing_pixels_is_padded_with_paper() {
        let broken = Gray {
            width: 3,
            height: 2,
            pixels: vec![0, 0, 0, 0],
        };
        assert_eq!(broken.fitted().pixels, [0, 0, 0, 0, 255, 255]);
        let empty = Gray {
            width: 0,
            height: 0,
            pixels: vec![],
        };
        assert_eq!(*empty.fitted(), Gray::new(1, 1, vec![255]).unwrap());
        let good = Gray::new(2, 1, vec![1, 2]).unwrap();
        assert!(matches!(good.fitted(), Cow::Borrowed(_)));
    }
}
