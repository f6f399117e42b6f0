//! A scripted loopback HTTP server for what a real Directus cannot do on demand: stall, answer
//! 429 or 503, send a gigabyte, drip a body. Each connection is served on its own thread and
//! answers one request, scripted by the test from the request's index and head.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One step of an answer.
pub enum Step {
    Send(Vec<u8>),
    Wait(Duration),
    /// `total` bytes of `fill`, `chunk` at a time, `every` apart.
    Drip { total: u64, chunk: usize, every: Duration, fill: u8 },
    /// `total` bytes of `fill` in chunked transfer encoding, `chunk` per piece, then the end.
    Chunked { total: u64, chunk: usize, fill: u8 },
    /// Say nothing more (for five minutes), keeping the connection open.
    Hang,
    /// Bytes made as they are sent, so a large body is never held whole by this process (whose
    /// peak memory counts in a child's `ru_maxrss`: see [`run_measured`]).
    Pieces(Box<dyn Iterator<Item = Vec<u8>> + Send>),
}

/// A status line, headers and body, with `Content-Length` and `Connection: close`.
pub fn reply(status: &str, headers: &[(&str, &str)], body: &str) -> Step {
    let mut text = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (k, v) in headers {
        text += &format!("{k}: {v}\r\n");
    }
    text += "\r\n";
    text += body;
    Step::Send(text.into_bytes())
}

/// Just the head of a reply; the body follows in other steps.
pub fn head(status: &str, headers: &[(&str, &str)]) -> Step {
    let mut text = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (k, v) in headers {
        text += &format!("{k}: {v}\r\n");
    }
    text += "\r\n";
    Step::Send(text.into_bytes())
}

pub type Script = dyn Fn(usize, &str) -> Vec<Step> + Send + Sync;

pub struct Stub {
    pub url: String,
    /// The head (request line and headers) of every request, in arrival order.
    pub requests: Arc<Mutex<Vec<String>>>,
    /// The most requests being answered at once (from the end of a request's arrival to the end
    /// of its answer).
    pub peak: Arc<AtomicUsize>,
}

impl Stub {
    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

/// Starts a stub on a free 127.0.0.1 port; `script(n, head)` answers the `n`th request (from 0).
pub fn start(script: impl Fn(usize, &str) -> Vec<Step> + Send + Sync + 'static) -> Stub {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let peak = Arc::new(AtomicUsize::new(0));
    let open = Arc::new(AtomicUsize::new(0));
    let script: Arc<Script> = Arc::new(script);
    let (seen, high) = (requests.clone(), peak.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let (script, seen, open, high) = (script.clone(), seen.clone(), open.clone(), high.clone());
            std::thread::spawn(move || serve(stream, &*script, &seen, &open, &high));
        }
    });
    Stub { url, requests, peak }
}

fn serve(mut stream: TcpStream, script: &Script, seen: &Mutex<Vec<String>>, open: &AtomicUsize, peak: &AtomicUsize) {
    let Some(head) = read_request(&mut stream) else { return };
    peak.fetch_max(open.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
    answer(&mut stream, script, seen, head);
    open.fetch_sub(1, Ordering::SeqCst);
    let _ = stream.shutdown(std::net::Shutdown::Write);
    // Let the client read the end before the socket goes.
    let mut rest = [0u8; 1024];
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    while matches!(stream.read(&mut rest), Ok(1..)) {}
}

fn answer(stream: &mut TcpStream, script: &Script, seen: &Mutex<Vec<String>>, head: String) {
    let n = {
        let mut seen = seen.lock().unwrap();
        seen.push(head.clone());
        seen.len() - 1
    };
    for step in script(n, &head) {
        let ok = match step {
            Step::Send(bytes) => stream.write_all(&bytes).is_ok(),
            Step::Wait(d) => {
                std::thread::sleep(d);
                true
            }
            Step::Drip { total, chunk, every, fill } => {
                let piece = vec![fill; chunk];
                let mut left = total;
                let mut ok = true;
                while left > 0 && ok {
                    let n = left.min(chunk as u64) as usize;
                    ok = stream.write_all(&piece[..n]).is_ok();
                    left -= n as u64;
                    if !every.is_zero() {
                        std::thread::sleep(every);
                    }
                }
                ok
            }
            Step::Chunked { total, chunk, fill } => {
                let mut piece = format!("{chunk:x}\r\n").into_bytes();
                piece.extend(std::iter::repeat_n(fill, chunk));
                piece.extend_from_slice(b"\r\n");
                let mut ok = true;
                for _ in 0..total / chunk as u64 {
                    ok = stream.write_all(&piece).is_ok();
                    if !ok {
                        break;
                    }
                }
                ok && stream.write_all(b"0\r\n\r\n").is_ok()
            }
            Step::Hang => {
                std::thread::sleep(Duration::from_secs(300));
                false
            }
            Step::Pieces(mut pieces) => pieces.all(|piece| stream.write_all(&piece).is_ok()),
        };
        if !ok {
            return;
        }
    }
    let _ = stream.flush();
}

/// The request head, after reading the body `Content-Length` announces (so the client is not
/// reset while it sends). `None` when the client went away.
fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 16384];
    let end = loop {
        let n = stream.read(&mut buf).ok().filter(|n| *n > 0)?;
        data.extend_from_slice(&buf[..n]);
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-length")).map(|(_, v)| v.trim().parse::<usize>()))
        .and_then(Result::ok)
        .unwrap_or(0);
    let mut body = data.len() - end;
    while body < length {
        let n = stream.read(&mut buf).ok().filter(|n| *n > 0)?;
        body += n;
    }
    Some(head)
}

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

/// Runs `cmd` to its end and returns its exit code, its stderr and its peak resident memory in
/// bytes (the kernel's `ru_maxrss` of that child).
///
/// An upper bound: `Command` starts the child with vfork and exec, and on exec the kernel keeps
/// the high-water mark of the memory the child shared until then, which is this process's. So the
/// figure is at least the peak this (test) process has reached so far, all tests in it included;
/// a test that builds a large body here should send it with [`Step::Pieces`], and a child that
/// can report its own peak (`VmHWM` in `/proc/self/status`) is measured exactly.
// The child is reaped by `wait4`, which std's `Child` does not know about.
#[allow(clippy::zombie_processes)]
pub fn run_measured(cmd: &mut std::process::Command) -> (Option<i32>, String, u64) {
    use std::process::Stdio;
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start the child");
    let mut err = child.stderr.take().unwrap();
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
