-- Self-registration completes through an e-mail confirmation link, so that registering never
-- tells whether an address has an account. A registration waits here until its link is used
-- (once, within its validity); the link's secret is kept only as its SHA-256 (`token_digest`),
-- the password only as its argon2id hash. Expired rows are purged as new ones arrive.
CREATE TABLE pending_registrations (
    token_digest        TEXT PRIMARY KEY,
    email               TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    role                TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    organisation        TEXT,
    registration_number TEXT,
    language            TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    expires_at          TEXT NOT NULL
);
CREATE INDEX pending_registrations_expires ON pending_registrations (expires_at);
