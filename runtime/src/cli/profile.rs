//! Profiles: a login that lasts beyond one command, as `gh auth login` does.
//!
//! `--profile NAME` (or `$DIRECTUS_PROFILE`; default `default`) picks the file
//! `profiles/NAME.toml` in the user's config folder (`$DIRECTUS_CONFIG_DIR` instead, when set;
//! else `directus/` in the platform's config folder, e.g. `~/.config/directus`). It holds the
//! server URL and, after a login, the session's tokens, never a password. The run loop reads it
//! before a command and writes it after: a reply that starts a session (`auth login`) is stored,
//! a refresh (which spends the single-use refresh token) is stored even when the command fails
//! afterwards, and a logout removes the session.
//!
//! What comes first: `--url` > `$DIRECTUS_URL` > the profile's URL, and `--token-stdin` /
//! `$DIRECTUS_TOKEN` > the profile's session. The session is used only with the URL it was
//! started on, so its tokens never go to another server.
//!
//! The file is written beside and renamed (an interrupted write never truncates it), with mode
//! 0600 in a folder of mode 0700. A lock file (`NAME.lock`, flock) is held while a due session
//! is refreshed and while the file is written, so two commands of one profile never spend the
//! same refresh token.

use super::{CliError, Output};
use crate::{Client, Method, Operation, Request, Route, Secret, SessionTokens};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The environment variable that picks the profile (`--profile` wins).
pub const PROFILE_ENV: &str = "DIRECTUS_PROFILE";
/// The environment variable that names the folder profiles are kept in, instead of the user's
/// config folder.
pub const CONFIG_DIR_ENV: &str = "DIRECTUS_CONFIG_DIR";
/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// A command that starts with less than this left on its stored access token refreshes it
/// first, under the profile's lock, rather than mid-command without it.
const REFRESH_AHEAD: Duration = Duration::from_secs(30);

/// The file as written. `Debug` (derived) shows secrets as `Secret(***)`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session: Option<StoredSession>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct StoredSession {
    access_token: Secret,
    refresh_token: Secret,
    /// When the access token expires, in milliseconds since the Unix epoch.
    expires_at_ms: u64,
}

impl StoredSession {
    fn from_tokens(t: &SessionTokens) -> Self {
        let ms = t.expires_at.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis();
        Self { access_token: t.access_token.clone(), refresh_token: t.refresh_token.clone(), expires_at_ms: u64::try_from(ms).unwrap_or(u64::MAX) }
    }

    fn tokens(&self) -> SessionTokens {
        SessionTokens::new(self.access_token.clone(), self.refresh_token.clone(), UNIX_EPOCH + Duration::from_millis(self.expires_at_ms))
    }
}

/// Where this command's credentials came from, for `auth status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Credentials {
    ProfileSession,
    TokenEnv,
    TokenStdin,
    None,
}

impl Credentials {
    fn describe(self, profile: &str) -> String {
        match self {
            Credentials::ProfileSession => format!("the session of profile `{profile}`"),
            Credentials::TokenEnv => format!("the token in ${}", super::TOKEN_ENV),
            Credentials::TokenStdin => "the token from --token-stdin".into(),
            Credentials::None => "none".into(),
        }
    }
}

/// What `auth status` reports besides what it asks the server.
struct Active {
    name: String,
    path: PathBuf,
    credentials: Credentials,
}

static ACTIVE: OnceLock<Active> = OnceLock::new();

/// The profile of this command: what was stored, and what the client started with.
pub(crate) struct Profile {
    name: String,
    dir: PathBuf,
    stored: ProfileFile,
    /// The URL the client talks to.
    url: Option<String>,
    /// The stored session the client started with.
    loaded: Option<StoredSession>,
}

/// What the run loop did to the profile after a command.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Saved {
    Nothing,
    /// A login: the new session was stored.
    Started,
    /// Tokens were refreshed and stored again.
    Refreshed,
    /// A logout: the session was removed.
    Ended,
}

