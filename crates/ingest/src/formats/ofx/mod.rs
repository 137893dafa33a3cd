//! OFX 1.x (SGML), OFX 2.x (XML), QFX (OFX with Intuit extensions) and Microsoft OFC.
//!
//! [`lexer`] reads any of them into one stream of elements, tolerating the broken variants banks
//! produce; [`extract`] turns the stream into statements; [`values`] reads dates, amounts and
//! descriptions.

pub mod extract;
pub mod lexer;
pub mod values;

use ledgerlens_core::Format;

use crate::{IngestError, Input, Parsed};

/// OFX 2 declares itself with an XML declaration or an `<?OFX ...?>` processing instruction.
fn flavour(text: &str) -> Format {
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(4096)
        .collect::<String>()
        .to_ascii_uppercase();
    if head.starts_with("<?XML") || head.contains("<?OFX") {
        Format::Ofx2
    } else {
        Format::Ofx1
    }
}

/// Parses an OFX, QFX or OFC file: one statement per statement aggregate.
pub fn parse(input: &Input<'_>) -> Result<Parsed, IngestError> {
    let format = flavour(input.text);
    let parsed = extract::extract(input.text, format)?;
    if parsed.statements.is_empty() {
        return Err(IngestError::NoStatements(format));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use ledgerlens_core::{AccountKind, Amount};

    use super::*;
    use crate::ReadOptions;

    fn parse_text(text: &str) -> Result<Parsed, IngestError> {
        let options = ReadOptions::default();
        parse(&Input {
            bytes: text.as_bytes(),
            text,
            options: &options,
        })
    }

    fn amount(text: &str) -> Amount {
        Amount::parse(text).unwrap()
    }

    const SGML: &str = "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><SIGNONMSGSRSV1><SONRS><FI><ORG>Test Bank</FI></SONRS></SIGNONMSGSRSV1>\n\
<BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>12345<ACCTID>000111<ACCTTYPE>SAVINGS</BANKACCTFROM>\n\
<BANKTRANLIST><DTSTART>20240101<DTEND>20240131\n\
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20240105120000[-5:EST]<DTUSER>20240104<TRNAMT>-12,50<FITID>F1<NAME>CAFE &amp; CO<MEMO>CAFE &amp; CO PARIS</STMTTRN>\n\
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240106<TRNAMT>100<CHECKNUM>77<NAME>SALARY<PAYEE><NAME>ACME LTD</PAYEE><BANKACCTTO><BANKID>999<ACCTID>ACC-2</BANKACCTTO><ORIGCURRENCY><CURRATE>0.5<CURSYM>USD</ORIGCURRENCY></STMTTRN>\n\
</BANKTRANLIST><LEDGERBAL><BALAMT>87.50<DTASOF>20240131</LEDGERBAL><AVAILBAL><BALAMT>80</AVAILBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>";

    #[test]
    fn an_sgml_bank_statement_reads_every_field() {
        let parsed = parse_text(SGML).unwrap();
        let s = &parsed.statements[0];
        assert_eq!(s.currency.code(), "EUR");
        assert_eq!(s.account.bank.as_deref(), Some("Test Bank"));
        assert_eq!(s.account.bank_id.as_deref(), Some("12345"));
        assert_eq!(s.account.number.as_ref().unwrap().reveal(), "000111");
        assert_eq!(s.account.kind, AccountKind::Savings);
        assert_eq!(s.closing_balance, Some(amount("87.50")));
        assert_eq!(s.available_balance, Some(amount("80")));
        assert_eq!(s.opening_balance, None);
        assert_eq!(s.period.unwrap().start.to_string(), "2024-01-01");
        let [a, b] = s.transactions.as_slice() else {
            panic!("two transactions")
        };
        assert_eq!(a.date.to_string(), "2024-01-05");
        assert_eq!(a.value_date.unwrap().to_string(), "2024-01-04");
        assert_eq!(a.amount, amount("-12.50"));
        assert_eq!(a.description, "CAFE & CO PARIS");
        assert_eq!(a.reference.as_deref(), Some("F1"));
        assert_eq!(a.bank_code.as_deref(), Some("DEBIT"));
        assert_eq!(a.provenance.line, Some(8));
        assert_eq!(b.reference.as_deref(), Some("77"));
        assert_eq!(b.description, "SALARY");
        assert_eq!(b.counterparty.name.as_deref(), Some("ACME LTD"));
        assert_eq!(b.counterparty.account.as_deref(), Some("ACC-2"));
        let original = b.original.unwrap();
        assert_eq!(
            (original.amount, original.currency.code()),
            (amount("200"), "USD")
        );
    }

    #[test]
    fn an_xml_file_with_several_accounts_gives_one_statement_each() {
        let text = "<?xml version=\"1.0\"?><?OFX OFXHEADER=\"200\" VERSION=\"220\"?><OFX>\
<BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD</CURDEF><BANKACCTFROM><ACCTID>1</ACCTID></BANKACCTFROM>\
<BANKTRANLIST><STMTTRN><DTPOSTED>20240101</DTPOSTED><TRNAMT>1.00</TRNAMT><NAME>a</NAME></STMTTRN></BANKTRANLIST></STMTRS>\
<STMTRS><CURDEF>USD</CURDEF><BANKACCTFROM><ACCTID>2</ACCTID></BANKACCTFROM><LEDGERBAL><BALAMT>5</BALAMT></LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1>\
<CREDITCARDMSGSRSV1><CCSTMTTRNRS><CCSTMTRS><CURDEF>USD</CURDEF><CCACCTFROM><ACCTID>4111</ACCTID></CCACCTFROM>\
<BANKTRANLIST><STMTTRN><DTPOSTED>20240102</DTPOSTED><TRNAMT>-3</TRNAMT><MEMO>card</MEMO></STMTTRN></BANKTRANLIST></CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>";
        assert_eq!(flavour(text), Format::Ofx2);
        let parsed = parse_text(text).unwrap();
        let numbers: Vec<_> = parsed
            .statements
            .iter()
            .map(|s| s.account.number.as_ref().unwrap().reveal().to_owned())
            .collect();
        assert_eq!(numbers, ["1", "2", "4111"]);
        assert_eq!(parsed.statements[2].account.kind, AccountKind::CreditCard);
        assert_eq!(parsed.statements[2].transactions[0].description, "card");
    }

    #[test]
    fn investment_statements_keep_cash_movements_and_warn_about_trades() {
        let text = "<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS><CURDEF>USD<INVACCTFROM><BROKERID>broker.com<ACCTID>9</INVACCTFROM>\
<INVTRANLIST><BUYSTOCK><INVBUY><INVTRAN><FITID>T1<DTTRADE>20110201<MEMO>BUY</INVTRAN><SECID><UNIQUEID>355055155</SECID><TOTAL>-545.88</INVBUY></BUYSTOCK>\
<INVBANKTRAN><STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20110115<TRNAMT>1000.00<FITID>C1<NAME>Deposit</STMTTRN><SUBACCTFUND>CASH</INVBANKTRAN>\
</INVTRANLIST></INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>";
        let parsed = parse_text(text).unwrap();
        let s = &parsed.statements[0];
        assert_eq!(s.account.kind, AccountKind::Investment);
        assert_eq!(s.account.bank_id.as_deref(), Some("broker.com"));
        assert_eq!(s.transactions.len(), 1);
        assert_eq!(s.transactions[0].amount, amount("1000.00"));
        assert!(
            parsed
                .warnings
                .iter()
                .any(|w| w.contains("1 security trades ignored")),
            "{:?}",
            parsed.warnings
        );
        let trades_only = text.replace("<INVBANKTRAN><STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20110115<TRNAMT>1000.00<FITID>C1<NAME>Deposit</STMTTRN><SUBACCTFUND>CASH</INVBANKTRAN>", "");
        let parsed = parse_text(&trades_only).unwrap();
        let t = &parsed.statements[0].transactions[0];
        assert_eq!(
            (t.amount, t.bank_code.as_deref(), t.reference.as_deref()),
            (amount("-545.88"), Some("BUYSTOCK"), Some("T1"))
        );
    }

    #[test]
    fn missing_dates_and_bad_amounts_are_located_errors() {
        let no_date = SGML.replace("<DTPOSTED>20240106", "");
        let err = parse_text(&no_date).unwrap_err();
        assert_eq!(err.code(), "malformed_file");
        assert!(err.to_string().contains("line 9"), "{err}");
        let bad_amount = SGML.replace("<TRNAMT>100", "<TRNAMT>lots");
        assert!(
            parse_text(&bad_amount)
                .unwrap_err()
                .to_string()
                .contains("TRNAMT")
        );
        let bad_date = SGML.replace("<DTPOSTED>20240106", "<DTPOSTED>20240231");
        assert_eq!(parse_text(&bad_date).unwrap_err().code(), "malformed_file");
    }

    #[test]
    fn a_file_without_statements_says_so() {
        let err = parse_text("OFXHEADER:100\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>15500</STATUS></SONRS></SIGNONMSGSRSV1></OFX>").unwrap_err();
        assert_eq!(err.code(), "no_statements");
    }

    #[test]
    fn microsoft_ofc_statements_are_read() {
        let text = "<OFC><DTD>2<CPAGE>1252<ACCTSTMT><ACCTFROM><BANKID>001<ACCTID>00000543219<ACCTTYPE>0</ACCTFROM>\
<STMTRS><DTSTART>20160530<DTEND>20160627<LEDGER>-10.00<STMTTRN><TRNTYPE>1<DTPOSTED>20160601<TRNAMT>-10.00<FITID>X<CHKNUM>911<MEMO>Fee</STMTTRN></STMTRS></ACCTSTMT></OFC>";
        let parsed = parse_text(text).unwrap();
        let s = &parsed.statements[0];
        assert_eq!(s.account.kind, AccountKind::Checking);
        assert_eq!(s.closing_balance, Some(amount("-10.00")));
        assert_eq!(s.transactions[0].reference.as_deref(), Some("X"));
        assert!(s.currency.is_unknown());
    }
}
