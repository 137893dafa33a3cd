//! OCR for ledgerlens, by the `tesseract` command (Apache-2.0, Debian's `tesseract-ocr`).
//!
//! Why a process and not a binding: the command needs no C++ toolchain or headers at build time,
//! a crash or a runaway page in the engine cannot take the server down with it, and a page that
//! overruns its time budget is simply killed. The cost — a process start per page — is a few
//! milliseconds against the second or more that recognition takes. Each process is held to one
//! thread (`OMP_THREAD_LIMIT=1`): tesseract's own threading is slower on few cores than running
//! pages side by side, which [`ledgerlens_ingest::pdf::ocr::recognise_pages`] does.

mod tsv;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ledgerlens_ingest::IngestError;
use ledgerlens_ingest::pdf::{OcrEngine, OcrImage, OcrLimits};

pub use tsv::parse_tsv;

/// The environment variable naming the tesseract executable to use.
pub const TESSERACT_ENV: &str = "LEDGERLENS_TESSERACT";

/// Most bytes of TSV read back from one page (a dense page is ~200 KB).
const MAX_OUTPUT: u64 = 32 * 1024 * 1024;

/// The tesseract command, with the languages to read.
#[derive(Clone, Debug)]
pub struct Tesseract {
    program: PathBuf,
    languages: String,
}

/// Why tesseract cannot be used.
#[derive(Debug)]
pub struct Unavailable(pub String);

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unavailable {}

impl Tesseract {
    /// Finds tesseract (`$LEDGERLENS_TESSERACT`, else `tesseract` on the PATH) and checks that it
    /// runs and has every language asked for (`eng`, `eng+fra`, …); languages missing are named,
    /// with the Debian package that provides them.
    pub fn locate(languages: &str) -> Result<Tesseract, Unavailable> {
        let program = std::env::var_os(TESSERACT_ENV)
            .filter(|p| !p.is_empty())
            .map_or_else(|| PathBuf::from("tesseract"), PathBuf::from);
        let listed = Command::new(&program)
            .arg("--list-langs")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .map_err(|e| {
                Unavailable(format!(
                    "the OCR engine `{}` cannot be run ({e}); install tesseract-ocr or set \
                     {TESSERACT_ENV}",
                    program.display()
                ))
            })?;
        let installed = String::from_utf8_lossy(&listed.stdout).into_owned();
        let have: Vec<&str> = installed.lines().skip(1).map(str::trim).collect();
        let missing: Vec<&str> = languages
            .split('+')
            .filter(|l| !l.is_empty() && !have.contains(l))
            .collect();
        if !missing.is_empty() {
            return Err(Unavailable(format!(
                "tesseract lacks the language data {} (Debian: {})",
                missing.join(", "),
                missing
                    .iter()
                    .map(|l| format!("tesseract-ocr-{l}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )));
        }
        Ok(Tesseract {
            program,
            languages: languages.to_owned(),
        })
    }

    /// The executable in use.
    pub fn program(&self) -> &Path {
        &self.program
    }
}

impl OcrEngine for Tesseract {
    fn recognise(&self, image: &[u8], limits: &OcrLimits) -> Result<OcrImage, IngestError> {
        let budget = Duration::from_millis(limits.per_image_ms);
        let started = Instant::now();
        let mut child = Command::new(&self.program)
            .args(["stdin", "stdout", "-l", &self.languages, "--psm", "3"])
            // Keep inter-word spacing as printed: columns stay separate words.
            .args(["-c", "preserve_interword_spaces=1", "tsv"])
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| IngestError::OcrUnavailable(format!("tesseract cannot start: {e}")))?;
        let (Some(mut stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            return Err(IngestError::OcrFailed(
                "tesseract's pipes are missing".to_owned(),
            ));
        };
        // Write, read and wait side by side: a full pipe on either end would otherwise block.
        let outcome = std::thread::scope(|scope| {
            let writer = scope.spawn(move || stdin.write_all(image));
            let reader = scope.spawn(move || {
                let mut out = Vec::new();
                stdout.take(MAX_OUTPUT).read_to_end(&mut out).map(|_| out)
            });
            let errors = scope.spawn(move || {
                let mut out = Vec::new();
                let _ = stderr.take(64 * 1024).read_to_end(&mut out);
                out
            });
            let status = loop {
                match child.try_wait() {
                    Ok(Some(status)) => break Ok(status),
                    Ok(None) if started.elapsed() > budget => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break Err(IngestError::OcrFailed(format!(
                            "a page took longer than the {} ms OCR budget",
                            limits.per_image_ms
                        )));
                    }
                    Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                    Err(e) => {
                        break Err(IngestError::OcrFailed(format!(
                            "waiting for tesseract: {e}"
                        )));
                    }
                }
            };
            // A killed child closes its pipes, so these joins return.
            let written = writer.join();
            let read = reader.join();
            let errors = errors.join().unwrap_or_default();
            (status, written, read, errors)
        });
        let (status, _written, read, errors) = outcome;
        let status = status?;
        let stdout = match read {
            Ok(Ok(bytes)) => bytes,
            _ => {
                return Err(IngestError::OcrFailed(
                    "tesseract's output could not be read".to_owned(),
                ));
            }
        };
        if !status.success() {
            let message = String::from_utf8_lossy(&errors);
            let last = message
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no message");
            return Err(IngestError::OcrFailed(format!(
                "tesseract could not read the image ({status}): {}",
                last.trim()
            )));
        }
        parse_tsv(&String::from_utf8_lossy(&stdout)).ok_or_else(|| {
            IngestError::OcrFailed("tesseract's TSV output is not understood".to_owned())
        })
    }
}
