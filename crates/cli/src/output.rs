//! Rendering parsed documents as JSON or CSV.

use std::io::Write;

use anyhow::Result;
use ledgerlens_core::view::{AccountView, DocumentView, StatementView, ViewOptions};
use ledgerlens_core::{Document, MergeReport, Statement};
use serde::Serialize;

#[derive(Serialize)]
struct ParseOutput<'a> {
    documents: Vec<DocumentView<'a>>,
    /// Present when several files were given: one merged ledger per account.
    #[serde(skip_serializing_if = "Option::is_none")]
    accounts: Option<Vec<StatementView<'a>>>,
}

/// Writes the documented JSON.
pub fn write_json<W: Write>(
    mut out: W,
    documents: &[Document],
    merged: Option<&[(Statement, MergeReport)]>,
    options: ViewOptions,
    pretty: bool,
) -> Result<()> {
    let value = ParseOutput {
        documents: documents
            .iter()
            .map(|d| DocumentView::new(d, options))
            .collect(),
        accounts: merged.map(|m| {
            m.iter()
                .map(|(s, report)| {
                    let mut view = StatementView::new(s, options);
                    view.merge = Some(report);
                    view
                })
                .collect()
        }),
    };
    if pretty {
        serde_json::to_writer_pretty(&mut out, &value)?;
    } else {
        serde_json::to_writer(&mut out, &value)?;
    }
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Writes one CSV row per transaction. With several files, the merged ledgers are written (so
/// overlapping exports do not produce duplicate rows); with one, its statements.
pub fn write_csv<W: Write>(
    out: W,
    documents: &[Document],
    merged: Option<&[(Statement, MergeReport)]>,
    options: ViewOptions,
) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "date",
        "value_date",
        "description",
        "amount",
        "balance",
        "currency",
        "account",
    ])?;
    let statements: Vec<&Statement> = match merged {
        Some(m) => m.iter().map(|(s, _)| s).collect(),
        None => documents.iter().flat_map(|d| d.statements.iter()).collect(),
    };
    for statement in statements {
        let account = AccountView::new(&statement.account, options).label();
        let currency = statement.currency.to_string();
        for t in &statement.transactions {
            writer.write_record([
                t.date.to_string().as_str(),
                &t.value_date.map(|d| d.to_string()).unwrap_or_default(),
                &t.description,
                &t.amount.to_string(),
                &t.balance.map(|b| b.to_string()).unwrap_or_default(),
                &currency,
                &account,
            ])?;
        }
    }
    writer.flush()?;
    Ok(())
}
