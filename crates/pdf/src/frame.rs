//! From PDF user space to the page as displayed.
//!
//! pdfium reports boxes in user space: origin bottom-left *of the coordinate system*, which need
//! not be a corner of the page (a MediaBox of `[0 7.92 612 799.92]` is real: Canva writes it), y
//! up, and before the page's `/Rotate`. [`ledgerlens_ingest::pdf::Word`] wants the page as a
//! reader sees it: origin at the top-left corner of the visible box, y down, rotation applied.

use crate::forensics::overlay::Rect;

/// The visible box of a page in user space, and its display rotation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// Left edge of the visible (crop ∩ media) box.
    pub left: f32,
    /// Bottom edge.
    pub bottom: f32,
    /// Right edge.
    pub right: f32,
    /// Top edge.
    pub top: f32,
    /// Clockwise display rotation in quarter turns (0..=3).
    pub quarter_turns: u8,
}

impl Frame {
    /// Width of the displayed page.
    pub fn width(&self) -> f32 {
        if self.quarter_turns % 2 == 1 {
            self.top - self.bottom
        } else {
            self.right - self.left
        }
    }

    /// Height of the displayed page.
    pub fn height(&self) -> f32 {
        if self.quarter_turns % 2 == 1 {
            self.right - self.left
        } else {
            self.top - self.bottom
        }
    }

    /// A user-space point in display coordinates.
    pub fn point(&self, x: f32, y: f32) -> (f32, f32) {
        match self.quarter_turns % 4 {
            // Turned clockwise, the page's left edge becomes the top.
            1 => (y - self.bottom, x - self.left),
            2 => (self.right - x, y - self.bottom),
            // Turned anticlockwise, the page's right edge becomes the top.
            3 => (self.top - y, self.right - x),
            _ => (x - self.left, self.top - y),
        }
    }

    /// A user-space rectangle (left, bottom, right, top) in display coordinates.
    pub fn rect(&self, left: f32, bottom: f32, right: f32, top: f32) -> Rect {
        let (ax, ay) = self.point(left, bottom);
        let (bx, by) = self.point(right, top);
        Rect {
            x0: ax.min(bx),
            y0: ay.min(by),
            x1: ax.max(bx),
            y1: ay.max(by),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(quarter_turns: u8) -> Frame {
        Frame {
            left: 0.0,
            bottom: 0.0,
            right: 612.0,
            top: 792.0,
            quarter_turns,
        }
    }

    #[test]
    fn an_upright_page_flips_y_from_its_top_edge() {
        let r = letter(0).rect(72.0, 698.0, 95.0, 708.0);
        assert_eq!(
            r,
            Rect {
                x0: 72.0,
                y0: 84.0,
                x1: 95.0,
                y1: 94.0
            }
        );
        assert_eq!((letter(0).width(), letter(0).height()), (612.0, 792.0));
    }

    #[test]
    fn a_box_not_at_the_origin_is_measured_from_its_own_corner() {
        let canva = Frame {
            bottom: 7.92,
            top: 799.92,
            ..letter(0)
        };
        let (x, y) = canva.point(57.6, 754.58);
        assert_eq!(x, 57.6);
        assert!((y - 45.34).abs() < 0.01, "{y}");
    }

    #[test]
    fn rotated_pages_swap_their_sides_and_keep_reading_order() {
        let quarter = letter(1);
        assert_eq!((quarter.width(), quarter.height()), (792.0, 612.0));
        // The user-space bottom-left corner is the displayed top-left corner.
        assert_eq!(quarter.point(0.0, 0.0), (0.0, 0.0));
        assert_eq!(quarter.point(0.0, 792.0), (792.0, 0.0));
        let half = letter(2);
        assert_eq!(half.point(612.0, 0.0), (0.0, 0.0));
        let three = letter(3);
        assert_eq!(three.point(612.0, 792.0), (0.0, 0.0));
        assert_eq!(three.point(0.0, 792.0), (0.0, 612.0));
    }
}
