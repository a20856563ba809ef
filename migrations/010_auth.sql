-- Accounts: login throttling, password resets, invitations and the mail
-- outbox.

-- Failed logins per key ("ip:<address>" or "account:<e-mail>"). A growing
-- delay is derived from failures; entries older than the window no longer
-- count. Stored here so that every app instance sees the same counts.
CREATE TABLE login_failures (
	key              text PRIMARY KEY,
	failures         integer NOT NULL DEFAULT 0,
	last_failure_at  timestamptz NOT NULL DEFAULT now()
);

-- One-time password reset links; only a hash of the token is stored.
CREATE TABLE password_resets (
	id          bigserial PRIMARY KEY,
	token_hash  bytea NOT NULL UNIQUE,
	user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at  timestamptz NOT NULL DEFAULT now(),
	expires_at  timestamptz NOT NULL,
	used_at     timestamptz
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- Invitations into an organisation (and optionally a team). The invited
-- person's users row exists from the invitation on, without a password.
CREATE TABLE invitations (
	id          bigserial PRIMARY KEY,
	token_hash  bytea NOT NULL UNIQUE,
	user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	team_id     bigint REFERENCES teams (id) ON DELETE SET NULL,
	invited_by  bigint REFERENCES users (id) ON DELETE SET NULL,
	created_at  timestamptz NOT NULL DEFAULT now(),
	expires_at  timestamptz NOT NULL,
	used_at     timestamptz
);
CREATE INDEX invitations_user ON invitations (user_id);

-- Mail that was sent, or that waits in the outbox when no SMTP server is
-- configured. Admins read it on /beheer/mail.
CREATE TABLE mail_outbox (
	id          bigserial PRIMARY KEY,
	recipient   text NOT NULL,
	subject     text NOT NULL,
	body        text NOT NULL,
	created_at  timestamptz NOT NULL DEFAULT now(),
	sent_at     timestamptz,
	error       text
);
CREATE INDEX mail_outbox_created ON mail_outbox (created_at DESC);
