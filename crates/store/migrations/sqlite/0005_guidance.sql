-- Guidance: the training catalog (courses stored whole as JSON documents, validated by
-- openpes-matching first) and seekers' action plans: the current steps, and an append-only
-- history of every version of every step (who changed it, when, to what).
CREATE TABLE courses (
    id         TEXT PRIMARY KEY,
    provider   TEXT NOT NULL,
    document   TEXT NOT NULL,
    updated_at TEXT NOT NULL              -- RFC 3339, UTC
);

CREATE TABLE action_steps (
    id         TEXT PRIMARY KEY,
    seeker_id  TEXT NOT NULL,
    version    INTEGER NOT NULL,          -- 1 when created, +1 per change
    document   TEXT NOT NULL,             -- the step as JSON
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL              -- user id
);
CREATE INDEX action_steps_seeker ON action_steps(seeker_id, created_at);

CREATE TABLE action_step_history (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    step_id    TEXT NOT NULL,
    seeker_id  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    change     TEXT NOT NULL,             -- created | updated
    document   TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX action_step_history_seeker ON action_step_history(seeker_id, seq);

CREATE TRIGGER action_step_history_no_update BEFORE UPDATE ON action_step_history
BEGIN SELECT RAISE(ABORT, 'action plan history is append-only'); END;
CREATE TRIGGER action_step_history_no_delete BEFORE DELETE ON action_step_history
BEGIN SELECT RAISE(ABORT, 'action plan history is append-only'); END;
