//! What composite operations (spec `composite:`) share: `upsert` finds the collection's primary
//! key, looks the item up by the caller's filter, then updates it or creates one.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::{Method, Operation};
use crate::request::Request;
use serde_json::Value;

/// The primary key field of `collection`: the field whose schema says `is_primary_key`, read with
/// `GET /fields/{collection}` (collections are keyed by `id`, `code`, a UUID… whatever their
/// creator chose).
pub async fn primary_key(client: &Client, collection: &str) -> Result<String> {
    let req = Request::custom(Method::Get, "/fields/{collection}").path("collection", collection);
    let fields: Vec<Value> = client.execute(req).await?.data().await?;
    fields
        .iter()
        .find(|f| f["schema"]["is_primary_key"] == Value::Bool(true))
        .and_then(|f| f["field"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| Error::InvalidInput {
            operation: "upsert",
            message: format!("collection `{collection}` has no primary key field (it may be a folder or a singleton); upsert needs one"),
        })
}

/// The key of the one item `found` (a lookup asked for at most two), or `None` when there is
/// none; two matches are an error, since updating one of them would be a guess.
pub fn upsert_target(op: &'static Operation, found: &[Value], key: &str) -> Result<Option<String>> {
    match found {
        [] => Ok(None),
        [one] => match one.get(key) {
            Some(k) if !k.is_null() => Ok(Some(crate::key_text(k))),
            _ => Err(Error::InvalidInput { operation: op.id, message: format!("the item found has no `{key}`, the key needed to update it") }),
        },
        _ => Err(Error::InvalidInput {
            operation: op.id,
            message: "the filter matches more than one item; an upsert updates exactly one: make the filter select a single item (e.g. by a unique field)".into(),
        }),
    }
}
