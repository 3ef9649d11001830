//! Times extraction of adversarial inputs (one huge word, CJK without punctuation, punctuation
//! only, a label repeated, many short sentences, a huge title), to check that the cost stays
//! linear in the input with a small constant. Over the full ESCO v1.1.1 English taxonomy when
//! the shared data is present (`OPENPES_SHARED_DATA`, default `../shared/data`), and always
//! over the starter taxonomy (which has Chinese labels).
//!
//! `cargo run --release -p openpes-extract --example adversarial`

use openpes_extract::{Extractor, TextKind};
use openpes_taxonomy::import::esco::import_esco;
use openpes_taxonomy::Taxonomy;
use std::path::PathBuf;
use std::time::Instant;

/// A deterministic pseudo-random sequence (xorshift), so runs compare.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// `piece` repeated up to `bytes` bytes.
fn repeat(piece: &str, bytes: usize) -> String {
    piece.repeat(bytes / piece.len().max(1))
}

fn inputs(bytes: usize) -> Vec<(&'static str, String, TextKind)> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let letters: String = (0..bytes)
        .map(|_| (b'a' + (rng.next() % 26) as u8) as char)
        .collect();
    let cjk_chars: Vec<char> = "護理師堆高機操作收銀員經驗工程管理資深需具備證照加分"
        .chars()
        .collect();
    let cjk: String = (0..bytes / 3)
        .map(|_| cjk_chars[(rng.next() % cjk_chars.len() as u64) as usize])
        .collect();
    let words = [
        "manage", "team", "customer", "service", "plan", "budget", "write", "report",
    ];
    let sentences: String = (0..bytes / 30)
        .map(|_| {
            let mut s = String::new();
            for _ in 0..4 {
                s.push_str(words[(rng.next() % words.len() as u64) as usize]);
                s.push(' ');
            }
            s.push_str(". ");
            s
        })
        .collect();
    let long_sentence: String = (0..bytes / 8)
        .map(|_| words[(rng.next() % words.len() as u64) as usize])
        .collect::<Vec<_>>()
        .join(" ");
    vec![
        ("one word, one letter", "a".repeat(bytes), TextKind::Auto),
        ("one word, random letters", letters, TextKind::Auto),
        ("CJK, no punctuation", cjk, TextKind::Auto),
        ("punctuation only", repeat(".,;!?-", bytes), TextKind::Auto),
        (
            "a label repeated",
            repeat("project management ", bytes),
            TextKind::Vacancy,
        ),
        (
            "a CJK label repeated",
            repeat("堆高機操作", bytes),
            TextKind::Vacancy,
        ),
        ("4-word sentences", sentences, TextKind::Vacancy),
        ("one long sentence", long_sentence.clone(), TextKind::Cv),
        ("a huge title", long_sentence.clone(), TextKind::Title),
        ("a huge first line", long_sentence, TextKind::Vacancy),
    ]
}

fn time(taxonomy: &Taxonomy, extractor: &Extractor, name: &str) {
    println!("== {name}");
    let word = "a".repeat(400_000);
    let started = Instant::now();
    let result = extractor.extract(taxonomy, &word, TextKind::Auto, None);
    println!(
        "{:>8.3} s  400,000-letter word ({} skills)",
        started.elapsed().as_secs_f64(),
        result.map_or(0, |r| r.skills.len())
    );
    for bytes in [1 << 19, 1 << 20] {
        for (what, text, kind) in inputs(bytes) {
            let text = &text[..text.floor_char_boundary_compat(bytes)];
            let started = Instant::now();
            let result = extractor.extract(taxonomy, text, kind, None);
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "{seconds:>8.3} s  {what} ({} KiB, {kind:?}; {} skills, {} occupations)",
                text.len() >> 10,
                result.as_ref().map_or(0, |r| r.skills.len()),
                result.as_ref().map_or(0, |r| r.occupations.len()),
            );
        }
    }
}

/// `str::floor_char_boundary`, which is not stable yet.
trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, index: usize) -> usize;
}

impl FloorCharBoundary for String {
    fn floor_char_boundary_compat(&self, index: usize) -> usize {
        let mut index = index.min(self.len());
        while !self.is_char_boundary(index) {
            index -= 1;
        }
        index
    }
}

fn main() {
    let starter = openpes_taxonomy::starter::starter_dataset()
        .map_err(|e| e.to_string())
        .and_then(|d| Taxonomy::build(vec![d]).map_err(|e| e.to_string()));
    match starter {
        Ok((taxonomy, _)) => {
            let extractor = Extractor::build(&taxonomy, "en");
            time(&taxonomy, &extractor, "starter taxonomy");
        }
        Err(e) => eprintln!("starter taxonomy: {e}"),
    }
    let base = std::env::var_os("OPENPES_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let esco = import_esco(&base.join("esco/v1.1.1-en"), None)
        .map_err(|e| e.to_string())
        .and_then(|d| Taxonomy::build(vec![d]).map_err(|e| e.to_string()));
    match esco {
        Ok((taxonomy, _)) => {
            let extractor = Extractor::build(&taxonomy, "en");
            time(&taxonomy, &extractor, "ESCO v1.1.1 English");
        }
        Err(e) => eprintln!("SKIPPED ESCO: {e}"),
    }
}
