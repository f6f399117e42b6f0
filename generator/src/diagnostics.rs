//! Problems found in a spec, each with where it is, what is wrong and how to fix it.

use std::fmt;
use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based; 0 when the parser could not tell.
    pub line: usize,
    pub column: usize,
    /// Where in the spec, e.g. `users.generate_tfa.body.password`.
    pub spec_path: String,
    pub message: String,
    pub fix: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, "error")
    }
}

impl Diagnostic {
    /// The problem shown as a warning: what `generator diff` says of an old spec's names.
    pub fn as_warning(&self) -> impl fmt::Display + '_ {
        struct Warning<'a>(&'a Diagnostic);
        impl fmt::Display for Warning<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.write(f, "warning")
            }
        }
        Warning(self)
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, severity: &str) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        write!(f, ": {severity}")?;
        if !self.spec_path.is_empty() {
            write!(f, " at {}", self.spec_path)?;
        }
        write!(f, ": {}", self.message)?;
        if !self.fix.is_empty() {
            write!(f, "\n  fix: {}", self.fix)?;
        }
        Ok(())
    }
}

/// Collects diagnostics for one spec file, placing each with the file's key index.
pub struct Reporter<'a> {
    pub source: &'a crate::spec::load::SourceFile,
    pub out: &'a mut Vec<Diagnostic>,
}

impl Reporter<'_> {
    /// `raw_path` is the YAML path used to find the line (`operations.0.method`);
    /// `spec_path` is what the user reads (`users.generate_tfa.method`).
    pub fn error(&mut self, raw_path: &str, spec_path: &str, message: impl Into<String>, fix: impl Into<String>) {
        let (line, column) = self.source.index().find(raw_path);
        self.out.push(Diagnostic {
            file: self.source.path.clone(),
            line,
            column,
            spec_path: spec_path.to_owned(),
            message: message.into(),
            fix: fix.into(),
        });
    }
}
