//! Rendering parsed documents as JSON or CSV.

use std::io::Write;

use anyhow::Result;
use ledgerlens_core::view::{AccountView, DocumentView, StatementView, ViewOptions};
use ledgerlens_core::{Document, MergeReport, Statement};
use ledgerlens_enrich::{Context, EnrichedLedger, Enricher, TxEnrichment};
use serde::Serialize;
use serde_json::{Map, Value, json};

#[derive(Serialize)]
struct ParseOutput<'a> {
    documents: Vec<DocumentView<'a>>,
    /// Present when several files were given: one merged ledger per account.
    #[serde(skip_serializing_if = "Option::is_none")]
    accounts: Option<Vec<StatementView<'a>>>,
}

/// Enrichment for every statement the output shows.
#[derive(Debug)]
pub struct Enrichments {
    /// Per document, per statement.
    pub documents: Vec<Vec<EnrichedLedger>>,
    /// Per merged account.
    pub merged: Vec<EnrichedLedger>,
}

/// Enriches what `parse` is about to print; `country` selects the country rule packs.
pub fn enrich_all(
    enricher: &Enricher,
    documents: &[Document],
    merged: Option<&[(Statement, MergeReport)]>,
    country: Option<&str>,
) -> Enrichments {
    let run = |statement: &Statement| {
        let mut context = Context::of(statement);
        context.country = country.map(str::to_owned);
        enricher.enrich(statement, &context)
    };
    Enrichments {
        documents: documents
            .iter()
            .map(|d| d.statements.iter().map(run).collect())
            .collect(),
        merged: merged
            .unwrap_or_default()
            .iter()
            .map(|(statement, _)| run(statement))
            .collect(),
    }
}

/// The per-transaction fields `parse` adds (docs/parse-json.md).
fn transaction_fields(enrichment: &TxEnrichment) -> Value {
    json!({
        "category_primary": enrichment.category.primary(),
        "category_detailed": enrichment.category,
        "confidence": (f64::from(enrichment.confidence) * 100.0).round() / 100.0,
        "decided_by": enrichment.decided_by,
        "counterparty_key": enrichment.counterparty.as_ref().map(|c| c.key.as_ref()),
        "channel": enrichment.channel,
        "series": enrichment.series,
        "internal_transfer": enrichment.internal_transfer,
        "salary": enrichment.salary,
        "loan": enrichment.loan,
        "lender": enrichment.lender.as_deref(),
    })
}

/// Adds `enrichment` to each transaction object and an `enrichment` summary to the statement.
fn splice(statement: &mut Value, ledger: &EnrichedLedger) {
    let Some(object) = statement.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(transactions)) = object.get_mut("transactions") {
        for (transaction, enrichment) in transactions.iter_mut().zip(&ledger.transactions) {
            if let Some(fields) = transaction.as_object_mut() {
                fields.insert("enrichment".to_owned(), transaction_fields(enrichment));
            }
        }
    }
    let mut summary = Map::new();
    summary.insert("packs".to_owned(), json!(ledger.packs));
    summary.insert("series".to_owned(), json!(ledger.series));
    summary.insert("income".to_owned(), json!(ledger.income));
    summary.insert("loans".to_owned(), json!(ledger.loans));
    object.insert("enrichment".to_owned(), Value::Object(summary));
}

/// Writes the documented JSON.
pub fn write_json<W: Write>(
    mut out: W,
    documents: &[Document],
    merged: Option<&[(Statement, MergeReport)]>,
    enrichments: &Enrichments,
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
    let mut value = serde_json::to_value(&value)?;
    if let Some(Value::Array(views)) = value.get_mut("documents") {
        for (view, ledgers) in views.iter_mut().zip(&enrichments.documents) {
            if let Some(Value::Array(statements)) = view.get_mut("statements") {
                for (statement, ledger) in statements.iter_mut().zip(ledgers) {
                    splice(statement, ledger);
                }
            }
        }
    }
    if let Some(Value::Array(accounts)) = value.get_mut("accounts") {
        for (statement, ledger) in accounts.iter_mut().zip(&enrichments.merged) {
            splice(statement, ledger);
        }
    }
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
    enrichments: &Enrichments,
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
        "category_primary",
        "category_detailed",
        "counterparty",
        "channel",
        "confidence",
    ])?;
    let statements: Vec<(&Statement, &EnrichedLedger)> = match merged {
        Some(m) => m.iter().map(|(s, _)| s).zip(&enrichments.merged).collect(),
        None => documents
            .iter()
            .flat_map(|d| d.statements.iter())
            .zip(enrichments.documents.iter().flatten())
            .collect(),
    };
    for (statement, ledger) in statements {
        let account = AccountView::new(&statement.account, options).label();
        let currency = statement.currency.to_string();
        for (t, e) in statement.transactions.iter().zip(&ledger.transactions) {
            writer.write_record([
                t.date.to_string().as_str(),
                &t.value_date.map(|d| d.to_string()).unwrap_or_default(),
                &t.description,
                &t.amount.to_string(),
                &t.balance.map(|b| b.to_string()).unwrap_or_default(),
                &currency,
                &account,
                e.category.primary().code(),
                e.category.code(),
                e.counterparty.as_ref().map_or("", |c| c.key.as_ref()),
                e.channel.name(),
                &format!("{:.2}", e.confidence),
            ])?;
        }
    }
    writer.flush()?;
    Ok(())
}
