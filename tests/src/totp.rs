//! RFC 6238 one-time passwords (SHA-1, 30 s, 6 digits), as authenticator apps compute them.

use std::time::{SystemTime, UNIX_EPOCH};

/// RFC 4648 base32, no padding needed; `None` on a character outside the alphabet.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u64, 0u32);
    for c in text.trim_end_matches('=').chars() {
        let v = match c {
            'A'..='Z' => c as u64 - 'A' as u64,
            '2'..='7' => c as u64 - '2' as u64 + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..20].copy_from_slice(&sha1_smol::Sha1::from(key).digest().bytes());
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = sha1_smol::Sha1::new();
    inner.update(&k.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = sha1_smol::Sha1::new();
    outer.update(&k.map(|b| b ^ 0x5c));
    outer.update(&inner.digest().bytes());
    outer.digest().bytes()
}

/// The code for a base32 secret at a Unix time.
pub fn code_at(secret: &str, unix_seconds: u64) -> String {
    let key = base32_decode(secret).expect("a base32 secret");
    let h = hmac_sha1(&key, &(unix_seconds / 30).to_be_bytes());
    let o = (h[19] & 0x0f) as usize;
    let n = u32::from_be_bytes([h[o], h[o + 1], h[o + 2], h[o + 3]]) & 0x7fff_ffff;
    format!("{:06}", n % 1_000_000)
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
    use super::*;

    #[test]
    fn rfc6238_vectors() {
        // RFC 6238 appendix B, SHA-1 key "12345678901234567890", last 6 digits.
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(code_at(secret, 59), "287082");
        assert_eq!(code_at(secret, 1111111109), "081804");
        assert_eq!(code_at(secret, 2000000000), "279037");
    }

    #[test]
    fn base32() {
        assert_eq!(base32_decode("MZXW6YTBOI").unwrap(), b"foobar");
        assert!(base32_decode("not base32!").is_none());
    }
}
