use ledgerlens_core::Amount;

use super::*;
use crate::ReadOptions;

fn run(text: &str) -> Result<Parsed, IngestError> {
    let options = ReadOptions::default();
    parse(&Input {
        bytes: text.as_bytes(),
        text,
        options: &options,
    })
}

const STATEMENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>1</MsgId></GrpHdr>
  <Stmt>
   <Id>S1</Id>
   <FrToDt><FrDtTm>2024-01-01T00:00:00</FrDtTm><ToDtTm>2024-01-31T23:59:59</ToDtTm></FrToDt>
   <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>Ada Obi</Nm></Ownr>
    <Svcr><FinInstnId><BICFI>COBADEFFXXX</BICFI><Nm>Bank</Nm></FinInstnId></Svcr></Acct>
   <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-01</Dt></Dt></Bal>
   <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">89.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-31</Dt></Dt></Bal>
   <Ntry>
    <Amt Ccy="EUR">10.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
    <BookgDt><Dt>2024-01-05</Dt></BookgDt><ValDt><Dt>2024-01-06</Dt></ValDt>
    <AcctSvcrRef>REF-1</AcctSvcrRef>
    <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
    <NtryDtls><TxDtls>
     <RltdPties><Cdtr><Pty><Nm>Shop &amp; Co</Nm></Pty></Cdtr><CdtrAcct><Id><IBAN>GB82WEST12345698765432</IBAN></Id></CdtrAcct></RltdPties>
     <RmtInf><Ustrd>Invoice &lt;42&gt; &#233;t&#xE9;</Ustrd><Ustrd><![CDATA[part two]]></Ustrd></RmtInf>
    </TxDtls></NtryDtls>
   </Ntry>
  </Stmt>
 </BkToCstmrStmt>
</Document>"#;

#[test]
fn a_statement_yields_account_balances_and_entries() {
    let parsed = run(STATEMENT).unwrap();
    assert_eq!(parsed.statements.len(), 1);
    let s = &parsed.statements[0];
    assert_eq!(
        s.account.iban.as_ref().unwrap().reveal(),
        "DE89370400440532013000"
    );
    assert_eq!(s.account.bank_id.as_deref(), Some("COBADEFFXXX"));
    assert_eq!(s.account.holder.as_deref(), Some("Ada Obi"));
    assert_eq!(s.currency.code(), "EUR");
    assert_eq!(s.opening_balance, Amount::parse("100").ok());
    assert_eq!(s.closing_balance, Amount::parse("89.5").ok());
    let t = &s.transactions[0];
    assert_eq!(t.amount, Amount::parse("-10.50").unwrap());
    assert_eq!(t.description, "Invoice <42> été part two");
    assert_eq!(t.counterparty.name.as_deref(), Some("Shop & Co"));
    assert_eq!(
        t.counterparty.account.as_deref(),
        Some("GB82WEST12345698765432")
    );
    assert_eq!(t.bank_code.as_deref(), Some("PMNT/ICDT/ESCT"));
    assert_eq!(t.reference.as_deref(), Some("REF-1"));
    assert_eq!(t.provenance.line, Some(12));
    assert_eq!(t.provenance.row, Some(1));
    assert_eq!(s.period.unwrap().end.to_string(), "2024-01-31");
}

#[test]
fn a_foreign_namespace_is_unsupported() {
    let err = run(r#"<Document xmlns="urn:weird"><BkToCstmrStmt/></Document>"#).unwrap_err();
    assert_eq!(err.code(), "unsupported_format");
}

#[test]
fn broken_xml_names_its_line() {
    let err = run("<Document>\n<BkToCstmrStmt>\n<Stmt></Bad>\n</Document>").unwrap_err();
    assert_eq!(err.code(), "malformed_file");
    assert!(err.to_string().contains("line 3"), "{err}");
}

#[test]
fn deep_nesting_and_unknown_entities_are_refused() {
    let deep = format!("<Document>{}", "<a>".repeat(100));
    assert_eq!(run(&deep).unwrap_err().code(), "malformed_file");
    let entity = "<Document><BkToCstmrStmt><Stmt><Ntry><AddtlNtryInf>&lol;</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>";
    assert!(
        run(entity)
            .unwrap_err()
            .to_string()
            .contains("unknown entity")
    );
}

#[test]
fn reports_and_notifications_are_read_like_statements() {
    let report = STATEMENT
        .replace("BkToCstmrStmt", "BkToCstmrAcctRpt")
        .replace("<Stmt>", "<Rpt>")
        .replace("</Stmt>", "</Rpt>");
    assert_eq!(run(&report).unwrap().statements[0].transactions.len(), 1);
    let note = STATEMENT
        .replace("BkToCstmrStmt", "BkToCstmrDbtCdtNtfctn")
        .replace("<Stmt>", "<Ntfctn>")
        .replace("</Stmt>", "</Ntfctn>")
        .replace("camt.053", "camt.054");
    assert_eq!(run(&note).unwrap().statements[0].transactions.len(), 1);
}

#[test]
fn ten_thousand_entries_stream_through() {
    let entry = STATEMENT
        .split("<Ntry>")
        .nth(1)
        .unwrap()
        .split("</Ntry>")
        .next()
        .unwrap()
        .to_owned();
    let many = format!("<Ntry>{entry}</Ntry>").repeat(10_000);
    let text = STATEMENT.replacen(&format!("<Ntry>{entry}</Ntry>"), &many, 1);
    let parsed = run(&text).unwrap();
    assert_eq!(parsed.statements[0].transactions.len(), 10_000);
    assert_eq!(
        parsed.statements[0].transactions[9_999].provenance.row,
        Some(10_000)
    );
}
