//! A hostile network, from scripted loopback stubs (a real Directus cannot stall, answer 429 or
//! send a gigabyte on demand): timeouts that name themselves, retries that never repeat a write
//! that may have happened, reply limits with flat memory, and the limit on requests in flight.

use directus_client::{Client, Error, ErrorClass};
use directus_e2e::stub::{self, head, reply, Step};
use directus_runtime::{Outcome, RetryPolicy, TimeoutKind};
use serde_json::Value;
use std::process::Command;
use std::time::{Duration, Instant};

const JSON: (&str, &str) = ("Content-Type", "application/json");

fn quick_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::attempts(attempts).base_delay(Duration::from_millis(20)).max_delay(Duration::from_millis(100))
}

/// Within 10 % of `limit` (and never before it).
fn assert_near(elapsed: Duration, limit: Duration, what: &str) {
    eprintln!("{what}: fired after {elapsed:?} for a limit of {limit:?}");
    assert!(elapsed >= limit.mul_f64(0.98) && elapsed <= limit.mul_f64(1.10), "{what}: {elapsed:?} for a limit of {limit:?}");
}

#[tokio::test]
async fn stalled_headers_fire_the_idle_timeout_within_10_percent() {
    let stub = stub::start(|_, _| vec![Step::Hang]);
    let idle = Duration::from_secs(2);
    let client = Client::builder(&stub.url).token("t").idle_timeout(idle).retry(RetryPolicy::none()).build().unwrap();
    let started = Instant::now();
    let err = client.server().info().decode::<Value>().await.expect_err("stalled");
    assert_near(started.elapsed(), idle, "idle timeout");
    assert!(matches!(err, Error::Timeout { kind: TimeoutKind::Idle, .. }), "{err:?}");
    assert_eq!(err.outcome(), Outcome::Unknown);
    assert_eq!(err.class(), ErrorClass::Network);
    assert!(err.to_string().contains("idle (read) timeout") && err.to_string().contains("2 s"), "{err}");
}

#[tokio::test]
async fn a_stalled_body_fires_the_idle_timeout_within_10_percent() {
    let stub = stub::start(|_, _| vec![head("200 OK", &[JSON, ("Content-Length", "100")]), Step::Send(b"{\"data\":".to_vec()), Step::Hang]);
    let idle = Duration::from_millis(1500);
    let client = Client::builder(&stub.url).token("t").idle_timeout(idle).retry(RetryPolicy::none()).build().unwrap();
    let started = Instant::now();
    let err = client.server().info().decode::<Value>().await.expect_err("stalled body");
    assert_near(started.elapsed(), idle, "idle timeout on the body");
    assert!(matches!(err, Error::Timeout { kind: TimeoutKind::Idle, outcome: Outcome::Answered, .. }), "{err:?}");
}

#[tokio::test]
async fn a_dripping_reply_fires_the_total_timeout_within_10_percent() {
    // A byte every 100 ms: never idle, never done.
    let stub = stub::start(|_, _| {
        vec![head("200 OK", &[JSON, ("Content-Length", "1000")]), Step::Drip { total: 1000, chunk: 1, every: Duration::from_millis(100), fill: b' ' }]
    });
    let total = Duration::from_secs(2);
    let client = Client::builder(&stub.url).token("t").idle_timeout(Duration::from_secs(1)).timeout(total).build().unwrap();
    let started = Instant::now();
    let err = client.server().info().decode::<Value>().await.expect_err("too slow");
    assert_near(started.elapsed(), total, "total timeout");
    assert!(matches!(err, Error::Timeout { kind: TimeoutKind::Total, .. }), "{err:?}");
    assert!(err.to_string().contains("total timeout 2 s"), "{err}");
}

