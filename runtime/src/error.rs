//! One error type for every call: what Directus said, what the transport said, or why the reply
//! could not be read. No variant holds a secret: request bodies are never copied into errors.

use crate::operation::Method;
use crate::version::Version;
use serde::Deserialize;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub type Result<T, E = Error> = std::result::Result<T, E>;

macro_rules! error_codes {
    ($($variant:ident = $code:literal,)*) => {
        /// `extensions.code` of a Directus error. Codes this version does not know are kept in
        /// [`ErrorCode::Unknown`], so a newer server never breaks decoding.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($variant,)*
            Unknown(String),
        }

        impl ErrorCode {
            pub fn parse(code: &str) -> Self {
                match code {
                    $($code => ErrorCode::$variant,)*
                    other => ErrorCode::Unknown(other.to_owned()),
                }
            }

            pub fn as_str(&self) -> &str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                    ErrorCode::Unknown(other) => other,
                }
            }
        }
    };
}

error_codes! {
    ContainsNullValues = "CONTAINS_NULL_VALUES",
    ContentTooLarge = "CONTENT_TOO_LARGE",
    FailedValidation = "FAILED_VALIDATION",
    Forbidden = "FORBIDDEN",
    IllegalAssetTransformation = "ILLEGAL_ASSET_TRANSFORMATION",
    InternalServerError = "INTERNAL_SERVER_ERROR",
    InvalidCredentials = "INVALID_CREDENTIALS",
    InvalidForeignKey = "INVALID_FOREIGN_KEY",
    InvalidIp = "INVALID_IP",
    InvalidOtp = "INVALID_OTP",
    InvalidPayload = "INVALID_PAYLOAD",
    InvalidProvider = "INVALID_PROVIDER",
    InvalidProviderConfig = "INVALID_PROVIDER_CONFIG",
    InvalidQuery = "INVALID_QUERY",
    InvalidToken = "INVALID_TOKEN",
    LimitExceeded = "LIMIT_EXCEEDED",
    MethodNotAllowed = "METHOD_NOT_ALLOWED",
    NotNullViolation = "NOT_NULL_VIOLATION",
    RangeNotSatisfiable = "RANGE_NOT_SATISFIABLE",
    RecordNotUnique = "RECORD_NOT_UNIQUE",
    RequestsExceeded = "REQUESTS_EXCEEDED",
    ResourceRestricted = "RESOURCE_RESTRICTED",
    RouteNotFound = "ROUTE_NOT_FOUND",
    ServiceUnavailable = "SERVICE_UNAVAILABLE",
    TokenExpired = "TOKEN_EXPIRED",
    UnexpectedResponse = "UNEXPECTED_RESPONSE",
    UnprocessableContent = "UNPROCESSABLE_CONTENT",
    UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE",
    UserSuspended = "USER_SUSPENDED",
    ValueOutOfRange = "VALUE_OUT_OF_RANGE",
    ValueTooLong = "VALUE_TOO_LONG",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of Directus's `errors` list.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    pub message: String,
    pub code: ErrorCode,
    /// The rest of `extensions` (e.g. `reason`, `field`, `collection`).
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

/// Whether a failed request may have reached the server, and so may have been applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Nothing reached the server: the request was refused before sending (a bad argument, an
    /// unsupported operation), or the connection could not be made (refused, DNS, TLS, connect
    /// timeout). Safe to repeat, whatever the method.
    NotSent,
    /// The request went out, or may have, and no answer came (a timeout or a reset after
    /// sending): the server may have applied it. Repeating a create may create it twice.
    Unknown,
    /// The server answered with a status, so what it did is known from that status.
    Answered,
}

/// Which time limit fired; each is set on [`crate::ClientBuilder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Making the connection (TCP and TLS) took too long; nothing was sent.
    Connect,
    /// No bytes moved, either way, for the idle (read) timeout: a stalled server or transfer.
    Idle,
    /// One attempt took longer than the per-attempt timeout.
    Attempt,
    /// The whole call, retries included, took longer than the total timeout.
    Total,
}

