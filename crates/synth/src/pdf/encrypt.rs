//! The standard security handler (ISO 32000-1 §7.6.3, ISO 32000-2 §7.6.4): password-protected
//! statements as banks send them, in the three ciphers readers meet — RC4 128-bit (V2/R3),
//! AES-128 (V4/R4) and AES-256 (V5/R6).
//!
//! Salts, IVs and the AES-256 file key come from the seeded generator, so an encrypted statement
//! is as reproducible as a plain one.

use sha2::{Digest, Sha256, Sha384, Sha512};

use super::crypto::{aes_cbc, md5, pkcs7, rc4};
use crate::rng::Rng;

/// Which cipher protects the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cipher {
    /// RC4 with a 128-bit key, security handler revision 3 (PDF 1.4).
    Rc4_128,
    /// AES-128-CBC, revision 4 (PDF 1.6).
    Aes128,
    /// AES-256-CBC, revision 6 (PDF 2.0 / Acrobat X).
    Aes256,
}

impl Cipher {
    /// Every cipher.
    pub const ALL: [Cipher; 3] = [Cipher::Rc4_128, Cipher::Aes128, Cipher::Aes256];
}

/// Passwords and cipher for an encrypted statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encryption {
    /// The cipher.
    pub cipher: Cipher,
    /// Password needed to open the file ("" opens without asking, as many bank PDFs do).
    pub user_password: String,
    /// Password granting full permissions; empty means "same as the user password".
    pub owner_password: String,
}

/// The 32-byte padding string of Algorithm 2.
const PAD: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

/// Permissions: everything allowed (bits 1–2 must be zero, the rest set).
const PERMISSIONS: i32 = -4;

/// Encrypts strings and streams object by object, and describes itself as the `/Encrypt`
/// dictionary.
#[derive(Debug)]
pub struct SecurityHandler {
    cipher: Cipher,
    key: Vec<u8>,
    dictionary: String,
    rng: Rng,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Password bytes padded or truncated to 32 bytes (revisions 2–4).
fn padded(password: &str) -> Vec<u8> {
    let mut out: Vec<u8> = super::fonts::encode(password)
        .into_iter()
        .take(32)
        .collect();
    let missing = 32 - out.len();
    out.extend(PAD.iter().take(missing));
    out
}

fn xor_key(key: &[u8], i: u8) -> Vec<u8> {
    key.iter().map(|b| b ^ i).collect()
}

fn random_bytes<const N: usize>(rng: &mut Rng) -> [u8; N] {
    std::array::from_fn(|_| (rng.next_u64() >> 24) as u8)
}

impl SecurityHandler {
    /// A handler for a document whose first file identifier is `id`.
    pub fn new(encryption: &Encryption, id: &[u8], rng: &mut Rng) -> Self {
        let rng = Rng::new(rng.next_u64());
        match encryption.cipher {
            Cipher::Rc4_128 | Cipher::Aes128 => Self::legacy(encryption, id, rng),
            Cipher::Aes256 => Self::aes256(encryption, rng),
        }
    }

