//! End-to-end tests: ledgers laid out as pages in four bank-like layouts, read back exactly.

use chrono::{Datelike, NaiveDate};
use ledgerlens_core::{Amount, ReconciliationStatus, Statement};
use ledgerlens_synth::{GenerateOptions, generate};

use super::super::{Page, PdfText, Word};
use super::read;
use super::testkit::{Sheet, wrap};
use crate::formats::tabular::vocab::Role;
use crate::{IngestError, ReadOptions};

const SIZE: f32 = 9.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// Trans Date | Value Date | Narration | Debit | Credit | Balance, "Balance B/F".
    Nigerian,
    /// Date (no year, once per day) | Description | Paid out | Paid in | Balance (CR/DR, end of
    /// day only), over a year end.
    Uk,
    /// Date | Date valeur | Libellé | Montant (signed, decimal comma) | Solde.
    French,
    /// Date (MM/DD/YYYY) | Description (wrapped) | Amount (parentheses) | Balance.
    Us,
}

const LAYOUTS: [Layout; 4] = [Layout::Nigerian, Layout::Uk, Layout::French, Layout::Us];

/// What a row should read back as.
#[derive(Clone, Debug, PartialEq)]
struct Expected {
    date: NaiveDate,
    value_date: Option<NaiveDate>,
    description: String,
    amount: Amount,
    balance: Option<Amount>,
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
}

type Cell = (f32, Align, String);

/// Groups digits by three with `sep`, decimals after `mark`.
fn grouped(amount: Amount, sep: &str, mark: &str) -> String {
    let text = amount.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let digits: Vec<char> = int.chars().collect();
    let mut out = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(*c);
    }
    if !frac.is_empty() {
        out.push_str(mark);
        out.push_str(frac);
    }
    out
}

fn month_abbr(d: NaiveDate) -> &'static str {
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][d.month0() as usize]
}

fn month_name(d: NaiveDate) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][d.month0() as usize]
}

struct Document {
    meta: Vec<Vec<Cell>>,
    header: Vec<Cell>,
    opening: Vec<Cell>,
    blocks: Vec<Vec<Vec<Cell>>>,
    page_end: Option<Box<dyn Fn(Amount) -> Vec<Cell>>>,
    closing: Option<Vec<Cell>>,
    balances_after: Vec<Amount>,
    expected: Vec<Expected>,
}

fn left(x: f32, text: impl Into<String>) -> Cell {
    (x, Align::Left, text.into())
}

fn right(x: f32, text: impl Into<String>) -> Cell {
    (x, Align::Right, text.into())
}

