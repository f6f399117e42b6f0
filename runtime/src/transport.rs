//! What makes a call survive a real network: time limits, retries with backoff, reply size
//! limits, and the bookkeeping they need (when bytes last moved, when to give up).

use crate::error::{Error, Outcome, Result, TimeoutKind};
use crate::operation::Method;
use bytes::{Buf, Bytes};
use std::collections::VecDeque;
use std::future::Future;
use std::task::Poll;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// The largest JSON reply read by default: 256 MiB.
pub const DEFAULT_MAX_REPLY_SIZE: u64 = 256 * 1024 * 1024;

/// The most of an error reply that is read: 1 MiB. Directus's error bodies are a few hundred
/// bytes; anything larger is a proxy's page or garbage, and only its start is shown.
pub const MAX_ERROR_BODY: u64 = 1024 * 1024;

/// How calls behave on a slow or failing network. Set on [`crate::ClientBuilder`], or per call
/// with [`crate::Client::with_call_settings`]; start from `Default::default()`.
///
/// The defaults: a 10 s connect timeout, a 60 s idle timeout (no bytes moved for that long), no
/// total or per-attempt timeout, 3 attempts for idempotent calls, 256 MiB for a JSON reply, pages of
/// 100 items for streamed lists.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CallSettings {
    /// How long making a connection (TCP and TLS) may take. Nothing has been sent when it fires.
    /// Set on the builder only: it belongs to the connection pool. Capped at `idle_timeout`.
    pub connect_timeout: Duration,
    /// How long a call may go without a byte moving either way: waiting for the reply (connecting
    /// included), between pieces of a reply, and between pieces of an upload. This is the limit
    /// that catches a stalled server; a long transfer that keeps moving never hits it.
    pub idle_timeout: Duration,
    /// A limit on each attempt of a call that is not streamed (uploads and downloads are not
    /// capped), reply included. None by default.
    pub attempt_timeout: Option<Duration>,
    /// A limit on the whole call, retries and their waits included, except the body of a streamed
    /// upload or download. None by default.
    pub total_timeout: Option<Duration>,
    pub retry: RetryPolicy,
    /// The largest JSON (or text) reply read into memory, in bytes. Downloads are streamed and
    /// have no limit.
    pub max_reply_size: u64,
    /// Items per request of a list read with a `…_stream` or `…_all` method. Default 100.
    pub page_size: u32,
    /// Bytes per request of a resumable upload (8 MiB by default): what a dropped connection
    /// costs at most, and what the client holds in memory.
    pub upload_chunk_size: usize,
}

impl Default for CallSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            attempt_timeout: None,
            total_timeout: None,
            retry: RetryPolicy::default(),
            max_reply_size: DEFAULT_MAX_REPLY_SIZE,
            page_size: crate::paging::DEFAULT_PAGE_SIZE,
            upload_chunk_size: crate::tus::DEFAULT_CHUNK_SIZE,
        }
    }
}

impl CallSettings {
    pub fn connect_timeout(mut self, limit: Duration) -> Self {
        self.connect_timeout = limit;
        self
    }

    pub fn idle_timeout(mut self, limit: Duration) -> Self {
        self.idle_timeout = limit;
        self
    }

    pub fn attempt_timeout(mut self, limit: Option<Duration>) -> Self {
        self.attempt_timeout = limit;
        self
    }

    pub fn total_timeout(mut self, limit: Option<Duration>) -> Self {
        self.total_timeout = limit;
        self
    }

    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    pub fn max_reply_size(mut self, bytes: u64) -> Self {
        self.max_reply_size = bytes;
        self
    }

    /// Items per request of a streamed list (at least 1).
    pub fn page_size(mut self, items: u32) -> Self {
        self.page_size = items.max(1);
        self
    }
}

