//! Table lines into raw rows.
//!
//! A row starts on a line with a date in the date column, or — for banks that print the date once
//! per day — on a line with an amount under the last date seen. A line with neither continues the
//! description of the row above when it sits right under it; page furniture (lines repeated on
//! most pages, "Page 2 of 5") is dropped. Balance lines ("Balance B/F", "Closing balance") give the
//! statement's opening and closing balances instead of rows. A line that starts with a word in
//! the date column (a section heading, a subtotal, a cardholder line) is neither a row nor part of
//! one. Everything stays text here: decimal marks and date orders are decided over whole columns
//! afterwards.

use super::super::Word;
use super::columns::{Columns, is_money};
use super::lines::Line;
use super::year;
use crate::dates::{DateOrder, looks_like_date};
use crate::formats::tabular::vocab::{self, Label, Role};

/// Most rows read from one document.
pub const MAX_ROWS: usize = 200_000;

/// One transaction as printed, before interpretation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawRow {
    /// 1-based page.
    pub page: u32,
    /// 1-based line on the page where the row starts.
    pub line: u32,
    /// Date text (the last date seen when the row printed none).
    pub date: String,
    /// Value date text.
    pub value_date: Option<String>,
    /// Description lines joined.
    pub description: String,
    /// Reference column text.
    pub reference: Option<String>,
    /// Signed or marked amount.
    pub amount: Option<String>,
    /// Money out.
    pub debit: Option<String>,
    /// Money in.
    pub credit: Option<String>,
    /// Running balance.
    pub balance: Option<String>,
    /// Debit/credit marker column.
    pub marker: Option<String>,
    /// OCR's confidence in each value, for rows read off a scan.
    pub confidence: Option<RowConfidence>,
}

/// The lowest OCR confidence (0..=1) among the words of each value of a row.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RowConfidence {
    /// The date's words.
    pub date: Option<f32>,
    /// The amount's words (whichever money column holds it).
    pub amount: Option<f32>,
    /// The balance's words.
    pub balance: Option<f32>,
    /// The description's words.
    pub description: Option<f32>,
}

fn lowest(a: Option<f32>, b: Option<f32>) -> Option<f32> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn lowest_of<'a>(words: impl IntoIterator<Item = &'a Word>) -> Option<f32> {
    words
        .into_iter()
        .filter_map(|w| w.confidence)
        .fold(None, |acc, c| lowest(acc, Some(c)))
}

impl RowConfidence {
    /// Joins the confidence of a continuation line into its row's.
    fn absorb(&mut self, other: RowConfidence) {
        self.amount = lowest(self.amount, other.amount);
        self.balance = lowest(self.balance, other.balance);
        self.description = lowest(self.description, other.description);
    }
}

impl RawRow {
    fn has_money(&self) -> bool {
        self.amount.is_some() || self.debit.is_some() || self.credit.is_some()
    }
}

/// The rows of the table and its balance lines.
#[derive(Clone, Debug, Default)]
pub struct Extract {
    /// Rows in printed order.
    pub rows: Vec<RawRow>,
    /// First opening-balance line's amount.
    pub opening: Option<String>,
    /// Last closing-balance line's amount.
    pub closing: Option<String>,
}

/// A line of the table region, with the columns in force on its page.
#[derive(Debug)]
pub struct TableLine<'a> {
    /// The line.
    pub line: &'a Line,
    /// Columns of its page.
    pub columns: &'a Columns,
    /// True when the same text sits at the same place on most pages.
    pub repeated: bool,
}

/// A line cut into the table's cells.
#[derive(Debug, Default)]
struct Cells {
    date: Option<String>,
    value_date: Option<String>,
    description: String,
    reference: Option<String>,
    marker: Option<String>,
    amount: Option<String>,
    debit: Option<String>,
    credit: Option<String>,
    balance: Option<String>,
    confidence: Option<RowConfidence>,
}

impl Cells {
    fn has_money(&self) -> bool {
        self.amount.is_some() || self.debit.is_some() || self.credit.is_some()
    }

    fn any_money(&self) -> Option<String> {
        self.balance
            .clone()
            .or_else(|| self.amount.clone())
            .or_else(|| self.credit.clone())
            .or_else(|| self.debit.clone())
    }
}

