//! Test support: lays text out as positioned words the way a PDF engine would report them, with
//! monospace metrics (every character 0.6 em wide), so tests can build realistic pages without a
//! PDF engine.

use super::super::{Page, PdfText, Word};
use super::lines::Line;

/// A page-by-page writer of positioned words.
#[derive(Debug)]
pub struct Sheet {
    size: f32,
    y: f32,
    line: Vec<Word>,
    page: Vec<Word>,
    pages: Vec<Page>,
}

impl Sheet {
    /// A sheet whose text is `size` points high.
    pub fn new(size: f32) -> Self {
        Sheet {
            size,
            y: 40.0,
            line: Vec::new(),
            page: Vec::new(),
            pages: Vec::new(),
        }
    }

    fn char_width(&self) -> f32 {
        0.6 * self.size
    }

    /// Text starting at `x` on the current line; spaces separate words.
    pub fn left(&mut self, x: f32, text: &str) -> &mut Self {
        let cw = self.char_width();
        let mut pos = x;
        for piece in text.split(' ') {
            let n = piece.chars().count() as f32;
            if !piece.is_empty() {
                self.line.push(Word {
                    text: piece.to_owned(),
                    x0: pos,
                    y0: self.y,
                    x1: pos + n * cw,
                    y1: self.y + self.size,
                    font: Some(0),
                    size: self.size,
                    confidence: None,
                });
            }
            pos += (n + 1.0) * cw;
        }
        self
    }

    /// Text ending at `x` on the current line (right-aligned).
    pub fn right(&mut self, x: f32, text: &str) -> &mut Self {
        let width = text.chars().count() as f32 * self.char_width();
        self.left(x - width, text)
    }

    /// Ends the current line and returns it as a [`Line`] (for unit tests of one line).
    pub fn line(&mut self) -> Line {
        let mut words = std::mem::take(&mut self.line);
        words.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        Line {
            page: 1,
            number: 1,
            y0: self.y,
            words,
        }
    }

    /// Ends the current line and moves down one line.
    pub fn newline(&mut self) -> &mut Self {
        self.page.append(&mut self.line);
        self.y += 1.4 * self.size;
        self
    }

    /// Moves down by `lines` extra blank lines.
    pub fn skip(&mut self, lines: f32) -> &mut Self {
        self.y += 1.4 * self.size * lines;
        self
    }

    /// Jumps to a vertical position (footers at a fixed place).
    pub fn at_y(&mut self, y: f32) -> &mut Self {
        self.y = y;
        self
    }

    /// Ends the page.
    pub fn page_break(&mut self) -> &mut Self {
        self.page.append(&mut self.line);
        let number = u32::try_from(self.pages.len() + 1).unwrap_or(0);
        self.pages.push(Page {
            number,
            width: 612.0,
            height: 792.0,
            words: std::mem::take(&mut self.page),
            ocr: false,
            scan_dpi: None,
        });
        self.y = 40.0;
        self
    }

    /// Finishes the document (the current page too, if it has words).
    pub fn finish(mut self) -> PdfText {
        if !self.line.is_empty() || !self.page.is_empty() {
            self.page_break();
        }
        PdfText {
            pages: self.pages,
            ..PdfText::default()
        }
    }
}

/// Splits text into lines of at most `width` characters at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}
