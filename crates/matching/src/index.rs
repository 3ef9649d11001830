//! The in-memory matching index: every vacancy and seeker resolved against the taxonomy, with
//! postings from skills and occupations to the records that hold them. Built from the
//! database's records and kept current by [`MatchIndex::upsert_vacancy`],
//! [`MatchIndex::upsert_seeker`] and the removals; a replaced or removed record leaves a dead
//! slot that candidate generation skips (and [`MatchIndex::compact`] reclaims).
//!
//! A query gathers candidates through the postings (records sharing a skill or an occupation),
//! drops those a hard filter excludes, scores the rest ([`crate::score`]) and returns the top k
//! by score, ties broken by id. Vacancy → seekers only ever returns seekers who consented to
//! be found.

use crate::geo::{Gazetteer, Point};
use crate::model::{FieldError, InvalidRecord, Seeker, Vacancy};
use crate::score::{
    exclusion, primary_language, score, Exclusion, Explanation, Knowledge, SeekerProfile,
    VacancyProfile, Weights,
};
use chrono::NaiveDate;
use openpes_taxonomy::{ConceptId, ConceptKind, Taxonomy};
use std::collections::HashMap;
use std::sync::Arc;

/// Options of one query.
#[derive(Debug, Clone, Copy)]
pub struct MatchQuery {
    pub limit: usize,
    /// Vacancies expired before this day are not open.
    pub today: NaiveDate,
}

/// One result: the other record's id and why it ranks where it does.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub id: String,
    /// The vacancy's title (empty for seekers).
    pub title: String,
    pub explanation: Explanation,
}

/// Why a query could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatchError {
    #[error("no seeker with id '{0}'")]
    UnknownSeeker(String),
    #[error("no vacancy with id '{0}'")]
    UnknownVacancy(String),
}

/// What the taxonomy says, precomputed per concept.
pub(crate) struct TaxonomyKnowledge {
    /// Per concept: related skills (sorted).
    related: Vec<Vec<ConceptId>>,
    /// Per concept: direct broader groups (sorted).
    groups: Vec<Vec<ConceptId>>,
    /// Per concept: ancestors, nearest first.
    pub(crate) ancestors: Vec<Vec<ConceptId>>,
    /// Per concept: 1 / ln(e + number of occupations needing it).
    pub(crate) specificity: Vec<f32>,
}

impl TaxonomyKnowledge {
    fn build(taxonomy: &Taxonomy) -> TaxonomyKnowledge {
        let n = taxonomy.concepts().len();
        let mut knowledge = TaxonomyKnowledge {
            related: vec![Vec::new(); n],
            groups: vec![Vec::new(); n],
            ancestors: vec![Vec::new(); n],
            specificity: vec![1.0; n],
        };
        for concept in taxonomy.concepts() {
            let i = concept.id.0 as usize;
            match concept.kind {
                ConceptKind::Skill => {
                    let mut related: Vec<ConceptId> = taxonomy
                        .related_skills(concept.id)
                        .iter()
                        .map(|e| e.target)
                        .collect();
                    related.sort_unstable();
                    knowledge.related[i] = related;
                    let mut groups = taxonomy.broader(concept.id);
                    groups.sort_unstable();
                    knowledge.groups[i] = groups;
                    let needed_by = taxonomy.occupations_needing(concept.id).len() as f32;
                    knowledge.specificity[i] = 1.0 / (std::f32::consts::E + needed_by).ln();
                }
                ConceptKind::Occupation => {
                    knowledge.ancestors[i] = taxonomy.ancestors(concept.id);
                }
                _ => {}
            }
        }
        knowledge
    }
}

impl Knowledge for TaxonomyKnowledge {
    fn related(&self, want: ConceptId, have: ConceptId) -> bool {
        let (w, h) = (want.0 as usize, have.0 as usize);
        if self.related[w].binary_search(&have).is_ok() {
            return true;
        }
        let theirs = &self.groups[h];
        self.groups[w]
            .iter()
            .any(|g| theirs.binary_search(g).is_ok())
    }

    fn ancestors(&self, occupation: ConceptId) -> &[ConceptId] {
        &self.ancestors[occupation.0 as usize]
    }
}

pub(crate) struct Slot<P> {
    pub(crate) id: String,
    /// A vacancy's title (empty for seekers: no personal data is kept here).
    pub(crate) title: String,
    pub(crate) profile: P,
    /// For seekers: consented to be found. For vacancies: always true.
    findable: bool,
}

