//! Resumable uploads over the tus protocol (1.0.0), which Directus serves at `/files/tus` when
//! `TUS_ENABLED` is on: a `POST` announces the file (its size, and its metadata as the file
//! record's fields), `PATCH`es send it chunk by chunk at a byte offset, and a `HEAD` tells how much
//! the server has. A chunk that fails (the connection drops, the server restarts) is not lost
//! work: the client asks the server how far it got and goes on from there, so a large upload
//! survives a broken network. Only the chunk in flight is held in memory.
//!
//! Hand-written rather than a tus crate: the protocol is three requests, and they go through the
//! client's own transport (auth and refresh, timeouts, limits, hooks, tracing), which a
//! separate HTTP stack would bypass.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::{Method, Operation};
use crate::request::{Body, Part, Request};
use crate::version::Route;
use tokio::io::AsyncReadExt;

/// The header every tus request carries, and the protocol version the client speaks.
pub const VERSION_HEADER: &str = "Tus-Resumable";
pub const VERSION: &str = "1.0.0";
/// The content type of a chunk.
pub(crate) const CHUNK_TYPE: &str = "application/offset+octet-stream";
/// Bytes per chunk unless [`crate::CallSettings::upload_chunk_size`] says otherwise.
pub const DEFAULT_CHUNK_SIZE: usize = 8 << 20;

/// A finished resumable upload.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Uploaded {
    /// The file's key in `directus_files`: read its record with the files resource's `get`.
    pub file_id: String,
    /// The tus upload's id (what resuming and cancelling take).
    pub upload_id: String,
    /// The file's size in bytes.
    pub size: u64,
}

/// Sends a resumable upload described by `req`, a request of an operation with the spec's
/// `protocol: tus`: a `POST` (a new upload: the multipart body's text fields become the file
/// record's fields, its file part is the content) or a `PATCH` with the path parameter `id` (an
/// upload started earlier, resumed from where the server has it, with the same file).
///
/// A chunk that fails with a network error, a timeout, a 5xx, a 409 (offset mismatch) or a 423
/// (the upload is still locked by a broken request) is sent again from the offset the server
/// reports, up to the client's [`crate::RetryPolicy`] attempts in a row; anything else, or too
/// many failures, ends with [`Error::ResumableInterrupted`], which carries the upload id.
pub async fn resumable_upload(client: &Client, req: Request) -> Result<Uploaded> {
    let op = req.op;
    if let Some(message) = req.invalid {
        return Err(Error::InvalidInput { operation: op.id, message });
    }
    let mut metadata = Vec::new();
    let mut file = None;
    if let Body::Multipart(parts) = req.body {
        for part in parts {
            match part {
                Part::Text(name, value) => metadata.push((name, value)),
                Part::File(_, upload) => file = Some(upload),
            }
        }
    }
    let upload = file.ok_or_else(|| Error::InvalidInput { operation: op.id, message: "a resumable upload needs a file".into() })?;
    let opened = upload.open(op).await?;
    let size = opened.len.ok_or_else(|| Error::InvalidInput {
        operation: op.id,
        message: "a resumable upload announces the file's size first; give the reader's length (`Upload::reader(name, reader, Some(length))`)".into(),
    })?;
    let mut source = opened.reader;
    let settings = client.call_settings().clone();
    let (upload_id, offset) = if op.method == Method::Post {
        metadata.push(("filename_download", opened.filename.clone()));
        metadata.push(("type", opened.mime.clone()));
        create(client, op, &req.path_params, size, &metadata).await?
    } else {
        let id = req.path_params.iter().find(|(n, _)| *n == "id").map(|(_, v)| v.clone()).unwrap_or_default();
        let (offset, length) = head(client, op, &id).await?;
        if length.is_some_and(|l| l != size) {
            return Err(Error::InvalidInput {
                operation: op.id,
                message: format!(
                    "the upload {id} was started with {} bytes and this file has {size}: resume it with the same file",
                    length.unwrap_or_default()
                ),
            });
        }
        skip(op, &mut source, offset).await?;
        (id, offset)
    };
    let mut sender = Sender { client, op, upload_id, size, chunk: settings.upload_chunk_size.max(1), retry: settings.retry };
    sender.send_from(&mut source, offset).await
}

