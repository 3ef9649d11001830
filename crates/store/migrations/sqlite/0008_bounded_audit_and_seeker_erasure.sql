-- Hardening (issue #18).
--
-- A deleted job seeker's applications are deleted with them (with their saved vacancies), so
-- an application's history may be deleted once the application is gone; while the application
-- exists its history stays append-only.
DROP TRIGGER application_history_no_delete;
CREATE TRIGGER application_history_no_delete BEFORE DELETE ON application_history
WHEN EXISTS (SELECT 1 FROM applications WHERE id = OLD.application_id)
BEGIN SELECT RAISE(ABORT, 'application history is append-only'); END;

-- Audit entries are bounded (in bytes): nobody can fill the log, which cannot be pruned, with
-- their own text. The store cuts fields to these sizes; this guard catches any other writer.
CREATE TRIGGER audit_log_bounded BEFORE INSERT ON audit_log
WHEN length(CAST(NEW.at AS BLOB)) > 64
  OR length(CAST(COALESCE(NEW.actor_id, '') AS BLOB)) > 128
  OR length(CAST(NEW.actor_role AS BLOB)) > 128
  OR length(CAST(NEW.action AS BLOB)) > 256
  OR length(CAST(NEW.subject_kind AS BLOB)) > 128
  OR length(CAST(NEW.subject_id AS BLOB)) > 128
  OR length(CAST(COALESCE(NEW.seeker_id, '') AS BLOB)) > 128
  OR length(CAST(NEW.purpose AS BLOB)) > 256
  OR length(CAST(NEW.request_id AS BLOB)) > 128
BEGIN SELECT RAISE(ABORT, 'audit entry too large'); END;
