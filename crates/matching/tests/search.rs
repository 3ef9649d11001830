//! Vacancy search over generated demo vacancies on the starter taxonomy: every filter holds for
//! every hit and nothing that passes is missed (checked against a brute-force scan of the
//! records), facets count all hits, cursor pages join up to exactly the one-page answer, and a
//! text query ranks its own occupation first with relevance parts that add up.

use chrono::{Days, NaiveDate};
use openpes_matching::demo::{generate, DemoOptions};
use openpes_matching::search::{SearchFilters, SearchQuery, SortOrder, TextQuery};
use openpes_matching::{ContractType, Gazetteer, MatchIndex, Vacancy, WorkingTime};
use openpes_taxonomy::{starter::starter_dataset, ConceptKind, Taxonomy};
use proptest::prelude::*;
use std::sync::{Arc, OnceLock};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default()
}

struct Fixture {
    index: MatchIndex,
    vacancies: Vec<Vacancy>,
    gazetteer: Gazetteer,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dataset = starter_dataset().expect("the starter taxonomy parses");
        let taxonomy = Arc::new(Taxonomy::build(vec![dataset]).expect("it builds").0);
        let gazetteer = Gazetteer::taiwan().expect("the built-in gazetteer loads");
        let data = generate(
            &taxonomy,
            &gazetteer,
            DemoOptions {
                seekers: 0,
                vacancies: 400,
                seed: 7,
                today: today(),
            },
        )
        .expect("demo data");
        let mut index = MatchIndex::new(taxonomy);
        for v in &data.vacancies {
            index.upsert_vacancy(v).expect("demo vacancies are valid");
        }
        Fixture {
            index,
            vacancies: data.vacancies,
            gazetteer,
        }
    })
}

fn search(filters: SearchFilters, sort: SortOrder, limit: usize) -> SearchQuery {
    SearchQuery {
        text: TextQuery::default(),
        filters,
        sort,
        after: None,
        limit,
        today: today(),
    }
}

/// Every hit of every page, following the cursors.
fn all_pages(index: &MatchIndex, mut query: SearchQuery) -> Result<Vec<String>, String> {
    let mut ids = Vec::new();
    for _ in 0..1000 {
        let page = index.search(&query).map_err(|e| e.to_string())?;
        ids.extend(page.hits.iter().map(|h| h.id.clone()));
        match page.next {
            Some(next) => query.after = Some(next),
            None => return Ok(ids),
        }
    }
    Err("pagination did not end".into())
}

