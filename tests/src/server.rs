//! A real Directus for the live tests: installed once into a cache outside the work tree,
//! started once per test binary on a free loopback port with a fresh SQLite database, and
//! stopped when the test binary exits, whether its tests passed or not.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Server {
    pub version: String,
    pub url: String,
    pub admin_email: String,
    pub admin_password: String,
    pub admin_token: String,
    /// Where the fake sendmail files each message.
    pub mail_dir: PathBuf,
    pub work: PathBuf,
    pub pid: i32,
}

extern "C" {
    fn atexit(callback: extern "C" fn()) -> i32;
    fn kill(pid: i32, signal: i32) -> i32;
}

const SIGTERM: i32 = 15;
const SIGKILL: i32 = 9;

static STARTED: Mutex<Vec<(i32, PathBuf)>> = Mutex::new(Vec::new());

extern "C" fn stop_all() {
    let started = std::mem::take(&mut *STARTED.lock().unwrap_or_else(|e| e.into_inner()));
    for (pid, work) in started {
        stop(pid);
        let _ = std::fs::remove_dir_all(work);
    }
}

fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists; the pid is one this process started.
    unsafe { kill(pid, 0) == 0 }
}

fn stop(pid: i32) {
    // SAFETY: the pid is a server this process started and has not reaped.
    unsafe { kill(pid, SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    if alive(pid) {
        // SAFETY: as above.
        unsafe { kill(pid, SIGKILL) };
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The server of this version for this test binary, started on first use. A server that cannot
/// be started fails the test with the reason: live tests never skip.
pub fn shared(version: &str) -> &'static Server {
    static SERVERS: OnceLock<Mutex<HashMap<String, &'static Result<Server, String>>>> = OnceLock::new();
    let map = SERVERS.get_or_init(Default::default);
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    let entry = map.entry(version.to_owned()).or_insert_with(|| Box::leak(Box::new(start(version))));
    match entry {
        Ok(s) => s,
        Err(reason) => panic!("this test needs a real Directus {version}, which could not be started:\n{reason}"),
    }
}

pub fn start(version: &str) -> Result<Server, String> {
    static HOOK: OnceLock<()> = OnceLock::new();
    HOOK.get_or_init(|| {
        // SAFETY: registers a plain function; it runs once at normal process exit.
        unsafe { atexit(stop_all) };
        directus_runtime::set_observer(crate::coverage::record);
    });
    let work = crate::temp_dir(&format!("directus-{version}"));
    let port = free_port().map_err(|e| format!("no free port on 127.0.0.1: {e}"))?;
    let script = crate::repo_root().join("tests/harness/start-directus.sh");
    let admin_email = "admin@example.com".to_owned();
    let admin_password = format!("Admin-{}", crate::random_hex(8));
    let admin_token = crate::random_hex(24);
    let started = Instant::now();
    let out = Command::new("bash")
        .arg(&script)
        .args([version, &work.to_string_lossy(), &port.to_string()])
        .env("ADMIN_EMAIL", &admin_email)
        .env("ADMIN_PASSWORD", &admin_password)
        .env("ADMIN_TOKEN", &admin_token)
        .env("SECRET", crate::random_hex(32))
        // Short-lived access tokens, so the tests exercise the client's refresh.
        .env("ACCESS_TOKEN_TTL", "20s")
        .env("WATCH_PID", std::process::id().to_string())
        // An OAuth2 provider whose URLs point at loopback, so SSO start can answer with a redirect.
        .env("AUTH_PROVIDERS", "loopback")
        .env("AUTH_LOOPBACK_DRIVER", "oauth2")
        .env("AUTH_LOOPBACK_CLIENT_ID", "directus-rs-tests")
        .env("AUTH_LOOPBACK_CLIENT_SECRET", crate::random_hex(8))
        .env("AUTH_LOOPBACK_AUTHORIZE_URL", "http://127.0.0.1:9/authorize")
        .env("AUTH_LOOPBACK_ACCESS_URL", "http://127.0.0.1:9/token")
        .env("AUTH_LOOPBACK_PROFILE_URL", "http://127.0.0.1:9/profile")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run {}: {e}", script.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let pid = stdout.lines().rev().find_map(|l| l.strip_prefix("DIRECTUS_PID=")).and_then(|p| p.trim().parse::<i32>().ok());
    let Some(pid) = pid.filter(|_| out.status.success()) else {
        return Err(format!(
            "{} exited with {}\nstdout:\n{stdout}\nstderr:\n{}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    };
    STARTED.lock().unwrap_or_else(|e| e.into_inner()).push((pid, work.clone()));
    crate::coverage::register(&format!("http://127.0.0.1:{port}"), version);
    eprintln!("Directus {version} is up on 127.0.0.1:{port} after {:.1} s", started.elapsed().as_secs_f64());
    Ok(Server {
        version: version.to_owned(),
        url: format!("http://127.0.0.1:{port}"),
        admin_email,
        admin_password,
        admin_token,
        mail_dir: work.join("mail"),
        work,
        pid,
    })
}
