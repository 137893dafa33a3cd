//! The primitives of the PDF standard security handler: MD5 and RC4 written here (no maintained
//! crate for them is in the dependency tree, and both are tiny and fixed by RFCs), AES from the
//! RustCrypto `aes` crate with CBC chaining written here.
//!
//! These serve a test-data generator: PDF encryption with RC4/MD5 is weak by design of the PDF
//! format, not something to protect real data with.

use aes::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};

/// Per-round shift amounts of MD5 (RFC 1321).
const SHIFTS: [u32; 64] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
    14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15,
    21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];

/// MD5 digest (RFC 1321).
pub fn md5(data: &[u8]) -> [u8; 16] {
    // K[i] = floor(abs(sin(i + 1)) * 2^32), computed rather than transcribed.
    let k: Vec<u32> = (0..64)
        .map(|i| (f64::from(i + 1).sin().abs() * 4_294_967_296.0) as u32)
        .collect();
    let mut state: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    let mut message = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_le_bytes());
    for chunk in message.chunks_exact(64) {
        let mut m = [0u32; 16];
        for (word, bytes) in m.iter_mut().zip(chunk.chunks_exact(4)) {
            *word = u32::from_le_bytes([
                bytes.first().copied().unwrap_or(0),
                bytes.get(1).copied().unwrap_or(0),
                bytes.get(2).copied().unwrap_or(0),
                bytes.get(3).copied().unwrap_or(0),
            ]);
        }
        let [mut a, mut b, mut c, mut d] = state;
        for i in 0..64usize {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let sum = a
                .wrapping_add(f)
                .wrapping_add(k.get(i).copied().unwrap_or(0))
                .wrapping_add(m.get(g).copied().unwrap_or(0));
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(sum.rotate_left(SHIFTS.get(i).copied().unwrap_or(0)));
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d]) {
            *s = s.wrapping_add(v);
        }
    }
    let mut out = [0u8; 16];
    for (dst, word) in out.chunks_exact_mut(4).zip(state) {
        dst.copy_from_slice(&word.to_le_bytes());
    }
    out
}

/// RC4 keystream applied to data (encryption and decryption are the same operation).
pub fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut s: [u8; 256] = std::array::from_fn(|i| i as u8);
    if key.is_empty() {
        return data.to_vec();
    }
    let mut j: u8 = 0;
    for i in 0..256usize {
        let k = key.get(i % key.len()).copied().unwrap_or(0);
        j = j
            .wrapping_add(s.get(i).copied().unwrap_or(0))
            .wrapping_add(k);
        s.swap(i, usize::from(j));
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|&byte| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s.get(usize::from(i)).copied().unwrap_or(0));
            s.swap(usize::from(i), usize::from(j));
            let t = s
                .get(usize::from(i))
                .copied()
                .unwrap_or(0)
                .wrapping_add(s.get(usize::from(j)).copied().unwrap_or(0));
            byte ^ s.get(usize::from(t)).copied().unwrap_or(0)
        })
        .collect()
}

/// AES-CBC encryption of whole blocks (`data.len()` a multiple of 16; a trailing partial block
/// is dropped, callers pad first). The key is 16 or 32 bytes; any other length gives an empty
/// result.
pub fn aes_cbc(key: &[u8], iv: &[u8; 16], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut previous = *iv;
    let encrypt_block = |block: &mut [u8; 16]| -> bool {
        let array = GenericArray::from_mut_slice(block);
        match key.len() {
            16 => aes::Aes128::new_from_slice(key)
                .map(|c| c.encrypt_block(array))
                .is_ok(),
            32 => aes::Aes256::new_from_slice(key)
                .map(|c| c.encrypt_block(array))
                .is_ok(),
            _ => false,
        }
    };
    for chunk in data.chunks_exact(16) {
        let mut block = [0u8; 16];
        for ((b, d), p) in block.iter_mut().zip(chunk).zip(previous) {
            *b = d ^ p;
        }
        if !encrypt_block(&mut block) {
            return Vec::new();
        }
        out.extend_from_slice(&block);
        previous = block;
    }
    out
}

/// PKCS#7 padding to a whole number of 16-byte blocks (always at least one byte of padding).
pub fn pkcs7(data: &[u8]) -> Vec<u8> {
    let pad = 16 - data.len() % 16;
    let mut out = data.to_vec();
    out.extend(std::iter::repeat_n(pad as u8, pad));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn md5_matches_the_rfc_1321_test_suite() {
        assert_eq!(hex(&md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(&md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            hex(&md5(
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            )),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
    }

    #[test]
    fn rc4_matches_the_classic_test_vectors() {
        assert_eq!(hex(&rc4(b"Key", b"Plaintext")), "bbf316e8d940af0ad3");
        assert_eq!(hex(&rc4(b"Wiki", b"pedia")), "1021bf0420");
        assert_eq!(rc4(b"Key", &rc4(b"Key", b"round trip")), b"round trip");
    }

    #[test]
    fn aes_cbc_matches_nist_sp800_38a() {
        let key: Vec<u8> = (0..16)
            .map(|i| {
                u8::from_str_radix(&"2b7e151628aed2a6abf7158809cf4f3c"[i * 2..i * 2 + 2], 16)
                    .unwrap()
            })
            .collect();
        let iv: [u8; 16] = std::array::from_fn(|i| i as u8);
        let plain: Vec<u8> = (0..16)
            .map(|i| {
                u8::from_str_radix(&"6bc1bee22e409f96e93d7e117393172a"[i * 2..i * 2 + 2], 16)
                    .unwrap()
            })
            .collect();
        assert_eq!(
            hex(&aes_cbc(&key, &iv, &plain)),
            "7649abac8119b246cee98e9b12e9197d"
        );
    }

    #[test]
    fn pkcs7_always_pads() {
        assert_eq!(pkcs7(b"").len(), 16);
        assert_eq!(pkcs7(&[0; 16]).len(), 32);
        assert_eq!(pkcs7(b"abc").last(), Some(&13));
    }
}
