//! Vacancy search over the matching index: what a free-text query was understood to ask for
//! (occupations, skills, title words — the caller turns text into these with extraction),
//! structured filters, facets, sorting by relevance or date, and cursor pagination with no
//! depth cap (a cursor is the sort key of the last hit seen, so page 10,000 costs what page 1
//! costs).
//!
//! Relevance is a sum of parts, like the match score, so a person can see why a vacancy came
//! first:
//!
//! | part | base weight | value |
//! |---|---|---|
//! | occupation | 0.4 | 1 when the vacancy's occupation is one asked for (or lies in an asked-for group); 0.5 when they share their parent group, 0.25 their grandparent; else 0 |
//! | skills | 0.4 | share of the asked-for skills the vacancy names (essential or optional), each weighted by its specificity |
//! | title | 0.2 | share of the query's words found in the vacancy's title |
//!
//! Only the parts the query has count, and their weights are scaled to sum to 1. With a text
//! query, only vacancies with some relevance are hits; without one, every open vacancy that
//! passes the filters is.

use crate::geo::Point;
use crate::index::{slot_of, title_words, MatchIndex};
use crate::model::{ContractType, RemotePolicy, WorkingTime};
use crate::score::VacancyProfile;
use chrono::{Datelike, NaiveDate};
use openpes_taxonomy::{ConceptId, ConceptKind};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::HashMap;

/// What a free-text query asks for, as concepts and words.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextQuery {
    pub occupations: Vec<ConceptId>,
    pub skills: Vec<ConceptId>,
    /// Words to look for in titles (folded by the index).
    pub words: Vec<String>,
}

impl TextQuery {
    /// True when the query asks for nothing.
    pub fn is_empty(&self) -> bool {
        self.occupations.is_empty() && self.skills.is_empty() && self.words.is_empty()
    }
}

/// Structured filters; every non-empty one must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchFilters {
    /// Any of these occupations; a group stands for every occupation inside it.
    pub occupations: Vec<ConceptId>,
    /// All of these skills (essential or optional).
    pub skills: Vec<ConceptId>,
    /// Any of these places (gazetteer positions); a county stands for its districts.
    pub places: Vec<usize>,
    /// Within this many km of the point.
    pub near: Option<(Point, f64)>,
    /// Any of these remote policies.
    pub remote: Vec<RemotePolicy>,
    pub contracts: Vec<ContractType>,
    pub working_times: Vec<WorkingTime>,
    /// The vacancy's top salary (or its only one) reaches this.
    pub min_salary: Option<u32>,
    pub posted_since: Option<NaiveDate>,
    /// Any of these employer ids.
    pub employers: Vec<String>,
}

/// How hits are ordered. Ties are broken by the other key, then by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Most relevant first.
    Relevance,
    /// Newest first.
    Date,
}

/// A search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchQuery {
    pub text: TextQuery,
    pub filters: SearchFilters,
    pub sort: SortOrder,
    /// Continue after this cursor (from [`SearchPage::next`]).
    pub after: Option<String>,
    pub limit: usize,
    /// Vacancies expired before this day are not open.
    pub today: NaiveDate,
}

/// Why a search could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    #[error("'{0}' is not a cursor of this search")]
    BadCursor(String),
}

/// The names of the parts of relevance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelevancePartName {
    Occupation,
    Skills,
    Title,
}

/// One part of a hit's relevance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelevancePart {
    pub name: RelevancePartName,
    pub weight: f32,
    pub value: f32,
    /// `weight × value`; the parts' points add up to the relevance.
    pub points: f32,
}

/// One vacancy found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub id: String,
    pub title: String,
    pub relevance: f32,
    pub parts: Vec<RelevancePart>,
    /// The asked-for skills the vacancy names.
    pub matched_skills: Vec<ConceptId>,
    pub occupation: Option<ConceptId>,
    pub posted: NaiveDate,
    /// Gazetteer position of the vacancy's place.
    pub place: Option<usize>,
    pub contract: ContractType,
    pub remote: RemotePolicy,
    /// From the `near` filter's point.
    pub distance_km: Option<f64>,
}

