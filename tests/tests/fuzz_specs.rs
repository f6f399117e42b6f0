//! A bounded fuzz of load + validate + generate: the kinds fixture, mutated by proptest (hostile
//! names swapped in, hostile text inserted, lines cut, doubled and swapped). Every case must end
//! without a panic or a hang, and every diagnostic must be placed (file, line and column) unless
//! it is about a whole file. The case count and seed are fixed, so a run is repeatable; set
//! FUZZ_CASES to run more.

use directus_e2e::repo_root;
use directus_generator::{generate, GenerateError};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// Names that are keywords, reserved by the generated code, or collide after case conversion.
const NAMES: &[&str] = &[
    "self", "Self", "super", "crate", "type", "match", "new", "default", "clone", "lib", "main", "bin", "cli", "all", "std",
    "serde", "serde_json", "login", "client", "extra", "data", "keys", "query", "options", "args", "req", "url", "query_url",
    "token", "userId", "user_id", "a1", "a_1", "list_with_meta", "output", "help", "readme", "things", "get", "list", "_x",
    "9a", "a-b", "",
];

/// Pieces of text that break YAML, Markdown, rustdoc, TOML or terminals.
const PIECES: &[&str] = &[
    "\"", "'", "\n", "\r", "\r\n", "\t", ": ", "- ", "[", "]", "{", "}", "#", "|", ">", "\\", "\\r", "\\e", "\u{202e}", "\u{1b}[2J",
    "\u{feff}", "```rust\npanic!()\n```", "    indented()", "build = \"x.rs\"", "<script>", "{id}", "{", "&a", "*a", "!!str",
    "é", "\u{0}", "%", "../", "..", " ", "0", "1.0", "+1.+0.+0", "true", "null", "~",
];

#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the value of the n-th `id:`/`name:`/`resource:`/`query:` key with a name.
    Rename(usize, usize),
    /// Insert a piece of text at a fraction of the file (per mille).
    Insert(u16, usize),
    /// Delete a range: start and length, per mille of the file.
    Delete(u16, u16),
    /// Double the n-th line.
    Double(usize),
    /// Swap two lines.
    Swap(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    // Renames most often: they keep the YAML readable, so the spec reaches the name checks and
    // the emitters; the rest mostly test the parser and the placing of its errors.
    prop_oneof![
        6 => (0..40usize, 0..NAMES.len()).prop_map(|(a, b)| Mutation::Rename(a, b)),
        2 => (0..1000u16, 0..PIECES.len()).prop_map(|(a, b)| Mutation::Insert(a, b)),
        1 => (0..1000u16, 0..40u16).prop_map(|(a, b)| Mutation::Delete(a, b)),
        1 => (0..200usize).prop_map(Mutation::Double),
        1 => (0..200usize, 0..200usize).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ]
}

/// The nearest char boundary at or before `i`.
fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    match *m {
        Mutation::Rename(n, name) => {
            let keys = ["id: ", "name: ", "resource: ", "query: "];
            let hits: Vec<usize> = lines.iter().enumerate().filter(|(_, l)| keys.iter().any(|k| l.contains(k))).map(|(i, _)| i).collect();
            if let Some(&i) = hits.get(n % hits.len().max(1)) {
                let line = &lines[i];
                let k = keys.iter().find_map(|k| line.find(k).map(|p| p + k.len())).unwrap_or(0);
                let end = line[k..].find([',', '}']).map(|e| k + e).unwrap_or(line.len());
                lines[i] = format!("{}{}{}", &line[..k], NAMES[name], &line[end..]);
            }
            lines.join("\n")
        }
        Mutation::Insert(at, piece) => {
            let i = floor(text, text.len() * at as usize / 1000);
            format!("{}{}{}", &text[..i], PIECES[piece], &text[i..])
        }
        Mutation::Delete(at, len) => {
            let a = floor(text, text.len() * at as usize / 1000);
            let b = floor(text, a + text.len() * len as usize / 1000);
            format!("{}{}", &text[..a], &text[b..])
        }
        Mutation::Double(n) => {
            let i = n % lines.len();
            let l = lines[i].clone();
            lines.insert(i, l);
            lines.join("\n")
        }
        Mutation::Swap(a, b) => {
            let n = lines.len();
            lines.swap(a % n, b % n);
            lines.join("\n")
        }
    }
}

