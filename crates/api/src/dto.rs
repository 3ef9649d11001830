//! The API's own wire types (DTOs), converted from the taxonomy's domain types. Only this
//! crate knows JSON on the wire; field names here are the API contract.

use openpes_taxonomy::{ConceptId, Edge, Hit, LabelKind, Taxonomy};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

pub use openpes_app::views::ConceptRef;

/// A concept reached through a relation.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedConcept {
    /// The relation: `essential`, `optional`, `skill_essential`, `skill_optional`,
    /// `related_occupation`, `broader`, `exact_match`, `close_match`, `broad_match`, `narrow_match`.
    pub relation: String,
    /// Strength given by the source (O*NET importance or relatedness), if any.
    pub weight: Option<f32>,
    pub concept: ConceptRef,
}

impl RelatedConcept {
    pub fn new(taxonomy: &Taxonomy, edge: &Edge, lang: &str) -> Self {
        RelatedConcept {
            relation: edge.kind.as_str().to_string(),
            weight: edge.weight,
            concept: ConceptRef::new(taxonomy, edge.target, lang),
        }
    }
}

/// The labels of a concept in one language.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct LabelSet {
    pub preferred: Option<String>,
    pub alternative: Vec<String>,
    pub hidden: Vec<String>,
}

/// A code in a classification system.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeDto {
    /// `isco08`, `esco`, `onet-soc`, `onet-job-zone`, `tw-occ`, …
    pub system: String,
    pub code: String,
}

/// Everything about one concept.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConceptDetail {
    pub id: u32,
    pub uri: String,
    pub kind: String,
    pub code: Option<String>,
    /// The source (dataset) that defines the concept: `esco`, `onet`, `starter`, …
    pub source: String,
    pub skill_type: Option<String>,
    pub reuse_level: Option<String>,
    /// Preferred label in the requested language.
    pub label: String,
    /// Description in the requested language (falls back to English).
    pub description: Option<String>,
    /// All labels, by language.
    pub labels: BTreeMap<String, LabelSet>,
    /// All descriptions, by language.
    pub descriptions: BTreeMap<String, String>,
    pub codes: Vec<CodeDto>,
    /// Direct parents in the hierarchy.
    pub broader: Vec<ConceptRef>,
    /// Number of direct children in the hierarchy.
    pub narrower_count: usize,
    /// Number of skills (occupations) or occupations needing it (skills).
    pub relation_counts: RelationCounts,
    /// Crosswalk mappings to other classifications.
    pub mappings: Vec<RelatedConcept>,
}

/// How many relations of each family a concept has.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelationCounts {
    pub essential_skills: usize,
    pub optional_skills: usize,
    pub occupations: usize,
    pub related_skills: usize,
    pub related_occupations: usize,
}

impl ConceptDetail {
    pub fn new(taxonomy: &Taxonomy, id: ConceptId, lang: &str) -> Self {
        use openpes_taxonomy::RelationKind;
        let c = taxonomy.concept(id);
        let mut labels: BTreeMap<String, LabelSet> = BTreeMap::new();
        for l in &c.labels {
            let set = labels.entry(l.lang.clone()).or_default();
            match l.kind {
                LabelKind::Preferred => set.preferred = Some(l.text.clone()),
                LabelKind::Alternative => set.alternative.push(l.text.clone()),
                LabelKind::Hidden => set.hidden.push(l.text.clone()),
            }
        }
        let skills = taxonomy.skills_of(id);
        ConceptDetail {
            id: id.0,
            uri: c.uri.clone(),
            kind: c.kind.as_str().to_string(),
            code: c.code.clone(),
            source: taxonomy.sources()[c.source as usize].source.clone(),
            skill_type: c.skill_type.map(|s| s.as_str().to_string()),
            reuse_level: c.reuse_level.map(|r| r.as_str().to_string()),
            label: taxonomy.preferred_label(id, lang).to_string(),
            description: taxonomy.description(id, lang).map(str::to_string),
            labels,
            descriptions: c
                .descriptions
                .iter()
                .map(|d| (d.lang.clone(), d.text.clone()))
                .collect(),
            codes: c
                .codes
                .iter()
                .map(|k| CodeDto {
                    system: k.system.clone(),
                    code: k.code.clone(),
                })
                .collect(),
            broader: taxonomy
                .broader(id)
                .into_iter()
                .map(|b| ConceptRef::new(taxonomy, b, lang))
                .collect(),
            narrower_count: taxonomy.incoming(id, RelationKind::Broader).count(),
            relation_counts: RelationCounts {
                essential_skills: skills
                    .iter()
                    .filter(|e| e.kind == RelationKind::Essential)
                    .count(),
                optional_skills: skills
                    .iter()
                    .filter(|e| e.kind == RelationKind::Optional)
                    .count(),
                occupations: taxonomy.occupations_needing(id).len(),
                related_skills: taxonomy.related_skills(id).len(),
                related_occupations: taxonomy
                    .outgoing(id, RelationKind::RelatedOccupation)
                    .count(),
            },
            mappings: taxonomy
                .mappings(id)
                .iter()
                .map(|e| RelatedConcept::new(taxonomy, e, lang))
                .collect(),
        }
    }
}

