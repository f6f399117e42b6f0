//! Checks (or with `--update`, writes) spec/coverage.yaml against what the live tests just ran.
//!
//! Run after the live tests (scripts/test.sh does). It fails when the file claims an operation ran
//! on a version the records do not show, or when the records show more than the file says.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

const HEADER: &str = "# Operation → Directus versions the live tests ran it on. Written by\n\
# `cargo run -p directus-e2e --bin coverage -- --update` after a full live run; do not edit.\n";

fn parse(text: &str) -> BTreeMap<String, BTreeSet<String>> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#') && l.contains(':'))
        .filter_map(|l| {
            let (id, rest) = l.split_once(':')?;
            let versions = rest.trim().trim_start_matches('[').trim_end_matches(']').split(',').map(|v| v.trim().trim_matches('"').to_owned()).filter(|v| !v.is_empty()).collect();
            Some((id.trim().to_owned(), versions))
        })
        .collect()
}

fn render(map: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut out = HEADER.to_owned();
    for (id, versions) in map {
        let list: Vec<String> = versions.iter().map(|v| format!("\"{v}\"")).collect();
        out += &format!("{id}: [{}]\n", list.join(", "));
    }
    out
}

fn main() -> ExitCode {
    let update = std::env::args().any(|a| a == "--update");
    let path = directus_e2e::repo_root().join("spec/coverage.yaml");
    let recorded = directus_e2e::coverage::collect();
    if recorded.is_empty() {
        eprintln!("error: no live-test records in {}; run the live tests first (scripts/test.sh)", directus_e2e::coverage::records_dir().display());
        return ExitCode::FAILURE;
    }
    let mut per_version: BTreeMap<&str, usize> = BTreeMap::new();
    for versions in recorded.values() {
        for v in versions {
            *per_version.entry(v).or_default() += 1;
        }
    }
    println!("{} operations ran live: {per_version:?}", recorded.len());
    if update {
        if let Err(e) = std::fs::write(&path, render(&recorded)) {
            eprintln!("error: writing {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}; now run `cargo run -p directus-generator -- generate`", path.display());
        return ExitCode::SUCCESS;
    }
    let committed = parse(&std::fs::read_to_string(&path).unwrap_or_default());
    let mut problems = Vec::new();
    for (id, versions) in &committed {
        for v in versions {
            if !recorded.get(id).is_some_and(|r| r.contains(v)) {
                problems.push(format!("{id} is listed as tested on {v}, but this run did not run it there"));
            }
        }
    }
    for (id, versions) in &recorded {
        for v in versions {
            if !committed.get(id).is_some_and(|c| c.contains(v)) {
                problems.push(format!("{id} ran on {v}, which {} does not list", path.display()));
            }
        }
    }
    if problems.is_empty() {
        println!("{} matches the live run", path.display());
        return ExitCode::SUCCESS;
    }
    for p in &problems {
        eprintln!("coverage: {p}");
    }
    eprintln!("if the tests are right, accept what this run showed: `scripts/accept.sh --coverage` (it updates spec/coverage.yaml and regenerates the docs), then review the diff");
    ExitCode::FAILURE
}
