//! An upload body read piece by piece (from disk, memory or a caller's reader): it tells the idle timeout that bytes move and,
//! for the CLI on a terminal, reports how far it got on stderr.

use crate::transport::Activity;
use std::io::Write;
use std::sync::Arc;
use tokio::io::AsyncReadExt;

const CHUNK: usize = 64 * 1024;

struct State {
    file: Box<dyn tokio::io::AsyncRead + Send + Unpin>,
    /// The name shown with the progress; none shows nothing.
    name: Option<String>,
    activity: Arc<Activity>,
    /// Unknown for a reader given without its length: progress shows bytes only.
    total: Option<u64>,
    sent: u64,
    shown: Option<u64>,
    done: bool,
}

impl State {
    fn show(&mut self) {
        self.activity.touch();
        if self.name.is_none() {
            return;
        }
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        // Shown again at each whole percent, or each whole MiB when the size is unknown.
        let step = match self.total {
            Some(total) => (self.sent * 100).checked_div(total).unwrap_or(100),
            None => self.sent >> 20,
        };
        if self.shown == Some(step) && !self.done {
            return;
        }
        self.shown = Some(step);
        let name = self.name.as_deref().unwrap_or_default();
        let mut err = std::io::stderr().lock();
        let _ = match self.total {
            Some(total) => write!(err, "\ruploading {}: {:.1} of {:.1} MiB ({step}%)", name, mib(self.sent), mib(total)),
            None => write!(err, "\ruploading {}: {:.1} MiB", name, mib(self.sent)),
        };
        if self.done {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }
}

/// What `file` yields as a streamed body, read in 64 KiB pieces: memory stays flat whatever its size.
pub(crate) fn body(file: Box<dyn tokio::io::AsyncRead + Send + Unpin>, total: Option<u64>, name: Option<String>, activity: Arc<Activity>) -> reqwest::Body {
    let state = State { file, name, activity, total, sent: 0, shown: None, done: false };
    let stream = futures_util::stream::unfold(state, |mut s| async move {
        if s.done {
            return None;
        }
        let mut buf = vec![0u8; CHUNK];
        match s.file.read(&mut buf).await {
            Ok(0) => {
                s.done = true;
                s.show();
                None
            }
            Ok(n) => {
                buf.truncate(n);
                s.sent += n as u64;
                s.show();
                Some((Ok(bytes::Bytes::from(buf)), s))
            }
            Err(e) => {
                s.done = true;
                Some((Err(e), s))
            }
        }
    });
    reqwest::Body::wrap_stream(stream)
}