/// When a failed call is tried again.
///
/// A call is retried when the connection could not be made (nothing was sent, so any method),
/// and, for idempotent methods only (GET, PUT, DELETE, SEARCH; never POST or PATCH), when the
/// request was sent and no answer came, or the server answered 429, 502, 503 or 504. Between
/// attempts it waits what `Retry-After` asks (seconds or an HTTP date) when the server sent one,
/// up to `max_retry_after`, else an exponential backoff with full jitter: a random time up to
/// `base_delay × 2^(attempt-1)`, at most `max_delay`. No wait goes past the total timeout.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off. Default 3.
    pub max_attempts: u32,
    /// Default 200 ms.
    pub base_delay: Duration,
    /// Default 10 s.
    pub max_delay: Duration,
    /// The longest `Retry-After` the client waits; a server that asks for more gets its error
    /// returned at once (e.g. [`Error::RateLimited`] with the wait). Default 60 s.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is tried once.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// `attempts` in all (at least 1), with the default delays.
    pub fn attempts(attempts: u32) -> Self {
        Self { max_attempts: attempts.max(1), ..Self::default() }
    }

    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// The backoff before attempt `attempt + 1`: full jitter over an exponential ceiling.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(20)).min(self.max_delay);
        ceiling.mul_f64(random_unit())
    }

    /// How long to wait before trying `err` again after `attempt` attempts, or `None` to give up.
    /// `retry_after` is what the failed reply asked for.
    pub(crate) fn delay(
        &self,
        method: Method,
        err: &Error,
        retry_after: Option<Duration>,
        attempt: u32,
        deadline: Option<Instant>,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts || !retryable(method, err) {
            return None;
        }
        let wait = match retry_after {
            Some(wait) if wait > self.max_retry_after => return None,
            Some(wait) => wait,
            None => self.backoff(attempt),
        };
        match deadline {
            Some(d) if later(Instant::now(), wait) >= d => None,
            _ => Some(wait),
        }
    }
}

/// Methods whose repetition does what one call does.
pub(crate) fn idempotent(method: Method) -> bool {
    matches!(method, Method::Get | Method::Head | Method::Put | Method::Delete | Method::Search)
}

/// Whether `err` is worth another attempt of a call with `method`.
fn retryable(method: Method, err: &Error) -> bool {
    match err {
        // Nothing reached the server: repeating cannot apply anything twice.
        Error::Transport { outcome: Outcome::NotSent, .. } | Error::Timeout { outcome: Outcome::NotSent, .. } => true,
        Error::Transport { .. } | Error::Timeout { kind: TimeoutKind::Idle | TimeoutKind::Attempt, .. } => idempotent(method),
        Error::RateLimited { .. } => idempotent(method),
        Error::Api { status, .. } | Error::Decode { status, .. } => idempotent(method) && matches!(status, 502..=504),
        _ => false,
    }
}

/// A number in [0, 1), different on every call: seeded by the standard library's per-map random
/// keys, which is all the randomness jitter needs.
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(Instant::now().elapsed().as_nanos() as u64);
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// `Retry-After`: a number of seconds, or an HTTP date (a date in the past means now).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers.get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after)
}

/// When bytes last moved in an attempt: touched by the upload body as it is read and by the
/// reply as it arrives.
#[derive(Debug)]
pub(crate) struct Activity {
    start: Instant,
    last_ms: AtomicU64,
}

impl Activity {
    pub(crate) fn new() -> Self {
        Self { start: Instant::now(), last_ms: AtomicU64::new(0) }
    }

    pub(crate) fn touch(&self) {
        self.last_ms.store(self.start.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.start + Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }

    /// Completes once nothing has moved for `idle`.
    pub(crate) async fn stalled(&self, idle: Duration) {
        loop {
            let due = later(self.last(), idle);
            if Instant::now() >= due {
                return;
            }
            tokio::time::sleep_until(due.into()).await;
        }
    }
}

/// `from + wait`, or thirty years on when that is past what an `Instant` holds: a limit such as
/// `Duration::MAX` means "never" and must not panic.
pub(crate) fn later(from: Instant, wait: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(30 * 365 * 86_400);
    from.checked_add(wait.min(FAR)).unwrap_or(from)
}

/// A point in time after which a call gives up, and which limit it stands for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline {
    pub at: Instant,
    pub kind: TimeoutKind,
    pub limit: Duration,
}

