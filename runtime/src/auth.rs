//! Credentials: a static token, or a login session refreshed before it expires.
//!
//! One refresh at a time: the session lock is held while it runs, and every call that waited
//! on it shares its result, the error included, so N waiting calls cause one refresh call.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::{Auth, Method, Operation, SessionChange};
use crate::request::{Body, Request};
use crate::response::Response;
use crate::secret::Secret;
use crate::version::Route;
use serde::{Deserialize, Serialize};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Refresh this long before the access token expires (or at half its life, if that is sooner),
/// so a request in flight never carries a token that dies on the way.
const REFRESH_MARGIN: Duration = Duration::from_secs(30);

pub(crate) enum AuthState {
    Anonymous,
    Static(Secret),
    Session(Session),
    /// No credentials, because a logout call ended the session the client had.
    Ended,
}

/// The client's credentials as the CLI sees them between commands.
#[cfg(feature = "cli")]
pub(crate) enum SessionNow {
    /// Anonymous, or a static token.
    None,
    Session { tokens: SessionTokens, started_here: bool },
    /// A logout ended the client's session.
    Ended,
}

pub(crate) struct Session {
    access: Secret,
    refresh: Secret,
    expires_at: SystemTime,
    /// Wall-clock time, so a machine that slept wakes up knowing the token is old.
    refresh_at: SystemTime,
    /// Why the last refresh failed, for the calls that waited on it.
    failure: Option<Arc<Error>>,
    /// Whether a reply to this client started it (a login), rather than tokens stored earlier.
    started_here: bool,
}

/// A session's tokens and when its access token expires (wall-clock time): what to store to
/// carry a login over to another process, and to give [`Client::restore_session`] or
/// [`crate::ClientBuilder::session`] there. Serializing writes the real tokens: store them as
/// you would a password.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionTokens {
    pub access_token: Secret,
    pub refresh_token: Secret,
    /// When the access token expires.
    pub expires_at: SystemTime,
}

impl SessionTokens {
    pub fn new(access_token: impl Into<Secret>, refresh_token: impl Into<Secret>, expires_at: SystemTime) -> Self {
        Self { access_token: access_token.into(), refresh_token: refresh_token.into(), expires_at }
    }
}

impl From<Tokens> for SessionTokens {
    /// The tokens of a login that has just happened: the lifetime counts from now.
    fn from(t: Tokens) -> Self {
        Self::new(t.access_token, t.refresh_token, SystemTime::now() + Duration::from_millis(t.expires))
    }
}

/// The tokens of a login or refresh in json mode, as the runtime reads them to keep the session.
/// (Callers get the spec's reply type instead: the generated `Client::login` is the spec's
/// login operation.)
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct Tokens {
    pub access_token: Secret,
    pub refresh_token: Secret,
    /// Lifetime of the access token in milliseconds.
    pub expires: u64,
}

impl Session {
    pub(crate) fn from_tokens(t: SessionTokens) -> Self {
        let left = t.expires_at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO);
        let refresh_at = t.expires_at - REFRESH_MARGIN.min(left / 2);
        Self { access: t.access_token, refresh: t.refresh_token, expires_at: t.expires_at, refresh_at, failure: None, started_here: false }
    }

    fn tokens(&self) -> SessionTokens {
        SessionTokens::new(self.access.clone(), self.refresh.clone(), self.expires_at)
    }
}

macro_rules! auth_op {
    ($name:ident, $id:literal, $path:literal, $session:expr, $hints:expr) => {
        static $name: Operation = Operation {
            id: $id,
            method: Method::Post,
            routes: &[Route::new($path)],
            auth: Auth::None,
            hints: $hints,
            session: $session,
            ..Operation::BASE
        };
    };
}

// Not `SessionChange::Start`: the client's own refresh replaces the session it holds the lock of.
auth_op!(REFRESH, "auth.refresh", "/auth/refresh", None, &[
    ("INVALID_CREDENTIALS", "the session ended (refresh tokens are single-use and expire): log in again"),
]);
auth_op!(LOGOUT, "auth.logout", "/auth/logout", Some(SessionChange::End), &[]);

impl Client {
    /// A client that carries on a session stored earlier (see [`Client::session_tokens`]).
    pub fn with_session(url: impl Into<String>, tokens: SessionTokens) -> Result<Self> {
        crate::ClientBuilder::new(url).session(tokens).build()
    }

