//! OFX, QFX, OFC and QIF files of the external corpus: every one parses or fails as listed, and the
//! figures each source's EXPECTED.md states are read back.

use chrono::NaiveDate;
use ledgerlens_core::{AccountKind, Amount, Document, Statement, Transaction};

use crate::support;

/// Sources that hold OFX/QFX/OFC/QIF files.
const SOURCES: &[&str] = &[
    "asgrim-ofxparser",
    "beancount-import",
    "beancount-reds-importers",
    "csv2ofx",
    "govcraft-ofx-rs",
    "oca-bank-statement-import",
    "ofx-reader",
    "ofxgo",
    "ofxparse",
    "ofxstatement-french",
    "ofxtools",
    "ofxy",
];

/// Files that must NOT give statements, with the error code they must give and why.
const EXPECTED_FAILURES: &[(&str, &str)] = &[
    // ofxparse's strict mode raises on these on purpose: a transaction without DTPOSTED, and one
    // dated "201120000000" (month 20).
    (
        "ofxparse/tests/fixtures/fail_nice/date_missing.ofx",
        "malformed_file",
    ),
    (
        "ofxparse/tests/fixtures/fail_nice/decimal_error.ofx",
        "malformed_file",
    ),
    // OCA asserts this file is rejected: its transaction's DTPOSTED and TRNAMT are commented out.
    (
        "oca-bank-statement-import/account_statement_import_ofx/tests/test_ofx_file/test_ofx_wrong.ofx",
        "malformed_file",
    ),
    // Responses that hold no statement at all: an empty <OFX></OFX>, sign-on results, a server
    // error, an account list, a profile.
    ("ofxparse/tests/fixtures/bank_small.ofx", "no_statements"),
    ("ofxparse/tests/fixtures/signon_fail.ofx", "no_statements"),
    (
        "ofxparse/tests/fixtures/signon_success.ofx",
        "no_statements",
    ),
    (
        "ofxparse/tests/fixtures/signon_success_no_message.ofx",
        "no_statements",
    ),
    ("ofxparse/tests/fixtures/error_message.ofx", "no_statements"),
    (
        "ofxparse/tests/fixtures/account_listing_aggregation.ofx",
        "no_statements",
    ),
    ("ofxtools/tests/data/profrs.ofx", "no_statements"),
    // Investment statements with positions and share transfers only: no cash movement and no
    // trade TOTAL, so nothing a cash-flow ledger can hold.
    ("ofxparse/tests/fixtures/td_ameritrade.ofx", "no_statements"),
    (
        "beancount-import/testdata/source/ofx/td_ameritrade.ofx",
        "no_statements",
    ),
    ("ofxparse/tests/fixtures/tiaacref.ofx", "no_statements"),
    (
        "beancount-import/testdata/source/ofx/vanguard_xfer_in.ofx",
        "no_statements",
    ),
    (
        "ofxgo/samples/valid_responses/401k_v203.ofx",
        "no_statements",
    ),
    // csv2ofx's "split account" outputs are INTRATRNRS transfer confirmations, not statements.
    (
        "csv2ofx/data/converted/default_w_splits.ofx",
        "no_statements",
    ),
    ("csv2ofx/data/converted/mint.ofx", "no_statements"),
    ("csv2ofx/data/example/transfer_example.ofx", "no_statements"),
];

fn read(path: &str) -> Option<Document> {
    support::read_corpus(path).map(|r| r.unwrap_or_else(|e| panic!("{path}: {e} ({})", e.code())))
}

fn amount(text: &str) -> Amount {
    Amount::parse(text).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn number(s: &Statement) -> &str {
    s.account
        .number
        .as_ref()
        .map(|n| n.reveal())
        .unwrap_or_default()
}

fn by_reference<'a>(s: &'a Statement, reference: &str) -> &'a Transaction {
    s.transactions
        .iter()
        .find(|t| t.reference.as_deref() == Some(reference))
        .unwrap_or_else(|| panic!("no transaction {reference}"))
}

fn total(s: &Statement) -> Amount {
    Amount::checked_sum(s.transactions.iter().map(|t| t.amount)).unwrap()
}

