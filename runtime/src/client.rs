//! The transport: one `execute` that every generated method goes through.

use crate::auth::{AuthState, Session, SessionTokens};
use crate::error::{parse_api_errors, Error, ErrorCode, Outcome, Result, TimeoutKind};
use crate::operation::{Auth, Method, Operation};
use crate::request::{Body, Part, Request};
use crate::response::Response;
use crate::secret::Secret;
use crate::transport::{self, Activity, Deadline, ReadLimits, RetryPolicy, CallSettings};
use crate::version::{Route, Version};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::future::Future;
use std::marker::PhantomData;
use std::task::Poll;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OnceCell, Semaphore};

/// Requests one client has in flight at most, by default; the rest wait their turn.
pub const DEFAULT_MAX_CONCURRENCY: usize = 32;

/// Redirects followed in a row at most, within the server's origin.
const MAX_REDIRECTS: u32 = 10;

/// Characters a path segment keeps as they are (RFC 3986 unreserved); all else is encoded,
/// so an id like `a/b` stays one segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A connection to one Directus server. Cheap to clone; clones share the login session, the
/// connection pool and the limit on requests in flight.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    settings: Arc<CallSettings>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// The base URL parsed: redirects are followed only within its origin, and each call's URL
    /// is this one with the route's path after `base_path` (see [`Client::url_for`]).
    base: reqwest::Url,
    /// The base URL's path without its trailing `/` (empty for `http://host:port`).
    base_path: String,
    pub(crate) auth: Mutex<AuthState>,
    /// Counts finished refreshes, so callers that waited on one can tell it happened.
    pub(crate) refresh_epoch: AtomicU64,
    version: OnceCell<Version>,
    upload_progress: bool,
    /// Describe requests instead of sending them (`ClientBuilder::dry_run`).
    dry_run: bool,
    /// One permit per request in flight; a reply holds its permit until it has been read.
    limiter: Arc<Semaphore>,
    hooks: Vec<Hook>,
    pub(crate) on_session_change: Option<SessionObserver>,
}

/// What a hook is told after each attempt of a call: the reply's status, or the error when no
/// reply came. Holds no secret, path value or body: the route is the template, and the reply's
/// head has its secrets masked (its `Location` or `Content-Disposition`, when the server sent one,
/// can name what the call addressed).
#[derive(Debug)]
#[non_exhaustive]
pub struct Attempt<'a> {
    pub base_url: &'a str,
    pub operation: &'static Operation,
    /// The route template, e.g. `/items/{collection}/{id}`.
    pub route: &'static str,
    /// 1 for the first attempt.
    pub attempt: u32,
    pub status: Option<u16>,
    /// Why no reply came (a reply with an error status has a status and no error here).
    pub error: Option<&'a Error>,
    /// From the start of this attempt to its reply's head (or its failure).
    pub elapsed: Duration,
    /// The reply's status line and headers, secrets masked; none when no reply came.
    pub reply: Option<crate::ReplyHead<'a>>,
}

/// What a call's span is told at its end, learned on the way: the route the server's version
/// picked and the attempts made. Filled in with or without the `tracing` feature: two stores per
/// call, which spare the code a `cfg` at each.
#[derive(Default)]
pub(crate) struct Trace {
    pub(crate) route: Option<&'static str>,
    pub(crate) attempts: u32,
}

/// A function called after every attempt of every call of one client (and its handles).
pub type Hook = Arc<dyn Fn(&Attempt<'_>) + Send + Sync>;

/// Told the login session's new tokens whenever the client changes them itself (see
/// [`ClientBuilder::on_session_change`]); `None` when the session ended.
pub type SessionObserver = Arc<dyn Fn(Option<&SessionTokens>) + Send + Sync>;

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("server_version", &self.inner.version.get())
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]. `C` is the client type built, so a generated crate can build its own wrapper.
pub struct ClientBuilder<C = Client> {
    url: String,
    token: Option<Secret>,
    session: Option<SessionTokens>,
    version: Option<Version>,
    settings: CallSettings,
    max_concurrency: usize,
    hooks: Vec<Hook>,
    on_session_change: Option<SessionObserver>,
    user_agent: String,
    upload_progress: bool,
    dry_run: bool,
    http: Http,
    root_certificates: Vec<Vec<u8>>,
    _client: PhantomData<fn() -> C>,
}

/// Where the HTTP client comes from.
enum Http {
    /// Built here from scratch.
    Default,
    /// Built here from the caller's builder (proxy, certificates, default headers, …); boxed,
    /// as a builder is large.
    Builder(Box<reqwest::ClientBuilder>),
    /// The caller's, used as it is.
    Client(reqwest::Client),
}

