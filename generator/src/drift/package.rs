//! Route truth from a Directus server package: the routes an unpacked `@directus/api` registers,
//! read statically from its compiled JavaScript.
//!
//! Starting at the `express()` app in `dist/app.js`, every `app.use('/x', router)` mount is
//! followed into the module that defines the router (imports and exports are resolved, also
//! through functions that build routers, such as each auth driver's `createXAuthRouter`), and every
//! `router.get/post/put/patch/delete/search/all('/path', …)` becomes a route. The `if`, `else`,
//! loop and `switch` around a registration are kept as its conditions; `if` conditions on the
//! environment are evaluated against the defaults of the `@directus/env` package beside it, so a
//! route is known to be on or off in a default configuration. Nothing is executed.

use super::js::{self, Part, Tok, Token};
use crate::model::Version;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

/// What surrounds a registration in the source.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cond {
    /// `if (text)`; `negated` for its `else` branch.
    If { text: String, negated: bool },
    /// `for (const var of iter)`.
    Each { var: String, iter: String },
    /// Any other loop.
    Loop { text: String },
    /// `case label:` of `switch (discr)`.
    Case { discr: String, label: String },
}

/// Whether a server in its default configuration serves a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// Registered unconditionally.
    Always,
    /// Conditional, and the default configuration meets the condition.
    On,
    /// Conditional, and the default configuration does not meet it (or it exists per configured item).
    Off,
    /// Conditional on something the reader cannot evaluate.
    Unknown,
}

#[derive(Clone, Debug, Serialize)]
pub struct PackageRoute {
    pub method: String,
    /// Placeholders as `{name}`, optional segments as `{name?}`, wildcards as `{*}`.
    pub path: String,
    /// The conditions of each registration of this method and path (an empty list: unconditional).
    #[serde(skip)]
    pub alternatives: Vec<Vec<Cond>>,
    /// The conditions as text, when there are any.
    pub condition: Option<String>,
    pub default: Availability,
    /// `file:line` of each registration, relative to the package folder.
    pub sources: Vec<String>,
}

