//! The client against real servers on loopback: plain TCP servers that answer what each test
//! needs, and a rustls server with a certificate from the test CA in `tests/tls/`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Read, Write};
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ledgerlens_http::bytes::Bytes;
use ledgerlens_http::{Client, ClientConfig, HttpError, http};

/// What a test server saw: connections accepted and the requests (head and body) read.
#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    requests: Mutex<Vec<String>>,
}

fn head_end(buffer: &[u8]) -> Option<usize> {
    buffer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
}

fn content_length(head: &str) -> usize {
    head.lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

/// Serves every connection (threads with blocking sockets): reads one request, then writes
/// `answer`, or holds the connection open until the client gives up when `answer` is `None`.
async fn server(answer: Option<Vec<u8>>) -> (u16, Arc<Seen>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Seen::default());
    let seen_by_server = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            seen_by_server.connections.fetch_add(1, Ordering::SeqCst);
            let (answer, seen) = (answer.clone(), Arc::clone(&seen_by_server));
            std::thread::spawn(move || {
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let read = stream.read(&mut chunk).unwrap_or(0);
                    if read == 0 {
                        return;
                    }
                    buffer.extend_from_slice(&chunk[..read]);
                    if let Some(end) = head_end(&buffer) {
                        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
                        if buffer.len() >= end + content_length(&head) {
                            break;
                        }
                    }
                }
                seen.requests
                    .lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&buffer).into_owned());
                match answer {
                    Some(answer) => {
                        let _ = stream.write_all(&answer);
                        let _ = stream.shutdown(std::net::Shutdown::Write);
                    }
                    None => {
                        let _ = stream.read(&mut chunk);
                    }
                }
            });
        }
    });
    (port, seen)
}

fn get(url: &str) -> http::Request<Bytes> {
    http::Request::get(url).body(Bytes::new()).unwrap()
}

#[tokio::test]
async fn a_post_arrives_whole_and_any_status_is_an_answer_redirects_included() {
    let (port, seen) = server(Some(
        b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 5\r\n\r\nmoved"
            .to_vec(),
    ))
    .await;
    let client = Client::new(ClientConfig::default()).unwrap();
    let request = http::Request::post(format!("http://127.0.0.1:{port}/hook?x=1"))
        .header("webhook-id", "msg_1")
        .body(Bytes::from_static(b"{\"type\":\"document.analyzed\"}"))
        .unwrap();
    let answer = client.send(request).await.unwrap();
    assert_eq!(answer.status, http::StatusCode::FOUND);
    assert_eq!(&answer.body[..], b"moved");
    let requests = seen.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 1, "the redirect was followed: {requests:?}");
    let request = &requests[0];
    assert!(
        request.starts_with("POST /hook?x=1 HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(
        request.contains(&format!("host: 127.0.0.1:{port}\r\n")),
        "{request}"
    );
    assert!(request.contains("webhook-id: msg_1\r\n"), "{request}");
    assert!(
        request.ends_with("\r\n\r\n{\"type\":\"document.analyzed\"}"),
        "{request}"
    );
}

#[tokio::test]
async fn a_body_over_the_cap_is_an_error_not_a_truncated_answer() {
    let config = ClientConfig {
        max_response_bytes: 1024,
        ..ClientConfig::default()
    };
    let client = Client::new(config).unwrap();
    let declared = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: 2048\r\n\r\n{}",
        "a".repeat(2048)
    );
    let (port, _) = server(Some(declared.into_bytes())).await;
    let error = client
        .send(get(&format!("http://127.0.0.1:{port}/")))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            HttpError::TooLarge {
                limit: 1024,
                status: 200
            }
        ),
        "{error}"
    );

    // Chunked: no length announced, the cap is enforced while reading.
    let chunk = format!("400\r\n{}\r\n", "b".repeat(1024));
    let chunked =
        format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{chunk}{chunk}0\r\n\r\n");
    let (port, _) = server(Some(chunked.into_bytes())).await;
    let error = client
        .send(get(&format!("http://127.0.0.1:{port}/")))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            HttpError::TooLarge {
                limit: 1024,
                status: 200
            }
        ),
        "{error}"
    );

    let exact = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n{}",
        "c".repeat(1024)
    );
    let (port, _) = server(Some(exact.into_bytes())).await;
    let answer = client
        .send(get(&format!("http://127.0.0.1:{port}/")))
        .await
        .unwrap();
    assert_eq!(answer.body.len(), 1024);
}

