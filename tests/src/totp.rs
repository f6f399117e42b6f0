//! RFC 6238 one-time passwords (SHA-1, 30 s, 6 digits), as authenticator apps compute them, from
//! the `totp-rs` crate.

use std::time::{SystemTime, UNIX_EPOCH};
use totp_rs::{Algorithm, Builder, Secret};

/// RFC 4648 base32, as Directus sends TFA secrets; `None` when it is not base32.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    Secret::try_from_base32(text).ok().map(|s| s.as_bytes().to_vec())
}

/// The code for a base32 secret at a Unix time.
pub fn code_at(secret: &str, unix_seconds: u64) -> String {
    let key = base32_decode(secret).expect("a base32 secret");
    // Non-compliant: Directus's secrets are 10 bytes, under the 16 RFC 4226 recommends, which
    // `build` refuses; authenticator apps take them.
    let totp = Builder::new().with_algorithm(Algorithm::SHA1).with_digits(6).with_skew(1).with_step_duration(30).with_secret(key).build_noncompliant();
    totp.generate(unix_seconds).to_string()
}

/// The current code; waits for the next 30 s window when this one is about to end, so the
/// server still accepts the code when it arrives.
pub async fn current_code(secret: &str) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs();
    if now % 30 >= 27 {
        tokio::time::sleep(std::time::Duration::from_secs(30 - now % 30)).await;
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs();
    code_at(secret, now)
}

#[cfg(test)]
mod tests {
    /// RFC 6238's SHA-1 test vector (the 20-byte ASCII key "12345678901234567890"), 6 digits.
    #[test]
    fn rfc_6238_vectors() {
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(super::code_at(secret, 59), "287082");
        assert_eq!(super::code_at(secret, 1_111_111_109), "081804");
        assert_eq!(super::base32_decode(secret).unwrap(), b"12345678901234567890");
    }
}
