//! Column boundaries: the header says where columns start; the figures say where they end.
//!
//! Column names are short and may be left-, right- or centre-aligned over their column, so their
//! extents alone are a poor guide. Amounts, though, are right-aligned by every bank: over the whole
//! document the right edges of the numbers under a money header pile up on one x. That pile is
//! the column's anchor, and a number belongs to the column when its right edge sits on it. Text
//! columns (dates, descriptions) are left-aligned, so a word belongs to the last text column whose
//! name starts at or before it.

use ledgerlens_core::Currency;

use super::super::Word;
use super::header::Cell;
use super::lines::{Line, joins, sane_size};
use crate::dates::DateOrder;
use crate::formats::tabular::vocab::Role;
use crate::number::parse_amount;

/// One column of the table.
#[derive(Clone, Debug)]
pub struct Column {
    /// What it holds.
    pub role: Role,
    /// Left edge of the column name.
    pub x0: f32,
    /// For money columns: the x on which the amounts' right edges align, when the data show one.
    pub anchor: Option<f32>,
    /// Horizontal band owned by the column when no anchor is known (midpoints to neighbours).
    pub lo: f32,
    /// See `lo`.
    pub hi: f32,
}

/// The table's columns, left to right.
#[derive(Clone, Debug)]
pub struct Columns {
    /// The columns.
    pub cols: Vec<Column>,
    /// Currency named in a header cell.
    pub currency: Option<Currency>,
    /// Date order spelled in a header cell.
    pub date_order: Option<DateOrder>,
    /// Slack, in points, when comparing edges (grows with the font).
    pub tol: f32,
}

/// True for a column holding money.
pub fn is_money(role: Role) -> bool {
    matches!(
        role,
        Role::Amount | Role::Debit | Role::Credit | Role::Balance
    )
}

/// True for text that reads as an amount on its own.
pub fn amountish(text: &str) -> bool {
    text.len() <= 40 && text.bytes().any(|b| b.is_ascii_digit()) && parse_amount(text, None).is_ok()
}

/// A credit/debit suffix printed as its own word after an amount.
pub fn is_suffix(text: &str) -> bool {
    matches!(
        text.trim_end_matches('.').to_ascii_uppercase().as_str(),
        "CR" | "DR"
    )
}

/// True when word `i` ends an amount: a number, or a CR/DR suffix right after one, and no
/// thousands group or suffix follows it ("10" in "10 000,00" does not end the amount).
fn ends_amount(words: &[Word], i: usize) -> bool {
    let Some(w) = words.get(i) else {
        return false;
    };
    if let Some(next) = words.get(i + 1)
        && joins(w, next)
        && (is_suffix(&next.text) || is_group_head(&w.text) && starts_with_group(&next.text))
    {
        return false;
    }
    if amountish(&w.text) {
        return true;
    }
    is_suffix(&w.text)
        && i > 0
        && words
            .get(i - 1)
            .is_some_and(|prev| amountish(&prev.text) && joins(prev, w))
}

