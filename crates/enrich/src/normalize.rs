//! The one text form every rule, phrase and counterparty key is matched in.
//!
//! Bank narrations mix case, accents, punctuation and separators at random ("VIR SEPA RECU /DE
//! SARL ÉPICERIE", "Überweisung", "POS/WEB"); rule authors should not have to guess which. Both
//! sides go through [`normalize_into`]: lower case, accents folded to ASCII where a reader would
//! (é→e, ß→ss, œ→oe), every other character that is not a letter or a digit becomes a space,
//! and runs of spaces collapse. The result is padded with one space on each side so that a
//! phrase can be matched on word boundaries by searching for `" phrase "`.

/// Writes the normalised, space-padded form of `text` into `out` (cleared first).
///
/// Reuses the caller's buffer: the categoriser calls this once per transaction, and avoiding the
/// allocation is a measurable part of its speed.
pub fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    out.push(' ');
    let mut last_space = true;
    let mut push = |out: &mut String, c: char| {
        if c == ' ' {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            let lower = c.to_ascii_lowercase();
            push(
                out,
                if lower.is_ascii_alphanumeric() {
                    lower
                } else {
                    ' '
                },
            );
            continue;
        }
        match fold(c) {
            Some(folded) => {
                for f in folded.chars() {
                    push(out, f);
                }
            }
            None if c.is_alphanumeric() => {
                for lower in c.to_lowercase() {
                    push(out, lower);
                }
            }
            None => push(out, ' '),
        }
    }
    if !last_space {
        out.push(' ');
    }
}

/// The normalised form as a new string (for rule compilation and tests).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    normalize_into(text, &mut out);
    out
}

/// ASCII spelling of the accented Latin letters found in bank narrations of the countries we
/// ship packs for; other scripts keep their own (lower-cased) letters.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
            "a"
        }
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => "c",
        'ď' | 'đ' | 'Ď' | 'Đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ě' | 'Ę' => {
            "e"
        }
        'ğ' | 'Ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'İ' => "i",
        'ł' | 'ľ' | 'Ł' | 'Ľ' => "l",
        'ñ' | 'ń' | 'ň' | 'Ñ' | 'Ń' | 'Ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ő' => {
            "o"
        }
        'œ' | 'Œ' => "oe",
        'ř' | 'Ř' => "r",
        'ß' | 'ẞ' => "ss",
        'ś' | 'š' | 'ş' | 'ș' | 'Ś' | 'Š' | 'Ş' | 'Ș' => "s",
        'ť' | 'ţ' | 'ț' | 'Ť' | 'Ţ' | 'Ț' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ů' | 'Ű' => {
            "u"
        }
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        '₦' | '€' | '£' | '$' | '¢' | '₹' | '₵' | '₩' | '¥' => " ",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_case_and_accents_disappear() {
        assert_eq!(normalize("POS/WEB PURCHASE"), " pos web purchase ");
        assert_eq!(normalize("Überweisung  Straße"), " uberweisung strasse ");
        assert_eq!(
            normalize("VIR SEPA REÇU /DE SARL ÉPICERIE"),
            " vir sepa recu de sarl epicerie "
        );
        assert_eq!(normalize("  "), " ");
        assert_eq!(normalize(""), " ");
        assert_eq!(normalize("Cœur-d'Alène"), " coeur d alene ");
    }

    #[test]
    fn digits_stay_inside_words() {
        assert_eq!(normalize("BET9JA*DEP 0803-123"), " bet9ja dep 0803 123 ");
    }

    #[test]
    fn other_scripts_keep_their_letters() {
        assert_eq!(normalize("ΑΘΗΝΑ МОСКВА"), " αθηνα москва ");
    }
}
