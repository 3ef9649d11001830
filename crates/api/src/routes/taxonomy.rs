//! `/api/v1/taxonomy/…`: concepts by id or URI, typeahead search, an occupation's skills, the
//! occupations that need a skill, related concepts, hierarchy browsing, statistics and
//! versions. Every handler reads the immutable in-memory taxonomy; only `versions` reads the
//! database.

use crate::dto::*;
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::i18n::Message;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use openpes_taxonomy::{ConceptId, ConceptKind, RelationKind, SearchOptions, Taxonomy};
use serde::Deserialize;
use utoipa::IntoParams;

/// Largest page size of list endpoints.
pub const MAX_PAGE: usize = 1000;
const DEFAULT_PAGE: usize = 100;
const MAX_SEARCH_RESULTS: usize = 100;
const DEFAULT_SEARCH_RESULTS: usize = 10;
/// Longest accepted search text, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// Parameters of the typeahead search.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Text typed so far (any language; a code like `2221` also matches exactly).
    pub q: String,
    /// Only labels in this language (e.g. `en`, `zh-TW`).
    pub lang: Option<String>,
    /// Only these kinds, comma-separated: `occupation`, `skill`, `occupation_group`, `skill_group`.
    pub kind: Option<String>,
    /// Number of results (1–100, default 10).
    pub limit: Option<usize>,
}

/// Display language of labels.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangParams {
    /// Language of the labels in the answer (default `en`; falls back to English).
    pub lang: Option<String>,
}

/// Display language and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Language of the labels in the answer (default `en`).
    pub lang: Option<String>,
    /// Page size (1–1000, default 100).
    pub limit: Option<usize>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// A concept URI.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UriParams {
    /// The concept's stable URI.
    pub uri: String,
    /// Language of the labels in the answer (default `en`).
    pub lang: Option<String>,
}

/// Hierarchy browsing parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HierarchyParams {
    /// `occupation_group` (default; ISCO-08 and national classifications) or `skill_group`.
    pub kind: Option<String>,
    /// Language of the labels (default `en`).
    pub lang: Option<String>,
    pub limit: Option<usize>,
    pub cursor: Option<String>,
}

fn display_lang(taxonomy: &Taxonomy, lang: Option<&str>) -> Result<String, ApiError> {
    match lang {
        None | Some("") => Ok("en".to_string()),
        Some(lang) => {
            check_lang(taxonomy, lang)?;
            Ok(lang.to_string())
        }
    }
}

fn check_lang(taxonomy: &Taxonomy, lang: &str) -> Result<(), ApiError> {
    if taxonomy.languages().iter().any(|l| l == lang) {
        Ok(())
    } else {
        Err(ApiError::bad_request(Message::UnknownLanguage {
            value: lang.to_string(),
            available: taxonomy.languages().join(", "),
        }))
    }
}

fn parse_kinds(value: Option<&str>) -> Result<Vec<ConceptKind>, ApiError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ConceptKind>().map_err(|e| {
                ApiError::bad_request(Message::UnknownValue {
                    field: "kind".into(),
                    value: e.value,
                    expected: e.expected.join(", "),
                })
            })
        })
        .collect()
}

fn concept_id(taxonomy: &Taxonomy, id: &str) -> Result<ConceptId, ApiError> {
    id.parse::<u32>()
        .ok()
        .and_then(|n| taxonomy.get(n))
        .map(|c| c.id)
        .ok_or_else(|| ApiError::not_found(Message::ConceptNotFound(id.to_string())))
}

fn page_bounds(
    limit: Option<usize>,
    cursor: Option<&str>,
    total: usize,
) -> Result<(usize, usize, Option<String>), ApiError> {
    let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let start = match cursor {
        None | Some("") => 0,
        Some(c) => c
            .parse::<usize>()
            .map_err(|_| ApiError::bad_request(Message::BadCursor(c.to_string())))?,
    };
    let end = start.saturating_add(limit).min(total);
    let next = (end < total).then(|| end.to_string());
    Ok((start.min(total), end, next))
}

