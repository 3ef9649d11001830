//! Throwaway databases for tests: a fresh SQLite file in a temporary directory, or — when
//! `OPENPES_TEST_DATABASE_URL` points at a PostgreSQL server — a fresh database on it, so that
//! every test starts from an empty schema.
//!
//! Test databases are not dropped when their test ends (an async drop would need a runtime
//! that may be gone); instead, the first database a test process creates first drops those
//! that test processes on this machine left behind: a name carries its creator's process id
//! and creation time, and a database whose process has ended and that is older than
//! [`LEFTOVER_AGE_SECS`] is dropped. A database of a live process is never touched.

use crate::StoreError;
use sqlx::{AnyConnection, Connection, Executor};
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable naming a PostgreSQL server for tests.
pub const TEST_DATABASE_URL_VAR: &str = "OPENPES_TEST_DATABASE_URL";

/// How old a leftover test database must be before another test process drops it.
pub const LEFTOVER_AGE_SECS: u64 = 600;

/// Creates an empty PostgreSQL database on the server of `base_url` and returns its URL.
pub async fn create_postgres_database(base_url: &str) -> Result<String, StoreError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static SWEPT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    sqlx::any::install_default_drivers();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let name = format!(
        "openpes_test_{}_{}_{}",
        std::process::id(),
        now,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = AnyConnection::connect(base_url).await?;
    if !SWEPT.swap(true, Ordering::Relaxed) {
        drop_leftovers(&mut admin, now).await;
    }
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

/// Drops the test databases that ended test processes on this machine left behind (best
/// effort: a database another session still uses, or a server older than PostgreSQL 13, is
/// left alone).
async fn drop_leftovers(admin: &mut AnyConnection, now: u64) {
    let names: Vec<String> = match sqlx::query_scalar(
        "SELECT datname FROM pg_database WHERE datname LIKE 'openpes_test_%'",
    )
    .fetch_all(&mut *admin)
    .await
    {
        Ok(names) => names,
        Err(_) => return,
    };
    for name in names {
        if is_leftover(&name, now, |pid| {
            std::path::Path::new(&format!("/proc/{pid}")).exists()
        }) {
            // The name was read from the catalogue and matches our own pattern of digits.
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await;
        }
    }
}

/// Whether `name` is a test database whose creating process (`alive` says whether a process
/// id runs here) has ended and that is older than [`LEFTOVER_AGE_SECS`].
fn is_leftover(name: &str, now: u64, alive: impl Fn(u32) -> bool) -> bool {
    let mut parts = match name.strip_prefix("openpes_test_") {
        Some(rest) => rest.split('_'),
        None => return false,
    };
    let (Some(pid), Some(created), Some(counter), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Ok(pid), Ok(created), Ok(_)) = (
        pid.parse::<u32>(),
        created.parse::<u64>(),
        counter.parse::<u64>(),
    ) else {
        return false;
    };
    // Names of the earlier pattern carried nanoseconds, not seconds: far in the future or the
    // past either way; only a plausible creation time counts.
    created + LEFTOVER_AGE_SECS < now && now - created < 10 * 365 * 86_400 && !alive(pid)
}

#[cfg(test)]
mod tests {
    use super::is_leftover;

    #[test]
    fn only_old_databases_of_ended_processes_are_leftovers() {
        let now = 1_800_000_000;
        let dead = |_| false;
        let alive = |_| true;
        assert!(is_leftover("openpes_test_42_1799990000_3", now, dead));
        assert!(!is_leftover("openpes_test_42_1799990000_3", now, alive));
        // Too young: perhaps another machine's run that has just started.
        assert!(!is_leftover("openpes_test_42_1799999900_3", now, dead));
        // Not ours, or not our pattern.
        assert!(!is_leftover("openpes_production", now, dead));
        assert!(!is_leftover("openpes_test_42_1799990000", now, dead));
        assert!(!is_leftover(
            "openpes_test_42_1799990000_3; DROP",
            now,
            dead
        ));
        assert!(!is_leftover("openpes_test_x_1799990000_3", now, dead));
    }
}
