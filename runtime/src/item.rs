//! What the models `generator models` writes from a project's schema implement, so typed access
//! (`client.collection::<Articles>()`) can be one generic layer over the items operations instead
//! of a copy of them per collection: the collection's name and its primary key's type.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A record of a user collection that holds many items.
pub trait Item: Serialize + DeserializeOwned + Send + 'static {
    /// The collection's name on the server (`/items/{collection}`).
    const COLLECTION: &'static str;
    /// The primary key field's name.
    const PRIMARY_KEY: &'static str;
    /// The primary key's type: `i64` for integer keys, `String` for UUIDs and strings.
    type Key: Clone + Into<crate::Key> + Serialize + DeserializeOwned + Send + 'static;
    /// The record's key, when the reply held it (a `fields=` selection may leave it out).
    fn key(&self) -> Option<&Self::Key>;
}

/// The one record of a singleton collection: read and updated at `/items/{collection}` without
/// a key, never listed.
pub trait Singleton: Serialize + DeserializeOwned + Send + 'static {
    /// The collection's name on the server.
    const COLLECTION: &'static str;
}
