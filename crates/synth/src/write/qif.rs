//! QIF writer: one `!Account` block and one transaction list, US month-first dates with a
//! four-digit year, the way Quicken and most bank exports write them.
//!
//! QIF has no closing balance, no running balances and no currency. The opening balance is written
//! with Quicken's own convention (a first "Opening Balance" record), and the currency as the
//! account description `DCurrency: NGN`, which the ledgerlens reader recognises; other readers
//! just see a description. Descriptions are whitespace-collapsed (a QIF field is one line).

use std::fmt::Write as _;

use ledgerlens_core::{AccountKind, Statement};

/// Writes QIF.
pub fn write(statement: &Statement) -> Vec<u8> {
    let mut out = String::new();
    let name = statement
        .account
        .revealed_identifier()
        .unwrap_or("Account")
        .to_owned();
    let (kind, header) = match statement.account.kind {
        AccountKind::CreditCard => ("CCard", "!Type:CCard"),
        AccountKind::Loan => ("Oth L", "!Type:Oth L"),
        _ => ("Bank", "!Type:Bank"),
    };
    let _ = writeln!(
        out,
        "!Account\nN{name}\nT{kind}\nDCurrency: {}\n^\n{header}",
        statement.currency.code()
    );
    let first_date = statement
        .transactions
        .first()
        .map(|t| t.date)
        .or(statement.period.map(|p| p.start));
    if let (Some(opening), Some(date)) = (statement.opening_balance, first_date) {
        let _ = writeln!(
            out,
            "D{}\nT{opening}\nPOpening Balance\nL[{name}]\n^",
            date.format("%m/%d/%Y")
        );
    }
    for t in &statement.transactions {
        let description = t
            .description
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(
            out,
            "D{}\nT{}\nP{description}",
            t.date.format("%m/%d/%Y"),
            t.amount
        );
        if let Some(reference) = t.reference.as_deref() {
            let _ = writeln!(
                out,
                "N{}",
                reference.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
        out.push_str("^\n");
    }
    out.into_bytes()
}
