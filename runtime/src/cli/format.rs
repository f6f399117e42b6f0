//! How a command's JSON result is printed: `-o json|yaml|ndjson|table`, after an optional `--jq`
//! filter (jaq, a jq written in Rust).

use super::CliError;
use serde_json::Value;

/// The output formats of `-o/--output`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// JSON, pretty on a terminal or with --pretty
    #[default]
    Json,
    /// YAML; several --jq results are separate documents
    Yaml,
    /// One JSON value per line; a list prints one item per line
    Ndjson,
    /// A table: columns from --fields, else the reply's scalar fields (id first), cut to the terminal's width
    Table,
}

/// A compiled `--jq` expression.
pub struct Jq {
    filter: jaq_core::Filter<jaq_core::data::JustLut<jaq_json::Val>>,
}

impl Jq {
    /// Parses and compiles `expr`; a bad one is a usage error with jaq's message and where it is.
    pub fn compile(expr: &str) -> Result<Jq, CliError> {
        use jaq_core::load::{self, Arena, File, Loader};
        let defs = jaq_core::defs().chain(jaq_std::defs()).chain(jaq_json::defs());
        let funs = jaq_core::funs().chain(jaq_std::funs()).chain(jaq_json::funs());
        let arena = Arena::default();
        let bad = |what: &str, detail: String| CliError::Usage(format!("--jq: {what} in `{expr}`: {detail}"));
        let at = |part: &str| {
            let start = load::span(expr, part).start;
            let col = expr[..start].chars().count() + 1;
            if part.is_empty() {
                "at the end".to_owned()
            } else {
                format!("at column {col} (`{}`)", part.chars().take(20).collect::<String>())
            }
        };
        let modules = Loader::new(defs).load(&arena, File { code: expr, path: () }).map_err(|errs| {
            let mut found = Vec::new();
            for (_, e) in errs {
                match e {
                    load::Error::Io(v) => found.extend(v.into_iter().map(|(path, e)| format!("{path}: {e}"))),
                    load::Error::Lex(v) => found.extend(v.into_iter().map(|(want, part)| format!("expected {} {}", want.as_str(), at(part)))),
                    load::Error::Parse(v) => found.extend(v.into_iter().map(|(want, part)| format!("expected {} {}", want.as_str(), at(part)))),
                }
            }
            bad("syntax error", found.join("; "))
        })?;
        let filter = jaq_core::Compiler::default().with_funs(funs).compile(modules).map_err(|errs| {
            let found: Vec<String> = errs
                .into_iter()
                .flat_map(|(_, v)| v)
                .map(|(name, what)| format!("undefined {} `{name}` {}", what.as_str(), at(name)))
                .collect();
            bad("error", found.join("; "))
        })?;
        Ok(Jq { filter })
    }

    /// Runs the filter on `input`: its results, in order. A failure here is exit 1: the request
    /// has been answered, only the output could not be made.
    pub fn run(&self, input: Value) -> Result<Vec<Value>, CliError> {
        use jaq_core::{data::JustLut, Ctx, Vars};
        use serde::Deserialize;
        let input = jaq_json::Val::deserialize(input).map_err(|e| CliError::Output(format!("--jq: {e}")))?;
        let ctx = Ctx::<JustLut<jaq_json::Val>>::new(&self.filter.lut, Vars::new([]));
        let mut out = Vec::new();
        for r in self.filter.id.run((ctx, input)) {
            // Not `jaq_core::unwrap_valr`: on `halt` it ends the process itself, with any exit
            // code the filter names, so a filter could pass for an auth or server failure.
            let exn = match r {
                Ok(v) => {
                    out.push(to_json(&v));
                    continue;
                }
                Err(exn) => exn,
            };
            return Err(match exn.get_err() {
                Ok(e) => CliError::Output(format!("--jq: {e} (the request itself succeeded)")),
                Err(exn) => match exn.get_halt() {
                    // `halt`: the results so far are the output.
                    Ok(0) => return Ok(out),
                    Ok(code) => CliError::Output(format!(
                        "--jq: the filter stopped with `halt_error` (its code {code} is not this command's exit code; the request itself succeeded)"
                    )),
                    Err(_) => CliError::Output("--jq: the filter ended in an unexpected way (the request itself succeeded)".into()),
                },
            });
        }
        Ok(out)
    }
}