fn is_file_level(message: &str) -> bool {
    ["cannot read the file", "not a regular file", "the spec has no resources", "cannot read the resources folder"].iter().any(|m| message.contains(m))
}

/// How many cases generated a crate, and how many were refused with diagnostics.
static GENERATED: AtomicUsize = AtomicUsize::new(0);
static REFUSED: AtomicUsize = AtomicUsize::new(0);

/// Runs one spec folder through the generator on a thread, with a time limit.
fn check(dir: &Path) -> Result<(), TestCaseError> {
    let (tx, rx) = mpsc::channel();
    let owned = dir.to_path_buf();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(|| generate(&owned));
        let _ = tx.send(result);
    });
    // Generous for a debug build on a busy machine; a hang is what this catches.
    let result = rx.recv_timeout(Duration::from_secs(30)).map_err(|_| TestCaseError::fail("generate did not finish in 30 s"))?;
    match result {
        Err(_) => Err(TestCaseError::fail("generate panicked")),
        Ok(Ok(_)) => {
            GENERATED.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
        Ok(Err(GenerateError::Emit(e))) => Err(TestCaseError::fail(format!("the spec validated but an emitter failed: {e}"))),
        Ok(Err(GenerateError::Spec(diags))) => {
            REFUSED.fetch_add(1, Ordering::Relaxed);
            prop_assert!(!diags.is_empty());
            for d in &diags {
                prop_assert!(!d.file.as_os_str().is_empty(), "no file: {d}");
                prop_assert!(d.line > 0 || is_file_level(&d.message), "not placed: {d}");
                prop_assert!(d.line == 0 || d.column > 0, "a line without a column: {d}");
                prop_assert!(!d.fix.is_empty(), "no fix: {d}");
            }
            Ok(())
        }
    }
}

#[test]
fn mutated_specs_never_panic_hang_or_give_unplaced_errors() {
    let root = repo_root().join("tests/fixtures/kinds");
    let api = std::fs::read_to_string(root.join("api.yaml")).unwrap();
    let things = std::fs::read_to_string(root.join("resources/things.yaml")).unwrap();
    let cases: u32 = std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let config = Config { cases, rng_seed: RngSeed::Fixed(0x5eed_d1ec), failure_persistence: None, ..Config::default() };
    let dir = directus_e2e::temp_dir("fuzz");
    std::fs::create_dir_all(dir.join("resources")).unwrap();
    let mut runner = TestRunner::new(config);
    // Most mutations go to the resource file; some to api.yaml.
    let strategy = (proptest::collection::vec(mutation(), 1..4), 0..10u8);
    let result = runner.run(&strategy, |(mutations, target)| {
        let (mut a, mut t) = (api.clone(), things.clone());
        for m in &mutations {
            if target == 0 {
                a = apply(&a, m);
            } else {
                t = apply(&t, m);
            }
        }
        std::fs::write(dir.join("api.yaml"), &a).unwrap();
        std::fs::write(dir.join("resources/things.yaml"), &t).unwrap();
        check(&dir)
    });
    std::fs::remove_dir_all(&dir).ok();
    if let Err(e) = result {
        panic!("{e}");
    }
    let (generated, refused) = (GENERATED.load(Ordering::Relaxed), REFUSED.load(Ordering::Relaxed));
    eprintln!("fuzz: {cases} mutated specs ran through load, validate and generate: {generated} generated, {refused} refused");
    // A fuzz whose mutations all fail to parse, or all pass, would test little.
    assert!(generated >= cases as usize / 20 && refused >= cases as usize / 4, "{generated} generated, {refused} refused");
}
