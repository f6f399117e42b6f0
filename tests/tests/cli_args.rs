//! How the CLI reads its arguments, seen from the request it sends: a loopback stub records each
//! request's head and answers `{"data": []}`. (What the server does with them is tested live.)

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

/// A stub that records the request line and headers of every request.
fn recording_stub() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = vec![0u8; 65536];
            let n = stream.read(&mut buf).unwrap_or(0);
            let text = String::from_utf8_lossy(&buf[..n]).into_owned();
            log.lock().unwrap().push(text.split("\r\n\r\n").next().unwrap_or_default().to_owned());
            let body = r#"{"data":[]}"#;
            let reply = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (url, seen)
}

/// Runs the CLI against `url` and returns the request line it sent.
fn request_line(args: &[&str]) -> String {
    let (url, seen) = recording_stub();
    let out = Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(args)
        .args(["--url", &url, "--server-version", "12.4.1"])
        .env("DIRECTUS_TOKEN", "t")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let seen = seen.lock().unwrap();
    let head = seen.last().unwrap_or_else(|| panic!("{args:?} sent nothing"));
    head.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn values_may_start_with_a_hyphen() {
    let line = request_line(&["items", "list", "--collection", "articles", "--sort", "-date", "--limit", "-1", "--search", "-x"]);
    assert!(line.starts_with("GET /items/articles?"), "{line}");
    assert!(line.contains("sort=-date") && line.contains("limit=-1") && line.contains("search=-x"), "{line}");
}

#[test]
fn global_options_work_after_the_subcommand() {
    // `request_line` puts --url and --server-version after the operation's own flags.
    let line = request_line(&["users", "me"]);
    assert!(line.starts_with("GET /users/me"), "{line}");
}

#[test]
fn booleans_are_switches_with_a_no_form() {
    assert!(request_line(&["utilities", "clear-cache", "--system"]).contains("system=true"));
    assert!(request_line(&["utilities", "clear-cache", "--no-system"]).contains("system=false"));
    let line = request_line(&["utilities", "clear-cache"]);
    assert!(!line.contains("system="), "no switch leaves the server's default: {line}");
    // The last of the two wins, as with other tools' --x/--no-x pairs.
    assert!(request_line(&["utilities", "clear-cache", "--system", "--no-system"]).contains("system=false"));
}

#[test]
fn a_path_parameter_with_a_server_default_is_optional_in_the_cli() {
    let line = request_line(&["server", "graphql"]);
    assert!(line.starts_with("GET /server/specs/graphql/items "), "{line}");
}
