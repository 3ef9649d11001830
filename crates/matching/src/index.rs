//! The in-memory matching index: every vacancy and seeker resolved against the taxonomy, with
//! postings from skills and occupations to the records that hold them. Built from the
//! database's records and kept current by [`MatchIndex::upsert_vacancy`],
//! [`MatchIndex::upsert_seeker`] and the removals; a replaced or removed record leaves a dead
//! slot that candidate generation skips (and [`MatchIndex::compact`] reclaims).
//!
//! A query gathers candidates through the postings (records sharing a skill or an occupation),
//! drops those a hard filter excludes, scores the rest ([`crate::score`]) and returns the top k
//! by score, ties broken by id. Vacancy → seekers only ever returns seekers who consented to
//! be found. Scoring is bounded first: one pass over the postings gives each candidate an upper
//! bound of its score, and only those whose bound reaches the current k-th best are scored in
//! full (the result is the same as scoring them all).
//!
//! A record's `place` (a gazetteer code or name) resolves to a point and a region; a record
//! with coordinates only counts in the region of the nearest place within 30 km.

use crate::geo::{Gazetteer, Point};
use crate::model::{FieldError, InvalidRecord, Seeker, Vacancy};
use crate::score::{
    exclusion, occupation_relation, primary_language, score, Exclusion, Explanation, Knowledge,
    SeekerProfile, VacancyProfile, Weights, RELATED_CREDIT,
};
use crate::search::SearchRow;
use crate::view::SeekerView;
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

/// What the taxonomy says, precomputed per concept (read by scoring, search and guidance).
pub struct TaxonomyKnowledge {
    /// Per concept: related skills (sorted).
    pub(crate) related: Vec<Vec<ConceptId>>,
    /// Per concept: direct broader groups (sorted).
    pub(crate) groups: Vec<Vec<ConceptId>>,
    /// Per concept: ancestors, nearest first.
    pub(crate) ancestors: Vec<Vec<ConceptId>>,
    /// Per concept: 1 / ln(e + number of occupations needing it).
    pub(crate) specificity: Vec<f32>,
}

impl TaxonomyKnowledge {
    /// The skills related to a skill, sorted.
    pub fn related_skills(&self, skill: ConceptId) -> &[ConceptId] {
        self.related
            .get(skill.0 as usize)
            .map_or(&[], Vec::as_slice)
    }

    /// The direct broader groups of a skill, sorted.
    pub fn groups(&self, skill: ConceptId) -> &[ConceptId] {
        self.groups.get(skill.0 as usize).map_or(&[], Vec::as_slice)
    }

    /// The ancestors of an occupation, nearest first.
    pub fn ancestors_of(&self, occupation: ConceptId) -> &[ConceptId] {
        self.ancestors
            .get(occupation.0 as usize)
            .map_or(&[], Vec::as_slice)
    }

    /// How specific a skill is: 1 / ln(e + number of occupations needing it).
    pub fn specificity(&self, skill: ConceptId) -> f32 {
        self.specificity
            .get(skill.0 as usize)
            .copied()
            .unwrap_or(1.0)
    }

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
        optional: &[ConceptId],
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
        for s in optional {
            self.by_skill
                .entry(*s)
                .or_default()
                .push(index as u32 | OPTIONAL);
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

    /// Fills `acc` from the postings: per slot, the summed weight of `essential` skills it
    /// holds (for vacancies: holds as essential) and the number of `optional` ones; slots
    /// sharing an occupation are touched too.
    fn accumulate(
        &self,
        acc: &mut Accumulator,
        essential: &[(ConceptId, f32)],
        optional: &[ConceptId],
        occupations: &[ConceptId],
    ) {
        acc.reset(self.slots.len());
        for (skill, weight) in essential {
            for posting in self.by_skill.get(skill).map_or(&[][..], Vec::as_slice) {
                let slot = slot_of(*posting);
                acc.touch(slot);
                if posting & OPTIONAL == 0 {
                    acc.essential[slot] += weight;
                } else {
                    acc.optional[slot] += 1;
                }
            }
        }
        for skill in optional {
            for posting in self.by_skill.get(skill).map_or(&[][..], Vec::as_slice) {
                let slot = slot_of(*posting);
                acc.touch(slot);
                acc.optional[slot] += 1;
            }
        }
        for occupation in occupations {
            for posting in self
                .by_occupation
                .get(occupation)
                .map_or(&[][..], Vec::as_slice)
            {
                acc.touch(slot_of(*posting));
            }
        }
    }
}

/// Flag on a vacancy's skill posting: the skill is optional there.
const OPTIONAL: u32 = 1 << 31;

/// The slot a posting points to.
pub(crate) fn slot_of(posting: u32) -> usize {
    (posting & !OPTIONAL) as usize
}

/// Per-slot sums of one query, reused between queries on a thread (generation-stamped, so a
/// new query does not clear a million entries).
#[derive(Default)]
struct Accumulator {
    stamp: Vec<u32>,
    generation: u32,
    essential: Vec<f32>,
    optional: Vec<u16>,
    touched: Vec<u32>,
}

impl Accumulator {
    fn reset(&mut self, slots: usize) {
        if self.stamp.len() < slots {
            self.stamp.resize(slots, 0);
            self.essential.resize(slots, 0.0);
            self.optional.resize(slots, 0);
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.fill(0);
            self.generation = 1;
        }
        self.touched.clear();
    }

