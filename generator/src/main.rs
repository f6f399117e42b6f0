//! `generator`: the command line of the Directus client generator.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use directus_generator::{emit, generate, load_model, output, GenerateError};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "generator", version, about = "Generates the Directus Rust client, CLI and docs from the YAML spec")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the client crate, CLI, docs and spec schema into the output folder
    Generate {
        /// The spec folder (api.yaml and resources/)
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
        /// Where the output goes
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Write nothing; fail if the output folder is not what the spec gives
        #[arg(long)]
        check: bool,
    },
    /// Check the spec and report every problem, with file, line and column
    Validate {
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
    },
    /// What changed between two specs, what it breaks, and the version bump it needs; given two
    /// schema snapshot files, what changed in their models (as `models --diff`).
    /// Exits 0 when nothing breaks, 1 when something does, 2 when the specs cannot be compared.
    Diff {
        /// The old spec folder (or use --base)
        old: Option<PathBuf>,
        /// The new spec folder (default: --spec)
        new: Option<PathBuf>,
        /// Compare the spec at this git revision with the working tree
        #[arg(long, value_name = "REV", conflicts_with = "old")]
        base: Option<String>,
        /// The spec folder in the working tree
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
        #[arg(long, value_enum, default_value = "markdown")]
        format: Format,
        /// Write the bumped version into the new spec's api.yaml (`crate.version`)
        #[arg(long)]
        write_version: bool,
    },
    /// How the spec and a Directus server differ, from a saved OpenAPI document or a live server.
    /// Exits 0 when there is no drift, 1 when there is, 2 when the comparison cannot be made.
    Drift {
        /// A saved `GET /server/specs/oas` document
        #[arg(long, value_name = "FILE", conflicts_with = "url")]
        oas: Option<PathBuf>,
        /// A live server: reads its OpenAPI document and version, and probes the routes the document leaves out
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// Read the token for --url from stdin (an admin sees every route); otherwise it comes
        /// from DIRECTUS_TOKEN. Never an argument: arguments show in the process list.
        #[arg(long)]
        token_stdin: bool,
        /// The server's version, when the document does not say (12.x puts a hash in info.version)
        #[arg(long, value_name = "VERSION")]
        server_version: Option<String>,
        #[arg(long, default_value = "spec")]
        spec: PathBuf,
        #[arg(long, value_enum, default_value = "markdown")]
        format: Format,
        #[command(flatten)]
        package: PackageArgs,
    },
    /// Typed records of a project's own collections, from its schema snapshot (a file or a live
    /// server): a crate (or a module) with one struct per collection and typed access through the client
    Models(ModelsArgs),
}

/// Route truth from the Directus server package instead of (or besides) its OpenAPI document.
#[derive(clap::Args)]
struct PackageArgs {
    /// An unpacked `@directus/api` package (e.g. node_modules/@directus/api): the routes it
    /// registers are the truth; with --oas or --url the document's routes are checked against them
    #[arg(long, value_name = "DIR", conflicts_with = "directus_version")]
    package: Option<PathBuf>,
    /// Fetch this Directus release's `@directus/api` package from the npm registry into the cache, and use it as --package
    #[arg(long, value_name = "VERSION")]
    directus_version: Option<String>,
    /// Compare two packages instead of the spec: the routes added and removed from --package (or
    /// --directus-version) to this one
    #[arg(long, value_name = "DIR", conflicts_with = "against_version")]
    against_package: Option<PathBuf>,
    /// Like --against-package, fetched from the npm registry
    #[arg(long, value_name = "VERSION")]
    against_version: Option<String>,
    /// Where fetched packages are kept (default: $DIRECTUS_CACHE/npm, or ~/.cache/directus-rs/npm)
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Print the package's routes as TSV (method, path, condition, default, scope) and stop
    #[arg(long)]
    routes: bool,
    /// Write a draft spec operation (`draft: true`, which validate reports until reviewed) for each
    /// route the package has and the spec lacks, into its resource's file or a new one
    #[arg(long)]
    scaffold: bool,
    /// With --scaffold: only routes under this path prefix (repeatable), e.g. --only /policies
    #[arg(long, value_name = "PREFIX", requires = "scaffold")]
    only: Vec<String>,
}

