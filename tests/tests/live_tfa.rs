//! Users › 2FA through the generated client and CLI, against a real Directus 12.4.1 that this
//! test binary starts (see directus_e2e::server). Nothing here is mocked.

use directus_client::{Client, Error, ErrorClass, ErrorCode};
use directus_e2e::fixtures::{self, TestUser};
use directus_e2e::server::{self, Server};
use directus_e2e::totp;
use std::io::Write;
use std::process::{Command, Stdio};

const VERSION: &str = "12.4.1";

fn server() -> &'static Server {
    server::shared(VERSION)
}

async fn logged_in(server: &Server, user: &TestUser) -> Client {
    let client = Client::new(&server.url).expect("client");
    client.login(&user.email, user.password.as_str()).await.expect("login");
    client
}

#[tokio::test]
async fn generate_tfa_returns_a_base32_secret_and_matching_otpauth_url() {
    let s = server();
    let user = fixtures::create_user(s).await;
    let client = logged_in(s, &user).await;

    let reply = client.users().generate_tfa(user.password.as_str()).await.expect("generate 2FA");
    let secret = reply.secret.expose();
    let key = totp::base32_decode(secret).unwrap_or_else(|| panic!("secret is not base32: {} chars", secret.len()));
    assert!(key.len() >= 10, "a TOTP key of {} bytes is too short", key.len());
    let url = reply.otpauth_url.expose();
    assert!(url.starts_with("otpauth://totp/"), "not an otpauth URL");
    assert!(url.contains(&format!("secret={secret}")), "otpauth_url carries another secret");

    // Secrets stay out of Debug output.
    let debug = format!("{reply:?} {client:?}");
    assert!(!debug.contains(secret), "the TFA secret leaked into Debug output");
    assert!(!debug.contains(&user.password), "the password leaked into Debug output");
    fixtures::delete_user(s, &user).await;
}

#[tokio::test]
async fn enable_tfa_then_login_needs_the_otp_then_disable() {
    let s = server();
    let user = fixtures::create_user(s).await;
    let client = logged_in(s, &user).await;
    let users = client.users();

    let reply = users.generate_tfa(user.password.as_str()).await.expect("generate 2FA");
    let secret = reply.secret.expose().to_owned();
    users.enable_tfa(secret.as_str(), totp::current_code(&secret).await).await.expect("enable 2FA");

    // Without the OTP the login is refused, with a typed code.
    let other = Client::new(&s.url).unwrap();
    let err = other.login(&user.email, user.password.as_str()).await.expect_err("login without OTP must fail");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidOtp), "{err}");
    assert_eq!(err.class(), ErrorClass::Auth);

    let with_otp = Client::new(&s.url).unwrap();
    with_otp
        .login_with_otp(&user.email, user.password.as_str(), totp::current_code(&secret).await)
        .await
        .expect("login with OTP");

    // A wrong OTP does not turn 2FA off.
    let err = with_otp.users().disable_tfa("000000").await.expect_err("wrong OTP must fail");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");

    with_otp.users().disable_tfa(totp::current_code(&secret).await).await.expect("disable 2FA");
    let plain = Client::new(&s.url).unwrap();
    plain.login(&user.email, user.password.as_str()).await.expect("login without OTP once 2FA is off");
    fixtures::delete_user(s, &user).await;
}

