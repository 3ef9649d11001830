//! `POST /api/v1/extract`: text → skills and occupations with evidence spans, scores,
//! requirement (essential / optional) and how each was found; `POST /api/v1/extract/file`:
//! the same for a PDF, DOCX or text file, whose text is read first.

use crate::dto::ConceptRef;
use crate::error::{ApiError, ApiQuery};
use crate::i18n::Message;
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use openpes_extract::document::DocumentFormat;
use openpes_extract::{ExtractError, Found, TextKind};
use openpes_taxonomy::Taxonomy;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// What to extract from.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtractRequest {
    /// The text: a CV, a vacancy, a course description or a job title.
    pub text: String,
    /// `cv`, `vacancy`, `title` or `auto` (default).
    pub kind: Option<String>,
    /// Language of the text (default: detected), e.g. `en`, `zh-TW`.
    pub lang: Option<String>,
    /// Only concepts of this classification (a source key such as `esco`, `onet` or
    /// `starter`; see `GET /api/v1/taxonomy/versions`), when the taxonomy holds several.
    pub source: Option<String>,
}

/// A byte range of the input and the text it covers.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceSpan {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// One extracted concept, explained.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExtractedConcept {
    pub concept: ConceptRef,
    /// Score in [0, 1]: the label's match quality (preferred 1, alternative 0.95, hidden 0.8;
    /// exact 1, variant 0.85, typo 0.75), or the cosine similarity for `similar_text`.
    pub score: f32,
    /// `exact_label`, `label_variant`, `label_typo` or `similar_text`.
    pub evidence: String,
    /// The label found in the text, if any; for an occupation ranked by a title, its label
    /// closest to the title.
    pub matched_label: Option<String>,
    /// For an occupation ranked by a title through a crosswalk: the closest title of the
    /// occupation it maps to in the linked classification (O*NET's alternate titles for ESCO).
    pub borrowed_label: Option<BorrowedLabel>,
    /// `essential`, `optional` or `unspecified`.
    pub requirement: String,
    pub spans: Vec<EvidenceSpan>,
}

/// A label of a linked classification's occupation that made a title match.
#[derive(Debug, Serialize, ToSchema)]
pub struct BorrowedLabel {
    pub text: String,
    /// The occupation of the linked classification it is a label of.
    pub concept: ConceptRef,
}

/// The result of an extraction.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExtractResponse {
    /// The language the text was read as.
    pub language: String,
    /// What the text was read as: `cv`, `vacancy` or `title`.
    pub kind: String,
    pub skills: Vec<ExtractedConcept>,
    pub occupations: Vec<ExtractedConcept>,
}

fn parse_kind(kind: Option<&str>) -> Result<TextKind, ApiError> {
    match kind.unwrap_or("auto") {
        "auto" => Ok(TextKind::Auto),
        "cv" => Ok(TextKind::Cv),
        "vacancy" => Ok(TextKind::Vacancy),
        "title" => Ok(TextKind::Title),
        other => Err(ApiError::bad_request(Message::UnknownValue {
            field: "kind".into(),
            value: other.to_string(),
            expected: "cv, vacancy, title, auto".into(),
        })),
    }
}

fn describe(taxonomy: &Taxonomy, text: &str, found: &Found, lang: &str) -> ExtractedConcept {
    let concept = taxonomy.concept(found.concept);
    ExtractedConcept {
        concept: ConceptRef::new(taxonomy, found.concept, lang),
        score: found.score,
        evidence: found.evidence.as_str().to_string(),
        matched_label: found
            .label
            .and_then(|i| concept.labels.get(i))
            .map(|l| l.text.clone()),
        borrowed_label: found.borrowed.and_then(|(lender, index)| {
            Some(BorrowedLabel {
                text: taxonomy.concept(lender).labels.get(index)?.text.clone(),
                concept: ConceptRef::new(taxonomy, lender, lang),
            })
        }),
        requirement: found.requirement.as_str().to_string(),
        spans: found
            .spans
            .iter()
            .map(|(start, end)| EvidenceSpan {
                start: *start,
                end: *end,
                text: text.get(*start..*end).unwrap_or("").to_string(),
            })
            .collect(),
    }
}