/// `generator models`: typed records of a project's collections from its schema snapshot.
#[derive(clap::Args)]
struct ModelsArgs {
    /// A saved schema snapshot (`directus schema snapshot -o json > snapshot.json`), JSON or YAML
    #[arg(long, value_name = "FILE", conflicts_with = "url")]
    snapshot: Option<PathBuf>,
    /// Read the snapshot from a live server instead (an admin's token: from DIRECTUS_TOKEN, or --token-stdin)
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Read the token for --url from stdin. Never an argument: arguments show in the process list.
    #[arg(long, requires = "url")]
    token_stdin: bool,
    /// Where the crate (or with --module, the module's files) goes
    #[arg(long, value_name = "DIR", required_unless_present = "diff")]
    out: Option<PathBuf>,
    /// The crate's name
    #[arg(long = "crate", value_name = "NAME", default_value = "directus-models", conflicts_with = "module")]
    crate_name: String,
    /// Write a module (mod.rs and one file per collection) for a crate of yours, instead of a crate
    #[arg(long)]
    module: bool,
    /// The directus-runtime crate, as a path from the crate written (default: the crates.io version)
    #[arg(long, value_name = "PATH")]
    runtime_path: Option<String>,
    /// The directus-client crate, as a path from the crate written (default: the crates.io version)
    #[arg(long, value_name = "PATH")]
    client_path: Option<String>,
    /// Leave a collection out (repeatable)
    #[arg(long, value_name = "COLLECTION")]
    exclude: Vec<String>,
    /// Write nothing; fail if the output is not what the snapshot gives (for CI)
    #[arg(long)]
    check: bool,
    /// Compare the models of two snapshots instead: what changed and what it breaks.
    /// Exits 0 when nothing breaks, 1 when something does, 2 when they cannot be compared.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["snapshot", "url", "check"])]
    diff: Option<Vec<PathBuf>>,
    #[arg(long, value_enum, default_value = "markdown")]
    format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Markdown,
    Json,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Models(args) => models(args),
        Command::Diff { old, new, base, spec, format, write_version } => diff(old, new, base, spec, format, write_version),
        Command::Drift { oas, url, token_stdin, server_version, spec, format, package } => drift(oas, url, token_stdin, server_version, spec, format, package),
        Command::Validate { spec } => match load_model(&spec) {
            Ok(model) => {
                let ops: usize = model.resources.iter().map(|r| r.operations.len()).sum();
                println!(
                    "{}: ok ({}, {})",
                    spec.display(),
                    directus_generator::diff::report::count(model.resources.len(), "resource"),
                    directus_generator::diff::report::count(ops, "operation")
                );
                ExitCode::SUCCESS
            }
            Err(diags) => {
                for d in &diags {
                    eprintln!("{d}");
                }
                eprintln!("{} problem(s) in {}", diags.len(), spec.display());
                ExitCode::FAILURE
            }
        },
        Command::Generate { spec, out, check } => {
            let files = match generate(&spec) {
                Ok(f) => f,
                Err(e @ GenerateError::Spec(_)) => {
                    eprintln!("{e}");
                    eprintln!("nothing was written; fix the spec, or run `generator validate --spec {}`", spec.display());
                    return ExitCode::FAILURE;
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let fix = format!("{} --spec {} --out {}", emit::REGENERATE, spec.display(), out.display());
            report_output(&out, &files, check, "the spec", &fix)
        }
    }
}

fn diff(old: Option<PathBuf>, new: Option<PathBuf>, base: Option<String>, spec: PathBuf, format: Format, write_version: bool) -> ExitCode {
    // Two files are schema snapshots (spec folders are folders): compare their models.
    if let (Some(o), Some(n)) = (&old, &new) {
        if o.is_file() && n.is_file() {
            return models_diff(o, n, &[], format);
        }
    }
    let fail = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    };
    let (old_dir, old_label, _checkout) = match (old, &base) {
        (Some(dir), None) => (dir.clone(), dir.display().to_string(), None),
        (None, Some(rev)) => match directus_generator::diff::git::spec_at(rev, &spec) {
            Ok(tmp) => (tmp.path().to_path_buf(), format!("{rev}:{}", spec.display()), Some(tmp)),
            Err(e) => return fail(e),
        },
        _ => return fail("give the old spec folder, or --base REV to compare with a git revision".into()),
    };
    let new_dir = new.unwrap_or(spec);
    let load = |dir: &std::path::Path, label: &str| {
        load_model(dir).map_err(|diags| {
            for d in &diags {
                eprintln!("{d}");
            }
            format!("the {label} spec ({}) does not validate: {} problem(s)", dir.display(), diags.len())
        })
    };
    // The old side may predate today's naming rules: those problems are warnings there.
    let old_model = match directus_generator::load_model_lenient(&old_dir) {
        Ok((m, warnings)) => {
            for w in &warnings {
                eprintln!("{}", w.as_warning());
            }
            if !warnings.is_empty() {
                eprintln!(
                    "warning: the old spec breaks {} of today's naming rule(s); it is compared as it was generated then \
                     (a parameter named like a global flag as --body-NAME, --query-NAME or --path-NAME)",
                    warnings.len()
                );
            }
            m
        }
        Err(diags) => {
            for d in &diags {
                eprintln!("{d}");
            }
            return fail(format!("the old spec ({}) does not validate: {} problem(s)", old_dir.display(), diags.len()));
        }
    };
    let new_model = match load(&new_dir, "new") {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    let changes = directus_generator::diff::compare(&old_model, &new_model);
    let new_label = new_dir.display().to_string();
    let report = directus_generator::diff::report::report(&old_label, &new_label, &changes, &old_model.api.crate_version);
    match format {
        Format::Markdown => print!("{}", directus_generator::diff::report::markdown(&report)),
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(e) => return fail(e.to_string()),
        },
    }
    if write_version && report.next_crate_version != new_model.api.crate_version {
        let path = new_dir.join("api.yaml");
        match directus_generator::diff::set_crate_version(&path, &report.next_crate_version) {
            Ok(()) => eprintln!("wrote crate.version {} into {}; now regenerate", report.next_crate_version, path.display()),
            Err(e) => return fail(e),
        }
    }
    if report.breaking {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The token for `drift --url`: from stdin when asked, else DIRECTUS_TOKEN, else none.
fn drift_token(from_stdin: bool) -> Result<Option<String>, String> {
    if from_stdin {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| format!("--token-stdin: could not read stdin: {e}"))?;
        let token = text.trim_end_matches(['\r', '\n']).to_owned();
        return if token.is_empty() { Err("--token-stdin: stdin was empty; pipe the token in".into()) } else { Ok(Some(token)) };
    }
    Ok(std::env::var("DIRECTUS_TOKEN").ok().filter(|t| !t.is_empty()))
}

fn drift(oas: Option<PathBuf>, url: Option<String>, token_stdin: bool, version: Option<String>, spec: PathBuf, format: Format, pkg: PackageArgs) -> ExitCode {
    if pkg.package.is_some() || pkg.directus_version.is_some() {
        return drift_package(oas, url, token_stdin, version, spec, format, pkg);
    }
    if pkg.against_package.is_some() || pkg.against_version.is_some() || pkg.routes || pkg.scaffold {
        eprintln!("error: --against-package, --against-version, --routes and --scaffold need --package DIR or --directus-version VERSION");
        return ExitCode::from(2);
    }
    let token = match drift_token(token_stdin) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    use directus_generator::drift;
    let fail = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    };
    let model = match load_or_report(&spec) {
        Ok(m) => m,
        Err(message) => return fail(message),
    };
    let live = match url.as_deref().map(|u| drift::live::Live::connect(u, token.as_deref())).transpose() {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    let (doc, source) = match (&oas, &live) {
        (Some(path), _) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => return fail(format!("{}: {e}", path.display())),
            };
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(v) => (v, path.display().to_string()),
                Err(e) => return fail(format!("{}: not JSON (line {}, column {}): {e}", path.display(), e.line(), e.column())),
            }
        }
        (None, Some(l)) => match l.oas() {
            Ok(v) => (v, url.clone().unwrap_or_default()),
            Err(e) => return fail(e),
        },
        (None, None) => return fail("give --oas FILE or --url URL".into()),
    };
    let routes = match drift::oas_routes(&doc) {
        Ok(r) => r,
        Err(e) => return fail(format!("{source}: {e}")),
    };
    let parsed = version.as_deref().map(|v| parse_version("--server-version", v));
    let version = match (parsed, &live) {
        (Some(Ok(v)), _) => v,
        (Some(Err(e)), _) => return fail(e),
        (None, Some(l)) => match l.version() {
            Ok(v) => v,
            Err(e) => return fail(e),
        },
        (None, None) => match drift::oas_version(&doc) {
            Some(v) => v,
            None => return fail(format!("{source} does not say which Directus version served it (12.x puts a hash in info.version); pass --server-version")),
        },
    };
    let mut probe = |method: &str, path: &str| live.as_ref().and_then(|l| l.probe(method, path));
    let report = drift::compare(&model, version, &source, &routes, &mut probe);
    print_drift(&report, format)
}

