//! A request under construction: what a generated method fills in before the client sends it.

use crate::operation::Operation;
use crate::query::QueryValue;
use serde::Serialize;
use serde_json::Value;

#[derive(Clone)]
pub(crate) enum Body {
    None,
    Json(Value),
    Multipart(Vec<Part>),
    /// Part of a file, sent as it is (`application/offset+octet-stream`): a resumable upload's
    /// chunk (see `tus.rs`).
    Chunk(bytes::Bytes),
}

#[derive(Clone)]
pub(crate) enum Part {
    Text(&'static str, String),
    File(&'static str, crate::upload::Upload),
}

/// Built by generated code; sent with [`crate::Client::execute`].
#[derive(Clone)]
pub struct Request {
    pub(crate) op: &'static Operation,
    pub(crate) path_params: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Body,
    /// The first argument that could not be encoded; reported when the request is sent.
    pub(crate) invalid: Option<String>,
    /// Body fields that hold secrets, masked wherever the request is shown (`--dry-run`).
    pub(crate) secrets: Vec<String>,
    /// Protocol headers the runtime sets (a resumable upload's offsets); never secrets.
    pub(crate) headers: Vec<(&'static str, String)>,
    /// Query parameters that hold secrets (a server that reads a token only from the URL):
    /// masked wherever the URL is shown (`--dry-run`, errors that quote it).
    pub(crate) secret_query: Vec<String>,
}

impl Request {
    /// A request to a route the spec lacks; see [`crate::Client::custom`], which sends one. A
    /// template that would go somewhere other than it says (no leading `/`, a `.` or `..`
    /// segment, which URLs drop, a query or fragment, a control character) is refused when sent.
    pub fn custom(method: crate::Method, path: &str) -> Self {
        let Some(op) = crate::operation::custom(method, path) else {
            let mut req = Self::new(&crate::operation::CUSTOM_REFUSED);
            req.reject(format!(
                "this program has already used {} different custom route templates, and each is kept for the life of \
                 the process; write the values as {{placeholders}} and fill them with `.path(name, value)`, e.g. \
                 custom(Method::Get, \"/my-endpoint/{{id}}\").path(\"id\", id), instead of formatting them into the template",
                crate::operation::CUSTOM_TEMPLATES
            ));
            return req;
        };
        let mut req = Self::new(op);
        if let Some(why) = custom_path_problem(path) {
            req.reject(format!("the route `{}` {why}; write it as the path after the server's address, e.g. /schema/snapshot or /items/{{collection}}", path.escape_debug()));
        }
        req
    }

    pub fn new(op: &'static Operation) -> Self {
        Self { op, path_params: Vec::new(), query: Vec::new(), body: Body::None, invalid: None, secrets: Vec::new(), secret_query: Vec::new(), headers: Vec::new() }
    }

    pub fn operation(&self) -> &'static Operation {
        self.op
    }

    /// Fills `{name}` in the route; the value is percent-encoded when the path is built.
    pub fn path(mut self, name: &'static str, value: impl ToString) -> Self {
        self.path_params.push((name, value.to_string()));
        self
    }

    /// An item's key as a path parameter; a value that is no key (`null`, an object) fails the
    /// request before it is sent.
    pub fn key(mut self, name: &'static str, value: impl Into<crate::Key>) -> Self {
        let key = value.into();
        match key.problem() {
            Some(problem) => {
                self.reject(format!("path parameter `{name}`: {problem}"));
                self
            }
            None => self.path(name, key),
        }
    }

    /// A batch body that is a list of keys (`delete_many`). An empty list is refused unsent: a
    /// batch of nothing is a mistake upstream (an empty search result, a forgotten argument),
    /// and some servers would take it as "all".
    pub fn key_list_body<K: Into<crate::Key>>(self, keys: impl IntoIterator<Item = K>) -> Self {
        let keys = crate::keys(keys);
        if keys.is_empty() {
            return self.no_keys("the body");
        }
        self.json(keys)
    }

    /// A list of keys as a field of an object body (`{"keys": […], "data": …}`); empty is refused
    /// as in [`Request::key_list_body`].
    pub fn key_list_field<K: Into<crate::Key>>(self, name: &str, keys: impl IntoIterator<Item = K>) -> Self {
        let keys = crate::keys(keys);
        if keys.is_empty() {
            return self.no_keys(&format!("`{name}`"));
        }
        self.field(name, keys)
    }

    fn no_keys(mut self, what: &str) -> Self {
        self.reject(format!("{what} lists no keys; a batch needs at least one (nothing was sent)"));
        self
    }

    /// A path parameter that only some versions' routes have.
    pub fn path_opt(self, name: &'static str, value: Option<&impl ToString>) -> Self {
        match value {
            Some(v) => self.path(name, v.to_string()),
            None => self,
        }
    }

    pub fn query<V: QueryValue + ?Sized>(mut self, name: &str, value: &V) -> Self {
        self.query.push((name.to_owned(), value.to_query()));
        self
    }

    pub fn query_opt<V: QueryValue>(self, name: &str, value: Option<&V>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// A secret the server reads only from the URL's query (spec `only_in_url`): sent there, and
    /// masked wherever the client shows the URL.
    pub fn secret_query(mut self, name: &str, value: &crate::Secret) -> Self {
        self.secret_query.push(name.to_owned());
        self.query.push((name.to_owned(), value.expose().to_owned()));
        self
    }

    pub fn secret_query_opt(self, name: &str, value: Option<&crate::Secret>) -> Self {
        match value {
            Some(v) => self.secret_query(name, v),
            None => self,
        }
    }

    /// Replaces the values of the secret query parameters in `url` with `***`.
    pub(crate) fn mask_url(&self, url: &mut reqwest::Url) {
        mask_query(url, &self.secret_query);
    }

    /// Sends a JSON object as `name[key]=value` pairs, the way Directus reads `aggregate`.
    pub fn query_bracket_opt(mut self, name: &str, value: Option<&Value>) -> Self {
        match value {
            None => {}
            Some(Value::Object(map)) => {
                for (k, v) in map {
                    self.query.push((format!("{name}[{k}]"), v.to_query()));
                }
            }
            Some(other) => self.reject(format!("`{name}` must be a JSON object such as {{\"count\": \"*\"}}, not {other}")),
        }
        self
    }

    /// Adds fields the spec does not name to a JSON object body. Called before the named fields,
    /// so a named field given both ways keeps its named value.
    pub fn extra_fields(mut self, fields: &serde_json::Map<String, Value>) -> Self {
        for (k, v) in fields {
            self = self.field(k, v);
        }
        self
    }

    /// Adds `name: value` to a JSON object body.
    pub fn field(mut self, name: &str, value: impl Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(v) => {
                if !matches!(self.body, Body::Json(Value::Object(_))) {
                    self.body = Body::Json(Value::Object(Default::default()));
                }
                if let Body::Json(Value::Object(map)) = &mut self.body {
                    map.insert(name.to_owned(), v);
                }
            }
            Err(e) => self.reject(format!("`{name}` could not be encoded as JSON: {e}")),
        }
        self
    }

    /// Adds a secret to a JSON object body; shown masked wherever the request is described.
    pub fn secret_field(mut self, name: &str, value: &crate::Secret) -> Self {
        self.secrets.push(name.to_owned());
        self.field(name, value)
    }

    pub fn secret_field_opt(self, name: &str, value: Option<&crate::Secret>) -> Self {
        match value {
            Some(v) => self.secret_field(name, v),
            None => self,
        }
    }

    pub fn field_opt(self, name: &str, value: Option<impl Serialize>) -> Self {
        match value {
            Some(v) => self.field(name, v),
            None => self,
        }
    }

    /// Sets the whole JSON body (an array, or a caller's own value).
    pub fn json(mut self, value: impl Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(v) => self.body = Body::Json(v),
            Err(e) => self.reject(format!("the body could not be encoded as JSON: {e}")),
        }
        self
    }

    /// Adds a text field to a multipart body, encoded as a query value would be. Directus reads
    /// fields only before the file part, so generated code adds them first.
    pub fn text_part<V: QueryValue + ?Sized>(mut self, name: &'static str, value: &V) -> Self {
        self.parts().push(Part::Text(name, value.to_query()));
        self
    }

    pub fn text_part_opt<V: QueryValue>(self, name: &'static str, value: Option<&V>) -> Self {
        match value {
            Some(v) => self.text_part(name, v),
            None => self,
        }
    }

    /// Adds a field of JSON to a multipart body, as JSON text (`["a","b"]`; a plain string as it
    /// is): Directus parses a JSON field's text, where a query value's `a,b` would be kept as one
    /// string.
    pub fn json_part<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(Value::String(s)) => self.parts().push(Part::Text(name, s)),
            Ok(other) => self.parts().push(Part::Text(name, other.to_string())),
            Err(e) => self.reject(format!("`{name}` could not be encoded as JSON: {e}")),
        }
        self
    }

    pub fn json_part_opt<T: Serialize>(self, name: &'static str, value: Option<&T>) -> Self {
        match value {
            Some(v) => self.json_part(name, v),
            None => self,
        }
    }

    /// Adds a file to a multipart body: a path, bytes or a reader ([`crate::Upload`]), streamed
    /// when the request is sent.
    pub fn file_part(mut self, name: &'static str, upload: impl Into<crate::upload::Upload>) -> Self {
        self.parts().push(Part::File(name, upload.into()));
        self
    }

    fn parts(&mut self) -> &mut Vec<Part> {
        if !matches!(self.body, Body::Multipart(_)) {
            self.body = Body::Multipart(Vec::new());
        }
        match &mut self.body {
            Body::Multipart(parts) => parts,
            _ => unreachable!("set to multipart above"),
        }
    }

    pub(crate) fn reject(&mut self, message: String) {
        self.invalid.get_or_insert(message);
    }
}

