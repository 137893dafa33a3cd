//! Uploaded originals.
//!
//! Originals are content-addressed per tenant (`<tenant>/<sha256>`): the same file uploaded twice
//! by one tenant is stored once, and nothing is shared across tenants, so deleting a tenant's data
//! can never touch another's.

use std::future::Future;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::{StoreError, TenantId};

/// The name of one original: a tenant and the hex SHA-256 of the content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobKey {
    tenant: String,
    sha256: String,
}

impl BlobKey {
    /// A key from a tenant and a digest. Both become path components (and object names), so
    /// anything but our id shape and 64 lowercase hex digits is refused: no `..`, no `/`.
    pub fn new(tenant: &TenantId, sha256: &str) -> Result<Self, StoreError> {
        let tenant_ok = !tenant.as_str().is_empty()
            && tenant
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let digest_ok = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !tenant_ok || !digest_ok {
            return Err(StoreError::Invalid(format!(
                "blob key {}/{sha256}",
                tenant.as_str()
            )));
        }
        Ok(BlobKey {
            tenant: tenant.as_str().to_owned(),
            sha256: sha256.to_owned(),
        })
    }

    /// `<tenant>/<sha256>`, the object name in any backend.
    pub fn name(&self) -> String {
        format!("{}/{}", self.tenant, self.sha256)
    }
}

/// Where originals are kept.
pub trait Blobs: Clone + Send + Sync + 'static {
    /// Stores the bytes under the key (replacing identical content is harmless).
    fn put(
        &self,
        key: &BlobKey,
        bytes: Vec<u8>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The bytes under the key; `None` if there are none.
    fn get(
        &self,
        key: &BlobKey,
    ) -> impl Future<Output = Result<Option<Vec<u8>>, StoreError>> + Send;

    /// Removes the bytes for good; removing a missing blob is not an error.
    fn delete(&self, key: &BlobKey) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Originals as files under `<root>/<tenant>/<sha256>`.
#[derive(Clone, Debug)]
pub struct LocalBlobs {
    root: PathBuf,
}

impl LocalBlobs {
    /// Blobs under `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalBlobs { root: root.into() }
    }

    /// The directory the originals are under (for the start-up log line).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file of a key (tests check that deletion really removes it).
    pub fn path_of(&self, key: &BlobKey) -> PathBuf {
        self.root.join(&key.tenant).join(&key.sha256)
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::BlobIo {
        path: path.to_owned(),
        source,
    }
}

impl Blobs for LocalBlobs {
    async fn put(&self, key: &BlobKey, bytes: Vec<u8>) -> Result<(), StoreError> {
        let path = self.path_of(key);
        let dir = self.root.join(&key.tenant);
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(io_error(&dir))?;
        // Written to a unique temporary name and renamed: a reader never sees half a file, and two
        // uploads of the same content cannot interleave their writes.
        let temp = dir.join(format!(
            ".{}.{}.tmp",
            key.sha256,
            crate::ids::random_hex(8)?
        ));
        tokio::fs::write(&temp, bytes)
            .await
            .map_err(io_error(&temp))?;
        if let Err(error) = tokio::fs::rename(&temp, &path).await {
            let _ = tokio::fs::remove_file(&temp).await;
            return Err(io_error(&path)(error));
        }
        Ok(())
    }

    async fn get(&self, key: &BlobKey) -> Result<Option<Vec<u8>>, StoreError> {
        let path = self.path_of(key);
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
            Err(error) => Err(io_error(&path)(error)),
        }
    }

    async fn delete(&self, key: &BlobKey) -> Result<(), StoreError> {
        let path = self.path_of(key);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(()),
            Err(error) => Err(io_error(&path)(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant() -> TenantId {
        TenantId::from_db("ten_abc".to_owned())
    }

    #[test]
    fn keys_that_could_escape_the_directory_are_refused() {
        assert!(BlobKey::new(&tenant(), "../../etc/passwd").is_err());
        assert!(BlobKey::new(&TenantId::from_db("..".to_owned()), &"a".repeat(64)).is_err());
        assert!(BlobKey::new(&tenant(), &"A".repeat(64)).is_err());
        assert!(BlobKey::new(&tenant(), &"a".repeat(64)).is_ok());
    }

    #[tokio::test]
    async fn put_get_delete_really_removes_the_file() {
        let root = std::env::temp_dir().join(format!("ledgerlens-blobs-{}", std::process::id()));
        let blobs = LocalBlobs::new(&root);
        let key = BlobKey::new(&tenant(), &"b".repeat(64)).unwrap();
        blobs.put(&key, b"hello".to_vec()).await.unwrap();
        assert_eq!(
            blobs.get(&key).await.unwrap().as_deref(),
            Some(&b"hello"[..])
        );
        blobs.delete(&key).await.unwrap();
        assert!(!blobs.path_of(&key).exists());
        assert_eq!(blobs.get(&key).await.unwrap(), None);
        blobs.delete(&key).await.unwrap();
        let _ = std::fs::remove_dir_all(root);
    }
}
