-- Job seekers' saved vacancies and applications. An application keeps the employer's id so
-- that the employer still sees it when the vacancy is deleted; every status of every
-- application is appended to `application_history`, which the database refuses to change.
CREATE TABLE saved_vacancies (
    seeker_id  TEXT NOT NULL,
    vacancy_id TEXT NOT NULL,
    saved_at   TEXT NOT NULL,             -- RFC 3339, UTC
    PRIMARY KEY (seeker_id, vacancy_id)
);

CREATE TABLE applications (
    id          TEXT PRIMARY KEY,
    seeker_id   TEXT NOT NULL,
    vacancy_id  TEXT NOT NULL,
    employer_id TEXT NOT NULL,
    status      TEXT NOT NULL,            -- applied | viewed | interview | offer | hired | rejected | withdrawn
    note        TEXT NOT NULL,            -- the seeker's message to the employer
    version     INTEGER NOT NULL,         -- 1 when created, +1 per status change
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,            -- user id
    UNIQUE (seeker_id, vacancy_id)
);
CREATE INDEX applications_vacancy ON applications(vacancy_id, created_at);

CREATE TABLE application_history (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id TEXT NOT NULL,
    version        INTEGER NOT NULL,
    status         TEXT NOT NULL,
    comment        TEXT NOT NULL,         -- why the status changed (may be empty)
    changed_by     TEXT NOT NULL,
    changed_at     TEXT NOT NULL
);
CREATE INDEX application_history_of ON application_history(application_id, seq);

CREATE TRIGGER application_history_no_update BEFORE UPDATE ON application_history
BEGIN SELECT RAISE(ABORT, 'application history is append-only'); END;
CREATE TRIGGER application_history_no_delete BEFORE DELETE ON application_history
BEGIN SELECT RAISE(ABORT, 'application history is append-only'); END;
