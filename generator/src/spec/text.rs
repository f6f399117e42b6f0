//! Checks a spec file's raw text before YAML parsing: characters that would corrupt what the
//! text ends up in (rustdoc, Markdown, `--help`, Cargo.toml), and nesting too deep to be a spec.
//!
//! Done on the text rather than on parsed values so that every string (titles, descriptions,
//! examples, names) is covered by one rule, and the problem is placed at its exact line and column.

/// How deep block and flow collections may nest (serde_yaml's own limit). The real spec nests 7 levels; a response example
/// may add a few more. Past this the file is refused before parsing: parse time and the key index
/// grow with depth times size, so a 200 KB file nested 100,000 deep took over a minute.
pub const MAX_DEPTH: usize = 128;

/// A problem found in the text, 1-based position.
#[derive(Debug, PartialEq, Eq)]
pub struct TextProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub fix: String,
}

/// The text as the parser should see it: without a leading byte-order mark and with CRLF line
/// endings turned into LF (editors on Windows write them; rustdoc rejects a bare CR).
pub fn normalise(text: String) -> String {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    if text.contains("\r\n") {
        text.replace("\r\n", "\n")
    } else {
        text
    }
}

/// The first character that may not appear in a spec file, and nesting past [`MAX_DEPTH`].
/// Call on normalised text. At most one problem of each kind: one is enough to fix the file.
pub fn check(text: &str) -> Vec<TextProblem> {
    let mut out = Vec::new();
    if let Some(p) = bad_character(text) {
        out.push(p);
    }
    if let Some(p) = too_deep(text) {
        out.push(p);
    }
    out
}

fn bad_character(text: &str) -> Option<TextProblem> {
    let (mut line, mut column) = (1, 1);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            column = 1;
            continue;
        }
        if let Some(what) = forbidden(c) {
            return Some(TextProblem {
                line,
                column,
                message: format!("the text holds {what} (U+{:04X})", c as u32),
                fix: "remove it: spec text goes into Rust docs, Markdown, --help and Cargo.toml, where it would break lines, \
                      hide or reorder text, or control the reader's terminal"
                    .into(),
            });
        }
        column += 1;
    }
    None
}

/// Why `c` is refused, if it is.
fn forbidden(c: char) -> Option<&'static str> {
    match c {
        '\t' | '\n' => None,
        '\r' => Some("a carriage return without a line feed"),
        '\u{1b}' => Some("an escape character"),
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => Some("a control character"),
        '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            Some("a bidirectional control character")
        }
        '\u{2028}' | '\u{2029}' => Some("a Unicode line or paragraph separator"),
        '\u{feff}' => Some("a byte-order mark inside the file"),
        _ => None,
    }
}

/// Nesting of block collections (by indentation and `- - x` items) plus flow collections
/// (`[` and `{` outside quotes and comments). An upper bound of YAML's own depth, cheap to count.
fn too_deep(text: &str) -> Option<TextProblem> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    for (n, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start_matches(' ');
        if flow == 0 && !(trimmed.is_empty() || trimmed.starts_with('#')) {
            let mut indent = raw.len() - trimmed.len();
            while indents.last().is_some_and(|&i| i >= indent) {
                indents.pop();
            }
            indents.push(indent);
            let mut rest = trimmed;
            while let Some(r) = rest.strip_prefix("- ") {
                indent += 2;
                indents.push(indent);
                rest = r.trim_start_matches(' ');
            }
        }
        let mut quote: Option<char> = None;
        for (col, c) in raw.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') if col == 0 || raw[..col].ends_with(' ') => break,
                (None, '[' | '{') => {
                    flow += 1;
                    if indents.len() + flow > MAX_DEPTH {
                        return Some(deep(n + 1, col + 1));
                    }
                }
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                _ => {}
            }
        }
        if indents.len() + flow > MAX_DEPTH {
            return Some(deep(n + 1, 1));
        }
    }
    None
}