impl TimeoutKind {
    fn describe(self) -> &'static str {
        match self {
            TimeoutKind::Connect => "connect timeout",
            TimeoutKind::Idle => "idle (read) timeout: no bytes moved for",
            TimeoutKind::Attempt => "per-attempt timeout",
            TimeoutKind::Total => "total timeout",
        }
    }
}

/// The broad class of a failure; the CLI maps it to its exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorClass {
    /// The caller gave something unusable (bad argument, bad payload).
    Usage,
    /// Not logged in, wrong credentials or OTP, expired token.
    Auth,
    /// Forbidden, or missing (Directus answers 403 for both).
    Forbidden,
    /// The server failed (5xx) or does not have the operation.
    Server,
    /// The server could not be reached, or the connection broke.
    Network,
    /// The server answered with something this client cannot read.
    BadReply,
    /// Too many requests (HTTP 429): wait and try again.
    RateLimited,
}

impl ErrorClass {
    /// The class of a Directus error reply, from its status and first code.
    pub fn of(status: u16, code: Option<&ErrorCode>) -> Self {
        match (status, code) {
            (
                _,
                Some(
                    ErrorCode::InvalidCredentials
                    | ErrorCode::InvalidOtp
                    | ErrorCode::InvalidToken
                    | ErrorCode::TokenExpired
                    | ErrorCode::UserSuspended,
                ),
            )
            | (401, _) => ErrorClass::Auth,
            (429, _) | (_, Some(ErrorCode::RequestsExceeded)) => ErrorClass::RateLimited,
            (403 | 404, _) => ErrorClass::Forbidden,
            (s, _) if s >= 500 => ErrorClass::Server,
            _ => ErrorClass::Usage,
        }
    }
}

