//! Reading replies: the `data` envelope, empty replies, text, downloads and redirects.

use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::transport::{Body, ReadLimits};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::Path;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::OwnedSemaphorePermit;

/// A successful reply, not yet read. It keeps its place among the client's requests in flight
/// until it is read or dropped.
pub struct Response {
    op: &'static Operation,
    inner: reqwest::Response,
    limits: ReadLimits,
    max_size: u64,
    _permit: OwnedSemaphorePermit,
    /// The client that logs in with the tokens in this reply, when its operation starts a session.
    pub(crate) starts_session: Option<crate::Client>,
}

#[derive(Deserialize)]
struct DataEnvelope<T> {
    data: T,
    #[serde(default)]
    meta: Option<serde_json::Value>,
}

/// A list reply with the `meta` Directus adds when the query asks for it (the `meta` query
/// parameter: `total_count`, `filter_count` or `*`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Page<T> {
    pub data: Vec<T>,
    /// Absent when the query did not ask for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<ListMeta>,
}

/// The counts Directus can report about a list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ListMeta {
    /// Items in the collection, whatever the filter.
    #[serde(default, deserialize_with = "count", skip_serializing_if = "Option::is_none")]
    pub total_count: Option<u64>,
    /// Items that match the filter (and search), before `limit` and `offset`.
    #[serde(default, deserialize_with = "count", skip_serializing_if = "Option::is_none")]
    pub filter_count: Option<u64>,
}

/// A count as a number or, as some databases hand counts to Directus, a string of digits.
fn count<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<u64>, D::Error> {
    crate::record::number_or_digits(d, "a count")
}

/// The head of a reply: its status line and headers, with every secret masked. What a
/// [`crate::Attempt`] shows of a reply, and what the CLI's `-i/--include` prints (as `curl -i` does,
/// on stderr).
///
/// Masked: the values of `Set-Cookie` (the cookie's name and attributes stay), of headers named
/// like a credential (`…token…`, `…secret…`, `…password…`, `…session…`, `cookie`,
/// `authorization`, `…api-key…`, `…credential…`, `…signature…`), and anything shaped like a JWT
/// in any other value. The request's headers, such as `Authorization`, are never part of it.
#[derive(Clone, Copy)]
pub struct ReplyHead<'a> {
    version: reqwest::Version,
    status: reqwest::StatusCode,
    headers: &'a reqwest::header::HeaderMap,
}

impl<'a> ReplyHead<'a> {
    pub(crate) fn of(reply: &'a reqwest::Response) -> Self {
        Self { version: reply.version(), status: reply.status(), headers: reply.headers() }
    }

    /// `HTTP/1.1 200 OK`.
    pub fn status_line(&self) -> String {
        let reason = self.status.canonical_reason().map(|r| format!(" {r}")).unwrap_or_default();
        format!("{:?} {}{reason}", self.version, self.status.as_u16())
    }

    /// The headers in the order the server sent them, names in lower case, values masked and
    /// with control characters escaped.
    pub fn headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(name, value)| {
                let text = String::from_utf8_lossy(value.as_bytes());
                let masked = crate::mask::header(name.as_str(), &text);
                (name.as_str().to_owned(), crate::error::escape_controls(&masked).into_owned())
            })
            .collect()
    }
}

/// The status line, then one `name: value` line per header, as `curl -i` shows them.
impl std::fmt::Display for ReplyHead<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}", self.status_line())?;
        for (name, value) in self.headers() {
            writeln!(f, "{name}: {value}")?;
        }
        Ok(())
    }
}

/// The status and the header names only.
impl std::fmt::Debug for ReplyHead<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(|k| k.as_str()).collect();
        f.debug_struct("ReplyHead").field("status", &self.status.as_u16()).field("headers", &names).finish()
    }
}

impl Response {
    pub(crate) fn new(
        op: &'static Operation,
        inner: reqwest::Response,
        limits: ReadLimits,
        max_size: u64,
        permit: OwnedSemaphorePermit,
    ) -> Self {
        Self { op, inner, limits, max_size, _permit: permit, starts_session: None }
    }

    pub fn status(&self) -> u16 {
        self.inner.status().as_u16()
    }

