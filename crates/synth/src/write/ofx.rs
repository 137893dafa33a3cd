//! OFX writers: 1.02 SGML (unclosed leaf elements, Windows-1252 text, the colon header block) and
//! 2.2 XML (UTF-8, every element closed), the two shapes banks actually send.
//!
//! What OFX cannot carry: an opening balance (the statement has only LEDGERBAL, the closing one)
//! and running balances. Foreign-currency originals and counterparties are not written either.
//!
//! Descriptions: NAME is limited to 32 characters by the specification. A longer description is
//! written as NAME = its first 32 characters and MEMO = the whole description; the reader's rule
//! (MEMO containing NAME stands alone) reassembles it exactly. `&`, `<` and `>` are escaped as
//! entities in both versions.

use std::fmt::Write as _;

use chrono::NaiveDate;
use encoding_rs::WINDOWS_1252;
use ledgerlens_core::{AccountKind, Amount, Statement};

/// OFX flavour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// OFX 1.02 SGML.
    Sgml1,
    /// OFX 2.2 XML.
    Xml2,
}

/// The specification's limit on NAME.
pub const NAME_LIMIT: usize = 32;

/// TRNTYPE values of the specification; any other bank code is replaced by CREDIT/DEBIT.
const TRNTYPES: &[&str] = &[
    "CREDIT",
    "DEBIT",
    "INT",
    "DIV",
    "FEE",
    "SRVCHG",
    "DEP",
    "ATM",
    "POS",
    "XFER",
    "CHECK",
    "PAYMENT",
    "CASH",
    "DIRECTDEP",
    "DIRECTDEBIT",
    "REPEATPMT",
    "HOLD",
    "OTHER",
];

struct Out {
    text: String,
    version: Version,
    depth: usize,
}

impl Out {
    fn indent(&mut self) {
        if self.version == Version::Xml2 {
            for _ in 0..self.depth {
                self.text.push_str("  ");
            }
        }
    }

    fn open(&mut self, name: &str) {
        self.indent();
        let _ = writeln!(self.text, "<{name}>");
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        let _ = writeln!(self.text, "</{name}>");
    }

    fn leaf(&mut self, name: &str, value: &str) {
        self.indent();
        let escaped = escape(value);
        match self.version {
            Version::Sgml1 => {
                let _ = writeln!(self.text, "<{name}>{escaped}");
            }
            Version::Xml2 => {
                let _ = writeln!(self.text, "<{name}>{escaped}</{name}>");
            }
        }
    }
}

fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            other => out.push(other),
        }
    }
    out
}

fn status(out: &mut Out) {
    out.open("STATUS");
    out.leaf("CODE", "0");
    out.leaf("SEVERITY", "INFO");
    out.close("STATUS");
}