    /// Replaces the credentials with a stored session; it is refreshed when it is due.
    pub async fn restore_session(&self, tokens: SessionTokens) {
        self.set_session(Session::from_tokens(tokens)).await;
    }

    /// The current session's tokens, to store: `None` without a login session. They change at
    /// every refresh, and a refresh token works once, so store them again after calls.
    pub async fn session_tokens(&self) -> Option<SessionTokens> {
        match &*self.session().await {
            AuthState::Session(s) => Some(s.tokens()),
            _ => None,
        }
    }

    /// Exchanges the refresh token for new tokens now (requests do this by themselves when needed).
    pub async fn refresh(&self) -> Result<()> {
        let mut state = self.session().await;
        match &mut *state {
            AuthState::Session(s) => self.refresh_locked(REFRESH.id, s).await,
            _ => Err(not_logged_in(REFRESH.id)),
        }
    }

    /// Ends the session on the server and forgets its tokens.
    pub async fn logout(&self) -> Result<()> {
        if !matches!(&*self.session().await, AuthState::Session(_)) {
            return Err(not_logged_in(LOGOUT.id));
        }
        // The operation ends a session: the runtime sends the session's refresh token and
        // forgets the session once the server has answered.
        self.execute(Request::new(&LOGOUT).field("mode", "json")).await?.empty().await
    }

    /// The token the next request would carry, after refreshing a session that is due: to hand
    /// to another tool. `None` without credentials.
    pub async fn access_token(&self) -> Result<Option<Secret>> {
        self.bearer(&REFRESH).await
    }

    /// Sends a call whose reply starts or ends a login session ([`Operation::session`]), and
    /// changes the client's credentials to match: a session start logs the client in when its
    /// reply is read; a session end sends the client's refresh token when the request names
    /// none, and forgets the session it ended.
    pub(crate) async fn execute_session(&self, mut req: Request) -> Result<Response> {
        match req.op.session {
            Some(SessionChange::Start) => {
                let mut reply = self.execute_traced(req).await?;
                reply.starts_session = Some(self.clone());
                Ok(reply)
            }
            Some(SessionChange::End) => {
                let ours = match &*self.session().await {
                    AuthState::Session(s) => Some(s.refresh.clone()),
                    _ => None,
                };
                let named = match &req.body {
                    Body::Json(serde_json::Value::Object(map)) => map.get("refresh_token").and_then(|v| v.as_str()).map(Secret::new),
                    _ => None,
                };
                let ends_ours = match (named, &ours) {
                    (Some(named), Some(ours)) => named == *ours,
                    (None, Some(ours)) => {
                        req = req.secret_field("refresh_token", ours);
                        true
                    }
                    // Another session's token, or none (Directus then reads the cookie).
                    (_, None) => false,
                };
                let reply = self.execute_traced(req).await?;
                if ends_ours {
                    let mut state = self.session().await;
                    if matches!(&*state, AuthState::Session(s) if Some(&s.refresh) == ours.as_ref()) {
                        *state = AuthState::Ended;
                        self.session_changed(None);
                    }
                }
                Ok(reply)
            }
            None => self.execute_traced(req).await,
        }
    }

    /// Logs the client in with the tokens of a session-starting reply (`body` is the whole
    /// reply, already decoded once by the caller). A reply without a refresh token (`cookie` or
    /// `session` mode) leaves the credentials as they were: the session lives in a cookie.
    pub(crate) async fn start_session_from(&self, operation: &'static str, status: u16, body: &[u8]) -> Result<()> {
        #[derive(Deserialize)]
        struct Reply {
            data: Started,
        }
        #[derive(Deserialize)]
        struct Started {
            access_token: Option<Secret>,
            refresh_token: Option<Secret>,
            expires: Option<u64>,
        }
        // The body holds the tokens: the error never quotes it.
        let reply: Reply = serde_json::from_slice(body)
            .map_err(|e| Error::decode(operation, status, format!("the session's tokens could not be read ({e})"), b""))?;
        if let Started { access_token: Some(access), refresh_token: Some(refresh), expires: Some(expires) } = reply.data {
            let mut session = Session::from_tokens(Tokens { access_token: access, refresh_token: refresh, expires }.into());
            session.started_here = true;
            let mut state = self.session().await;
            self.session_changed(Some(&session.tokens()));
            *state = AuthState::Session(session);
        }
        Ok(())
    }

