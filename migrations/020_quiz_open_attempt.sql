-- At most one open (not yet submitted) quiz attempt per learner and module:
-- a double click on "start" or two tabs reuse the same attempt instead of
-- creating a second one.
CREATE UNIQUE INDEX quiz_attempts_one_open ON quiz_attempts (user_id, module_id) WHERE submitted_at IS NULL;