fn describe(layout: Layout, s: &Statement) -> Document {
    let period = s.period.unwrap();
    let opening = s.opening_balance.unwrap();
    let closing = s.closing_balance.unwrap();
    let rows = &s.transactions;
    let mut blocks = Vec::new();
    let mut expected = Vec::new();
    let mut balances_after = Vec::new();
    let description_lines = |text: &str, width: usize| wrap(text, width);
    match layout {
        Layout::Nigerian => {
            let ng = |a: Amount| {
                let sign = if a.is_negative() { "-" } else { "" };
                format!("{sign}{}", grouped(a, ",", "."))
            };
            let date = |d: NaiveDate| format!("{:02}-{}-{}", d.day(), month_abbr(d), d.year());
            for t in rows {
                let lines = description_lines(&t.description, 24);
                let mut first = vec![
                    left(40.0, date(t.date)),
                    right(550.0, ng(t.balance.unwrap())),
                ];
                if let Some(v) = t.value_date {
                    first.push(left(110.0, date(v)));
                }
                let x = if t.amount.is_negative() { 400.0 } else { 470.0 };
                first.push(right(x, ng(t.amount.abs())));
                let mut block = vec![first];
                for (i, l) in lines.iter().enumerate() {
                    if i == 0 {
                        block[0].push(left(180.0, l.clone()));
                    } else {
                        block.push(vec![left(180.0, l.clone())]);
                    }
                }
                blocks.push(block);
                balances_after.push(t.balance.unwrap());
                expected.push(Expected {
                    date: t.date,
                    value_date: t.value_date,
                    description: t.description.clone(),
                    amount: t.amount,
                    balance: t.balance,
                });
            }
            Document {
                meta: vec![
                    vec![left(40.0, "LEDGERLENS SAMPLE BANK PLC")],
                    vec![left(40.0, "Account Name: ADA OBI")],
                    vec![left(
                        40.0,
                        format!(
                            "Account Number: {}",
                            s.account.number.as_ref().unwrap().reveal()
                        ),
                    )],
                    vec![left(40.0, "Currency: NGN")],
                    vec![left(
                        40.0,
                        format!("Period: {} to {}", date(period.start), date(period.end)),
                    )],
                ],
                header: vec![
                    left(40.0, "Trans Date"),
                    left(110.0, "Value Date"),
                    left(180.0, "Narration"),
                    right(400.0, "Debit"),
                    right(470.0, "Credit"),
                    right(550.0, "Balance"),
                ],
                opening: vec![
                    left(40.0, date(period.start)),
                    left(180.0, "Balance B/F"),
                    right(550.0, ng(opening)),
                ],
                blocks,
                page_end: None,
                closing: None,
                balances_after,
                expected,
            }
        }
        Layout::Uk => {
            let uk = |a: Amount| {
                format!(
                    "{} {}",
                    grouped(a, ",", "."),
                    if a.is_negative() { "DR" } else { "CR" }
                )
            };
            let long = |d: NaiveDate| format!("{} {} {}", d.day(), month_name(d), d.year());
            for (i, t) in rows.iter().enumerate() {
                let new_day = i == 0 || rows[i - 1].date != t.date;
                let end_of_day = rows.get(i + 1).is_none_or(|n| n.date != t.date);
                let mut first = Vec::new();
                if new_day {
                    first.push(left(
                        40.0,
                        format!("{:02} {}", t.date.day(), month_abbr(t.date)),
                    ));
                }
                if end_of_day {
                    first.push(right(520.0, uk(t.balance.unwrap())));
                }
                let x = if t.amount.is_negative() { 340.0 } else { 420.0 };
                first.push(right(x, grouped(t.amount, ",", ".")));
                let mut block = vec![first];
                for (k, l) in description_lines(&t.description, 30).iter().enumerate() {
                    if k == 0 {
                        block[0].push(left(95.0, l.clone()));
                    } else {
                        block.push(vec![left(95.0, l.clone())]);
                    }
                }
                blocks.push(block);
                balances_after.push(t.balance.unwrap());
                expected.push(Expected {
                    date: t.date,
                    value_date: None,
                    description: t.description.clone(),
                    amount: t.amount,
                    balance: if end_of_day { t.balance } else { None },
                });
            }
            Document {
                meta: vec![
                    vec![left(40.0, "Ledger Lens Bank")],
                    vec![
                        left(40.0, "Customer: ADA OBI"),
                        left(300.0, "Sort code: 12-34-56"),
                    ],
                    vec![left(
                        40.0,
                        format!(
                            "Account No: {}",
                            s.account.number.as_ref().unwrap().reveal()
                        ),
                    )],
                    vec![left(
                        40.0,
                        format!(
                            "Your statement: {} to {}",
                            long(period.start),
                            long(period.end)
                        ),
                    )],
                    vec![left(40.0, "All amounts in GBP")],
                ],
                header: vec![
                    left(40.0, "Date"),
                    left(95.0, "Description"),
                    right(340.0, "Paid out"),
                    right(420.0, "Paid in"),
                    right(520.0, "Balance"),
                ],
                opening: vec![
                    left(95.0, "BALANCE BROUGHT FORWARD"),
                    right(520.0, uk(opening)),
                ],
                blocks,
                page_end: Some(Box::new(move |b: Amount| {
                    vec![left(95.0, "BALANCE CARRIED FORWARD"), right(520.0, uk(b))]
                })),
                closing: Some(vec![
                    left(95.0, "BALANCE CARRIED FORWARD"),
                    right(520.0, uk(closing)),
                ]),
                balances_after,
                expected,
            }
        }
        Layout::French => {
            let fr = |a: Amount| {
                let sign = if a.is_negative() { "-" } else { "" };
                format!("{sign}{}", grouped(a, " ", ","))
            };
            let date = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
            for t in rows {
                let value = t.value_date.unwrap_or(t.date);
                let mut block = vec![vec![
                    left(40.0, date(t.date)),
                    left(100.0, date(value)),
                    right(420.0, fr(t.amount)),
                    right(520.0, fr(t.balance.unwrap())),
                ]];
                for (k, l) in description_lines(&t.description, 28).iter().enumerate() {
                    if k == 0 {
                        block[0].push(left(160.0, l.clone()));
                    } else {
                        block.push(vec![left(160.0, l.clone())]);
                    }
                }
                blocks.push(block);
                balances_after.push(t.balance.unwrap());
                expected.push(Expected {
                    date: t.date,
                    value_date: Some(value),
                    description: t.description.clone(),
                    amount: t.amount,
                    balance: t.balance,
                });
            }
            Document {
                meta: vec![
                    vec![left(40.0, "BANQUE LEDGERLENS")],
                    vec![left(40.0, "Titulaire : ADA OBI")],
                    vec![left(40.0, "IBAN : FR14 2004 1010 0505 0001 3M02 606")],
                    vec![left(40.0, "Devise : EUR")],
                    vec![left(
                        40.0,
                        format!("Relevé du {} au {}", date(period.start), date(period.end)),
                    )],
                ],
                header: vec![
                    left(40.0, "Date"),
                    left(100.0, "Date valeur"),
                    left(160.0, "Libellé"),
                    right(420.0, "Montant"),
                    right(520.0, "Solde"),
                ],
                opening: vec![left(160.0, "Solde précédent"), right(520.0, fr(opening))],
                blocks,
                page_end: None,
                closing: Some(vec![
                    left(160.0, "Nouveau solde"),
                    right(520.0, fr(closing)),
                ]),
                balances_after,
                expected,
            }
        }
        Layout::Us => {
            let us = |a: Amount| {
                let g = grouped(a, ",", ".");
                if a.is_negative() { format!("({g})") } else { g }
            };
            let date = |d: NaiveDate| d.format("%m/%d/%Y").to_string();
            let words = |d: NaiveDate| format!("{} {}, {}", month_name(d), d.day(), d.year());
            for t in rows {
                let mut block = vec![vec![
                    left(40.0, date(t.date)),
                    right(430.0, us(t.amount)),
                    right(520.0, us(t.balance.unwrap())),
                ]];
                for (k, l) in description_lines(&t.description, 18).iter().enumerate() {
                    if k == 0 {
                        block[0].push(left(110.0, l.clone()));
                    } else {
                        block.push(vec![left(110.0, l.clone())]);
                    }
                }
                blocks.push(block);
                balances_after.push(t.balance.unwrap());
                expected.push(Expected {
                    date: t.date,
                    value_date: None,
                    description: t.description.clone(),
                    amount: t.amount,
                    balance: t.balance,
                });
            }
            Document {
                meta: vec![
                    vec![left(40.0, "FIRST LEDGER BANK, N.A.")],
                    vec![
                        left(40.0, "ADA OBI"),
                        left(
                            300.0,
                            format!(
                                "Account Number: {}",
                                s.account.number.as_ref().unwrap().reveal()
                            ),
                        ),
                    ],
                    vec![left(
                        40.0,
                        format!(
                            "Statement Period: {} - {}",
                            words(period.start),
                            words(period.end)
                        ),
                    )],
                    vec![left(40.0, "Currency: USD")],
                ],
                header: vec![
                    left(40.0, "Date"),
                    left(110.0, "Description"),
                    right(430.0, "Amount"),
                    right(520.0, "Balance"),
                ],
                opening: vec![left(110.0, "Beginning Balance"), right(520.0, us(opening))],
                blocks,
                page_end: None,
                closing: Some(vec![
                    left(110.0, "Ending Balance"),
                    right(520.0, us(closing)),
                ]),
                balances_after,
                expected,
            }
        }
    }
}

