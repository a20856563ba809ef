package learning_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/learning"
	"nabij.be/leerplatform/internal/learning/learningtest"
)

// recordingHook remembers the completions it was told about.
type recordingHook struct {
	mu        sync.Mutex
	modules   []int64
	programme int
	fail      bool
}

func (h *recordingHook) ModuleCompleted(ctx context.Context, tx *sqlx.Tx, userID, moduleID int64, at time.Time) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail {
		return errors.New("hook refuses")
	}
	h.modules = append(h.modules, moduleID)
	return nil
}

func (h *recordingHook) ProgrammeCompleted(ctx context.Context, tx *sqlx.Tx, userID int64, at time.Time) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.programme++
	return nil
}

type fixture struct {
	db      *sqlx.DB
	store   *learning.Store
	hook    *recordingHook
	org     int64
	user    int64
	modules []learningtest.Module
}

func newFixture(t *testing.T, modules, lessons int) *fixture {
	t.Helper()
	db := dbtest.New(t)
	f := &fixture{db: db, hook: &recordingHook{}}
	f.store = learning.NewStore(db, f.hook)
	f.org = learningtest.Org(t, db, "OCMW Teststad")
	f.user = learningtest.User(t, db, f.org, "learner", "leerling@example.be")
	for i := 1; i <= modules; i++ {
		f.modules = append(f.modules, learningtest.NewModule(t, db, i, lessons))
	}
	return f
}

func (f *fixture) lesson(t *testing.T, m, l int) *learning.LessonRef {
	t.Helper()
	ref, err := f.store.Lesson(context.Background(), f.modules[m].Slug, "les-"+itoa(l+1))
	if err != nil {
		t.Fatalf("lesson %d/%d: %v", m, l, err)
	}
	return ref
}

func itoa(i int) string { return string(rune('0' + i)) }

// pass stores a passed, submitted quiz attempt and refreshes progress, as
// the quiz capability does.
func (f *fixture) pass(t *testing.T, m int, score int) learning.Completion {
	t.Helper()
	c, err := f.passE(m, score)
	if err != nil {
		t.Fatalf("pass quiz of module %d: %v", m, err)
	}
	return c
}

func (f *fixture) passE(m int, score int) (learning.Completion, error) {
	var c learning.Completion
	ctx := context.Background()
	err := database.WithTx(ctx, f.db, func(tx *sqlx.Tx) error {
		if err := learning.LockLearner(ctx, tx, f.user, f.org); err != nil {
			return err
		}
		_, err := tx.Exec(`
			INSERT INTO quiz_attempts (user_id, module_id, seq, layout, submitted_at, correct_count, question_count, score, passed)
			VALUES ($1, $2, (SELECT COALESCE(max(seq), 0) + 1 FROM quiz_attempts WHERE user_id = $1 AND module_id = $2),
				'{}', now(), 0, 4, $3, $3 >= 70)`, f.user, f.modules[m].ID, score)
		if err != nil {
			return err
		}
		c, err = f.store.Refresh(ctx, tx, f.user, f.modules[m].ID, time.Now())
		return err
	})
	return c, err
}

func (f *fixture) progress(t *testing.T, m int) (lessonsDone int, best *int, completed *time.Time) {
	t.Helper()
	row := struct {
		LessonsDone int        `db:"lessons_done"`
		Best        *int       `db:"best_score"`
		Completed   *time.Time `db:"completed_at"`
	}{}
	err := f.db.Get(&row, `SELECT lessons_done, best_score, completed_at FROM module_progress WHERE user_id = $1 AND module_id = $2`, f.user, f.modules[m].ID)
	if err != nil {
		t.Fatalf("module_progress of module %d: %v", m, err)
	}
	return row.LessonsDone, row.Best, row.Completed
}

func TestMarkLessonDoneIsIdempotent(t *testing.T) {
	f := newFixture(t, 1, 3)
	ctx := context.Background()
	l := f.lesson(t, 0, 0)
	first, err := f.store.MarkLessonDone(ctx, f.user, f.org, l, time.Now())
	if err != nil {
		t.Fatalf("mark done: %v", err)
	}
	if !first.New {
		t.Errorf("first mark: New = false, want true")
	}
	if first.Next == nil || first.Next.Slug != "les-2" {
		t.Errorf("next lesson = %+v, want les-2", first.Next)
	}
	second, err := f.store.MarkLessonDone(ctx, f.user, f.org, l, time.Now())
	if err != nil {
		t.Fatalf("mark done again: %v", err)
	}
	if second.New {
		t.Errorf("second mark: New = true, want false")
	}
	var rows int
	f.db.Get(&rows, `SELECT count(*) FROM lesson_progress WHERE user_id = $1`, f.user)
	if rows != 1 {
		t.Errorf("lesson_progress rows = %d, want 1", rows)
	}
	done, _, completed := f.progress(t, 0)
	if done != 1 || completed != nil {
		t.Errorf("progress = %d done, completed %v; want 1 done, not completed", done, completed)
	}
	ids, err := f.store.DoneLessonIDs(ctx, f.user, f.modules[0].ID)
	if err != nil || len(ids) != 1 || !ids[l.ID] {
		t.Errorf("DoneLessonIDs = %v, %v; want {%d: true}", ids, err, l.ID)
	}
	last := f.lesson(t, 0, 2)
	res, err := f.store.MarkLessonDone(ctx, f.user, f.org, last, time.Now())
	if err != nil || res.Next != nil {
		t.Errorf("last lesson: next = %+v, err %v; want nil, nil", res.Next, err)
	}
}

