//! Extraction against the built-in starter taxonomy with our own English and Traditional
//! Chinese job-ad fixtures: labels despite inflection and order, optional and negated
//! mentions, benefits sections, exact spans, and clear errors for bad input.

use openpes_extract::{Evidence, ExtractError, Extractor, Requirement, TextKind};
use openpes_taxonomy::{starter::starter_dataset, Taxonomy};

fn setup() -> Result<(Taxonomy, Extractor), Box<dyn std::error::Error>> {
    let (taxonomy, _) = Taxonomy::build(vec![starter_dataset()?])?;
    let extractor = Extractor::build(&taxonomy, "en");
    Ok((taxonomy, extractor))
}

fn uri_of<'a>(taxonomy: &'a Taxonomy, found: &openpes_extract::Found) -> &'a str {
    &taxonomy.concept(found.concept).uri
}

#[test]
fn english_vacancy_requirements_optional_and_negated() -> Result<(), Box<dyn std::error::Error>> {
    let (taxonomy, extractor) = setup()?;
    let text = "Registered nurse wanted for our surgical ward.\n\
                Requirements: you administer medications safely and monitor the vital signs of patients.\n\
                First aid certificate is a plus.\n\
                No forklift operation required.\n\
                Benefits:\n\
                Free courses in Microsoft Excel.";
    let result = extractor.extract(&taxonomy, text, TextKind::Vacancy, None)?;
    assert_eq!(result.language, "en");
    let skills: Vec<(&str, Requirement)> = result
        .skills
        .iter()
        .map(|f| (uri_of(&taxonomy, f), f.requirement))
        .collect();
    let has = |id: &str| {
        skills
            .iter()
            .find(|(u, _)| u.ends_with(id))
            .map(|(_, r)| *r)
    };
    assert_eq!(
        has("skill/administer-medication"),
        Some(Requirement::Essential),
        "{skills:?}"
    );
    assert_eq!(
        has("skill/vital-signs-monitoring"),
        Some(Requirement::Essential),
        "{skills:?}"
    );
    assert_eq!(
        has("skill/first-aid"),
        Some(Requirement::Optional),
        "{skills:?}"
    );
    assert_eq!(has("skill/forklift-operation"), None, "negated: {skills:?}");
    assert_eq!(
        has("skill/microsoft-excel"),
        None,
        "benefits section: {skills:?}"
    );
    assert!(result
        .occupations
        .iter()
        .any(|f| uri_of(&taxonomy, f).ends_with("occupation/registered-nurse")));
    // Spans are inside the input, on character boundaries, and cover the evidence.
    for found in result.skills.iter().chain(&result.occupations) {
        for (start, end) in &found.spans {
            assert!(start < end && *end <= text.len());
            assert!(text.is_char_boundary(*start) && text.is_char_boundary(*end));
        }
        assert!((0.0..=1.0).contains(&found.score));
    }
    let medication = result
        .skills
        .iter()
        .find(|f| uri_of(&taxonomy, f).ends_with("skill/administer-medication"))
        .ok_or("medication")?;
    // "administer medications" meets the label "administer medication" through stems.
    assert_eq!(medication.evidence, Evidence::ExactLabel);
    let (start, end) = medication.spans[0];
    assert_eq!(&text[start..end], "administer medications");
    Ok(())
}

#[test]
fn traditional_chinese_job_ad() -> Result<(), Box<dyn std::error::Error>> {
    let (taxonomy, extractor) = setup()?;
    let text = "徵求倉儲人員，需會堆高機操作，有急救證照者加分。";
    let result = extractor.extract(&taxonomy, text, TextKind::Auto, None)?;
    assert_eq!(result.language, "zh-TW");
    assert_eq!(result.kind, TextKind::Vacancy);
    let forklift = result
        .skills
        .iter()
        .find(|f| uri_of(&taxonomy, f).ends_with("skill/forklift-operation"))
        .ok_or("堆高機操作 not found")?;
    assert_eq!(
        forklift.requirement,
        Requirement::Essential,
        "{:?}",
        result.skills
    );
    let (start, end) = forklift.spans[0];
    assert_eq!(&text[start..end], "堆高機操作");
    let first_aid = result
        .skills
        .iter()
        .find(|f| uri_of(&taxonomy, f).ends_with("skill/first-aid"))
        .ok_or("急救 not found")?;
    assert_eq!(first_aid.requirement, Requirement::Optional);
    Ok(())
}

#[test]
fn bad_input_gets_clear_errors() -> Result<(), Box<dyn std::error::Error>> {
    let (taxonomy, extractor) = setup()?;
    assert_eq!(
        extractor
            .extract(&taxonomy, "  \n", TextKind::Cv, None)
            .err(),
        Some(ExtractError::Empty)
    );
    let small = extractor.with_max_bytes(10);
    let err = small
        .extract(&taxonomy, "a much longer text", TextKind::Cv, None)
        .err();
    assert_eq!(
        err,
        Some(ExtractError::TooLarge {
            size: 18,
            limit: 10
        })
    );
    Ok(())
}