fn put(sheet: &mut Sheet, cells: &[Cell]) {
    for (x, align, text) in cells {
        match align {
            Align::Left => sheet.left(*x, text),
            Align::Right => sheet.right(*x, text),
        };
    }
    sheet.newline();
}

/// Lays a document out on pages of at most `per_page` table lines, with a running header and
/// footer on every page. Rows never split across pages, but days do.
fn paginate(doc: &Document, per_page: usize) -> PdfText {
    // Plan the pages first so the footer can say "Page n of m".
    let mut plan: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 1; // the opening line
    for (i, b) in doc.blocks.iter().enumerate() {
        if used + b.len() > per_page {
            plan.push(Vec::new());
            used = 0;
        }
        used += b.len();
        plan.last_mut().unwrap().push(i);
    }
    let total = plan.len();
    let mut sheet = Sheet::new(SIZE);
    for (p, blocks) in plan.iter().enumerate() {
        put(
            &mut sheet,
            &[
                left(40.0, "Statement of account"),
                left(400.0, "Customer service 0800 123 456"),
            ],
        );
        if p == 0 {
            for line in &doc.meta {
                put(&mut sheet, line);
            }
            sheet.skip(1.0);
        }
        put(&mut sheet, &doc.header);
        if p == 0 {
            put(&mut sheet, &doc.opening);
        } else if doc.page_end.is_some() {
            let previous = *plan[p - 1].last().unwrap();
            let carried = doc.page_end.as_ref().unwrap()(doc.balances_after[previous]);
            let brought: Vec<Cell> = carried
                .into_iter()
                .map(|c| {
                    if c.2 == "BALANCE CARRIED FORWARD" {
                        (c.0, c.1, "BALANCE BROUGHT FORWARD".to_owned())
                    } else {
                        c
                    }
                })
                .collect();
            put(&mut sheet, &brought);
        }
        for &b in blocks {
            for line in &doc.blocks[b] {
                put(&mut sheet, line);
            }
        }
        if p + 1 == total {
            if let Some(c) = &doc.closing {
                put(&mut sheet, c);
            }
        } else if let Some(end) = &doc.page_end {
            put(
                &mut sheet,
                &end(doc.balances_after[*blocks.last().unwrap()]),
            );
        }
        sheet.at_y(760.0);
        put(
            &mut sheet,
            &[left(260.0, format!("Page {} of {total}", p + 1))],
        );
        put(
            &mut sheet,
            &[left(40.0, "Ledger Lens Bank Plc is regulated. RC 12345")],
        );
        sheet.page_break();
    }
    sheet.finish()
}

