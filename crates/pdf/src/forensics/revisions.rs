//! Incremental updates, counted from the raw bytes.
//!
//! A PDF edited and saved "incrementally" keeps its original bytes and appends the changed
//! objects, a new cross-reference section and a new `startxref` pointer. Counting `startxref`
//! keywords therefore counts revisions. Two legitimate producers of extra sections are
//! discounted or told apart: linearized ("fast web view") files carry a first-page section of
//! their own, and digital signatures are applied as an appended revision.

/// What the byte scan found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Revisions {
    /// `startxref` keywords in the file.
    pub sections: u32,
    /// Whether the file declares itself linearized (its first object has `/Linearized`).
    pub linearized: bool,
    /// Revisions appended after the original file.
    pub updates: u32,
    /// True when every appended revision carries a signature dictionary (`/ByteRange`).
    pub signatures_only: bool,
}

/// The linearization dictionary must be the first object, within the first kilobyte or so.
const LINEARIZED_WINDOW: usize = 1024;

/// Scans the file for revisions. Linear in the file size.
pub fn scan(bytes: &[u8]) -> Revisions {
    const KEYWORD: &[u8] = b"startxref";
    let positions: Vec<usize> = find_all(bytes, KEYWORD).collect();
    let sections = u32::try_from(positions.len()).unwrap_or(u32::MAX);
    let head = bytes
        .get(..LINEARIZED_WINDOW.min(bytes.len()))
        .unwrap_or(&[]);
    let linearized = find_all(head, b"/Linearized").next().is_some();
    // A linearized file's original has two sections: the first-page one and the main one.
    let original = if linearized && sections >= 2 { 2 } else { 1 };
    let updates = sections.saturating_sub(original);
    let signatures_only = updates > 0 && {
        let first_appended = usize::try_from(original).unwrap_or(usize::MAX);
        // Appended revision k spans from the previous `startxref` to its own.
        positions
            .windows(2)
            .skip(first_appended.saturating_sub(1))
            .all(|pair| match pair {
                [from, to] => bytes
                    .get(*from..*to)
                    .is_some_and(|section| find_all(section, b"/ByteRange").next().is_some()),
                _ => false,
            })
    };
    Revisions {
        sections,
        linearized,
        updates,
        signatures_only,
    }
}

/// Start offsets of every occurrence of `needle` in `haystack`, left to right.
fn find_all<'a>(haystack: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let first = needle.first().copied();
    let mut from = 0;
    std::iter::from_fn(move || {
        let first = first?;
        while let Some(rest) = haystack.get(from..) {
            let offset = rest.iter().position(|&b| b == first)?;
            let at = from + offset;
            from = at + 1;
            if haystack
                .get(at..at + needle.len())
                .is_some_and(|candidate| candidate == needle)
            {
                return Some(at);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revision(body: &str) -> String {
        format!("{body}\nxref\n0 1\ntrailer\n<<>>\nstartxref\n123\n%%EOF\n")
    }

    #[test]
    fn an_original_file_has_no_update() {
        let file = revision("%PDF-1.4\n1 0 obj\n<<>>\nendobj");
        let r = scan(file.as_bytes());
        assert_eq!((r.sections, r.updates, r.linearized), (1, 0, false));
        assert!(!r.signatures_only);
    }

    #[test]
    fn each_appended_section_is_one_update() {
        let file =
            revision("%PDF-1.4") + &revision("2 0 obj (edited) endobj") + &revision("3 0 obj");
        let r = scan(file.as_bytes());
        assert_eq!((r.sections, r.updates), (3, 2));
        assert!(!r.signatures_only);
    }

    #[test]
    fn a_linearized_file_has_two_sections_and_no_update() {
        let file = revision("%PDF-1.6\n1 0 obj <</Linearized 1/L 999>> endobj") + &revision("");
        let r = scan(file.as_bytes());
        assert_eq!((r.sections, r.updates, r.linearized), (2, 0, true));
    }

    #[test]
    fn a_linearized_file_saved_again_has_one_update() {
        let file = revision("%PDF-1.6\n1 0 obj <</Linearized 1>> endobj")
            + &revision("")
            + &revision("9 0 obj (edit) endobj");
        assert_eq!(scan(file.as_bytes()).updates, 1);
    }

    #[test]
    fn updates_that_only_add_signatures_are_told_apart() {
        let signed =
            revision("%PDF-1.7") + &revision("5 0 obj <</Type/Sig/ByteRange[0 10 20 30]>> endobj");
        assert!(scan(signed.as_bytes()).signatures_only);
        let edited_then_signed = revision("%PDF-1.7")
            + &revision("4 0 obj (new amount) endobj")
            + &revision("5 0 obj <</Type/Sig/ByteRange[0 10 20 30]>> endobj");
        let r = scan(edited_then_signed.as_bytes());
        assert_eq!(r.updates, 2);
        assert!(!r.signatures_only);
    }

    #[test]
    fn a_linearization_marker_far_from_the_start_does_not_count() {
        let mut file = revision("%PDF-1.4");
        file.push_str(&" ".repeat(2000));
        file.push_str(&revision("<</Linearized 1>>"));
        let r = scan(file.as_bytes());
        assert_eq!((r.linearized, r.updates), (false, 1));
    }

    #[test]
    fn garbage_and_empty_input_have_no_sections() {
        assert_eq!(scan(b"").sections, 0);
        assert_eq!(scan(b"startxre").sections, 0);
        assert_eq!(scan(b"sssstartxref").sections, 1);
    }
}
