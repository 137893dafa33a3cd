//! `ledgerlens worker` and `ledgerlens migrate`: an API-only `serve --workers 0` and a separate
//! worker process sharing one data directory.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ledgerlens_store::testing::ScratchDatabase;
use serde_json::{Value, json};

use crate::serve::{Server, block_on, upload_file};
use crate::webhooks::{Receiver, subscribe, verify};
use crate::{ledgerlens, sample, temp_dir};

/// Starts `ledgerlens worker` on the server's store, logging to `log`, with extra flags; returns
/// once it printed its line.
pub(crate) fn start_worker(server: &Server, log: &Path, flags: &[&str]) -> Worker {
    start_workers(server, log, 1, flags, &[])
}

/// A worker process, killed when dropped — also when a test fails half-way, so no worker outlives
/// its test (and its scratch database).
pub(crate) struct Worker(Child);

impl std::ops::Deref for Worker {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Worker {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// [`start_worker`] with `count` workers in the process and extra environment (e.g. the S3
/// credentials of `--blobs`).
pub(crate) fn start_workers(
    server: &Server,
    log: &Path,
    count: usize,
    flags: &[&str],
    env: &[(&str, String)],
) -> Worker {
    let log = std::fs::File::create(log).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ledgerlens"))
        .args(["worker", "--workers", &count.to_string()])
        .args(server.store_flags())
        .args(flags)
        .env_remove("DATABASE_URL")
        .env_remove("LEDGERLENS_LEASE_SECONDS")
        .env_remove("LEDGERLENS_WORKERS")
        .envs(env.iter().map(|(name, value)| (name, value)))
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(
        line.starts_with(&format!("ledgerlens: {count} worker(s) on ")),
        "unexpected first line {line:?}"
    );
    Worker(child)
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
    let mut worker = start_worker(&server, &log, &[]);
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
    // (On PostgreSQL, see `migrate_applies_the_postgres_migrations_once`.)
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8(first.stdout).unwrap();
    assert!(stdout.contains("applied 0001 initial"), "{stdout}");
    assert!(stdout.contains("applied 0002 webhooks"), "{stdout}");
    assert!(stdout.contains("applied 0003 domain"), "{stdout}");
    assert!(data_dir.join("ledgerlens.sqlite3").is_file());

    let second = ledgerlens(["migrate", "--data-dir", data_dir.to_str().unwrap()]);
    assert!(second.status.success());
    let stdout = String::from_utf8(second.stdout).unwrap();
    assert!(!stdout.contains("applied"), "{stdout}");
    assert!(stdout.contains("nothing to apply"), "{stdout}");
}

#[test]
fn migrate_applies_the_postgres_migrations_once() {
    let Some(admin_url) = ledgerlens_store::testing::postgres_admin_url().unwrap() else {
        eprintln!("SKIPPED: LEDGERLENS_TEST_POSTGRES not set (scripts/test sets it)");
        return;
    };
    let database = block_on(ScratchDatabase::create(&admin_url, "migrate")).unwrap();
    let dir = temp_dir("migrate-pg");
    let data_dir = dir.join("data");
    let run = || {
        ledgerlens([
            "migrate",
            "--data-dir",
            data_dir.to_str().unwrap(),
            "--database-url",
            &database.url,
        ])
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8(first.stdout).unwrap();
    assert!(stdout.contains("applied 0003 domain"), "{stdout}");
    assert!(
        !data_dir.join("ledgerlens.sqlite3").exists(),
        "no SQLite file on PostgreSQL"
    );
    let second = run();
    assert!(
        String::from_utf8(second.stdout)
            .unwrap()
            .contains("nothing to apply")
    );
    block_on(database.drop_now()).unwrap();
}

/// Crash safety (issue 7): a worker process killed with SIGKILL in the middle of a job loses
/// nothing. Its lease runs out, the next worker takes the job, the job completes exactly once
/// (one result, one terminal event), and the webhook announcing it is delivered.
#[test]
fn a_worker_killed_mid_job_leaves_it_to_the_next_which_completes_it_once() {
    let dir = temp_dir("crash");
    let server = Server::start_with(&dir, &["--workers", "0", "--allow-private-webhooks"]);
    let (_, key) = server.key("acme");
    let receiver = Receiver::start(&[]);
    let hook = subscribe(
        &server,
        &key,
        &json!({"url": receiver.url(), "events": ["*"]}),
    );
    // A slow job: a scanned statement, read by OCR over several seconds.
    let out = ledgerlens([
        "synth",
        "--out",
        dir.to_str().unwrap(),
        "--layout",
        "uk",
        "--scan",
        "300",
        "--image",
        "pdf",
        "--transactions",
        "60",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = upload_file(&server, &key, &dir.join("uk-1.scan.pdf"));

    let lease = ["--lease-seconds", "2", "--allow-private-webhooks"];
    let mut first = start_worker(&server, &dir.join("worker-1.log"), &lease);
    let started = Instant::now();
    loop {
        let doc = server
            .get(&format!("/v1/documents/{id}"), Some(&key))
            .json();
        if doc["status"] == "PROCESSING" && doc["step"].as_u64().unwrap_or(0) >= 2 {
            break;
        }
        assert!(
            doc["status"] == "PENDING" || doc["status"] == "PROCESSING",
            "finished before the kill: {doc}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never taken: {doc}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    first.kill().unwrap(); // SIGKILL: no release, no goodbye.
    first.wait().unwrap();
    let doc = server
        .get(&format!("/v1/documents/{id}"), Some(&key))
        .json();
    assert_eq!(doc["status"], "PROCESSING", "killed mid-job: {doc}");
    assert_eq!(doc["attempts"], 1);

    let mut second = start_worker(&server, &dir.join("worker-2.log"), &lease);
    let doc = server.wait_done(&key, &id);
    assert!(
        doc["status"] == "ANALYZED" || doc["status"] == "FLAGGED",
        "{doc}"
    );
    assert_eq!(doc["attempts"], 2, "taken over once: {doc}");
    let analysis = server.get(
        &format!("/v1/documents/{id}/analysis?profile=native"),
        Some(&key),
    );
    assert_eq!(analysis.status, 200);

    // The terminal event arrives, signed; no second one follows.
    let terminal = format!(
        "document.{}",
        doc["status"].as_str().unwrap().to_lowercase()
    );
    let seen = receiver.until(&terminal, Duration::from_secs(30));
    let announced = seen.last().unwrap();
    verify(hook["secret"].as_str().unwrap(), announced);
    assert_eq!(announced.json()["data"]["document_id"], id.as_str());
    std::thread::sleep(Duration::from_secs(3));
    let log = server
        .get(
            &format!("/v1/webhooks/{}/deliveries", hook["id"].as_str().unwrap()),
            Some(&key),
        )
        .json();
    let terminal_messages: Vec<&Value> = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["event_type"] == terminal.as_str())
        .collect();
    assert_eq!(terminal_messages.len(), 1, "announced exactly once: {log}");
    assert_eq!(
        terminal_messages[0]["id"].as_str().unwrap(),
        announced.header("webhook-id"),
        "the delivered message is the logged one"
    );
    second.kill().unwrap();
    second.wait().unwrap();
    let first_log = std::fs::read_to_string(dir.join("worker-1.log")).unwrap();
    assert!(
        !first_log.contains(" done"),
        "the killed worker finished nothing: {first_log}"
    );
}
