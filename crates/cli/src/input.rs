//! Reading input files with the size limit checked *before* reading, so a 2 GB file is refused
//! at once instead of being loaded into memory.

use std::fmt;
use std::io::Read;
use std::path::Path;

use ledgerlens_ingest::IngestError;

/// A problem with one input file: exit code 2.
#[derive(Debug)]
pub struct InputError {
    /// The file, as the user named it.
    pub file: String,
    /// Stable machine code.
    pub code: &'static str,
    /// Human message.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.file, self.message, self.code)
    }
}

impl std::error::Error for InputError {}

impl InputError {
    /// Wraps an ingestion error for a file.
    pub fn from_ingest(file: &str, error: &IngestError) -> Self {
        InputError {
            file: file.to_owned(),
            code: error.code(),
            message: error.to_string(),
        }
    }
}

/// Reads a file (or stdin for `-`), refusing anything over `max_bytes`.
pub fn read_limited(path: &str, max_bytes: u64) -> Result<Vec<u8>, InputError> {
    let too_large = |size: u64| {
        InputError::from_ingest(
            path,
            &IngestError::TooLarge {
                size_bytes: size,
                limit_bytes: max_bytes,
            },
        )
    };
    let io_error = |e: std::io::Error| InputError {
        file: path.to_owned(),
        code: "unreadable_file",
        message: e.to_string(),
    };
    if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io_error)?;
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        return if size > max_bytes {
            Err(too_large(size))
        } else {
            Ok(bytes)
        };
    }
    let meta = std::fs::metadata(path).map_err(io_error)?;
    if meta.is_dir() {
        return Err(InputError {
            file: path.to_owned(),
            code: "unreadable_file",
            message: "is a directory".to_owned(),
        });
    }
    if meta.len() > max_bytes {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::new();
    // The file may grow between stat and read; the `take` keeps the limit honest anyway.
    std::fs::File::open(path)
        .map_err(io_error)?
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > max_bytes {
        return Err(too_large(size));
    }
    Ok(bytes)
}

/// The name shown for a path: its last component.
pub fn display_name(path: &str) -> String {
    if path == "-" {
        return "stdin".to_owned();
    }
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned())
}
