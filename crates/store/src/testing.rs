//! Throwaway databases for tests: a fresh SQLite file in a temporary directory, or — when
//! `OPENPES_TEST_DATABASE_URL` points at a PostgreSQL server — a fresh database on it, so that
//! every test starts from an empty schema.

use crate::StoreError;
use sqlx::{AnyConnection, Connection, Executor};
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable naming a PostgreSQL server for tests.
pub const TEST_DATABASE_URL_VAR: &str = "OPENPES_TEST_DATABASE_URL";

/// Creates an empty PostgreSQL database on the server of `base_url` and returns its URL.
pub async fn create_postgres_database(base_url: &str) -> Result<String, StoreError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    sqlx::any::install_default_drivers();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!(
        "openpes_test_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = AnyConnection::connect(base_url).await?;
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await?;
    admin.close().await?;
    let (without_query, query) = match base_url.split_once('?') {
        Some((u, q)) => (u, format!("?{q}")),
        None => (base_url, String::new()),
    };
    let server = match without_query.rfind('/') {
        Some(i) if i > "postgres://".len() => &without_query[..i],
        _ => without_query,
    };
    Ok(format!("{server}/{name}{query}"))
}
