//! The records matching works on: job seekers, employers and vacancies. Concepts (skills,
//! occupations) are referred to by their taxonomy URI, so records survive a taxonomy reload.
//! [`Seeker::validate`] and [`Vacancy::validate`] report every problem with the field it is in
//! (`skills[2].concept`), so an API or an import can reject a record as a whole and say why.

use crate::geo::Point;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a seeker's skill comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SkillSource {
    /// The seeker said so.
    #[default]
    Declared,
    /// Found in the seeker's CV text (a suggestion until confirmed).
    Extracted,
    /// Confirmed by a certificate, a test or a caseworker.
    Verified,
}

/// One skill of a seeker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeekerSkill {
    /// Taxonomy URI of the skill.
    pub concept: String,
    #[serde(default)]
    pub source: SkillSource,
    /// Self-assessed or verified level, 1 (basic) to 5 (expert).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
}

/// An occupation a seeker worked in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastOccupation {
    /// Taxonomy URI of the occupation.
    pub occupation: String,
    pub years: f32,
}

/// A language and its CEFR level (A1 … C2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageSkill {
    /// BCP 47 tag such as `zh-TW`, `en`.
    pub language: String,
    /// `A1`, `A2`, `B1`, `B2`, `C1` or `C2`.
    pub level: String,
}

impl LanguageSkill {
    /// The level as a number, A1 = 1 … C2 = 6; `None` if it is not a CEFR level.
    pub fn rank(&self) -> Option<u8> {
        cefr_rank(&self.level)
    }
}

fn cefr_rank(level: &str) -> Option<u8> {
    match level.to_ascii_uppercase().as_str() {
        "A1" => Some(1),
        "A2" => Some(2),
        "B1" => Some(3),
        "B2" => Some(4),
        "C1" => Some(5),
        "C2" => Some(6),
        _ => None,
    }
}

/// Kinds of employment contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractType {
    Permanent,
    FixedTerm,
    Temporary,
    Apprenticeship,
    Internship,
    Freelance,
}

/// Full or part time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkingTime {
    FullTime,
    PartTime,
}

/// Where the work is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RemotePolicy {
    #[default]
    OnSite,
    Hybrid,
    Remote,
}

/// A vacancy's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum VacancyStatus {
    #[default]
    Open,
    Filled,
    Closed,
}

/// What a suggestion proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    Skill,
    Occupation,
}

/// A concept found in a record's free text by extraction, kept until a person confirms it
/// (by adding it to the record's skills or occupation) or drops it. Suggestions never count
/// in matching.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// Taxonomy URI.
    pub concept: String,
    pub kind: SuggestionKind,
    /// For a vacancy's skill: whether the text makes it a requirement rather than a plus.
    #[serde(default)]
    pub essential: bool,
    /// Extraction's confidence, in [0, 1].
    pub score: f32,
    /// The words of the text it was found in.
    #[serde(default)]
    pub evidence: String,
}

/// A job seeker's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seeker {
    pub id: String,
    #[serde(default)]
    pub skills: Vec<SeekerSkill>,
    #[serde(default)]
    pub experience: Vec<PastOccupation>,
    /// Taxonomy URIs of occupations the seeker wants.
    #[serde(default)]
    pub desired_occupations: Vec<String>,
    /// Highest education level, ISCED 2011 (0–8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<u8>,
    #[serde(default)]
    pub languages: Vec<LanguageSkill>,
    /// Driving licence categories held (`B`, `C`, …).
    #[serde(default)]
    pub licences: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Point>,
    /// Gazetteer code or name of where the seeker lives; gives the location when `location`
    /// is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The CV as plain text, if the seeker gave one; extraction turns it into suggestions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv_text: Option<String>,
    /// Skills and occupations found in `cv_text`, waiting to be confirmed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
    /// How far the seeker will travel, in km.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_distance_km: Option<f64>,
    #[serde(default)]
    pub willing_to_relocate: bool,
    /// Whether remote work is acceptable (and on-site work too: `false` means on-site only).
    #[serde(default = "yes")]
    pub accepts_remote: bool,
    /// Acceptable contracts; empty means any.
    #[serde(default)]
    pub contract_types: Vec<ContractType>,
    /// Acceptable working times; empty means any.
    #[serde(default)]
    pub working_time: Vec<WorkingTime>,
    /// Lowest acceptable monthly salary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_salary: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_from: Option<NaiveDate>,
    /// Whether employers may find this seeker (the seeker's own consent).
    #[serde(default)]
    pub searchable: bool,
    /// Whether the service may use this record to reach out with offers and programmes (the
    /// seeker's own consent).
    #[serde(default)]
    pub outreach: bool,
}

