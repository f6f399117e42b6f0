//! A request ready to send, together with the type its reply is read into.
//!
//! Generated methods build the request and return a [`Call`] (or a [`ListCall`] for lists that
//! can be read page by page) typed with the spec's record type, e.g. `Call<User>`. Awaiting it
//! sends the request and decodes the reply; [`Call::decode`] reads the same reply into a type of
//! the caller's instead (a struct for a custom `fields=` selection, or `serde_json::Value`). One
//! method per operation serves both, so the generated code stays one short function each.

use crate::client::Client;
use crate::error::Result;
use crate::paging::ItemStream;
use crate::query::QueryValue;
use crate::request::Request;
use crate::response::Page;
use serde::de::DeserializeOwned;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;

/// The future `.await` runs for a [`Call`] or [`ListCall`].
pub type CallFuture<T> = Pin<Box<dyn Future<Output = Result<T>> + Send>>;

/// One request and the type `T` its JSON reply is read into. Nothing is sent until it is awaited
/// (or [`Call::send`] is called).
///
/// ```no_run
/// # async fn f(client: directus_runtime::Client, call: directus_runtime::Call<serde_json::Value>) -> directus_runtime::Result<()> {
/// let value = call.decode::<serde_json::Value>().await?;
/// # Ok(()) }
/// ```
#[must_use = "a call sends nothing until it is awaited"]
pub struct Call<T> {
    client: Client,
    request: Request,
    /// `{"data": …}` around the reply, or the JSON as it is.
    envelope: bool,
    reply: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call").field("operation", &self.request.op.id).field("reply", &std::any::type_name::<T>()).finish_non_exhaustive()
    }
}

impl<T> Call<T> {
    /// A call whose reply is `{"data": …}` with `T` inside.
    pub fn new(client: &Client, request: Request) -> Self {
        Self { client: client.clone(), request, envelope: true, reply: PhantomData }
    }

    /// A call whose reply is bare JSON (no `data` envelope).
    pub fn without_envelope(client: &Client, request: Request) -> Self {
        Self { envelope: false, ..Self::new(client, request) }
    }

    /// The same request, with its reply read into `U`: your own struct (for a custom `fields=`
    /// selection or a project's custom fields) or `serde_json::Value`.
    pub fn decode<U>(self) -> Call<U> {
        Call { client: self.client, request: self.request, envelope: self.envelope, reply: PhantomData }
    }

    /// The request as it will be sent, e.g. to inspect it in a test.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// Fills the path's `{name}` placeholder (encoded; `.` and `..` are refused when sent).
    pub fn path(mut self, name: &'static str, value: impl ToString) -> Self {
        self.request = self.request.path(name, value);
        self
    }

    /// Adds a query parameter, e.g. one the spec does not list.
    pub fn query(mut self, name: &str, value: &(impl QueryValue + ?Sized)) -> Self {
        self.request = self.request.query(name, value);
        self
    }

    /// The fields of the record(s) the reply holds (Directus's `fields`; dot notation reaches into
    /// relations, `*` is all). For creates and updates, whose reply is the saved record read back
    /// with the request's query (the spec's `reply_fields`); reads take `fields` in their `Query`.
    /// No fields: the server's default. Given on a read too, it replaces the `Query`'s `fields`
    /// rather than sending the parameter twice.
    pub fn fields<S: AsRef<str>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        let list: Vec<String> = fields.into_iter().map(|f| f.as_ref().to_owned()).collect();
        if !list.is_empty() {
            self.request.query.retain(|(name, _)| name != "fields");
            self.request = self.request.query("fields", list.as_slice());
        }
        self
    }

    /// Sends `body` as the JSON body.
    pub fn json(mut self, body: impl serde::Serialize) -> Self {
        self.request = self.request.json(body);
        self
    }

    /// The reply is the JSON as it is, without Directus's `{"data": …}` around it.
    pub fn bare(mut self) -> Self {
        self.envelope = false;
        self
    }
}

impl<T: DeserializeOwned + Send + 'static> Call<T> {
    /// Sends the request and reads the reply: the same as `.await`.
    pub async fn send(self) -> Result<T> {
        let response = self.client.execute(self.request).await?;
        if self.envelope {
            response.data().await
        } else {
            response.json().await
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for Call<T> {
    type Output = Result<T>;
    type IntoFuture = CallFuture<T>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A list that can also be read page by page. Awaiting it sends one request, as Directus answers
/// it (100 items unless the query sets `limit`); [`ListCall::all`] and [`ListCall::stream`] read
/// every item the query selects, one page at a time; [`ListCall::with_meta`] also returns the
/// `meta` the query asks for. [`ListCall::decode`] chooses the item type.
#[must_use = "a call sends nothing until it is awaited"]
pub struct ListCall<T> {
    call: Call<Vec<T>>,
}

impl<T> std::fmt::Debug for ListCall<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListCall").field("operation", &self.call.request.op.id).field("item", &std::any::type_name::<T>()).finish_non_exhaustive()
    }
}

impl<T> ListCall<T> {
    /// A list request whose reply is `{"data": [...]}`.
    pub fn new(client: &Client, request: Request) -> Self {
        Self { call: Call::new(client, request) }
    }

    /// The same list, with each item read into `U` (your own struct, or `serde_json::Value`).
    pub fn decode<U>(self) -> ListCall<U> {
        ListCall { call: self.call.decode() }
    }

    /// The same request, read with the `meta` Directus adds when the query asks for it (its
    /// `meta` parameter: `total_count`, `filter_count` or `*`).
    pub fn with_meta(self) -> Call<Page<T>> {
        // `Page` is the whole reply: `data` and `meta`.
        Call { envelope: false, ..self.call.decode() }
    }

    /// The request as it will be sent.
    pub fn request(&self) -> &Request {
        &self.call.request
    }
}

impl<T: DeserializeOwned + Send + 'static> ListCall<T> {
    /// Every item the query selects, page by page: one page of `limit` and `offset` at a time
    /// (`page_size` of [`crate::CallSettings`], 100 by default), asking for the next page only when
    /// this one has been consumed, so memory holds one page whatever the list's length. The query's
    /// `limit` caps how many items come in all (unset or -1: all of them), its `offset` is where to
    /// start, and its `page` must not be set. Sort by a field that only grows (e.g. the primary
    /// key) when the list may change meanwhile.
    pub fn stream(self) -> ItemStream<T> {
        ItemStream::new(&self.call.client, self.call.request)
    }

    /// [`ListCall::stream`], collected: every item the query selects, read page by page.
    pub async fn all(self) -> Result<Vec<T>> {
        self.stream().collect_all().await
    }

    /// Sends the request and reads one reply's items: the same as `.await`.
    pub async fn send(self) -> Result<Vec<T>> {
        self.call.send().await
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for ListCall<T> {
    type Output = Result<Vec<T>>;
    type IntoFuture = CallFuture<Vec<T>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.call.send())
    }
}