impl PackageRoute {
    /// The paths this route answers, normalized like spec paths (`{}`): an optional segment gives
    /// one path with it and one without.
    pub fn expansions(&self) -> Vec<String> {
        let mut out = vec![String::new()];
        for seg in self.path.split('/').skip(1) {
            let optional = seg.starts_with('{') && seg.ends_with("?}");
            let norm = format!("/{}", super::normalize(seg));
            let mut next = Vec::new();
            for p in &out {
                if optional {
                    next.push(p.clone());
                }
                next.push(format!("{p}{norm}"));
            }
            out = next;
        }
        for p in &mut out {
            if p.is_empty() {
                p.push('/');
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Whether this route serves `method` at the normalized `path`.
    pub fn serves(&self, method: &str, path: &str) -> bool {
        (self.method == method || self.method == "ANY") && self.expansions().iter().any(|p| p == path)
    }

    pub fn default_note(&self) -> &'static str {
        match self.default {
            Availability::Always => "always",
            Availability::On => "on by default",
            Availability::Off => "off by default",
            Availability::Unknown => "default unknown",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Package {
    /// The package folder as given.
    pub dir: String,
    /// The `@directus/api` version.
    pub api_version: String,
    /// The Directus release that ships this `@directus/api`, when the `directus` package is beside it.
    pub directus_version: Option<String>,
    pub routes: Vec<PackageRoute>,
    /// OPTIONS and HEAD registrations (tus), which no REST client calls; counted, not listed.
    pub other_methods: usize,
    /// Whether the `@directus/env` defaults were found, so conditions could be evaluated.
    pub env_defaults: bool,
}

/// Paths outside what a REST client crate covers, with the reason; matched by whole segments.
pub const OUT_OF_SCOPE: &[(&str, &str)] = &[
    ("/graphql", "GraphQL endpoint, not REST"),
    ("/license", "license management"),
    ("/deployments", "deployment integrations"),
    ("/mcp", "Model Context Protocol server"),
    ("/mcp-oauth", "OAuth for MCP clients"),
    ("/.well-known", "OAuth discovery for MCP clients"),
    ("/metrics", "Prometheus metrics"),
    ("/ai", "AI assistant"),
    ("/admin", "the Data Studio app"),
    ("/robots.txt", "a static file"),
];

/// Why `path` is out of scope, if it is. `/` (the root redirect) is, on its own.
pub fn out_of_scope(path: &str) -> Option<&'static str> {
    if path == "/" {
        return Some("the root redirect to the Data Studio");
    }
    OUT_OF_SCOPE.iter().find(|(p, _)| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/') || rest.starts_with('{'))).map(|(_, why)| *why)
}

const METHODS: [&str; 10] = ["get", "post", "put", "patch", "delete", "search", "use", "all", "options", "head"];

type RouterId = (String, String);

#[derive(Clone, Debug)]
enum Target {
    Ident(String),
    Call(String),
}

#[derive(Clone, Debug)]
struct Reg {
    method: String,
    path: Option<Vec<Part>>,
    targets: Vec<Target>,
    conds: Vec<Cond>,
    line: u32,
}

#[derive(Default)]
struct Module {
    rel: String,
    /// local name → (file, imported name)
    imports: HashMap<String, (PathBuf, String)>,
    /// exported name → local name
    exports: HashMap<String, String>,
    /// `export * from "…"`
    star_exports: Vec<PathBuf>,
    /// (function scope, variable) → registrations, in source order
    routers: HashMap<RouterId, Vec<Reg>>,
    /// The router `express()` creates.
    app: Option<RouterId>,
    /// function name → the router created in it
    fn_routers: HashMap<String, RouterId>,
    /// (scope, variable) → what was assigned to it, under which conditions
    vars: HashMap<RouterId, Vec<(Target, Vec<Cond>)>>,
}

#[derive(Clone)]
struct Ctx {
    scope: String,
    conds: Vec<Cond>,
}

impl Ctx {
    fn with(&self, c: Cond) -> Ctx {
        let mut conds = self.conds.clone();
        conds.push(c);
        Ctx { scope: self.scope.clone(), conds }
    }
}

struct Walker<'a> {
    toks: &'a [Token],
    m: &'a [usize],
    module: &'a mut Module,
    dir: &'a Path,
}

fn is(t: Option<&Token>, p: &str) -> bool {
    t.is_some_and(|t| t.is(p))
}

impl Walker<'_> {
    fn tok(&self, i: usize) -> Option<&Token> {
        self.toks.get(i)
    }

    fn block(&mut self, mut i: usize, end: usize, ctx: &Ctx) {
        while i < end {
            let next = self.statement(i, end, ctx);
            i = next.max(i + 1);
        }
    }

    /// Parses one statement at `i`; returns the index after it.
    fn statement(&mut self, i: usize, end: usize, ctx: &Ctx) -> usize {
        let Some(t) = self.tok(i) else { return end };
        let word = t.ident().unwrap_or("");
        let next_is_paren = is(self.tok(i + 1), "(");
        if t.is("{") {
            let close = self.m[i];
            self.block(i + 1, close, ctx);
            return close + 1;
        }
        if t.is(";") {
            return i + 1;
        }
        match word {
            "if" if next_is_paren => {
                let close = self.m[i + 1];
                let text = js::render(&self.toks[i + 2..close]);
                let mut j = self.statement(close + 1, end, &ctx.with(Cond::If { text: text.clone(), negated: false }));
                if is(self.tok(j), "else") {
                    j = self.statement(j + 1, end, &ctx.with(Cond::If { text, negated: true }));
                }
                j
            }
            "for" | "while" if next_is_paren => {
                let close = self.m[i + 1];
                let header = &self.toks[i + 2..close];
                let cond = match header {
                    [decl, var, of, rest @ ..] if matches!(decl.ident(), Some("const" | "let" | "var")) && of.is("of") && var.ident().is_some() => {
                        Cond::Each { var: var.ident().unwrap_or_default().to_owned(), iter: js::render(rest) }
                    }
                    _ => Cond::Loop { text: js::render(header) },
                };
                self.statement(close + 1, end, &ctx.with(cond))
            }
            "switch" if next_is_paren => {
                let close = self.m[i + 1];
                let discr = js::render(&self.toks[i + 2..close]);
                if !is(self.tok(close + 1), "{") {
                    return close + 1;
                }
                let body_end = self.m[close + 1];
                let mut j = close + 2;
                let mut case: Option<Cond> = None;
                while j < body_end {
                    let w = self.tok(j).and_then(Token::ident).unwrap_or("");
                    if w == "case" || (w == "default" && is(self.tok(j + 1), ":")) {
                        let mut k = j + 1;
                        while k < body_end && !self.toks[k].is(":") {
                            k = if self.m[k] != usize::MAX && self.m[k] > k { self.m[k] + 1 } else { k + 1 };
                        }
                        let label = match &self.toks[j + 1..k] {
                            [Token { tok: Tok::Str(s), .. }] => s.clone(),
                            other => js::render(other),
                        };
                        case = Some(Cond::Case { discr: discr.clone(), label });
                        j = k + 1;
                        continue;
                    }
                    let inner = match &case {
                        Some(c) => ctx.with(c.clone()),
                        None => ctx.clone(),
                    };
                    let next = self.statement(j, body_end, &inner);
                    j = next.max(j + 1);
                }
                body_end + 1
            }
            "do" => {
                let j = self.statement(i + 1, end, &ctx.with(Cond::Loop { text: "do … while".into() }));
                self.expression_end(j, end)
            }
            "try" | "finally" => self.statement(i + 1, end, ctx),
            "catch" => {
                let j = if next_is_paren { self.m[i + 1] + 1 } else { i + 1 };
                self.statement(j, end, ctx)
            }
            "else" => self.statement(i + 1, end, ctx),
            "async" if is(self.tok(i + 1), "function") => self.statement(i + 1, end, ctx),
            "function" => self.function(i, end),
            "class" => {
                let mut j = i + 1;
                while j < end && !self.toks[j].is("{") {
                    j += 1;
                }
                if j < end {
                    self.m[j] + 1
                } else {
                    end
                }
            }
            "import" if !next_is_paren && !is(self.tok(i + 1), ".") => self.import(i, end),
            "export" => self.export(i, end, ctx),
            _ => {
                let stop = self.expression_end(i, end);
                self.expression(i, stop, ctx);
                if stop < end && self.toks[stop].is(";") {
                    stop + 1
                } else {
                    stop
                }
            }
        }
    }

    /// The index of the `;` (or closing bracket, or `end`) that ends the expression at `i`.
    fn expression_end(&self, mut i: usize, end: usize) -> usize {
        while i < end {
            let t = &self.toks[i];
            if t.is(";") {
                return i;
            }
            if t.is("(") || t.is("[") || t.is("{") {
                i = self.m[i] + 1;
                continue;
            }
            if t.is(")") || t.is("]") || t.is("}") {
                return i;
            }
            i += 1;
        }
        end
    }

    fn function(&mut self, i: usize, end: usize) -> usize {
        let mut j = i + 1;
        if is(self.tok(j), "*") {
            j += 1;
        }
        let name = self.tok(j).and_then(Token::ident).unwrap_or("").to_owned();
        while j < end && !self.toks[j].is("(") {
            j += 1;
        }
        if j >= end {
            return end;
        }
        let body = self.m[j] + 1;
        if !is(self.tok(body), "{") {
            return body;
        }
        let close = self.m[body];
        let ctx = Ctx { scope: if name.is_empty() { format!("<fn@{}>", self.toks[i].line) } else { name }, conds: Vec::new() };
        self.block(body + 1, close, &ctx);
        close + 1
    }

    fn resolve_spec(&self, spec: &str) -> Option<PathBuf> {
        if !spec.starts_with('.') {
            return None;
        }
        let mut p = PathBuf::new();
        for c in self.dir.join(spec).components() {
            match c {
                Component::ParentDir => {
                    p.pop();
                }
                Component::CurDir => {}
                other => p.push(other),
            }
        }
        if p.extension().is_none() {
            if p.is_dir() {
                p.push("index.js");
            } else {
                p.set_extension("js");
            }
        }
        Some(p)
    }

    fn import(&mut self, i: usize, end: usize) -> usize {
        let stop = self.expression_end(i, end);
        let toks = &self.toks[i + 1..stop];
        let from = toks.iter().rposition(|t| t.is("from"));
        let spec = match toks.last().map(|t| &t.tok) {
            Some(Tok::Str(s)) => s.clone(),
            _ => return stop + 1,
        };
        let (Some(file), Some(from)) = (self.resolve_spec(&spec), from) else { return stop + 1 };
        let clause = &toks[..from];
        let mut k = 0;
        while k < clause.len() {
            let t = &clause[k];
            if t.is("{") {
                let close = clause.iter().position(|t| t.is("}")).unwrap_or(clause.len());
                for spec in clause[k + 1..close].split(|t| t.is(",")) {
                    match spec {
                        [a] => self.add_import(a.ident(), a.ident(), &file),
                        [a, as_, b] if as_.is("as") => self.add_import(b.ident(), a.ident().or(match &a.tok {
                            Tok::Str(s) => Some(s.as_str()),
                            _ => None,
                        }), &file),
                        _ => {}
                    }
                }
                k = close + 1;
            } else if t.is("*") {
                k += 3;
            } else if let Some(name) = t.ident() {
                self.add_import(Some(name), Some("default"), &file);
                k += 1;
            } else {
                k += 1;
            }
        }
        stop + 1
    }

    fn add_import(&mut self, local: Option<&str>, imported: Option<&str>, file: &Path) {
        if let (Some(l), Some(i)) = (local, imported) {
            self.module.imports.insert(l.to_owned(), (file.to_path_buf(), i.to_owned()));
        }
    }

    fn export(&mut self, i: usize, end: usize, ctx: &Ctx) -> usize {
        let t1 = self.tok(i + 1);
        if is(t1, "default") {
            let t2 = self.tok(i + 2);
            let decl = if is(t2, "async") { i + 3 } else { i + 2 };
            if is(self.tok(decl), "function") {
                if let Some(name) = self.tok(decl + 1).and_then(Token::ident) {
                    self.module.exports.insert("default".into(), name.to_owned());
                }
                return self.function(decl, end);
            }
            if let (Some(name), true) = (t2.and_then(Token::ident), is(self.tok(i + 3), ";")) {
                self.module.exports.insert("default".into(), name.to_owned());
                return i + 4;
            }
            return self.statement(i + 2, end, ctx);
        }
        if is(t1, "{") {
            let close = self.m[i + 1];
            let specs: Vec<Vec<Token>> = self.toks[i + 2..close].split(|t| t.is(",")).map(<[Token]>::to_vec).collect();
            let reexport = match (self.tok(close + 1), self.tok(close + 2)) {
                (Some(f), Some(Token { tok: Tok::Str(s), .. })) if f.is("from") => self.resolve_spec(s),
                _ => None,
            };
            for spec in specs {
                let (local, exported) = match spec.as_slice() {
                    [a] => (a.ident(), a.ident()),
                    [a, as_, b] if as_.is("as") => (a.ident(), b.ident()),
                    _ => (None, None),
                };
                if let (Some(l), Some(e)) = (local, exported) {
                    match &reexport {
                        Some(file) => {
                            let synthetic = format!("<reexport {e}>");
                            self.module.imports.insert(synthetic.clone(), (file.clone(), l.to_owned()));
                            self.module.exports.insert(e.to_owned(), synthetic);
                        }
                        None => {
                            self.module.exports.insert(e.to_owned(), l.to_owned());
                        }
                    }
                }
            }
            let stop = self.expression_end(close + 1, end);
            return stop + 1;
        }
        if is(t1, "*") {
            let stop = self.expression_end(i + 1, end);
            if let (true, Some(Token { tok: Tok::Str(spec), .. })) = (is(self.tok(i + 2), "from"), self.tok(i + 3)) {
                if let Some(file) = self.resolve_spec(spec) {
                    self.module.star_exports.push(file);
                }
            }
            return stop + 1;
        }
        // export function / async function / class / const / let / var
        let mut j = i + 1;
        if is(self.tok(j), "async") {
            j += 1;
        }
        if let Some(w) = self.tok(j).and_then(Token::ident) {
            let name_at = if w == "function" && is(self.tok(j + 1), "*") { j + 2 } else { j + 1 };
            if matches!(w, "function" | "class" | "const" | "let" | "var") {
                if let Some(name) = self.tok(name_at).and_then(Token::ident) {
                    self.module.exports.insert(name.to_owned(), name.to_owned());
                }
            }
        }
        self.statement(i + 1, end, ctx)
    }

    /// `Router()`, `express.Router()`, `express()`: the index after the call, and whether it is the app.
    fn router_ctor(&self, j: usize) -> Option<(usize, bool)> {
        let w = self.tok(j)?.ident()?;
        if w == "Router" && is(self.tok(j + 1), "(") && is(self.tok(j + 2), ")") {
            return Some((j + 3, false));
        }
        if w == "express" && is(self.tok(j + 1), "(") && is(self.tok(j + 2), ")") {
            return Some((j + 3, true));
        }
        if w == "express" && is(self.tok(j + 1), ".") && is(self.tok(j + 2), "Router") && is(self.tok(j + 3), "(") && is(self.tok(j + 4), ")") {
            return Some((j + 5, false));
        }
        None
    }

    fn router_in_scope(&self, scope: &str, name: &str) -> Option<RouterId> {
        [(scope.to_owned(), name.to_owned()), (String::new(), name.to_owned())].into_iter().find(|id| self.module.routers.contains_key(id))
    }

    fn expression(&mut self, s: usize, e: usize, ctx: &Ctx) {
        let mut j = s;
        while j < e {
            let Some(name) = self.toks[j].ident().map(str::to_owned) else {
                j += 1;
                continue;
            };
            if is(self.tok(j + 1), "=") {
                if let Some((after, is_app)) = self.router_ctor(j + 2) {
                    let id = (ctx.scope.clone(), name.clone());
                    self.module.routers.entry(id.clone()).or_default();
                    if is_app {
                        self.module.app = Some(id.clone());
                    }
                    if !ctx.scope.is_empty() {
                        self.module.fn_routers.entry(ctx.scope.clone()).or_insert_with(|| id.clone());
                    }
                    j = self.chain(after, &id, ctx);
                    continue;
                }
                let target = match (self.tok(j + 2).and_then(Token::ident), self.tok(j + 3)) {
                    (Some(f), Some(t)) if t.is("(") => Some(Target::Call(f.to_owned())),
                    (Some(x), t) if t.is_none_or(|t| t.is(";") || t.is(",")) || j + 3 >= e => Some(Target::Ident(x.to_owned())),
                    _ => None,
                };
                if let Some(t) = target {
                    self.module.vars.entry((ctx.scope.clone(), name.clone())).or_default().push((t, ctx.conds.clone()));
                }
            }
            if is(self.tok(j + 1), ".") {
                if let Some(id) = self.router_in_scope(&ctx.scope, &name) {
                    let next = self.chain(j + 1, &id, ctx);
                    if next > j + 1 {
                        j = next;
                        continue;
                    }
                }
            }
            j += 1;
        }
    }

    /// Registrations chained at `k` (`.get(…).post(…)`) on router `id`; the index after the last.
    fn chain(&mut self, mut k: usize, id: &RouterId, ctx: &Ctx) -> usize {
        while is(self.tok(k), ".") && is(self.tok(k + 2), "(") {
            let Some(method) = self.tok(k + 1).and_then(Token::ident).filter(|m| METHODS.contains(m)).map(str::to_owned) else { break };
            let open = k + 2;
            let close = self.m[open];
            let reg = self.call(method, open + 1, close, ctx);
            if let Some(regs) = self.module.routers.get_mut(id) {
                regs.push(reg);
            }
            k = close + 1;
        }
        k
    }

    fn call(&self, method: String, s: usize, e: usize, ctx: &Ctx) -> Reg {
        // Arguments as token ranges, split at top-level commas.
        let mut args: Vec<(usize, usize)> = Vec::new();
        let mut start = s;
        let mut j = s;
        while j < e {
            let t = &self.toks[j];
            if t.is("(") || t.is("[") || t.is("{") {
                j = self.m[j] + 1;
                continue;
            }
            if t.is(",") {
                args.push((start, j));
                start = j + 1;
            }
            j += 1;
        }
        if start < e {
            args.push((start, e));
        }
        let mut path = None;
        let mut rest = &args[..];
        if let Some(&(a, b)) = args.first() {
            if b == a + 1 {
                match &self.toks[a].tok {
                    Tok::Str(s) => path = Some(vec![Part::Lit(s.clone())]),
                    Tok::Template(p) => path = Some(p.clone()),
                    _ => {}
                }
            }
            if path.is_some() {
                rest = &args[1..];
            }
        }
        let targets = rest
            .iter()
            .filter_map(|&(a, b)| {
                let name = self.toks[a].ident()?.to_owned();
                if b == a + 1 {
                    Some(Target::Ident(name))
                } else if self.toks[a + 1].is("(") && self.m[a + 1] == b - 1 {
                    Some(Target::Call(name))
                } else {
                    None
                }
            })
            .collect();
        Reg { method, path, targets, conds: ctx.conds.clone(), line: self.toks[s.saturating_sub(1)].line }
    }
}

fn parse_module(file: &Path, rel: String) -> Result<Module, String> {
    let src = std::fs::read_to_string(file).map_err(|e| format!("{rel}: {e}"))?;
    let toks = js::tokenize(&src).map_err(|e| format!("{rel}: {e}"))?;
    let m = js::match_brackets(&toks).map_err(|e| format!("{rel}: {e}"))?;
    let mut module = Module { rel, ..Default::default() };
    let dir = file.parent().unwrap_or(Path::new("."));
    let mut w = Walker { toks: &toks, m: &m, module: &mut module, dir };
    w.block(0, toks.len(), &Ctx { scope: String::new(), conds: Vec::new() });
    Ok(module)
}

/// The `DEFAULTS` object of `@directus/env`: literal values only (others are unknown).
pub fn env_defaults(file: &Path) -> Option<HashMap<String, Value>> {
    let src = std::fs::read_to_string(file).ok()?;
    let toks = js::tokenize(&src).ok()?;
    let m = js::match_brackets(&toks).ok()?;
    let at = toks.windows(3).position(|w| w[0].is("DEFAULTS") && w[1].is("=") && w[2].is("{"))? + 2;
    let close = m[at];
    let mut out = HashMap::new();
    let mut j = at + 1;
    while j < close {
        let key = match &toks[j].tok {
            Tok::Ident(s) | Tok::Str(s) => s.clone(),
            _ => {
                j += 1;
                continue;
            }
        };
        if !toks[j + 1].is(":") {
            j += 1;
            continue;
        }
        let mut k = j + 2;
        while k < close && !toks[k].is(",") {
            k = if m[k] != usize::MAX && m[k] > k { m[k] + 1 } else { k + 1 };
        }
        let value = match &toks[j + 2..k] {
            [t] => match &t.tok {
                Tok::Ident(b) if b == "true" => Value::Bool(true),
                Tok::Ident(b) if b == "false" => Value::Bool(false),
                Tok::Ident(b) if b == "Infinity" => Value::Num(f64::INFINITY),
                Tok::Num(n) => n.parse().map(Value::Num).unwrap_or(Value::Unknown),
                Tok::Str(s) => Value::Str(s.clone()),
                _ => Value::Unknown,
            },
            _ => Value::Unknown,
        };
        out.insert(key, value);
        j = k + 1;
    }
    Some(out)
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    Num(f64),
    Str(String),
    Undefined,
    Unknown,
}

impl Value {
    fn truthy(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Num(n) => Some(*n != 0.0 && !n.is_nan()),
            Value::Str(s) => Some(!s.is_empty()),
            Value::Undefined => Some(false),
            Value::Unknown => None,
        }
    }
}

/// Evaluates a condition's text against the environment defaults: `env["X"]`, `toBoolean(…)`,
/// literals, `!`, `&&`, `||`, `===`/`!==`/`==`/`!=` and parentheses. Anything else is unknown.
pub fn evaluate(text: &str, env: Option<&HashMap<String, Value>>) -> Option<bool> {
    let toks = js::tokenize(text).ok()?;
    let mut i = 0;
    let v = eval_or(&toks, &mut i, env);
    if i == toks.len() {
        v.truthy()
    } else {
        None
    }
}

fn eval_or(t: &[Token], i: &mut usize, env: Option<&HashMap<String, Value>>) -> Value {
    let mut v = eval_and(t, i, env);
    while t.get(*i).is_some_and(|x| x.is("||")) {
        *i += 1;
        let r = eval_and(t, i, env);
        v = match (v.truthy(), r.truthy()) {
            (Some(true), _) | (_, Some(true)) => Value::Bool(true),
            (Some(false), Some(false)) => Value::Bool(false),
            _ => Value::Unknown,
        };
    }
    v
}

fn eval_and(t: &[Token], i: &mut usize, env: Option<&HashMap<String, Value>>) -> Value {
    let mut v = eval_cmp(t, i, env);
    while t.get(*i).is_some_and(|x| x.is("&&")) {
        *i += 1;
        let r = eval_cmp(t, i, env);
        v = match (v.truthy(), r.truthy()) {
            (Some(false), _) | (_, Some(false)) => Value::Bool(false),
            (Some(true), Some(true)) => Value::Bool(true),
            _ => Value::Unknown,
        };
    }
    v
}

fn eval_cmp(t: &[Token], i: &mut usize, env: Option<&HashMap<String, Value>>) -> Value {
    let l = eval_unary(t, i, env);
    let op = match t.get(*i) {
        Some(x) if x.is("===") || x.is("==") => true,
        Some(x) if x.is("!==") || x.is("!=") => false,
        _ => return l,
    };
    *i += 1;
    let r = eval_unary(t, i, env);
    if l == Value::Unknown || r == Value::Unknown {
        return Value::Unknown;
    }
    Value::Bool((l == r) == op)
}

fn eval_unary(t: &[Token], i: &mut usize, env: Option<&HashMap<String, Value>>) -> Value {
    let Some(tok) = t.get(*i) else { return Value::Unknown };
    *i += 1;
    match &tok.tok {
        Tok::Punct(p) if p == "!" => match eval_unary(t, i, env).truthy() {
            Some(b) => Value::Bool(!b),
            None => Value::Unknown,
        },
        Tok::Punct(p) if p == "(" => {
            let v = eval_or(t, i, env);
            if t.get(*i).is_some_and(|x| x.is(")")) {
                *i += 1;
                v
            } else {
                Value::Unknown
            }
        }
        Tok::Ident(w) if w == "true" => Value::Bool(true),
        Tok::Ident(w) if w == "false" => Value::Bool(false),
        Tok::Ident(w) if w == "undefined" => Value::Undefined,
        Tok::Num(n) => n.parse().map(Value::Num).unwrap_or(Value::Unknown),
        Tok::Str(s) => Value::Str(s.clone()),
        Tok::Ident(w) if w == "env" && t.get(*i).is_some_and(|x| x.is("[")) => {
            let key = match t.get(*i + 1).map(|x| &x.tok) {
                Some(Tok::Str(k)) if t.get(*i + 2).is_some_and(|x| x.is("]")) => k.clone(),
                _ => return Value::Unknown,
            };
            *i += 3;
            match env {
                Some(env) => env.get(&key).cloned().unwrap_or(Value::Undefined),
                None => Value::Unknown,
            }
        }
        Tok::Ident(w) if w == "toBoolean" && t.get(*i).is_some_and(|x| x.is("(")) => {
            *i += 1;
            let v = eval_or(t, i, env);
            if !t.get(*i).is_some_and(|x| x.is(")")) {
                return Value::Unknown;
            }
            *i += 1;
            match v {
                Value::Unknown => Value::Unknown,
                Value::Bool(b) => Value::Bool(b),
                Value::Str(s) => Value::Bool(s == "true" || s == "1"),
                Value::Num(n) => Value::Bool(n == 1.0),
                Value::Undefined => Value::Bool(false),
            }
        }
        _ => {
            // Skip the rest of an operand we cannot evaluate: member chains and calls.
            while let Some(x) = t.get(*i) {
                if x.is(".") || x.is("?.") || x.ident().is_some() {
                    *i += 1;
                } else if x.is("(") || x.is("[") {
                    let mut depth = 0;
                    while let Some(y) = t.get(*i) {
                        *i += 1;
                        if y.is("(") || y.is("[") {
                            depth += 1;
                        } else if y.is(")") || y.is("]") {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                    }
                } else {
                    break;
                }
            }
            Value::Unknown
        }
    }
}

struct Reader {
    root: PathBuf,
    modules: Vec<Module>,
    by_path: HashMap<PathBuf, usize>,
    raw: Vec<(String, String, Vec<Cond>, String)>,
    other_methods: usize,
}

type RouterRef = (usize, RouterId);

impl Reader {
    fn module(&mut self, file: &Path) -> Result<usize, String> {
        if let Some(&i) = self.by_path.get(file) {
            return Ok(i);
        }
        let rel = file.strip_prefix(&self.root).unwrap_or(file).display().to_string();
        let m = parse_module(file, rel)?;
        self.modules.push(m);
        let i = self.modules.len() - 1;
        self.by_path.insert(file.to_path_buf(), i);
        Ok(i)
    }

    fn resolve(&mut self, mi: usize, scope: &str, target: &Target, depth: usize) -> Result<Vec<(RouterRef, Vec<Cond>)>, String> {
        if depth > 16 {
            return Ok(Vec::new());
        }
        match target {
            Target::Ident(name) => {
                for id in [(scope.to_owned(), name.clone()), (String::new(), name.clone())] {
                    if self.modules[mi].routers.contains_key(&id) {
                        return Ok(vec![((mi, id), Vec::new())]);
                    }
                }
                for id in [(scope.to_owned(), name.clone()), (String::new(), name.clone())] {
                    if let Some(assigned) = self.modules[mi].vars.get(&id).cloned() {
                        let mut out = Vec::new();
                        for (t, conds) in assigned {
                            // Conditions of the assignment that the mount does not already have.
                            for (r, c) in self.resolve(mi, &id.0, &t, depth + 1)? {
                                let mut all = conds.clone();
                                all.extend(c);
                                out.push((r, all));
                            }
                        }
                        return Ok(out);
                    }
                }
                match self.modules[mi].imports.get(name).cloned() {
                    Some((file, imported)) if file.is_file() => match self.export(&file, &imported, 0)? {
                        Some((mj, local)) => self.resolve(mj, "", &Target::Ident(local), depth + 1),
                        None => Ok(Vec::new()),
                    },
                    _ => Ok(Vec::new()),
                }
            }
            Target::Call(f) => {
                if let Some(id) = self.modules[mi].fn_routers.get(f).cloned() {
                    return Ok(vec![((mi, id), Vec::new())]);
                }
                match self.modules[mi].imports.get(f).cloned() {
                    Some((file, imported)) if file.is_file() => match self.export(&file, &imported, 0)? {
                        Some((mj, local)) => self.resolve(mj, "", &Target::Call(local), depth + 1),
                        None => Ok(Vec::new()),
                    },
                    _ => Ok(Vec::new()),
                }
            }
        }
    }

    /// The module and local name behind `file`'s export `name`, following `export * from`.
    fn export(&mut self, file: &Path, name: &str, depth: usize) -> Result<Option<(usize, String)>, String> {
        let mi = self.module(file)?;
        if let Some(local) = self.modules[mi].exports.get(name).cloned() {
            return Ok(Some((mi, local)));
        }
        if depth > 8 || name == "default" {
            return Ok(None);
        }
        for star in self.modules[mi].star_exports.clone() {
            if star.is_file() {
                if let Some(found) = self.export(&star, name, depth + 1)? {
                    return Ok(Some(found));
                }
            }
        }
        Ok(None)
    }

    fn flatten(&mut self, r: &RouterRef, prefix: &str, conds: &[Cond], depth: usize) -> Result<(), String> {
        if depth > 16 {
            return Err(format!("{}: routers nested more than 16 deep", self.modules[r.0].rel));
        }
        let regs = self.modules[r.0].routers.get(&r.1).cloned().unwrap_or_default();
        for reg in regs {
            let path = join(prefix, reg.path.as_deref());
            let mut all = conds.to_vec();
            all.extend(reg.conds.iter().cloned());
            let source = format!("{}:{}", self.modules[r.0].rel, reg.line);
            match reg.method.as_str() {
                "use" => {
                    let mut mounted = false;
                    for t in &reg.targets {
                        let alts = self.resolve(r.0, &r.1 .0, t, 0)?;
                        if alts.is_empty() {
                            continue;
                        }
                        for (child, c) in alts {
                            let mut cc = all.clone();
                            cc.extend(c.into_iter().filter(|x| !all.contains(x)));
                            self.flatten(&child, &path, &cc, depth + 1)?;
                        }
                        mounted = true;
                        break;
                    }
                    if !mounted && reg.path.is_some() {
                        self.raw.push(("ANY".into(), path, all, source));
                    }
                }
                "options" | "head" => self.other_methods += 1,
                "all" => self.raw.push(("ANY".into(), path, all, source)),
                m => self.raw.push((m.to_ascii_uppercase(), path, all, source)),
            }
        }
        Ok(())
    }
}

/// A `${expr}` in a path becomes `:name`, from the last word of its first identifier
/// (`authProvider.name` → `:provider`); inside a `(…)` pattern it is dropped.
fn express_path(parts: &[Part]) -> String {
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Lit(s) => out += s,
            Part::Expr(e) => {
                let open = out.matches('(').count() > out.matches(')').count();
                if !open {
                    let ident: String = e.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    let word_start = ident.rfind(|c: char| c.is_uppercase()).unwrap_or(0);
                    out += &format!(":{}", ident[word_start..].to_lowercase());
                }
            }
        }
    }
    out
}

fn join(prefix: &str, path: Option<&[Part]>) -> String {
    let p = path.map(express_path).unwrap_or_default();
    let mut out = format!("{}/{}", prefix.trim_end_matches('/'), p.trim_start_matches('/'));
    while out.len() > 1 && out.ends_with('/') {
        out.pop();
    }
    out
}

/// `/x/:pk(re)?/*` → `/x/{pk?}/{*}`.
fn placeholders(path: &str) -> String {
    let chars: Vec<char> = path.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            ':' => {
                let s = i + 1;
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let name: String = chars[s..i].iter().collect();
                if chars.get(i) == Some(&'(') {
                    let mut depth = 0;
                    while i < chars.len() {
                        match chars[i] {
                            '(' => depth += 1,
                            ')' => depth -= 1,
                            _ => {}
                        }
                        i += 1;
                        if depth == 0 {
                            break;
                        }
                    }
                }
                if chars.get(i) == Some(&'?') {
                    i += 1;
                    out += &format!("{{{name}?}}");
                } else {
                    out += &format!("{{{name}}}");
                }
            }
            '*' => {
                out += "{*}";
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Conditions as a reader sees them: `TUS_ENABLED` checks as written, auth-provider loops as
/// "per AUTH_PROVIDERS provider with driver oauth2 or openid".
pub fn describe(alternatives: &[Vec<Cond>]) -> Option<String> {
    if alternatives.iter().any(Vec::is_empty) {
        return None;
    }
    let split = |alt: &Vec<Cond>| -> (Vec<Cond>, Option<String>) {
        let mut rest = Vec::new();
        let mut label = None;
        for c in alt {
            match c {
                Cond::Case { label: l, .. } => label = Some(l.clone()),
                other => rest.push(other.clone()),
            }
        }
        (rest, label)
    };
    let one = |conds: &[Cond]| -> String {
        conds
            .iter()
            .map(|c| match c {
                Cond::If { text, negated: false } => text.clone(),
                Cond::If { text, negated: true } => format!("!({text})"),
                Cond::Each { iter, .. } if iter.contains("authProviders") || iter.contains("getAuthProviders") => "per AUTH_PROVIDERS provider".into(),
                Cond::Each { var, iter } => format!("for each {var} of {iter}"),
                Cond::Loop { text } => format!("in a loop ({text})"),
                Cond::Case { discr, label } => format!("{discr} === {label:?}"),
            })
            .collect::<Vec<_>>()
            .join(" && ")
    };
    let parts: Vec<(Vec<Cond>, Option<String>)> = alternatives.iter().map(split).collect();
    let common = &parts[0].0;
    if parts.iter().all(|(rest, label)| rest == common && label.is_some()) {
        let mut labels: Vec<String> = parts.iter().filter_map(|(_, l)| l.clone()).collect();
        labels.sort();
        labels.dedup();
        let discr = alternatives[0].iter().find_map(|c| match c {
            Cond::Case { discr, .. } => Some(discr.clone()),
            _ => None,
        });
        let what = match discr.as_deref() {
            Some(d) if d.ends_with(".driver") => "driver",
            _ => "case",
        };
        let list = match labels.len() {
            1 => labels[0].clone(),
            n => format!("{} or {}", labels[..n - 1].join(", "), labels[n - 1]),
        };
        return Some(format!("{} with {what} {list}", one(common)));
    }
    let mut texts: Vec<String> = alternatives.iter().map(|a| one(a)).collect();
    texts.dedup();
    Some(texts.join(" || "))
}

fn default_of(alternatives: &[Vec<Cond>], env: Option<&HashMap<String, Value>>) -> Availability {
    if alternatives.iter().any(Vec::is_empty) {
        return Availability::Always;
    }
    let one = |alt: &Vec<Cond>| -> Option<bool> {
        let mut all = Some(true);
        for c in alt {
            let v = match c {
                Cond::If { text, negated } => evaluate(text, env).map(|b| b != *negated),
                // Registered once per configured item: none by default.
                Cond::Each { .. } => Some(false),
                Cond::Loop { .. } => None,
                Cond::Case { .. } => Some(true),
            };
            all = match (all, v) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
        }
        all
    };
    let vals: Vec<Option<bool>> = alternatives.iter().map(one).collect();
    if vals.contains(&Some(true)) {
        Availability::On
    } else if vals.iter().all(|v| *v == Some(false)) {
        Availability::Off
    } else {
        Availability::Unknown
    }
}

/// The conditions of each registration of one method and path, and where each is.
type Registrations = (Vec<Vec<Cond>>, Vec<String>);

fn read_json(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// Reads the routes an unpacked `@directus/api` package registers. `dir` is the package folder
/// (with `package.json` and `dist/app.js`), e.g. `node_modules/@directus/api`.
pub fn read(dir: &Path) -> Result<Package, String> {
    let manifest = read_json(&dir.join("package.json")).ok_or_else(|| format!("{}: no readable package.json; give the @directus/api package folder", dir.display()))?;
    let name = manifest.get("name").and_then(|v| v.as_str()).unwrap_or("");
    if name != "@directus/api" {
        return Err(format!("{}: package.json names `{name}`, not @directus/api (in an install it is node_modules/@directus/api)", dir.display()));
    }
    let api_version = manifest.get("version").and_then(|v| v.as_str()).unwrap_or("").to_owned();
    let node_modules = dir.parent().and_then(Path::parent);
    let directus_version = node_modules.and_then(|nm| read_json(&nm.join("directus/package.json"))).and_then(|d| {
        let pinned = d.pointer("/dependencies/@directus~1api").and_then(|v| v.as_str())?;
        (pinned.trim_start_matches(['^', '~', '=']) == api_version).then(|| d.get("version").and_then(|v| v.as_str()).map(str::to_owned))?
    });
    let env = dir.parent().and_then(|p| env_defaults(&p.join("env/dist/index.js")));
    let root = dir.join("dist");
    let app_file = root.join("app.js");
    if !app_file.is_file() {
        return Err(format!("{}: no dist/app.js", dir.display()));
    }
    let mut reader = Reader { root: dir.to_path_buf(), modules: Vec::new(), by_path: HashMap::new(), raw: Vec::new(), other_methods: 0 };
    let app = reader.module(&app_file)?;
    let app_router = reader.modules[app].app.clone().ok_or("dist/app.js: no `express()` app found")?;
    reader.flatten(&(app, app_router), "", &[], 0)?;
    let mut grouped: BTreeMap<(String, String), Registrations> = BTreeMap::new();
    for (method, path, conds, source) in reader.raw {
        let e = grouped.entry((method, placeholders(&path))).or_default();
        if !e.0.contains(&conds) {
            e.0.push(conds);
        }
        e.1.push(source);
    }
    let routes = grouped
        .into_iter()
        .map(|((method, path), (alternatives, sources))| PackageRoute {
            condition: describe(&alternatives),
            default: default_of(&alternatives, env.as_ref()),
            method,
            path,
            alternatives,
            sources,
        })
        .collect::<Vec<_>>();
    if routes.is_empty() {
        return Err(format!("{}: no routes found in dist/app.js", dir.display()));
    }
    Ok(Package { dir: dir.display().to_string(), api_version, directus_version, routes, other_methods: reader.other_methods, env_defaults: env.is_some() })
}

impl Package {
    /// The Directus version, parsed.
    pub fn version(&self) -> Option<Version> {
        self.directus_version.as_deref()?.parse().ok()
    }
}

/// The route table as TSV: method, path, condition, default, scope (`in`, or `out: reason`).
pub fn tsv(p: &Package) -> String {
    let mut out = String::from("method\tpath\tcondition\tdefault\tscope\n");
    for r in &p.routes {
        let scope = match out_of_scope(&r.path) {
            Some(why) => format!("out: {why}"),
            None => "in".into(),
        };
        out += &format!("{}\t{}\t{}\t{}\t{}\n", r.method, r.path, r.condition.as_deref().unwrap_or(""), r.default_note(), scope);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(placeholders("/flows/trigger/:pk([0-9a-f]{8}(-[0-9a-f]{4}){3})"), "/flows/trigger/{pk}");
        assert_eq!(placeholders("/assets/:pk/:filename?"), "/assets/{pk}/{filename?}");
        assert_eq!(express_path(&[Part::Lit("/login/".into()), Part::Expr("authProvider.name".into())]), "/login/:provider");
        assert_eq!(express_path(&[Part::Lit("/:pk(".into()), Part::Expr("UUID_REGEX".into()), Part::Lit(")".into())]), "/:pk()");
        assert_eq!(join("/users", Some(&[Part::Lit("/me/tfa/generate/".into())])), "/users/me/tfa/generate");
        assert_eq!(join("", Some(&[Part::Lit("/".into())])), "/");
        let r = PackageRoute { method: "GET".into(), path: "/assets/{pk}/{filename?}".into(), alternatives: vec![], condition: None, default: Availability::Always, sources: vec![] };
        assert_eq!(r.expansions(), vec!["/assets/{}", "/assets/{}/{}"]);
    }

    #[test]
    fn conditions() {
        let env: HashMap<String, Value> = [("TUS_ENABLED".to_owned(), Value::Bool(false)), ("MCP_ENABLED".to_owned(), Value::Bool(true))].into();
        assert_eq!(evaluate("env[\"TUS_ENABLED\"] === true", Some(&env)), Some(false));
        assert_eq!(evaluate("toBoolean(env[\"MCP_ENABLED\"]) === true", Some(&env)), Some(true));
        assert_eq!(evaluate("env[\"OPENAPI_ENABLED\"] !== false", Some(&env)), Some(true), "an unset variable is undefined");
        assert_eq!(evaluate("!env['AUTH_DISABLE_DEFAULT']", Some(&env)), Some(true));
        assert_eq!(evaluate("await isInstalled() === false", Some(&env)), None);
        assert_eq!(evaluate("env[\"TUS_ENABLED\"] === true", None), None);
    }

    #[test]
    fn scope() {
        assert!(out_of_scope("/graphql/system").is_some());
        assert!(out_of_scope("/mcp").is_some());
        assert!(out_of_scope("/mcp-oauth/clients").is_some());
        assert!(out_of_scope("/metricsx").is_none());
        assert!(out_of_scope("/items/{collection}").is_none());
    }
}
