//! Users' passwords: PBKDF2-HMAC-SHA256 with a random 16-byte salt and 600 000 iterations
//! (OWASP's 2023 figure for this function), by `ring`, whose SHA-256 is assembly even in a debug
//! build. Why not Argon2: it would be a new dependency tree for a path taken once per sign-in,
//! and PBKDF2 at this cost is an accepted choice (NIST SP 800-132, FIPS-approved). The stored
//! string names the function and carries its parameters, `pbkdf2-sha256$<iterations>$<salt>$
//! <hash>` (base64url), so the cost can be raised later and old hashes still verify.
//!
//! Verifying is constant-time (`ring::pbkdf2::verify`), and an unknown e-mail is answered only
//! after the same work against a decoy hash, so the response time does not tell who has an
//! account.

use std::num::NonZeroU32;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use ring::pbkdf2;

/// The function's name in the stored string.
const SCHEME: &str = "pbkdf2-sha256";

/// Iterations of new hashes.
pub const ITERATIONS: u32 = 600_000;

/// Shortest password accepted: length is what makes a password strong; no composition rules
/// (NIST SP 800-63B).
pub const MIN_CHARS: usize = 12;

/// Longest password accepted: long enough for any passphrase or manager, short enough that no
/// request makes the server hash megabytes.
pub const MAX_BYTES: usize = 1024;

/// Why a new password is refused, in words for the person choosing it.
pub fn policy_problem(password: &str, email: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        Some(format!("a password has at least {MIN_CHARS} characters"))
    } else if password.len() > MAX_BYTES {
        Some(format!("a password has at most {MAX_BYTES} bytes"))
    } else if password.trim().to_lowercase() == email.trim().to_lowercase() {
        Some("the password must not be the e-mail address".to_owned())
    } else if password
        .chars()
        .next()
        .is_some_and(|first| password.chars().all(|c| c == first))
    {
        Some("the password must not repeat one character".to_owned())
    } else {
        None
    }
}

/// A new password for someone to change later: 20 characters from a 32-letter alphabet
/// without look-alikes (100 bits), easy to read out or type from paper.
pub fn generate() -> Result<String, getrandom::Error> {
    const ALPHABET: &[u8; 32] = b"abcdefghjkmnpqrstuvwxyz23456789-";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes)?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET.get(usize::from(b % 32)).copied().unwrap_or(b'a')))
        .collect())
}

/// The stored form of a new password (a fresh salt each time).
pub fn hash(password: &str) -> Result<String, getrandom::Error> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)?;
    Ok(hash_with(password, &salt, ITERATIONS))
}

fn hash_with(password: &str, salt: &[u8], iterations: u32) -> String {
    let mut out = [0u8; 32];
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        NonZeroU32::new(iterations).unwrap_or(NonZeroU32::MIN),
        salt,
        password.as_bytes(),
        &mut out,
    );
    format!(
        "{SCHEME}${iterations}${}${}",
        B64URL.encode(salt),
        B64URL.encode(out)
    )
}

/// Whether `password` matches the stored string. A string this module did not write (or with
/// an absurd cost) never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some(SCHEME), Some(iterations), Some(salt), Some(expected), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let Some(iterations) = iterations
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= 10 * ITERATIONS)
        .and_then(NonZeroU32::new)
    else {
        return false;
    };
    let (Ok(salt), Ok(expected)) = (B64URL.decode(salt), B64URL.decode(expected)) else {
        return false;
    };
    pbkdf2::verify(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        &salt,
        password.as_bytes(),
        &expected,
    )
    .is_ok()
}

/// The same work as checking a real user's password, for an e-mail that has no user.
pub fn verify_decoy(password: &str) {
    let mut out = [0u8; 32];
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        NonZeroU32::new(ITERATIONS).unwrap_or(NonZeroU32::MIN),
        b"ledgerlens-decoy",
        password.as_bytes(),
        &mut out,
    );
    std::hint::black_box(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        // A low cost keeps the unit test quick; the format is the same.
        let stored = hash_with("correct horse battery", b"0123456789abcdef", 1000);
        assert!(stored.starts_with("pbkdf2-sha256$1000$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterY", &stored));
        assert!(!verify("", &stored));
    }

    #[test]
    fn new_hashes_are_salted_and_use_the_full_cost() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("pbkdf2-sha256$600000$"));
        assert!(verify("correct horse battery", &a));
    }

    #[test]
    fn foreign_or_damaged_strings_never_match() {
        for stored in [
            "",
            "plain",
            "sha256$1$a$b",
            "pbkdf2-sha256$0$c2FsdA$aGFzaA",
            "pbkdf2-sha256$99999999$c2FsdA$aGFzaA",
            "pbkdf2-sha256$1000$***$aGFzaA",
            "pbkdf2-sha256$1000$c2FsdA$aGFzaA$extra",
        ] {
            assert!(!verify("anything at all", stored), "{stored}");
        }
        verify_decoy("anything at all");
    }

    #[test]
    fn generated_passwords_pass_the_policy() {
        let a = generate().unwrap();
        assert_eq!(a.chars().count(), 20);
        assert_ne!(a, generate().unwrap());
        assert!(policy_problem(&a, "a@b.c").is_none());
    }

    #[test]
    fn policy() {
        assert!(policy_problem("short", "a@b.c").is_some());
        assert!(policy_problem("aaaaaaaaaaaaaaaa", "a@b.c").is_some());
        assert!(policy_problem("ada@bank.example", "Ada@Bank.Example").is_some());
        assert!(policy_problem(&"x".repeat(2000), "a@b.c").is_some());
        assert!(policy_problem("correct horse battery", "a@b.c").is_none());
    }
}