    /// A header of the reply, when it is there and text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.inner.headers().get(name).and_then(|v| v.to_str().ok())
    }

    /// The whole body, within the size limit, the idle timeout and the call's deadline.
    async fn body(mut self) -> Result<(u16, Body)> {
        let status = self.status();
        let body = self.limits.body(&mut self.inner, self.max_size).await?;
        Ok((status, body))
    }

    /// Decodes `{"data": …}` and returns what is inside.
    pub async fn data<T: DeserializeOwned>(self) -> Result<T> {
        self.envelope::<DataEnvelope<T>>().await.map(|env| env.data)
    }

    /// Decodes `{"data": …, "meta": …}`; `meta` is there when the query asked for it.
    pub async fn data_and_meta<T: DeserializeOwned>(self) -> Result<(T, Option<serde_json::Value>)> {
        self.envelope::<DataEnvelope<T>>().await.map(|env| (env.data, env.meta))
    }

    /// Decodes a list reply with its `meta`.
    pub async fn page<T: DeserializeOwned>(self) -> Result<Page<T>> {
        self.envelope().await
    }

    async fn envelope<E: DeserializeOwned>(mut self) -> Result<E> {
        let op = self.op.id;
        let starts_session = self.starts_session.take();
        let (status, body) = self.body().await?;
        if body.is_empty() {
            // Some operations answer 204 when there is nothing to say (`schema.diff` with no
            // difference): a caller reading an `Option` gets `None`, any other type an error.
            if let (204, Ok(env)) = (status, serde_json::from_slice::<E>(br#"{"data":null}"#)) {
                return Ok(env);
            }
            return Err(Error::decode(op, status, "expected JSON with a `data` field, got an empty body (read it as an `Option` to accept no reply)", b""));
        }
        // The CLI prints the whole reply of some operations (`cli::whole_envelope`); only then
        // is the body copied.
        #[cfg(feature = "cli")]
        if crate::cli::envelope_wanted() {
            crate::cli::offer_envelope(&body.head(usize::MAX));
        }
        let Some(client) = starts_session else { return decode(op, status, body, shape_or_syntax) };
        // A login: the tokens are read from the same body, so it is kept whole (it is small).
        let body = body.into_vec();
        let env = serde_json::from_slice::<E>(&body).map_err(|e| Error::decode(op, status, shape_or_syntax(&e), &body))?;
        client.start_session_from(op, status, &body).await?;
        Ok(env)
    }

    /// Decodes a reply that is JSON without the `data` envelope (health, OpenAPI).
    pub async fn json<T: DeserializeOwned>(self) -> Result<T> {
        let op = self.op.id;
        let (status, body) = self.body().await?;
        if body.is_empty() && status == 204 {
            if let Ok(none) = serde_json::from_slice::<T>(b"null") {
                return Ok(none);
            }
        }
        decode(op, status, body, |e| format!("expected JSON ({e})"))
    }

    /// For operations that return nothing. Directus answers some with 204 and some with an empty
    /// (or ignorable) 200, so any success is accepted and the body dropped.
    pub async fn empty(self) -> Result<()> {
        self.body().await.map(|_| ())
    }

    pub async fn text(self) -> Result<String> {
        let op = self.op.id;
        let (status, body) = self.body().await?;
        String::from_utf8(body.into_vec()).map_err(|e| Error::decode(op, status, "the reply is not UTF-8 text", e.as_bytes()))
    }

    /// The `Location` of a redirect reply, without following it.
    pub fn redirect_location(self) -> Result<String> {
        let status = self.status();
        let location = self.inner.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok());
        match location {
            Some(l) if (300..400).contains(&status) => Ok(l.to_owned()),
            _ => Err(Error::decode(self.op.id, status, "expected a redirect with a Location header", b"")),
        }
    }

    /// A binary reply, to be streamed.
    pub fn download(self) -> Download {
        let header = |name: reqwest::header::HeaderName| {
            self.inner.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
        };
        let filename = header(reqwest::header::CONTENT_DISPOSITION).as_deref().and_then(filename_from_disposition);
        let content_type = header(reqwest::header::CONTENT_TYPE);
        // Streamed: no total cap, only the idle timeout between pieces.
        let limits = ReadLimits { deadline: None, ..self.limits };
        Download { op: self.op, inner: Box::new(self.inner), limits, filename, content_type, _permit: self._permit }
    }
}

