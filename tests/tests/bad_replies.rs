//! What a real Directus cannot be made to do on demand: garbage bodies, proxy error pages, slow
//! replies. A loopback stub answers with canned bytes; the client and CLI must give clear errors.

use directus_client::{Client, Error, ErrorClass};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
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
    let out = Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(["--url", "not a url", "users", "generate-tfa"])
        .env("DIRECTUS_PASSWORD", "x")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--url") && stderr.contains("not a URL"), "{stderr}");
}
