-- The answers ticked so far in an open attempt, kept as the learner goes
-- (saved by the page's script on every change, or with "Tussentijds
-- bewaren" without JavaScript), so a reload shows what was ticked: a JSON
-- object of question id → chosen option ids. Grading reads the submitted
-- form, never this.
ALTER TABLE quiz_attempts ADD COLUMN kept jsonb NOT NULL DEFAULT '{}';