/// A file coming from the server, read piece by piece so memory stays flat whatever its size.
/// Each piece must come within the client's idle timeout; the whole has no time limit.
pub struct Download {
    op: &'static Operation,
    /// Boxed: a `Download` travels in the CLI's output by value.
    inner: Box<reqwest::Response>,
    limits: ReadLimits,
    filename: Option<String>,
    content_type: Option<String>,
    _permit: OwnedSemaphorePermit,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("operation", &self.op.id)
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("content_length", &self.inner.content_length())
            .finish()
    }
}

impl Download {
    /// The file name from `Content-Disposition`, when the server sent one.
    pub fn filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    pub fn content_length(&self) -> Option<u64> {
        self.inner.content_length()
    }

    /// The next piece of the body; `None` at the end.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>> {
        let chunk = self.limits.chunk(&mut self.inner).await?;
        Ok(chunk.map(|c| c.to_vec()))
    }

    /// The body as a [`futures_util::Stream`] of pieces, read as they are consumed (the idle timeout
    /// and the call's deadline apply); after an error it ends.
    pub fn into_stream(self) -> impl futures_util::Stream<Item = Result<bytes::Bytes>> + Send + Unpin {
        Box::pin(futures_util::stream::try_unfold(self, |mut d| async move {
            let chunk = d.limits.chunk(&mut d.inner).await?;
            Ok(chunk.map(|c| (c, d)))
        }))
    }

    /// The body as a [`tokio::io::AsyncRead`], e.g. for `tokio::io::copy` or a decoder; a failure
    /// is an `std::io::Error` whose inner error is the [`crate::Error`].
    pub fn into_reader(self) -> impl tokio::io::AsyncRead + Send + Unpin {
        use futures_util::TryStreamExt;
        tokio_util::io::StreamReader::new(self.into_stream().map_err(std::io::Error::other))
    }

    /// Streams the body into `out`; returns the number of bytes written.
    pub async fn write_to<W: AsyncWrite + Unpin>(mut self, out: &mut W) -> Result<u64> {
        let op = self.op.id;
        let io = |source| Error::Io { operation: op, path: "<output>".into(), source };
        let mut written = 0u64;
        while let Some(chunk) = self.limits.chunk(&mut self.inner).await? {
            out.write_all(&chunk).await.map_err(io)?;
            written += chunk.len() as u64;
        }
        out.flush().await.map_err(io)?;
        Ok(written)
    }

    /// Streams the body into `path`, replacing a file already there. It is written beside it
    /// first, under a fresh name no other process or link can claim, and renamed at the end, so a
    /// failed download never leaves a half-written file where a good one was, nor a partial file
    /// behind.
    pub async fn save(self, path: impl AsRef<Path>) -> Result<u64> {
        let path = path.as_ref();
        let op = self.op.id;
        let io = |p: &Path| {
            let p = p.to_path_buf();
            move |source| Error::Io { operation: op, path: p, source }
        };
        let refuse = |why: &str| io(path)(std::io::Error::new(std::io::ErrorKind::InvalidInput, why.to_owned()));
        // `..`, `/`, `dir/`: no file name to write, and the part file would land in a parent.
        let Some(name) = path.file_name().filter(|_| !path.as_os_str().to_string_lossy().ends_with(std::path::MAIN_SEPARATOR)) else {
            return Err(refuse("names a folder, not a file; give the file's name, e.g. folder/download.bin"));
        };
        if tokio::fs::metadata(path).await.is_ok_and(|m| m.is_dir()) {
            return Err(refuse("is a folder; give the file's name inside it, e.g. folder/download.bin"));
        }
        let (tmp, mut file) = part_file(path, &name.to_string_lossy()).await.map_err(io(path))?;
        let result = self.write_to(&mut file).await;
        drop(file);
        let result = match result {
            Ok(n) => tokio::fs::rename(&tmp, path).await.map(|()| n).map_err(io(path)),
            Err(e) => Err(e),
        };
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }

    /// The whole body in memory; for small files.
    pub async fn bytes(self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.write_to(&mut out).await?;
        Ok(out)
    }
}

