-- People and access: offices, user accounts with their role and bindings (a seeker record,
-- an employer organisation, an office), login sessions, API tokens, password resets, the
-- mail outbox, caseloads and case notes, and the append-only audit log of every read or
-- change of personal data.
CREATE TABLE offices (
    id      TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,     -- lower-cased
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,            -- seeker | employer | caseworker | analyst | admin
    password_hash TEXT NOT NULL,            -- argon2id, PHC string
    seeker_id     TEXT,                     -- role seeker: the seeker record
    employer_id   TEXT,                     -- role employer: the organisation
    office_id     TEXT REFERENCES offices(id),
    language      TEXT NOT NULL,            -- zh-TW | en
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX users_seeker ON users(seeker_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,            -- SHA-256 of the cookie value
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,        -- SHA-256 of the token
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    scopes     TEXT NOT NULL,               -- space-separated
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE caseload (
    seeker_id     TEXT PRIMARY KEY,
    caseworker_id TEXT NOT NULL REFERENCES users(id),
    assigned_at   TEXT NOT NULL
);
CREATE INDEX caseload_caseworker ON caseload(caseworker_id);

CREATE TABLE case_notes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    seeker_id  TEXT NOT NULL,
    author_id  TEXT NOT NULL REFERENCES users(id),
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX case_notes_seeker ON case_notes(seeker_id);

CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    actor_id     TEXT,                      -- NULL: not signed in
    actor_role   TEXT NOT NULL,
    action       TEXT NOT NULL,             -- read | create | update | delete | login | …
    subject_kind TEXT NOT NULL,             -- seeker | user | note | token | …
    subject_id   TEXT NOT NULL,
    seeker_id    TEXT,                      -- whose personal data, when a seeker's
    purpose      TEXT NOT NULL,             -- why (the route or the stated reason)
    request_id   TEXT NOT NULL
);
CREATE INDEX audit_seeker ON audit_log(seeker_id, seq);
CREATE INDEX audit_actor ON audit_log(actor_id, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
