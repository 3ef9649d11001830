//! Tidiness of the whole workspace: every source file under `crates/*/src` opens with a `//!`
//! comment saying what the module is for.

use std::path::{Path, PathBuf};

/// The `.rs` files under `dir`, recursively, sorted.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries = std::fs::read_dir(dir)?.collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            rust_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether the first non-empty line of `source` is a `//!` comment.
fn opens_with_module_doc(source: &str) -> bool {
    source
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .is_some_and(|line| line.starts_with("//!"))
}

#[test]
fn every_source_file_opens_with_a_module_doc() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    let mut crates = std::fs::read_dir(root.join("crates"))?.collect::<Result<Vec<_>, _>>()?;
    crates.sort_by_key(|e| e.path());
    for krate in crates {
        let src = krate.path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut files)?;
        }
    }
    assert!(
        files.len() > 20,
        "found only {} source files under {}: is the walk wrong?",
        files.len(),
        root.display()
    );
    let mut missing = Vec::new();
    for file in &files {
        if !opens_with_module_doc(&std::fs::read_to_string(file)?) {
            let shown = file.strip_prefix(&root).unwrap_or(file);
            missing.push(shown.display().to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "these source files do not open with a `//!` module comment:\n  {}",
        missing.join("\n  ")
    );
    Ok(())
}

#[test]
fn the_first_non_empty_line_decides() {
    assert!(opens_with_module_doc("//! A module.\nfn f() {}\n"));
    assert!(opens_with_module_doc("\n  \n//! After blank lines.\n"));
    assert!(!opens_with_module_doc(
        "// A plain comment.\n//! Too late.\n"
    ));
    assert!(!opens_with_module_doc("/// An item doc.\nfn f() {}\n"));
    assert!(!opens_with_module_doc("use std::fmt;\n"));
    assert!(!opens_with_module_doc(""));
}

/// The names in the `[dependencies]` table of a crate's `Cargo.toml` (not dev-dependencies).
fn dependencies(krate: &str) -> std::io::Result<Vec<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let manifest = std::fs::read_to_string(root.join("crates").join(krate).join("Cargo.toml"))?;
    let mut names = Vec::new();
    let mut inside = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == "[dependencies]";
            continue;
        }
        if inside {
            if let Some(name) = line.split(['=', '.']).next().map(str::trim) {
                if !name.is_empty() && !name.starts_with('#') {
                    names.push(name.to_string());
                }
            }
        }
    }
    Ok(names)
}

/// Non-test source of a crate: every `.rs` file under `src`, cut at its `#[cfg(test)]`.
fn production_source(krate: &str) -> std::io::Result<Vec<(PathBuf, String)>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    rust_files(&root.join("crates").join(krate).join("src"), &mut files)?;
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)?;
        let cut = text.find("#[cfg(test)]").unwrap_or(text.len());
        out.push((file, text[..cut].to_string()));
    }
    Ok(out)
}

const DOMAIN_CRATES: [&str; 7] = [
    "text",
    "taxonomy",
    "extract",
    "matching",
    "guidance",
    "labour-market",
    "rules",
];

#[test]
fn the_application_layer_knows_no_http_and_the_domain_crates_no_io() -> std::io::Result<()> {
    let app = dependencies("app")?;
    assert!(
        app.iter().any(|d| d == "openpes-store"),
        "walk broken: {app:?}"
    );
    for web in ["axum", "minijinja", "tower", "tower-http", "openpes-server"] {
        assert!(
            !app.iter().any(|d| d == web),
            "openpes-app depends on {web}"
        );
    }
    // utoipa only behind the optional `openapi` feature, and used only to annotate view types
    // with their OpenAPI schema (so that each wire shape is written once).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let manifest = std::fs::read_to_string(root.join("crates/app/Cargo.toml"))?;
    for line in manifest
        .lines()
        .filter(|l| l.trim_start().starts_with("utoipa"))
    {
        assert!(
            line.contains("optional = true"),
            "openpes-app needs utoipa only as an optional dependency: {line}"
        );
    }
    let mut uses = 0;
    for (file, text) in production_source("app")? {
        for line in text.lines().filter(|l| l.contains("utoipa")) {
            uses += 1;
            assert!(
                line.trim_start()
                    .starts_with("#[cfg_attr(feature = \"openapi\""),
                "{}: utoipa outside a cfg_attr(feature = \"openapi\"): {line}",
                file.display()
            );
        }
    }
    assert!(
        uses > 10,
        "walk broken: only {uses} schema annotations found"
    );
    for krate in DOMAIN_CRATES {
        let deps = dependencies(krate)?;
        for io in [
            "openpes-store",
            "openpes-app",
            "sqlx",
            "tokio",
            "axum",
            "reqwest",
        ] {
            assert!(!deps.iter().any(|d| d == io), "{krate} depends on {io}");
        }
    }
    Ok(())
}

#[test]
fn the_api_the_pages_and_the_cli_meet_only_in_the_application_layer() -> std::io::Result<()> {
    // The pages and the API do not know each other; the shared HTTP layer knows neither.
    let web = dependencies("web")?;
    let api = dependencies("api")?;
    let http = dependencies("http")?;
    assert!(
        web.iter().any(|d| d == "openpes-app"),
        "walk broken: {web:?}"
    );
    assert!(
        !web.iter().any(|d| d == "openpes-api"),
        "openpes-web depends on openpes-api"
    );
    assert!(
        !api.iter().any(|d| d == "openpes-web"),
        "openpes-api depends on openpes-web"
    );
    for above in ["openpes-api", "openpes-web", "openpes-server"] {
        assert!(
            !http.iter().any(|d| d == above),
            "openpes-http depends on {above}"
        );
    }
    // Neither reaches past the application into the store's SQL.
    for (krate, deps) in [("web", &web), ("api", &api)] {
        assert!(
            !deps.iter().any(|d| d == "sqlx"),
            "openpes-{krate} depends on sqlx"
        );
    }
    // The server is the composition root: no handler, no page, no use case of its own.
    let server = production_source("server")?;
    assert_eq!(server.len(), 1, "the server crate grew modules: {server:?}");
    for (_, text) in &server {
        for sign in ["#[utoipa::path", "minijinja", "openpes_store::"] {
            assert!(!text.contains(sign), "the server crate holds `{sign}`");
        }
    }
    // The CLI reaches the server only to serve and benchmark it, never for its routes.
    for (file, text) in production_source("cli")? {
        for reach in [
            "openpes_server::routes",
            "openpes_server::web",
            "openpes_api::",
            "openpes_web::",
        ] {
            assert!(!text.contains(reach), "{}: uses {reach}", file.display());
        }
    }
    Ok(())
}

#[test]
fn domain_crates_never_read_the_clock_and_the_app_only_through_its_clock() -> std::io::Result<()> {
    let readings = ["Utc::now(", "Local::now(", "SystemTime::now("];
    let mut found = Vec::new();
    for krate in DOMAIN_CRATES.iter().chain(&["app", "store"]) {
        for (file, text) in production_source(krate)? {
            // The clock itself, and two readings that seed unique names, not dates.
            let allowed = [
                "app/src/clock.rs",
                "store/src/lib.rs",     // a node's unique name
                "store/src/testing.rs", // a test database's unique name
            ];
            if allowed.iter().any(|a| file.ends_with(a)) {
                continue;
            }
            for reading in readings {
                if text.contains(reading) {
                    found.push(format!("{}: {reading}", file.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the clock is read outside `Clock`:\n  {}",
        found.join("\n  ")
    );
    Ok(())
}
