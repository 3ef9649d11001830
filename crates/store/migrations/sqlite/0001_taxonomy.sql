-- Taxonomy: one row per imported source (dataset); one row per concept holding its labels,
-- descriptions and crosswalk codes as JSON documents (read whole, never queried piecemeal);
-- one row per relation. Relations refer to concepts by URI and may cross sources.
CREATE TABLE taxonomy_sources (
    source       TEXT PRIMARY KEY,
    version      TEXT NOT NULL,
    title        TEXT NOT NULL,          -- JSON object: language → title
    content_hash TEXT NOT NULL,
    counts       TEXT NOT NULL,          -- JSON object of counts
    imported_at  TEXT NOT NULL           -- RFC 3339, UTC
);

CREATE TABLE taxonomy_concepts (
    uri         TEXT PRIMARY KEY,
    source      TEXT NOT NULL REFERENCES taxonomy_sources(source) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,        -- order within the source
    kind        TEXT NOT NULL,
    code        TEXT,
    skill_type  TEXT,
    reuse_level TEXT,
    labels       TEXT NOT NULL,      -- JSON array of {lang, kind, text}, in order
    descriptions TEXT NOT NULL,      -- JSON array of {lang, text}
    codes        TEXT NOT NULL       -- JSON array of {system, code} (crosswalk codes)
);
CREATE INDEX taxonomy_concepts_source ON taxonomy_concepts(source, seq);

CREATE TABLE taxonomy_relations (
    source   TEXT NOT NULL REFERENCES taxonomy_sources(source) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,           -- order within the source
    from_uri TEXT NOT NULL,
    to_uri   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    weight   REAL
);
CREATE INDEX taxonomy_relations_source ON taxonomy_relations(source, seq);

-- Every import attempt, successful or not, for the administrator's import status page.
CREATE TABLE taxonomy_imports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source       TEXT NOT NULL,
    version      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    outcome      TEXT NOT NULL,          -- imported | unchanged
    replaced     TEXT,                   -- sources removed by this import (JSON array)
    finished_at  TEXT NOT NULL
);
