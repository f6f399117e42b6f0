//! Fetching a Directus release's `@directus/api` package from the npm registry into a cache, laid
//! out like an install (`directus-X/node_modules/{directus,@directus/api,@directus/env}`) so
//! [`super::package::read`] finds the release version and the environment defaults beside it.
//!
//! Only the tarballs are fetched, never their dependencies: the route table is in `dist/`. Of each
//! tarball only `package.json` and `dist/**/*.js` are kept, and no entry may leave its folder.

use serde_json::Value;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// `$DIRECTUS_CACHE/npm`, or `~/.cache/directus-rs/npm`.
pub fn default_cache() -> PathBuf {
    let base = std::env::var_os("DIRECTUS_CACHE").map(PathBuf::from).unwrap_or_else(|| {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
        home.join(".cache/directus-rs")
    });
    base.join("npm")
}

fn registry() -> String {
    std::env::var("NPM_CONFIG_REGISTRY").ok().filter(|r| !r.is_empty()).unwrap_or_else(|| "https://registry.npmjs.org".into()).trim_end_matches('/').to_owned()
}

struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Http {
    fn new() -> Result<Self, String> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| format!("async runtime: {e}"))?;
        let client = reqwest::Client::builder()
            .user_agent(concat!("directus-generator-drift/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(20))
            .timeout(Duration::from_secs(300))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Self { rt, client })
    }

    fn get(&self, url: &str) -> Result<Vec<u8>, String> {
        self.rt.block_on(async {
            let reply = self.client.get(url).send().await.map_err(|e| format!("GET {url}: {}", chain(&e)))?;
            let status = reply.status();
            if !status.is_success() {
                return Err(format!("GET {url}: {status}"));
            }
            reply.bytes().await.map(|b| b.to_vec()).map_err(|e| format!("GET {url}: {}", chain(&e)))
        })
    }

    fn json(&self, url: &str) -> Result<Value, String> {
        serde_json::from_slice(&self.get(url)?).map_err(|e| format!("{url}: not JSON: {e}"))
    }
}

/// An error with its causes, which say what actually failed (DNS, TLS, connection).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text += &format!(": {s}");
        source = s.source();
    }
    text
}

/// The exact version a manifest pins `name` to.
fn pinned(manifest: &Value, name: &str, whose: &str) -> Result<String, String> {
    let v = manifest.get("dependencies").and_then(|d| d.get(name)).and_then(Value::as_str).ok_or_else(|| format!("{whose} does not depend on {name}"))?;
    let exact = v.trim_start_matches('=');
    if exact.is_empty() || !exact.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
        return Err(format!("{whose} depends on {name} `{v}`, not one exact version"));
    }
    Ok(exact.to_owned())
}

/// Unpacks `package.json` and `dist/**/*.js` of an npm tarball into `dir`.
fn unpack(tgz: &[u8], dir: &Path) -> Result<usize, String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tgz));
    let mut n = 0;
    for entry in archive.entries().map_err(|e| format!("reading the tarball: {e}"))? {
        let mut entry = entry.map_err(|e| format!("reading the tarball: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().map_err(|e| format!("a tarball entry: {e}"))?.into_owned();
        // npm tarballs put everything under one top folder, usually `package/`.
        let rel: PathBuf = path.components().skip(1).collect();
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(format!("the tarball has an entry outside its folder: {}", path.display()));
        }
        let keep = rel == Path::new("package.json") || (rel.starts_with("dist") && rel.extension().is_some_and(|e| e == "js"));
        if !keep {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let target = dir.join(&rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&target, bytes).map_err(|e| format!("{}: {e}", target.display()))?;
        n += 1;
    }
    Ok(n)
}

/// The `@directus/api` folder of Directus `version`, fetched into `cache` unless it is there.
pub fn fetch(version: &str, cache: Option<&Path>) -> Result<PathBuf, String> {
    let cache = cache.map(Path::to_path_buf).unwrap_or_else(default_cache);
    let root = cache.join(format!("directus-{version}"));
    let api_dir = root.join("node_modules/@directus/api");
    if root.join(".complete").is_file() {
        return Ok(api_dir);
    }
    let http = Http::new()?;
    let reg = registry();
    let directus = http.json(&format!("{reg}/directus/{version}"))?;
    let api_version = pinned(&directus, "@directus/api", &format!("directus {version}"))?;
    let api = http.json(&format!("{reg}/@directus/api/{api_version}"))?;
    let tarball = api.pointer("/dist/tarball").and_then(Value::as_str).ok_or_else(|| format!("@directus/api {api_version}: the registry gives no tarball"))?;
    let staging = cache.join(format!(".directus-{version}.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let result = (|| -> Result<(), String> {
        let nm = staging.join("node_modules");
        let manifest = nm.join("directus/package.json");
        std::fs::create_dir_all(manifest.parent().unwrap_or(&nm)).map_err(|e| format!("{}: {e}", nm.display()))?;
        let slim = serde_json::json!({ "name": "directus", "version": version, "dependencies": { "@directus/api": api_version } });
        std::fs::write(&manifest, serde_json::to_string_pretty(&slim).unwrap_or_default()).map_err(|e| format!("{}: {e}", manifest.display()))?;
        eprintln!("fetching {tarball}");
        let files = unpack(&http.get(tarball)?, &nm.join("@directus/api"))?;
        if files == 0 {
            return Err(format!("{tarball}: no dist/*.js in the tarball"));
        }
        // The environment defaults, so conditions are known to be on or off by default.
        if let Ok(env_version) = pinned(&api, "@directus/env", &format!("@directus/api {api_version}")) {
            let env = http.json(&format!("{reg}/@directus/env/{env_version}"))?;
            if let Some(url) = env.pointer("/dist/tarball").and_then(Value::as_str) {
                eprintln!("fetching {url}");
                unpack(&http.get(url)?, &nm.join("@directus/env"))?;
            }
        }
        std::fs::write(staging.join(".complete"), format!("directus {version}, @directus/api {api_version}\n")).map_err(|e| e.to_string())?;
        let _ = std::fs::remove_dir_all(&root);
        std::fs::rename(&staging, &root).map_err(|e| format!("{}: {e}", root.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result.map(|()| api_dir)
}
