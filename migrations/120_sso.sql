-- Single sign-on: each organisation may sign its people in through its own
-- OpenID Connect provider (Entra ID, ACM/IDM, …).

-- One provider per organisation. The client secret is sealed with
-- AES-256-GCM under SSO_SECRET_KEY when that is set (secret_sealed); it is
-- never shown again after saving.
CREATE TABLE sso_providers (
	organisation_id    bigint PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
	issuer             text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 500),
	client_id          text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 500),
	client_secret      bytea NOT NULL,
	secret_sealed      boolean NOT NULL,
	secret_expires_on  date,             -- entered by an admin: providers do not publish it
	manager_claim      text NOT NULL DEFAULT '',  -- e.g. "groups" or "roles"
	manager_value      text NOT NULL DEFAULT '',  -- the value of that claim that makes a manager
	team_claim         text NOT NULL DEFAULT '',  -- a claim naming the person's team(s)
	sso_only           boolean NOT NULL DEFAULT false,
	last_login_at      timestamptz,      -- the last successful SSO login of the organisation
	updated_at         timestamptz NOT NULL DEFAULT now()
);

-- The e-mail domains of an organisation's people; a domain belongs to one
-- organisation only.
CREATE TABLE sso_domains (
	domain           text PRIMARY KEY CHECK (domain = lower(domain) AND length(domain) BETWEEN 3 AND 253),
	organisation_id  bigint NOT NULL REFERENCES sso_providers (organisation_id) ON DELETE CASCADE
);
CREATE INDEX sso_domains_organisation ON sso_domains (organisation_id);

-- The provider's subject of an account: later logins find the account by
-- it, even after the address changed.
CREATE TABLE sso_identities (
	issuer           text NOT NULL,
	subject          text NOT NULL,
	organisation_id  bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
	user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at       timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (issuer, subject)
);
CREATE INDEX sso_identities_user ON sso_identities (user_id);

-- Logins in progress, between the redirect to the provider and its answer.
-- Only a hash of the state and of the browser's cookie is kept; a row is
-- used once.
CREATE TABLE sso_logins (
	state_hash       bytea PRIMARY KEY,
	browser_hash     bytea NOT NULL,
	organisation_id  bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
	nonce            text NOT NULL,
	verifier         text NOT NULL,     -- PKCE code verifier
	back             text NOT NULL DEFAULT '',
	created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sso_logins_created ON sso_logins (created_at);

-- What RP-initiated logout needs after an SSO login: the ID token as hint,
-- found by a hash of a cookie of the browser.
CREATE TABLE sso_logouts (
	ticket_hash      bytea PRIMARY KEY,
	organisation_id  bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
	id_token         text NOT NULL,
	expires_at       timestamptz NOT NULL
);
CREATE INDEX sso_logouts_expires ON sso_logouts (expires_at);
