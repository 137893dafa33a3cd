//! The upload target of `POST /media`: our own pre-signed URL, in place of the product's S3
//! one. It carries the tenant, the media and an expiry, signed with HMAC-SHA256 under a key
//! derived from the server's token key, so it needs no API credentials (a browser or a
//! partner can be handed it), stops working when it expires, and names one media only.
//!
//! The same derived key names each media's record in the blob store (see `record.rs`): the
//! name is a MAC, not a digest of any content, so no upload can ever land on it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::TokenKey;

type HmacSha256 = Hmac<Sha256>;

/// How long an upload target works: long enough for a 20 MB upload on a slow line.
pub(crate) const UPLOAD_TTL_SECONDS: i64 = 15 * 60;

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// A MAC under a key of its own, derived from the token key for one purpose (`label`), so an
/// upload signature can never pass for a bearer token or the other way round.
fn mac(key: &TokenKey, label: &str, parts: &[&str]) -> Option<HmacSha256> {
    let mut derive = HmacSha256::new_from_slice(key.as_bytes()).ok()?;
    derive.update(b"ledgerlens compat/sopra ");
    derive.update(label.as_bytes());
    let derived = derive.finalize().into_bytes();
    let mut mac = HmacSha256::new_from_slice(&derived).ok()?;
    for part in parts {
        // Length-prefixed, so ("ab", "c") and ("a", "bc") sign differently.
        mac.update(&u64::try_from(part.len()).unwrap_or(u64::MAX).to_be_bytes());
        mac.update(part.as_bytes());
    }
    Some(mac)
}

/// The signature of an upload target.
pub(crate) fn sign(key: &TokenKey, tenant: &str, media: &str, expires_s: i64) -> Option<String> {
    let expires = expires_s.to_string();
    mac(key, "upload", &[tenant, media, &expires]).map(|m| hex(&m.finalize().into_bytes()))
}

/// Whether `signature` is the one of this target (compared in constant time).
pub(crate) fn verify(
    key: &TokenKey,
    tenant: &str,
    media: &str,
    expires_s: i64,
    signature: &str,
) -> bool {
    let Some(presented) = unhex(signature) else {
        return false;
    };
    let expires = expires_s.to_string();
    mac(key, "upload", &[tenant, media, &expires])
        .is_some_and(|m| m.verify_slice(&presented).is_ok())
}

/// The blob name (64 hex digits) of a media's record.
pub(crate) fn record_name(key: &TokenKey, tenant: &str, media: &str) -> Option<String> {
    mac(key, "media record", &[tenant, media]).map(|m| hex(&m.finalize().into_bytes()))
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_signature_names_one_tenant_media_and_expiry() {
        let key = TokenKey::from_bytes(&[7; 32]).unwrap();
        let signature = sign(&key, "ten_a", "med_1", 100).unwrap();
        assert!(verify(&key, "ten_a", "med_1", 100, &signature));
        assert!(!verify(&key, "ten_b", "med_1", 100, &signature));
        assert!(!verify(&key, "ten_a", "med_2", 100, &signature));
        assert!(!verify(&key, "ten_a", "med_1", 101, &signature));
        assert!(!verify(&key, "ten_a", "med_1", 100, "00"));
        let other = TokenKey::from_bytes(&[8; 32]).unwrap();
        assert!(!verify(&other, "ten_a", "med_1", 100, &signature));
        assert_ne!(record_name(&key, "ten_a", "med_1").unwrap(), signature);
    }
}
