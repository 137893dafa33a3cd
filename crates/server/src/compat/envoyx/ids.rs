//! EnvoyX names a statement by a UUID. A native document id is `doc_` and 32 hex digits — the
//! same 128 bits — so the EnvoyX id is that hex in the 8-4-4-4-12 UUID layout, and both forms
//! are accepted in a path: no mapping table, and the native API finds the same document.

use ledgerlens_store::DocumentId;

use super::EnvoyxError;

/// The UUID form of a document id.
pub(crate) fn uuid(id: &DocumentId) -> String {
    let hex = id.as_str().strip_prefix("doc_").unwrap_or(id.as_str());
    let part = |from: usize, to: usize| hex.get(from..to).unwrap_or("");
    format!(
        "{}-{}-{}-{}-{}",
        part(0, 8),
        part(8, 12),
        part(12, 16),
        part(16, 20),
        part(20, 32)
    )
}

/// A document id from a path: the UUID form (any case) or the native `doc_…`. Anything else
/// cannot name a statement: 404, as an unknown id.
pub(crate) fn parse(text: &str) -> Result<DocumentId, EnvoyxError> {
    let native = if text.starts_with("doc_") {
        text.to_owned()
    } else {
        let hex: String = text
            .chars()
            .filter(|c| *c != '-')
            .collect::<String>()
            .to_ascii_lowercase();
        format!("doc_{hex}")
    };
    let dashes_in_place = text.starts_with("doc_")
        || text
            .char_indices()
            .filter(|(_, c)| *c == '-')
            .map(|(at, _)| at)
            .eq([8, 13, 18, 23]);
    DocumentId::parse(&native)
        .filter(|_| dashes_in_place)
        .ok_or_else(|| EnvoyxError::not_found("bank statement"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::*;

    #[test]
    fn an_id_round_trips_through_its_uuid_form() {
        let id = DocumentId::parse("doc_a1b2c3d4e5f67890abcdef1234567890").unwrap();
        let text = uuid(&id);
        assert_eq!(text, "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
        assert_eq!(parse(&text).unwrap(), id);
        assert_eq!(parse(&text.to_uppercase()).unwrap(), id);
        assert_eq!(parse(id.as_str()).unwrap(), id);
    }

    #[test]
    fn malformed_ids_are_not_found() {
        for bad in [
            "a1b2c3d4e5f67890abcdef1234567890",
            "a1b2c3d4-e5f6-7890-abcd-ef123456789",
            "a1b2c3d4-e5f6-7890-abcd-ef12345678zz",
            "a1b2c3d4e-5f6-7890-abcd-ef1234567890",
            "preferences",
            "",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