/// Parses MAJOR.MINOR.PATCH.
fn parse_version(flag: &str, v: &str) -> Result<directus_generator::model::Version, String> {
    v.parse().map_err(|e| format!("{flag}: {e}"))
}

/// The package folder: as given, or fetched from the npm registry into the cache.
fn package_dir(dir: Option<PathBuf>, version: Option<&str>, cache: Option<&PathBuf>) -> Result<PathBuf, String> {
    match (dir, version) {
        (Some(d), _) => Ok(d),
        (None, Some(v)) => {
            parse_version("--directus-version", v)?;
            directus_generator::drift::npm::fetch(v, cache.cloned().as_deref())
        }
        (None, None) => Err("give --package DIR or --directus-version VERSION".into()),
    }
}

#[allow(clippy::too_many_arguments)]
fn drift_package(oas: Option<PathBuf>, url: Option<String>, token_stdin: bool, version: Option<String>, spec: PathBuf, format: Format, pkg: PackageArgs) -> ExitCode {
    use directus_generator::drift::{self, package};
    let fail = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    };
    let read = |dir: Option<PathBuf>, v: Option<&str>| package_dir(dir, v, pkg.cache.as_ref()).and_then(|d| package::read(&d));
    let package = match read(pkg.package.clone(), pkg.directus_version.as_deref()) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    if pkg.routes {
        print!("{}", package::tsv(&package));
        return ExitCode::SUCCESS;
    }
    if pkg.against_package.is_some() || pkg.against_version.is_some() {
        let newer = match read(pkg.against_package.clone(), pkg.against_version.as_deref()) {
            Ok(p) => p,
            Err(e) => return fail(e),
        };
        let changes = drift::releases::compare(&package, &newer);
        match format {
            Format::Markdown => print!("{}", drift::releases::markdown(&changes)),
            Format::Json => match serde_json::to_string_pretty(&changes) {
                Ok(t) => println!("{t}"),
                Err(e) => return fail(e.to_string()),
            },
        }
        return ExitCode::SUCCESS;
    }
    let token = match drift_token(token_stdin) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let model = match load_or_report(&spec) {
        Ok(m) => m,
        Err(message) => return fail(message),
    };
    let live = match url.as_deref().map(|u| drift::live::Live::connect(u, token.as_deref())).transpose() {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    let doc = match (&oas, &live) {
        (Some(path), _) => match std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display())).and_then(|t| {
            serde_json::from_str::<serde_json::Value>(&t).map_err(|e| format!("{}: not JSON (line {}, column {}): {e}", path.display(), e.line(), e.column()))
        }) {
            Ok(v) => Some((v, path.display().to_string())),
            Err(e) => return fail(e),
        },
        (None, Some(l)) => match l.oas() {
            Ok(v) => Some((v, url.clone().unwrap_or_default())),
            Err(e) => return fail(e),
        },
        (None, None) => None,
    };
    let routes = match doc.as_ref().map(|(d, src)| drift::oas_routes(d).map_err(|e| format!("{src}: {e}"))).transpose() {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let version = match (version.as_deref(), package.version(), &live) {
        (Some(v), _, _) => match parse_version("--server-version", v) {
            Ok(v) => v,
            Err(e) => return fail(e),
        },
        (None, Some(v), _) => v,
        (None, None, Some(l)) => match l.version() {
            Ok(v) => v,
            Err(e) => return fail(e),
        },
        (None, None, None) => {
            return fail(format!("{}: no `directus` package beside it says which Directus release ships @directus/api {}; pass --server-version", package.dir, package.api_version))
        }
    };
    if let Some(l) = &live {
        if let Ok(lv) = l.version() {
            if lv != version {
                eprintln!("warning: the server at {} is Directus {lv}; the package is {version}", url.as_deref().unwrap_or_default());
            }
        }
    }
    let mut source = format!("package @directus/api {}", package.api_version);
    if let Some((_, src)) = &doc {
        source += &format!(" and the OpenAPI document {src}");
    }
    let report = drift::compare_package(&model, version, &source, &package, routes.as_ref());
    if pkg.scaffold {
        let oas_doc = doc.as_ref().map(|(d, _)| d);
        let chosen = drift::scaffold::select(&report.missing_from_spec, &pkg.only);
        if chosen.is_empty() {
            eprintln!("nothing to scaffold: no route the spec lacks{}", if pkg.only.is_empty() { String::new() } else { format!(" under {}", pkg.only.join(", ")) });
        }
        match drift::scaffold::write(&spec, &model, version, &package.routes, &chosen, oas_doc) {
            Ok(written) => {
                for w in &written {
                    eprintln!("{w}");
                }
            }
            Err(e) => return fail(e),
        }
    }
    print_drift(&report, format)
}

