//! A `sqlite://` URL to a file that does not exist yet, in a directory that does not exist
//! yet, connects and creates both, as `--data-dir` does (no `?mode=rwc` needed).

use openpes_store::Store;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn a_sqlite_url_to_a_new_file_creates_it() -> TestResult {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("new").join("dir").join("file.db");
    assert!(!file.exists());
    let store = Store::connect(&format!("sqlite://{}", file.display())).await?;
    store.ping().await?;
    assert!(file.exists(), "{} was not created", file.display());
    store.close().await;

    // Other parameters stay; the file is opened again, not replaced.
    let again = Store::connect(&format!("sqlite://{}?cache=private", file.display())).await?;
    again.ping().await?;
    again.close().await;
    Ok(())
}

#[tokio::test]
async fn a_sqlite_url_that_sets_its_own_mode_keeps_it() -> TestResult {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("missing.db");
    let refused = Store::connect(&format!("sqlite://{}?mode=rw", file.display())).await;
    assert!(refused.is_err(), "mode=rw must not create the file");
    assert!(!file.exists());
    Ok(())
}
