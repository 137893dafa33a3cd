//! camt.053.001.08 the way a SEPA bank writes it: one `Stmt`, `OPBD`/`CLBD` (and `CLAV`)
//! balances, one booked `Ntry` per transaction with its bank transaction code and a `TxDtls`
//! carrying the reference, the counterparty and the description as unstructured remittance.
//!
//! What camt cannot carry as is: `Ustrd` is at most 140 characters, so longer descriptions are
//! split at spaces over several `Ustrd` elements (readers join them with a space); a single word
//! longer than 140 characters would be cut mid-word. Text is XML-escaped, nothing else changes.

use std::fmt::Write as _;

use chrono::NaiveDate;
use ledgerlens_core::{Amount, Statement};

/// Longest `Ustrd` (Max140Text).
const USTRD_CHARS: usize = 140;

/// Escapes the five XML special characters.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Splits collapsed text into pieces of at most 140 characters, breaking at spaces.
fn ustrd_pieces(text: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if needed > USTRD_CHARS && !current.is_empty() {
            pieces.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
        while current.chars().count() > USTRD_CHARS {
            let head: String = current.chars().take(USTRD_CHARS).collect();
            current = current.chars().skip(USTRD_CHARS).collect();
            pieces.push(head);
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

fn amount_and_indicator(amount: Amount, currency: &str) -> String {
    let indicator = if amount.is_negative() { "DBIT" } else { "CRDT" };
    format!(
        "<Amt Ccy=\"{currency}\">{}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>",
        amount.abs()
    )
}

fn balance(out: &mut String, code: &str, amount: Amount, date: NaiveDate, currency: &str) {
    let _ = writeln!(
        out,
        "   <Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>{}<Dt><Dt>{date}</Dt></Dt></Bal>",
        amount_and_indicator(amount, currency)
    );
}

/// Writes one statement as a camt.053.001.08 document.
pub fn write(statement: &Statement) -> Vec<u8> {
    let currency = statement.currency.code();
    let first = statement.transactions.first().map(|t| t.date);
    let last = statement.transactions.last().map(|t| t.date);
    let start = statement
        .period
        .map(|p| p.start)
        .or(first)
        .unwrap_or_default();
    let end = statement.period.map(|p| p.end).or(last).unwrap_or(start);
    let account = &statement.account;
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n <BkToCstmrStmt>\n",
    );
    let _ = write!(
        out,
        "  <GrpHdr><MsgId>LEDGERLENS-{end}</MsgId><CreDtTm>{end}T23:59:59</CreDtTm></GrpHdr>\n  <Stmt>\n"
    );
    let _ = writeln!(
        out,
        "   <Id>LEDGERLENS-1</Id><CreDtTm>{end}T23:59:59</CreDtTm>"
    );
    let _ = write!(
        out,
        "   <FrToDt><FrDtTm>{start}T00:00:00</FrDtTm><ToDtTm>{end}T23:59:59</ToDtTm></FrToDt>\n   <Acct>"
    );
    match (&account.iban, &account.number) {
        (Some(iban), _) => {
            let _ = write!(out, "<Id><IBAN>{}</IBAN></Id>", iban.reveal());
        }
        (None, Some(number)) => {
            let _ = write!(
                out,
                "<Id><Othr><Id>{}</Id></Othr></Id>",
                esc(number.reveal())
            );
        }
        (None, None) => out.push_str("<Id><Othr><Id>UNKNOWN</Id></Othr></Id>"),
    }
    let _ = write!(out, "<Ccy>{currency}</Ccy>");
    if let Some(holder) = &account.holder {
        let _ = write!(out, "<Ownr><Nm>{}</Nm></Ownr>", esc(holder));
    }
    if account.bank_id.is_some() || account.bank.is_some() {
        out.push_str("<Svcr><FinInstnId>");
        if let Some(bic) = &account.bank_id {
            let _ = write!(out, "<BICFI>{}</BICFI>", esc(bic));
        }
        if let Some(bank) = &account.bank {
            let _ = write!(out, "<Nm>{}</Nm>", esc(bank));
        }
        out.push_str("</FinInstnId></Svcr>");
    }
    out.push_str("</Acct>\n");
    if let Some(opening) = statement.opening_balance {
        balance(&mut out, "OPBD", opening, start, currency);
    }
    if let Some(closing) = statement.closing_balance {
        balance(&mut out, "CLBD", closing, end, currency);
    }
    if let Some(available) = statement.available_balance {
        balance(&mut out, "CLAV", available, end, currency);
    }
    for (i, t) in statement.transactions.iter().enumerate() {
        let family = if t.amount.is_negative() {
            "ICDT"
        } else {
            "RCDT"
        };
        let _ = write!(
            out,
            "   <Ntry><NtryRef>{}</NtryRef>{}<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{}</Dt></BookgDt><ValDt><Dt>{}</Dt></ValDt>",
            i + 1,
            amount_and_indicator(t.amount, currency),
            t.date,
            t.value_date.unwrap_or(t.date)
        );
        if let Some(reference) = &t.reference {
            let _ = write!(out, "<AcctSvcrRef>{}</AcctSvcrRef>", esc(reference));
        }
        let _ = write!(
            out,
            "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>OTHR</SubFmlyCd></Fmly></Domn></BkTxCd>"
        );
        out.push_str("<NtryDtls><TxDtls>");
        if let Some(reference) = &t.reference {
            let _ = write!(
                out,
                "<Refs><EndToEndId>{}</EndToEndId></Refs>",
                esc(reference)
            );
        }
        out.push_str(&amount_and_indicator(t.amount, currency));
        let party = &t.counterparty;
        let (role, account_role, agent) = if t.amount.is_negative() {
            ("Cdtr", "CdtrAcct", "CdtrAgt")
        } else {
            ("Dbtr", "DbtrAcct", "DbtrAgt")
        };
        if party.name.is_some() || party.account.is_some() {
            out.push_str("<RltdPties>");
            if let Some(name) = &party.name {
                let _ = write!(out, "<{role}><Pty><Nm>{}</Nm></Pty></{role}>", esc(name));
            }
            if let Some(number) = &party.account {
                let _ = write!(
                    out,
                    "<{account_role}><Id><Othr><Id>{}</Id></Othr></Id></{account_role}>",
                    esc(number)
                );
            }
            out.push_str("</RltdPties>");
        }
        if let Some(bic) = &party.bank_id {
            let _ = write!(
                out,
                "<RltdAgts><{agent}><FinInstnId><BICFI>{}</BICFI></FinInstnId></{agent}></RltdAgts>",
                esc(bic)
            );
        }
        let pieces = ustrd_pieces(&t.description);
        if !pieces.is_empty() {
            out.push_str("<RmtInf>");
            for piece in pieces {
                let _ = write!(out, "<Ustrd>{}</Ustrd>", esc(&piece));
            }
            out.push_str("</RmtInf>");
        }
        out.push_str("</TxDtls></NtryDtls></Ntry>\n");
    }
    out.push_str("  </Stmt>\n </BkToCstmrStmt>\n</Document>\n");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_specials_are_escaped() {
        assert_eq!(
            esc("R&D <tag> \"q\" it's"),
            "R&amp;D &lt;tag&gt; &quot;q&quot; it&apos;s"
        );
    }

    #[test]
    fn long_descriptions_split_at_spaces_within_140_characters() {
        let text = ["word"; 80].join(" ");
        let pieces = ustrd_pieces(&text);
        assert!(pieces.iter().all(|p| p.chars().count() <= USTRD_CHARS));
        assert_eq!(pieces.join(" "), text);
        assert_eq!(ustrd_pieces(&"x".repeat(300)).len(), 3);
    }
}