/// The spec's model, or (after printing its problems) the message to fail with.
fn load_or_report(spec: &std::path::Path) -> Result<directus_generator::model::Model, String> {
    load_model(spec).map_err(|diags| {
        for d in &diags {
            eprintln!("{d}");
        }
        format!("the spec ({}) does not validate", spec.display())
    })
}

/// Prints a drift report; exit 1 when there is drift, 2 when it cannot be printed.
fn print_drift(report: &directus_generator::drift::Drift, format: Format) -> ExitCode {
    match format {
        Format::Markdown => print!("{}", directus_generator::drift::report::markdown(report)),
        Format::Json => match serde_json::to_string_pretty(report) {
            Ok(t) => println!("{t}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
    }
    if report.has_drift() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The models of two snapshots compared (`models --diff`, or `diff` given two files): exit 1 when
/// something breaks, 2 when they cannot be compared.
fn models_diff(old: &std::path::Path, new: &std::path::Path, exclude: &[String], format: Format) -> ExitCode {
    use directus_generator::models;
    let fail = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    };
    let load = |p: &std::path::Path| read_snapshot(p).and_then(|s| load_models(&s, exclude, &p.display().to_string()));
    let (a, b) = match (load(old), load(new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    let changes = models::diff::compare(&a, &b);
    let (old_label, new_label) = (old.display().to_string(), new.display().to_string());
    match format {
        Format::Markdown => print!("{}", models::diff::markdown(&old_label, &new_label, &changes)),
        Format::Json => match serde_json::to_string_pretty(&directus_generator::diff::report::report(&old_label, &new_label, &changes, "0.1.0")) {
            Ok(t) => println!("{t}"),
            Err(e) => return fail(e.to_string()),
        },
    }
    let breaking = changes.iter().any(|c| c.rust == directus_generator::diff::Impact::Breaking);
    if breaking {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A snapshot's models, or the message to fail with (after printing every problem).
fn load_models(snapshot: &directus_generator::models::snapshot::Snapshot, exclude: &[String], source: &str) -> Result<directus_generator::models::Models, String> {
    directus_generator::models::build(snapshot, exclude).map_err(|problems| {
        for p in &problems {
            eprintln!("{p}");
        }
        format!("{} problem(s) in the snapshot {source}; nothing was written", problems.len())
    })
}

fn read_snapshot(path: &std::path::Path) -> Result<directus_generator::models::snapshot::Snapshot, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    directus_generator::models::snapshot::parse(&text, &path.display().to_string())
}

fn models(args: ModelsArgs) -> ExitCode {
    use directus_generator::models::{self, emit};
    let fail = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    };
    if let Some(pair) = &args.diff {
        return models_diff(&pair[0], &pair[1], &args.exclude, args.format);
    }
    let Some(out) = args.out.clone() else { return fail("give --out DIR".into()) };
    let (snapshot, label) = match (&args.snapshot, &args.url) {
        (Some(path), _) => match read_snapshot(path) {
            Ok(s) => (s, path.display().to_string()),
            Err(e) => return fail(e),
        },
        (None, Some(url)) => {
            let token = match drift_token(args.token_stdin) {
                Ok(t) => t,
                Err(e) => return fail(e),
            };
            match models::snapshot::fetch(url, token.as_deref()) {
                Ok(s) => (s, url.clone()),
                Err(e) => return fail(e),
            }
        }
        (None, None) => return fail("give --snapshot FILE or --url URL".into()),
    };
    if !args.module && (args.crate_name.is_empty() || !args.crate_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') || args.crate_name.starts_with(|c: char| c.is_ascii_digit())) {
        return fail(format!("--crate {:?}: a crate name is ASCII letters, digits, `-` and `_`, not starting with a digit", args.crate_name));
    }
    let built = match load_models(&snapshot, &args.exclude, &label) {
        Ok(m) => m,
        Err(e) => return fail(e),
    };
    let layout = if args.module {
        emit::Layout::Module
    } else {
        emit::Layout::Crate { name: args.crate_name.clone(), runtime_path: args.runtime_path.clone(), client_path: args.client_path.clone() }
    };
    // The file's name, not the path it was read from, so the output is the same wherever it is run.
    let source_name = args.snapshot.as_ref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "of the live server".into());
    let source = emit::Source { label: &source_name, directus: snapshot.directus.as_deref() };
    let files = match emit::emit(&built, &layout, &source) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    report_output(&out, &files, args.check, "the snapshot", "generator models without --check")
}

/// Writes the files into `out` (or with `check`, compares them), and says what it did; `source`
/// is what the files come from, `fix` the command that brings `out` up to date.
fn report_output(out: &std::path::Path, files: &[directus_generator::emit::OutputFile], check: bool, source: &str, fix: &str) -> ExitCode {
    if check {
        let stale = output::check(out, files);
        if stale.is_empty() {
            println!("{} is up to date ({} files)", out.display(), files.len());
            return ExitCode::SUCCESS;
        }
        for p in &stale.differ {
            eprintln!("stale: {}", out.join(p).display());
        }
        for p in &stale.missing {
            eprintln!("missing: {}", out.join(p).display());
        }
        for p in &stale.extra {
            eprintln!("no longer generated: {}", out.join(p).display());
        }
        eprintln!("{} is not what {source} gives; run `{fix}` and commit the result", out.display());
        return ExitCode::FAILURE;
    }
    match output::write(out, files) {
        Ok(r) => {
            for p in &r.written {
                println!("wrote {}", out.join(p).display());
            }
            for p in &r.removed {
                println!("removed {}", out.join(p).display());
            }
            println!("{} written, {} removed, {} unchanged", r.written.len(), r.removed.len(), r.unchanged);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing into {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
