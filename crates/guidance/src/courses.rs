//! The training catalog and course recommendation.
//!
//! A [`Course`] names the skills it teaches by taxonomy URI (the server extracts them from
//! the description when a provider gives none). The index keeps every course resolved, with
//! postings from skill to course.
//!
//! Recommendation is a weighted set cover: the gaps to close each carry a weight (essential
//! and in demand weigh most); among the courses the seeker can take — an online course if they
//! accept online learning, one in person within their travel radius, starting inside the
//! requested window, within their budget after public funding — the greedy step takes the
//! course that closes the most uncovered weight, ties to the cheaper for the learner, then the
//! shorter, then the earlier start, then the lower id; it repeats until the course limit is
//! reached or no course closes anything more. A course that closes no remaining gap is never
//! picked. Greedy choice keeps at least 1 − 1/e of the best possible covered weight for the
//! same number of courses.

use crate::gap::GapItem;
use crate::Guidance;
use chrono::NaiveDate;
use openpes_matching::geo::Point;
use openpes_matching::model::{FieldError, InvalidRecord, Problems, MAX_TEXT_BYTES};
use openpes_matching::MatchIndex;
use openpes_taxonomy::{ConceptId, ConceptKind};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How a course is taught.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseMode {
    Online,
    InPerson,
    /// Partly online, partly in a classroom.
    Blended,
}

impl CourseMode {
    /// Parses `online`, `in_person` (or `in-person`) and `blended`.
    pub fn parse(text: &str) -> Option<CourseMode> {
        match text.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "online" => Some(CourseMode::Online),
            "in_person" | "classroom" => Some(CourseMode::InPerson),
            "blended" | "hybrid" => Some(CourseMode::Blended),
            _ => None,
        }
    }
}

/// A course in the training catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    pub id: String,
    pub title: String,
    pub provider: String,
    #[serde(default)]
    pub description: String,
    /// Taxonomy URIs of the skills taught.
    #[serde(default)]
    pub skills: Vec<String>,
    /// True when `skills` were extracted from the description rather than given.
    #[serde(default)]
    pub skills_extracted: bool,
    pub mode: CourseMode,
    /// Gazetteer code or name of where it is taught (needed unless online).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Point>,
    /// Days a session starts; none means the learner can start any day.
    #[serde(default)]
    pub start_dates: Vec<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<f32>,
    /// The fee, in the local currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<u32>,
    /// Share of the fee paid from public funds, 0 to 1.
    #[serde(default)]
    pub public_funding: f32,
    /// BCP 47 tag of the language of instruction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Most start dates a course may list.
pub const MAX_START_DATES: usize = 100;

impl Course {
    /// What the learner pays after public funding.
    pub fn cost_to_learner(&self) -> Option<u32> {
        self.cost.map(|c| {
            let funding = self.public_funding.clamp(0.0, 1.0);
            (c as f64 * (1.0 - f64::from(funding))).round() as u32
        })
    }

    /// Checks every field; all problems are reported, each with its field.
    pub fn validate(&self) -> Result<(), InvalidRecord> {
        let mut p = Problems::default();
        p.id("id", &self.id);
        if self.title.trim().is_empty() || self.title.chars().count() > 300 {
            p.add("title", "must be 1 to 300 characters");
        }
        if self.provider.trim().is_empty() || self.provider.chars().count() > 300 {
            p.add("provider", "must be 1 to 300 characters");
        }
        if self.description.len() > MAX_TEXT_BYTES {
            p.add(
                "description",
                format!("must be at most {MAX_TEXT_BYTES} bytes"),
            );
        }
        for (i, s) in self.skills.iter().enumerate() {
            p.uri(format!("skills[{i}]"), s);
        }
        p.point("location", &self.location);
        if self.mode != CourseMode::Online && self.place.is_none() && self.location.is_none() {
            p.add(
                "place",
                "a course taught in person needs a place or a location",
            );
        }
        if self.start_dates.len() > MAX_START_DATES {
            p.add(
                "start_dates",
                format!("at most {MAX_START_DATES} start dates"),
            );
        }
        if self
            .hours
            .is_some_and(|h| !h.is_finite() || h <= 0.0 || h > 10_000.0)
        {
            p.add("hours", "must be more than 0 and at most 10000");
        }
        if !self.public_funding.is_finite() || !(0.0..=1.0).contains(&self.public_funding) {
            p.add("public_funding", "must be a share from 0 to 1");
        }
        if self.url.as_ref().is_some_and(|u| {
            !(u.starts_with("https://") || u.starts_with("http://")) || u.len() > 2048
        }) {
            p.add(
                "url",
                "must be an http(s) address of at most 2048 characters",
            );
        }
        p.finish()
    }
}