/// The parts of a search score (each in [0, 1]) and their weighted sum.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreParts {
    /// Mean quality of the query-word matches: exact 1, prefix 0.7–0.95, one typo 0.6.
    pub token_match: f32,
    /// Share of the label's words covered by the query.
    pub coverage: f32,
    /// Preferred label 1, alternative 0.7, hidden 0.3.
    pub label_weight: f32,
    /// 1 when the label contains the query as typed.
    pub phrase: f32,
    /// Weights of the parts in the score, in the order above.
    pub weights: [f32; 4],
}

/// How one word of the query matched.
#[derive(Debug, Serialize, ToSchema)]
pub struct WordMatch {
    pub query: String,
    pub label: String,
    /// `exact`, `prefix` or `typo`.
    pub how: String,
}

/// One search result.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ConceptSearchResult)]
pub struct SearchResult {
    /// The concept, labelled in the language of the matched label.
    pub concept: ConceptRef,
    pub matched_label: String,
    pub matched_lang: String,
    /// `preferred`, `alternative` or `hidden`.
    pub matched_label_kind: String,
    /// Score in [0, 1]: the weighted sum of `score_parts`.
    pub score: f32,
    pub score_parts: ScoreParts,
    pub matches: Vec<WordMatch>,
}

impl SearchResult {
    pub fn new(taxonomy: &Taxonomy, hit: &Hit, display_lang: Option<&str>) -> Self {
        use openpes_taxonomy::Score;
        let concept = taxonomy.concept(hit.concept);
        let label = &concept.labels[hit.label];
        let lang = display_lang.unwrap_or(&label.lang);
        SearchResult {
            concept: ConceptRef::new(taxonomy, hit.concept, lang),
            matched_label: label.text.clone(),
            matched_lang: label.lang.clone(),
            matched_label_kind: label.kind.as_str().to_string(),
            score: hit.score.total,
            score_parts: ScoreParts {
                token_match: hit.score.token_match,
                coverage: hit.score.coverage,
                label_weight: hit.score.label_weight,
                phrase: hit.score.phrase,
                weights: [
                    Score::W_TOKEN_MATCH,
                    Score::W_COVERAGE,
                    Score::W_LABEL,
                    Score::W_PHRASE,
                ],
            },
            matches: hit
                .matches
                .iter()
                .map(|m| WordMatch {
                    query: m.query_token.clone(),
                    label: m.label_token.clone(),
                    how: m.how.as_str().to_string(),
                })
                .collect(),
        }
    }
}

/// Taxonomy search results (named apart from the vacancy search's page in the OpenAPI
/// document: two schemas of one name would overwrite each other).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ConceptSearchResponse)]
pub struct SearchResponse {
    pub query: String,
    pub results: Vec<SearchResult>,
}

/// A page of related concepts.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedPage {
    /// The concept the list is about.
    pub concept: ConceptRef,
    pub items: Vec<RelatedConcept>,
    /// Total number of items in the list.
    pub total: usize,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// An occupation's skills.
#[derive(Debug, Serialize, ToSchema)]
pub struct OccupationSkills {
    pub occupation: ConceptRef,
    pub essential: Vec<RelatedConcept>,
    pub optional: Vec<RelatedConcept>,
}

/// A position in a hierarchy.
#[derive(Debug, Serialize, ToSchema)]
pub struct HierarchyNode {
    /// The concept; absent at the top, where `children` are the roots.
    pub concept: Option<ConceptRef>,
    /// Ancestors, nearest first.
    pub ancestors: Vec<ConceptRef>,
    pub children: Vec<ConceptRef>,
    pub total_children: usize,
    pub next_cursor: Option<String>,
}

/// Counts of the taxonomy's content (one object).
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxonomyStats {
    pub occupations: usize,
    pub skills: usize,
    pub occupation_groups: usize,
    pub skill_groups: usize,
    pub labels: usize,
    pub descriptions: usize,
    pub occupation_skill_relations: usize,
    pub skill_skill_relations: usize,
    pub hierarchy_relations: usize,
    pub related_occupation_relations: usize,
    pub mapping_relations: usize,
    pub languages: Vec<String>,
}

