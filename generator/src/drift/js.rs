//! A small JavaScript tokenizer: enough of the language to find Express route registrations in
//! the compiled output of `@directus/api` (comments, strings, template literals, regular
//! expression literals and brackets are told apart; nothing is evaluated).

#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    Lit(String),
    /// The source text of a `${…}` expression.
    Expr(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    Str(String),
    Template(Vec<Part>),
    Num(String),
    Punct(String),
    Regex,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub line: u32,
}

impl Token {
    pub fn is(&self, p: &str) -> bool {
        matches!(&self.tok, Tok::Punct(x) | Tok::Ident(x) if x == p)
    }
    pub fn ident(&self) -> Option<&str> {
        match &self.tok {
            Tok::Ident(s) => Some(s),
            _ => None,
        }
    }
}

const PUNCT: [&str; 36] = [
    ">>>=", "===", "!==", "...", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=",
    "/=", "%=", "&=", "|=", "^=", "**", "<<", ">>", "#!", "::", "@@",
];

const REGEX_AFTER: [&str; 14] = ["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await"];

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || c == '#' || !c.is_ascii()
}

/// Tokenizes `src`. Errors name the line of an unterminated string, template or comment.
pub fn tokenize(src: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start_line = line;
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            loop {
                if i + 1 >= chars.len() {
                    return Err(format!("line {start_line}: unterminated comment"));
                }
                if chars[i] == '\n' {
                    line += 1;
                }
                if chars[i] == '*' && chars[i + 1] == '/' {
                    i += 2;
                    break;
                }
                i += 1;
            }
            continue;
        }
        if c == '"' || c == '\'' {
            let (s, next) = string(&chars, i, &mut line).ok_or_else(|| format!("line {start_line}: unterminated string"))?;
            out.push(Token { tok: Tok::Str(s), line: start_line });
            i = next;
            continue;
        }
        if c == '`' {
            let (parts, next) = template(&chars, i, &mut line).ok_or_else(|| format!("line {start_line}: unterminated template literal"))?;
            out.push(Token { tok: Tok::Template(parts), line: start_line });
            i = next;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let s = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_') {
                i += 1;
            }
            out.push(Token { tok: Tok::Num(chars[s..i].iter().collect()), line });
            continue;
        }
        if ident_char(c) {
            let s = i;
            while i < chars.len() && ident_char(chars[i]) {
                i += 1;
            }
            out.push(Token { tok: Tok::Ident(chars[s..i].iter().collect()), line });
            continue;
        }
        if c == '/' && regex_allowed(out.last()) {
            i = regex(&chars, i).ok_or_else(|| format!("line {start_line}: unterminated regular expression"))?;
            out.push(Token { tok: Tok::Regex, line });
            continue;
        }
        let rest: String = chars[i..(i + 4).min(chars.len())].iter().collect();
        let p = PUNCT.iter().find(|p| rest.starts_with(**p)).map(|p| (*p).to_owned()).unwrap_or_else(|| c.to_string());
        i += p.chars().count();
        out.push(Token { tok: Tok::Punct(p), line });
    }
    Ok(out)
}

fn regex_allowed(prev: Option<&Token>) -> bool {
    match prev.map(|t| &t.tok) {
        None => true,
        Some(Tok::Punct(p)) => !matches!(p.as_str(), ")" | "]"),
        Some(Tok::Ident(w)) => REGEX_AFTER.contains(&w.as_str()),
        _ => false,
    }
}

fn regex(chars: &[char], mut i: usize) -> Option<usize> {
    i += 1;
    let mut class = false;
    loop {
        let c = *chars.get(i)?;
        match c {
            '\\' => i += 1,
            '\n' => return None,
            '[' => class = true,
            ']' => class = false,
            '/' if !class => break,
            _ => {}
        }
        i += 1;
    }
    i += 1;
    while i < chars.len() && chars[i].is_ascii_alphabetic() {
        i += 1;
    }
    Some(i)
}

fn string(chars: &[char], mut i: usize, line: &mut u32) -> Option<(String, usize)> {
    let quote = chars[i];
    i += 1;
    let mut s = String::new();
    loop {
        let c = *chars.get(i)?;
        match c {
            '\\' => {
                let e = *chars.get(i + 1)?;
                match e {
                    'n' => s.push('\n'),
                    't' => s.push('\t'),
                    '\n' => *line += 1,
                    _ => s.push(e),
                }
                i += 2;
                continue;
            }
            '\n' => return None,
            _ if c == quote => return Some((s, i + 1)),
            _ => s.push(c),
        }
        i += 1;
    }
}

