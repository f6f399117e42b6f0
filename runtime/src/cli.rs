//! What every generated command-line tool shares: global flags, secret input, `--data` parsing,
//! printing results, and exit codes by error class.

use crate::{Client, Download, Error, Secret, Version};
use serde::Serialize;
use std::future::Future;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes, one per error class, so scripts can tell failures apart.
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
    /// The server could not be reached.
    pub const NETWORK: u8 = 6;
    /// The server's reply could not be read.
    pub const BAD_REPLY: u8 = 7;

    pub fn of(class: crate::ErrorClass) -> u8 {
        use crate::ErrorClass::*;
        match class {
            Usage => USAGE,
            Auth => AUTH,
            Forbidden => FORBIDDEN,
            Server => SERVER,
            Network => NETWORK,
            BadReply => BAD_REPLY,
        }
    }
}

/// Flags every command takes.
#[derive(Clone, Debug, clap::Args)]
pub struct GlobalArgs {
    /// Base URL of the Directus server, e.g. http://127.0.0.1:8055
    #[arg(long, env = "DIRECTUS_URL", global = true, value_name = "URL", help_heading = "Global options")]
    pub url: Option<String>,

    /// Access token. Prefer the DIRECTUS_TOKEN variable: a flag shows up in the process list.
    #[arg(long, env = "DIRECTUS_TOKEN", hide_env_values = true, global = true, value_name = "TOKEN", help_heading = "Global options")]
    pub token: Option<String>,

    /// The server's Directus version, to skip asking the server (e.g. 12.4.1)
    #[arg(long, env = "DIRECTUS_SERVER_VERSION", global = true, value_name = "VERSION", help_heading = "Global options")]
    pub server_version: Option<String>,

    /// Pretty-print JSON output even when stdout is not a terminal
    #[arg(long, global = true, help_heading = "Global options")]
    pub pretty: bool,
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
            CliError::Client(e) => exit::of(e.class()),
        }
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Output(m) => f.write_str(m),
            CliError::Client(e) => write!(f, "{e}"),
        }
    }
}

pub type CliResult = Result<Output, CliError>;

/// What a command produced.
pub enum Output {
    Json(serde_json::Value),
    Text(String),
    /// The operation returns nothing; success is the exit code.
    Empty,
    Download { download: Download, to: Option<PathBuf> },
    Redirect(String),
}

impl Output {
    pub fn json(value: impl Serialize) -> CliResult {
        serde_json::to_value(value)
            .map(Output::Json)
            .map_err(|e| CliError::Output(format!("the result could not be printed as JSON: {e}")))
    }

    /// A list: the items alone, as without `--meta`; `{"data": …, "meta": …}` when `meta` came back.
    pub fn page<T: Serialize>(page: crate::Page<T>) -> CliResult {
        match page.meta {
            None => Output::json(page.data),
            Some(_) => Output::json(page),
        }
    }
}

/// Parses the global flags, runs `command` on a client, prints its output and returns the exit code.
pub fn run<F, Fut>(global: &GlobalArgs, command: F) -> ExitCode
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = CliResult>,
{
    let result = client(global).and_then(|client| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CliError::Output(format!("could not start the async runtime: {e}")))?;
        rt.block_on(async {
            let output = command(client).await?;
            print(output, global.pretty).await
        })
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn client(global: &GlobalArgs) -> Result<Client, CliError> {
    let url = global
        .url
        .as_deref()
        .ok_or_else(|| CliError::Usage("no server URL: pass --url or set DIRECTUS_URL".into()))?;
    let mut builder = Client::builder(url)
        .user_agent(concat!("directus-cli/", env!("CARGO_PKG_VERSION")))
        .upload_progress(std::io::stderr().is_terminal());
    if let Some(token) = global.token.as_deref().filter(|t| !t.is_empty()) {
        builder = builder.token(token);
    }
    if let Some(v) = global.server_version.as_deref() {
        let v: Version = v.parse().map_err(|e| CliError::Usage(format!("--server-version: {e}")))?;
        builder = builder.server_version(v);
    }
    builder.build().map_err(|e| CliError::Usage(format!("--url: {e}")))
}

async fn print(output: Output, pretty: bool) -> Result<(), CliError> {
    let out_err = |e: std::io::Error| CliError::Output(format!("could not write the result: {e}"));
    let mut stdout = std::io::stdout().lock();
    match output {
        Output::Json(v) => {
            let text = if pretty || std::io::stdout().is_terminal() {
                serde_json::to_string_pretty(&v)
            } else {
                serde_json::to_string(&v)
            };
            let text = text.map_err(|e| CliError::Output(e.to_string()))?;
            writeln!(stdout, "{text}").map_err(out_err)?;
        }
        Output::Text(t) => {
            stdout.write_all(t.as_bytes()).map_err(out_err)?;
            if !t.ends_with('\n') && std::io::stdout().is_terminal() {
                writeln!(stdout).map_err(out_err)?;
            }
        }
        Output::Empty => {}
        Output::Redirect(location) => writeln!(stdout, "{location}").map_err(out_err)?,
        Output::Download { download, to } => {
            drop(stdout);
            match to {
                Some(path) => {
                    let n = download.save(&path).await?;
                    eprintln!("wrote {n} bytes to {}", path.display());
                }
                None => {
                    download.write_to(&mut tokio::io::stdout()).await?;
                }
            }
        }
    }
    Ok(())
}

/// Where a secret parameter comes from. It is never a plain flag: flags show in the process list
/// and in shell history.
pub struct SecretSource<'a> {
    /// The parameter's name, for messages and the prompt.
    pub name: &'a str,
    /// The `--NAME-stdin` flag that was given.
    pub stdin_flag: &'a str,
    pub from_stdin: bool,
    /// The environment variable that may hold it.
    pub env: &'a str,
}