/// Counts of all hits (not just this page) by a key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    /// By top-level occupation group (the occupation itself when it has no group).
    pub occupation_groups: Vec<(ConceptId, usize)>,
    /// By region (gazetteer position of the outermost place).
    pub regions: Vec<(usize, usize)>,
    pub contracts: Vec<(ContractType, usize)>,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    /// Number of hits across all pages.
    pub total: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
    /// Cursor for the next page; `None` on the last page.
    pub next: Option<String>,
}

/// "None" in a row's concept fields.
pub(crate) const NONE: u32 = u32::MAX;
/// "No place" in a row's place fields.
pub(crate) const NO_PLACE: u16 = u16::MAX;

/// The filterable facts of one vacancy slot, in one flat array beside the slots: a scan over
/// every open vacancy reads these and nothing else.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SearchRow {
    /// Live and with status open.
    pub open: bool,
    /// Expiry day (days from CE), `i32::MAX` when none.
    pub expires: i32,
    pub posted: i32,
    pub has_salary: bool,
    /// The top salary (or the only one).
    pub salary_top: u32,
    pub employer: u32,
    pub occupation: u32,
    /// Top-level occupation group (the occupation itself without one).
    pub group: u32,
    pub place: u16,
    pub region: u16,
    pub contract: ContractType,
    pub working_time: WorkingTime,
    pub remote: RemotePolicy,
}

impl SearchRow {
    /// A dead slot's row.
    pub(crate) const DEAD: SearchRow = SearchRow {
        open: false,
        expires: i32::MIN,
        posted: 0,
        has_salary: false,
        salary_top: 0,
        employer: NONE,
        occupation: NONE,
        group: NONE,
        place: NO_PLACE,
        region: NO_PLACE,
        contract: ContractType::Permanent,
        working_time: WorkingTime::FullTime,
        remote: RemotePolicy::OnSite,
    };

    pub(crate) fn of(v: &VacancyProfile, ancestors: &[Vec<ConceptId>]) -> SearchRow {
        let top = v.salary_max.or(v.salary_min);
        SearchRow {
            open: v.open,
            expires: v.expires.map_or(i32::MAX, days),
            posted: days(v.posted),
            has_salary: top.is_some(),
            salary_top: top.unwrap_or(0),
            employer: v.employer,
            occupation: v.occupation.map_or(NONE, |o| o.0),
            group: v.occupation.map_or(NONE, |o| {
                ancestors[o.0 as usize].last().copied().unwrap_or(o).0
            }),
            place: v.place.unwrap_or(NO_PLACE),
            region: v.region.unwrap_or(NO_PLACE),
            contract: v.contract,
            working_time: v.working_time,
            remote: v.remote,
        }
    }
}

const CONTRACTS: [ContractType; 6] = [
    ContractType::Permanent,
    ContractType::FixedTerm,
    ContractType::Temporary,
    ContractType::Apprenticeship,
    ContractType::Internship,
    ContractType::Freelance,
];

fn contract_index(contract: ContractType) -> usize {
    CONTRACTS.iter().position(|c| *c == contract).unwrap_or(0)
}

const OCCUPATION_WEIGHT: f32 = 0.4;
const SKILLS_WEIGHT: f32 = 0.4;
const TITLE_WEIGHT: f32 = 0.2;

/// A hit's position in the order: (relevance bits, days since the epoch, slot).
#[derive(Clone, Copy)]
struct Key {
    relevance: f32,
    days: i32,
    slot: usize,
}

/// The decoded cursor: the key of the last hit of the previous page.
struct After {
    relevance: f32,
    days: i32,
    id: String,
}

fn sort_tag(sort: SortOrder) -> char {
    match sort {
        SortOrder::Relevance => 'r',
        SortOrder::Date => 'd',
    }
}

