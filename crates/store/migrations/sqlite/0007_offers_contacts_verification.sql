-- Job offers that count for benefits, contacts that do not, and employer verification.
--
-- A referral is a job or training offer recorded by the service: by a caseworker (counts at
-- once, `confirmed`) or proposed by an employer (`proposed` until the seeker or a caseworker
-- confirms or declines it). Only `confirmed` referrals are offers to the benefit rules. Rows
-- stored before this migration (the web "contact" button stored them) have no recorder and
-- become proposals, so they no longer count until someone confirms them.
ALTER TABLE referrals ADD COLUMN recorded_by TEXT;          -- user id; NULL before 0007
ALTER TABLE referrals ADD COLUMN recorded_role TEXT;        -- caseworker | admin | employer
ALTER TABLE referrals ADD COLUMN employer_id TEXT;          -- the offering employer (job)
ALTER TABLE referrals ADD COLUMN status TEXT NOT NULL DEFAULT 'proposed'; -- proposed | confirmed | declined
ALTER TABLE referrals ADD COLUMN confirmed_by TEXT;         -- who confirmed or declined
ALTER TABLE referrals ADD COLUMN confirmed_role TEXT;       -- seeker | caseworker | admin
ALTER TABLE referrals ADD COLUMN confirmed_at TEXT;

-- An employer's contact with a candidate about a vacancy: a message, never an offer.
CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    employer_id  TEXT NOT NULL,
    vacancy_id   TEXT NOT NULL,
    seeker_id    TEXT NOT NULL,
    contacted_by TEXT NOT NULL,                -- user id
    contacted_at TEXT NOT NULL,                -- RFC 3339, UTC
    UNIQUE (vacancy_id, seeker_id)
);
CREATE INDEX contacts_employer ON contacts(employer_id, contacted_at);
CREATE INDEX contacts_seeker ON contacts(seeker_id, contacted_at);

-- Staff approval of an employer organisation. No row: not verified.
CREATE TABLE employer_verifications (
    employer_id TEXT PRIMARY KEY,
    verified    INTEGER NOT NULL,              -- 1 approved, 0 approval withdrawn
    decided_by  TEXT NOT NULL,                 -- user id ('system' for the demo set-up)
    decided_at  TEXT NOT NULL
);
