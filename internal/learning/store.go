// Package learning keeps a learner's progress: lessons marked as done, the
// stored state per module (module_progress) and completion of modules and
// of the whole programme. It serves the dashboard "Mijn leertraject".
//
// Every event that changes progress (a lesson marked as done, a quiz
// submitted) runs in one transaction that first locks the learner's row, so
// a learner's events are applied one after the other and completion is
// decided on committed data, exactly once.
package learning

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
)

// CompletionHook is told, inside the transaction that completed it, when a learner completes a module or the whole programme.
type CompletionHook interface {
	ModuleCompleted(ctx context.Context, tx *sqlx.Tx, userID, moduleID int64, at time.Time) error
	ProgrammeCompleted(ctx context.Context, tx *sqlx.Tx, userID int64, at time.Time) error
}

// Store reads and writes learner progress.
type Store struct {
	db   *sqlx.DB
	hook CompletionHook
}

// NewStore returns a store on db. hook may be nil.
func NewStore(db *sqlx.DB, hook CompletionHook) *Store { return &Store{db: db, hook: hook} }

// DB returns the store's database, for capabilities that run their own
// transactions around Refresh.
func (s *Store) DB() *sqlx.DB { return s.db }

// LockLearner locks the learner's row for the rest of tx, so that the
// learner's progress events run one after the other. It returns
// database.ErrNotFound when the user does not exist, is inactive or
// deleted, or does not belong to organisation orgID (0 for platform-wide
// roles without an organisation).
func LockLearner(ctx context.Context, tx *sqlx.Tx, userID, orgID int64) error {
	var id int64
	err := tx.GetContext(ctx, &id, `
		SELECT id FROM users
		WHERE id = $1 AND COALESCE(organisation_id, 0) = $2 AND active AND deleted_at IS NULL
		FOR NO KEY UPDATE`, userID, orgID)
	if err != nil {
		return fmt.Errorf("learning: lock learner %d: %w", userID, database.NotFound(err))
	}
	return nil
}

// Completion says what an event completed.
type Completion struct {
	Module    bool // the module was completed by this event
	Programme bool // the programme was completed by this event
}