struct Sender<'a> {
    client: &'a Client,
    op: &'static Operation,
    upload_id: String,
    size: u64,
    chunk: usize,
    retry: crate::RetryPolicy,
}

impl Sender<'_> {
    /// Sends the file from `offset` (where the server has it) to its end.
    async fn send_from(&mut self, source: &mut (dyn tokio::io::AsyncRead + Send + Unpin), mut offset: u64) -> Result<Uploaded> {
        let op = self.op;
        let write = sibling(op, Method::Patch);
        // The bytes from `offset` the server has not confirmed yet (at most one chunk).
        let mut pending = bytes::Bytes::new();
        let mut failures = 0;
        loop {
            if pending.is_empty() && offset < self.size {
                pending = read_chunk(op, source, self.chunk.min((self.size - offset) as usize)).await?;
            }
            let mut req = Request::new(write).path("id", &self.upload_id);
            req.headers.push(("Upload-Offset", offset.to_string()));
            req.body = Body::Chunk(pending.clone());
            let sent = self.client.execute(req).await;
            let failure = match sent {
                Ok(reply) => match confirmed(op, &reply, offset, pending.len()) {
                    Ok(now) => {
                        pending = pending.slice((now - offset) as usize..);
                        offset = now;
                        failures = 0;
                        if offset == self.size {
                            return self.finished(&reply);
                        }
                        continue;
                    }
                    Err(e) => e,
                },
                Err(e) => e,
            };
            failures += 1;
            if !worth_resuming(&failure) || failures >= self.retry.max_attempts {
                return Err(self.interrupted(offset, failure));
            }
            tokio::time::sleep(self.retry.backoff(failures)).await;
            // Where the server got to; it may have written part of the chunk before it broke.
            match head(self.client, op, &self.upload_id).await {
                Ok((at, _)) if at >= offset && at <= offset + pending.len() as u64 => {
                    pending = pending.slice((at - offset) as usize..);
                    offset = at;
                }
                Ok((at, _)) => {
                    let why = format!("the server reports offset {at} for an upload the client had sent {offset} bytes of");
                    return Err(self.interrupted(offset, Error::decode(op.id, 200, why, b"")));
                }
                // Counted at the next failure, if the chunk fails again.
                Err(_) => {}
            }
        }
    }

    fn finished(&self, reply: &crate::Response) -> Result<Uploaded> {
        let file_id = reply.header("Directus-File-Id").map(str::to_owned).ok_or_else(|| {
            Error::decode(self.op.id, reply.status(), "the last chunk's reply has no Directus-File-Id header", b"")
        })?;
        Ok(Uploaded { file_id, upload_id: self.upload_id.clone(), size: self.size })
    }

    fn interrupted(&self, offset: u64, source: Error) -> Error {
        Error::ResumableInterrupted { operation: self.op.id, upload_id: self.upload_id.clone(), offset, size: self.size, source: Box::new(source) }
    }
}

/// Announces the upload: `Upload-Length` and `Upload-Metadata` (each field's value in base64).
/// Returns the upload's id, from the reply's `Location`, and offset 0.
async fn create(client: &Client, op: &'static Operation, path: &[(&'static str, String)], size: u64, metadata: &[(&str, String)]) -> Result<(String, u64)> {
    use base64::Engine;
    let mut req = Request::new(op);
    req.path_params = path.to_vec();
    req.headers.push(("Upload-Length", size.to_string()));
    let encoded: Vec<String> = metadata.iter().map(|(k, v)| format!("{k} {}", base64::engine::general_purpose::STANDARD.encode(v))).collect();
    req.headers.push(("Upload-Metadata", encoded.join(",")));
    let reply = client.execute(req).await?;
    let status = reply.status();
    let location = reply.header("Location").unwrap_or_default();
    let id = upload_id(location).ok_or_else(|| {
        Error::decode(op.id, status, format!("expected the new upload's address in Location, got {:?}", location.escape_debug().to_string()), b"")
    })?;
    Ok((id.to_owned(), 0))
}

/// The id at the end of a `Location`, if it is a plain token. Only the id is taken: every
/// request goes to the client's own server, whatever host the Location names.
fn upload_id(location: &str) -> Option<&str> {
    let id = location.rsplit('/').next()?;
    let plain = !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    plain.then_some(id)
}

