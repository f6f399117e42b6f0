//! Login that persists: `auth login` stores the session in a profile (`--profile`,
//! `$DIRECTUS_CONFIG_DIR`), later processes use it and store its refreshes, `auth status` and
//! `auth token` read it, `auth logout` removes it. Against a real Directus 12.4.1 (access tokens
//! live 20 s there, so commands refresh), through the CLI as separate processes.

use directus_client::{Client, ErrorCode};
use directus_e2e::fixtures::{self, TestUser};
use directus_e2e::server::{self, Server};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const VERSION: &str = "12.4.1";

fn server() -> &'static Server {
    server::shared(VERSION)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the CLI with only the profile folder set: no URL, token or profile from the environment
/// unless `env` gives them.
fn cli(dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_directus"));
    cmd.args(args)
        .env("DIRECTUS_CONFIG_DIR", dir)
        .env_remove("DIRECTUS_URL")
        .env_remove("DIRECTUS_TOKEN")
        .env_remove("DIRECTUS_PROFILE")
        .env_remove("DIRECTUS_PASSWORD")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run the CLI");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    let out = child.wait_with_output().unwrap();
    Run { code: out.status.code().unwrap_or(-1), stdout: String::from_utf8_lossy(&out.stdout).into_owned(), stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
}

fn ok(run: Run, what: &str) -> Run {
    assert_eq!(run.code, 0, "{what}: stdout {}\nstderr {}", run.stdout, run.stderr);
    run
}

fn login(dir: &Path, url: &str, user: &TestUser, profile: &[&str]) -> Run {
    let mut args = profile.to_vec();
    args.extend(["--url", url, "auth", "login", "--email", &user.email, "--password-stdin"]);
    ok(cli(dir, &args, Some(&user.password), &[]), "auth login")
}

fn profile_path(dir: &Path, name: &str) -> PathBuf {
    dir.join("profiles").join(format!("{name}.toml"))
}

/// The stored file, parsed (the test reads the tokens the CLI stored).
fn stored(dir: &Path, name: &str) -> (String, toml_like::Profile) {
    let text = std::fs::read_to_string(profile_path(dir, name)).expect("the profile file");
    let parsed = toml_like::parse(&text);
    (text, parsed)
}

/// Just enough of the profile's TOML for the test: `key = "value"` and `key = number` lines.
mod toml_like {
    #[derive(Debug, Default)]
    pub struct Profile {
        pub url: Option<String>,
        pub access_token: Option<String>,
        pub refresh_token: Option<String>,
        pub expires_at_ms: Option<u64>,
    }

    pub fn parse(text: &str) -> Profile {
        let mut p = Profile::default();
        for line in text.lines() {
            let Some((key, value)) = line.split_once(" = ") else { continue };
            let string = || Some(value.trim().trim_matches('"').to_owned());
            match key.trim() {
                "url" => p.url = string(),
                "access_token" => p.access_token = string(),
                "refresh_token" => p.refresh_token = string(),
                "expires_at_ms" => p.expires_at_ms = value.trim().parse().ok(),
                _ => {}
            }
        }
        p
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn a_login_persists_refreshes_and_ends_with_logout() {
    let s = server();
    let user = fixtures::create_user(s).await;
    let dir = directus_e2e::temp_dir("profiles");

    // Log in once: the reply goes to stdout (not a terminal here), a note to stderr.
    let run = login(&dir, &s.url, &user, &[]);
    assert!(run.stderr.contains("Logged in to") && run.stderr.contains("profile `default`"), "{}", run.stderr);
    let (text, first) = stored(&dir, "default");
    assert_eq!(first.url.as_deref(), Some(s.url.as_str()));
    let refresh = first.refresh_token.clone().unwrap();
    assert!(first.access_token.is_some());
    assert!(!text.contains(&user.password), "the profile holds no password");
    #[cfg(unix)]
    {
        assert_eq!(mode(&profile_path(&dir, "default")), 0o600, "the profile is readable by its owner alone");
        assert_eq!(mode(&dir.join("profiles")), 0o700);
    }

    // A new process uses the profile: no URL, no token in the environment.
    let run = ok(cli(&dir, &["users", "me", "--fields", "email"], None, &[]), "users me from the profile");
    let me: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(me["email"], user.email.as_str());

    // Access tokens live 20 s on the test server, under the 30 s a command refreshes ahead: the
    // call refreshed, and the new tokens were stored (the old refresh token is spent).
    let (_, second) = stored(&dir, "default");
    assert_ne!(second.refresh_token.as_deref(), Some(refresh.as_str()), "the refresh was stored");
    // (The access token may come out the same: a JWT of the same user issued in the same second.)
    assert!(second.access_token.is_some_and(|t| !t.is_empty()));
    let spent = Client::new(&s.url).unwrap().auth().refresh(refresh.as_str(), &Default::default()).await.expect_err("spent");
    assert_eq!(spent.code(), Some(&ErrorCode::InvalidCredentials));

    // A session stored with its expiry in the past: the next call refreshes before it sends.
    let (text, _) = stored(&dir, "default");
    let expired = text
        .lines()
        .map(|l| if l.starts_with("expires_at_ms") { "expires_at_ms = 1000".to_owned() } else { l.to_owned() })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(profile_path(&dir, "default"), expired).unwrap();
    let run = ok(cli(&dir, &["users", "me", "--fields", "email"], None, &[]), "users me after expiry");
    assert!(run.stdout.contains(&user.email));
    let (_, third) = stored(&dir, "default");
    assert!(third.expires_at_ms.unwrap() > 1000, "new tokens with a new expiry were stored");
    assert_ne!(third.refresh_token, second.refresh_token);

    // Commands of one profile running at once take turns to refresh: none spends a refresh
    // token another already spent.
    let children: Vec<_> = (0..3)
        .map(|_| {
            let dir = dir.clone();
            std::thread::spawn(move || cli(&dir, &["users", "me", "--fields", "email"], None, &[]))
        })
        .collect();
    for child in children {
        ok(child.join().unwrap(), "users me, three at once");
    }

    // `auth status`: who, where, until when, which profile; no secret.
    let run = ok(cli(&dir, &["auth", "status"], None, &[]), "auth status");
    let status: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(status["user"], user.email.as_str());
    assert_eq!(status["url"], s.url.as_str());
    assert_eq!(status["profile"], "default");
    assert!(status["expires_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{status}");
    let (_, now) = stored(&dir, "default");
    for secret in [now.access_token.as_deref().unwrap(), now.refresh_token.as_deref().unwrap(), user.password.as_str()] {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret), "auth status printed a secret: {}", run.stdout);
    }

    // `auth token` prints an access token that works, and is the stored one.
    let run = ok(cli(&dir, &["auth", "token"], None, &[]), "auth token");
    let token = run.stdout.trim_end().to_owned();
    assert_eq!(run.stdout, format!("{token}\n"));
    let (_, now) = stored(&dir, "default");
    assert_eq!(now.access_token.as_deref(), Some(token.as_str()));
    let me: Value = Client::with_token(&s.url, token.as_str()).unwrap().users().me(&Default::default()).decode().await.unwrap();
    assert_eq!(me["email"], user.email.as_str());

    // A token from the environment wins over the profile's session.
    let run = ok(cli(&dir, &["users", "me", "--fields", "email"], None, &[("DIRECTUS_TOKEN", &s.admin_token)]), "users me with DIRECTUS_TOKEN");
    assert!(run.stdout.contains(&s.admin_email), "{}", run.stdout);

    // `auth logout --dry-run` shows the request with the session's refresh token masked, and
    // changes nothing.
    let (_, before) = stored(&dir, "default");
    let live_refresh = before.refresh_token.clone().unwrap();
    let run = ok(cli(&dir, &["--dry-run", "auth", "logout"], None, &[]), "auth logout --dry-run");
    assert!(run.stdout.contains("/auth/logout") && run.stdout.contains(r#""refresh_token": "***""#), "{}", run.stdout);
    assert!(!run.stdout.contains(&live_refresh) && !run.stderr.contains(&live_refresh), "the refresh token was shown: {}", run.stdout);
    assert_eq!(stored(&dir, "default").1.refresh_token.as_deref(), Some(live_refresh.as_str()), "a dry run keeps the session");

    // `auth logout` ends the session on the server and removes it from the profile.
    ok(cli(&dir, &["auth", "logout"], None, &[]), "auth logout");
    let (text, after) = stored(&dir, "default");
    assert_eq!(after.url.as_deref(), Some(s.url.as_str()), "the server stays");
    assert!(after.refresh_token.is_none() && after.access_token.is_none() && !text.contains("refresh_token"), "{text}");
    assert!(!text.contains(&user.password));
    #[cfg(unix)]
    assert_eq!(mode(&profile_path(&dir, "default")), 0o600);
    let ended = Client::new(&s.url).unwrap().auth().refresh(before.refresh_token.unwrap().as_str(), &Default::default()).await;
    assert!(ended.is_err(), "the session is over on the server");
    let run = cli(&dir, &["auth", "status"], None, &[]);
    assert_eq!(run.code, 3, "not logged in: {}", run.stderr);
    assert!(run.stderr.contains("auth login"), "{}", run.stderr);
    let run = cli(&dir, &["auth", "token"], None, &[]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stdout.is_empty());

    fixtures::delete_user(s, &user).await;
}

#[tokio::test]
async fn profiles_keep_separate_sessions() {
    let s = server();
    let (one, two) = (fixtures::create_user(s).await, fixtures::create_user(s).await);
    let dir = directus_e2e::temp_dir("profiles-two");
    login(&dir, &s.url, &one, &[]);
    login(&dir, &s.url, &two, &["--profile", "other"]);

    let email = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = args.to_vec();
        all.extend(["users", "me", "--fields", "email"]);
        let run = ok(cli(&dir, &all, None, env), "users me");
        serde_json::from_str::<Value>(&run.stdout).unwrap()["email"].as_str().unwrap().to_owned()
    };
    assert_eq!(email(&[], &[]), one.email);
    assert_eq!(email(&["--profile", "other"], &[]), two.email);
    assert_eq!(email(&[], &[("DIRECTUS_PROFILE", "other")]), two.email);
    // The flag wins over the environment.
    assert_eq!(email(&["--profile", "default"], &[("DIRECTUS_PROFILE", "other")]), one.email);

    // Logging out of one leaves the other.
    ok(cli(&dir, &["--profile", "other", "auth", "logout"], None, &[]), "logout other");
    assert_eq!(email(&[], &[]), one.email);
    let run = cli(&dir, &["--profile", "other", "auth", "status"], None, &[]);
    assert_eq!(run.code, 3, "{}", run.stderr);

    // A profile's session goes only to its own server: with another URL, no token is sent.
    let run = cli(&dir, &["--url", "http://127.0.0.1:9", "auth", "token"], None, &[]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    // Names are file names.
    let run = cli(&dir, &["--profile", "../x", "users", "me"], None, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let status: Value = serde_json::from_str(&ok(cli(&dir, &["auth", "status", "-o", "json"], None, &[]), "status").stdout).unwrap();
    assert_eq!(status["credentials"], "the session of profile `default`");

    fixtures::delete_user(s, &one).await;
    fixtures::delete_user(s, &two).await;
}
