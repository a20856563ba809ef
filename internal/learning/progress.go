package learning

import (
	"context"
	"fmt"
)

// ProgressSQL is the SQL expression of a learner's progress in a module in
// whole percent: the one definition that every page and export showing it
// uses (the dashboard, the module page, the manager's matrix, CSV and
// person page). Its arguments are SQL expressions for the stored
// module_progress.lessons_done, the module's current lesson count, and
// module_progress.passed_at and completed_at (NULL when the learner never
// started). The rule is the SQL function module_percent of migration 071:
// every lesson and the quiz are one step each, a completed module is 100 %.
func ProgressSQL(lessonsDone, lessonCount, passedAt, completedAt string) string {
	return fmt.Sprintf(`module_percent(%s, %s, %s IS NOT NULL, %s IS NOT NULL)`, lessonsDone, lessonCount, passedAt, completedAt)
}

// lessonCountSQL counts the current lessons of module m.
const lessonCountSQL = `(SELECT count(*) FROM lessons l WHERE l.module_id = m.id)`

// ModulePercent returns a learner's progress in one module (see
// ProgressSQL), 0 before they started it.
func (s *Store) ModulePercent(ctx context.Context, userID, moduleID int64) (int, error) {
	var p int
	err := s.db.GetContext(ctx, &p, `
		SELECT `+ProgressSQL("mp.lessons_done", lessonCountSQL, "mp.passed_at", "mp.completed_at")+`
		FROM modules m LEFT JOIN module_progress mp ON mp.module_id = m.id AND mp.user_id = $1
		WHERE m.id = $2`, userID, moduleID)
	if err != nil {
		return 0, fmt.Errorf("learning: progress of user %d in module %d: %w", userID, moduleID, err)
	}
	return p, nil
}