/// True for text that is a date, with or without its year.
pub fn is_date(text: &str) -> bool {
    looks_like_date(text)
        || year::parse(text, DateOrder::DayFirst).is_some()
        || year::parse(text, DateOrder::MonthFirst).is_some()
}

/// Longest run of the first words (up to four) that reads as a date: its length and text.
fn date_prefix(words: &[&Word]) -> Option<(usize, String)> {
    (1..=4.min(words.len())).rev().find_map(|len| {
        let text = words
            .get(..len)?
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        is_date(&text).then_some((len, text))
    })
}

fn placeholder(text: &str) -> bool {
    matches!(text, "-" | "–" | "—" | "--" | "nil" | "NIL" | "*")
}

fn push_text(target: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    if !target.is_empty() {
        target.push(' ');
    }
    target.push_str(text);
}

fn cut(line: &Line, columns: &Columns) -> Cells {
    let words = &line.words;
    let mut used = vec![false; words.len()];
    let mut cells = Cells::default();
    let ocr = words.iter().any(|w| w.confidence.is_some());
    let mut conf = RowConfidence::default();
    for col in columns.cols.iter().filter(|c| is_money(c.role)) {
        let is_balance = !matches!(col.role, Role::Amount | Role::Debit | Role::Credit);
        let slot = match col.role {
            Role::Amount => &mut cells.amount,
            Role::Debit => &mut cells.debit,
            Role::Credit => &mut cells.credit,
            _ => &mut cells.balance,
        };
        if slot.is_none() {
            let before = used.clone();
            *slot = columns.take_money(col, words, &mut used);
            if ocr && slot.is_some() {
                let taken = lowest_of(
                    words
                        .iter()
                        .zip(before.iter().zip(&used))
                        .filter(|(_, (b, u))| !**b && **u)
                        .map(|(w, _)| w),
                );
                if is_balance {
                    conf.balance = lowest(conf.balance, taken);
                } else {
                    conf.amount = lowest(conf.amount, taken);
                }
            }
        }
    }
    let mut by_col: Vec<Vec<&Word>> = vec![Vec::new(); columns.cols.len()];
    for (w, u) in words.iter().zip(&used) {
        if *u || (placeholder(&w.text) && columns.in_money_band(w)) {
            continue;
        }
        if let Some(list) = columns.text_column(w.x0).and_then(|c| by_col.get_mut(c)) {
            list.push(w);
        }
    }
    let mut lead = String::new();
    // An OCR date with a misread character ("42-Jan-2024"): its readings, its words' text.
    let mut repairs: Option<(Vec<String>, String)> = None;
    for (col, list) in columns.cols.iter().zip(by_col) {
        let mut rest: &[&Word] = &list;
        if ocr
            && col.role == Role::Date
            && cells.date.is_none()
            && date_prefix(rest).is_none()
            && let Some((len, readings)) = repaired_date(rest)
        {
            conf.date = lowest_of(rest.get(..len).unwrap_or_default().iter().copied());
            let printed = rest
                .get(..len)
                .unwrap_or_default()
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            repairs = Some((readings, printed));
            rest = rest.get(len..).unwrap_or_default();
        }
        if matches!(col.role, Role::Date | Role::ValueDate)
            && let Some((len, text)) = date_prefix(rest)
        {
            let slot = if col.role == Role::Date {
                &mut cells.date
            } else {
                &mut cells.value_date
            };
            if slot.is_none() {
                *slot = Some(text);
                if col.role == Role::Date {
                    conf.date = lowest_of(rest.get(..len).unwrap_or_default().iter().copied());
                }
                rest = rest.get(len..).unwrap_or_default();
            }
        }
        if ocr && col.role != Role::Marker {
            conf.description = lowest(conf.description, lowest_of(rest.iter().copied()));
        }
        let text = rest
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        match col.role {
            Role::Date | Role::ValueDate => push_text(&mut lead, &text),
            Role::Reference if !text.is_empty() => {
                let r = cells.reference.get_or_insert_with(String::new);
                push_text(r, &text);
            }
            Role::Marker if !text.is_empty() => cells.marker = Some(text),
            _ => push_text(&mut cells.description, &text),
        }
    }
    if let Some((readings, printed)) = repairs {
        // The value date printed beside it settles which reading is meant; failing that, a
        // single reading is taken. Otherwise the text stays in the description and the row
        // keeps the date above it, as for any unreadable date.
        let chosen = match &cells.value_date {
            Some(v) if readings.contains(v) => Some(v.clone()),
            _ if readings.len() == 1 => readings.into_iter().next(),
            _ => None,
        };
        match chosen {
            Some(date) => cells.date = Some(date),
            None => {
                conf.date = None;
                lead = format!("{printed} {lead}");
            }
        }
    }
    if !lead.is_empty() {
        lead.push(' ');
        lead.push_str(&cells.description);
        cells.description = lead.trim().to_owned();
    }
    cells.confidence = ocr.then_some(conf);
    cells
}