#[tokio::test]
async fn a_server_that_never_answers_runs_into_the_total_timeout() {
    let (port, seen) = server(None).await;
    let client = Client::new(ClientConfig {
        total_timeout: Duration::from_millis(300),
        ..ClientConfig::default()
    })
    .unwrap();
    let started = Instant::now();
    let error = client
        .send(get(&format!("http://127.0.0.1:{port}/")))
        .await
        .unwrap_err();
    assert!(matches!(error, HttpError::Timeout(300)), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_address_guard_sees_ip_literals_and_resolved_names_before_connecting() {
    let (port, seen) = server(Some(b"HTTP/1.1 204 No Content\r\n\r\n".to_vec())).await;
    let refuse_loopback: Arc<dyn Fn(IpAddr) -> bool + Send + Sync> =
        Arc::new(|ip: IpAddr| !ip.is_loopback());
    let guarded = Client::new(ClientConfig {
        address_guard: Some(refuse_loopback),
        ..ClientConfig::default()
    })
    .unwrap();
    for url in [
        format!("http://127.0.0.1:{port}/"),
        format!("http://localhost:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
    ] {
        let error = guarded.send(get(&url)).await.unwrap_err();
        assert!(
            matches!(error, HttpError::AddressRefused { .. }),
            "{url}: {error}"
        );
    }
    assert_eq!(
        seen.connections.load(Ordering::SeqCst),
        0,
        "a refused address was connected to"
    );

    let open = Client::new(ClientConfig::default()).unwrap();
    let answer = open
        .send(get(&format!("http://localhost:{port}/")))
        .await
        .unwrap();
    assert_eq!(answer.status, http::StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn unusable_urls_and_closed_ports_are_errors() {
    let client = Client::new(ClientConfig::default()).unwrap();
    let error = client.send(get("ftp://127.0.0.1/x")).await.unwrap_err();
    assert!(matches!(error, HttpError::InvalidUrl { .. }), "{error}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let error = client
        .send(get(&format!("http://127.0.0.1:{port}/")))
        .await
        .unwrap_err();
    assert!(matches!(error, HttpError::Connect { .. }), "{error}");
}

const CA: &[u8] = include_bytes!("tls/ca.pem");
const CERT: &[u8] = include_bytes!("tls/localhost.pem");
const KEY: &[u8] = include_bytes!("tls/localhost.key");

/// A TLS server (rustls, in a thread) answering every request with `hello over tls`.
fn tls_server() -> u16 {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(CERT)
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let config = Arc::clone(&config);
            std::thread::spawn(move || {
                let Ok(connection) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(connection, stream);
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 1024];
                while head_end(&buffer).is_none() {
                    match tls.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(read) => buffer.extend_from_slice(&chunk[..read]),
                    }
                }
                let _ = tls.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\nConnection: close\r\n\r\nhello over tls",
                );
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    port
}

#[tokio::test]
async fn https_works_with_a_trusted_root_and_fails_without() {
    let port = tls_server();
    let trusting = Client::new(ClientConfig {
        extra_roots_pem: vec![CA.to_vec()],
        ..ClientConfig::default()
    })
    .unwrap();
    let answer = trusting
        .send(get(&format!("https://localhost:{port}/")))
        .await
        .unwrap();
    assert_eq!(answer.status, http::StatusCode::OK);
    assert_eq!(&answer.body[..], b"hello over tls");

    let default_roots = Client::new(ClientConfig::default()).unwrap();
    let error = default_roots
        .send(get(&format!("https://localhost:{port}/")))
        .await
        .unwrap_err();
    assert!(matches!(error, HttpError::Connect { .. }), "{error}");
    assert!(
        error.to_string().to_lowercase().contains("certificate"),
        "{error}"
    );

    let error = Client::new(ClientConfig {
        extra_roots_pem: vec![b"not a certificate".to_vec()],
        ..ClientConfig::default()
    })
    .unwrap_err();
    assert!(matches!(error, HttpError::TlsConfig(_)), "{error}");
}