fn statement(seed: u64, layout: Layout) -> Statement {
    let (currency, start) = match layout {
        Layout::Nigerian => ("NGN", (2024, 1, 1)),
        Layout::Uk => ("GBP", (2023, 12, 24)),
        Layout::French => ("EUR", (2024, 1, 1)),
        Layout::Us => ("USD", (2024, 1, 1)),
    };
    generate(&GenerateOptions {
        seed,
        transactions: 5 + (seed as usize * 7) % 70,
        currency: ledgerlens_core::Currency::parse(currency).unwrap(),
        start: NaiveDate::from_ymd_opt(start.0, start.1, start.2).unwrap(),
    })
}

/// Reads the pages and finalises the statement as `read_document` would.
fn read_final(text: PdfText) -> (Statement, Vec<String>) {
    let parsed = read(text).unwrap();
    let mut warnings = parsed.warnings;
    let mut statements = crate::finalize::finalize(
        "test.pdf",
        parsed.statements,
        &ReadOptions::default(),
        &mut warnings,
    );
    assert_eq!(statements.len(), 1);
    (statements.remove(0), warnings)
}

fn check(layout: Layout, seed: u64, per_page: usize) {
    let source = statement(seed, layout);
    let doc = describe(layout, &source);
    let text = paginate(&doc, per_page);
    let pages = text.pages.len();
    let (got, warnings) = read_final(text);
    let context = format!("{layout:?} seed {seed} ({pages} pages): {warnings:?}");
    assert_eq!(got.transactions.len(), doc.expected.len(), "{context}");
    for (i, (t, e)) in got.transactions.iter().zip(&doc.expected).enumerate() {
        let read = Expected {
            date: t.date,
            value_date: t.value_date,
            description: t.description.clone(),
            amount: t.amount,
            balance: t.balance,
        };
        assert_eq!(&read, e, "row {i}, {context}");
        assert_eq!(t.provenance.row, Some(i as u32 + 1));
    }
    assert_eq!(got.opening_balance, source.opening_balance, "{context}");
    assert_eq!(got.closing_balance, source.closing_balance, "{context}");
    assert_eq!(
        got.reconciliation.status,
        ReconciliationStatus::Reconciled,
        "{context}"
    );
    assert_eq!(got.period, source.period, "{context}");
}

#[test]
fn a_nigerian_debit_credit_balance_statement_reads_back_exactly() {
    check(Layout::Nigerian, 7, 30);
    let doc = describe(Layout::Nigerian, &statement(7, Layout::Nigerian));
    let (got, _) = read_final(paginate(&doc, 30));
    assert_eq!(got.currency.code(), "NGN");
    assert_eq!(got.account.holder.as_deref(), Some("ADA OBI"));
    assert_eq!(
        got.account.bank.as_deref(),
        Some("LEDGERLENS SAMPLE BANK PLC")
    );
    assert!(got.account.number.is_some());
}

#[test]
fn a_uk_statement_without_years_across_a_year_end_reads_back_exactly() {
    let source = statement(9, Layout::Uk);
    let span = source.transaction_span().unwrap();
    assert!(
        span.start.year() == 2023 && span.end.year() == 2024,
        "{span:?}"
    );
    check(Layout::Uk, 9, 25);
}

#[test]
fn a_french_statement_with_decimal_commas_and_spaced_thousands_reads_back_exactly() {
    check(Layout::French, 3, 30);
    let doc = describe(Layout::French, &statement(3, Layout::French));
    let (got, _) = read_final(paginate(&doc, 30));
    assert_eq!(got.currency.code(), "EUR");
    assert_eq!(
        got.account.iban.as_ref().map(|i| i.reveal().to_owned()),
        Some("FR1420041010050500013M02606".to_owned())
    );
}

#[test]
fn a_us_statement_with_parentheses_and_wrapped_descriptions_reads_back_exactly() {
    check(Layout::Us, 5, 28);
    let doc = describe(Layout::Us, &statement(5, Layout::Us));
    let (got, _) = read_final(paginate(&doc, 28));
    assert_eq!(got.currency.code(), "USD");
    let first = &got.transactions[0];
    assert_eq!(first.provenance.page, Some(1));
    assert!(first.provenance.line.unwrap() > 5);
}

#[test]
fn fifty_generated_ledgers_in_each_layout_read_back_exactly() {
    for layout in LAYOUTS {
        for seed in 0..50 {
            check(layout, seed, 20 + (seed as usize % 3) * 10);
        }
    }
}

