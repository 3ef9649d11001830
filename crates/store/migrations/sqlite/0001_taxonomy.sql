-- Taxonomy: one row per imported source (dataset), its concepts, labels, descriptions,
-- crosswalk codes and relations. Relations refer to concepts by URI and may cross sources.
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
    reuse_level TEXT
);
CREATE INDEX taxonomy_concepts_source ON taxonomy_concepts(source, seq);

CREATE TABLE taxonomy_labels (
    source TEXT NOT NULL REFERENCES taxonomy_sources(source) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,             -- concept order within the source
    ord    INTEGER NOT NULL,             -- position within the concept
    lang   TEXT NOT NULL,
    kind   TEXT NOT NULL,
    text   TEXT NOT NULL
);
CREATE INDEX taxonomy_labels_source ON taxonomy_labels(source, seq, ord);

CREATE TABLE taxonomy_descriptions (
    source TEXT NOT NULL REFERENCES taxonomy_sources(source) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    ord    INTEGER NOT NULL,             -- position within the concept
    lang   TEXT NOT NULL,
    text   TEXT NOT NULL
);
CREATE INDEX taxonomy_descriptions_source ON taxonomy_descriptions(source, seq, ord);

CREATE TABLE taxonomy_codes (
    source TEXT NOT NULL REFERENCES taxonomy_sources(source) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    ord    INTEGER NOT NULL,             -- position within the concept
    system TEXT NOT NULL,
    code   TEXT NOT NULL
);
CREATE INDEX taxonomy_codes_source ON taxonomy_codes(source, seq, ord);

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
