//! Peak memory of the generated client: each case runs in a child process (this binary again)
//! against a loopback stub served by this process, and its peak is the child's own high-water
//! mark (`VmHWM` in `/proc/self/status`, read by the child at its end). Not the `ru_maxrss` that
//! `wait4` reports: a child started by vfork and exec (as `std::process::Command` does) inherits
//! its parent's peak in that figure, which after a case with a 14 MB reply in the parent made the
//! next case's 4 MiB read 52 MiB. `ru_maxrss` is still reported beside it.
//!
//! Usage: memory [CASE...] (all cases when none is named). Prints one JSON object, by case: peak RSS
//! in MiB, seconds, the requests the stub answered, the bytes it received, and the child's last
//! line (what it read or the error it got). Cases:
//!
//! - `baseline`: one small JSON reply (the floor: the process, the runtime, TLS roots);
//! - `stream-10000`, `stream-100000` (any `stream-N` when named): that many items of about 1 KB
//!   through `items().list_stream` in pages of 500 (10 MB and 100 MB in all); flat means both peak
//!   about the same;
//! - `gib-json`: a JSON reply announcing 1 GiB (refused before reading, default 256 MiB limit);
//! - `gib-error`: a 1 GiB error page without a length (only its first MiB is read);
//! - `gib-unannounced`: a chunked 1 GiB JSON reply with a 16 MiB reply limit (cut at the limit);
//! - `gib-download`: a 1 GiB asset, `assets().get(..).save(path)` (streamed to a temporary file);
//! - `gib-upload`: a 1 GiB file, `files().create(path)` (streamed from disk; a sparse file);
//! - `all-users-value`, `all-users-typed`: `users().list` with `limit: -1` over 20,000 user records
//!   (one reply of about 14 MB), decoded into `Vec<serde_json::Value>` and into a struct with the
//!   fields an application reads. The child also reports, from a counting allocator, its heap at
//!   its peak during the call and what the decoded list holds once the call is over, so the peak
//!   splits into the list itself and what reading the reply took on top.
//!
//! Child mode (internal): memory --child CASE URL [PATH].

use directus_client::{Client, Error};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

const GIB: u64 = 1 << 30;
const CASES: &[&str] = &[
    "baseline",
    "stream-10000",
    "stream-100000",
    "gib-json",
    "gib-error",
    "gib-unannounced",
    "gib-download",
    "gib-upload",
    "all-users-value",
    "all-users-typed",
];
const PAGE: u32 = 500;
/// Users in the `limit: -1` reply.
const USERS: u64 = 20_000;

// --- heap accounting (read by the child) ---------------------------------------------------------

/// The system allocator, counting the bytes live now and the most live at once since the last
/// [`heap::reset_peak`]. Only a few atomic operations per allocation; RSS is still read from the
/// kernel, this splits it.
mod heap {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct Counting;
    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    fn grew(by: usize) {
        let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
        PEAK.fetch_max(now, Ordering::Relaxed);
    }

