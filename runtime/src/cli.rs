//! What every generated command-line tool shares: global flags, secret input, `--data` parsing,
//! printing results (`-o`, `--jq`), exit codes by error class, shell completions and man pages.

pub mod format;
pub mod profile;

use crate::{Client, Download, Error, Secret, Version};
use format::{Format, Jq, Printable, Style};
use serde::Serialize;
use std::future::Future;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// A line on stderr that is dropped when stderr is gone (`2>&-`, a closed pipe), where
/// `eprintln!` would panic in the middle of reporting something else.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Exit codes, one per error class, so scripts can tell failures apart: 0 success, 1 local
/// failure, 2 bad arguments or a rejected payload, 3 auth, 4 forbidden or not found, 5 server
/// error or operation not in this server version, 6 network (unreachable, broken connection,
/// timeout), 7 unreadable or oversized reply, 8 rate limited (HTTP 429).
pub mod exit {
    /// Local failure, such as writing the output.
    pub const OTHER: u8 = 1;
    /// Bad arguments or input (also what clap uses), or a payload the server rejected as invalid.
    pub const USAGE: u8 = 2;
    /// Not logged in, wrong credentials or OTP, expired token.
    pub const AUTH: u8 = 3;
    /// Forbidden or not found (Directus answers 403 for both).
    pub const FORBIDDEN: u8 = 4;
    /// The server failed, or its version does not have the operation.
    pub const SERVER: u8 = 5;
    /// The server could not be reached, the connection broke, or a timeout fired. The message
    /// says whether the server may have applied the request.
    pub const NETWORK: u8 = 6;
    /// The server's reply could not be read, is too large, or redirects elsewhere.
    pub const BAD_REPLY: u8 = 7;
    /// Rate limited (HTTP 429), after the retries `--retries` allows; try again later.
    pub const RATE_LIMITED: u8 = 8;

    /// Every exit code and what it means, for the root `--help`.
    pub const ALL: &[(u8, &str)] = &[
        (0, "success"),
        (OTHER, "local failure (writing the output, or --jq failing on the reply)"),
        (USAGE, "bad arguments or input, or a payload the server rejected as invalid"),
        (AUTH, "not logged in, wrong credentials or OTP, expired token"),
        (FORBIDDEN, "forbidden or not found (Directus answers 403 for both)"),
        (SERVER, "the server failed, or its version does not have the operation"),
        (NETWORK, "the server could not be reached"),
        (BAD_REPLY, "the server's reply could not be read"),
        (RATE_LIMITED, "rate limited (HTTP 429) after the retries; try again later"),
    ];

    /// The "Exit codes:" section of the root `--help`.
    pub fn help() -> String {
        let mut text = String::from("Exit codes:\n");
        for (code, meaning) in ALL {
            text += &format!("  {code}  {meaning}\n");
        }
        text
    }

    pub fn of(class: crate::ErrorClass) -> u8 {
        use crate::ErrorClass::*;
        match class {
            Usage => USAGE,
            Auth => AUTH,
            Forbidden => FORBIDDEN,
            Server => SERVER,
            Network => NETWORK,
            BadReply => BAD_REPLY,
            RateLimited => RATE_LIMITED,
        }
    }
}

// Flags every command takes. (A `//` comment: clap turns the doc comment of a flattened struct
// into the tool's `about`, and `directus --help` opened with this text.)
//
// Each has an explicit clap `id` with a `-`, which no generated argument can have (those ids are
// snake_case Rust field names). clap merges a global argument with any subcommand argument of the
// same id, so with the default ids an operation's `url` field (`files import --body-url`) landed
// in the server URL, and the admin's token went to whatever host the flag named.
#[derive(Clone, Debug, clap::Args)]
pub struct GlobalArgs {
    /// Base URL of the Directus server, e.g. http://127.0.0.1:8055
    // The value stays out of `--help` (`[env: DIRECTUS_URL=…]`): it may hold a password.
    #[arg(id = "global-url", long = "url", env = "DIRECTUS_URL", hide_env_values = true, global = true, value_name = "URL", help_heading = "Global options")]
    pub url: Option<String>,

    /// Read the access token from stdin (otherwise it comes from $DIRECTUS_TOKEN)
    #[arg(id = "global-token-stdin", long = "token-stdin", global = true, help_heading = "Global options")]
    pub token_stdin: bool,

    /// Refused: a token on the command line shows in the process list and shell history. Kept,
    /// hidden, so that old scripts get a clear message instead of "unexpected argument".
    #[arg(id = "global-token", long = "token", global = true, hide = true, value_name = "TOKEN")]
    pub token: Option<String>,

    /// The profile whose server and login to use; `auth login` stores them in it [default: default]
    #[arg(id = "global-profile", long = "profile", env = "DIRECTUS_PROFILE", global = true, value_name = "NAME", help_heading = "Global options")]
    pub profile: Option<String>,

    /// The server's Directus version, to skip asking the server (e.g. 12.4.1)
    #[arg(id = "global-server-version", long = "server-version", env = "DIRECTUS_SERVER_VERSION", global = true, value_name = "VERSION", help_heading = "Global options")]
    pub server_version: Option<String>,

    /// Pretty-print JSON output even when stdout is not a terminal
    #[arg(id = "global-pretty", long = "pretty", global = true, help_heading = "Global options")]
    pub pretty: bool,

    /// Give up on the call after SECS seconds in all, retries included (uploads and downloads
    /// are limited by --idle-timeout only) [default: none]
    #[arg(id = "global-timeout", long = "timeout", global = true, value_name = "SECS", value_parser = seconds, help_heading = "Global options")]
    pub timeout: Option<std::time::Duration>,

    /// Give up connecting after SECS seconds [default: 10]
    #[arg(id = "global-connect-timeout", long = "connect-timeout", global = true, value_name = "SECS", value_parser = seconds, help_heading = "Global options")]
    pub connect_timeout: Option<std::time::Duration>,

    /// Give up when no bytes move for SECS seconds (a stalled server or transfer) [default: 60]
    #[arg(id = "global-idle-timeout", long = "idle-timeout", global = true, value_name = "SECS", value_parser = seconds, help_heading = "Global options")]
    pub idle_timeout: Option<std::time::Duration>,