#[test]
fn every_ofx_qfx_ofc_and_qif_file_parses_or_fails_as_listed() {
    let mut files = Vec::new();
    for source in SOURCES {
        files.extend(support::corpus_files(
            source,
            &[".ofx", ".qfx", ".ofc", ".qif"],
        ));
    }
    if files.is_empty() {
        return;
    }
    for (listed, _) in EXPECTED_FAILURES {
        assert!(
            files.iter().any(|f| f == listed),
            "listed file not in the corpus: {listed}"
        );
    }
    let mut parsed = 0;
    for file in &files {
        let Some(result) = support::read_corpus(file) else {
            continue;
        };
        match (result, EXPECTED_FAILURES.iter().find(|(f, _)| f == file)) {
            (Ok(doc), None) => {
                assert!(!doc.statements.is_empty(), "{file}");
                for s in &doc.statements {
                    assert!(
                        s.transactions.iter().all(|t| t.provenance.line.is_some()),
                        "{file}: provenance"
                    );
                    assert!(
                        s.transactions.iter().all(|t| !t.description.contains("  ")),
                        "{file}: collapsed"
                    );
                }
                parsed += 1;
            }
            (Ok(_), Some((_, code))) => {
                panic!("{file} parsed but is listed as failing with {code}")
            }
            (Err(e), None) => panic!("{file}: {e} ({})", e.code()),
            (Err(e), Some((_, code))) => assert_eq!(e.code(), *code, "{file}: {e}"),
        }
    }
    assert_eq!(parsed + EXPECTED_FAILURES.len(), files.len());
    assert!(parsed >= 130, "only {parsed} files parsed");
}

