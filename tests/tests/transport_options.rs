//! The caller's own HTTP setup (a reqwest builder or client, extra root certificates) and the
//! `tracing` spans, against scripted loopback stubs: what a header or a span carries is what a
//! real server cannot show on demand.

use directus_client::{Client, Error, Query};
use directus_e2e::stub::{self, reply};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

const JSON: (&str, &str) = ("Content-Type", "application/json");

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim()))
}

fn tenant_headers() -> reqwest::header::HeaderMap {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-tenant", reqwest::header::HeaderValue::from_static("blue"));
    headers
}

/// The tests of this file that send requests take turns: tracing caches per call site whether
/// anyone listens, and a call site first reached on another test's thread while the span test
/// installs its subscriber can stay cached as "nobody" (tracing-core registers and rebuilds
/// those caches without one lock). Seen once under load: the span test missed its spans.
static SENDING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn a_callers_reqwest_builder_or_client_carries_its_default_headers() {
    let _turn = SENDING.lock().await;
    let stub = stub::start(|_, _| vec![reply("200 OK", &[JSON], r#"{"data":{}}"#)]);
    let builder = reqwest::Client::builder().default_headers(tenant_headers());
    let client = Client::builder(&stub.url).token("t").http_client_builder(builder).build().unwrap();
    let _: Value = client.server().info().decode().await.unwrap();
    let prebuilt = reqwest::Client::builder()
        .default_headers(tenant_headers())
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("mine/1")
        .build()
        .unwrap();
    let client = Client::builder(&stub.url).token("t").http_client(prebuilt).build().unwrap();
    let _: Value = client.server().info().decode().await.unwrap();
    let requests = stub.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    for head in &requests {
        assert_eq!(header(head, "x-tenant"), Some("blue"), "{head}");
        assert_eq!(header(head, "authorization"), Some("Bearer t"), "{head}");
    }
    assert!(header(&requests[0], "user-agent").unwrap().starts_with("directus-rs/"), "the builder gets the runtime's user agent");
    assert_eq!(header(&requests[1], "user-agent"), Some("mine/1"), "a client is used as it is");
}

#[tokio::test]
async fn a_callers_builder_still_never_follows_a_redirect_elsewhere() {
    let _turn = SENDING.lock().await;
    // reqwest's default policy follows redirects; the runtime replaces it on a builder it is given.
    let other = stub::start(|_, _| vec![reply("200 OK", &[JSON], r#"{"data":{}}"#)]);
    let to = format!("{}/server/info", other.url);
    let stub = stub::start(move |_, _| vec![reply("302 Found", &[("Location", &to)], "")]);
    let client = Client::builder(&stub.url).token("t").http_client_builder(reqwest::Client::builder()).build().unwrap();
    let err = client.server().info().decode::<Value>().await.expect_err("refused");
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    assert_eq!(other.count(), 0);
}

#[test]
fn root_certificates_are_checked_when_the_client_is_built() {
    let build = |pem: &[u8]| Client::builder("https://127.0.0.1:8443").add_root_certificate_pem(pem).build().map(|_| ());
    let err = build(b"not a certificate at all").expect_err("no PEM").to_string();
    eprintln!("{err}");
    assert!(err.contains("root certificate 1 of 1 holds no PEM certificate"), "{err}");
    let garbled = b"-----BEGIN CERTIFICATE-----\nTUlJQm9uZSBvZiB0aGVzZSBpcyBub3QgYSBjZXJ0aWZpY2F0ZQ==\n-----END CERTIFICATE-----\n";
    let err = build(garbled).expect_err("not a certificate").to_string();
    eprintln!("{err}");
    assert!(err.contains("root certificate 1 of 1 is not"), "{err}");
    // A real bundle (the system's) is accepted, and a given client cannot take roots.
    if let Ok(bundle) = std::fs::read("/etc/ssl/certs/ca-certificates.crt") {
        build(&bundle).expect("the system's CA bundle");
    }
    let err = Client::builder("https://127.0.0.1:8443")
        .http_client(reqwest::Client::new())
        .add_root_certificate_pem(b"x".to_vec())
        .build()
        .expect_err("roots and a built client")
        .to_string();
    assert!(err.contains("add them to its builder"), "{err}");
}

/// Every field value of every span and event, as `span.field = value` lines.
#[derive(Clone, Default)]
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    spans: Arc<Mutex<Vec<&'static tracing::Metadata<'static>>>>,
    stack: Arc<Mutex<Vec<tracing::Id>>>,
}

struct Visitor<'a>(&'a Mutex<Vec<String>>, &'static str);

impl tracing::field::Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.lock().unwrap().push(format!("{}.{} = {value:?}", self.1, field.name()));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &tracing::span::Attributes<'_>) -> tracing::Id {
        let mut spans = self.spans.lock().unwrap();
        spans.push(attrs.metadata());
        attrs.record(&mut Visitor(&self.lines, attrs.metadata().name()));
        tracing::Id::from_u64(spans.len() as u64)
    }
    fn record(&self, id: &tracing::Id, values: &tracing::span::Record<'_>) {
        let name = self.spans.lock().unwrap()[id.into_u64() as usize - 1].name();
        values.record(&mut Visitor(&self.lines, name));
    }
    fn record_follows_from(&self, _: &tracing::Id, _: &tracing::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut Visitor(&self.lines, event.metadata().name()));
    }
    fn enter(&self, id: &tracing::Id) {
        self.stack.lock().unwrap().push(id.clone());
    }
    fn exit(&self, _: &tracing::Id) {
        self.stack.lock().unwrap().pop();
    }
    fn current_span(&self) -> tracing_core::span::Current {
        match self.stack.lock().unwrap().last() {
            Some(id) => tracing_core::span::Current::new(id.clone(), self.spans.lock().unwrap()[id.into_u64() as usize - 1]),
            None => tracing_core::span::Current::none(),
        }
    }
}

#[tokio::test]
async fn tracing_spans_name_the_operation_and_route_template_and_never_a_key_or_secret() {
    let _turn = SENDING.lock().await;
    const SECRETS: &[&str] =
        &["TOKEN-SECRET-1", "secret_collection", "KEY-4711", "FILTER-VALUE", "PASSWORD-SECRET", "ACCESS-SECRET", "REFRESH-SECRET"];
    let stub = stub::start(|_, head| {
        if head.starts_with("POST /auth/login") {
            vec![reply(
                "200 OK",
                &[JSON],
                r#"{"data":{"access_token":"ACCESS-SECRET","refresh_token":"REFRESH-SECRET","expires":900000}}"#,
            )]
        } else if head.contains("KEY-4711") && head.contains("ACCESS-SECRET") {
            // The server's message names the key: errors may hold it, spans must not.
            vec![reply("403 Forbidden", &[JSON], r#"{"errors":[{"message":"no KEY-4711 in secret_collection","extensions":{"code":"FORBIDDEN"}}]}"#)]
        } else {
            vec![reply("200 OK", &[JSON], r#"{"data":{"id":"KEY-4711"}}"#)]
        }
    });
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    let client = Client::builder(&stub.url).token("TOKEN-SECRET-1").build().unwrap();
    let query = Query::new().filter(json!({ "name": { "_eq": "FILTER-VALUE" } }));
    let _: Value = client.items().get("secret_collection", "KEY-4711", &query).await.expect("200");
    let session = Client::new(&stub.url).unwrap();
    session.login("admin@example.com", "PASSWORD-SECRET").await.expect("login");
    let err = session.items().get("secret_collection", "KEY-4711", &query).decode::<Value>().await.expect_err("403");
    assert!(err.to_string().contains("KEY-4711"), "the error itself may say it: {err}");
    // A connection refused: reqwest's error names the whole URL.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let refused = Client::builder(format!("http://{closed}")).token("TOKEN-SECRET-1").retry(directus_client::RetryPolicy::none()).build().unwrap();
    let err = refused.items().get("secret_collection", "KEY-4711", &query).decode::<Value>().await.expect_err("refused");
    assert!(err.to_string().contains("KEY-4711"), "reqwest's message has the URL: {err}");

    let lines = capture.lines.lock().unwrap().clone();
    for line in &lines {
        eprintln!("{line}");
    }
    let has = |want: &str| lines.iter().any(|l| l == want);
    for want in [
        r#"directus.call.operation = "items.get""#,
        r#"directus.call.method = "GET""#,
        r#"directus.call.route = "/items/{collection}/{id}""#,
        "directus.call.status = 200",
        "directus.call.status = 403",
        "directus.call.attempts = 1",
        r#"directus.call.operation = "auth.login""#,
        r#"directus.call.route = "/auth/login""#,
        "directus.call.error_class = Forbidden",
        "directus.call.error_class = Network",
        "directus.call.outcome = NotSent",
    ] {
        assert!(has(want), "no `{want}` in the spans");
    }
    assert!(lines.iter().any(|l| l.starts_with("directus.call.duration_us = ")), "a duration");
    assert!(lines.iter().any(|l| l.contains(".attempt = 1")), "attempt events");
    for secret in SECRETS {
        let leaks: Vec<&String> = lines.iter().filter(|l| l.contains(secret)).collect();
        assert!(leaks.is_empty(), "{secret} reached a span or event: {leaks:?}");
    }
}
