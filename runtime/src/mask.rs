//! What the client shows of values that may be secret: header values, reply excerpts in errors.
//! Secrets the client knows (tokens, spec `secret` fields) are masked where they are used; this
//! is the second line, for what the server sent, recognised by name or by shape.

/// What a masked value is shown as.
pub(crate) const MASK: &str = "***";

/// Names (of headers, of JSON keys) whose values are taken to be secret, matched as lower-case
/// substrings: `x-refresh-token`, `access_token`, `tfa_secret`, `new_password`.
const SECRET_NAMES: &[&str] =
    &["token", "secret", "password", "passwd", "session", "cookie", "authorization", "api-key", "apikey", "api_key", "credential", "signature", "otp"];

pub(crate) fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_NAMES.iter().any(|s| name.contains(s))
}

/// A header's value as it may be shown (`-i`, hooks): a cookie keeps its name and attributes,
/// a header named like a secret is masked whole, and JWT-shaped words anywhere are masked.
pub(crate) fn header(name: &str, value: &str) -> String {
    if name.eq_ignore_ascii_case("set-cookie") {
        // `name=value; Path=/; HttpOnly`: the value goes, the rest says what kind of cookie it is.
        let (cookie, attributes) = value.split_once(';').map_or((value, None), |(c, a)| (c, Some(a)));
        let cookie_name = cookie.split_once('=').map_or(cookie, |(n, _)| n).trim();
        return match attributes {
            Some(a) => format!("{cookie_name}={MASK};{a}"),
            None => format!("{cookie_name}={MASK}"),
        };
    }
    if is_secret_name(name) {
        return MASK.to_owned();
    }
    // `Bearer x`, `Basic x` in a header of any name: the scheme stays, the credential goes.
    for scheme in ["Bearer ", "Basic "] {
        if value.len() > scheme.len() && value[..scheme.len()].eq_ignore_ascii_case(scheme) {
            return format!("{}{MASK}", &value[..scheme.len()]);
        }
    }
    jwts(value)
}

