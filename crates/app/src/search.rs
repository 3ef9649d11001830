//! Vacancy search as a use case: free text understood through extraction (occupations and
//! skills named in it) and the gazetteer (places named in it), structured filters that take
//! ids, codes or unambiguous labels, facets, relevance or date order, cursor pages, and what
//! was understood, in the reader's language. An unknown or ambiguous filter value is an error
//! that names the parameter and the value. Searching needs no account.

use crate::views::ConceptRef;
use crate::words::{Message, UiLang};
use crate::{App, AppError};
use chrono::NaiveDate;
use openpes_extract::{Evidence, TextKind};
use openpes_matching::search::{
    RelevancePartName, SearchError, SearchFilters, SearchPage, SearchQuery, SortOrder, TextQuery,
};
use openpes_matching::{ContractType, Gazetteer, Point, RemotePolicy, WorkingTime};
use openpes_taxonomy::{ConceptId, ConceptKind, Taxonomy};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Largest page of search results.
pub const MAX_PAGE: usize = 100;
/// Longest free-text query, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Radius when `lat`/`lon` come without `radius_km`.
const DEFAULT_RADIUS_KM: f64 = 25.0;
/// Words of a query that say nothing about the job.
const QUERY_STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "at",
    "for",
    "in",
    "job",
    "jobs",
    "near",
    "of",
    "or",
    "the",
    "to",
    "vacancy",
    "vacancies",
    "work",
    "工作",
    "職缺",
];

/// What to search for. List fields take several values separated by commas.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchRequest {
    /// Free text, e.g. "forklift driver Taoyuan" or "臺北市 護理師".
    pub q: Option<String>,
    /// Occupations or occupation groups: URI, ISCO-08 code or unambiguous label.
    pub occupation: Option<String>,
    /// Skills the vacancy must name (all of them): URI or unambiguous label.
    pub skill: Option<String>,
    /// Regions or municipalities: gazetteer code or name (臺北市, Taipei City, TW-TPE).
    pub place: Option<String>,
    /// Latitude of the centre of a radius search (with `lon`).
    pub lat: Option<f64>,
    /// Longitude of the centre of a radius search (with `lat`).
    pub lon: Option<f64>,
    /// Radius in km around `lat`/`lon` (default 25).
    pub radius_km: Option<f64>,
    /// `on_site`, `hybrid`, `remote`.
    pub remote: Option<String>,
    /// `permanent`, `fixed_term`, `temporary`, `apprenticeship`, `internship`, `freelance`.
    pub contract: Option<String>,
    /// `full_time`, `part_time`.
    pub working_time: Option<String>,
    /// The vacancy's top monthly salary reaches this.
    pub min_salary: Option<u32>,
    /// Posted on or after this day.
    pub posted_since: Option<NaiveDate>,
    /// Employer ids.
    pub employer: Option<String>,
    /// `relevance` (default with `q`) or `date` (default without).
    pub sort: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Results per page (default 20, at most 100).
    pub limit: Option<usize>,
    /// The language the free text is read in, when the caller named one (else detected).
    pub text_lang: Option<String>,
}

/// A place, named.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceRef {
    pub code: String,
    /// In the requested language.
    pub name: String,
}

/// One part of a hit's relevance.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelevancePartDto {
    /// `occupation`, `skills` or `title`.
    pub name: String,
    pub label: String,
    pub weight: f32,
    pub value: f32,
    /// `weight × value`; the parts add up to the relevance.
    pub points: f32,
}

/// One vacancy found.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = VacancySearchResult))]
pub struct SearchResult {
    pub id: String,
    pub title: String,
    /// In [0, 1]; 0 without a text query.
    pub relevance: f32,
    pub parts: Vec<RelevancePartDto>,
    /// The query's skills this vacancy names.
    pub matched_skills: Vec<ConceptRef>,
    pub occupation: Option<ConceptRef>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub posted: NaiveDate,
    pub place: Option<PlaceRef>,
    /// `permanent`, `fixed_term`, …
    pub contract: String,
    /// `on_site`, `hybrid` or `remote`.
    pub remote: String,
    /// From `lat`/`lon`, when given.
    pub distance_km: Option<f64>,
}

/// An occupation group and how many hits lie in it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupFacet {
    pub value: ConceptRef,
    pub count: usize,
}

/// A region and how many hits lie in it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionFacet {
    pub value: PlaceRef,
    pub count: usize,
}