impl Deadline {
    pub(crate) fn after(limit: Duration, kind: TimeoutKind) -> Self {
        Self { at: later(Instant::now(), limit), kind, limit }
    }

    /// The earlier of two deadlines.
    pub(crate) fn earliest(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.at < a.at { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    pub(crate) async fn reached(deadline: Option<Self>) {
        match deadline {
            Some(d) => tokio::time::sleep_until(d.at.into()).await,
            None => std::future::pending().await,
        }
    }
}

/// What an attempt needs while it reads a reply.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReadLimits {
    pub op: &'static str,
    pub method: Method,
    pub idle: Duration,
    pub deadline: Option<Deadline>,
}

impl ReadLimits {
    fn timeout(&self, kind: TimeoutKind, after: Duration) -> Error {
        // The status line came, so the server answered.
        Error::Timeout { operation: self.op, kind, after, outcome: Outcome::Answered, method: self.method }
    }

    /// The next piece of `reply`, within the idle timeout and the deadline.
    pub(crate) async fn chunk(&self, reply: &mut reqwest::Response) -> Result<Option<bytes::Bytes>> {
        // Polled in place (what `tokio::select!` does, without tokio's `macros` feature and the
        // `tokio-macros` crate it adds to every user's tree): wrapping these in `async` blocks and
        // a combinator moved them, which cost about 600 instructions of a 72,000-instruction
        // request (callgrind, bench/run.py).
        let mut chunk = std::pin::pin!(tokio::time::timeout(self.idle, reply.chunk()));
        let mut deadline = std::pin::pin!(Deadline::reached(self.deadline));
        std::future::poll_fn(|cx| {
            if let Poll::Ready(chunk) = chunk.as_mut().poll(cx) {
                return Poll::Ready(match chunk {
                    Ok(Ok(c)) => Ok(c),
                    Ok(Err(source)) => Err(Error::Transport { operation: self.op, source, outcome: Outcome::Answered, method: self.method }),
                    Err(_) => Err(self.timeout(TimeoutKind::Idle, self.idle)),
                });
            }
            match deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    let d = self.deadline.expect("only a deadline completes");
                    Poll::Ready(Err(self.timeout(d.kind, d.limit)))
                }
                Poll::Pending => Poll::Pending,
            }
        })
        .await
    }

    /// The whole body, refusing more than `limit` bytes: by `Content-Length` before reading
    /// anything, else as soon as it is passed.
    pub(crate) async fn body(&self, reply: &mut reqwest::Response, limit: u64) -> Result<Body> {
        let status = reply.status().as_u16();
        let too_large = |length| Error::ReplyTooLarge { operation: self.op, status, limit, length };
        let announced = reply.content_length();
        if let Some(n) = announced.filter(|n| *n > limit) {
            return Err(too_large(Some(n)));
        }
        let mut body = Body::new(announced);
        while let Some(chunk) = self.chunk(reply).await? {
            if (body.len + chunk.len()) as u64 > limit {
                return Err(too_large(announced));
            }
            body.push(chunk);
        }
        Ok(body)
    }

    /// At most `limit` bytes of the body, and whether there was more (left unread).
    pub(crate) async fn body_prefix(&self, reply: &mut reqwest::Response, limit: u64) -> Result<(Vec<u8>, bool)> {
        let mut body = Vec::with_capacity(reply.content_length().unwrap_or(0).min(limit) as usize);
        while let Some(chunk) = self.chunk(reply).await? {
            let room = limit as usize - body.len();
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                return Ok((body, true));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((body, false))
    }
}

/// The size of the buffers a reply's body is kept in: a reply up to this size is held in one,
/// and decoded from it (the fastest way for serde_json); a larger one in several, decoded through
/// [`Body::into_reader`], which lets each go once read.
pub(crate) const SEGMENT: usize = 1 << 20;