/// What a character OCR misread may have been printed as: the confusions of digits with
/// look-alike glyphs that tesseract makes in dates (a leading "1" read as "4" or "7", "0" as
/// "O", "1" as "l" or "|").
fn confusions(c: char) -> &'static [char] {
    match c {
        '4' | '7' | 'l' | 'I' | 'i' | '|' | '!' | ']' | '[' => &['1'],
        'O' | 'o' | 'Q' | 'D' | 'U' => &['0'],
        'S' | 's' | '$' => &['5'],
        'B' => &['8'],
        'Z' | 'z' => &['2'],
        'g' => &['9'],
        'G' | 'b' => &['6'],
        _ => &[],
    }
}

/// The dates an OCR date-column cell that reads as no date could have been, one misread
/// character away (at most four of them), with the number of words they span. Only cells that
/// are nearly a date are tried: letters and digits in the shape of one.
fn repaired_date(words: &[&Word]) -> Option<(usize, Vec<String>)> {
    (1..=3.min(words.len())).rev().find_map(|len| {
        let text = words
            .get(..len)?
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if text.chars().count() > 24 || !text.bytes().any(|b| b.is_ascii_digit()) {
            return None;
        }
        let chars: Vec<char> = text.chars().collect();
        let mut readings: Vec<String> = Vec::new();
        // A narrow space lost at low resolution: "20Nov" for "20 Nov".
        for i in 1..chars.len() {
            if let (Some(a), Some(b)) = (chars.get(i - 1), chars.get(i))
                && (a.is_ascii_digit() && b.is_alphabetic()
                    || a.is_alphabetic() && b.is_ascii_digit())
            {
                let candidate: String = chars
                    .get(..i)
                    .unwrap_or_default()
                    .iter()
                    .chain([' '].iter())
                    .chain(chars.get(i..).unwrap_or_default())
                    .collect();
                if is_date(&candidate) && !readings.contains(&candidate) {
                    readings.push(candidate);
                }
            }
        }
        for (i, &c) in chars.iter().enumerate() {
            for &r in confusions(c) {
                let mut candidate = chars.clone();
                if let Some(slot) = candidate.get_mut(i) {
                    *slot = r;
                }
                let candidate: String = candidate.into_iter().collect();
                if is_date(&candidate) && !readings.contains(&candidate) {
                    readings.push(candidate);
                }
            }
        }
        (!readings.is_empty() && readings.len() <= 4).then_some((len, readings))
    })
}

/// "Page 2 of 5", "2/5", "Seite 2 von 5", "Page 2".
fn is_page_number(text: &str) -> bool {
    let mut shape = String::new();
    let mut in_digits = false;
    for c in vocab::normalize(text).chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                shape.push('#');
            }
            in_digits = true;
        } else {
            shape.push(c);
            in_digits = false;
        }
    }
    matches!(
        shape.as_str(),
        "page #"
            | "page # of #"
            | "page # #"
            | "page # sur #"
            | "seite #"
            | "seite # von #"
            | "pagina #"
            | "pagina # de #"
            | "pagina # di #"
            | "pag #"
            | "p #"
            | "# of #"
            | "# #"
            | "# sur #"
    ) || (shape == "#" && text.bytes().filter(u8::is_ascii_digit).count() <= 3)
}

