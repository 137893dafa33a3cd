//! Glyphs to words: the engine-independent half of text extraction.
//!
//! Glyph boxes arrive in page display coordinates (see [`crate::frame`]). Statement
//! tables often separate columns by position alone, with no space character between them, so a
//! word ends at whitespace *and* wherever the next glyph jumps away horizontally or leaves the
//! line. Kept free of pdfium so the rules can be tested on made-up glyphs.

use ledgerlens_ingest::pdf::Word;

/// A horizontal gap wider than this fraction of the font size starts a new word. A normal space
/// is about a quarter of an em and is usually written as a character anyway; letters inside a
/// word touch (or overlap slightly, with kerning); table columns are several ems apart.
pub const GAP_EM: f32 = 0.3;

/// A glyph moving left by more than this fraction of the font size is on a new line or a new
/// text run, never the continuation of the word.
const BACKTRACK_EM: f32 = 0.5;

/// One character, its loose box (ascender to descender line) in top-left page coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Glyph {
    /// The Unicode character (pdfium's best guess; garbage when the font has no ToUnicode map).
    pub ch: char,
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
    /// Font size in points, after the text matrix's scaling.
    pub size: f32,
    /// Index into the document's font list.
    pub font: Option<u16>,
}

/// A word plus what forensics wants to know about how it was drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct BuiltWord {
    /// The word, in top-left page coordinates.
    pub word: Word,
    /// True when the glyphs of the word come from more than one font: a digit typed over a
    /// number in an editor usually is.
    pub mixed_fonts: bool,
}

/// Forensic rules read a built word as the word it is.
impl std::borrow::Borrow<Word> for BuiltWord {
    fn borrow(&self) -> &Word {
        &self.word
    }
}

/// Accumulates glyphs into words, in the engine's character order.
#[derive(Debug)]
pub struct WordBuilder {
    words: Vec<BuiltWord>,
    current: Option<Open>,
}

/// The word being built.
#[derive(Debug)]
struct Open {
    text: String,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    size: f32,
    /// Font of the first glyph and how many glyphs used it; a word takes the font most of its
    /// glyphs use, which for two fonts is the first one unless it lost the count.
    font: Option<u16>,
    font_glyphs: u32,
    other_font: Option<u16>,
    other_glyphs: u32,
}

impl Default for WordBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl WordBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        WordBuilder {
            words: Vec::new(),
            current: None,
        }
    }

    /// Number of words closed so far.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True before the first word is closed.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Ends the current word: pdfium reports a break (whitespace, line end).
    pub fn break_word(&mut self) {
        if let Some(open) = self.current.take() {
            let word = open.close();
            self.words.push(word);
        }
    }

    /// Adds a glyph, starting a new word when it does not continue the current one.
    pub fn push(&mut self, glyph: Glyph) {
        if glyph.ch.is_whitespace() || glyph.ch == '\0' {
            self.break_word();
            return;
        }
        let continues = self
            .current
            .as_ref()
            .is_some_and(|open| open.continues_with(&glyph));
        if !continues {
            self.break_word();
        }
        match &mut self.current {
            Some(open) => open.add(&glyph),
            None => self.current = Some(Open::start(&glyph)),
        }
    }

    /// The words, in the order their first glyphs came.
    pub fn finish(mut self) -> Vec<BuiltWord> {
        self.break_word();
        self.words
    }
}

impl Open {
    fn start(glyph: &Glyph) -> Self {
        let mut text = String::with_capacity(16);
        text.push(glyph.ch);
        Open {
            text,
            x0: glyph.x0,
            y0: glyph.y0,
            x1: glyph.x1,
            y1: glyph.y1,
            size: glyph.size,
            font: glyph.font,
            font_glyphs: 1,
            other_font: None,
            other_glyphs: 0,
        }
    }

    fn continues_with(&self, glyph: &Glyph) -> bool {
        let em = self.size.max(glyph.size).max(1.0);
        let gap = glyph.x0 - self.x1;
        if gap > GAP_EM * em || gap < -BACKTRACK_EM * em {
            return false;
        }
        // Same line: the boxes share at least half of the smaller one's height.
        let overlap = self.y1.min(glyph.y1) - self.y0.max(glyph.y0);
        let smaller = (self.y1 - self.y0).min(glyph.y1 - glyph.y0).max(0.1);
        overlap >= 0.5 * smaller
    }

