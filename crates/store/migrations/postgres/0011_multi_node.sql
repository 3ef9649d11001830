-- Several nodes over one database (issue 19).
--
-- change_log: every change to a record that a node holds in memory (vacancies, seekers,
-- employers, courses, taxonomy sources), appended in the same transaction as the change.
-- `seq` comes from change_log_head, bumped as the last statement before the commit: the row
-- lock on the head serialises the bump, so seq order is commit order and a reader that has
-- seen seq N has seen every change below N (the log cannot skip). `origin` names the node
-- that wrote it, so a node can skip what it has already applied.
CREATE TABLE change_log (
    seq       BIGINT PRIMARY KEY,
    kind      TEXT NOT NULL,              -- vacancy | seeker | employer | course | taxonomy
    record_id TEXT NOT NULL,
    change    TEXT NOT NULL,              -- upsert | delete
    origin    TEXT NOT NULL,
    at        TEXT NOT NULL               -- RFC 3339, UTC
);
CREATE INDEX change_log_kind ON change_log(kind, seq);

CREATE TABLE change_log_head (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);

-- The vacancy feed so far keeps its cursors.
INSERT INTO change_log (seq, kind, record_id, change, origin, at)
    SELECT seq, 'vacancy', vacancy_id, change, '', at FROM vacancy_changes;
INSERT INTO change_log_head (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM vacancy_changes;
DROP TABLE vacancy_changes;

-- A claim's version grows with each decision; a decision names the version it was based on,
-- and one version gets one decision (a second is refused).
ALTER TABLE benefit_claims ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE benefit_decisions ADD COLUMN claim_version BIGINT;
CREATE UNIQUE INDEX benefit_decisions_once ON benefit_decisions(claim_id, claim_version);

-- Scheduled work that runs once across nodes: a node runs a job only when it moves
-- next_run_at forward itself.
CREATE TABLE scheduled_jobs (
    job         TEXT PRIMARY KEY,
    next_run_at TEXT NOT NULL,            -- RFC 3339, UTC
    last_run_by TEXT
);

-- Short-lived exclusive leases (first-start seeding): one holder until it lets go or expires.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL              -- RFC 3339, UTC
);

-- Failed sign-ins, shared by every node. `key` is a digest of (address, source) or of a
-- source; times are milliseconds since 1970.
CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT
);
