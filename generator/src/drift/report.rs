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
    let drift = d.missing_from_spec.len() + d.missing_from_server.len() + d.parameter_mismatches.len();
    out += &if drift == 0 {
        "No drift: every route the server has is in the spec, and every route the spec expects is on the server.\n".to_owned()
    } else {
        format!(
            "{drift} difference(s): {} route(s) the spec lacks, {} the server lacks, {} parameter mismatch(es). \
             Paths are compared with placeholder names dropped (`{{}}`).\n",
            d.missing_from_spec.len(),
            d.missing_from_server.len(),
            d.parameter_mismatches.len()
        )
    };
    table(&mut out, "Routes the server has that the spec lacks", "Candidates for new spec operations.", &d.missing_from_spec);
    table(&mut out, "Spec operations the server lacks", "The spec says this version has them.", &d.missing_from_server);
    table(&mut out, "Parameter mismatches", "Query parameters the server documents and the spec does not declare.", &d.parameter_mismatches);
    table(&mut out, "Differences by version (expected)", "Routes the spec has for other Directus versions.", &d.version_differences);
    table(&mut out, "Left out of Directus's OpenAPI output (expected)", "Marked `oas: false` in the spec.", &d.not_in_oas);
    table(&mut out, "Not checkable from this document (expected)", "Per-collection item routes.", &d.unverifiable);
    out
}
