-- Benefits: job-search registrations and referrals (our own registers), insurance records
-- imported from CSV, benefit claims and the append-only log of their decisions.
CREATE TABLE job_search_registrations (
    seeker_id     TEXT PRIMARY KEY,
    registered_on TEXT NOT NULL,              -- ISO date
    recorded_at   TEXT NOT NULL
);

CREATE TABLE referrals (
    id         BIGSERIAL PRIMARY KEY,
    seeker_id  TEXT NOT NULL,
    kind       TEXT NOT NULL,                 -- job | training
    offered_on TEXT NOT NULL,                 -- ISO date
    reference  TEXT NOT NULL,                 -- vacancy or course id
    created_at TEXT NOT NULL
);
CREATE INDEX referrals_seeker ON referrals(seeker_id, offered_on);

CREATE TABLE insurance_records (
    id                BIGSERIAL PRIMARY KEY,
    import_id         TEXT NOT NULL,
    person_id         TEXT NOT NULL,
    jurisdiction      TEXT NOT NULL,
    kind              TEXT NOT NULL,          -- coverage | salary | contribution
    start_date        TEXT,
    end_date          TEXT,
    month             TEXT,
    amount            TEXT,                   -- exact decimal as text
    contract          TEXT,                   -- open | fixed_term (coverage rows)
    separation_reason TEXT,
    record_id         TEXT NOT NULL,
    imported_at       TEXT NOT NULL,
    UNIQUE (jurisdiction, record_id)
);
CREATE INDEX insurance_person ON insurance_records(person_id, jurisdiction);

CREATE TABLE benefit_claims (
    id         TEXT PRIMARY KEY,
    seeker_id  TEXT NOT NULL,
    program    TEXT NOT NULL,
    status     TEXT NOT NULL,                 -- waiting | review | decided
    declared   TEXT NOT NULL,                 -- JSON: the claimant's declaration
    supplied   TEXT NOT NULL,                 -- JSON: facts added by caseworkers, with sources
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX benefit_claims_status ON benefit_claims(status, created_at);
CREATE INDEX benefit_claims_seeker ON benefit_claims(seeker_id, created_at);

CREATE TABLE benefit_decisions (
    seq           BIGSERIAL PRIMARY KEY,
    claim_id      TEXT NOT NULL REFERENCES benefit_claims(id),
    decided_at    TEXT NOT NULL,
    kind          TEXT NOT NULL,              -- automated | waiting | referred | caseworker
    decided_by    TEXT,                       -- the caseworker; NULL when automated
    outcome       TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    facts         TEXT NOT NULL,              -- JSON: the facts used, with their sources
    determination TEXT NOT NULL,              -- JSON: outcome, outputs, reasons, trace
    letter_zh     TEXT NOT NULL,
    letter_en     TEXT NOT NULL
);
CREATE INDEX benefit_decisions_claim ON benefit_decisions(claim_id, seq);

CREATE FUNCTION benefit_decisions_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'benefit decisions are append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER benefit_decisions_no_change BEFORE UPDATE OR DELETE ON benefit_decisions
FOR EACH ROW EXECUTE FUNCTION benefit_decisions_append_only();