    // SAFETY: every call goes to `System` unchanged; only counters are updated beside it.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let p = unsafe { System.alloc(layout) };
            if !p.is_null() {
                grew(layout.size());
            }
            p
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            let p = unsafe { System.alloc_zeroed(layout) };
            if !p.is_null() {
                grew(layout.size());
            }
            p
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) };
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                if new_size >= layout.size() {
                    grew(new_size - layout.size());
                } else {
                    LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
                }
            }
            p
        }
    }

    pub fn live() -> usize {
        LIVE.load(Ordering::Relaxed)
    }

    pub fn peak() -> usize {
        PEAK.load(Ordering::Relaxed)
    }

    pub fn reset_peak() {
        PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;

/// A user record as Directus 12 returns it, about 700 bytes of JSON.
fn user_json(n: u64) -> String {
    let uuid = |k: u64| format!("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", k as u32, (k >> 16) & 0xffff, n % 4096, k % 4096, k * 2654435761);
    format!(
        concat!(
            r#"{{"id":"{id}","first_name":"User","last_name":"Number {n}","email":"user{n}@example.com","password":"**********","#,
            r#""location":null,"title":"Engineer","description":null,"tags":null,"avatar":null,"language":"en-US","#,
            r#""tfa_secret":null,"status":"active","role":"{role}","token":null,"last_access":"2026-11-30T06:30:00.000Z","#,
            r#""last_page":"/content/articles","provider":"default","external_identifier":null,"auth_data":null,"#,
            r#""email_notifications":true,"appearance":null,"theme_dark":null,"theme_light":null,"#,
            r#""theme_light_overrides":null,"theme_dark_overrides":null,"text_direction":"auto","policies":["{policy}"]}}"#
        ),
        id = uuid(n),
        n = n,
        role = uuid(7),
        policy = uuid(11),
    )
}

/// The fields of a user an application typically reads; the rest of the record is skipped.
#[derive(serde::Deserialize)]
#[allow(dead_code)] // Read only by the decoder: what counts is what it holds.
struct User {
    id: String,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    status: String,
    role: Option<String>,
    last_access: Option<String>,
    provider: String,
    email_notifications: bool,
    policies: Vec<String>,
}

/// The reply of `GET /users?limit=-1`, built once.
fn all_users() -> &'static str {
    static BODY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BODY.get_or_init(|| {
        let users: Vec<String> = (0..USERS).map(user_json).collect();
        format!(r#"{{"data":[{}]}}"#, users.join(","))
    })
}

// --- the stub -----------------------------------------------------------------------------------

/// What the stub sends: bytes, or `total` bytes of `fill` (in chunked encoding when `chunked`).
enum Step {
    Send(Vec<u8>),
    Fill { total: u64, fill: u8, chunked: bool },
}

fn head(status: &str, headers: &[(&str, String)]) -> Step {
    let mut text = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (k, v) in headers {
        text += &format!("{k}: {v}\r\n");
    }
    text += "\r\n";
    Step::Send(text.into_bytes())
}

fn json(body: String) -> Vec<Step> {
    let len = body.len().to_string();
    let mut steps = vec![head("200 OK", &[("Content-Type", "application/json".into()), ("Content-Length", len)])];
    steps.push(Step::Send(body.into_bytes()));
    steps
}

/// The answer of `case` to a request with this head, which came with `received` body bytes.
fn script(case: &str, head_text: &str, received: u64) -> Vec<Step> {
    let target = head_text.split_whitespace().nth(1).unwrap_or_default().to_string();
    let param = |name: &str| -> u64 {
        target.split(['?', '&']).find_map(|kv| kv.strip_prefix(&format!("{name}="))).and_then(|v| v.parse().ok()).unwrap_or(0)
    };
    match case {
        "baseline" => json(r#"{"data":{"project":{"project_name":"Directus"},"version":"12.4.1"}}"#.into()),
        c if c.starts_with("stream-") => {
            let total: u64 = c["stream-".len()..].parse().expect("stream-N");
            let filler = "x".repeat(1000);
            let (limit, offset) = (param("limit"), param("offset"));
            let items: Vec<String> =
                (offset..(offset + limit).min(total)).map(|n| format!(r#"{{"n":{n},"text":"{filler}"}}"#)).collect();
            json(format!(r#"{{"data":[{}]}}"#, items.join(",")))
        }
        "gib-json" => vec![
            head("200 OK", &[("Content-Type", "application/json".into()), ("Content-Length", GIB.to_string())]),
            Step::Fill { total: GIB, fill: b' ', chunked: false },
        ],
        "gib-error" => vec![
            head("500 Internal Server Error", &[("Content-Type", "text/html".into())]),
            Step::Fill { total: GIB, fill: b'x', chunked: false },
        ],
        "gib-unannounced" => vec![
            head("200 OK", &[("Content-Type", "application/json".into()), ("Transfer-Encoding", "chunked".into())]),
            Step::Fill { total: GIB, fill: b'1', chunked: true },
        ],
        "gib-download" => vec![
            head(
                "200 OK",
                &[
                    ("Content-Type", "application/octet-stream".into()),
                    ("Content-Length", GIB.to_string()),
                    ("Content-Disposition", "attachment; filename=\"big.bin\"".into()),
                ],
            ),
            Step::Fill { total: GIB, fill: b'd', chunked: false },
        ],
        "gib-upload" => json(format!(r#"{{"data":{{"id":"bench","received":{received}}}}}"#)),
        c if c.starts_with("all-users-") => {
            assert!(target.contains("limit=-1"), "expected limit=-1: {target}");
            json(all_users().to_owned())
        }
        _ => panic!("unknown case {case}"),
    }
}

struct Stub {
    url: String,
    requests: Arc<AtomicU64>,
    received: Arc<AtomicU64>,
}

fn start(case: &'static str) -> Stub {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let requests = Arc::new(AtomicU64::new(0));
    let received = Arc::new(AtomicU64::new(0));
    let (count, bytes) = (requests.clone(), received.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (count, bytes) = (count.clone(), bytes.clone());
            std::thread::spawn(move || serve(stream, case, &count, &bytes));
        }
    });
    Stub { url, requests, received }
}

fn serve(mut stream: TcpStream, case: &str, count: &AtomicU64, bytes: &AtomicU64) {
    let Some((head_text, body)) = read_request(&mut stream) else { return };
    count.fetch_add(1, Ordering::SeqCst);
    bytes.fetch_add(body, Ordering::SeqCst);
    for step in script(case, &head_text, body) {
        let ok = match step {
            Step::Send(b) => stream.write_all(&b).is_ok(),
            Step::Fill { total, fill, chunked } => {
                const CHUNK: usize = 1 << 20;
                let mut piece = Vec::with_capacity(CHUNK + 16);
                if chunked {
                    piece.extend_from_slice(format!("{CHUNK:x}\r\n").as_bytes());
                }
                piece.extend(std::iter::repeat_n(fill, CHUNK));
                if chunked {
                    piece.extend_from_slice(b"\r\n");
                }
                let mut ok = true;
                for _ in 0..total / CHUNK as u64 {
                    ok = stream.write_all(&piece).is_ok();
                    if !ok {
                        break;
                    }
                }
                ok && (!chunked || stream.write_all(b"0\r\n\r\n").is_ok())
            }
        };
        if !ok {
            return;
        }
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
    // Let the client read the end before the socket goes.
    let mut rest = [0u8; 1024];
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
    while matches!(stream.read(&mut rest), Ok(1..)) {}
}

/// The request head and the number of body bytes `Content-Length` announced (all read and
/// dropped). `None` when the client went away.
fn read_request(stream: &mut TcpStream) -> Option<(String, u64)> {
    let mut data = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    let end = loop {
        let n = stream.read(&mut buf).ok().filter(|n| *n > 0)?;
        data.extend_from_slice(&buf[..n]);
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head_text = String::from_utf8_lossy(&data[..end]).into_owned();
    let length = head_text
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-length")).map(|(_, v)| v.trim().parse::<u64>()))
        .and_then(Result::ok)
        .unwrap_or(0);
    let mut body = (data.len() - end) as u64;
    while body < length {
        let n = stream.read(&mut buf).ok().filter(|n| *n > 0)?;
        body += n as u64;
    }
    Some((head_text, body))
}

// --- the parent: run a child and read its peak ----------------------------------------------------

#[repr(C)]
struct Rusage {
    utime: [i64; 2],
    stime: [i64; 2],
    maxrss: i64,
    rest: [i64; 13],
}

extern "C" {
    fn wait4(pid: i32, status: *mut i32, options: i32, rusage: *mut Rusage) -> i32;
}

/// Runs `cmd` to its end: exit code, stderr, and peak resident memory in bytes (`ru_maxrss` of
/// that child alone).
// The child is reaped by `wait4`, which std's `Child` does not know about.
#[allow(clippy::zombie_processes)]
fn run_measured(cmd: &mut Command) -> (Option<i32>, String, u64) {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start the child");
    let mut err = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err.read_to_string(&mut text);
        text
    });
    let mut status = 0i32;
    let mut usage = Rusage { utime: [0; 2], stime: [0; 2], maxrss: 0, rest: [0; 13] };
    // SAFETY: the pid is this process's child, not yet waited for; both pointers are valid.
    let pid = unsafe { wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    let stderr = reader.join().unwrap_or_default();
    let code = (status & 0x7f == 0).then_some((status >> 8) & 0xff);
    (code, stderr, usage.maxrss as u64 * 1024)
}

fn measure(case: &'static str) -> Value {
    let stub = start(case);
    let dir = std::env::temp_dir().join(format!("directus-bench-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let path = dir.join(if case == "gib-upload" { "big.bin" } else { "download.bin" });
    if case == "gib-upload" {
        // Sparse: read back as zeros without taking a gigabyte of disk.
        std::fs::File::create(&path).and_then(|f| f.set_len(GIB)).expect("1 GiB file");
    }
    let exe = std::env::current_exe().expect("this binary");
    let started = Instant::now();
    let (code, stderr, peak) = run_measured(Command::new(exe).arg("--child").arg(case).arg(&stub.url).arg(&path));
    let seconds = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    let received = stub.received.load(Ordering::SeqCst);
    let own_peak = stderr.lines().find_map(|l| l.strip_prefix("peak_rss: ")?.parse::<u64>().ok());
    let ok = code == Some(0) && (case != "gib-upload" || received >= GIB) && own_peak.is_some();
    let mut extra = serde_json::Map::new();
    if case.starts_with("all-users-") {
        extra.insert("reply_bytes".into(), all_users().len().into());
    }
    let mut out = serde_json::json!({
        "peak_mib": own_peak.unwrap_or(0) as f64 / 1048576.0,
        "ru_maxrss_mib": peak as f64 / 1048576.0,
        "seconds": seconds,
        "ok": ok,
        "requests": stub.requests.load(Ordering::SeqCst),
        "bytes_received_by_stub": received,
        "child": stderr.trim().lines().last().unwrap_or_default(),
    });
    if let Some(line) = stderr.lines().find_map(|l| l.strip_prefix("heap: ")) {
        extra.insert("heap".into(), serde_json::from_str(line).expect("the child's heap figures"));
    }
    out.as_object_mut().expect("an object").extend(extra);
    out
}

// --- the child: the client's side of each case ---------------------------------------------------

fn child(case: &str, url: &str, path: &str) -> Result<String, String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let mut builder = Client::builder(url).token("bench-token").page_size(PAGE);
    if case == "gib-unannounced" {
        builder = builder.max_reply_size(16 << 20);
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    rt.block_on(async {
        let refused = |r: Result<Value, Error>, want: &dyn Fn(&Error) -> bool| match r {
            Ok(_) => Err("read the whole reply instead of refusing it".to_string()),
            Err(e) if want(&e) => Ok(format!("refused: {}", e.to_string().lines().next().unwrap_or_default())),
            Err(e) => Err(format!("unexpected error: {e}")),
        };
        match case {
            "baseline" => client.server().info().decode::<Value>().await.map(|_| "one small reply".to_string()).map_err(|e| e.to_string()),
            c if c.starts_with("stream-") => {
                let total: u64 = c["stream-".len()..].parse().expect("stream-N");
                let mut stream = client.items().list("big", &Default::default()).decode::<Value>().stream();
                let mut next = 0u64;
                while let Some(item) = stream.try_next().await.map_err(|e| e.to_string())? {
                    if item["n"].as_u64() != Some(next) {
                        return Err(format!("item {next} out of order: {item}"));
                    }
                    next += 1;
                }
                if next != total {
                    return Err(format!("streamed {next} items of {total}"));
                }
                Ok(format!("streamed {next} items in pages of {PAGE}, in order, once each"))
            }
            "gib-json" => refused(client.server().info().decode::<Value>().await, &|e| matches!(e, Error::ReplyTooLarge { .. })),
            "gib-error" => refused(client.server().health().decode::<Value>().await, &|e| e.status() == Some(500)),
            "gib-unannounced" => {
                refused(client.server().info().decode::<Value>().await, &|e| matches!(e, Error::ReplyTooLarge { limit, .. } if *limit == 16 << 20))
            }
            "gib-download" => {
                let download = client.assets().get("bench", &Default::default()).await.map_err(|e| e.to_string())?;
                let n = download.save(path).await.map_err(|e| e.to_string())?;
                let on_disk = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                if n != GIB || on_disk != GIB {
                    return Err(format!("saved {n} bytes, {on_disk} on disk"));
                }
                Ok(format!("saved {n} bytes to a file"))
            }
            "gib-upload" => {
                let reply: Value = client.files().create(path, &Default::default()).decode().await.map_err(|e| e.to_string())?;
                Ok(format!("uploaded; the server received {} bytes", reply["received"]))
            }
            c if c.starts_with("all-users-") => {
                let query = directus_client::Query::new().limit(-1);
                let before = heap::live();
                heap::reset_peak();
                let (n, held) = if c == "all-users-typed" {
                    let users = client.users().list(&query).decode::<User>().await.map_err(|e| e.to_string())?;
                    (users.len(), heap::live() - before)
                } else {
                    let users = client.users().list(&query).decode::<Value>().await.map_err(|e| e.to_string())?;
                    (users.len(), heap::live() - before)
                };
                let peak = heap::peak() - before;
                if n as u64 != USERS {
                    return Err(format!("read {n} users of {USERS}"));
                }
                // Read by the parent: the heap at its peak during the call, and what the list held.
                eprintln!("heap: {}", serde_json::json!({ "peak_bytes": peak, "list_bytes": held }));
                Ok(format!("read {n} users with limit -1"))
            }
            _ => Err(format!("unknown case {case}")),
        }
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        let (case, url) = (&args[1], &args[2]);
        let path = args.get(3).map(String::as_str).unwrap_or("download.bin");
        let result = child(case, url, path);
        // The parent reads this line, then takes the last one as what the child did.
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let kib = status.lines().find_map(|l| l.strip_prefix("VmHWM:")?.trim().strip_suffix("kB")?.trim().parse::<u64>().ok());
        if let Some(kib) = kib {
            eprintln!("peak_rss: {}", kib * 1024);
        }
        match result {
            Ok(line) => eprintln!("{line}"),
            Err(line) => {
                eprintln!("FAILED: {line}");
                std::process::exit(1);
            }
        }
        return;
    }
    let chosen: Vec<&'static str> = if args.is_empty() {
        CASES.to_vec()
    } else {
        // Any `stream-N` is a case too; the stub lives as long as the process, so leaking is fine.
        let known = |a: &str| CASES.contains(&a) || a.strip_prefix("stream-").is_some_and(|n| n.parse::<u64>().is_ok());
        args.iter()
            .map(|a| if known(a) { &*a.clone().leak() } else { panic!("unknown case {a}; cases: {CASES:?} or stream-N") })
            .collect()
    };
    let mut out = serde_json::Map::new();
    for case in chosen {
        let result = measure(case);
        eprintln!("[memory] {case}: {result}");
        out.insert(case.to_string(), result);
    }
    println!("{}", Value::Object(out));
}