/// Typeahead search over labels in every language.
#[utoipa::path(get, path = "/api/v1/taxonomy/search", tag = "taxonomy", params(SearchParams),
    responses(
        (status = 200, description = "Ranked concepts with their explained scores", body = SearchResponse),
        (status = 400, description = "Empty query, unknown kind or language", body = crate::error::Problem)))]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<SearchResponse>, ApiError> {
    let taxonomy = state.taxonomy();
    if params.q.trim().is_empty() {
        return Err(ApiError::bad_request(Message::QueryRequired));
    }
    if params.q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad_request(Message::QueryTooLong {
            limit: MAX_QUERY_CHARS,
        }));
    }
    let lang = params.lang.as_deref().filter(|l| !l.is_empty());
    if let Some(lang) = lang {
        check_lang(&taxonomy, lang)?;
    }
    let kinds = parse_kinds(params.kind.as_deref())?;
    let options = SearchOptions {
        lang,
        kinds: &kinds,
        limit: params
            .limit
            .unwrap_or(DEFAULT_SEARCH_RESULTS)
            .clamp(1, MAX_SEARCH_RESULTS),
    };
    let hits = taxonomy.search_with_codes(&params.q, &options);
    Ok(Json(SearchResponse {
        query: params.q.clone(),
        results: hits
            .iter()
            .map(|h| SearchResult::new(&taxonomy, h, lang))
            .collect(),
    }))
}

/// One concept by id.
#[utoipa::path(get, path = "/api/v1/taxonomy/concepts/{id}", tag = "taxonomy",
    params(("id" = u32, Path, description = "Concept id"), LangParams),
    responses(
        (status = 200, description = "The concept", body = ConceptDetail),
        (status = 404, description = "No such concept", body = crate::error::Problem)))]
pub async fn concept(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<LangParams>,
) -> Result<Json<ConceptDetail>, ApiError> {
    let taxonomy = state.taxonomy();
    let lang = display_lang(&taxonomy, params.lang.as_deref())?;
    let id = concept_id(&taxonomy, &id)?;
    Ok(Json(ConceptDetail::new(&taxonomy, id, &lang)))
}

/// One concept by its stable URI.
#[utoipa::path(get, path = "/api/v1/taxonomy/concepts/by-uri", tag = "taxonomy", params(UriParams),
    responses(
        (status = 200, description = "The concept", body = ConceptDetail),
        (status = 404, description = "No such concept", body = crate::error::Problem)))]
pub async fn concept_by_uri(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<UriParams>,
) -> Result<Json<ConceptDetail>, ApiError> {
    let taxonomy = state.taxonomy();
    let lang = display_lang(&taxonomy, params.lang.as_deref())?;
    let id = taxonomy
        .by_uri(&params.uri)
        .ok_or_else(|| ApiError::not_found(Message::ConceptNotFound(params.uri.clone())))?;
    Ok(Json(ConceptDetail::new(&taxonomy, id, &lang)))
}

/// An occupation's essential and optional skills.
#[utoipa::path(get, path = "/api/v1/taxonomy/concepts/{id}/skills", tag = "taxonomy",
    params(("id" = u32, Path, description = "Occupation id"), LangParams),
    responses(
        (status = 200, description = "Essential and optional skills", body = OccupationSkills),
        (status = 400, description = "Not an occupation", body = crate::error::Problem),
        (status = 404, description = "No such concept", body = crate::error::Problem)))]
pub async fn occupation_skills(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<LangParams>,
) -> Result<Json<OccupationSkills>, ApiError> {
    let taxonomy = state.taxonomy();
    let lang = display_lang(&taxonomy, params.lang.as_deref())?;
    let id = concept_id(&taxonomy, &id)?;
    require_kind(&taxonomy, id, ConceptKind::Occupation)?;
    let edges = taxonomy.skills_of(id);
    let pick = |kind: RelationKind| {
        edges
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| RelatedConcept::new(&taxonomy, e, &lang))
            .collect()
    };
    Ok(Json(OccupationSkills {
        occupation: ConceptRef::new(&taxonomy, id, &lang),
        essential: pick(RelationKind::Essential),
        optional: pick(RelationKind::Optional),
    }))
}

