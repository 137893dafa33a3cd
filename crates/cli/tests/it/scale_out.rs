//! Scale-out on one box (issue 7): one API-only `serve` and two `ledgerlens worker` processes
//! sharing a PostgreSQL database and an S3-compatible bucket (moto's server on loopback) work off
//! 1 000 queued documents — each exactly once, none lost — and the rates are printed.
//!
//! The documents are queued first and the workers started after, so the figures separate what the
//! API accepts per second from what the workers finish per second. Run with `--nocapture` to see
//! them.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ledgerlens_store::s3_testing::{MotoServer, aws_env, tenant_id};
use ledgerlens_store::testing::{ScratchDatabase, postgres_admin_url};
use ledgerlens_store::{BlobKey, Blobs, S3Blobs, S3Config};
use serde_json::Value;

use crate::serve::{Server, block_on, upload_file};
use crate::temp_dir;
use crate::worker::{Worker, start_workers};

const DOCUMENTS: usize = 1000;
/// Concurrent uploaders (and statement writers).
const CLIENTS: usize = 8;
const BUCKET: &str = "scale-out";
const PREFIX: &str = "originals";
/// Generous: the debug binary on a shared 2-core box.
const PROCESSING_TIMEOUT: Duration = Duration::from_secs(300);

#[test]
fn one_api_and_two_worker_processes_on_postgres_and_s3_analyse_1000_documents_once_each() {
    let Some(admin_url) = postgres_admin_url().unwrap() else {
        eprintln!("SKIPPED: LEDGERLENS_TEST_POSTGRES not set (scripts/test sets it)");
        return;
    };
    let Some((moto, credentials)) = MotoServer::with_bucket_or_skip(BUCKET) else {
        return;
    };
    let dir = temp_dir("scale-out");
    let database = block_on(ScratchDatabase::create(&admin_url, "scale_out")).unwrap();
    let blobs = moto.blobs_url(BUCKET, PREFIX);
    let env = aws_env(&credentials);
    let server = Server::launch(
        &dir,
        &["--workers", "0", "--blobs", &blobs],
        Some(database),
        &env,
    );
    let (tenant, key) = server.key("acme");

    let files = statements(&dir.join("statements"), DOCUMENTS);
    let originals: HashMap<String, Vec<u8>> = files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).unwrap();
            (sha256_hex(&bytes), bytes)
        })
        .collect();
    assert_eq!(originals.len(), DOCUMENTS, "every statement is distinct");

    // Queue them all: nothing processes them yet.
    let upload_started = Instant::now();
    let ids = upload_all(&server, &key, &files);
    let upload_time = upload_started.elapsed();
    assert_eq!(ids.len(), DOCUMENTS);
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        DOCUMENTS,
        "one document per upload"
    );
    let queued = list_all(&server, &key);
    assert_eq!(queued.len(), DOCUMENTS);
    assert!(
        queued.iter().all(|d| d["status"] == "PENDING"),
        "queued, not yet taken"
    );

    let flags = ["--blobs", blobs.as_str()];
    let logs = [dir.join("worker-1.log"), dir.join("worker-2.log")];
    let processing_started = Instant::now();
    let workers: Vec<Worker> = logs
        .iter()
        .map(|log| start_workers(&server, log, 2, &flags, &env))
        .collect();
    let documents = wait_until_all_done(&server, &key);
    let processing_time = processing_started.elapsed();
    let total_time = upload_started.elapsed();
    drop(workers);

    // None lost, none duplicated: the listing holds exactly the uploaded ids.
    assert_eq!(documents.len(), DOCUMENTS, "listed documents");
    let listed: HashSet<String> = documents
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, ids.iter().cloned().collect::<HashSet<_>>());
    // Each finished, and was taken exactly once (a retry would show as attempts == 2).
    for doc in &documents {
        assert!(
            doc["status"] == "ANALYZED" || doc["status"] == "FLAGGED",
            "{doc}"
        );
        assert_eq!(doc["attempts"], 1, "processed exactly once: {doc}");
        assert_eq!(doc["step"], 12, "{doc}");
    }
    let flagged = documents
        .iter()
        .filter(|d| d["status"] == "FLAGGED")
        .count();

    // Both worker processes did work, and between them finished each document once.
    let done: Vec<Vec<String>> = logs.iter().map(|log| finished_in(log)).collect();
    let mut finished_by = HashMap::new();
    for (worker, ids) in done.iter().enumerate() {
        assert!(!ids.is_empty(), "worker {} finished nothing", worker + 1);
        for id in ids {
            let previous = finished_by.insert(id.clone(), worker + 1);
            assert!(previous.is_none(), "{id} finished twice");
        }
    }
    assert_eq!(
        finished_by.keys().cloned().collect::<HashSet<_>>(),
        listed,
        "the workers' logs account for every document"
    );

    // The originals are in the bucket (and not on local disk), byte for byte.
    assert!(
        !server.data_dir().join("blobs").exists(),
        "no local originals when --blobs is S3"
    );
    let mut config = S3Config::new(moto.endpoint(), BUCKET, "us-east-1", credentials.clone());
    config.prefix = PREFIX.to_owned();
    let bucket = S3Blobs::new(config).unwrap();
    let tenant = tenant_id(&tenant);
    let stored = block_on(async {
        let mut stored = 0;
        for doc in &documents {
            let sha256 = doc["sha256"].as_str().unwrap();
            let bytes = bucket
                .get(&BlobKey::new(&tenant, sha256).unwrap())
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{sha256} not in the bucket"));
            assert!(bytes == originals[sha256], "{sha256} differs in the bucket");
            stored += 1;
        }
        stored
    });
    assert_eq!(stored, DOCUMENTS);

    let span = server_processing_span(&documents);
    let rate = |n: usize, t: Duration| n as f64 / t.as_secs_f64();
    eprintln!(
        "scale-out: {DOCUMENTS} documents ({flagged} flagged), serve --workers 0 + 2 × worker \
         --workers 2, PostgreSQL + moto S3\n  \
         uploads ({CLIENTS} clients): {:.1} s, {:.1} documents/s\n  \
         processing (workers started → all done, polled): {:.1} s, {:.1} documents/s\n  \
         processing (first started_at → last finished_at): {:.1} s, {:.1} documents/s\n  \
         first upload → last finished: {:.1} s, {:.1} documents/s\n  \
         finished per worker process: {} and {}",
        upload_time.as_secs_f64(),
        rate(DOCUMENTS, upload_time),
        processing_time.as_secs_f64(),
        rate(DOCUMENTS, processing_time),
        span.as_secs_f64(),
        rate(DOCUMENTS, span),
        total_time.as_secs_f64(),
        rate(DOCUMENTS, total_time),
        done[0].len(),
        done[1].len(),
    );
}

