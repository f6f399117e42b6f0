//! How the CLI reads its arguments, seen from the request it sends: a loopback stub records each
//! request's head and answers `{"data": []}`. (What the server does with them is tested live.)

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

/// A stub that records the request line and headers of every request.
fn recording_stub() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = vec![0u8; 65536];
            let n = stream.read(&mut buf).unwrap_or(0);
            let text = String::from_utf8_lossy(&buf[..n]).into_owned();
            log.lock().unwrap().push(text.split("\r\n\r\n").next().unwrap_or_default().to_owned());
            // A collection's fields name its primary key (an upsert asks first); anything else
            // gets an empty list.
            let body = if text.starts_with("GET /fields/") { r#"{"data":[{"field":"id","schema":{"is_primary_key":true}}]}"# } else { r#"{"data":[]}"# };
            let reply = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (url, seen)
}

/// Runs the CLI against `url` and returns the request line it sent.
fn request_line(args: &[&str]) -> String {
    let (url, seen) = recording_stub();
    let out = Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(args)
        .args(["--url", &url, "--server-version", "12.4.1"])
        .env("DIRECTUS_TOKEN", "t")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let seen = seen.lock().unwrap();
    let head = seen.last().unwrap_or_else(|| panic!("{args:?} sent nothing"));
    head.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn values_may_start_with_a_hyphen() {
    let line = request_line(&["items", "list", "--collection", "articles", "--sort", "-date", "--limit", "-1", "--search", "-x"]);
    assert!(line.starts_with("GET /items/articles?"), "{line}");
    assert!(line.contains("sort=-date") && line.contains("limit=-1") && line.contains("search=-x"), "{line}");
}

#[test]
fn global_options_work_after_the_subcommand() {
    // `request_line` puts --url and --server-version after the operation's own flags.
    let line = request_line(&["users", "me"]);
    assert!(line.starts_with("GET /users/me"), "{line}");
}

#[test]
fn booleans_are_switches_with_a_no_form() {
    assert!(request_line(&["utilities", "clear-cache", "--system"]).contains("system=true"));
    assert!(request_line(&["utilities", "clear-cache", "--no-system"]).contains("system=false"));
    let line = request_line(&["utilities", "clear-cache"]);
    assert!(!line.contains("system="), "no switch leaves the server's default: {line}");
    // The last of the two wins, as with other tools' --x/--no-x pairs.
    assert!(request_line(&["utilities", "clear-cache", "--system", "--no-system"]).contains("system=false"));
}

#[test]
fn a_path_parameter_with_a_server_default_is_optional_in_the_cli() {
    let line = request_line(&["server", "graphql"]);
    assert!(line.starts_with("GET /server/specs/graphql/items "), "{line}");
}

/// Runs the CLI against a fresh recording stub: (exit code, stdout, stderr, request lines sent).
fn run_with_stub(args: &[&str], dir: Option<&std::path::Path>, stdin: Option<&str>) -> (i32, String, String, Vec<String>) {
    run_with_stub_env(args, dir, stdin, &[])
}

fn run_with_stub_env(args: &[&str], dir: Option<&std::path::Path>, stdin: Option<&str>, env: &[String]) -> (i32, String, String, Vec<String>) {
    use std::process::Stdio;
    let (url, seen) = recording_stub();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_directus"));
    cmd.envs(env.iter().map(|e| (e.as_str(), "s3cret")));
    cmd.args(args)
        .args(["--url", &url, "--server-version", "12.4.1"])
        .env("DIRECTUS_TOKEN", "t")
        .env("DIRECTUS_CONFIG_DIR", directus_e2e::profiles_dir())
        .env_remove("COLUMNS")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let lines = seen.lock().unwrap().iter().map(|h| h.lines().next().unwrap_or_default().to_owned()).collect();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), lines)
}