// Refresh recomputes the stored state of a learner in a module after an
// event at time at, and stores completion of the module (and the programme)
// when it became due, calling the hook in the same transaction. The caller
// must hold LockLearner in tx.
func (s *Store) Refresh(ctx context.Context, tx *sqlx.Tx, userID, moduleID int64, at time.Time) (Completion, error) {
	var done Completion
	_, err := tx.ExecContext(ctx, `
		INSERT INTO module_progress (user_id, module_id, lessons_done, best_score, passed_at, last_activity_at)
		SELECT $1, $2,
			(SELECT count(*) FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
			 WHERE p.user_id = $1 AND l.module_id = $2),
			(SELECT max(score) FROM quiz_attempts
			 WHERE user_id = $1 AND module_id = $2 AND submitted_at IS NOT NULL),
			(SELECT min(submitted_at) FROM quiz_attempts
			 WHERE user_id = $1 AND module_id = $2 AND passed),
			$3
		ON CONFLICT (user_id, module_id) DO UPDATE SET
			lessons_done = EXCLUDED.lessons_done,
			best_score = EXCLUDED.best_score,
			passed_at = COALESCE(module_progress.passed_at, EXCLUDED.passed_at),
			last_activity_at = GREATEST(module_progress.last_activity_at, EXCLUDED.last_activity_at)`,
		userID, moduleID, at)
	if err != nil {
		return done, fmt.Errorf("learning: progress of user %d in module %d: %w", userID, moduleID, err)
	}

	// Completed once: the WHERE clause never touches a completed row.
	var completedAt time.Time
	err = tx.GetContext(ctx, &completedAt, `
		UPDATE module_progress SET completed_at = $3
		WHERE user_id = $1 AND module_id = $2 AND completed_at IS NULL AND passed_at IS NOT NULL
			AND lessons_done >= (SELECT count(*) FROM lessons WHERE module_id = $2)
		RETURNING completed_at`, userID, moduleID, at)
	switch {
	case errors.Is(database.NotFound(err), database.ErrNotFound):
	case err != nil:
		return done, fmt.Errorf("learning: complete module %d for user %d: %w", moduleID, userID, err)
	default:
		done.Module = true
		if s.hook != nil {
			if err := s.hook.ModuleCompleted(ctx, tx, userID, moduleID, completedAt); err != nil {
				return done, fmt.Errorf("learning: completion hook for module %d, user %d: %w", moduleID, userID, err)
			}
		}
	}

	if !done.Module {
		return done, nil
	}
	var progAt time.Time
	err = tx.GetContext(ctx, &progAt, `
		INSERT INTO programme_completions (user_id, completed_at)
		SELECT $1, $2
		WHERE EXISTS (SELECT 1 FROM modules)
			AND NOT EXISTS (
				SELECT 1 FROM modules m
				WHERE NOT EXISTS (
					SELECT 1 FROM module_progress mp
					WHERE mp.user_id = $1 AND mp.module_id = m.id AND mp.completed_at IS NOT NULL))
		ON CONFLICT (user_id) DO NOTHING
		RETURNING completed_at`, userID, at)
	switch {
	case errors.Is(database.NotFound(err), database.ErrNotFound):
	case err != nil:
		return done, fmt.Errorf("learning: programme completion for user %d: %w", userID, err)
	default:
		done.Programme = true
		if s.hook != nil {
			if err := s.hook.ProgrammeCompleted(ctx, tx, userID, progAt); err != nil {
				return done, fmt.Errorf("learning: programme hook for user %d: %w", userID, err)
			}
		}
	}
	return done, nil
}

// LessonRef identifies a lesson by its module and its own slug.
type LessonRef struct {
	ID         int64  `db:"id"`
	ModuleID   int64  `db:"module_id"`
	ModuleSlug string `db:"module_slug"`
	Slug       string `db:"slug"`
	Title      string `db:"title"`
}

// Lesson looks up a lesson by the slugs in its URL.
func (s *Store) Lesson(ctx context.Context, moduleSlug, lessonSlug string) (*LessonRef, error) {
	var l LessonRef
	err := s.db.GetContext(ctx, &l, `
		SELECT l.id, l.module_id, m.slug AS module_slug, l.slug, l.title
		FROM lessons l JOIN modules m ON m.id = l.module_id
		WHERE m.slug = $1 AND l.slug = $2`, moduleSlug, lessonSlug)
	if err != nil {
		return nil, fmt.Errorf("learning: lesson %s/%s: %w", moduleSlug, lessonSlug, database.NotFound(err))
	}
	return &l, nil
}

// LessonDone is the outcome of marking a lesson as done.
type LessonDone struct {
	New        bool       // false when the lesson was already done
	Completion Completion // what this completed
	Next       *LessonRef // the next lesson of the module, nil after the last
}

