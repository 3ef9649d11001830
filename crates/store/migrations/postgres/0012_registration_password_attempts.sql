-- A registration's confirmation asks for the password chosen when registering, so that nobody
-- can set up an account for someone else's address (the owner opening a link they did not ask
-- for creates nothing without that password). Each try is counted here before the password is
-- checked, so that however many arrive at once, at most five are ever checked; after five
-- wrong passwords the registration is removed.
ALTER TABLE pending_registrations ADD COLUMN password_attempts BIGINT NOT NULL DEFAULT 0;
