//! Between two Directus releases: the routes their server packages register, added and removed,
//! for planning a spec update (no spec involved).

use super::package::{out_of_scope, Package, PackageRoute};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize)]
pub struct RouteChange {
    pub method: String,
    pub path: String,
    pub condition: Option<String>,
    /// Why it is out of scope, if it is.
    pub out_of_scope: Option<String>,
    pub note: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Changes {
    pub from: String,
    pub to: String,
    pub added: Vec<RouteChange>,
    pub removed: Vec<RouteChange>,
    /// Routes in both whose condition changed.
    pub condition_changed: Vec<RouteChange>,
    pub unchanged: usize,
}

/// Method and path with placeholder names dropped, optional segments kept apart (`{?}`).
fn key(r: &PackageRoute) -> (String, String) {
    let path = r.path.split('/').map(|seg| if seg.starts_with('{') && seg.ends_with("?}") { "{?}".to_owned() } else { super::normalize(seg) }).collect::<Vec<_>>().join("/");
    (r.method.clone(), path)
}

fn label(p: &Package) -> String {
    match &p.directus_version {
        Some(v) => format!("Directus {v} (@directus/api {})", p.api_version),
        None => format!("@directus/api {}", p.api_version),
    }
}

fn change(r: &PackageRoute, note: String) -> RouteChange {
    RouteChange { method: r.method.clone(), path: r.path.clone(), condition: r.condition.clone(), out_of_scope: out_of_scope(&r.path).map(str::to_owned), note }
}

pub fn compare(old: &Package, new: &Package) -> Changes {
    let old_routes: BTreeMap<_, _> = old.routes.iter().map(|r| (key(r), r)).collect();
    let new_routes: BTreeMap<_, _> = new.routes.iter().map(|r| (key(r), r)).collect();
    let mut c = Changes { from: label(old), to: label(new), added: Vec::new(), removed: Vec::new(), condition_changed: Vec::new(), unchanged: 0 };
    for (k, r) in &new_routes {
        match old_routes.get(k) {
            None => c.added.push(change(r, format!("registered at {}", r.sources.join(", ")))),
            Some(o) if o.condition != r.condition => c.condition_changed.push(change(
                r,
                format!("was {}; now {}", o.condition.as_deref().unwrap_or("unconditional"), r.condition.as_deref().unwrap_or("unconditional")),
            )),
            Some(_) => c.unchanged += 1,
        }
    }
    for (k, r) in &old_routes {
        if !new_routes.contains_key(k) {
            c.removed.push(change(r, format!("was registered at {}", r.sources.join(", "))));
        }
    }
    c
}

fn table(out: &mut String, title: &str, rows: &[RouteChange]) {
    let in_scope = rows.iter().filter(|r| r.out_of_scope.is_none()).count();
    *out += &format!("\n## {title} ({}, {in_scope} in scope)\n\n", rows.len());
    if rows.is_empty() {
        *out += "None.\n";
        return;
    }
    *out += "| Method | Path | Condition | Scope | Note |\n|---|---|---|---|---|\n";
    for r in rows {
        let scope = r.out_of_scope.as_deref().map(|w| format!("out: {w}")).unwrap_or_else(|| "in".into());
        *out += &format!("| {} | `{}` | {} | {} | {} |\n", r.method, r.path, r.condition.as_deref().unwrap_or("—").replace('|', "\\|"), scope, r.note.replace('|', "\\|"));
    }
}

pub fn markdown(c: &Changes) -> String {
    let mut out = format!("# Routes from {} to {}\n\n", c.from, c.to);
    out += &format!(
        "{} added, {} removed, {} with a changed condition, {} unchanged. Paths are compared with placeholder names dropped.\n",
        c.added.len(),
        c.removed.len(),
        c.condition_changed.len(),
        c.unchanged
    );
    table(&mut out, "Added", &c.added);
    table(&mut out, "Removed", &c.removed);
    table(&mut out, "Condition changed", &c.condition_changed);
    out
}
