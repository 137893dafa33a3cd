//! End-to-end tests of the `ledgerlens` binary: real processes, real files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers fail loudly by design"
)]

mod analyze;
mod api_analyze;
mod api_documents;
mod api_ops;
mod api_runs;
mod benchmark;
mod categorize;
mod compat_envoyx;
mod compat_finx;
mod compat_periculum;
mod compat_sopra;
mod dashboard;
mod errors;
mod oauth;
mod parse;
mod records;
mod report;
mod scale_out;
mod scans;
mod score;
mod serve;
mod users;
mod webhooks;
mod worker;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the binary with arguments.
pub fn ledgerlens<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_ledgerlens"))
        .args(args)
        .output()
        .expect("binary runs")
}

/// A fresh temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ledgerlens-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes a sample statement and returns its path.
pub fn sample(dir: &Path, format: &str, transactions: usize, file: &str) -> PathBuf {
    let path = dir.join(file);
    let out = ledgerlens([
        "sample",
        "--format",
        format,
        "--transactions",
        &transactions.to_string(),
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "sample failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}
