//! Traditional Chinese job-ad sentences (our own, `tests/data/zh_tw_job_ads.csv`: columns
//! `sentence,skill`, one row per skill a sentence asks for) against the starter taxonomy.
//! Negated skills ("不需…", "免…") are in the sentences but not in the gold. Prints micro
//! precision and recall and holds them above a floor, so regressions in Chinese extraction
//! (segmentation, negation, longest match) fail the build.

use openpes_extract::{Extractor, TextKind};
use openpes_taxonomy::{starter::starter_dataset, Taxonomy};
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn chinese_job_ad_sentences_find_their_skills() -> Result<(), Box<dyn std::error::Error>> {
    let (taxonomy, _) = Taxonomy::build(vec![starter_dataset()?])?;
    let extractor = Extractor::build(&taxonomy, "en");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/zh_tw_job_ads.csv");
    let text = std::fs::read_to_string(path)?;
    let mut gold: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let (sentence, skill) = line
            .rsplit_once(',')
            .ok_or(format!("{path}:{}: expected sentence,skill", i + 1))?;
        gold.entry(sentence).or_default().insert(skill);
    }
    assert!(gold.len() >= 40, "{} sentences", gold.len());

    let (mut hits, mut predicted, mut wanted) = (0usize, 0usize, 0usize);
    let mut misses = Vec::new();
    for (sentence, skills) in &gold {
        let result = extractor.extract(&taxonomy, sentence, TextKind::Vacancy, Some("zh-TW"))?;
        let found: BTreeSet<String> = result
            .skills
            .iter()
            .map(|f| {
                let uri = &taxonomy.concept(f.concept).uri;
                uri.strip_prefix("urn:openpes:starter:")
                    .unwrap_or(uri)
                    .to_string()
            })
            .collect();
        let right = skills.iter().filter(|s| found.contains(**s)).count();
        hits += right;
        predicted += found.len();
        wanted += skills.len();
        if right < skills.len() || found.len() > right {
            misses.push(format!("{sentence}: gold {skills:?}, found {found:?}"));
        }
    }
    let precision = hits as f64 / predicted.max(1) as f64;
    let recall = hits as f64 / wanted.max(1) as f64;
    println!(
        "zh-TW gold: {} sentences, {wanted} skills; precision {precision:.3}, recall {recall:.3}",
        gold.len()
    );
    for miss in &misses {
        println!("  {miss}");
    }
    assert!(recall >= 0.9, "recall {recall:.3}:\n{}", misses.join("\n"));
    assert!(
        precision >= 0.85,
        "precision {precision:.3}:\n{}",
        misses.join("\n")
    );
    Ok(())
}