// MarkLessonDone records that a learner of organisation orgID read a
// lesson. A second call changes nothing. The learner must belong to orgID
// (database.ErrNotFound otherwise).
func (s *Store) MarkLessonDone(ctx context.Context, userID, orgID int64, lesson *LessonRef, at time.Time) (*LessonDone, error) {
	res := &LessonDone{}
	err := database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := LockLearner(ctx, tx, userID, orgID); err != nil {
			return err
		}
		r, err := tx.ExecContext(ctx, `
			INSERT INTO lesson_progress (user_id, lesson_id, module_id, done_at)
			SELECT $1, l.id, l.module_id, $3 FROM lessons l WHERE l.id = $2
			ON CONFLICT (user_id, lesson_id) DO NOTHING`, userID, lesson.ID, at)
		if err != nil {
			return fmt.Errorf("learning: mark lesson %d done for user %d: %w", lesson.ID, userID, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			// Already done, or the lesson was removed meanwhile: nothing changed.
			return nil
		}
		res.New = true
		res.Completion, err = s.Refresh(ctx, tx, userID, lesson.ModuleID, at)
		return err
	})
	if err != nil {
		return nil, err
	}
	var next LessonRef
	err = s.db.GetContext(ctx, &next, `
		SELECT n.id, n.module_id, m.slug AS module_slug, n.slug, n.title
		FROM lessons l JOIN lessons n ON n.module_id = l.module_id AND n.position > l.position
			JOIN modules m ON m.id = l.module_id
		WHERE l.id = $1 ORDER BY n.position LIMIT 1`, lesson.ID)
	switch err = database.NotFound(err); {
	case err == nil:
		res.Next = &next
	case !errors.Is(err, database.ErrNotFound):
		return nil, fmt.Errorf("learning: next lesson after %d: %w", lesson.ID, err)
	}
	return res, nil
}

// DoneLessonIDs returns the ids of the lessons of a module that a user has
// marked as done.
func (s *Store) DoneLessonIDs(ctx context.Context, userID, moduleID int64) (map[int64]bool, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, `
		SELECT p.lesson_id FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
		WHERE p.user_id = $1 AND l.module_id = $2`, userID, moduleID)
	if err != nil {
		return nil, fmt.Errorf("learning: done lessons of user %d in module %d: %w", userID, moduleID, err)
	}
	done := make(map[int64]bool, len(ids))
	for _, id := range ids {
		done[id] = true
	}
	return done, nil
}

// ModuleStatus is a learner's state in one module, as the dashboard shows it.
type ModuleStatus struct {
	ID           int64      `db:"id"`
	Slug         string     `db:"slug"`
	Position     int        `db:"position"`
	Title        string     `db:"title"`
	Minutes      int        `db:"minutes"`
	PassMark     int        `db:"pass_mark"`
	LessonCount  int        `db:"lesson_count"`
	LessonsDone  int        `db:"lessons_done"` // counted live over the current lessons
	BestScore    *int       `db:"best_score"`
	PassedAt     *time.Time `db:"passed_at"`
	CompletedAt  *time.Time `db:"completed_at"`
	NextLesson   *string    `db:"next_lesson"` // slug of the first unfinished lesson
	FirstLesson  *string    `db:"first_lesson"`
	Attempts     int        `db:"attempts"`
	OpenAttempt  bool       `db:"open_attempt"`
	LastActivity *time.Time `db:"last_activity_at"`
	PercentDone  int        `db:"percent"` // see ProgressSQL
}

// Complete reports whether the module is complete.
func (m *ModuleStatus) Complete() bool { return m.CompletedAt != nil }

// Passed reports whether the learner passed the module's quiz.
func (m *ModuleStatus) Passed() bool { return m.PassedAt != nil }

// Started reports whether the learner did anything in the module.
func (m *ModuleStatus) Started() bool { return m.LessonsDone > 0 || m.Attempts > 0 || m.OpenAttempt }

// Percent is the share of the module's steps done, as ProgressSQL defines
// it for every page.
func (m *ModuleStatus) Percent() int { return m.PercentDone }

// due reports whether completion is due but not yet stored, e.g. after a
// lesson the learner had not read was removed from the module.
func (m *ModuleStatus) due() bool {
	return !m.Complete() && m.Passed() && m.LessonsDone >= m.LessonCount
}