impl<C: From<Client>> ClientBuilder<C> {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            token: None,
            session: None,
            version: None,
            settings: CallSettings::default(),
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            hooks: Vec::new(),
            on_session_change: None,
            user_agent: concat!("directus-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            upload_progress: false,
            dry_run: false,
            http: Http::Default,
            root_certificates: Vec::new(),
            _client: PhantomData,
        }
    }

    /// A static token (a user's token field, or an access token from elsewhere).
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.token = Some(token.into());
        self.session = None;
        self
    }

    /// A login session stored earlier ([`Client::session_tokens`]); refreshed when it is due.
    pub fn session(mut self, tokens: SessionTokens) -> Self {
        self.session = Some(tokens);
        self.token = None;
        self
    }

    /// The server's Directus version, when known; otherwise it is read from `GET /server/info`
    /// the first time an operation that differs between versions is called.
    pub fn server_version(mut self, version: Version) -> Self {
        self.version = Some(version);
        self
    }

    /// A limit on each whole call, retries and reply included (not the body of a streamed upload
    /// or download). None by default: the idle timeout catches a stalled server.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.total_timeout = Some(timeout);
        self
    }

    /// How long making a connection may take. Default 10 s; capped at the idle timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// How long a call may go without a byte moving either way (a stalled server). Default 60 s.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.settings.idle_timeout = timeout;
        self
    }

    /// A limit on each attempt of a call that is not streamed. None by default.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.settings.attempt_timeout = Some(timeout);
        self
    }

    /// When failed calls are tried again; [`RetryPolicy::none`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// The largest JSON reply read into memory, in bytes. Default 256 MiB.
    pub fn max_reply_size(mut self, bytes: u64) -> Self {
        self.settings.max_reply_size = bytes;
        self
    }

    /// Items per request when a list is read whole, with a list call's `.stream()` or `.all()`.
    /// Default 100.
    pub fn page_size(mut self, items: u32) -> Self {
        self.settings.page_size = items.max(1);
        self
    }

    /// Bytes per request of a resumable upload. Default 8 MiB; at least 1 byte.
    pub fn upload_chunk_size(mut self, bytes: usize) -> Self {
        self.settings.upload_chunk_size = bytes.max(1);
        self
    }

    /// Calls `hook` after every attempt of every call, with the operation, status or error, and
    /// time taken: for metrics, logs or test coverage. Several hooks run in the order added.
    pub fn hook(mut self, hook: impl Fn(&Attempt<'_>) + Send + Sync + 'static) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Calls `observer` with the session's new tokens each time the client changes them itself:
    /// a login, every refresh (a refresh token works once, so a stored session must be replaced
    /// by the new one before the next start of the program), and `None` at logout. It runs
    /// while the session is locked, so calls see the tokens in the order they were made: keep it
    /// short (store the tokens, or send them to a task) and do not call the client from it.
    /// [`Client::restore_session`] and [`Client::set_token`] do not call it: their caller knows.
    ///
    /// ```no_run
    /// # fn store(_: String) {}
    /// let client = directus_runtime::Client::builder("http://127.0.0.1:8055")
    ///     .on_session_change(|tokens| match tokens {
    ///         Some(t) => store(serde_json::to_string(t).expect("tokens are JSON")),
    ///         None => store(String::new()),
    ///     })
    ///     .build()?;
    /// # Ok::<(), directus_runtime::Error>(())
    /// ```
    pub fn on_session_change(mut self, observer: impl Fn(Option<&SessionTokens>) + Send + Sync + 'static) -> Self {
        self.on_session_change = Some(Arc::new(observer));
        self
    }

    /// All the call settings at once.
    pub fn call_settings(mut self, settings: CallSettings) -> Self {
        self.settings = settings;
        self
    }

    /// How many requests the client has in flight at most (and so how many connections it
    /// opens); further calls wait their turn. Default 32. A reply that has not been read (a
    /// [`crate::Download`] not yet saved) keeps its place until it is read or dropped.
    pub fn max_concurrency(mut self, requests: usize) -> Self {
        self.max_concurrency = requests.max(1);
        self
    }

    /// Describe each request instead of sending it: every call returns [`Error::DryRun`] with the
    /// method, URL and body, secrets masked. Nothing is sent, not even a version lookup or a
    /// token refresh (the CLI's `--dry-run`).
    pub fn dry_run(mut self, on: bool) -> Self {
        self.dry_run = on;
        self
    }

    /// Show upload progress on stderr (the CLI turns this on when stderr is a terminal).
    pub fn upload_progress(mut self, on: bool) -> Self {
        self.upload_progress = on;
        self
    }

    /// The `User-Agent` header of every request. Default: `directus-rs/<runtime version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Builds the HTTP client from `builder`, so what it sets (a proxy, client certificates,
    /// default headers, TLS settings, local address) holds for every call. The client then sets
    /// its own connect timeout, pool size, user agent and redirect policy (none: the client
    /// follows redirects itself, within the server's origin) on top.
    pub fn http_client_builder(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Http::Builder(Box::new(builder));
        self
    }

    /// Uses `client` as it is for every request: the connect timeout, pool size, user agent
    /// and root certificates set here do not apply to it (the other timeouts, retries, limits
    /// and the concurrency limit do). Build it with
    /// `.redirect(reqwest::redirect::Policy::none())`: the client follows redirects itself, only
    /// within the server's origin, and hands some back as results (the SSO start); a client
    /// that follows them on its own defeats both. Prefer [`Self::http_client_builder`].
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Http::Client(client);
        self
    }

    /// Trusts the certificates in `pem` (one or more PEM `CERTIFICATE` blocks) as roots, beside
    /// the built-in ones: for a server whose certificate a private CA signed. A PEM that holds no
    /// readable certificate makes [`Self::build`] fail with the reason.
    ///
    /// The built-in roots are Mozilla's (webpki-roots); the `native-roots` feature adds the
    /// operating system's.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    pub fn build(self) -> Result<C> {
        let invalid = |message: String| Error::InvalidInput { operation: "client", message };
        let base_url = self.url.trim_end_matches('/').to_owned();
        let shown = without_credentials(&base_url);
        let parsed =
            reqwest::Url::parse(&base_url).map_err(|e| invalid(format!("`{shown}` is not a URL ({e}); expected e.g. http://127.0.0.1:8055")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid(format!("`{shown}` must start with http:// or https://")));
        }
        // Routes are appended to the base URL as text, so anything after the path would swallow
        // them: with `http://h/?x=` every request goes to `/?x=/items/...`, the server's root.
        // Credentials in the URL would be sent as Basic auth to every route and shown in
        // messages that quote the URL; Directus takes a token or a login instead. The example
        // is rebuilt from the parsed parts, so a password never appears in the message.
        let plain = format!(
            "{}://{}{}{}",
            parsed.scheme(),
            parsed.host_str().unwrap_or("127.0.0.1"),
            parsed.port().map(|p| format!(":{p}")).unwrap_or_default(),
            parsed.path().trim_end_matches('/')
        );
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(invalid(format!(
                "the server URL holds a user name or password (`user:pass@`), which would be sent to every \
                 route and shown in messages; give the address alone, e.g. {plain}, and a token or login for the credentials"
            )));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            let what = if parsed.query().is_some() { "a query (`?…`)" } else { "a fragment (`#…`)" };
            return Err(invalid(format!(
                "`{base_url}` has {what}; the routes are appended to the base URL, so every request would go to \
                 the wrong place; give the address alone, e.g. {plain}"
            )));
        }
        if matches!(self.http, Http::Client(_)) && !self.root_certificates.is_empty() {
            return Err(invalid(
                "root certificates cannot be added to a reqwest::Client given with http_client; add them to its \
                 builder, or give the builder with http_client_builder"
                    .into(),
            ));
        }
        let mut roots = Vec::new();
        for (i, pem) in self.root_certificates.iter().enumerate() {
            let which = format!("root certificate {} of {}", i + 1, self.root_certificates.len());
            match reqwest::Certificate::from_pem_bundle(pem) {
                Ok(certs) if !certs.is_empty() => {
                    // Each is checked alone (without the built-in roots, so it is quick), so a bad
                    // one is named here rather than failing the client's TLS setup.
                    for cert in &certs {
                        reqwest::Client::builder()
                            .tls_built_in_root_certs(false)
                            .add_root_certificate(cert.clone())
                            .build()
                            .map_err(|e| invalid(format!("{which} is not a usable certificate: {}", error_chain(&e))))?;
                    }
                    roots.extend(certs)
                }
                Ok(_) => return Err(invalid(format!("{which} holds no PEM certificate (a `-----BEGIN CERTIFICATE-----` block)"))),
                Err(e) => return Err(invalid(format!("{which} is not a readable PEM certificate: {}", error_chain(&e)))),
            }
        }
        let http = match self.http {
            Http::Client(client) => client,
            other => {
                let builder = match other {
                    Http::Builder(b) => *b,
                    _ => reqwest::Client::builder(),
                };
                let builder = roots.into_iter().fold(builder, reqwest::ClientBuilder::add_root_certificate);
                builder
                    // Only the connect timeout is reqwest's: the others are the runtime's, which can
                    // tell which one fired, and leave streamed transfers uncapped.
                    .connect_timeout(self.settings.connect_timeout.min(self.settings.idle_timeout))
                    // No more idle connections than requests in flight, so the pool cannot grow past
                    // the limit over time.
                    .pool_max_idle_per_host(self.max_concurrency)
                    .user_agent(self.user_agent)
                    // Redirects are the runtime's to follow (or refuse, or hand back: SSO start), by origin.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| invalid(format!("the HTTP client could not be set up: {}", error_chain(&e))))?
            }
        };
        let auth = match (self.token, self.session) {
            (Some(t), _) => AuthState::Static(t),
            (None, Some(tokens)) => AuthState::Session(Session::from_tokens(tokens)),
            (None, None) => AuthState::Anonymous,
        };
        let version = match self.version {
            Some(v) => OnceCell::new_with(Some(v)),
            None => OnceCell::new(),
        };
        let inner = Inner {
            http,
            base_path: parsed.path().trim_end_matches('/').to_owned(),
            base: parsed,
            base_url,
            auth: Mutex::new(auth),
            refresh_epoch: AtomicU64::new(0),
            version,
            upload_progress: self.upload_progress,
            dry_run: self.dry_run,
            limiter: Arc::new(Semaphore::new(self.max_concurrency)),
            hooks: self.hooks,
            on_session_change: self.on_session_change,
        };
        Ok(C::from(Client { inner: Arc::new(inner), settings: Arc::new(self.settings) }))
    }
}