impl Profile {
    /// Reads the profile `name` (`--profile`/`$DIRECTUS_PROFILE`, else `default`); a profile that
    /// does not exist yet is empty.
    pub(crate) fn open(name: Option<&str>) -> Result<Self, CliError> {
        let name = name.filter(|n| !n.is_empty()).unwrap_or(DEFAULT_PROFILE);
        check_name(name)?;
        let dir = config_dir()?.join("profiles");
        let path = dir.join(format!("{name}.toml"));
        let stored = match std::fs::read_to_string(&path) {
            Ok(text) => parse(&text, &path)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ProfileFile::default(),
            Err(e) => return Err(CliError::Usage(format!("could not read the profile {}: {e}", path.display()))),
        };
        Ok(Self { name: name.to_owned(), dir, stored, url: None, loaded: None })
    }

    fn path(&self) -> PathBuf {
        self.dir.join(format!("{}.toml", self.name))
    }

    /// The stored server URL.
    pub(crate) fn url(&self) -> Option<&str> {
        self.stored.url.as_deref()
    }

    /// The stored session, when it belongs to `url`: a session's tokens go only to its server.
    /// Called once the client's URL is known; remembers both.
    pub(crate) fn session_for(&mut self, url: &str, credentials_given: bool) -> Option<SessionTokens> {
        self.url = Some(url.to_owned());
        let same_server = self.stored.url.as_deref().is_some_and(|u| same_url(u, url));
        let session = self.stored.session.clone().filter(|_| same_server && !credentials_given);
        self.loaded = session.clone();
        session.map(|s| s.tokens())
    }

    /// Records where the credentials came from, for `auth status`.
    pub(crate) fn set_active(&self, credentials: Credentials) {
        let _ = ACTIVE.set(Active { name: self.name.clone(), path: self.path(), credentials });
    }

    /// Before the command: a stored session that is due is refreshed now, under the profile's
    /// lock. Another command may have refreshed it meanwhile (its refresh token is then spent):
    /// the file is read again under the lock and its tokens taken when they changed.
    pub(crate) async fn refresh_if_due(&mut self, client: &Client) -> Result<(), CliError> {
        let Some(loaded) = &self.loaded else { return Ok(()) };
        if !due(loaded) {
            return Ok(());
        }
        let _lock = self.lock()?;
        let path = self.path();
        if let Ok(text) = std::fs::read_to_string(&path) {
            let now = parse(&text, &path)?;
            if let Some(theirs) = now.session.filter(|s| Some(s) != self.loaded.as_ref() && now.url.as_deref().is_some_and(|u| self.url.as_deref().is_some_and(|ours| same_url(u, ours)))) {
                client.restore_session(theirs.tokens()).await;
                self.stored.session = Some(theirs.clone());
                self.loaded = Some(theirs.clone());
                if !due(&theirs) {
                    return Ok(());
                }
            }
        }
        // A failed refresh is left to the command, which reports it (and needs a login).
        if client.refresh().await.is_ok() {
            self.save_locked(client).await?;
        }
        Ok(())
    }

    /// After the command, whether it succeeded or not: stores a session a reply started, tokens
    /// a refresh rotated, or removes the session a logout ended.
    pub(crate) async fn save_after(&mut self, client: &Client) -> Result<Saved, CliError> {
        use crate::auth::SessionNow;
        match client.session_now().await {
            SessionNow::Session { tokens, started_here } => {
                if !started_here && self.loaded.is_none() {
                    return Ok(Saved::Nothing); // a session the caller set up, not this profile's
                }
                if self.loaded.as_ref() == Some(&StoredSession::from_tokens(&tokens)) {
                    return Ok(Saved::Nothing);
                }
                let _lock = self.lock()?;
                self.save_locked(client).await?;
                Ok(if started_here { Saved::Started } else { Saved::Refreshed })
            }
            SessionNow::Ended if self.loaded.is_some() => {
                let _lock = self.lock()?;
                self.stored.session = None;
                self.loaded = None;
                self.write()?;
                Ok(Saved::Ended)
            }
            SessionNow::Ended | SessionNow::None => Ok(Saved::Nothing),
        }
    }