    fn touch(&mut self, slot: usize) {
        if self.stamp[slot] != self.generation {
            self.stamp[slot] = self.generation;
            self.essential[slot] = 0.0;
            self.optional[slot] = 0;
            self.touched.push(slot as u32);
        }
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Accumulator> = std::cell::RefCell::new(Accumulator::default());
}

/// An upper bound of the essential-skills value: the weight held, with every missing skill
/// assumed partly covered by a related one.
fn essential_bound(held: f32, total: f32) -> f32 {
    if total > 0.0 {
        ((held + RELATED_CREDIT * (total - held).max(0.0)) / total).min(1.0)
    } else {
        1.0
    }
}

/// Safety margin on bounds against float rounding.
const BOUND_SLACK: f32 = 1e-4;

/// The `limit` best of `candidates` (upper bound of the score, slot) by exact score, ties by
/// id, computing exact scores only where the bound can still reach the current k-th best.
/// The result equals scoring every candidate.
fn best_by_bound(
    mut candidates: Vec<(f32, u32)>,
    limit: usize,
    mut exact: impl FnMut(usize) -> Option<Ranked>,
) -> Vec<Ranked> {
    if limit == 0 {
        return Vec::new();
    }
    let by_bound = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0);
    let batch = limit.saturating_mul(8).max(64).min(candidates.len());
    if batch < candidates.len() {
        candidates.select_nth_unstable_by(batch, by_bound);
    }
    candidates[..batch].sort_unstable_by(by_bound);
    let kth = |found: &[Ranked]| -> f32 {
        if found.len() < limit {
            return f32::NEG_INFINITY;
        }
        let mut scores: Vec<f32> = found.iter().map(|r| r.explanation.score).collect();
        scores.select_nth_unstable_by(limit - 1, |a, b| b.total_cmp(a));
        scores[limit - 1]
    };
    let trim_at = limit.saturating_mul(4).saturating_add(64);
    let mut found: Vec<Ranked> = Vec::new();
    let mut threshold = f32::NEG_INFINITY;
    for (position, (bound, slot)) in candidates.iter().enumerate() {
        if bound + BOUND_SLACK < threshold {
            if position < batch {
                // The batch is sorted and everything after it is bounded lower still.
                break;
            }
            continue;
        }
        if let Some(ranked) = exact(*slot as usize) {
            if ranked.explanation.score >= threshold {
                found.push(ranked);
                if position < batch || found.len() >= trim_at {
                    threshold = kth(&found);
                    if found.len() >= trim_at {
                        found = top(found.into_iter(), limit);
                    }
                }
            }
        }
    }
    top(found.into_iter(), limit)
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
    /// One row per vacancy slot, for search.
    pub(crate) search_rows: Vec<SearchRow>,
    /// Counts vacancy changes (so that snapshots built from the vacancies know their age).
    vacancy_generation: u64,
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
            search_rows: Vec::new(),
            vacancy_generation: 0,
        }
    }

    /// What the taxonomy says about each concept, as scoring reads it.
    pub fn knowledge(&self) -> &TaxonomyKnowledge {
        &self.knowledge
    }

    /// How many times vacancies were added, replaced or removed.
    pub fn vacancy_generation(&self) -> u64 {
        self.vacancy_generation
    }

    /// Every vacancy held (open or not), resolved.
    pub fn vacancy_profiles(&self) -> impl Iterator<Item = &VacancyProfile> {
        self.vacancies.slots.iter().flatten().map(|s| &s.profile)
    }

    /// A vacancy held, by id, resolved.
    pub fn vacancy_profile(&self, id: &str) -> Option<&VacancyProfile> {
        self.vacancies.get(id).map(|s| &s.profile)
    }

    /// A seeker's record resolved for guidance (validated like [`MatchIndex::upsert_seeker`]).
    pub fn seeker_view(&self, seeker: &Seeker) -> Result<SeekerView, InvalidRecord> {
        let profile = self.resolve_seeker(seeker)?;
        let mut errors = Vec::new();
        let (place, _) = self.place(seeker.place.as_deref(), seeker.location, &mut errors);
        let resolve = |uri: &str| {
            self.taxonomy
                .by_uri(uri)
                .filter(|id| self.taxonomy.concept(*id).kind == ConceptKind::Occupation)
        };
        Ok(SeekerView {
            skills: profile.skills,
            past: seeker
                .experience
                .iter()
                .filter_map(|e| resolve(&e.occupation).map(|id| (id, e.years)))
                .collect(),
            desired: seeker
                .desired_occupations
                .iter()
                .filter_map(|uri| resolve(uri))
                .collect(),
            education: seeker.education,
            region: place.and_then(|p| u16::try_from(self.gazetteer.top_level(p)).ok()),
            location: profile.location,
            max_distance_km: seeker.max_distance_km,
            min_salary: seeker.min_salary,
            available_from: seeker.available_from,
        })
    }

    /// A concept by URI that must be of `kind` (a problem for `field` otherwise).
    pub fn concept_of_kind(
        &self,
        uri: &str,
        kind: ConceptKind,
        field: String,
        errors: &mut Vec<FieldError>,
    ) -> Option<ConceptId> {
        self.concept(uri, kind, field, errors)
    }

    /// The point a record's place or location stands for (a problem for `place` otherwise).
    pub fn locate(
        &self,
        place: Option<&str>,
        location: Option<Point>,
        errors: &mut Vec<FieldError>,
    ) -> Option<Point> {
        self.place(place, location, errors).1
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

    /// The employer of a vacancy the index holds (a stored vacancy keeps its employer).
    pub fn vacancy_employer(&self, id: &str) -> Option<&str> {
        let slot = self.vacancies.get(id)?;
        self.employers
            .names
            .get(slot.profile.employer as usize)
            .map(String::as_str)
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
        self.vacancy_generation += 1;
        profile.employer = self.employers.intern(&vacancy.employer);
        let mut words: Vec<u32> = title_words(&vacancy.title)
            .iter()
            .map(|w| self.words.intern(w))
            .collect();
        words.sort_unstable();
        profile.title_words = words.clone().into_boxed_slice();
        let skills: Vec<ConceptId> = profile.essential.iter().map(|(c, _)| *c).collect();
        let optional = profile.optional.clone();
        let occupations: Vec<ConceptId> = profile.occupation.into_iter().collect();
        if let Some(old) = self.vacancies.by_id.get(&vacancy.id) {
            self.search_rows[*old] = SearchRow::DEAD;
        }
        self.search_rows
            .push(SearchRow::of(&profile, &self.knowledge.ancestors));
        self.vacancies.insert(
            Slot {
                id: vacancy.id.clone(),
                title: vacancy.title.clone(),
                profile,
                findable: true,
            },
            &skills,
            &optional,
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
            essential_total: essential.iter().map(|(_, w)| *w).sum(),
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
            &[],
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
        self.vacancy_generation += 1;
        if let Some(slot) = self.vacancies.by_id.get(id) {
            self.search_rows[*slot] = SearchRow::DEAD;
        }
        self.vacancies.remove(id)
    }

    /// Removes a seeker; false if it was not there.
    pub fn remove_seeker(&mut self, id: &str) -> bool {
        self.seekers.remove(id)
    }

    /// Rebuilds the postings without dead slots.
    pub fn compact(&mut self) {
        type Keys = (Vec<ConceptId>, Vec<ConceptId>, Vec<ConceptId>, Vec<u32>);
        fn rebuild<P>(side: &mut Side<P>, keys: impl Fn(&P) -> Keys) {
            let slots = std::mem::take(&mut side.slots);
            *side = Side::default();
            for slot in slots.into_iter().flatten() {
                let (skills, optional, occupations, words) = keys(&slot.profile);
                side.insert(slot, &skills, &optional, &occupations, &words);
            }
        }
        rebuild(&mut self.vacancies, |v| {
            (
                v.essential.iter().map(|(c, _)| *c).collect(),
                v.optional.clone(),
                v.occupation.into_iter().collect(),
                v.title_words.to_vec(),
            )
        });
        let ancestors = &self.knowledge.ancestors;
        self.search_rows = self
            .vacancies
            .slots
            .iter()
            .map(|slot| {
                slot.as_ref()
                    .map_or(SearchRow::DEAD, |s| SearchRow::of(&s.profile, ancestors))
            })
            .collect();
        rebuild(&mut self.seekers, |s| {
            (
                s.skills.clone(),
                Vec::new(),
                s.occupations.iter().map(|(o, _)| *o).collect(),
                Vec::new(),
            )
        });
    }

    /// An upper bound of the score of the pair at `slot` of `acc` (filled from the postings)
    /// for vacancy `v`: essential skills with every missing one assumed partly covered,
    /// optional skills and the occupation exact, the other parts (experience, education,
    /// distance, salary) at their most.
    fn score_bound(
        &self,
        acc: &Accumulator,
        slot: usize,
        v: &VacancyProfile,
        occupation: f32,
    ) -> f32 {
        let w = &self.weights;
        let optional = if v.optional.is_empty() {
            1.0
        } else {
            (f32::from(acc.optional[slot]) / v.optional.len() as f32).min(1.0)
        };
        w.essential_skills * essential_bound(acc.essential[slot], v.essential_total)
            + w.optional_skills * optional
            + w.occupation * occupation
            + w.experience
            + w.education
            + w.distance
            + w.salary
    }

    /// Per occupation (dense by concept id), the occupation part's value against `value_of`.
    fn occupation_values(&self, value_of: impl Fn(ConceptId) -> f32) -> Vec<f32> {
        let mut values = vec![0.0f32; self.taxonomy.concepts().len()];
        for concept in self.taxonomy.concepts() {
            if concept.kind == ConceptKind::Occupation {
                values[concept.id.0 as usize] = value_of(concept.id);
            }
        }
        values
    }

    /// The best vacancies for a seeker.
    ///
    /// Candidates share a skill or an occupation with the seeker. One pass over the postings
    /// sums, per vacancy, the weight of its essential skills the seeker holds and the number
    /// of optional ones; with the occupation part exact and the other parts at their most,
    /// that bounds each vacancy's score from above, and only vacancies whose bound reaches
    /// the current k-th best are scored in full ([`crate::score`]). The result is the same as
    /// scoring every candidate.
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
        let skills: Vec<(ConceptId, f32)> = s
            .skills
            .iter()
            .map(|c| (*c, self.knowledge.specificity[c.0 as usize]))
            .collect();
        let occupation_value = if occupations.is_empty() {
            Vec::new()
        } else {
            self.occupation_values(|target| {
                occupation_relation(&s.occupations, Some(target), &self.knowledge).1
            })
        };
        let candidates = SCRATCH.with(|cell| {
            let mut acc = cell.borrow_mut();
            self.vacancies
                .accumulate(&mut acc, &skills, &[], &occupations);
            acc.touched
                .iter()
                .filter_map(|slot| {
                    let v = &self.vacancies.slots[*slot as usize].as_ref()?.profile;
                    let occupation = v
                        .occupation
                        .and_then(|o| occupation_value.get(o.0 as usize).copied())
                        .unwrap_or(0.0);
                    let bound = self.score_bound(&acc, *slot as usize, v, occupation);
                    Some((bound, *slot))
                })
                .collect::<Vec<_>>()
        });
        Ok(best_by_bound(candidates, query.limit, |i| {
            let v = self.vacancies.slots[i].as_ref()?;
            if exclusion(s, &v.profile, query.today).is_some() {
                return None;
            }
            Some(Ranked {
                id: v.id.clone(),
                title: v.title.clone(),
                explanation: score(s, &v.profile, &self.knowledge, &self.weights),
            })
        }))
    }

    /// The best seekers (who consented to be found) for a vacancy, by the same bounded
    /// search as [`MatchIndex::vacancies_for`].
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
        let occupations: Vec<ConceptId> = v.occupation.into_iter().collect();
        let target_ancestors: &[ConceptId] = v
            .occupation
            .map_or(&[][..], |o| self.knowledge.ancestors(o));
        // Per occupation a seeker may have: the occupation part's value for this vacancy.
        let occupation_value = match v.occupation {
            Some(target) => self.occupation_values(|o| {
                if o == target {
                    1.0
                } else {
                    let theirs = self.knowledge.ancestors(o);
                    target_ancestors
                        .iter()
                        .position(|g| theirs.contains(g))
                        .map_or(0.0, |k| 0.8 * 0.6f32.powi(k as i32))
                }
            }),
            None => Vec::new(),
        };
        let candidates = SCRATCH.with(|cell| {
            let mut acc = cell.borrow_mut();
            self.seekers
                .accumulate(&mut acc, &v.essential, &v.optional, &occupations);
            acc.touched
                .iter()
                .filter_map(|slot| {
                    let entry = self.seekers.slots[*slot as usize].as_ref()?;
                    if !entry.findable {
                        return None;
                    }
                    let occupation = entry
                        .profile
                        .occupations
                        .iter()
                        .map(|(o, _)| occupation_value.get(o.0 as usize).copied().unwrap_or(0.0))
                        .fold(0.0f32, f32::max);
                    let bound = self.score_bound(&acc, *slot as usize, v, occupation);
                    Some((bound, *slot))
                })
                .collect::<Vec<_>>()
        });
        Ok(best_by_bound(candidates, query.limit, |i| {
            let s = self.seekers.slots[i].as_ref()?;
            if exclusion(&s.profile, v, query.today).is_some() {
                return None;
            }
            Some(Ranked {
                id: s.id.clone(),
                title: String::new(),
                explanation: score(&s.profile, v, &self.knowledge, &self.weights),
            })
        }))
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
