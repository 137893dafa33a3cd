//! Dates as statements print them, with the day/month order decided for a whole file.
//!
//! "03/04/2024" is 3 April in Lagos and March 4 in New York. One row cannot tell; a file can: any
//! row with a first number above 12 proves day-first, any with a second above 12 proves
//! month-first, and when no row is decisive the order under which the rows are chronological wins.
//! Only then does the caller's hint (or day-first, the world's majority) decide.

use chrono::{Datelike, NaiveDate};

/// Order of the numeric parts of a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    /// 31/12/2024
    DayFirst,
    /// 12/31/2024
    MonthFirst,
    /// 2024-12-31
    YearFirst,
}

/// Month names and abbreviations in English, French, German, Spanish, Portuguese, Italian and Dutch.
/// Matching is by prefix of at least three letters, after accents are folded.
const MONTHS: [&[&str]; 12] = [
    &[
        "jan", "janv", "janvier", "januar", "jaenner", "enero", "ene", "janeiro", "gennaio", "gen",
        "januari", "january",
    ],
    &[
        "feb",
        "fev",
        "fevr",
        "fevrier",
        "februar",
        "febrero",
        "fevereiro",
        "febbraio",
        "februari",
        "february",
    ],
    &[
        "mar", "mars", "maerz", "marz", "mrz", "marzo", "marco", "maart", "mrt", "march",
    ],
    &["apr", "avr", "avril", "april", "abril", "abr", "aprile"],
    &["may", "mai", "mayo", "maio", "maggio", "mag", "mei"],
    &[
        "jun", "juin", "juni", "junio", "junho", "giugno", "giu", "june",
    ],
    &[
        "jul", "juil", "juillet", "juli", "julio", "julho", "luglio", "lug", "july",
    ],
    &["aug", "aou", "aout", "august", "agosto", "ago", "augustus"],
    &[
        "sep",
        "sept",
        "septembre",
        "september",
        "septiembre",
        "setembro",
        "settembre",
        "set",
    ],
    &[
        "oct", "octobre", "oktober", "okt", "octubre", "outubro", "out", "ottobre", "ott",
        "october",
    ],
    &["nov", "novembre", "november", "noviembre", "novembro"],
    &[
        "dec",
        "decembre",
        "dezember",
        "dez",
        "diciembre",
        "dic",
        "dezembro",
        "dicembre",
        "december",
    ],
];

fn fold(c: char) -> Option<char> {
    let lower = c.to_lowercase().next()?;
    Some(match lower {
        'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' | 'í' => 'i',
        'ô' | 'ö' | 'ó' | 'õ' => 'o',
        'û' | 'ü' | 'ú' | 'ù' => 'u',
        'ç' => 'c',
        other => other,
    })
}

/// Month number (1–12) of a month word, if it is one.
pub fn month_from_name(word: &str) -> Option<u32> {
    let folded: String = word
        .chars()
        .filter_map(fold)
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    if folded.len() < 3 {
        return None;
    }
    // Only German spellings carry "ae" (März written Maerz); the others need no copy. This runs
    // on every word of a PDF page, so the allocation matters.
    let folded = if folded.contains("ae") {
        folded.replace("ae", "a")
    } else {
        folded
    };
    MONTHS
        .iter()
        .position(|names| {
            names
                .iter()
                .any(|n| *n == folded || (n.contains("ae") && n.replace("ae", "a") == folded))
        })
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// A date split into its printed parts, before the order is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Parts {
    /// Three numbers; `first_is_year` when the first has four digits.
    Numeric {
        a: u32,
        b: u32,
        c: u32,
        first_is_year: bool,
        c_digits: usize,
    },
    /// A month given by name, so the order is not in question.
    Named { day: u32, month: u32, year: i32 },
}

fn expand_year(year: u32, digits: usize) -> Option<i32> {
    let year = i32::try_from(year).ok()?;
    match digits {
        2 => Some(if year < 70 { 2000 + year } else { 1900 + year }),
        4 => Some(year),
        _ => None,
    }
}