fn ofx_date(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// NAME and MEMO for a description (see the module comment).
pub fn name_and_memo(description: &str) -> (String, Option<String>) {
    let collapsed = description.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= NAME_LIMIT {
        return (collapsed, None);
    }
    let name: String = collapsed.chars().take(NAME_LIMIT).collect();
    (name.trim_end().to_owned(), Some(collapsed))
}

fn trntype(code: Option<&str>, amount: Amount) -> &str {
    match code.map(str::trim) {
        Some(c) if TRNTYPES.contains(&c) => c,
        _ if amount.is_negative() => "DEBIT",
        _ => "CREDIT",
    }
}

/// Writes OFX.
pub fn write(statement: &Statement, version: Version) -> Vec<u8> {
    let mut out = Out {
        text: String::new(),
        version,
        depth: 0,
    };
    match version {
        Version::Sgml1 => out.text.push_str(
            "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n",
        ),
        Version::Xml2 => out.text.push_str(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<?OFX OFXHEADER=\"200\" VERSION=\"220\" SECURITY=\"NONE\" OLDFILEUID=\"NONE\" NEWFILEUID=\"NONE\"?>\n",
        ),
    }
    let span = statement.period.or_else(|| statement.transaction_span());
    let as_of = span.map(|p| p.end).unwrap_or_default();
    let card = statement.account.kind == AccountKind::CreditCard;
    out.open("OFX");
    out.open("SIGNONMSGSRSV1");
    out.open("SONRS");
    status(&mut out);
    out.leaf("DTSERVER", &format!("{}120000", ofx_date(as_of)));
    out.leaf("LANGUAGE", "ENG");
    if let Some(bank) = statement.account.bank.as_deref() {
        out.open("FI");
        out.leaf("ORG", bank);
        out.close("FI");
    }
    out.close("SONRS");
    out.close("SIGNONMSGSRSV1");
    let (msgs, trnrs, stmtrs, acctfrom) = if card {
        (
            "CREDITCARDMSGSRSV1",
            "CCSTMTTRNRS",
            "CCSTMTRS",
            "CCACCTFROM",
        )
    } else {
        ("BANKMSGSRSV1", "STMTTRNRS", "STMTRS", "BANKACCTFROM")
    };
    out.open(msgs);
    out.open(trnrs);
    out.leaf("TRNUID", "1");
    status(&mut out);
    out.open(stmtrs);
    out.leaf("CURDEF", statement.currency.code());
    out.open(acctfrom);
    if !card && let Some(bank_id) = statement.account.bank_id.as_deref() {
        out.leaf("BANKID", bank_id);
    }
    let account_id = statement
        .account
        .revealed_identifier()
        .unwrap_or("UNKNOWN")
        .to_owned();
    out.leaf("ACCTID", &account_id);
    if !card {
        let accttype = match statement.account.kind {
            AccountKind::Savings => "SAVINGS",
            AccountKind::Loan => "CREDITLINE",
            AccountKind::Investment => "MONEYMRKT",
            _ => "CHECKING",
        };
        out.leaf("ACCTTYPE", accttype);
    }
    out.close(acctfrom);
    out.open("BANKTRANLIST");
    if let Some(p) = span {
        out.leaf("DTSTART", &ofx_date(p.start));
        out.leaf("DTEND", &ofx_date(p.end));
    }
    for (i, t) in statement.transactions.iter().enumerate() {
        out.open("STMTTRN");
        out.leaf("TRNTYPE", trntype(t.bank_code.as_deref(), t.amount));
        out.leaf("DTPOSTED", &ofx_date(t.date));
        if let Some(value_date) = t.value_date.filter(|v| *v != t.date) {
            out.leaf("DTUSER", &ofx_date(value_date));
        }
        out.leaf("TRNAMT", &t.amount.to_string());
        let fitid = t
            .reference
            .clone()
            .unwrap_or_else(|| format!("T{:08}", i + 1));
        out.leaf("FITID", &fitid);
        let (name, memo) = name_and_memo(&t.description);
        out.leaf("NAME", &name);
        if let Some(memo) = memo {
            out.leaf("MEMO", &memo);
        }
        out.close("STMTTRN");
    }
    out.close("BANKTRANLIST");
    for (aggregate, balance) in [
        ("LEDGERBAL", statement.closing_balance),
        ("AVAILBAL", statement.available_balance),
    ] {
        if let Some(balance) = balance {
            out.open(aggregate);
            out.leaf("BALAMT", &balance.to_string());
            out.leaf("DTASOF", &ofx_date(as_of));
            out.close(aggregate);
        }
    }
    out.close(stmtrs);
    out.close(trnrs);
    out.close(msgs);
    out.close("OFX");
    match version {
        // Characters outside Windows-1252 become numeric character references, which OFX readers
        // decode like any other entity.
        Version::Sgml1 => WINDOWS_1252.encode(&out.text).0.into_owned(),
        Version::Xml2 => out.text.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_descriptions_put_a_prefix_in_name_and_the_whole_in_memo() {
        assert_eq!(name_and_memo("short\tone"), ("short one".to_owned(), None));
        let long = "a".repeat(31) + " tail that goes on";
        let (name, memo) = name_and_memo(&long);
        assert_eq!(name, "a".repeat(31));
        assert_eq!(memo.as_deref(), Some(long.as_str()));
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(escape("R&D <tag>"), "R&amp;D &lt;tag&gt;");
    }
}
