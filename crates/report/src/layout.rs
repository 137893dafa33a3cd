//! Page flow: a cursor that moves down the page and breaks to a new one, headings, wrapped
//! text, figure grids and tables whose header repeats on every page they run over.

use crate::fonts::Style;
use crate::pdf::{Doc, PAGE_H, PAGE_W, Rgb};

/// Left and right margin.
pub const MARGIN: f32 = 40.0;
/// Width between the margins.
pub const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Where content starts, below the running header.
pub const TOP: f32 = 80.0;
/// Where content must end, above the running footer.
pub const BOTTOM: f32 = PAGE_H - 52.0;

/// Colours of the report, chosen to print legibly in grey too.
pub mod palette {
    use crate::pdf::Rgb;
    /// Body text.
    pub const TEXT: Rgb = Rgb::hex(0x21, 0x25, 0x29);
    /// Labels, captions.
    pub const MUTED: Rgb = Rgb::hex(0x6C, 0x75, 0x7D);
    /// Headings, the brand.
    pub const NAVY: Rgb = Rgb::hex(0x1F, 0x3A, 0x5F);
    /// Rules and grid lines.
    pub const RULE: Rgb = Rgb::hex(0xD5, 0xDA, 0xE0);
    /// Zebra rows and card backgrounds.
    pub const SHADE: Rgb = Rgb::hex(0xF3, 0xF5, 0xF8);
    /// Good.
    pub const GREEN: Rgb = Rgb::hex(0x2E, 0x7D, 0x32);
    /// Watch.
    pub const AMBER: Rgb = Rgb::hex(0xE0, 0x8E, 0x0B);
    /// Bad.
    pub const RED: Rgb = Rgb::hex(0xC6, 0x28, 0x28);
    /// Money in.
    pub const INFLOW: Rgb = Rgb::hex(0x2A, 0x9D, 0x8F);
    /// Money out.
    pub const OUTFLOW: Rgb = Rgb::hex(0xE7, 0x6F, 0x51);
    /// Balance line.
    pub const BALANCE: Rgb = Rgb::hex(0x1F, 0x5F, 0xA8);
    /// Overdraft shading.
    pub const OVERDRAFT: Rgb = Rgb::hex(0xF8, 0xD7, 0xDA);
    /// White.
    pub const WHITE: Rgb = Rgb(1.0, 1.0, 1.0);
}

/// Horizontal alignment of a table column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Text.
    Left,
    /// Numbers and money.
    Right,
}

/// A table column.
#[derive(Clone, Debug)]
pub struct Column {
    /// Header.
    pub title: &'static str,
    /// Width in points.
    pub width: f32,
    /// Alignment.
    pub align: Align,
}

/// Shorthand for a column.
pub fn col(title: &'static str, width: f32, align: Align) -> Column {
    Column {
        title,
        width,
        align,
    }
}

/// A table cell: text with an optional colour and weight.
#[derive(Clone, Debug)]
pub struct Cell {
    /// What is shown.
    pub text: String,
    /// Its colour.
    pub color: Rgb,
    /// Its weight.
    pub style: Style,
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell {
            text,
            color: palette::TEXT,
            style: Style::Regular,
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::from(text.to_owned())
    }
}

impl Cell {
    /// A coloured, bold cell (severities, verdicts).
    pub fn strong(text: impl Into<String>, color: Rgb) -> Cell {
        Cell {
            text: text.into(),
            color,
            style: Style::Bold,
        }
    }
}

/// The page cursor.
#[derive(Debug)]
pub struct Flow {
    /// The document.
    pub doc: Doc,
    /// Top-down position of the next thing drawn.
    pub y: f32,
}

impl Flow {
    /// A flow on a fresh first page.
    pub fn new(mut doc: Doc) -> Flow {
        doc.new_page();
        Flow { doc, y: TOP }
    }

    /// Starts a new page.
    pub fn page(&mut self) {
        self.doc.new_page();
        self.y = TOP;
    }