#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Directus answered with an error status.
    Api {
        operation: &'static str,
        status: u16,
        errors: Vec<ApiError>,
        /// What the spec says to do about the first error's code.
        hint: Option<&'static str>,
    },
    /// The server's version does not have this operation; nothing was sent.
    Unsupported {
        operation: &'static str,
        server_version: Version,
        /// First version with the operation, when the server is older.
        since: Option<Version>,
        /// First version without it, when the server is newer.
        removed_in: Option<Version>,
        replacement: Option<&'static str>,
    },
    /// Directus answered 429 (its rate limiter): too many requests. Retried for idempotent
    /// operations when retries are on; this is what is left when they ran out or the wait the
    /// server asked for is longer than the client waits.
    RateLimited {
        operation: &'static str,
        /// What `Retry-After` asked for, when the server sent it.
        retry_after: Option<Duration>,
        errors: Vec<ApiError>,
    },
    /// The request could not be sent or the reply not received.
    Transport {
        operation: &'static str,
        source: reqwest::Error,
        /// Whether the server may have applied the request.
        outcome: Outcome,
        method: Method,
    },
    /// A time limit fired.
    Timeout {
        operation: &'static str,
        kind: TimeoutKind,
        /// The limit that was reached.
        after: Duration,
        outcome: Outcome,
        method: Method,
    },
    /// The reply is larger than the client accepts ([`crate::ClientBuilder::max_reply_size`] for
    /// JSON, 1 MiB for error bodies); it was not read to its end.
    ReplyTooLarge {
        operation: &'static str,
        status: u16,
        /// The limit, in bytes.
        limit: u64,
        /// What `Content-Length` announced, when it did.
        length: Option<u64>,
    },
    /// The server answered with a redirect the client does not follow: to another origin (the
    /// token must not go there; an `http://` server that redirects to `https://` is one), for a
    /// method other than GET, or one too many in a row.
    Redirect {
        operation: &'static str,
        status: u16,
        /// The reply's `Location`, as sent (empty when there was none).
        location: String,
        /// Why it was not followed.
        why: &'static str,
    },
    /// An upload broke off after the request may have reached the server (a reset, a timeout):
    /// Directus may have made the file's record, without a `filesize`, and kept part of the file.
    /// The message says how to find it; `source` is what broke.
    UploadInterrupted {
        operation: &'static str,
        /// The name the file was sent under, which Directus stores as `filename_download`.
        filename: String,
        method: Method,
        source: Box<Error>,
    },
    /// A resumable upload stopped before its end: the connection kept failing, or the server
    /// refused a chunk. The server keeps the first `offset` bytes under `upload_id` (until its
    /// `TUS_UPLOAD_EXPIRATION`), so the upload can be resumed from there with the same file, or
    /// cancelled; `source` is the last failure.
    ResumableInterrupted {
        operation: &'static str,
        upload_id: String,
        offset: u64,
        size: u64,
        source: Box<Error>,
    },
    /// The session's refresh failed; every call that waited on that refresh gets the same error.
    RefreshFailed { operation: &'static str, source: Arc<Error> },
    /// The reply arrived but is not what the operation returns.
    Decode {
        operation: &'static str,
        status: u16,
        message: String,
        /// The start of the body, to show what arrived instead.
        excerpt: String,
    },
    /// A bad argument, caught before anything was sent.
    InvalidInput { operation: &'static str, message: String },
    /// The client was built with `dry_run`: the request that would have gone, described with
    /// every secret masked. Nothing was sent.
    DryRun { operation: &'static str, request: String },
    /// Reading or writing a local file failed.
    Io { operation: &'static str, path: std::path::PathBuf, source: std::io::Error },
}

impl Error {
    /// The Directus code of the first error, for `Api` errors.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            Error::Api { errors, .. } | Error::RateLimited { errors, .. } => errors.first().map(|e| &e.code),
            Error::RefreshFailed { source, .. } => source.code(),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Decode { status, .. }
            | Error::ReplyTooLarge { status, .. }
            | Error::Redirect { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            Error::RefreshFailed { source, .. } => source.status(),
            Error::UploadInterrupted { source, .. } | Error::ResumableInterrupted { source, .. } => source.status(),
            _ => None,
        }
    }

    /// Whether the server may have applied the request. Only [`Outcome::Unknown`] leaves that
    /// open: check (e.g. list what a create would have made) before repeating a write.
    pub fn outcome(&self) -> Outcome {
        match self {
            Error::Transport { outcome, .. } | Error::Timeout { outcome, .. } => *outcome,
            Error::UploadInterrupted { source, .. } => source.outcome(),
            // Part of the file is on the server, and the caller knows how much.
            Error::ResumableInterrupted { .. } => Outcome::Answered,
            Error::Unsupported { .. } | Error::InvalidInput { .. } | Error::DryRun { .. } => Outcome::NotSent,
            // An upload's file is read while sending; a failure to read it can come mid-way.
            Error::Io { .. } => Outcome::NotSent,
            // The refresh is its own request; the call that needed it was not sent.
            Error::RefreshFailed { .. } => Outcome::NotSent,
            Error::Api { .. }
            | Error::RateLimited { .. }
            | Error::Decode { .. }
            | Error::ReplyTooLarge { .. }
            | Error::Redirect { .. } => Outcome::Answered,
        }
    }

    /// How long the server asked to wait before trying again (`Retry-After` of a 429).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            Error::RefreshFailed { source, .. } => source.retry_after(),
            _ => None,
        }
    }

    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::Api { hint, .. } => *hint,
            _ => None,
        }
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Api { status, errors, .. } => ErrorClass::of(*status, errors.first().map(|e| &e.code)),
            Error::Unsupported { .. } => ErrorClass::Server,
            Error::RateLimited { .. } => ErrorClass::RateLimited,
            Error::Transport { .. } | Error::Timeout { .. } => ErrorClass::Network,
            Error::ReplyTooLarge { .. } | Error::Redirect { .. } => ErrorClass::BadReply,
            Error::RefreshFailed { source, .. } => source.class(),
            Error::UploadInterrupted { source, .. } | Error::ResumableInterrupted { source, .. } => source.class(),
            // A proxy's HTML 502/503 page is still the server side failing.
            Error::Decode { status, .. } if *status >= 500 => ErrorClass::Server,
            Error::Decode { .. } => ErrorClass::BadReply,
            Error::InvalidInput { .. } | Error::Io { .. } | Error::DryRun { .. } => ErrorClass::Usage,
        }
    }

    pub(crate) fn decode(operation: &'static str, status: u16, message: impl Into<String>, body: &[u8]) -> Self {
        Error::Decode { operation, status, message: message.into(), excerpt: excerpt(body) }
    }
}