/// The records a filter set should let through, by brute force over the records themselves.
fn expected(f: &Fixture, filters: &SearchFilters) -> Vec<String> {
    let mut ids: Vec<String> = f
        .vacancies
        .iter()
        .filter(|v| v.is_open_on(today()))
        .filter(|v| filters.contracts.is_empty() || filters.contracts.contains(&v.contract))
        .filter(|v| {
            filters.working_times.is_empty() || filters.working_times.contains(&v.working_time)
        })
        .filter(|v| {
            filters
                .min_salary
                .is_none_or(|min| v.salary_max.or(v.salary_min).is_some_and(|s| s >= min))
        })
        .filter(|v| filters.posted_since.is_none_or(|d| v.posted >= d))
        .filter(|v| {
            filters.places.is_empty()
                || filters.places.iter().any(|p| {
                    let code = &f.gazetteer.places()[*p].code;
                    v.place
                        .as_deref()
                        .is_some_and(|place| f.gazetteer.within(place, code))
                })
        })
        .map(|v| v.id.clone())
        .collect();
    ids.sort();
    ids
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5ea4_c400),
        ..ProptestConfig::default()
    })]

    /// Whatever the filters, the hits are exactly the records that pass them, the facets
    /// count every hit, and paging by cursor gives the one-page answer in the same order.
    #[test]
    fn filters_facets_and_pages_agree_with_a_brute_force_scan(
        contract in proptest::option::of(0usize..3),
        part_time in proptest::option::of(any::<bool>()),
        min_salary in proptest::option::of(25_000u32..60_000),
        posted_days_ago in proptest::option::of(0u64..30),
        county in proptest::option::of(0usize..22),
        by_date in any::<bool>(),
        page_size in 1usize..40,
    ) {
        let f = fixture();
        let counties: Vec<usize> = f.gazetteer.places().iter().enumerate()
            .filter(|(_, p)| p.level == "county").map(|(i, _)| i).collect();
        let filters = SearchFilters {
            contracts: contract.map(|c| [ContractType::Permanent, ContractType::FixedTerm,
                ContractType::Temporary][c]).into_iter().collect(),
            working_times: part_time.map(|p| if p { WorkingTime::PartTime }
                else { WorkingTime::FullTime }).into_iter().collect(),
            min_salary,
            posted_since: posted_days_ago.and_then(|d| today().checked_sub_days(Days::new(d))),
            places: county.and_then(|c| counties.get(c).copied()).into_iter().collect(),
            ..SearchFilters::default()
        };
        let sort = if by_date { SortOrder::Date } else { SortOrder::Relevance };
        let want = expected(f, &filters);

        let one_page = f.index.search(&search(filters.clone(), sort, 10_000))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(one_page.total, want.len());
        prop_assert!(one_page.next.is_none());
        let mut got: Vec<String> = one_page.hits.iter().map(|h| h.id.clone()).collect();
        let in_order = got.clone();
        got.sort();
        prop_assert_eq!(&got, &want);
        for (name, facet) in [
            ("groups", one_page.facets.occupation_groups.iter().map(|(_, n)| n).sum::<usize>()),
            ("contracts", one_page.facets.contracts.iter().map(|(_, n)| n).sum()),
        ] {
            prop_assert_eq!(facet, want.len(), "facet {} does not count every hit", name);
        }
        if by_date {
            prop_assert!(one_page.hits.windows(2).all(|w| w[0].posted >= w[1].posted));
        }

        let paged = all_pages(&f.index, search(filters, sort, page_size))
            .map_err(TestCaseError::fail)?;
        prop_assert_eq!(paged, in_order);
    }
}

#[test]
fn a_text_query_ranks_its_occupation_first_with_parts_that_add_up() -> TestResult {
    let f = fixture();
    let taxonomy = f.index.taxonomy();
    let target = f
        .vacancies
        .iter()
        .find_map(|v| v.occupation.clone())
        .ok_or("no occupation")?;
    let occupation = taxonomy.by_uri(&target).ok_or("unknown occupation")?;
    let query = SearchQuery {
        text: TextQuery {
            occupations: vec![occupation],
            skills: vec![],
            words: vec![],
        },
        ..search(SearchFilters::default(), SortOrder::Relevance, 5)
    };
    let page = f.index.search(&query)?;
    let first = page.hits.first().ok_or("no hits")?;
    assert_eq!(first.occupation, Some(occupation));
    assert!((first.relevance - 1.0).abs() < 1e-6, "{}", first.relevance);
    for hit in &page.hits {
        let sum: f32 = hit.parts.iter().map(|p| p.points).sum();
        assert!((sum - hit.relevance).abs() < 1e-5, "{hit:?}");
    }
    // Every hit relates to the query; unrelated occupations are not hits.
    let same = f
        .vacancies
        .iter()
        .filter(|v| v.occupation.as_deref() == Some(target.as_str()) && v.is_open_on(today()))
        .count();
    assert!(page.total >= same);
    assert!(page.total < f.vacancies.len(), "{} hits", page.total);

    // Title words: a word of the first vacancy's title finds it.
    let word = first
        .title
        .split_whitespace()
        .next()
        .ok_or("empty title")?
        .to_string();
    let by_word = f.index.search(&SearchQuery {
        text: TextQuery {
            words: vec![word.clone()],
            ..TextQuery::default()
        },
        ..search(SearchFilters::default(), SortOrder::Relevance, 500)
    })?;
    assert!(
        by_word.hits.iter().any(|h| h.id == first.id),
        "'{word}' did not find {}",
        first.id
    );
    // Hits with the whole word come first (a CJK word counts character by character, so
    // other titles can share part of it); every hit shares some of it.
    let top = by_word.hits.first().ok_or("no hits for the word")?;
    assert!(top.title.to_lowercase().contains(&word.to_lowercase()));
    assert!((top.relevance - 1.0).abs() < 1e-6);
    let letters: Vec<char> = word.to_lowercase().chars().collect();
    assert!(
        by_word
            .hits
            .iter()
            .all(|h| h.relevance > 0.0
                && h.title.to_lowercase().chars().any(|c| letters.contains(&c)))
    );
    Ok(())
}

