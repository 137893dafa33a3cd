//! Words into text lines.
//!
//! Engines hand words over in drawing order, which is not reading order. A line is a run of words
//! whose vertical extents overlap; sorting by vertical centre and sweeping once keeps this
//! O(n log n). A scan or a careless generator can tilt the page slightly, which makes the words of
//! one line drift downward from left to right: the drift is measured on a first clustering and
//! removed before clustering again.

use super::super::{Page, Word};

/// Most lines kept per page; a real statement page has a few hundred at most.
pub const MAX_LINES_PER_PAGE: usize = 5_000;

/// Smallest tilt (drift per point of width) worth correcting.
const MIN_SKEW: f32 = 0.002;

/// One line of text on a page, words left to right.
#[derive(Clone, Debug)]
pub struct Line {
    /// 1-based page.
    pub page: u32,
    /// 1-based line on the page, top to bottom.
    pub number: u32,
    /// Top of the line.
    pub y0: f32,
    /// The words, sorted by left edge.
    pub words: Vec<Word>,
}

impl Line {
    /// The words joined by single spaces.
    pub fn text(&self) -> String {
        join(&self.words)
    }

    /// True when some word holds a digit.
    pub fn has_digit(&self) -> bool {
        self.words
            .iter()
            .any(|w| w.text.bytes().any(|b| b.is_ascii_digit()))
    }

    /// Largest font size on the line.
    pub fn size(&self) -> f32 {
        self.words.iter().map(|w| w.size).fold(0.0, f32::max)
    }
}

/// Words joined by single spaces.
pub fn join(words: &[Word]) -> String {
    let mut out = String::new();
    for w in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w.text);
    }
    out
}

/// A usable font size for gap arithmetic: engines sometimes report 0 or garbage.
pub fn sane_size(size: f32) -> f32 {
    if size.is_finite() && size >= 1.0 {
        size.min(200.0)
    } else {
        8.0
    }
}

/// Largest gap between two words of the same phrase, relative to the font size. A space is
/// 0.25–0.6 em wide; columns are set further apart than that.
pub fn joins(left: &Word, right: &Word) -> bool {
    let size = sane_size(left.size.min(right.size));
    right.x0 - left.x1 <= 0.9 * size
}

/// A run of words set close together: one cell of text.
#[derive(Clone, Debug)]
pub struct Phrase {
    /// Words joined by single spaces.
    pub text: String,
    /// Index of the first word in the line.
    pub start: usize,
    /// One past the last word.
    pub end: usize,
}

/// Splits a line's words into phrases at wide gaps.
pub fn phrases(words: &[Word]) -> Vec<Phrase> {
    let mut out: Vec<Phrase> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let continues = i > 0
            && words
                .get(i - 1)
                .is_some_and(|prev| joins(prev, w) && out.last().is_some_and(|p| p.end == i));
        match out.last_mut() {
            Some(p) if continues => {
                p.text.push(' ');
                p.text.push_str(&w.text);
                p.end = i + 1;
            }
            _ => out.push(Phrase {
                text: w.text.clone(),
                start: i,
                end: i + 1,
            }),
        }
    }
    out
}

fn usable(w: &Word) -> bool {
    let finite = w.x0.is_finite() && w.x1.is_finite() && w.y0.is_finite() && w.y1.is_finite();
    finite && !w.text.trim().is_empty() && w.text.len() <= 256
}

/// Groups a page's words into lines, top to bottom. Beyond [`MAX_LINES_PER_PAGE`] the rest of
/// the page is dropped; the caller reports it.
pub fn build(page: Page) -> (Vec<Line>, bool) {
    let number = page.number;
    let mut words: Vec<Word> = page.words.into_iter().filter(usable).collect();
    for w in &mut words {
        if w.x1 < w.x0 {
            std::mem::swap(&mut w.x0, &mut w.x1);
        }
        if w.y1 < w.y0 {
            std::mem::swap(&mut w.y0, &mut w.y1);
        }
        let trimmed = w.text.trim();
        if trimmed.len() != w.text.len() {
            w.text = trimmed.to_owned();
        }
    }
    let first = cluster(&words, 0.0);
    let skew = measure_skew(&words, &first);
    let groups = if skew.abs() > MIN_SKEW && skew.abs() < 0.2 {
        cluster(&words, skew)
    } else {
        first
    };
    let truncated = groups.len() > MAX_LINES_PER_PAGE;
    let mut slots: Vec<Option<Word>> = words.into_iter().map(Some).collect();
    let mut lines = Vec::with_capacity(groups.len().min(MAX_LINES_PER_PAGE));
    for (i, group) in groups.into_iter().take(MAX_LINES_PER_PAGE).enumerate() {
        let mut line_words: Vec<Word> = group
            .into_iter()
            .filter_map(|k| slots.get_mut(k).and_then(Option::take))
            .collect();
        line_words.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let y0 = line_words
            .iter()
            .map(|w| w.y0)
            .fold(f32::INFINITY, f32::min);
        lines.push(Line {
            page: number,
            number: u32::try_from(i + 1).unwrap_or(u32::MAX),
            y0,
            words: line_words,
        });
    }
    (lines, truncated)
}

