//! A drift report as Markdown or JSON.

use super::{Drift, Finding};

fn table(out: &mut String, title: &str, explain: &str, findings: &[Finding]) {
    if findings.is_empty() {
        return;
    }
    *out += &format!("\n## {title} ({})\n\n{explain}\n\n| Method | Path | Spec operations | Note |\n|---|---|---|---|\n", findings.len());
    for f in findings {
        let ops = if f.operations.is_empty() { "—".to_owned() } else { f.operations.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ") };
        *out += &format!("| {} | `{}` | {} | {} |\n", f.method, f.path, ops, f.note.replace('|', "\\|"));
    }
}

pub fn markdown(d: &Drift) -> String {
    let mut out = format!("# Drift: spec against Directus {} ({})\n\n", d.server_version, d.source);
    if let Some(p) = &d.package {
        out += &format!(
            "The package (@directus/api {}) registers {} routes: {} in scope ({} of them configuration-dependent), {} out of scope; \
             OPTIONS and HEAD registrations ({}) are not counted. Spec operations serve {} of the in-scope routes.\n\n",
            p.api_version, p.routes, p.in_scope, p.configuration_dependent, p.out_of_scope, p.other_methods, p.served_by_spec
        );
    }
    let drift = d.missing_from_spec.len() + d.missing_from_server.len() + d.parameter_mismatches.len();
    let server = if d.package.is_some() { "package" } else { "server" };
    out += &if drift == 0 {
        format!("No drift: every route the {server} has is in the spec, and every route the spec expects is on the {server}.\n")
    } else {
        format!(
            "{drift} difference(s): {} route(s) the spec lacks, {} the {server} lacks, {} parameter mismatch(es). \
             Paths are compared with placeholder names dropped (`{{}}`).\n",
            d.missing_from_spec.len(),
            d.missing_from_server.len(),
            d.parameter_mismatches.len()
        )
    };
    if d.package.is_some() {
        table(&mut out, "Routes the package registers that the spec lacks", "Candidates for new spec operations (`--scaffold` writes drafts).", &d.missing_from_spec);
        table(&mut out, "Spec operations the package lacks", "The spec says this version has them; the package registers no such route.", &d.missing_from_server);
    } else {
        table(&mut out, "Routes the server has that the spec lacks", "Candidates for new spec operations.", &d.missing_from_spec);
        table(&mut out, "Spec operations the server lacks", "The spec says this version has them.", &d.missing_from_server);
    }
    table(&mut out, "Parameter mismatches", "Query parameters the server documents and the spec does not declare.", &d.parameter_mismatches);
    table(&mut out, "Documented, not served (not drift)", "Routes the OpenAPI document lists that the package does not register: the document is wrong.", &d.documented_not_served);
    table(&mut out, "Unverified parameters (not drift)", "Query parameters only the OpenAPI document claims; a controller may ignore them, so check before adding them to the spec.", &d.unverified_parameters);
    table(&mut out, "Configuration-dependent routes (not drift)", "Served only when the condition holds; routes off by default are never reported as missing.", &d.configuration_dependent);
    table(&mut out, "Differences by version (expected)", "Routes the spec has for other Directus versions.", &d.version_differences);
    table(&mut out, "Left out of Directus's OpenAPI output (expected)", "Marked `oas: false` in the spec.", &d.not_in_oas);
    table(&mut out, "Not checkable from this document (expected)", "Per-collection item routes.", &d.unverifiable);
    table(&mut out, "Out of scope (not drift)", "Registered by the package, outside what the REST client covers.", &d.out_of_scope);
    out
}
