//! Encryption at rest of originals: AES-256-GCM with a key the operator configures.
//!
//! An encrypted object is `MAGIC | version | key id | nonce | ciphertext+tag`:
//! - `MAGIC` is 8 bytes that start with 0x89 (as PNG's), so no text, CSV, PDF, XLSX or image a
//!   customer uploads can be mistaken for an encrypted object;
//! - the version allows another layout later;
//! - the key id (8 bytes of a hash of the key) tells "encrypted with another key" apart from
//!   "altered", and leaves room for key rotation;
//! - the nonce is 96 random bits, fresh for every object (random nonces are safe for far more
//!   objects than one key will ever see).
//!
//! The header and the object's name (`<tenant>/<sha256>`) are authenticated with the content, so
//! an object moved under another name or tenant fails to open instead of serving the wrong file.
//! The name stays the SHA-256 of the plaintext: deduplication and the records are unchanged.
//!
//! Objects without `MAGIC` are returned as stored: originals written before encryption was turned
//! on stay readable, and new writes are encrypted. (So someone able to write to the bucket could
//! plant a plaintext object; encryption protects confidentiality at rest, not against a writer.)

use std::path::Path;
use std::sync::Arc;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use sha2::{Digest, Sha256};

use crate::{BlobKey, Blobs, StoreError};

const MAGIC: [u8; 8] = [0x89, b'L', b'L', b'B', b'L', b'O', b'B', 0x1a];
const VERSION: u8 = 1;
const KEY_ID_BYTES: usize = 8;
const NONCE_BYTES: usize = 12;
const HEADER_BYTES: usize = MAGIC.len() + 1 + KEY_ID_BYTES + NONCE_BYTES;

/// A 256-bit key for originals. `Debug` shows only its id.
#[derive(Clone)]
pub struct BlobEncryptionKey {
    key: [u8; 32],
    id: [u8; KEY_ID_BYTES],
}

impl std::fmt::Debug for BlobEncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobEncryptionKey")
            .field("id", &crate::s3_sign::hex(&self.id))
            .finish_non_exhaustive()
    }
}

impl BlobEncryptionKey {
    /// A key from its 32 bytes.
    pub fn from_bytes(key: [u8; 32]) -> Self {
        let digest = Sha256::new()
            .chain_update(b"ledgerlens blob key id\0")
            .chain_update(key)
            .finalize();
        let mut id = [0u8; KEY_ID_BYTES];
        for (slot, byte) in id.iter_mut().zip(digest.iter()) {
            *slot = *byte;
        }
        BlobEncryptionKey { key, id }
    }

    /// A key file's content: exactly 32 raw bytes, or 64 hex digits (surrounding whitespace,
    /// such as a final newline, ignored). Anything else is refused, so a short or mistyped key
    /// never silently becomes a weak one.
    pub fn parse(content: &[u8]) -> Result<Self, StoreError> {
        if let Ok(raw) = <[u8; 32]>::try_from(content) {
            return Ok(Self::from_bytes(raw));
        }
        let text = std::str::from_utf8(content)
            .map(str::trim)
            .map_err(|_| key_shape())?;
        if text.len() != 64 {
            return Err(key_shape());
        }
        let mut key = [0u8; 32];
        for (slot, pair) in key.iter_mut().zip(text.as_bytes().chunks(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| key_shape())?;
            *slot = u8::from_str_radix(pair, 16).map_err(|_| key_shape())?;
        }
        Ok(Self::from_bytes(key))
    }

    /// Reads and parses a key file.
    pub fn read_file(path: &Path) -> Result<Self, StoreError> {
        let content = std::fs::read(path)
            .map_err(|e| StoreError::Encryption(format!("key file {}: {e}", path.display())))?;
        Self::parse(&content)
            .map_err(|e| StoreError::Encryption(format!("key file {}: {e}", path.display())))
    }

    /// Encrypts an original stored under `key`.
    pub(crate) fn seal(&self, key: &BlobKey, plaintext: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|e| StoreError::Random(e.to_string()))?;
        let mut sealed = Vec::with_capacity(HEADER_BYTES + plaintext.len() + 16);
        sealed.extend_from_slice(&MAGIC);
        sealed.push(VERSION);
        sealed.extend_from_slice(&self.id);
        sealed.extend_from_slice(&nonce);
        let aad = associated_data(&self.id, key);
        let ciphertext = self
            .cipher()
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| StoreError::Encryption(format!("encrypting {}", key.name())))?;
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    /// The original stored under `key`: decrypted if it was encrypted, as is if it predates
    /// encryption.
    pub(crate) fn open(&self, key: &BlobKey, stored: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        let Some(rest) = stored.strip_prefix(&MAGIC) else {
            return Ok(stored);
        };
        let fail = |why: &str| StoreError::Encryption(format!("original {}: {why}", key.name()));
        let (&version, rest) = rest.split_first().ok_or_else(|| fail("truncated header"))?;
        if version != VERSION {
            return Err(fail(&format!(
                "format version {version}, this build reads {VERSION}"
            )));
        }
        let (id, rest) = rest
            .split_at_checked(KEY_ID_BYTES)
            .ok_or_else(|| fail("truncated header"))?;
        if id != self.id {
            return Err(fail(&format!(
                "encrypted with another key (key id {}, the configured key is {})",
                crate::s3_sign::hex(id),
                crate::s3_sign::hex(&self.id)
            )));
        }
        let (nonce, ciphertext) = rest
            .split_at_checked(NONCE_BYTES)
            .ok_or_else(|| fail("truncated header"))?;
        let nonce = <[u8; NONCE_BYTES]>::try_from(nonce).map_err(|_| fail("truncated header"))?;
        let aad = associated_data(&self.id, key);
        self.cipher()
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| fail("authentication failed: the stored bytes were altered or moved"))
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&Key::<Aes256Gcm>::from(self.key))
    }
}