fn encode_cursor(sort: SortOrder, relevance: f32, days: i32, id: &str) -> String {
    format!(
        "{}{:08x}{:08x}{id}",
        sort_tag(sort),
        relevance.to_bits(),
        days as u32
    )
}

fn decode_cursor(sort: SortOrder, cursor: &str) -> Option<After> {
    let rest = cursor.strip_prefix(sort_tag(sort))?;
    let relevance = f32::from_bits(u32::from_str_radix(rest.get(..8)?, 16).ok()?);
    let days = u32::from_str_radix(rest.get(8..16)?, 16).ok()? as i32;
    let id = rest.get(16..)?;
    (relevance.is_finite() && relevance >= 0.0 && !id.is_empty()).then(|| After {
        relevance,
        days,
        id: id.to_string(),
    })
}

pub(crate) fn days(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// What the query's occupations are worth for each occupation that relates to them.
fn occupation_values(index: &MatchIndex, asked: &[ConceptId]) -> HashMap<ConceptId, f32> {
    let mut values = HashMap::new();
    if asked.is_empty() {
        return values;
    }
    let ancestors = &index.knowledge.ancestors;
    for concept in index.taxonomy.concepts() {
        if concept.kind != ConceptKind::Occupation {
            continue;
        }
        let mine = &ancestors[concept.id.0 as usize];
        let mut best: f32 = 0.0;
        for a in asked {
            let value = if *a == concept.id || mine.contains(a) {
                1.0
            } else {
                let theirs = &ancestors[a.0 as usize];
                match mine.iter().position(|g| theirs.contains(g)) {
                    Some(0) => 0.5,
                    Some(1) => 0.25,
                    _ => 0.0,
                }
            };
            best = best.max(value);
        }
        if best > 0.0 {
            values.insert(concept.id, best);
        }
    }
    values
}

/// Occupations a filter lets through (dense by concept id): those named and those inside
/// named groups.
fn allowed_occupations(index: &MatchIndex, named: &[ConceptId]) -> Vec<bool> {
    index
        .taxonomy
        .concepts()
        .iter()
        .map(|c| {
            c.kind == ConceptKind::Occupation
                && (named.contains(&c.id)
                    || index.knowledge.ancestors[c.id.0 as usize]
                        .iter()
                        .any(|a| named.contains(a)))
        })
        .collect()
}

fn has_skill(v: &VacancyProfile, skill: ConceptId) -> bool {
    v.essential
        .binary_search_by_key(&skill, |(c, _)| *c)
        .is_ok()
        || v.optional.binary_search(&skill).is_ok()
}

/// The relevance of one vacancy, part by part (only the parts the query has).
struct Relevance<'a> {
    occupation_values: HashMap<ConceptId, f32>,
    skills: &'a [ConceptId],
    skill_weights: Vec<f32>,
    skill_total: f32,
    /// Interned query words (`None` for words no title has).
    words: Vec<Option<u32>>,
    weights: [f32; 3],
}

