//! The transport against real Directus 12.4.1 servers under load and faults: sessions that are
//! restored and refreshed, concurrent writes that neither drop nor duplicate, connections bounded
//! by the client's limit, one refresh for many waiting calls even when it fails, and retries that
//! carry reads across a server restart.

use directus_client::{Client, ErrorClass, SessionTokens};
use directus_e2e::server::{self, Server};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

fn shared() -> &'static Server {
    server::shared("12.4.1")
}

/// A server of this file's own, with 2 s access tokens; its tests take turns (one stops it).
fn short_lived() -> &'static Mutex<Server> {
    static S: OnceLock<Mutex<Server>> = OnceLock::new();
    S.get_or_init(|| {
        Mutex::new(server::start_with("12.4.1", &[("ACCESS_TOKEN_TTL", "2s")]).unwrap_or_else(|e| panic!("{e}")))
    })
}
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Operation id and status (none when no reply came) of each attempt.
type Attempts = Vec<(String, Option<u16>)>;

/// Counts attempts per operation id.
#[derive(Clone, Default)]
struct Counter(Arc<Mutex<Attempts>>);

impl Counter {
    fn hook(&self) -> impl Fn(&directus_runtime::Attempt<'_>) + Send + Sync + 'static {
        let seen = self.0.clone();
        move |a| seen.lock().unwrap().push((a.operation.id.to_owned(), a.status))
    }

    fn of(&self, op: &str) -> Vec<Option<u16>> {
        self.0.lock().unwrap().iter().filter(|(o, _)| o == op).map(|(_, s)| *s).collect()
    }
}

#[tokio::test]
async fn a_stored_session_is_restored_in_a_new_client() {
    let s = shared();
    let first = Client::new(&s.url).unwrap();
    first.login(&s.admin_email, s.admin_password.as_str()).await.expect("login");
    let stored = serde_json::to_string(&first.session_tokens().await.expect("a session")).unwrap();
    drop(first);

    let tokens: SessionTokens = serde_json::from_str(&stored).unwrap();
    let second = Client::with_session(&s.url, tokens).unwrap();
    let me: Value = second.users().me(&Default::default()).decode().await.expect("the restored session works");
    assert_eq!(me["email"], s.admin_email.as_str());
    // It refreshes like a login's: the tokens change, the calls go on.
    second.refresh().await.expect("refresh");
    let after = second.session_tokens().await.unwrap();
    assert!(after.expires_at > SystemTime::now());
    let _: Value = second.users().me(&Default::default()).decode().await.expect("after the refresh");
}

/// The observer hears of every token change the client makes itself, in order, and the last
/// tokens it heard carry the session on in a new process: a rotated refresh token is never lost.
#[tokio::test]
async fn the_session_observer_hears_login_refreshes_and_logout() {
    let s = shared();
    let heard: Arc<Mutex<Vec<Option<SessionTokens>>>> = Arc::default();
    let log = heard.clone();
    let client = Client::builder(&s.url).on_session_change(move |t| log.lock().unwrap().push(t.cloned())).build().unwrap();
    client.login(&s.admin_email, s.admin_password.as_str()).await.expect("login");
    client.refresh().await.expect("first refresh");
    client.refresh().await.expect("second refresh");
    let stored = heard.lock().unwrap().last().cloned().flatten().expect("tokens after the refreshes");
    assert_eq!(heard.lock().unwrap().len(), 3, "login and two refreshes");
    let current = client.session_tokens().await.unwrap();
    assert!(stored.refresh_token == current.refresh_token && stored.access_token == current.access_token, "the last heard are the current tokens");
    // What was heard works elsewhere (the refresh token heard last has not been spent).
    let elsewhere = Client::with_session(&s.url, stored).unwrap();
    elsewhere.refresh().await.expect("the stored session refreshes in another client");
    // Restoring is the caller's own doing: not told. Logging out the client's session: `None`.
    let ended: Arc<Mutex<Vec<Option<SessionTokens>>>> = Arc::default();
    let log = ended.clone();
    let last = Client::builder(&s.url).on_session_change(move |t| log.lock().unwrap().push(t.cloned())).build().unwrap();
    last.restore_session(elsewhere.session_tokens().await.unwrap()).await;
    let _: Value = last.users().me(&Default::default()).decode().await.expect("the restored session works");
    assert!(ended.lock().unwrap().is_empty(), "restoring is not reported");
    last.logout().await.expect("logout");
    assert!(matches!(ended.lock().unwrap().as_slice(), [None]), "logout is heard as None");
}

#[tokio::test]
async fn an_expired_access_token_is_refreshed_and_the_call_retried_once() {
    let _turn = TURN.lock().await;
    let url = short_lived().lock().unwrap().url.clone();
    let (email, password) = {
        let s = short_lived().lock().unwrap();
        (s.admin_email.clone(), s.admin_password.clone())
    };
    let login = Client::new(&url).unwrap();
    login.login(&email, password.as_str()).await.expect("login");
    let real = login.session_tokens().await.unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    // A client that believes the token has an hour left (a clock that is off, a stored session
    // with a wrong expiry): the server answers 401 TOKEN_EXPIRED.
    let counter = Counter::default();
    let wrong = SessionTokens::new(real.access_token, real.refresh_token, SystemTime::now() + Duration::from_secs(3600));
    let client = Client::builder(&url).session(wrong).hook(counter.hook()).build().unwrap();
    let me: Value = client.users().me(&Default::default()).decode().await.expect("refreshed and retried");
    assert_eq!(me["email"], email.as_str());
    assert_eq!(counter.of("users.me"), vec![Some(401), Some(200)], "one retry");
    assert_eq!(counter.of("auth.refresh"), vec![Some(200)], "one refresh");
}

#[tokio::test]
async fn two_hundred_concurrent_creates_make_exactly_200_rows() {
    let s = shared();
    let c = Client::with_token(&s.url, s.admin_token.as_str()).unwrap();
    let name = format!("net_{}", directus_e2e::random_hex(4));
    let _: Value = c
        .collections()
        .create(&json!({
            "collection": name, "schema": {}, "meta": {},
            "fields": [
                { "field": "id", "type": "integer", "schema": { "is_primary_key": true, "has_auto_increment": true } },
                { "field": "n", "type": "integer", "schema": {} }
            ]
        }))
        .decode().await
        .expect("collection");
    let calls: Vec<_> = (0..200)
        .map(|n| {
            let (c, name) = (c.clone(), name.clone());
            tokio::spawn(async move { c.items().create(&name, &json!({ "n": n })).decode::<Value>().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("every create succeeds");
    }
    let query = directus_client::Query::new().limit(-1).fields(vec!["n"]);
    let rows: Vec<Value> = c.items().list(&name, &query).await.unwrap();
    let mut ns: Vec<i64> = rows.iter().map(|r| r["n"].as_i64().unwrap()).collect();
    ns.sort();
    assert_eq!(ns, (0..200).collect::<Vec<i64>>(), "each create exactly once");
    c.collections().delete(&name).await.unwrap();
}

/// Established client-side connections to `port`, from the system's socket table.
fn connections_to(port: u16) -> usize {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    table
        .lines()
        .skip(1)
        .filter(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            cols.len() > 3
                && cols[3] == "01"
                && cols[2].rsplit(':').next().and_then(|p| u16::from_str_radix(p, 16).ok()) == Some(port)
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_hold_at_most_the_limit_of_connections() {
    let _turn = TURN.lock().await;
    let (url, token) = {
        let s = short_lived().lock().unwrap();
        (s.url.clone(), s.admin_token.clone())
    };
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    let c = Client::with_token(&url, token.as_str()).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicUsize::new(0));
    let sampler = {
        let (done, peak) = (done.clone(), peak.clone());
        std::thread::spawn(move || {
            let mut samples = 0;
            while !done.load(Ordering::SeqCst) {
                peak.fetch_max(connections_to(port), Ordering::SeqCst);
                samples += 1;
                std::thread::sleep(Duration::from_millis(2));
            }
            samples
        })
    };
    let calls: Vec<_> = (0..1000)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.server().info().decode::<Value>().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("every call succeeds");
    }
    done.store(true, Ordering::SeqCst);
    let samples = sampler.join().unwrap();
    let peak = peak.load(Ordering::SeqCst);
    // Settled: what the pool keeps once the burst is over.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let kept = connections_to(port);
    eprintln!("1,000 concurrent calls: at most {peak} connections open ({samples} samples of the socket table), {kept} kept afterwards");
    let limit = directus_runtime::DEFAULT_MAX_CONCURRENCY;
    // At most `limit` requests are in flight (network_faults.rs counts them at the server), but hyper
    // races a fresh connect against a connection on its way back to the pool, so for a moment a few
    // more sockets than requests can be open: bounded by twice the limit, and the pool keeps at most
    // `limit` afterwards.
    assert!(peak <= 2 * limit, "{peak} connections open at once; the bound is {}", 2 * limit);
    assert!(kept <= limit, "{kept} connections kept after the burst; the pool keeps at most {limit}");
    assert!(peak > 1, "the calls did run side by side");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_with_retries_survive_a_server_restart() {
    let _turn = TURN.lock().await;
    let (url, token) = {
        let s = short_lived().lock().unwrap();
        (s.url.clone(), s.admin_token.clone())
    };
    let policy = directus_runtime::RetryPolicy::attempts(60).base_delay(Duration::from_millis(250)).max_delay(Duration::from_secs(1));
    let counter = Counter::default();
    let c = Client::builder(&url).token(token.as_str()).retry(policy).hook(counter.hook()).build().unwrap();
    let restarter = tokio::task::spawn_blocking(|| {
        std::thread::sleep(Duration::from_secs(2));
        let mut s = short_lived().lock().unwrap();
        s.stop();
        std::thread::sleep(Duration::from_secs(1));
        s.restart()
    });
    for n in 0..100 {
        let _: Value = c.server().info().decode().await.unwrap_or_else(|e| panic!("GET {n}: {e}"));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    restarter.await.unwrap().expect("the server restarted");
    let failed = counter.of("server.info").iter().filter(|s| s.is_none()).count();
    eprintln!("100 paced GETs across a restart: all succeeded, {failed} attempts failed on the way and were retried");
    assert!(failed > 0, "the restart happened during the GETs");
}

#[tokio::test]
async fn a_failed_refresh_is_shared_by_every_call_waiting_on_it() {
    let s = server::start_with(
        "12.4.1",
        &[("RATE_LIMITER_ENABLED", "true"), ("RATE_LIMITER_STORE", "memory"), ("RATE_LIMITER_POINTS", "8"), ("RATE_LIMITER_DURATION", "120")],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let login = Client::builder(&s.url).retry(directus_runtime::RetryPolicy::none()).build().unwrap();
    login.login(&s.admin_email, s.admin_password.as_str()).await.expect("login");
    let tokens = login.session_tokens().await.unwrap();
    // Spend the rest of the limit.
    let mut spent = false;
    for _ in 0..20 {
        if let Err(e) = login.server().ping().await {
            assert_eq!(e.class(), ErrorClass::RateLimited, "{e}");
            spent = true;
            break;
        }
    }
    assert!(spent, "the rate limiter never answered 429");
    // A session whose access token is due: every call needs the refresh first.
    let counter = Counter::default();
    let due = SessionTokens::new(tokens.access_token, tokens.refresh_token, SystemTime::now() - Duration::from_secs(1));
    let client = Client::builder(&s.url).session(due).hook(counter.hook()).build().unwrap();
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.users().me(&Default::default()).decode::<Value>().await })
        })
        .collect();
    for call in calls {
        let err = call.await.unwrap().expect_err("the refresh is rate limited");
        assert_eq!(err.class(), ErrorClass::RateLimited, "{err}");
        assert!(err.to_string().contains("could not be refreshed"), "{err}");
    }
    assert_eq!(counter.of("auth.refresh"), vec![Some(429)], "one refresh call for 50 waiting calls");
    assert!(counter.of("users.me").is_empty(), "nothing was sent without a token");
    s.stop();
}