/// Vertical centre after removing a tilt of `skew` points per point of width.
fn centre(w: &Word, skew: f32) -> f32 {
    (w.y0 + w.y1) / 2.0 - skew * (w.x0 + w.x1) / 2.0
}

/// One sweep down the page: a word joins the current line when its centre is within half a line
/// height of the line's running centre.
fn cluster(words: &[Word], skew: f32) -> Vec<Vec<usize>> {
    let mut order: Vec<(f32, usize)> = words
        .iter()
        .enumerate()
        .map(|(i, w)| (centre(w, skew), i))
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut mean = 0.0_f32;
    let mut height = 0.0_f32;
    for (c, i) in order {
        let h = words.get(i).map_or(1.0, |w| (w.y1 - w.y0).max(0.5));
        match groups.last_mut() {
            Some(group) if (c - mean).abs() <= 0.5 * height.max(h) => {
                let n = group.len() as f32;
                mean = (mean * n + c) / (n + 1.0);
                height = height.max(h);
                group.push(i);
            }
            _ => {
                groups.push(vec![i]);
                mean = c;
                height = h;
            }
        }
    }
    groups
}

/// Median drift of wide lines, in points of y per point of x.
fn measure_skew(words: &[Word], groups: &[Vec<usize>]) -> f32 {
    let mut slopes: Vec<f32> = groups
        .iter()
        .filter_map(|g| {
            let left = g
                .iter()
                .filter_map(|&i| words.get(i))
                .min_by(|a, b| a.x0.total_cmp(&b.x0))?;
            let right = g
                .iter()
                .filter_map(|&i| words.get(i))
                .max_by(|a, b| a.x0.total_cmp(&b.x0))?;
            let dx = right.x0 - left.x0;
            (dx > 100.0).then(|| (centre(right, 0.0) - centre(left, 0.0)) / dx)
        })
        .collect();
    if slopes.len() < 3 {
        return 0.0;
    }
    slopes.sort_by(f32::total_cmp);
    slopes.get(slopes.len() / 2).copied().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x: f32, y: f32) -> Word {
        Word {
            text: text.to_owned(),
            x0: x,
            y0: y,
            x1: x + 6.0 * text.chars().count() as f32,
            y1: y + 10.0,
            font: None,
            size: 10.0,
            confidence: None,
        }
    }

    #[test]
    fn words_in_drawing_order_come_back_as_lines_in_reading_order() {
        let page = Page {
            number: 1,
            words: vec![
                word("world", 50.0, 100.0),
                word("second", 10.0, 114.0),
                word("hello", 10.0, 101.0),
            ],
            ..Page::default()
        };
        let (lines, truncated) = build(page);
        assert!(!truncated);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text(), "hello world");
        assert_eq!(lines[1].text(), "second");
        assert_eq!(lines[1].number, 2);
    }

    #[test]
    fn a_slightly_tilted_page_still_reads_line_by_line() {
        // 1.5 degrees: 8 points of drift over 300 points, nearly a line height.
        let mut words = Vec::new();
        for row in 0..6 {
            for col in 0..6 {
                let x = 20.0 + 60.0 * col as f32;
                let y = 100.0 + 14.0 * row as f32 + 0.026 * x;
                words.push(word(&format!("r{row}c{col}"), x, y));
            }
        }
        let (lines, _) = build(Page {
            number: 1,
            words,
            ..Page::default()
        });
        assert_eq!(lines.len(), 6);
        assert!(lines.iter().all(|l| l.words.len() == 6));
        assert_eq!(lines[2].text(), "r2c0 r2c1 r2c2 r2c3 r2c4 r2c5");
    }

    #[test]
    fn close_words_form_one_phrase_and_wide_gaps_split_them() {
        let words = vec![
            word("Value", 10.0, 0.0),
            word("Date", 46.0, 0.0),
            word("Narration", 120.0, 0.0),
        ];
        let p = phrases(&words);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].text, "Value Date");
        assert_eq!((p[1].start, p[1].end), (2, 3));
    }
}
