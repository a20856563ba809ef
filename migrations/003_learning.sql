-- Learner progress, quiz attempts and completion. Completion is stored when
-- the event that causes it happens, so reports read it instead of
-- recomputing it.

-- A lesson marked as done. Kept when a lesson is edited.
CREATE TABLE lesson_progress (
	user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	lesson_id  bigint NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
	module_id  bigint NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
	done_at    timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, lesson_id)
);
CREATE INDEX lesson_progress_module ON lesson_progress (module_id, user_id);

-- One quiz attempt. seq numbers a learner's attempts per module; the
-- UNIQUE constraint makes a double start or submit harmless.
CREATE TABLE quiz_attempts (
	id              bigserial PRIMARY KEY,
	user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	module_id       bigint NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
	seq             integer NOT NULL,
	layout          jsonb NOT NULL,          -- question order and shuffled option order of this attempt
	started_at      timestamptz NOT NULL DEFAULT now(),
	submitted_at    timestamptz,
	correct_count   integer,
	question_count  integer,
	score           integer CHECK (score BETWEEN 0 AND 100),  -- percentage
	passed          boolean,
	UNIQUE (user_id, module_id, seq)
);
CREATE INDEX quiz_attempts_module ON quiz_attempts (module_id) WHERE submitted_at IS NOT NULL;

-- What a learner answered per question of a submitted attempt.
CREATE TABLE attempt_answers (
	attempt_id   bigint NOT NULL REFERENCES quiz_attempts (id) ON DELETE CASCADE,
	question_id  bigint NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
	chosen       bigint[] NOT NULL,          -- option ids
	correct      boolean NOT NULL,
	PRIMARY KEY (attempt_id, question_id)
);
CREATE INDEX attempt_answers_question ON attempt_answers (question_id);

-- The stored state of a learner in a module: what reports read.
CREATE TABLE module_progress (
	user_id           bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	module_id         bigint NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
	lessons_done      integer NOT NULL DEFAULT 0,
	best_score        integer,
	passed_at         timestamptz,
	completed_at      timestamptz,           -- set once, never cleared
	last_activity_at  timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, module_id)
);
CREATE INDEX module_progress_module ON module_progress (module_id, completed_at);

-- All five modules complete.
CREATE TABLE programme_completions (
	user_id       bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	completed_at  timestamptz NOT NULL DEFAULT now()
);