#[test]
fn a_page_without_a_table_is_no_statement() {
    let mut sheet = Sheet::new(SIZE);
    put(
        &mut sheet,
        &[left(40.0, "Dear customer, thank you for banking with us.")],
    );
    put(
        &mut sheet,
        &[left(40.0, "Your card will arrive within 5 days.")],
    );
    assert!(matches!(
        read(sheet.finish()),
        Err(IngestError::NoStatements(_))
    ));
    assert!(matches!(
        read(PdfText::default()),
        Err(IngestError::NoStatements(_))
    ));
}

#[test]
fn a_text_layer_of_unmapped_glyphs_is_refused_with_a_reason() {
    let mut sheet = Sheet::new(SIZE);
    put(
        &mut sheet,
        &[left(40.0, "\u{e001}\u{e002}\u{e003} \u{e004}\u{e005}")],
    );
    let err = read(sheet.finish()).unwrap_err();
    assert_eq!(err.code(), "malformed_file");
    assert!(err.to_string().contains("OCR"), "{err}");
}

/// A small deterministic generator for garbage.
fn next(state: &mut u64) -> u64 {
    *state = state
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *state >> 33
}

#[test]
fn garbage_word_lists_give_an_error_or_a_statement_never_a_panic() {
    let vocabulary = [
        "Date",
        "Balance",
        "Debit",
        "Credit",
        "Amount",
        "12,500.00",
        "(3.00)",
        "01/02/2024",
        "15 Dec",
        "CR",
        "DR",
        "-",
        "Total",
        "Balance B/F",
        "1 234,56",
        "NaN",
        "\u{e000}",
        "",
        "Page",
        "2/3",
        "Description",
        "99999999999999999999999999",
        "31/02/2024",
    ];
    let mut state = 17u64;
    for _ in 0..300 {
        let pages = 1 + next(&mut state) % 3;
        let mut text = PdfText::default();
        for p in 0..pages {
            let mut words = Vec::new();
            for _ in 0..next(&mut state) % 200 {
                let t = vocabulary[(next(&mut state) % vocabulary.len() as u64) as usize];
                let x = (next(&mut state) % 600) as f32 - 10.0;
                let y = (next(&mut state) % 800) as f32;
                let w = (next(&mut state) % 80) as f32 - 5.0;
                let size = [0.0, 9.0, f32::NAN, 1e9][(next(&mut state) % 4) as usize];
                words.push(Word {
                    text: t.to_owned(),
                    x0: x,
                    y0: y,
                    x1: x + w,
                    y1: y + 9.0,
                    font: None,
                    size,
                    confidence: None,
                });
            }
            text.pages.push(Page {
                number: p as u32 + 1,
                words,
                ..Page::default()
            });
        }
        if let Ok(parsed) = read(text) {
            assert_eq!(parsed.statements.len(), 1);
        }
    }
}

#[test]
fn a_page_of_ten_thousand_words_reads_quickly() {
    let source = statement(1, Layout::Nigerian);
    let doc = describe(Layout::Nigerian, &source);
    let mut text = paginate(&doc, 1000);
    let mut state = 5u64;
    for _ in 0..10_000 - text.pages[0].words.len().min(10_000) {
        let x = (next(&mut state) % 560) as f32;
        let y = 800.0 + (next(&mut state) % 4000) as f32;
        text.pages[0].words.push(Word {
            text: format!("w{}", next(&mut state) % 1000),
            x0: x,
            y0: y,
            x1: x + 20.0,
            y1: y + 9.0,
            font: None,
            size: 9.0,
            confidence: None,
        });
    }
    let started = std::time::Instant::now();
    let parsed = read(text).unwrap();
    let elapsed = started.elapsed();
    assert_eq!(
        parsed.statements[0].transactions.len(),
        source.transactions.len()
    );
    // Debug build on a shared machine: generous, but a quadratic scan would blow it.
    assert!(elapsed.as_millis() < 1500, "{elapsed:?}");
}

#[test]
fn throughput_of_forty_row_pages() {
    let source = generate(&GenerateOptions {
        seed: 9,
        transactions: 2000,
        ..GenerateOptions::default()
    });
    let doc = describe(Layout::Nigerian, &source);
    let text = paginate(&doc, 45);
    let pages = text.pages.len();
    let started = std::time::Instant::now();
    let parsed = read(text).unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(parsed.statements[0].transactions.len(), 2000);
    eprintln!(
        "layout: {pages} pages in {elapsed:.3}s = {:.0} pages/s (this build's profile)",
        pages as f64 / elapsed
    );
}

/// A small table: header cells and rows of (x, align, text) cells on one page.
fn table(header: &[Cell], rows: &[Vec<Cell>]) -> PdfText {
    let mut sheet = Sheet::new(SIZE);
    put(&mut sheet, &[left(40.0, "Ledger Lens Bank")]);
    put(&mut sheet, &[left(40.0, "Currency: GHS")]);
    put(&mut sheet, header);
    for r in rows {
        put(&mut sheet, r);
    }
    sheet.finish()
}