#[test]
fn ofxparse_bank_files() {
    let Some(doc) = read("ofxparse/tests/fixtures/bank_medium.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(number(s), "12300000012345678");
    assert_eq!(s.account.bank_id.as_deref(), Some("160000100"));
    assert_eq!(s.account.kind, AccountKind::Checking);
    assert_eq!(s.closing_balance, Some(amount("382.34")));
    assert_eq!(s.available_balance, Some(amount("682.34")));
    let period = s.period.unwrap();
    assert_eq!(
        (period.start, period.end),
        (date(2009, 4, 1), date(2009, 5, 23))
    );
    assert_eq!(s.transactions.len(), 3);
    let first = &s.transactions[0];
    assert_eq!(
        (first.amount, first.date, first.bank_code.as_deref()),
        (amount("-6.60"), date(2009, 4, 1), Some("POS"))
    );
    assert!(
        first.description.contains("MCDONALD'S #112"),
        "{}",
        first.description
    );

    let Some(doc) = read("ofxparse/tests/fixtures/suncorp.ofx") else {
        return;
    };
    let t = &doc.statements[0].transactions;
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].amount, amount("-16.85"));
    assert_eq!(
        t[0].description,
        "EFTPOS WDL HANDYWAY ALDI STORE GEELONG WEST VICAU"
    );

    let Some(doc) = read("ofxparse/tests/fixtures/anzcc.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(number(s), "1234123412341234");
    assert_eq!(
        (s.transactions[0].amount, s.transactions[0].date),
        (amount("-5.50"), date(2017, 5, 8))
    );
    assert_eq!(s.transactions[0].description, "SOME MEMO");
    assert_eq!(
        (s.closing_balance, s.available_balance),
        (Some(amount("-123.45")), Some(amount("123.45")))
    );

    let Some(doc) = read("ofxparse/tests/fixtures/fidelity-savings.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(s.transactions.len(), 4);
    let check = by_reference(s, "X0000000000000000000001");
    assert_eq!(
        (check.amount, check.date, check.bank_code.as_deref()),
        (amount("-1500.00"), date(2012, 7, 20), Some("CHECK"))
    );
    assert_eq!(check.description, "Check Paid #0000001001");
    let dep = by_reference(s, "X0000000000000000000002");
    assert_eq!(
        (dep.amount, dep.date),
        (amount("115.8331"), date(2012, 7, 27))
    );
    assert_eq!(dep.description, "TRANSFERRED FROM VS X10-08144-1");

    let Some(doc) = read("ofxparse/tests/fixtures/multiple_accounts2.ofx") else {
        return;
    };
    let accounts: Vec<_> = doc
        .statements
        .iter()
        .map(|s| (number(s), s.account.bank_id.as_deref(), s.account.kind))
        .collect();
    assert_eq!(
        accounts,
        [
            ("9100", Some("123"), AccountKind::Checking),
            ("9200", Some("123"), AccountKind::Savings)
        ]
    );
}

#[test]
fn ofxparse_tolerated_defects() {
    // Empty CURDEF, BRANCHID and ACCTTYPE; the currency is left to the caller, with a warning.
    let Some(doc) = read("ofxparse/tests/fixtures/ofx-v102-empty-tags.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(
        (number(s), s.account.bank_id.as_deref()),
        ("12345678", Some("NPBS"))
    );
    assert!(s.currency.is_unknown());
    assert!(
        doc.warnings.iter().any(|w| w.contains("no CURDEF")),
        "{:?}",
        doc.warnings
    );
    // Blank BALAMTs: one transaction, no balances (ofxparse's lenient reading).
    let Some(doc) = read("ofxparse/tests/fixtures/fail_nice/empty_balance.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(s.transactions.len(), 1);
    assert_eq!((s.closing_balance, s.available_balance), (None, None));
}

#[test]
fn ofxparse_investment_files_give_their_cash() {
    let Some(doc) = read("ofxparse/tests/fixtures/investment_401k.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(s.account.kind, AccountKind::Investment);
    // Only the BUYMF has a cash total; the two share transfers have none.
    assert_eq!(s.transactions.len(), 1);
    assert_eq!(
        (
            s.transactions[0].amount,
            s.transactions[0].bank_code.as_deref()
        ),
        (amount("-197.2"), Some("BUYMF"))
    );
    let Some(doc) = read("ofxparse/tests/fixtures/vanguard.ofx") else {
        return;
    };
    let t = &doc.statements[0].transactions[0];
    assert_eq!(
        (t.reference.as_deref(), t.date),
        (Some("01234567890.0123.07152011.0"), date(2011, 7, 15))
    );
}

#[test]
fn asgrim_ofxparser_files() {
    let Some(doc) = read("asgrim-ofxparser/tests/fixtures/ofxdata-xml.ofx") else {
        return;
    };
    assert_eq!(doc.format.name(), "ofx2");
    let s = &doc.statements[0];
    assert_eq!(
        (number(s), s.account.bank_id.as_deref(), s.account.kind),
        ("098-121", Some("987654321"), AccountKind::Savings)
    );
    assert_eq!(
        (s.currency.code(), s.closing_balance),
        ("USD", Some(amount("5250.00")))
    );
    assert_eq!(s.transactions.len(), 3);
    let deposit = by_reference(s, "980315001");
    assert_eq!(
        (deposit.amount, deposit.bank_code.as_deref()),
        (amount("200.00"), Some("CREDIT"))
    );
    assert_eq!(deposit.description, "automatic deposit");
    assert_eq!(by_reference(s, "980310001").amount, amount("150.00"));
    let cheque = by_reference(s, "980309001");
    assert_eq!(
        (cheque.amount, cheque.bank_code.as_deref()),
        (amount("-100.00"), Some("CHECK"))
    );

    let Some(doc) = read("asgrim-ofxparser/tests/fixtures/ofx-multiple-accounts-xml.ofx") else {
        return;
    };
    assert_eq!(doc.statements.len(), 3);
    let Some(doc) = read("asgrim-ofxparser/tests/fixtures/ofxdata-credit-card.ofx") else {
        return;
    };
    assert_eq!(
        (number(&doc.statements[0]), doc.statements[0].account.kind),
        ("1234567891234567", AccountKind::CreditCard)
    );
    let Some(doc) = read("asgrim-ofxparser/tests/fixtures/ofxdata-bb-two-stmtrs.ofx") else {
        return;
    };
    assert_eq!(doc.statements.len(), 2, "two STMTRS in one STMTTRNRS");
    let Some(doc) = read("asgrim-ofxparser/tests/fixtures/ofxdata-memoWithAmpersand.ofx") else {
        return;
    };
    assert!(
        doc.statements[0]
            .transactions
            .iter()
            .any(|t| t.description.contains("Amazon & Cloud"))
    );
    let Some(doc) = read("asgrim-ofxparser/tests/fixtures/ofxdata-selfclose.ofx") else {
        return;
    };
    assert_eq!(
        (
            doc.statements[0].transactions.len(),
            doc.statements[0].closing_balance
        ),
        (5, None)
    );
}

#[test]
fn asgrim_investment_files() {
    let Some(doc) = read("asgrim-ofxparser/tests/fixtures/ofxdata-investments-xml.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(
        (number(s), s.account.bank_id.as_deref()),
        ("1234567890", Some("vanguard.com"))
    );
    // The cash movement is kept; the five trades are ignored with a warning.
    assert_eq!(s.transactions.len(), 1);
    let cash = by_reference(s, "300100");
    assert_eq!(
        (cash.amount, cash.date, cash.bank_code.as_deref()),
        (amount("1234.56"), date(2010, 1, 15), Some("OTHER"))
    );
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.contains("5 security trades ignored")),
        "{:?}",
        doc.warnings
    );

    let Some(doc) =
        read("asgrim-ofxparser/tests/fixtures/ofxdata-investments-multiple-accounts-xml.ofx")
    else {
        return;
    };
    let [a, b] = doc.statements.as_slice() else {
        panic!("two accounts")
    };
    assert_eq!((number(a), number(b)), ("1234567890", "987654321"));
    let buy = by_reference(a, "100200");
    assert_eq!(
        (buy.amount, buy.date, buy.value_date),
        (amount("-545.88"), date(2011, 2, 1), Some(date(2011, 2, 3)))
    );
    assert_eq!(by_reference(b, "200200").amount, amount("-6.97"));
}

#[test]
fn ofx_reader_brazilian_files_in_latin_1() {
    let Some(doc) = read("ofx-reader/ofx-files/extrato.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(
        (s.account.bank_id.as_deref(), number(s), s.account.kind),
        (Some("1"), "54321-9", AccountKind::Checking)
    );
    assert_eq!(
        (s.transactions.len(), s.closing_balance),
        (7, Some(amount("-10.00")))
    );
    let iof = by_reference(s, "2016060111650");
    assert_eq!(
        (iof.date, iof.amount, iof.description.as_str()),
        (date(2016, 6, 1), amount("-10.00"), "Cobrança de I.O.F.")
    );
    assert_eq!(
        (
            by_reference(s, "2016060202176000").amount,
            by_reference(s, "2016060202176000").date
        ),
        (amount("880.00"), date(2016, 6, 2))
    );
    let card = by_reference(s, "20160603149980");
    assert_eq!(
        (card.amount, card.description.as_str()),
        (amount("-200.00"), "Compra com Cartão - 03/06 11:34 LOJAS X")
    );

    let Some(doc) = read("ofx-reader/ofx-files/extrato.ofc") else {
        return;
    };
    assert_eq!(doc.format.name(), "ofx1");
    let s = &doc.statements[0];
    assert_eq!(
        (s.account.bank_id.as_deref(), number(s)),
        (Some("001"), "00000543219")
    );
    assert_eq!(
        (s.transactions.len(), s.closing_balance),
        (7, Some(amount("-10.00")))
    );
    assert_eq!(
        by_reference(s, "2016060111650").description,
        "Cobrança de I.O.F."
    );
    assert_eq!(by_reference(s, "2016060202176000").amount, amount("880.00"));
}

#[test]
fn ofxtools_and_govcraft_files() {
    for file in [
        "ofxtools/tests/data/stmtrs.ofx",
        "ofxtools/tests/data/stmtrs_euro.ofx",
    ] {
        let Some(doc) = read(file) else { return };
        let s = &doc.statements[0];
        assert_eq!((s.currency.code(), number(s)), ("USD", "999988"), "{file}");
        let amounts: Vec<_> = s.transactions.iter().map(|t| (t.date, t.amount)).collect();
        assert_eq!(
            amounts,
            [
                (date(2005, 10, 4), amount("-200.00")),
                (date(2005, 10, 20), amount("-300.00"))
            ],
            "{file}"
        );
        assert_eq!(
            (s.closing_balance, s.available_balance),
            (Some(amount("200.29")), Some(amount("200.29"))),
            "{file}"
        );
    }
    let Some(doc) = read("ofxtools/tests/data/br_nubank_cc.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    let mut amounts: Vec<_> = s.transactions.iter().map(|t| t.amount).collect();
    amounts.sort();
    let want: Vec<_> = ["-959.00", "-162.90", "-103.53", "-33.46", "-13.00", "-9.02"]
        .map(amount)
        .to_vec();
    assert_eq!(amounts, want);
    assert_eq!(
        s.period.map(|p| (p.start, p.end)),
        Some((date(2024, 2, 24), date(2024, 3, 26)))
    );

    let Some(doc) = read("govcraft-ofx-rs/tests/fixtures/multi_transaction_statement.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(
        (
            s.account.bank_id.as_deref(),
            number(s),
            s.transactions.len()
        ),
        (Some("111222333"), "444555666", 5)
    );
    assert_eq!(
        (s.closing_balance, s.available_balance),
        (Some(amount("3304.33")), Some(amount("3204.33")))
    );
    assert_eq!(by_reference(s, "MTX001").amount, amount("5000.00"));
    assert_eq!(by_reference(s, "MTX003").amount, amount("-45.67"));
    let Some(doc) = read("govcraft-ofx-rs/tests/fixtures/invstmtrs.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!((number(s), s.transactions.len()), ("999988", 1));
    let deposit = by_reference(s, "12345");
    assert_eq!(
        (deposit.amount, deposit.description.as_str()),
        (amount("1000.00"), "Customer deposit - Your check #1034")
    );
    let Some(doc) = read("govcraft-ofx-rs/tests/fixtures/credit_card_statement.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(
        (number(s), s.account.kind),
        ("4111111111111111", AccountKind::CreditCard)
    );
    assert!(s.closing_balance.unwrap().is_negative());
    let Some(doc) = read("govcraft-ofx-rs/tests/fixtures/sgml_header_statement.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(
        (s.account.kind, s.account.bank_id.as_deref()),
        (AccountKind::Savings, Some("111222333"))
    );
    assert!(!s.transactions[0].amount.is_negative());
}

#[test]
fn ofxy_files() {
    let Some(doc) = read("ofxy/tests/files/citi.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(
        (number(s), s.transactions.len(), s.transactions[0].amount),
        ("XXXXXXXXXXXX1234", 3, amount("-127.15"))
    );
    let Some(doc) = read("ofxy/tests/files/simple.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(
        (number(s), s.account.kind, s.transactions.len()),
        ("abc123", AccountKind::CreditCard, 4)
    );
    assert_eq!(
        by_reference(s, "abc-123").description,
        "SOME HOSPITAL SOMEWHERE"
    );
    let Some(doc) = read("ofxy/tests/files/sgmlish/example.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(
        s.period.map(|p| (p.start, p.end)),
        Some((date(2019, 5, 1), date(2019, 5, 31)))
    );
    let first = by_reference(s, "1DFE2867-0DE3-4357-B865-16986CBFC10A");
    assert_eq!(
        (first.amount, first.date, first.original),
        (amount("-16.40"), date(2019, 5, 10), None)
    );
    let abroad = by_reference(s, "25518539-814F-4C2C-97E8-3B49A6D48A45");
    assert_eq!(
        (abroad.amount, abroad.description.as_str()),
        (amount("-10.00"), "Example International Payment")
    );
    assert_eq!(
        abroad
            .original
            .map(|o| o.currency.code().to_owned())
            .as_deref(),
        Some("EUR")
    );
    assert_eq!(
        by_reference(s, "3088354E-018B-41D1-ABA7-DB8F66F7B2DB").description,
        "PAYMENT RECEIVED"
    );
}

#[test]
fn oca_beancount_reds_csv2ofx_and_french_files() {
    let Some(doc) = read(
        "oca-bank-statement-import/account_statement_import_ofx/tests/test_ofx_file/test_ofx.ofx",
    ) else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(
        (number(s), s.currency.code(), s.closing_balance),
        ("123456", "USD", Some(amount("2156.56")))
    );
    // OCA's balance_start 2516.56 is closing − Σ amounts; OFX states no opening and none is made up.
    assert_eq!((total(s), s.opening_balance), (amount("-360"), None));
    assert!(
        s.transactions
            .iter()
            .any(|t| t.description == "Agrolait" && t.date == date(2013, 8, 24))
    );

    let Some(doc) = read(
        "beancount-reds-importers/beancount_reds_importers/importers/ally/tests/transactions.qfx",
    ) else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(
        (s.closing_balance, s.transactions.len()),
        (Some(amount("150.65")), 2)
    );
    let amounts: Vec<_> = s.transactions.iter().map(|t| (t.date, t.amount)).collect();
    assert_eq!(
        amounts,
        [
            (date(2019, 1, 9), amount("-55.00")),
            (date(2019, 1, 9), amount("-1000"))
        ]
    );

    let Some(doc) = read("beancount-import/testdata/source/ofx/multiple_accounts.ofx") else {
        return;
    };
    let balances: Vec<_> = doc
        .statements
        .iter()
        .map(|s| (number(s), s.closing_balance))
        .collect();
    assert_eq!(
        balances,
        [
            ("9100", Some(amount("111.00"))),
            ("9200", Some(amount("222.00")))
        ]
    );

    let Some(doc) = read("csv2ofx/data/converted/schwab-checking.ofx") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(
        (number(s), s.transactions.len(), s.closing_balance),
        ("12345", 4, Some(amount("878.47")))
    );

    let Some(doc) = read("ofxstatement-french/tests/samples/Extrait_de_compte_balance.txt.ofx")
    else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(
        (s.currency.code(), s.closing_balance, s.transactions.len()),
        ("EUR", Some(amount("808.00")), 4)
    );
}

#[test]
fn qif_files() {
    let Some(doc) =
        read("oca-bank-statement-import/account_statement_import_qif/tests/test_qif.qif")
    else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(doc.format.name(), "qif");
    assert_eq!((s.transactions.len(), total(s)), (5, amount("-1896.09")));
    assert!(
        s.transactions
            .iter()
            .any(|t| t.description == "YOUR LOCAL SUPERMARKET" && t.date == date(2013, 3, 4))
    );
    let epic = s
        .transactions
        .iter()
        .find(|t| t.description == "Epic Technologies")
        .unwrap();
    assert_eq!(
        (epic.date, epic.amount),
        (date(2013, 3, 3), amount("-379.00"))
    );
    assert_eq!(
        s.transactions
            .iter()
            .find(|t| t.description == "Delta PC")
            .unwrap()
            .amount,
        amount("-1000.00")
    );

    // Two !Account blocks, two statements; splits stay inside their transaction.
    let Some(doc) = read("csv2ofx/data/converted/default_w_splits.qif") else {
        return;
    };
    let counts: Vec<_> = doc
        .statements
        .iter()
        .map(|s| (number(s), s.transactions.len()))
        .collect();
    assert_eq!(counts, [("Cash", 2), ("Checking", 6)]);
    assert_eq!(doc.statements[0].transactions[0].amount, amount("45000.00"));
    assert_eq!(doc.statements[0].transactions[0].date, date(2015, 3, 24));

    let Some(doc) = read("csv2ofx/data/converted/mint.qif") else {
        return;
    };
    let checking = &doc.statements[0];
    assert_eq!(checking.transactions.len(), 3);
    assert_eq!(
        (
            checking.transactions[0].date,
            checking.transactions[0].amount
        ),
        (date(2015, 6, 12), amount("-1500.00"))
    );
    assert_eq!(
        checking.transactions[0].description,
        "Transfer from Savings - Account Transfer"
    );

    let Some(doc) = read("csv2ofx/data/converted/ubs-ch-fr.qif") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!((s.transactions.len(), total(s)), (3, amount("30.00")));
    assert_eq!(
        s.transactions
            .iter()
            .find(|t| t.amount == amount("240.00"))
            .unwrap()
            .date,
        date(2019, 2, 28)
    );

    let Some(doc) = read("csv2ofx/data/example/investment_example.qif") else {
        return;
    };
    let s = &doc.statements[0];
    assert_eq!(
        (s.account.kind, s.transactions.len()),
        (AccountKind::Investment, 2)
    );
    assert_eq!(
        (s.transactions[0].date, s.transactions[0].amount),
        (date(1993, 8, 25), amount("1000.00"))
    );
}
