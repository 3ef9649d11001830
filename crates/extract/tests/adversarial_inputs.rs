//! Extraction stays linear in its input on adversarial texts: one huge word (typo search once
//! built every one-letter deletion of a word, so a 400,000-letter word took half a minute),
//! Chinese without punctuation, punctuation only, a label repeated thousands of times, many
//! short sentences, a whole text sent as a title.
//!
//! Times are wall-clock on a small, shared machine, so the bounds are generous: an absolute
//! one far below what the quadratic code took, and a ratio (doubling the input must not more
//! than triple the time, best of three runs each) that catches anything superlinear.

use openpes_extract::{Extractor, TextKind};
use openpes_taxonomy::{starter::starter_dataset, Taxonomy};
use proptest::prelude::*;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn engine() -> &'static (Taxonomy, Extractor) {
    static ENGINE: OnceLock<(Taxonomy, Extractor)> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dataset = starter_dataset().expect("the starter taxonomy parses");
        let (taxonomy, _) = Taxonomy::build(vec![dataset]).expect("the starter taxonomy builds");
        let extractor = Extractor::build(&taxonomy, "en");
        (taxonomy, extractor)
    })
}

/// The shapes of adversarial text, each of about `bytes` bytes.
#[derive(Debug, Clone, Copy)]
enum Shape {
    OneLetterWord,
    RandomLettersWord,
    CjkWithoutPunctuation,
    PunctuationOnly,
    LabelRepeated,
    CjkLabelRepeated,
    ShortSentences,
    OneLongSentence,
}

const SHAPES: [Shape; 8] = [
    Shape::OneLetterWord,
    Shape::RandomLettersWord,
    Shape::CjkWithoutPunctuation,
    Shape::PunctuationOnly,
    Shape::LabelRepeated,
    Shape::CjkLabelRepeated,
    Shape::ShortSentences,
    Shape::OneLongSentence,
];

/// A deterministic pseudo-random sequence (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn text(shape: Shape, bytes: usize, seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let repeat = |piece: &str| piece.repeat(bytes / piece.len());
    let pick = |rng: &mut Rng, words: &[&'static str]| words[rng.below(words.len())];
    let words = [
        "forklift", "operate", "nurse", "customer", "service", "cash", "team", "plan",
    ];
    match shape {
        // (A few letters shorter by seed: the dictionary remembers the words it has read, and
        // each run must be a new word.)
        Shape::OneLetterWord => "a".repeat(bytes - (seed % 64) as usize),
        Shape::RandomLettersWord => (0..bytes)
            .map(|_| (b'a' + rng.below(26) as u8) as char)
            .collect(),
        Shape::CjkWithoutPunctuation => {
            let chars: Vec<char> = "護理師堆高機操作收銀員經驗工程管理資深需具備證照"
                .chars()
                .collect();
            (0..bytes / 3)
                .map(|_| chars[rng.below(chars.len())])
                .collect()
        }
        Shape::PunctuationOnly => repeat(".,;!?-()，。"),
        Shape::LabelRepeated => repeat("forklift operation "),
        Shape::CjkLabelRepeated => repeat("堆高機操作"),
        Shape::ShortSentences => {
            let mut out = String::with_capacity(bytes + 64);
            while out.len() < bytes {
                for _ in 0..4 {
                    out.push_str(pick(&mut rng, &words));
                    out.push(' ');
                }
                out.push_str(". ");
            }
            out
        }
        Shape::OneLongSentence => {
            let mut out = String::with_capacity(bytes + 16);
            while out.len() < bytes {
                out.push_str(pick(&mut rng, &words));
                out.push(' ');
            }
            out
        }
    }
}

/// The best of `runs` timings of extracting a text of `shape` as `kind`, each run a different
/// text (seeds `seed..seed + runs`), so that no run reuses what the dictionary remembered of
/// an earlier one.
fn best_time(shape: Shape, bytes: usize, seed: u64, kind: TextKind, runs: u64) -> Duration {
    let (taxonomy, extractor) = engine();
    (seed..seed + runs)
        .map(|seed| {
            let text = text(shape, bytes, seed);
            let started = Instant::now();
            let result = extractor.extract(taxonomy, &text, kind, None);
            let elapsed = started.elapsed();
            assert!(result.is_ok(), "{:?}", result.err());
            elapsed
        })
        .min()
        .unwrap_or_default()
}

#[test]
fn a_400000_letter_word_is_read_in_well_under_a_second() {
    let _ = engine();
    let kinds = [
        TextKind::Auto,
        TextKind::Cv,
        TextKind::Vacancy,
        TextKind::Title,
    ];
    for (seed, kind) in (0..).zip(kinds) {
        for shape in [Shape::OneLetterWord, Shape::RandomLettersWord] {
            let elapsed = best_time(shape, 400_000, seed, kind, 1);
            assert!(
                elapsed < Duration::from_millis(800),
                "{shape:?} as {kind:?}: {elapsed:?} for a 400,000-letter word"
            );
        }
    }
}

#[test]
fn doubling_the_input_at_most_triples_the_time() {
    let _ = engine();
    for shape in SHAPES {
        for kind in [TextKind::Vacancy, TextKind::Title] {
            let t_small = best_time(shape, 256 << 10, 10, kind, 3);
            let t_large = best_time(shape, 512 << 10, 20, kind, 3);
            // Some milliseconds of slack: small times are mostly noise.
            assert!(
                t_large <= t_small * 3 + Duration::from_millis(25),
                "{shape:?} as {kind:?}: {t_small:?} for 256 KiB, {t_large:?} for 512 KiB"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed_1e57),
        ..ProptestConfig::default()
    })]

    /// Any shape, size, seed and kind: at most 4 µs per input byte (4 s per MiB; normal text
    /// takes a tenth of that), plus 50 ms. The quadratic typo search took 70 µs per byte on a
    /// 400 KB word, and more the longer the word.
    #[test]
    fn time_per_input_byte_stays_bounded(
        shape in 0..SHAPES.len(),
        kilobytes in 64usize..320,
        seed in any::<u64>(),
        kind in prop_oneof![
            Just(TextKind::Auto),
            Just(TextKind::Cv),
            Just(TextKind::Vacancy),
            Just(TextKind::Title),
        ],
    ) {
        let bytes = kilobytes << 10;
        let elapsed = best_time(SHAPES[shape], bytes, seed, kind, 1);
        let bound = Duration::from_millis(50) + Duration::from_micros(4) * bytes as u32;
        prop_assert!(
            elapsed <= bound,
            "{:?} of {} KiB as {kind:?}: {elapsed:?} > {bound:?}",
            SHAPES[shape], kilobytes
        );
    }
}

#[test]
fn a_cancelled_extraction_stops_with_an_error() {
    let (taxonomy, extractor) = engine();
    let text = text(Shape::ShortSentences, 64 << 10, 3);
    let cancelled = std::sync::atomic::AtomicBool::new(true);
    let result = extractor.extract_where_cancellable(
        taxonomy,
        &text,
        TextKind::Vacancy,
        None,
        &|_| true,
        &cancelled,
    );
    assert_eq!(result.err(), Some(openpes_extract::ExtractError::Cancelled));
    cancelled.store(false, std::sync::atomic::Ordering::Relaxed);
    let result = extractor.extract_where_cancellable(
        taxonomy,
        &text,
        TextKind::Vacancy,
        None,
        &|_| true,
        &cancelled,
    );
    assert!(result.is_ok());
}
