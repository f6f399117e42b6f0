//! The client library: `lib.rs` with the `Client`, and one module per resource whose methods
//! each fill a `Request` and hand it to the runtime.

use super::rust::{
    self, add_multipart_required, add_optional, add_required, arg_type, const_ident, doc, ident, inner_doc, owned_type, type_ident,
};
use crate::model::{Api, AuthMode, Body, ErrorInfo, Method, Model, Operation, Param, ReplyType, Resource, ResponseKind, SessionChange, Shape, Version};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The module of one resource, `<resource>.rs`.
pub fn resource_file(model: &Model, r: &Resource) -> Result<(String, String), String> {
    let code = rust::print(resource(&model.api, r), &format!("module `{}`", r.name)).map_err(|e| {
        // Name the operation whose code does not parse, when one alone does not.
        let culprit = r.operations.iter().find(|op| {
            let m = method(&model.api, r, op);
            syn::parse2::<syn::File>(quote! { impl X { #m } }).is_err()
                || syn::parse2::<syn::File>(types(r, op)).is_err()
                || syn::parse2::<syn::File>(descriptor(&model.api.errors, op)).is_err()
        });
        match culprit {
            Some(op) => format!("{e} (in the code of `{}`)", op.full_id),
            None => e,
        }
    })?;
    let text = rust::header(&format!("spec/{}", r.source), &r.source_hash) + &code;
    Ok((format!("{}.rs", r.name), text))
}

/// `Client::login` and `login_with_otp`: the spec's `client_login` operation in json mode, so
/// there is one login and one reply type for its tokens.
fn client_login((r, op): (&Resource, &Operation)) -> TokenStream {
    let m = ident(&r.name);
    let method = ident(&op.id);
    let feature = &r.name;
    let options = format_ident!("{}Options", type_ident(&op.id));
    let reply = match op.reply_type() {
        Some(t) => {
            let t = format_ident!("{t}");
            quote! { #m::#t }
        }
        None => reply_item(op),
    };
    let link = format!("[`{}::{}`]({m}::{}::{})", type_ident(&r.name), op.id, type_ident(&r.name), op.id);
    let d = doc(&format!(
        "Logs in with e-mail and password (json mode): the client then sends the access token and refreshes it \
         before it expires. The same as {link} with `mode` json, and the same reply: the tokens."
    ));
    let otp = op.inputs().any(|p| p.name == "otp").then(|| {
        let d = doc("Logs in a user who has two-factor authentication on, with the current one-time password.");
        quote! {
            #d
            #[cfg(feature = #feature)]
            pub async fn login_with_otp(&self, email: &str, password: impl Into<Secret>, otp: impl Into<Secret>) -> Result<#reply> {
                self.#m().#method(email, password, &#m::#options::default().otp(otp).mode("json")).await
            }
        }
    });
    quote! {
        #d
        #[cfg(feature = #feature)]
        pub async fn login(&self, email: &str, password: impl Into<Secret>) -> Result<#reply> {
            self.#m().#method(email, password, &#m::#options::default().mode("json")).await
        }

        #otp
    }
}

/// The crate root, `lib.rs`.
pub fn lib(model: &Model) -> Result<String, String> {
    let api = &model.api;
    let crate_doc = inner_doc(&format!(
        "{}\n\n{}\n\nGenerated from the spec for Directus {}. Every operation is a method on a resource \
         accessor, e.g. `client.{}().{}(…)`; the client itself logs in and out and reads the server's \
         version.",
        api.title,
        api.description,
        api.api_version,
        model.resources[0].name,
        model.resources[0].operations[0].id
    ));
    let mods = model.resources.iter().map(|r| {
        let m = ident(&r.name);
        let feature = &r.name;
        quote! { #[cfg(feature = #feature)] pub mod #m; }
    });
    let accessors = model.resources.iter().map(|r| {
        let m = ident(&r.name);
        let ty = type_ident(&r.name);
        let feature = &r.name;
        let d = doc(&format!("{}: {}", r.title, first_line(&r.description)));
        quote! {
            #d
            #[cfg(feature = #feature)]
            pub fn #m(&self) -> #m::#ty<'_> {
                #m::#ty::new(&self.0)
            }
        }
    });
    let query_sets = api.query_sets.iter().map(query_set_struct);
    let types_mod = model.types().next().is_some().then(|| quote! { pub mod types; });
    let hints = api.errors.iter().map(|e| {
        let (code, fix) = (&e.code, &e.fix);
        quote! { (#code, #fix) }
    });
    let login = model.client_login().map(client_login);
    let reexports = crate::model::symbols::RUNTIME_REEXPORTS.iter().map(|n| format_ident!("{n}"));
    let tokens = quote! {
        #crate_doc

        pub use directus_runtime::{#(#reexports),*};
        pub use directus_runtime::{reqwest, serde_json};

        #types_mod
        #(#mods)*

        /// A Directus client with one accessor per resource, the login session's methods, and
        /// [`Client::custom`] for routes the spec lacks. Cheap to clone.
        #[derive(Clone, Debug)]
        pub struct Client(directus_runtime::Client);

        impl Client {
            /// A client without credentials: log in, or build one with a token.
            pub fn new(url: impl Into<String>) -> Result<Self> {
                ClientBuilder::new(url).build()
            }

            /// A client with a static token.
            pub fn with_token(url: impl Into<String>, token: impl Into<Secret>) -> Result<Self> {
                ClientBuilder::new(url).token(token).build()
            }

            /// A client that carries on a login session stored earlier (`session_tokens`).
            pub fn with_session(url: impl Into<String>, tokens: SessionTokens) -> Result<Self> {
                ClientBuilder::new(url).session(tokens).build()
            }

            /// A handle sharing this client's session, connections and limits, with other call
            /// settings (timeouts, retries, reply size).
            pub fn with_call_settings(&self, settings: CallSettings) -> Self {
                Self(self.0.with_call_settings(settings))
            }

            pub fn builder(url: impl Into<String>) -> ClientBuilder<Self> {
                ClientBuilder::new(url)
            }

            #login

            /// Gets a new access token with the session's refresh token now (it also happens by
            /// itself before the token expires).
            pub async fn refresh(&self) -> Result<()> {
                self.0.refresh().await
            }

            /// Ends the login session on the server and forgets its tokens.
            pub async fn logout(&self) -> Result<()> {
                self.0.logout().await
            }

            /// The session's tokens, to store and restore later with [`Client::with_session`]. They
            /// change at every refresh: [`ClientBuilder::on_session_change`] hears each change.
            pub async fn session_tokens(&self) -> Option<SessionTokens> {
                self.0.session_tokens().await
            }

            /// Carries on a session stored earlier, in place of the current credentials.
            pub async fn restore_session(&self, tokens: SessionTokens) {
                self.0.restore_session(tokens).await
            }

            /// Uses a static token in place of the current credentials.
            pub async fn set_token(&self, token: impl Into<Secret>) {
                self.0.set_token(token).await
            }

            /// The server's version: read once from `GET /server/info`, or as set on the builder.
            pub async fn server_version(&self) -> Result<Version> {
                self.0.server_version().await
            }

            /// The server's address, as given.
            pub fn base_url(&self) -> &str {
                self.0.base_url()
            }

            /// A call to a route the spec lacks; see [`directus_runtime::Client::custom`].
            pub fn custom(&self, method: Method, path: &str) -> Call<serde_json::Value> {
                self.0.custom(method, path)
            }

            /// The runtime client under this one: for `execute` with a hand-built request, and
            /// for the CLI.
            pub fn runtime(&self) -> &directus_runtime::Client {
                &self.0
            }

            #(#accessors)*
        }

        impl From<directus_runtime::Client> for Client {
            fn from(client: directus_runtime::Client) -> Self {
                Self(client)
            }
        }


        #(#query_sets)*

        /// What to do about each Directus error code, from the spec; operations add their own.
        const ERROR_HINTS: &[(&str, &str)] = &[#(#hints),*];

        /// What every operation descriptor starts from; each names only what differs.
        #[allow(dead_code)]
        pub(crate) const BASE: directus_runtime::Operation = directus_runtime::Operation { common_hints: ERROR_HINTS, ..directus_runtime::Operation::BASE };
    };
    Ok(rust::header("spec/", &model.spec_hash) + &rust::print(tokens, "lib.rs")?)
}

/// A shared set of query parameters: a struct of options and the one function that adds them.
fn query_set_struct(q: &crate::model::QuerySet) -> TokenStream {
    let ty = type_ident(&q.name);
    let d = doc(&format!(
        "{}\n\nStart from `{ty}::new()` and chain what you need, e.g. `{ty}::new().limit(10)`; the fields are public to read and set.",
        if q.description.is_empty() { "Query parameters" } else { &q.description }
    ));
    let fields = q.params.iter().map(|p| {
        let name = ident(&p.name);
        let t = owned_type(p);
        let d = doc(&p.description);
        quote! { #d pub #name: Option<#t>, }
    });
    let params: Vec<&Param> = q.params.iter().collect();
    let setters = rust::setters(&params);
    let adds = q.params.iter().map(|p| {
        let name = &p.name;
        let field = ident(&p.name);
        if p.bracket {
            quote! { .query_bracket_opt(#name, self.#field.as_ref()) }
        } else {
            quote! { .query_opt(#name, self.#field.as_ref()) }
        }
    });
    quote! {
        #d
        #[derive(Clone, Debug, Default)]
        #[non_exhaustive]
        pub struct #ty { #(#fields)* }

        impl #ty {
            /// No parameters: Directus's defaults.
            pub fn new() -> Self {
                Self::default()
            }

            #(#setters)*

            // Unused in a crate built only for resources that take no query (`--features server`).
            #[allow(dead_code)]
            pub(crate) fn apply(&self, req: directus_runtime::Request) -> directus_runtime::Request {
                req #(#adds)*
            }
        }
    }
}

fn resource(api: &Api, r: &Resource) -> TokenStream {
    let ty = type_ident(&r.name);
    let module_doc = inner_doc(&format!("{}\n\n{}", r.title, r.description));
    let struct_doc = doc(&format!("{} operations; get them with [`crate::Client::{}`].", r.title, r.name));
    let methods = r.operations.iter().map(|op| method(api, r, op));
    let statics = r.operations.iter().map(|op| descriptor(&api.errors, op));
    let types = r.operations.iter().map(|op| types(r, op));
    let enums = rust::input_enums(r);
    quote! {
        #module_doc

        // One alias, not item imports: resource types (e.g. `Auth`) may share a runtime type's name.
        use directus_runtime as rt;

        #struct_doc
        #[derive(Clone, Copy, Debug)]
        pub struct #ty<'a> {
            client: &'a rt::Client,
        }

        impl<'a> #ty<'a> {
            pub(crate) fn new(client: &'a rt::Client) -> Self {
                Self { client }
            }

            #(#methods)*
        }

        #(#statics)*

        #(#types)*

        #(#enums)*
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

fn route_text(op: &Operation) -> String {
    op.routes
        .iter()
        .map(|r| {
            let range = match crate::model::range_text(r.since, r.until) {
                t if t.is_empty() => t,
                t => format!(" ({t})"),
            };
            format!("`{} {}`{range}", method_str(op.method), r.path)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn method_str(m: Method) -> &'static str {
    match m {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Patch => "PATCH",
        Method::Put => "PUT",
        Method::Delete => "DELETE",
        Method::Search => "SEARCH",
    }
}

fn has_options(op: &Operation) -> bool {
    op.open_body || op.inputs().any(|p| !p.required)
}

fn optional_inputs(op: &Operation) -> Vec<&Param> {
    op.inputs().filter(|p| !p.required).collect()
}

fn options_ident(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Options", type_ident(&op.id))
}

fn method(api: &Api, r: &Resource, op: &Operation) -> TokenStream {
    let name = ident(&op.id);
    let stat = const_ident(&op.id);
    let multipart = matches!(op.body, Body::Multipart(_));
    let required: Vec<&Param> = op.inputs().filter(|p| p.required).collect();

    let mut args: Vec<TokenStream> = required
        .iter()
        .map(|p| {
            let a = ident(&p.name);
            let t = arg_type(p);
            quote! { #a: #t }
        })
        .collect();
    let secret_lets: Vec<TokenStream> = required
        .iter()
        .filter_map(|p| {
            let a = ident(&p.name);
            if p.secret {
                Some(quote! { let #a: rt::Secret = #a.into(); })
            } else {
                rust::values_enum(p).map(|e| quote! { let #a: #e = #a.into(); })
            }
        })
        .collect();
    // In spec order: a multipart file part must follow the fields Directus should read.
    let adds: Vec<TokenStream> = op.inputs().map(|p| match (p.required, multipart && p.location == crate::model::ParamIn::Body) {
        (true, true) => add_multipart_required(p),
        (true, false) => add_required(p),
        (false, _) => add_optional(p, multipart),
    }).collect();
    let body_add = match &op.body {
        keys @ Body::Array { name, .. } if keys.is_keys() => {
            let a = ident(name);
            args.push(quote! { #a: impl IntoIterator<Item = impl Into<rt::Key>> });
            quote! { .key_list_body(#a) }
        }
        Body::Array { name, items, .. } => {
            let a = ident(name);
            let t = match items {
                crate::model::Type::Integer => quote! { &[i64] },
                crate::model::Type::Json => quote! { &[impl serde::Serialize] },
                _ => quote! { &[&str] },
            };
            args.push(quote! { #a: #t });
            quote! { .json(#a) }
        }
        Body::Value { name, .. } => {
            let a = ident(name);
            args.push(quote! { #a: &impl serde::Serialize });
            quote! { .json(#a) }
        }
        _ => quote! {},
    };
    if let Some(q) = &op.query_set {
        let t = type_ident(q);
        args.push(quote! { query: &crate::#t });
    }
    if has_options(op) {
        let o = options_ident(op);
        args.push(quote! { options: &#o });
    }
    let item = reply_item(op);
    let list_call = api.streamed_set_of(op).is_some();
    let (ret, finish) = match op.response.kind {
        ResponseKind::Json if op.composite.is_some() => (quote! { rt::Result<T> }, quote! {}),
        ResponseKind::Json if list_call => (quote! { rt::ListCall<#item> }, quote! { rt::ListCall::new(self.client, req) }),
        ResponseKind::Json => {
            let value = match op.response.shape {
                Shape::Array => quote! { Vec<#item> },
                Shape::Map => quote! { std::collections::BTreeMap<String, #item> },
                _ => item.clone(),
            };
            let make = if op.response.envelope { quote! { new } } else { quote! { without_envelope } };
            (quote! { rt::Call<#value> }, quote! { rt::Call::#make(self.client, req) })
        }
        ResponseKind::Empty => (quote! { rt::Result<()> }, quote! { self.client.execute(req).await?.empty().await }),
        ResponseKind::Text => (quote! { rt::Result<String> }, quote! { self.client.execute(req).await?.text().await }),
        ResponseKind::Binary => (quote! { rt::Result<rt::Download> }, quote! { Ok(self.client.execute(req).await?.download()) }),
        ResponseKind::Redirect => (quote! { rt::Result<String> }, quote! { self.client.execute(req).await?.redirect_location() }),
        ResponseKind::Upload => (quote! { rt::Result<crate::Uploaded> }, quote! { rt::resumable_upload(self.client, req).await }),
    };
    // JSON replies are `Call`s: nothing is sent until the caller awaits, and the caller may read
    // the reply into a type of its own (`.decode::<T>()`).
    let is_async = op.response.kind != ResponseKind::Json || op.composite.is_some();

    let mut text = format!("{}\n\n{}", op.title, op.summary);
    if !op.description.is_empty() {
        text += &format!("\n\n{}", op.description);
    }
    text += &format!("\n\n{}", route_text(op));
    if let Some(rm) = op.removed_in {
        text += &format!("\n\nRemoved in Directus {rm}");
        if let Some(rep) = &op.replacement {
            text += &format!("; use {rep} instead");
        }
        text += ". On such a server this returns [`crate::Error::Unsupported`] without sending anything.";
    }
    if !required.is_empty() || !matches!(op.body, Body::None | Body::Object(_) | Body::Multipart(_)) {
        text += "\n\n# Arguments\n";
        for p in &required {
            text += &format!("\n- `{}`: {}", names_snake(&p.name), or_dash(&p.description));
        }
        match &op.body {
            Body::Array { name, description, .. } | Body::Value { name, description, .. } => text += &format!("\n- `{name}`: {}", or_dash(description)),
            _ => {}
        }
    }
    if list_call {
        text += "\n\nDirectus returns 100 items unless the query sets `limit` (`limit: -1` for all of them, in one reply); \
             [`rt::ListCall::all`] and [`rt::ListCall::stream`] read every item page by page, and \
             [`rt::ListCall::with_meta`] also returns the counts the query's `meta` asks for.";
    }
    if op.response.kind == ResponseKind::Json && op.composite.is_none() {
        text += &reply_doc(op);
    }
    if !op.errors.is_empty() {
        text += "\n\n# Errors\n";
        for e in &op.errors {
            text += &format!("\n- `{}` ({}): {} {}", e.code, e.status, e.when, e.fix);
        }
    }
    let body = match &op.composite {
        Some(c) => upsert_body(r, op, c),
        None => quote! {},
    };
    let mut start = quote! { rt::Request::new(&#stat) };
    if op.open_body {
        start = quote! { #start.extra_fields(&options.extra) };
    }
    if op.query_set.is_some() {
        start = quote! { query.apply(#start) };
    }
    let send = quote! { let req = #start #(#adds)* #body_add; };
    let body = if op.composite.is_some() {
        body
    } else {
        quote! {
            #send
            #finish
        }
    };
    let d = doc(&text);
    let lint = (args.len() > 6).then(|| quote! { #[allow(clippy::too_many_arguments)] });
    let generic = op.composite.is_some().then(|| quote! { <T: serde::de::DeserializeOwned + Send + 'static> });
    let asyncness = is_async.then(|| quote! { async });
    // An operation may be called `clone` or `next`: a method, not the trait's, by design.
    let trait_name = (!is_async && STD_TRAIT_METHODS.contains(&names_snake(&op.id).as_str())).then(|| quote! { #[allow(clippy::should_implement_trait)] });
    // The former name of a renamed operation: the same signature, deprecated, calling this one.
    let former = op.renamed_from.as_ref().map(|old| {
        let old_name = ident(old);
        let note = format!("renamed `{}`: {}", names_snake(&op.id), op.summary);
        let d = doc(&format!("{}\n\nThe former name of [`Self::{}`], kept so code written against it still builds.", op.title, names_snake(&op.id)));
        // Each argument's first token is its name.
        let names: Vec<_> = args.iter().filter_map(|a| a.clone().into_iter().next()).collect();
        let turbofish = op.composite.is_some().then(|| quote! { ::<T> });
        let wait = is_async.then(|| quote! { .await });
        quote! {
            #d
            #[deprecated(note = #note)]
            #lint
            pub #asyncness fn #old_name #generic (&self, #(#args),*) -> #ret {
                self.#name #turbofish (#(#names),*) #wait
            }
        }
    });
    quote! {
        #d
        #lint
        #trait_name
        pub #asyncness fn #name #generic (&self, #(#args),*) -> #ret {
            #(#secret_lets)*
            #body
        }
        #former
    }
}

/// Method names clippy's `should_implement_trait` knows.
const STD_TRAIT_METHODS: &[&str] = &[
    "add", "as_mut", "as_ref", "bitand", "bitor", "bitxor", "borrow", "borrow_mut", "clone", "cmp", "default", "deref", "deref_mut",
    "div", "drop", "eq", "from_iter", "from_str", "hash", "index", "index_mut", "into_iter", "mul", "neg", "next", "not", "rem",
    "shl", "shr", "sub",
];

/// The type a JSON reply (or each item of an array reply) is read into by default: the spec's
/// `type`, the struct of its `fields`, or `serde_json::Value` when the spec leaves it to the
/// caller (items of a project's own collections).
fn reply_item(op: &Operation) -> TokenStream {
    if let Some(t) = op.reply_type() {
        let t = format_ident!("{t}");
        return quote! { #t };
    }
    match &op.response.ty {
        Some(ReplyType::Record(n)) => {
            let n = type_ident(n);
            quote! { crate::types::#n }
        }
        Some(ReplyType::String) => quote! { String },
        Some(ReplyType::Integer) => quote! { i64 },
        Some(ReplyType::Number) => quote! { f64 },
        Some(ReplyType::Boolean) => quote! { bool },
        None => quote! { serde_json::Value },
    }
}

/// How to read the reply as another type.
fn reply_doc(op: &Operation) -> String {
    let generic = op.reply_type().is_none() && op.response.ty.is_none();
    let mut text = if generic {
        "\n\nThe reply is read as `serde_json::Value`; `.decode::<T>()` reads it into a type of yours.".to_owned()
    } else {
        "\n\n`.decode::<T>()` reads the reply into a type of yours instead, e.g. for a custom `fields` selection.".to_owned()
    };
    if op.reply_fields {
        text += " [`rt::Call::fields`] chooses the fields of the saved record the reply holds.";
    }
    text
}

/// `upsert`: read one item matching `filter` with the resource's `list`, then `update` it by its
/// key or `create` it.
fn upsert_body(r: &Resource, op: &Operation, c: &crate::model::Composite) -> TokenStream {
    let stat = const_ident(&op.id);
    let path_args: Vec<_> = op.path_params.iter().map(|p| ident(&p.name)).collect();
    // The parts' optional inputs are left at their defaults.
    let defaults = |id: &str| r.operations.iter().find(|o| o.id == id).filter(|o| has_options(o)).map(|_| quote! { , &Default::default() });
    let (list_opts, create_opts, update_opts) = (defaults(&c.list), defaults(&c.create), defaults(&c.update));
    let (list, create, update) = (ident(&c.list), ident(&c.create), ident(&c.update));
    // The key field: as the spec names it, or the collection's primary key, asked of the server.
    let key = match &c.key {
        Some(k) => quote! { let key: String = #k.to_owned(); },
        None => quote! { let key = rt::primary_key(self.client, collection).await?; },
    };
    // The list's own query set (validate checks it has filter, limit and fields).
    let set = r.operations.iter().find(|o| o.id == c.list).and_then(|o| o.query_set.as_deref()).map(type_ident);
    quote! {
        #key
        // Two at most: one is the item to update, a second means the filter is ambiguous.
        let query = crate::#set::new().filter(filter.clone()).limit(2).fields([key.as_str()]);
        let found: Vec<serde_json::Value> = self.#list(#(#path_args,)* &query #list_opts).decode().await?;
        let done = match rt::upsert_target(&#stat, &found, &key)? {
            Some(existing) => self.#update(#(#path_args,)* &existing, data #update_opts).decode().await?,
            None => self.#create(#(#path_args,)* data #create_opts).decode().await?,
        };
        // The descriptor names the composite for observers; it is never sent.
        self.client.record_composite(&#stat);
        Ok(done)
    }
}

fn names_snake(name: &str) -> String {
    crate::model::names::snake(name)
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "—"
    } else {
        s
    }
}

fn version_tokens(v: Option<Version>) -> TokenStream {
    match v {
        Some(Version(a, b, c)) => {
            let [a, b, c] = [a, b, c].map(proc_macro2::Literal::u32_unsuffixed);
            quote! { Some(rt::Version::new(#a, #b, #c)) }
        }
        None => quote! { None },
    }
}

fn descriptor(catalog: &[ErrorInfo], op: &Operation) -> TokenStream {
    let stat = const_ident(&op.id);
    let id = &op.full_id;
    let method = format_ident!("{}", match op.method {
        Method::Get => "Get",
        Method::Post => "Post",
        Method::Patch => "Patch",
        Method::Put => "Put",
        Method::Delete => "Delete",
        Method::Search => "Search",
    });
    let auth = format_ident!("{}", match op.auth {
        AuthMode::Required => "Required",
        AuthMode::Optional => "Optional",
        AuthMode::None => "None",
    });
    let routes = op.routes.iter().map(|r| {
        let path = &r.path;
        if r.since.is_none() && r.until.is_none() {
            return quote! { rt::Route::new(#path) };
        }
        let since = version_tokens(r.since);
        let until = version_tokens(r.until);
        quote! { rt::Route { path: #path, since: #since, until: #until } }
    });
    // Only fields that differ from `Operation::BASE` are written out.
    let since = op.since.map(|v| {
        let v = version_tokens(Some(v));
        quote! { since: #v, }
    });
    let removed = op.removed_in.map(|v| {
        let v = version_tokens(Some(v));
        quote! { removed_in: #v, }
    });
    let replacement = op.replacement.as_ref().map(|r| quote! { replacement: Some(#r), });
    // A hint the API-wide table already gives for the code is found there at run time.
    let same_as_catalog = |code: &str, fix: &str| catalog.iter().any(|c| c.code == code && c.fix == fix);
    let hints: Vec<TokenStream> = op
        .errors
        .iter()
        .filter(|e| !same_as_catalog(&e.code, &e.fix))
        .map(|e| {
            let (c, f) = (&e.code, &e.fix);
            quote! { (#c, #f) }
        })
        .collect();
    let hints = (!hints.is_empty()).then(|| quote! { hints: &[#(#hints),*], });
    let auth = (op.auth != AuthMode::Required).then(|| quote! { auth: rt::Auth::#auth, });
    // Returned as the result, never followed.
    let redirect = (op.response.kind == ResponseKind::Redirect).then(|| quote! { redirect: true, });
    let tus = op.tus.then(|| quote! { tus: true, });
    let session = op.response.session.map(|s| match s {
        SessionChange::Start => quote! { session: Some(rt::SessionChange::Start), },
        SessionChange::End => quote! { session: Some(rt::SessionChange::End), },
    });
    quote! {
        static #stat: rt::Operation = rt::Operation {
            id: #id,
            method: rt::Method::#method,
            routes: &[#(#routes),*],
            #auth
            #since
            #removed
            #replacement
            #hints
            #redirect
            #session
            #tus
            ..crate::BASE
        };
    }
}

fn struct_fields(fields: &[Param], optional_all: bool) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let name = ident(&f.name);
            let wire = &f.name;
            let t = owned_type(f);
            let d = doc(&f.description);
            let rename = (name.to_string().trim_start_matches("r#") != wire).then(|| quote! { #[serde(rename = #wire)] });
            if optional_all || !f.required {
                quote! { #d #rename #[serde(default, skip_serializing_if = "Option::is_none")] pub #name: Option<#t>, }
            } else {
                quote! { #d #rename pub #name: #t, }
            }
        })
        .collect()
}

fn types(r: &Resource, op: &Operation) -> TokenStream {
    let aliases = crate::model::names::former_types(op).into_iter().map(|(former, now)| {
        let (former, now_ident) = (format_ident!("{former}"), format_ident!("{now}"));
        let note = format!("renamed `{now}`, with its operation");
        quote! {
            #[doc = " The former name of a renamed operation's type."]
            #[deprecated(note = #note)]
            pub type #former = #now_ident;
        }
    });
    let aliases: TokenStream = aliases.collect();
    let owner = type_ident(&r.name);
    let method = &op.id;
    let optional = optional_inputs(op);
    let options = has_options(op).then(|| {
        let o = options_ident(op);
        let d = doc(&format!("Optional inputs of [`{owner}::{method}`]; start from `{o}::default()` and chain what you need."));
        let setters = rust::setters(&optional);
        let extra_setter = op.open_body.then(|| {
            quote! {
                /// Adds a field that has no setter of its own; a named field wins over one of these.
                pub fn extra_field(mut self, name: impl Into<String>, value: serde_json::Value) -> Self {
                    self.extra.insert(name.into(), value);
                    self
                }
            }
        });
        let fields = optional.iter().map(|p| {
            let name = ident(&p.name);
            let t = owned_type(p);
            let d = doc(&p.description);
            quote! { #d pub #name: Option<#t>, }
        });
        let extra = op.open_body.then(|| {
            quote! {
                /// Fields to send that have no field of their own here; a named field wins over one of these.
                pub extra: serde_json::Map<String, serde_json::Value>,
            }
        });
        quote! {
            #d
            #[derive(Clone, Debug, Default)]
            #[non_exhaustive]
            pub struct #o { #(#fields)* #extra }

            impl #o {
                #(#setters)*
                #extra_setter
            }
        }
    });
    // The struct's name is the model's (`Operation::reply_type`), which the name table checks.
    let reply = op.reply_type().map(|name| {
        let name = format_ident!("{name}");
        let what = if op.response.shape == Shape::Array { "One item of the reply of" } else { "Reply of" };
        let d = doc(&format!("{what} [`{owner}::{method}`].{}", if op.response.description.is_empty() { String::new() } else { format!("\n\n{}", op.response.description) }));
        let fields = struct_fields(&op.response.fields, false);
        quote! {
            #d
            #[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
            #[non_exhaustive]
            pub struct #name {
                #(#fields)*
                /// Fields the spec does not name, such as ones a newer server added.
                #[serde(flatten)]
                pub extra: serde_json::Map<String, serde_json::Value>,
            }
        }
    });
    quote! { #options #reply #aliases }
}
