-- Trainer authoring in the browser: a working copy (draft) per lesson, a
-- revision for every save, and a mark on lessons that a trainer changed in
-- the browser so that an import never silently overwrites them.

-- Set when a trainer saves or publishes a lesson in the browser; cleared
-- when a (forced) import writes the lesson from a file again.
ALTER TABLE lessons ADD COLUMN edited_in_browser_at timestamptz;

-- The working copy of a lesson. lesson_id is NULL for a new lesson that was
-- never published. version grows by one on every save: a save based on an
-- older version is refused (optimistic concurrency).
CREATE TABLE lesson_drafts (
	id                 bigserial PRIMARY KEY,
	module_id          bigint NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
	lesson_id          bigint UNIQUE REFERENCES lessons (id) ON DELETE CASCADE,
	slug               text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	title              text NOT NULL,
	minutes            integer NOT NULL CHECK (minutes > 0),
	body_md            text NOT NULL,
	version            integer NOT NULL DEFAULT 1,
	published_version  integer NOT NULL DEFAULT 0,
	updated_by         bigint REFERENCES users (id) ON DELETE SET NULL,
	updated_at         timestamptz NOT NULL DEFAULT now(),
	UNIQUE (module_id, slug)
);

-- Every save of a draft, with its author and time; published marks the
-- versions that went live.
CREATE TABLE lesson_revisions (
	id          bigserial PRIMARY KEY,
	draft_id    bigint NOT NULL REFERENCES lesson_drafts (id) ON DELETE CASCADE,
	version     integer NOT NULL,
	title       text NOT NULL,
	minutes     integer NOT NULL,
	body_md     text NOT NULL,
	published   boolean NOT NULL DEFAULT false,
	author_id   bigint REFERENCES users (id) ON DELETE SET NULL,
	created_at  timestamptz NOT NULL DEFAULT now(),
	UNIQUE (draft_id, version)
);
