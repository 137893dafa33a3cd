//! The steps every format shares after parsing: chronological order, amounts written to the
//! currency's minor units, a period when the source gave none, provenance, reconciliation.

use std::sync::Arc;

use ledgerlens_core::order::{into_chronological, SourceOrder};
use ledgerlens_core::{reconcile, Currency, Period, Statement};

use crate::ReadOptions;

/// Finalises raw statements from one file.
pub fn finalize(file_name: &str, statements: Vec<Statement>, options: &ReadOptions, warnings: &mut Vec<String>) -> Vec<Statement> {
    let file: Arc<str> = Arc::from(file_name);
    statements
        .into_iter()
        .enumerate()
        .map(|(i, mut s)| {
            if s.currency.is_unknown() {
                if let Some(c) = options.default_currency.or(s.account.currency) {
                    s.currency = c;
                }
            }
            match into_chronological(&mut s.transactions) {
                SourceOrder::OldestFirst => {}
                SourceOrder::NewestFirst => warnings.push(format!("statement {}: rows were newest-first and have been reversed", i + 1)),
                SourceOrder::Unordered => warnings.push(format!("statement {}: rows were out of date order and have been sorted by date", i + 1)),
            }
            let currency = s.currency;
            normalise_scale(&mut s, currency);
            for t in &mut s.transactions {
                t.provenance.file = Some(Arc::clone(&file));
            }
            if s.period.is_none() {
                s.period = s.transaction_span();
            }
            if let (Some(p), Some(span)) = (s.period, s.transaction_span()) {
                if span.start < p.start || span.end > p.end {
                    warnings.push(format!(
                        "statement {}: transactions run {}..{}, outside the stated period {}..{}",
                        i + 1, span.start, span.end, p.start, p.end
                    ));
                    s.period = Some(Period { start: p.start.min(span.start), end: p.end.max(span.end) });
                }
            }
            s.reconciliation = reconcile(&s);
            s
        })
        .collect()
}

fn normalise_scale(s: &mut Statement, currency: Currency) {
    let minor = currency.minor_units();
    for balance in [&mut s.opening_balance, &mut s.closing_balance, &mut s.available_balance].into_iter().flatten() {
        *balance = balance.with_min_scale(minor);
    }
    for t in &mut s.transactions {
        t.amount = t.amount.with_min_scale(minor);
        if let Some(b) = t.balance.as_mut() {
            *b = b.with_min_scale(minor);
        }
        if let Some(o) = t.original.as_mut() {
            o.amount = o.amount.with_min_scale(o.currency.minor_units());
        }
    }
}
