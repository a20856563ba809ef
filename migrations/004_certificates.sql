-- Certificates: issued once per learner and module (module_id set) or for
-- the whole programme (module_id NULL). Name, organisation and title are
-- frozen at issue.
CREATE TABLE certificates (
	id               bigserial PRIMARY KEY,
	code             text NOT NULL UNIQUE,    -- canonical form, see certificate.NormalizeCode
	user_id          bigint REFERENCES users (id) ON DELETE CASCADE,
	module_id        bigint REFERENCES modules (id) ON DELETE SET NULL,
	programme        boolean NOT NULL DEFAULT false,
	name             text NOT NULL,
	organisation     text NOT NULL,
	organisation_id  bigint REFERENCES organisations (id),
	title            text NOT NULL,
	minutes          integer NOT NULL,
	completed_at     timestamptz NOT NULL,
	issued_at        timestamptz NOT NULL DEFAULT now(),
	revoked_at       timestamptz,
	revoked_reason   text,
	revoked_by       bigint REFERENCES users (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX certificates_module_once ON certificates (user_id, module_id) WHERE NOT programme;
CREATE UNIQUE INDEX certificates_programme_once ON certificates (user_id) WHERE programme;
CREATE INDEX certificates_organisation ON certificates (organisation_id);
