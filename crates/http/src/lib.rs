//! The outbound HTTP/1.1 client of the service: webhooks and S3-compatible object stores.
//!
//! One small surface over hyper's pooled client so that every caller gets the same limits: a
//! connect timeout, a total timeout for the whole exchange (a slow receiver cannot hold a task),
//! a cap on the response body (a hostile receiver cannot fill memory) and no redirects (a 3xx is
//! an answer like any other; following it would also bypass the address guard's intent).
//! An optional [`AddressGuard`] sees every address before it is connected to, which is what an
//! SSRF check needs: checking the host name alone misses IP literals and DNS that changes.

mod connect;
mod error;
#[cfg(feature = "tls")]
mod tls;

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as Pooled;
use hyper_util::rt::TokioExecutor;

pub use bytes;
pub use connect::AddressGuard;
pub use error::HttpError;
pub use http;

use connect::GuardedConnector;

#[cfg(feature = "tls")]
type Connector = hyper_rustls::HttpsConnector<GuardedConnector>;
#[cfg(not(feature = "tls"))]
type Connector = GuardedConnector;

/// Limits and trust of a [`Client`].
#[derive(Clone)]
pub struct ClientConfig {
    /// Resolving and connecting, for each address tried.
    pub connect_timeout: Duration,
    /// The whole exchange: connecting, sending, and reading the full answer.
    pub total_timeout: Duration,
    /// Largest response body read; a larger one is an error, not a truncated answer.
    pub max_response_bytes: usize,
    /// PEM root certificates trusted besides Mozilla's (each entry may hold several).
    pub extra_roots_pem: Vec<Vec<u8>>,
    /// When set, an address is connected to only if the guard returns true for it.
    pub address_guard: Option<AddressGuard>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(30),
            max_response_bytes: 1024 * 1024,
            extra_roots_pem: Vec::new(),
            address_guard: None,
        }
    }
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("connect_timeout", &self.connect_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("extra_roots", &self.extra_roots_pem.len())
            .field("guarded", &self.address_guard.is_some())
            .finish()
    }
}

/// A complete answer: the body was read to its end, within the cap.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: http::StatusCode,
    /// The headers.
    pub headers: http::HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

/// A pooled HTTP/1.1 client; cheap to clone (clones share the pool).
#[derive(Clone, Debug)]
pub struct Client {
    pooled: Pooled<Connector, Full<Bytes>>,
    total_timeout: Duration,
    max_response_bytes: usize,
}

impl Client {
    /// A client with these limits. Fails only on unusable extra root certificates.
    pub fn new(config: ClientConfig) -> Result<Self, HttpError> {
        let tcp = GuardedConnector {
            guard: config.address_guard.clone(),
            connect_timeout: config.connect_timeout,
        };
        #[cfg(feature = "tls")]
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls::client_config(&config.extra_roots_pem)?)
            .https_or_http()
            .enable_http1()
            .wrap_connector(tcp);
        #[cfg(not(feature = "tls"))]
        let connector = tcp;
        let pooled = Pooled::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(8)
            .build(connector);
        Ok(Client {
            pooled,
            total_timeout: config.total_timeout,
            max_response_bytes: config.max_response_bytes,
        })
    }

    /// Sends the request and reads the whole answer, within the total timeout and the size cap.
    /// Any status is an answer (`Ok`), redirects included.
    pub async fn send(&self, request: http::Request<Bytes>) -> Result<Response, HttpError> {
        check_url(request.uri())?;
        let limit = self.total_timeout;
        tokio::time::timeout(limit, self.exchange(request))
            .await
            .map_err(|_| HttpError::Timeout(limit.as_millis()))?
    }

    async fn exchange(&self, request: http::Request<Bytes>) -> Result<Response, HttpError> {
        let host = request.uri().host().unwrap_or("").to_owned();
        let request = request.map(Full::new);
        let answer = self
            .pooled
            .request(request)
            .await
            .map_err(|e| client_error(&host, &e))?;
        let (parts, mut body) = answer.into_parts();
        let declared = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > self.max_response_bytes as u64) {
            return Err(self.too_large(parts.status));
        }
        let mut collected = Vec::with_capacity(declared.map_or(0, |n| {
            usize::try_from(n).unwrap_or(0).min(self.max_response_bytes)
        }));
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| HttpError::Protocol(chain(&e)))?;
            if let Ok(data) = frame.into_data() {
                if collected.len().saturating_add(data.len()) > self.max_response_bytes {
                    return Err(self.too_large(parts.status));
                }
                collected.extend_from_slice(&data);
            }
        }
        Ok(Response {
            status: parts.status,
            headers: parts.headers,
            body: Bytes::from(collected),
        })
    }

    fn too_large(&self, status: http::StatusCode) -> HttpError {
        HttpError::TooLarge {
            limit: self.max_response_bytes,
            status: status.as_u16(),
        }
    }
}

fn check_url(uri: &http::Uri) -> Result<(), HttpError> {
    let invalid = |reason| HttpError::InvalidUrl {
        url: uri.to_string(),
        reason,
    };
    match uri.scheme_str() {
        Some("http") => {}
        Some("https") if cfg!(feature = "tls") => {}
        Some("https") => return Err(HttpError::TlsUnavailable),
        _ => return Err(invalid("the scheme must be http or https")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    Ok(())
}

/// Our connector's own error when that is what failed (the guard's refusal keeps its variant),
/// otherwise the cause chain as text.
fn client_error(host: &str, error: &hyper_util::client::legacy::Error) -> HttpError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(error);
    while let Some(current) = source {
        if let Some(ours) = current.downcast_ref::<HttpError>() {
            return match ours {
                HttpError::AddressRefused { host, address } => HttpError::AddressRefused {
                    host: host.clone(),
                    address: *address,
                },
                other => HttpError::Connect {
                    host: host.to_owned(),
                    message: other.to_string(),
                },
            };
        }
        source = current.source();
    }
    if error.is_connect() {
        HttpError::Connect {
            host: host.to_owned(),
            message: chain(error),
        }
    } else {
        HttpError::Protocol(chain(error))
    }
}

/// An error and its causes, `a: b: c`, without repeating a cause already in the message.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(current) = source {
        let next = current.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = current.source();
    }
    text
}
