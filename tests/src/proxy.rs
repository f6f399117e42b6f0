//! A loopback TCP proxy that breaks connections on purpose: everything it accepts goes to a
//! target address, and the first connection to carry more than a set number of bytes from the
//! client is cut there, both ways, as a dropped network would. For tests of what a client does
//! when an upload breaks off (a real server cannot be told to drop a connection half-way).
//!
//! Threads, not tasks: it must keep forwarding while the test's own runtime is busy. They end
//! with the test process; the listener stops accepting when the proxy is dropped.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

pub struct CutProxy {
    /// `http://127.0.0.1:PORT`, for a client.
    pub url: String,
    state: Arc<State>,
    addr: SocketAddr,
}

struct State {
    cut_after: AtomicU64,
    cuts: AtomicUsize,
    stopped: AtomicBool,
}

impl CutProxy {
    /// Forwards to `target` (`http://127.0.0.1:PORT`); cuts the first connection whose client has
    /// sent more than `cut_after` bytes, once.
    pub fn start(target_url: &str, cut_after: u64) -> Self {
        let target: SocketAddr = target_url.trim_start_matches("http://").trim_end_matches('/').parse().expect("a loopback address");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("its address");
        let state = Arc::new(State { cut_after: AtomicU64::new(cut_after), cuts: AtomicUsize::new(0), stopped: AtomicBool::new(false) });
        let shared = state.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if shared.stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let Ok(server) = TcpStream::connect(target) else { continue };
                forward(client, server, shared.clone());
            }
        });
        let url = format!("http://{addr}");
        // What the server answers through the proxy is the server's coverage.
        crate::coverage::alias(&url, target_url);
        Self { url, state, addr }
    }

    /// How many connections were cut so far.
    pub fn cuts(&self) -> usize {
        self.state.cuts.load(Ordering::SeqCst)
    }

    /// Cuts once more, the next connection to pass `bytes` from its client.
    pub fn cut_again_after(&self, bytes: u64) {
        self.state.cut_after.store(bytes, Ordering::SeqCst);
        self.state.cuts.store(0, Ordering::SeqCst);
    }
}

impl Drop for CutProxy {
    fn drop(&mut self) {
        self.state.stopped.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn forward(client: TcpStream, server: TcpStream, state: Arc<State>) {
    let (mut c_read, mut s_write) = (client.try_clone().expect("clone"), server.try_clone().expect("clone"));
    let (mut s_read, mut c_write) = (server, client);
    let (cut_client, cut_server) = (c_write.try_clone().expect("clone"), s_write.try_clone().expect("clone"));
    // Client to server, counting, and cutting both sockets at the threshold.
    std::thread::spawn(move || {
        let mut sent = 0u64;
        let mut buf = vec![0; 64 * 1024];
        loop {
            let n = match c_read.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let limit = state.cut_after.load(Ordering::SeqCst);
            // The first connection over the limit is cut (once: the others pass).
            if sent + n as u64 > limit && state.cuts.compare_exchange(0, 1, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
                let part = (limit - sent.min(limit)) as usize;
                let _ = s_write.write_all(&buf[..part]);
                let _ = cut_client.shutdown(Shutdown::Both);
                let _ = cut_server.shutdown(Shutdown::Both);
                return;
            }
            if s_write.write_all(&buf[..n]).is_err() {
                break;
            }
            sent += n as u64;
        }
        let _ = s_write.shutdown(Shutdown::Write);
    });
    // Server to client, as it comes.
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut s_read, &mut c_write);
        let _ = c_write.shutdown(Shutdown::Write);
    });
}
