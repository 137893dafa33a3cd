//! Originals in a real S3-compatible server (moto, started per test on loopback with signature
//! and permission checks on), and encryption at rest on S3 and on local files.
//!
//! The S3 tests need `LEDGERLENS_MOTO_SERVER` (set by `scripts/test`); without it they print
//! `SKIPPED: …` and pass, unless `LEDGERLENS_REQUIRE_SERVICES=1`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use ledgerlens_store::s3_testing::{MotoServer, aws_env, tenant_id};
use ledgerlens_store::{
    BlobEncryptionKey, BlobKey, Blobs, BlobsConfig, ConfiguredBlobs, EncryptedBlobs, LocalBlobs,
    S3Blobs, S3Config, S3Credentials, StoreError,
};
use sha2::{Digest, Sha256};

fn key_for(tenant: &str, content: &[u8]) -> BlobKey {
    let digest = Sha256::digest(content);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    BlobKey::new(&tenant_id(tenant), &hex).unwrap()
}

/// Bytes that do not repeat, so a shifted or truncated copy cannot compare equal.
fn content(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

fn s3(server: &MotoServer, bucket: &str, credentials: &S3Credentials) -> S3Blobs {
    let mut config = S3Config::new(server.endpoint(), bucket, "us-east-1", credentials.clone());
    config.prefix = "ledgerlens/test".to_owned();
    S3Blobs::new(config).unwrap()
}

fn status_code(error: &StoreError) -> (u16, String) {
    match error {
        StoreError::ObjectStoreStatus { status, code, .. } => (*status, code.clone()),
        other => panic!("expected an S3 error answer, got {other}"),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ledgerlens-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_puts_gets_and_deletes_small_large_and_missing_objects() {
    let Some((server, credentials)) = MotoServer::start_with_user_or_skip().await else {
        return;
    };
    let blobs = s3(&server, "originals", &credentials);
    blobs.create_bucket().await.unwrap();
    // Creating it again is harmless (a second node starting).
    blobs.create_bucket().await.unwrap();

    let small = b"date,amount\n2025-01-02,10.00\n".to_vec();
    let large = content(12 * 1024 * 1024, 7);
    let (small_key, large_key) = (key_for("ten_a", &small), key_for("ten_a", &large));
    blobs.put(&small_key, small.clone()).await.unwrap();
    blobs.put(&large_key, large.clone()).await.unwrap();
    assert_eq!(blobs.get(&small_key).await.unwrap(), Some(small));
    let read = blobs.get(&large_key).await.unwrap().unwrap();
    assert_eq!(read.len(), large.len());
    assert!(read == large, "the 12 MiB object came back altered");

    let missing = key_for("ten_a", b"never stored");
    assert_eq!(blobs.get(&missing).await.unwrap(), None);
    blobs.delete(&missing).await.unwrap();

    blobs.delete(&large_key).await.unwrap();
    assert_eq!(blobs.get(&large_key).await.unwrap(), None);
    // The same tenant and digest under another tenant is another object.
    assert_eq!(
        blobs
            .get(&key_for("ten_b", b"date,amount\n2025-01-02,10.00\n"))
            .await
            .unwrap(),
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_errors_carry_the_status_and_the_s3_code() {
    let Some((server, credentials)) = MotoServer::start_with_user_or_skip().await else {
        return;
    };
    let blobs = s3(&server, "originals", &credentials);
    blobs.create_bucket().await.unwrap();
    let bytes = b"%PDF-1.7".to_vec();
    let key = key_for("ten_a", &bytes);

    let wrong_secret = S3Credentials::new(
        credentials.access_key_id().to_owned(),
        "not-the-secret",
        None,
    );
    let error = s3(&server, "originals", &wrong_secret)
        .put(&key, bytes.clone())
        .await
        .unwrap_err();
    assert_eq!(
        status_code(&error),
        (403, "SignatureDoesNotMatch".to_owned()),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("originals/ledgerlens/test/ten_a/"),
        "{error}"
    );

    let unknown = S3Credentials::new("AKIAUNKNOWNKEY000000", "whatever", None);
    let error = s3(&server, "originals", &unknown)
        .get(&key)
        .await
        .unwrap_err();
    assert_eq!(
        status_code(&error),
        (403, "InvalidAccessKeyId".to_owned()),
        "{error}"
    );

    // A missing bucket is a configuration error, not a missing object.
    let elsewhere = s3(&server, "no-such-bucket", &credentials);
    let error = elsewhere.get(&key).await.unwrap_err();
    assert_eq!(
        status_code(&error),
        (404, "NoSuchBucket".to_owned()),
        "{error}"
    );
    let error = elsewhere.put(&key, bytes).await.unwrap_err();
    assert_eq!(status_code(&error).1, "NoSuchBucket", "{error}");

    let endpoint = server.endpoint().to_owned();
    drop(server);
    let config = S3Config::new(endpoint, "originals", "us-east-1", credentials);
    let error = S3Blobs::new(config).unwrap().get(&key).await.unwrap_err();
    assert!(matches!(error, StoreError::ObjectStore(_)), "{error}");
}

fn write_key(dir: &std::path::Path, name: &str, byte: u8) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("{}\n", format!("{byte:02x}").repeat(32))).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encrypted_originals_on_s3_round_trip_and_refuse_tampering_and_wrong_keys() {
    let Some((server, credentials)) = MotoServer::start_with_user_or_skip().await else {
        return;
    };
    let dir = temp_dir("s3-keys");
    let (right, wrong) = (
        write_key(&dir, "right", 0x11),
        write_key(&dir, "wrong", 0x22),
    );
    let url = format!(
        "s3://sealed/pre?endpoint={}&region=us-east-1",
        server.endpoint()
    );
    let env = |name: &str| match name {
        "AWS_ACCESS_KEY_ID" => Some(credentials.access_key_id().to_owned()),
        "AWS_SECRET_ACCESS_KEY" => Some(credentials.secret_access_key().to_owned()),
        _ => None,
    };
    let plain_config = BlobsConfig::parse(&url, env).unwrap();
    let encrypted = ConfiguredBlobs::open(&plain_config.clone().with_key_file(&right)).unwrap();
    let other_key = ConfiguredBlobs::open(&plain_config.clone().with_key_file(&wrong)).unwrap();
    let no_key = ConfiguredBlobs::open(&plain_config).unwrap();
    assert!(encrypted.describe().contains("encrypted"));

    let mut raw = S3Config::new(
        server.endpoint(),
        "sealed",
        "us-east-1",
        credentials.clone(),
    );
    raw.prefix = "pre".to_owned();
    let raw = S3Blobs::new(raw).unwrap();
    raw.create_bucket().await.unwrap();

    let original = content(3 * 1024 * 1024 + 5, 3);
    let key = key_for("ten_a", &original);
    encrypted.put(&key, original.clone()).await.unwrap();
    assert!(encrypted.get(&key).await.unwrap() == Some(original.clone()));

    let stored = raw.get(&key).await.unwrap().unwrap();
    assert_eq!(stored.len(), original.len() + 29 + 16);
    assert!(!stored.windows(64).any(|w| w == &original[1000..1064]));

    let error = other_key.get(&key).await.unwrap_err();
    assert!(error.to_string().contains("another key"), "{error}");
    let error = no_key.get(&key).await.unwrap_err();
    assert!(
        error.to_string().contains("no key is configured"),
        "{error}"
    );

    let mut tampered = stored;
    tampered[100] ^= 0x01;
    raw.put(&key, tampered).await.unwrap();
    let error = encrypted.get(&key).await.unwrap_err();
    assert!(error.to_string().contains("altered"), "{error}");

    // An original stored before encryption was turned on is still served.
    let legacy = b"date,amount\n2024-12-31,5.00\n".to_vec();
    let legacy_key = key_for("ten_a", &legacy);
    raw.put(&legacy_key, legacy.clone()).await.unwrap();
    assert_eq!(encrypted.get(&legacy_key).await.unwrap(), Some(legacy));

    encrypted.delete(&key).await.unwrap();
    assert_eq!(raw.get(&key).await.unwrap(), None);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn encrypted_originals_on_local_files_round_trip_and_refuse_tampering_and_wrong_keys() {
    let dir = temp_dir("local-encrypted");
    let (right, wrong) = (
        write_key(&dir, "right", 0x33),
        write_key(&dir, "wrong", 0x44),
    );
    let root = dir.join("blobs");
    let url = format!("file://{}", root.display());
    let config = BlobsConfig::parse(&url, |_| None).unwrap();
    let encrypted = ConfiguredBlobs::open(&config.clone().with_key_file(&right)).unwrap();
    let other_key = ConfiguredBlobs::open(&config.clone().with_key_file(&wrong)).unwrap();

    let original = content(200_000, 9);
    let key = key_for("ten_a", &original);
    encrypted.put(&key, original.clone()).await.unwrap();
    assert!(encrypted.get(&key).await.unwrap() == Some(original.clone()));

    let local = LocalBlobs::new(&root);
    let on_disk = std::fs::read(local.path_of(&key)).unwrap();
    assert!(!on_disk.windows(64).any(|w| w == &original[500..564]));

    let error = other_key.get(&key).await.unwrap_err();
    assert!(error.to_string().contains("another key"), "{error}");

    let mut tampered = on_disk;
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x80;
    std::fs::write(local.path_of(&key), &tampered).unwrap();
    let error = encrypted.get(&key).await.unwrap_err();
    assert!(matches!(error, StoreError::Encryption(_)), "{error}");

    // The generic wrapper behaves the same over any backend.
    let wrapped = EncryptedBlobs::new(
        LocalBlobs::new(&root),
        BlobEncryptionKey::read_file(&right).unwrap(),
    );
    let other = b"%PDF-1.4 other".to_vec();
    let other_blob = key_for("ten_b", &other);
    wrapped.put(&other_blob, other.clone()).await.unwrap();
    assert_eq!(encrypted.get(&other_blob).await.unwrap(), Some(other));

    let error = ConfiguredBlobs::open(&config.with_key_file(dir.join("absent"))).unwrap_err();
    assert!(error.to_string().contains("absent"), "{error}");
    let _ = std::fs::remove_dir_all(dir);
}

/// What the binary's end-to-end suite uses: a bucket made synchronously, the `--blobs` URL and
/// the environment for child processes.
#[test]
fn the_synchronous_helpers_give_a_ready_bucket_its_url_and_the_credentials_environment() {
    let Some((server, credentials)) = MotoServer::with_bucket_or_skip("e2e-originals") else {
        return;
    };
    let env: Vec<(&str, String)> = aws_env(&credentials);
    let lookup = |name: &str| env.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
    let config = BlobsConfig::parse(&server.blobs_url("e2e-originals", "run-1"), lookup).unwrap();
    let blobs = ConfiguredBlobs::open(&config).unwrap();
    assert!(
        blobs.describe().starts_with("s3 e2e-originals/run-1/"),
        "{}",
        blobs.describe()
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let bytes = b"%PDF-1.7 e2e".to_vec();
        let key = key_for("ten_e2e", &bytes);
        blobs.put(&key, bytes.clone()).await.unwrap();
        assert_eq!(blobs.get(&key).await.unwrap(), Some(bytes));
    });
}
