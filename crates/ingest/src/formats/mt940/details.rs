//! The `:86:` information to account owner: free text, or structured subfields.
//!
//! German banks (DFÜ agreement) and several Dutch and Central European ones write
//! `GVC` + `?00booking text?10prima nota?20purpose…?29?30bank?31account?32name?33name?34key?60…?63`,
//! wrapping lines at 65 characters wherever the text happens to be, so continuation lines are
//! joined without a separator. The subfield separator is `?` by the standard, but `>` (Triodos)
//! and `/` exist too: it is taken from the character after the three-digit code.

use ledgerlens_core::Counterparty;

/// What a `:86:` says about its transaction.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Details {
    /// Purpose text (`?20`–`?29`, `?60`–`?63`), or the whole free text; whitespace collapsed.
    pub purpose: String,
    /// `?00` booking text.
    pub booking_text: Option<String>,
    /// The three-digit business transaction code (GVC) of structured details.
    pub code: Option<String>,
    /// `?30`/`?31`/`?32`+`?33`.
    pub counterparty: Counterparty,
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn some_collapsed(text: &str) -> Option<String> {
    Some(collapse(text)).filter(|s| !s.is_empty())
}

/// The subfield separator of structured details, if the text is structured.
fn separator(joined: &str) -> Option<char> {
    let mut chars = joined.chars();
    let code_ok = chars.by_ref().take(3).filter(char::is_ascii_digit).count() == 3;
    let sep = chars.next()?;
    let next_two = [chars.next()?, chars.next()?];
    let plausible = !sep.is_alphanumeric() && !sep.is_whitespace() && sep != ',' && sep != '.';
    (code_ok && plausible && next_two.iter().all(char::is_ascii_digit)).then_some(sep)
}

/// Subfield codes accepted after a separator other than `?`, where ordinary text could contain
/// the separator followed by two digits ("EREF+123/45").
fn is_standard_code(code: u8) -> bool {
    matches!(code, 0 | 10 | 20..=29 | 30..=38 | 60..=63)
}

/// Splits structured text into (code, value) pairs.
fn subfields(joined: &str, sep: char) -> Vec<(u8, &str)> {
    let mut out = Vec::new();
    let mut starts: Vec<(usize, u8)> = Vec::new();
    for (i, c) in joined.char_indices() {
        if c != sep {
            continue;
        }
        let after = i + c.len_utf8();
        let Some(code) = joined
            .get(after..after + 2)
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let code: u8 = code.parse().unwrap_or(u8::MAX);
        if sep == '?' || is_standard_code(code) {
            starts.push((i, code));
        }
    }
    for (n, &(start, code)) in starts.iter().enumerate() {
        let value_start = start + sep.len_utf8() + 2;
        let end = starts.get(n + 1).map_or(joined.len(), |&(s, _)| s);
        out.push((code, joined.get(value_start..end).unwrap_or_default()));
    }
    out
}

/// Interprets the lines of one transaction's `:86:` fields (several fields are joined).
pub(super) fn parse<'a, I: IntoIterator<Item = &'a str>>(lines: I) -> Details {
    let lines: Vec<&str> = lines.into_iter().collect();
    let joined: String = lines.concat();
    let Some(sep) = separator(&joined) else {
        return Details {
            purpose: collapse(&lines.join(" ")),
            ..Details::default()
        };
    };
    let mut purpose = String::new();
    let mut name = String::new();
    let mut details = Details {
        code: joined.get(..3).map(str::to_owned),
        ..Details::default()
    };
    for (code, value) in subfields(&joined, sep) {
        match code {
            0 => details.booking_text = some_collapsed(value),
            20..=29 | 60..=63 => purpose.push_str(value),
            30 => details.counterparty.bank_id = some_collapsed(value),
            31 => details.counterparty.account = some_collapsed(value),
            32 | 33 => name.push_str(value),
            _ => {}
        }
    }
    details.purpose = collapse(&purpose);
    details.counterparty.name = some_collapsed(&name);
    details
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_lines_join_with_spaces() {
        let d = parse([
            "GIRO   428428 KPN - DIGITENNE",
            "5314606715   BETREFT FACTUUR",
        ]);
        assert_eq!(
            d.purpose,
            "GIRO 428428 KPN - DIGITENNE 5314606715 BETREFT FACTUUR"
        );
        assert_eq!(d.code, None);
    }

    #[test]
    fn german_subfields_are_split_and_wrapped_lines_rejoined() {
        let d = parse([
            "820?00UMBUCHUNG?109392?20ERSTATTUNG AUSLANDSEINSATZE?21NTGELT",
            " FUER VISA 4998 XXXX?22XXXX 1234?3012030000?319003932309?32DEUTSC",
            "HE KREDITBANK AG",
        ]);
        assert_eq!(
            d.purpose,
            "ERSTATTUNG AUSLANDSEINSATZENTGELT FUER VISA 4998 XXXXXXXX 1234"
        );
        assert_eq!(d.booking_text.as_deref(), Some("UMBUCHUNG"));
        assert_eq!(d.code.as_deref(), Some("820"));
        assert_eq!(
            d.counterparty.name.as_deref(),
            Some("DEUTSCHE KREDITBANK AG")
        );
        assert_eq!(d.counterparty.account.as_deref(), Some("9003932309"));
        assert_eq!(d.counterparty.bank_id.as_deref(), Some("12030000"));
    }

    #[test]
    fn purpose_continues_in_subfields_60_to_63() {
        let d = parse(["105?00Basislastschrift?20EREF+1", "?60ABC ?61DEF"]);
        assert_eq!(d.purpose, "EREF+1ABC DEF");
    }

    #[test]
    fn other_separators_are_detected() {
        let d = parse([
            "000>100987654321",
            ">20ALGEMENE TUSSENREKENING KOS>21TEN VAN",
            ">310390123456",
        ]);
        assert_eq!(d.purpose, "ALGEMENE TUSSENREKENING KOSTEN VAN");
        assert_eq!(d.counterparty.account.as_deref(), Some("0390123456"));
        let d = parse(["166/00GUTSCHRIFT/20EREF+123/45/6 X"]);
        assert_eq!(d.purpose, "EREF+123/45/6 X");
    }

    #[test]
    fn text_that_merely_starts_with_digits_is_free_text() {
        assert_eq!(parse(["091"]).purpose, "091");
        assert_eq!(
            parse(["0111111111 ING iDEAL"]).purpose,
            "0111111111 ING iDEAL"
        );
        assert_eq!(parse(["52.89.39.882 MYCOM"]).purpose, "52.89.39.882 MYCOM");
    }
}