/// A course resolved against the taxonomy and the gazetteer.
#[derive(Debug, Clone)]
pub(crate) struct CourseSlot {
    pub id: String,
    /// Sorted, deduplicated.
    pub skills: Box<[ConceptId]>,
    pub mode: CourseMode,
    pub location: Option<Point>,
    /// Sorted.
    pub start_dates: Box<[NaiveDate]>,
    pub hours: Option<f32>,
    pub cost_to_learner: Option<u32>,
}

/// Every course, with postings by skill.
#[derive(Default)]
pub(crate) struct Catalog {
    slots: Vec<Option<CourseSlot>>,
    by_id: HashMap<String, usize>,
    by_skill: FxHashMap<ConceptId, Vec<u32>>,
}

impl Catalog {
    fn insert(&mut self, slot: CourseSlot) {
        self.remove(&slot.id);
        let at = self.slots.len() as u32;
        for skill in slot.skills.iter() {
            self.by_skill.entry(*skill).or_default().push(at);
        }
        self.by_id.insert(slot.id.clone(), at as usize);
        self.slots.push(Some(slot));
        if self.slots.len() > 2 * self.by_id.len() + 1024 {
            self.compact();
        }
    }

    fn remove(&mut self, id: &str) -> bool {
        match self.by_id.remove(id) {
            Some(at) => {
                self.slots[at] = None;
                true
            }
            None => false,
        }
    }

    fn compact(&mut self) {
        let slots = std::mem::take(&mut self.slots);
        *self = Catalog::default();
        for slot in slots.into_iter().flatten() {
            self.insert(slot);
        }
    }
}

/// What to recommend courses for.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseQuery {
    /// The gaps to close, each with its weight.
    pub gaps: Vec<(ConceptId, f32)>,
    /// No session may start before this day (today, or when the seeker is available).
    pub earliest: NaiveDate,
    /// Nor after this one.
    pub latest: NaiveDate,
    /// Where the seeker lives; without it, courses in person are not checked for distance.
    pub location: Option<Point>,
    pub max_distance_km: f64,
    pub online: bool,
    pub in_person: bool,
    pub max_courses: usize,
    /// Most the learner pays for one course after public funding.
    pub max_cost: Option<u32>,
}

/// Weight of a missing essential skill before demand is added.
pub const ESSENTIAL_GAP_WEIGHT: f32 = 1.0;
/// Weight of a missing optional skill before demand is added.
pub const OPTIONAL_GAP_WEIGHT: f32 = 0.4;

impl CourseQuery {
    /// The weights of gaps: 1 for an essential skill, 0.4 for an optional one, plus the share
    /// of open vacancies asking for it. A skill in several lists keeps its highest weight.
    pub fn weights(gap_lists: &[&[GapItem]]) -> Vec<(ConceptId, f32)> {
        let mut weights: Vec<(ConceptId, f32)> = Vec::new();
        for item in gap_lists.iter().flat_map(|l| l.iter()) {
            let base = if item.essential {
                ESSENTIAL_GAP_WEIGHT
            } else {
                OPTIONAL_GAP_WEIGHT
            };
            let weight = base + item.share.clamp(0.0, 1.0);
            match weights.iter_mut().find(|(s, _)| *s == item.skill) {
                Some(existing) => existing.1 = existing.1.max(weight),
                None => weights.push((item.skill, weight)),
            }
        }
        weights
    }
}

