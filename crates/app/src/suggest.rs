//! Extraction suggestions on records: a vacancy whose skills are not given, or a seeker who
//! gave CV text but no skills, gets the skills and occupations extraction finds in the text,
//! kept in the record's `suggestions` until a person confirms or drops them. Suggestions never
//! count in matching. A course that names no skills gets the skills its title and description
//! name (marked `skills_extracted`), since a training provider's catalog rarely uses taxonomy
//! URIs.

use openpes_extract::{Evidence, Extractor, Found, Requirement, TextKind};
use openpes_guidance::Course;
use openpes_matching::{Seeker, Suggestion, SuggestionKind, Vacancy};
use openpes_taxonomy::Taxonomy;

/// At most this many skill suggestions per record.
const MAX_SKILLS: usize = 25;
/// At most this many occupation suggestions per record.
const MAX_OCCUPATIONS: usize = 3;
/// Skills found by similarity alone below this score are not suggested.
const MIN_SIMILAR_SCORE: f32 = 0.5;

fn evidence_text(text: &str, found: &Found) -> String {
    found
        .spans
        .first()
        .and_then(|(s, e)| text.get(*s..*e))
        .map(|t| t.chars().take(160).collect::<String>())
        .unwrap_or_default()
}

fn suggestions(
    taxonomy: &Taxonomy,
    extractor: &Extractor,
    text: &str,
    kind: TextKind,
) -> Vec<Suggestion> {
    let Ok(extraction) = extractor.extract(taxonomy, text, kind, None) else {
        return Vec::new();
    };
    let skills = extraction
        .skills
        .iter()
        .filter(|f| f.evidence != Evidence::SimilarText || f.score >= MIN_SIMILAR_SCORE)
        .take(MAX_SKILLS)
        .map(|f| Suggestion {
            concept: taxonomy.concept(f.concept).uri.clone(),
            kind: SuggestionKind::Skill,
            essential: f.requirement != Requirement::Optional,
            score: f.score.clamp(0.0, 1.0),
            evidence: evidence_text(text, f),
        });
    let occupations = extraction
        .occupations
        .iter()
        .take(MAX_OCCUPATIONS)
        .map(|f| Suggestion {
            concept: taxonomy.concept(f.concept).uri.clone(),
            kind: SuggestionKind::Occupation,
            essential: false,
            score: f.score.clamp(0.0, 1.0),
            evidence: evidence_text(text, f),
        });
    skills.chain(occupations).collect()
}

/// Fills a vacancy's suggestions from its title and description when it names no skills and
/// has none yet.
pub fn suggest_for_vacancy(taxonomy: &Taxonomy, extractor: &Extractor, vacancy: &mut Vacancy) {
    let bare = vacancy.essential_skills.is_empty() && vacancy.optional_skills.is_empty();
    if !bare || !vacancy.suggestions.is_empty() {
        return;
    }
    let text = format!("{}\n{}", vacancy.title, vacancy.description);
    vacancy.suggestions = suggestions(taxonomy, extractor, &text, TextKind::Vacancy);
}

/// Fills a seeker's suggestions from their CV text when they list no skills and have none yet.
pub fn suggest_for_seeker(taxonomy: &Taxonomy, extractor: &Extractor, seeker: &mut Seeker) {
    let Some(cv) = seeker.cv_text.as_deref().filter(|t| !t.trim().is_empty()) else {
        return;
    };
    if !seeker.skills.is_empty() || !seeker.suggestions.is_empty() {
        return;
    }
    seeker.suggestions = suggestions(taxonomy, extractor, cv, TextKind::Cv);
}

/// Reads a seeker's CV again: suggestions are replaced by what the CV text names now, less
/// what the seeker already holds or wants.
pub fn refresh_seeker_suggestions(taxonomy: &Taxonomy, extractor: &Extractor, seeker: &mut Seeker) {
    let Some(cv) = seeker.cv_text.as_deref().filter(|t| !t.trim().is_empty()) else {
        seeker.suggestions.clear();
        return;
    };
    let held: Vec<&str> = seeker
        .skills
        .iter()
        .map(|s| s.concept.as_str())
        .chain(seeker.desired_occupations.iter().map(String::as_str))
        .collect();
    let fresh = suggestions(taxonomy, extractor, cv, TextKind::Cv);
    seeker.suggestions = fresh
        .into_iter()
        .filter(|s| !held.contains(&s.concept.as_str()))
        .collect();
}

/// At most this many skills are taken from a course's text.
const MAX_COURSE_SKILLS: usize = 12;

/// Fills a course's skills from its title and description when it names none. Only skills
/// whose labels the text names are taken (never a guess by similarity alone).
pub fn skills_for_course(taxonomy: &Taxonomy, extractor: &Extractor, course: &mut Course) {
    if !course.skills.is_empty() {
        return;
    }
    let text = format!("{}\n{}", course.title, course.description);
    let Ok(extraction) = extractor.extract(taxonomy, &text, TextKind::Vacancy, None) else {
        return;
    };
    course.skills = extraction
        .skills
        .iter()
        .filter(|f| f.evidence != Evidence::SimilarText)
        .take(MAX_COURSE_SKILLS)
        .map(|f| taxonomy.concept(f.concept).uri.clone())
        .collect();
    course.skills_extracted = !course.skills.is_empty();
}