#[tokio::test]
async fn a_slow_download_that_keeps_moving_completes() {
    // 30 MB at 1 MB/s with a 5 s idle timeout and a 5 s total timeout: the total caps the wait
    // for the reply's head, never a streamed body.
    const SIZE: u64 = 30 * 1000 * 1000;
    let stub = stub::start(|_, _| {
        vec![
            head("200 OK", &[("Content-Type", "application/octet-stream"), ("Content-Length", &SIZE.to_string())]),
            Step::Drip { total: SIZE, chunk: 100_000, every: Duration::from_millis(100), fill: b'x' },
        ]
    });
    let client = Client::builder(&stub.url)
        .token("t")
        .idle_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let mut download = client.assets().get("f", &Default::default()).await.expect("the head");
    let mut got = 0u64;
    while let Some(chunk) = download.chunk().await.expect("every piece within the idle timeout") {
        got += chunk.len() as u64;
    }
    assert_eq!(got, SIZE);
    assert!(started.elapsed() > Duration::from_secs(25), "it really was slow: {:?}", started.elapsed());
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_and_retried_once() {
    let stub = stub::start(|n, _| match n {
        0 => vec![reply(
            "429 Too Many Requests",
            &[JSON, ("Retry-After", "1")],
            r#"{"errors":[{"message":"Too many requests, retry after 1s.","extensions":{"code":"REQUESTS_EXCEEDED"}}]}"#,
        )],
        _ => vec![reply("200 OK", &[JSON], r#"{"data":{"project":{}}}"#)],
    });
    let client = Client::builder(&stub.url).token("t").build().unwrap();
    let started = Instant::now();
    let info: Value = client.server().info().decode().await.expect("success after one retry");
    let took = started.elapsed();
    assert!(info["project"].is_object(), "{info}");
    eprintln!("429 with Retry-After: 1, then 200: {took:?}");
    assert_eq!(stub.count(), 2, "one retry");
    assert!(took >= Duration::from_secs(1) && took < Duration::from_millis(2500), "waited what Retry-After asked: {took:?}");
}

#[tokio::test]
async fn a_429_asking_for_too_long_is_a_rate_limited_error_with_the_wait() {
    let stub = stub::start(|_, _| vec![reply("429 Too Many Requests", &[JSON, ("Retry-After", "3600")], "{}")]);
    let client = Client::builder(&stub.url).token("t").build().unwrap();
    let err = client.server().info().decode::<Value>().await.expect_err("429");
    assert_eq!(stub.count(), 1, "an hour is over the cap: not waited for");
    assert!(matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(3600)), "{err:?}");
    assert_eq!(err.class(), ErrorClass::RateLimited);
    assert!(err.to_string().contains("wait 3600 s"), "{err}");
}

#[tokio::test]
async fn a_503_is_retried_up_to_the_attempt_limit() {
    let stub = stub::start(|_, _| vec![reply("503 Service Unavailable", &[("Content-Type", "text/html")], "<h1>down</h1>")]);
    let client = Client::builder(&stub.url).token("t").retry(quick_retries(4)).build().unwrap();
    let err = client.server().info().decode::<Value>().await.expect_err("always 503");
    assert_eq!(stub.count(), 4, "max attempts, then the error");
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.class(), ErrorClass::Server);
}

#[tokio::test]
async fn a_post_create_is_never_retried() {
    let stub = stub::start(|_, _| vec![reply("503 Service Unavailable", &[("Content-Type", "text/html")], "busy")]);
    let client = Client::builder(&stub.url).token("t").retry(quick_retries(5)).build().unwrap();
    let err = client.items().create("articles", &serde_json::json!({"title": "x"})).decode::<Value>().await.expect_err("503");
    assert_eq!(stub.count(), 1, "a create is sent once");
    assert_eq!(err.status(), Some(503));
}

#[tokio::test]
async fn a_create_whose_timeout_fires_after_sending_is_outcome_unknown_and_not_retried() {
    let stub = stub::start(|_, _| vec![Step::Hang]);
    let client =
        Client::builder(&stub.url).token("t").idle_timeout(Duration::from_millis(700)).retry(quick_retries(5)).build().unwrap();
    let err = client.items().create("articles", &serde_json::json!({"title": "x"})).decode::<Value>().await.expect_err("stalled");
    assert_eq!(stub.count(), 1, "not repeated: it may have been applied");
    assert_eq!(err.outcome(), Outcome::Unknown);
    assert!(err.to_string().contains("the server may have applied this"), "{err}");
    // A read in the same plight is repeated.
    let before = stub.count();
    let _ = client.items().list("articles", &Default::default()).decode::<Value>().await.expect_err("stalled");
    assert_eq!(stub.count() - before, 5, "a read is retried");
}

#[tokio::test]
async fn a_refused_connection_is_not_sent_and_retried_even_for_a_post() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = Client::builder(format!("http://{closed}")).token("t").retry(quick_retries(3)).build().unwrap();
    let err = client.items().create("articles", &serde_json::json!({})).decode::<Value>().await.expect_err("refused");
    assert_eq!(err.outcome(), Outcome::NotSent);
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("could not connect") && text.contains("nothing reached the server"), "{text}");
}