/// A reply's body, in buffers of at most [`SEGMENT`] bytes filled to the byte, so a large JSON
/// reply can be decoded while its buffers are let go one by one, and it and what it decodes into
/// are never both held whole.
///
/// The pieces hyper hands over are copied in (once, as a single buffer was filled before), not
/// kept: each is a slice of one of hyper's read buffers and keeps all of it alive; from a server
/// that sends in small writes, keeping them raised a `limit: -1` call's peak from 1.1 to 1.55 times
/// its reply (`tests/tests/network_faults.rs`). A body that comes in one piece is kept as it is,
/// and decoded where it lies.
#[derive(Debug, Default)]
pub(crate) struct Body {
    full: VecDeque<Bytes>,
    /// The buffer being filled, after `full`.
    filling: Vec<u8>,
    len: usize,
    /// The bytes still to come, when the reply announced its length: buffers are sized to it.
    announced: Option<usize>,
}

impl Body {
    fn new(announced: Option<u64>) -> Self {
        Self { announced: announced.and_then(|n| usize::try_from(n).ok()), ..Self::default() }
    }

    fn push(&mut self, piece: Bytes) {
        if piece.is_empty() {
            return;
        }
        if self.len == 0 {
            // Perhaps the whole body: kept as it is until a second piece comes.
            self.len = piece.len();
            self.full.push_back(piece);
            return;
        }
        if self.filling.capacity() == 0 {
            if let Some(first) = (self.full.len() == 1 && self.len == self.full[0].len()).then(|| self.full.pop_front()).flatten() {
                self.copy_in(&first);
            }
        }
        self.len += piece.len();
        self.copy_in(&piece);
    }

    /// Appends `bytes` to the buffers, starting a new one whenever the current one is full.
    fn copy_in(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.filling.len() == SEGMENT {
                let full = std::mem::take(&mut self.filling);
                self.full.push_back(Bytes::from(full));
            }
            if self.filling.capacity() == 0 {
                // What is known to come (capped at a buffer), or a buffer left to grow.
                let held = self.full.iter().map(Bytes::len).sum::<usize>();
                let expected = self.announced.map_or(0, |n| n.saturating_sub(held));
                self.filling.reserve_exact(expected.clamp(bytes.len().min(SEGMENT), SEGMENT));
            }
            let take = bytes.len().min(SEGMENT - self.filling.len());
            self.filling.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
    }

    /// The buffers, in order, the one being filled included.
    fn finish(mut self) -> VecDeque<Bytes> {
        if !self.filling.is_empty() {
            let last = std::mem::take(&mut self.filling);
            self.full.push_back(Bytes::from(last));
        }
        self.full
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The body when it is held in one buffer (or is empty), as it lies.
    pub(crate) fn as_one_piece(&self) -> Option<&[u8]> {
        match (self.full.len(), self.filling.is_empty()) {
            (0, true) => Some(&[]),
            (0, false) => Some(&self.filling),
            (1, true) => Some(&self.full[0]),
            _ => None,
        }
    }

    /// At most the first `n` bytes, copied (what an error quotes).
    pub(crate) fn head(&self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n.min(self.len));
        for piece in self.full.iter().map(|b| &b[..]).chain(std::iter::once(&self.filling[..])) {
            let take = piece.len().min(n - out.len());
            out.extend_from_slice(&piece[..take]);
            if out.len() == n {
                break;
            }
        }
        out
    }

    /// The body in one buffer: the one it is held in, or its buffers copied into one, each let
    /// go once copied.
    pub(crate) fn into_vec(self) -> Vec<u8> {
        let len = self.len;
        let mut pieces = self.finish();
        if pieces.len() == 1 {
            return pieces.pop_front().map(Vec::from).unwrap_or_default();
        }
        let mut out = Vec::with_capacity(len);
        while let Some(piece) = pieces.pop_front() {
            out.extend_from_slice(&piece);
        }
        out
    }