func TestMarkLessonDoneChecksOrganisation(t *testing.T) {
	f := newFixture(t, 1, 2)
	other := learningtest.Org(t, f.db, "OCMW Elders")
	_, err := f.store.MarkLessonDone(context.Background(), f.user, other, f.lesson(t, 0, 0), time.Now())
	if !errors.Is(err, database.ErrNotFound) {
		t.Errorf("mark done with another organisation: err = %v, want ErrNotFound", err)
	}
	var rows int
	f.db.Get(&rows, `SELECT count(*) FROM lesson_progress`)
	if rows != 0 {
		t.Errorf("lesson_progress rows = %d, want 0", rows)
	}
}

func TestCompletionNeedsLessonsAndQuiz(t *testing.T) {
	f := newFixture(t, 2, 2)
	ctx := context.Background()
	if c := f.pass(t, 0, 100); c.Module {
		t.Fatalf("completed after quiz alone, want lessons too")
	}
	if _, err := f.store.MarkLessonDone(ctx, f.user, f.org, f.lesson(t, 0, 0), time.Now()); err != nil {
		t.Fatal(err)
	}
	res, err := f.store.MarkLessonDone(ctx, f.user, f.org, f.lesson(t, 0, 1), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Completion.Module || res.Completion.Programme {
		t.Errorf("completion = %+v, want module only", res.Completion)
	}
	_, best, completed := f.progress(t, 0)
	if completed == nil || best == nil || *best != 100 {
		t.Errorf("progress: completed %v, best %v; want completed, 100", completed, best)
	}
	if len(f.hook.modules) != 1 || f.hook.modules[0] != f.modules[0].ID {
		t.Errorf("hook modules = %v, want [%d]", f.hook.modules, f.modules[0].ID)
	}

	// A later, lower score neither changes the best score nor the completion.
	first := *completed
	f.pass(t, 0, 50)
	_, best, completed = f.progress(t, 0)
	if *best != 100 || !completed.Equal(first) {
		t.Errorf("after a lower score: best %d, completed %v; want 100, %v", *best, completed, first)
	}
	if len(f.hook.modules) != 1 {
		t.Errorf("hook called %d times, want once", len(f.hook.modules))
	}

	// The second module completes the programme.
	for l := 0; l < 2; l++ {
		if _, err := f.store.MarkLessonDone(ctx, f.user, f.org, f.lesson(t, 1, l), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	c := f.pass(t, 1, 75)
	if !c.Module || !c.Programme {
		t.Errorf("completion = %+v, want module and programme", c)
	}
	if f.hook.programme != 1 {
		t.Errorf("programme hook called %d times, want 1", f.hook.programme)
	}
	at, err := f.store.ProgrammeCompletedAt(ctx, f.user)
	if err != nil || at == nil {
		t.Errorf("ProgrammeCompletedAt = %v, %v; want a time", at, err)
	}
	f.pass(t, 1, 100)
	if f.hook.programme != 1 {
		t.Errorf("programme hook called %d times after another pass, want 1", f.hook.programme)
	}
}

func TestFailingQuizDoesNotComplete(t *testing.T) {
	f := newFixture(t, 1, 1)
	ctx := context.Background()
	if _, err := f.store.MarkLessonDone(ctx, f.user, f.org, f.lesson(t, 0, 0), time.Now()); err != nil {
		t.Fatal(err)
	}
	if c := f.pass(t, 0, 50); c.Module {
		t.Errorf("completed with 50 %%, want not complete")
	}
	_, best, completed := f.progress(t, 0)
	if best == nil || *best != 50 || completed != nil {
		t.Errorf("best %v completed %v; want 50, nil", best, completed)
	}
}

func TestHookErrorRollsBackCompletion(t *testing.T) {
	f := newFixture(t, 1, 1)
	ctx := context.Background()
	f.pass(t, 0, 100)
	f.hook.fail = true
	if _, err := f.store.MarkLessonDone(ctx, f.user, f.org, f.lesson(t, 0, 0), time.Now()); err == nil {
		t.Fatalf("mark done with a failing hook: err = nil, want an error")
	}
	var rows int
	f.db.Get(&rows, `SELECT count(*) FROM lesson_progress`)
	if rows != 0 {
		t.Errorf("lesson_progress rows = %d after a failed hook, want 0 (rolled back)", rows)
	}
	_, _, completed := f.progress(t, 0)
	if completed != nil {
		t.Errorf("completed_at = %v after a failed hook, want nil", completed)
	}
}

func TestLessonChangesAfterCompletion(t *testing.T) {
	f := newFixture(t, 1, 2)
	ctx := context.Background()
	for l := 0; l < 2; l++ {
		f.store.MarkLessonDone(ctx, f.user, f.org, f.lesson(t, 0, l), time.Now())
	}
	f.pass(t, 0, 100)

	// A lesson added later leaves the module complete and at 100 %.
	learningtest.AddLesson(t, f.db, f.modules[0].ID, 3)
	ms, err := f.store.Dashboard(ctx, f.user, f.org)
	if err != nil {
		t.Fatal(err)
	}
	if !ms[0].Complete() || ms[0].Percent() != 100 || ms[0].LessonsDone != 2 || ms[0].LessonCount != 3 {
		t.Errorf("after adding a lesson: complete %v, %d %%, %d/%d; want complete, 100 %%, 2/3",
			ms[0].Complete(), ms[0].Percent(), ms[0].LessonsDone, ms[0].LessonCount)
	}

	// A removed lesson takes its progress with it; the count follows.
	err = database.WithTx(ctx, f.db, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`DELETE FROM lessons WHERE id = $1`, f.modules[0].Lessons[0]); err != nil {
			return err
		}
		return learning.RecountModule(ctx, tx, f.modules[0].ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	done, _, completed := f.progress(t, 0)
	if done != 1 || completed == nil {
		t.Errorf("after removing a lesson: lessons_done %d, completed %v; want 1, still completed", done, completed)
	}
}

func TestRemovedUnreadLessonCompletesAtNextVisit(t *testing.T) {
	f := newFixture(t, 1, 2)
	ctx := context.Background()
	f.store.MarkLessonDone(ctx, f.user, f.org, f.lesson(t, 0, 0), time.Now())
	f.pass(t, 0, 100)
	err := database.WithTx(ctx, f.db, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`DELETE FROM lessons WHERE id = $1`, f.modules[0].Lessons[1]); err != nil {
			return err
		}
		return learning.RecountModule(ctx, tx, f.modules[0].ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := f.store.Dashboard(ctx, f.user, f.org)
	if err != nil {
		t.Fatal(err)
	}
	if ms[0].Complete() || ms[0].Percent() != 100 {
		t.Errorf("before reconcile: complete %v, %d %%; want not yet stored, 100 %%", ms[0].Complete(), ms[0].Percent())
	}
	changed, err := f.store.Reconcile(ctx, f.user, f.org, ms, time.Now())
	if err != nil || !changed {
		t.Fatalf("Reconcile = %v, %v; want true, nil", changed, err)
	}
	if _, _, completed := f.progress(t, 0); completed == nil || len(f.hook.modules) != 1 {
		t.Errorf("after reconcile: completed %v, hook %v; want completed, hook once", completed, f.hook.modules)
	}
}

func TestDashboardPercentAndNextLesson(t *testing.T) {
	f := newFixture(t, 2, 3)
	ctx := context.Background()
	f.store.MarkLessonDone(ctx, f.user, f.org, f.lesson(t, 0, 0), time.Now())
	f.store.MarkLessonDone(ctx, f.user, f.org, f.lesson(t, 0, 2), time.Now())
	ms, err := f.store.Dashboard(ctx, f.user, f.org)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Fatalf("dashboard has %d modules, want 2", len(ms))
	}
	m := ms[0]
	if m.LessonsDone != 2 || m.Percent() != 50 || m.NextLesson == nil || *m.NextLesson != "les-2" {
		t.Errorf("module 1: %d done, %d %%, next %v; want 2, 50 %%, les-2", m.LessonsDone, m.Percent(), m.NextLesson)
	}
	if ms[1].Started() || ms[1].Percent() != 0 {
		t.Errorf("module 2: started %v, %d %%; want not started, 0 %%", ms[1].Started(), ms[1].Percent())
	}
	other := learningtest.Org(t, f.db, "OCMW Elders")
	ms, err = f.store.Dashboard(ctx, f.user, other)
	if err != nil || len(ms) != 0 {
		t.Errorf("dashboard with another organisation: %d modules, %v; want none", len(ms), err)
	}
}

// Marking the last lesson and passing the quiz at the same moment must
// complete the module exactly once: neither transaction may miss the other.
func TestConcurrentEventsCompleteOnce(t *testing.T) {
	for round := 0; round < 5; round++ {
		f := newFixture(t, 1, 1)
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		lesson := f.lesson(t, 0, 0)
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := f.store.MarkLessonDone(ctx, f.user, f.org, lesson, time.Now())
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := f.passE(0, 100)
			errs <- err
		}()
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, _, completed := f.progress(t, 0); completed == nil {
			t.Errorf("round %d: module not completed after both events", round)
		}
		if len(f.hook.modules) != 1 {
			t.Errorf("round %d: hook called %d times, want 1", round, len(f.hook.modules))
		}
	}
}