    /// Retries of a failed call: on connection errors, and for reads, PUT and DELETE also on
    /// 429, 502, 503, 504 and timeouts; never for a create (POST) that may have reached the
    /// server [default: 2]
    #[arg(id = "global-retries", long = "retries", global = true, value_name = "N", help_heading = "Global options")]
    pub retries: Option<u32>,

    /// The largest JSON reply read, in MiB; a larger one is refused unread (ask for fewer fields
    /// or items first) [default: 256]
    #[arg(id = "global-max-reply-size", long = "max-reply-size", global = true, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=1_048_576), help_heading = "Global options")]
    pub max_reply_size: Option<u64>,

    /// How to print the result
    #[arg(id = "global-output", long = "output", short = 'o', global = true, value_enum, default_value_t, value_name = "FORMAT", help_heading = "Global options")]
    pub output: Format,

    /// Print the request the command would send (method, URL, body; secrets masked) and send
    /// nothing
    #[arg(id = "global-dry-run", long = "dry-run", global = true, help_heading = "Global options")]
    pub dry_run: bool,

    /// Log each request on stderr: method, route, operation, status or error class, time taken
    /// (no values, keys or secrets)
    #[arg(id = "global-verbose", long = "verbose", short = 'v', global = true, help_heading = "Global options")]
    pub verbose: bool,

    /// Print each reply's status line and headers on stderr, as curl -i does (stdout stays the
    /// result); cookie values and anything token-like are masked
    #[arg(id = "global-include", long = "include", short = 'i', global = true, help_heading = "Global options")]
    pub include: bool,

    /// Filter the JSON reply with a jq expression before formatting it (e.g. '.[].email')
    #[arg(id = "global-jq", long = "jq", global = true, value_name = "EXPR", allow_hyphen_values = true, help_heading = "Global options")]
    pub jq: Option<String>,
}

/// A number of seconds, fractions allowed (`0.5`).
fn seconds(text: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = text.parse().map_err(|_| format!("`{text}` is not a number of seconds"))?;
    match std::time::Duration::try_from_secs_f64(secs) {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) if secs > 0.0 => Err(format!("`{text}` is below a nanosecond; give at least 0.001 seconds")),
        Err(_) if secs > 0.0 => Err(format!("`{text}` seconds is more than the clock can count; give at most a few days")),
        _ => Err(format!("`{text}` must be a positive number of seconds")),
    }
}

/// The environment variable the access token comes from (or `--token-stdin`).
pub const TOKEN_ENV: &str = "DIRECTUS_TOKEN";

/// The flag stdin has been read for, once it has: it can be read to its end only once, so a second
/// reader (another secret, or `--data -`) is told why instead of getting an empty value.
static STDIN_TAKEN_BY: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Claims stdin for `flag`, or says which flag has it already and what to do instead.
fn claim_stdin(flag: &str, instead: &str) -> Result<(), CliError> {
    if STDIN_TAKEN_BY.set(flag.to_owned()).is_ok() {
        return Ok(());
    }
    let first = STDIN_TAKEN_BY.get().map(String::as_str).unwrap_or("another flag");
    Err(CliError::Usage(format!("{flag}: stdin can carry only one secret or input, and {first} reads it already; {instead}")))
}

/// Asks before an irreversible operation (spec `confirm: true`): `yes` (`--yes`) goes ahead, and
/// so does a dry run, which sends nothing; on a terminal the question is asked on stderr and only
/// `y` or `yes` goes ahead; without a terminal, where nobody can answer, it is refused. Nothing
/// has been sent either way.
pub fn confirm(yes: bool, client: &Client, what: &str) -> Result<(), CliError> {
    if yes || client.is_dry_run() {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(format!(
            "{what}. This cannot be undone, and stdin is not a terminal to ask on: add --yes to go ahead; nothing was sent"
        )));
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{what}. This cannot be undone. Go ahead? [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).map_err(|e| CliError::Usage(format!("could not read the answer: {e}")))?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(CliError::Usage("not confirmed; nothing was sent".into())),
    }
}

/// Why a command failed.
#[derive(Debug)]
pub enum CliError {
    /// A bad argument or input, found before anything was sent.
    Usage(String),
    /// The call failed.
    Client(Error),
    /// Writing the result failed.
    Output(String),
    /// The command needs a login, and there is none.
    NotLoggedIn(String),
}

/// A download that arrived but could not be written here (a full disk, a closed pipe) is a
/// local failure, exit 1, like any output that cannot be written; other errors keep their class.
fn local(e: Error) -> CliError {
    match e {
        // (A name that is no file, refused before writing, stays a usage error.)
        Error::Io { ref source, .. } if source.kind() != std::io::ErrorKind::InvalidInput => CliError::Output(e.to_string()),
        other => CliError::Client(other),
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Client(e)
    }
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => exit::USAGE,
            CliError::Output(_) => exit::OTHER,
            CliError::NotLoggedIn(_) => exit::AUTH,
            CliError::Client(e) => exit::of(e.class()),
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Output(m) | CliError::NotLoggedIn(m) => f.write_str(m),
            CliError::Client(e) => write!(f, "{e}"),
        }
    }
}

pub type CliResult = Result<Output, CliError>;

/// What a command produced.
pub enum Output {
    Json(serde_json::Value),
    /// The whole reply, `{"data": …}` with what the server sent beside it: a list's `meta`, or the
    /// fields of an operation's `envelope_fields` (`auth list-providers`: `disableDefault`).
    /// Printed whole in JSON and YAML; ndjson and tables print `data`, and the rest on stderr.
    Envelope(serde_json::Map<String, serde_json::Value>),
    Text(String),
    /// The operation returns nothing; success is the exit code.
    Empty,
    Download { download: Download, to: Option<PathBuf> },
    Redirect(String),
    /// Every item of a list (`--all`), read page by page. JSON and ndjson print each item as it
    /// arrives, so memory holds one page; yaml, tables and `--jq` need the whole list first.
    Items(crate::ItemStream<serde_json::Value>),
}

