//! A statement page model shared by every layout: fixed texts (running header and footer on
//! every page, a metadata block on the first), a table with column titles repeated on each page,
//! wrapped cells, and pagination that breaks wherever the page is full — in the middle of a day
//! as often as not, as real statements do.

use super::fonts::Font;
use super::writer::{Canvas, PageOut};

/// Horizontal alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Left edge at the anchor.
    Left,
    /// Right edge at the anchor (amounts).
    Right,
    /// Centred on the anchor.
    Center,
}

/// A text at a fixed place. In running headers and footers, `{page}` and `{pages}` are replaced
/// by the page number and count.
#[derive(Clone, Debug)]
pub struct Placed {
    /// Font.
    pub font: Font,
    /// Size in points.
    pub size: f32,
    /// Anchor x (meaning depends on `align`).
    pub x: f32,
    /// Baseline, PDF coordinates.
    pub y: f32,
    /// Alignment on `x`.
    pub align: Align,
    /// The text.
    pub text: String,
}

impl Placed {
    /// Left-aligned text.
    pub fn left(font: Font, size: f32, x: f32, y: f32, text: impl Into<String>) -> Self {
        Placed {
            font,
            size,
            x,
            y,
            align: Align::Left,
            text: text.into(),
        }
    }

    /// The same text with another alignment.
    pub fn aligned(mut self, align: Align) -> Self {
        self.align = align;
        self
    }
}

/// A table column.
#[derive(Clone, Debug)]
pub struct Column {
    /// Title in the header row.
    pub title: &'static str,
    /// Left edge.
    pub left: f32,
    /// Right edge.
    pub right: f32,
    /// Alignment of title and cells.
    pub align: Align,
    /// Whether long text wraps onto further lines (descriptions).
    pub wrap: bool,
}

impl Column {
    /// A column.
    pub fn new(title: &'static str, left: f32, right: f32, align: Align, wrap: bool) -> Self {
        Column {
            title,
            left,
            right,
            align,
            wrap,
        }
    }
}

/// One table row (a transaction, a brought-forward line, a total).
#[derive(Clone, Debug, Default)]
pub struct Row {
    /// One text per column ("" for an empty cell).
    pub cells: Vec<String>,
    /// Drawn in the bold font (totals).
    pub bold: bool,
    /// Column drawn in Times-Roman instead of the body font: the forged-amount signal.
    pub odd_font: Option<usize>,
    /// A cell left blank because it repeats the row above (UK statements print a date once per
    /// day), but printed when the row starts a page.
    pub carried: Option<(usize, String)>,
}

/// A whole statement laid out, ready to paginate.
#[derive(Clone, Debug)]
pub struct Sheet {
    /// Page width.
    pub width: f32,
    /// Page height.
    pub height: f32,
    /// Body font.
    pub font: Font,
    /// Font of titles and totals.
    pub bold: Font,
    /// Body size.
    pub size: f32,
    /// Distance between lines of a wrapped cell.
    pub leading: f32,
    /// Extra space between rows.
    pub row_gap: f32,
    /// Texts on every page.
    pub every_page: Vec<Placed>,
    /// Texts on the first page only (metadata block).
    pub first_page: Vec<Placed>,
    /// Top of the table on page 1 (PDF y).
    pub table_top_first: f32,
    /// Top of the table on later pages.
    pub table_top: f32,
    /// No row baseline below this.
    pub bottom: f32,
    /// Columns.
    pub columns: Vec<Column>,
    /// Rows.
    pub rows: Vec<Row>,
}

