//! Finds the line and column of a YAML path (`operations.0.body.fields.1.name`).
//!
//! serde_yaml reports positions only for parse errors, but a validation error should point at
//! its line too. The spec is written in block style, so an indentation scan is enough; a path it
//! cannot place (flow style) falls back to its nearest placed parent.

use foldhash::{HashMap, HashMapExt};

#[derive(Debug, Default)]
pub struct KeyIndex {
    positions: HashMap<String, (usize, usize)>,
}

struct Frame {
    indent: usize,
    path: String,
    is_item: bool,
}

impl KeyIndex {
    pub fn new(text: &str) -> Self {
        let mut positions = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut next_index: HashMap<String, usize> = HashMap::new();
        let mut block_scalar_indent: Option<usize> = None;

        for (line_no, raw) in text.lines().enumerate() {
            let trimmed = raw.trim_start();
            let mut indent = raw.len() - trimmed.len();
            if let Some(bi) = block_scalar_indent {
                if trimmed.is_empty() || indent > bi {
                    continue;
                }
                block_scalar_indent = None;
            }
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "---" {
                continue;
            }
            let mut content = trimmed;
            // Sequence items, possibly several on one line (`- - x`), each maybe opening a mapping.
            while content == "-" || content.starts_with("- ") {
                while stack.last().is_some_and(|f| f.indent > indent || (f.indent == indent && f.is_item)) {
                    stack.pop();
                }
                let parent = stack.last().map(|f| f.path.clone()).unwrap_or_default();
                let counter = next_index.entry(parent.clone()).or_insert(0);
                let path = join(&parent, &counter.to_string());
                *counter += 1;
                positions.insert(path.clone(), (line_no + 1, indent + 1));
                next_index.remove(&path);
                stack.push(Frame { indent, path, is_item: true });
                let rest = content[1..].trim_start();
                indent += content.len() - rest.len();
                content = rest;
            }
            let Some((key, value)) = split_key(content) else { continue };
            while stack.last().is_some_and(|f| f.indent >= indent) {
                stack.pop();
            }
            let parent = stack.last().map(|f| f.path.clone()).unwrap_or_default();
            let path = join(&parent, &key);
            positions.insert(path.clone(), (line_no + 1, indent + 1));
            next_index.remove(&path);
            if value.starts_with('|') || value.starts_with('>') {
                block_scalar_indent = Some(indent);
            }
            stack.push(Frame { indent, path, is_item: false });
        }
        Self { positions }
    }

    /// Line and column (1-based) of the path, or of its nearest parent; the document's start
    /// (1, 1) when no parent is placed either (a key written in flow style at the top level).
    pub fn find(&self, path: &str) -> (usize, usize) {
        let mut p = path;
        loop {
            if let Some(pos) = self.positions.get(p) {
                return *pos;
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => return (1, 1),
            }
        }
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// `key: value` → (key, value); quoted keys lose their quotes.
fn split_key(content: &str) -> Option<(String, &str)> {
    let (key, value) = if let Some(q) = content.strip_prefix('"').or_else(|| content.strip_prefix('\'')) {
        let quote = content.as_bytes()[0] as char;
        let end = q.find(quote)?;
        let after = q[end + 1..].strip_prefix(':')?;
        (q[..end].to_owned(), after)
    } else {
        let colon = content.find(": ").or_else(|| content.strip_suffix(':').map(|k| k.len()))?;
        let key = &content[..colon];
        if key.starts_with(['{', '[', '"', '\'']) {
            return None;
        }
        (key.trim_end().to_owned(), &content[colon + 1..])
    };
    Some((key, value.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "\
resource: users
description: |
  text: with a colon
  - and a dash
operations:
- id: a
  body:
    fields:
      - name: password
        type: string
      - name: otp
- id: b
  method: POST
";

    #[test]
    fn places_keys_and_items() {
        let ix = KeyIndex::new(YAML);
        assert_eq!(ix.find("resource"), (1, 1));
        assert_eq!(ix.find("operations"), (5, 1));
        assert_eq!(ix.find("operations.0.id"), (6, 3));
        assert_eq!(ix.find("operations.0.body.fields.0.name"), (9, 9));
        assert_eq!(ix.find("operations.0.body.fields.1.name"), (11, 9));
        assert_eq!(ix.find("operations.1.method"), (13, 3));
        assert_eq!(ix.find("operations.1.nope"), (12, 1));
        assert_eq!(ix.find("text"), (1, 1), "block scalar content is not a key: the document's start");
    }
}