fn amounts(s: &Statement) -> Vec<String> {
    s.transactions
        .iter()
        .map(|t| t.amount.to_string())
        .collect()
}

#[test]
fn a_lone_amount_column_takes_its_sign_from_the_marker_column() {
    let header = [
        left(40.0, "Date"),
        left(110.0, "Details"),
        right(330.0, "Amount"),
        left(350.0, "Dr/Cr"),
        right(480.0, "Balance"),
    ];
    let row = |d: &str, text: &str, amount: &str, marker: &str, balance: &str| {
        vec![
            left(40.0, d),
            left(110.0, text),
            right(330.0, amount),
            left(350.0, marker),
            right(480.0, balance),
        ]
    };
    let rows = [
        row("02/01/2024", "MOMO CASH IN", "500.00", "CR", "1,500.00"),
        row("03/01/2024", "ECG PREPAID", "120.00", "DR", "1,380.00"),
        row("05/01/2024", "TRANSFER OUT", "80.50", "DR", "1,299.50"),
    ];
    let (got, warnings) = read_final(table(&header, &rows));
    assert_eq!(
        amounts(&got),
        ["500.00", "-120.00", "-80.50"],
        "{warnings:?}"
    );
    assert_eq!(got.currency.code(), "GHS");
    assert_eq!(got.reconciliation.status, ReconciliationStatus::Reconciled);
    assert!(
        warnings.iter().any(|w| w.contains("D/C marker")),
        "{warnings:?}"
    );
}

#[test]
fn unsigned_amounts_take_their_sign_from_the_balance_movement() {
    let header = [
        left(40.0, "Date"),
        left(110.0, "Details"),
        right(330.0, "Amount"),
        right(480.0, "Balance"),
    ];
    let row = |d: &str, text: &str, amount: &str, balance: &str| {
        vec![
            left(40.0, d),
            left(110.0, text),
            right(330.0, amount),
            right(480.0, balance),
        ]
    };
    let rows = [
        row("02/01/2024", "Opening balance", "", "1,000.00"),
        row("02/01/2024", "MOMO CASH IN", "500.00", "1,500.00"),
        row("13/01/2024", "ECG PREPAID", "120.00", "1,380.00"),
    ];
    let (got, warnings) = read_final(table(&header, &rows));
    assert_eq!(amounts(&got), ["500.00", "-120.00"], "{warnings:?}");
    assert_eq!(
        got.opening_balance.map(|a| a.to_string()),
        Some("1000.00".into())
    );
    assert_eq!(got.reconciliation.status, ReconciliationStatus::Reconciled);
}

#[test]
fn debit_and_credit_columns_labelled_the_wrong_way_round_are_caught_by_the_balances() {
    // A mislabelled (or misread) header: the first money column holds money in. Only the
    // balances can tell, and they decide.
    let header = [
        left(40.0, "Date"),
        left(110.0, "Narration"),
        right(330.0, "Debit"),
        right(400.0, "Credit"),
        right(480.0, "Balance"),
    ];
    let rows = [
        vec![
            left(40.0, "02 Jan 2024"),
            left(110.0, "SALARY"),
            right(330.0, "2,000.00"),
            right(480.0, "2,100.00"),
        ],
        vec![
            left(40.0, "03 Jan 2024"),
            left(110.0, "RENT"),
            right(400.0, "900.00"),
            right(480.0, "1,200.00"),
        ],
        vec![
            left(40.0, "04 Jan 2024"),
            left(110.0, "AIRTIME"),
            right(400.0, "10.00"),
            right(480.0, "1,190.00"),
        ],
    ];
    let (got, warnings) = read_final(table(&header, &rows));
    assert_eq!(amounts(&got), ["2000.00", "-900.00", "-10.00"]);
    assert_eq!(got.reconciliation.status, ReconciliationStatus::Reconciled);
    assert!(
        warnings.iter().any(|w| w.contains("swapped")),
        "{warnings:?}"
    );
}

/// The lines of the first page of a sheet, as the reader builds them.
fn sheet_lines(sheet: Sheet) -> Vec<super::lines::Line> {
    let page = sheet.finish().pages.remove(0);
    super::lines::build(page).0
}

