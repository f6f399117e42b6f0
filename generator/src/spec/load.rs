//! Reads a spec folder: `api.yaml` and `resources/*.yaml`, in a fixed (sorted) order.

use super::locate::KeyIndex;
use super::{ApiFile, ResourceFile};
use crate::diagnostics::Diagnostic;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One spec file as read, kept for locating problems and for hashing.
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    /// Built on the first problem to place: a valid spec never needs it.
    index: OnceLock<KeyIndex>,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: String) -> Self {
        SourceFile { path, text, index: OnceLock::new() }
    }

    pub fn index(&self) -> &KeyIndex {
        self.index.get_or_init(|| KeyIndex::new(&self.text))
    }
}

pub struct Loaded<T> {
    pub source: SourceFile,
    pub value: T,
}

/// Everything that could be read; files that failed to parse are missing and reported.
pub struct RawSpec {
    pub api: Option<Loaded<ApiFile>>,
    pub resources: Vec<Loaded<ResourceFile>>,
    /// `coverage.yaml`, when present: operation id → server versions the live tests ran it on.
    pub coverage: Option<Loaded<std::collections::BTreeMap<String, Vec<String>>>>,
    /// Every file read, parsed or not, in order: the input of the spec hash.
    pub files: Vec<(PathBuf, String)>,
    /// How many resource files were found, read or not: "no resources" means none was there.
    pub resource_files: usize,
    /// Resources whose file could not be read or parsed, by file stem: their operations are
    /// unknown, so `coverage.yaml` entries naming them are not reported as strays.
    pub unreadable: Vec<String>,
}

pub fn load(dir: &Path, diags: &mut Vec<Diagnostic>) -> RawSpec {
    let mut files = Vec::new();
    let api_path = dir.join("api.yaml");
    let api = read(&api_path, diags).and_then(|text| {
        files.push((api_path.clone(), text.clone()));
        parse::<ApiFile>(&api_path, text, diags)
    });
    let res_dir = dir.join("resources");
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(&res_dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            // Only regular files (or links to them): reading a FIFO or a device would hang.
            .filter(|p| {
                let regular = std::fs::metadata(p).is_ok_and(|m| m.is_file());
                if !regular {
                    diags.push(file_error(p, "not a regular file, so it is not read".into(), "remove it from spec/resources/, or replace it with a YAML file"));
                }
                regular
            })
            .collect(),
        Err(e) => {
            diags.push(file_error(&res_dir, format!("cannot read the resources folder: {e}"), "create spec/resources/ with one <resource>.yaml per resource"));
            Vec::new()
        }
    };
    paths.sort();
    let resource_files = paths.len();
    let mut resources = Vec::new();
    let mut unreadable = Vec::new();
    for (path, text, file_diags, parsed) in parse_all(paths) {
        diags.extend(file_diags);
        if let Some(text) = text {
            files.push((path.clone(), text));
        }
        if parsed.is_none() {
            unreadable.push(path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
        }
        resources.extend(parsed);
    }
    let coverage_path = dir.join("coverage.yaml");
    let coverage = if coverage_path.exists() {
        read(&coverage_path, diags).and_then(|text| {
            files.push((coverage_path.clone(), text.clone()));
            parse(&coverage_path, text, diags)
        })
    } else {
        None
    };
    RawSpec { api, resources, coverage, files, resource_files, unreadable }
}

type Parsed = (PathBuf, Option<String>, Vec<Diagnostic>, Option<Loaded<ResourceFile>>);

/// Reads and parses the resource files on every core; YAML parsing is most of a valid spec's
/// load time. The results keep the order of `paths`.
fn parse_all(paths: Vec<PathBuf>) -> Vec<Parsed> {
    let one = |path: &PathBuf| -> Parsed {
        let mut diags = Vec::new();
        let Some(text) = read(path, &mut diags) else { return (path.clone(), None, diags, None) };
        let parsed = parse::<ResourceFile>(path, text.clone(), &mut diags);
        if let Some(r) = &parsed {
            name_operations(&r.value, &mut diags);
        }
        (path.clone(), Some(text), diags, parsed)
    };
    let lost = |path: &PathBuf| {
        let diag = file_error(path, "internal error: reading this file panicked".into(), "report this as a generator bug");
        (path.clone(), None, vec![diag], None)
    };
    crate::cores::map(&paths, one, lost)
}

/// `operations.3.response.colour` → `users.get.response.colour`: the reader knows ids, not indexes.
fn name_operations(file: &ResourceFile, diags: &mut [Diagnostic]) {
    for d in diags {
        let mut parts = d.spec_path.splitn(3, '.');
        if let (Some("operations"), Some(Ok(i))) = (parts.next(), parts.next().map(str::parse::<usize>)) {
            if let Some(op) = file.operations.get(i) {
                let rest = parts.next().map(|r| format!(".{r}")).unwrap_or_default();
                d.spec_path = format!("{}.{}{rest}", file.resource, op.id);
            }
        }
    }
}

/// Reads a file as the parser should see it (see [`super::text`]); a file with characters no spec
/// may hold, or nested too deep, is reported and not parsed.
fn read(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(t) => {
            let t = super::text::normalise(t);
            let mut problems = super::text::check(&t);
            if problems.is_empty() {
                if let Some((yaml_path, mut p)) = super::text::escaped_character(&t) {
                    (p.line, p.column) = KeyIndex::new(&t).find(&yaml_path);
                    problems.push(p);
                }
            }
            let ok = problems.is_empty();
            diags.extend(problems.into_iter().map(|p| Diagnostic {
                file: path.to_path_buf(),
                line: p.line,
                column: p.column,
                spec_path: String::new(),
                message: p.message,
                fix: p.fix,
            }));
            ok.then_some(t)
        }
        Err(e) => {
            diags.push(file_error(path, format!("cannot read the file: {e}"), "check that the spec folder path is right"));
            None
        }
    }
}

fn file_error(path: &Path, message: String, fix: &str) -> Diagnostic {
    Diagnostic { file: path.to_path_buf(), line: 0, column: 0, spec_path: String::new(), message, fix: fix.into() }
}

/// Parses one file; unknown keys are all reported (not just the first) and do not stop the parse.
fn parse<T: DeserializeOwned>(path: &Path, text: String, diags: &mut Vec<Diagnostic>) -> Option<Loaded<T>> {
    let mut unknown = Vec::new();
    let de = serde_yaml::Deserializer::from_str(&text);
    let result: Result<T, _> = serde_ignored::deserialize(de, |p| unknown.push(p.to_string()));
    let source = SourceFile::new(path.to_path_buf(), text);
    for p in unknown {
        let (line, column) = source.index().find(&p);
        let key = p.rsplit('.').next().unwrap_or(&p).to_owned();
        diags.push(Diagnostic {
            file: path.to_path_buf(),
            line,
            column,
            spec_path: p.clone(),
            message: format!("unknown field `{key}`"),
            fix: "remove it or fix its spelling; the allowed fields are in generated/schema/*.schema.json".into(),
        });
    }
    match result {
        Ok(value) => Some(Loaded { source, value }),
        Err(e) => {
            let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
            let message = e.to_string();
            // serde_yaml appends " at line L column C"; the location is printed already.
            let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
            diags.push(Diagnostic {
                file: path.to_path_buf(),
                line,
                column,
                spec_path: String::new(),
                message: format!("cannot read the YAML: {message}"),
                fix: "fix the YAML at this position (indentation, quoting, a missing `:` or a wrong value type)".into(),
            });
            None
        }
    }
}