/// The first 200 characters of a body, lossily decoded, on one line, with values named like
/// secrets masked (a login reply of an unexpected shape must not put its tokens in a log).
fn excerpt(body: &[u8]) -> String {
    let text = crate::mask::json_text(&String::from_utf8_lossy(&body[..body.len().min(4096)]));
    let mut out: String = text.chars().take(200).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// `text` with every character that could act on a terminal written out as an escape: C0 and C1
/// controls (ESC starts colour, cursor and OSC title sequences; CR and LF forge lines), DEL, the
/// bidirectional overrides that reorder what is shown, and the Unicode line separators. Plain text,
/// other languages included, is unchanged. Used for text the server chose and, by the CLI, for
/// each whole error line.
pub(crate) fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    fn risky(c: char) -> bool {
        c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
    }
    if !text.chars().any(risky) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if risky(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.into()
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api { operation, status, errors, hint } => {
                write!(f, "{operation}: HTTP {status}")?;
                if errors.is_empty() {
                    f.write_str(" with no Directus error details")?;
                }
                for (i, e) in errors.iter().enumerate() {
                    let sep = if i == 0 { ": " } else { "; " };
                    // The code and message are the server's text: escaped, so a hostile or
                    // broken server cannot drive the terminal that shows the error.
                    write!(f, "{sep}{} {}", escape_controls(e.code.as_str()), escape_controls(&e.message))?;
                }
                if let Some(h) = hint {
                    write!(f, " (hint: {h})")?;
                }
                Ok(())
            }
            Error::Unsupported { operation, server_version, since, removed_in, replacement } => {
                write!(f, "{operation} is not available on Directus {server_version}")?;
                if let Some(r) = removed_in {
                    write!(f, ": it was removed in {r}")?;
                } else if let Some(s) = since {
                    write!(f, ": it was added in {s}")?;
                }
                if let Some(r) = replacement {
                    write!(f, "; use {r} instead")?;
                }
                Ok(())
            }
            Error::RateLimited { operation, retry_after, errors } => {
                write!(f, "{operation}: HTTP 429 too many requests (rate limited)")?;
                if let Some(e) = errors.first() {
                    write!(f, ": {} {}", escape_controls(e.code.as_str()), escape_controls(&e.message))?;
                }
                match retry_after {
                    Some(wait) => write!(f, "; the server asks to wait {} before trying again", seconds(*wait)),
                    None => f.write_str("; wait a little before trying again"),
                }
            }
            Error::Transport { operation, source, outcome, method } => {
                let what = if source.is_timeout() {
                    "timed out"
                } else if *outcome == Outcome::NotSent {
                    "could not connect to the server"
                } else {
                    "request failed"
                };
                write!(f, "{operation}: {what}: {source}")?;
                let mut inner = std::error::Error::source(source);
                while let Some(e) = inner {
                    write!(f, ": {e}")?;
                    inner = e.source();
                }
                write_outcome(f, *outcome, *method)
            }
            Error::Timeout { operation, kind, after, outcome, method } => {
                write!(f, "{operation}: timed out: {} {}", kind.describe(), seconds(*after))?;
                write_outcome(f, *outcome, *method)
            }
            Error::ReplyTooLarge { operation, status, limit, length } => {
                write!(f, "{operation}: the server's reply (HTTP {status}) is larger than the {} limit", bytes_text(*limit))?;
                if let Some(n) = length {
                    write!(f, " ({} announced)", bytes_text(*n))?;
                }
                f.write_str("; it was not read. Ask for less (fields, limit) or raise the limit (the CLI's --max-reply-size, ClientBuilder::max_reply_size)")
            }
            Error::Redirect { operation, status, location, why } => {
                write!(f, "{operation}: the server redirected (HTTP {status})")?;
                if !location.is_empty() {
                    write!(f, " to {}", escape_controls(location))?;
                }
                write!(f, ", which the client does not follow: {why}")?;
                if location.starts_with("https://") {
                    f.write_str(" (if the server moved to https, use its https:// address)")?;
                }
                Ok(())
            }
            Error::RefreshFailed { operation, source } => {
                write!(f, "{operation}: the session could not be refreshed: {source}")
            }
            Error::UploadInterrupted { operation: _, filename, method, source } => {
                // The source names the operation and says the server may have applied it.
                let filter = serde_json::json!({ "filename_download": { "_eq": filename }, "filesize": { "_null": true } });
                let what = if *method == Method::Post {
                    "the server may have created its file record, without a size, and kept part of the file"
                } else {
                    "the server may have kept part of the new file"
                };
                write!(
                    f,
                    "{source}; the upload of {} broke off: {what}. Find such records with the filter {filter} \
                     (e.g. `files list --filter '{filter}'`), then delete them or upload again",
                    escape_controls(&format!("{filename:?}"))
                )
            }
            Error::ResumableInterrupted { operation: _, upload_id, offset, size, source } => write!(
                f,
                "{source}; the resumable upload {upload_id} stopped after {offset} of {size} bytes, which the server keeps \
                 for a while: resume it with this upload id and the same file (the files resource's resume upload), or cancel it"
            ),
            Error::Decode { operation, status, message, excerpt } => {
                write!(f, "{operation}: the server's reply (HTTP {status}) could not be read: {message}")?;
                if !excerpt.is_empty() {
                    write!(f, "; it began with: {excerpt}")?;
                }
                Ok(())
            }
            Error::InvalidInput { operation, message } => write!(f, "{operation}: {message}"),
            Error::DryRun { operation, request } => write!(f, "{operation}: not sent (dry run):\n{request}"),
            Error::Io { operation, path, source } => write!(f, "{operation}: {}: {source}", path.display()),
        }
    }
}

