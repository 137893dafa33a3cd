//! The second half of `ledgerlens demo`: the main job, through the service, on the embedded
//! defaults. It starts `serve` in this process on a free loopback port with a SQLite database
//! and local files under `<dir>/data`, issues an API key, uploads a few of the statements just
//! written over real HTTP, waits for their analysis, prints each decision, and saves the PDF
//! report — then stops the server. Nothing here is a shortcut: it is the path a lender's
//! integration takes.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use ledgerlens_http::{Client, ClientConfig};
use ledgerlens_store::{CredentialSpec, LocalBlobs, SqlStore, Store};
use serde_json::Value;

use crate::serve_cmd::{load_or_create_token_key, worker_config};

/// The statements of the demo directory sent through the service, when present.
const UPLOADS: [&str; 4] = [
    "sample-csv.csv",
    "sample-mono.json",
    "sample-camt053.xml",
    "sample-ng.pdf",
];

/// How long one analysis may take before the demo gives up.
const ANALYSIS_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs the service half of the demo on `dir`.
pub fn run(dir: &Path) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async { service(dir).await })
}

async fn service(dir: &Path) -> Result<()> {
    let data_dir = dir.join("data");
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let store = SqlStore::open(&data_dir.join("ledgerlens.sqlite3")).await?;
    let tenant = store.ensure_tenant("demo", now_ms()).await?;
    let key = store
        .create_api_key(&tenant, &CredentialSpec::default(), now_ms())
        .await?
        .key;
    let mut config = worker_config(Some(&2), "eng", false, None)?;
    config.token_key = Some(load_or_create_token_key(&data_dir)?);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ledgerlens_server::serve(
        config,
        store,
        LocalBlobs::new(data_dir.join("blobs")),
        listener,
        async move {
            let _ = stop_rx.await;
        },
    ));
    let client = Client::new(ClientConfig {
        // PDF reports with a long transaction appendix are megabytes.
        max_response_bytes: 64 * 1024 * 1024,
        ..ClientConfig::default()
    })?;
    let base = format!("http://{address}");
    println!(
        "\nThe service (SQLite + local files in {}), over HTTP on {base}:",
        data_dir.display()
    );
    println!(
        "{:<22} {:<9} {:>7} {:<8} {:<10} {:>6} {:>7}",
        "file", "status", "EnvoyX", "tier", "risk", "X-Ray", "points"
    );
    let mut failed = 0;
    for name in UPLOADS {
        let path = dir.join(name);
        if !path.is_file() {
            continue;
        }
        match one(&client, &base, &key, &path, dir).await {
            Ok(line) => println!("{line}"),
            Err(error) => {
                failed += 1;
                println!("{name:<22} error: {error:#}");
            }
        }
    }
    let _ = stop_tx.send(());
    server.await.context("the server task")??;
    println!(
        "Reports: {}/report-*.pdf. To run the service yourself: ledgerlens serve --data-dir {}",
        dir.display(),
        data_dir.display()
    );
    if failed > 0 {
        bail!("{failed} uploads failed in the service demo");
    }
    Ok(())
}

/// Uploads one file, waits for its analysis, saves its report; the decision as one line.
async fn one(client: &Client, base: &str, key: &str, path: &Path, dir: &Path) -> Result<String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let boundary = "ledgerlens-demo-boundary-7f3a";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let uploaded = call(
        client,
        http::Request::post(format!("{base}/v1/documents"))
            .header("x-api-key", key)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Bytes::from(body))?,
    )
    .await?;
    let id = uploaded
        .get("id")
        .and_then(Value::as_str)
        .context("no document id")?
        .to_owned();
    let started = Instant::now();
    let document = loop {
        let document = get(client, &format!("{base}/v1/documents/{id}"), key).await?;
        let status = document
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if status != "PENDING" && status != "PROCESSING" {
            break document;
        }
        if started.elapsed() > ANALYSIS_TIMEOUT {
            bail!("still {status} after {} s", ANALYSIS_TIMEOUT.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let status = document
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if status == "FAILED" {
        bail!("{}", at(&document, "/failure/message"));
    }
    let native = get(
        client,
        &format!("{base}/v1/documents/{id}/analysis?profile=native"),
        key,
    )
    .await?;

    let report = client
        .send(
            http::Request::get(format!("{base}/v1/documents/{id}/report.pdf"))
                .header("x-api-key", key)
                .body(Bytes::new())?,
        )
        .await?;
    if report.status.is_success() {
        let stem = Path::new(&name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let out: PathBuf = dir.join(format!("report-{stem}.pdf"));
        std::fs::write(&out, &report.body).with_context(|| format!("writing {}", out.display()))?;
    }
    let text = |value: &Value| match value {
        Value::String(s) => s.clone(),
        Value::Null => "-".to_owned(),
        other => other.to_string(),
    };
    Ok(format!(
        "{:<22} {:<9} {:>7} {:<8} {:<10} {:>6} {:>7}",
        name,
        status,
        text(at(&native, "/scores/envoyx/credit_score")),
        text(at(&native, "/scores/envoyx/credit_tier")),
        text(at(&native, "/scores/envoyx/overall_risk_level")),
        text(at(&native, "/scores/xray/rating")),
        text(at(&native, "/scores/points/calculatedScore")),
    ))
}

async fn get(client: &Client, url: &str, key: &str) -> Result<Value> {
    call(
        client,
        http::Request::get(url)
            .header("x-api-key", key)
            .body(Bytes::new())?,
    )
    .await
}

/// Sends a request and reads a JSON answer, turning an error answer into its message.
async fn call(client: &Client, request: http::Request<Bytes>) -> Result<Value> {
    let response = client.send(request).await?;
    let value: Value = serde_json::from_slice(&response.body)
        .with_context(|| format!("answer {} is not JSON", response.status))?;
    if !response.status.is_success() {
        bail!("{}: {}", response.status, at(&value, "/error/message"));
    }
    Ok(value)
}

/// The value at a JSON pointer, or null.
fn at<'a>(value: &'a Value, pointer: &str) -> &'a Value {
    value.pointer(pointer).unwrap_or(&Value::Null)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
