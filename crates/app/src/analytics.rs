//! Aggregate statistics for analysts: never an individual. Counts of seekers and of open
//! vacancies by region and by occupation group, each passed through the disclosure rule
//! ([`openpes_labour_market::publish`]) before anyone sees it.

use crate::access::{self, Action};
use crate::auth::Caller;
use crate::error::AppError;
use crate::words::UiLang;
use crate::App;
use openpes_labour_market::{publish, Published};
use openpes_matching::search::{SearchFilters, SearchQuery, SortOrder, TextQuery};

/// One labelled count, as it may be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// What is counted (a region or an occupation group), in the reader's language.
    pub label: String,
    pub count: Published,
}

/// Aggregates over the whole service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub seekers: usize,
    /// Seekers who consented to be found by employers.
    pub seekers_findable: usize,
    pub open_vacancies: usize,
    pub vacancies_by_region: Vec<Cell>,
    pub vacancies_by_occupation_group: Vec<Cell>,
}

/// The summary, for callers entitled to aggregates, labelled in `lang`.
pub async fn summary(app: &App, caller: &Caller, lang: UiLang) -> Result<Summary, AppError> {
    access::authorize_system(caller, Action::ReadAggregates)?;
    let (seekers, findable) = app.store().seeker_counts().await?;
    let today = app.now().date_naive();
    let (open, regions, groups) = app
        .with_index(move |index| {
            let query = SearchQuery {
                text: TextQuery::default(),
                filters: SearchFilters::default(),
                sort: SortOrder::Date,
                after: None,
                limit: 1,
                today,
            };
            let page = index.search(&query).map_err(|e| AppError::internal(&e))?;
            let places = index.gazetteer().places();
            let regions: Vec<Cell> = page
                .facets
                .regions
                .iter()
                .filter_map(|(position, count)| {
                    let place = places.get(*position)?;
                    Some(Cell {
                        label: match lang {
                            UiLang::En => place.name_en.clone(),
                            UiLang::ZhTw => place.name_zh.clone(),
                        },
                        count: publish(*count),
                    })
                })
                .collect();
            let taxonomy = index.taxonomy();
            let groups: Vec<Cell> = page
                .facets
                .occupation_groups
                .iter()
                .map(|(group, count)| Cell {
                    label: taxonomy.preferred_label(*group, lang.tag()).to_string(),
                    count: publish(*count),
                })
                .collect();
            Ok::<_, AppError>((page.total, regions, groups))
        })
        .await??;
    Ok(Summary {
        seekers: usize::try_from(seekers).unwrap_or(0),
        seekers_findable: usize::try_from(findable).unwrap_or(0),
        open_vacancies: open,
        vacancies_by_region: regions,
        vacancies_by_occupation_group: groups,
    })
}

/// One count as it is published: the count, or its suppression.
#[derive(Debug, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Cell))]
pub struct CellView {
    /// What is counted (a region or an occupation group), labelled.
    pub label: String,
    /// The count; absent when below the small-cell threshold.
    pub count: Option<usize>,
    pub suppressed: bool,
}

/// Aggregates over the whole service, as they are published.
#[derive(Debug, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Summary))]
pub struct SummaryView {
    pub seekers: usize,
    /// Seekers who consented to be found by employers.
    pub seekers_findable: usize,
    pub open_vacancies: usize,
    pub vacancies_by_region: Vec<CellView>,
    pub vacancies_by_occupation_group: Vec<CellView>,
    /// Counts below this are suppressed.
    pub small_cell_threshold: usize,
}

/// The summary as the API and the analyst page show it, small cells suppressed.
pub async fn summary_view(
    app: &App,
    caller: &Caller,
    lang: UiLang,
) -> Result<SummaryView, AppError> {
    let summary = summary(app, caller, lang).await?;
    let cells = |cells: Vec<Cell>| -> Vec<CellView> {
        cells
            .into_iter()
            .map(|c| CellView {
                label: c.label,
                count: c.count.count(),
                suppressed: c.count.is_suppressed(),
            })
            .collect()
    };
    Ok(SummaryView {
        seekers: summary.seekers,
        seekers_findable: summary.seekers_findable,
        open_vacancies: summary.open_vacancies,
        vacancies_by_region: cells(summary.vacancies_by_region),
        vacancies_by_occupation_group: cells(summary.vacancies_by_occupation_group),
        small_cell_threshold: openpes_labour_market::SMALL_CELL,
    })
}