impl Client {
    /// A client without credentials: log in (the generated client's `login`) or use
    /// [`ClientBuilder::token`].
    pub fn new(url: impl Into<String>) -> Result<Self> {
        ClientBuilder::new(url).build()
    }

    pub fn builder(url: impl Into<String>) -> ClientBuilder<Self> {
        ClientBuilder::new(url)
    }

    /// Whether this client describes requests instead of sending them
    /// ([`ClientBuilder::dry_run`]).
    pub fn is_dry_run(&self) -> bool {
        self.inner.dry_run
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// This handle's call settings.
    pub fn call_settings(&self) -> &CallSettings {
        &self.settings
    }

    /// A handle that shares this client's session, connections and concurrency limit, with other
    /// call settings: e.g. a longer total timeout or no retries for some calls. The connect
    /// timeout belongs to the connections and stays as built.
    pub fn with_call_settings(&self, settings: CallSettings) -> Client {
        Client { inner: self.inner.clone(), settings: Arc::new(settings) }
    }

    /// The server's version: configured, or read once from `GET /server/info`
    /// (which reports it to any logged-in user).
    pub async fn server_version(&self) -> Result<Version> {
        self.inner
            .version
            .get_or_try_init(|| async {
                // Boxed: `execute` may call back into here to pick a route.
                let reply: serde_json::Value =
                    Box::pin(self.execute(Request::new(&SERVER_INFO))).await?.data().await?;
                let text = reply.get("version").and_then(|v| v.as_str()).ok_or_else(|| Error::InvalidInput {
                    operation: SERVER_INFO.id,
                    message: "the server did not report its version (it does so only to a logged-in user); \
                              log in first, or give it (the CLI's --server-version or DIRECTUS_SERVER_VERSION, ClientBuilder::server_version)"
                        .into(),
                })?;
                text.parse().map_err(|e: crate::version::ParseVersionError| {
                    Error::decode(SERVER_INFO.id, 200, e.to_string(), text.as_bytes())
                })
            })
            .await
            .copied()
    }

    /// Sends a request built by generated code and checks the status, retrying as the
    /// client's [`CallSettings`] say.
    ///
    /// With the `tracing` feature, each call is a `directus.call` span (target `directus`, level
    /// `debug`) with the operation id, method, route template, and at the end the status, attempts
    /// and duration (`duration_us`); each attempt is a `trace` event in it. Never the filled path,
    /// the query, a body or a token: only what the descriptor holds, so no key or secret can show.
    /// `debug`, as HTTP libraries keep per-request spans (hyper, tower-http): an application
    /// logging at `info` pays one level check per call; any span recorded costs more than the 5 %
    /// of a loopback request the client may add (BENCHMARKS.md), so `directus=debug` opts in.
    ///
    /// A reply of an operation that starts or ends a login session ([`Operation::session`])
    /// changes the client's credentials (see `auth.rs`).
    pub async fn execute(&self, req: Request) -> Result<Response> {
        if req.op.session.is_some() {
            // Boxed: logins and logouts are rare, and every call's future would carry their room.
            return Box::pin(self.execute_session(req)).await;
        }
        self.execute_traced(req).await
    }

    pub(crate) async fn execute_traced(&self, req: Request) -> Result<Response> {
        let mut trace = Trace::default();
        #[cfg(feature = "tracing")]
        {
            let op = req.op;
            // The route is recorded with the span when the operation has only one (nearly all do);
            // otherwise once the server's version has picked it.
            let single = match op.routes {
                [only] => Some(only.path),
                _ => None,
            };
            let span = tracing::debug_span!(
                target: "directus",
                "directus.call",
                operation = op.id,
                method = op.method.as_str(),
                route = single,
                status = tracing::field::Empty,
                attempts = tracing::field::Empty,
                error_class = tracing::field::Empty,
                outcome = tracing::field::Empty,
                duration_us = tracing::field::Empty,
            );
            // Nobody listens (no subscriber, or one that filters the span out): nothing to
            // enter on every poll, nothing to record.
            if span.is_disabled() {
                return self.execute_inner(req, &mut trace).await;
            }
            let started = std::time::Instant::now();
            // In the span while it runs (what `Instrument` does), so the attempt events, a token
            // refresh or version lookup it causes, and whatever hyper or a hook logs, are the
            // call's; polled through a borrow, so the span is not cloned and closed once more.
            let result = {
                let mut call = std::pin::pin!(self.execute_inner(req, &mut trace));
                std::future::poll_fn(|cx| {
                    let _entered = span.enter();
                    std::future::Future::poll(call.as_mut(), cx)
                })
                .await
            };
            if single.is_none() {
                if let Some(route) = trace.route {
                    span.record("route", route);
                }
            }
            if trace.attempts > 0 {
                span.record("attempts", trace.attempts);
            }
            // Whole microseconds, an integer: a subscriber formats a float several times slower
            // (callgrind), and milliseconds would round a loopback call to 0.
            span.record("duration_us", started.elapsed().as_micros() as u64);
            match &result {
                Ok(reply) => {
                    span.record("status", reply.status());
                }
                Err(e) => {
                    if let Some(status) = e.status() {
                        span.record("status", status);
                    }
                    span.record("error_class", tracing::field::debug(e.class()));
                    span.record("outcome", tracing::field::debug(e.outcome()));
                }
            }
            result
        }
        #[cfg(not(feature = "tracing"))]
        self.execute_inner(req, &mut trace).await
    }

    async fn execute_inner(&self, req: Request, trace: &mut Trace) -> Result<Response> {
        let op = req.op;
        let known = self.inner.version.get().is_some();
        match self.send(req, trace).await {
            // The version is not read before every call (`Operation::needs_version`), so a server
            // older than the operation answers 404 ROUTE_NOT_FOUND; read it now and say so.
            Err(e) if !known && op.since.is_some() && e.status() == Some(404) && e.code() == Some(&ErrorCode::RouteNotFound) => {
                // Boxed, as a version lookup is a call of its own: the future of every call
                // would otherwise carry room for it.
                match Box::pin(self.server_version()).await {
                    Ok(version) if op.since.is_some_and(|s| version < s) => Err(Error::Unsupported {
                        operation: op.id,
                        server_version: version,
                        since: op.since,
                        removed_in: None,
                        replacement: op.replacement,
                    }),
                    _ => Err(e),
                }
            }
            other => other,
        }
    }

    async fn send(&self, req: Request, trace: &mut Trace) -> Result<Response> {
        let op = req.op;
        if let Some(message) = req.invalid {
            return Err(Error::InvalidInput { operation: op.id, message });
        }
        let settings = self.settings.clone();
        let total = settings.total_timeout.map(|t| Deadline::after(t, TimeoutKind::Total));
        let activity = Arc::new(Activity::new());
        if self.inner.dry_run {
            return Err(Box::pin(self.dry_run(&req)).await);
        }
        // Local files are checked (and opened) before anything goes out, even a version lookup
        // or a token refresh: a path that is not a readable file is the caller's mistake, and
        // finding it mid-upload would look like a broken connection.
        // `whole`: a body sent in one piece with its content type (JSON, or a tus chunk).
        let (whole, parts, mut form) = match req.body {
            Body::None => (None, None, None),
            Body::Json(v) => {
                let bytes = serde_json::to_vec(&v)
                    .map_err(|e| Error::InvalidInput { operation: op.id, message: format!("the body could not be encoded: {e}") })?;
                (Some((bytes::Bytes::from(bytes), "application/json")), None, None)
            }
            Body::Chunk(bytes) => (Some((bytes, crate::tus::CHUNK_TYPE)), None, None),
            Body::Multipart(parts) => {
                // Boxed, here and below: the future of every call would otherwise carry room for
                // opening and checking files, which only uploads do.
                let form = Box::pin(multipart(op, &parts, self.inner.upload_progress, &activity)).await?;
                (None, Some(parts), Some(form))
            }
        };
        // An upload's body is streamed: no total or per-attempt cap, only the idle timeout.
        let streamed = parts.is_some();
        let route = self.pick_route(op).await?;
        trace.route = Some(route.path);
        let url = self.url_for(op, route.path, &req.path_params)?;
        let method = reqwest::Method::from_bytes(op.method.as_str().as_bytes())
            .map_err(|e| Error::InvalidInput { operation: op.id, message: e.to_string() })?;
        let mut attempt = 0;
        let mut refreshed = false;
        // Where a redirect within the server's origin sent the call, and how many in a row.
        let mut hop: Option<reqwest::Url> = None;
        let mut hops = 0;
        loop {
            attempt += 1;
            trace.attempts = attempt;
            // The token first, then a place among the requests in flight: a refresh is a request
            // too, and must not wait behind calls that wait for it.
            let token = if op.auth != Auth::None { self.bearer(op).await? } else { None };
            let permit = self.inner.limiter.clone().acquire_owned().await.expect("the limiter is never closed");
            let deadline = if streamed {
                None
            } else {
                Deadline::earliest(total, settings.attempt_timeout.map(|t| Deadline::after(t, TimeoutKind::Attempt)))
            };
            let limits = ReadLimits { op: op.id, method: op.method, idle: settings.idle_timeout, deadline };
            let mut builder = match &hop {
                // A redirect's Location carries its own query.
                Some(to) => self.inner.http.request(method.clone(), to.clone()),
                None if req.query.is_empty() => self.inner.http.request(method.clone(), url.clone()),
                None => self.inner.http.request(method.clone(), url.clone()).query(&req.query),
            };
            if let Some(token) = &token {
                if let Some(problem) = token_problem(token.expose()) {
                    return Err(Error::InvalidInput { operation: op.id, message: problem });
                }
                builder = builder.bearer_auth(token.expose());
            }
            if let Some((bytes, content_type)) = &whole {
                builder = builder.header(reqwest::header::CONTENT_TYPE, *content_type).body(bytes.clone());
            }
            if op.tus {
                builder = builder.header(crate::tus::VERSION_HEADER, crate::tus::VERSION);
            }
            for (name, value) in &req.headers {
                builder = builder.header(*name, value);
            }
            if let Some(parts) = &parts {
                let form = match form.take() {
                    Some(f) => f,
                    None => Box::pin(multipart(op, parts, self.inner.upload_progress, &activity)).await?,
                };
                builder = builder.multipart(form);
            }
            activity.touch();
            let began = std::time::Instant::now();
            // Polled in place, like `tokio::select!` (see `ReadLimits::chunk`).
            let mut reply = std::pin::pin!(builder.send());
            let mut stalled = std::pin::pin!(activity.stalled(settings.idle_timeout));
            let mut reached = std::pin::pin!(Deadline::reached(deadline));
            let sent = std::future::poll_fn(|cx| {
                if let Poll::Ready(reply) = reply.as_mut().poll(cx) {
                    // A secret the server reads only from the query stays out of the error's URL.
                    // (Errors reading a reply's body carry no URL in reqwest.)
                    return Poll::Ready(reply.map_err(|mut e| {
                        if let Some(url) = e.url_mut() {
                            crate::request::mask_query(url, &req.secret_query);
                        }
                        self.send_error(op, e)
                    }));
                }
                if stalled.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Err(timeout(op, TimeoutKind::Idle, settings.idle_timeout)));
                }
                match reached.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        let d = deadline.expect("only a deadline completes");
                        Poll::Ready(Err(timeout(op, d.kind, d.limit)))
                    }
                    Poll::Pending => Poll::Pending,
                }
            })
            .await;
            let report = |status: Option<u16>, error: Option<&Error>, reply: Option<crate::ReplyHead<'_>>| {
                // An event in the call's span, at `trace`: a subscriber at `debug` (which records
                // the spans) skips it at the cost of one check.
                #[cfg(feature = "tracing")]
                {
                    let class = error.map(|e| tracing::field::debug(e.class()));
                    let elapsed_us = began.elapsed().as_micros() as u64;
                    tracing::trace!(target: "directus", attempt, status, error_class = class, elapsed_us, "attempt");
                }
                for hook in &self.inner.hooks {
                    let base_url = &self.inner.base_url;
                    hook(&Attempt { base_url, operation: op, route: route.path, attempt, status, error, elapsed: began.elapsed(), reply });
                }
            };
            if let Err(e) = &sent {
                report(None, Some(e), None);
            }
            let (err, retry_after) = match sent {
                Ok(mut reply) => {
                    let status = reply.status();
                    report(Some(status.as_u16()), None, Some(crate::ReplyHead::of(&reply)));
                    if let Some(observe) = OBSERVER.get() {
                        observe(&self.inner.base_url, op, status.as_u16());
                    }
                    if status.is_success() || (status.is_redirection() && op.redirect) {
                        return Ok(Response::new(op, reply, limits, settings.max_reply_size, permit));
                    }
                    if status.is_redirection() {
                        match self.redirect_target(op, &reply, hops) {
                            Ok(next) => {
                                // Not another attempt: the same one, somewhere else.
                                drop(reply);
                                drop(permit);
                                hop = Some(next);
                                hops += 1;
                                attempt -= 1;
                                continue;
                            }
                            Err(e) => (e, None),
                        }
                    } else {
                        let retry_after = transport::retry_after(reply.headers());
                        // Boxed: reading an error body is the rarer way, and large.
                        let err = Box::pin(error_reply(op, &mut reply, &limits, retry_after, token.is_none())).await;
                        (err, retry_after)
                    }
                }
                Err(e) => (e, None),
            };
            drop(permit);
            // An access token that expired on the way (a sleeping laptop, a clock off): one
            // refresh, shared with every call that hit the same, and one more try.
            if !refreshed && err.code() == Some(&ErrorCode::TokenExpired) {
                if let Some(sent) = &token {
                    // Boxed: a refresh is a call of its own, and rare.
                    if Box::pin(self.refresh_expired(op, sent)).await? {
                        refreshed = true;
                        attempt -= 1;
                        continue;
                    }
                }
            }
            match settings.retry.delay(op.method, &err, retry_after, attempt, total.map(|d| d.at)) {
                Some(wait) => tokio::time::sleep(wait).await,
                None => return Err(interrupted_upload(op, parts.as_deref(), err)),
            }
        }
    }

    /// Where a redirect reply sends the call, if the client follows it: only a GET, only within
    /// the server's origin (scheme, host and port), so the token never goes anywhere else, and at
    /// most [`MAX_REDIRECTS`] in a row. Anything else is [`Error::Redirect`] with the Location.
    fn redirect_target(&self, op: &'static Operation, reply: &reqwest::Response, hops: u32) -> Result<reqwest::Url> {
        let status = reply.status().as_u16();
        let location = reply.headers().get(reqwest::header::LOCATION).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let refuse = |location: &str, why: &'static str| Error::Redirect { operation: op.id, status, location: location.to_owned(), why };
        let Some(location) = location else {
            return Err(refuse("", "the reply has no Location header"));
        };
        let next = reply.url().join(&location).map_err(|_| refuse(&location, "its Location is not a URL"))?;
        if op.method != Method::Get {
            return Err(refuse(&location, "only GET requests are followed, since others may not be repeated"));
        }
        if next.origin() != self.inner.base.origin() {
            return Err(refuse(
                &location,
                "it leads away from the server's origin (scheme, host and port), and the token must not go there",
            ));
        }
        // A server under a path (`https://host/directus`) may share its origin with other
        // applications, which must not get the token either.
        let prefix = self.inner.base_path.as_str();
        let within = prefix.is_empty() || next.path() == prefix || next.path().strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'));
        if !within {
            return Err(refuse(&location, "it leads out of the server's path (the base URL's), and the token must not go there"));
        }
        if hops >= MAX_REDIRECTS {
            return Err(refuse(&location, "it is the 11th redirect in a row"));
        }
        Ok(next)
    }

    /// What a failed `send` means: a connection that could not be made sent nothing; anything
    /// else happened after the request may have gone out.
    fn send_error(&self, op: &'static Operation, source: reqwest::Error) -> Error {
        if source.is_connect() {
            if source.is_timeout() {
                let after = self.settings.connect_timeout.min(self.settings.idle_timeout);
                return Error::Timeout { operation: op.id, kind: TimeoutKind::Connect, after, outcome: Outcome::NotSent, method: op.method };
            }
            return Error::Transport { operation: op.id, source, outcome: Outcome::NotSent, method: op.method };
        }
        if source.is_builder() {
            // Nothing was sent, and sending again would fail the same way: a value the request
            // cannot carry (a header with a line break, a URL too long for HTTP), not the network.
            // Without the URL: it may be the 100 KB value itself, or carry a secret query.
            let why = error_chain(&source.without_url());
            let message = format!("the request could not be made from the values given ({why}); check them, e.g. a key far too long for a URL");
            return Error::InvalidInput { operation: op.id, message };
        }
        Error::Transport { operation: op.id, source, outcome: Outcome::Unknown, method: op.method }
    }

    /// Reports a composite operation (one made of others) as done, to the observer.
    /// A call to a route the spec lacks (an extension's endpoint, a route newer than this client):
    /// `path` is a template whose `{name}` placeholders `.path(name, value)` fills; add `.query`
    /// and `.json` as needed, then await it for the reply's `data` as `serde_json::Value`, or
    /// `.decode::<T>()` it, or `.bare()` when the reply has no `data` envelope. It goes through
    /// everything generated calls do (auth, refresh, retries for idempotent methods, limits,
    /// hooks); errors name the operation `custom`.
    ///
    /// Put values in `{placeholders}`, not into the template: each distinct template is kept for
    /// the life of the process, and after
    /// [`CUSTOM_TEMPLATES`](crate::CUSTOM_TEMPLATES) of them a call with a new one fails
    /// as [`Error::InvalidInput`](crate::Error::InvalidInput) without being sent.
    ///
    /// ```no_run
    /// # async fn f(client: directus_runtime::Client) -> directus_runtime::Result<()> {
    /// use directus_runtime::Method;
    /// let snapshot: serde_json::Value = client.custom(Method::Get, "/schema/snapshot").await?;
    /// let item: serde_json::Value = client.custom(Method::Get, "/items/{collection}/{id}").path("collection", "articles").path("id", 1).await?;
    /// # let _ = (snapshot, item); Ok(()) }
    /// ```
    pub fn custom(&self, method: Method, path: &str) -> crate::Call<serde_json::Value> {
        crate::Call::new(self, Request::custom(method, path))
    }

    pub fn record_composite(&self, op: &'static Operation) {
        if let Some(observe) = OBSERVER.get() {
            observe(&self.inner.base_url, op, 200);
        }
    }

    /// What a request would be, secrets masked, without sending it or anything else (no version
    /// lookup, no token refresh).
    async fn dry_run(&self, req: &Request) -> Error {
        let op = req.op;
        let known = self.inner.version.get().is_some();
        let route = if known || !op.needs_version() {
            match self.pick_route(op).await {
                Ok(r) => r,
                Err(e) => return e,
            }
        } else {
            // The newest route; the server's version would pick, but reading it is a request.
            match op.routes.last() {
                Some(r) => r,
                None => return Error::InvalidInput { operation: op.id, message: "the operation has no route".into() },
            }
        };
        let mut url = match self.url_for(op, route.path, &req.path_params) {
            Ok(u) => u,
            Err(e) => return e,
        };
        if !req.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&req.query);
        }
        req.mask_url(&mut url);
        let mut text = format!("{} {url}\n", op.method.as_str());
        if op.auth != Auth::None && !matches!(*self.session().await, AuthState::Anonymous) {
            text += &format!("Authorization: Bearer {}\n", crate::mask::MASK);
        }
        if op.tus {
            text += &format!("{}: {}\n", crate::tus::VERSION_HEADER, crate::tus::VERSION);
        }
        for (name, value) in &req.headers {
            text += &format!("{name}: {value}\n");
        }
        match &req.body {
            Body::None => {}
            Body::Chunk(bytes) => text += &format!("Content-Type: {}\n\n({} bytes of the file)\n", crate::tus::CHUNK_TYPE, bytes.len()),
            Body::Json(v) => {
                let mut v = v.clone();
                if let serde_json::Value::Object(map) = &mut v {
                    for (k, value) in map.iter_mut() {
                        if req.secrets.iter().any(|s| s == k) {
                            *value = serde_json::Value::String(crate::mask::MASK.into());
                        }
                    }
                }
                // And what the spec cannot name: secrets inside a body the caller wrote.
                crate::mask::json_value(&mut v);
                text += "Content-Type: application/json\n\n";
                text += &serde_json::to_string_pretty(&v).unwrap_or_default();
                text += "\n";
            }
            Body::Multipart(parts) => {
                text += "Content-Type: multipart/form-data\n\n";
                for part in parts {
                    match part {
                        Part::Text(name, _) if req.secrets.iter().any(|s| s == name) || crate::mask::is_secret_name(name) => {
                            text += &format!("{name}: {}\n", crate::mask::MASK)
                        }
                        Part::Text(name, value) => text += &format!("{name}: {value}\n"),
                        Part::File(name, upload) => text += &format!("{name}: {}\n", upload.describe()),
                    }
                }
            }
        }
        if !known && route.since.is_some() {
            text += &format!("(the route of Directus {} and later; --server-version picks another)\n", route.since.map(|v| v.to_string()).unwrap_or_default());
        }
        Error::DryRun { operation: op.id, request: text }
    }

    async fn pick_route(&self, op: &'static Operation) -> Result<&'static Route> {
        let version = if op.needs_version() {
            match self.inner.version.get() {
                Some(v) => *v,
                // Boxed: a lookup is a call of its own, done once per client.
                None => Box::pin(self.server_version()).await?,
            }
        } else {
            match self.inner.version.get() {
                Some(v) => *v,
                None => {
                    return op.routes.first().ok_or_else(|| Error::InvalidInput {
                        operation: op.id,
                        message: "the operation has no route".into(),
                    })
                }
            }
        };
        let unsupported = |since, removed_in| Error::Unsupported {
            operation: op.id,
            server_version: version,
            since,
            removed_in,
            replacement: op.replacement,
        };
        if let Some(removed) = op.removed_in.filter(|r| version >= *r) {
            return Err(unsupported(None, Some(removed)));
        }
        if let Some(since) = op.since.filter(|s| version < *s) {
            return Err(unsupported(Some(since), None));
        }
        op.routes.iter().find(|r| r.serves(version)).ok_or_else(|| unsupported(op.since, op.removed_in))
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// A call's URL: the server's, parsed once when the client was built, with the route's path
    /// (its parameters filled in) after the base path. The same URL as parsing `base_url` and
    /// the path as one text (the path goes through the same parser), without reading the scheme
    /// and host again on every call: that parse, host and IDNA checks included, took about 6,000
    /// instructions, a tenth of what a loopback request costs the client (callgrind).
    fn url_for(&self, op: &'static Operation, template: &str, params: &[(&'static str, String)]) -> Result<reqwest::Url> {
        let path = fill_path(op, &self.inner.base_path, template, params)?;
        let mut url = self.inner.base.clone();
        url.set_path(&path);
        Ok(url)
    }

    pub(crate) async fn session(&self) -> tokio::sync::MutexGuard<'_, AuthState> {
        self.inner.auth.lock().await
    }

    /// Replaces the credentials, e.g. after a login.
    pub(crate) async fn set_auth(&self, state: AuthState) {
        *self.inner.auth.lock().await = state;
    }

    pub(crate) async fn set_session(&self, session: Session) {
        self.set_auth(AuthState::Session(session)).await;
    }
}