/// A duration as a person reads it: `1.5 s`, `30 s`.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

fn bytes_text(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else {
        format!("{n} bytes")
    }
}

/// Says what the caller needs to know before repeating a call that failed on the way.
fn write_outcome(f: &mut fmt::Formatter<'_>, outcome: Outcome, method: Method) -> fmt::Result {
    match outcome {
        Outcome::NotSent => f.write_str(" (nothing reached the server; safe to try again)"),
        Outcome::Unknown if matches!(method, Method::Get | Method::Head | Method::Search) => {
            f.write_str(" (the request was sent and no answer came)")
        }
        Outcome::Unknown => f.write_str(
            " (the request was sent and no answer came: the server may have applied this; check before repeating it)",
        ),
        Outcome::Answered => Ok(()),
    }
}

/// `source()` is `None` for every variant: the message already carries each cause, on one line
/// (what the CLI prints, what a log wants), so error reporters that walk the chain (anyhow's
/// `{:#}`, eyre) would print every cause twice. A cause stays reachable as its variant's `source`
/// field (`Error::Transport { source, .. }` is the `reqwest::Error`).
impl std::error::Error for Error {}

#[derive(Deserialize)]
struct Envelope {
    errors: Vec<RawApiError>,
}

#[derive(Deserialize)]
struct RawApiError {
    #[serde(default)]
    message: serde_json::Value,
    #[serde(default)]
    extensions: serde_json::Map<String, serde_json::Value>,
}