    fn add(&mut self, glyph: &Glyph) {
        self.text.push(glyph.ch);
        self.x0 = self.x0.min(glyph.x0);
        self.x1 = self.x1.max(glyph.x1);
        self.y0 = self.y0.min(glyph.y0);
        self.y1 = self.y1.max(glyph.y1);
        self.size = self.size.max(glyph.size);
        if glyph.font == self.font {
            self.font_glyphs += 1;
        } else {
            if self.other_font.is_none() {
                self.other_font = glyph.font;
            }
            self.other_glyphs += 1;
        }
    }

    fn close(self) -> BuiltWord {
        let font = if self.other_glyphs > self.font_glyphs {
            self.other_font
        } else {
            self.font
        };
        BuiltWord {
            word: Word {
                text: self.text,
                x0: self.x0,
                y0: self.y0,
                x1: self.x1,
                y1: self.y1,
                font,
                size: self.size,
                confidence: None,
            },
            mixed_fonts: self.other_glyphs > 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs of `text` set in a 10-point font on the baseline `y`, from `x`, 6 points apart.
    fn run(text: &str, x: f32, y: f32, font: u16) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, ch)| {
                let x0 = x + 6.0 * i as f32;
                Glyph {
                    ch,
                    x0,
                    y0: y - 8.0,
                    x1: x0 + 5.5,
                    y1: y + 2.0,
                    size: 10.0,
                    font: Some(font),
                }
            })
            .collect()
    }

    fn words_of(glyphs: Vec<Glyph>) -> Vec<BuiltWord> {
        let mut builder = WordBuilder::new();
        for g in glyphs {
            builder.push(g);
        }
        builder.finish()
    }

    #[test]
    fn spaces_split_words_and_a_word_spans_its_glyphs() {
        let words = words_of(run("Opening balance", 72.0, 700.0, 0));
        let texts: Vec<_> = words.iter().map(|w| w.word.text.as_str()).collect();
        assert_eq!(texts, ["Opening", "balance"]);
        let first = &words[0].word;
        assert_eq!((first.x0, first.x1), (72.0, 72.0 + 6.0 * 6.0 + 5.5));
        assert_eq!((first.y0, first.y1), (692.0, 702.0));
        assert_eq!(first.font, Some(0));
        assert_eq!(first.size, 10.0);
        assert!(!words[0].mixed_fonts);
        assert_eq!(words[1].word.x0, 72.0 + 6.0 * 8.0);
    }

    #[test]
    fn a_column_gap_without_a_space_character_splits_words() {
        let mut glyphs = run("12.50", 300.0, 500.0, 0);
        glyphs.extend(run("1,000.00", 300.0 + 30.0 + 4.0, 500.0, 0));
        let words = words_of(glyphs);
        let texts: Vec<_> = words.iter().map(|w| w.word.text.as_str()).collect();
        assert_eq!(texts, ["12.50", "1,000.00"]);
    }

    #[test]
    fn touching_glyphs_stay_one_word_even_across_fonts_and_the_mix_is_recorded() {
        let mut glyphs = run("1,2", 300.0, 500.0, 0);
        glyphs.extend(run("50.00", 318.0, 500.0, 1));
        let words = words_of(glyphs);
        assert_eq!(words.len(), 1);
        assert_eq!(words[0].word.text, "1,250.00");
        assert_eq!(words[0].word.font, Some(1), "the font of most glyphs");
        assert!(words[0].mixed_fonts);
    }

    #[test]
    fn a_new_line_starts_a_new_word_even_without_a_break() {
        let mut glyphs = run("Rent", 72.0, 500.0, 0);
        glyphs.extend(run("Salary", 72.0 + 24.0, 488.0, 0));
        let words = words_of(glyphs);
        let texts: Vec<_> = words.iter().map(|w| w.word.text.as_str()).collect();
        assert_eq!(texts, ["Rent", "Salary"]);
    }

    #[test]
    fn text_going_back_to_the_left_margin_starts_a_new_word() {
        let mut glyphs = run("ab", 200.0, 500.0, 0);
        glyphs.extend(run("cd", 72.0, 500.0, 0));
        assert_eq!(words_of(glyphs).len(), 2);
    }

    #[test]
    fn nul_characters_and_explicit_breaks_end_words() {
        let mut builder = WordBuilder::new();
        for g in run("ab", 72.0, 500.0, 0) {
            builder.push(g);
        }
        builder.break_word();
        for g in run("cd", 72.0 + 12.0, 500.0, 0) {
            builder.push(g);
        }
        assert_eq!(builder.len(), 1);
        assert_eq!(builder.finish().len(), 2);
    }
}
