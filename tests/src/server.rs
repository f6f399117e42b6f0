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
    start_with(version, &[])
}

/// Like [`start`], with Directus settings of its own (e.g. `ACCESS_TOKEN_TTL`, the rate limiter):
/// they go into a config file, which takes precedence over the environment the harness sets.
pub fn start_with(version: &str, settings: &[(&str, &str)]) -> Result<Server, String> {
    static HOOK: OnceLock<()> = OnceLock::new();
    HOOK.get_or_init(|| {
        // SAFETY: registers a plain function; it runs once at normal process exit.
        unsafe { atexit(stop_all) };
        directus_runtime::set_observer(crate::coverage::record);
    });
    let work = crate::temp_dir(&format!("directus-{version}"));
    let port = free_port().map_err(|e| format!("no free port on 127.0.0.1: {e}"))?;
    let config = work.join("extra.env");
    let text: String = settings.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    std::fs::write(&config, text).map_err(|e| format!("could not write {}: {e}", config.display()))?;
    let mut server = Server {
        version: version.to_owned(),
        url: format!("http://127.0.0.1:{port}"),
        admin_email: "admin@example.com".to_owned(),
        admin_password: format!("Admin-{}", crate::random_hex(8)),
        admin_token: crate::random_hex(24),
        mail_dir: work.join("mail"),
        work,
        pid: 0,
    };
    let started = Instant::now();
    server.pid = launch(&server, port, &crate::random_hex(32))?;
    crate::coverage::register(&server.url, version);
    eprintln!("Directus {version} is up on 127.0.0.1:{port} after {:.1} s", started.elapsed().as_secs_f64());
    Ok(server)
}

impl Server {
    /// Stops the server (SIGTERM, then SIGKILL after 10 s); [`Server::restart`] starts it again.
    pub fn stop(&self) {
        stop(self.pid);
    }

    /// Starts the stopped server again on the same port with the same database and settings.
    pub fn restart(&mut self) -> Result<(), String> {
        let port: u16 = self.url.rsplit(':').next().and_then(|p| p.parse().ok()).ok_or("no port in the URL")?;
        let secret = std::fs::read_to_string(self.work.join("secret")).map_err(|e| format!("the secret: {e}"))?;
        self.pid = launch(self, port, &secret)?;
        Ok(())
    }
}

impl Server {
    /// Runs one SQL statement (`?` placeholders bound to `params`) on the server's SQLite
    /// database, through the sqlite3 module of the server's own install: for the few values
    /// Directus's API refuses to set, such as a user's `provider` under the 12 Core licence.
    pub fn sql(&self, statement: &str, params: &[&str]) -> Result<(), String> {
        let install = crate::repo_root().join("tests/harness/install-directus.sh");
        let out = Command::new("bash").arg(&install).arg(&self.version).output().map_err(|e| format!("could not run {}: {e}", install.display()))?;
        let dir = String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or_default().trim().to_owned();
        let node_pkg = std::fs::read_to_string(format!("{dir}/.node")).map_err(|e| format!("no Node recorded in {dir}: {e}"))?;
        let node = match node_pkg.trim() {
            "system" => PathBuf::from("node"),
            pkg => PathBuf::from(pkg).join("bin/node"),
        };
        let script = "const [, mod, file, sql, ...params] = process.argv; \
            const db = new (require(mod).Database)(file); \
            db.run(sql, params, (e) => { if (e) { console.error(e.message); process.exit(1); } db.close(); });";
        let out = Command::new(node)
            .args(["-e", script, &format!("{dir}/node_modules/sqlite3"), &self.work.join("data.db").to_string_lossy(), statement])
            .args(params)
            .output()
            .map_err(|e| format!("could not run node: {e}"))?;
        if !out.status.success() {
            return Err(format!("`{statement}` failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        Ok(())
    }
}

fn launch(server: &Server, port: u16, secret: &str) -> Result<i32, String> {
    let (version, work) = (&server.version, &server.work);
    std::fs::write(work.join("secret"), secret).map_err(|e| format!("could not keep the secret: {e}"))?;
    let script = crate::repo_root().join("tests/harness/start-directus.sh");
    let out = Command::new("bash")
        .arg(&script)
        .args([version, &work.to_string_lossy().into_owned(), &port.to_string()])
        .env("ADMIN_EMAIL", &server.admin_email)
        .env("ADMIN_PASSWORD", &server.admin_password)
        .env("ADMIN_TOKEN", &server.admin_token)
        .env("SECRET", secret)
        .env("CONFIG_PATH", work.join("extra.env"))
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
    let mut started = STARTED.lock().unwrap_or_else(|e| e.into_inner());
    started.retain(|(_, w)| w != work);
    started.push((pid, work.clone()));
    Ok(pid)
}