/// A jaq value as JSON: non-finite numbers become null (as jq prints them), byte strings and
/// non-string keys become text.
fn to_json(v: &jaq_json::Val) -> Value {
    use jaq_json::{Num, Val};
    match v {
        Val::Null => Value::Null,
        Val::Bool(b) => Value::Bool(*b),
        Val::Num(Num::Int(i)) => Value::from(*i as i64),
        Val::Num(Num::Float(f)) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Val::Num(n) => {
            let text = n.to_string();
            serde_json::from_str::<serde_json::Number>(&text)
                .ok()
                .or_else(|| text.parse::<f64>().ok().and_then(serde_json::Number::from_f64))
                .map_or(Value::Null, Value::Number)
        }
        Val::TStr(b) | Val::BStr(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
        Val::Arr(a) => Value::Array(a.iter().map(to_json).collect()),
        Val::Obj(o) => Value::Object(
            o.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Val::TStr(b) | Val::BStr(b) => String::from_utf8_lossy(b).into_owned(),
                        other => other.to_string(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
    }
}

/// How to print, from the global flags.
pub struct Style {
    pub format: Format,
    pub pretty: bool,
    /// Table columns: the operation's `--fields`, when it was given.
    pub columns: Option<Vec<String>>,
    /// The width a table must fit, when known (a terminal, or `$COLUMNS`).
    pub width: Option<usize>,
}

/// What to print: the reply, a whole reply envelope (`{"data": …, "meta": …}` or with other
/// fields beside `data`), or `--jq`'s results.
pub enum Printable {
    One(Value),
    /// JSON and YAML print it whole; ndjson and tables print `data`, and the rest on stderr.
    Envelope(serde_json::Map<String, Value>),
    Stream(Vec<Value>),
}

/// The text for stdout, and a note for stderr (what an envelope has beside `data`, such as a
/// page's meta, or columns left out of a table).
pub fn render(what: Printable, style: &Style) -> Result<(String, Option<String>), CliError> {
    let mut note = None;
    let values = match (what, style.format) {
        (Printable::Envelope(whole), Format::Json | Format::Yaml) => vec![Value::Object(whole)],
        (Printable::Envelope(mut whole), Format::Ndjson | Format::Table) => {
            let data = whole.shift_remove("data").unwrap_or(Value::Null);
            let rest: Vec<String> = whole.iter().map(|(k, v)| format!("{k}: {}", serde_json::to_string(v).unwrap_or_default())).collect();
            note = (!rest.is_empty()).then(|| rest.join("\n"));
            vec![data]
        }
        (Printable::One(v), _) => vec![v],
        (Printable::Stream(v), _) => v,
    };
    let mut out = String::new();
    match style.format {
        Format::Json => {
            for v in &values {
                let text = if style.pretty { serde_json::to_string_pretty(v) } else { serde_json::to_string(v) };
                out += &text.map_err(|e| CliError::Output(e.to_string()))?;
                out.push('\n');
            }
        }
        Format::Yaml => {
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out += "---\n";
                }
                out += &serde_norway::to_string(v).map_err(|e| CliError::Output(format!("the result could not be printed as YAML: {e}")))?;
            }
        }
        Format::Ndjson => {
            for v in rows(values) {
                out += &serde_json::to_string(&v).map_err(|e| CliError::Output(e.to_string()))?;
                out.push('\n');
            }
        }
        Format::Table => {
            let (text, left_out) = table(&rows(values), style.columns.as_deref(), style.width);
            out = text;
            if let Some(l) = left_out {
                note = Some(match note {
                    Some(n) => format!("{n}\n{l}"),
                    None => l,
                });
            }
        }
    }
    Ok((out, note))
}

/// The lines of ndjson and the rows of a table: lists give their items, anything else itself.
fn rows(values: Vec<Value>) -> Vec<Value> {
    values
        .into_iter()
        .flat_map(|v| match v {
            Value::Array(items) => items,
            other => vec![other],
        })
        .collect()
}

/// The value at a dotted path (`role.name`); through a list, the values of its items.
fn lookup<'a>(row: &'a Value, path: &str) -> Option<std::borrow::Cow<'a, Value>> {
    use std::borrow::Cow;
    let mut cur = Cow::Borrowed(row);
    for key in path.split('.') {
        cur = match cur {
            Cow::Borrowed(Value::Object(m)) => Cow::Borrowed(m.get(key)?),
            Cow::Borrowed(Value::Array(items)) => Cow::Owned(Value::Array(items.iter().filter_map(|i| i.get(key).cloned()).collect())),
            Cow::Owned(Value::Object(mut m)) => Cow::Owned(m.remove(key)?),
            Cow::Owned(Value::Array(items)) => Cow::Owned(Value::Array(items.iter().filter_map(|i| i.get(key).cloned()).collect())),
            _ => return None,
        };
    }
    Some(cur)
}