/// Greedy word wrap by measured width; a word wider than the column is cut.
pub(crate) fn wrap(font: Font, size: f32, width: f32, text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if font.text_width(&candidate, size) <= width || current.is_empty() {
            current = candidate;
        } else {
            lines.push(std::mem::take(&mut current));
            current = word.to_owned();
        }
        while font.text_width(&current, size) > width && current.chars().count() > 1 {
            let mut head = String::new();
            for c in current.chars() {
                let mut next = head.clone();
                next.push(c);
                if font.text_width(&next, size) > width && !head.is_empty() {
                    break;
                }
                head = next;
            }
            let rest = current.chars().skip(head.chars().count()).collect();
            lines.push(head);
            current = rest;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

fn draw(canvas: &mut Canvas, font: Font, size: f32, x: f32, y: f32, align: Align, text: &str) {
    match align {
        Align::Left => canvas.text(font, size, x, y, text),
        Align::Right => canvas.text_right(font, size, x, y, text),
        Align::Center => canvas.text_centered(font, size, x, y, text),
    }
}

fn anchor(column: &Column) -> f32 {
    match column.align {
        Align::Left => column.left,
        Align::Right => column.right,
        Align::Center => (column.left + column.right) / 2.0,
    }
}

impl Sheet {
    fn header_row(&self, canvas: &mut Canvas, top: f32) -> f32 {
        let height = self.size + 6.0;
        let left = self.columns.first().map_or(0.0, |c| c.left) - 2.0;
        let right = self.columns.last().map_or(0.0, |c| c.right) + 2.0;
        canvas.fill(left, top - height, right - left, height, 0.88);
        let baseline = top - self.size - 1.5;
        for column in &self.columns {
            draw(
                canvas,
                self.bold,
                self.size,
                anchor(column),
                baseline,
                column.align,
                column.title,
            );
        }
        canvas.line(left, top - height, right, top - height, 0.5);
        top - height - 3.0
    }

    /// Lays the rows out on as many pages as they need.
    pub fn render(&self) -> Vec<PageOut> {
        // Pass 1: wrap cells and decide which rows go on which page.
        let wrapped: Vec<Vec<Vec<String>>> = self
            .rows
            .iter()
            .map(|row| {
                self.columns
                    .iter()
                    .zip(&row.cells)
                    .map(|(column, text)| {
                        if column.wrap {
                            wrap(self.font, self.size, column.right - column.left, text)
                        } else {
                            vec![text.clone()]
                        }
                    })
                    .collect()
            })
            .collect();
        let header_height = self.size + 9.0;
        let mut pages: Vec<Vec<usize>> = vec![Vec::new()];
        let mut cursor = self.table_top_first - header_height;
        for (index, cells) in wrapped.iter().enumerate() {
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let height = lines as f32 * self.leading + self.row_gap;
            let last_baseline = cursor - self.size - (lines - 1) as f32 * self.leading;
            let page_has_rows = pages.last().is_some_and(|p| !p.is_empty());
            if last_baseline < self.bottom && page_has_rows {
                pages.push(Vec::new());
                cursor = self.table_top - header_height;
            }
            if let Some(page) = pages.last_mut() {
                page.push(index);
            }
            cursor -= height;
        }
        // Pass 2: draw, now that the page count is known.
        let count = pages.len();
        let mut out = Vec::with_capacity(count);
        for (page_index, rows) in pages.iter().enumerate() {
            let mut canvas = Canvas::default();
            let number = (page_index + 1).to_string();
            for placed in &self.every_page {
                let text = placed
                    .text
                    .replace("{page}", &number)
                    .replace("{pages}", &count.to_string());
                draw(
                    &mut canvas,
                    placed.font,
                    placed.size,
                    placed.x,
                    placed.y,
                    placed.align,
                    &text,
                );
            }
            let top = if page_index == 0 {
                for placed in &self.first_page {
                    draw(
                        &mut canvas,
                        placed.font,
                        placed.size,
                        placed.x,
                        placed.y,
                        placed.align,
                        &placed.text,
                    );
                }
                self.table_top_first
            } else {
                self.table_top
            };
            let mut cursor = self.header_row(&mut canvas, top);
            for (position, &index) in rows.iter().enumerate() {
                let (Some(row), Some(cells)) = (self.rows.get(index), wrapped.get(index)) else {
                    continue;
                };
                let baseline = cursor - self.size;
                let font = if row.bold { self.bold } else { self.font };
                for (col, (column, lines)) in self.columns.iter().zip(cells).enumerate() {
                    let font = if row.odd_font == Some(col) {
                        Font::TimesRoman
                    } else {
                        font
                    };
                    let carried = row
                        .carried
                        .as_ref()
                        .filter(|(c, _)| *c == col && position == 0)
                        .map(|(_, text)| text);
                    let lines = carried.map_or(lines.clone(), |text| vec![text.clone()]);
                    for (k, line) in lines.iter().enumerate() {
                        let y = baseline - k as f32 * self.leading;
                        draw(
                            &mut canvas,
                            font,
                            self.size,
                            anchor(column),
                            y,
                            column.align,
                            line,
                        );
                    }
                }
                let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
                cursor -= height as f32 * self.leading + self.row_gap;
            }
            out.push(PageOut {
                width: self.width,
                height: self.height,
                canvas,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_words_whole_and_cuts_only_overlong_ones() {
        let lines = wrap(Font::Courier, 10.0, 60.0, "NIP TRANSFER TO ADEBAYO");
        assert_eq!(lines, vec!["NIP", "TRANSFER", "TO ADEBAYO"]);
        let lines = wrap(Font::Courier, 10.0, 30.0, "ABCDEFGH");
        assert_eq!(lines, vec!["ABCDE", "FGH"]);
        assert_eq!(wrap(Font::Courier, 10.0, 30.0, ""), vec![""]);
    }
}
