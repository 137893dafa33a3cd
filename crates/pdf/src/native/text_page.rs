//! One page's glyphs in pdfium's reading order: text objects on a line sorted by their origin,
//! breaks generated between objects ([`super::spacing`]), then words ([`WordBuilder`]), images
//! and character statistics.

use std::rc::Rc;

use super::Decline;
use super::content::{Sink, TextObject};
use super::fonts::Font;
use super::spacing::{generates_break, transform_distance};
use crate::assemble::FontTable;
use crate::forensics::garbage::TextLayerStats;
use crate::forensics::overlay::Rect;
use crate::frame::Frame;
use crate::words::{Glyph, WordBuilder};

/// One glyph waiting for its line to be ordered.
#[derive(Debug, Clone)]
struct Pending {
    ch: char,
    rect: [f32; 4],
    size: f32,
    /// Index into [`PageSink::page_fonts`].
    slot: usize,
}

/// A text object of the current line: its origin in display coordinates, the advances pdfium
/// compares, and its glyphs in [`PageSink::line_glyphs`].
#[derive(Debug, Clone, Copy)]
struct LineObject {
    x: f32,
    y: f32,
    first_width: f32,
    last_width: f32,
    start: usize,
    end: usize,
    info: TextObject,
}

pub(super) struct PageSink<'t> {
    frame: Frame,
    pub(super) builder: WordBuilder,
    pub(super) stats: TextLayerStats,
    pub(super) images: Vec<(Rect, Option<(u32, u32)>)>,
    fonts: &'t mut FontTable,
    /// Fonts met on this page, each with its document index once a glyph of it is read (in
    /// pdfium's order, which numbers fonts by first use).
    page_fonts: Vec<(Rc<Font>, Option<Option<u16>>)>,
    max_words: usize,
    pub(super) too_many: bool,
    /// An error met while ordering a line, reported after the interpreter stops.
    pub(super) deferred: Option<Decline>,
    /// Glyphs of the text object being shown.
    pending: Vec<Pending>,
    /// Text objects of the current line, ordered left to right, and their glyphs.
    line: Vec<LineObject>,
    line_glyphs: Vec<Pending>,
    /// The text object read last (pdfium's "previous text object").
    previous: Option<TextObject>,
}

impl<'t> PageSink<'t> {
    /// A page's sink; `fonts` numbers fonts across the document.
    pub(super) fn new(frame: Frame, fonts: &'t mut FontTable, max_words: usize) -> Self {
        PageSink {
            frame,
            builder: WordBuilder::new(),
            stats: TextLayerStats::default(),
            images: Vec::new(),
            fonts,
            page_fonts: Vec::new(),
            max_words,
            too_many: false,
            deferred: None,
            pending: Vec::new(),
            line: Vec::new(),
            line_glyphs: Vec::new(),
            previous: None,
        }
    }

    /// pdfium's text page orders the text objects of one line by their origin's x before it
    /// reads their characters (a line is a run of objects whose origins' y differ by at most
    /// half the larger of two neighbouring glyph advances). Mirrored here so that words come
    /// in pdfium's order and join the same way.
    fn add_object(&mut self, mut object: LineObject) -> Result<(), Decline> {
        if let Some(last) = self.line.last().copied() {
            let threshold = last.last_width.max(object.first_width) / 4.0;
            if (object.y - last.y).abs() > threshold * 2.0 {
                self.flush_line()?;
            }
        }
        object.start = self.line_glyphs.len();
        self.line_glyphs.append(&mut self.pending);
        object.end = self.line_glyphs.len();
        let at = self
            .line
            .iter()
            .rposition(|o| object.x >= o.x)
            .map_or(0, |i| i + 1);
        self.line.insert(at, object);
        Ok(())
    }

    /// Feeds the current line's glyphs to the word builder in order.
    fn flush_line(&mut self) -> Result<(), Decline> {
        let line = std::mem::take(&mut self.line);
        let glyphs = std::mem::take(&mut self.line_glyphs);
        for object in &line {
            if let Some(prev) = &self.previous
                && generates_break(prev, &object.info, self.frame.quarter_turns == 0)
            {
                self.builder.break_word();
            }
            self.previous = Some(object.info);
            for g in glyphs.get(object.start..object.end).unwrap_or_default() {
                self.emit(g)?;
            }
        }
        self.line = line;
        self.line.clear();
        self.line_glyphs = glyphs;
        self.line_glyphs.clear();
        Ok(())
    }

    fn emit(&mut self, g: &Pending) -> Result<(), Decline> {
        let c = g.ch;
        self.stats.add(c);
        if c.is_whitespace() || c == '\0' {
            self.builder.break_word();
            return Ok(());
        }
        let index = match self.page_fonts.get_mut(g.slot) {
            Some((_, Some(index))) => *index,
            Some((font, known)) => {
                let index = self.fonts.index_of(&font.name);
                *known = Some(index);
                index
            }
            None => None,
        };
        let [left, bottom, right, top] = g.rect;
        let r = self.frame.rect(left, bottom, right, top);
        self.builder.push(Glyph {
            ch: c,
            x0: r.x0,
            y0: r.y0,
            x1: r.x1,
            y1: r.y1,
            size: g.size,
            font: index,
        });
        if self.builder.len() > self.max_words {
            self.too_many = true;
            return Err(Decline::Unsupported("too many words"));
        }
        Ok(())
    }

    /// The end of the page: the last line.
    pub(super) fn finish(&mut self) -> Result<(), Decline> {
        self.pending.clear();
        self.flush_line()
    }
}

impl Sink for PageSink<'_> {
    fn glyph(
        &mut self,
        text: &[char],
        rect: [f32; 4],
        size: f32,
        font: &Rc<Font>,
    ) -> Result<(), Decline> {
        // Consecutive glyphs nearly always share a font: look from the last one back.
        let slot = match self
            .page_fonts
            .iter()
            .rposition(|(f, _)| Rc::ptr_eq(f, font))
        {
            Some(slot) => slot,
            None => {
                self.page_fonts.push((Rc::clone(font), None));
                self.page_fonts.len() - 1
            }
        };
        for &ch in text {
            self.pending.push(Pending {
                ch,
                rect,
                size,
                slot,
            });
        }
        if self.pending.len() > self.max_words.saturating_mul(64).max(1 << 16) {
            self.too_many = true;
            return Err(Decline::Unsupported("too many glyphs"));
        }
        Ok(())
    }

    fn end_object(&mut self, info: &TextObject) {
        if self.pending.is_empty() {
            return;
        }
        let (x, y) = self.frame.point(info.matrix[4], info.matrix[5]);
        let unit = transform_distance(&info.matrix, 1.0);
        let object = LineObject {
            x,
            y,
            first_width: (info.first_units * info.size / 1000.0).abs() * unit,
            last_width: (info.last_units * info.size / 1000.0).abs() * unit,
            start: 0,
            end: 0,
            info: *info,
        };
        if let Err(e) = self.add_object(object) {
            self.deferred = Some(e);
        }
    }

    fn image(&mut self, rect: [f32; 4], pixels: Option<(u32, u32)>) {
        let [left, bottom, right, top] = rect;
        if rect.iter().all(|v| v.is_finite()) {
            self.images
                .push((self.frame.rect(left, bottom, right, top), pixels));
        }
    }
}