/// Largest free text (a description, a CV) a record may carry.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

fn yes() -> bool {
    true
}

/// An employer organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employer {
    pub id: String,
    pub name: String,
    /// Business registration number, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<String>,
}

/// A vacancy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vacancy {
    pub id: String,
    pub employer: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Taxonomy URI of the occupation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    #[serde(default)]
    pub essential_skills: Vec<String>,
    #[serde(default)]
    pub optional_skills: Vec<String>,
    /// Lowest education level asked for, ISCED 2011 (0–8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<u8>,
    /// Years of experience in the occupation asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experience_years: Option<f32>,
    /// Languages required, each at a minimum CEFR level.
    #[serde(default)]
    pub languages: Vec<LanguageSkill>,
    /// Driving licence categories required.
    #[serde(default)]
    pub licences: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Point>,
    /// Gazetteer code or name of the place of work (county, city or district); gives the
    /// location when `location` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(default)]
    pub remote: RemotePolicy,
    pub contract: ContractType,
    pub working_time: WorkingTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salary_min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salary_max: Option<u32>,
    #[serde(default = "one")]
    pub positions: u32,
    pub posted: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<NaiveDate>,
    #[serde(default)]
    pub status: VacancyStatus,
    /// Skills and occupation found in the title and description, waiting to be confirmed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<Suggestion>,
}

fn one() -> u32 {
    1
}

/// A problem with one field of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// Path of the field, e.g. `skills[2].concept`.
    pub field: String,
    pub message: String,
}

/// A record rejected as a whole, with every field that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid record: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct InvalidRecord(pub Vec<FieldError>);

/// The problems found while validating a record, one per field (shared by the crates that
/// validate records of their own, such as courses).
#[derive(Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    /// Notes a problem with a field.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Checks an id: non-empty, at most 200 bytes, no control characters.
    pub fn id(&mut self, field: &str, value: &str) {
        let ok = !value.is_empty()
            && value.len() <= 128
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
        if !ok {
            self.add(field, "must be 1–128 characters: letters, digits, - _ . :");
        }
    }

    /// Checks a URI field.
    pub fn uri(&mut self, field: String, value: &str) {
        if value.trim().is_empty() {
            self.add(field, "must be a taxonomy concept URI");
        }
    }

    /// Checks a point's latitude and longitude.
    pub fn point(&mut self, field: &str, point: &Option<Point>) {
        if let Some(p) = point {
            if !(-90.0..=90.0).contains(&p.lat) || !p.lat.is_finite() {
                self.add(format!("{field}.lat"), "must be between -90 and 90");
            }
            if !(-180.0..=180.0).contains(&p.lon) || !p.lon.is_finite() {
                self.add(format!("{field}.lon"), "must be between -180 and 180");
            }
        }
    }

    fn education(&mut self, value: Option<u8>) {
        if value.is_some_and(|e| e > 8) {
            self.add("education", "must be an ISCED 2011 level, 0 to 8");
        }
    }

    fn languages(&mut self, languages: &[LanguageSkill]) {
        for (i, l) in languages.iter().enumerate() {
            if l.language.trim().is_empty() {
                self.add(format!("languages[{i}].language"), "must be a language tag");
            }
            if l.rank().is_none() {
                self.add(
                    format!("languages[{i}].level"),
                    format!("'{}' is not a CEFR level (A1, A2, B1, B2, C1, C2)", l.level),
                );
            }
        }
    }

    fn suggestions(&mut self, suggestions: &[Suggestion]) {
        for (i, s) in suggestions.iter().enumerate() {
            self.uri(format!("suggestions[{i}].concept"), &s.concept);
            if !(0.0..=1.0).contains(&s.score) {
                self.add(format!("suggestions[{i}].score"), "must be 0 to 1");
            }
        }
    }

    /// The record's verdict: valid, or every problem found.
    pub fn finish(self) -> Result<(), InvalidRecord> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(InvalidRecord(self.0))
        }
    }
}