impl Output {
    pub fn json(value: impl Serialize) -> CliResult {
        serde_json::to_value(value)
            .map(Output::Json)
            .map_err(|e| CliError::Output(format!("the result could not be printed as JSON: {e}")))
    }

    /// A list: the items alone, as without `--meta`; `{"data": …, "meta": …}` when `meta` came back.
    pub fn page<T: Serialize>(page: crate::Page<T>) -> CliResult {
        let to_json = |e: serde_json::Error| CliError::Output(format!("the result could not be printed as JSON: {e}"));
        match page.meta {
            None => Output::json(page.data),
            Some(meta) => {
                let mut whole = serde_json::Map::new();
                whole.insert("data".into(), serde_json::to_value(page.data).map_err(to_json)?);
                whole.insert("meta".into(), serde_json::to_value(meta).map_err(to_json)?);
                Ok(Output::Envelope(whole))
            }
        }
    }
}

tokio::task_local! {
    /// The whole reply of the call [`whole_envelope`] runs, kept by the runtime as it reads it.
    static WHOLE_REPLY: std::cell::RefCell<Option<serde_json::Value>>;
}

/// Whether a reply is wanted whole: only inside [`whole_envelope`], so other calls copy nothing.
pub(crate) fn envelope_wanted() -> bool {
    WHOLE_REPLY.try_with(|_| ()).is_ok()
}

/// Offered every `{"data": …}` reply the runtime reads while [`envelope_wanted`]; kept only
/// inside [`whole_envelope`].
pub(crate) fn offer_envelope(body: &[u8]) {
    let _ = WHOLE_REPLY.try_with(|slot| *slot.borrow_mut() = serde_json::from_slice(body).ok());
}

/// Runs `call`, an operation whose reply carries fields beside `data` (spec `envelope_fields`,
/// e.g. `disableDefault` of `auth list-providers`), and gives its whole reply, so nothing the
/// server said is lost. The client method still reads and checks `data` as always; the reply it
/// read last is the one printed (a token refresh on the way is read before it).
pub async fn whole_envelope<T: Serialize>(call: impl Future<Output = Result<T, Error>>) -> CliResult {
    let (data, whole) = WHOLE_REPLY
        .scope(std::cell::RefCell::new(None), async {
            let data = call.await;
            (data, WHOLE_REPLY.with(|slot| slot.borrow_mut().take()))
        })
        .await;
    let data = data?;
    match whole {
        Some(serde_json::Value::Object(whole)) if whole.contains_key("data") => Ok(Output::Envelope(whole)),
        _ => Output::json(data),
    }
}

/// Parses the command line of the tool `C`: the parsed tool, and clap's matches (the runtime reads
/// the operation's `--fields` from them for table columns).
pub fn parse<C: clap::Parser>() -> (C, clap::ArgMatches) {
    // `get_matches_mut`, not a clone: copying the tree of every command cost about as much as
    // building it.
    let mut command = C::command();
    let matches = command.get_matches_mut();
    match C::from_arg_matches(&matches) {
        Ok(tool) => (tool, matches),
        Err(e) => e.format(&mut command).exit(),
    }
}

/// A resource's group of subcommands, which clap builds only when the command line enters it
/// ([`clap::Command::defer`]): `directus --help` and `directus users list` then build one group,
/// not the hundreds of commands of all (start-up went from about 4 to 2 ms). Completions and man
/// pages build everything, as before.
pub struct Lazy<T>(pub T);

impl<T: clap::FromArgMatches> clap::FromArgMatches for Lazy<T> {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Lazy)
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
}

impl<T: clap::Subcommand> clap::Subcommand for Lazy<T> {
    fn augment_subcommands(command: clap::Command) -> clap::Command {
        command.defer(T::augment_subcommands)
    }

    fn augment_subcommands_for_update(command: clap::Command) -> clap::Command {
        command.defer(T::augment_subcommands_for_update)
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}

/// The values of the operation's `--fields`, when it has the flag and it was given: the columns of
/// `-o table`.
pub fn fields_of(matches: &clap::ArgMatches) -> Option<Vec<String>> {
    let mut leaf = matches;
    while let Some((_, sub)) = leaf.subcommand() {
        leaf = sub;
    }
    let fields: Vec<String> = leaf.try_get_many::<String>("fields").ok()??.cloned().collect();
    // Read as every list flag is (`a,b`, a JSON array, @FILE), but never from stdin, which the
    // command's own reading of `--fields -` needs; a list that does not read names no columns.
    if fields.iter().any(|f| f.trim() == "-") {
        return None;
    }
    read_strings("--fields", &fields).ok()
}

/// Parses the global flags, runs `command` on a client, prints its output and returns the exit code.
/// `matches` are the tool's (from [`parse`]).
pub fn run<F, Fut>(global: &GlobalArgs, matches: &clap::ArgMatches, command: F) -> ExitCode
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = CliResult>,
{
    let result = printer(global, matches).and_then(|printer| {
        let (client, mut profile) = client(global)?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CliError::Output(format!("could not start the async runtime: {e}")))?;
        rt.block_on(async {
            // A dry run sends nothing, so a due session is left for a real command to refresh.
            if !global.dry_run {
                profile.refresh_if_due(&client).await?;
            }
            let output = command(client.clone()).await;
            // Stored even when the command failed: a refresh spent the stored refresh token.
            let saved = profile.save_after(&client).await;
            let (output, saved) = match (output, saved) {
                (Ok(output), Ok(saved)) => (output, saved),
                (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e),
                (Err(e), Err(not_saved)) => {
                    say!("warning: {}", crate::error::escape_controls(&not_saved.to_string()));
                    return Err(e);
                }
            };
            if saved == profile::Saved::Started {
                say!("{}", crate::error::escape_controls(&profile::login_note(client.base_url())));
                // On a terminal the reply, which holds the tokens, is not shown.
                if std::io::stdout().is_terminal() && printer.jq.is_none() {
                    return Ok(());
                }
            }
            print(output, &printer).await
        })
    });
    // Escaped as a whole, so the error stays one line of plain text whatever it quotes: server
    // text, a file name, a URL.
    finish(result)
}