#[test]
fn occupation_group_and_skill_filters_follow_the_taxonomy() -> TestResult {
    let f = fixture();
    let taxonomy = f.index.taxonomy();
    let group = taxonomy
        .concepts()
        .iter()
        .find(|c| {
            c.kind != ConceptKind::Occupation
                && c.kind != ConceptKind::Skill
                && f.vacancies.iter().any(|v| {
                    v.occupation
                        .as_deref()
                        .and_then(|o| taxonomy.by_uri(o))
                        .is_some_and(|o| taxonomy.ancestors(o).contains(&c.id))
                })
        })
        .ok_or("no group with vacancies")?;
    let page = f.index.search(&search(
        SearchFilters {
            occupations: vec![group.id],
            ..SearchFilters::default()
        },
        SortOrder::Date,
        10_000,
    ))?;
    assert!(page.total > 0);
    for hit in &page.hits {
        let o = hit.occupation.ok_or("hit without occupation")?;
        assert!(taxonomy.ancestors(o).contains(&group.id), "{}", hit.id);
    }

    let skill_uri = f
        .vacancies
        .iter()
        .find_map(|v| v.essential_skills.first().cloned())
        .ok_or("no skill")?;
    let skill = taxonomy.by_uri(&skill_uri).ok_or("unknown skill")?;
    let page = f.index.search(&search(
        SearchFilters {
            skills: vec![skill],
            ..SearchFilters::default()
        },
        SortOrder::Date,
        10_000,
    ))?;
    let want = f
        .vacancies
        .iter()
        .filter(|v| {
            v.essential_skills.contains(&skill_uri) || v.optional_skills.contains(&skill_uri)
        })
        .count();
    assert_eq!(page.total, want);
    Ok(())
}

#[test]
fn a_bad_cursor_is_an_error_not_a_first_page() {
    let f = fixture();
    let mut query = search(SearchFilters::default(), SortOrder::Date, 5);
    query.after = Some("not-a-cursor".into());
    assert!(f.index.search(&query).is_err());
    // A cursor of the other order is refused too.
    let first = f
        .index
        .search(&search(SearchFilters::default(), SortOrder::Relevance, 5))
        .ok()
        .and_then(|p| p.next);
    query.after = first;
    assert!(f.index.search(&query).is_err());
}

#[test]
fn replaced_removed_and_compacted_vacancies_are_searched_as_they_now_are() -> TestResult {
    let f = fixture();
    let mut index = MatchIndex::new(Arc::clone(f.index.taxonomy()));
    for v in f.vacancies.iter().take(50) {
        index.upsert_vacancy(v)?;
    }
    let count = |index: &MatchIndex| -> Result<usize, String> {
        index
            .search(&search(SearchFilters::default(), SortOrder::Date, 100))
            .map(|p| p.total)
            .map_err(|e| e.to_string())
    };
    assert_eq!(count(&index)?, 50);
    let mut closed = f.vacancies[0].clone();
    closed.status = openpes_matching::VacancyStatus::Closed;
    index.upsert_vacancy(&closed)?;
    let mut moved = f.vacancies[2].clone();
    moved.contract = ContractType::Apprenticeship;
    index.upsert_vacancy(&moved)?;
    assert!(index.remove_vacancy(&f.vacancies[1].id));
    assert_eq!(count(&index)?, 48);
    let apprenticeships = |index: &MatchIndex| -> Result<Vec<String>, String> {
        index
            .search(&search(
                SearchFilters {
                    contracts: vec![ContractType::Apprenticeship],
                    ..SearchFilters::default()
                },
                SortOrder::Date,
                100,
            ))
            .map(|p| p.hits.into_iter().map(|h| h.id).collect())
            .map_err(|e| e.to_string())
    };
    let before = apprenticeships(&index)?;
    assert!(before.contains(&moved.id));
    index.compact();
    assert_eq!(count(&index)?, 48);
    assert_eq!(apprenticeships(&index)?, before);
    Ok(())
}
