//! The TCP connector: resolves, checks every address with the guard, then connects.
//!
//! hyper-util's own `HttpConnector` skips its resolver for IP literals, so a guard installed as a
//! resolver would not see `http://127.0.0.1/`. Checking here, on the exact addresses handed to
//! `connect`, means the address connected to is always one the guard accepted — whatever the URL
//! spells and whatever DNS answers this time.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::HttpError;

/// Decides whether an address may be connected to; `true` allows it. IPv4-mapped IPv6 addresses
/// (`::ffff:127.0.0.1`) are handed over as the IPv4 address they reach, so a guard written for
/// IPv4 ranges cannot be walked around by spelling the address in IPv6.
pub type AddressGuard = Arc<dyn Fn(IpAddr) -> bool + Send + Sync>;

#[derive(Clone)]
pub(crate) struct GuardedConnector {
    pub(crate) guard: Option<AddressGuard>,
    pub(crate) connect_timeout: Duration,
}

impl std::fmt::Debug for GuardedConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardedConnector")
            .field("guarded", &self.guard.is_some())
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

type Connecting = Pin<Box<dyn Future<Output = Result<TokioIo<TcpStream>, HttpError>> + Send>>;

impl tower_service::Service<Uri> for GuardedConnector {
    type Response = TokioIo<TcpStream>;
    type Error = HttpError;
    type Future = Connecting;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { this.connect(&uri).await.map(TokioIo::new) })
    }
}

impl GuardedConnector {
    async fn connect(&self, uri: &Uri) -> Result<TcpStream, HttpError> {
        let host = uri
            .host()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
            .unwrap_or("")
            .to_owned();
        let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
            Some("https") => 443,
            _ => 80,
        });
        let failed = |message: String| HttpError::Connect {
            host: host.clone(),
            message,
        };
        let addresses: Vec<SocketAddr> = tokio::time::timeout(
            self.connect_timeout,
            tokio::net::lookup_host((host.as_str(), port)),
        )
        .await
        .map_err(|_| failed("name resolution timed out".to_owned()))?
        .map_err(|e| failed(format!("cannot resolve: {e}")))?
        .collect();
        if addresses.is_empty() {
            return Err(failed("the name has no address".to_owned()));
        }
        // All addresses are checked before any is tried: a name resolving to both a public and a
        // private address would otherwise let whoever controls its DNS pick.
        if let Some(guard) = &self.guard
            && let Some(refused) = addresses.iter().find(|a| !guard(a.ip().to_canonical()))
        {
            return Err(HttpError::AddressRefused {
                host: host.clone(),
                address: refused.ip().to_canonical(),
            });
        }
        let mut last = String::new();
        for address in &addresses {
            match tokio::time::timeout(self.connect_timeout, TcpStream::connect(address)).await {
                Ok(Ok(stream)) => {
                    // Requests are written whole; Nagle would only delay them.
                    let _ = stream.set_nodelay(true);
                    return Ok(stream);
                }
                Ok(Err(error)) => last = format!("{address}: {error}"),
                Err(_) => last = format!("{address}: timed out"),
            }
        }
        Err(failed(last))
    }
}