#[tokio::test]
async fn wrong_password_is_a_typed_invalid_credentials_error() {
    let s = server();
    let user = fixtures::create_user(s).await;
    let client = logged_in(s, &user).await;

    let wrong = "not-the-password-5150";
    let err = client.users().generate_tfa(wrong).await.expect_err("wrong password must fail");
    match &err {
        Error::Api { status, errors, operation, hint } => {
            assert_eq!(*status, 401);
            assert_eq!(errors[0].code, ErrorCode::InvalidCredentials);
            assert_eq!(*operation, "users.generate_tfa");
            assert!(hint.is_some_and(|h| h.contains("password")), "the spec's hint is attached: {hint:?}");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert_eq!(err.class(), ErrorClass::Auth);
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(wrong), "the password leaked into the error: {shown}");
    fixtures::delete_user(s, &user).await;
}

#[tokio::test]
async fn missing_password_is_invalid_payload() {
    let s = server();
    let user = fixtures::create_user(s).await;
    let client = logged_in(s, &user).await;
    let err = client.users().generate_tfa("").await.expect_err("an empty password must fail");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
    assert_eq!(err.status(), Some(400));
    assert!(err.to_string().contains("\"password\" is required"), "{err}");
    fixtures::delete_user(s, &user).await;
}

#[tokio::test]
async fn a_session_outlives_its_access_token_by_refreshing() {
    // The test server gives access tokens 20 s; the client refreshes at half-life.
    let s = server();
    let user = fixtures::create_user(s).await;
    let client = logged_in(s, &user).await;
    tokio::time::sleep(std::time::Duration::from_secs(22)).await;
    let reply = client.users().generate_tfa(user.password.as_str()).await.expect("a call after the first token expired");
    assert!(!reply.secret.expose().is_empty());
    client.logout().await.expect("logout");
    let err = client.refresh().await.expect_err("no session after logout");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    fixtures::delete_user(s, &user).await;
}

#[tokio::test]
async fn a_static_token_works() {
    let s = server();
    let client = Client::with_token(&s.url, s.admin_token.as_str()).unwrap();
    // Wrong password for the admin would count towards suspension; an empty one is refused before that.
    let err = client.users().generate_tfa("").await.expect_err("empty password");
    assert_eq!(err.code(), Some(&ErrorCode::InvalidPayload), "{err}");
    assert_eq!(client.server_version().await.expect("version").to_string(), VERSION);
}

/// Runs the generated CLI as a real process.
fn cli(server: &Server, token: &str, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_directus"));
    cmd.args(args)
        .env("DIRECTUS_URL", &server.url)
        .env("DIRECTUS_TOKEN", token)
        .env_remove("DIRECTUS_PASSWORD")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run the directus CLI");
    if let Some(input) = stdin {
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("CLI output");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test]
async fn cli_generates_2fa_with_the_password_on_stdin() {
    let s = server();
    let user = fixtures::create_user(s).await;
    let token = fixtures::access_token(s, &user).await;
    let (code, stdout, stderr) = cli(s, &token, &["users", "generate-tfa", "--password-stdin"], Some(&format!("{}\n", user.password)), &[]);
    assert_eq!(code, 0, "stderr: {stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON on stdout");
    let secret = json["secret"].as_str().expect("secret");
    assert!(totp::base32_decode(secret).is_some());
    assert!(json["otpauth_url"].as_str().is_some_and(|u| u.contains(secret)));
    assert!(!stderr.contains(&user.password));
    fixtures::delete_user(s, &user).await;
}

#[tokio::test]
async fn cli_reports_a_wrong_password_with_code_hint_and_exit_code() {
    let s = server();
    let user = fixtures::create_user(s).await;
    let token = fixtures::access_token(s, &user).await;
    let wrong = "wrong-password-8086";
    let (code, stdout, stderr) = cli(s, &token, &["users", "generate-tfa", "--password-stdin"], Some(wrong), &[]);
    assert_eq!(code, 3, "auth errors exit with 3; stderr: {stderr}");
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "one readable line: {stderr}");
    assert!(stderr.contains("INVALID_CREDENTIALS") && stderr.contains("hint:"), "{stderr}");
    assert!(!stderr.contains(wrong), "the password leaked: {stderr}");

    // The same through the environment instead of stdin.
    let (code, _, stderr) = cli(s, &token, &["users", "generate-tfa"], None, &[("DIRECTUS_PASSWORD", wrong)]);
    assert_eq!(code, 3, "{stderr}");
    fixtures::delete_user(s, &user).await;
}

#[tokio::test]
async fn cli_without_a_password_or_with_an_empty_one() {
    let s = server();
    let user = fixtures::create_user(s).await;
    let token = fixtures::access_token(s, &user).await;
    // No terminal, no stdin flag, no variable: refused before sending, exit 2.
    let (code, _, stderr) = cli(s, &token, &["users", "generate-tfa"], None, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--password-stdin") && stderr.contains("DIRECTUS_PASSWORD"), "{stderr}");
    // An empty stdin is refused too.
    let (code, _, stderr) = cli(s, &token, &["users", "generate-tfa", "--password-stdin"], Some(""), &[]);
    assert_eq!(code, 2, "{stderr}");
    // An empty variable counts as unset: exit 2 as well.
    let (code, _, stderr) = cli(s, &token, &["users", "generate-tfa"], None, &[("DIRECTUS_PASSWORD", "")]);
    assert_eq!(code, 2, "{stderr}");
    fixtures::delete_user(s, &user).await;
}
