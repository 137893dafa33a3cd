//! Finding the header rows of the transaction tables on a page.
//!
//! The header is the line whose words read as column names from the shared multilingual
//! vocabulary: at least a date column and a money column, and little else. Header lines carry no
//! digits, which rules out almost every other line of a statement before any vocabulary lookup
//! (the lookups are the costly part). Names set on two lines are read stacked.

use ledgerlens_core::Currency;

use super::lines::{Line, phrases, sane_size};
use crate::dates::DateOrder;
use crate::formats::tabular::vocab::{self, Role};

/// A header line longer than this is prose, not column names.
const MAX_HEADER_WORDS: usize = 40;

/// Longest column name, in words ("Date de l'opération" is four after folding).
const MAX_NAME_WORDS: usize = 5;

/// One column name on the header line.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// What the column holds.
    pub role: Role,
    /// Left edge of the name.
    pub x0: f32,
    /// Right edge of the name (qualifiers included).
    pub x1: f32,
    /// Currency named in the header ("Debit (NGN)").
    pub currency: Option<Currency>,
    /// Date order spelled in the header ("Date (MM/DD/YYYY)").
    pub date_order: Option<DateOrder>,
}

/// A header found on a page: the lines it spans and its cells, left to right.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// Index of its first line (the upper line of a two-line header).
    pub first: usize,
    /// Index of its last line: the table starts after it.
    pub last: usize,
    /// The column names.
    pub cells: Vec<Cell>,
}

/// Most headers looked for on one page (a page holds a few tables at most).
const MAX_HEADERS_PER_PAGE: usize = 16;

/// Every header among `lines`, top to bottom: a page may hold several tables ("Payments and
/// credits", then "New transactions"), each under its own header.
///
/// Column names set on two lines ("Post" over "Date", "Reference" over "Number") are read
/// stacked: the upper line's words join the lower line's words they overlap. The stacked reading
/// is taken when it names more columns than the lower line alone (or as many, with fewer unknown
/// words), so a title above a complete header is never folded into it.
pub fn find_all(lines: &[Line]) -> Vec<Found> {
    let mut out = Vec::new();
    let mut readings: Vec<Option<Reading>> = lines.iter().map(read).collect();
    let mut i = 0;
    while i < lines.len() && out.len() < MAX_HEADERS_PER_PAGE {
        let (Some(line), next) = (lines.get(i), lines.get(i + 1)) else {
            break;
        };
        let single = readings.get_mut(i).and_then(Option::take);
        let lower = readings.get(i + 1).and_then(Option::as_ref);
        let stacked = next.and_then(|n| stack(line, n)).and_then(|l| read(&l));
        if let Some(s) = stacked
            && lower.is_none_or(|l| s.better_than(l))
            && single.as_ref().is_none_or(|u| !u.better_than(&s))
        {
            out.push(Found {
                first: i,
                last: i + 1,
                cells: s.cells,
            });
            i += 2;
            continue;
        }
        if let Some(r) = single {
            out.push(Found {
                first: i,
                last: i,
                cells: r.cells,
            });
        }
        i += 1;
    }
    out
}

/// The two lines of a header set on two lines, as one line of stacked names; `None` when the
/// lines are not close enough to be one header or the upper one carries digits.
fn stack(upper: &Line, lower: &Line) -> Option<Line> {
    let size = sane_size(lower.size().max(upper.size()));
    let gap = lower.y0 - upper.y0;
    if !(0.0..=1.6 * size).contains(&gap)
        || upper.has_digit()
        || lower.has_digit()
        || upper.words.len() > MAX_HEADER_WORDS
    {
        return None;
    }
    let mut words = lower.words.clone();
    for w in &upper.words {
        let below = words
            .iter_mut()
            .find(|l| l.x0 < w.x1 && w.x0 < l.x1 && !l.text.contains(' '));
        match below {
            Some(l) => {
                l.text = format!("{} {}", w.text, l.text);
                l.x0 = l.x0.min(w.x0);
                l.x1 = l.x1.max(w.x1);
                l.y0 = l.y0.min(w.y0);
            }
            None => words.push(w.clone()),
        }
    }
    words.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    Some(Line {
        words,
        y0: upper.y0,
        ..lower.clone()
    })
}

fn is_money(role: Role) -> bool {
    matches!(
        role,
        Role::Amount | Role::Debit | Role::Credit | Role::Balance
    )
}

/// A line read as column names.
#[derive(Clone, Debug)]
struct Reading {
    cells: Vec<Cell>,
    /// Words that name no column.
    unknown: usize,
}

impl Reading {
    fn better_than(&self, other: &Reading) -> bool {
        self.cells.len() > other.cells.len()
            || (self.cells.len() == other.cells.len() && self.unknown < other.unknown)
    }
}

/// Reads a line as column names, or `None` when it is not a header.
#[cfg(test)]
pub fn cells(line: &Line) -> Option<Vec<Cell>> {
    read(line).map(|r| r.cells)
}

