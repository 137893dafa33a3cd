//! TLS by rustls with the ring provider: no C toolchain beyond ring's own assembly, no OpenSSL.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::HttpError;

/// Mozilla's roots (compiled in, so a minimal container needs no CA bundle) plus the operator's
/// own, e.g. a private CA in front of an in-house object store.
pub(crate) fn client_config(
    extra_roots_pem: &[Vec<u8>],
) -> Result<rustls::ClientConfig, HttpError> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for pem in extra_roots_pem {
        let mut found = false;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| HttpError::TlsConfig(format!("root certificate: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| HttpError::TlsConfig(format!("root certificate: {e}")))?;
            found = true;
        }
        if !found {
            return Err(HttpError::TlsConfig(
                "no PEM certificate in an extra root".to_owned(),
            ));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| HttpError::TlsConfig(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}
