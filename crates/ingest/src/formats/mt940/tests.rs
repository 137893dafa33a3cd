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

fn amount(text: &str) -> Amount {
    Amount::parse(text).unwrap()
}

const TWO_MESSAGES: &str = "\
{1:F01BANKDEFFAXXX0000000000}{2:I940BANKDEFFXXXXN}{4:
:20:REF1
:25:DE89370400440532013000
:28C:1/1
:60F:C240101EUR100,00
:61:2401020102D10,50NTRFNONREF//B1
:86:166?00GUTSCHRIFT?20Miete ?21Januar?32Max Muster
:61:2401030103C1,NMSCREF2
:86:free text
 continued
:62F:C240103EUR90,50
:64:C240103EUR90,50
-}
{1:F01BANKDEFFAXXX0000000000}{2:I940BANKDEFFXXXXN}{4:
:20:REF2
:25:BANKDEFF/12345
:28C:2/1
:60F:C240103EUR90,50
:62F:C240103EUR90,50
-}";

#[test]
fn several_swift_messages_give_several_statements() {
    let parsed = run(TWO_MESSAGES).unwrap();
    assert_eq!(parsed.statements.len(), 2);
    let s = &parsed.statements[0];
    assert_eq!(
        s.account.iban.as_ref().unwrap().reveal(),
        "DE89370400440532013000"
    );
    assert_eq!(s.currency.code(), "EUR");
    assert_eq!(s.opening_balance, Some(amount("100")));
    assert_eq!(s.closing_balance, Some(amount("90.5")));
    assert_eq!(s.available_balance, Some(amount("90.5")));
    assert_eq!(s.transactions.len(), 2);
    let t = &s.transactions[0];
    assert_eq!(t.amount, amount("-10.50"));
    assert_eq!(t.description, "Miete Januar");
    assert_eq!(t.counterparty.name.as_deref(), Some("Max Muster"));
    assert_eq!(t.reference.as_deref(), Some("B1"));
    assert_eq!(t.bank_code.as_deref(), Some("NTRF"));
    assert_eq!(t.provenance.line, Some(6));
    assert_eq!(s.transactions[1].description, "free text continued");
    assert_eq!(s.transactions[1].reference.as_deref(), Some("REF2"));
    let other = &parsed.statements[1].account;
    assert_eq!(other.bank_id.as_deref(), Some("BANKDEFF"));
    assert_eq!(other.number.as_ref().unwrap().reveal(), "12345");
}

#[test]
fn a_statement_split_over_intermediate_balances_is_joined() {
    let text = "\
:20:A
:25:123
:28C:7/1
:60F:C240101EUR10,
:61:240102D1,NMSCX
:62M:C240102EUR9,
-
:20:A
:25:123
:28C:7/2
:60M:C240102EUR9,
:61:240103D2,NMSCY
:62F:C240103EUR7,
-";
    let parsed = run(text).unwrap();
    assert_eq!(parsed.statements.len(), 1);
    let s = &parsed.statements[0];
    assert_eq!(s.transactions.len(), 2);
    assert_eq!(
        (s.opening_balance, s.closing_balance),
        (Some(amount("10")), Some(amount("7")))
    );
}

#[test]
fn intermediate_parts_of_different_accounts_stay_apart() {
    let text = ":20:A\n:25:123\n:60F:C240101EUR10,\n:62M:C240102EUR10,\n-\n:20:A\n:25:456\n:60M:C240102EUR10,\n:62F:C240102EUR10,\n-";
    assert_eq!(run(text).unwrap().statements.len(), 2);
}

#[test]
fn account_forms_are_told_apart() {
    let a = account(Some("UBRTHUHB/123456789150ABCDEF002/HUF"));
    assert_eq!(a.bank_id.as_deref(), Some("UBRTHUHB"));
    assert_eq!(a.number.unwrap().reveal(), "123456789150ABCDEF002");
    assert_eq!(a.currency.unwrap().code(), "HUF");
    let a = account(Some("51210600/9223382012EUR"));
    assert_eq!(a.bank_id.as_deref(), Some("51210600"));
    assert_eq!(a.number.unwrap().reveal(), "9223382012");
    let a = account(Some("0067-00763/93984487"));
    assert_eq!(a.bank_id, None);
    assert_eq!(a.number.unwrap().reveal(), "0067-00763/93984487");
    assert!(account(Some("NL91ABNA0417164300")).iban.is_some());
}

#[test]
fn mt942_totals_are_checked_against_the_entries() {
    let text = ":20:X\n:25:1\n:28C:1\n:34F:EURD0,00\n:13D:1610301730+0000\n:61:1610301031D0,42MCI0NONREF//0550\n:86:REMIT\n:90D:1EUR2,30\n";
    let parsed = run(text).unwrap();
    assert_eq!(parsed.statements.len(), 1);
    assert_eq!(parsed.statements[0].opening_balance, None);
    assert_eq!(parsed.statements[0].transactions[0].amount, amount("-0.42"));
    assert!(
        parsed
            .warnings
            .iter()
            .any(|w| w.contains("1 debit entries totalling 2.30")),
        "{:?}",
        parsed.warnings
    );
}

#[test]
fn an_unreadable_statement_line_names_its_line() {
    let err = run(":20:X\n:25:1\n:60F:C240101EUR1,\n:61:2401\n").unwrap_err();
    assert_eq!(err.code(), "malformed_file");
    assert!(err.to_string().contains("line 4"), "{err}");
}

#[test]
fn an_account_changing_after_transactions_is_malformed() {
    let err = run(":20:X\n:25:1\n:60F:C240101EUR1,\n:61:240101C1,NTRFX\n:25:166?00GUTSCHRIFT\n")
        .unwrap_err();
    assert!(err.to_string().contains("line 5"), "{err}");
}

#[test]
fn sniffing_finds_blocks_tags_and_interim_reports() {
    assert_eq!(sniff("{1:F01X}{2:O9401234}{4:\n"), Some(Format::Mt940));
    assert_eq!(sniff("banner\n\n:20:X\n:25:1\n"), Some(Format::Mt940));
    assert_eq!(sniff(":20:X\n:34F:EURD0,\n"), Some(Format::Mt942));
    assert_eq!(sniff("date,amount\n2024-01-01,5\n"), None);
    assert_eq!(sniff(":940:\n"), None);
}

#[test]
fn a_hundred_thousand_rows_parse_quickly_in_one_pass() {
    let mut text = String::from(":20:BIG\n:25:123\n:60F:C240101EUR0,\n");
    for i in 0..100_000u32 {
        text.push_str(&format!(
            ":61:2401020102C1,{:02}NMSCR{i}\n:86:166?20row {i}\n",
            i % 100
        ));
    }
    text.push_str(":62F:C240102EUR0,\n-\n");
    let parsed = run(&text).unwrap();
    assert_eq!(parsed.statements[0].transactions.len(), 100_000);
}
