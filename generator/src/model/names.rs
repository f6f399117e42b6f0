//! Name forms for one spec name: Rust items, CLI flags, environment variables. The emitters and
//! the name table (`symbols.rs`, which `validate` checks for collisions) both use these, so what
//! is checked is what is written.

use super::{Operation, Param};

/// A spec name as a Rust value or module identifier, without `r#`: `groupBy` → `group_by`.
pub fn ident(name: &str) -> String {
    snake(name)
}

/// A spec name as a Rust type or variant name: `group_by` → `GroupBy`.
pub fn type_name(name: &str) -> String {
    pascal(&snake(name))
}

/// Directus's query parameter `fields`, which shapes the record a create or update returns (spec
/// `reply_fields`); also the CLI flag and field that set it.
pub const REPLY_FIELDS: &str = "fields";
/// The flag that confirms an irreversible operation (spec `confirm: true`) without asking.
pub const YES_FLAG: &str = "yes";

/// The field of every record type that keeps the JSON fields the type does not name.
pub const EXTRA_FIELD: &str = "extra";

/// The variant of every enum of values that holds a value the spec does not list.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// The enum of a record field's `values`: `user`, `status` → `UserStatus`.
pub fn values_type(ty: &str, field: &str) -> String {
    format!("{}{}", type_name(ty), type_name(field))
}

/// The enum of an operation input's `values`, named in its resource's module: the input's name
/// (`fit` → `Fit`) when every input of that name in the resource allows the same values, else
/// the operation's and the input's (`login`, `mode` → `LoginMode`).
pub fn input_values_type(resource: &super::Resource, op: &Operation, p: &Param) -> String {
    let same = resource.operations.iter().flat_map(|o| o.inputs()).filter(|q| q.name == p.name).all(|q| q.values == p.values);
    if same {
        type_name(&p.name)
    } else {
        format!("{}{}", type_name(&op.id), type_name(&p.name))
    }
}

/// The variant of an input enum that carries a value the spec does not list.
pub const OTHER_VARIANT: &str = "Other";

/// A spec name as a Rust constant: `generate_tfa` → `GENERATE_TFA`.
pub fn const_name(name: &str) -> String {
    screaming(&snake(name))
}

/// Identifiers that cannot be written even as raw identifiers (`r#self` is not allowed).
pub fn is_unrawable(ident: &str) -> bool {
    matches!(ident, "self" | "Self" | "super" | "crate" | "_")
}

/// Flags the CLI itself takes on every command. A parameter whose flag would be one of these
/// needs a `flag:` of its own in the spec (the name table reports it).
pub const GLOBAL_FLAGS: &[&str] = &[
    "url",
    "token",
    "token-stdin",
    "profile",
    "server-version",
    "pretty",
    "timeout",
    "connect-timeout",
    "idle-timeout",
    "retries",
    "max-reply-size",
    "output",
    "jq",
    "dry-run",
    "verbose",
    "include",
    "help",
    "version",
];

/// The global flags of the generators before the name checks (commit 910d7d5). Those wrote a
/// parameter named like one of them with its location as a prefix (`--body-url`,
/// `--body-token-stdin`, `$DIRECTUS_BODY_TOKEN`); today such a parameter needs a `flag:`.
pub const LEGACY_GLOBAL_FLAGS: &[&str] = &["url", "token", "token-stdin", "server-version", "pretty", "output", "help", "version"];

/// The flag a generator before the name checks wrote for a parameter without `flag:` whose name
/// is one of [`LEGACY_GLOBAL_FLAGS`], for `generator diff` against an old spec; none otherwise.
pub fn legacy_flag(p: &Param) -> Option<String> {
    let base = kebab(&snake(&p.name));
    let prefix = match p.location {
        super::ParamIn::Path => "path",
        super::ParamIn::Query => "query",
        super::ParamIn::Body => "body",
    };
    (p.flag.is_none() && LEGACY_GLOBAL_FLAGS.contains(&base.as_str())).then(|| format!("{prefix}-{base}"))
}

/// Commands of the tool itself, beside the resources: clap's `help`, `completion SHELL` and `man`.
pub const TOOL_COMMANDS: &[&str] = &["help", "completion", "man"];

/// The variants of the CLI's `Command` enum for [`TOOL_COMMANDS`] (clap's `help` has none).
pub const TOOL_VARIANTS: &[&str] = &["Completion", "Man"];

