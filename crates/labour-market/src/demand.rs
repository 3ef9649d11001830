//! Labour-market demand as the vacancies held show it: per occupation the open vacancies, how
//! many were posted in the last two weeks and in the two weeks before (the trend), and the
//! typical monthly salary; per skill how many open vacancies ask for it. Counted nationwide
//! and per region (county or city), so that guidance can speak of the seeker's own region.
//!
//! A [`Demand`] is a snapshot taken on one day; a [`DemandCache`] keeps one and takes a new
//! one when the day changes or more than 1 % of the vacancies changed.

use chrono::{Days, NaiveDate};
use openpes_matching::MatchIndex;
use openpes_taxonomy::ConceptId;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::sync::{Arc, Mutex};

/// Length of each of the two windows the trend compares, in days.
pub const TREND_WINDOW_DAYS: u64 = 14;

/// The key used for nationwide counts.
const NATIONAL: u16 = u16::MAX;

/// Where counts are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "scope", content = "region", rename_all = "snake_case")]
pub enum Scope {
    /// One county or city (its position in the gazetteer).
    Region(u16),
    National,
}

impl Scope {
    fn key(self) -> u16 {
        match self {
            Scope::Region(r) => r,
            Scope::National => NATIONAL,
        }
    }
}

/// Demand for one occupation in one scope.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OccupationDemand {
    /// Open vacancies today.
    pub open: u32,
    /// Vacancies posted in the last [`TREND_WINDOW_DAYS`] days (open or since filled).
    pub recent: u32,
    /// Vacancies posted in the [`TREND_WINDOW_DAYS`] days before those.
    pub previous: u32,
}

impl OccupationDemand {
    /// The trend in [-1, 1]: (recent − previous) / (recent + previous); 0 with no postings.
    pub fn trend(&self) -> f32 {
        let total = self.recent + self.previous;
        if total == 0 {
            0.0
        } else {
            (self.recent as f32 - self.previous as f32) / total as f32
        }
    }
}

/// Monthly salaries offered by open vacancies of an occupation (the middle of each range).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SalaryStats {
    pub vacancies: u32,
    pub p25: u32,
    pub median: u32,
    pub p75: u32,
}

/// A snapshot of demand on one day.
#[derive(Debug, Default)]
pub struct Demand {
    pub today: NaiveDate,
    /// The index's vacancy change counter when the snapshot was taken.
    pub generation: u64,
    /// Open vacancies per scope.
    open: FxHashMap<u16, u32>,
    /// The largest count of open vacancies of one occupation, per scope.
    busiest: FxHashMap<u16, u32>,
    occupations: FxHashMap<(ConceptId, u16), OccupationDemand>,
    skills: FxHashMap<(ConceptId, u16), u32>,
    salaries: FxHashMap<ConceptId, SalaryStats>,
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    let at = ((sorted.len().saturating_sub(1)) as f64 * p).round() as usize;
    sorted.get(at).copied().unwrap_or(0)
}

