//! Access to the external corpus in `../shared/corpus` (never copied into this repository).

use std::path::{Path, PathBuf};

use ledgerlens_core::Document;
use ledgerlens_ingest::{read_document, IngestError, ReadOptions};

/// The corpus root: `$LEDGERLENS_CORPUS`, else `../shared/corpus` beside the clone.
pub fn corpus_root() -> Option<PathBuf> {
    let root = std::env::var_os("LEDGERLENS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
    root.is_dir().then_some(root)
}

/// A file of the corpus, or `None` — after saying plainly that the corpus is absent, so a skipped
/// check is visible in the test output.
pub fn corpus_file(relative: &str) -> Option<PathBuf> {
    let Some(root) = corpus_root() else {
        eprintln!("SKIPPED: the external corpus (../shared/corpus) is absent; {relative} not checked");
        return None;
    };
    let path = root.join(relative);
    assert!(path.is_file(), "corpus file missing: {}", path.display());
    Some(path)
}

/// Reads a corpus file with default options.
pub fn read_corpus(relative: &str) -> Option<Result<Document, IngestError>> {
    read_corpus_with(relative, &ReadOptions::default())
}

/// Reads a corpus file with the given options.
pub fn read_corpus_with(relative: &str, options: &ReadOptions) -> Option<Result<Document, IngestError>> {
    let path = corpus_file(relative)?;
    let bytes = std::fs::read(&path).expect("corpus file readable");
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file").to_owned();
    Some(read_document(&name, &bytes, options))
}

/// Every file under a corpus directory whose name ends with one of `extensions` (case-insensitive).
pub fn corpus_files(dir: &str, extensions: &[&str]) -> Vec<String> {
    let Some(root) = corpus_root() else {
        eprintln!("SKIPPED: the external corpus (../shared/corpus) is absent; {dir} not checked");
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.to_string_lossy().to_lowercase();
                if extensions.iter().any(|e| name.ends_with(&e.to_lowercase())) {
                    if let Ok(rel) = p.strip_prefix(&root) {
                        out.push(rel.to_string_lossy().into_owned());
                    }
                }
            }
        }
    }
    out.sort();
    out
}