/// Extract skills and occupations from text.
#[utoipa::path(post, path = "/api/v1/extract", tag = "extraction", request_body = ExtractRequest,
    responses(
        (status = 200, description = "Extracted concepts, explained", body = ExtractResponse),
        (status = 400, description = "Empty text, bad JSON or an unknown kind", body = crate::error::Problem),
        (status = 413, description = "Text over the size limit", body = crate::error::Problem)))]
pub async fn extract(
    State(state): State<AppState>,
    body: Result<Json<ExtractRequest>, JsonRejection>,
) -> Result<Json<ExtractResponse>, ApiError> {
    let Json(request) =
        body.map_err(|e| ApiError::bad_request(Message::BadRequest(e.body_text())))?;
    let kind = parse_kind(request.kind.as_deref())?;
    Ok(Json(
        run(&state, request.text, kind, request.lang, request.source).await?,
    ))
}

/// The index of the classification `name` among the taxonomy's sources, or a 400 naming
/// the sources there are.
fn source_index(taxonomy: &Taxonomy, name: &str) -> Result<u16, ApiError> {
    taxonomy.source_index(name).ok_or_else(|| {
        ApiError::bad_request(Message::UnknownValue {
            field: "source".into(),
            value: name.to_string(),
            expected: taxonomy
                .sources()
                .iter()
                .map(|s| s.source.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
    })
}

/// Sets its flag when dropped: tells blocking work that its request was abandoned.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Extraction of `text` on the blocking pool, described in `lang` (default: the text's).
async fn run(
    state: &AppState,
    text: String,
    kind: TextKind,
    lang: Option<String>,
    source: Option<String>,
) -> Result<ExtractResponse, ApiError> {
    let (taxonomy, extractor) = state.extraction();
    let only = match source {
        None => None,
        Some(name) => Some(source_index(&taxonomy, &name)?),
    };
    let wanted = lang.clone();
    // When this future is dropped (the client went away, or the request timed out), the
    // guard raises the flag and the extraction on the blocking pool stops at its next check.
    let cancelled = Arc::new(AtomicBool::new(false));
    let _cancel_on_drop = CancelOnDrop(cancelled.clone());
    let (result, text) = tokio::task::spawn_blocking(move || {
        let keep =
            |c: openpes_taxonomy::ConceptId| only.is_none_or(|s| taxonomy.concept(c).source == s);
        let result = extractor.extract_where_cancellable(
            &taxonomy,
            &text,
            kind,
            wanted.as_deref(),
            &keep,
            &cancelled,
        );
        (result.map(|r| (r, taxonomy)), text)
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    let (result, taxonomy) = result.map_err(|e| match e {
        ExtractError::Empty => ApiError::bad_request(Message::EmptyText),
        ExtractError::TooLarge { limit, .. } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Message::TextTooLarge { limit },
        ),
        // Only seen when the request was abandoned: nobody reads this answer.
        ExtractError::Cancelled => ApiError::new(StatusCode::REQUEST_TIMEOUT, Message::Timeout),
    })?;
    let display = lang.as_deref().unwrap_or(&result.language).to_string();
    Ok(ExtractResponse {
        language: result.language.clone(),
        kind: result.kind.as_str().to_string(),
        skills: result
            .skills
            .iter()
            .map(|f| describe(&taxonomy, &text, f, &display))
            .collect(),
        occupations: result
            .occupations
            .iter()
            .map(|f| describe(&taxonomy, &text, f, &display))
            .collect(),
    })
}

/// Options of a file extraction.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileParams {
    /// `cv`, `vacancy`, `title` or `auto` (default).
    pub kind: Option<String>,
    /// Language of the text (default: detected), e.g. `en`, `zh-TW`.
    pub lang: Option<String>,
    /// Only concepts of this classification (a source key such as `esco` or `onet`).
    pub source: Option<String>,
}

/// The text read from a file and what was extracted from it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileExtractResponse {
    /// `pdf`, `docx` or `text`.
    pub format: String,
    /// The file's text, as extraction read it (spans point into it).
    pub text: String,
    #[serde(flatten)]
    pub extraction: ExtractResponse,
}

/// The text of an uploaded file (see [`openpes_app::documents::file_text`]).
async fn file_text(
    state: &AppState,
    bytes: axum::body::Bytes,
) -> Result<(DocumentFormat, String), ApiError> {
    Ok(openpes_app::documents::file_text(state, bytes).await?)
}

/// Extract skills and occupations from a file: a CV or vacancy as PDF (its text layer), DOCX
/// or plain text, sent as the request body (the format is recognised from the bytes).
#[utoipa::path(post, path = "/api/v1/extract/file", tag = "extraction", params(FileParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The file (PDF, DOCX or UTF-8 text), at most 10 MiB"),
    responses(
        (status = 200, description = "The file's text and the concepts in it", body = FileExtractResponse),
        (status = 413, description = "File or text over the size limit", body = crate::error::Problem),
        (status = 415, description = "A format that is not read (old .doc, RTF, images)", body = crate::error::Problem),
        (status = 422, description = "A damaged file, or one without text (scanned)", body = crate::error::Problem)))]
