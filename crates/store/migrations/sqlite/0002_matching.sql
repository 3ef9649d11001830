-- Matching records: employers, job seekers and vacancies, each stored whole as a JSON
-- document (validated by openpes-matching before it gets here) with the columns queries need
-- beside it. Every change to a vacancy appends to vacancy_changes, the change feed other
-- job boards mirror from.
CREATE TABLE employers (
    id         TEXT PRIMARY KEY,
    document   TEXT NOT NULL,
    updated_at TEXT NOT NULL              -- RFC 3339, UTC
);

CREATE TABLE seekers (
    id         TEXT PRIMARY KEY,
    searchable INTEGER NOT NULL,          -- 1 when the seeker consented to be found
    document   TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE vacancies (
    id         TEXT PRIMARY KEY,
    employer   TEXT NOT NULL,
    status     TEXT NOT NULL,
    posted     TEXT NOT NULL,             -- ISO date
    document   TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX vacancies_employer ON vacancies(employer);

CREATE TABLE vacancy_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    vacancy_id TEXT NOT NULL,
    change     TEXT NOT NULL,             -- 'upsert' or 'delete'
    at         TEXT NOT NULL
);