fn require_kind(taxonomy: &Taxonomy, id: ConceptId, kind: ConceptKind) -> Result<(), ApiError> {
    let actual = taxonomy.concept(id).kind;
    if actual == kind {
        Ok(())
    } else {
        Err(ApiError::bad_request(Message::WrongKind {
            id: id.0,
            actual: actual.as_str().to_string(),
            expected: kind.as_str().to_string(),
        }))
    }
}

/// The occupations that need a skill (essential first), paged.
#[utoipa::path(get, path = "/api/v1/taxonomy/concepts/{id}/occupations", tag = "taxonomy",
    params(("id" = u32, Path, description = "Skill id"), PageParams),
    responses(
        (status = 200, description = "Occupations needing the skill", body = RelatedPage),
        (status = 400, description = "Not a skill, or a bad cursor", body = crate::error::Problem),
        (status = 404, description = "No such concept", body = crate::error::Problem)))]
pub async fn skill_occupations(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<RelatedPage>, ApiError> {
    let taxonomy = state.taxonomy();
    let lang = display_lang(&taxonomy, params.lang.as_deref())?;
    let id = concept_id(&taxonomy, &id)?;
    require_kind(&taxonomy, id, ConceptKind::Skill)?;
    let edges = taxonomy.occupations_needing(id);
    related_page(&taxonomy, id, &edges, &lang, &params)
}

fn related_page(
    taxonomy: &Taxonomy,
    id: ConceptId,
    edges: &[openpes_taxonomy::Edge],
    lang: &str,
    params: &PageParams,
) -> Result<Json<RelatedPage>, ApiError> {
    let (start, end, next_cursor) =
        page_bounds(params.limit, params.cursor.as_deref(), edges.len())?;
    Ok(Json(RelatedPage {
        concept: ConceptRef::new(taxonomy, id, lang),
        items: edges[start..end]
            .iter()
            .map(|e| RelatedConcept::new(taxonomy, e, lang))
            .collect(),
        total: edges.len(),
        next_cursor,
    }))
}

/// Related concepts: for a skill, related skills; for an occupation, related occupations
/// (career transitions) and crosswalk mappings.
#[utoipa::path(get, path = "/api/v1/taxonomy/concepts/{id}/related", tag = "taxonomy",
    params(("id" = u32, Path, description = "Concept id"), PageParams),
    responses(
        (status = 200, description = "Related concepts", body = RelatedPage),
        (status = 404, description = "No such concept", body = crate::error::Problem)))]
pub async fn related(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<RelatedPage>, ApiError> {
    let taxonomy = state.taxonomy();
    let lang = display_lang(&taxonomy, params.lang.as_deref())?;
    let id = concept_id(&taxonomy, &id)?;
    let mut edges = match taxonomy.concept(id).kind {
        ConceptKind::Skill => taxonomy.related_skills(id),
        _ => taxonomy
            .outgoing(id, RelationKind::RelatedOccupation)
            .copied()
            .collect(),
    };
    edges.extend(taxonomy.mappings(id));
    related_page(&taxonomy, id, &edges, &lang, &params)
}

/// Hierarchy browsing from the top: the root groups of a kind.
#[utoipa::path(get, path = "/api/v1/taxonomy/hierarchy", tag = "taxonomy", params(HierarchyParams),
    responses(
        (status = 200, description = "Top-level groups", body = HierarchyNode),
        (status = 400, description = "Unknown kind", body = crate::error::Problem)))]
pub async fn hierarchy_roots(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<HierarchyParams>,
) -> Result<Json<HierarchyNode>, ApiError> {
    let taxonomy = state.taxonomy();
    let lang = display_lang(&taxonomy, params.lang.as_deref())?;
    let kinds = parse_kinds(params.kind.as_deref())?;
    let kind = kinds
        .first()
        .copied()
        .unwrap_or(ConceptKind::OccupationGroup);
    let roots = taxonomy.roots(kind);
    let (start, end, next_cursor) =
        page_bounds(params.limit, params.cursor.as_deref(), roots.len())?;
    Ok(Json(HierarchyNode {
        concept: None,
        ancestors: Vec::new(),
        children: roots[start..end]
            .iter()
            .map(|r| ConceptRef::new(&taxonomy, *r, &lang))
            .collect(),
        total_children: roots.len(),
        next_cursor,
    }))
}

