//! Scratch databases for tests — this crate's and the binary's end-to-end suites — so the same
//! tests run on SQLite and on a real PostgreSQL.
//!
//! PostgreSQL is used when `LEDGERLENS_TEST_POSTGRES` holds an administrator URL
//! (`postgres://postgres@127.0.0.1:5432/postgres`; the README's test command sets it, starting
//! a server if the machine has none). Each test gets a database of its own, dropped afterwards,
//! so tests run in parallel without seeing each other. When the variable is unset the PostgreSQL
//! half is skipped with a notice — unless `LEDGERLENS_REQUIRE_SERVICES=1`, which turns the
//! skip into an error so CI cannot pass by skipping.

use sqlx::Executor;
use sqlx::any::AnyPoolOptions;

use crate::ids::random_hex;
use crate::{SqlStore, StoreError};

/// The administrator URL of the test PostgreSQL, if the machine has one.
pub fn postgres_admin_url() -> Result<Option<String>, StoreError> {
    match std::env::var("LEDGERLENS_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Ok(Some(url)),
        _ if std::env::var("LEDGERLENS_REQUIRE_SERVICES").as_deref() == Ok("1") => {
            Err(StoreError::Invalid(
                "LEDGERLENS_REQUIRE_SERVICES=1 but LEDGERLENS_TEST_POSTGRES is unset \
                 (scripts/test sets it)"
                    .to_owned(),
            ))
        }
        _ => Ok(None),
    }
}

/// `url` with its database name replaced by `database` (query string dropped).
pub fn with_database(url: &str, database: &str) -> String {
    let base = url.split(['?', '#']).next().unwrap_or(url);
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    match base
        .get(after_scheme..)
        .and_then(|rest| rest.find('/'))
        .map(|i| i + after_scheme)
    {
        Some(slash) => format!("{}/{database}", base.get(..slash).unwrap_or(base)),
        None => format!("{base}/{database}"),
    }
}

/// A PostgreSQL database made for one test: its URL, and how to drop it.
#[derive(Debug)]
pub struct ScratchDatabase {
    admin_url: String,
    name: String,
    /// Connection URL of the new database.
    pub url: String,
}

impl ScratchDatabase {
    /// Creates `ll_test_<label>_<random>` on the server of `admin_url`.
    pub async fn create(admin_url: &str, label: &str) -> Result<Self, StoreError> {
        let label: String = label
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(40)
            .collect();
        let name = format!("ll_test_{label}_{}", random_hex(4)?);
        admin(admin_url, &format!("CREATE DATABASE \"{name}\"")).await?;
        Ok(ScratchDatabase {
            admin_url: admin_url.to_owned(),
            url: with_database(admin_url, &name),
            name,
        })
    }

    /// Drops the database, closing what still connects to it.
    pub async fn drop_now(self) -> Result<(), StoreError> {
        admin(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
        )
        .await
    }
}

async fn admin(admin_url: &str, statement: &str) -> Result<(), StoreError> {
    crate::sql::install_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(admin_url)
        .await?;
    pool.execute(statement).await?;
    pool.close().await;
    Ok(())
}

/// One backend under test, and what to do when the test is over.
#[derive(Debug)]
pub struct Backend {
    /// The store.
    pub store: SqlStore,
    /// Drops the scratch database, if any.
    pub cleanup: Cleanup,
}

/// Undoes a [`Backend`].
#[derive(Debug)]
pub struct Cleanup(Option<ScratchDatabase>);

impl Cleanup {
    /// Drops the scratch database (errors are reported, not raised: the test already ran).
    pub async fn run(self) {
        if let Some(database) = self.0
            && let Err(error) = database.drop_now().await
        {
            eprintln!("could not drop a scratch database: {error}");
        }
    }
}

/// An in-memory SQLite store, and a store on a fresh PostgreSQL database when there is one.
pub async fn backends(label: &str) -> Result<Vec<Backend>, StoreError> {
    let mut backends = vec![Backend {
        store: SqlStore::in_memory().await?,
        cleanup: Cleanup(None),
    }];
    match postgres_admin_url()? {
        Some(admin_url) => {
            let database = ScratchDatabase::create(&admin_url, label).await?;
            backends.push(Backend {
                store: SqlStore::connect(&database.url).await?,
                cleanup: Cleanup(Some(database)),
            });
        }
        None => eprintln!(
            "SKIPPED on PostgreSQL: {label} (set LEDGERLENS_TEST_POSTGRES, as scripts/test does)"
        ),
    }
    Ok(backends)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_replace_the_path_of_the_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "y"),
            "postgres://u:p@h/y"
        );
        assert_eq!(with_database("postgres://h", "z"), "postgres://h/z");
    }
}
