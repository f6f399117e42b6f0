//! Server, settings, utilities, extensions and the version-aware errors, through the generated
//! client and CLI against a real Directus 12.4.1.

use directus_client::{Client, Error, ErrorCode};
use directus_e2e::server::{self, Server};
use serde_json::{json, Value};

fn server() -> &'static Server {
    server::shared("12.4.1")
}

fn admin(s: &Server) -> Client {
    Client::with_token(&s.url, s.admin_token.as_str()).expect("client")
}

#[tokio::test]
async fn server_operations() {
    let s = server();
    let c = admin(s);
    assert_eq!(c.server().ping().await.unwrap(), "pong");
    let info: Value = c.server().info().decode().await.unwrap();
    assert_eq!(info["version"], "12.4.1", "{info}");
    let health: Value = c.server().health().decode().await.unwrap();
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["releaseId"], "12.4.1");
    let oas: Value = c.server().openapi().await.unwrap();
    assert!(oas["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "not an OpenAPI document");
    assert!(oas["paths"].as_object().is_some_and(|p| p.contains_key("/users")));
    let sdl = c.server().graphql("system").await.unwrap();
    assert!(sdl.contains("type Query"), "no Query type in the system SDL");
    let items_sdl = c.server().graphql("items").await.unwrap();
    assert!(!items_sdl.is_empty());
    // Anonymous callers get no health in 12.x: a typed FORBIDDEN.
    let anon = Client::new(&s.url).unwrap();
    let err = anon.server().health().decode::<Value>().await.expect_err("anonymous health");
    assert_eq!(err.code(), Some(&ErrorCode::Forbidden), "{err}");
}

#[tokio::test]
async fn settings_get_and_update() {
    let s = server();
    let c = admin(s);
    let before: Value = c.settings().get(&Default::default()).decode().await.unwrap();
    assert!(before["project_name"].is_string(), "{before}");
    let name = format!("CI {}", directus_e2e::random_hex(3));
    let after: Value = c.settings().update(&json!({ "project_name": name })).decode().await.unwrap();
    assert_eq!(after["project_name"], name);
    let read: Value = c.settings().get(&directus_client::Query::new().fields(vec!["project_name"])).decode().await.unwrap();
    assert_eq!(read["project_name"], name);
    assert_eq!(read.as_object().unwrap().len(), 1, "fields= limits the reply: {read}");
}

#[tokio::test]
async fn utilities_random_string_and_cache() {
    let s = server();
    let c = admin(s);
    let text: String = c.utilities().random_string(&directus_client::utilities::RandomStringOptions::default().length(16)).await.unwrap();
    assert_eq!(text.chars().count(), 16);
    let other: String = c.utilities().random_string(&Default::default()).await.unwrap();
    assert_eq!(other.chars().count(), 32, "the server default length");
    c.utilities().clear_cache(&directus_client::utilities::ClearCacheOptions::default().system(true)).await.unwrap();
}

#[tokio::test]
async fn extensions_list_uses_the_route_of_the_servers_version() {
    let s = server();
    let c = admin(s);
    // 12.x has GET /extensions and no type segment; the client knows from /server/info.
    let list: Vec<Value> = c.extensions().list(&Default::default()).decode().await.unwrap();
    assert!(list.iter().all(|e| e.is_object()));
}

#[tokio::test]
async fn removed_operations_fail_before_sending() {
    let s = server();
    let c = admin(s);
    let err = c.utilities().generate_hash("hello").decode::<Value>().await.expect_err("hash is gone in 12.1");
    match &err {
        Error::Unsupported { operation, server_version, removed_in, .. } => {
            assert_eq!(*operation, "utilities.generate_hash");
            assert_eq!(server_version.to_string(), "12.4.1");
            assert_eq!(removed_in.map(|v| v.to_string()).as_deref(), Some("12.1.0"));
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
    let err = c.webhooks().list(&Default::default()).decode::<Value>().await.expect_err("webhooks are gone in 11.14");
    let text = err.to_string();
    assert!(text.contains("removed in 11.14.0") && text.contains("Flows"), "{text}");

    // The CLI says the same, with exit code 5.
    let out = directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, &["webhooks", "list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("webhooks.list is not available on Directus 12.4.1"), "{stderr}");
}

#[tokio::test]
async fn cli_reads_settings_and_server_info() {
    let s = server();
    let run = |args: &[&str]| {
        let out = directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let settings: Value = serde_json::from_str(&run(&["settings", "get", "--fields", "project_name,project_color"])).unwrap();
    assert!(settings["project_name"].is_string() && settings["project_color"].is_string(), "{settings}");
    assert_eq!(run(&["server", "ping"]), "pong\n", "text output ends with a line break");
    let info: Value = serde_json::from_str(&run(&["server", "info"])).unwrap();
    assert_eq!(info["version"], "12.4.1");
    let s16: Value = serde_json::from_str(&run(&["utilities", "random-string", "--length", "5"])).unwrap();
    assert_eq!(s16.as_str().map(str::len), Some(5));
    let ext: Value = serde_json::from_str(&run(&["extensions", "list"])).unwrap();
    assert!(ext.is_array());
}

/// Runs the CLI and returns (exit code, stderr).
fn cli_fails(s: &Server, args: &[&str]) -> (i32, String) {
    let out = directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, args);
    assert!(out.stdout.is_empty(), "a failure prints nothing on stdout");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test]
async fn bad_input_gets_clear_errors() {
    let s = server();
    // A missing required flag: clap refuses before anything is sent.
    let (code, err) = cli_fails(s, &["items", "list"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--collection"), "{err}");
    // Invalid JSON in --data names the position.
    let (code, err) = cli_fails(s, &["items", "create", "--collection", "x", "--data", "{\"title\": }"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--data: invalid JSON in the argument at line 1, column 11"), "{err}");
    // A JSON file that is not there.
    let (code, err) = cli_fails(s, &["items", "create", "--collection", "x", "--data", "@/no/such/file.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("could not read /no/such/file.json"), "{err}");
    // An unknown collection: Directus's 403, as one clear line, exit 4.
    let (code, err) = cli_fails(s, &["items", "list", "--collection", "no_such_collection"]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("FORBIDDEN") && err.contains("no_such_collection"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // A flag value of the wrong type.
    let (code, err) = cli_fails(s, &["utilities", "random-string", "--length", "many"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--length"), "{err}");
    // The string to hash is a secret: never an argument.
    let (code, err) = cli_fails(s, &["utilities", "verify-hash", "--string", "a", "--hash", "b"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--string"), "{err}");
    // An operation this server's version lacks.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(["utilities", "verify-hash", "--string-stdin", "--hash", "b"])
        .env("DIRECTUS_URL", &s.url)
        .env("DIRECTUS_TOKEN", &s.admin_token)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().expect("stdin").write_all(b"a")?;
            child.wait_with_output()
        })
        .expect("run the CLI");
    let (code, err) = (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned());
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("removed in 12.1.0"), "{err}");
}

#[test]
fn drift_against_the_live_server() {
    use directus_generator::drift;
    let s = server();
    let model = directus_generator::load_model(&directus_e2e::repo_root().join("spec")).unwrap();
    let live = drift::live::Live::connect(&s.url, Some(&s.admin_token)).unwrap();
    let version = live.version().unwrap();
    assert_eq!(version.to_string(), "12.4.1");
    let doc = live.oas().unwrap();
    let routes = drift::oas_routes(&doc).unwrap();
    let report = drift::compare(&model, version, &s.url, &routes, &mut |m, p| live.probe(m, p));
    // The routes the document leaves out were probed, and the server has them...
    let probed: Vec<&str> = report.not_in_oas.iter().map(|f| f.path.as_str()).collect();
    for path in ["/files/import", "/server/health", "/server/specs/oas", "/relations/{}/{}"] {
        assert!(probed.contains(&path), "{path} not probed: {probed:?}");
    }
    assert!(report.not_in_oas.iter().all(|f| f.note.contains("the live server has it")), "{:?}", report.not_in_oas);
    // ...except routes this server's configuration leaves off, which it really lacks: the SSO
    // start (the 12.x Core licence), a credentials provider's login (no AUTH_PROVIDERS), and
    // resumable uploads (no TUS_ENABLED).
    let mut lacking: Vec<(&str, &str)> = report.missing_from_server.iter().map(|f| (f.method.as_str(), f.path.as_str())).collect();
    lacking.sort();
    assert_eq!(
        lacking,
        [("DELETE", "/files/tus/{}"), ("GET", "/auth/login/{}"), ("PATCH", "/files/tus/{}"), ("POST", "/auth/login/{}"), ("POST", "/files/tus")],
        "{:?}",
        report.missing_from_server
    );
    // A live probe never changed anything: the settings are still readable and no file appeared.
    let files: Vec<Value> = tokio::runtime::Runtime::new().unwrap().block_on(admin(s).files().list(&directus_client::Query::new().search("drift-probe")).decode().send()).unwrap();
    assert!(files.is_empty());
}

#[test]
fn an_anonymous_request_is_told_that_no_token_was_sent() {
    let s = server();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(["items", "list", "--collection", "directus_users"])
        .env("DIRECTUS_URL", &s.url)
        .env_remove("DIRECTUS_TOKEN")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("FORBIDDEN") && stderr.contains("no token was sent"), "{stderr}");
    // With a token, a 403 keeps its own hint.
    let out = directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, &["items", "list", "--collection", "no_such_collection"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("no token was sent"));
}