impl<'a> Relevance<'a> {
    fn new(index: &MatchIndex, text: &'a TextQuery) -> Relevance<'a> {
        let mut words: Vec<String> = text.words.iter().flat_map(|w| title_words(w)).collect();
        words.sort_unstable();
        words.dedup();
        let skill_weights: Vec<f32> = text
            .skills
            .iter()
            .map(|s| index.knowledge.specificity[s.0 as usize])
            .collect();
        let present = [
            !text.occupations.is_empty(),
            !text.skills.is_empty(),
            !words.is_empty(),
        ];
        let base = [OCCUPATION_WEIGHT, SKILLS_WEIGHT, TITLE_WEIGHT];
        let sum: f32 = (0..3).filter(|i| present[*i]).map(|i| base[i]).sum();
        let weights = std::array::from_fn(|i| {
            if present[i] && sum > 0.0 {
                base[i] / sum
            } else {
                0.0
            }
        });
        Relevance {
            occupation_values: occupation_values(index, &text.occupations),
            skills: &text.skills,
            skill_total: skill_weights.iter().sum(),
            skill_weights,
            words: words
                .iter()
                .map(|w| index.words.ids.get(w).copied())
                .collect(),
            weights,
        }
    }

    fn values(&self, v: &VacancyProfile) -> [f32; 3] {
        let occupation = v
            .occupation
            .and_then(|o| self.occupation_values.get(&o).copied())
            .unwrap_or(0.0);
        let skills = if self.skill_total > 0.0 {
            self.skills
                .iter()
                .zip(&self.skill_weights)
                .filter(|(s, _)| has_skill(v, **s))
                .map(|(_, w)| *w)
                .sum::<f32>()
                / self.skill_total
        } else {
            0.0
        };
        let title = if self.words.is_empty() {
            0.0
        } else {
            let found = self
                .words
                .iter()
                .flatten()
                .filter(|w| v.title_words.binary_search(w).is_ok())
                .count();
            found as f32 / self.words.len() as f32
        };
        [occupation, skills, title]
    }

    fn total(&self, v: &VacancyProfile) -> f32 {
        let values = self.values(v);
        (0..3).map(|i| self.weights[i] * values[i]).sum()
    }

    fn parts(&self, v: &VacancyProfile) -> Vec<RelevancePart> {
        let values = self.values(v);
        let names = [
            RelevancePartName::Occupation,
            RelevancePartName::Skills,
            RelevancePartName::Title,
        ];
        (0..3)
            .filter(|i| self.weights[*i] > 0.0)
            .map(|i| RelevancePart {
                name: names[i],
                weight: self.weights[i],
                value: values[i],
                points: self.weights[i] * values[i],
            })
            .collect()
    }
}

impl MatchIndex {
    /// Open vacancies that pass the filters (and, with a text query, relate to it), one page
    /// in the requested order, with facets over all of them.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchPage, SearchError> {
        let after = match &query.after {
            Some(cursor) => Some(
                decode_cursor(query.sort, cursor)
                    .ok_or_else(|| SearchError::BadCursor(cursor.clone()))?,
            ),
            None => None,
        };
        let relevance = Relevance::new(self, &query.text);
        let has_text = !query.text.is_empty();
        let filters = &query.filters;
        let employers: Option<Vec<u32>> = (!filters.employers.is_empty()).then(|| {
            filters
                .employers
                .iter()
                .filter_map(|e| self.employers.ids.get(e).copied())
                .collect()
        });
        let candidates = self.search_candidates(query, &relevance);

        // Dense lookups, so the per-vacancy checks below touch only the flat row.
        let allowed_occupation = (!filters.occupations.is_empty())
            .then(|| allowed_occupations(self, &filters.occupations));
        let allowed_place: Option<Vec<bool>> = (!filters.places.is_empty()).then(|| {
            (0..self.gazetteer.places().len())
                .map(|p| {
                    filters
                        .places
                        .iter()
                        .any(|t| self.gazetteer.contains(*t, p))
                })
                .collect()
        });
        let today = days(query.today);
        let posted_since = filters.posted_since.map(days);
        let passes_row = |row: &SearchRow| -> bool {
            if !row.open || row.expires < today {
                return false;
            }
            if let Some(allowed) = &allowed_occupation {
                if row.occupation == NONE || !allowed[row.occupation as usize] {
                    return false;
                }
            }
            if let Some(allowed) = &allowed_place {
                if row.place == NO_PLACE || !allowed[usize::from(row.place)] {
                    return false;
                }
            }
            if !filters.remote.is_empty() && !filters.remote.contains(&row.remote) {
                return false;
            }
            if !filters.contracts.is_empty() && !filters.contracts.contains(&row.contract) {
                return false;
            }
            if !filters.working_times.is_empty()
                && !filters.working_times.contains(&row.working_time)
            {
                return false;
            }
            if let Some(min) = filters.min_salary {
                if !row.has_salary || row.salary_top < min {
                    return false;
                }
            }
            if posted_since.is_some_and(|since| row.posted < since) {
                return false;
            }
            if let Some(employers) = &employers {
                if !employers.contains(&row.employer) {
                    return false;
                }
            }
            true
        };
        let passes_profile = |v: &VacancyProfile| -> bool {
            if !filters.skills.iter().all(|s| has_skill(v, *s)) {
                return false;
            }
            if let Some((point, radius)) = &filters.near {
                if !v.location.is_some_and(|l| l.distance_km(point) <= *radius) {
                    return false;
                }
            }
            true
        };
        let needs_profile = has_text || !filters.skills.is_empty() || filters.near.is_some();

