-- Organisations (municipalities / OCMW's), their teams, people and sessions.
-- Learners and managers belong to exactly one organisation; trainers and
-- admins are platform-wide and may have none.

CREATE TABLE organisations (
	id          bigserial PRIMARY KEY,
	name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organisations_name ON organisations (lower(name));

CREATE TABLE teams (
	id               bigserial PRIMARY KEY,
	organisation_id  bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
	name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	created_at       timestamptz NOT NULL DEFAULT now(),
	UNIQUE (organisation_id, name)
);

CREATE TABLE users (
	id               bigserial PRIMARY KEY,
	organisation_id  bigint REFERENCES organisations (id),
	email            text NOT NULL,
	full_name        text NOT NULL,
	role             text NOT NULL CHECK (role IN ('learner', 'manager', 'trainer', 'admin')),
	password_hash    text,            -- argon2id PHC string; NULL until an invitation is accepted
	lang             text NOT NULL DEFAULT 'nl' CHECK (lang IN ('nl', 'en')),
	active           boolean NOT NULL DEFAULT true,
	created_at       timestamptz NOT NULL DEFAULT now(),
	last_login_at    timestamptz,
	deleted_at       timestamptz,     -- set when a person deletes their account (the row is anonymised)
	CHECK (role IN ('trainer', 'admin') OR organisation_id IS NOT NULL)
);
CREATE UNIQUE INDEX users_email ON users (lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX users_organisation ON users (organisation_id, full_name);

CREATE TABLE team_members (
	team_id  bigint NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
	user_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

-- Only a SHA-256 hash of each session token is stored.
CREATE TABLE sessions (
	id            bigserial PRIMARY KEY,
	token_hash    bytea NOT NULL UNIQUE,
	user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at    timestamptz NOT NULL DEFAULT now(),
	last_seen_at  timestamptz NOT NULL DEFAULT now(),
	expires_at    timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