#[test]
fn the_cli_says_the_server_may_have_applied_it_and_exits_8_when_rate_limited() {
    let stub = stub::start(|_, head| {
        if head.starts_with("POST") {
            vec![Step::Hang]
        } else {
            vec![reply("429 Too Many Requests", &[JSON, ("Retry-After", "600")], "{}")]
        }
    });
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_directus"))
            .args(args)
            .env("DIRECTUS_URL", &stub.url)
            .env("DIRECTUS_TOKEN", "t")
            .output()
            .unwrap()
    };
    let out = run(&["--idle-timeout", "0.5", "items", "create", "--collection", "a", "--data", "{}"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("the server may have applied this"), "{stderr}");
    let out = run(&["server", "info"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(8), "{stderr}");
    assert!(stderr.contains("rate limited") && stderr.contains("600 s"), "{stderr}");
    let out = run(&["--timeout", "soon", "server", "info"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn requests_in_flight_never_exceed_the_limit() {
    let stub = stub::start(|_, _| vec![Step::Wait(Duration::from_millis(30)), reply("200 OK", &[JSON], r#"{"data":{}}"#)]);
    let client = Client::builder(&stub.url).token("t").max_concurrency(8).build().unwrap();
    let calls: Vec<_> = (0..200)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.server().info().decode::<Value>().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("every call succeeds");
    }
    let peak = stub.peak.load(std::sync::atomic::Ordering::SeqCst);
    eprintln!("200 calls, limit 8: at most {peak} requests in flight at once");
    assert!((2..=8).contains(&peak), "peak {peak}");
    assert_eq!(stub.count(), 200);
}

/// The CLI's peak memory reading a 1 GiB reply it must refuse: announced, and as an error body.
#[test]
fn a_gigabyte_reply_is_refused_with_flat_memory() {
    const GIB: u64 = 1 << 30;
    let stub = stub::start(|_, request| {
        if request.contains("/server/info") {
            // Announced: refused before reading.
            vec![head_of(GIB), Step::Drip { total: GIB, chunk: 1 << 20, every: Duration::ZERO, fill: b' ' }]
        } else {
            // A 1 GiB error page, chunked: only its first MiB is read.
            vec![
                head("500 Internal Server Error", &[("Content-Type", "text/html")]),
                Step::Drip { total: GIB, chunk: 1 << 20, every: Duration::ZERO, fill: b'x' },
            ]
        }
    });
    fn head_of(n: u64) -> Step {
        head("200 OK", &[JSON, ("Content-Length", &n.to_string())])
    }
    let measure = |args: &[&str]| {
        stub::run_measured(Command::new(env!("CARGO_BIN_EXE_directus")).args(args).env("DIRECTUS_URL", &stub.url).env("DIRECTUS_TOKEN", "t"))
    };
    let (code, stderr, peak) = measure(&["server", "info"]);
    eprintln!("1 GiB JSON reply: exit {code:?}, peak RSS {:.1} MiB", peak as f64 / 1048576.0);
    assert_eq!(code, Some(7), "{stderr}");
    assert!(stderr.contains("larger than the 256 MiB limit") && stderr.contains("1024 MiB announced"), "{stderr}");
    assert!(peak < 64 << 20, "peak RSS {peak}");

    let (code, stderr, peak) = measure(&["server", "health"]);
    eprintln!("1 GiB error body: exit {code:?}, peak RSS {:.1} MiB", peak as f64 / 1048576.0);
    assert_eq!(code, Some(5), "{stderr}");
    assert!(stderr.contains("over 1 MiB") && stderr.contains("xxxx"), "{stderr}");
    assert!(peak < 64 << 20, "peak RSS {peak}");
}

/// A 1 GiB JSON reply that does not announce its length, read by a child process (this test
/// binary again) with a 16 MiB limit: a clear error as soon as the limit is passed.
#[test]
fn an_unannounced_gigabyte_is_cut_at_the_limit_with_flat_memory() {
    if let Ok(url) = std::env::var("DIRECTUS_RS_BIG_REPLY_URL") {
        // The child: read it and report.
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let client = Client::builder(&url).token("t").max_reply_size(16 << 20).build().unwrap();
        let err = rt.block_on(client.server().info().decode::<Value>().send()).expect_err("too large");
        eprintln!("{err}");
        std::process::exit(if matches!(err, Error::ReplyTooLarge { limit, .. } if limit == 16 << 20) { 0 } else { 1 });
    }
    let stub = stub::start(|_, _| {
        vec![head("200 OK", &[JSON, ("Transfer-Encoding", "chunked")]), Step::Chunked { total: 1 << 30, chunk: 1 << 20, fill: b'1' }]
    });
    let exe = std::env::current_exe().unwrap();
    let (code, stderr, peak) = stub::run_measured(
        Command::new(exe).args(["--exact", "an_unannounced_gigabyte_is_cut_at_the_limit_with_flat_memory", "--nocapture"]).env("DIRECTUS_RS_BIG_REPLY_URL", &stub.url),
    );
    eprintln!("1 GiB unannounced reply, 16 MiB limit: peak RSS {:.1} MiB", peak as f64 / 1048576.0);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("larger than the 16 MiB limit"), "{stderr}");
    assert!(peak < 64 << 20, "peak RSS {peak}");
}

fn authorized(head: &str) -> bool {
    head.lines().any(|l| l.to_ascii_lowercase().starts_with("authorization:"))
}

#[tokio::test]
async fn a_redirect_within_the_servers_origin_is_followed_with_the_token() {
    let stub = stub::start(|n, _| match n {
        0 => vec![reply("302 Found", &[("Location", "/server/moved?x=1")], "")],
        1 => vec![reply("307 Temporary Redirect", &[("Location", "./info-again")], "")],
        _ => vec![reply("200 OK", &[JSON], r#"{"data":{"project":{}}}"#)],
    });
    let client = Client::builder(&stub.url).token("t").build().unwrap();
    let info: Value = client.server().info().decode().await.expect("followed");
    assert!(info["project"].is_object());
    let requests = stub.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 3);
    assert!(requests[1].starts_with("GET /server/moved?x=1 "), "{}", requests[1]);
    assert!(requests[2].starts_with("GET /server/info-again "), "{}", requests[2]);
    assert!(requests.iter().all(|r| authorized(r)), "the same origin gets the token");
}

/// A server under a path shares its origin with whatever else is served there: a redirect out
/// of the base URL's path is refused like one to another origin; within it, followed.
#[tokio::test]
async fn a_redirect_out_of_the_base_path_is_refused() {
    let stub = stub::start(|n, _| match n {
        0 => vec![reply("302 Found", &[("Location", "/directus/server/moved")], "")],
        1 => vec![reply("200 OK", &[JSON], r#"{"data":{"project":{}}}"#)],
        2 => vec![reply("302 Found", &[("Location", "/directus-other/steal")], "")],
        _ => vec![reply("302 Found", &[("Location", "/steal")], "")],
    });
    let client = Client::builder(format!("{}/directus", stub.url)).token("t").build().unwrap();
    let _: Value = client.server().info().decode().await.expect("within the base path: followed");
    for _ in 0..2 {
        let err = client.server().info().decode::<Value>().await.expect_err("out of the base path");
        assert!(matches!(err, Error::Redirect { .. }) && err.to_string().contains("out of the server's path"), "{err}");
    }
    let requests = stub.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 4, "{requests:?}");
    assert!(requests.iter().all(|r| r.contains(" /directus/")), "nothing outside the base path was asked: {requests:?}");
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_refused_and_the_other_server_never_sees_the_token() {
    let other = stub::start(|_, _| vec![reply("200 OK", &[JSON], r#"{"data":{}}"#)]);
    // Another port, and the same port under another host name: both other origins.
    let port = other.url.rsplit(':').next().unwrap().to_owned();
    for target in [format!("{}/server/info", other.url), format!("http://localhost:{port}/server/info")] {
        let to = target.clone();
        let stub = stub::start(move |_, _| vec![reply("302 Found", &[("Location", &to)], "")]);
        let client = Client::builder(&stub.url).token("secret-token").retry(quick_retries(3)).build().unwrap();
        let err = client.server().info().decode::<Value>().await.expect_err("refused");
        match &err {
            Error::Redirect { status: 302, location, .. } => assert_eq!(location, &target),
            other => panic!("{other:?}"),
        }
        assert_eq!(err.class(), ErrorClass::BadReply);
        assert_eq!(stub.count(), 1, "not retried");
        let text = err.to_string();
        assert!(text.contains(&target) && text.contains("token must not go there"), "{text}");
    }
    assert_eq!(other.count(), 0, "the other server was never asked, so it never saw the token");
}

#[tokio::test]
async fn an_http_to_https_redirect_is_an_error_with_the_location() {
    let stub = stub::start(|_, head| {
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
        vec![reply("301 Moved Permanently", &[("Location", &format!("https://127.0.0.1:8443{path}"))], "")]
    });
    let client = Client::builder(&stub.url).token("t").build().unwrap();
    let err = client.server().info().decode::<Value>().await.expect_err("301 to https");
    assert!(
        matches!(&err, Error::Redirect { status: 301, location, .. } if location == "https://127.0.0.1:8443/server/info"),
        "{err:?}"
    );
    let text = err.to_string();
    eprintln!("{text}");
    assert!(text.contains("https://127.0.0.1:8443/server/info") && text.contains("use its https:// address"), "{text}");
    // The CLI says the same, as an unreadable reply (exit 7), with the Location.
    let out = Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(["server", "info"])
        .env("DIRECTUS_URL", &stub.url)
        .env("DIRECTUS_TOKEN", "t")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(stderr.contains("https://127.0.0.1:8443/server/info"), "{stderr}");
}

#[tokio::test]
async fn redirects_of_writes_loops_and_sso_starts_are_not_followed() {
    // A write is not repeated elsewhere, even on the same origin.
    let stub = stub::start(|_, _| vec![reply("307 Temporary Redirect", &[("Location", "/items/b")], "")]);
    let client = Client::builder(&stub.url).token("t").build().unwrap();
    let err = client.items().create("a", &serde_json::json!({})).decode::<Value>().await.expect_err("307 on POST");
    assert!(matches!(&err, Error::Redirect { status: 307, location, .. } if location == "/items/b"), "{err:?}");
    assert!(err.to_string().contains("only GET requests are followed"), "{err}");
    assert_eq!(stub.count(), 1);

    // A loop ends after 10 hops.
    let stub = stub::start(|_, _| vec![reply("302 Found", &[("Location", "/server/info")], "")]);
    let client = Client::builder(&stub.url).token("t").build().unwrap();
    let err = client.server().info().decode::<Value>().await.expect_err("a loop");
    assert!(err.to_string().contains("11th redirect in a row"), "{err}");
    assert_eq!(stub.count(), 11, "the first request and 10 redirects");

    // The SSO start's redirect is its result: handed back, not followed, wherever it points.
    let stub = stub::start(|_, _| vec![reply("302 Found", &[("Location", "http://127.0.0.1:9/authorize?state=s")], "")]);
    let client = Client::builder(&stub.url).token("t").build().unwrap();
    let location = client.auth().start_sso("loopback", &Default::default()).await.expect("the location");
    assert_eq!(location, "http://127.0.0.1:9/authorize?state=s");
    assert_eq!(stub.count(), 1);
}

/// A server that reads the start of a request and then drops the connection, as a server that
/// dies mid-upload does.
fn closes_mid_upload() -> (String, std::thread::JoinHandle<usize>) {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        let mut read = 0;
        while read < 256 * 1024 {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => read += n,
            }
        }
        // Unread data in the socket: closing it resets the connection.
        drop(stream);
        read
    });
    (url, server)
}

#[tokio::test]
async fn an_upload_cut_off_mid_way_says_a_partial_file_record_may_exist_and_how_to_find_it() {
    let (url, server) = closes_mid_upload();
    let dir = directus_e2e::temp_dir("cut-upload");
    let path = dir.join("big report.bin");
    std::fs::write(&path, vec![b'x'; 8 << 20]).unwrap();
    let client = Client::builder(&url).token("t").retry(quick_retries(3)).build().unwrap();
    let err = client.files().create(&path, &Default::default()).decode::<Value>().await.expect_err("cut off");
    let read = server.join().unwrap();
    eprintln!("upload cut off after the server read {read} bytes: {err}");
    assert!(matches!(&err, Error::UploadInterrupted { filename, .. } if filename == "big report.bin"), "{err:?}");
    assert_eq!(err.outcome(), Outcome::Unknown);
    assert_eq!(err.class(), ErrorClass::Network);
    let text = err.to_string();
    assert!(text.contains("the server may have created its file record"), "{text}");
    assert!(text.contains(r#"{"filename_download":{"_eq":"big report.bin"},"filesize":{"_null":true}}"#), "{text}");
    // A file that never left (nothing listening) is not one of these.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = Client::builder(format!("http://{closed}")).token("t").retry(RetryPolicy::none()).build().unwrap();
    let err = client.files().create(&path, &Default::default()).decode::<Value>().await.expect_err("refused");
    assert!(matches!(err, Error::Transport { outcome: Outcome::NotSent, .. }), "{err:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// 100,000 items of about 1 KB each (100 MB in all), streamed from a stub that serves any
/// `limit`/`offset` page, by a child process (this test binary again): its peak memory stays
/// that of one page, not of the list.
#[test]
fn streaming_100000_items_keeps_memory_flat() {
    const TOTAL: u64 = 100_000;
    if let Ok(url) = std::env::var("DIRECTUS_RS_STREAM_URL") {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let client = Client::builder(&url).token("t").page_size(500).build().unwrap();
        let mut stream = client.items().list("big", &Default::default()).decode::<Value>().stream();
        let (mut n, mut next) = (0u64, 0u64);
        rt.block_on(async {
            while let Some(item) = stream.try_next().await.expect("a page") {
                assert_eq!(item["n"].as_u64(), Some(next), "in order, once each");
                next += 1;
                n += 1;
            }
        });
        eprintln!("streamed {n} items");
        std::process::exit(if n == TOTAL { 0 } else { 1 });
    }
    let filler = "x".repeat(1000);
    let stub = stub::start(move |_, head| {
        let param = |name: &str| -> u64 {
            let target = head.split_whitespace().nth(1).unwrap_or_default();
            target.split(['?', '&']).find_map(|kv| kv.strip_prefix(&format!("{name}="))).and_then(|v| v.parse().ok()).unwrap_or(0)
        };
        let (limit, offset) = (param("limit"), param("offset"));
        let items: Vec<String> =
            (offset..(offset + limit).min(TOTAL)).map(|n| format!(r#"{{"n":{n},"text":"{filler}"}}"#)).collect();
        vec![reply("200 OK", &[JSON], &format!(r#"{{"data":[{}]}}"#, items.join(",")))]
    });
    let exe = std::env::current_exe().unwrap();
    let started = Instant::now();
    let (code, stderr, peak) = stub::run_measured(
        Command::new(exe).args(["--exact", "streaming_100000_items_keeps_memory_flat", "--nocapture"]).env("DIRECTUS_RS_STREAM_URL", &stub.url),
    );
    eprintln!(
        "100,000 items (~100 MB) streamed in pages of 500: {} requests, {:.1} s, peak RSS {:.1} MiB",
        stub.count(),
        started.elapsed().as_secs_f64(),
        peak as f64 / 1048576.0
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stub.count(), 201, "200 full pages and an empty one");
    assert!(peak < 32 << 20, "peak RSS {peak}");
}

/// A user record as Directus returns it, about 700 bytes of JSON.
fn user_record(n: u64) -> String {
    let id = |k: u64| format!("{k:08x}-0000-4000-8000-{:012x}", k * 2_654_435_761);
    format!(
        concat!(
            r#"{{"id":"{}","first_name":"User","last_name":"Number {n}","email":"user{n}@example.com","password":"**********","#,
            r#""location":null,"title":"Engineer","description":null,"tags":null,"avatar":null,"language":"en-US","#,
            r#""tfa_secret":null,"status":"active","role":"{}","token":null,"last_access":"2026-11-30T06:30:00.000Z","#,
            r#""last_page":"/content/articles","provider":"default","external_identifier":null,"auth_data":null,"#,
            r#""email_notifications":true,"appearance":null,"theme_dark":null,"theme_light":null,"#,
            r#""theme_light_overrides":null,"theme_dark_overrides":null,"text_direction":"auto","policies":["{}"]}}"#
        ),
        id(n),
        id(7),
        id(11),
        n = n,
    )
}

/// The fields of a user an application reads; serde skips the rest of each record.
#[derive(serde::Deserialize)]
#[allow(dead_code)] // Only decoded: what counts is the memory it takes.
struct User {
    id: String,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    status: String,
    role: Option<String>,
    provider: String,
    policies: Vec<String>,
}

/// A kernel memory figure of this process, in bytes, from `/proc/self/status`.
fn own_memory(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib = status.lines().find_map(|l| l.strip_prefix(field)?.strip_prefix(':')?.trim().strip_suffix("kB")?.trim().parse::<u64>().ok());
    kib.expect(field) * 1024
}

/// `users().list` with `limit: -1` over 20,000 users (one reply of about 14 MB), decoded into a
/// struct by a child process (this test binary again): the call raises its peak memory by at most
/// 1.5 times the reply. Reading the body whole into one buffer and decoding from it held the body
/// and the list at once (1.9 times the reply here); the body is now decoded from the pieces it
/// came in, each let go once read. The child reports its own peak (`VmHWM`), exact where
/// `ru_maxrss` would also count this process's (see `stub::run_measured`), and the stub makes the
/// reply as it sends it, so this process never holds it and other tests' figures stay as they were.
#[test]
fn a_limit_minus_one_list_is_decoded_within_one_and_a_half_times_its_reply() {
    const USERS: u64 = 20_000;
    if let Ok(url) = std::env::var("DIRECTUS_RS_ALL_USERS_URL") {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let client = Client::builder(&url).token("t").build().unwrap();
        let query = directus_client::Query::new().limit(-1);
        let before = own_memory("VmRSS");
        let users: Vec<User> = rt.block_on(client.users().list(&query).decode::<User>().send()).expect("the list");
        let peak = own_memory("VmHWM");
        eprintln!("users={} before={before} peak={peak}", users.len());
        std::process::exit(if users.len() as u64 == USERS { 0 } else { 1 });
    }
    // `{"data":[` record `,` record … `]}`, made piece by piece.
    let pieces = || {
        let records = (0..USERS).map(|n| (if n == 0 { "" } else { "," }.to_owned() + &user_record(n)).into_bytes());
        std::iter::once(br#"{"data":["#.to_vec()).chain(records).chain(std::iter::once(b"]}".to_vec()))
    };
    let size: u64 = pieces().map(|p| p.len() as u64).sum();
    let stub = stub::start(move |_, request| {
        assert!(request.contains("limit=-1"), "{request}");
        vec![head("200 OK", &[JSON, ("Content-Length", &size.to_string())]), Step::Pieces(Box::new(pieces()))]
    });
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .args(["--exact", "a_limit_minus_one_list_is_decoded_within_one_and_a_half_times_its_reply", "--nocapture"])
        .env("DIRECTUS_RS_ALL_USERS_URL", &stub.url)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let figure = |name: &str| -> u64 {
        let line = stderr.lines().find(|l| l.starts_with("users=")).unwrap_or_else(|| panic!("no figures: {stderr}"));
        line.split(' ').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse().ok()).unwrap()
    };
    let (before, peak) = (figure("before"), figure("peak"));
    let added = peak.saturating_sub(before);
    eprintln!(
        "limit -1, {USERS} users: reply {:.1} MiB, peak RSS {:.1} MiB over {:.1} MiB before the call: {:.2} times the reply",
        size as f64 / 1048576.0,
        peak as f64 / 1048576.0,
        before as f64 / 1048576.0,
        added as f64 / size as f64
    );
    assert!(size > 11_000_000, "a reply of {size} bytes");
    assert!(added * 2 <= size * 3, "the call added {added} bytes for a reply of {size}");
}

/// A value the request cannot carry is the caller's to fix: refused as invalid input, nothing
/// sent, no retries, and the message says which value and does not quote it.
#[tokio::test]
async fn a_token_or_key_the_request_cannot_carry_is_invalid_input_not_a_network_error() {
    let stub = stub::start(|_, _| vec![reply("200 OK", &[JSON], r#"{"data":{}}"#)]);
    for token in ["tok-from-a-crlf-file\r", "line\nbreak", "caf\u{e9}"] {
        let client = Client::builder(&stub.url).token(token).build().unwrap();
        let err = client.server().info().decode::<Value>().await.expect_err("a token with a control character");
        assert!(matches!(err, Error::InvalidInput { .. }), "{token:?}: {err:?}");
        assert_eq!((err.class(), err.outcome()), (ErrorClass::Usage, Outcome::NotSent), "{token:?}");
        let text = err.to_string();
        assert!(text.contains("access token holds") && !text.contains("tok-from") && !text.contains("caf"), "{text}");
    }
    assert!(Client::builder(&stub.url).token("ab\r").build().unwrap().server().info().decode::<Value>().await.unwrap_err().to_string().contains("tr -d"));
    // A key far longer than a URL may be.
    let client = Client::builder(&stub.url).token("t").build().unwrap();
    let huge = "k".repeat(100_000);
    let err = client.items().get("articles", huge.as_str(), &Default::default()).await.expect_err("a 100 KB key");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert_eq!(err.outcome(), Outcome::NotSent);
    assert!(!err.to_string().contains(&huge[..1000]), "the key is not quoted back");
    assert_eq!(stub.count(), 0, "nothing reached the server");
}

/// `save` writes through a part file of its own: a link planted under the name a part file
/// would once have had is not followed, a name that is no file is refused before anything is
/// written, and a download cut short leaves neither a partial file nor its part file.
#[cfg(unix)]
#[tokio::test]
async fn saving_a_download_follows_no_planted_link_and_leaves_nothing_behind() {
    let stub = stub::start(|n, _| match n {
        // The fifth download (after one good and three refused) is cut short: 100 bytes
        // announced, 10 sent.
        4 => vec![head("200 OK", &[("Content-Type", "application/octet-stream"), ("Content-Length", "100")]), Step::Send(vec![b'x'; 10])],
        _ => vec![reply("200 OK", &[("Content-Type", "application/octet-stream")], "fresh bytes")],
    });
    let client = Client::builder(&stub.url).token("t").retry(RetryPolicy::none()).build().unwrap();
    let dir = directus_e2e::temp_dir("save");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "untouched").unwrap();
    std::os::unix::fs::symlink(&victim, dir.join(".out.bin.part")).unwrap();
    let out = dir.join("out.bin");
    let n = client.assets().get("f", &Default::default()).await.unwrap().save(&out).await.expect("saved");
    assert_eq!((n, std::fs::read_to_string(&out).unwrap().as_str()), (11, "fresh bytes"));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched", "the planted link was followed");
    assert!(!std::fs::symlink_metadata(&out).unwrap().file_type().is_symlink());

    // Names that are no file: refused, nothing written in the folder or its parent.
    let before: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    for bad in [dir.join(".."), dir.clone(), dir.join("sub/")] {
        let err = client.assets().get("f", &Default::default()).await.unwrap().save(&bad).await.expect_err("not a file name");
        assert!(err.to_string().contains("folder"), "{}: {err}", bad.display());
    }
    let after: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before, after);

    // Cut short: an error, the earlier good file is kept, and no part file is left.
    let err = client.assets().get("f", &Default::default()).await.unwrap().save(&out).await.expect_err("cut short");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "fresh bytes", "{err}");
    let parts: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".part") && n != ".out.bin.part").collect();
    assert!(parts.is_empty(), "left behind: {parts:?}");
}

/// On a terminal, text the server chose is shown, not obeyed (an escape sequence that retitles
/// the window or clears the screen is printed as `\u{1b}`), and a file's bytes are not poured
/// into it; piped, both go through as sent. The terminal is `script`'s pseudo-terminal.
#[cfg(unix)]
#[test]
fn a_terminal_gets_server_text_escaped_and_no_raw_file_bytes() {
    let hostile = "po\u{1b}]0;PWNED\u{7}ng\u{1b}[2J";
    let stub = stub::start(move |_, path| {
        let body = if path.contains("/assets/") { "\u{1b}[2Jbinary" } else { hostile };
        vec![reply("200 OK", &[("Content-Type", "text/plain")], body)]
    });
    let exe = env!("CARGO_BIN_EXE_directus");
    let on_terminal = |args: &str| {
        let out = Command::new("script")
            .args(["-qec", &format!("{exe} {args}"), "/dev/null"])
            .env("DIRECTUS_URL", &stub.url)
            .env("DIRECTUS_TOKEN", "t")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("script(1) from util-linux runs the CLI on a pseudo-terminal");
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, shown) = on_terminal("server ping");
    assert_eq!(code, Some(0), "{shown}");
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'), "raw escapes reached the terminal: {shown:?}");
    assert!(shown.contains("po\\u{1b}]0;PWNED\\u{7}ng\\u{1b}[2J"), "{shown:?}");
    let (code, shown) = on_terminal("assets get f");
    assert_eq!(code, Some(2), "{shown}");
    assert!(shown.contains("--output-file") && !shown.contains("binary"), "{shown:?}");
    // Piped: as sent.
    let out = Command::new(exe).args(["server", "ping"]).env("DIRECTUS_URL", &stub.url).env("DIRECTUS_TOKEN", "t").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{hostile}\n"));
    // A download that cannot be written here is a local failure (exit 1), not bad arguments;
    // a name that is no file is.
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    let out = Command::new(exe).args(["assets", "get", "f"]).env("DIRECTUS_URL", &stub.url).env("DIRECTUS_TOKEN", "t").stdout(full).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new(exe).args(["assets", "get", "f", "-O", "/"]).env("DIRECTUS_URL", &stub.url).env("DIRECTUS_TOKEN", "t").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    // An error with nowhere to report it (stderr closed) still exits with its code, no panic.
    let mut child = Command::new(exe)
        .args(["users", "me"])
        .env("DIRECTUS_URL", &stub.url)
        .env("DIRECTUS_TOKEN", "bad\rtoken")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(2));
}

/// The CLI's reply limit is a flag, and the refusal names it.
#[test]
fn the_cli_reply_limit_is_a_flag_the_refusal_names() {
    let big = format!(r#"{{"data":{{"blob":"{}"}}}}"#, "x".repeat(2 * 1024 * 1024));
    let stub = stub::start(move |_, _| vec![reply("200 OK", &[JSON], &big)]);
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_directus"))
            .args(extra)
            .args(["server", "info"])
            .env("DIRECTUS_URL", &stub.url)
            .env("DIRECTUS_TOKEN", "t")
            .output()
            .unwrap()
    };
    let refused = run(&["--max-reply-size", "1"]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(7), "{err}");
    assert!(err.contains("1 MiB limit") && err.contains("--max-reply-size"), "{err}");
    assert_eq!(run(&["--max-reply-size", "3"]).status.code(), Some(0));
    assert_eq!(run(&["--max-reply-size", "0"]).status.code(), Some(2), "0 MiB is no limit to read with");
}

/// `.fields(…)` on a call replaces the `Query`'s fields instead of sending the parameter twice.
#[tokio::test]
async fn call_fields_replace_the_querys_fields() {
    let stub = stub::start(|_, _| vec![reply("200 OK", &[JSON], r#"{"data":{"id":1}}"#)]);
    let client = Client::builder(&stub.url).token("t").build().unwrap();
    let query = directus_client::Query::new().fields(vec!["title"]).limit(1);
    let _: Value = client.items().get("articles", 1, &query).fields(["id", "author.name"]).decode().await.unwrap();
    let requests = stub.requests.lock().unwrap().clone();
    let line = requests[0].lines().next().unwrap_or_default().to_owned();
    assert_eq!(line.matches("fields=").count(), 1, "{line}");
    assert!(line.contains("fields=id%2Cauthor.name") || line.contains("fields=id,author.name"), "{line}");
    assert!(line.contains("limit=1"), "the rest of the query stays: {line}");
}

/// A typed record written back sends what is set; `extra` carries what the type cannot say, such
/// as `null` to clear a field (the types module's docs show it).
#[test]
fn a_typed_patch_clears_a_field_through_extra() {
    let mut patch = directus_client::types::User::default();
    patch.first_name = Some("Ada".into());
    patch.extra.insert("avatar".into(), Value::Null);
    assert_eq!(serde_json::to_value(&patch).unwrap(), serde_json::json!({ "first_name": "Ada", "avatar": null }));
}