fn balance_label(description: &str, dated: bool) -> Option<Label> {
    // `vocab::label` finds every whole-text label `vocab::label_exact` would (it tries the whole
    // text first), so when it finds none only a card summary's labels are left to try: this
    // runs on every table line, and each vocabulary lookup is a scan of the table.
    match vocab::label(description).or_else(|| super::meta::summary_label(description)) {
        Some(l @ (Label::Opening | Label::Closing)) => Some(l),
        Some(Label::Total) if !dated || vocab::label_exact(description).is_some() => {
            Some(Label::Total)
        }
        _ => None,
    }
}

/// A line that starts with a word in a date column but holds no date: a section heading
/// ("Credits", "NEW TRANSACTIONS"), a section subtotal ("Payments  -$2,422.24"), a cardholder
/// line ("A CARDHOLDER  XXXX XXXX XXXX 0123  Total Activity  $2,461.81") or a header repeated
/// inside the table. Rows start with their date; their descriptions, wrapped or not, sit in the
/// description column. Such a line is neither a row nor a continuation of one, and it ends the
/// row above. The word must be a real word (two letters, no digit), so that an OCR speck or a
/// misread date in the date column does not cost a row.
fn section_line(line: &Line, columns: &Columns, cells: &Cells) -> bool {
    if cells.date.is_some() || cells.value_date.is_some() {
        return false;
    }
    let Some(first) = line.words.first() else {
        return false;
    };
    let wordlike = first.text.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && !first.text.bytes().any(|b| b.is_ascii_digit());
    wordlike
        && columns
            .text_column(first.x0)
            .and_then(|i| columns.cols.get(i))
            .is_some_and(|c| matches!(c.role, Role::Date | Role::ValueDate))
}