fn template(chars: &[char], mut i: usize, line: &mut u32) -> Option<(Vec<Part>, usize)> {
    i += 1;
    let mut parts = Vec::new();
    let mut lit = String::new();
    loop {
        let c = *chars.get(i)?;
        match c {
            '`' => {
                if !lit.is_empty() {
                    parts.push(Part::Lit(lit));
                }
                return Some((parts, i + 1));
            }
            '\\' => {
                lit.push(*chars.get(i + 1)?);
                i += 2;
                continue;
            }
            '$' if chars.get(i + 1) == Some(&'{') => {
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                let start = i + 2;
                i = skip_expr(chars, start, line)?;
                parts.push(Part::Expr(chars[start..i].iter().collect::<String>().trim().to_owned()));
            }
            '\n' => {
                *line += 1;
                lit.push(c);
            }
            _ => lit.push(c),
        }
        i += 1;
    }
}

/// From just inside `${`, the index of its closing `}`.
fn skip_expr(chars: &[char], mut i: usize, line: &mut u32) -> Option<usize> {
    let mut depth = 0;
    loop {
        let c = *chars.get(i)?;
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            '"' | '\'' => {
                i = string(chars, i, line)?.1;
                continue;
            }
            '`' => {
                i = template(chars, i, line)?.1;
                continue;
            }
            '\n' => *line += 1,
            _ => {}
        }
        i += 1;
    }
}

/// For each opening bracket the index of its closing one (and the reverse); unbalanced input is an error.
pub fn match_brackets(toks: &[Token]) -> Result<Vec<usize>, String> {
    let mut m = vec![usize::MAX; toks.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if let Tok::Punct(p) = &t.tok {
            match p.as_str() {
                "(" | "[" | "{" => stack.push(i),
                ")" | "]" | "}" => {
                    let open = stack.pop().ok_or_else(|| format!("line {}: unbalanced `{p}`", t.line))?;
                    m[open] = i;
                    m[i] = open;
                }
                _ => {}
            }
        }
    }
    match stack.last() {
        Some(&open) => Err(format!("line {}: unclosed bracket", toks[open].line)),
        None => Ok(m),
    }
}

/// Tokens as readable source text: `toBoolean(env["MCP_ENABLED"]) === true`.
pub fn render(toks: &[Token]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Tok> = None;
    for t in toks {
        let text = match &t.tok {
            Tok::Ident(s) | Tok::Num(s) | Tok::Punct(s) => s.clone(),
            Tok::Str(s) => format!("{s:?}"),
            Tok::Template(parts) => {
                let inner: String = parts.iter().map(|p| match p {
                    Part::Lit(s) => s.clone(),
                    Part::Expr(e) => format!("${{{e}}}"),
                }).collect();
                format!("`{inner}`")
            }
            Tok::Regex => "/…/".into(),
        };
        let no_space_before = match &t.tok {
            Tok::Punct(p) => match p.as_str() {
                "." | "?." | ")" | "]" | "," | ";" | ":" => true,
                "(" | "[" => matches!(prev, Some(Tok::Ident(_))) || matches!(prev, Some(Tok::Punct(q)) if q == ")" || q == "]"),
                _ => false,
            },
            _ => false,
        };
        let no_space_after = matches!(prev, Some(Tok::Punct(p)) if matches!(p.as_str(), "." | "?." | "(" | "[" | "!"));
        if !out.is_empty() && !no_space_before && !no_space_after {
            out.push(' ');
        }
        out += &text;
        prev = Some(&t.tok);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_templates_regexes_and_comments() {
        let t = tokenize("router.get(`/x/:pk(${UUID_REGEX})`, a); // c\n/* d */ const r = /a\\/[/]b/g; x = 4 / 2;").unwrap();
        assert_eq!(t[4].tok, Tok::Template(vec![Part::Lit("/x/:pk(".into()), Part::Expr("UUID_REGEX".into()), Part::Lit(")".into())]));
        assert!(t.iter().any(|t| t.tok == Tok::Regex));
        assert_eq!(t.iter().filter(|t| t.tok == Tok::Regex).count(), 1, "4 / 2 is a division");
        assert_eq!(t.last().unwrap().line, 2);
    }

    #[test]
    fn renders_conditions() {
        let t = tokenize("toBoolean(env['MCP_ENABLED']) === true && !env[\"X\"]").unwrap();
        assert_eq!(render(&t), "toBoolean(env[\"MCP_ENABLED\"]) === true && !env[\"X\"]");
    }
}
