//! Puts emitted files on disk, writing only what changed, or checks that disk matches.
//! A list of what was generated (`.generated-files`) lets a later run remove files whose
//! resource or operation left the spec, without touching anything it did not write.

use crate::emit::OutputFile;
use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

const LIST: &str = ".generated-files";

#[derive(Debug, Default)]
pub struct Report {
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    pub unchanged: usize,
}

/// What `--check` found: files whose content differs, that are missing, or that should be gone.
#[derive(Debug, Default)]
pub struct Stale {
    pub differ: Vec<PathBuf>,
    pub missing: Vec<PathBuf>,
    pub extra: Vec<PathBuf>,
}

impl Stale {
    pub fn is_empty(&self) -> bool {
        self.differ.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

fn list_text(files: &[OutputFile]) -> String {
    let mut s = format!("# Files written by directus-generator {}; it removes those that leave this list.\n", env!("CARGO_PKG_VERSION"));
    for f in files {
        s += &format!("{}\n", f.path.to_string_lossy().replace('\\', "/"));
    }
    s
}

fn previous(out: &Path) -> BTreeSet<PathBuf> {
    std::fs::read_to_string(out.join(LIST))
        .map(|t| t.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).map(PathBuf::from).collect())
        .unwrap_or_default()
}

/// Writes one file unless it already holds `contents`; true when it was written. Its folder
/// exists already.
fn write_one(out: &Path, rel: &Path, contents: &str) -> io::Result<bool> {
    let path = out.join(rel);
    match std::fs::read(&path) {
        Ok(old) if old == contents.as_bytes() => Ok(false),
        // A new file holds nothing to lose if the run is cut short, and the next run rewrites it.
        Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::write(&path, contents.as_bytes()).map(|()| true),
        _ => {
            // Write beside, then rename: an interrupted run never leaves a truncated file.
            let tmp = path.with_extension("generating");
            std::fs::write(&tmp, contents.as_bytes())?;
            std::fs::rename(&tmp, &path)?;
            Ok(true)
        }
    }
}

pub fn write(out: &Path, files: &[OutputFile]) -> io::Result<Report> {
    let mut report = Report::default();
    let before = previous(out);
    let current: BTreeSet<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    // Each folder once, rather than a `create_dir_all` per file.
    let dirs: BTreeSet<&Path> = files.iter().filter_map(|f| f.path.parent()).collect();
    std::fs::create_dir_all(out)?;
    for dir in dirs {
        std::fs::create_dir_all(out.join(dir))?;
    }
    // Thousands of small files: write them from every core.
    let results = crate::cores::map(files, |f| write_one(out, &f.path, &f.contents), |_| Err(io::Error::other("a writer thread panicked")));
    for (f, written) in files.iter().zip(results) {
        if written? {
            report.written.push(f.path.clone());
        } else {
            report.unchanged += 1;
        }
    }
    let list = PathBuf::from(LIST);
    if write_one(out, &list, &list_text(files))? {
        report.written.push(list);
    } else {
        report.unchanged += 1;
    }
    for old in before.difference(&current) {
        if old.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
            continue;
        }
        let path = out.join(old);
        if path.is_file() {
            std::fs::remove_file(&path)?;
            report.removed.push(old.clone());
            // Folders the generator made and emptied go too; one holding anything else stays.
            for dir in old.ancestors().skip(1).filter(|d| !d.as_os_str().is_empty()) {
                if std::fs::remove_dir(out.join(dir)).is_err() {
                    break;
                }
            }
        }
    }
    Ok(report)
}

pub fn check(out: &Path, files: &[OutputFile]) -> Stale {
    let mut stale = Stale::default();
    let current: BTreeSet<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    let list = list_text(files);
    for (rel, contents) in files.iter().map(|f| (&f.path, &f.contents)).chain([(&PathBuf::from(LIST), &list)]) {
        match std::fs::read(out.join(rel)) {
            Ok(old) if old == contents.as_bytes() => {}
            Ok(_) => stale.differ.push(rel.clone()),
            Err(_) => stale.missing.push(rel.clone()),
        }
    }
    stale.extra = previous(out).difference(&current).filter(|p| out.join(p).is_file()).cloned().collect();
    stale
}
