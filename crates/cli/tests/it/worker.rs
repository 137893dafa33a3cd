//! `ledgerlens worker` and `ledgerlens migrate`: an API-only `serve --workers 0` and a separate
//! worker process sharing one data directory.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::serve::{Server, upload_file};
use crate::{ledgerlens, sample, temp_dir};

/// Starts `ledgerlens worker` on `data_dir`, logging to `log`; returns once it printed its line.
fn start_worker(data_dir: &Path, log: &Path) -> Child {
    let log = std::fs::File::create(log).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ledgerlens"))
        .args(["worker", "--workers", "1", "--data-dir"])
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("LEDGERLENS_WORKERS")
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(
        line.starts_with("ledgerlens: 1 worker(s) on "),
        "unexpected first line {line:?}"
    );
    child
}

#[test]
fn an_api_only_server_queues_and_a_separate_worker_process_analyses() {
    let dir = temp_dir("worker-split");
    let server = Server::start_with(&dir, &["--workers", "0"]);
    let (_, key) = server.key("acme");
    let statement = sample(&dir, "csv", 20, "s.csv");
    let id = upload_file(&server, &key, &statement);
    // With no worker anywhere, the job waits.
    std::thread::sleep(Duration::from_millis(1500));
    let doc = server
        .get(&format!("/v1/documents/{id}"), Some(&key))
        .json();
    assert_eq!(doc["status"], "PENDING");

    let log = dir.join("worker.log");
    let mut worker = start_worker(server.data_dir(), &log);
    let doc = server.wait_done(&key, &id);
    assert_eq!(doc["status"], "ANALYZED", "{doc}");
    let analysis = server.get(
        &format!("/v1/documents/{id}/analysis?profile=native"),
        Some(&key),
    );
    assert_eq!(analysis.status, 200);

    // SIGTERM (the shell's builtin `kill`): the worker stops cleanly.
    let killed = Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", worker.id())])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = worker.wait().unwrap();
    assert!(status.success(), "{status:?}");
    // The job was the worker process's: its log names the document.
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.contains(&id), "{log}");
    assert!(log.contains("done"), "{log}");
    assert!(log.contains("stopped"), "{log}");
}

#[test]
fn migrate_creates_the_database_then_has_nothing_to_do() {
    let dir = temp_dir("migrate");
    let data_dir = dir.join("data");
    let first = ledgerlens(["migrate", "--data-dir", data_dir.to_str().unwrap()]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8(first.stdout).unwrap();
    assert!(stdout.contains("applied 0001 initial"), "{stdout}");
    assert!(stdout.contains("applied 0002 webhooks"), "{stdout}");
    assert!(data_dir.join("ledgerlens.sqlite3").is_file());

    let second = ledgerlens(["migrate", "--data-dir", data_dir.to_str().unwrap()]);
    assert!(second.status.success());
    let stdout = String::from_utf8(second.stdout).unwrap();
    assert!(!stdout.contains("applied"), "{stdout}");
    assert!(stdout.contains("nothing to apply"), "{stdout}");
}