/// Records of one kind with postings by skill, occupation and title word.
pub(crate) struct Side<P> {
    pub(crate) slots: Vec<Option<Slot<P>>>,
    by_id: HashMap<String, usize>,
    pub(crate) by_skill: HashMap<ConceptId, Vec<u32>>,
    pub(crate) by_occupation: HashMap<ConceptId, Vec<u32>>,
    pub(crate) by_word: HashMap<u32, Vec<u32>>,
    dead: usize,
}

impl<P> Default for Side<P> {
    fn default() -> Self {
        Side {
            slots: Vec::new(),
            by_id: HashMap::new(),
            by_skill: HashMap::new(),
            by_occupation: HashMap::new(),
            by_word: HashMap::new(),
            dead: 0,
        }
    }
}

impl<P> Side<P> {
    fn remove(&mut self, id: &str) -> bool {
        match self.by_id.remove(id) {
            Some(slot) => {
                self.slots[slot] = None;
                self.dead += 1;
                true
            }
            None => false,
        }
    }

    fn insert(
        &mut self,
        slot: Slot<P>,
        skills: &[ConceptId],
        occupations: &[ConceptId],
        words: &[u32],
    ) {
        self.remove(&slot.id);
        let index = self.slots.len();
        for w in words {
            self.by_word.entry(*w).or_default().push(index as u32);
        }
        for s in skills {
            self.by_skill.entry(*s).or_default().push(index as u32);
        }
        for o in occupations {
            self.by_occupation.entry(*o).or_default().push(index as u32);
        }
        self.by_id.insert(slot.id.clone(), index);
        self.slots.push(Some(slot));
    }

    fn get(&self, id: &str) -> Option<&Slot<P>> {
        self.by_id.get(id).and_then(|i| self.slots[*i].as_ref())
    }

    fn live(&self) -> usize {
        self.by_id.len()
    }

    /// Live, findable slots reachable from these skills and occupations, each once.
    fn candidates(&self, skills: &[ConceptId], occupations: &[ConceptId]) -> Vec<usize> {
        let mut out: Vec<usize> = skills
            .iter()
            .filter_map(|s| self.by_skill.get(s))
            .chain(occupations.iter().filter_map(|o| self.by_occupation.get(o)))
            .flatten()
            .map(|i| *i as usize)
            .collect();
        out.sort_unstable();
        out.dedup();
        out.retain(|i| self.slots[*i].as_ref().is_some_and(|s| s.findable));
        out
    }
}

/// Strings numbered in the order they are first seen.
#[derive(Default)]
pub(crate) struct Interner {
    pub(crate) ids: HashMap<String, u32>,
    pub(crate) names: Vec<String>,
}

impl Interner {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }
}

