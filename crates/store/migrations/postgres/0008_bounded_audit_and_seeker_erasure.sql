-- Hardening (issue #18).
--
-- A deleted job seeker's applications are deleted with them (with their saved vacancies), so
-- an application's history may be deleted once the application is gone; while the application
-- exists its history stays append-only.
CREATE OR REPLACE FUNCTION application_history_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND NOT EXISTS (SELECT 1 FROM applications WHERE id = OLD.application_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'application history is append-only';
END;
$$ LANGUAGE plpgsql;

-- Audit entries are bounded (in bytes): nobody can fill the log, which cannot be pruned, with
-- their own text. The store cuts fields to these sizes; this guard catches any other writer.
-- NOT VALID: rows written before are kept as they are (the log is append-only).
ALTER TABLE audit_log ADD CONSTRAINT audit_log_bounded CHECK (
    octet_length(at) <= 64
    AND octet_length(COALESCE(actor_id, '')) <= 128
    AND octet_length(actor_role) <= 128
    AND octet_length(action) <= 256
    AND octet_length(subject_kind) <= 128
    AND octet_length(subject_id) <= 128
    AND octet_length(COALESCE(seeker_id, '')) <= 128
    AND octet_length(purpose) <= 256
    AND octet_length(request_id) <= 128
) NOT VALID;
