//! Corpus tests for the delimited and Excel readers.

use crate::support;

#[test]
fn dump_all() {
    let dirs = ["csv2ofx", "oca-bank-statement-import", "ofxstatement-dutch", "beancount-reds-importers", "beancount-import", "monopoly", "labeled-transactions", "taxonomies", "ofxparse"];
    for dir in dirs {
        for f in support::corpus_files(dir, &[".csv", ".xls", ".xlsx"]) {
            match support::read_corpus(&f).unwrap() {
                Ok(doc) => {
                    let s: Vec<String> = doc.statements.iter().map(|s| format!("[{} {} n={} open={:?} close={:?} first={:?} last={:?} sum={} rec={:?}/{:?}]", s.currency, s.account.number.as_ref().map(|n| n.reveal().to_owned()).or(s.account.iban.as_ref().map(|i| i.reveal().to_owned())).unwrap_or_default(), s.transactions.len(), s.opening_balance.map(|a| a.to_string()), s.closing_balance.map(|a| a.to_string()), s.transactions.first().map(|t| (t.date.to_string(), t.amount.to_string(), t.description.chars().take(30).collect::<String>())), s.transactions.last().map(|t| (t.date.to_string(), t.amount.to_string())), ledgerlens_core::Amount::checked_sum(s.transactions.iter().map(|t| t.amount)).unwrap(), s.reconciliation.status, s.reconciliation.data_sanity)).collect();
                    println!("OK {f} {:?} {}\n   warnings={:?}", doc.format, s.join(" "), doc.warnings);
                }
                Err(e) => println!("ERR {f} {} {e}", e.code()),
            }
        }
    }
}
