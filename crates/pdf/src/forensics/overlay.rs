//! Text drawn over pictures.
//!
//! One way to alter a printed amount is to paste a small picture (a white patch, or a crop of
//! the page's background) over it and type the new amount on top. The words that overlap a
//! small image are therefore worth naming. Text over a page-sized image is common and innocent
//! (a scanned page with an OCR layer, a letterhead background), so it is only noted.

use std::borrow::Borrow;

use ledgerlens_core::{Finding, Severity};
use ledgerlens_ingest::pdf::Word;

use super::fonts::is_numeric;

/// A rectangle in top-left page coordinates (points, y down).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
}

impl Rect {
    fn area(&self) -> f32 {
        (self.x1 - self.x0).max(0.0) * (self.y1 - self.y0).max(0.0)
    }

    fn intersection(&self, other: &Rect) -> f32 {
        let w = self.x1.min(other.x1) - self.x0.max(other.x0);
        let h = self.y1.min(other.y1) - self.y0.max(other.y0);
        w.max(0.0) * h.max(0.0)
    }
}

/// Images covering at least this share of the page are backgrounds, not patches.
const BACKGROUND_SHARE: f32 = 0.5;

/// A word is "over" an image when at least this share of its box lies on the image.
const COVERED_SHARE: f32 = 0.5;

/// Words quoted in a reason, at most.
const QUOTED: usize = 5;

/// `text_over_image` for one page.
pub fn text_over_image<W: Borrow<Word>>(
    page: u32,
    page_area: f32,
    words: &[W],
    images: &[Rect],
) -> Option<Finding> {
    let words = || words.iter().map(Borrow::borrow);
    let over = |image: &Rect, w: &Word| {
        let bbox = Rect {
            x0: w.x0,
            y0: w.y0,
            x1: w.x1,
            y1: w.y1,
        };
        let area = bbox.area();
        area > 0.0 && image.intersection(&bbox) >= COVERED_SHARE * area
    };
    let (backgrounds, patches): (Vec<&Rect>, Vec<&Rect>) = images
        .iter()
        .filter(|r| r.area() > 0.0)
        .partition(|r| r.area() >= BACKGROUND_SHARE * page_area.max(1.0));
    let on_patches: Vec<&Word> = words()
        .filter(|w| patches.iter().any(|img| over(img, w)))
        .collect();
    if !on_patches.is_empty() {
        let numbers = on_patches.iter().any(|w| is_numeric(&w.text));
        let quoted: Vec<String> = on_patches
            .iter()
            .take(QUOTED)
            .map(|w| format!("\"{}\"", w.text))
            .collect();
        let more = on_patches.len().saturating_sub(QUOTED);
        return Some(Finding {
            code: "text_over_image".to_owned(),
            severity: if numbers {
                Severity::Warning
            } else {
                Severity::Info
            },
            reason: format!(
                "on page {page}, {}{} drawn over a picture{}",
                quoted.join(", "),
                if more > 0 {
                    format!(" and {more} more words are")
                } else if on_patches.len() == 1 {
                    " is".to_owned()
                } else {
                    " are".to_owned()
                },
                if numbers {
                    "; pasting a patch over a printed number and typing a new one on top is a \
                     common way to alter a statement"
                } else {
                    " (a banner or logo with a caption, usually)"
                }
            ),
            page: Some(page),
        });
    }
    let on_background = words()
        .filter(|w| backgrounds.iter().any(|img| over(img, w)))
        .count();
    (on_background > 0).then(|| Finding {
        code: "text_over_image".to_owned(),
        severity: Severity::Info,
        reason: format!(
            "on page {page}, {on_background} words are drawn over a page-sized picture: a scanned \
             page with a text layer added, or a letterhead background"
        ),
        page: Some(page),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: f32 = 612.0 * 792.0;

    fn word(text: &str, x0: f32, y0: f32) -> Word {
        Word {
            text: text.to_owned(),
            x0,
            y0,
            x1: x0 + 40.0,
            y1: y0 + 10.0,
            font: Some(0),
            size: 9.0,
            confidence: None,
        }
    }

    fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Rect {
        Rect { x0, y0, x1, y1 }
    }

    #[test]
    fn an_amount_on_a_small_patch_is_a_warning_naming_it() {
        let words = [word("Rent", 100.0, 300.0), word("1,250.00", 400.0, 300.0)];
        let patch = rect(395.0, 298.0, 445.0, 312.0);
        let f = text_over_image(2, PAGE, &words, &[patch]).unwrap();
        assert_eq!((f.severity, f.page), (Severity::Warning, Some(2)));
        assert!(
            f.reason.contains("\"1,250.00\" is drawn over a picture"),
            "{}",
            f.reason
        );
        assert!(!f.reason.contains("Rent"));
    }

    #[test]
    fn a_caption_on_a_banner_is_only_noted() {
        let words = [word("Statement", 100.0, 50.0)];
        let banner = rect(0.0, 40.0, 612.0, 70.0);
        let f = text_over_image(1, PAGE, &words, &[banner]).unwrap();
        assert_eq!(f.severity, Severity::Info);
    }

    #[test]
    fn text_over_a_page_sized_image_is_noted_as_a_scan_or_background() {
        let words = [word("1,250.00", 400.0, 300.0), word("Rent", 100.0, 300.0)];
        let scan = rect(0.0, 0.0, 612.0, 792.0);
        let f = text_over_image(1, PAGE, &words, &[scan]).unwrap();
        assert_eq!(f.severity, Severity::Info);
        assert!(f.reason.contains("2 words"), "{}", f.reason);
    }

    #[test]
    fn a_logo_beside_the_text_is_not_a_finding() {
        let words = [word("1,250.00", 400.0, 300.0)];
        let logo = rect(20.0, 20.0, 120.0, 60.0);
        assert_eq!(text_over_image(1, PAGE, &words, &[logo]), None);
        assert_eq!(text_over_image(1, PAGE, &words, &[]), None);
    }

    #[test]
    fn a_word_barely_touching_an_image_is_not_over_it() {
        let words = [word("1,250.00", 400.0, 300.0)];
        let edge = rect(435.0, 300.0, 500.0, 310.0);
        assert_eq!(text_over_image(1, PAGE, &words, &[edge]), None);
    }
}