fn cell(v: Option<&Value>) -> String {
    let text = match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    // Server text: one line, no terminal controls.
    crate::error::escape_controls(&text).into_owned()
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// The columns a table shows by default: the fields that hold a scalar in some row, in order of
/// appearance, `id` first.
fn default_columns(rows: &[Value]) -> Vec<String> {
    let mut cols: Vec<String> = Vec::new();
    for row in rows {
        if let Value::Object(m) = row {
            for (k, v) in m {
                if is_scalar(v) && !cols.contains(k) {
                    cols.push(k.clone());
                }
            }
        }
    }
    if let Some(i) = cols.iter().position(|c| c == "id") {
        let id = cols.remove(i);
        cols.insert(0, id);
    }
    cols
}

/// The columns named by `--fields`: `a.*` shows `a`; `*` anywhere means the defaults.
fn chosen_columns(fields: &[String]) -> Option<Vec<String>> {
    let mut cols: Vec<String> = Vec::new();
    for f in fields {
        let f = f.trim();
        if f == "*" || f.is_empty() {
            return None;
        }
        let f = f.strip_suffix(".*").unwrap_or(f).to_owned();
        if !cols.contains(&f) {
            cols.push(f);
        }
    }
    Some(cols)
}

/// Narrowest a default column is squeezed to before columns are left out.
const MIN_COLUMN: usize = 8;
/// Widest an `id` column is kept whole (a UUID is 36).
const MAX_KEY: usize = 40;
/// Space between columns.
const GAP: usize = 2;

/// A borderless table (`ID  EMAIL  STATUS` style, easy for `awk` and `cut`), and a note naming
/// the default columns that did not fit the width.
fn table(rows: &[Value], fields: Option<&[String]>, width: Option<usize>) -> (String, Option<String>) {
    use comfy_table::{presets, ColumnConstraint, ContentArrangement, Row, Table, Width};
    let objects = rows.iter().any(Value::is_object);
    let chosen = fields.and_then(chosen_columns);
    let explicit = chosen.is_some();
    let mut cols = match chosen {
        Some(c) => c,
        None if objects => default_columns(rows),
        None => Vec::new(),
    };
    let mut note = None;
    if cols.is_empty() {
        // Scalars (e.g. `--jq '.[].id'`), or objects without a scalar field: one column.
        cols.push("value".into());
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            cols.iter()
                .map(|c| match row {
                    Value::Object(_) => cell(lookup(row, c).as_deref()),
                    other if c == "value" && !objects => cell(Some(other)),
                    _ => String::new(),
                })
                .collect()
        })
        .collect();
    // The narrowest each column may get: its header, and all of an `id` (a cut key is no use);
    // other cells may be cut to MIN_COLUMN.
    let widest = |i: usize| cells.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let least: Vec<usize> = (0..cols.len())
        .map(|i| {
            let header = cols[i].chars().count();
            let floor = if cols[i] == "id" { widest(i).min(MAX_KEY) } else { widest(i).min(MIN_COLUMN) };
            header.max(floor)
        })
        .collect();
    let mut keep = cols.len();
    if let (Some(width), false) = (width, explicit) {
        // Default columns: as many as fit; the rest are named on stderr.
        let mut used = 0;
        keep = 0;
        for w in &least {
            if keep > 0 && used + w + GAP > width {
                break;
            }
            used += w + GAP;
            keep += 1;
        }
        if keep < cols.len() {
            note = Some(format!(
                "table: {} more column(s) did not fit ({}); choose columns with --fields",
                cols.len() - keep,
                cols[keep..].join(", ")
            ));
        }
    }
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_truncation_indicator("…");
    t.set_header(cols[..keep].iter().map(String::as_str).collect::<Vec<_>>());
    for r in &cells {
        let mut row = Row::from(r[..keep].iter().map(String::as_str).collect::<Vec<_>>());
        if width.is_some() {
            row.max_height(1);
        }
        t.add_row(row);
    }
    if let Some(w) = width {
        t.set_content_arrangement(ContentArrangement::Dynamic);
        // The last column's padding is trimmed from each line, so it may use the width.
        t.set_width(u16::try_from(w + GAP).unwrap_or(u16::MAX));
    }
    for (c, least) in t.column_iter_mut().zip(&least) {
        c.set_padding((0, GAP as u16));
        c.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(u16::try_from(least + GAP).unwrap_or(u16::MAX))));
    }
    let mut text: String = t.lines().map(|l| l.trim_end().to_owned() + "\n").collect();
    if rows.is_empty() {
        // Only the header: say so, as kubectl does.
        text = String::new();
        note = Some(match note {
            Some(n) => format!("no items\n{n}"),
            None => "no items".into(),
        });
    }
    (text, note)
}