    /// Breaks the page unless `height` still fits.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.page();
        }
    }

    /// Room left on this page.
    pub fn room(&self) -> f32 {
        BOTTOM - self.y
    }

    /// Vertical space.
    pub fn gap(&mut self, height: f32) {
        self.y += height;
    }

    /// A section title with a rule; kept with at least `keep` points of what follows.
    pub fn heading(&mut self, text: &str, keep: f32) {
        self.ensure(30.0 + keep);
        if self.y > TOP {
            self.y += 8.0;
        }
        self.y += 15.0;
        self.doc
            .text(Style::Bold, 14.0, MARGIN, self.y, palette::NAVY, text);
        self.y += 6.0;
        self.doc.line(
            MARGIN,
            self.y,
            MARGIN + CONTENT_W,
            self.y,
            1.2,
            palette::NAVY,
        );
        self.y += 12.0;
    }

    /// A smaller title inside a section.
    pub fn subheading(&mut self, text: &str, keep: f32) {
        self.ensure(24.0 + keep);
        self.y += 16.0;
        self.doc
            .text(Style::Bold, 10.5, MARGIN, self.y, palette::NAVY, text);
        self.y += 8.0;
    }

    /// Wrapped text over the content width.
    pub fn paragraph(&mut self, text: &str, size: f32, color: Rgb) {
        let lines = wrap(&self.doc, Style::Regular, size, CONTENT_W, text);
        let leading = size * 1.35;
        for line in lines {
            self.ensure(leading);
            self.y += leading;
            self.doc
                .text(Style::Regular, size, MARGIN, self.y - 2.0, color, &line);
        }
    }

    /// A bullet with a coloured marker and wrapped text.
    pub fn bullet(&mut self, marker: Rgb, label: Option<(&str, Rgb)>, text: &str) {
        let size = 8.5;
        let leading = 11.5;
        let indent = 12.0;
        let label_w = label
            .map(|(l, _)| self.doc.width(Style::Bold, 7.0, l) + 10.0)
            .unwrap_or(0.0);
        let first_w = CONTENT_W - indent - label_w;
        let mut lines = wrap(&self.doc, Style::Regular, size, first_w, text);
        // Later lines run under the label too.
        if lines.len() > 1 {
            let first = lines.remove(0);
            let rest = lines.join(" ");
            lines = vec![first];
            lines.extend(wrap(
                &self.doc,
                Style::Regular,
                size,
                CONTENT_W - indent,
                &rest,
            ));
        }
        self.ensure(leading * lines.len().min(3) as f32 + 3.0);
        self.y += leading;
        self.doc.rect(MARGIN + 2.0, self.y - 6.5, 5.0, 5.0, marker);
        let mut x = MARGIN + indent;
        if let Some((text, color)) = label {
            let w = self.doc.width(Style::Bold, 7.0, text);
            self.doc.rect(x - 1.0, self.y - 8.5, w + 6.0, 10.5, color);
            self.doc.text(
                Style::Bold,
                7.0,
                x + 2.0,
                self.y - 1.0,
                palette::WHITE,
                text,
            );
            x += label_w;
        }
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                self.ensure(leading);
                self.y += leading;
                x = MARGIN + indent;
            }
            self.doc
                .text(Style::Regular, size, x, self.y - 1.0, palette::TEXT, line);
        }
        self.y += 3.0;
    }

    /// Labelled figures in a grid of `columns` columns: label small and muted above, value bold.
    pub fn figures(&mut self, items: &[(String, String)], columns: usize) {
        let columns = columns.max(1);
        let cell_w = CONTENT_W / columns as f32;
        for row in items.chunks(columns) {
            self.ensure(30.0);
            for (i, (label, value)) in row.iter().enumerate() {
                let x = MARGIN + cell_w * i as f32;
                self.doc
                    .text(Style::Regular, 7.5, x, self.y + 9.0, palette::MUTED, label);
                let value = fit(&self.doc, Style::Bold, 10.5, cell_w - 8.0, value);
                self.doc
                    .text(Style::Bold, 10.5, x, self.y + 22.0, palette::TEXT, &value);
            }
            self.y += 30.0;
        }
    }

    /// A table; the header repeats on each page it continues on.
    pub fn table(&mut self, columns: &[Column], rows: &[Vec<Cell>]) {
        let size = 7.8;
        let row_h = 13.0;
        let total_w: f32 = columns.iter().map(|c| c.width).sum();
        let scale = if total_w > CONTENT_W {
            CONTENT_W / total_w
        } else {
            1.0
        };
        self.ensure(row_h * 3.0);
        self.table_header(columns, scale, row_h);
        for (index, row) in rows.iter().enumerate() {
            if self.y + row_h > BOTTOM {
                self.page();
                self.table_header(columns, scale, row_h);
            }
            if index % 2 == 1 {
                self.doc
                    .rect(MARGIN, self.y, CONTENT_W, row_h, palette::SHADE);
            }
            let mut x = MARGIN;
            for (column, cell) in columns.iter().zip(row) {
                let w = column.width * scale;
                let text = fit(&self.doc, cell.style, size, w - 6.0, &cell.text);
                let baseline = self.y + row_h - 3.8;
                match column.align {
                    Align::Left => {
                        self.doc
                            .text(cell.style, size, x + 3.0, baseline, cell.color, &text)
                    }
                    Align::Right => self.doc.text_right(
                        cell.style,
                        size,
                        x + w - 3.0,
                        baseline,
                        cell.color,
                        &text,
                    ),
                }
                x += w;
            }
            self.y += row_h;
        }
        self.doc.line(
            MARGIN,
            self.y,
            MARGIN + CONTENT_W,
            self.y,
            0.6,
            palette::RULE,
        );
        self.y += 4.0;
    }

    fn table_header(&mut self, columns: &[Column], scale: f32, row_h: f32) {
        self.doc
            .rect(MARGIN, self.y, CONTENT_W, row_h + 1.0, palette::NAVY);
        let mut x = MARGIN;
        for column in columns {
            let w = column.width * scale;
            let baseline = self.y + row_h - 3.5;
            let title = fit(&self.doc, Style::Bold, 7.5, w - 6.0, column.title);
            match column.align {
                Align::Left => {
                    self.doc
                        .text(Style::Bold, 7.5, x + 3.0, baseline, palette::WHITE, &title)
                }
                Align::Right => self.doc.text_right(
                    Style::Bold,
                    7.5,
                    x + w - 3.0,
                    baseline,
                    palette::WHITE,
                    &title,
                ),
            }
            x += w;
        }
        self.y += row_h + 1.0;
    }
}

/// `text` cut with an ellipsis to fit `width`.
pub fn fit(doc: &Doc, style: Style, size: f32, width: f32, text: &str) -> String {
    if doc.width(style, size, text) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        let candidate = format!("{out}{c}…");
        if doc.width(style, size, &candidate) > width {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// Words laid into lines no wider than `width`; a word longer than a line is cut.
pub fn wrap(doc: &Doc, style: Style, size: f32, width: f32, text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if doc.width(style, size, &candidate) <= width || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_owned();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
        .into_iter()
        .map(|l| fit(doc, style, size, width, &l))
        .collect()
}
