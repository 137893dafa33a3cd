//! `--config FILE` (or `LEDGERLENS_CONFIG`): the settings of `serve` and `worker` in a TOML file,
//! for deployments that prefer a file to a long command line. Keys are the flags' names with
//! underscores (`database_url`, `lease_seconds`…); docs/service.md lists them.
//!
//! Precedence, highest first: flag, environment variable, file, built-in default — so one file
//! can serve a fleet while a single process is adjusted by its environment.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

use crate::serve_cmd::ServeArgs;
use crate::worker_cmd::WorkerArgs;

/// The file's settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    blobs: Option<String>,
    blob_key_file: Option<PathBuf>,
    workers: Option<usize>,
    ocr_lang: Option<String>,
    allow_private_webhooks: Option<bool>,
    lease_seconds: Option<u64>,
    token_ttl_seconds: Option<u64>,
    rate_limit_per_second: Option<u32>,
}

/// The environment variable naming the file when `--config` does not.
const CONFIG_VAR: &str = "LEDGERLENS_CONFIG";

impl ConfigFile {
    /// Reads the file named by `--config` or `LEDGERLENS_CONFIG`; none is an empty config.
    pub fn load(flag: Option<&Path>) -> Result<ConfigFile> {
        let path = match flag {
            Some(path) => path.to_owned(),
            None => match std::env::var(CONFIG_VAR) {
                Ok(path) if !path.is_empty() => PathBuf::from(path),
                _ => return Ok(ConfigFile::default()),
            },
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading the config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("the config file {}", path.display()))
    }

    /// Fills the settings of `serve` that neither a flag nor the environment gave.
    pub fn apply_to_serve(mut self, args: &mut ServeArgs) {
        fill(&mut args.listen, "LEDGERLENS_LISTEN", self.listen.take());
        fill(
            &mut args.token_ttl_seconds,
            "LEDGERLENS_TOKEN_TTL_SECONDS",
            self.token_ttl_seconds.take(),
        );
        fill(
            &mut args.rate_limit_per_second,
            "LEDGERLENS_RATE_LIMIT_PER_SECOND",
            self.rate_limit_per_second.take(),
        );
        let common = Common {
            data_dir: &mut args.store.data_dir,
            database_url: &mut args.store.database_url,
            blobs: &mut args.blobs.blobs,
            blob_key_file: &mut args.blobs.blob_key_file,
            workers: &mut args.workers,
            ocr_lang: &mut args.ocr_lang,
            allow_private_webhooks: &mut args.allow_private_webhooks,
            lease_seconds: &mut args.lease_seconds,
        };
        self.apply_common(common);
    }

    /// Fills the settings of `worker` that neither a flag nor the environment gave.
    pub fn apply_to_worker(self, args: &mut WorkerArgs) {
        let common = Common {
            data_dir: &mut args.store.data_dir,
            database_url: &mut args.store.database_url,
            blobs: &mut args.blobs.blobs,
            blob_key_file: &mut args.blobs.blob_key_file,
            workers: &mut args.workers,
            ocr_lang: &mut args.ocr_lang,
            allow_private_webhooks: &mut args.allow_private_webhooks,
            lease_seconds: &mut args.lease_seconds,
        };
        self.apply_common(common);
    }

    fn apply_common(self, to: Common<'_>) {
        fill(to.data_dir, "LEDGERLENS_DATA_DIR", self.data_dir);
        fill(to.database_url, "DATABASE_URL", self.database_url);
        fill(to.blobs, "LEDGERLENS_BLOBS", self.blobs);
        fill(
            to.blob_key_file,
            "LEDGERLENS_BLOB_KEY_FILE",
            self.blob_key_file,
        );
        fill(to.workers, "LEDGERLENS_WORKERS", self.workers);
        fill(
            to.lease_seconds,
            "LEDGERLENS_LEASE_SECONDS",
            self.lease_seconds,
        );
        if to.ocr_lang.is_none() {
            *to.ocr_lang = self.ocr_lang;
        }
        if !*to.allow_private_webhooks
            && std::env::var_os("LEDGERLENS_ALLOW_PRIVATE_WEBHOOKS").is_none()
        {
            *to.allow_private_webhooks = self.allow_private_webhooks.unwrap_or(false);
        }
    }
}

/// The settings `serve` and `worker` share, borrowed from either's arguments.
struct Common<'a> {
    data_dir: &'a mut Option<PathBuf>,
    database_url: &'a mut Option<String>,
    blobs: &'a mut Option<String>,
    blob_key_file: &'a mut Option<PathBuf>,
    workers: &'a mut Option<usize>,
    ocr_lang: &'a mut Option<String>,
    allow_private_webhooks: &'a mut bool,
    lease_seconds: &'a mut Option<u64>,
}

/// Sets `slot` from the file when neither the flag nor `var` gave a value.
fn fill<T>(slot: &mut Option<T>, var: &str, from_file: Option<T>) {
    let env_set = std::env::var(var).is_ok_and(|v| !v.is_empty());
    if slot.is_none() && !env_set {
        *slot = from_file;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_refused_and_known_ones_read() {
        let file: ConfigFile =
            toml::from_str("database_url = \"postgres://db/ll\"\nlease_seconds = 30\n").unwrap();
        assert_eq!(file.database_url.as_deref(), Some("postgres://db/ll"));
        assert!(toml::from_str::<ConfigFile>("databse_url = \"x\"").is_err());
    }

    #[test]
    fn a_flag_wins_over_the_file() {
        let mut slot = Some(5u64);
        fill(&mut slot, "LEDGERLENS_TEST_UNSET_VARIABLE", Some(9));
        assert_eq!(slot, Some(5));
        let mut empty = None;
        fill(&mut empty, "LEDGERLENS_TEST_UNSET_VARIABLE", Some(9));
        assert_eq!(empty, Some(9));
    }
}