/// Reads a secret from stdin (when asked), the environment, or a prompt without echo on a terminal.
pub fn read_secret(src: SecretSource<'_>) -> Result<Secret, CliError> {
    if src.from_stdin {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::Usage(format!("{}: could not read stdin: {e}", src.stdin_flag)))?;
        let value = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
        if value.is_empty() {
            return Err(CliError::Usage(format!("{}: stdin was empty; pipe the {} in", src.stdin_flag, src.name)));
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

/// Reads an optional secret: from stdin when asked, else from the environment, else none.
/// Never prompts: an optional value must not hold the command up.
pub fn read_optional_secret(src: SecretSource<'_>) -> Result<Option<Secret>, CliError> {
    if src.from_stdin {
        return read_secret(src).map(Some);
    }
    Ok(std::env::var(src.env).ok().filter(|v| !v.is_empty()).map(Secret::new))
}

/// Reads a JSON argument: inline text, `@path` for a file, or `-` for stdin.
pub fn read_json(flag: &str, arg: &str) -> Result<serde_json::Value, CliError> {
    let (text, origin) = if arg == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::Usage(format!("{flag}: could not read stdin: {e}")))?;
        (text, "stdin".to_owned())
    } else if let Some(path) = arg.strip_prefix('@') {
        let text = std::fs::read_to_string(path).map_err(|e| CliError::Usage(format!("{flag}: could not read {path}: {e}")))?;
        (text, path.to_owned())
    } else {
        (arg.to_owned(), "the argument".to_owned())
    };
    serde_json::from_str(&text).map_err(|e| {
        CliError::Usage(format!(
            "{flag}: invalid JSON in {origin} at line {}, column {}: {e}; pass JSON inline, @FILE or - for stdin",
            e.line(),
            e.column()
        ))
    })
}

/// Reads a list: a JSON array (inline, `@path`, or `-`), or comma-separated values, each taken as
/// JSON when it is a number, boolean or null and as a string otherwise (`1,2` or `a,b`).
pub fn read_json_list(flag: &str, arg: &str) -> Result<Vec<serde_json::Value>, CliError> {
    let trimmed = arg.trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('@') || trimmed == "-" {
        return match read_json(flag, arg)? {
            serde_json::Value::Array(items) => Ok(items),
            other => Err(CliError::Usage(format!("{flag}: expected a JSON array ([...]), got {}", kind_of(&other)))),
        };
    }
    Ok(arg
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match serde_json::from_str::<serde_json::Value>(s) {
            Ok(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_) | serde_json::Value::Null)) => v,
            _ => serde_json::Value::String(s.to_owned()),
        })
        .collect())
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

    #[test]
    fn json_errors_name_the_position() {
        let err = read_json("--data", "{\"a\": }").unwrap_err().to_string();
        assert!(err.contains("line 1, column 7"), "{err}");
        assert!(err.starts_with("--data:"), "{err}");
        assert_eq!(read_json("--data", "[1,2]").unwrap(), serde_json::json!([1, 2]));
        assert_eq!(read_json_list("--keys", "1, a,true").unwrap(), serde_json::json!([1, "a", true]).as_array().unwrap().clone());
        assert_eq!(read_json_list("--items", r#"[{"a":1}]"#).unwrap().len(), 1);
        assert!(read_json_list("--items", "[1,").is_err());
    }
}