/// Splits a date into parts. Accepts an optional time after the date ("2024-01-05T10:00:00Z",
/// "05/01/2024 13:45").
fn split(text: &str) -> Option<Parts> {
    let text = text.trim();
    if text.is_empty() || text.len() > 48 {
        return None;
    }
    // Drop a time part: after 'T' in ISO forms, or after the first space following a full date.
    let date_part = match text.find('T') {
        Some(i)
            if i >= 8
                && text
                    .get(..i)?
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'-') =>
        {
            text.get(..i)?
        }
        _ => text,
    };
    if date_part.len() == 8 && date_part.bytes().all(|b| b.is_ascii_digit()) {
        let (y, m, d) = (
            date_part.get(..4)?,
            date_part.get(4..6)?,
            date_part.get(6..)?,
        );
        return Some(Parts::Numeric {
            a: y.parse().ok()?,
            b: m.parse().ok()?,
            c: d.parse().ok()?,
            first_is_year: true,
            c_digits: 2,
        });
    }
    let tokens: Vec<&str> = date_part
        .split(|c: char| c == '/' || c == '-' || c == '.' || c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    let named = tokens
        .iter()
        .position(|t| t.chars().any(char::is_alphabetic));
    match named {
        Some(i) => {
            let month = month_from_name(tokens.get(i)?)?;
            let numbers: Vec<&str> = tokens
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, t)| *t)
                .take(2)
                .collect();
            let (day_text, year_text) = match numbers.as_slice() {
                [first, second] if first.len() == 4 => (*second, *first),
                [first, second] => (*first, *second),
                _ => return None,
            };
            let day_text = day_text.trim_end_matches(|c: char| c.is_alphabetic());
            let day = day_text.parse().ok()?;
            let year = expand_year(year_text.parse().ok()?, year_text.len())?;
            Some(Parts::Named { day, month, year })
        }
        None => match tokens.as_slice() {
            [a, b, c, ..]
                if [a, b, c]
                    .iter()
                    .all(|t| t.bytes().all(|x| x.is_ascii_digit()) && t.len() <= 4) =>
            {
                Some(Parts::Numeric {
                    a: a.parse().ok()?,
                    b: b.parse().ok()?,
                    c: c.parse().ok()?,
                    first_is_year: a.len() == 4,
                    c_digits: c.len(),
                })
            }
            _ => None,
        },
    }
}

fn build(parts: Parts, order: DateOrder) -> Option<NaiveDate> {
    match parts {
        Parts::Named { day, month, year } => NaiveDate::from_ymd_opt(year, month, day),
        Parts::Numeric {
            a,
            b,
            c,
            first_is_year: true,
            ..
        } => NaiveDate::from_ymd_opt(i32::try_from(a).ok()?, b, c),
        Parts::Numeric {
            a, b, c, c_digits, ..
        } => {
            let year = expand_year(c, c_digits)?;
            match order {
                DateOrder::MonthFirst => NaiveDate::from_ymd_opt(year, a, b),
                DateOrder::DayFirst | DateOrder::YearFirst => NaiveDate::from_ymd_opt(year, b, a),
            }
        }
    }
}

/// Parses one date under a known order.
pub fn parse_date(text: &str, order: DateOrder) -> Option<NaiveDate> {
    split(text).and_then(|p| build(p, order))
}

/// Decides the order for a whole column of dates; `hint` breaks a genuine tie.
pub fn infer_date_order<'a, I: IntoIterator<Item = &'a str>>(
    values: I,
    hint: Option<DateOrder>,
) -> DateOrder {
    let parts: Vec<Parts> = values.into_iter().filter_map(split).collect();
    let (mut day_first, mut month_first) = (0usize, 0usize);
    let mut ambiguous = Vec::new();
    for p in &parts {
        if let Parts::Numeric {
            a,
            b,
            first_is_year: false,
            ..
        } = *p
        {
            if a > 12 && b <= 12 {
                day_first += 1;
            } else if b > 12 && a <= 12 {
                month_first += 1;
            } else {
                ambiguous.push(*p);
            }
        }
    }
    if day_first + month_first == 0 && ambiguous.is_empty() {
        return if parts.iter().all(|p| {
            matches!(
                p,
                Parts::Numeric {
                    first_is_year: true,
                    ..
                }
            )
        }) && !parts.is_empty()
        {
            DateOrder::YearFirst
        } else {
            hint.unwrap_or(DateOrder::DayFirst)
        };
    }
    if day_first != month_first {
        return if day_first > month_first {
            DateOrder::DayFirst
        } else {
            DateOrder::MonthFirst
        };
    }
    // No decisive row: prefer the order under which the dates read as a chronological series.
    let disorder = |order: DateOrder| {
        let dates: Vec<NaiveDate> = ambiguous.iter().filter_map(|p| build(*p, order)).collect();
        let up = dates
            .windows(2)
            .filter(|w| matches!(w, [x, y] if x > y))
            .count();
        let down = dates
            .windows(2)
            .filter(|w| matches!(w, [x, y] if x < y))
            .count();
        let invalid = ambiguous.len() - dates.len();
        up.min(down) + invalid * 2 + span_penalty(&dates)
    };
    let (d, m) = (
        disorder(DateOrder::DayFirst),
        disorder(DateOrder::MonthFirst),
    );
    match d.cmp(&m) {
        std::cmp::Ordering::Less => DateOrder::DayFirst,
        std::cmp::Ordering::Greater => DateOrder::MonthFirst,
        std::cmp::Ordering::Equal => hint.unwrap_or(DateOrder::DayFirst),
    }
}

