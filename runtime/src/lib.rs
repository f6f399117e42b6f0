//! The hand-written runtime under the generated Directus client.
//!
//! Generated code describes each operation as a static [`Operation`] and fills a [`Request`];
//! everything else (routes per server version, auth and token refresh, query encoding, error
//! decoding, streaming) happens here, once.

mod auth;
mod call;
mod client;
mod composite;
mod error;
mod item;
mod key;
mod mask;
mod value_enum;
mod operation;
mod paging;
mod progress;
mod query;
mod record;
mod request;
mod response;
mod secret;
mod transport;
mod tus;
mod upload;
mod version;

#[cfg(feature = "cli")]
pub mod cli;

pub use auth::SessionTokens;
pub use call::{Call, CallFuture, ListCall};
pub use composite::{primary_key, upsert_target};
pub use client::{set_observer, Attempt, Client, ClientBuilder, Hook, Observer, SessionObserver, DEFAULT_MAX_CONCURRENCY};
pub use item::{all_of, any_of, FieldName, Item, Singleton};
pub use key::{keys, Key};
pub use error::{ApiError, Error, ErrorClass, ErrorCode, Outcome, Result, TimeoutKind};
pub use operation::{Auth, Method, Operation, SessionChange, CUSTOM_ID, CUSTOM_TEMPLATES};
pub use paging::{ItemStream, DEFAULT_PAGE_SIZE};
pub use query::QueryValue;
pub use record::{integer, integers, nullable, or_false, BigInt, Decimal, Geometry, ParseDecimalError, Related};
pub use request::Request;
pub use response::{Download, ListMeta, Page, ReplyHead, Response};
pub use secret::Secret;
pub use tus::{resumable_upload, Uploaded};
pub use upload::Upload;
pub use transport::{CallSettings, RetryPolicy, DEFAULT_MAX_REPLY_SIZE, MAX_ERROR_BODY};
pub use version::{ParseVersionError, Route, Version};

/// An item key as it goes into a path: strings as they are, numbers as digits.
pub fn key_text(key: &serde_json::Value) -> String {
    match key {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Re-exported so generated crates need no direct dependency on them.
pub use serde;
pub use serde_json;
/// The HTTP client underneath: [`ClientBuilder::http_client_builder`] takes its builder, and
/// [`Error::Transport`] carries its error, so a user names the same version this crate uses.
pub use reqwest;

/// This runtime's version. The generator writes it into generated crates' dependency on the
/// runtime, so a published crate asks for the runtime it was generated against.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The `Stream` trait [`ItemStream`] implements, for `futures::StreamExt` and the like.
pub use futures_util::Stream;