/// The width a table must fit: the terminal's when stdout is one, else `$COLUMNS` when set,
/// else none (piped output is not cut).
pub fn table_width() -> Option<usize> {
    use std::io::IsTerminal;
    let stdout = std::io::stdout();
    if stdout.is_terminal() {
        if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size_of(&stdout) {
            return Some(w.into());
        }
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse().ok()).filter(|w: &usize| *w > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn style(format: Format) -> Style {
        Style { format, pretty: false, columns: None, width: None }
    }

    #[test]
    fn jq_runs_and_reports_bad_expressions() {
        let jq = Jq::compile(".[] | .id").unwrap();
        assert_eq!(jq.run(json!([{"id": 1}, {"id": "a"}])).unwrap(), vec![json!(1), json!("a")]);
        let jq = Jq::compile("map(select(.n > 1)) | length").unwrap();
        assert_eq!(jq.run(json!([{"n": 1}, {"n": 2}, {"n": 3}])).unwrap(), vec![json!(2)]);
        let err = Jq::compile(".[] |").err().unwrap();
        assert_eq!(err.exit_code(), super::super::exit::USAGE);
        assert!(err.to_string().starts_with("--jq: syntax error in `.[] |`"), "{err}");
        let err = Jq::compile("nosuchfn(1)").err().unwrap();
        assert!(err.to_string().contains("undefined filter `nosuchfn`"), "{err}");
        let err = Jq::compile(".a").unwrap().run(json!([1])).unwrap_err();
        assert_eq!(err.exit_code(), super::super::exit::OTHER, "{err}");
        assert_eq!(Jq::compile("1e1000, nan, 2.5").unwrap().run(json!(null)).unwrap()[1..], [json!(null), json!(2.5)]);
    }

    /// A filter cannot end the process or choose its exit code: `halt` ends the output, and
    /// `halt_error` is a local failure (exit 1) whatever code it names.
    #[test]
    fn jq_halt_ends_the_filter_not_the_process() {
        assert_eq!(Jq::compile("1, 2, halt, 3").unwrap().run(json!(null)).unwrap(), vec![json!(1), json!(2)]);
        for filter in ["halt_error", "{\"a\": 1} | halt_error(3)", ".[0], halt_error(4)"] {
            let err = Jq::compile(filter).unwrap().run(json!([1])).unwrap_err();
            assert_eq!(err.exit_code(), super::super::exit::OTHER, "{filter}: {err}");
            assert!(err.to_string().contains("halt_error"), "{filter}: {err}");
        }
    }

    #[test]
    fn formats() {
        let v = json!([{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]);
        let (text, _) = render(Printable::One(v.clone()), &style(Format::Ndjson)).unwrap();
        assert_eq!(text, "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n");
        let (text, _) = render(Printable::One(v.clone()), &style(Format::Yaml)).unwrap();
        assert_eq!(text, "- id: 1\n  name: a\n- id: 2\n  name: b\n");
        let (text, _) = render(Printable::Stream(vec![json!(1), json!("x")]), &style(Format::Yaml)).unwrap();
        assert_eq!(text, "1\n---\nx\n");
        let (text, note) = render(page(v.clone()), &style(Format::Ndjson)).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert_eq!(note.as_deref(), Some("meta: {\"total_count\":2}"));
        let (text, _) = render(page(v), &style(Format::Json)).unwrap();
        assert!(text.starts_with("{\"data\":[") && text.contains("\"meta\":{\"total_count\":2}"), "{text}");
        // Fields beside `data` stay where the server put them, and go to stderr with ndjson.
        let whole = json!({"data": [], "disableDefault": false, "meta": {"n": 1}});
        let (text, _) = render(Printable::Envelope(whole.as_object().unwrap().clone()), &style(Format::Json)).unwrap();
        assert_eq!(text, "{\"data\":[],\"disableDefault\":false,\"meta\":{\"n\":1}}\n");
        let (text, note) = render(Printable::Envelope(whole.as_object().unwrap().clone()), &style(Format::Ndjson)).unwrap();
        assert_eq!((text.as_str(), note.as_deref()), ("", Some("disableDefault: false\nmeta: {\"n\":1}")));
    }

    fn page(data: Value) -> Printable {
        Printable::Envelope(json!({"data": data, "meta": {"total_count": 2}}).as_object().unwrap().clone())
    }

    #[test]
    fn tables() {
        let rows = json!([
            {"name": "a", "id": 1, "tags": ["x"], "role": {"name": "Admin"}, "note": null},
            {"name": "line\nbreak", "id": 2, "role": {"name": "Editor"}, "note": "n"}
        ]);
        let (text, note) = table(&super::rows(vec![rows.clone()]), None, None);
        assert_eq!(text, "id  name         note\n1   a\n2   line\\nbreak  n\n", "{text}");
        assert!(note.is_none());
        let fields = vec!["role.name".to_owned(), "id".to_owned()];
        let (text, _) = table(&super::rows(vec![rows.clone()]), Some(&fields), None);
        assert_eq!(text, "role.name  id\nAdmin      1\nEditor     2\n", "{text}");
        let long = json!([{"id": 1, "description": "a rather long piece of text that will not fit", "a": "x", "b": "y"}]);
        let (text, note) = table(&super::rows(vec![long]), None, Some(30));
        assert!(text.lines().all(|l| l.chars().count() <= 30), "{text}");
        assert!(text.contains('…') && text.lines().count() == 2, "{text}");
        assert!(note.is_none(), "{note:?}");
        let wide = json!([{"id": 1, "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "status": "active", "role": "r"}]);
        let (text, note) = table(&super::rows(vec![wide]), None, Some(30));
        assert!(text.lines().all(|l| l.chars().count() <= 30), "{text}");
        assert!(text.starts_with("id  first_name  last_name"), "the headers are whole: {text}");
        assert_eq!(text.lines().count(), 2, "{text}");
        let uuids = json!([{"id": "8cf09b19-5e0b-4c2a-9a35-0c8b3d7d1f11", "email": "someone@example.com", "title": "x"}]);
        let (text, _) = table(&super::rows(vec![uuids]), None, Some(50));
        assert!(text.contains("8cf09b19-5e0b-4c2a-9a35-0c8b3d7d1f11  someone"), "a key is never cut: {text}");
        assert!(text.lines().all(|l| l.chars().count() <= 50), "{text}");
        let note = note.unwrap_or_default();
        assert!(note.contains("did not fit (") && note.contains("role)") && note.contains("--fields"), "{note}");
        let (text, _) = table(&super::rows(vec![json!(["a", "b"])]), None, None);
        assert_eq!(text, "value\na\nb\n");
        let (text, note) = table(&[], None, None);
        assert_eq!((text.as_str(), note.as_deref()), ("", Some("no items")));
    }
}