/// Replaces the values of the query parameters named in `secret` with `***`, keeping the rest
/// of the URL as it was.
pub(crate) fn mask_query(url: &mut reqwest::Url, secret: &[String]) {
    if secret.is_empty() || url.query().is_none() {
        return;
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if secret.iter().any(|s| *s == k) { crate::mask::MASK.to_owned() } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(&pairs);
}

/// Why a custom route template would not reach the route it names, if it would not.
fn custom_path_problem(path: &str) -> Option<&'static str> {
    if !path.starts_with('/') {
        Some("does not start with `/`, so it would be glued to the server's path")
    } else if path.contains('\\') {
        // URLs read `\` as `/` (WHATWG), so `\..\` would be a `..` segment too.
        Some("holds a `\\`, which URLs read as `/`; write `/`, or put the value in a {placeholder}")
    } else if path.split('/').any(|seg| {
        // `%2e` is a dot to URL normalisation as well: `/items/%2e%2e/users` reaches `/users`.
        let dots = seg.to_ascii_lowercase().replace("%2e", ".");
        dots == "." || dots == ".."
    }) {
        Some("has a `.` or `..` segment (perhaps written `%2e`), which URLs drop, so the request would reach another route")
    } else if path.contains(['?', '#']) {
        Some("holds a query or fragment; add query parameters with `.query(name, value)`")
    } else if path.chars().any(char::is_control) {
        Some("holds a control character")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn secret_query_values_are_masked_and_the_rest_kept() {
        let mut url = reqwest::Url::parse("http://h/users/register/verify-email?token=eyJsecret&x=1&token=again").unwrap();
        super::mask_query(&mut url, &["token".to_owned()]);
        assert_eq!(url.as_str(), "http://h/users/register/verify-email?token=***&x=1&token=***");
        let mut plain = reqwest::Url::parse("http://h/a?x=1").unwrap();
        super::mask_query(&mut plain, &[]);
        assert_eq!(plain.as_str(), "http://h/a?x=1");
    }

    #[test]
    fn a_batch_of_no_keys_is_refused_unsent() {
        let op = &crate::Operation { id: "items.delete_many", ..crate::Operation::BASE };
        let empty: [i64; 0] = [];
        let body = super::Request::new(op).key_list_body(empty);
        assert!(body.invalid.as_deref().is_some_and(|m| m.contains("lists no keys")), "{:?}", body.invalid);
        let field = super::Request::new(op).key_list_field("keys", Vec::<String>::new()).field("data", 1);
        assert!(field.invalid.as_deref().is_some_and(|m| m.contains("`keys` lists no keys")), "{:?}", field.invalid);
        assert!(super::Request::new(op).key_list_body([1, 2]).invalid.is_none());
    }

    #[test]
    fn custom_templates_that_would_go_elsewhere_are_refused() {
        for bad in ["schema/snapshot", "/items/../users", "/./x", "/x?a=1", "/x#f", "/x\n", "/items/%2e%2e/users", "/a/%2E%2e/%2e%2E/users", "/a/.%2E/b", "/a/%2e", "/items\\..\\users", "/a\\b"] {
            let req = super::Request::custom(crate::Method::Get, bad);
            assert!(req.invalid.as_deref().is_some_and(|m| m.contains("write it as the path")), "{bad}: {:?}", req.invalid);
        }
        for good in ["/schema/snapshot", "/items/{collection}/{id}", "/my-endpoint", "/a/%2e%2ex/b", "/files.json", "/a/...b"] {
            assert!(super::Request::custom(crate::Method::Get, good).invalid.is_none(), "{good}");
        }
    }
}