/// `count` different statements of 20–49 transactions in six formats, each from its own seed.
fn statements(dir: &Path, count: usize) -> Vec<PathBuf> {
    const FORMATS: [(&str, &str); 6] = [
        ("csv", "csv"),
        ("mono", "json"),
        ("ofx2", "ofx"),
        ("mt940", "sta"),
        ("camt053", "xml"),
        ("okra", "json"),
    ];
    std::fs::create_dir_all(dir).unwrap();
    let next = AtomicUsize::new(0);
    let files = Mutex::new(Vec::with_capacity(count));
    std::thread::scope(|scope| {
        for _ in 0..CLIENTS {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    let (format, extension) = FORMATS[i % FORMATS.len()];
                    let file = format!("statement-{i:04}.{extension}");
                    let path = sample_seeded(dir, format, 20 + i % 30, i + 1, &file);
                    files.lock().unwrap().push(path);
                }
            });
        }
    });
    let mut files = files.into_inner().unwrap();
    files.sort();
    files
}

/// `crate::sample` with a seed of its own (that one always writes seed 42's statement).
fn sample_seeded(
    dir: &Path,
    format: &str,
    transactions: usize,
    seed: usize,
    file: &str,
) -> PathBuf {
    let out = crate::ledgerlens([
        "sample",
        "--format",
        format,
        "--transactions",
        &transactions.to_string(),
        "--seed",
        &seed.to_string(),
        "-o",
        dir.join(file).to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "sample failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join(file)
}

/// Uploads every file from `CLIENTS` threads; returns the new documents' ids.
fn upload_all(server: &Server, key: &str, files: &[PathBuf]) -> Vec<String> {
    let next = AtomicUsize::new(0);
    let ids = Mutex::new(Vec::with_capacity(files.len()));
    std::thread::scope(|scope| {
        for _ in 0..CLIENTS {
            scope.spawn(|| {
                while let Some(file) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let id = upload_file(server, key, file);
                    ids.lock().unwrap().push(id);
                }
            });
        }
    });
    ids.into_inner().unwrap()
}

/// Every document of the tenant, page by page.
fn list_all(server: &Server, key: &str) -> Vec<Value> {
    let mut documents = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = server.get(
            &format!("/v1/documents?limit=100&cursor={cursor}"),
            Some(key),
        );
        assert_eq!(page.status, 200, "{}", String::from_utf8_lossy(&page.body));
        let page = page.json();
        documents.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => return documents,
        }
    }
}

/// Polls the listing until no document is PENDING or PROCESSING; returns the last listing.
fn wait_until_all_done(server: &Server, key: &str) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let documents = list_all(server, key);
        let busy = documents
            .iter()
            .filter(|d| d["status"] == "PENDING" || d["status"] == "PROCESSING")
            .count();
        if busy == 0 {
            return documents;
        }
        assert!(
            started.elapsed() < PROCESSING_TIMEOUT,
            "{busy} of {} documents still pending or processing after {PROCESSING_TIMEOUT:?}",
            documents.len()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The documents a worker's log says it finished (`job{… document=ID …}: … done`).
fn finished_in(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .filter(|line| line.trim_end().ends_with(" done"))
        .filter_map(|line| {
            let start = line.find("document=")? + "document=".len();
            let id = line[start..]
                .split(|c: char| c.is_whitespace() || c == '}')
                .next()?;
            Some(id.to_owned())
        })
        .collect()
}

/// From the first `started_at` to the last `finished_at`, by the store's own clock.
fn server_processing_span(documents: &[Value]) -> Duration {
    let times = |field: &str| {
        documents
            .iter()
            .map(|d| rfc3339_millis(d[field].as_str().unwrap()))
            .collect::<Vec<_>>()
    };
    let first = times("started_at").into_iter().min().unwrap();
    let last = times("finished_at").into_iter().max().unwrap();
    Duration::from_millis(u64::try_from(last - first).unwrap())
}

/// Milliseconds since the epoch of `YYYY-MM-DDTHH:MM:SS.mmmZ` (the API's timestamps).
fn rfc3339_millis(text: &str) -> i64 {
    let number = |range: std::ops::Range<usize>| -> i64 { text[range].parse().unwrap() };
    assert!(text.len() == 24 && text.ends_with('Z'), "{text}");
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + number(11..13) * 3600 + number(14..16) * 60 + number(17..19);
    seconds * 1000 + number(20..23)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