/// The client of the global flags, and the profile (`--profile`) it may have taken its URL and
/// session from: `--url` > `$DIRECTUS_URL` > the profile, and a token > the profile's session.
fn client(global: &GlobalArgs) -> Result<(Client, profile::Profile), CliError> {
    if global.token.is_some() {
        // The value is not repeated: it is a secret that already went where it should not.
        return Err(CliError::Usage(format!(
            "--token is not accepted: a token on the command line shows in the process list and shell history; \
             set {TOKEN_ENV} or pipe it in with --token-stdin"
        )));
    }
    let mut profile = profile::Profile::open(global.profile.as_deref())?;
    let url = global.url.clone().or_else(|| profile.url().map(str::to_owned)).ok_or_else(|| {
        CliError::Usage("no server URL: pass --url, set DIRECTUS_URL, or log in once with `auth login --url URL`".into())
    })?;
    let url = url.as_str();
    let mut builder = Client::builder(url)
        .user_agent(concat!("directus-cli/", env!("CARGO_PKG_VERSION")))
        .upload_progress(std::io::stderr().is_terminal());
    let token = if global.token_stdin {
        Some(read_stdin_secret("--token-stdin", "access token", TOKEN_ENV)?)
    } else {
        std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty()).map(Secret::new)
    };
    let credentials = match (&token, global.token_stdin) {
        (Some(_), true) => profile::Credentials::TokenStdin,
        (Some(_), false) => profile::Credentials::TokenEnv,
        (None, _) => profile::Credentials::None,
    };
    if let Some(token) = token {
        builder = builder.token(token);
    }
    let session = profile.session_for(url, credentials != profile::Credentials::None);
    profile.set_active(if session.is_some() { profile::Credentials::ProfileSession } else { credentials });
    if let Some(tokens) = session {
        builder = builder.session(tokens);
    }
    if let Some(v) = global.server_version.as_deref() {
        let v: Version = v.parse().map_err(|e| CliError::Usage(format!("--server-version: {e}")))?;
        builder = builder.server_version(v);
    }
    if let Some(t) = global.timeout {
        builder = builder.timeout(t);
    }
    if let Some(t) = global.connect_timeout {
        builder = builder.connect_timeout(t);
    }
    if let Some(t) = global.idle_timeout {
        builder = builder.idle_timeout(t);
    }
    if let Some(n) = global.retries {
        builder = builder.retry(crate::RetryPolicy::attempts(n.saturating_add(1)));
    }
    if let Some(mib) = global.max_reply_size {
        builder = builder.max_reply_size(mib * 1024 * 1024);
    }
    builder = builder.dry_run(global.dry_run);
    if global.verbose {
        // From the hook's view of an attempt, which holds the route template and never a value.
        builder = builder.hook(|a| {
            let outcome = match (a.status, a.error) {
                (Some(status), _) => status.to_string(),
                (None, Some(e)) => format!("failed ({:?}, {:?})", e.class(), e.outcome()),
                (None, None) => "no reply".into(),
            };
            let retry = if a.attempt > 1 { format!(", attempt {}", a.attempt) } else { String::new() };
            say!(
                "> {} {}{} ({}) → {outcome} in {} ms{retry}",
                a.operation.method.as_str(),
                a.base_url,
                a.route,
                a.operation.id,
                a.elapsed.as_millis()
            );
        });
    }
    if global.include {
        // The reply's head, secrets masked by the runtime; a blank line ends it, as in curl -i.
        builder = builder.hook(|a| {
            if let Some(head) = &a.reply {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "{head}").and_then(|()| err.flush());
            }
        });
    }
    let client = builder.build().map_err(|e| CliError::Usage(format!("--url: {e}")))?;
    Ok((client, profile))
}

/// How the result is printed, from the global flags; the `--jq` expression is compiled here,
/// before anything is sent, so a bad one costs no request.
struct Printer {
    style: Style,
    jq: Option<Jq>,
}

fn printer(global: &GlobalArgs, matches: &clap::ArgMatches) -> Result<Printer, CliError> {
    let jq = global.jq.as_deref().map(Jq::compile).transpose()?;
    let style = Style {
        format: global.output,
        pretty: global.pretty || std::io::stdout().is_terminal(),
        columns: fields_of(matches),
        width: if global.output == Format::Table { format::table_width() } else { None },
    };
    Ok(Printer { style, jq })
}

async fn print(output: Output, printer: &Printer) -> Result<(), CliError> {
    let out_err = |e: std::io::Error| CliError::Output(format!("could not write the result: {e}"));
    let output = match output {
        Output::Items(items) if printer.jq.is_none() && matches!(printer.style.format, Format::Json | Format::Ndjson) => {
            return print_items(items, printer).await;
        }
        Output::Items(items) => Output::Json(serde_json::Value::Array(items.collect_all().await?)),
        other => other,
    };
    let printable = match (output, &printer.jq) {
        (Output::Json(v), None) => Some(Printable::One(v)),
        (Output::Envelope(whole), None) => Some(Printable::Envelope(whole)),
        (Output::Json(v), Some(jq)) => Some(Printable::Stream(jq.run(v)?)),
        (Output::Envelope(whole), Some(jq)) => Some(Printable::Stream(jq.run(serde_json::Value::Object(whole))?)),
        // Text is a JSON string to a filter (`server ping --jq length`).
        (Output::Text(t), Some(jq)) => Some(Printable::Stream(jq.run(serde_json::Value::String(t))?)),
        (Output::Download { .. }, Some(_)) => {
            return Err(CliError::Usage("--jq: this command writes a file's bytes, not JSON".into()));
        }
        (other, _) => {
            return print_raw(other).await;
        }
    };
    if let Some(p) = printable {
        let (text, note) = format::render(p, &printer.style)?;
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).map_err(out_err)?;
        // After the output, so that on a terminal it reads as a footnote.
        if let Some(note) = note {
            say!("{note}");
        }
    }
    Ok(())
}

