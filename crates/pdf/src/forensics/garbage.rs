//! Unreadable text layers.
//!
//! A font without a ToUnicode map (and with a custom encoding) gives glyph codes no engine can
//! turn back into characters: the text layer comes out as private-use code points, replacement
//! characters, control codes, or symbols with no letter or digit at all. Such a page looks like
//! text but must be read by OCR.

use ledgerlens_core::{Finding, Severity};

/// Character statistics of one page's text layer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextLayerStats {
    /// Non-whitespace characters.
    pub glyphs: u32,
    /// Characters no reader can use: private use, U+FFFD, controls, unassigned (code 0).
    pub unusable: u32,
    /// Letters and digits.
    pub alphanumeric: u32,
}

impl TextLayerStats {
    /// Counts one character.
    pub fn add(&mut self, ch: char) {
        if ch.is_whitespace() {
            return;
        }
        self.glyphs = self.glyphs.saturating_add(1);
        if is_unusable(ch) {
            self.unusable = self.unusable.saturating_add(1);
        } else if ch.is_alphanumeric() {
            self.alphanumeric = self.alphanumeric.saturating_add(1);
        }
    }
}

fn is_unusable(ch: char) -> bool {
    let c = u32::from(ch);
    ch == '\0'
        || ch == '\u{FFFD}'
        || ch.is_control()
        || (0xE000..=0xF8FF).contains(&c)
        || c >= 0xF_0000
}

/// Fewer glyphs than this say too little to judge (a page number, a logo's letters).
const MIN_GLYPHS: u32 = 20;

/// `unreadable_text_layer` for one page, when most of its characters are unusable or it has many
/// glyphs and not one letter or digit.
pub fn unreadable_text_layer(page: u32, stats: TextLayerStats) -> Option<Finding> {
    if stats.glyphs < MIN_GLYPHS {
        return None;
    }
    let mostly_unusable = stats.unusable.saturating_mul(2) > stats.glyphs;
    if !mostly_unusable && stats.alphanumeric > 0 {
        return None;
    }
    Some(Finding {
        code: "unreadable_text_layer".to_owned(),
        severity: Severity::Warning,
        reason: format!(
            "the text layer of page {page} cannot be read: {} of its {} characters are not \
             letters, digits or punctuation (its fonts carry no Unicode map), so the page must be \
             read from its image instead",
            stats.glyphs.saturating_sub(stats.alphanumeric),
            stats.glyphs
        ),
        page: Some(page),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(text: &str) -> TextLayerStats {
        let mut s = TextLayerStats::default();
        text.chars().for_each(|c| s.add(c));
        s
    }

    #[test]
    fn an_ordinary_statement_page_is_readable() {
        let s = stats("01/02/2024 Opening balance 1,234.56 Card payment TESCO -12.50");
        assert_eq!(s.glyphs, 54);
        assert_eq!(unreadable_text_layer(1, s), None);
    }

    #[test]
    fn private_use_glyphs_make_a_page_unreadable() {
        let garbage: String = (0..40)
            .map(|i| char::from_u32(0xE000 + i).unwrap())
            .collect();
        let f = unreadable_text_layer(3, stats(&format!("{garbage} 12"))).unwrap();
        assert_eq!(f.code, "unreadable_text_layer");
        assert_eq!(f.page, Some(3));
        assert!(f.reason.contains("page 3"), "{}", f.reason);
    }

    #[test]
    fn control_codes_and_replacement_characters_are_unusable() {
        let text: String = "\u{1}\u{2}\u{3}\u{FFFD}".repeat(10);
        assert!(unreadable_text_layer(1, stats(&text)).is_some());
    }

    #[test]
    fn many_symbols_without_a_letter_or_digit_are_unreadable() {
        assert!(unreadable_text_layer(1, stats(&"!#$%&*+<>".repeat(5))).is_some());
    }

    #[test]
    fn a_short_text_layer_is_not_judged() {
        assert_eq!(unreadable_text_layer(1, stats("\u{E001}\u{E002}")), None);
    }
}
