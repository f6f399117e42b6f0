//! The CLI's output for the shell against a real Directus 12.4.1: `-o yaml|ndjson|table` and
//! `--jq`, on users and on the items of a collection the test creates.

use directus_client::Client;
use directus_e2e::server::{self, Server};
use serde_json::{json, Value};
use std::process::Output;

fn server() -> &'static Server {
    server::shared("12.4.1")
}

fn cli(s: &Server, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(args)
        .env("DIRECTUS_URL", &s.url)
        .env("DIRECTUS_TOKEN", &s.admin_token)
        .env_remove("COLUMNS")
        .output()
        .unwrap()
}

fn ok(s: &Server, args: &[&str]) -> (String, String) {
    let out = cli(s, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?}: {stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

/// A collection with three items, made once for the tests here (schema changes from two tests at
/// once can meet a half-reloaded schema): (name, ids in order).
async fn articles(s: &Server) -> (String, Vec<i64>) {
    static ARTICLES: tokio::sync::OnceCell<(String, Vec<i64>)> = tokio::sync::OnceCell::const_new();
    ARTICLES.get_or_init(|| create_articles(s)).await.clone()
}

async fn create_articles(s: &Server) -> (String, Vec<i64>) {
    let c = Client::with_token(&s.url, s.admin_token.as_str()).unwrap();
    let name = format!("out_{}", directus_e2e::random_hex(4));
    let _: Value = c
        .collections()
        .create(&json!({
            "collection": name,
            "schema": {},
            "fields": [
                { "field": "id", "type": "integer", "schema": { "is_primary_key": true, "has_auto_increment": true } },
                { "field": "title", "type": "string", "schema": {} },
                { "field": "body", "type": "text", "schema": {} },
                // Directus 12.4.1 refuses a json field without meta here (FAILED_VALIDATION of meta's
                // collection and field).
                { "field": "tags", "type": "json", "meta": { "special": ["cast-json"] }, "schema": {} }
            ]
        }))
        .decode().await
        .unwrap();
    let long = "a long body that does not fit a narrow terminal: ".repeat(3);
    let created: Vec<Value> = c
        .items()
        .create_many(
            &name,
            &[
                json!({ "title": "First", "body": long, "tags": ["a"] }),
                json!({ "title": "Second\nline", "body": "short", "tags": [] }),
                json!({ "title": "Third", "body": null, "tags": null }),
            ],
        )
        .await
        .unwrap();
    let ids = created.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    (name, ids)
}

#[tokio::test]
async fn formats_of_items_list() {
    let s = server();
    let (name, ids) = articles(s).await;
    let base = ["items", "list", "--collection", name.as_str(), "--sort", "id"];
    let with = |extra: &[&'static str]| base.iter().copied().chain(extra.iter().copied()).collect::<Vec<&str>>();

    // ndjson: one compact item per line.
    let (text, _) = ok(s, &with(&["-o", "ndjson"]));
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines.iter().map(|l| l["id"].as_i64().unwrap()).collect::<Vec<_>>(), ids);
    assert_eq!(lines[1]["title"], "Second\nline");

    // yaml: the same list.
    let (text, _) = ok(s, &with(&["--output", "yaml"]));
    assert!(text.starts_with("- id: "), "{text}");
    assert!(text.contains("title: First") && text.contains("title: Third"), "{text}");
    let again: Value = serde_norway::from_str(&text).unwrap();
    assert_eq!(again.as_array().unwrap().len(), 3);
    assert_eq!(again[2]["tags"], Value::Null);

    // table: scalar fields, id first, one line per item (a line break in a cell is escaped);
    // piped output is not cut.
    let (text, _) = ok(s, &with(&["-o", "table"]));
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 4, "{text}");
    let header: Vec<&str> = rows[0].split_whitespace().collect();
    assert_eq!(header, ["id", "title", "body"], "tags (a list) is not a default column: {text}");
    assert!(rows[1].starts_with(&format!("{:<4}First", ids[0])) || rows[1].starts_with(&format!("{}  First", ids[0])), "{text}");
    assert!(rows[1].contains("narrow terminal: a long body"), "not cut when piped: {text}");
    assert!(rows[2].contains("Second\\nline"), "{text}");

    // table with --fields: those columns, in that order; $COLUMNS sets the width and long cells
    // end with an ellipsis.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(with(&["-o", "table", "--fields", "body,id"]))
        .env("DIRECTUS_URL", &s.url)
        .env("DIRECTUS_TOKEN", &s.admin_token)
        .env("COLUMNS", "40")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0].split_whitespace().collect::<Vec<_>>(), ["body", "id"], "{text}");
    assert_eq!(rows.len(), 4, "one line per item: {text}");
    assert!(rows.iter().all(|r| r.chars().count() <= 40), "{text}");
    assert!(rows[1].contains('…') && rows[1].trim_end().ends_with(&ids[0].to_string()), "{text}");

    // With --meta, JSON and YAML print the envelope; ndjson and tables the items, the meta on stderr.
    let (text, _) = ok(s, &with(&["--meta", "total_count", "-o", "yaml"]));
    let page: Value = serde_norway::from_str(&text).unwrap();
    assert_eq!(page["meta"]["total_count"], 3, "{text}");
    let (text, err) = ok(s, &with(&["--meta", "total_count", "-o", "ndjson"]));
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(err.contains("\"total_count\":3"), "{err}");

    // An empty list: no rows, said on stderr.
    let (text, err) = ok(s, &with(&["--filter", r#"{"title":{"_eq":"none"}}"#, "-o", "table"]));
    assert!(text.is_empty() && err.contains("no items"), "{text}{err}");
}

#[tokio::test]
async fn jq_filters_the_reply() {
    let s = server();
    let (name, ids) = articles(s).await;
    let base = ["items", "list", "--collection", name.as_str(), "--sort", "id"];
    let with = |extra: &[&'static str]| base.iter().copied().chain(extra.iter().copied()).collect::<Vec<&str>>();

    // Each result on its own line, as jq prints them.
    let (text, _) = ok(s, &with(&["--jq", ".[].id"]));
    assert_eq!(text, ids.iter().map(|i| format!("{i}\n")).collect::<String>());
    let (text, _) = ok(s, &with(&["--jq", "map(select(.title | startswith(\"S\"))) | .[0].title"]));
    assert_eq!(text, "\"Second\\nline\"\n");
    // Then formatted: a table of what the filter made.
    let (text, _) = ok(s, &with(&["--jq", "map({id, t: .title})", "-o", "table"]));
    assert_eq!(text.lines().next().map(|l| l.split_whitespace().collect::<Vec<_>>()), Some(vec!["id", "t"]), "{text}");
    let (text, _) = ok(s, &with(&["--jq", ".[] | {title}", "-o", "yaml"]));
    assert_eq!(text, "title: First\n---\ntitle: |-\n  Second\n  line\n---\ntitle: Third\n", "{text}");
    // --meta: the filter sees the envelope.
    let (text, _) = ok(s, &with(&["--meta", "total_count", "--jq", ".meta.total_count"]));
    assert_eq!(text, "3\n");
    // Text replies are JSON strings to the filter.
    let (text, _) = ok(s, &["server", "ping", "--jq", "ascii_upcase"]);
    assert_eq!(text, "\"PONG\"\n");

    // A bad expression: exit 2 with jaq's reason, before anything is sent.
    let out = cli(s, &with(&["--jq", "map(.id"]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--jq: syntax error in `map(.id`") && err.contains("expected"), "{err}");
    assert!(out.stdout.is_empty());
    // A filter that fails on this reply: exit 1, saying the request itself went through.
    let out = cli(s, &with(&["--jq", ".title"]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot index") && err.contains("the request itself succeeded"), "{err}");
}

#[tokio::test]
async fn users_in_every_format() {
    let s = server();
    let (text, _) = ok(s, &["users", "list", "--fields", "id,email,role.name", "-o", "table"]);
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows[0].split_whitespace().collect::<Vec<_>>(), ["id", "email", "role.name"], "{text}");
    assert!(rows.iter().any(|r| r.contains("Administrator")), "role.name reaches into the relation: {text}");
    // Default columns of a wide record: id first; on a narrow screen the rest are named on stderr.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(["users", "me", "-o", "table"])
        .env("DIRECTUS_URL", &s.url)
        .env("DIRECTUS_TOKEN", &s.admin_token)
        .env("COLUMNS", "60")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(text.starts_with("id "), "{text}");
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
    assert!(err.contains("did not fit") && err.contains("--fields"), "{err}");
    // The user's own record, by key, positionally.
    let me: Value = serde_json::from_str(&ok(s, &["users", "me", "--fields", "id"]).0).unwrap();
    let id = me["id"].as_str().unwrap();
    let (text, _) = ok(s, &["users", "get", id, "--fields", "id,email", "-o", "ndjson"]);
    let line: Value = serde_json::from_str(text.trim_end()).unwrap();
    assert_eq!(line["id"], id);
    assert_eq!(text.lines().count(), 1);
    let (text, _) = ok(s, &["users", "get", id, "--fields", "email", "-o", "yaml"]);
    assert!(text.starts_with("email: ") && text.lines().count() == 1, "{text}");
}

/// `auth list-providers` answers `{"data": [...], "disableDefault": …}`: the CLI prints all of it
/// (spec `envelope_fields`), and with ndjson the items on stdout and the rest on stderr.
#[test]
fn whole_envelope_of_list_providers() {
    let s = server();
    let (text, _) = ok(s, &["auth", "list-providers"]);
    let whole: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(whole, json!({ "data": [], "disableDefault": false }), "{text}");
    let (text, err) = ok(s, &["auth", "list-providers", "-o", "ndjson"]);
    assert_eq!(text, "", "no providers under the Core licence");
    assert!(err.contains("disableDefault: false"), "{err}");
    let (text, _) = ok(s, &["auth", "list-providers", "--jq", ".disableDefault"]);
    assert_eq!(text, "false\n");
    // The help says so.
    let (help, _) = ok(s, &["auth", "list-providers", "--help"]);
    assert!(help.contains("Prints the whole reply: {\"data\": …, \"disableDefault\": …}"), "{help}");
}

/// `-i/--include`: each reply's status line and headers on stderr, as curl -i shows them, with
/// stdout still the parseable result; no token, password or cookie value is printed.
#[test]
fn include_shows_reply_heads_without_secrets() {
    let s = server();
    let (text, err) = ok(s, &["users", "me", "--fields", "email", "-i"]);
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["email"], s.admin_email.as_str(), "{text}");
    assert!(err.starts_with("HTTP/1.1 200 OK\n"), "{err}");
    assert!(err.contains("\ncontent-type: application/json") && err.ends_with("\n\n"), "{err}");
    // A request header: never printed, and the token appears nowhere.
    assert!(!err.to_ascii_lowercase().contains("authorization") && !err.contains(s.admin_token.as_str()), "{err}");
    // An error reply shows its head too, before the error.
    let out = cli(s, &["--include", "items", "list", "--collection", "no_such_collection"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.starts_with("HTTP/1.1 403 Forbidden\n") && err.contains("\nerror: "), "{err}");

    // A login in cookie mode: the refresh token comes as a cookie, whose value is masked; the
    // access token is in the reply on stdout only.
    let profiles = std::env::temp_dir().join(format!("directus-include-{}", directus_e2e::random_hex(4)));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(["-i", "auth", "login", "--email", s.admin_email.as_str(), "--password-stdin", "--mode", "cookie"])
        .env("DIRECTUS_URL", &s.url)
        .env_remove("DIRECTUS_TOKEN")
        .env("DIRECTUS_CONFIG_DIR", &profiles)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), s.admin_password.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let reply: Value = serde_json::from_slice(&out.stdout).unwrap();
    let access = reply["access_token"].as_str().expect("cookie mode returns the access token");
    let cookie = err.lines().find(|l| l.starts_with("set-cookie: directus_refresh_token=")).unwrap_or_else(|| panic!("{err}"));
    assert!(cookie.starts_with("set-cookie: directus_refresh_token=***; ") && cookie.contains("HttpOnly"), "{cookie}");
    assert!(!err.contains(access) && !err.contains(s.admin_password.as_str()), "{err}");
    let _ = std::fs::remove_dir_all(profiles);
}