/// Prints a list's items as they arrive: one per line (ndjson), or one JSON array written piece by
/// piece. On a terminal, stderr counts them.
async fn print_items(mut items: crate::ItemStream<serde_json::Value>, printer: &Printer) -> Result<(), CliError> {
    let out_err = |e: std::io::Error| CliError::Output(format!("could not write the result: {e}"));
    let ndjson = printer.style.format == Format::Ndjson;
    let progress = std::io::stderr().is_terminal();
    let mut stdout = std::io::stdout().lock();
    let mut n = 0u64;
    if !ndjson {
        stdout.write_all(b"[").map_err(out_err)?;
    }
    while let Some(item) = items.try_next().await? {
        let text = if printer.style.pretty && !ndjson { serde_json::to_string_pretty(&item) } else { serde_json::to_string(&item) };
        let text = text.map_err(|e| CliError::Output(e.to_string()))?;
        let sep: &[u8] = match (ndjson, n) {
            (true, _) => b"",
            (false, 0) => b"\n",
            (false, _) => b",\n",
        };
        stdout.write_all(sep).and_then(|()| stdout.write_all(text.as_bytes())).map_err(out_err)?;
        if ndjson {
            stdout.write_all(b"\n").map_err(out_err)?;
        }
        n += 1;
        if progress {
            eprint!("\r{n} items");
        }
    }
    if !ndjson {
        stdout.write_all(if n == 0 { b"]\n" } else { b"\n]\n" }).map_err(out_err)?;
    }
    stdout.flush().map_err(out_err)?;
    if progress {
        say!("\r{n} items in all");
    }
    Ok(())
}

/// Output that is not JSON: text, a redirect's location, a download, or nothing.
async fn print_raw(output: Output) -> Result<(), CliError> {
    let out_err = |e: std::io::Error| CliError::Output(format!("could not write the result: {e}"));
    let mut stdout = std::io::stdout().lock();
    match output {
        Output::Json(_) | Output::Envelope(_) | Output::Items(_) => unreachable!("JSON is formatted by `print`"),
        Output::Text(t) => {
            // The server chose this text: on a terminal, escape sequences in it (a new title, a
            // cleared screen) are shown as escapes, not obeyed. Piped, it goes through as sent.
            if std::io::stdout().is_terminal() {
                for line in t.split_inclusive('\n') {
                    let (text, end) = line.strip_suffix('\n').map_or((line, ""), |l| (l, "\n"));
                    write!(stdout, "{}{end}", crate::error::escape_controls(text)).map_err(out_err)?;
                }
            } else {
                stdout.write_all(t.as_bytes()).map_err(out_err)?;
            }
            // Text ends with a line break, as shell tools' output does (`server ping` → `pong\n`).
            if !t.ends_with('\n') {
                writeln!(stdout).map_err(out_err)?;
            }
        }
        Output::Empty => {}
        Output::Redirect(location) => writeln!(stdout, "{}", crate::error::escape_controls(&location)).map_err(out_err)?,
        Output::Download { download, to } => {
            drop(stdout);
            match to {
                Some(path) => {
                    let n = download.save(&path).await.map_err(local)?;
                    say!("wrote {n} bytes to {}", path.display());
                }
                // A file's bytes would be taken by the terminal as text and commands.
                None if std::io::stdout().is_terminal() => {
                    return Err(CliError::Usage(
                        "this writes a file's bytes, and stdout is a terminal: give --output-file FILE (-O FILE), or pipe the output (| cat) to see it anyway".into(),
                    ));
                }
                None => {
                    download.write_to(&mut tokio::io::stdout()).await.map_err(local)?;
                }
            }
        }
    }
    Ok(())
}

/// `completion SHELL`: the arguments of the command that prints a completion script.
#[derive(Clone, Debug, clap::Args)]
pub struct CompletionArgs {
    /// The shell to print the completion script for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `man`: the arguments of the command that prints the manual page.
#[derive(Clone, Debug, clap::Args)]
pub struct ManArgs {
    /// Write a page per command (NAME.1, NAME-RESOURCE.1, NAME-RESOURCE-OPERATION.1) into this
    /// folder instead of printing the root page
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Prints the completion script of the tool `C` for a shell, e.g. `source <(directus completion bash)`.
pub fn completion<C: clap::CommandFactory>(args: &CompletionArgs) -> ExitCode {
    let mut command = C::command();
    let name = command.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, name, &mut script);
    finish(std::io::stdout().lock().write_all(&script).map_err(|e| CliError::Output(format!("could not write the script: {}", io_text(&e)))))
}

/// Prints the root manual page (roff) of the tool `C`, or writes one page per command into `--dir`.
pub fn man<C: clap::CommandFactory>(args: &ManArgs) -> ExitCode {
    let command = C::command();
    let result = match &args.dir {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(command, dir))
            .map(|()| say!("wrote the manual pages to {}", dir.display()))
            .map_err(|e| CliError::Output(format!("could not write the manual pages to {}: {e}", dir.display()))),
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .and_then(|()| std::io::stdout().lock().write_all(&page))
                .map_err(|e| CliError::Output(format!("could not write the manual page: {}", io_text(&e))))
        }
    };
    finish(result)
}

fn finish(result: Result<(), CliError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `--dry-run`: the request is the output.
        Err(CliError::Client(Error::DryRun { request, .. })) => {
            print!("{request}");
            ExitCode::SUCCESS
        }
        // `directus man | head`: the reader has what it wanted.
        Err(CliError::Output(m)) if m.ends_with(BROKEN_PIPE) => ExitCode::SUCCESS,
        Err(e) => {
            say!("error: {}", crate::error::escape_controls(&e.to_string()));
            ExitCode::from(e.exit_code())
        }
    }
}

const BROKEN_PIPE: &str = "the reader closed the pipe";

fn io_text(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        BROKEN_PIPE.to_owned()
    } else {
        e.to_string()
    }
}

/// A required value that may be given as a flag or positionally (`users get ID` or
/// `users get --id ID`); clap makes sure exactly one is there.
pub fn flag_or_positional<T>(flag: &str, named: Option<T>, positional: Option<T>) -> Result<T, CliError> {
    named.or(positional).ok_or_else(|| CliError::Usage(format!("{flag} is required (as the flag or the first argument)")))
}

