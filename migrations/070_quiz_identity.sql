-- Stable identity for quiz options, and answers that keep what the learner
-- saw. Before this, options were known by their position, so reordering
-- the options of a question changed which answer an old attempt showed as
-- chosen; and removing a question deleted the answers given to it.

-- key: the option's permanent name within its question (the `id` of an
-- option in quiz.yaml). Positions only order the options. Existing options
-- get a key derived once from their position; the importer and the editor
-- keep it from then on. The default serves rows written without a key.
CREATE SEQUENCE options_key_seq;
ALTER TABLE options ADD COLUMN key text;
UPDATE options SET key = 'optie-' || position;
ALTER TABLE options
	ALTER COLUMN key SET NOT NULL,
	ALTER COLUMN key SET DEFAULT ('optie-k' || nextval('options_key_seq')),
	ADD CONSTRAINT options_key_slug CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
	ADD CONSTRAINT options_question_key UNIQUE (question_id, key),
	DROP CONSTRAINT options_question_id_position_key;
CREATE INDEX options_question_position ON options (question_id, position);

-- An answer is a record: it stays when its question is changed or removed
-- (question ids are never reused), and it carries the question as shown.
ALTER TABLE attempt_answers
	DROP CONSTRAINT attempt_answers_question_id_fkey,
	ADD COLUMN number        integer NOT NULL DEFAULT 0,  -- the question's place in the attempt
	ADD COLUMN question_kind text NOT NULL DEFAULT '',
	ADD COLUMN question_text text NOT NULL DEFAULT '';

-- The options of an answered question as the learner saw them, in the
-- attempt's order: text, whether it was right, its explanation and whether
-- the learner chose it. option_id points at the option chosen (or shown)
-- while it exists.
CREATE TABLE attempt_answer_options (
	attempt_id   bigint NOT NULL,
	question_id  bigint NOT NULL,
	position     integer NOT NULL,
	option_id    bigint REFERENCES options (id) ON DELETE SET NULL,
	option_key   text NOT NULL,
	text         text NOT NULL,
	correct      boolean NOT NULL,
	explanation  text NOT NULL,
	chosen       boolean NOT NULL,
	PRIMARY KEY (attempt_id, question_id, position),
	FOREIGN KEY (attempt_id, question_id) REFERENCES attempt_answers (attempt_id, question_id) ON DELETE CASCADE
);
CREATE INDEX attempt_answer_options_option ON attempt_answer_options (option_id);

-- Snapshot the answers given so far from the quiz as it is now: the best
-- record there is of what those learners saw.
UPDATE attempt_answers aa SET number = l.n, question_kind = q.kind, question_text = q.text
FROM quiz_attempts a,
	LATERAL jsonb_array_elements(a.layout -> 'questions') WITH ORDINALITY AS l(item, n),
	questions q
WHERE a.id = aa.attempt_id AND (l.item ->> 'id')::bigint = aa.question_id AND q.id = aa.question_id;

INSERT INTO attempt_answer_options (attempt_id, question_id, position, option_id, option_key, text, correct, explanation, chosen)
SELECT aa.attempt_id, aa.question_id, o.n, opt.id, opt.key, opt.text, opt.correct, opt.explanation, opt.id = ANY (aa.chosen)
FROM attempt_answers aa
JOIN quiz_attempts a ON a.id = aa.attempt_id,
	LATERAL jsonb_array_elements(a.layout -> 'questions') AS l(item),
	LATERAL jsonb_array_elements_text(l.item -> 'options') WITH ORDINALITY AS o(option_id, n)
JOIN options opt ON opt.id = o.option_id::bigint
WHERE (l.item ->> 'id')::bigint = aa.question_id;