/// Hierarchy browsing at a concept: its ancestors and its children.
#[utoipa::path(get, path = "/api/v1/taxonomy/concepts/{id}/hierarchy", tag = "taxonomy",
    params(("id" = u32, Path, description = "Concept id"), PageParams),
    responses(
        (status = 200, description = "Ancestors and children", body = HierarchyNode),
        (status = 404, description = "No such concept", body = crate::error::Problem)))]
pub async fn hierarchy_at(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> Result<Json<HierarchyNode>, ApiError> {
    let taxonomy = state.taxonomy();
    let lang = display_lang(&taxonomy, params.lang.as_deref())?;
    let id = concept_id(&taxonomy, &id)?;
    let children = taxonomy.narrower(id);
    let (start, end, next_cursor) =
        page_bounds(params.limit, params.cursor.as_deref(), children.len())?;
    Ok(Json(HierarchyNode {
        concept: Some(ConceptRef::new(&taxonomy, id, &lang)),
        ancestors: taxonomy
            .ancestors(id)
            .into_iter()
            .map(|a| ConceptRef::new(&taxonomy, a, &lang))
            .collect(),
        children: children[start..end]
            .iter()
            .map(|c| ConceptRef::new(&taxonomy, *c, &lang))
            .collect(),
        total_children: children.len(),
        next_cursor,
    }))
}

/// Counts of the loaded taxonomy.
#[utoipa::path(get, path = "/api/v1/taxonomy/stats", tag = "taxonomy",
    responses((status = 200, description = "Counts", body = TaxonomyStats)))]
pub async fn stats(State(state): State<AppState>) -> Json<TaxonomyStats> {
    Json(TaxonomyStats::new(&state.taxonomy()))
}

/// The taxonomy's sources with their versions, and the import history.
#[utoipa::path(get, path = "/api/v1/taxonomy/versions", tag = "taxonomy",
    responses((status = 200, description = "Versions and imports", body = TaxonomyVersions)))]
pub async fn versions(State(state): State<AppState>) -> Result<Json<TaxonomyVersions>, ApiError> {
    let sources = state.store().sources().await?;
    let imports = state.store().import_history(50).await?;
    Ok(Json(TaxonomyVersions {
        sources: sources
            .into_iter()
            .map(|s| SourceVersion {
                source: s.source,
                version: s.version,
                title: s.title,
                content_hash: s.content_hash,
                imported_at: s.imported_at,
                occupations: s.counts.occupations,
                skills: s.counts.skills,
                occupation_skill_relations: s.counts.occupation_skill_relations,
            })
            .collect(),
        imports: imports
            .into_iter()
            .map(|i| ImportEntry {
                source: i.source,
                version: i.version,
                outcome: i.outcome,
                replaced: i.replaced,
                finished_at: i.finished_at,
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_bounded_and_chain() -> Result<(), String> {
        let (s, e, next) = page_bounds(Some(2), None, 5).map_err(|e| format!("{e:?}"))?;
        assert_eq!((s, e, next.as_deref()), (0, 2, Some("2")));
        let (s, e, next) = page_bounds(Some(2), Some("4"), 5).map_err(|e| format!("{e:?}"))?;
        assert_eq!((s, e, next), (4, 5, None));
        let (s, e, _) = page_bounds(Some(2), Some("99"), 5).map_err(|e| format!("{e:?}"))?;
        assert_eq!((s, e), (5, 5));
        assert!(page_bounds(None, Some("abc"), 5).is_err());
        let huge = usize::MAX.to_string();
        let (s, e, next) = page_bounds(Some(10), Some(&huge), 5).map_err(|e| format!("{e:?}"))?;
        assert_eq!((s, e, next), (5, 5, None));
        Ok(())
    }

    #[test]
    fn kinds_are_validated_by_name() {
        assert!(matches!(
            parse_kinds(Some("skill,occupation")).as_deref(),
            Ok([_, _])
        ));
        let refused = parse_kinds(Some("skill,job"));
        assert!(
            matches!(&refused, Err(e) if matches!(&e.message, Message::UnknownValue { value, .. } if value == "job")),
            "{refused:?}"
        );
    }
}
