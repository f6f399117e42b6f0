//! Reading a whole list page by page: a list call's `.stream()` and `.all()` build the list's
//! request once and hand it here, and this sends it again for each page with its own `limit` and
//! `offset`, holding one page in memory at a time.

use crate::client::Client;
use crate::error::Result;
use crate::request::Request;
use futures_util::Stream;
use serde::de::DeserializeOwned;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Items per page of a stream, by default (Directus's own default `limit` is also 100).
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// The items of a list, read page by page as they are consumed: a [`Stream`] of items, with
/// [`ItemStream::try_next`] and [`ItemStream::collect_all`] so no stream crate is needed.
///
/// Each page is one request with `limit` (the page size: `page_size` of [`crate::CallSettings`]) and
/// `offset`; the next page is asked for only when this one has been consumed, so memory holds one
/// page whatever the list's length. The query's own `limit` caps how many items come in all
/// (unset or -1: every item), its `offset` is where to start, and `page` must not be set. A page
/// shorter than asked for is the last one. After an error the stream ends.
///
/// Offset paging reads a consistent list only while it does not change: with writes going on,
/// sort by a field that only grows (e.g. the primary key) so items are neither skipped nor
/// repeated, or filter on such a field instead of paging.
pub struct ItemStream<T> {
    inner: Pin<Box<dyn Stream<Item = Result<T>> + Send>>,
}

impl<T> std::fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream").finish_non_exhaustive()
    }
}

struct State<T> {
    client: Client,
    /// The list's request without `limit`, `offset` and `page`.
    template: Request,
    page_size: u64,
    offset: u64,
    /// Items still wanted, when the query's `limit` capped them.
    remaining: Option<u64>,
    page: std::vec::IntoIter<T>,
    /// The last page has been read (or a request failed).
    done: bool,
}

impl<T: DeserializeOwned + Send + 'static> ItemStream<T> {
    /// The items `req` (a list request whose reply is `{"data": [...]}`) selects, page by page.
    pub fn new(client: &Client, mut req: Request) -> Self {
        let mut limit = None;
        let mut offset = 0u64;
        let mut query = Vec::with_capacity(req.query.len());
        for (name, value) in std::mem::take(&mut req.query) {
            match name.as_str() {
                "limit" => match value.parse::<i64>() {
                    Ok(-1) => limit = None,
                    Ok(n) if n >= 0 => limit = Some(n as u64),
                    _ => req.reject(format!("`limit` is {value}; a stream takes a count of items or -1 for all")),
                },
                "offset" => match value.parse::<u64>() {
                    Ok(n) => offset = n,
                    Err(_) => req.reject(format!("`offset` is {value}; it must be a count of items to skip")),
                },
                "page" => req.reject(
                    "`page` is set; a stream chooses its own pages: leave `page` out and use `offset` to start further on".into(),
                ),
                _ => query.push((name, value)),
            }
        }
        req.query = query;
        let state = State {
            client: client.clone(),
            template: req,
            page_size: u64::from(client.call_settings().page_size.max(1)),
            offset,
            remaining: limit,
            page: Vec::new().into_iter(),
            done: false,
        };
        let stream = futures_util::stream::unfold(state, |mut s| async move {
            loop {
                if let Some(item) = s.page.next() {
                    return Some((Ok(item), s));
                }
                if s.done {
                    return None;
                }
                let want = match s.remaining {
                    Some(0) => return None,
                    Some(left) => left.min(s.page_size),
                    None => s.page_size,
                };
                let req = s.template.clone().query("limit", &want).query("offset", &s.offset);
                let page = match s.client.execute(req).await {
                    Ok(reply) => reply.data::<Vec<T>>().await,
                    Err(e) => Err(e),
                };
                match page {
                    Ok(items) => {
                        let got = items.len() as u64;
                        s.offset += got;
                        s.remaining = s.remaining.map(|left| left.saturating_sub(got));
                        s.done = got < want;
                        s.page = items.into_iter();
                    }
                    Err(e) => {
                        s.done = true;
                        return Some((Err(e), s));
                    }
                }
            }
        });
        Self { inner: Box::pin(stream) }
    }

    /// The next item; `Ok(None)` at the end.
    pub async fn try_next(&mut self) -> Result<Option<T>> {
        std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx)).await.transpose()
    }

    /// Every item, in one `Vec`; the first error ends it.
    pub async fn collect_all(mut self) -> Result<Vec<T>> {
        let mut out = Vec::new();
        while let Some(item) = self.try_next().await? {
            out.push(item);
        }
        Ok(out)
    }
}

impl<T> Stream for ItemStream<T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}
