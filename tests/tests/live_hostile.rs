//! Hostile values at run time (issue 15), against a real Directus 12.4.1: argument values that
//! would have sent a request to another route or another host, and secrets on stdin.

use directus_client::Client;
use directus_e2e::server::{self, Server};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn server() -> &'static Server {
    server::shared("12.4.1")
}

fn admin(s: &Server) -> Client {
    Client::with_token(&s.url, s.admin_token.as_str()).expect("client")
}

/// Runs the CLI with the admin token off the test's thread, so servers in this runtime can answer it.
async fn admin_cli(s: &'static Server, args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        directus_e2e::admin_cli(env!("CARGO_BIN_EXE_directus"), s, &args)
    })
    .await
    .expect("the CLI thread")
}

async fn project_name(c: &Client) -> Value {
    let settings: Value = c.settings().get(&Default::default()).decode().await.expect("read the settings");
    settings["project_name"].clone()
}

#[tokio::test]
async fn dot_segments_in_path_values_are_refused_before_sending() {
    let s = server();
    let c = admin(s);
    let before = project_name(&c).await;
    assert!(before.is_string() && before != "x", "{before}");

    // `/items/../settings` would be normalised to `/settings`: a PATCH of the project settings.
    let out = admin_cli(s, &["items", "update", "--collection", "..", "--id", "settings", "--data", r#"{"project_name":"x"}"#]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("path parameter `collection` is `..`"), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(project_name(&c).await, before, "the settings changed");

    // `/files/..` would be `/`, and `/files/.` would be `/files/`: another route each.
    for id in ["..", "."] {
        let out = admin_cli(s, &["files", "delete", "--id", id]).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{id}: {stderr}");
        assert!(stderr.contains(&format!("path parameter `id` is `{id}`")), "{stderr}");
    }
    // The client refuses the same, before sending.
    let err = c.items().delete("..", "settings").await.expect_err("`..` as a collection");
    assert!(matches!(err, directus_client::Error::InvalidInput { .. }), "{err:?}");
}

/// What a loopback HTTP server received: every byte of every request.
struct Capture {
    url: String,
    received: Arc<Mutex<Vec<u8>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for Capture {
    fn drop(&mut self) {
        // The connection tasks end with the test's runtime; the listener ends here.
        self.accept.abort();
    }
}

/// Records every request and answers each with 200 and a small text body.
async fn capture() -> Capture {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Vec::new()));
    let record = received.clone();
    let accept = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16384];
                let mut head = Vec::new();
                // Up to the end of the headers (a body may follow; it is recorded if it came along).
                let _ = tokio::time::timeout(Duration::from_secs(5), async {
                    while let Ok(n @ 1..) = stream.read(&mut buf).await {
                        record.lock().unwrap().extend_from_slice(&buf[..n]);
                        head.extend_from_slice(&buf[..n]);
                        if head.windows(4).any(|w| w == b"\r\n\r\n") {
                            break;
                        }
                    }
                })
                .await;
                let body = "captured file\n";
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    Capture { url, received, accept }
}

#[tokio::test]
async fn an_operation_flag_named_url_never_replaces_the_server_url() {
    let s = server();
    let cap = capture().await;
    let source = format!("{}/x.txt", cap.url);
    // `files import` has a body field `url`; it once shared clap's id with the global `--url`, so
    // the request, admin token and all, went to the import source instead of Directus.
    let out = admin_cli(s, &["files", "import", "--from-url", &source]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let received = cap.received.lock().unwrap().clone();
    let text = String::from_utf8_lossy(&received);
    assert!(!text.contains(&s.admin_token), "the import source saw the admin token:\n{text}");
    // Directus answered: it fetched the file itself (without the token) and made a record.
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let file: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert!(file["id"].is_string() && file["filename_download"] == "x.txt", "{file}");
    assert!(text.starts_with("GET /x.txt "), "Directus fetched the source: {text}");
    admin(s).files().delete(file["id"].as_str().unwrap()).await.expect("remove the imported file");
}

#[tokio::test]
async fn the_token_can_come_from_stdin() {
    let s = server();
    let run = |stdin: String, args: &'static [&'static str]| {
        let url = s.url.clone();
        tokio::task::spawn_blocking(move || {
            let mut child = Command::new(env!("CARGO_BIN_EXE_directus"))
                .args(args)
                .env("DIRECTUS_URL", url)
                .env_remove("DIRECTUS_TOKEN")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("run the CLI");
            child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
            child.wait_with_output().unwrap()
        })
    };
    let out = run(format!("{}\n", s.admin_token), &["--token-stdin", "users", "me", "--fields", "email"]).await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let me: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(me["email"], s.admin_email.as_str(), "{me}");

    // Without it the same call is anonymous, and fails: the token above came from stdin.
    let out = run(String::new(), &["users", "me"]).await.unwrap();
    assert!(matches!(out.status.code(), Some(3 | 4)), "{}", String::from_utf8_lossy(&out.stderr));
    // An empty stdin is said to be empty, not sent as an empty token.
    let out = run(String::new(), &["--token-stdin", "users", "me"]).await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--token-stdin: stdin was empty"), "{stderr}");
}