    /// The session as the CLI stores it after a command.
    #[cfg(feature = "cli")]
    pub(crate) async fn session_now(&self) -> SessionNow {
        match &*self.session().await {
            AuthState::Session(s) => SessionNow::Session { tokens: s.tokens(), started_here: s.started_here },
            AuthState::Ended => SessionNow::Ended,
            AuthState::Anonymous | AuthState::Static(_) => SessionNow::None,
        }
    }

    /// Replaces the credentials with a static token.
    pub async fn set_token(&self, token: impl Into<Secret>) {
        self.set_auth(AuthState::Static(token.into())).await;
    }

    /// The token to send, refreshing a session that is about to expire.
    pub(crate) async fn bearer(&self, op: &Operation) -> Result<Option<Secret>> {
        // Read before waiting for the lock: if it has moved once the lock is ours, a refresh
        // ran while this call waited, and its result is this call's too.
        let seen = self.inner().refresh_epoch.load(Ordering::SeqCst);
        let mut state = self.session().await;
        match &mut *state {
            AuthState::Anonymous | AuthState::Ended => Ok(None),
            AuthState::Static(t) => Ok(Some(t.clone())),
            AuthState::Session(s) => {
                if SystemTime::now() >= s.refresh_at {
                    if let Some(failure) = self.failed_while_waiting(seen, s) {
                        return Err(Error::RefreshFailed { operation: op.id, source: failure });
                    }
                    self.refresh_locked(op.id, s).await?;
                }
                Ok(Some(s.access.clone()))
            }
        }
    }

    /// After a reply of 401 `TOKEN_EXPIRED` to a call that sent `sent`: refreshes the session
    /// (once for all the calls that got the same) and says whether to send the call again.
    pub(crate) async fn refresh_expired(&self, op: &Operation, sent: &Secret) -> Result<bool> {
        let seen = self.inner().refresh_epoch.load(Ordering::SeqCst);
        let mut state = self.session().await;
        let AuthState::Session(s) = &mut *state else { return Ok(false) };
        if s.access != *sent {
            return Ok(true); // refreshed since this call went out
        }
        if let Some(failure) = self.failed_while_waiting(seen, s) {
            return Err(Error::RefreshFailed { operation: op.id, source: failure });
        }
        self.refresh_locked(op.id, s).await?;
        Ok(true)
    }

    fn failed_while_waiting(&self, seen: u64, s: &Session) -> Option<Arc<Error>> {
        (self.inner().refresh_epoch.load(Ordering::SeqCst) != seen).then(|| s.failure.clone()).flatten()
    }

    /// Runs with the session lock held, so concurrent requests never spend the same
    /// (single-use) refresh token twice; the result is kept for the calls waiting on the lock.
    async fn refresh_locked(&self, operation: &'static str, s: &mut Session) -> Result<()> {
        let req = Request::new(&REFRESH).field("refresh_token", &s.refresh).field("mode", "json");
        // Boxed, the reading of the reply too: `execute` calls back into here through `bearer`,
        // and every call's future would otherwise carry room for a refresh.
        let result = Box::pin(async { self.execute(req).await?.data::<Tokens>().await }).await;
        let outcome = match result {
            Ok(tokens) => {
                let started_here = s.started_here;
                *s = Session::from_tokens(tokens.into());
                s.started_here = started_here;
                self.session_changed(Some(&s.tokens()));
                Ok(())
            }
            Err(e) => {
                let e = Arc::new(e);
                s.failure = Some(e.clone());
                Err(Error::RefreshFailed { operation, source: e })
            }
        };
        self.inner().refresh_epoch.fetch_add(1, Ordering::SeqCst);
        outcome
    }
}

impl Client {
    /// Tells the caller's observer ([`crate::ClientBuilder::on_session_change`]), with the
    /// session lock held by the caller of this.
    fn session_changed(&self, tokens: Option<&SessionTokens>) {
        if let Some(observer) = &self.inner().on_session_change {
            observer(tokens);
        }
    }
}

fn not_logged_in(operation: &'static str) -> Error {
    Error::InvalidInput { operation, message: "not logged in: call login first".into() }
}