impl Seeker {
    /// Every problem with this record (empty when it is valid).
    pub fn validate(&self) -> Result<(), InvalidRecord> {
        let mut p = Problems::default();
        p.id("id", &self.id);
        for (i, s) in self.skills.iter().enumerate() {
            p.uri(format!("skills[{i}].concept"), &s.concept);
            if s.level.is_some_and(|l| !(1..=5).contains(&l)) {
                p.add(format!("skills[{i}].level"), "must be 1 to 5");
            }
        }
        for (i, e) in self.experience.iter().enumerate() {
            p.uri(format!("experience[{i}].occupation"), &e.occupation);
            if !(0.0..=70.0).contains(&e.years) || !e.years.is_finite() {
                p.add(format!("experience[{i}].years"), "must be 0 to 70");
            }
        }
        for (i, o) in self.desired_occupations.iter().enumerate() {
            p.uri(format!("desired_occupations[{i}]"), o);
        }
        p.education(self.education);
        p.languages(&self.languages);
        p.point("location", &self.location);
        if self
            .max_distance_km
            .is_some_and(|d| !(0.0..=20_000.0).contains(&d) || !d.is_finite())
        {
            p.add("max_distance_km", "must be 0 to 20000");
        }
        if self
            .cv_text
            .as_ref()
            .is_some_and(|t| t.len() > MAX_TEXT_BYTES)
        {
            p.add("cv_text", format!("must be at most {MAX_TEXT_BYTES} bytes"));
        }
        p.suggestions(&self.suggestions);
        p.finish()
    }
}

impl Vacancy {
    /// Every problem with this record (empty when it is valid).
    pub fn validate(&self) -> Result<(), InvalidRecord> {
        let mut p = Problems::default();
        p.id("id", &self.id);
        p.id("employer", &self.employer);
        if self.title.trim().is_empty() || self.title.chars().count() > 300 {
            p.add("title", "must be 1 to 300 characters");
        }
        if let Some(o) = &self.occupation {
            p.uri("occupation".to_string(), o);
        }
        for (i, s) in self.essential_skills.iter().enumerate() {
            p.uri(format!("essential_skills[{i}]"), s);
        }
        for (i, s) in self.optional_skills.iter().enumerate() {
            p.uri(format!("optional_skills[{i}]"), s);
        }
        p.education(self.education);
        if self
            .experience_years
            .is_some_and(|y| !(0.0..=50.0).contains(&y) || !y.is_finite())
        {
            p.add("experience_years", "must be 0 to 50");
        }
        p.languages(&self.languages);
        p.point("location", &self.location);
        if self.location.is_none() && self.place.is_none() && self.remote != RemotePolicy::Remote {
            p.add(
                "location",
                "a location or a place is required unless the work is fully remote",
            );
        }
        if let (Some(min), Some(max)) = (self.salary_min, self.salary_max) {
            if min > max {
                p.add("salary_max", "must not be below salary_min");
            }
        }
        if self.positions == 0 {
            p.add("positions", "must be at least 1");
        }
        if self.expires.is_some_and(|e| e < self.posted) {
            p.add("expires", "must not be before posted");
        }
        if self.description.len() > MAX_TEXT_BYTES {
            p.add(
                "description",
                format!("must be at most {MAX_TEXT_BYTES} bytes"),
            );
        }
        p.suggestions(&self.suggestions);
        p.finish()
    }

    /// True when the vacancy can be applied for on `today`.
    pub fn is_open_on(&self, today: NaiveDate) -> bool {
        self.status == VacancyStatus::Open && self.expires.is_none_or(|e| e >= today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vacancy() -> Vacancy {
        Vacancy {
            id: "v-1".into(),
            employer: "e-1".into(),
            title: "Forklift driver".into(),
            description: String::new(),
            occupation: Some("urn:x:occupation".into()),
            essential_skills: vec!["urn:x:skill".into()],
            optional_skills: vec![],
            education: None,
            experience_years: None,
            languages: vec![],
            licences: vec![],
            location: Some(Point {
                lat: 25.04,
                lon: 121.56,
            }),
            place: None,
            remote: RemotePolicy::OnSite,
            contract: ContractType::Permanent,
            working_time: WorkingTime::FullTime,
            salary_min: Some(30_000),
            salary_max: Some(40_000),
            positions: 1,
            posted: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default(),
            expires: None,
            status: VacancyStatus::Open,
            suggestions: Vec::new(),
        }
    }

    #[test]
    fn a_valid_vacancy_passes() {
        assert_eq!(vacancy().validate(), Ok(()));
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut v = vacancy();
        v.id = "has space".into();
        v.salary_min = Some(50_000);
        v.languages = vec![LanguageSkill {
            language: "en".into(),
            level: "B7".into(),
        }];
        v.location = None;
        v.positions = 0;
        let errors = v.validate().err().map(|e| e.0).unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "id",
                "languages[0].level",
                "location",
                "salary_max",
                "positions"
            ]
        );
    }

    #[test]
    fn seeker_json_has_sensible_defaults() -> Result<(), serde_json::Error> {
        let seeker: Seeker = serde_json::from_str(r#"{"id": "s-1"}"#)?;
        assert!(seeker.accepts_remote);
        assert!(!seeker.searchable, "consent is never assumed");
        assert_eq!(seeker.validate(), Ok(()));
        Ok(())
    }
}
