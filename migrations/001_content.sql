-- The curriculum: modules, lessons, quizzes and media, as imported from
-- courses/ or edited by trainers. Lesson HTML is rendered once, here, not per
-- request.

CREATE EXTENSION IF NOT EXISTS unaccent;

-- Dutch full-text search that ignores accents: "clienten" finds "cliënten".
CREATE TEXT SEARCH CONFIGURATION nabij_dutch (COPY = pg_catalog.dutch);
ALTER TEXT SEARCH CONFIGURATION nabij_dutch
	ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
	WITH unaccent, dutch_stem;

CREATE TABLE modules (
	id           bigserial PRIMARY KEY,
	slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	position     integer NOT NULL,
	title        text NOT NULL,
	summary      text NOT NULL,
	minutes      integer NOT NULL CHECK (minutes > 0),
	intro_md     text NOT NULL,
	intro_html   text NOT NULL,
	policy_md    text NOT NULL,
	policy_html  text NOT NULL,
	pass_mark    integer NOT NULL DEFAULT 70 CHECK (pass_mark BETWEEN 1 AND 100),
	source_hash  text NOT NULL DEFAULT '',
	created_at   timestamptz NOT NULL DEFAULT now(),
	updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE lessons (
	id           bigserial PRIMARY KEY,
	module_id    bigint NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
	slug         text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	position     integer NOT NULL,
	title        text NOT NULL,
	minutes      integer NOT NULL CHECK (minutes > 0),
	body_md      text NOT NULL,
	body_html    text NOT NULL,
	body_text    text NOT NULL,
	source_hash  text NOT NULL DEFAULT '',
	search       tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector('nabij_dutch', title), 'A') ||
		setweight(to_tsvector('nabij_dutch', body_text), 'B')
	) STORED,
	created_at   timestamptz NOT NULL DEFAULT now(),
	updated_at   timestamptz NOT NULL DEFAULT now(),
	UNIQUE (module_id, slug)
);
CREATE INDEX lessons_module_position ON lessons (module_id, position);
CREATE INDEX lessons_search ON lessons USING gin (search);

CREATE TABLE questions (
	id           bigserial PRIMARY KEY,
	module_id    bigint NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
	slug         text NOT NULL,
	position     integer NOT NULL,
	kind         text NOT NULL CHECK (kind IN ('single', 'multiple', 'truefalse')),
	text         text NOT NULL,
	UNIQUE (module_id, slug)
);

CREATE TABLE options (
	id           bigserial PRIMARY KEY,
	question_id  bigint NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
	position     integer NOT NULL,
	text         text NOT NULL,
	correct      boolean NOT NULL,
	explanation  text NOT NULL,
	UNIQUE (question_id, position)
);

CREATE TABLE media (
	id           bigserial PRIMARY KEY,
	module_id    bigint NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
	name         text NOT NULL,
	content_type text NOT NULL,
	data         bytea NOT NULL,
	sha256       text NOT NULL,
	UNIQUE (module_id, name)
);