#[test]
fn title_ranking_puts_the_named_occupation_first() -> Result<(), Box<dyn std::error::Error>> {
    let (taxonomy, extractor) = setup()?;
    let ranked = extractor.rank_occupations("Senior forklift driver (night shift)", 5);
    let first = ranked.first().ok_or("nothing ranked")?;
    assert!(taxonomy
        .concept(first.0)
        .uri
        .ends_with("occupation/forklift-driver"));
    Ok(())
}

#[test]
fn one_letter_typos_in_long_label_words_are_found_and_marked(
) -> Result<(), Box<dyn std::error::Error>> {
    let (taxonomy, extractor) = setup()?;
    // "forklfit" (swapped letters) and "medicaton" (missing letter).
    let text = "Experience in forklfit operation. Safe medicaton administration.";
    let result = extractor.extract(&taxonomy, text, TextKind::Cv, Some("en"))?;
    for id in ["skill/forklift-operation", "skill/administer-medication"] {
        let found = result
            .skills
            .iter()
            .find(|f| uri_of(&taxonomy, f).ends_with(id))
            .ok_or(format!("{id} not found in {:?}", result.skills))?;
        assert_eq!(found.evidence, Evidence::LabelTypo, "{id}");
        assert!(found.score < 0.9, "a typo match scores below an exact one");
    }
    // Short words and words the taxonomy itself uses are never "corrected".
    let exact = extractor.find_labels("Forklift operation", "en");
    assert!(exact
        .iter()
        .all(|m| m.kind != openpes_extract::dictionary::MatchKind::Typo));
    Ok(())
}

#[test]
fn a_vacancy_is_classified_from_its_title_line() -> Result<(), Box<dyn std::error::Error>> {
    let (taxonomy, extractor) = setup()?;
    // A misspelt title ("forklfit") that no label matches word for word.
    let text = "\n  Senior forklfit driver\nYou load and unload trucks in our warehouse.\n\
                Requirements: a valid licence.";
    let result = extractor.extract(&taxonomy, text, TextKind::Vacancy, Some("en"))?;
    let first = result.occupations.first().ok_or("no occupation")?;
    assert!(
        uri_of(&taxonomy, first).ends_with("occupation/forklift-driver"),
        "{:?}",
        result.occupations
    );
    assert!((0.0..=1.0).contains(&first.score));
    // The evidence lies in the title line.
    let (start, end) = first.spans[0];
    assert!(
        text[start..end].contains("forklfit driver"),
        "{start}..{end}"
    );
    // The classification proposes more than the one label found.
    assert!(result
        .occupations
        .iter()
        .any(|f| f.evidence == Evidence::SimilarText));
    Ok(())
}

#[test]
fn chinese_labels_count_only_as_whole_words() -> Result<(), Box<dyn std::error::Error>> {
    let (taxonomy, extractor) = setup()?;
    // 中文 (Chinese language) hides in 高中|文憑 and 刀工 (knife skills) in 剪刀|工具: both
    // run across a word boundary and must not be found; 堆高機操作 is a whole word.
    let text = "需高中文憑，會使用剪刀工具與堆高機操作。";
    let result = extractor.extract(&taxonomy, text, TextKind::Vacancy, Some("zh-TW"))?;
    let found: Vec<&str> = result
        .skills
        .iter()
        .flat_map(|f| f.spans.iter().map(|(s, e)| &text[*s..*e]))
        .collect();
    assert!(found.contains(&"堆高機操作"), "{found:?}");
    assert!(!found.contains(&"中文"), "{found:?}");
    assert!(!found.contains(&"刀工"), "{found:?}");
    // Without segmentation the characters are there: the raw dictionary pass finds them.
    let raw: Vec<String> = extractor
        .find_labels(text, "zh-TW")
        .iter()
        .map(|m| text[m.start..m.end].to_string())
        .collect();
    assert!(raw.iter().any(|t| t == "中文"), "{raw:?}");
    Ok(())
}