/// Typical distance between consecutive table lines of a page.
fn pitch(lines: &[TableLine<'_>]) -> f32 {
    let mut gaps: Vec<f32> = lines
        .windows(2)
        .filter_map(|w| match w {
            [a, b] if a.line.page == b.line.page => {
                Some(b.line.y0 - a.line.y0).filter(|g| *g > 0.0)
            }
            _ => None,
        })
        .collect();
    gaps.sort_by(f32::total_cmp);
    gaps.get(gaps.len() / 2).copied().unwrap_or(12.0)
}

/// Reads the table lines of the whole document into rows.
pub fn extract(
    lines: &[TableLine<'_>],
    warnings: &mut Vec<String>,
) -> Result<Extract, crate::IngestError> {
    let pitch = pitch(lines);
    let mut out = Extract::default();
    let mut last_date: Option<String> = None;
    // The row that continuation lines extend: index, page and top of its last line.
    let mut open: Option<(usize, u32, f32)> = None;
    let mut orphans = 0usize;
    let mut totals = 0usize;
    let mut sections = 0usize;
    for tl in lines {
        let line = tl.line;
        let cells = cut(line, tl.columns);
        if let Some(label) = balance_label(&cells.description, cells.date.is_some()) {
            open = None;
            // "20 Nov  BALANCE BROUGHT FORWARD" dates the undated rows that follow it.
            if let Some(d) = &cells.date {
                last_date = Some(d.clone());
            }
            let value = cells.any_money().or_else(|| {
                line.words
                    .iter()
                    .rev()
                    .find(|w| super::columns::amountish(&w.text))
                    .map(|w| w.text.clone())
            });
            match label {
                Label::Opening => out.opening = out.opening.take().or(value),
                Label::Closing => out.closing = value.or(out.closing.take()),
                _ => totals += 1,
            }
            continue;
        }
        if section_line(line, tl.columns, &cells) {
            open = None;
            sections += usize::from(cells.has_money());
            continue;
        }
        let starts = cells.date.is_some() || cells.has_money();
        if !starts {
            // Continuation is tried before the repeated-line test: a frequent description
            // wrapped at the same height on two pages of three is not page furniture.
            if is_page_number(&line.text()) || cells.description.is_empty() {
                continue;
            }
            if let Some((i, page, y)) = open
                && page == line.page
                && line.y0 - y <= 1.8 * pitch
                && let Some(row) = out.rows.get_mut(i)
            {
                push_text(&mut row.description, &cells.description);
                if let Some(r) = cells.reference {
                    push_text(row.reference.get_or_insert_with(String::new), &r);
                }
                if let (Some(mine), Some(more)) = (row.confidence.as_mut(), cells.confidence) {
                    mine.description = lowest(mine.description, more.description);
                }
                open = Some((i, page, line.y0));
            }
            continue;
        }
        // A date repeated at the same place on most pages is furniture ("Printed 31/03/2024").
        if tl.repeated && !cells.has_money() {
            continue;
        }
        // Amounts printed on the line after their dated row.
        if cells.date.is_none()
            && let Some((i, page, _)) = open
            && page == line.page
            && let Some(row) = out.rows.get_mut(i)
            && !row.has_money()
        {
            row.amount = cells.amount;
            row.debit = cells.debit;
            row.credit = cells.credit;
            row.balance = row.balance.take().or(cells.balance);
            push_text(&mut row.description, &cells.description);
            if let (Some(mine), Some(more)) = (row.confidence.as_mut(), cells.confidence) {
                mine.absorb(more);
            }
            open = Some((i, page, line.y0));
            continue;
        }
        if let Some(d) = &cells.date {
            last_date = Some(d.clone());
        }
        let Some(date) = last_date.clone() else {
            orphans += 1;
            continue;
        };
        if out.rows.len() >= MAX_ROWS {
            return Err(crate::IngestError::malformed(
                ledgerlens_core::Format::Pdf,
                Some(format!("page {}", line.page)),
                format!("more than {MAX_ROWS} table rows"),
            ));
        }
        out.rows.push(RawRow {
            page: line.page,
            line: line.number,
            date,
            value_date: cells.value_date,
            description: cells.description,
            reference: cells.reference,
            amount: cells.amount,
            debit: cells.debit,
            credit: cells.credit,
            balance: cells.balance,
            marker: cells.marker,
            confidence: cells.confidence,
        });
        open = Some((out.rows.len() - 1, line.page, line.y0));
    }
    if orphans > 0 {
        warnings.push(format!(
            "pdf: {orphans} line(s) with amounts before the first dated row were skipped"
        ));
    }
    if totals > 0 {
        warnings.push(format!("pdf: {totals} total line(s) were not read as rows"));
    }
    if sections > 0 {
        warnings.push(format!(
            "pdf: {sections} line(s) with amounts outside the rows (section subtotals, cardholder lines) were not read as rows"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_in_several_forms_are_recognised() {
        for text in ["Page 2 of 5", "2/5", "Seite 3 von 4", "Page 1", "- 3 -"] {
            assert!(is_page_number(text), "{text}");
        }
        assert!(!is_page_number("POS PURCHASE 12"));
        assert!(!is_page_number("08031234567"));
    }

    fn ocr_word(text: &str) -> Word {
        Word {
            text: text.to_owned(),
            x0: 0.0,
            y0: 0.0,
            x1: 10.0,
            y1: 10.0,
            font: None,
            size: 9.0,
            confidence: Some(0.9),
        }
    }

    #[test]
    fn ocr_dates_one_misread_character_away_are_repaired() {
        let repair = |texts: &[&str]| {
            let words: Vec<Word> = texts.iter().map(|t| ocr_word(t)).collect();
            let refs: Vec<&Word> = words.iter().collect();
            repaired_date(&refs)
        };
        assert_eq!(
            repair(&["42-Jan-2024"]),
            Some((1, vec!["12-Jan-2024".to_owned()]))
        );
        assert_eq!(repair(&["20Nov"]), Some((1, vec!["20 Nov".to_owned()])));
        assert_eq!(
            repair(&["0l/02/2024"]),
            Some((1, vec!["01/02/2024".to_owned()]))
        );
        assert_eq!(repair(&["Credits"]), None);
        assert_eq!(repair(&["REF0000013"]), None);
    }

    #[test]
    fn balance_lines_are_told_from_transactions_that_mention_totals() {
        assert_eq!(balance_label("Balance B/F", false), Some(Label::Opening));
        assert_eq!(balance_label("Nouveau solde", false), Some(Label::Closing));
        assert_eq!(balance_label("TOTAL", true), Some(Label::Total));
        assert_eq!(balance_label("TOTAL ENERGIES LEKKI", true), None);
        assert_eq!(balance_label("POS PURCHASE", false), None);
    }
}