/// The folded words of a title, for search.
pub(crate) fn title_words(title: &str) -> Vec<String> {
    let mut out: Vec<String> = openpes_text::words(title)
        .map(|w| openpes_text::fold(&title[w.start..w.end]))
        .filter(|w| !w.is_empty())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// How far a location may lie from the nearest gazetteer place to be counted in its region.
const NEAREST_PLACE_KM: f64 = 30.0;

/// The matching index over one taxonomy.
pub struct MatchIndex {
    pub(crate) taxonomy: Arc<Taxonomy>,
    pub(crate) knowledge: TaxonomyKnowledge,
    weights: Weights,
    pub(crate) gazetteer: Arc<Gazetteer>,
    pub(crate) vacancies: Side<VacancyProfile>,
    seekers: Side<SeekerProfile>,
    pub(crate) employers: Interner,
    pub(crate) words: Interner,
}

impl MatchIndex {
    /// An empty index over `taxonomy`, with the built-in gazetteer of Taiwan.
    pub fn new(taxonomy: Arc<Taxonomy>) -> MatchIndex {
        let gazetteer = Gazetteer::taiwan().unwrap_or_default();
        MatchIndex::with_gazetteer(taxonomy, Arc::new(gazetteer))
    }

    /// An empty index over `taxonomy`, naming places with `gazetteer`.
    pub fn with_gazetteer(taxonomy: Arc<Taxonomy>, gazetteer: Arc<Gazetteer>) -> MatchIndex {
        let knowledge = TaxonomyKnowledge::build(&taxonomy);
        MatchIndex {
            taxonomy,
            knowledge,
            weights: Weights::default(),
            gazetteer,
            vacancies: Side::default(),
            seekers: Side::default(),
            employers: Interner::default(),
            words: Interner::default(),
        }
    }

    /// The gazetteer places are named with.
    pub fn gazetteer(&self) -> &Arc<Gazetteer> {
        &self.gazetteer
    }

    /// The place a record names, and the point it stands for.
    fn place(
        &self,
        place: Option<&str>,
        location: Option<Point>,
        errors: &mut Vec<FieldError>,
    ) -> (Option<usize>, Option<Point>) {
        match place {
            Some(name) => match self.gazetteer.resolve(name) {
                Ok(found) => {
                    let position = self.gazetteer.position(&found.code);
                    (position, location.or(Some(found.point)))
                }
                Err(e) => {
                    errors.push(FieldError {
                        field: "place".into(),
                        message: e.to_string(),
                    });
                    (None, location)
                }
            },
            None => (
                location.and_then(|p| self.gazetteer.nearest(&p, NEAREST_PLACE_KM)),
                location,
            ),
        }
    }

    /// The taxonomy the index resolves concepts against.
    pub fn taxonomy(&self) -> &Arc<Taxonomy> {
        &self.taxonomy
    }

    /// The weights of the score's parts.
    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    /// Number of vacancies and seekers held.
    pub fn len(&self) -> (usize, usize) {
        (self.vacancies.live(), self.seekers.live())
    }

    /// True when the index holds no records.
    pub fn is_empty(&self) -> bool {
        self.len() == (0, 0)
    }

    fn concept(
        &self,
        uri: &str,
        kind: ConceptKind,
        field: String,
        errors: &mut Vec<FieldError>,
    ) -> Option<ConceptId> {
        match self.taxonomy.by_uri(uri) {
            Some(id) if self.taxonomy.concept(id).kind == kind => Some(id),
            Some(_) => {
                errors.push(FieldError {
                    field,
                    message: format!("'{uri}' is not a{} {}", article(kind), kind.as_str()),
                });
                None
            }
            None => {
                errors.push(FieldError {
                    field,
                    message: format!("unknown concept '{uri}'"),
                });
                None
            }
        }
    }

    /// Checks a vacancy as [`MatchIndex::upsert_vacancy`] would, without adding it.
    pub fn check_vacancy(&self, vacancy: &Vacancy) -> Result<(), InvalidRecord> {
        self.resolve_vacancy(vacancy).map(|_| ())
    }

    /// Adds or replaces a vacancy. The record is validated, and every concept must exist in
    /// the taxonomy with the right kind; otherwise nothing changes.
    pub fn upsert_vacancy(&mut self, vacancy: &Vacancy) -> Result<(), InvalidRecord> {
        let mut profile = self.resolve_vacancy(vacancy)?;
        profile.employer = self.employers.intern(&vacancy.employer);
        let mut words: Vec<u32> = title_words(&vacancy.title)
            .iter()
            .map(|w| self.words.intern(w))
            .collect();
        words.sort_unstable();
        profile.title_words = words.clone().into_boxed_slice();
        let skills: Vec<ConceptId> = profile
            .essential
            .iter()
            .map(|(c, _)| *c)
            .chain(profile.optional.iter().copied())
            .collect();
        let occupations: Vec<ConceptId> = profile.occupation.into_iter().collect();
        self.vacancies.insert(
            Slot {
                id: vacancy.id.clone(),
                title: vacancy.title.clone(),
                profile,
                findable: true,
            },
            &skills,
            &occupations,
            &words,
        );
        Ok(())
    }

    fn resolve_vacancy(&self, vacancy: &Vacancy) -> Result<VacancyProfile, InvalidRecord> {
        vacancy.validate()?;
        let mut errors = Vec::new();
        let occupation = vacancy.occupation.as_deref().and_then(|uri| {
            self.concept(
                uri,
                ConceptKind::Occupation,
                "occupation".into(),
                &mut errors,
            )
        });
        let mut essential: Vec<(ConceptId, f32)> = Vec::new();
        for (i, uri) in vacancy.essential_skills.iter().enumerate() {
            let field = format!("essential_skills[{i}]");
            if let Some(id) = self.concept(uri, ConceptKind::Skill, field, &mut errors) {
                essential.push((id, self.knowledge.specificity[id.0 as usize]));
            }
        }
        let (place, location) = self.place(vacancy.place.as_deref(), vacancy.location, &mut errors);
        let mut optional: Vec<ConceptId> = Vec::new();
        for (i, uri) in vacancy.optional_skills.iter().enumerate() {
            let field = format!("optional_skills[{i}]");
            optional.extend(self.concept(uri, ConceptKind::Skill, field, &mut errors));
        }
        if !errors.is_empty() {
            return Err(InvalidRecord(errors));
        }
        essential.sort_by_key(|(c, _)| *c);
        essential.dedup_by_key(|(c, _)| *c);
        optional.sort_unstable();
        optional.dedup();
        optional.retain(|o| essential.binary_search_by_key(o, |(c, _)| *c).is_err());
        let profile = VacancyProfile {
            essential,
            optional,
            occupation,
            education: vacancy.education,
            experience_years: vacancy.experience_years,
            languages: vacancy
                .languages
                .iter()
                .map(|l| {
                    (
                        primary_language(&l.language),
                        l.rank().unwrap_or(0),
                        l.level.to_ascii_uppercase(),
                    )
                })
                .collect(),
            licences: vacancy
                .licences
                .iter()
                .map(|l| l.trim().to_ascii_uppercase())
                .collect(),
            location,
            remote: vacancy.remote,
            contract: vacancy.contract,
            working_time: vacancy.working_time,
            salary_min: vacancy.salary_min,
            salary_max: vacancy.salary_max,
            expires: vacancy.expires,
            open: vacancy.status == crate::model::VacancyStatus::Open,
            posted: vacancy.posted,
            employer: u32::MAX,
            place: place.and_then(|p| u16::try_from(p).ok()),
            region: place.and_then(|p| u16::try_from(self.gazetteer.top_level(p)).ok()),
            title_words: Box::default(),
        };
        Ok(profile)
    }

    /// Checks a seeker as [`MatchIndex::upsert_seeker`] would, without adding it.
    pub fn check_seeker(&self, seeker: &Seeker) -> Result<(), InvalidRecord> {
        self.resolve_seeker(seeker).map(|_| ())
    }

    /// Adds or replaces a seeker (validated and resolved like a vacancy).
    pub fn upsert_seeker(&mut self, seeker: &Seeker) -> Result<(), InvalidRecord> {
        let profile = self.resolve_seeker(seeker)?;
        let occupation_ids: Vec<ConceptId> = profile.occupations.iter().map(|(o, _)| *o).collect();
        let skill_ids = profile.skills.clone();
        self.seekers.insert(
            Slot {
                id: seeker.id.clone(),
                title: String::new(),
                profile,
                findable: seeker.searchable,
            },
            &skill_ids,
            &occupation_ids,
            &[],
        );
        Ok(())
    }

    fn resolve_seeker(&self, seeker: &Seeker) -> Result<SeekerProfile, InvalidRecord> {
        seeker.validate()?;
        let mut errors = Vec::new();
        let mut skills = Vec::new();
        for (i, s) in seeker.skills.iter().enumerate() {
            let field = format!("skills[{i}].concept");
            skills.extend(self.concept(&s.concept, ConceptKind::Skill, field, &mut errors));
        }
        let mut occupations = Vec::new();
        for (i, e) in seeker.experience.iter().enumerate() {
            let field = format!("experience[{i}].occupation");
            if let Some(id) =
                self.concept(&e.occupation, ConceptKind::Occupation, field, &mut errors)
            {
                occupations.push((id, e.years));
            }
        }
        for (i, uri) in seeker.desired_occupations.iter().enumerate() {
            let field = format!("desired_occupations[{i}]");
            if let Some(id) = self.concept(uri, ConceptKind::Occupation, field, &mut errors) {
                if !occupations.iter().any(|(o, _)| *o == id) {
                    occupations.push((id, 0.0));
                }
            }
        }
        let (_, location) = self.place(seeker.place.as_deref(), seeker.location, &mut errors);
        if !errors.is_empty() {
            return Err(InvalidRecord(errors));
        }
        skills.sort_unstable();
        skills.dedup();
        let profile = SeekerProfile {
            skills,
            occupations,
            education: seeker.education,
            languages: seeker
                .languages
                .iter()
                .map(|l| (primary_language(&l.language), l.rank().unwrap_or(0)))
                .collect(),
            licences: seeker
                .licences
                .iter()
                .map(|l| l.trim().to_ascii_uppercase())
                .collect(),
            location,
            max_distance_km: seeker.max_distance_km,
            willing_to_relocate: seeker.willing_to_relocate,
            accepts_remote: seeker.accepts_remote,
            contract_types: seeker.contract_types.clone(),
            working_time: seeker.working_time.clone(),
            min_salary: seeker.min_salary,
            available_from: seeker.available_from,
        };
        Ok(profile)
    }

    /// Removes a vacancy; false if it was not there.
    pub fn remove_vacancy(&mut self, id: &str) -> bool {
        self.vacancies.remove(id)
    }

    /// Removes a seeker; false if it was not there.
    pub fn remove_seeker(&mut self, id: &str) -> bool {
        self.seekers.remove(id)
    }

    /// Rebuilds the postings without dead slots.
    pub fn compact(&mut self) {
        type Keys = (Vec<ConceptId>, Vec<ConceptId>, Vec<u32>);
        fn rebuild<P>(side: &mut Side<P>, keys: impl Fn(&P) -> Keys) {
            let slots = std::mem::take(&mut side.slots);
            *side = Side::default();
            for slot in slots.into_iter().flatten() {
                let (skills, occupations, words) = keys(&slot.profile);
                side.insert(slot, &skills, &occupations, &words);
            }
        }
        rebuild(&mut self.vacancies, |v| {
            (
                v.essential
                    .iter()
                    .map(|(c, _)| *c)
                    .chain(v.optional.iter().copied())
                    .collect(),
                v.occupation.into_iter().collect(),
                v.title_words.to_vec(),
            )
        });
        rebuild(&mut self.seekers, |s| {
            (
                s.skills.clone(),
                s.occupations.iter().map(|(o, _)| *o).collect(),
                Vec::new(),
            )
        });
    }

    /// The best vacancies for a seeker.
    pub fn vacancies_for(
        &self,
        seeker: &str,
        query: &MatchQuery,
    ) -> Result<Vec<Ranked>, MatchError> {
        let slot = self
            .seekers
            .get(seeker)
            .ok_or_else(|| MatchError::UnknownSeeker(seeker.to_string()))?;
        let s = &slot.profile;
        let occupations: Vec<ConceptId> = s.occupations.iter().map(|(o, _)| *o).collect();
        let candidates = self.vacancies.candidates(&s.skills, &occupations);
        let ranked = candidates.into_iter().filter_map(|i| {
            let v = self.vacancies.slots[i].as_ref()?;
            if exclusion(s, &v.profile, query.today).is_some() {
                return None;
            }
            Some(Ranked {
                id: v.id.clone(),
                title: v.title.clone(),
                explanation: score(s, &v.profile, &self.knowledge, &self.weights),
            })
        });
        Ok(top(ranked, query.limit))
    }

    /// The best seekers (who consented to be found) for a vacancy.
    pub fn seekers_for(
        &self,
        vacancy: &str,
        query: &MatchQuery,
    ) -> Result<Vec<Ranked>, MatchError> {
        let slot = self
            .vacancies
            .get(vacancy)
            .ok_or_else(|| MatchError::UnknownVacancy(vacancy.to_string()))?;
        let v = &slot.profile;
        let skills: Vec<ConceptId> = v
            .essential
            .iter()
            .map(|(c, _)| *c)
            .chain(v.optional.iter().copied())
            .collect();
        let occupations: Vec<ConceptId> = v.occupation.into_iter().collect();
        let candidates = self.seekers.candidates(&skills, &occupations);
        let ranked = candidates.into_iter().filter_map(|i| {
            let s = self.seekers.slots[i].as_ref()?;
            if exclusion(&s.profile, v, query.today).is_some() {
                return None;
            }
            Some(Ranked {
                id: s.id.clone(),
                title: String::new(),
                explanation: score(&s.profile, v, &self.knowledge, &self.weights),
            })
        });
        Ok(top(ranked, query.limit))
    }

    /// The explanation for one pair, and the hard filter that excludes it, if any.
    pub fn explain(
        &self,
        seeker: &str,
        vacancy: &str,
        today: NaiveDate,
    ) -> Result<(Explanation, Option<Exclusion>), MatchError> {
        let s = self
            .seekers
            .get(seeker)
            .ok_or_else(|| MatchError::UnknownSeeker(seeker.to_string()))?;
        let v = self
            .vacancies
            .get(vacancy)
            .ok_or_else(|| MatchError::UnknownVacancy(vacancy.to_string()))?;
        Ok((
            score(&s.profile, &v.profile, &self.knowledge, &self.weights),
            exclusion(&s.profile, &v.profile, today),
        ))
    }
}

fn article(kind: ConceptKind) -> &'static str {
    match kind {
        ConceptKind::Occupation | ConceptKind::OccupationGroup => "n",
        _ => "",
    }
}

/// The `limit` best by score, ties by id.
fn top(ranked: impl Iterator<Item = Ranked>, limit: usize) -> Vec<Ranked> {
    let mut all: Vec<Ranked> = ranked.collect();
    let by_rank = |a: &Ranked, b: &Ranked| {
        b.explanation
            .score
            .total_cmp(&a.explanation.score)
            .then_with(|| a.id.cmp(&b.id))
    };
    if all.len() > limit {
        all.select_nth_unstable_by(limit, by_rank);
        all.truncate(limit);
    }
    all.sort_by(by_rank);
    all
}