    /// Writes the client's session and URL; the caller holds the lock.
    async fn save_locked(&mut self, client: &Client) -> Result<(), CliError> {
        let Some(tokens) = client.session_tokens().await else { return Ok(()) };
        let session = StoredSession::from_tokens(&tokens);
        self.stored.url = self.url.clone().or(self.stored.url.take());
        self.stored.session = Some(session.clone());
        self.loaded = Some(session);
        self.write()
    }

    fn write(&self) -> Result<(), CliError> {
        let path = self.path();
        let body = toml::to_string(&self.stored).map_err(|e| CliError::Output(format!("could not write the profile {}: {e}", path.display())))?;
        let text = format!(
            "# The `directus` command-line tool's profile `{}`: the server, and the login session's tokens.\n\
             # Written by the tool (`auth login`, and after each refresh); readable by its owner alone.\n{body}",
            self.name
        );
        write_private(&path, text.as_bytes()).map_err(|e| CliError::Output(format!("could not write the profile {}: {e}", path.display())))
    }

    /// Holds the profile's lock file until dropped.
    fn lock(&self) -> Result<Lock, CliError> {
        create_private_dir(&self.dir).map_err(|e| CliError::Output(format!("could not create {}: {e}", self.dir.display())))?;
        let path = self.dir.join(format!("{}.lock", self.name));
        Lock::take(&path).map_err(|e| CliError::Output(format!("could not lock the profile ({}): {e}", path.display())))
    }
}

/// Profile names become file names: letters, digits, `-`, `_` and `.`, not starting with `.`.
fn check_name(name: &str) -> Result<(), CliError> {
    let ok = (1..=64).contains(&name.len())
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "--profile: `{}` is not a profile name; use up to 64 letters, digits, `-`, `_` and `.`",
            crate::error::escape_controls(name)
        )))
    }
}

fn config_dir() -> Result<PathBuf, CliError> {
    match std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => dirs::config_dir()
            .map(|d| d.join("directus"))
            .ok_or_else(|| CliError::Usage(format!("no config folder for profiles on this system: set {CONFIG_DIR_ENV}"))),
    }
}

/// Reads a profile file. An error names the line only: the file holds tokens, and parser
/// messages quote what they read.
fn parse(text: &str, path: &Path) -> Result<ProfileFile, CliError> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        CliError::Usage(format!(
            "the profile {} is not valid{}: fix it, or delete it and log in again",
            path.display(),
            line.map(|l| format!(" (line {l})")).unwrap_or_default()
        ))
    })
}

