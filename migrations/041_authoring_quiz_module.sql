-- Trainer authoring, part two: quiz revisions (every save of the quiz
-- editor, the newest unpublished one being the quiz's draft), and marks on
-- modules that a trainer changed their fields, their quiz or their lesson
-- order in the browser, so that an import never silently overwrites them.

-- Every save of a module's quiz in the browser, as YAML in the quiz.yaml
-- format, with its author and time. version grows by one per module; a save
-- based on an older version is refused. published marks the versions that
-- went live; a newest version that is not published is the draft.
CREATE TABLE quiz_revisions (
	id          bigserial PRIMARY KEY,
	module_id   bigint NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
	version     integer NOT NULL CHECK (version > 0),
	quiz_yaml   text NOT NULL,
	published   boolean NOT NULL DEFAULT false,
	author_id   bigint REFERENCES users (id) ON DELETE SET NULL,
	created_at  timestamptz NOT NULL DEFAULT now(),
	UNIQUE (module_id, version)
);

-- Set when a trainer saves the module fields (title, summary, minutes,
-- intro, policy summary), publishes its quiz or reorders its lessons in the
-- browser; cleared when a forced import writes that part from the files.
-- The source_* columns hold what the last import wrote for that part (a
-- hash of module.md's fields, a hash of quiz.yaml, the lesson slugs in file
-- order), so that an unchanged file is not reported as a conflict.
ALTER TABLE modules
	ADD COLUMN fields_edited_in_browser_at timestamptz,
	ADD COLUMN quiz_edited_in_browser_at   timestamptz,
	ADD COLUMN order_edited_in_browser_at  timestamptz,
	ADD COLUMN source_fields_hash text,
	ADD COLUMN source_quiz_hash   text,
	ADD COLUMN source_order       text;