/// A leading thousands group: 1–3 digits, perhaps after a sign, parenthesis or currency symbol.
fn is_group_head(text: &str) -> bool {
    let digits = text.trim_start_matches(|c: char| !c.is_ascii_digit());
    (1..=3).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Exactly three digits at the start, then a non-digit or the end: a thousands group.
fn starts_with_group(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 3
        && b.iter().take(3).all(u8::is_ascii_digit)
        && b.get(3).is_none_or(|c| !c.is_ascii_digit())
}

fn is_prefix_symbol(text: &str) -> bool {
    matches!(text, "₦" | "$" | "€" | "£" | "¥" | "₵" | "₹" | "-" | "+")
        || Currency::parse(text).is_ok() && text.len() == 3
}

/// The words `start..=end` that make up the amount ending at word `end`: thousands groups set
/// apart by spaces ("1 234,56"), a currency symbol before it, a CR/DR suffix after it.
fn amount_span(words: &[Word], end: usize) -> Option<usize> {
    let last = words.get(end)?;
    let last_amountish = amountish(&last.text);
    let core_end = if last_amountish {
        end
    } else {
        end.checked_sub(1)?
    };
    let mut start = core_end;
    while start > 0 && core_end - start < 6 {
        let (Some(left), Some(right)) = (words.get(start - 1), words.get(start)) else {
            break;
        };
        if joins(left, right) && is_group_head(&left.text) && starts_with_group(&right.text) {
            start -= 1;
        } else {
            break;
        }
    }
    if start > 0
        && let (Some(left), Some(right)) = (words.get(start - 1), words.get(start))
        && joins(left, right)
        && is_prefix_symbol(&left.text)
    {
        start -= 1;
    }
    // A lone word already read as an amount: joining and parsing it again would say the same.
    if start == end && last_amountish {
        return Some(start);
    }
    let text = super::lines::join(words.get(start..=end)?);
    if parse_amount(&text, None).is_ok() {
        Some(start)
    } else {
        Some(core_end).filter(|_| {
            amountish(
                &words
                    .get(core_end..=end)
                    .map(super::lines::join)
                    .unwrap_or_default(),
            )
        })
    }
}

impl Columns {
    /// Takes the amount of money column `col` out of a line's unused words.
    pub fn take_money(&self, col: &Column, words: &[Word], used: &mut [bool]) -> Option<String> {
        let fits = |w: &Word| match col.anchor {
            Some(a) => (w.x1 - a).abs() <= self.tol,
            None => {
                let centre = (w.x0 + w.x1) / 2.0;
                centre >= col.lo && centre < col.hi
            }
        };
        let end = (0..words.len()).rev().find(|&i| {
            !used.get(i).copied().unwrap_or(true)
                && words.get(i).is_some_and(&fits)
                && ends_amount(words, i)
        })?;
        let start = amount_span(words, end)?;
        if (start..=end).any(|k| used.get(k).copied().unwrap_or(true)) {
            return None;
        }
        for k in start..=end {
            if let Some(u) = used.get_mut(k) {
                *u = true;
            }
        }
        words.get(start..=end).map(super::lines::join)
    }

    /// Index of the text column a word starting at `x0` belongs to.
    pub fn text_column(&self, x0: f32) -> Option<usize> {
        let text = || {
            self.cols
                .iter()
                .enumerate()
                .filter(|(_, c)| !is_money(c.role))
        };
        text()
            .rfind(|(_, c)| c.x0 - self.tol <= x0)
            .or_else(|| text().next())
            .map(|(i, _)| i)
    }

    /// The money column whose band holds `x`, for dropping placeholders ("-") printed there.
    pub fn in_money_band(&self, w: &Word) -> bool {
        let centre = (w.x0 + w.x1) / 2.0;
        self.cols
            .iter()
            .any(|c| is_money(c.role) && centre >= c.lo && centre < c.hi)
    }

    /// The first column with a role.
    pub fn find(&self, role: Role) -> Option<&Column> {
        self.cols.iter().find(|c| c.role == role)
    }
}

/// Builds the columns from the header cells and the lines under the header (all pages).
pub fn infer<'a, I: IntoIterator<Item = &'a Line>>(cells: &[Cell], data: I) -> Columns {
    let mut sorted: Vec<Cell> = cells.to_vec();
    sorted.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let data: Vec<&Line> = data.into_iter().collect();
    let size = data_size(&data);
    let tol = 0.6 * size + 1.0;
    let mut cols: Vec<Column> = Vec::with_capacity(sorted.len());
    for (i, c) in sorted.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| sorted.get(p));
        let next = sorted.get(i + 1);
        cols.push(Column {
            role: c.role,
            x0: c.x0,
            anchor: None,
            lo: prev.map_or(f32::NEG_INFINITY, |p| (p.x1 + c.x0) / 2.0),
            hi: next.map_or(f32::INFINITY, |n| (c.x1 + n.x0) / 2.0),
        });
    }
    // Right edges of numbers under each money header, between its start and the next header.
    let windows: Vec<(usize, f32, f32)> = cols
        .iter()
        .enumerate()
        .filter(|(_, c)| is_money(c.role))
        .map(|(i, c)| {
            let end = cols.get(i + 1).map_or(f32::INFINITY, |n| n.x0 + tol);
            (i, c.x0, end)
        })
        .collect();
    let mut edges: Vec<Vec<f32>> = vec![Vec::new(); cols.len()];
    let mut lines = 0usize;
    for line in &data {
        lines += 1;
        for i in 0..line.words.len() {
            let Some(w) = line.words.get(i) else { continue };
            for &(k, lo, hi) in &windows {
                if w.x1 > lo
                    && w.x1 <= hi
                    && ends_amount(&line.words, i)
                    && let Some(e) = edges.get_mut(k)
                {
                    e.push(w.x1);
                }
            }
        }
    }
    let needed = if lines < 4 { 1 } else { 2 };
    for (col, mut xs) in cols.iter_mut().zip(edges) {
        col.anchor = densest(&mut xs, needed);
    }
    Columns {
        cols,
        currency: sorted.iter().find_map(|c| c.currency),
        date_order: sorted.iter().find_map(|c| c.date_order),
        tol,
    }
}