/// The flag (without `--`) and clap id of the file a binary download is written to (`-O`).
pub const OUTPUT_FILE_FLAG: &str = "output-file";
pub const OUTPUT_FILE_FIELD: &str = "output_file";

/// The environment variables the CLI itself reads.
pub const GLOBAL_ENV: &[&str] = &["DIRECTUS_URL", "DIRECTUS_TOKEN", "DIRECTUS_SERVER_VERSION", "DIRECTUS_PROFILE", "DIRECTUS_CONFIG_DIR"];

/// Commands the CLI adds to the resource of the operation that starts a login session
/// (`Model::session_resource`): `auth status` and `auth token`, answered by the runtime.
pub const SESSION_COMMANDS: &[&str] = &["status", "token"];

/// The variants of the resource's command enum for [`SESSION_COMMANDS`].
pub const SESSION_VARIANTS: &[&str] = &["Status", "Token"];

/// The CLI flag of a parameter (without `--`): the spec's `flag:`, or the name in kebab-case.
pub fn flag(p: &Param) -> String {
    p.flag.clone().unwrap_or_else(|| kebab(&snake(&p.name)))
}

/// The flag that sends `false` for an optional boolean (`--no-system`); `--system` sends `true`.
pub fn negated_flag(p: &Param) -> String {
    format!("no-{}", flag(p))
}

/// The field (and clap id) of [`negated_flag`].
pub fn negated_field(p: &Param) -> String {
    format!("no_{}", snake(&p.name))
}

/// Whether the CLI shows the parameter as a `--x` / `--no-x` pair of switches.
pub fn is_switch_pair(p: &Param) -> bool {
    p.ty == super::Type::Boolean && !p.required
}

/// The flag that reads a secret parameter from stdin (without `--`).
pub fn stdin_flag(p: &Param) -> String {
    format!("{}-stdin", flag(p))
}

/// The flag that reads a secret parameter from a file, `-` being stdin (without `--`).
pub fn file_flag(p: &Param) -> String {
    format!("{}-file", flag(p))
}

/// The field (and clap id) of [`file_flag`].
pub fn file_field(p: &Param) -> String {
    format!("{}_file", snake(&p.name))
}

/// The field (and clap id) of the `--…-stdin` switch of a secret parameter.
pub fn stdin_field(p: &Param) -> String {
    format!("{}_stdin", snake(&p.name))
}

/// The environment variable a secret may come from: `DIRECTUS_` and its flag (`DIRECTUS_PASSWORD`).
pub fn secret_env(p: &Param) -> String {
    format!("DIRECTUS_{}", screaming(&flag(p)))
}

/// The field (and clap id) of the positional form of [`Operation::positional_key`].
pub fn positional_field(p: &Param) -> String {
    format!("{}_positional", snake(&p.name))
}

/// The field (and clap id) of the positional FILE of a value body with `positional_file`.
pub fn positional_file_field(body_name: &str) -> String {
    format!("{}_file", snake(body_name))
}

/// The command line that shows how to call an operation, with placeholders (`<ID>`): in the docs
/// and at the end of the command's `--help`.
pub fn cli_example(bin: &str, resource: &str, op: &Operation) -> String {
    let mut cmd = vec![bin.to_owned(), kebab(resource), command(op)];
    let mut stdin = None;
    let positional = op.positional_key().map(|p| p.name.as_str());
    for p in op.inputs().filter(|p| p.required) {
        let placeholder = format!("<{}>", snake(&p.name).to_ascii_uppercase());
        if p.secret {
            // Stdin carries one secret; the others come from files.
            if stdin.is_none() {
                stdin = Some(snake(&p.name).to_ascii_uppercase());
                cmd.push(format!("--{}", stdin_flag(p)));
            } else {
                cmd.push(format!("--{} {}.txt", file_flag(p), snake(&p.name)));
            }
        } else if Some(p.name.as_str()) == positional {
            cmd.push(placeholder);
        } else {
            cmd.push(format!("--{} {placeholder}", flag(p)));
        }
    }
    match &op.body {
        super::Body::Array { name, .. } => cmd.push(format!("--{} <A,B,…>", kebab(name))),
        super::Body::Value { file: true, .. } => cmd.push("body.json".to_owned()),
        super::Body::Value { name, .. } => cmd.push(format!("--{} @body.json", kebab(name))),
        _ => {}
    }
    if op.response.kind == super::ResponseKind::Binary {
        cmd.push(format!("--{OUTPUT_FILE_FLAG} FILE"));
    }
    if op.confirm {
        cmd.push(format!("--{YES_FLAG}"));
    }
    let line = cmd.join(" ");
    match stdin {
        Some(v) => format!("printf '%s' \"${v}\" | {line}"),
        None => line,
    }
}

