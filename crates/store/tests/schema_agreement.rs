//! The hand-kept migrations under `migrations/sqlite` and `migrations/postgres` build the same
//! schema: the same tables, the same columns per table, the same nullability. Needs
//! `OPENPES_TEST_DATABASE_URL` (a PostgreSQL server); without it the test says why and passes,
//! except on CI (`CI=true`), where it fails.

use openpes_store::testing::{create_postgres_database, TEST_DATABASE_URL_VAR};
use openpes_store::Store;
use sqlx::{AnyConnection, Connection, Row};
use std::collections::{BTreeMap, BTreeSet};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Table → column → whether the column refuses NULL.
type Schema = BTreeMap<String, BTreeMap<String, bool>>;

async fn sqlite_schema(url: &str) -> Result<Schema, sqlx::Error> {
    let mut conn = AnyConnection::connect(url).await?;
    let rows = sqlx::query(
        "SELECT m.name AS table_name, p.name AS column_name, p.\"notnull\" AS not_null, \
                p.pk AS pk \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
           AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await?;
    conn.close().await?;
    let mut schema = Schema::new();
    for row in rows {
        let table: String = row.try_get("table_name")?;
        let column: String = row.try_get("column_name")?;
        let not_null: i64 = row.try_get("not_null")?;
        let pk: i64 = row.try_get("pk")?;
        // Known difference, kept on purpose: PostgreSQL makes every PRIMARY KEY column NOT NULL,
        // SQLite reports them nullable unless declared NOT NULL. An INTEGER PRIMARY KEY is the
        // rowid and cannot be NULL; other SQLite primary key columns would accept NULL (a
        // legacy SQLite quirk), but the store always writes them, and making them NOT NULL
        // would mean rebuilding those tables. So a primary key column counts as NOT NULL.
        schema
            .entry(table)
            .or_default()
            .insert(column, not_null != 0 || pk != 0);
    }
    Ok(schema)
}

async fn postgres_schema(url: &str) -> Result<Schema, sqlx::Error> {
    let mut conn = AnyConnection::connect(url).await?;
    let rows = sqlx::query(
        "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, \
                c.is_nullable::text AS is_nullable \
         FROM information_schema.columns c \
         JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
           AND c.table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await?;
    conn.close().await?;
    let mut schema = Schema::new();
    for row in rows {
        let table: String = row.try_get("table_name")?;
        let column: String = row.try_get("column_name")?;
        let nullable: String = row.try_get("is_nullable")?;
        schema
            .entry(table)
            .or_default()
            .insert(column, nullable == "NO");
    }
    Ok(schema)
}

/// Every way the two schemas differ, one line each.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut found = Vec::new();
    let tables: BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    for table in tables {
        let (Some(s), Some(p)) = (sqlite.get(table), postgres.get(table)) else {
            let only = if sqlite.contains_key(table) {
                "SQLite"
            } else {
                "PostgreSQL"
            };
            found.push(format!("table {table} exists only on {only}"));
            continue;
        };
        let columns: BTreeSet<&String> = s.keys().chain(p.keys()).collect();
        for column in columns {
            match (s.get(column), p.get(column)) {
                (Some(a), Some(b)) if a != b => found.push(format!(
                    "{table}.{column} is {} on SQLite but {} on PostgreSQL",
                    if *a { "NOT NULL" } else { "nullable" },
                    if *b { "NOT NULL" } else { "nullable" },
                )),
                (Some(_), None) => found.push(format!("{table}.{column} exists only on SQLite")),
                (None, Some(_)) => {
                    found.push(format!("{table}.{column} exists only on PostgreSQL"))
                }
                _ => {}
            }
        }
    }
    found
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_build_the_same_schema() -> TestResult {
    let base = match std::env::var(TEST_DATABASE_URL_VAR) {
        Ok(base) if !base.is_empty() => base,
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{TEST_DATABASE_URL_VAR} must name a PostgreSQL server on CI"
            );
            eprintln!("PostgreSQL not configured ({TEST_DATABASE_URL_VAR}); schemas not compared");
            return Ok(());
        }
    };
    let dir = tempfile::tempdir()?;
    let sqlite = Store::connect(&Store::sqlite_url_in(dir.path())).await?;
    let postgres = Store::connect(&create_postgres_database(&base).await?).await?;

    let sqlite_schema = sqlite_schema(sqlite.url()).await?;
    let postgres_schema = postgres_schema(postgres.url()).await?;
    sqlite.close().await;
    postgres.close().await;

    assert!(
        !sqlite_schema.is_empty(),
        "no tables found on SQLite: is the query wrong?"
    );
    let found = differences(&sqlite_schema, &postgres_schema);
    assert!(
        found.is_empty(),
        "the SQLite and PostgreSQL migrations disagree:\n  {}",
        found.join("\n  ")
    );
    Ok(())
}

#[test]
fn differences_name_missing_tables_columns_and_nullability() {
    let schema = |entries: &[(&str, &str, bool)]| {
        let mut s = Schema::new();
        for (t, c, n) in entries {
            s.entry(t.to_string())
                .or_default()
                .insert(c.to_string(), *n);
        }
        s
    };
    let sqlite = schema(&[("a", "x", true), ("a", "y", false), ("b", "z", true)]);
    let postgres = schema(&[("a", "x", false), ("a", "w", false), ("c", "z", true)]);
    assert_eq!(
        differences(&sqlite, &postgres),
        vec![
            "a.w exists only on PostgreSQL",
            "a.x is NOT NULL on SQLite but nullable on PostgreSQL",
            "a.y exists only on SQLite",
            "table b exists only on SQLite",
            "table c exists only on PostgreSQL",
        ]
    );
    assert!(differences(&sqlite, &sqlite).is_empty());
}
