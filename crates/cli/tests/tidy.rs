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