impl TaxonomyStats {
    pub fn new(taxonomy: &Taxonomy) -> Self {
        let c = taxonomy.counts();
        TaxonomyStats {
            occupations: c.occupations,
            skills: c.skills,
            occupation_groups: c.occupation_groups,
            skill_groups: c.skill_groups,
            labels: c.labels,
            descriptions: c.descriptions,
            occupation_skill_relations: c.occupation_skill_relations,
            skill_skill_relations: c.skill_skill_relations,
            hierarchy_relations: c.hierarchy_relations,
            related_occupation_relations: c.related_occupation_relations,
            mapping_relations: c.mapping_relations,
            languages: taxonomy.languages().to_vec(),
        }
    }
}

/// One source (dataset) of the taxonomy and its version.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceVersion {
    pub source: String,
    pub version: String,
    pub title: BTreeMap<String, String>,
    pub content_hash: String,
    pub imported_at: String,
    pub occupations: usize,
    pub skills: usize,
    pub occupation_skill_relations: usize,
}

/// One import attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportEntry {
    pub source: String,
    pub version: String,
    /// `imported` or `unchanged`.
    pub outcome: String,
    pub replaced: Vec<String>,
    pub finished_at: String,
}

/// The taxonomy's versions and import history.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxonomyVersions {
    pub sources: Vec<SourceVersion>,
    pub imports: Vec<ImportEntry>,
}

/// Liveness / readiness answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `ready`.
    pub status: String,
    /// Concepts in the loaded taxonomy (readiness only).
    pub concepts: Option<usize>,
    pub database: Option<String>,
    /// Readiness only: true when demo accounts with published passwords are enabled (never
    /// for real use).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demo_accounts: Option<bool>,
    /// Readiness only: the taxonomy this node serves (each source with its version and
    /// content hash), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taxonomy: Option<String>,
    /// Readiness only: the change-log position this node has applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_change: Option<i64>,
    /// Readiness only: committed changes this node has not applied yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes_behind: Option<i64>,
}

/// OpenAPI schemas of application types that the application layer does not describe itself
/// (it knows no wire format). Each mirrors its type's serde form; a test checks they agree.
pub mod schema {
    /// What a user is to the service (mirrors [`openpes_app::auth::Role`]).
    #[derive(utoipa::ToSchema, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Role {
        Seeker,
        Employer,
        Caseworker,
        Analyst,
        Admin,
    }

    /// What an API token may be used for (mirrors [`openpes_app::auth::Scope`]).
    #[derive(utoipa::ToSchema, serde::Serialize)]
    pub enum Scope {
        #[serde(rename = "seekers:read")]
        SeekersRead,
        #[serde(rename = "seekers:write")]
        SeekersWrite,
        #[serde(rename = "vacancies:write")]
        VacanciesWrite,
        #[serde(rename = "candidates:read")]
        CandidatesRead,
        #[serde(rename = "aggregates:read")]
        AggregatesRead,
        #[serde(rename = "audit:read")]
        AuditRead,
        #[serde(rename = "courses:write")]
        CoursesWrite,
        #[serde(rename = "admin")]
        Admin,
    }

    #[cfg(test)]
    mod tests {
        use super::{Role, Scope};
        use openpes_app::auth;

        #[test]
        fn the_schema_mirrors_name_every_role_and_scope_as_the_wire_does() {
            let roles = [
                (auth::Role::Seeker, Role::Seeker),
                (auth::Role::Employer, Role::Employer),
                (auth::Role::Caseworker, Role::Caseworker),
                (auth::Role::Analyst, Role::Analyst),
                (auth::Role::Admin, Role::Admin),
            ];
            assert_eq!(roles.len(), auth::Role::ALL.len());
            for (real, mirror) in roles {
                assert_eq!(
                    serde_json::to_value(real).ok(),
                    serde_json::to_value(mirror).ok()
                );
            }
            let scopes = [
                (auth::Scope::SeekersRead, Scope::SeekersRead),
                (auth::Scope::SeekersWrite, Scope::SeekersWrite),
                (auth::Scope::VacanciesWrite, Scope::VacanciesWrite),
                (auth::Scope::CandidatesRead, Scope::CandidatesRead),
                (auth::Scope::AggregatesRead, Scope::AggregatesRead),
                (auth::Scope::AuditRead, Scope::AuditRead),
                (auth::Scope::CoursesWrite, Scope::CoursesWrite),
                (auth::Scope::Admin, Scope::Admin),
            ];
            assert_eq!(scopes.len(), auth::Scope::ALL.len());
            for (real, mirror) in scopes {
                assert_eq!(
                    serde_json::to_value(real).ok(),
                    serde_json::to_value(mirror).ok()
                );
            }
        }
    }
}
