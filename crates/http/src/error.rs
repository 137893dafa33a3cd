//! The one error type of the HTTP client.

/// Why a request got no usable answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// The URL is not an absolute `http://` or `https://` URL with a host.
    #[error("unusable URL {url}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// `https://` was asked of a build without the `tls` feature.
    #[error("https:// is not available: this build has no TLS support")]
    TlsUnavailable,
    /// The TLS setup (e.g. an extra root certificate) could not be used.
    #[error("TLS configuration: {0}")]
    TlsConfig(String),
    /// The host resolved to an address the address guard refuses (SSRF protection).
    #[error("{host} resolves to {address}, which this client may not connect to")]
    AddressRefused {
        /// The host of the URL.
        host: String,
        /// The refused address.
        address: std::net::IpAddr,
    },
    /// Name resolution or the TCP/TLS connection failed.
    #[error("connecting to {host}: {message}")]
    Connect {
        /// The host of the URL.
        host: String,
        /// What failed, with the address tried.
        message: String,
    },
    /// The whole exchange took longer than the configured total timeout.
    #[error("no complete answer within {0} ms")]
    Timeout(u128),
    /// The answer's body exceeds the configured cap. The status is kept: for a caller that only
    /// needs it (a webhook sender), the answer still counts.
    #[error("the answer ({status}) has a body over {limit} bytes")]
    TooLarge {
        /// The configured cap.
        limit: usize,
        /// The answer's status code.
        status: u16,
    },
    /// The exchange broke off or the answer is not HTTP/1.1.
    #[error("HTTP exchange: {0}")]
    Protocol(String),
}