#[test]
fn a_title_known_only_to_a_linked_classification_is_explained_by_it(
) -> Result<(), Box<dyn std::error::Error>> {
    use openpes_taxonomy::{
        ConceptKind, ConceptRecord, Dataset, LabelKind, RelationKind, RelationRecord,
    };
    let starter = starter_dataset()?;
    let forklift = starter
        .concepts
        .iter()
        .find(|c| c.uri.ends_with("occupation/forklift-driver"))
        .ok_or("the starter taxonomy has a forklift driver")?
        .uri
        .clone();
    // Another classification names the job by a title the starter taxonomy does not know.
    let mut linked = Dataset::new("partner", "1");
    let mut wrangler = ConceptRecord::new("urn:partner:wrangler", ConceptKind::Occupation);
    wrangler.add_label("en", LabelKind::Preferred, "Tine Wrangler");
    linked.concepts.push(wrangler);
    linked.relations.push(RelationRecord {
        from: "urn:partner:wrangler".into(),
        to: forklift.clone(),
        kind: RelationKind::ExactMatch,
        weight: None,
    });
    let (taxonomy, _) = Taxonomy::build(vec![starter, linked])?;
    let extractor = Extractor::build(&taxonomy, "en");

    let result = extractor.extract(&taxonomy, "tine wrangler", TextKind::Title, Some("en"))?;
    let ours = result
        .occupations
        .iter()
        .find(|f| taxonomy.concept(f.concept).uri != "urn:partner:wrangler")
        .ok_or("no starter occupation ranked")?;
    assert_eq!(uri_of(&taxonomy, ours), forklift);
    let (lender, label) = ours.borrowed.ok_or("no borrowed label")?;
    assert_eq!(taxonomy.concept(lender).uri, "urn:partner:wrangler");
    assert_eq!(taxonomy.concept(lender).labels[label].text, "Tine Wrangler");
    // The borrowed title made the score: it is closer than any of its own labels.
    let title = extractor.rank_title("tine wrangler", 5, &|c| c == ours.concept);
    let parts = title.first().ok_or("forklift driver not ranked")?;
    let borrowed = parts.borrowed.as_ref().ok_or("no borrowed part")?;
    let own = parts.own.as_ref().map_or(0.0, |hit| hit.score);
    assert!(borrowed.score > own, "{parts:?}");
    assert!(ours.score > 0.0 && ours.score <= 1.0);

    // Asked for one classification, extraction finds only its concepts.
    let partner = taxonomy
        .by_uri("urn:partner:wrangler")
        .ok_or("partner occupation")?;
    let source_of = |c: openpes_taxonomy::ConceptId| taxonomy.concept(c).source;
    let starter_only = extractor.extract_where(
        &taxonomy,
        "tine wrangler",
        TextKind::Title,
        Some("en"),
        &|c| source_of(c) != source_of(partner),
    )?;
    assert_eq!(
        starter_only
            .occupations
            .first()
            .map(|f| uri_of(&taxonomy, f)),
        Some(forklift.as_str())
    );
    let partner_only = extractor.extract_where(
        &taxonomy,
        "tine wrangler",
        TextKind::Title,
        Some("en"),
        &|c| source_of(c) == source_of(partner),
    )?;
    // A vacancy is filtered the same way, its title line included.
    let vacancy = extractor.extract_where(
        &taxonomy,
        "Tine wrangler\nWe need forklift operation and first aid.",
        TextKind::Vacancy,
        Some("en"),
        &|c| source_of(c) == source_of(partner),
    )?;
    assert!(vacancy.skills.is_empty(), "{:?}", vacancy.skills);
    let in_vacancy: Vec<&str> = vacancy
        .occupations
        .iter()
        .map(|f| uri_of(&taxonomy, f))
        .collect();
    assert_eq!(in_vacancy, ["urn:partner:wrangler"]);
    let found: Vec<&str> = partner_only
        .occupations
        .iter()
        .map(|f| uri_of(&taxonomy, f))
        .collect();
    assert_eq!(found, ["urn:partner:wrangler"]);

    // Without the link, the same title does not reach the forklift driver first.
    let (alone, _) = Taxonomy::build(vec![starter_dataset()?])?;
    let extractor = Extractor::build(&alone, "en");
    let ranked = extractor.rank_occupations("tine wrangler", 1);
    assert!(ranked
        .first()
        .is_none_or(|(c, _)| alone.concept(*c).uri != forklift));
    Ok(())
}

#[test]
fn a_title_is_ranked_as_a_whole_and_a_label_title_is_exact(
) -> Result<(), Box<dyn std::error::Error>> {
    let (taxonomy, extractor) = setup()?;
    // The title is one of the occupation's labels: first, marked as an exact label.
    let result = extractor.extract(&taxonomy, "Forklift Driver", TextKind::Title, Some("en"))?;
    let first = result.occupations.first().ok_or("nothing found")?;
    assert!(uri_of(&taxonomy, first).ends_with("occupation/forklift-driver"));
    assert_eq!(first.evidence, Evidence::ExactLabel);
    let label = first.label.ok_or("no matched label")?;
    assert_eq!(
        taxonomy.concept(first.concept).labels[label].text,
        "forklift driver"
    );

    // A longer title is ranked by similarity: same occupation first, not marked exact.
    let title = "Senior forklift driver (night shift)";
    let result = extractor.extract(&taxonomy, title, TextKind::Title, Some("en"))?;
    let first = result.occupations.first().ok_or("nothing found")?;
    assert!(uri_of(&taxonomy, first).ends_with("occupation/forklift-driver"));
    assert_eq!(first.evidence, Evidence::SimilarText);
    // Every occupation of an English title comes from ranking the title as a whole.
    assert!(result
        .occupations
        .iter()
        .all(|f| f.spans == [(0, title.len())]));

    // A Chinese title (not the ranking language) is still found by its label.
    let result = extractor.extract(&taxonomy, "堆高機司機", TextKind::Title, Some("zh-TW"))?;
    let first = result
        .occupations
        .first()
        .ok_or("nothing found in Chinese")?;
    assert!(uri_of(&taxonomy, first).ends_with("occupation/forklift-driver"));
    assert_eq!(first.evidence, Evidence::ExactLabel);
    Ok(())
}