    /// Reads the body in order, letting each buffer go as soon as it has been read.
    pub(crate) fn into_reader(self) -> BodyReader {
        BodyReader { pieces: self.finish() }
    }
}

/// See [`Body::into_reader`].
pub(crate) struct BodyReader {
    pieces: VecDeque<Bytes>,
}

impl std::io::Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let Some(piece) = self.pieces.front_mut() else { return Ok(0) };
        let n = piece.len().min(buf.len());
        buf[..n].copy_from_slice(&piece[..n]);
        piece.advance(n);
        if piece.is_empty() {
            // Its memory goes back now.
            self.pieces.pop_front();
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A limit of `Duration::MAX` (the CLI's `--timeout 1e19`) means "never", not a panic.
    #[test]
    fn a_limit_beyond_the_clock_is_far_off_not_a_panic() {
        let now = Instant::now();
        for limit in [Duration::MAX, Duration::from_secs(u64::MAX / 2), Duration::from_secs_f64(1e19)] {
            let d = Deadline::after(limit, TimeoutKind::Total);
            assert!(d.at > now + Duration::from_secs(10 * 365 * 86_400), "{limit:?}");
            assert!(later(now, limit) > now);
        }
        assert_eq!(later(now, Duration::from_secs(5)), now + Duration::from_secs(5));
    }

    /// Read back whole, in order, however it came: in one piece, in small pieces, with or without
    /// its length announced, across buffers.
    #[test]
    fn a_body_is_read_back_in_order_however_it_came() {
        let small = b"{\"data\":[1,2,3],\"meta\":null}".to_vec();
        let large: Vec<u8> = (0..SEGMENT * 2 + 12345).map(|i| b"0123456789"[i % 10]).collect();
        for text in [&small, &large] {
            for size in [1, 7, 4096, 300_000, text.len()] {
                for announced in [None, Some(text.len() as u64)] {
                    let mut body = Body::new(announced);
                    for piece in text.chunks(size) {
                        body.push(Bytes::copy_from_slice(piece));
                        body.push(Bytes::new());
                    }
                    let case = format!("{} bytes in pieces of {size}, announced {announced:?}", text.len());
                    assert_eq!(body.len, text.len(), "{case}");
                    assert_eq!(body.head(4), text[..4], "{case}");
                    assert_eq!(body.head(1 << 30), *text, "{case}");
                    // Up to a buffer's size, or when it came in one piece, one buffer to decode from.
                    assert_eq!(body.as_one_piece().is_some(), text.len() <= SEGMENT || size >= text.len(), "{case}");
                    if let Some(one) = body.as_one_piece() {
                        assert_eq!(one, &text[..], "{case}");
                    }
                    let mut read = Vec::new();
                    std::io::Read::read_to_end(&mut std::io::BufReader::with_capacity(1000, body.into_reader()), &mut read).unwrap();
                    assert!(read == *text, "{case}");
                }
            }
            let mut body = Body::new(None);
            for piece in text.chunks(5000) {
                body.push(Bytes::copy_from_slice(piece));
            }
            assert!(body.into_vec() == *text);
        }
        assert!(Body::default().is_empty() && Body::default().as_one_piece() == Some(&[][..]));
    }

    /// The buffers hold the body and little more, whatever the pieces pinned of hyper's.
    #[test]
    fn a_body_is_held_in_buffers_filled_to_the_byte() {
        let text = vec![b'x'; SEGMENT * 3 + 10];
        for announced in [None, Some(text.len() as u64)] {
            let mut body = Body::new(announced);
            for piece in text.chunks(1000) {
                body.push(Bytes::copy_from_slice(piece));
            }
            let held: usize = body.full.iter().map(Bytes::len).sum::<usize>() + body.filling.capacity();
            assert!(held <= text.len() + SEGMENT, "{held} bytes held for {}, announced {announced:?}", text.len());
            if announced.is_some() {
                assert_eq!(held, text.len(), "sized to the announced length");
            }
        }
    }

    #[test]
    fn retry_after_takes_seconds_and_http_dates() {
        assert_eq!(parse_retry_after("1"), Some(Duration::from_secs(1)));
        assert_eq!(parse_retry_after(" 120 "), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO), "a past date is now");
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let wait = parse_retry_after(&soon).unwrap();
        assert!(wait > Duration::from_secs(27) && wait <= Duration::from_secs(30), "{wait:?}");
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn backoff_is_jittered_and_bounded() {
        let p = RetryPolicy::attempts(10).base_delay(Duration::from_millis(100)).max_delay(Duration::from_secs(1));
        let waits: Vec<Duration> = (1..=9).map(|a| p.backoff(a)).collect();
        for (i, w) in waits.iter().enumerate() {
            let ceiling = Duration::from_millis(100 * (1 << i)).min(Duration::from_secs(1));
            assert!(*w <= ceiling, "attempt {}: {w:?} > {ceiling:?}", i + 1);
        }
        let distinct: std::collections::HashSet<_> = (0..20).map(|_| p.backoff(5)).collect();
        assert!(distinct.len() > 10, "jitter varies: {distinct:?}");
        assert!(p.backoff(u32::MAX) <= Duration::from_secs(1));
    }

    fn transport_timeout(outcome: Outcome) -> Error {
        Error::Timeout { operation: "x", kind: TimeoutKind::Idle, after: Duration::from_secs(1), outcome, method: Method::Post }
    }

    #[test]
    fn only_what_cannot_apply_twice_is_retried() {
        let p = RetryPolicy::attempts(3);
        let api = |status| Error::Api { operation: "x", status, errors: vec![], hint: None };
        let limited = Error::RateLimited { operation: "x", retry_after: None, errors: vec![] };
        for status in [502, 503, 504] {
            assert!(p.delay(Method::Get, &api(status), None, 1, None).is_some(), "{status}");
            assert!(p.delay(Method::Post, &api(status), None, 1, None).is_none(), "POST {status}");
        }
        for status in [400, 401, 403, 404, 500] {
            assert!(p.delay(Method::Get, &api(status), None, 1, None).is_none(), "{status}");
        }
        assert!(p.delay(Method::Delete, &limited, None, 1, None).is_some());
        assert!(p.delay(Method::Patch, &limited, None, 1, None).is_none());
        // A POST whose outcome is unknown is never repeated; one that was not sent may be.
        assert!(p.delay(Method::Post, &transport_timeout(Outcome::Unknown), None, 1, None).is_none());
        assert!(p.delay(Method::Put, &transport_timeout(Outcome::Unknown), None, 1, None).is_some());
        let not_sent = Error::Timeout {
            operation: "x",
            kind: TimeoutKind::Connect,
            after: Duration::from_secs(1),
            outcome: Outcome::NotSent,
            method: Method::Post,
        };
        assert!(p.delay(Method::Post, &not_sent, None, 1, None).is_some());
        // Attempts, Retry-After and the deadline bound it.
        assert!(p.delay(Method::Get, &api(503), None, 3, None).is_none(), "3 attempts made");
        assert_eq!(p.delay(Method::Get, &limited, Some(Duration::from_secs(2)), 1, None), Some(Duration::from_secs(2)));
        assert!(p.delay(Method::Get, &limited, Some(Duration::from_secs(61)), 1, None).is_none(), "over the cap");
        let soon = Instant::now() + Duration::from_millis(500);
        assert!(p.delay(Method::Get, &limited, Some(Duration::from_secs(1)), 1, Some(soon)).is_none(), "past the deadline");
        // Local mistakes are not retried.
        assert!(p.delay(Method::Get, &Error::InvalidInput { operation: "x", message: String::new() }, None, 1, None).is_none());
        assert!(RetryPolicy::none().delay(Method::Get, &api(503), None, 1, None).is_none());
    }
}
