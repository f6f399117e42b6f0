//! The command-line tool: one clap subcommand per resource, one per operation under it, and a
//! dispatch arm per operation that turns flags into a client call.

use super::rust::{self, doc, ident, inner_doc, type_ident};
use crate::model::{names, Body, Model, Operation, Param, Resource, ResponseKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Whether clap derives `name` by itself from the Rust identifier `ident` (kebab-case). Only plain
/// lower-case words are trusted to convert the same way; anything else is written out.
fn clap_default(ident: &str, name: &str) -> bool {
    ident.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') && ident.replace('_', "-") == name
}

/// `long = "flag"`, or just `long` when clap would name the flag that way from the field.
fn long(field: &str, flag: &str) -> TokenStream {
    if clap_default(field, flag) {
        quote! { long }
    } else {
        quote! { long = #flag }
    }
}

pub fn file(model: &Model) -> Result<String, String> {
    let krate = format_ident!("{}", model.api.crate_name.replace('-', "_"));
    let about = format!("Command-line client for the {} (generated from the spec for Directus {}).", model.api.title, model.api.api_version);
    let bin = &model.api.binary;
    let resource_variants = model.resources.iter().map(|r| {
        let v = type_ident(&r.name);
        let sub = format_ident!("{}Command", v);
        let d = doc(&format!("{}: {}", r.title, first_sentence(&r.description)));
        quote! { #d #[command(subcommand)] #v(cli::Lazy<#sub>), }
    });
    let session_resource = model.session_resource().map(|r| r.name.as_str());
    let resource_enums = model.resources.iter().map(|r| resource_enum(bin, r, session_resource == Some(r.name.as_str())));
    let arg_structs = model.resources.iter().flat_map(|r| r.operations.iter().map(move |op| args_struct(model, r, op)));
    let query_args = model.api.query_sets.iter().map(|q| query_set_args(&krate, q));
    let arms = model.resources.iter().map(|r| {
        let v = type_ident(&r.name);
        let sub = format_ident!("{}Command", v);
        let op_arms = r.operations.iter().map(|op| dispatch_arm(&krate, model, r, op));
        // The session commands: the runtime answers them from the client's credentials.
        let session_arms = (session_resource == Some(r.name.as_str())).then(|| {
            quote! {
                #sub::Status => cli::profile::status(client.runtime()).await,
                #sub::Token => cli::profile::token(client.runtime()).await,
            }
        });
        quote! {
            Command::#v(cli::Lazy(command)) => match command {
                #(#sub::#op_arms)*
                #session_arms
            },
        }
    });
    let completion_doc = doc(&format!("Print the completion script for a shell (e.g. `source <({bin} completion bash)`)"));
    let file_doc = inner_doc(&format!("The `{bin}` command-line tool.\n\nRun `{bin} --help`, or see the generated docs."));
    let tokens = quote! {
        #file_doc

        use clap::{Args, Parser, Subcommand};
        #[allow(unused_imports)]
        use directus_runtime::cli::{self, CliResult, GlobalArgs, Output, SecretSource};
        use #krate::Client;
        use std::process::ExitCode;

        #[derive(Parser)]
        #[command(name = #bin, version, about = #about, after_help = cli::exit::help())]
        struct Cli {
            #[command(flatten)]
            global: GlobalArgs,
            #[command(subcommand)]
            command: Command,
        }

        #[derive(Subcommand)]
        enum Command {
            #(#resource_variants)*
            #completion_doc
            Completion(cli::CompletionArgs),
            /// Print the manual page (roff), or write one page per command with --dir
            Man(cli::ManArgs),
        }

        #(#resource_enums)*

        #(#query_args)*

        #(#arg_structs)*

        fn main() -> ExitCode {
            let (cli, matches) = cli::parse::<Cli>();
            let command = match cli.command {
                Command::Completion(args) => return cli::completion::<Cli>(&args),
                Command::Man(args) => return cli::man::<Cli>(&args),
                command => command,
            };
            cli::run(&cli.global, &matches, |client| dispatch(Client::from(client), command))
        }

        async fn dispatch(client: Client, command: Command) -> CliResult {
            match command {
                #(#arms)*
                Command::Completion(_) | Command::Man(_) => unreachable!("answered in main, without a server"),
            }
        }
    };
    Ok(rust::header("spec/", &model.spec_hash) + &rust::print(tokens, "CLI")?)
}

fn first_sentence(text: &str) -> &str {
    let line = text.lines().next().unwrap_or_default();
    match line.find(". ") {
        Some(i) => &line[..=i],
        None => line,
    }
}

fn resource_enum(bin: &str, r: &Resource, session: bool) -> TokenStream {
    let sub = format_ident!("{}Command", type_ident(&r.name));
    let variants = r.operations.iter().map(|op| {
        let v = type_ident(&op.id);
        let a = args_ident(r, op);
        let d = doc(&format!("{}: {}", op.title, op.summary));
        let name = names::command(op);
        // The help ends with the example the docs show.
        let mut examples = format!("Examples:\n  {}", names::cli_example(bin, &r.name, op));
        if !op.response.envelope_fields.is_empty() {
            let beside: Vec<String> = op.response.envelope_fields.iter().map(|f| format!("\"{f}\": …")).collect();
            examples = format!("Prints the whole reply: {{\"data\": …, {}}} (-o ndjson|table: the rest on stderr).\n\n{examples}", beside.join(", "));
        }
        // A renamed operation answers to its former name too (hidden, as clap's `alias` is).
        let alias = names::former_command(op).map(|old| quote! { , alias = #old });
        if clap_default(&names::snake(&op.id), &name) {
            quote! { #d #[command(after_help = #examples #alias)] #v(#a), }
        } else {
            quote! { #d #[command(name = #name, after_help = #examples #alias)] #v(#a), }
        }
    });
    // `names::SESSION_COMMANDS`, on the resource whose operation starts a session.
    let session_variants = session.then(|| {
        let res = names::kebab(&r.name);
        let status_help = format!("Examples:\n  {bin} {res} status");
        let token_help = format!("Examples:\n  {bin} {res} token");
        let status_doc = doc("Status: the server, the user, where the credentials come from, when the session expires, and the profile (no secrets)");
        let token_doc = doc(&format!(
            "Token: print the current access token, refreshed first when it is due, for scripts (curl -H \"Authorization: Bearer $({bin} {res} token)\" …)"
        ));
        quote! {
            #status_doc
            #[command(after_help = #status_help)]
            Status,
            #token_doc
            #[command(after_help = #token_help)]
            Token,
        }
    });
    quote! {
        // Variant names are operation ids, which may share a suffix (`..._tfa`); the enum is
        // built once per run, so variant sizes do not matter.
        #[derive(Subcommand)]
        #[allow(clippy::enum_variant_names, clippy::large_enum_variant)]
        enum #sub { #(#variants)* #session_variants }
    }
}

fn args_ident(r: &Resource, op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}{}Args", type_ident(&r.name), type_ident(&op.id))
}

/// How every list flag is read (`cli::read_list`).
const LIST_HELP: &str = " (A,B,… or a JSON array; @FILE or - for one per line)";

fn help(p: &Param) -> String {
    let mut h = p.description.lines().next().unwrap_or_default().trim_end_matches('.').to_owned();
    if h.is_empty() {
        h = names::snake(&p.name).replace('_', " ");
    }
    if let Some(d) = &p.default {
        h += &format!(" [server default: {d}]");
    }
    match p.ty {
        Type::Json => h += " (JSON, @FILE or - for stdin)",
        Type::StringList | Type::IntegerList | Type::JsonList => h += LIST_HELP,
        _ => {}
    }
    h
}

fn stdin_field(p: &Param) -> proc_macro2::Ident {
    format_ident!("{}", names::stdin_field(p))
}

/// The fields of the positional key (`users get ID`) and its flag (`--id ID`): one of the two
/// is required, and they conflict.
fn positional_fields(p: &Param) -> TokenStream {
    let name = ident(&p.name);
    let pos = format_ident!("{}", names::positional_field(p));
    let (id, pos_id) = (name.to_string(), pos.to_string());
    let long_attr = long(&id, &names::flag(p));
    let value_name = names::snake(&p.name).to_ascii_uppercase();
    let ty = match p.ty {
        Type::Integer => quote! { i64 },
        Type::Number => quote! { f64 },
        _ => quote! { String },
    };
    let d = doc(&help(p));
    let pos_doc = doc(&format!("{} (or --{})", help(p), names::flag(p)));
    quote! {
        #d #[arg(#long_attr, allow_hyphen_values = true, conflicts_with = #pos_id, required_unless_present = #pos_id)] #name: Option<#ty>,
        #pos_doc #[arg(value_name = #value_name)] #pos: Option<#ty>,
    }
}

fn field_for(p: &Param, secrets: &[&Param]) -> TokenStream {
    let name = ident(&p.name);
    let flag = names::flag(p);
    if p.secret {
        let stdin = stdin_field(p);
        let flag = names::stdin_flag(p);
        let env = names::secret_env(p);
        let label = names::snake(&p.name).replace('_', " ");
        let prompt = if p.required { ", or a prompt" } else { "" };
        let d = doc(&format!("Read the {label} from stdin (otherwise from --{} or ${env}{prompt})", names::file_flag(p)));
        let file = format_ident!("{}", names::file_field(p));
        let file_d = doc(&format!("Read the {label} from this file (- for stdin)"));
        let file_long = long(&names::file_field(p), &names::file_flag(p));
        // Stdin can carry only one secret; a file can carry each of the others.
        let others: Vec<String> = secrets.iter().filter(|s| s.name != p.name).map(|s| stdin_field(s).to_string()).collect();
        let conflicts = (!others.is_empty()).then(|| quote! { , conflicts_with_all = [#(#others),*] });
        let stdin_id = stdin.to_string();
        let long = long(&stdin.to_string(), &flag);
        return quote! {
            #d #[arg(#long #conflicts)] #stdin: bool,
            #file_d #[arg(#file_long, value_name = "PATH", conflicts_with = #stdin_id)] #file: Option<std::path::PathBuf>,
        };
    }
    let d = doc(&help(p));
    let long_attr = long(&name.to_string(), &flag);
    if p.ty == Type::Boolean {
        // Switches: `--system` sends true; an optional one also has `--no-system`, which sends
        // false (neither sends nothing, leaving the server's default).
        if !names::is_switch_pair(p) {
            return quote! { #d #[arg(#long_attr)] #name: bool, };
        }
        let (id, no_id) = (names::ident(&p.name), names::negated_field(p));
        let no = format_ident!("{}", no_id);
        let no_long = long(&no_id, &names::negated_flag(p));
        let no_doc = doc(&format!("Send false for --{flag}"));
        return quote! {
            #d #[arg(#long_attr, overrides_with = #no_id)] #name: bool,
            #no_doc #[arg(#no_long, overrides_with = #id)] #no: bool,
        };
    }
    let values = (!p.values.is_empty()).then(|| {
        let v = &p.values;
        quote! { , value_parser = [#(#v),*] }
    });
    // Values may start with `-`: `--sort -date`, `--limit -1`, `--search -x`.
    let (ty, extra) = match p.ty {
        Type::String | Type::Json => (quote! { String }, quote! { , allow_hyphen_values = true }),
        Type::Integer => (quote! { i64 }, quote! { , allow_hyphen_values = true }),
        Type::Number => (quote! { f64 }, quote! { , allow_hyphen_values = true }),
        Type::Boolean => unreachable!("switches are handled above"),
        // Lists are read by `cli::read_list`: each occurrence is A,B,…, a JSON array, @FILE or -.
        Type::StringList | Type::IntegerList | Type::JsonList => (quote! { Vec<String> }, quote! { , value_name = "LIST", allow_hyphen_values = true }),
        Type::File => (quote! { std::path::PathBuf }, quote! { , allow_hyphen_values = true }),
    };
    let is_list = matches!(p.ty, Type::StringList | Type::IntegerList | Type::JsonList);
    // A required input the server has a default for (`server graphql`'s scope) may be left out.
    let default = match (&p.default, p.required && !is_list) {
        (Some(serde_json::Value::String(d)), true) => Some(d.clone()),
        (Some(d @ serde_json::Value::Number(_)), true) => Some(d.to_string()),
        _ => None,
    };
    let extra = match default {
        Some(d) => quote! { #extra, default_value = #d },
        None => extra,
    };
    let ty = match (p.required, is_list) {
        (true, true) => return quote! { #d #[arg(#long_attr, required = true #extra #values)] #name: #ty, },
        (true, false) | (false, true) => ty,
        (false, false) => quote! { Option<#ty> },
    };
    quote! { #d #[arg(#long_attr #extra #values)] #name: #ty, }
}

fn args_struct(model: &Model, r: &Resource, op: &Operation) -> TokenStream {
    let a = args_ident(r, op);
    let secrets: Vec<&Param> = op.secrets().collect();
    let positional = op.positional_key().map(|p| p.name.as_str());
    let mut fields: Vec<TokenStream> = op
        .inputs()
        .map(|p| if Some(p.name.as_str()) == positional { positional_fields(p) } else { field_for(p, &secrets) })
        .collect();
    if let Some(q) = &op.query_set {
        let t = format_ident!("{}Args", type_ident(q));
        fields.push(quote! { #[command(flatten)] query: #t, });
    }
    if model.api.streamed_set_of(op).is_some() {
        fields.push(quote! {
            /// Read every item, page by page (Directus returns 100 items unless --limit is set);
            /// JSON and ndjson print the items as they arrive
            #[arg(long)]
            all: bool,
        });
    }
    if op.open_body {
        fields.push(quote! {
            /// Other fields, as a JSON object (inline, @FILE, or - for stdin); flags win over it
            #[arg(long, value_name = "JSON", allow_hyphen_values = true)]
            data: Option<String>,
        });
    }
    match &op.body {
        Body::Array { name, items, description } => {
            let n = ident(name);
            let long = long(&n.to_string(), &names::kebab(name));
            let what = if description.is_empty() { "Keys" } else { description.lines().next().unwrap_or_default() };
            let d = doc(&format!("{}{LIST_HELP}", what.trim_end_matches('.')));
            let _ = items;
            fields.push(quote! { #d #[arg(#long, value_name = "LIST", required = true, allow_hyphen_values = true)] #n: Vec<String>, });
        }
        Body::Value { name, description, file } => {
            let n = ident(name);
            let long = long(&n.to_string(), &names::kebab(name));
            let what = if description.is_empty() { "Request body" } else { description.lines().next().unwrap_or_default() };
            let d = doc(&format!("{what} (JSON inline, @FILE, or - for stdin)"));
            if *file {
                // `schema diff snapshot.yaml` beside `schema diff --snapshot @snapshot.json`: one of
                // the two is required, and they conflict.
                let pos = format_ident!("{}", names::positional_file_field(name));
                let (id, pos_id) = (n.to_string(), pos.to_string());
                let pos_doc = doc(&format!("{} (or --{}): a file of JSON or YAML, or - for stdin", what.trim_end_matches('.'), names::kebab(name)));
                fields.push(quote! {
                    #d #[arg(#long, allow_hyphen_values = true, conflicts_with = #pos_id, required_unless_present = #pos_id)] #n: Option<String>,
                    #pos_doc #[arg(value_name = "FILE", conflicts_with = #id)] #pos: Option<std::path::PathBuf>,
                });
            } else {
                fields.push(quote! { #d #[arg(#long, allow_hyphen_values = true)] #n: String, });
            }
        }
        _ => {}
    }
    if op.response.kind == ResponseKind::Binary {
        let (flag, field) = (names::OUTPUT_FILE_FLAG, format_ident!("{}", names::OUTPUT_FILE_FIELD));
        fields.push(quote! {
            /// Write the file here instead of to stdout; a file already there is replaced once the
            /// download is complete (like `curl -o`)
            #[arg(long = #flag, short = 'O', value_name = "FILE", allow_hyphen_values = true)]
            #field: Option<std::path::PathBuf>,
        });
    }
    if op.reply_fields {
        let (flag, field) = (names::REPLY_FIELDS, format_ident!("{}", names::REPLY_FIELDS));
        fields.push(quote! {
            /// Fields of the saved record to print (comma-separated; dot notation reaches into relations)
            #[arg(long = #flag, value_delimiter = ',', value_name = "FIELD")]
            #field: Vec<String>,
        });
    }
    if op.confirm {
        let (flag, field) = (names::YES_FLAG, format_ident!("{}", names::YES_FLAG));
        fields.push(quote! {
            /// Do it without asking: this cannot be undone (needed when stdin is not a terminal)
            #[arg(long = #flag)]
            #field: bool,
        });
    }
    quote! {
        #[derive(Args)]
        struct #a { #(#fields)* }
    }
}

/// `let` bindings that turn flags into the client's argument types, and the argument expressions.
fn convert(p: &Param) -> (TokenStream, TokenStream) {
    convert_from(p, &quote! { args })
}

fn convert_from(p: &Param, args: &TokenStream) -> (TokenStream, TokenStream) {
    let name = ident(&p.name);
    let flag = format!("--{}", names::flag(p));
    if p.secret {
        let stdin = stdin_field(p);
        let label = names::snake(&p.name).replace('_', " ");
        let stdin_flag = format!("--{}", names::stdin_flag(p));
        let env = names::secret_env(p);
        let read = if p.required { quote! { cli::read_secret } } else { quote! { cli::read_optional_secret } };
        let file = format_ident!("{}", names::file_field(p));
        let file_flag = format!("--{}", names::file_flag(p));
        let bind = quote! {
            let #name = #read(SecretSource {
                name: #label,
                stdin_flag: #stdin_flag,
                from_stdin: #args.#stdin,
                file_flag: #file_flag,
                file: #args.#file.as_deref(),
                env: #env,
            })?;
        };
        return (bind, quote! { #name });
    }
    if names::is_switch_pair(p) {
        let no = format_ident!("{}", names::negated_field(p));
        return (quote! {}, quote! { #args.#name.then_some(true).or(#args.#no.then_some(false)) });
    }
    match (p.ty, p.required) {
        (Type::Json, true) => (quote! { let #name = cli::read_json(#flag, &#args.#name)?; }, quote! { &#name }),
        (Type::Json, false) => (quote! { let #name = #args.#name.as_deref().map(|v| cli::read_json(#flag, v)).transpose()?; }, quote! { #name }),
        (Type::StringList, true) => (
            quote! {
                let #name = cli::read_strings(#flag, &#args.#name)?;
                let #name: Vec<&str> = #name.iter().map(String::as_str).collect();
            },
            quote! { &#name },
        ),
        (Type::IntegerList, true) => (quote! { let #name = cli::read_integers(#flag, &#args.#name)?; }, quote! { &#name }),
        (Type::JsonList, true) => (quote! { let #name = cli::read_list(#flag, &#args.#name)?; }, quote! { &#name }),
        (Type::StringList | Type::IntegerList | Type::JsonList, false) => {
            let read = match p.ty {
                Type::StringList => quote! { cli::read_strings },
                Type::IntegerList => quote! { cli::read_integers },
                _ => quote! { cli::read_list },
            };
            (quote! { let #name = (!#args.#name.is_empty()).then(|| #read(#flag, &#args.#name)).transpose()?; }, quote! { #name })
        }
        (Type::String | Type::File, true) => (quote! {}, quote! { &#args.#name }),
        (_, true) => (quote! {}, quote! { #args.#name }),
        (_, false) => (quote! {}, quote! { #args.#name }),
    }
}

/// The positional key or its flag, whichever was given.
fn convert_positional(p: &Param) -> (TokenStream, TokenStream) {
    let name = ident(&p.name);
    let pos = format_ident!("{}", names::positional_field(p));
    let flag = format!("--{}", names::flag(p));
    let bind = quote! { let #name = cli::flag_or_positional(#flag, args.#name, args.#pos)?; };
    let expr = match p.ty {
        Type::Integer | Type::Number => quote! { #name },
        _ => quote! { &#name },
    };
    (bind, expr)
}

/// The flags of a query set, and how they become the client's query struct.
fn query_set_args(krate: &proc_macro2::Ident, q: &crate::model::QuerySet) -> TokenStream {
    let args_ty = format_ident!("{}Args", type_ident(&q.name));
    let ty = type_ident(&q.name);
    let fields = q.params.iter().map(|p| field_for(p, &[]));
    let mut binds = Vec::new();
    let mut inits = Vec::new();
    for p in &q.params {
        let (bind, expr) = convert_from(p, &quote! { self });
        binds.push(bind);
        let f = ident(&p.name);
        // The struct is #[non_exhaustive]: set its fields, no struct expression.
        inits.push(quote! { query.#f = #expr; });
    }
    quote! {
        #[derive(Args)]
        struct #args_ty { #(#fields)* }

        impl #args_ty {
            fn into_query(self) -> Result<#krate::#ty, cli::CliError> {
                #(#binds)*
                let mut query = #krate::#ty::default();
                #(#inits)*
                Ok(query)
            }
        }
    }
}

fn dispatch_arm(krate: &proc_macro2::Ident, model: &Model, r: &Resource, op: &Operation) -> TokenStream {
    let v = type_ident(&op.id);
    let accessor = ident(&r.name);
    // A list whose query can ask for `meta` prints it when it came back.
    let pages = model.api.paged_set_of(op).is_some();
    let method = ident(&op.id);
    let module = ident(&r.name);
    let mut binds = Vec::new();
    let mut call_args = Vec::new();
    let mut option_fields = Vec::new();
    let positional = op.positional_key().map(|p| p.name.as_str());
    for p in op.inputs() {
        let (bind, expr) = if Some(p.name.as_str()) == positional { convert_positional(p) } else { convert(p) };
        binds.push(bind);
        if p.required {
            call_args.push(expr);
        } else {
            let f = ident(&p.name);
            // Shorthand where the bound value already has the field's name (clippy: redundant_field_names).
            // An input with `values` is an enum; the CLI's string converts into it.
            let expr = if p.values_type.is_some() { quote! { (#expr).map(Into::into) } } else { expr };
            option_fields.push(quote! { options.#f = #expr; });
        }
    }
    match &op.body {
        Body::Array { name, items, .. } => {
            let n = ident(name);
            let flag = format!("--{}", names::kebab(name));
            match items {
                Type::Integer => binds.push(quote! { let #n = cli::read_integers(#flag, &args.#n)?; }),
                Type::Json => binds.push(quote! { let #n = cli::read_list(#flag, &args.#n)?; }),
                _ => binds.push(quote! {
                    let #n = cli::read_strings(#flag, &args.#n)?;
                    let #n: Vec<&str> = #n.iter().map(String::as_str).collect();
                }),
            }
            call_args.push(quote! { &#n });
        }
        Body::Value { name, file, .. } => {
            let n = ident(name);
            let flag = format!("--{}", names::kebab(name));
            if *file {
                let pos = format_ident!("{}", names::positional_file_field(name));
                binds.push(quote! { let #n = cli::read_json_or_document(#flag, args.#n.as_deref(), args.#pos.as_deref())?; });
            } else {
                binds.push(quote! { let #n = cli::read_json(#flag, &args.#n)?; });
            }
            call_args.push(quote! { &#n });
        }
        _ => {}
    }
    if op.query_set.is_some() {
        binds.push(quote! { let query = args.query.into_query()?; });
        call_args.push(quote! { &query });
    }
    if op.open_body {
        option_fields.push(quote! { options.extra = cli::read_json_object("--data", args.data.as_deref())?; });
    }
    if !option_fields.is_empty() {
        let o = format_ident!("{}Options", type_ident(&op.id));
        call_args.push(quote! { &{ let mut options = #krate::#module::#o::default(); #(#option_fields)* options } });
    }
    // JSON is printed as the server sent it (every field, `null`s included), so the CLI reads
    // it as `Value`, not as the record type; a reply with named fields keeps its struct, whose
    // secrets the printer knows.
    let decode = (op.response.kind == ResponseKind::Json && op.reply_type().is_none() && op.composite.is_none()).then(|| quote! { .decode::<serde_json::Value>() });
    // `--all`: the list's stream, printed as it arrives.
    let all = model.api.streamed_set_of(op).map(|_| {
        quote! {
            if all {
                return Ok(Output::Items(client.#accessor().#method(#(#call_args),*) #decode .stream()));
            }
        }
    });
    let all_bind = all.as_ref().map(|_| quote! { let all = args.all; });
    let meta = pages.then(|| quote! { .with_meta() });
    let turbofish = op.composite.is_some().then(|| quote! { ::<serde_json::Value> });
    let shape = op.reply_fields.then(|| {
        let field = format_ident!("{}", names::REPLY_FIELDS);
        quote! { .fields(&args.#field) }
    });
    let call_expr = quote! { client.#accessor().#method #turbofish (#(#call_args),*) #shape #decode #meta };
    let call = quote! { #call_expr.await? };
    let output = match op.response.kind {
        // The reply carries more than `data` (spec `envelope_fields`): the whole of it is printed.
        ResponseKind::Json if !op.response.envelope_fields.is_empty() => quote! { cli::whole_envelope(std::future::IntoFuture::into_future(#call_expr)).await },
        ResponseKind::Json if pages => quote! { Output::page(#call) },
        ResponseKind::Json => quote! { Output::json(#call) },
        ResponseKind::Empty => quote! { #call; Ok(Output::Empty) },
        ResponseKind::Text => quote! { Ok(Output::Text(#call)) },
        ResponseKind::Redirect => quote! { Ok(Output::Redirect(#call)) },
        ResponseKind::Upload => quote! { Output::json(#call) },
        ResponseKind::Binary => {
            let field = format_ident!("{}", names::OUTPUT_FILE_FIELD);
            quote! { Ok(Output::Download { download: #call, to: args.#field }) }
        }
    };
    // Irreversible: asked on a terminal, `--yes` otherwise; before any input is read.
    let confirm = op.confirm.then(|| {
        let field = format_ident!("{}", names::YES_FLAG);
        let question = format!("{} {}: {}", r.name, op.id, op.summary.trim_end_matches('.'));
        quote! { cli::confirm(args.#field, client.runtime(), #question)?; }
    });
    let uses_args = !binds.is_empty() || !call_args.is_empty() || op.response.kind == ResponseKind::Binary || op.confirm || op.reply_fields;
    let pat = if uses_args { quote! { args } } else { quote! { _args } };
    quote! {
        #v(#pat) => {
            #confirm
            #all_bind
            #(#binds)*
            #all
            #output
        }
    }
}
