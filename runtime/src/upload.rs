//! What an upload sends: a file on disk, bytes in memory, or a reader, with the file name and
//! content type Directus stores. Every kind is streamed in 64 KiB pieces (see `progress.rs`).

use crate::client::{check_upload_name, regular_file};
use crate::error::{Error, Result};
use crate::operation::Operation;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::io::AsyncRead;

type Reader = Box<dyn AsyncRead + Send + Unpin>;

#[derive(Clone)]
pub(crate) enum Source {
    Path(PathBuf),
    Bytes(bytes::Bytes),
    /// Taken when the request is sent: a reader can be read once.
    Reader(Arc<Mutex<Option<Reader>>>, Option<u64>),
}

/// The file of an upload: `Upload::from("report.pdf")` (a path; `&str`, `&Path` and `PathBuf` convert
/// by themselves), [`Upload::bytes`] or [`Upload::reader`]. The file name and the content type
/// Directus stores come from the path or the name given, and can be set with
/// [`Upload::file_name`] and [`Upload::content_type`]; the type is guessed from the name's
/// extension otherwise (`application/octet-stream` when unknown).
///
/// ```no_run
/// # async fn f(client: directus_runtime::Client, req: directus_runtime::Request) {
/// use directus_runtime::Upload;
/// let from_disk = Upload::from("photos/cat.jpg");
/// let in_memory = Upload::bytes("notes.txt", "hello").content_type("text/plain; charset=utf-8");
/// let streamed = Upload::reader("dump.csv", tokio::io::empty(), None);
/// # let _ = (from_disk, in_memory, streamed); }
/// ```
#[derive(Clone)]
pub struct Upload {
    pub(crate) source: Source,
    pub(crate) name: Option<String>,
    pub(crate) content_type: Option<String>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The content is never shown; a described request (`--dry-run`) says what it is.
        write!(f, "Upload({})", self.describe())
    }
}

impl Upload {
    /// The file at `path`, read as it is sent.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self { source: Source::Path(path.into()), name: None, content_type: None }
    }

    /// `data`, stored under the file name `name`.
    pub fn bytes(name: impl Into<String>, data: impl Into<bytes::Bytes>) -> Self {
        Self { source: Source::Bytes(data.into()), name: Some(name.into()), content_type: None }
    }

    /// What `reader` yields, stored under the file name `name`; `length` when known (progress
    /// and the request's size). A reader can be sent once: a call that needs to send it again
    /// (a retry) fails with [`crate::Error::InvalidInput`].
    pub fn reader(name: impl Into<String>, reader: impl AsyncRead + Send + Unpin + 'static, length: Option<u64>) -> Self {
        Self { source: Source::Reader(Arc::new(Mutex::new(Some(Box::new(reader)))), length), name: Some(name.into()), content_type: None }
    }

    /// The file name Directus stores (`filename_download`), instead of the path's or the one given.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The content type (e.g. `image/png`), instead of the one guessed from the name.
    pub fn content_type(mut self, mime: impl Into<String>) -> Self {
        self.content_type = Some(mime.into());
        self
    }

    /// The name it is sent under, when it is known before reading the file system.
    pub(crate) fn given_name(&self) -> Option<String> {
        self.name.clone().or_else(|| match &self.source {
            Source::Path(p) => p.file_name().map(|n| n.to_string_lossy().into_owned()),
            _ => None,
        })
    }

    /// What is sent, for `--dry-run` and `Debug`: never the content.
    pub(crate) fn describe(&self) -> String {
        match &self.source {
            Source::Path(p) => format!("the file {}", p.display()),
            Source::Bytes(b) => format!("{} bytes named {:?}", b.len(), self.name.as_deref().unwrap_or_default()),
            Source::Reader(_, len) => match len {
                Some(n) => format!("a stream of {n} bytes named {:?}", self.name.as_deref().unwrap_or_default()),
                None => format!("a stream named {:?}", self.name.as_deref().unwrap_or_default()),
            },
        }
    }
}

/// An upload's source, opened for sending.
pub(crate) struct Opened {
    pub(crate) reader: Reader,
    /// The length, when known before reading (a file's, the bytes', a reader's as given).
    pub(crate) len: Option<u64>,
    pub(crate) filename: String,
    pub(crate) mime: String,
}

impl Upload {
    /// Opens the source, checking first what would otherwise fail half-way: a path that is not a
    /// regular file, a reader already sent, a file name that cannot go in a header.
    pub(crate) async fn open(&self, op: &Operation) -> Result<Opened> {
        let (reader, len, filename): (Reader, Option<u64>, String) = match &self.source {
            Source::Path(path) => {
                let io = |source| Error::Io { operation: op.id, path: path.to_owned(), source };
                // Looked at before opening: opening a FIFO would wait for a writer, and a
                // directory opens fine on Linux and fails only once the upload is under way.
                let meta = tokio::fs::metadata(&path).await.map_err(io)?;
                regular_file(op, path, &meta)?;
                let file = tokio::fs::File::open(&path).await.map_err(io)?;
                let meta = file.metadata().await.map_err(io)?;
                // Again on what was opened, in case the path was replaced in between.
                regular_file(op, path, &meta)?;
                (Box::new(file), Some(meta.len()), self.given_name().unwrap_or_else(|| "file".into()))
            }
            Source::Bytes(bytes) => (Box::new(std::io::Cursor::new(bytes.clone())), Some(bytes.len() as u64), self.given_name().unwrap_or_default()),
            Source::Reader(slot, len) => {
                let taken = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
                let reader = taken.ok_or_else(|| Error::InvalidInput {
                    operation: op.id,
                    message: "the upload's reader was sent already and cannot be read again; give a path or bytes for a call that may be repeated".into(),
                })?;
                (reader, *len, self.given_name().unwrap_or_default())
            }
        };
        check_upload_name(op, &filename, &self.describe())?;
        // The registry of file extensions that browsers use (mime_guess, already under reqwest).
        let mime = match &self.content_type {
            Some(m) => m.clone(),
            None => mime_guess::from_path(&filename).first_or_octet_stream().essence_str().to_owned(),
        };
        Ok(Opened { reader, len, filename, mime })
    }
}

impl From<&str> for Upload {
    fn from(path: &str) -> Self {
        Upload::path(path)
    }
}

impl From<String> for Upload {
    fn from(path: String) -> Self {
        Upload::path(path)
    }
}

impl From<&std::path::Path> for Upload {
    fn from(path: &std::path::Path) -> Self {
        Upload::path(path)
    }
}

impl From<PathBuf> for Upload {
    fn from(path: PathBuf) -> Self {
        Upload::path(path)
    }
}

impl From<&PathBuf> for Upload {
    fn from(path: &PathBuf) -> Self {
        Upload::path(path.clone())
    }
}