#[test]
fn column_names_set_on_two_lines_are_read_stacked() {
    let mut sheet = Sheet::new(SIZE);
    put(&mut sheet, &[left(40.0, "NEW TRANSACTIONS")]);
    sheet.skip(1.0);
    put(
        &mut sheet,
        &[
            left(40.0, "Post"),
            left(80.0, "Trans"),
            left(330.0, "Reference"),
        ],
    );
    put(
        &mut sheet,
        &[
            left(40.0, "Date"),
            left(80.0, "Date"),
            left(130.0, "Description of Transactions"),
            left(330.0, "Number"),
            right(480.0, "Amount"),
        ],
    );
    let found = super::header::find_all(&sheet_lines(sheet));
    let [h] = found.as_slice() else {
        panic!("{found:?}");
    };
    assert_eq!((h.first, h.last), (1, 2));
    let roles: Vec<Role> = h.cells.iter().map(|c| c.role).collect();
    assert_eq!(
        roles,
        [
            Role::Date,
            Role::ValueDate,
            Role::Description,
            Role::Reference,
            Role::Amount
        ]
    );
}

#[test]
fn a_title_above_a_complete_header_is_not_folded_into_it() {
    let mut sheet = Sheet::new(SIZE);
    put(&mut sheet, &[left(100.0, "Account activity")]);
    put(
        &mut sheet,
        &[
            left(40.0, "Date"),
            left(110.0, "Description"),
            right(400.0, "Amount"),
        ],
    );
    let found = super::header::find_all(&sheet_lines(sheet));
    let [h] = found.as_slice() else {
        panic!("{found:?}");
    };
    assert_eq!((h.first, h.last), (1, 1));
    assert_eq!(h.cells.len(), 3);
}

#[test]
fn a_posting_date_column_is_the_booking_date_wherever_it_stands() {
    let mut sheet = Sheet::new(SIZE);
    sheet.left(40.0, "Trans Date").left(100.0, "Post Date");
    sheet.left(160.0, "Description").right(400.0, "Amount");
    let cells = super::header::cells(&sheet.line()).unwrap();
    let roles: Vec<Role> = cells.iter().map(|c| c.role).collect();
    assert_eq!(
        roles,
        [Role::ValueDate, Role::Date, Role::Description, Role::Amount]
    );
}

/// Cells of a card-style row: post date, transaction date, description, amount.
fn card_row(post: &str, trans: &str, text: &str, amount: &str, shift: f32) -> Vec<Cell> {
    vec![
        left(40.0, post),
        left(80.0, trans),
        left(130.0 + shift, text),
        right(480.0 + shift, amount),
    ]
}

fn card_header(sheet: &mut Sheet, shift: f32) {
    put(sheet, &[left(40.0, "Post"), left(80.0, "Trans")]);
    put(
        sheet,
        &[
            left(40.0, "Date"),
            left(80.0, "Date"),
            left(130.0 + shift, "Description"),
            right(480.0 + shift, "Amount"),
        ],
    );
}

/// A card statement: a summary page, then payments and purchases in two tables, each under its
/// own two-line header, with section headings, subtotals and a cardholder line in them.
fn card_statement(summary: &[&[Cell]]) -> PdfText {
    let mut sheet = Sheet::new(SIZE);
    for line in summary {
        put(&mut sheet, line);
    }
    sheet.page_break();
    put(&mut sheet, &[left(40.0, "PAYMENTS AND OTHER CREDITS")]);
    card_header(&mut sheet, 0.0);
    put(
        &mut sheet,
        &[left(40.0, "Payments"), right(480.0, "-$500.00")],
    );
    put(
        &mut sheet,
        &card_row("11/02", "11/02", "Payment - Thank You", "-$500.00", 0.0),
    );
    put(&mut sheet, &[left(40.0, "Credits")]);
    put(
        &mut sheet,
        &[
            left(40.0, "ADA OBI"),
            left(200.0, "XXXX XXXX XXXX 0123"),
            right(480.0, "-$20.00"),
        ],
    );
    put(
        &mut sheet,
        &card_row("11/01", "10/31", "Shop refund", "-$20.00", 0.0),
    );
    sheet.skip(1.0);
    put(&mut sheet, &[left(40.0, "NEW TRANSACTIONS")]);
    // The second table is laid out wider: its own columns, not the first table's.
    card_header(&mut sheet, 40.0);
    put(
        &mut sheet,
        &[
            left(40.0, "ADA OBI"),
            left(240.0, "XXXX XXXX XXXX 0123"),
            left(400.0, "Total Activity"),
            right(520.0, "$600.00"),
        ],
    );
    for (post, trans, text, amount) in [
        ("10/07", "10/05", "Grocer", "$100.00"),
        ("10/20", "10/19", "Fuel station", "$150.00"),
        ("11/04", "11/03", "Airline", "$350.00"),
    ] {
        put(&mut sheet, &card_row(post, trans, text, amount, 40.0));
    }
    sheet.finish()
}

