//! The spec folder as it was at a git revision, checked out into a temporary folder.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A temporary folder, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn git(args: &[&str], cwd: &Path) -> Result<Vec<u8>, String> {
    let out = Command::new("git").args(args).current_dir(cwd).output().map_err(|e| format!("could not run git: {e}"))?;
    if !out.status.success() {
        return Err(format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(out.stdout)
}

/// Writes every file of `spec` (a folder in the working tree) as of `rev` into a temp folder.
pub fn spec_at(rev: &str, spec: &Path) -> Result<TempDir, String> {
    let abs = spec.canonicalize().map_err(|e| format!("{}: {e}", spec.display()))?;
    let top = String::from_utf8_lossy(&git(&["rev-parse", "--show-toplevel"], &abs)?).trim().to_owned();
    let rel = abs.strip_prefix(&top).map_err(|_| format!("{} is not inside the git work tree {top}", abs.display()))?;
    let rel = rel.to_string_lossy().replace('\\', "/");
    let listing = git(&["ls-tree", "-r", "--name-only", rev, "--", &rel], Path::new(&top))?;
    let files: Vec<String> = String::from_utf8_lossy(&listing).lines().map(str::to_owned).collect();
    if files.is_empty() {
        return Err(format!("revision {rev} has no files under {rel}/"));
    }
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let tmp = TempDir(std::env::temp_dir().join(format!("directus-spec-{}-{n}", std::process::id())));
    for file in files {
        let text = git(&["show", &format!("{rev}:{file}")], Path::new(&top))?;
        let inside = file.strip_prefix(&rel).unwrap_or(&file).trim_start_matches('/');
        let dest = tmp.path().join(inside);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&dest, text).map_err(|e| format!("{}: {e}", dest.display()))?;
    }
    Ok(tmp)
}
