-- The login throttle counts attempts, not failures: each attempt is
-- counted (one statement) before its password is hashed, within a window
-- that starts with the first attempt. Old rows are removed by a periodic
-- clean-up over the index, not by every failed login.
ALTER TABLE login_failures RENAME COLUMN failures TO attempts;
ALTER TABLE login_failures RENAME COLUMN last_failure_at TO last_attempt_at;
ALTER TABLE login_failures ADD COLUMN window_start timestamptz NOT NULL DEFAULT now();
CREATE INDEX login_failures_window ON login_failures (window_start);

-- Browsers that signed in to an account before (OWASP "device cookies"):
-- their attempts are counted against their own budget, so that failures
-- from elsewhere cannot keep the person out. Only a hash of the cookie's
-- token is stored.
CREATE TABLE login_devices (
	token_hash  bytea PRIMARY KEY,
	user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at  timestamptz NOT NULL DEFAULT now(),
	expires_at  timestamptz NOT NULL
);
CREATE INDEX login_devices_user ON login_devices (user_id);
CREATE INDEX login_devices_expires ON login_devices (expires_at);
