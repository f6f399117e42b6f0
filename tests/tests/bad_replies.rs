//! What a real Directus cannot be made to do on demand: garbage bodies, proxy error pages, slow
//! replies. A loopback stub answers with canned bytes; the client and CLI must give clear errors.

use directus_client::{Client, Error, ErrorClass};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Serves `reply` (status line, headers and body) to every connection, after `delay`.
fn stub(reply: &'static str, delay: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 16384];
            let _ = stream.read(&mut buf);
            std::thread::sleep(delay);
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    url
}

/// Like [`stub`], and counts the connections it accepts, to show that nothing was sent.
fn counting_stub(reply: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(mut stream) = stream else { continue };
            seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 16384];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (url, count)
}

fn reply(status: &str, content_type: &str, body: &str) -> &'static str {
    Box::leak(
        format!("HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
            .into_boxed_str(),
    )
}

#[tokio::test]
async fn html_instead_of_json_is_a_decode_error_with_an_excerpt() {
    let url = stub(reply("200 OK", "text/html", "<html><body>Welcome to nginx!</body></html>"), Duration::ZERO);
    let client = Client::with_token(&url, "tok-abc-123").unwrap();
    let err = client.users().generate_tfa("pw-xyz").await.expect_err("HTML is not the reply");
    assert!(matches!(err, Error::Decode { status: 200, .. }), "{err:?}");
    assert_eq!(err.class(), ErrorClass::BadReply);
    let text = err.to_string();
    assert!(text.contains("users.generate_tfa") && text.contains("Welcome to nginx"), "{text}");
    assert!(!text.contains("pw-xyz") && !format!("{err:?}{client:?}").contains("tok-abc-123"));
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_decode_error() {
    let url = stub(reply("200 OK", "application/json", r#"{"data":{"secret":42}}"#), Duration::ZERO);
    let client = Client::with_token(&url, "t").unwrap();
    let err = client.users().generate_tfa("pw").await.expect_err("wrong shape");
    assert!(err.to_string().contains("does not have the expected shape"), "{err}");
}

#[tokio::test]
async fn a_proxy_error_page_is_a_server_error() {
    let url = stub(reply("503 Service Unavailable", "text/html", "<h1>503 Service Unavailable</h1>"), Duration::ZERO);
    let client = Client::with_token(&url, "t").unwrap();
    let err = client.users().generate_tfa("pw").await.expect_err("503");
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.class(), ErrorClass::Server);
    assert!(err.to_string().contains("503 Service Unavailable"), "{err}");
}

#[tokio::test]
async fn an_unknown_error_code_is_kept() {
    let body = r#"{"errors":[{"message":"Brand new failure","extensions":{"code":"SOMETHING_NEW"}}]}"#;
    let url = stub(reply("418 I'm a teapot", "application/json", body), Duration::ZERO);
    let client = Client::with_token(&url, "t").unwrap();
    let err = client.users().generate_tfa("pw").await.expect_err("418");
    assert_eq!(err.code(), Some(&directus_client::ErrorCode::Unknown("SOMETHING_NEW".into())));
    assert!(err.to_string().contains("SOMETHING_NEW Brand new failure"), "{err}");
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let url = stub(reply("200 OK", "application/json", r#"{"data":{}}"#), Duration::from_secs(3));
    let client = Client::builder(&url).token("t").timeout(Duration::from_millis(300)).build().unwrap();
    let err = client.users().generate_tfa("pw").await.expect_err("timeout");
    assert_eq!(err.class(), ErrorClass::Network);
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[test]
fn the_cli_exits_7_on_an_unreadable_reply_and_6_when_unreachable() {
    let url = stub(reply("200 OK", "text/plain", "not json at all"), Duration::ZERO);
    let run = |url: &str| {
        Command::new(env!("CARGO_BIN_EXE_directus"))
            .args(["users", "generate-tfa"])
            .env("DIRECTUS_URL", url)
            .env("DIRECTUS_TOKEN", "t")
            .env("DIRECTUS_PASSWORD", "pw-secret-77")
            .output()
            .unwrap()
    };
    let out = run(&url);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(stderr.contains("not json at all") && !stderr.contains("pw-secret-77"), "{stderr}");

    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let out = run(&format!("http://{closed}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("could not connect"), "{stderr}");
}

#[test]
fn the_cli_rejects_a_bad_url_as_usage() {
    let run = |url: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_directus"))
            .args(["--url", url, "users", "generate-tfa"])
            .env("DIRECTUS_PASSWORD", "x")
            .env_remove("DIRECTUS_TOKEN")
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, stderr) = run("not a url");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--url") && stderr.contains("not a URL"), "{stderr}");
    // A query or fragment would swallow every route; credentials would go to every route.
    for url in ["http://127.0.0.1:9/?x=", "http://127.0.0.1:9/#x"] {
        let (code, stderr) = run(url);
        assert_eq!(code, Some(2), "{url}: {stderr}");
        assert!(stderr.contains("e.g. http://127.0.0.1:9"), "{url}: {stderr}");
    }
    let (code, stderr) = run("http://admin:hunter2@127.0.0.1:9");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("user name or password") && !stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn server_text_in_an_error_cannot_drive_the_terminal() {
    // An OSC sequence that would retitle the terminal, then CR LF and a forged second line.
    let body = r#"{"errors":[{"message":"evil\u001b]0;pwned\u0007\r\nfake line","extensions":{"code":"INVALID_PAYLOAD"}}]}"#;
    let url = stub(reply("400 Bad Request", "application/json", body), Duration::ZERO);
    let out = Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(["users", "generate-tfa"])
        .env("DIRECTUS_URL", &url)
        .env("DIRECTUS_TOKEN", "t")
        .env("DIRECTUS_PASSWORD", "pw")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains(['\u{1b}', '\u{7}', '\r']), "raw control characters reached stderr: {stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "one error line, no forged one: {stderr:?}");
    assert!(stderr.contains(r"INVALID_PAYLOAD evil\u{1b}]0;pwned\u{7}\r\nfake line"), "shown escaped: {stderr}");
}

#[tokio::test]
async fn an_upload_that_is_not_a_plain_file_fails_before_connecting() {
    let dir = directus_e2e::temp_dir("upload");
    // A closed port: if anything were sent, the error would be "could not connect".
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = Client::with_token(format!("http://{closed}"), "t").unwrap();
    let err = client.files().create(&dir, &Default::default()).decode::<serde_json::Value>().await.expect_err("a directory");
    assert!(matches!(err, Error::Io { .. }), "a local error, not a network one: {err:?}");
    assert_eq!(err.class(), ErrorClass::Usage);
    assert!(err.to_string().contains(&dir.display().to_string()) && err.to_string().contains("a directory"), "{err}");

    // A name with CR LF would end the part's header early and forge the rest.
    let crlf = dir.join("a\r\nb.txt");
    std::fs::write(&crlf, "x").unwrap();
    let err = client.files().create(&crlf, &Default::default()).decode::<serde_json::Value>().await.expect_err("CR LF");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");

    // The CLI: exit 2 naming the path, and the server never hears of it.
    let (url, connections) = counting_stub(reply("200 OK", "application/json", r#"{"data":{}}"#));
    let out = Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(["files", "create", "--file"])
        .arg(&dir)
        .env("DIRECTUS_URL", &url)
        .env("DIRECTUS_TOKEN", "t")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&dir.display().to_string()) && stderr.contains("a directory"), "{stderr}");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(connections.load(Ordering::SeqCst), 0, "a request was made");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_token_on_the_command_line_is_refused() {
    let (url, connections) = counting_stub(reply("200 OK", "text/plain", "pong"));
    let out = Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(["--url", &url, "--token", "abc-argv-token", "server", "ping"])
        .env_remove("DIRECTUS_TOKEN")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("DIRECTUS_TOKEN") && stderr.contains("--token-stdin"), "{stderr}");
    assert!(!stderr.contains("abc-argv-token") && !stderr.contains("abc"), "the value is not repeated: {stderr}");
    assert_eq!(connections.load(Ordering::SeqCst), 0);
}

#[test]
fn stdin_carries_one_secret_only() {
    let (url, connections) = counting_stub(reply("200 OK", "application/json", r#"{"data":{}}"#));
    let mut child = Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(["--token-stdin", "users", "generate-tfa", "--password-stdin"])
        .env("DIRECTUS_URL", &url)
        .env_remove("DIRECTUS_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"tok-from-stdin\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("stdin can carry only one secret") && stderr.contains("--token-stdin"), "{stderr}");
    assert!(stderr.contains("DIRECTUS_PASSWORD") && !stderr.contains("tok-from-stdin"), "{stderr}");
    assert_eq!(connections.load(Ordering::SeqCst), 0, "a request was made");
}
