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
pub struct Page<T> {
    pub data: Vec<T>,
    /// Absent when the query did not ask for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<ListMeta>,
}

/// The counts Directus can report about a list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
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
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Count {
        Number(u64),
        Text(String),
    }
    match Option::<Count>::deserialize(d)? {
        None => Ok(None),
        Some(Count::Number(n)) => Ok(Some(n)),
        Some(Count::Text(t)) => t.parse().map(Some).map_err(|_| serde::de::Error::custom(format!("a count, got {t:?}"))),
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
            return Err(Error::decode(op, status, "expected JSON with a `data` field, got an empty body", b""));
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

    /// Streams the body into `path`. It is written beside it first and renamed at the end, so a
    /// failed download never leaves a half-written file where a good one was.
    pub async fn save(self, path: impl AsRef<Path>) -> Result<u64> {
        let path = path.as_ref();
        let op = self.op.id;
        let tmp = path.with_file_name(format!(
            ".{}.part",
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "download".into())
        ));
        let io = |p: &Path| {
            let p = p.to_path_buf();
            move |source| Error::Io { operation: op, path: p, source }
        };
        let mut file = tokio::fs::File::create(&tmp).await.map_err(io(&tmp))?;
        let result = self.write_to(&mut file).await;
        drop(file);
        match result {
            Ok(n) => {
                tokio::fs::rename(&tmp, path).await.map_err(io(path))?;
                Ok(n)
            }
            Err(e) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                Err(e)
            }
        }
    }

    /// The whole body in memory; for small files.
    pub async fn bytes(self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.write_to(&mut out).await?;
        Ok(out)
    }
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
    for param in value.split(';').map(str::trim) {
        if let Some(v) = param.strip_prefix("filename*=") {
            // RFC 5987: charset'lang'percent-encoded
            let encoded = v.splitn(3, '\'').nth(2)?;
            return percent_encoding::percent_decode_str(encoded).decode_utf8().ok().map(|s| s.into_owned());
        }
        if let Some(v) = param.strip_prefix("filename=") {
            plain = Some(v.trim_matches('"').to_owned());
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
        assert_eq!(f("inline"), None);
    }
}