impl Demand {
    /// Counts every vacancy of `index` as of `today`.
    pub fn build(index: &MatchIndex, today: NaiveDate) -> Demand {
        let recent_from = today
            .checked_sub_days(Days::new(TREND_WINDOW_DAYS))
            .unwrap_or(NaiveDate::MIN);
        let previous_from = recent_from
            .checked_sub_days(Days::new(TREND_WINDOW_DAYS))
            .unwrap_or(NaiveDate::MIN);
        let mut demand = Demand {
            today,
            generation: index.vacancy_generation(),
            ..Demand::default()
        };
        let mut salaries: FxHashMap<ConceptId, Vec<u32>> = FxHashMap::default();
        for v in index.vacancy_profiles() {
            let scopes = [Some(NATIONAL), v.region];
            let scopes = scopes.iter().flatten();
            let open = v.open && v.posted <= today && v.expires.is_none_or(|e| e >= today);
            let recent = v.posted > recent_from && v.posted <= today;
            let previous = !recent && v.posted > previous_from && v.posted <= recent_from;
            if let Some(occupation) = v.occupation {
                for scope in scopes.clone() {
                    let counts = demand.occupations.entry((occupation, *scope)).or_default();
                    counts.open += u32::from(open);
                    counts.recent += u32::from(recent);
                    counts.previous += u32::from(previous);
                }
                if open {
                    let salary = match (v.salary_min, v.salary_max) {
                        (Some(a), Some(b)) => Some(a / 2 + b / 2),
                        (a, b) => a.or(b),
                    };
                    if let Some(salary) = salary.filter(|s| *s > 0) {
                        salaries.entry(occupation).or_default().push(salary);
                    }
                }
            }
            if !open {
                continue;
            }
            for scope in scopes {
                *demand.open.entry(*scope).or_default() += 1;
                for (skill, _) in v.essential.iter() {
                    *demand.skills.entry((*skill, *scope)).or_default() += 1;
                }
                for skill in v.optional.iter() {
                    *demand.skills.entry((*skill, *scope)).or_default() += 1;
                }
            }
        }
        for ((_, scope), counts) in &demand.occupations {
            let busiest = demand.busiest.entry(*scope).or_default();
            *busiest = (*busiest).max(counts.open);
        }
        for (occupation, mut list) in salaries {
            list.sort_unstable();
            demand.salaries.insert(
                occupation,
                SalaryStats {
                    vacancies: list.len() as u32,
                    p25: percentile(&list, 0.25),
                    median: percentile(&list, 0.5),
                    p75: percentile(&list, 0.75),
                },
            );
        }
        demand
    }

    /// The seeker's region when it has open vacancies, nationwide otherwise.
    pub fn scope_for(&self, region: Option<u16>) -> Scope {
        match region {
            Some(r) if self.open.get(&r).is_some_and(|n| *n > 0) => Scope::Region(r),
            _ => Scope::National,
        }
    }

    /// Open vacancies in a scope.
    pub fn open(&self, scope: Scope) -> u32 {
        self.open.get(&scope.key()).copied().unwrap_or(0)
    }

    /// The most open vacancies any one occupation has in a scope.
    pub fn busiest(&self, scope: Scope) -> u32 {
        self.busiest.get(&scope.key()).copied().unwrap_or(0)
    }

    /// Demand for an occupation in a scope.
    pub fn occupation(&self, occupation: ConceptId, scope: Scope) -> OccupationDemand {
        self.occupations
            .get(&(occupation, scope.key()))
            .copied()
            .unwrap_or_default()
    }

    /// How many open vacancies in a scope ask for a skill (as essential or optional).
    pub fn skill(&self, skill: ConceptId, scope: Scope) -> u32 {
        self.skills.get(&(skill, scope.key())).copied().unwrap_or(0)
    }

    /// Salaries offered for an occupation nationwide, when any open vacancy gives one.
    pub fn salary(&self, occupation: ConceptId) -> Option<SalaryStats> {
        self.salaries.get(&occupation).copied()
    }
}

/// The last demand snapshot of one index, reused while it is from the same day and at most
/// 1 % of the vacancies changed since it was taken.
#[derive(Debug, Default)]
pub struct DemandCache {
    last: Mutex<Option<Arc<Demand>>>,
}

impl DemandCache {
    /// Demand in `index` as of `today`: the cached snapshot while it is fresh, a new one
    /// otherwise (built under the cache's lock, so that concurrent callers build it once).
    pub fn get(&self, index: &MatchIndex, today: NaiveDate) -> Arc<Demand> {
        let mut cached = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(current) = cached.as_ref() {
            let changes = index
                .vacancy_generation()
                .saturating_sub(current.generation);
            let allowed = (index.len().0 / 100) as u64;
            if current.today == today && changes <= allowed {
                return Arc::clone(current);
            }
        }
        let fresh = Arc::new(Demand::build(index, today));
        *cached = Some(Arc::clone(&fresh));
        fresh
    }
}