/// Directus answers an anonymous request for something protected with 403 FORBIDDEN, the same
/// as for a missing item, so say that no token went with it.
const NO_TOKEN_HINT: &str = "no token was sent with this request: set DIRECTUS_TOKEN (or --token-stdin) for the CLI, or use Client::with_token or log in";

/// An error and its causes, on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut inner = e.source();
    while let Some(cause) = inner {
        text += &format!(": {cause}");
        inner = cause.source();
    }
    text
}

/// `err` as an interrupted upload when a file was being sent and the server may have got part of
/// it: the caller learns that a partial file record may exist, and how to find it.
fn interrupted_upload(op: &'static Operation, parts: Option<&[Part]>, err: Error) -> Error {
    let file = parts.unwrap_or_default().iter().find_map(|p| match p {
        Part::File(_, upload) => Some(upload),
        Part::Text(..) => None,
    });
    match file {
        Some(upload) if err.outcome() == Outcome::Unknown => Error::UploadInterrupted {
            operation: op.id,
            filename: upload.given_name().unwrap_or_else(|| "file".into()),
            method: op.method,
            source: Box::new(err),
        },
        _ => err,
    }
}

/// A time limit that fired before the reply's status came.
fn timeout(op: &'static Operation, kind: TimeoutKind, after: Duration) -> Error {
    Error::Timeout { operation: op.id, kind, after, outcome: Outcome::Unknown, method: op.method }
}