/// One recommended course and what it closes.
#[derive(Debug, Clone, PartialEq)]
pub struct CoursePick {
    pub course: String,
    /// Gaps this course closes that no earlier pick closed.
    pub closes: Vec<ConceptId>,
    /// Gaps it teaches that an earlier pick already closes.
    pub also_teaches: Vec<ConceptId>,
    /// Summed weight of `closes`.
    pub weight: f32,
    /// The first session inside the window (the window's first day for a course without
    /// dates).
    pub start: NaiveDate,
    pub distance_km: Option<f64>,
    pub mode: CourseMode,
    pub hours: Option<f32>,
    pub cost_to_learner: Option<u32>,
}

/// The recommended set of courses.
#[derive(Debug, Clone, PartialEq)]
pub struct CoursePlan {
    pub picks: Vec<CoursePick>,
    /// Gaps no chosen course closes.
    pub open_gaps: Vec<ConceptId>,
    pub closed_weight: f32,
    pub total_weight: f32,
    /// Courses teaching a gap that the seeker could take.
    pub eligible: usize,
}

struct Candidate<'a> {
    slot: &'a CourseSlot,
    /// Indices into the query's gaps.
    gaps: Vec<usize>,
    start: NaiveDate,
    distance_km: Option<f64>,
}

impl Guidance {
    /// Checks a course as [`Guidance::upsert_course`] would, without adding it.
    pub fn check_course(index: &MatchIndex, course: &Course) -> Result<(), InvalidRecord> {
        Guidance::resolve_course(index, course).map(|_| ())
    }

    /// Adds or replaces a course; every skill must be a skill of the index's taxonomy and the
    /// place must be known to its gazetteer.
    pub fn upsert_course(
        &mut self,
        index: &MatchIndex,
        course: &Course,
    ) -> Result<(), InvalidRecord> {
        let slot = Guidance::resolve_course(index, course)?;
        self.catalog.insert(slot);
        Ok(())
    }

    /// Removes a course; false if it was not there.
    pub fn remove_course(&mut self, id: &str) -> bool {
        self.catalog.remove(id)
    }

    /// Number of courses held.
    pub fn course_count(&self) -> usize {
        self.catalog.by_id.len()
    }

    /// Ids of the courses teaching a skill.
    pub fn courses_teaching(&self, skill: ConceptId) -> Vec<&str> {
        self.catalog
            .by_skill
            .get(&skill)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter_map(|at| self.catalog.slots[*at as usize].as_ref())
            .map(|slot| slot.id.as_str())
            .collect()
    }

    fn resolve_course(index: &MatchIndex, course: &Course) -> Result<CourseSlot, InvalidRecord> {
        course.validate()?;
        let mut errors: Vec<FieldError> = Vec::new();
        let mut skills = Vec::new();
        for (i, uri) in course.skills.iter().enumerate() {
            skills.extend(index.concept_of_kind(
                uri,
                ConceptKind::Skill,
                format!("skills[{i}]"),
                &mut errors,
            ));
        }
        let location = index.locate(course.place.as_deref(), course.location, &mut errors);
        if !errors.is_empty() {
            return Err(InvalidRecord(errors));
        }
        skills.sort_unstable();
        skills.dedup();
        let mut start_dates = course.start_dates.clone();
        start_dates.sort_unstable();
        start_dates.dedup();
        Ok(CourseSlot {
            id: course.id.clone(),
            skills: skills.into_boxed_slice(),
            mode: course.mode,
            location,
            start_dates: start_dates.into_boxed_slice(),
            hours: course.hours,
            cost_to_learner: course.cost_to_learner(),
        })
    }