/// A new file beside `path` to write a download into: `.NAME.RANDOM.part`, created only if no
/// file or link of that name exists, so a link planted under a predictable name cannot redirect
/// the write, and two downloads to one name do not share a part file.
async fn part_file(path: &Path, name: &str) -> std::io::Result<(std::path::PathBuf, tokio::fs::File)> {
    use std::hash::{BuildHasher, Hasher};
    let mut last = None;
    for attempt in 0u64..8 {
        // RandomState is seeded from the OS's randomness: no dependency needed for a name.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(attempt);
        h.write_u32(std::process::id());
        let tmp = path.with_file_name(format!(".{name}.{:016x}.part", h.finish()));
        match tokio::fs::OpenOptions::new().write(true).create_new(true).open(&tmp).await {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free name for the part file")))
}

/// The parameters of a header value such as `attachment; filename="a;b.txt"`, split on the `;`
/// that are not inside a quoted string (RFC 6266 / RFC 9110 quoting; a backslash escapes).
/// Hand-written: the grammar is these few lines, and it saves a dependency for one header.
fn header_params(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut escaped) = (false, false);
    for c in value.chars() {
        match c {
            _ if escaped => {
                cur.push(c);
                escaped = false;
            }
            '\\' if quoted => escaped = true,
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ';' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().map(|p| p.trim().to_owned()).collect()
}

/// Decodes JSON from a reply's body, without holding the body and its decoded value whole at
/// once when the body is large: a `limit: -1` list of 20,000 users (14 MB) peaked at the body plus
/// the list when the body was read into one buffer and decoded from it. A body of up to
/// [`crate::transport::SEGMENT`] is still decoded from its one buffer; a larger one is read buffer by buffer
/// (serde_json through a `BufReader`: 1.2 to 1.7 times slower to decode than from one slice, on
/// that list), each let go as soon as it has been read.
fn decode<T: DeserializeOwned>(op: &'static str, status: u16, body: Body, what: impl Fn(&serde_json::Error) -> String) -> Result<T> {
    if let Some(one) = body.as_one_piece() {
        return serde_json::from_slice(one).map_err(|e| Error::decode(op, status, what(&e), one));
    }
    // What an error quotes, kept before the buffers go: an excerpt is 200 characters at most.
    let head = body.head(1024);
    serde_json::from_reader(std::io::BufReader::new(body.into_reader())).map_err(|e| Error::decode(op, status, what(&e), &head))
}

/// Why a reply in the `data` envelope could not be decoded: JSON of another shape than the
/// operation's (a type or a missing field), or not JSON at all. Told from serde_json's own
/// error, so the body is not read a second time.
fn shape_or_syntax(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Data => format!("the JSON does not have the expected shape ({e})"),
        _ => format!("expected JSON, got something else ({e})"),
    }
}

fn filename_from_disposition(value: &str) -> Option<String> {
    let mut plain = None;
    for param in header_params(value) {
        let param = param.as_str();
        if let Some(v) = param.strip_prefix("filename*=") {
            // RFC 5987: charset'lang'percent-encoded
            let encoded = v.splitn(3, '\'').nth(2)?;
            return percent_encoding::percent_decode_str(encoded).decode_utf8().ok().map(|s| s.into_owned());
        }
        if let Some(v) = param.strip_prefix("filename=") {
            let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v);
            plain = Some(v.to_owned());
        }
    }
    plain
}

#[cfg(test)]
mod tests {
    #[test]
    fn list_meta_counts_are_numbers_or_digit_strings() {
        let page: super::Page<u8> = serde_json::from_str(r#"{"data":[1],"meta":{"total_count":"12","filter_count":3}}"#).unwrap();
        assert_eq!(page.meta, Some(super::ListMeta { total_count: Some(12), filter_count: Some(3) }));
        let page: super::Page<u8> = serde_json::from_str(r#"{"data":[]}"#).unwrap();
        assert_eq!(page.meta, None);
        assert!(serde_json::from_str::<super::Page<u8>>(r#"{"data":[],"meta":{"total_count":"many"}}"#).is_err());
    }

    use super::filename_from_disposition as f;

    #[test]
    fn content_disposition_filenames() {
        assert_eq!(f(r#"inline; filename="hello.txt""#).as_deref(), Some("hello.txt"));
        assert_eq!(f("attachment; filename*=UTF-8''na%C3%AFve.txt").as_deref(), Some("naïve.txt"));
        // A `;` inside a quoted name is part of it; an escaped quote is a quote.
        assert_eq!(f(r#"attachment; filename="a;b.txt""#).as_deref(), Some("a;b.txt"));
        assert_eq!(f(r#"attachment; filename="say \"hi\".txt"; size=3"#).as_deref(), Some(r#"say "hi".txt"#));
        assert_eq!(f("inline"), None);
    }
}