        let mut groups: Vec<u32> = vec![0; self.taxonomy.concepts().len()];
        let mut regions: Vec<u32> = vec![0; self.gazetteer.places().len()];
        let mut contract_counts = [0usize; CONTRACTS.len()];
        let mut total = 0;
        let mut page: Vec<Key> = Vec::new();
        let mut cutoff: Option<Key> = None;
        let limit = query.limit.max(1);
        let order = |a: &Key, b: &Key| self.compare(query.sort, a, b);
        let rows = &self.search_rows;
        for slot in candidates {
            let Some(row) = rows.get(slot) else {
                continue;
            };
            if !passes_row(row) {
                continue;
            }
            let mut score = 0.0;
            if needs_profile {
                let Some(entry) = self.vacancies.slots[slot].as_ref() else {
                    continue;
                };
                let v = &entry.profile;
                if !passes_profile(v) {
                    continue;
                }
                if has_text {
                    score = relevance.total(v);
                    if score <= 0.0 {
                        continue;
                    }
                }
            }
            total += 1;
            if row.group != NONE {
                groups[row.group as usize] += 1;
            }
            if row.region != NO_PLACE {
                regions[usize::from(row.region)] += 1;
            }
            contract_counts[contract_index(row.contract)] += 1;
            let key = Key {
                relevance: score,
                days: row.posted,
                slot,
            };
            if let Some(after) = &after {
                if !self.is_after(query.sort, &key, after) {
                    continue;
                }
            }
            // Anything ranked after the worst key kept at the last trim cannot make the page.
            if cutoff.is_some_and(|c| order(&key, &c) == Ordering::Greater) {
                continue;
            }
            page.push(key);
            // Keep the page small: trim to the best limit + 1 whenever it doubles.
            if page.len() >= 2 * (limit + 1) + 64 {
                page.select_nth_unstable_by(limit, order);
                page.truncate(limit + 1);
                cutoff = page.get(limit).copied();
            }
        }
        let contracts: HashMap<ContractType, usize> = CONTRACTS
            .iter()
            .copied()
            .zip(contract_counts)
            .filter(|(_, n)| *n > 0)
            .collect();
        let groups: HashMap<ConceptId, usize> = groups
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (ConceptId(i as u32), *n as usize))
            .collect();
        let regions: HashMap<usize, usize> = regions
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (i, *n as usize))
            .collect();
        if page.len() > limit + 1 {
            page.select_nth_unstable_by(limit, order);
            page.truncate(limit + 1);
        }
        page.sort_by(order);
        let more = page.len() > limit;
        page.truncate(limit);
        let next = if more {
            page.last().and_then(|k| {
                let entry = self.vacancies.slots[k.slot].as_ref()?;
                Some(encode_cursor(query.sort, k.relevance, k.days, &entry.id))
            })
        } else {
            None
        };
        let hits = page
            .iter()
            .filter_map(|k| {
                let entry = self.vacancies.slots[k.slot].as_ref()?;
                let v = &entry.profile;
                Some(SearchHit {
                    id: entry.id.clone(),
                    title: entry.title.clone(),
                    relevance: k.relevance,
                    parts: if has_text {
                        relevance.parts(v)
                    } else {
                        Vec::new()
                    },
                    matched_skills: query
                        .text
                        .skills
                        .iter()
                        .filter(|s| has_skill(v, **s))
                        .copied()
                        .collect(),
                    occupation: v.occupation,
                    posted: v.posted,
                    place: v.place.map(usize::from),
                    contract: v.contract,
                    remote: v.remote,
                    distance_km: filters
                        .near
                        .and_then(|(point, _)| v.location.map(|l| l.distance_km(&point))),
                })
            })
            .collect();
        Ok(SearchPage {
            total,
            hits,
            facets: Facets {
                occupation_groups: by_count(groups),
                regions: by_count(regions),
                contracts: by_count(contracts),
            },
            next,
        })
    }

    /// The slots worth checking: through the postings when the query or a filter narrows
    /// the search, every slot otherwise.
    /// The slots worth checking: through the postings when the text query (or a skill filter
    /// held by few vacancies) narrows the search, every slot otherwise (a scan of the flat
    /// rows is cheaper than gathering long posting lists).
    fn search_candidates(&self, query: &SearchQuery, relevance: &Relevance<'_>) -> Vec<usize> {
        let side = &self.vacancies;
        let slots = side.slots.len();
        let postings = |lists: &mut dyn Iterator<Item = Option<&Vec<u32>>>| -> Vec<usize> {
            // Each slot once, without sorting: a bit per slot.
            let mut seen = vec![0u64; slots.div_ceil(64)];
            let mut out = Vec::new();
            for posting in lists.flatten().flatten() {
                let slot = slot_of(*posting);
                let (word, bit) = (slot / 64, 1u64 << (slot % 64));
                if seen[word] & bit == 0 {
                    seen[word] |= bit;
                    out.push(slot);
                }
            }
            out
        };
        if !query.text.is_empty() {
            let occupations = relevance.occupation_values.keys();
            return postings(
                &mut query
                    .text
                    .skills
                    .iter()
                    .map(|s| side.by_skill.get(s))
                    .chain(occupations.map(|o| side.by_occupation.get(o)))
                    .chain(
                        relevance
                            .words
                            .iter()
                            .flatten()
                            .map(|w| side.by_word.get(w)),
                    ),
            );
        }
        let shortest_skill = query
            .filters
            .skills
            .iter()
            .map(|s| side.by_skill.get(s).map_or(&[][..], Vec::as_slice))
            .min_by_key(|list| list.len());
        if let Some(list) = shortest_skill.filter(|list| list.len() < slots / 8) {
            return list.iter().map(|p| slot_of(*p)).collect();
        }
        (0..slots).collect()
    }

    fn id_of(&self, slot: usize) -> &str {
        self.vacancies.slots[slot]
            .as_ref()
            .map_or("", |s| s.id.as_str())
    }

    fn compare(&self, sort: SortOrder, a: &Key, b: &Key) -> Ordering {
        let primary = match sort {
            SortOrder::Relevance => b
                .relevance
                .total_cmp(&a.relevance)
                .then(b.days.cmp(&a.days)),
            SortOrder::Date => b
                .days
                .cmp(&a.days)
                .then(b.relevance.total_cmp(&a.relevance)),
        };
        primary.then_with(|| self.id_of(a.slot).cmp(self.id_of(b.slot)))
    }

    fn is_after(&self, sort: SortOrder, key: &Key, after: &After) -> bool {
        let primary = match sort {
            SortOrder::Relevance => after
                .relevance
                .total_cmp(&key.relevance)
                .then(after.days.cmp(&key.days)),
            SortOrder::Date => after
                .days
                .cmp(&key.days)
                .then(after.relevance.total_cmp(&key.relevance)),
        };
        primary.then_with(|| self.id_of(key.slot).cmp(after.id.as_str())) == Ordering::Greater
    }
}

fn by_count<K: Ord + Copy>(counts: HashMap<K, usize>) -> Vec<(K, usize)> {
    let mut out: Vec<(K, usize)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}