/// Where a secret parameter comes from. It is never a plain flag: flags show in the process list
/// and in shell history.
pub struct SecretSource<'a> {
    /// The parameter's name, for messages and the prompt.
    pub name: &'a str,
    /// The `--NAME-stdin` flag that was given.
    pub stdin_flag: &'a str,
    pub from_stdin: bool,
    /// The `--NAME-file` flag, and the file it names (`-` is stdin), when given. A file lets a
    /// command take two secrets (a password and an OTP) without the environment.
    pub file_flag: &'a str,
    pub file: Option<&'a std::path::Path>,
    /// The environment variable that may hold it.
    pub env: &'a str,
}

/// Reads a secret from stdin or a file (when asked), the environment, or a prompt without echo
/// on a terminal.
pub fn read_secret(src: SecretSource<'_>) -> Result<Secret, CliError> {
    if src.from_stdin {
        return read_stdin_secret(src.stdin_flag, src.name, src.env);
    }
    if let Some(path) = src.file {
        if path.as_os_str() == "-" {
            return read_stdin_secret(src.file_flag, src.name, src.env);
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::Usage(format!("{}: could not read {}: {e}", src.file_flag, path.display())))?;
        // One trailing line break is the file's, not the secret's.
        let value = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
        if value.is_empty() {
            return Err(CliError::Usage(format!("{}: {} is empty", src.file_flag, path.display())));
        }
        return Ok(Secret::new(value));
    }
    if let Ok(value) = std::env::var(src.env) {
        if !value.is_empty() {
            return Ok(Secret::new(value));
        }
    }
    if std::io::stdin().is_terminal() {
        let value = rpassword::prompt_password(format!("{}: ", src.name))
            .map_err(|e| CliError::Usage(format!("could not read the {} from the terminal: {e}", src.name)))?;
        return Ok(Secret::new(value));
    }
    Err(CliError::Usage(format!(
        "the {name} is required: pipe it in with {flag}, set {env}, or run in a terminal to be prompted",
        name = src.name,
        flag = src.stdin_flag,
        env = src.env
    )))
}

/// Reads a secret from stdin, without one trailing newline (`echo` adds it).
fn read_stdin_secret(flag: &str, name: &str, env: &str) -> Result<Secret, CliError> {
    claim_stdin(flag, &format!("set {env} for the {name} instead"))?;
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CliError::Usage(format!("{flag}: could not read stdin: {e}")))?;
    let value = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
    if value.is_empty() {
        return Err(CliError::Usage(format!("{flag}: stdin was empty; pipe the {name} in")));
    }
    Ok(Secret::new(value))
}

/// Reads an optional secret: from stdin or a file when asked, else from the environment, else none.
/// Never prompts: an optional value must not hold the command up.
pub fn read_optional_secret(src: SecretSource<'_>) -> Result<Option<Secret>, CliError> {
    if src.from_stdin || src.file.is_some() {
        return read_secret(src).map(Some);
    }
    Ok(std::env::var(src.env).ok().filter(|v| !v.is_empty()).map(Secret::new))
}

/// The text of an input flag's value and where it came from: `-` is stdin (which `instead`
/// says how to avoid when another flag has it), `@PATH` a file, anything else the value itself.
fn read_input(flag: &str, arg: &str, instead: &str) -> Result<(String, String), CliError> {
    if arg == "-" {
        claim_stdin(flag, instead)?;
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::Usage(format!("{flag}: could not read stdin: {e}")))?;
        return Ok((text, "stdin".to_owned()));
    }
    if let Some(path) = arg.strip_prefix('@') {
        let text = std::fs::read_to_string(path).map_err(|e| CliError::Usage(format!("{flag}: could not read {path}: {e}")))?;
        return Ok((text, path.to_owned()));
    }
    Ok((arg.to_owned(), "the argument".to_owned()))
}

/// Parses JSON read by [`read_input`], naming its origin and position in the error.
fn parse_json(flag: &str, text: &str, origin: &str) -> Result<serde_json::Value, CliError> {
    serde_json::from_str(text).map_err(|e| {
        // serde_json's message ends with the position, which this one gives first.
        let message = e.to_string();
        let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m).to_owned();
        CliError::Usage(format!(
            "{flag}: invalid JSON in {origin} at line {}, column {}: {message}; pass JSON inline, @FILE or - for stdin",
            e.line(),
            e.column()
        ))
    })
}

/// Reads a JSON argument: inline text, `@path` for a file, or `-` for stdin.
pub fn read_json(flag: &str, arg: &str) -> Result<serde_json::Value, CliError> {
    let (text, origin) = read_input(flag, arg, "pass the JSON inline or as @FILE instead")?;
    parse_json(flag, &text, &origin)
}

/// Reads a value body given either as its flag (JSON inline, `@FILE` or `-`, as [`read_json`])
/// or as a positional FILE (spec `positional_file`): a file of JSON or YAML, or `-` for stdin.
/// A schema snapshot is the case: `directus schema snapshot > s.yaml` on one server, then
/// `directus schema diff s.yaml` on another; `-o yaml` output and Directus's own YAML export read
/// the same.
pub fn read_json_or_document(flag: &str, named: Option<&str>, file: Option<&std::path::Path>) -> Result<serde_json::Value, CliError> {
    match (named, file) {
        (Some(arg), _) => read_json(flag, arg),
        (None, Some(path)) => read_document(path),
        (None, None) => Err(CliError::Usage(format!("{flag} is required (as the flag, or a FILE as the first argument)"))),
    }
}

