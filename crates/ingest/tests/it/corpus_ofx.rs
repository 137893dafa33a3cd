use crate::support;

#[test]
fn explore() {
    let mut files = Vec::new();
    for dir in ["asgrim-ofxparser", "beancount-import", "beancount-reds-importers", "csv2ofx", "govcraft-ofx-rs", "oca-bank-statement-import", "ofx-reader", "ofxgo", "ofxparse", "ofxstatement-french", "ofxtools", "ofxy"] {
        files.extend(support::corpus_files(dir, &[".ofx", ".qfx", ".ofc", ".qif"]));
    }
    for f in files {
        match support::read_corpus(&f).unwrap() {
            Ok(doc) => {
                let s: Vec<String> = doc.statements.iter().map(|s| format!("[{} {} n={} close={:?} {:?}]", s.currency, s.account.number.as_ref().map(|n| n.reveal().to_owned()).unwrap_or_default(), s.transactions.len(), s.closing_balance, s.reconciliation.status)).collect();
                println!("OK {f} {} {:?}", s.join(" "), doc.warnings);
            }
            Err(e) => println!("ERR {f} {} {e}", e.code()),
        }
    }
}