fn card_summary() -> Vec<Vec<Cell>> {
    vec![
        vec![left(40.0, "Account Number XXXX XXXX XXXX 0123")],
        vec![left(40.0, "October 06, 2024 - November 05, 2024")],
        vec![left(300.0, "Previous Balance"), right(540.0, "$1,000.00")],
        vec![
            left(40.0, "New Balance"),
            right(250.0, "$1,080.00"),
            left(300.0, "Payments"),
            right(540.0, "-$500.00"),
        ],
        vec![left(40.0, "Minimum Payment Due"), right(250.0, "$25.00")],
        vec![left(40.0, "Payment Due Date"), right(250.0, "12/02/2024")],
        vec![left(300.0, "Credit Limit"), right(540.0, "$5,000.00")],
    ]
}

#[test]
fn a_card_statement_reads_charges_as_money_out_and_what_is_owed_as_a_negative_balance() {
    let summary = card_summary();
    let lines: Vec<&[Cell]> = summary.iter().map(Vec::as_slice).collect();
    let (got, warnings) = read_final(card_statement(&lines));
    let context = format!("{warnings:?}");
    assert_eq!(got.account.kind, ledgerlens_core::AccountKind::CreditCard);
    // Owed 1,000.00, paid 500.00, refunded 20.00, spent 600.00: owes 1,080.00.
    assert_eq!(got.opening_balance, Some(amount("-1000.00")), "{context}");
    assert_eq!(got.closing_balance, Some(amount("-1080.00")), "{context}");
    assert_eq!(
        got.reconciliation.status,
        ReconciliationStatus::Reconciled,
        "{context}"
    );
    let rows: Vec<(String, String, String, String)> = got
        .transactions
        .iter()
        .map(|t| {
            (
                t.date.to_string(),
                t.value_date.map(|d| d.to_string()).unwrap_or_default(),
                t.description.clone(),
                t.amount.to_string(),
            )
        })
        .collect();
    let row = |d: &str, v: &str, text: &str, a: &str| {
        (d.to_owned(), v.to_owned(), text.to_owned(), a.to_owned())
    };
    assert_eq!(
        rows,
        [
            row("2024-10-07", "2024-10-05", "Grocer", "-100.00"),
            row("2024-10-20", "2024-10-19", "Fuel station", "-150.00"),
            row("2024-11-01", "2024-10-31", "Shop refund", "20.00"),
            row("2024-11-02", "2024-11-02", "Payment - Thank You", "500.00"),
            row("2024-11-04", "2024-11-03", "Airline", "-350.00"),
        ],
        "{context}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("signs reversed")),
        "{context}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("3 line(s) with amounts")),
        "{context}"
    );
}

fn amount(text: &str) -> Amount {
    text.parse().unwrap()
}

#[test]
fn one_card_phrase_alone_does_not_make_a_statement_a_card_statement() {
    // A bank statement advertising a credit card: balances and amounts stay as printed.
    let summary: Vec<Vec<Cell>> = card_summary()
        .into_iter()
        .filter(|l| !matches!(l[0].2.as_str(), "Minimum Payment Due" | "Payment Due Date"))
        .collect();
    let lines: Vec<&[Cell]> = summary.iter().map(Vec::as_slice).collect();
    let parsed = read(card_statement(&lines)).unwrap();
    let s = &parsed.statements[0];
    assert_eq!(s.account.kind, ledgerlens_core::AccountKind::Unknown);
    assert_eq!(s.opening_balance, Some(amount("1000.00")));
    assert!(s.transactions.iter().any(|t| t.amount == amount("100.00")));
}

#[test]
fn section_headings_and_subtotals_neither_make_rows_nor_extend_descriptions() {
    let header = [
        left(40.0, "Date"),
        left(110.0, "Details"),
        right(330.0, "Amount"),
    ];
    let rows = [
        vec![left(40.0, "Deposits"), right(330.0, "700.00")],
        vec![
            left(40.0, "02/01/2024"),
            left(110.0, "SALARY"),
            right(330.0, "700.00"),
        ],
        vec![left(40.0, "Withdrawals")],
        vec![left(40.0, "Total withdrawals"), right(330.0, "-50.00")],
        vec![
            left(40.0, "03/01/2024"),
            left(110.0, "ATM"),
            right(330.0, "-50.00"),
        ],
        vec![left(110.0, "MAIN STREET")],
    ];
    let (got, warnings) = read_final(table(&header, &rows));
    let descriptions: Vec<&str> = got
        .transactions
        .iter()
        .map(|t| t.description.as_str())
        .collect();
    assert_eq!(descriptions, ["SALARY", "ATM MAIN STREET"], "{warnings:?}");
    assert_eq!(amounts(&got), ["700.00", "-50.00"]);
}

#[test]
fn a_sentence_of_small_print_that_mentions_a_bank_does_not_name_the_bank() {
    let mut sheet = Sheet::new(SIZE);
    put(
        &mut sheet,
        &[left(
            40.0,
            "We cannot accept payments transmitted directly to us using our bank routing number",
        )],
    );
    let meta = super::meta::harvest(&sheet_lines(sheet));
    assert_eq!(meta.bank, None);
}