/// The error an error status stands for, from at most [`transport::MAX_ERROR_BODY`] of its body.
/// `anonymous`: no token was sent, which is the likely reason for a 401 or 403.
async fn error_reply(op: &'static Operation, reply: &mut reqwest::Response, limits: &ReadLimits, retry_after: Option<Duration>, anonymous: bool) -> Error {
    let code = reply.status().as_u16();
    let (body, cut) = match limits.body_prefix(reply, transport::MAX_ERROR_BODY).await {
        Ok(read) => read,
        Err(e) => return e,
    };
    let errors = if cut { None } else { parse_api_errors(&body) };
    match errors {
        _ if code == 429 => Error::RateLimited { operation: op.id, retry_after, errors: errors.unwrap_or_default() },
        Some(errors) => {
            let hint = if anonymous && matches!(code, 401 | 403) {
                Some(NO_TOKEN_HINT)
            } else {
                errors.first().and_then(|e| op.hint(e.code.as_str()))
            };
            Error::Api { operation: op.id, status: code, errors, hint }
        }
        None if cut => Error::decode(op.id, code, "an error status whose body is over 1 MiB (only its start was read)", &body),
        None => Error::decode(op.id, code, "an error status without Directus's error list", &body),
    }
}

/// Called after every reply with the server's base URL, the operation and the status.
pub type Observer = fn(&str, &Operation, u16);