/// Whether stored bytes are an encrypted object (they start with the magic).
pub(crate) fn is_sealed(stored: &[u8]) -> bool {
    stored.starts_with(&MAGIC)
}

fn key_shape() -> StoreError {
    StoreError::Encryption("a key is 32 raw bytes or 64 hex digits".to_owned())
}

fn associated_data(id: &[u8], key: &BlobKey) -> Vec<u8> {
    let mut aad = Vec::with_capacity(MAGIC.len() + 1 + id.len() + 80);
    aad.extend_from_slice(&MAGIC);
    aad.push(VERSION);
    aad.extend_from_slice(id);
    aad.extend_from_slice(key.name().as_bytes());
    aad
}

/// Any [`Blobs`] backend, encrypting what it writes and decrypting what it reads.
#[derive(Clone, Debug)]
pub struct EncryptedBlobs<B> {
    inner: B,
    key: Arc<BlobEncryptionKey>,
}

impl<B: Blobs> EncryptedBlobs<B> {
    /// `inner` with encryption at rest under `key`.
    pub fn new(inner: B, key: BlobEncryptionKey) -> Self {
        EncryptedBlobs {
            inner,
            key: Arc::new(key),
        }
    }

    /// The backend underneath (tests read the stored bytes through it).
    pub fn inner(&self) -> &B {
        &self.inner
    }
}

/// Encrypts off the async threads: a 20 MB original takes long enough to stall other requests.
pub(crate) async fn seal_blocking(
    cipher: &Arc<BlobEncryptionKey>,
    key: &BlobKey,
    bytes: Vec<u8>,
) -> Result<Vec<u8>, StoreError> {
    let (cipher, key) = (Arc::clone(cipher), key.clone());
    tokio::task::spawn_blocking(move || cipher.seal(&key, &bytes))
        .await
        .map_err(|e| StoreError::Encryption(format!("encryption task: {e}")))?
}

pub(crate) async fn open_blocking(
    cipher: &Arc<BlobEncryptionKey>,
    key: &BlobKey,
    bytes: Vec<u8>,
) -> Result<Vec<u8>, StoreError> {
    let (cipher, key) = (Arc::clone(cipher), key.clone());
    tokio::task::spawn_blocking(move || cipher.open(&key, bytes))
        .await
        .map_err(|e| StoreError::Encryption(format!("decryption task: {e}")))?
}

impl<B: Blobs> Blobs for EncryptedBlobs<B> {
    async fn put(&self, key: &BlobKey, bytes: Vec<u8>) -> Result<(), StoreError> {
        let sealed = seal_blocking(&self.key, key, bytes).await?;
        self.inner.put(key, sealed).await
    }

    async fn get(&self, key: &BlobKey) -> Result<Option<Vec<u8>>, StoreError> {
        match self.inner.get(key).await? {
            Some(stored) => open_blocking(&self.key, key, stored).await.map(Some),
            None => Ok(None),
        }
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), StoreError> {
        self.inner.delete(key).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::TenantId;

    fn blob_key(tenant: &str) -> BlobKey {
        BlobKey::new(&TenantId::from_db(tenant.to_owned()), &"d".repeat(64)).unwrap()
    }

    #[test]
    fn key_files_are_32_raw_bytes_or_64_hex_digits() {
        let raw = [7u8; 32];
        let hex = format!("{}\n", "07".repeat(32));
        assert_eq!(
            BlobEncryptionKey::parse(&raw).unwrap().id,
            BlobEncryptionKey::parse(hex.as_bytes()).unwrap().id
        );
        for bad in [
            &b"short"[..],
            &[7u8; 31],
            &[7u8; 33],
            "zz".repeat(32).as_bytes(),
        ] {
            assert!(BlobEncryptionKey::parse(bad).is_err());
        }
    }

    #[test]
    fn sealed_objects_open_only_under_their_name_and_key() {
        let key = BlobEncryptionKey::from_bytes([1; 32]);
        let plaintext = b"%PDF-1.7 statement".to_vec();
        let sealed = key.seal(&blob_key("ten_a"), &plaintext).unwrap();
        assert!(!sealed.windows(plaintext.len()).any(|w| w == plaintext));
        assert_eq!(
            key.open(&blob_key("ten_a"), sealed.clone()).unwrap(),
            plaintext
        );
        let moved = key.open(&blob_key("ten_b"), sealed.clone()).unwrap_err();
        assert!(moved.to_string().contains("altered or moved"), "{moved}");
        let other = BlobEncryptionKey::from_bytes([2; 32]);
        let wrong = other.open(&blob_key("ten_a"), sealed.clone()).unwrap_err();
        assert!(wrong.to_string().contains("another key"), "{wrong}");
        let mut flipped = sealed;
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(key.open(&blob_key("ten_a"), flipped).is_err());
    }

    #[test]
    fn two_seals_of_the_same_content_differ() {
        let key = BlobEncryptionKey::from_bytes([1; 32]);
        let a = key.seal(&blob_key("ten_a"), b"same").unwrap();
        let b = key.seal(&blob_key("ten_a"), b"same").unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn objects_stored_before_encryption_are_read_as_they_are() {
        let key = BlobEncryptionKey::from_bytes([1; 32]);
        let legacy = b"date,amount\n2025-01-02,10.00\n".to_vec();
        assert_eq!(
            key.open(&blob_key("ten_a"), legacy.clone()).unwrap(),
            legacy
        );
    }

    #[test]
    fn debug_shows_the_key_id_only() {
        let key = BlobEncryptionKey::from_bytes([0xab; 32]);
        assert!(!format!("{key:?}").contains("abab"));
    }
}
