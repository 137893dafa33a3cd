//! OFX 1 (SGML), OFX 2 (XML) and QIF: random ledgers written and read back.

use ledgerlens_core::{AccountKind, Amount};
use ledgerlens_ingest::{ReadOptions, read_document};
use ledgerlens_synth::write::{OutputFormat, write};
use ledgerlens_synth::{GenerateOptions, generate};
use proptest::prelude::*;

use crate::harness;

const FORMATS: [OutputFormat; 3] = [OutputFormat::Ofx1, OutputFormat::Ofx2, OutputFormat::Qif];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn ofx1_sgml_round_trips(statement in harness::statement()) {
        harness::assert_round_trip(OutputFormat::Ofx1, &statement)?;
    }

    #[test]
    fn ofx2_xml_round_trips(statement in harness::statement()) {
        harness::assert_round_trip(OutputFormat::Ofx2, &statement)?;
    }

    #[test]
    fn qif_round_trips(statement in harness::statement()) {
        harness::assert_round_trip(OutputFormat::Qif, &statement)?;
    }
}

#[test]
fn a_two_thousand_row_statement_round_trips_in_each_format() {
    let statement = generate(&GenerateOptions {
        transactions: 2000,
        ..GenerateOptions::default()
    });
    for format in FORMATS {
        harness::assert_round_trip(format, &statement)
            .unwrap_or_else(|e| panic!("{format:?}: {e}"));
    }
}

#[test]
fn ofx_carries_the_closing_balance_and_qif_the_opening_balance() {
    let statement = generate(&GenerateOptions {
        transactions: 30,
        ..GenerateOptions::default()
    });
    for format in FORMATS {
        let doc = read_document("s", &write(format, &statement), &ReadOptions::default()).unwrap();
        let got = &doc.statements[0];
        let number = got.account.number.as_ref().map(|n| n.reveal().to_owned());
        assert_eq!(
            number,
            statement
                .account
                .number
                .as_ref()
                .map(|n| n.reveal().to_owned()),
            "{format:?}"
        );
        if format == OutputFormat::Qif {
            assert_eq!(got.opening_balance, statement.opening_balance);
            assert_eq!(got.closing_balance, None);
        } else {
            assert_eq!(
                got.opening_balance, None,
                "OFX states no opening balance and none is invented"
            );
            assert_eq!(got.closing_balance, statement.closing_balance);
            assert_eq!(got.account.bank_id, statement.account.bank_id);
            assert_eq!(
                got.transactions[0].reference,
                statement.transactions[0].reference
            );
        }
    }
}

#[test]
fn sgml_output_leaves_leaves_unclosed_and_is_windows_1252() {
    let mut statement = generate(&GenerateOptions {
        transactions: 3,
        ..GenerateOptions::default()
    });
    statement.transactions[0].description = "Café R&D <b> «x»".to_owned();
    let bytes = write(OutputFormat::Ofx1, &statement);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "accents are single Windows-1252 bytes"
    );
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    assert!(text.starts_with("OFXHEADER:100\n"));
    assert!(text.contains("<NAME>Caf\u{e9} R&amp;D &lt;b&gt; \u{ab}x\u{bb}\n"));
    assert!(!text.contains("</TRNAMT>"));
    let xml = String::from_utf8(write(OutputFormat::Ofx2, &statement)).unwrap();
    assert!(xml.contains("<NAME>Café R&amp;D &lt;b&gt; «x»</NAME>"));
    let doc = read_document("s", &bytes, &ReadOptions::default()).unwrap();
    assert_eq!(
        doc.statements[0].transactions[0].description,
        "Café R&D <b> «x»"
    );
}

#[test]
fn credit_cards_are_written_as_credit_card_statements() {
    let mut statement = generate(&GenerateOptions {
        transactions: 5,
        ..GenerateOptions::default()
    });
    statement.account.kind = AccountKind::CreditCard;
    for format in FORMATS {
        let doc = read_document("s", &write(format, &statement), &ReadOptions::default()).unwrap();
        assert_eq!(
            doc.statements[0].account.kind,
            AccountKind::CreditCard,
            "{format:?}"
        );
        let total =
            Amount::checked_sum(doc.statements[0].transactions.iter().map(|t| t.amount)).unwrap();
        let want = Amount::checked_sum(statement.transactions.iter().map(|t| t.amount)).unwrap();
        assert_eq!(total, want, "{format:?}");
    }
}
