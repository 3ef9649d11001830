//! Explained matching as use cases: the best vacancies for a seeker and the best candidates
//! for a vacancy, each result a sum of named parts put into the reader's language. Candidates
//! are only seekers who consented to be found (or a caseworker's own caseload); every seeker
//! an employer sees is written to the audit log.

use crate::access::{self, Action, Grant};
use crate::auth::{Caller, Role};
use crate::error::not_found;
use crate::views::{ConceptRef, ScorePart};
use crate::words::UiLang;
use crate::{blocking, read, App, AppError};
use openpes_matching::index::{MatchError, MatchIndex};
use openpes_matching::score::{OccupationRelation, PartName};
use openpes_matching::{MatchQuery, Ranked};
use openpes_taxonomy::Taxonomy;
use serde::Serialize;

/// Largest number of results of one match query.
pub const MAX_LIMIT: usize = 100;

/// A missing essential skill.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkillGap {
    pub skill: ConceptRef,
    /// The seeker's related skill that counts for half, if any.
    pub partly_covered_by: Option<ConceptRef>,
}

/// How the occupations relate.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OccupationFit {
    /// `same`, `same_group`, `unrelated` or `unknown`.
    pub relation: String,
    /// The seeker's occupation that relates best.
    pub occupation: Option<ConceptRef>,
    /// The group both lie in (for `same_group`).
    pub group: Option<ConceptRef>,
    pub levels_up: Option<usize>,
}

/// One match, explained.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatchResult {
    /// The vacancy's or the seeker's id.
    pub id: String,
    /// The vacancy's title (absent for seekers).
    pub title: Option<String>,
    /// In [0, 1]: the sum of the parts' points.
    pub score: f32,
    /// One line in the requested language, e.g. "7/9 essential skills · same occupation · 12 km".
    pub summary: String,
    pub parts: Vec<ScorePart>,
    pub essential_total: usize,
    pub essential_matched: Vec<ConceptRef>,
    pub essential_missing: Vec<SkillGap>,
    pub optional_total: usize,
    pub optional_matched: Vec<ConceptRef>,
    pub occupation: OccupationFit,
    pub distance_km: Option<f64>,
    pub remote: bool,
}

/// Results of a match query, best first (ties by id).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatchList {
    pub results: Vec<MatchResult>,
}

fn part_name(name: PartName) -> &'static str {
    match name {
        PartName::EssentialSkills => "essential_skills",
        PartName::OptionalSkills => "optional_skills",
        PartName::Occupation => "occupation",
        PartName::Experience => "experience",
        PartName::Education => "education",
        PartName::Distance => "distance",
        PartName::Salary => "salary",
    }
}

/// One ranked record as the API (and the CLI) shows it, in `lang` with labels in `tag`.
pub fn describe(taxonomy: &Taxonomy, r: &Ranked, lang: UiLang, tag: &str) -> MatchResult {
    let concept = |id| ConceptRef::new(taxonomy, id, tag);
    let e = &r.explanation;
    let occupation = match e.occupation {
        OccupationRelation::Same { occupation } => OccupationFit {
            relation: "same".into(),
            occupation: Some(concept(occupation)),
            group: None,
            levels_up: None,
        },
        OccupationRelation::SameGroup {
            occupation,
            group,
            levels_up,
        } => OccupationFit {
            relation: "same_group".into(),
            occupation: Some(concept(occupation)),
            group: Some(concept(group)),
            levels_up: Some(levels_up),
        },
        OccupationRelation::Unrelated => OccupationFit {
            relation: "unrelated".into(),
            occupation: None,
            group: None,
            levels_up: None,
        },
        OccupationRelation::Unknown => OccupationFit {
            relation: "unknown".into(),
            occupation: None,
            group: None,
            levels_up: None,
        },
    };
    MatchResult {
        id: r.id.clone(),
        title: Some(r.title.clone()).filter(|t| !t.is_empty()),
        score: e.score,
        summary: crate::words::matching::summary(e, lang),
        parts: e
            .parts
            .iter()
            .map(|p| ScorePart {
                name: part_name(p.name).into(),
                label: crate::words::matching::part_label(p.name).get(lang).into(),
                weight: p.weight,
                value: p.value,
                points: p.points,
            })
            .collect(),
        essential_total: e.essential_total,
        essential_matched: e.essential_matched.iter().map(|c| concept(*c)).collect(),
        essential_missing: e
            .essential_missing
            .iter()
            .map(|g| SkillGap {
                skill: concept(g.skill),
                partly_covered_by: g.partly_covered_by.map(concept),
            })
            .collect(),
        optional_total: e.optional_total,
        optional_matched: e.optional_matched.iter().map(|c| concept(*c)).collect(),
        occupation,
        distance_km: e.distance_km.map(|d| (d * 10.0).round() / 10.0),
        remote: e.remote,
    }
}

