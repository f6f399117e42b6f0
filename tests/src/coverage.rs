//! Which operations the live tests ran against which real server versions.
//!
//! Every reply the generated client gets in a live test is recorded (operation, server version,
//! status) in `target/live-coverage/`. After the tests, the `coverage` binary turns the records
//! into `spec/coverage.yaml`, which the docs' coverage table is generated from, and fails when
//! that file claims more than the run showed.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

static SERVERS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Where the records go: `target/live-coverage`.
pub fn records_dir() -> PathBuf {
    crate::repo_root().join("target/live-coverage")
}

pub fn register(base_url: &str, version: &str) {
    SERVERS.lock().unwrap_or_else(|e| e.into_inner()).push((base_url.to_owned(), version.to_owned()));
}

/// Replies that come through `proxy_url` (a proxy in front of the server at `server_url`) count as
/// that server's.
pub fn alias(proxy_url: &str, server_url: &str) {
    let mut servers = SERVERS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(version) = servers.iter().find(|(u, _)| u == server_url).map(|(_, v)| v.clone()) {
        servers.push((proxy_url.to_owned(), version));
    }
}

/// The runtime's observer: appends `operation<TAB>version<TAB>status` for replies from a test server.
pub fn record(base_url: &str, op: &directus_runtime::Operation, status: u16) {
    let version = SERVERS.lock().unwrap_or_else(|e| e.into_inner()).iter().find(|(u, _)| u == base_url).map(|(_, v)| v.clone());
    let Some(version) = version else { return };
    // Calls to routes the spec lacks are no spec operation's coverage.
    if op.id == directus_runtime::CUSTOM_ID {
        return;
    }
    let dir = records_dir();
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{}.tsv", std::process::id()));
    // One write per record: `writeln!` on a bare File issues a write per formatted piece, and
    // records from parallel tests in this process then interleave and lose each other.
    let line = format!("{}\t{version}\t{status}\n", op.id);
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = f.write_all(line.as_bytes());
    }
}

/// Operation → versions it got a successful (2xx/3xx) reply from, over every record file.
pub fn collect() -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(records_dir()) else { return out };
    for entry in entries.flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for line in text.lines() {
            let mut parts = line.split('\t');
            if let (Some(op), Some(version), Some(status)) = (parts.next(), parts.next(), parts.next()) {
                // `drift.probe` is the drift command asking whether a route exists, not an operation.
                if status.parse::<u16>().is_ok_and(|s| s < 400) && !op.starts_with("drift.") {
                    out.entry(op.to_owned()).or_default().insert(version.to_owned());
                }
            }
        }
    }
    out
}