/// `HEAD` of an upload: how many bytes the server has, and the length announced.
async fn head(client: &Client, op: &'static Operation, id: &str) -> Result<(u64, Option<u64>)> {
    let reply = client.execute(Request::new(sibling(op, Method::Head)).path("id", id)).await?;
    let offset = number(&reply, "Upload-Offset")
        .ok_or_else(|| Error::decode(op.id, reply.status(), "the upload's HEAD reply has no Upload-Offset", b""))?;
    Ok((offset, number(&reply, "Upload-Length")))
}

/// A tus header holding a byte count (`Upload-Offset`, `Upload-Length`).
fn number(reply: &crate::Response, name: &str) -> Option<u64> {
    reply.header(name).and_then(|v| v.trim().parse().ok())
}

/// The offset the server confirms after a chunk of `len` bytes sent at `offset`.
fn confirmed(op: &'static Operation, reply: &crate::Response, offset: u64, len: usize) -> Result<u64> {
    let now = number(reply, "Upload-Offset");
    match now {
        Some(now) if now > offset && now <= offset + len as u64 => Ok(now),
        // An empty chunk (an empty file) moves nothing.
        Some(now) if now == offset && len == 0 => Ok(now),
        _ => Err(Error::decode(op.id, reply.status(), format!("a chunk of {len} bytes at offset {offset} was answered with Upload-Offset {now:?}"), b"")),
    }
}

/// Failures after which the same chunk may go again from the server's offset.
fn worth_resuming(e: &Error) -> bool {
    match e {
        Error::Transport { .. } | Error::Timeout { .. } | Error::RateLimited { .. } => true,
        // 409: the offset does not match (the server got part of a chunk); 423: a broken request
        // still holds the upload's lock, released when the server notices.
        Error::Api { status, .. } | Error::Decode { status, .. } => matches!(status, 409 | 423 | 500..=504),
        _ => false,
    }
}

async fn read_chunk(op: &'static Operation, source: &mut (dyn tokio::io::AsyncRead + Send + Unpin), len: usize) -> Result<bytes::Bytes> {
    let mut buf = vec![0; len];
    let mut filled = 0;
    while filled < len {
        let n = source.read(&mut buf[filled..]).await.map_err(|e| io(op, e))?;
        if n == 0 {
            return Err(io(op, std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the file ended before the size announced; did it change while uploading?")));
        }
        filled += n;
    }
    Ok(buf.into())
}

/// Reads past the first `offset` bytes, which the server has.
async fn skip(op: &'static Operation, source: &mut (dyn tokio::io::AsyncRead + Send + Unpin), offset: u64) -> Result<()> {
    let copied = tokio::io::copy(&mut (&mut *source).take(offset), &mut tokio::io::sink()).await.map_err(|e| io(op, e))?;
    if copied < offset {
        return Err(io(op, std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the file is shorter than what the server already has")));
    }
    Ok(())
}

fn io(op: &'static Operation, source: std::io::Error) -> Error {
    Error::Io { operation: op.id, path: "the upload".into(), source }
}

/// The descriptor of the same upload's other requests: an upload's `PATCH` and `HEAD` go to its
/// own address, the creating route plus `/{id}`. Made once per operation and method, and kept,
/// like generated descriptors: everything but the method and route is the operation's.
fn sibling(op: &'static Operation, method: Method) -> &'static Operation {
    if op.method == method {
        return op;
    }
    static MADE: crate::operation::Interned<(usize, Method)> = crate::operation::Interned::new();
    MADE.get((op as *const Operation as usize, method), || {
        let routes: Vec<Route> = op
            .routes
            .iter()
            .map(|r| {
                let path: &'static str = if op.method == Method::Post { Box::leak(format!("{}/{{id}}", r.path).into_boxed_str()) } else { r.path };
                Route { path, ..*r }
            })
            .collect();
        Operation { method, routes: Box::leak(routes.into_boxed_slice()), ..*op }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_id_is_taken_from_a_location() {
        assert_eq!(upload_id("http://127.0.0.1:8055/files/tus/0a1b2c"), Some("0a1b2c"));
        assert_eq!(upload_id("/files/tus/abc_DEF-1"), Some("abc_DEF-1"));
        for bad in ["", "/files/tus/", "/files/tus/abc/", "http://x/files/tus/a%2Fb", "http://x/files/tus/..", "http://x/y?z=1"] {
            assert_eq!(upload_id(bad), None, "{bad}");
        }
    }
}