/// A contract type and how many hits offer it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractFacet {
    /// `permanent`, `fixed_term`, …
    pub value: String,
    pub count: usize,
}

/// Counts over all hits, not just this page.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacetsDto {
    pub occupation_groups: Vec<GroupFacet>,
    pub regions: Vec<RegionFacet>,
    pub contracts: Vec<ContractFacet>,
}

/// The wire name of an enumeration value (`fixed_term`).
fn wire<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// What the free text was understood to ask for.
#[derive(Debug, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Interpretation {
    pub occupations: Vec<ConceptRef>,
    pub skills: Vec<ConceptRef>,
    /// Places named in the text, used as filters.
    pub places: Vec<PlaceRef>,
    /// Words looked for in titles.
    pub words: Vec<String>,
}

/// One page of vacancy search results.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = VacancySearchResponse))]
pub struct SearchResponse {
    /// Hits across all pages.
    pub total: usize,
    pub results: Vec<SearchResult>,
    pub facets: FacetsDto,
    pub interpreted: Interpretation,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

fn list(value: Option<&str>) -> Vec<&str> {
    value
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn unknown(param: &str, value: &str) -> AppError {
    AppError::bad_request(Message::UnknownFilterValue {
        param: param.to_string(),
        value: value.to_string(),
    })
}

/// A concept by URI, id, ISCO-08 code or label, of one of `kinds`.
fn concept(
    taxonomy: &Taxonomy,
    param: &str,
    value: &str,
    kinds: &[ConceptKind],
) -> Result<ConceptId, AppError> {
    let of_kind = |id: &ConceptId| kinds.contains(&taxonomy.concept(*id).kind);
    if let Some(id) = taxonomy.by_uri(value).filter(of_kind) {
        return Ok(id);
    }
    let mut found: Vec<ConceptId> = taxonomy
        .by_code("isco08", value)
        .iter()
        .copied()
        .filter(of_kind)
        .collect();
    if found.is_empty() {
        found = taxonomy
            .by_label(value)
            .iter()
            .copied()
            .filter(of_kind)
            .collect();
    }
    // An ISCO code names a unit group and, in some taxonomies, an occupation too: the group
    // is what a filter by code means.
    if found.len() > 1 {
        let groups: Vec<ConceptId> = found
            .iter()
            .copied()
            .filter(|id| taxonomy.concept(*id).kind == ConceptKind::OccupationGroup)
            .collect();
        if groups.len() == 1 {
            found = groups;
        }
    }
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(unknown(param, value)),
        many => Err(AppError::bad_request(Message::AmbiguousFilterValue {
            param: param.to_string(),
            value: value.to_string(),
            candidates: many
                .iter()
                .take(5)
                .map(|id| taxonomy.concept(*id).uri.clone())
                .collect::<Vec<_>>()
                .join(", "),
        })),
    }
}

fn place(gazetteer: &Gazetteer, value: &str) -> Result<usize, AppError> {
    match gazetteer.resolve(value) {
        Ok(p) => gazetteer
            .position(&p.code)
            .ok_or_else(|| unknown("place", value)),
        Err(openpes_matching::geo::ResolveError::Ambiguous { candidates, .. }) => {
            Err(AppError::bad_request(Message::AmbiguousFilterValue {
                param: "place".into(),
                value: value.to_string(),
                candidates: candidates.join(", "),
            }))
        }
        Err(_) => Err(unknown("place", value)),
    }
}

/// Parses a snake_case enumeration value with serde.
fn enumeration<T: DeserializeOwned>(
    param: &str,
    value: &str,
    expected: &str,
) -> Result<T, AppError> {
    serde_json::from_value(serde_json::Value::String(value.to_string())).map_err(|_| {
        AppError::bad_request(Message::UnknownValue {
            field: param.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        })
    })
}

fn place_ref(gazetteer: &Gazetteer, position: usize, lang: UiLang) -> Option<PlaceRef> {
    gazetteer.places().get(position).map(|p| PlaceRef {
        code: p.code.clone(),
        name: match lang {
            UiLang::En => p.name_en.clone(),
            UiLang::ZhTw => p.name_zh.clone(),
        },
    })
}

/// Turns free text into concepts, places and title words.
fn understand(
    state: &App,
    gazetteer: &Gazetteer,
    text: &str,
    lang: Option<&str>,
) -> (TextQuery, Vec<usize>) {
    let places = gazetteer.find_in_text(text);
    // find_in_text's ranges point into the text's gazetteer form: cut the places out of it.
    let lowered = Gazetteer::text_form(text);
    let mut rest = String::new();
    let mut at = 0;
    for (_, range) in &places {
        rest.push_str(lowered.get(at..range.start).unwrap_or(""));
        rest.push(' ');
        at = range.end;
    }
    rest.push_str(lowered.get(at..).unwrap_or(""));
    let rest = rest.trim().to_string();

    let mut text_query = TextQuery::default();
    if !rest.is_empty() {
        let (taxonomy, extractor) = state.extraction();
        if let Ok(extraction) = extractor.extract(&taxonomy, &rest, TextKind::Cv, lang) {
            let by_label = |f: &&openpes_extract::Found| f.evidence != Evidence::SimilarText;
            text_query.skills = extraction
                .skills
                .iter()
                .filter(by_label)
                .map(|f| f.concept)
                .collect();
            text_query.occupations = extraction
                .occupations
                .iter()
                .filter(by_label)
                .map(|f| f.concept)
                .collect();
        }
        text_query.words = rest
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && !QUERY_STOP_WORDS.contains(w))
            .map(str::to_string)
            .collect();
    }
    (text_query, places.into_iter().map(|(p, _)| p).collect())
}

