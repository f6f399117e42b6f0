//! A spec diff as Markdown (for reviewers) or JSON (for tools), with the semver bump it needs.

use super::{Change, Impact};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

/// The bump the changes call for: breaking → major, additions → minor, docs only → patch.
pub fn bump(changes: &[Change]) -> Bump {
    changes
        .iter()
        .map(|c| match c.rust.max(c.cli) {
            Impact::Breaking => Bump::Major,
            Impact::Compatible => Bump::Minor,
            Impact::None if c.docs => Bump::Patch,
            Impact::None => Bump::None,
        })
        .max()
        .unwrap_or(Bump::None)
}

/// Applies a bump to a semver version. Below 1.0, Cargo treats the minor number as the breaking one,
/// so a major bump raises the minor number there and a minor bump the patch number.
pub fn next_version(version: &str, bump: Bump) -> String {
    let core = version.split(['-', '+']).next().unwrap_or(version);
    let mut parts = core.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    let (ma, mi, pa) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    let (ma, mi, pa) = match (ma, bump) {
        (_, Bump::None) => (ma, mi, pa),
        (0, Bump::Major) => (0, mi + 1, 0),
        (0, Bump::Minor | Bump::Patch) => (0, mi, pa + 1),
        (_, Bump::Major) => (ma + 1, 0, 0),
        (_, Bump::Minor) => (ma, mi + 1, 0),
        (_, Bump::Patch) => (ma, mi, pa + 1),
    };
    format!("{ma}.{mi}.{pa}")
}

#[derive(Serialize)]
pub struct Report<'a> {
    pub old: &'a str,
    pub new: &'a str,
    pub changes: &'a [Change],
    pub breaking: bool,
    pub bump: Bump,
    pub crate_version: String,
    pub next_crate_version: String,
}

pub fn report<'a>(old: &'a str, new: &'a str, changes: &'a [Change], crate_version: &str) -> Report<'a> {
    let bump = bump(changes);
    Report {
        old,
        new,
        changes,
        breaking: changes.iter().any(|c| c.rust == Impact::Breaking || c.cli == Impact::Breaking),
        bump,
        crate_version: crate_version.to_owned(),
        next_crate_version: next_version(crate_version, bump),
    }
}

/// `1 operation`, `2 operations`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Which number of the version a release changes, named as Cargo reads it: below 1.0 the minor
/// number is the breaking one, so 0.1.0 → 0.1.1 is a patch-number release that may add features.
fn release(r: &Report<'_>) -> String {
    let nums = |v: &str| -> Vec<u64> { v.split(['-', '+']).next().unwrap_or(v).split('.').map(|p| p.parse().unwrap_or(0)).collect() };
    let (old, new) = (nums(&r.crate_version), nums(&r.next_crate_version));
    let part = match (0..3).find(|&i| old.get(i) != new.get(i)) {
        Some(0) => "major",
        Some(1) => "minor",
        Some(_) => "patch",
        None => return format!("The generated crate keeps its version, {}.", r.crate_version),
    };
    let kind = match r.bump {
        Bump::Major => "a **breaking** release",
        Bump::Minor => "a **compatible** release with additions",
        Bump::Patch | Bump::None => "a **docs-only** release",
    };
    let zero = if old.first() == Some(&0) { "; below 1.0 Cargo treats the minor number as the breaking one" } else { "" };
    format!("The generated crate needs {kind}: {} → {} (the {part} number{zero}).", r.crate_version, r.next_crate_version)
}

fn impact(i: Impact) -> &'static str {
    match i {
        Impact::None => "—",
        Impact::Compatible => "compatible",
        Impact::Breaking => "**breaking**",
    }
}

pub fn markdown(r: &Report<'_>) -> String {
    let mut out = format!("# Spec diff: `{}` → `{}`\n\n", r.old, r.new);
    if r.changes.is_empty() {
        out += "No changes: the generated client, CLI and docs stay the same.\n";
        return out;
    }
    let breaking = r.changes.iter().filter(|c| c.rust == Impact::Breaking || c.cli == Impact::Breaking).count();
    out += &format!("{}, {breaking} breaking. {}\n", count(r.changes.len(), "change"), release(r));
    let mut resources: Vec<&str> = r.changes.iter().map(|c| c.resource.as_str()).collect();
    resources.dedup();
    resources.sort();
    resources.dedup();
    for res in resources {
        out += &format!("\n## {res}\n\n| Change | Rust API | CLI | Docs |\n|---|---|---|---|\n");
        for c in r.changes.iter().filter(|c| c.resource == res) {
            out += &format!("| {} | {} | {} | {} |\n", c.detail.replace('|', "\\|"), impact(c.rust), impact(c.cli), if c.docs { "changed" } else { "—" });
        }
    }
    out += "\nRust API: *breaking* means some callers stop compiling. New optional inputs land in `Options` and `Query` \
            structs, which callers build from `Default::default()`, so they count as compatible; reply structs are \
            `#[non_exhaustive]`, so new reply fields are compatible too. CLI: *breaking* means an existing command line \
            or a script reading the output stops working.\n";
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn say(version: &str, bump: Bump) -> String {
        let r = Report { old: "a", new: "b", changes: &[], breaking: false, bump, crate_version: version.into(), next_crate_version: next_version(version, bump) };
        release(&r)
    }

    #[test]
    fn releases_are_named_by_the_number_that_changes() {
        assert_eq!(say("0.1.0", Bump::Minor), "The generated crate needs a **compatible** release with additions: 0.1.0 → 0.1.1 (the patch number; below 1.0 Cargo treats the minor number as the breaking one).");
        assert_eq!(say("1.2.3", Bump::Major), "The generated crate needs a **breaking** release: 1.2.3 → 2.0.0 (the major number).");
        assert_eq!(say("1.2.3", Bump::Minor), "The generated crate needs a **compatible** release with additions: 1.2.3 → 1.3.0 (the minor number).");
        assert_eq!(count(1, "operation"), "1 operation");
        assert_eq!(count(2, "operation"), "2 operations");
    }
}