/// A file of JSON or YAML (`-`: stdin). JSON is tried first, since every JSON text is meant as
/// JSON; anything else is read as YAML, and a file that is neither gets the YAML parser's
/// line and column (or the JSON one's, when the file looks like JSON).
fn read_document(path: &std::path::Path) -> Result<serde_json::Value, CliError> {
    let arg = path.to_string_lossy();
    let (text, origin) = if arg == "-" {
        read_input("FILE", "-", "give the file's path instead")?
    } else {
        let text = std::fs::read_to_string(path).map_err(|e| CliError::Usage(format!("FILE: could not read {}: {e}", path.display())))?;
        (text, path.display().to_string())
    };
    if let Ok(v) = serde_json::from_str(&text) {
        return Ok(v);
    }
    if text.trim_start().starts_with(['{', '[']) {
        return parse_json("FILE", &text, &origin).map_err(|e| match e {
            CliError::Usage(m) => CliError::Usage(m.replace("; pass JSON inline, @FILE or - for stdin", "; the file holds neither JSON nor YAML")),
            other => other,
        });
    }
    // The YAML parser takes time quadratic in the nesting of flow collections (`a: [[[…]]]`):
    // 100,000 levels are 50 s. No schema file nests like that; refuse before parsing.
    if let Some(line) = flow_nesting_beyond(&text, MAX_YAML_NESTING) {
        return Err(CliError::Usage(format!(
            "FILE: {origin} nests `[` or `{{` more than {MAX_YAML_NESTING} levels deep (line {line}); a schema or data file does not: check it is the file you meant"
        )));
    }
    serde_norway::from_str::<serde_json::Value>(&text).map_err(|e| {
        let at = e.location().map(|l| format!(" at line {}, column {}", l.line(), l.column())).unwrap_or_default();
        // The parser's message can quote the file; its first sentence names the problem.
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        CliError::Usage(format!("FILE: {origin} is neither JSON nor YAML{at}: {message}"))
    })
}

/// How deep `[` and `{` may nest in a YAML FILE (JSON has its parser's own limit of 128).
const MAX_YAML_NESTING: usize = 256;

/// The line at which `[`/`{` first nest deeper than `most`, outside quoted strings and comments;
/// a scan of the text, so it costs nothing next to the parse it may save.
fn flow_nesting_beyond(text: &str, most: usize) -> Option<usize> {
    let (mut depth, mut line, mut quote, mut comment) = (0usize, 1, None::<char>, false);
    let mut prev = ' ';
    for c in text.chars() {
        match (quote, c) {
            (_, '\n') => {
                line += 1;
                comment = false;
            }
            _ if comment => {}
            (Some('"'), '\\') if prev == '\\' => {
                prev = ' ';
                continue;
            }
            (Some(q), c) if c == q && !(q == '"' && prev == '\\') => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') if prev.is_whitespace() => comment = true,
            (None, '[' | '{') => {
                depth += 1;
                if depth > most {
                    return Some(line);
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = c;
    }
    None
}

/// Reads a list, the one way every list flag is read (keys, fields, items): each occurrence of the
/// flag is a JSON array (`[1,"a"]`), comma-separated values (`1,2` or `a,b`: numbers, booleans and
/// null as JSON, the rest as strings), or `@FILE` / `-` (stdin) holding a JSON array or one value
/// per line (NDJSON, or plain keys). What could be read two ways is an error, never a guess: a
/// comma-separated item that starts like JSON (`{`, `[`, `"`), or an empty item.
pub fn read_list(flag: &str, args: &[String]) -> Result<Vec<serde_json::Value>, CliError> {
    let mut out = Vec::new();
    for arg in args {
        out.extend(read_list_arg(flag, arg)?);
    }
    Ok(out)
}

fn read_list_arg(flag: &str, arg: &str) -> Result<Vec<serde_json::Value>, CliError> {
    let trimmed = arg.trim();
    let from_input = trimmed == "-" || trimmed.starts_with('@');
    if from_input || trimmed.starts_with('[') {
        let (text, origin) = read_input(flag, trimmed, "pass the list inline or as @FILE instead")?;
        if text.trim_start().starts_with('[') {
            return match parse_json(flag, text.trim(), &origin)? {
                serde_json::Value::Array(items) => Ok(items),
                other => Err(CliError::Usage(format!("{flag}: expected a JSON array ([...]), got {}", kind_of(&other)))),
            };
        }
        // One value per line: JSON (NDJSON), or a plain key.
        let mut items = Vec::new();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let line = line.trim();
            let item = match serde_json::from_str::<serde_json::Value>(line) {
                Ok(v) => v,
                Err(e) if line.starts_with(['{', '[', '"']) => {
                    return Err(CliError::Usage(format!("{flag}: line {} of {origin} is not valid JSON: {e}", n + 1)));
                }
                Err(_) => serde_json::Value::String(line.to_owned()),
            };
            items.push(item);
        }
        return Ok(items);
    }
    let mut items = Vec::new();
    for part in arg.split(',').map(str::trim) {
        if part.is_empty() {
            return Err(CliError::Usage(format!("{flag}: `{arg}` has an empty item; write A,B,C without empty places")));
        }
        if part.starts_with(['{', '[', '"']) {
            return Err(CliError::Usage(format!(
                "{flag}: `{part}` looks like JSON inside a comma-separated list; pass the whole list as one JSON array, e.g. [{{\"a\":1}},{{\"a\":2}}], or @FILE"
            )));
        }
        items.push(match serde_json::from_str::<serde_json::Value>(part) {
            Ok(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_) | serde_json::Value::Null)) => v,
            _ => serde_json::Value::String(part.to_owned()),
        });
    }
    Ok(items)
}

/// [`read_list`] for a list of strings: numbers are taken as their text (`--keys 1,2` on string keys).
pub fn read_strings(flag: &str, args: &[String]) -> Result<Vec<String>, CliError> {
    read_list(flag, args)?
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => Ok(s),
            serde_json::Value::Number(n) => Ok(n.to_string()),
            other => Err(CliError::Usage(format!("{flag}: expected strings, got {}", kind_of(&other)))),
        })
        .collect()
}

/// [`read_list`] for a list of integers.
pub fn read_integers(flag: &str, args: &[String]) -> Result<Vec<i64>, CliError> {
    read_list(flag, args)?
        .into_iter()
        .map(|v| v.as_i64().ok_or_else(|| CliError::Usage(format!("{flag}: expected whole numbers, got {v}"))))
        .collect()
}

/// Reads an optional JSON object argument (inline, `@path`, or `-`); none gives an empty object.
pub fn read_json_object(flag: &str, arg: Option<&str>) -> Result<serde_json::Map<String, serde_json::Value>, CliError> {
    match arg.map(|a| read_json(flag, a)).transpose()? {
        None => Ok(Default::default()),
        Some(serde_json::Value::Object(map)) => Ok(map),
        Some(other) => Err(CliError::Usage(format!("{flag}: expected a JSON object ({{...}}), got {}", kind_of(&other)))),
    }
}

fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// The root `--help` lists every code a command can end with.
    #[test]
    fn every_exit_code_is_in_the_help() {
        use crate::ErrorClass::*;
        let listed: Vec<u8> = exit::ALL.iter().map(|(code, _)| *code).collect();
        for class in [Usage, Auth, Forbidden, Server, Network, BadReply, RateLimited] {
            assert!(listed.contains(&exit::of(class)), "{class:?} exits {} but --help does not list it", exit::of(class));
        }
        assert!(listed.contains(&exit::OTHER) && exit::help().contains("  8  rate limited"));
    }

    #[test]
    fn deep_flow_nesting_is_found_before_parsing() {
        let deep = format!("a: {}{}", "[".repeat(300), "]".repeat(300));
        assert_eq!(flow_nesting_beyond(&deep, 256), Some(1));
        let fine = format!("a:\n  b: {}1{}\n", "[".repeat(200), "]".repeat(200));
        assert_eq!(flow_nesting_beyond(&fine, 256), None);
        // Brackets in strings and comments do not count.
        let quoted = format!("a: \"{}\"\nb: '{}' # {}\n", "[".repeat(300), "{".repeat(300), "[".repeat(300));
        assert_eq!(flow_nesting_beyond(&quoted, 256), None);
        let huge = format!("a: {}", "[".repeat(100_000));
        assert_eq!(flow_nesting_beyond(&huge, 256), Some(1));
    }

    #[test]
    fn seconds_say_what_is_wrong_with_them() {
        assert_eq!(seconds("2.5"), Ok(std::time::Duration::from_millis(2500)));
        assert!(seconds("1e19").is_ok(), "large but countable: the deadline is then far off");
        for (text, says) in [("1e300", "more than the clock"), ("1e-10", "below a nanosecond"), ("0", "positive"), ("-3", "positive"), ("x", "not a number")] {
            let e = seconds(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    /// A tool shaped like a generated one, with an operation whose body field is named `url`.
    #[derive(Parser)]
    struct Tool {
        #[command(flatten)]
        global: GlobalArgs,
        #[command(subcommand)]
        command: ToolCommand,
    }

    #[derive(clap::Subcommand)]
    enum ToolCommand {
        Import(ImportArgs),
    }

    #[derive(clap::Args)]
    struct ImportArgs {
        #[arg(long = "body-url")]
        url: String,
        #[arg(long = "body-pretty")]
        pretty: bool,
    }

    #[test]
    fn an_operation_flag_never_fills_a_global_one() {
        use clap::CommandFactory;
        Tool::command().debug_assert();
        let tool = Tool::try_parse_from(["t", "--url", "http://directus", "import", "--body-url", "http://elsewhere/x", "--body-pretty"]).unwrap();
        let ToolCommand::Import(args) = tool.command;
        assert_eq!(tool.global.url.as_deref(), Some("http://directus"));
        assert_eq!(args.url, "http://elsewhere/x");
        assert!(args.pretty && !tool.global.pretty);
    }

    #[test]
    fn a_token_on_the_command_line_is_refused_without_repeating_it() {
        let tool = Tool::try_parse_from(["t", "--url", "http://h", "--token", "abc-secret", "import", "--body-url", "x"]).unwrap();
        let err = client(&tool.global).err().expect("--token is refused");
        assert_eq!(err.exit_code(), exit::USAGE);
        let text = err.to_string();
        assert!(text.contains("DIRECTUS_TOKEN") && text.contains("--token-stdin"), "{text}");
        assert!(!text.contains("abc-secret"), "{text}");
        // Not in the help either: it is there only to explain itself.
        let help = <Tool as clap::CommandFactory>::command().render_long_help().to_string();
        assert!(help.contains("--token-stdin") && !help.contains("--token <"), "{help}");
    }

    #[test]
    fn json_errors_name_the_position() {
        let err = read_json("--data", "{\"a\": }").unwrap_err().to_string();
        assert!(err.contains("line 1, column 7"), "{err}");
        assert_eq!(err.matches("column").count(), 1, "the position once: {err}");
        assert!(err.starts_with("--data:"), "{err}");
        assert_eq!(read_json("--data", "[1,2]").unwrap(), serde_json::json!([1, 2]));
    }

    #[test]
    fn lists_are_read_one_way_everywhere() {
        let list = |arg: &str| read_list("--keys", &[arg.to_owned()]);
        assert_eq!(list("1, a,true").unwrap(), serde_json::json!([1, "a", true]).as_array().unwrap().clone());
        assert_eq!(list(r#"["a","b"]"#).unwrap(), vec![serde_json::json!("a"), serde_json::json!("b")]);
        assert_eq!(list(r#"[{"a":1}]"#).unwrap().len(), 1);
        assert!(list("[1,").is_err());
        // Ambiguous: JSON pieces in a comma list, empty items.
        let err = list(r#"{"a":1},{"b":2}"#).unwrap_err().to_string();
        assert!(err.contains("one JSON array"), "{err}");
        assert!(list(r#"["a","#).is_err());
        assert!(list("a,,b").is_err());
        // Occurrences add up; strings and integers are checked.
        assert_eq!(read_strings("--fields", &["a,b".into(), "c".into()]).unwrap(), ["a", "b", "c"]);
        assert_eq!(read_strings("--keys", &["1,2".into()]).unwrap(), ["1", "2"]);
        assert_eq!(read_integers("--keys", &["[1,2]".into()]).unwrap(), [1, 2]);
        assert!(read_integers("--keys", &["1,x".into()]).is_err());
        // A file: a JSON array, or one value per line.
        let dir = std::env::temp_dir().join(format!("directus-rs-list-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("keys.txt"), "a1\n\nb2\n").unwrap();
        std::fs::write(dir.join("items.ndjson"), "{\"a\":1}\n{\"a\":2}\n").unwrap();
        assert_eq!(list(&format!("@{}", dir.join("keys.txt").display())).unwrap(), vec![serde_json::json!("a1"), serde_json::json!("b2")]);
        assert_eq!(list(&format!("@{}", dir.join("items.ndjson").display())).unwrap().len(), 2);
        std::fs::remove_dir_all(dir).ok();
    }
}
