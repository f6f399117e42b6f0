//! The models of two snapshots compared, with the verdicts of `generator diff` (`diff::Change`,
//! `Impact`, the semver bump): what a schema change does to code that uses the models.
//!
//! Model structs and choice enums are `#[non_exhaustive]` (built from `Default` and set field by
//! field; matched with a `_` arm), so a collection, field or choice added breaks no caller; one
//! removed, renamed or retyped does, as does a field that becomes nullable or stops being so
//! (`Option<Option<T>>` against `Option<T>`).

use super::{Model, Models, Ty};
use crate::diff::{Change, Impact};

fn change(collection: &str, class: &'static str, detail: String, rust: Impact) -> Change {
    Change { resource: collection.to_owned(), operation: None, class, detail, rust, cli: Impact::None, docs: true }
}

pub fn compare(old: &Models, new: &Models) -> Vec<Change> {
    let mut out = Vec::new();
    let all = |m: &Models| -> Vec<(String, bool)> { m.collections.iter().map(|c| (c.collection.clone(), false)).chain(m.system.iter().map(|c| (c.collection.clone(), true))).collect() };
    let mut names = all(old);
    names.extend(all(new));
    names.sort();
    names.dedup();
    for (name, system) in names {
        match (find(old, &name, system), find(new, &name, system)) {
            (Some(_), None) => out.push(change(&name, "collection-removed", format!("collection `{name}` removed: `{}` is gone", type_of(old, &name, system)), Impact::Breaking)),
            (None, Some(m)) => out.push(change(&name, "collection-added", format!("collection `{name}` added: `{}`", m.type_name), Impact::Compatible)),
            (Some(a), Some(b)) => fields(a, b, &mut out),
            (None, None) => {}
        }
    }
    out
}

fn find<'a>(m: &'a Models, name: &str, system: bool) -> Option<&'a Model> {
    if system { &m.system } else { &m.collections }.iter().find(|c| c.collection == name)
}

fn type_of(m: &Models, name: &str, system: bool) -> String {
    if system { &m.system } else { &m.collections }.iter().find(|c| c.collection == name).map(|c| c.type_name.clone()).unwrap_or_default()
}

fn fields(a: &Model, b: &Model, out: &mut Vec<Change>) {
    let c = &a.collection;
    if a.singleton != b.singleton {
        let now = if b.singleton { "a singleton" } else { "a collection of many items" };
        out.push(change(c, "singleton-changed", format!("`{c}` is now {now}: its typed access changes"), Impact::Breaking));
    }
    if a.note != b.note {
        out.push(change(c, "note-changed", format!("the note of `{c}` changed (docs only)"), Impact::None));
    }
    for f in &a.fields {
        match b.fields.iter().find(|g| g.name == f.name) {
            None => out.push(change(c, "field-removed", format!("field `{c}.{}` removed", f.name), Impact::Breaking)),
            Some(g) => {
                let (was, now) = (super::emit::type_text(f), super::emit::type_text(g));
                if was != now {
                    out.push(change(c, "field-retyped", format!("field `{c}.{}` is now `{now}` (was `{was}`)", f.name), Impact::Breaking));
                }
                if let (Ty::Choices { variants: va, .. }, Ty::Choices { variants: vb, .. }) = (&f.ty, &g.ty) {
                    for (v, value) in va.iter().filter(|x| !vb.contains(x)) {
                        out.push(change(c, "choice-removed", format!("choice `{value}` (`{v}`) of `{c}.{}` removed", f.name), Impact::Breaking));
                    }
                    for (v, value) in vb.iter().filter(|x| !va.contains(x)) {
                        out.push(change(c, "choice-added", format!("choice `{value}` (`{v}`) of `{c}.{}` added", f.name), Impact::Compatible));
                    }
                }
                if f.note != g.note || f.default != g.default {
                    out.push(change(c, "field-doc-changed", format!("the note or default of `{c}.{}` changed (docs only)", f.name), Impact::None));
                }
            }
        }
    }
    for g in b.fields.iter().filter(|g| !a.fields.iter().any(|f| f.name == g.name)) {
        out.push(change(c, "field-added", format!("field `{c}.{}` added: `{}`", g.name, super::emit::type_text(g)), Impact::Compatible));
    }
}

/// The changes as Markdown: one table per collection.
pub fn markdown(old: &str, new: &str, changes: &[Change]) -> String {
    let mut out = format!("# Models diff: `{old}` → `{new}`\n\n");
    if changes.is_empty() {
        out += "No changes: the generated models stay the same.\n";
        return out;
    }
    let breaking = changes.iter().filter(|c| c.rust == Impact::Breaking).count();
    let bump = match crate::diff::report::bump(changes) {
        crate::diff::report::Bump::Major => "a breaking release of the models",
        crate::diff::report::Bump::Minor => "a compatible release with additions",
        _ => "a docs-only release",
    };
    out += &format!("{}, {breaking} breaking: {bump}.\n", crate::diff::report::count(changes.len(), "change"));
    let mut collections: Vec<&str> = changes.iter().map(|c| c.resource.as_str()).collect();
    collections.sort();
    collections.dedup();
    for col in collections {
        out += &format!("\n## {col}\n\n| Change | Rust API |\n|---|---|\n");
        for c in changes.iter().filter(|c| c.resource == col) {
            let verdict = match c.rust {
                Impact::Breaking => "**breaking**",
                Impact::Compatible => "compatible",
                Impact::None => "—",
            };
            out += &format!("| {} | {verdict} |\n", c.detail.replace('|', "\\|"));
        }
    }
    out += "\n*Breaking* means some code using the models stops compiling. Model structs and choice enums are \
            `#[non_exhaustive]`, so collections, fields and choices added are compatible.\n";
    out
}