fn part_label(name: RelevancePartName, lang: UiLang) -> (&'static str, &'static str) {
    match (name, lang) {
        (RelevancePartName::Occupation, UiLang::En) => ("occupation", "Occupation"),
        (RelevancePartName::Occupation, UiLang::ZhTw) => ("occupation", "職業"),
        (RelevancePartName::Skills, UiLang::En) => ("skills", "Skills"),
        (RelevancePartName::Skills, UiLang::ZhTw) => ("skills", "技能"),
        (RelevancePartName::Title, UiLang::En) => ("title", "Title words"),
        (RelevancePartName::Title, UiLang::ZhTw) => ("title", "職稱用字"),
    }
}

fn describe(
    taxonomy: &Taxonomy,
    gazetteer: &Gazetteer,
    page: SearchPage,
    interpreted: Interpretation,
    lang: UiLang,
    tag: &str,
) -> SearchResponse {
    let concept = |id| ConceptRef::new(taxonomy, id, tag);
    SearchResponse {
        total: page.total,
        results: page
            .hits
            .into_iter()
            .map(|h| SearchResult {
                parts: h
                    .parts
                    .iter()
                    .map(|p| {
                        let (name, label) = part_label(p.name, lang);
                        RelevancePartDto {
                            name: name.into(),
                            label: label.into(),
                            weight: p.weight,
                            value: p.value,
                            points: p.points,
                        }
                    })
                    .collect(),
                matched_skills: h.matched_skills.iter().map(|c| concept(*c)).collect(),
                occupation: h.occupation.map(concept),
                place: h.place.and_then(|p| place_ref(gazetteer, p, lang)),
                distance_km: h.distance_km.map(|d| (d * 10.0).round() / 10.0),
                id: h.id,
                title: h.title,
                relevance: h.relevance,
                posted: h.posted,
                contract: wire(&h.contract),
                remote: wire(&h.remote),
            })
            .collect(),
        facets: FacetsDto {
            occupation_groups: page
                .facets
                .occupation_groups
                .iter()
                .map(|(c, n)| GroupFacet {
                    value: concept(*c),
                    count: *n,
                })
                .collect(),
            regions: page
                .facets
                .regions
                .iter()
                .filter_map(|(p, n)| {
                    Some(RegionFacet {
                        value: place_ref(gazetteer, *p, lang)?,
                        count: *n,
                    })
                })
                .collect(),
            contracts: page
                .facets
                .contracts
                .iter()
                .map(|(c, n)| ContractFacet {
                    value: wire(c),
                    count: *n,
                })
                .collect(),
        },
        interpreted,
        next_cursor: page.next,
    }
}