/// A string value holding a refused character written as a YAML escape (`"\r"`, `"\e"`,
/// `"\u202E"`), which the text scan cannot see. Returns its YAML path and the problem (placed by
/// the caller). Only files that contain such an escape are parsed a second time for this.
pub fn escaped_character(text: &str) -> Option<(String, TextProblem)> {
    let escapes = text.as_bytes().windows(2).any(|w| w[0] == b'\\' && b"0abertvfxuUNLP_e".contains(&w[1]));
    if !escapes {
        return None;
    }
    let value: serde_yaml::Value = serde_yaml::from_str(text).ok()?;
    find_escaped(&value, String::new())
}

fn find_escaped(v: &serde_yaml::Value, path: String) -> Option<(String, TextProblem)> {
    let join = |k: &str| if path.is_empty() { k.to_owned() } else { format!("{path}.{k}") };
    match v {
        // A CRLF pair is a line break as in the file; only a lone CR is refused.
        serde_yaml::Value::String(s) => s.replace("\r\n", "\n").chars().find_map(|c| forbidden(c).map(|what| (c, what))).map(|(c, what)| {
            let problem = TextProblem {
                line: 0,
                column: 0,
                message: format!("the value holds {what} (U+{:04X}), written as an escape", c as u32),
                fix: "remove the escape: spec text goes into Rust docs, Markdown, --help and Cargo.toml".into(),
            };
            (path.clone(), problem)
        }),
        serde_yaml::Value::Sequence(items) => items.iter().enumerate().find_map(|(i, item)| find_escaped(item, join(&i.to_string()))),
        serde_yaml::Value::Mapping(map) => map.iter().find_map(|(k, item)| {
            let key = match k {
                serde_yaml::Value::String(s) => s.clone(),
                other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
            };
            find_escaped(item, join(&key))
        }),
        serde_yaml::Value::Tagged(t) => find_escaped(&t.value, path),
        _ => None,
    }
}

fn deep(line: usize, column: usize) -> TextProblem {
    TextProblem {
        line,
        column,
        message: format!("the file nests deeper than {MAX_DEPTH} levels"),
        fix: "a spec nests a few levels; flatten the value (a long example belongs in a file of its own, not in the spec)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_bom_and_crlf() {
        assert_eq!(normalise("\u{feff}a: 1\r\nb: 2\r\n".into()), "a: 1\nb: 2\n");
        assert!(check(&normalise("a: 1\r\n".into())).is_empty());
    }

    #[test]
    fn places_the_first_bad_character() {
        let p = &check("a: 1\nb: x\u{202e}y\n")[0];
        assert_eq!((p.line, p.column), (2, 5));
        assert!(p.message.contains("bidirectional"), "{}", p.message);
        assert_eq!(check("a: \"x\ry\"")[0].column, 6);
        assert!(check("a: \"\u{1b}]0;t\u{7}\"")[0].message.contains("escape"));
        assert!(check("tab:\t1\nünïcödé: ✓\n").is_empty());
    }

    #[test]
    fn finds_escaped_control_characters() {
        let (path, p) = escaped_character("a:\n  - b: \"x\\ry\"\n").unwrap();
        assert_eq!(path, "a.0.b");
        assert!(p.message.contains("carriage return"), "{}", p.message);
        assert!(escaped_character("a: \"say \\\"hi\\\"\\n\"\n").is_none(), "quotes and newlines are fine");
    }

    #[test]
    fn refuses_deep_nesting_quickly() {
        let flow = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let p = &check(&flow)[0];
        assert_eq!(p.line, 1);
        assert!(p.message.contains("deeper"));
        let block: String = (0..140).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
        assert_eq!(check(&block).len(), 1);
        let compact = format!("a:\n{}x\n", "- ".repeat(140));
        assert_eq!(check(&compact).len(), 1);
        // Brackets in quoted strings and comments do not count.
        let quoted = format!("a: \"{}\" # {}\n", "[".repeat(100), "{".repeat(100));
        assert!(check(&quoted).is_empty());
    }
}
