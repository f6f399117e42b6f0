//! Credentials: a static token, or a login session refreshed before it expires.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::{Auth, Method, Operation};
use crate::request::Request;
use crate::secret::Secret;
use crate::version::Route;
use serde::Deserialize;
use std::time::{Duration, Instant};

/// Refresh this long before the access token expires (or at half its life, if that is sooner),
/// so a request in flight never carries a token that dies on the way.
const REFRESH_MARGIN: Duration = Duration::from_secs(30);

pub(crate) enum AuthState {
    Anonymous,
    Static(Secret),
    Session(Session),
}

pub(crate) struct Session {
    access: Secret,
    refresh: Secret,
    refresh_at: Instant,
}

/// The tokens of a login, as Directus returns them.
#[derive(Clone, Debug, Deserialize)]
#[non_exhaustive]
pub struct Tokens {
    pub access_token: Secret,
    pub refresh_token: Secret,
    /// Lifetime of the access token in milliseconds.
    pub expires: u64,
}

impl Session {
    fn from_tokens(t: Tokens) -> Self {
        let lifetime = Duration::from_millis(t.expires);
        let refresh_at = Instant::now() + lifetime - REFRESH_MARGIN.min(lifetime / 2);
        Self { access: t.access_token, refresh: t.refresh_token, refresh_at }
    }
}

macro_rules! auth_op {
    ($name:ident, $id:literal, $path:literal, $hints:expr) => {
        static $name: Operation = Operation {
            id: $id,
            method: Method::Post,
            routes: &[Route::new($path)],
            auth: Auth::None,
            hints: $hints,
            ..Operation::BASE
        };
    };
}

auth_op!(LOGIN, "auth.login", "/auth/login", &[
    ("INVALID_CREDENTIALS", "check the e-mail and password; after too many failed logins Directus suspends the user"),
    ("INVALID_OTP", "the user has two-factor authentication on: pass the current one-time password"),
    ("USER_SUSPENDED", "an administrator must set the user's status back to active"),
]);
auth_op!(REFRESH, "auth.refresh", "/auth/refresh", &[
    ("INVALID_CREDENTIALS", "the session ended (refresh tokens are single-use and expire): log in again"),
]);
auth_op!(LOGOUT, "auth.logout", "/auth/logout", &[]);

impl Client {
    /// Logs in with e-mail and password; the session is refreshed before it expires.
    pub async fn login(&self, email: &str, password: impl Into<Secret>) -> Result<Tokens> {
        self.login_inner(email, password.into(), None).await
    }

    /// Logs in a user who has two-factor authentication on.
    pub async fn login_with_otp(&self, email: &str, password: impl Into<Secret>, otp: impl Into<Secret>) -> Result<Tokens> {
        self.login_inner(email, password.into(), Some(otp.into())).await
    }

    async fn login_inner(&self, email: &str, password: Secret, otp: Option<Secret>) -> Result<Tokens> {
        let req = Request::new(&LOGIN)
            .field("email", email)
            .field("password", &password)
            .field_opt("otp", otp.as_ref())
            .field("mode", "json");
        let tokens: Tokens = self.execute(req).await?.data().await?;
        self.set_session(Session::from_tokens(tokens.clone())).await;
        Ok(tokens)
    }

    /// Exchanges the refresh token for new tokens now (requests do this by themselves when needed).
    pub async fn refresh(&self) -> Result<()> {
        let mut state = self.session().await;
        match &mut *state {
            AuthState::Session(s) => refresh_session(self, s).await,
            _ => Err(not_logged_in(REFRESH.id)),
        }
    }

    /// Ends the session on the server and forgets its tokens.
    pub async fn logout(&self) -> Result<()> {
        let mut state = self.session().await;
        let AuthState::Session(s) = &*state else {
            return Err(not_logged_in(LOGOUT.id));
        };
        let req = Request::new(&LOGOUT).field("refresh_token", &s.refresh).field("mode", "json");
        let result = self.execute(req).await?.empty().await;
        *state = AuthState::Anonymous;
        result
    }

    /// Replaces the credentials with a static token.
    pub async fn set_token(&self, token: impl Into<Secret>) {
        self.set_auth(AuthState::Static(token.into())).await;
    }

    /// The token to send, refreshing a session that is about to expire.
    pub(crate) async fn bearer(&self, _op: &Operation) -> Result<Option<Secret>> {
        let mut state = self.session().await;
        match &mut *state {
            AuthState::Anonymous => Ok(None),
            AuthState::Static(t) => Ok(Some(t.clone())),
            AuthState::Session(s) => {
                if Instant::now() >= s.refresh_at {
                    refresh_session(self, s).await?;
                }
                Ok(Some(s.access.clone()))
            }
        }
    }
}

/// Runs with the session lock held, so concurrent requests never spend the same
/// (single-use) refresh token twice.
async fn refresh_session(client: &Client, s: &mut Session) -> Result<()> {
    let req = Request::new(&REFRESH).field("refresh_token", &s.refresh).field("mode", "json");
    // Boxed: `execute` calls back into here through `bearer`.
    let tokens: Tokens = Box::pin(client.execute(req)).await?.data().await?;
    *s = Session::from_tokens(tokens);
    Ok(())
}

fn not_logged_in(operation: &'static str) -> Error {
    Error::InvalidInput { operation, message: "not logged in: call login first".into() }
}