/// Whose matches a request asks for.
pub enum Side {
    Seeker(String),
    /// Candidates for a vacancy: every seeker who consented to be found, or only these seekers
    /// (a caseworker's caseload, consent to employers aside).
    Vacancy(String, Option<Vec<String>>),
}

/// Ranked, explained matches for one side, in `lang` (shared by the API and the web pages).
pub async fn ranked_matches(
    state: &App,
    limit: Option<usize>,
    lang: UiLang,
    side: Side,
) -> Result<Vec<MatchResult>, AppError> {
    let tag = lang.tag();
    let match_query = MatchQuery {
        limit: limit.unwrap_or(20).clamp(1, MAX_LIMIT),
        today: state.now().date_naive(),
    };
    let index = state.matching();
    // Scoring takes milliseconds: off the async workers.
    let results = blocking(move || {
        let index = read(&index);
        let ranked = match &side {
            Side::Seeker(id) => index.vacancies_for(id, &match_query),
            Side::Vacancy(id, None) => index.seekers_for(id, &match_query),
            Side::Vacancy(id, Some(only)) => rank_among(&index, id, only, &match_query),
        };
        ranked.map(|ranked| {
            let taxonomy = index.taxonomy();
            ranked
                .iter()
                .map(|r| describe(taxonomy, r, lang, tag))
                .collect::<Vec<_>>()
        })
    })
    .await?
    .map_err(|e| match e {
        MatchError::UnknownSeeker(id) => not_found("seeker", &id),
        MatchError::UnknownVacancy(id) => not_found("vacancy", &id),
    })?;
    Ok(results)
}

/// The best of `seekers` for a vacancy (those not excluded by a hard filter), ties by id.
fn rank_among(
    index: &MatchIndex,
    vacancy: &str,
    seekers: &[String],
    query: &MatchQuery,
) -> Result<Vec<Ranked>, MatchError> {
    let mut ranked = Vec::new();
    for seeker in seekers {
        match index.explain(seeker, vacancy, query.today) {
            Ok((explanation, None)) => ranked.push(Ranked {
                id: seeker.clone(),
                title: String::new(),
                explanation,
            }),
            Ok((_, Some(_))) | Err(MatchError::UnknownSeeker(_)) => {}
            Err(e) => return Err(e),
        }
    }
    ranked.sort_by(|a, b| {
        b.explanation
            .score
            .total_cmp(&a.explanation.score)
            .then_with(|| a.id.cmp(&b.id))
    });
    ranked.truncate(query.limit);
    Ok(ranked)
}

/// The best open vacancies for a job seeker, each explained (an audited read).
pub async fn seeker_matches(
    state: &App,
    caller: &Caller,
    id: &str,
    limit: Option<usize>,
    lang: UiLang,
) -> Result<Vec<MatchResult>, AppError> {
    access::authorize_seeker(state, caller, Action::ReadSeeker, id, "matches").await?;
    ranked_matches(state, limit, lang, Side::Seeker(id.to_string())).await
}

/// Candidates for a vacancy as `caller` may see them, each seen seeker logged to the audit log.
pub async fn candidates(
    state: &App,
    caller: &Caller,
    vacancy_id: &str,
    limit: Option<usize>,
    lang: UiLang,
) -> Result<Vec<MatchResult>, AppError> {
    access::require_signed_in(caller)?;
    // Whose vacancy it is, from the index (it follows the store, and a vacancy never changes
    // employer): a request for candidates reads nothing from the database.
    let id = vacancy_id.to_string();
    let employer = state
        .with_index(move |index| index.vacancy_employer(&id).map(str::to_string))
        .await?
        .ok_or_else(|| not_found("vacancy", vacancy_id))?;
    let grant = access::authorize_employer(caller, Action::ReadCandidates, &employer)?;
    crate::offers::require_verified(state, caller, &employer).await?;
    let only = match (grant, caller.user()) {
        (Grant::CaseloadOnly, Some(user)) if user.role == Role::Caseworker => {
            Some(state.store().caseload(&user.id).await?)
        }
        _ => None,
    };
    let side = Side::Vacancy(vacancy_id.to_string(), only);
    let results = ranked_matches(state, limit, lang, side).await?;
    let purpose = format!("candidate for vacancy {vacancy_id} ({})", grant.basis());
    let entries: Vec<_> = results
        .iter()
        .map(|r| access::entry(caller, "read", "seeker", &r.id, Some(&r.id), &purpose))
        .collect();
    crate::audit_writer::append(state, entries).await?;
    Ok(results)
}