/// Two spellings of one base URL (a trailing `/`).
fn same_url(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

fn due(s: &StoredSession) -> bool {
    let expires = UNIX_EPOCH + Duration::from_millis(s.expires_at_ms);
    expires.duration_since(SystemTime::now()).map_or(true, |left| left <= REFRESH_AHEAD)
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Writes `bytes` to a new file beside `path` (mode 0600 from its creation, so it is never
/// readable by others, not even for a moment), syncs it, and renames it over `path`.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = options.open(&tmp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    match result.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// An exclusive lock on a file, released when dropped (flock(2); nothing elsewhere).
struct Lock {
    _file: std::fs::File,
}

impl Lock {
    fn take(path: &Path) -> std::io::Result<Self> {
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path)?;
        #[cfg(unix)]
        rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)?;
        Ok(Self { _file: file })
    }
}

/// What `auth status` asks the server: who the token belongs to.
static USERS_ME: Operation = Operation { id: "users.me", method: Method::Get, routes: &[Route::new("/users/me")], ..Operation::BASE };

fn not_logged_in(client: &Client) -> CliError {
    let profile = ACTIVE.get().map_or(DEFAULT_PROFILE, |a| a.name.as_str());
    CliError::NotLoggedIn(format!(
        "not logged in to {} (profile `{profile}`): run `directus auth login --email EMAIL --password-stdin`, or set {}",
        client.base_url(),
        super::TOKEN_ENV
    ))
}

/// `auth status`: the server, the user, where the credentials come from, when the session
/// expires, and the profile. No secret.
pub async fn status(client: &Client) -> super::CliResult {
    let active = ACTIVE.get();
    let credentials = active.map_or(Credentials::None, |a| a.credentials);
    if credentials == Credentials::None && client.session_tokens().await.is_none() {
        return Err(not_logged_in(client));
    }
    let me: serde_json::Value = client.execute(Request::new(&USERS_ME).query("fields", "email")).await?.data().await?;
    let name = active.map_or(DEFAULT_PROFILE, |a| a.name.as_str());
    let mut out = serde_json::Map::new();
    out.insert("url".into(), client.base_url().into());
    out.insert("user".into(), me.get("email").cloned().unwrap_or_default());
    out.insert("credentials".into(), credentials.describe(name).into());
    if let Some(tokens) = client.session_tokens().await {
        out.insert("expires_at".into(), utc(tokens.expires_at).into());
        let left = tokens.expires_at.duration_since(SystemTime::now()).unwrap_or_default();
        out.insert("expires_in_seconds".into(), left.as_secs().into());
    }
    out.insert("profile".into(), name.into());
    if let Some(a) = active {
        out.insert("profile_file".into(), a.path.display().to_string().into());
    }
    Ok(Output::Json(serde_json::Value::Object(out)))
}

/// `auth token`: the access token requests would carry now, refreshed first when due.
pub async fn token(client: &Client) -> super::CliResult {
    match client.access_token().await? {
        Some(token) => Ok(Output::Text(token.expose().to_owned())),
        None => Err(not_logged_in(client)),
    }
}

/// `2026-05-01T12:00:00Z`: a wall-clock time in UTC.
fn utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// The line `auth login` prints on a terminal instead of the reply, which holds the tokens.
pub(crate) fn login_note(url: &str) -> String {
    let (name, path) = ACTIVE.get().map_or((DEFAULT_PROFILE.to_owned(), PathBuf::new()), |a| (a.name.clone(), a.path.clone()));
    format!("Logged in to {url}; the session is saved in profile `{name}` ({}).", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(utc(UNIX_EPOCH + Duration::from_secs(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(utc(UNIX_EPOCH + Duration::from_secs(1_798_761_599)), "2026-12-31T23:59:59Z");
    }

    #[test]
    fn names_are_file_names() {
        assert!(check_name("default").is_ok() && check_name("work-2.eu").is_ok());
        for bad in ["", "../x", ".hidden", "a/b", "a b", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn files_are_private_and_errors_quote_no_token() {
        let dir = std::env::temp_dir().join(format!("directus-rs-profile-{}", std::process::id()));
        let path = dir.join("profiles/p.toml");
        let file = ProfileFile {
            url: Some("http://h".into()),
            session: Some(StoredSession { access_token: "acc-SECRET".into(), refresh_token: "ref-SECRET".into(), expires_at_ms: 1 }),
        };
        write_private(&path, toml::to_string(&file).unwrap().as_bytes()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let back = parse(&text, &path).unwrap();
        assert_eq!(back.session, file.session);
        assert!(!format!("{back:?}").contains("SECRET"));
        let broken = text.replace("expires_at_ms = 1", "expires_at_ms = \"ref-SECRET\"");
        let err = parse(&broken, &path).unwrap_err().to_string();
        assert!(err.contains("line") && !err.contains("SECRET"), "{err}");
        std::fs::remove_dir_all(dir).ok();
    }
}
