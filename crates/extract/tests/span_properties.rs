//! Property tests (proptest, fixed seed): for any text — words from the
//! taxonomy's labels mixed with CJK, emoji, combining marks and punctuation — every evidence
//! span lies inside the input, on character boundaries, and every score is in [0, 1].

use openpes_extract::{Extractor, TextKind};
use openpes_taxonomy::{starter::starter_dataset, Taxonomy};
use proptest::prelude::*;
use std::sync::OnceLock;

fn engine() -> &'static (Taxonomy, Extractor) {
    static ENGINE: OnceLock<(Taxonomy, Extractor)> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dataset = starter_dataset().expect("the starter taxonomy parses");
        let (taxonomy, _) = Taxonomy::build(vec![dataset]).expect("the starter taxonomy builds");
        let extractor = Extractor::build(&taxonomy, "en");
        (taxonomy, extractor)
    })
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("forklift".to_string()),
        Just("operate".to_string()),
        Just("nurse".to_string()),
        Just("medication".to_string()),
        Just("堆高機操作".to_string()),
        Just("護理師".to_string()),
        Just("加分".to_string()),
        Just("不".to_string()),
        Just("é".to_string()),
        Just("e\u{301}".to_string()),
        Just("🙂".to_string()),
        Just("，".to_string()),
        Just(". ".to_string()),
        Just("\n".to_string()),
        Just(" ".to_string()),
        "[a-zA-Z]{1,8}",
        "\\PC{1,4}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x0bed_5eed),
        ..ProptestConfig::default()
    })]

    #[test]
    fn spans_stay_inside_the_input_on_char_boundaries(pieces in prop::collection::vec(piece(), 1..40)) {
        let text: String = pieces.concat();
        let (taxonomy, extractor) = engine();
        for kind in [TextKind::Vacancy, TextKind::Cv, TextKind::Title, TextKind::Auto] {
            let Ok(result) = extractor.extract(taxonomy, &text, kind, None) else {
                prop_assert!(text.trim().is_empty());
                continue;
            };
            for found in result.skills.iter().chain(&result.occupations) {
                prop_assert!((0.0..=1.0).contains(&found.score), "score {}", found.score);
                for (start, end) in &found.spans {
                    prop_assert!(start < end && *end <= text.len());
                    prop_assert!(text.is_char_boundary(*start) && text.is_char_boundary(*end));
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5e47_e4ce),
        ..ProptestConfig::default()
    })]

    /// The dictionary's one-pass scan numbers sentences exactly as the sentence splitter that
    /// the vacancy cues use, so a cue always applies to the right mention.
    #[test]
    fn scan_and_sentence_splitter_agree(pieces in prop::collection::vec(piece(), 1..40)) {
        let text: String = pieces.concat();
        let (_, extractor) = engine();
        let bounds = openpes_extract::analyze::sentence_boundaries(&text);
        for m in extractor.find_labels(&text, "en") {
            let expected = bounds.iter().filter(|b| **b <= m.start).count();
            prop_assert_eq!(m.sentence, expected);
            prop_assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
        }
    }
}
