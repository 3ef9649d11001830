//! Helpers shared by the store's integration tests.

use openpes_store::testing::{create_postgres_database, TEST_DATABASE_URL_VAR};
use openpes_store::{Store, StoreError};

/// A fresh store per backend: SQLite in a temporary directory, and PostgreSQL when configured.
pub(crate) async fn fresh_stores() -> Result<Vec<(Store, Option<tempfile::TempDir>)>, StoreError> {
    let dir = tempfile::tempdir().map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut stores = vec![(
        Store::connect(&Store::sqlite_url_in(dir.path())).await?,
        Some(dir),
    )];
    match std::env::var(TEST_DATABASE_URL_VAR) {
        Ok(base) if !base.is_empty() => {
            let url = create_postgres_database(&base).await?;
            stores.push((Store::connect(&url).await?, None));
        }
        _ => eprintln!("PostgreSQL not configured ({TEST_DATABASE_URL_VAR}); testing SQLite only"),
    }
    Ok(stores)
}