// Dashboard returns the learner's state in every module, in order. The
// learner must belong to orgID; otherwise the list is empty.
func (s *Store) Dashboard(ctx context.Context, userID, orgID int64) ([]ModuleStatus, error) {
	var ms []ModuleStatus
	err := s.db.SelectContext(ctx, &ms, `
		SELECT m.id, m.slug, m.position, m.title, m.minutes, m.pass_mark,
			`+ProgressSQL("mp.lessons_done", lessonCountSQL, "mp.passed_at", "mp.completed_at")+` AS percent,
			(SELECT count(*) FROM lessons l WHERE l.module_id = m.id) AS lesson_count,
			(SELECT count(*) FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
			 WHERE p.user_id = u.id AND l.module_id = m.id) AS lessons_done,
			mp.best_score, mp.passed_at, mp.completed_at, mp.last_activity_at,
			(SELECT l.slug FROM lessons l
			 WHERE l.module_id = m.id AND NOT EXISTS (
				SELECT 1 FROM lesson_progress p WHERE p.user_id = u.id AND p.lesson_id = l.id)
			 ORDER BY l.position LIMIT 1) AS next_lesson,
			(SELECT l.slug FROM lessons l WHERE l.module_id = m.id ORDER BY l.position LIMIT 1) AS first_lesson,
			(SELECT count(*) FROM quiz_attempts a
			 WHERE a.user_id = u.id AND a.module_id = m.id AND a.submitted_at IS NOT NULL) AS attempts,
			EXISTS (SELECT 1 FROM quiz_attempts a
			 WHERE a.user_id = u.id AND a.module_id = m.id AND a.submitted_at IS NULL) AS open_attempt
		FROM users u CROSS JOIN modules m
			LEFT JOIN module_progress mp ON mp.module_id = m.id AND mp.user_id = $1
		WHERE u.id = $1 AND COALESCE(u.organisation_id, 0) = $2 AND u.deleted_at IS NULL
		ORDER BY m.position`, userID, orgID)
	if err != nil {
		return nil, fmt.Errorf("learning: dashboard of user %d: %w", userID, err)
	}
	return ms, nil
}

// Reconcile stores completions that are due but missing, which happens when
// a lesson the learner had not read was removed from a module they had
// otherwise finished. It returns whether anything was completed.
func (s *Store) Reconcile(ctx context.Context, userID, orgID int64, ms []ModuleStatus, at time.Time) (bool, error) {
	var due []int64
	for i := range ms {
		if ms[i].due() {
			due = append(due, ms[i].ID)
		}
	}
	if len(due) == 0 {
		return false, nil
	}
	changed := false
	err := database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := LockLearner(ctx, tx, userID, orgID); err != nil {
			return err
		}
		for _, id := range due {
			c, err := s.Refresh(ctx, tx, userID, id, at)
			if err != nil {
				return err
			}
			changed = changed || c.Module
		}
		return nil
	})
	return changed, err
}

// ProgrammeCompletedAt returns when the learner completed the whole
// programme, or nil.
func (s *Store) ProgrammeCompletedAt(ctx context.Context, userID int64) (*time.Time, error) {
	var at time.Time
	err := s.db.GetContext(ctx, &at, `SELECT completed_at FROM programme_completions WHERE user_id = $1`, userID)
	switch err = database.NotFound(err); {
	case errors.Is(err, database.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("learning: programme completion of user %d: %w", userID, err)
	}
	return &at, nil
}

// RecountModule recomputes lessons_done in module_progress for every
// learner of a module, after lessons were added to or removed from it (the
// removed lessons' progress rows went with them through ON DELETE
// CASCADE). Call it in the transaction that changed the lessons. It never
// clears completed_at: completed modules stay complete. Completions that
// become due because an unread lesson was removed are stored at the
// learner's next event or visit to the dashboard, where the completion
// hook runs.
func RecountModule(ctx context.Context, tx *sqlx.Tx, moduleID int64) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE module_progress mp SET lessons_done = (
			SELECT count(*) FROM lesson_progress p JOIN lessons l ON l.id = p.lesson_id
			WHERE p.user_id = mp.user_id AND l.module_id = mp.module_id)
		WHERE mp.module_id = $1`, moduleID)
	if err != nil {
		return fmt.Errorf("learning: recount module %d: %w", moduleID, err)
	}
	return nil
}