fn read(line: &Line) -> Option<Reading> {
    if line.words.len() < 2 || line.words.len() > MAX_HEADER_WORDS || line.has_digit() {
        return None;
    }
    let mut out: Vec<Cell> = Vec::new();
    // Per cell: a date column named as the posting date.
    let mut posting: Vec<bool> = Vec::new();
    let mut unknown = 0usize;
    for phrase in phrases(&line.words) {
        let words = line.words.get(phrase.start..phrase.end).unwrap_or_default();
        let mut i = 0;
        while i < words.len() {
            let longest = (1..=MAX_NAME_WORDS.min(words.len() - i))
                .rev()
                .find_map(|len| {
                    let span = words.get(i..i + len)?;
                    let m = vocab::classify(&super::lines::join(span))?;
                    m.exact.then_some((len, m))
                })
                .or_else(|| {
                    let m = vocab::classify(&words.get(i)?.text)?;
                    Some((1, m))
                });
            match longest {
                Some((len, m)) => {
                    let span = words.get(i..i + len).unwrap_or_default();
                    posting.push(m.role == Role::Date && names_posting(&super::lines::join(span)));
                    out.push(Cell {
                        role: m.role,
                        x0: span.first().map_or(0.0, |w| w.x0),
                        x1: span.last().map_or(0.0, |w| w.x1),
                        currency: m.currency,
                        date_order: m.date_order,
                    });
                    i += len;
                }
                None => {
                    let word = words.get(i).map(|w| (w.text.as_str(), w.x1));
                    match (word, out.last_mut()) {
                        // "(NGN)", "(₦)", "£": a qualifier of the name before it.
                        (Some((text, x1)), Some(cell)) if qualifier(text).is_some() => {
                            cell.x1 = cell.x1.max(x1);
                            if cell.currency.is_none() {
                                cell.currency = qualifier(text).flatten();
                            }
                        }
                        _ => unknown += 1,
                    }
                    i += 1;
                }
            }
        }
    }
    assign_dates(&mut out, &posting);
    let has_date = out.iter().any(|c| c.role == Role::Date);
    let has_money = out.iter().any(|c| is_money(c.role));
    (has_date && has_money && out.len() >= 2 && unknown <= (out.len() / 2).max(1)).then_some(
        Reading {
            cells: out,
            unknown,
        },
    )
}

/// True for the name of a posting (booking) date: "Post Date", "Posting Date", "Booking Date".
fn names_posting(text: &str) -> bool {
    vocab::normalize(text).split(' ').any(|t| {
        t.starts_with("post") || t.starts_with("book") || t == "buchungstag" || t == "buchung"
    })
}

/// With two date columns, one is the booking date and the other the value date. A column named
/// as the posting date is the booking date wherever it stands (card statements print "Trans
/// Date" and "Post Date" in either order: the purchase and the day the issuer booked it);
/// otherwise the first is the booking date ("Date ... Date", "Trans Date ... Value Date").
fn assign_dates(cells: &mut [Cell], posting: &[bool]) {
    let dates: Vec<usize> = (0..cells.len())
        .filter(|&i| cells.get(i).is_some_and(|c| c.role == Role::Date))
        .collect();
    let booking = dates
        .iter()
        .copied()
        .find(|&i| posting.get(i).copied().unwrap_or(false))
        .filter(|_| dates.len() > 1)
        .or_else(|| dates.first().copied());
    for i in dates {
        if Some(i) != booking
            && let Some(cell) = cells.get_mut(i)
        {
            cell.role = Role::ValueDate;
        }
    }
}

/// `Some(currency)` for a qualifier word ("(NGN)", "(₦)", "GBP"); `None` for anything else.
fn qualifier(text: &str) -> Option<Option<Currency>> {
    let inner = text.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | ':'));
    if let Ok(c) = Currency::parse(inner) {
        return Some(Some(c));
    }
    if let Some(c) = super::meta::currency_from_symbol(inner) {
        return Some(Some(c));
    }
    (text.starts_with('(') && text.ends_with(')')).then_some(None)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::Sheet;
    use super::*;

    #[test]
    fn a_nigerian_header_reads_as_dates_narration_and_three_money_columns() {
        let mut sheet = Sheet::new(9.0);
        sheet.left(40.0, "Trans Date");
        sheet.left(110.0, "Value Date");
        sheet.left(180.0, "Narration");
        sheet.right(400.0, "Debit (NGN)");
        sheet.right(470.0, "Credit");
        sheet.right(550.0, "Balance");
        let line = sheet.line();
        let cells = cells(&line).unwrap();
        let roles: Vec<Role> = cells.iter().map(|c| c.role).collect();
        assert_eq!(
            roles,
            [
                Role::Date,
                Role::ValueDate,
                Role::Description,
                Role::Debit,
                Role::Credit,
                Role::Balance
            ]
        );
        assert_eq!(
            cells[3].currency.map(|c| c.code().to_owned()),
            Some("NGN".into())
        );
        assert!((cells[3].x1 - 400.0).abs() < 0.01);
    }

    #[test]
    fn lines_with_digits_or_prose_are_not_headers() {
        let mut sheet = Sheet::new(9.0);
        sheet.left(40.0, "Date: 01/02/2024 Balance");
        assert!(cells(&sheet.line()).is_none());
        sheet.left(
            40.0,
            "Please check the date of every entry and report errors to your bank",
        );
        assert!(cells(&sheet.line()).is_none());
        sheet.left(40.0, "Date");
        sheet.left(200.0, "Libellé");
        sheet.left(400.0, "Montant");
        sheet.left(480.0, "Solde");
        assert_eq!(cells(&sheet.line()).map(|c| c.len()), Some(4));
    }
}
