//! A reproducible demo training catalog drawn from the taxonomy's occupation profiles and the
//! gazetteer's districts (see [`openpes_matching::demo`] for seekers and vacancies).

use crate::courses::{Course, CourseMode};
use chrono::{Days, NaiveDate};
use openpes_matching::demo::{near, pick_some, profiles, DemoError};
use openpes_matching::geo::{Gazetteer, Place};
use openpes_taxonomy::Taxonomy;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Generates a demo training catalog of `count` courses, each teaching two to four skills of
/// one occupation profile, starting in the 150 days after `today`; the same seed gives the
/// same courses. Providers are fictitious training centres named after the county they are in.
pub fn generate_courses(
    taxonomy: &Taxonomy,
    gazetteer: &Gazetteer,
    count: usize,
    seed: u64,
    today: NaiveDate,
) -> Result<Vec<Course>, DemoError> {
    let profiles = profiles(taxonomy);
    if profiles.is_empty() {
        return Err(DemoError::NoOccupations);
    }
    let places: Vec<&Place> = gazetteer
        .places()
        .iter()
        .filter(|p| p.level == "district")
        .collect();
    if places.is_empty() {
        return Err(DemoError::NoPlaces);
    }
    let county = |place: &Place| -> (String, String) {
        let top = gazetteer
            .position(&place.code)
            .map(|p| &gazetteer.places()[gazetteer.top_level(p)])
            .unwrap_or(place);
        (top.name_zh.clone(), top.name_en.clone())
    };
    let label = |uri: &String, lang: &str| -> String {
        taxonomy.by_uri(uri).map_or_else(
            || uri.clone(),
            |id| taxonomy.preferred_label(id, lang).to_string(),
        )
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut courses = Vec::with_capacity(count);
    for i in 0..count {
        let profile = profiles.choose(&mut rng).ok_or(DemoError::NoOccupations)?;
        let pool: Vec<String> = profile
            .essential
            .iter()
            .chain(&profile.optional)
            .cloned()
            .collect();
        let want = rng.random_range(2..=4usize);
        let skills: Vec<String> = pick_some(&mut rng, &pool, 1.0, want)
            .into_iter()
            .cloned()
            .collect();
        let zh: Vec<String> = skills.iter().map(|s| label(s, "zh-TW")).collect();
        let en: Vec<String> = skills.iter().map(|s| label(s, "en")).collect();
        let mode = match rng.random_range(0..100) {
            0..55 => CourseMode::InPerson,
            55..80 => CourseMode::Online,
            _ => CourseMode::Blended,
        };
        let place = *places.choose(&mut rng).ok_or(DemoError::NoPlaces)?;
        let (county_zh, county_en) = county(place);
        let provider = if mode == CourseMode::Online {
            "示範數位學習平台 (Demo Online Academy)".to_string()
        } else {
            format!("示範職業訓練中心 {county_zh} (Demo Training Centre {county_en})")
        };
        let sessions = if mode == CourseMode::Online && rng.random_bool(0.3) {
            0
        } else {
            rng.random_range(1..=3)
        };
        let mut start_dates: Vec<NaiveDate> = (0..sessions)
            .filter_map(|_| today.checked_add_days(Days::new(rng.random_range(7..150))))
            .collect();
        start_dates.sort_unstable();
        start_dates.dedup();
        let hours = *[18.0f32, 36.0, 60.0, 120.0, 240.0, 400.0]
            .choose(&mut rng)
            .unwrap_or(&36.0);
        let cost = (hours as u32 * rng.random_range(80..200)) / 100 * 100;
        let public_funding = *[0.0f32, 0.8, 0.8, 1.0].choose(&mut rng).unwrap_or(&0.0);
        courses.push(Course {
            id: format!("demo-course-{i:06}"),
            // Named after its first two skills (ESCO labels can be long), at most 300 chars.
            title: format!(
                "{}實務班 ({} in practice)",
                zh.iter().take(2).cloned().collect::<Vec<_>>().join("、"),
                en.iter().take(2).cloned().collect::<Vec<_>>().join(", ")
            )
            .chars()
            .take(300)
            .collect(),
            provider,
            description: format!(
                "本課程教授{}，適合想成為{}的學員。This course teaches {}.",
                zh.join("、"),
                profile.title,
                en.join(", ")
            ),
            skills,
            skills_extracted: false,
            mode,
            place: (mode != CourseMode::Online).then(|| place.code.clone()),
            location: (mode != CourseMode::Online).then(|| near(&mut rng, place.point)),
            start_dates,
            hours: Some(hours),
            cost: Some(cost),
            public_funding,
            language: Some("zh-TW".into()),
            url: None,
        });
    }
    Ok(courses)
}