/// The CLI subcommand of an operation.
pub fn command(op: &Operation) -> String {
    kebab(&op.id)
}

/// The types a renamed operation's former id named (`…Options`, `…Response`, an input enum named
/// after the operation), each with the type it is now: kept as deprecated aliases, so code that
/// names them still builds.
pub fn former_types(op: &Operation) -> Vec<(String, String)> {
    let Some(old) = op.renamed_from.as_deref() else { return Vec::new() };
    let (now, was) = (type_name(&op.id), type_name(old));
    let mut names: Vec<String> = Vec::new();
    if op.has_options() {
        names.push(options_type(op));
    }
    names.extend(op.reply_type());
    names.extend(op.inputs().filter_map(|p| p.values_type.clone()).filter(|t| t.starts_with(&now) && *t != type_name(&op.id)));
    names.sort();
    names.dedup();
    names.into_iter().map(|n| (format!("{was}{}", &n[now.len()..]), n)).collect()
}

/// The hidden CLI alias of a renamed operation's command: its former name.
pub fn former_command(op: &Operation) -> Option<String> {
    op.renamed_from.as_deref().map(kebab)
}

/// The struct of an operation's optional inputs.
pub fn options_type(op: &Operation) -> String {
    format!("{}Options", type_name(&op.id))
}

/// The clap arguments struct of an operation's command.
pub fn args_type(resource: &str, op: &Operation) -> String {
    format!("{}{}Args", type_name(resource), type_name(&op.id))
}

/// The clap arguments struct of a query set.
pub fn query_args_type(set: &str) -> String {
    format!("{}Args", type_name(set))
}

/// The clap enum of a resource's commands.
pub fn command_type(resource: &str) -> String {
    format!("{}Command", type_name(resource))
}

/// `generate_tfa` → `GenerateTfa`.
pub fn pascal(name: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(name)
}

/// `generate_tfa` → `generate-tfa`.
pub fn kebab(name: &str) -> String {
    heck::ToKebabCase::to_kebab_case(name)
}

/// `generate_tfa` → `GENERATE_TFA`.
pub fn screaming(name: &str) -> String {
    heck::ToShoutySnakeCase::to_shouty_snake_case(name)
}

/// Whether the name is lower snake_case: starts with a letter, then letters, digits and `_`.
pub fn is_snake(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.ends_with('_')
        && !name.contains("__")
}

/// Rust keywords that need `r#` as identifiers.
pub fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "as" | "async" | "await" | "break" | "const" | "continue" | "crate" | "dyn" | "else" | "enum" | "extern"
            | "false" | "fn" | "for" | "if" | "impl" | "in" | "let" | "loop" | "match" | "mod" | "move" | "mut"
            | "pub" | "ref" | "return" | "self" | "Self" | "static" | "struct" | "super" | "trait" | "true"
            | "type" | "unsafe" | "use" | "where" | "while" | "abstract" | "become" | "box" | "do" | "final"
            | "gen" | "macro" | "override" | "priv" | "typeof" | "unsized" | "virtual" | "yield" | "try"
    )
}

/// Wire name → Rust snake_case: `groupBy` → `group_by`, `otpauth_url` unchanged.
pub fn snake(name: &str) -> String {
    heck::ToSnakeCase::to_snake_case(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(pascal("generate_tfa"), "GenerateTfa");
        assert_eq!(kebab("generate_tfa"), "generate-tfa");
        assert_eq!(screaming("generate_tfa"), "GENERATE_TFA");
        assert!(is_snake("otpauth_url"));
        assert!(!is_snake("Bad"));
        assert!(!is_snake("a__b"));
        assert!(!is_snake("9a"));
        assert_eq!(snake("groupBy"), "group_by");
        assert_eq!(snake("otpauth_url"), "otpauth_url");
    }
}