pub async fn extract_file(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<FileParams>,
    body: axum::body::Bytes,
) -> Result<Json<FileExtractResponse>, ApiError> {
    let kind = parse_kind(params.kind.as_deref())?;
    let (format, text) = file_text(&state, body).await?;
    let extraction = run(&state, text.clone(), kind, params.lang, params.source).await?;
    Ok(Json(FileExtractResponse {
        format: format.as_str().to_string(),
        text,
        extraction,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openpes_extract::Extractor;
    use openpes_taxonomy::{
        ConceptKind, ConceptRecord, Dataset, LabelKind, RelationKind, RelationRecord,
    };

    #[test]
    fn a_title_lent_by_a_linked_classification_is_shown_with_its_occupation() {
        let starter = match openpes_taxonomy::starter::starter_dataset() {
            Ok(dataset) => dataset,
            Err(e) => panic!("starter taxonomy: {e}"),
        };
        let Some(forklift) = starter
            .concepts
            .iter()
            .find(|c| c.uri.ends_with("occupation/forklift-driver"))
            .map(|c| c.uri.clone())
        else {
            panic!("the starter taxonomy has a forklift driver");
        };
        let mut linked = Dataset::new("partner", "1");
        let mut wrangler = ConceptRecord::new("urn:partner:wrangler", ConceptKind::Occupation);
        wrangler.add_label("en", LabelKind::Preferred, "Tine Wrangler");
        linked.concepts.push(wrangler);
        linked.relations.push(RelationRecord {
            from: "urn:partner:wrangler".into(),
            to: forklift.clone(),
            kind: RelationKind::ExactMatch,
            weight: None,
        });
        let taxonomy = match Taxonomy::build(vec![starter, linked]) {
            Ok((taxonomy, _)) => taxonomy,
            Err(e) => panic!("linked taxonomy: {e}"),
        };
        let extractor = Extractor::build(&taxonomy, "en");
        let text = "Tine wrangler";
        let extraction = match extractor.extract(&taxonomy, text, TextKind::Title, Some("en")) {
            Ok(extraction) => extraction,
            Err(e) => panic!("extract: {e}"),
        };
        let Some(found) = extraction
            .occupations
            .iter()
            .find(|f| taxonomy.concept(f.concept).uri == forklift)
        else {
            panic!("forklift driver not found: {extraction:?}");
        };
        let json = match serde_json::to_value(describe(&taxonomy, text, found, "en")) {
            Ok(json) => json,
            Err(e) => panic!("serialise: {e}"),
        };
        assert_eq!(json["borrowed_label"]["text"], "Tine Wrangler", "{json}");
        assert_eq!(
            json["borrowed_label"]["concept"]["uri"], "urn:partner:wrangler",
            "{json}"
        );
        assert_eq!(json["evidence"], "similar_text");
        assert_eq!(json["spans"][0]["text"], text);
    }
}