    /// Revisions 3 and 4: MD5-derived keys (Algorithms 2, 3 and 5).
    fn legacy(encryption: &Encryption, id: &[u8], rng: Rng) -> Self {
        let owner = if encryption.owner_password.is_empty() {
            &encryption.user_password
        } else {
            &encryption.owner_password
        };
        // Algorithm 3: the /O entry.
        let mut hash = md5(&padded(owner));
        for _ in 0..50 {
            hash = md5(&hash);
        }
        let mut o = rc4(&hash, &padded(&encryption.user_password));
        for i in 1..=19u8 {
            o = rc4(&xor_key(&hash, i), &o);
        }
        // Algorithm 2: the file key.
        let mut input = padded(&encryption.user_password);
        input.extend_from_slice(&o);
        input.extend_from_slice(&PERMISSIONS.to_le_bytes());
        input.extend_from_slice(id);
        let mut key = md5(&input);
        for _ in 0..50 {
            key = md5(&key);
        }
        // Algorithm 5: the /U entry.
        let mut seed = PAD.to_vec();
        seed.extend_from_slice(id);
        let mut u = rc4(&key, &md5(&seed));
        for i in 1..=19u8 {
            u = rc4(&xor_key(&key, i), &u);
        }
        u.extend_from_slice(&[0u8; 16]);
        let dictionary = match encryption.cipher {
            Cipher::Rc4_128 => format!(
                "<< /Filter /Standard /V 2 /R 3 /Length 128 /O <{}> /U <{}> /P {PERMISSIONS} >>",
                hex(&o),
                hex(&u)
            ),
            _ => format!(
                "<< /Filter /Standard /V 4 /R 4 /Length 128 /CF << /StdCF << /AuthEvent /DocOpen \
                 /CFM /AESV2 /Length 16 >> >> /StmF /StdCF /StrF /StdCF /O <{}> /U <{}> \
                 /P {PERMISSIONS} /EncryptMetadata true >>",
                hex(&o),
                hex(&u)
            ),
        };
        SecurityHandler {
            cipher: encryption.cipher,
            key: key.to_vec(),
            dictionary,
            rng,
        }
    }

    /// Revision 6: a random file key wrapped under SHA-2-derived password keys.
    fn aes256(encryption: &Encryption, mut rng: Rng) -> Self {
        let owner = if encryption.owner_password.is_empty() {
            &encryption.user_password
        } else {
            &encryption.owner_password
        };
        // Passwords are UTF-8 truncated to 127 bytes (SASLprep is the identity on the ASCII
        // passwords tests use).
        let user_pw: Vec<u8> = encryption.user_password.bytes().take(127).collect();
        let owner_pw: Vec<u8> = owner.bytes().take(127).collect();
        let file_key: [u8; 32] = random_bytes(&mut rng);
        let [uv, uk, ov, ok]: [[u8; 8]; 4] = std::array::from_fn(|_| random_bytes(&mut rng));
        let zero_iv = [0u8; 16];

        let mut u = hash_2b(&user_pw, &uv, &[]).to_vec();
        u.extend_from_slice(&uv);
        u.extend_from_slice(&uk);
        let ue = aes_cbc(&hash_2b(&user_pw, &uk, &[]), &zero_iv, &file_key);

        let mut o = hash_2b(&owner_pw, &ov, &u).to_vec();
        o.extend_from_slice(&ov);
        o.extend_from_slice(&ok);
        let oe = aes_cbc(&hash_2b(&owner_pw, &ok, &u), &zero_iv, &file_key);

        let mut perms = [0u8; 16];
        perms[..4].copy_from_slice(&PERMISSIONS.to_le_bytes());
        perms[4..8].copy_from_slice(&[0xFF; 4]);
        perms[8..12].copy_from_slice(b"Tadb");
        perms[12..].copy_from_slice(&random_bytes::<4>(&mut rng));
        // One block with a zero IV is exactly ECB.
        let perms = aes_cbc(&file_key, &zero_iv, &perms);

        let dictionary = format!(
            "<< /Filter /Standard /V 5 /R 6 /Length 256 /CF << /StdCF << /AuthEvent /DocOpen \
             /CFM /AESV3 /Length 32 >> >> /StmF /StdCF /StrF /StdCF /O <{}> /U <{}> /OE <{}> \
             /UE <{}> /P {PERMISSIONS} /Perms <{}> /EncryptMetadata true >>",
            hex(&o),
            hex(&u),
            hex(&oe),
            hex(&ue),
            hex(&perms)
        );
        SecurityHandler {
            cipher: Cipher::Aes256,
            key: file_key.to_vec(),
            dictionary,
            rng,
        }
    }

    /// The `/Encrypt` dictionary.
    pub fn dictionary(&self) -> &str {
        &self.dictionary
    }