    /// Chooses courses for `query` (see the module documentation).
    pub fn recommend_courses(&self, query: &CourseQuery) -> CoursePlan {
        let total_weight: f32 = query.gaps.iter().map(|(_, w)| w.max(0.0)).sum();
        let mut candidates: FxHashMap<u32, Candidate<'_>> = FxHashMap::default();
        for (g, (skill, weight)) in query.gaps.iter().enumerate() {
            if *weight <= 0.0 {
                continue;
            }
            for at in self
                .catalog
                .by_skill
                .get(skill)
                .map_or(&[][..], Vec::as_slice)
            {
                if let Some(candidate) = candidates.get_mut(at) {
                    candidate.gaps.push(g);
                    continue;
                }
                let Some(slot) = self.catalog.slots[*at as usize].as_ref() else {
                    continue;
                };
                if let Some((start, distance_km)) = eligible(slot, query) {
                    candidates.insert(
                        *at,
                        Candidate {
                            slot,
                            gaps: vec![g],
                            start,
                            distance_km,
                        },
                    );
                }
            }
        }
        let eligible_count = candidates.len();
        let mut candidates: Vec<Candidate<'_>> = candidates.into_values().collect();
        let mut closed = vec![false; query.gaps.len()];
        let mut picks = Vec::new();
        while picks.len() < query.max_courses {
            let gain = |c: &Candidate<'_>| -> f32 {
                c.gaps
                    .iter()
                    .filter(|g| !closed[**g])
                    .map(|g| query.gaps[*g].1)
                    .sum()
            };
            let best = candidates
                .iter()
                .enumerate()
                .map(|(i, c)| (i, gain(c)))
                .filter(|(_, g)| *g > 0.0)
                .max_by(|(a, ga), (b, gb)| {
                    let (a, b) = (&candidates[*a], &candidates[*b]);
                    ga.total_cmp(gb)
                        .then_with(|| {
                            let cost = |c: &Candidate<'_>| c.slot.cost_to_learner.unwrap_or(0);
                            cost(b).cmp(&cost(a))
                        })
                        .then_with(|| {
                            let hours = |c: &Candidate<'_>| c.slot.hours.unwrap_or(0.0);
                            hours(b).total_cmp(&hours(a))
                        })
                        .then_with(|| b.start.cmp(&a.start))
                        .then_with(|| b.slot.id.cmp(&a.slot.id))
                });
            let Some((index, weight)) = best else {
                break;
            };
            let chosen = candidates.swap_remove(index);
            let (closes, also): (Vec<usize>, Vec<usize>) =
                chosen.gaps.iter().partition(|g| !closed[**g]);
            for g in &closes {
                closed[*g] = true;
            }
            picks.push(CoursePick {
                course: chosen.slot.id.clone(),
                closes: closes.iter().map(|g| query.gaps[*g].0).collect(),
                also_teaches: also.iter().map(|g| query.gaps[*g].0).collect(),
                weight,
                start: chosen.start,
                distance_km: chosen.distance_km,
                mode: chosen.slot.mode,
                hours: chosen.slot.hours,
                cost_to_learner: chosen.slot.cost_to_learner,
            });
        }
        let closed_weight = query
            .gaps
            .iter()
            .zip(&closed)
            .filter(|(_, c)| **c)
            .map(|((_, w), _)| w.max(0.0))
            .sum();
        CoursePlan {
            picks,
            open_gaps: query
                .gaps
                .iter()
                .zip(&closed)
                .filter(|(_, c)| !**c)
                .map(|((s, _), _)| *s)
                .collect(),
            closed_weight,
            total_weight,
            eligible: eligible_count,
        }
    }
}

/// Whether the seeker can take the course: its first start in the window and its distance.
fn eligible(slot: &CourseSlot, query: &CourseQuery) -> Option<(NaiveDate, Option<f64>)> {
    let start = if slot.start_dates.is_empty() {
        query.earliest
    } else {
        let from = slot.start_dates.partition_point(|d| *d < query.earliest);
        *slot.start_dates.get(from).filter(|d| **d <= query.latest)?
    };
    if query
        .max_cost
        .is_some_and(|most| slot.cost_to_learner.unwrap_or(0) > most)
    {
        return None;
    }
    let distance_km = match (slot.location, query.location) {
        (Some(a), Some(b)) => Some(a.distance_km(&b)),
        _ => None,
    };
    match slot.mode {
        CourseMode::Online if query.online => Some((start, None)),
        CourseMode::Online => None,
        CourseMode::InPerson | CourseMode::Blended if query.in_person => {
            if distance_km.is_some_and(|d| d > query.max_distance_km) {
                None
            } else {
                Some((start, distance_km))
            }
        }
        _ => None,
    }
}