/// Reads Directus's `{"errors":[…]}` body; `None` when the body is not that shape.
pub(crate) fn parse_api_errors(body: &[u8]) -> Option<Vec<ApiError>> {
    let env: Envelope = serde_json::from_slice(body).ok()?;
    Some(
        env.errors
            .into_iter()
            .map(|mut e| {
                let code = match e.extensions.remove("code") {
                    Some(serde_json::Value::String(c)) => ErrorCode::parse(&c),
                    _ => ErrorCode::Unknown(String::new()),
                };
                // 10.x sometimes sends `"message": {}` for internal errors.
                let message = match e.message {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                ApiError { message, code, extensions: e.extensions }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    /// Each cause is printed once, whoever prints the chain.
    #[test]
    fn a_cause_is_in_the_message_once_not_again_as_a_source() {
        let io = super::Error::Io { operation: "files.create", path: "a.bin".into(), source: std::io::Error::other("disk on fire") };
        let refresh = super::Error::RefreshFailed { operation: "users.me", source: std::sync::Arc::new(io) };
        assert!(std::error::Error::source(&refresh).is_none());
        assert_eq!(refresh.to_string().matches("disk on fire").count(), 1, "{refresh}");
    }

    use super::*;

    #[test]
    fn parses_directus_error_envelope() {
        let body = br#"{"errors":[{"message":"Invalid payload. \"password\" is required.","extensions":{"reason":"\"password\" is required","code":"INVALID_PAYLOAD"}}]}"#;
        let errs = parse_api_errors(body).unwrap();
        assert_eq!(errs[0].code, ErrorCode::InvalidPayload);
        assert_eq!(errs[0].extensions["reason"], "\"password\" is required");
        let unknown = parse_api_errors(br#"{"errors":[{"message":"x","extensions":{"code":"NEW_THING"}}]}"#).unwrap();
        assert_eq!(unknown[0].code, ErrorCode::Unknown("NEW_THING".into()));
        assert!(parse_api_errors(b"<html>").is_none());
    }

    #[test]
    fn classes() {
        let api = |status, code: &str| Error::Api {
            operation: "x.y",
            status,
            errors: vec![ApiError { message: String::new(), code: ErrorCode::parse(code), extensions: Default::default() }],
            hint: None,
        };
        assert_eq!(api(401, "INVALID_CREDENTIALS").class(), ErrorClass::Auth);
        assert_eq!(api(403, "FORBIDDEN").class(), ErrorClass::Forbidden);
        assert_eq!(api(400, "INVALID_PAYLOAD").class(), ErrorClass::Usage);
        assert_eq!(api(503, "SERVICE_UNAVAILABLE").class(), ErrorClass::Server);
    }

    #[test]
    fn server_text_cannot_reach_the_terminal_raw() {
        let body = "{\"errors\":[{\"message\":\"evil\\u001b]0;pwned\\u0007\\r\\nfake line \\u202e\\u009b\",\"extensions\":{\"code\":\"X\\u001b[2J\"}}]}";
        let errors = parse_api_errors(body.as_bytes()).unwrap();
        assert!(errors[0].message.contains('\u{1b}'), "the error keeps the server's text as it came");
        let text = Error::Api { operation: "x.y", status: 400, errors, hint: None }.to_string();
        assert_eq!(text, r"x.y: HTTP 400: X\u{1b}[2J evil\u{1b}]0;pwned\u{7}\r\nfake line \u{202e}\u{9b}");
        assert_eq!(escape_controls("Ünïcode, \"quotes\" and \\ stay"), "Ünïcode, \"quotes\" and \\ stay");
        assert!(matches!(escape_controls("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn excerpt_is_bounded_and_single_line() {
        let long = "a\nb".repeat(300);
        let e = excerpt(long.as_bytes());
        assert!(!e.contains('\n'));
        assert_eq!(e.chars().count(), 201);
    }
}
