//! Mutation fuzzing of the parsers (seeded, deterministic): thousands of corrupted variants of
//! valid ESCO-style CSV, O*NET-style TSV and bundle JSON must each either parse or fail with an
//! error that names the file — never panic.

use openpes_taxonomy::import::bundle::parse_bundles;
use openpes_taxonomy::import::table::Table;
use std::path::{Path, PathBuf};

/// xorshift64*: a tiny seeded generator, so every run tries the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INTERESTING: &[&[u8]] = &[
    b"\"",
    b",",
    b"\t",
    b"\n",
    b"\r\n",
    b"\xff",
    b"\xe8\xad",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"\\",
    b"\0",
    b"\xef\xbb\xbf",
    b"null",
    b"-1e999",
    b"\"\"",
    b"concepts",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 if !out.is_empty() => {
                let end = (at + rng.below(8)).min(out.len());
                out.drain(at.min(end)..end);
            }
            1 => {
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                out.splice(at..at, piece.iter().copied());
            }
            2 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = (rng.next() & 0xff) as u8;
            }
            _ => {
                let from = rng.below(out.len());
                let end = (from + rng.below(16)).min(out.len());
                let copy: Vec<u8> = out[from..end].to_vec();
                out.splice(at..at, copy);
            }
        }
    }
    out
}

fn read_table(bytes: Vec<u8>, delimiter: u8) -> Result<usize, String> {
    let mut table = Table::from_reader(
        Path::new("fuzz.csv"),
        Box::new(std::io::Cursor::new(bytes)),
        delimiter,
        None,
    )
    .map_err(|e| e.to_string())?;
    table
        .require_columns(&["conceptUri"])
        .map_err(|e| e.to_string())?;
    let mut rows = 0;
    while let Some(row) = table.next_row().map_err(|e| e.to_string())? {
        let _ = row.required("conceptUri").map_err(|e| e.to_string());
        let _ = row.number("weight");
        rows += 1;
    }
    Ok(rows)
}

#[test]
fn corrupted_tables_never_panic() {
    let csv = b"conceptType,conceptUri,preferredLabel,altLabels,weight\n\
        Occupation,urn:o:1,welder,\"welding operator\nmetal welder\",1.5\n\
        Occupation,urn:o:2,\"nurse, general\",,2\n" as &[u8];
    let tsv =
        b"conceptUri\tTitle\tweight\nurn:o:1\tChief Executives\t4.5\nurn:o:2\tNurse\t\n" as &[u8];
    let mut rng = Rng(0x0005_eed0_f0e5);
    let mut failures = 0;
    for _ in 0..3000 {
        for (input, delimiter) in [(csv, b','), (tsv, b'\t')] {
            if let Err(message) = read_table(mutate(&mut rng, input), delimiter) {
                assert!(message.contains("fuzz.csv"), "{message}");
                failures += 1;
            }
        }
    }
    assert!(failures > 0, "the mutations should break some inputs");
}

#[test]
fn corrupted_bundles_never_panic() {
    let bundle = r#"{"format": "openpes-taxonomy-bundle/1", "source": "f", "version": "1",
      "concepts": [
        {"id": "o", "kind": "occupation", "labels": {"en": {"preferred": "welder"}}, "essential_skills": ["s"]},
        {"id": "s", "kind": "skill", "labels": {"zh-TW": {"preferred": "焊接", "alternative": ["電焊"]}}}
      ],
      "relations": [{"from": "o", "to": "s", "type": "optional", "weight": 0.5}]}"#
        .as_bytes();
    let mut rng = Rng(0x00b0_0d1e);
    let (mut ok, mut failed) = (0, 0);
    for _ in 0..3000 {
        let bytes = mutate(&mut rng, bundle);
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        match parse_bundles(&[(PathBuf::from("fuzz.json"), text.as_str())]) {
            Ok(_) => ok += 1,
            Err(e) => {
                assert!(e.to_string().contains("fuzz.json"), "{e}");
                failed += 1;
            }
        }
    }
    assert!(ok > 0 && failed > 0, "ok {ok}, failed {failed}");
}