/// Searches open vacancies; labels and explanations in `lang`.
pub async fn search(
    state: &App,
    request: &SearchRequest,
    lang: UiLang,
) -> Result<SearchResponse, AppError> {
    let tag = lang.tag();
    let index = state.matching();
    let (taxonomy, gazetteer) = state
        .with_index(|guard| {
            (
                std::sync::Arc::clone(guard.taxonomy()),
                std::sync::Arc::clone(guard.gazetteer()),
            )
        })
        .await?;
    let q = request
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty());
    if q.is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS) {
        return Err(AppError::bad_request(Message::QueryTooLong {
            limit: MAX_QUERY_CHARS,
        }));
    }

    let occupation_kinds = [ConceptKind::Occupation, ConceptKind::OccupationGroup];
    let mut filters = SearchFilters::default();
    for value in list(request.occupation.as_deref()) {
        filters
            .occupations
            .push(concept(&taxonomy, "occupation", value, &occupation_kinds)?);
    }
    for value in list(request.skill.as_deref()) {
        filters
            .skills
            .push(concept(&taxonomy, "skill", value, &[ConceptKind::Skill])?);
    }
    for value in list(request.place.as_deref()) {
        filters.places.push(place(&gazetteer, value)?);
    }
    filters.near = match (request.lat, request.lon) {
        (Some(lat), Some(lon)) => {
            let radius = request.radius_km.unwrap_or(DEFAULT_RADIUS_KM);
            let valid = (-90.0..=90.0).contains(&lat)
                && (-180.0..=180.0).contains(&lon)
                && radius.is_finite()
                && radius > 0.0;
            if !valid {
                return Err(AppError::bad_request(Message::BadRequest(
                    "lat must be -90..90, lon -180..180 and radius_km above 0".into(),
                )));
            }
            Some((Point { lat, lon }, radius))
        }
        (None, None) if request.radius_km.is_none() => None,
        _ => {
            return Err(AppError::bad_request(Message::IncompleteParameters(
                "lat, lon (radius_km)".into(),
            )))
        }
    };
    for value in list(request.remote.as_deref()) {
        filters.remote.push(enumeration::<RemotePolicy>(
            "remote",
            value,
            "on_site, hybrid, remote",
        )?);
    }
    for value in list(request.contract.as_deref()) {
        filters.contracts.push(enumeration::<ContractType>(
            "contract",
            value,
            "permanent, fixed_term, temporary, apprenticeship, internship, freelance",
        )?);
    }
    for value in list(request.working_time.as_deref()) {
        filters.working_times.push(enumeration::<WorkingTime>(
            "working_time",
            value,
            "full_time, part_time",
        )?);
    }
    filters.min_salary = request.min_salary;
    filters.posted_since = request.posted_since;
    filters.employers = list(request.employer.as_deref())
        .into_iter()
        .map(str::to_string)
        .collect();
    let sort = match request.sort.as_deref() {
        None if q.is_some() => SortOrder::Relevance,
        None => SortOrder::Date,
        Some("relevance") => SortOrder::Relevance,
        Some("date") => SortOrder::Date,
        Some(other) => {
            return Err(AppError::bad_request(Message::UnknownValue {
                field: "sort".into(),
                value: other.to_string(),
                expected: "relevance, date".into(),
            }))
        }
    };

    let search_state = state.clone();
    let today = state.now().date_naive();
    let cursor = request.cursor.clone();
    let limit = request.limit.unwrap_or(20).clamp(1, MAX_PAGE);
    let lang_override = request.text_lang.clone();
    let q = q.map(str::to_string);
    let answer = tokio::task::spawn_blocking(move || {
        let (text, places) = match &q {
            Some(q) => understand(&search_state, &gazetteer, q, lang_override.as_deref()),
            None => (TextQuery::default(), Vec::new()),
        };
        filters.places.extend(places.iter().copied());
        let query = SearchQuery {
            text,
            filters,
            sort,
            after: cursor,
            limit,
            today,
        };
        let page = {
            let guard = index.read().unwrap_or_else(|p| p.into_inner());
            guard.search(&query)
        };
        let interpreted = Interpretation {
            occupations: query
                .text
                .occupations
                .iter()
                .map(|c| ConceptRef::new(&taxonomy, *c, tag))
                .collect(),
            skills: query
                .text
                .skills
                .iter()
                .map(|c| ConceptRef::new(&taxonomy, *c, tag))
                .collect(),
            places: places
                .iter()
                .filter_map(|p| place_ref(&gazetteer, *p, lang))
                .collect(),
            words: query.text.words.clone(),
        };
        page.map(|page| describe(&taxonomy, &gazetteer, page, interpreted, lang, tag))
    })
    .await
    .map_err(|e| AppError::internal(&e))?;
    answer.map_err(|e| match e {
        SearchError::BadCursor(c) => AppError::bad_request(Message::BadCursor(c)),
    })
}
