//! pdfium's text-page rules for where a reader sees a break between two text objects: a
//! generated space (a gap wider than a fraction of the glyphs) or a line end (a jump off the
//! baseline). Mirrored so that our words split where pdfium's do.

use super::content::{Matrix, TextObject};

/// pdfium's NormalizeThreshold: a fraction of a glyph width (thousandths) that shrinks as
/// glyphs widen; below `t1` half, below `t2` a quarter, below `t3` a fifth, else a sixth.
pub fn normalize_threshold(threshold: f32, t1: f32, t2: f32, t3: f32) -> f32 {
    if threshold < t1 {
        threshold / 2.0
    } else if threshold < t2 {
        threshold / 4.0
    } else if threshold < t3 {
        threshold / 5.0
    } else {
        threshold / 6.0
    }
}

/// pdfium's CFX_Matrix::TransformDistance: a length scaled by the mean of the axes' units.
pub fn transform_distance(m: &Matrix, distance: f32) -> f32 {
    let [a, b, c, d, _, _] = *m;
    distance * (a.hypot(b) + c.hypot(d)) / 2.0
}

fn inverse(m: &Matrix) -> Option<Matrix> {
    let [a, b, c, d, e, f] = *m;
    let det = a * d - b * c;
    if det.abs() < 1e-12 || !det.is_finite() {
        return None;
    }
    let (ia, ib, ic, id) = (d / det, -b / det, -c / det, a / det);
    Some([ia, ib, ic, id, -(e * ia + f * ic), -(e * ib + f * id)])
}

/// Whether pdfium's text page generates a break (a space or a line end) between two text
/// objects read one after the other (its ProcessInsertObject, for horizontal text).
pub fn generates_break(prev: &TextObject, this: &TextObject, upright: bool) -> bool {
    let last_width = (prev.last_units * prev.size / 1000.0).abs();
    let this_width = (this.first_units * this.size / 1000.0).abs();
    let mut threshold = last_width.max(this_width) / 4.0;
    let Some(reverse) = inverse(&prev.matrix) else {
        return true;
    };
    let [ra, rb, rc, rd, re, rf] = reverse;
    let (px, py) = (this.matrix[4], this.matrix[5]);
    let pos = (ra * px + rc * py + re, rb * px + rd * py + rf);
    if last_width < this_width {
        threshold = transform_distance(&reverse, threshold);
    }
    let far = pos.1 > threshold * 2.0 || pos.1 < threshold * -3.0;
    if far && (pos.1.abs() >= 1.0 || pos.1.abs() > pos.0.abs()) {
        let mut newline = true;
        let [_, b, c, _, _, _] = prev.matrix;
        if prev.glyphs > 1 && prev.last_origin_x > 0.0 && upright && b < 0.1 && c < 0.1 {
            let within = |bbox: &[f32; 4], y: f32| y >= bbox[1] && y <= bbox[3];
            if within(&prev.bbox, py) || within(&this.bbox, prev.matrix[5]) {
                newline = false;
            }
        }
        if newline {
            return true;
        }
    }
    if this.first_char == ' ' || prev.last_char == ' ' {
        return false;
    }
    let mut threshold2 = normalize(prev.last_units.max(this.first_units));
    if prev.last_units >= this.first_units {
        threshold2 *= prev.size.abs();
    } else {
        threshold2 *= this.size.abs();
        threshold2 = transform_distance(&this.matrix, threshold2);
        threshold2 = transform_distance(&reverse, threshold2);
    }
    threshold2 /= 1000.0;
    if (threshold2 < 1.4881 && threshold2 > 1.4879)
        || (threshold2 < 1.39001 && threshold2 > 1.38999)
    {
        threshold2 *= 1.5;
    }
    generate_space(
        pos.0,
        prev.last_origin_x,
        this_width,
        last_width,
        threshold2,
    )
}

/// pdfium's GenerateSpace: the gap between the previous glyph's advance and this object's
/// origin, in the previous object's text space, against the threshold.
fn generate_space(x: f32, last_pos: f32, this_width: f32, last_width: f32, threshold: f32) -> bool {
    if (last_pos + last_width - x).abs() <= threshold {
        return false;
    }
    let threshold_pos = threshold + last_width;
    let difference = x - last_pos;
    if difference.abs() > threshold_pos {
        return true;
    }
    if x < 0.0 && -threshold_pos > difference {
        return true;
    }
    difference > this_width + last_width
}

fn normalize(threshold: f32) -> f32 {
    normalize_threshold(threshold, 400.0, 700.0, 800.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-glyph text object of 600-unit glyphs at 10 points, its origin at (x, y).
    fn glyph_at(x: f32, y: f32) -> TextObject {
        TextObject {
            matrix: [1.0, 0.0, 0.0, 1.0, x, y],
            size: 10.0,
            glyphs: 1,
            last_origin_x: 0.0,
            first_units: 600.0,
            last_units: 600.0,
            first_char: '1',
            last_char: '1',
            bbox: [x, y - 2.0, x + 6.0, y + 8.0],
        }
    }

    #[test]
    fn glyphs_set_one_after_another_with_letter_spacing_stay_one_word() {
        // The advance is 6 points; 1.4 points of tracking is under a quarter of a glyph.
        assert!(!generates_break(
            &glyph_at(100.0, 500.0),
            &glyph_at(107.4, 500.0),
            true
        ));
        assert!(!generates_break(
            &glyph_at(100.0, 500.0),
            &glyph_at(106.0, 500.0),
            true
        ));
    }

    #[test]
    fn a_gap_of_a_quarter_glyph_or_more_reads_as_a_space() {
        assert!(generates_break(
            &glyph_at(100.0, 500.0),
            &glyph_at(107.6, 500.0),
            true
        ));
        assert!(generates_break(
            &glyph_at(100.0, 500.0),
            &glyph_at(160.0, 500.0),
            true
        ));
    }

    #[test]
    fn leaving_the_baseline_reads_as_a_line_end() {
        assert!(generates_break(
            &glyph_at(100.0, 500.0),
            &glyph_at(106.0, 488.0),
            true
        ));
        assert!(!generates_break(
            &glyph_at(100.0, 500.0),
            &glyph_at(106.0, 500.5),
            true
        ));
    }

    #[test]
    fn a_space_on_either_side_needs_no_generated_one() {
        let mut spaced = glyph_at(120.0, 500.0);
        spaced.first_char = ' ';
        assert!(!generates_break(&glyph_at(100.0, 500.0), &spaced, true));
    }

    #[test]
    fn thresholds_shrink_as_glyphs_widen() {
        assert_eq!(normalize_threshold(200.0, 400.0, 700.0, 800.0), 100.0);
        assert_eq!(normalize_threshold(600.0, 400.0, 700.0, 800.0), 150.0);
        assert_eq!(normalize_threshold(750.0, 400.0, 700.0, 800.0), 150.0);
        assert_eq!(normalize_threshold(1200.0, 400.0, 700.0, 800.0), 200.0);
    }
}