/// The CLI's stdout for a command that needs no server.
fn local(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_directus"))
        .args(args)
        .env_remove("DIRECTUS_URL")
        .env("DIRECTUS_CONFIG_DIR", directus_e2e::profiles_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_key_may_be_given_positionally_or_as_a_flag() {
    assert!(request_line(&["users", "get", "abc"]).starts_with("GET /users/abc "));
    assert!(request_line(&["users", "get", "--id", "abc"]).starts_with("GET /users/abc "));
    // Global flags may follow the positional key; a key may start with what looks like a flag
    // only in the flag form.
    assert!(request_line(&["roles", "delete", "r1", "--pretty"]).starts_with("DELETE /roles/r1 "));
    assert!(request_line(&["files", "get", "--id", "-x"]).starts_with("GET /files/-x "));
    let (code, _, err, sent) = run_with_stub(&["users", "get", "a", "--id", "b"], None, None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be used with"), "{err}");
    assert!(sent.is_empty());
    let (code, _, err, sent) = run_with_stub(&["users", "get"], None, None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--id <ID>"), "{err}");
    assert!(sent.is_empty());
    // Only a lone required `id`: items get takes --collection and --id, both as flags.
    let (code, _, err, _) = run_with_stub(&["items", "get", "--collection", "c", "k"], None, None);
    assert_eq!(code, 2, "{err}");
    assert!(request_line(&["items", "get", "--collection", "c", "--id", "k"]).starts_with("GET /items/c/k "));
}

#[test]
fn downloads_go_to_output_file_and_o_is_the_format() {
    let dir = directus_e2e::temp_dir("download");
    let (code, stdout, err, sent) = run_with_stub(&["assets", "get", "f1", "-O", "out.bin"], Some(&dir), None);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty());
    assert!(sent[0].starts_with("GET /assets/f1"), "{sent:?}");
    assert_eq!(std::fs::read_to_string(dir.join("out.bin")).unwrap(), r#"{"data":[]}"#);
    let (code, _, err, _) = run_with_stub(&["assets", "get", "f1", "--output-file", "long.bin"], Some(&dir), None);
    assert_eq!(code, 0, "{err}");
    assert!(dir.join("long.bin").exists());
    // The old spelling is now the format flag, and a file name is not a format.
    let (code, _, err, sent) = run_with_stub(&["assets", "get", "f1", "--output", "thumb.webp"], Some(&dir), None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("possible values: json, yaml, ndjson, table"), "{err}");
    assert!(sent.is_empty());
    let (code, _, err, _) = run_with_stub(&["assets", "get", "f1", "--jq", "."], Some(&dir), None);
    assert_eq!(code, 2, "--jq on bytes: {err}");
}

#[test]
fn a_bad_jq_expression_is_refused_before_anything_is_sent() {
    let (code, stdout, err, sent) = run_with_stub(&["users", "list", "--jq", ".[] |"], None, None);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("error: --jq: syntax error in `.[] |`"), "{err}");
    assert!(stdout.is_empty() && sent.is_empty(), "{sent:?}");
    let (code, _, err, sent) = run_with_stub(&["users", "list", "--jq", "nosuch(1)"], None, None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("undefined filter `nosuch`"), "{err}");
    assert!(sent.is_empty());
}

#[test]
fn an_irreversible_operation_wants_yes_when_nobody_can_be_asked() {
    let diff = r#"{"hash":"h","diff":{}}"#;
    // Stdin is not a terminal here: refused, nothing sent.
    let (code, stdout, err, sent) = run_with_stub(&["schema", "apply", "--diff", diff], None, None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be undone") && err.contains("add --yes"), "{err}");
    assert!(stdout.is_empty() && sent.is_empty(), "{sent:?}");
    // The help says so, and `--yes` goes ahead.
    assert!(local(&["schema", "apply", "--help"]).contains("--yes"));
    let (code, _, err, sent) = run_with_stub(&["schema", "apply", "--diff", diff, "--yes"], None, None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(sent, ["POST /schema/apply HTTP/1.1"]);
}

#[test]
fn an_irreversible_operation_asks_on_a_terminal() {
    use std::process::Stdio;
    for (answer, goes_ahead) in [("n", false), ("y", true)] {
        let (url, seen) = recording_stub();
        // `script` gives the CLI a pseudo-terminal; the answer is typed into it.
        let cmd = format!(r#"{} schema apply --diff '{{"hash":"h","diff":{{}}}}' --url {url} --server-version 12.4.1"#, env!("CARGO_BIN_EXE_directus"));
        let mut child = Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .env("DIRECTUS_TOKEN", "t")
            .env("DIRECTUS_CONFIG_DIR", directus_e2e::profiles_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("script(1) from util-linux");
        child.stdin.take().unwrap().write_all(format!("{answer}\n").as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let shown = String::from_utf8_lossy(&out.stdout);
        assert!(shown.contains("This cannot be undone. Go ahead? [y/N]"), "{shown}");
        let sent = seen.lock().unwrap().len();
        assert_eq!((out.status.success(), sent), (goes_ahead, usize::from(goes_ahead)), "answer {answer}: {shown}");
    }
}

#[test]
fn the_root_help_lists_the_exit_codes() {
    let help = local(&["--help"]);
    // The tool's own description first (a flattened struct's doc comment once took its place).
    assert!(help.starts_with("Command-line client for the Directus REST API"), "{help}");
    let section = &help[help.find("Exit codes:").expect("an Exit codes section")..];
    for (code, meaning) in directus_runtime::cli::exit::ALL {
        assert!(section.contains(&format!("  {code}  {meaning}")), "{code}: {section}");
    }
    for cmd in ["completion", "man", "users", "items"] {
        assert!(help.contains(&format!("  {cmd} ")), "{cmd} in {help}");
    }
}

/// The commands of the tool: (resource, operation) from the help's command lists.
fn operations() -> Vec<(String, String)> {
    fn commands(help: &str) -> Vec<String> {
        let list = &help[help.find("Commands:\n").expect("a command list") + 10..];
        list.lines()
            .take_while(|l| l.starts_with("  "))
            // A command's name starts at column 3; deeper lines continue a wrapped description.
            .filter(|l| !l[2..].starts_with(' '))
            .filter_map(|l| l.split_whitespace().next())
            .filter(|c| *c != "help")
            .map(str::to_owned)
            .collect()
    }
    let mut ops = Vec::new();
    for resource in commands(&local(&["--help"])).into_iter().filter(|c| c != "completion" && c != "man") {
        for op in commands(&local(&[&resource, "--help"])) {
            ops.push((resource.clone(), op));
        }
    }
    ops
}

/// Every operation's help ends with an example, and every example runs as written (placeholders
/// filled in, a `printf … |` prefix fed to stdin): clap accepts it and the request goes out (or,
/// for operations this server version lacks, is refused as such). The stub answers everything
/// with `{"data": []}`, so a reply may not be what the operation returns; only exit 2 (bad
/// arguments) fails the test.
#[test]
fn every_operation_help_ends_with_an_example_that_parses() {
    let dir = directus_e2e::temp_dir("examples");
    std::fs::write(dir.join("body.json"), "{}").unwrap();
    std::fs::write(dir.join("upload.txt"), "hello").unwrap();
    // A second secret comes from a file in the examples (`--password-file password.txt`).
    for name in ["password", "otp", "token", "secret"] {
        std::fs::write(dir.join(format!("{name}.txt")), "s3cret").unwrap();
    }
    let ops = operations();
    assert!(ops.len() > 100, "{ops:?}");
    let mut positional = 0;
    for (resource, op) in &ops {
        let help = local(&[resource, op, "--help"]);
        let (_, example) = help.trim_end().rsplit_once("Examples:\n  ").unwrap_or_else(|| panic!("{resource} {op}: no Examples section:\n{help}"));
        // clap may wrap a long example to the terminal's width; the example is the section's text.
        let example = example.lines().map(str::trim).collect::<Vec<_>>().join(" ");
        let example = example.as_str();
        let (stdin, line) = match example.split_once(" | ") {
            Some((printf, line)) => {
                assert!(printf.starts_with("printf '%s' \"$"), "{printf}");
                (Some("s3cret"), line)
            }
            None => (None, example),
        };
        // Stdin carries one secret; the others come from their variables (named in the help).
        let secret_env: Vec<String> = help
            .split("$DIRECTUS_")
            .skip(1)
            .map(|rest| format!("DIRECTUS_{}", rest.split(|c: char| !(c.is_ascii_uppercase() || c == '_')).next().unwrap_or_default()))
            .filter(|v| v != "DIRECTUS_TOKEN")
            .collect();
        let words: Vec<&str> = line.split(' ').collect();
        assert_eq!(words[..3], ["directus", resource.as_str(), op.as_str()], "{example}");
        if words.get(3).is_some_and(|w| w.starts_with('<')) {
            positional += 1;
        }
        let mut args: Vec<String> = words[1..]
            .iter()
            .map(|w| match *w {
                "<FILE>" => "upload.txt".to_owned(),
                "FILE" => "out.bin".to_owned(),
                "<A,B,…>" => "1,2".to_owned(),
                w if w.starts_with('<') => "1".to_owned(),
                w => w.to_owned(),
            })
            .collect();
        let mut result = run_with_stub_env(&args.iter().map(String::as_str).collect::<Vec<_>>(), Some(&dir), stdin, &secret_env);
        // A placeholder for a flag with a fixed set of values: the first of them.
        if let Some(values) = result.2.split_once("[possible values: ").map(|(_, v)| v.split([',', ']']).next().unwrap_or_default().to_owned()) {
            let flag = result.2.split("for '").nth(1).and_then(|f| f.split(' ').next()).unwrap_or_default().to_owned();
            let i = args.iter().position(|a| *a == flag).unwrap_or_else(|| panic!("{example}: {}", result.2));
            args[i + 1] = values;
            result = run_with_stub_env(&args.iter().map(String::as_str).collect::<Vec<_>>(), Some(&dir), stdin, &secret_env);
        }
        let (code, _, err, _) = result;
        assert_ne!(code, 2, "{example} (run as {args:?}): {err}");
    }
    assert!(positional >= 20, "get/update/delete examples show the key positionally: {positional}");
}

#[test]
fn bash_loads_the_completion_script_and_other_shells_get_one() {
    let exe = env!("CARGO_BIN_EXE_directus");
    let out = Command::new("bash")
        .args(["-c", &format!("source <('{exe}' completion bash) && complete -p directus")])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("complete ") && stdout.contains("-F _directus") && stdout.trim_end().ends_with(" directus"), "{stdout}");
    // The script completes resources and their operations.
    let script = local(&["completion", "bash"]);
    assert!(script.contains("directus__users,get)") || script.contains("directus__subcmd__users__subcmd__get"), "no users get in the script");
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let script = local(&["completion", shell]);
        assert!(script.contains("users") && script.contains("output") && script.contains("jq"), "{shell}: {}", &script[..script.len().min(200)]);
    }
    let out = Command::new(exe).args(["completion", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_pages_list_the_resource_commands() {
    let page = local(&["man"]);
    assert!(page.starts_with(".ie") || page.contains(".TH directus 1"), "roff: {}", &page[..page.len().min(200)]);
    for resource in ["users", "items", "files", "assets", "server"] {
        assert!(page.contains(&format!("directus\\-{resource}(1)")), "{resource} missing from the man page");
    }
    assert!(page.contains("Exit codes:"), "the root page has the exit codes");
    let dir = directus_e2e::temp_dir("man");
    let out = Command::new(env!("CARGO_BIN_EXE_directus")).args(["man", "--dir"]).arg(&dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let get = std::fs::read_to_string(dir.join("directus-users-get.1")).expect("a page per operation");
    assert!(get.contains("Examples:") && get.contains("directus users get <ID>"), "{get}");
    assert!(dir.join("directus.1").exists() && dir.join("directus-users.1").exists());
}

#[test]
fn dry_run_prints_the_request_with_secrets_masked_and_sends_nothing() {
    let (code, stdout, stderr, requests) =
        run_with_stub_env(&["--dry-run", "users", "generate-tfa", "--password-stdin"], None, Some("Sup3rS3cret-pw"), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(requests.is_empty(), "a dry run sent {requests:?}");
    assert!(stdout.starts_with("POST http://127.0.0.1:") && stdout.contains("/users/me/tfa/generate\n"), "{stdout}");
    assert!(stdout.contains("\"password\": \"***\"") && stdout.contains("Authorization: Bearer ***"), "{stdout}");
    assert!(!stdout.contains("Sup3rS3cret") && !stderr.contains("Sup3rS3cret"), "the secret leaked: {stdout}{stderr}");
    // Query values are shown as they would be sent.
    let (code, stdout, _, requests) = run_with_stub_env(&["--dry-run", "items", "list", "--collection", "a b", "--sort", "-date"], None, None, &[]);
    assert_eq!(code, 0);
    assert!(requests.is_empty());
    assert!(stdout.contains("/items/a%20b?sort=-date"), "{stdout}");
}

#[test]
fn verbose_logs_each_request_without_values() {
    let (code, _, stderr, requests) = run_with_stub_env(&["-v", "items", "get", "--id", "secret-key-123", "--collection", "articles"], None, None, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(requests.len(), 1);
    let line = stderr.lines().find(|l| l.starts_with("> ")).unwrap_or_else(|| panic!("no log line: {stderr}"));
    assert!(line.contains("GET http://127.0.0.1:") && line.contains("/items/{collection}/{id} (items.get) → 200 in "), "{line}");
    assert!(!stderr.contains("secret-key-123") && !stderr.contains("articles"), "values stay out of the log: {stderr}");
}

/// The generator keeps its own list of the CLI's global flags (it has no CLI of its own to ask),
/// to keep operation flags from clashing with them: the list must be the runtime's.
#[test]
fn the_generators_global_flags_are_the_clis() {
    use clap::Args;
    let cmd = directus_runtime::cli::GlobalArgs::augment_args(clap::Command::new("directus"));
    let mut runtime: Vec<String> = cmd.get_arguments().filter_map(|a| a.get_long().map(str::to_owned)).collect();
    runtime.extend(["help".to_owned(), "version".to_owned()]);
    runtime.sort();
    let mut generator: Vec<String> = directus_generator::model::names::GLOBAL_FLAGS.iter().map(|f| f.to_string()).collect();
    generator.sort();
    assert_eq!(generator, runtime, "generator/src/model/names.rs GLOBAL_FLAGS differs from the runtime's GlobalArgs");
}