/// Statements span weeks or months, not a scattering over a year: penalise readings whose dates
/// jump between distant months.
fn span_penalty(dates: &[NaiveDate]) -> usize {
    dates
        .windows(2)
        .filter(|w| matches!(w, [x, y] if (y.signed_duration_since(*x).num_days()).abs() > 62))
        .count()
}

/// True when the text has the shape of a date in some order (used to find date columns).
pub fn looks_like_date(text: &str) -> bool {
    split(text).is_some_and(|p| {
        build(p, DateOrder::DayFirst).is_some() || build(p, DateOrder::MonthFirst).is_some()
    })
}

/// Year of a date, for callers that need to guess a missing one.
pub fn year_of(date: NaiveDate) -> i32 {
    date.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn common_forms_parse() {
        let o = DateOrder::DayFirst;
        assert_eq!(parse_date("2024-01-05", o), Some(d(2024, 1, 5)));
        assert_eq!(parse_date("2024-01-05T10:11:12Z", o), Some(d(2024, 1, 5)));
        assert_eq!(parse_date("20240105", o), Some(d(2024, 1, 5)));
        assert_eq!(parse_date("05/01/2024", o), Some(d(2024, 1, 5)));
        assert_eq!(parse_date("05.01.24", o), Some(d(2024, 1, 5)));
        assert_eq!(parse_date("05/01/2024 13:45", o), Some(d(2024, 1, 5)));
        assert_eq!(parse_date("5 Jan 2024", o), Some(d(2024, 1, 5)));
        assert_eq!(parse_date("05-JAN-24", o), Some(d(2024, 1, 5)));
        assert_eq!(parse_date("Jan 5, 2024", o), Some(d(2024, 1, 5)));
        assert_eq!(parse_date("5 février 2024", o), Some(d(2024, 2, 5)));
        assert_eq!(parse_date("5. März 2024", o), Some(d(2024, 3, 5)));
        assert_eq!(parse_date("5 mrt 2024", o), Some(d(2024, 3, 5)));
        assert_eq!(parse_date("January 1, 2024", o), Some(d(2024, 1, 1)));
        for (name, month) in [
            ("February", 2),
            ("March", 3),
            ("June", 6),
            ("July", 7),
            ("October", 10),
        ] {
            assert_eq!(month_from_name(name), Some(month), "{name}");
        }
        assert_eq!(
            parse_date("01/05/2024", DateOrder::MonthFirst),
            Some(d(2024, 1, 5))
        );
        assert_eq!(parse_date("31/02/2024", o), None);
        assert_eq!(parse_date("hello", o), None);
    }

    #[test]
    fn order_is_decided_by_any_decisive_row_not_the_first() {
        let rows = ["01/02/2024", "05/02/2024", "13/02/2024"];
        assert_eq!(
            infer_date_order(rows, Some(DateOrder::MonthFirst)),
            DateOrder::DayFirst
        );
        let rows = ["01/02/2024", "01/05/2024", "01/13/2024"];
        assert_eq!(infer_date_order(rows, None), DateOrder::MonthFirst);
    }

    #[test]
    fn without_a_decisive_row_the_chronological_reading_wins() {
        // Day-first reads as 1 Feb .. 1 Jul (monthly); month-first as Jan 2..Jan 7 (daily): both are
        // sorted, so the span decides nothing and the hint wins.
        assert_eq!(
            infer_date_order(["01/02/2024", "01/03/2024"], Some(DateOrder::MonthFirst)),
            DateOrder::MonthFirst
        );
        // Month-first reading is scattered over the year; day-first is a tight series.
        let rows = [
            "02/01/2024",
            "03/01/2024",
            "10/01/2024",
            "11/01/2024",
            "12/01/2024",
        ];
        assert_eq!(
            infer_date_order(rows, Some(DateOrder::MonthFirst)),
            DateOrder::DayFirst
        );
    }

    #[test]
    fn month_names_in_seven_languages() {
        for (word, month) in [
            ("Jan", 1),
            ("févr.", 2),
            ("Mär", 3),
            ("abril", 4),
            ("mei", 5),
            ("giugno", 6),
            ("juil", 7),
            ("août", 8),
            ("set", 9),
            ("okt", 10),
            ("novembro", 11),
            ("dez", 12),
        ] {
            assert_eq!(month_from_name(word), Some(month), "{word}");
        }
    }
}