/// Median font size of the table's text (sampled: the table is uniform).
fn data_size(lines: &[&Line]) -> f32 {
    let mut sizes: Vec<f32> = lines
        .iter()
        .take(200)
        .flat_map(|l| l.words.first().map(|w| sane_size(w.size)))
        .collect();
    sizes.sort_by(f32::total_cmp);
    sizes.get(sizes.len() / 2).copied().unwrap_or(9.0)
}

/// Centre of the largest pile of nearly equal values, when it holds at least `needed`.
fn densest(xs: &mut [f32], needed: usize) -> Option<f32> {
    xs.sort_by(f32::total_cmp);
    let mut best: Option<(usize, usize)> = None;
    let mut start = 0;
    for i in 1..=xs.len() {
        let split = match (xs.get(i - 1), xs.get(i)) {
            (Some(a), Some(b)) => b - a > 1.0,
            _ => true,
        };
        if split {
            if best.is_none_or(|(s, e)| i - start > e - s) {
                best = Some((start, i));
            }
            start = i;
        }
    }
    let (s, e) = best?;
    (e - s >= needed)
        .then(|| xs.get(s + (e - s) / 2).copied())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::super::header;
    use super::super::testkit::Sheet;
    use super::*;

    #[test]
    fn right_aligned_amounts_anchor_their_column_and_spaced_thousands_stay_whole() {
        let mut sheet = Sheet::new(9.0);
        sheet.left(40.0, "Date").left(120.0, "Libellé");
        sheet.left(330.0, "Montant").left(450.0, "Solde");
        let head = header::cells(&sheet.line()).unwrap();
        let mut lines = Vec::new();
        for (amount, balance) in [("-1 234,56", "10 000,00"), ("12,00", "10 012,00")] {
            sheet.left(40.0, "05/01/2024").left(120.0, "PAIEMENT CB 12");
            sheet.right(400.0, amount).right(500.0, balance);
            lines.push(sheet.line());
        }
        let columns = infer(&head, lines.iter());
        let montant = columns.find(Role::Amount).unwrap();
        assert!((montant.anchor.unwrap() - 400.0).abs() < 0.5);
        let mut used = vec![false; lines[0].words.len()];
        assert_eq!(
            columns.take_money(montant, &lines[0].words, &mut used),
            Some("-1 234,56".to_owned())
        );
        let solde = columns.find(Role::Balance).unwrap().clone();
        assert_eq!(
            columns.take_money(&solde, &lines[0].words, &mut used),
            Some("10 000,00".to_owned())
        );
        // "12" ends the description, far from any anchor: it stays text.
        assert_eq!(used.iter().filter(|u| !**u).count(), 4);
    }

    #[test]
    fn cr_dr_suffixes_belong_to_the_amount() {
        let mut sheet = Sheet::new(9.0);
        sheet
            .left(40.0, "Date")
            .left(100.0, "Description")
            .left(400.0, "Balance");
        let head = header::cells(&sheet.line()).unwrap();
        sheet.left(40.0, "05 Dec").left(100.0, "CARD PAYMENT");
        sheet.right(450.0, "1,234.56 DR");
        let line = sheet.line();
        let columns = infer(&head, [&line]);
        let balance = columns.find(Role::Balance).unwrap();
        let mut used = vec![false; line.words.len()];
        assert_eq!(
            columns.take_money(balance, &line.words, &mut used),
            Some("1,234.56 DR".to_owned())
        );
    }
}
