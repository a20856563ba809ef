-- The one definition of a learner's progress in a module, in whole percent,
-- used by every page and export that shows it (the learner's dashboard and
-- module page, the manager's matrix, CSV and person page). Every lesson and
-- the quiz count as one step each; a completed module is 100 % even when a
-- lesson was added after completion; lessons done beyond the current count
-- (a lesson removed) count no more than the current lessons.
CREATE FUNCTION module_percent(lessons_done bigint, lesson_count bigint, passed boolean, completed boolean)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN coalesce(completed, false) THEN 100
		ELSE ((least(coalesce(lessons_done, 0), coalesce(lesson_count, 0))
			+ CASE WHEN coalesce(passed, false) THEN 1 ELSE 0 END) * 100
			/ (coalesce(lesson_count, 0) + 1))::integer END
$$;