static OBSERVER: std::sync::OnceLock<Observer> = std::sync::OnceLock::new();

/// Sets a process-wide function called after every reply, for metrics or test coverage. It can be
/// set once; later calls return false and change nothing.
pub fn set_observer(observer: Observer) -> bool {
    OBSERVER.set(observer).is_ok()
}

/// `GET /server/info`, used to learn the server's version.
static SERVER_INFO: Operation = Operation {
    id: "server.info",
    routes: &[Route::new("/server/info")],
    auth: Auth::Optional,
    ..Operation::BASE
};

/// A URL as text, with any `user:password@` before the host shown as `***@`: the text may not
/// parse as a URL, which is why it is being shown.
fn without_credentials(url: &str) -> std::borrow::Cow<'_, str> {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..].find(['/', '?', '#']).map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..]).into(),
        None => url.into(),
    }
}

/// Why a token cannot go into an `Authorization` header, without quoting it: a token read from
/// a file with Windows line ends carries a `\r`, which would otherwise fail as a network error.
pub(crate) fn token_problem(token: &str) -> Option<String> {
    let (at, c) = token.char_indices().find(|(_, c)| !(c.is_ascii_graphic() || *c == ' '))?;
    let what = match c {
        '\r' => "a carriage return (\\r; a file with Windows line ends? remove it, e.g. with `tr -d '\\r'`)".to_owned(),
        '\n' => "a line break (\\n; remove it)".to_owned(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("the non-ASCII character U+{:04X}, which HTTP headers cannot carry", c as u32),
    };
    Some(format!("the access token holds {what} at character {}; check where it comes from (DIRECTUS_TOKEN, --token-stdin, the profile)", token[..at].chars().count() + 1))
}

/// `prefix` (the base URL's path), then `template` with its `{name}`s replaced by `params`,
/// percent-encoded.
fn fill_path(op: &Operation, prefix: &str, template: &str, params: &[(&'static str, String)]) -> Result<String> {
    let mut out = String::with_capacity(prefix.len() + template.len() + 16);
    out.push_str(prefix);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map(|e| start + e).ok_or_else(|| Error::InvalidInput {
            operation: op.id,
            message: format!("route `{template}` has an unclosed `{{`"),
        })?;
        let name = &rest[start + 1..end];
        let value = params.iter().find(|(n, _)| *n == name).map(|(_, v)| v).ok_or_else(|| Error::InvalidInput {
            operation: op.id,
            message: format!("missing path parameter `{name}`, which the route `{template}` needs"),
        })?;
        if value.is_empty() {
            return Err(Error::InvalidInput {
                operation: op.id,
                message: format!("path parameter `{name}` is empty, and would address the collection instead of one of its members; give its value"),
            });
        }
        // `.` and `..` are unreserved, so encoding leaves them as they are, and URL normalisation
        // then removes them with the segment before: `/items/{collection}/{id}` with `..` and
        // `settings` would become `/settings`, and a delete of `..` would address the route's
        // parent. Encoding the dots would not help: `%2e` segments are normalised the same way.
        // A record keyed `..` cannot be addressed over HTTP at all, so the value is refused.
        if value == "." || value == ".." {
            return Err(Error::InvalidInput {
                operation: op.id,
                message: format!(
                    "path parameter `{name}` is `{value}`, which would address another route: URLs drop `.` and \
                     `..` segments, so the request would not reach what is named `{value}`; check the value"
                ),
            });
        }
        out.extend(utf8_percent_encode(value, PATH_SEGMENT));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

async fn multipart(op: &'static Operation, parts: &[Part], progress: bool, activity: &Arc<Activity>) -> Result<reqwest::multipart::Form> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        form = match part {
            Part::Text(name, value) => form.text(*name, value.clone()),
            Part::File(name, upload) => {
                let crate::upload::Opened { reader, len, filename, mime } = upload.open(op).await?;
                let body = crate::progress::body(reader, len, progress.then(|| filename.clone()), activity.clone());
                let part = match len {
                    Some(n) => reqwest::multipart::Part::stream_with_length(body, n),
                    None => reqwest::multipart::Part::stream(body),
                };
                let part = part.file_name(filename).mime_str(&mime).map_err(|_| Error::InvalidInput {
                    operation: op.id,
                    message: format!("the content type {:?} is not a MIME type (e.g. image/png)", mime.escape_debug().to_string()),
                })?;
                form.part(*name, part)
            }
        };
    }
    Ok(form)
}

/// Whether `path` can be uploaded: it must be a regular file (its length is sent up front, and a
/// directory or device would fail half-way through).
pub(crate) fn regular_file(op: &Operation, path: &std::path::Path, meta: &std::fs::Metadata) -> Result<()> {
    if !meta.is_file() {
        let what = if meta.is_dir() { "a directory" } else { "not a regular file" };
        return Err(Error::Io {
            operation: op.id,
            path: path.to_owned(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{what}; give the path of a file to upload")),
        });
    }
    Ok(())
}

/// Whether `name` fits in the part's `Content-Disposition` header. reqwest writes the name inside
/// quotes and does not remove CR or LF, so a name holding them would end the header early and let
/// the rest of the name forge headers or parts; a quote or other control character garbles it.
pub(crate) fn check_upload_name(op: &Operation, name: &str, what: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::InvalidInput { operation: op.id, message: format!("{what} has an empty file name; give it one") });
    }
    if let Some(bad) = name.chars().find(|c| c.is_control() || *c == '"') {
        return Err(Error::InvalidInput {
            operation: op.id,
            message: format!(
                "the file name of {} holds {}, which cannot be sent in an upload's header; \
                 upload it under a plain name (copy or link the file; in code, set `Upload::file_name`)",
                what.escape_debug(),
                if bad == '"' { "a double quote".to_owned() } else { format!("the control character {:?}", bad) }
            ),
        });
    }
    Ok(())
}

/// Directus stores the part's content type as the file's type, so send a sensible one.
#[cfg(test)]
mod tests {
    use super::*;

    static OP: Operation = Operation { id: "t.op", ..Operation::BASE };

    #[test]
    fn a_bad_base_url_is_quoted_without_its_password() {
        for url in ["http://admin:hunter2@127.0.0.1:99999", "ftp://admin:hunter2@h/x", "http://a:b@c@h:1:2/p?q"] {
            let Err(err) = Client::builder(url).build() else { panic!("{url} was accepted") };
            let text = err.to_string();
            assert!(!text.contains("hunter2") && !text.contains("a:b") && text.contains("***@"), "{text}");
        }
        assert_eq!(without_credentials("http://h:1/p@x"), "http://h:1/p@x", "an @ in the path is no credential");
        assert_eq!(without_credentials("no scheme@all"), "***@all");
    }

    #[test]
    fn token_problems_name_the_character_not_the_token() {
        assert_eq!(token_problem("eyJ.abc-_~+/="), None);
        let why = token_problem("secret\r").unwrap();
        assert!(why.contains("carriage return") && why.contains("character 7") && !why.contains("secret"), "{why}");
    }

    #[test]
    fn host_names_beyond_ascii_map_to_punycode() {
        // The generated crate's default `idna-unicode-rs` feature swaps url's IDNA backend; it must
        // still map Unicode host names (idna_adapter 1.0, the other small choice, refuses them).
        let url = reqwest::Url::parse("http://bücher.example:8055/").unwrap();
        assert_eq!(url.host_str(), Some("xn--bcher-kva.example"));
    }

    #[test]
    fn path_params_are_percent_encoded_as_one_segment() {
        let p = fill_path(&OP, "", "/items/{collection}/{id}", &[("collection", "my col".into()), ("id", "a/b?c".into())]);
        assert_eq!(p.unwrap(), "/items/my%20col/a%2Fb%3Fc");
    }

    #[test]
    fn missing_or_empty_path_params_are_errors() {
        assert!(fill_path(&OP, "", "/files/{id}", &[]).is_err());
        assert!(fill_path(&OP, "", "/files/{id}", &[("id", String::new())]).is_err());
    }

    #[test]
    fn dot_segments_are_refused_not_normalised_away() {
        // `items update --collection .. --id settings` would otherwise PATCH /settings.
        for value in [".", ".."] {
            let err = fill_path(&OP, "", "/items/{collection}/{id}", &[("collection", value.into()), ("id", "settings".into())])
                .expect_err(value);
            assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
            let text = err.to_string();
            assert!(text.contains(&format!("path parameter `collection` is `{value}`")), "{text}");
            assert_eq!(err.class(), crate::ErrorClass::Usage);
        }
        // Dots inside a value are ordinary characters and stay in their segment.
        let p = fill_path(&OP, "", "/files/{id}", &[("id", "...".into())]).unwrap();
        assert_eq!(p, "/files/...");
        assert_eq!(fill_path(&OP, "", "/files/{id}", &[("id", "a.b".into())]).unwrap(), "/files/a.b");
        // An encoded dot cannot get through as a dot: `%` itself is encoded.
        assert_eq!(fill_path(&OP, "", "/files/{id}", &[("id", "%2e%2e".into())]).unwrap(), "/files/%252e%252e");
    }

    #[test]
    fn a_base_url_with_query_fragment_or_credentials_is_refused() {
        for url in ["http://h/?x=", "http://h/#x", "http://h:8055/api?", "http://h/#"] {
            let err = Client::new(url).expect_err(url).to_string();
            assert!(err.contains("the routes are appended") && err.contains("e.g. http://h"), "{url}: {err}");
        }
        let err = Client::new("http://user:hunter2@h:8055/").expect_err("credentials").to_string();
        assert!(err.contains("user name or password") && err.contains("e.g. http://h:8055"), "{err}");
        assert!(!err.contains("hunter2"), "the password is never shown: {err}");
        assert!(Client::new("http://user@h").is_err());
        // A path prefix (Directus behind a proxy) is fine.
        assert_eq!(Client::new("https://h/directus/").unwrap().base_url(), "https://h/directus");
    }

    #[test]
    fn an_upload_must_be_a_regular_file_with_a_plain_name() {
        let dir = std::env::temp_dir().join(format!("directus-runtime-upload-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let meta = |p: &std::path::Path| std::fs::metadata(p).unwrap();

        let err = regular_file(&OP, &dir, &meta(&dir)).expect_err("a directory");
        assert!(matches!(err, Error::Io { .. }) && err.to_string().contains("a directory"), "{err}");
        assert_eq!(err.class(), crate::ErrorClass::Usage);

        let plain = dir.join("report 1.txt");
        std::fs::write(&plain, "x").unwrap();
        regular_file(&OP, &plain, &meta(&plain)).unwrap();
        assert_eq!(crate::Upload::from(plain.as_path()).given_name().as_deref(), Some("report 1.txt"));
        check_upload_name(&OP, "report 1.txt", "the file").unwrap();

        // Whatever the source, a name that would break the part's header is refused.
        for name in ["a\r\nb.txt", "a\nContent-Type: text-html.txt", "q\"uote.txt", "bell\u{7}.txt", ""] {
            let from_disk = (!name.is_empty()).then(|| crate::Upload::from(dir.join(name)));
            for upload in from_disk.into_iter().chain([crate::Upload::bytes(name, "x")]) {
                let given = upload.given_name().unwrap_or_default();
                let err = check_upload_name(&OP, &given, &upload.describe()).expect_err(name);
                assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
                let text = err.to_string();
                assert!(text.contains("plain name") || text.contains("empty file name"), "{text}");
                assert!(!text.contains(['\r', '\n', '\u{7}']), "the message itself stays on one line: {text:?}");
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A call's URL is the base parsed once with the path set, which must be what parsing the base
    /// URL and the path as one text gives: prefixes, encoded and unusual characters, IPv6 hosts.
    #[test]
    fn call_urls_are_those_of_parsing_the_whole_text() {
        type Case = (&'static str, &'static str, &'static [(&'static str, &'static str)]);
        let cases: &[Case] = &[
            ("http://127.0.0.1:8055", "/server/info", &[]),
            ("http://127.0.0.1:8055/", "/items/{collection}/{id}", &[("collection", "my col"), ("id", "a/b?c#d")]),
            ("https://h.example/directus/", "/files/{id}", &[("id", "naïve ☃ %2e%2e")]),
            ("https://Bücher.example:443/a/b//", "/users/{id}", &[("id", "x")]),
            ("http://[::1]:8055", "/items/{collection}", &[("collection", "~._-")]),
        ];
        for (base, template, params) in cases {
            let client = Client::new(*base).unwrap();
            let params: Vec<(&'static str, String)> = params.iter().map(|(k, v)| (*k, v.to_string())).collect();
            let ours = client.url_for(&OP, template, &params).unwrap();
            let path = fill_path(&OP, "", template, &params).unwrap();
            let whole = reqwest::Url::parse(&format!("{}{path}", client.base_url())).unwrap();
            assert_eq!(ours, whole, "{base} {template}");
            assert_eq!(ours.as_str(), whole.as_str());
        }
    }

    #[test]
    fn bad_urls_are_rejected() {
        assert!(Client::new("not a url").is_err());
        assert!(Client::new("ftp://x").is_err());
        assert_eq!(Client::new("http://127.0.0.1:8055/").unwrap().base_url(), "http://127.0.0.1:8055");
    }
}