/// Replaces every JWT-shaped word (`eyJ…`, base64url parts joined by dots) with [`MASK`].
pub(crate) fn jwts(value: &str) -> String {
    let word_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(c) = rest.chars().next() {
        let len = rest.find(|c: char| !word_char(c)).unwrap_or(rest.len());
        if len == 0 {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let word = &rest[..len];
        let jwt = word.starts_with("eyJ") && word.split('.').filter(|p| !p.is_empty()).count() >= 2;
        out.push_str(if jwt { MASK } else { word });
        rest = &rest[len..];
    }
    out
}

/// JSON text (perhaps cut short, perhaps not JSON at all) with the string value of every key
/// named like a secret replaced by [`MASK`], and JWT-shaped words masked: the start of a login
/// reply quoted in an error must not quote its tokens. A value cut off by the end is masked to
/// the end.
pub(crate) fn json_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // The last string read and whether it is a key named like a secret; a `:` after it makes
    // the next string its value.
    let mut secret_key = false;
    let mut value_of_secret = false;
    while let Some(c) = rest.chars().next() {
        match c {
            '"' => {
                let end = string_end(rest);
                let (string, after) = rest.split_at(end);
                if value_of_secret {
                    out.push('"');
                    out.push_str(MASK);
                    if string.len() > 1 && string.ends_with('"') {
                        out.push('"');
                    }
                    value_of_secret = false;
                    secret_key = false;
                } else {
                    out.push_str(string);
                    secret_key = is_secret_name(string.trim_matches('"'));
                }
                rest = after;
                continue;
            }
            ':' if secret_key => value_of_secret = true,
            c if c.is_whitespace() => {}
            _ => {
                secret_key = false;
                value_of_secret = false;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    jwts(&out)
}

/// A JSON value as it may be shown (`--dry-run`): under any key named like a secret, strings
/// become [`MASK`], at any depth; JWT-shaped strings anywhere too. For a body the caller wrote
/// (`--data '{"password": …}'`), whose secrets the spec cannot name.
pub(crate) fn json_value(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(_) if is_secret_name(key) => *v = Value::String(MASK.into()),
                    _ => json_value(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(json_value),
        Value::String(s) => *s = jwts(s),
        _ => {}
    }
}

/// The length of the JSON string at the start of `text` (which starts with `"`), its quotes
/// included; all of `text` when it is not closed.
fn string_end(text: &str) -> usize {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return i + 1,
            _ => {}
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_heads_never_show_a_secret() {
        use super::header as m;
        assert_eq!(
            m("Set-Cookie", "directus_session_token=abc.def; Max-Age=86400; Path=/; HttpOnly"),
            "directus_session_token=***; Max-Age=86400; Path=/; HttpOnly"
        );
        assert_eq!(m("set-cookie", "a=b"), "a=***");
        assert_eq!(m("x-refresh-token", "r1"), "***");
        assert_eq!(m("Authorization", "Bearer t"), "***");
        assert_eq!(m("x-api-key", "k"), "***");
        assert_eq!(m("content-type", "application/json"), "application/json");
        // A credential in a header of any name: the scheme stays, the credential goes.
        assert_eq!(m("x-auth", "Bearer abcdefSECRET"), "Bearer ***");
        assert_eq!(m("x-upstream", "basic dXNlcjpwYXNz"), "basic ***");
        assert_eq!(m("x-note", "Bearer"), "Bearer");
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IjEifQ.c2lnbmF0dXJl";
        assert_eq!(m("link", &format!("<https://h/?t={jwt}>; rel=next")), "<https://h/?t=***>; rel=next");
        assert_eq!(m("x-note", "eyJ alone, and keyJ.x"), "eyJ alone, and keyJ.x");
        assert_eq!(m("etag", "W/\"1d-1vQrKd\""), "W/\"1d-1vQrKd\"");
    }

    #[test]
    fn bodies_shown_never_show_a_secret() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IjEifQ.c2lnbmF0dXJl";
        let mut body = serde_json::json!({
            "email": "a@b.c", "password": "Sup3rSecret!", "token": "statictok123",
            "nested": [{"new_password": "x", "note": format!("see {jwt}")}], "tfa_secret": null, "tokens_used": 3
        });
        json_value(&mut body);
        assert_eq!(body, serde_json::json!({
            "email": "a@b.c", "password": "***", "token": "***",
            "nested": [{"new_password": "***", "note": "see ***"}], "tfa_secret": null, "tokens_used": 3
        }));
    }

    #[test]
    fn reply_excerpts_never_show_a_secret() {
        let login = r#"{"data":{"access_token":"ACCESS-SECRET","expires":900000,"refresh_token" : "REFRESH-SECRET","id":"u1"}}"#;
        let shown = json_text(login);
        assert_eq!(shown, r#"{"data":{"access_token":"***","expires":900000,"refresh_token" : "***","id":"u1"}}"#);
        // Cut off in the middle of a secret: masked to the end.
        assert_eq!(json_text(r#"{"data":{"tfa_secret":"JBSWY3DP"#), r#"{"data":{"tfa_secret":"***"#);
        // An escaped quote inside the value does not end it; other keys and values stay.
        assert_eq!(json_text(r#"{"password":"a\"b","name":"token"}"#), r#"{"password":"***","name":"token"}"#);
        // A key named like a secret whose value is no string (a number, null, an object) stays.
        assert_eq!(json_text(r#"{"token":null,"otp":{"x":1}}"#), r#"{"token":null,"otp":{"x":1}}"#);
        // JWTs anywhere, and text that is not JSON, go through whole.
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IjEifQ.c2lnbmF0dXJl";
        assert_eq!(json_text(&format!("<html>{jwt}</html>")), "<html>***</html>");
        assert_eq!(json_text("not json: \"unterminated"), "not json: \"unterminated");
    }
}
