//! Identifiers and secrets.
//!
//! Ids and secrets are random (128 and 256 bits from the OS), never sequential: an id a client sees
//! must not reveal how many documents other tenants have, nor be guessable. Secrets are stored as
//! their SHA-256 only; with 256 random bits a slow password hash would add nothing.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::StoreError;

/// A tenant's id (`ten_` + 32 hex digits).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TenantId(String);

impl TenantId {
    /// Wraps an id read from the database (trusted).
    pub(crate) fn from_db(id: String) -> Self {
        TenantId(id)
    }

    /// Parses an id that came back from outside (a signed upload URL carries its tenant, as it
    /// carries no credentials). Anything not of our shape is refused; that the id is one this
    /// server issued is for the caller to check (the URL's signature).
    pub fn parse(text: &str) -> Option<Self> {
        let hex = text.strip_prefix("ten_")?;
        (hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| TenantId(text.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A document's id (`doc_` + 32 hex digits).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DocumentId(String);

impl DocumentId {
    /// Parses an id from a URL. Anything that is not of our shape cannot name a document, so it
    /// is refused here rather than sent to the database.
    pub fn parse(text: &str) -> Option<Self> {
        let hex = text.strip_prefix("doc_")?;
        (hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| DocumentId(text.to_owned()))
    }

    /// A new random id.
    pub(crate) fn generate() -> Result<Self, StoreError> {
        Ok(DocumentId(format!("doc_{}", random_hex(16)?)))
    }

    /// Wraps an id read from the database (trusted).
    pub(crate) fn from_db(id: String) -> Self {
        DocumentId(id)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A case's id (`case_` + 32 hex digits).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CaseId(String);

impl CaseId {
    /// Parses an id from a URL or a form field; anything not of our shape is refused here.
    pub fn parse(text: &str) -> Option<Self> {
        let hex = text.strip_prefix("case_")?;
        (hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| CaseId(text.to_owned()))
    }

    /// A new random id.
    pub(crate) fn generate() -> Result<Self, StoreError> {
        Ok(CaseId(format!("case_{}", random_hex(16)?)))
    }

    /// Wraps an id read from the database (trusted).
    pub(crate) fn from_db(id: String) -> Self {
        CaseId(id)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `bytes` random bytes from the OS, as lowercase hex.
pub(crate) fn random_hex(bytes: usize) -> Result<String, StoreError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(to_hex(&buffer))
}

/// A new secret: `prefix` + 256 random bits in hex. The prefix tells a leaked secret's kind at a
/// glance (and lets secret scanners find it).
pub fn random_token(prefix: &str) -> Result<String, StoreError> {
    Ok(format!("{prefix}{}", random_hex(32)?))
}

/// The stored form of a secret: hex SHA-256.
pub fn hash_secret(secret: &str) -> String {
    to_hex(&Sha256::digest(secret.as_bytes()))
}

fn to_hex(bytes: &[u8]) -> String {
    use fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_ids_of_another_shape_are_refused() {
        assert!(DocumentId::parse("doc_0123456789abcdef0123456789abcdef").is_some());
        assert!(DocumentId::parse("doc_0123").is_none());
        assert!(DocumentId::parse("../etc/passwd").is_none());
        assert!(DocumentId::parse("doc_0123456789abcdef0123456789abcdeg").is_none());
    }

    #[test]
    fn generated_ids_parse_back() {
        let id = DocumentId::generate().unwrap();
        assert_eq!(DocumentId::parse(id.as_str()), Some(id));
    }

    #[test]
    fn secrets_are_random_and_hash_to_hex() {
        let a = random_token("llk_").unwrap();
        let b = random_token("llk_").unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_eq!(hash_secret(&a).len(), 64);
        assert_ne!(hash_secret(&a), a);
    }
}