    /// Encrypts one string or stream of object `number` (generation 0).
    pub fn encrypt(&mut self, number: u32, data: &[u8]) -> Vec<u8> {
        let object_key = |salt: &[u8]| {
            let mut input = self.key.clone();
            input.extend_from_slice(&number.to_le_bytes()[..3]);
            input.extend_from_slice(&[0, 0]);
            input.extend_from_slice(salt);
            md5(&input)
        };
        match self.cipher {
            Cipher::Rc4_128 => rc4(&object_key(b""), data),
            Cipher::Aes128 => {
                let key = object_key(b"sAlT");
                let iv: [u8; 16] = random_bytes(&mut self.rng);
                let mut out = iv.to_vec();
                out.extend(aes_cbc(&key, &iv, &pkcs7(data)));
                out
            }
            Cipher::Aes256 => {
                let iv: [u8; 16] = random_bytes(&mut self.rng);
                let mut out = iv.to_vec();
                out.extend(aes_cbc(&self.key, &iv, &pkcs7(data)));
                out
            }
        }
    }
}

/// Algorithm 2.B (ISO 32000-2 §7.6.4.3.4): the revision 6 password hash.
fn hash_2b(password: &[u8], salt: &[u8], user_key: &[u8]) -> [u8; 32] {
    let mut k: Vec<u8> = Sha256::new()
        .chain_update(password)
        .chain_update(salt)
        .chain_update(user_key)
        .finalize()
        .to_vec();
    let mut round: u32 = 0;
    loop {
        let mut k1 = Vec::with_capacity(64 * (password.len() + k.len() + user_key.len()));
        for _ in 0..64 {
            k1.extend_from_slice(password);
            k1.extend_from_slice(&k);
            k1.extend_from_slice(user_key);
        }
        let aes_key = k.get(..16).unwrap_or_default();
        let iv: [u8; 16] = std::array::from_fn(|i| k.get(16 + i).copied().unwrap_or(0));
        let e = aes_cbc(aes_key, &iv, &k1);
        let selector: u32 = e.iter().take(16).map(|&b| u32::from(b)).sum::<u32>() % 3;
        k = match selector {
            0 => Sha256::digest(&e).to_vec(),
            1 => Sha384::digest(&e).to_vec(),
            _ => Sha512::digest(&e).to_vec(),
        };
        round += 1;
        let last = u32::from(e.last().copied().unwrap_or(0));
        if round >= 64 && last + 32 <= round {
            break;
        }
    }
    std::array::from_fn(|i| k.get(i).copied().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handler(cipher: Cipher) -> SecurityHandler {
        let encryption = Encryption {
            cipher,
            user_password: "user".into(),
            owner_password: "owner".into(),
        };
        SecurityHandler::new(&encryption, &[7u8; 16], &mut Rng::new(1))
    }

    #[test]
    fn rc4_objects_get_distinct_keys_and_the_same_length() {
        let mut h = handler(Cipher::Rc4_128);
        let a = h.encrypt(1, b"hello");
        let b = h.encrypt(2, b"hello");
        assert_eq!(a.len(), 5);
        assert_ne!(a, b);
        assert!(h.dictionary().contains("/V 2 /R 3"));
    }

    #[test]
    fn aes_output_is_iv_plus_padded_blocks() {
        for cipher in [Cipher::Aes128, Cipher::Aes256] {
            let mut h = handler(cipher);
            assert_eq!(h.encrypt(3, b"").len(), 32);
            assert_eq!(h.encrypt(3, &[1; 16]).len(), 48);
        }
        assert!(handler(Cipher::Aes256).dictionary().contains("/AESV3"));
        assert!(handler(Cipher::Aes128).dictionary().contains("/AESV2"));
    }

    #[test]
    fn the_same_seed_gives_the_same_encryption() {
        assert_eq!(
            handler(Cipher::Aes256).dictionary(),
            handler(Cipher::Aes256).dictionary()
        );
    }

    #[test]
    fn the_revision_6_hash_is_a_fixed_function_of_its_inputs() {
        let a = hash_2b(b"pw", &[1; 8], &[]);
        assert_eq!(a, hash_2b(b"pw", &[1; 8], &[]));
        assert_ne!(a, hash_2b(b"pw", &[2; 8], &[]));
    }
}
