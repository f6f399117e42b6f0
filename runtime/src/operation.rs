//! The static description of one operation, emitted by the generator as data.
//! Everything the runtime needs to send a request lives here, so generated methods stay a few lines.

use crate::version::{Route, Version};

/// HTTP methods Directus uses. `SEARCH` is Directus's query-in-body read; `HEAD` asks a resumable
/// upload how far it got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    Get,
    Post,
    Patch,
    Put,
    Delete,
    Search,
    Head,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Search => "SEARCH",
            Method::Head => "HEAD",
        }
    }
}

/// Whether an operation needs a logged-in caller. Non-exhaustive: a newer runtime may tell more
/// cases apart, so a `match` on it needs a `_` arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// A token is required; the server refuses the call without one.
    Required,
    /// Sent with a token when there is one; some data is public.
    Optional,
    /// Never sent with a token (e.g. logging in).
    None,
}

/// One operation of the API.
#[derive(Debug)]
pub struct Operation {
    /// `resource.operation`, as in the spec.
    pub id: &'static str,
    pub method: Method,
    /// Paths with `{param}` placeholders, one per version range, oldest first.
    pub routes: &'static [Route],
    pub auth: Auth,
    /// First Directus version with this operation.
    pub since: Option<Version>,
    /// First Directus version without it.
    pub removed_in: Option<Version>,
    /// What to use instead once it is removed.
    pub replacement: Option<&'static str>,
    /// Directus error code → what to do about it here, from the operation's spec.
    pub hints: &'static [(&'static str, &'static str)],
    /// The API-wide table of the same, consulted when the operation has no hint of its own.
    pub common_hints: &'static [(&'static str, &'static str)],
    /// The reply is a redirect to hand back (its `Location`), not to follow: e.g. the start of an
    /// SSO login, which a browser must open.
    pub redirect: bool,
    /// What the reply does to the client's login session, when it does something: a login or a
    /// refresh starts one (the client keeps the tokens and refreshes them), a logout ends it.
    pub session: Option<SessionChange>,
    /// The route speaks the tus protocol (resumable uploads): every request carries
    /// `Tus-Resumable: 1.0.0`, and the server answers without Directus's JSON envelope.
    pub tus: bool,
}

/// How an operation's reply changes the client's login session (the spec's `response.session`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionChange {
    /// The reply carries `access_token`, `refresh_token` and `expires`: the client logs in with
    /// them (the generated client's `login` is such an operation).
    Start,
    /// The call ends the session whose `refresh_token` it sends; the client's own session when
    /// the request names none.
    End,
}

impl Operation {
    /// Defaults for the fields most operations leave empty; generated descriptors name only what
    /// differs (`..Operation::BASE`).
    pub const BASE: Operation = Operation {
        id: "",
        method: Method::Get,
        routes: &[],
        auth: Auth::Required,
        since: None,
        removed_in: None,
        replacement: None,
        hints: &[],
        common_hints: &[],
        redirect: false,
        session: None,
        tus: false,
    };

    /// Whether picking a route needs the server's version. `since` alone does not: nearly every
    /// operation has one, and asking the server first would double the cost of each call; it is
    /// checked whenever the version is known.
    pub fn needs_version(&self) -> bool {
        self.routes.len() > 1 || self.removed_in.is_some()
    }

    pub fn hint(&self, code: &str) -> Option<&'static str> {
        let find = |table: &'static [(&'static str, &'static str)]| table.iter().find(|(c, _)| *c == code).map(|(_, h)| *h);
        find(self.hints).or_else(|| find(self.common_hints))
    }
}

/// The operation id of every call to a route the spec lacks ([`crate::Client::custom`]): errors
/// and hooks name it; it is no operation of the spec.
pub const CUSTOM_ID: &str = "custom";

/// The descriptor of a route the spec lacks, for [`crate::Client::custom`]. Descriptors are
/// `'static` like the generated ones, so each distinct method and path template is made once and
/// kept for the life of the process: a program's custom routes are a fixed set of templates
/// (values go in `{placeholders}`, filled with `.path(…)`). A program that formats values into
/// the template instead would grow the set with every value, so after [`CUSTOM_TEMPLATES`] of them
/// the call is refused (`None`) rather than memory kept without bound.
pub(crate) fn custom(method: Method, template: &str) -> Option<&'static Operation> {
    // (Descriptors made here all carry the id `CUSTOM_ID`.)
    static MADE: Interned<(Method, String)> = Interned::new();
    MADE.get_bounded((method, template.to_owned()), CUSTOM_TEMPLATES, || {
        let path: &'static str = Box::leak(template.to_owned().into_boxed_str());
        Operation { id: CUSTOM_ID, method, routes: Box::leak(Box::new([Route::new(path)])), auth: Auth::Optional, ..Operation::BASE }
    })
}

/// How many distinct custom route templates a process may use (see [`Client::custom`](crate::Client::custom)); far more than
/// a program's own routes, far less than one per item.
pub const CUSTOM_TEMPLATES: usize = 1024;

/// The descriptor of a custom call refused because the process has used too many templates: it
/// is never sent, so its route does not matter.
pub(crate) static CUSTOM_REFUSED: Operation = Operation { id: CUSTOM_ID, ..Operation::BASE };

/// Descriptors made at run time (custom routes, a resumable upload's other requests), each made
/// once per key and kept for the life of the process, so they are `'static` like generated ones.
pub(crate) struct Interned<K>(std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<K, &'static Operation>>>);

impl<K: Eq + std::hash::Hash> Interned<K> {
    pub(crate) const fn new() -> Self {
        Self(std::sync::OnceLock::new())
    }

    /// The descriptor of `key`, made by `make` the first time.
    pub(crate) fn get(&self, key: K, make: impl FnOnce() -> Operation) -> &'static Operation {
        // Unbounded: `usize::MAX` descriptors cannot be reached.
        self.get_bounded(key, usize::MAX, make).expect("no bound to reach")
    }

    /// As [`Interned::get`], but `None` for a new key once `most` keys have been made.
    pub(crate) fn get_bounded(&self, key: K, most: usize, make: impl FnOnce() -> Operation) -> Option<&'static Operation> {
        let mut made = self.0.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
        if let Some(op) = made.get(&key) {
            return Some(*op);
        }
        if made.len() >= most {
            return None;
        }
        Some(made.entry(key).or_insert_with(|| Box::leak(Box::new(make()))))
    }
}

#[cfg(test)]
mod tests {
    use super::{Interned, Operation};

    #[test]
    fn interned_descriptors_stop_growing_at_their_bound() {
        static MADE: Interned<u32> = Interned::new();
        let make = || Operation { id: "custom", ..Operation::BASE };
        let first = MADE.get_bounded(1, 3, make).map(|op| op as *const Operation);
        assert!(first.is_some());
        assert!(MADE.get_bounded(2, 3, make).is_some() && MADE.get_bounded(3, 3, make).is_some());
        // A fourth key is refused; the keys already made are still given, the same descriptor.
        assert!(MADE.get_bounded(4, 3, make).is_none());
        assert_eq!(MADE.get_bounded(1, 3, make).map(|op| op as *const Operation), first);
        // The README and `Client::custom`'s docs name the bound.
        assert_eq!(super::CUSTOM_TEMPLATES, 1024);
    }
}
