package quiz_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/learning"
	"nabij.be/leerplatform/internal/learning/learningtest"
	"nabij.be/leerplatform/internal/quiz"
)

type fixture struct {
	db     *sqlx.DB
	store  *quiz.Store
	org    int64
	user   int64
	mod    learningtest.Module
	other  learningtest.Module
	module *quiz.Module
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := dbtest.New(t)
	f := &fixture{db: db, store: quiz.NewStore(db, learning.NewStore(db, nil))}
	f.org = learningtest.Org(t, db, "OCMW Teststad")
	f.user = learningtest.User(t, db, f.org, "learner", "leerling@example.be")
	f.mod = learningtest.NewModule(t, db, 1, 1)
	f.other = learningtest.NewModule(t, db, 2, 1)
	m, err := f.store.Module(context.Background(), f.mod.Slug)
	if err != nil {
		t.Fatal(err)
	}
	f.module = m
	return f
}

func (f *fixture) start(t *testing.T, user int64) *quiz.Attempt {
	t.Helper()
	a, err := f.store.Start(context.Background(), user, f.org, f.mod.ID)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	return a
}

// answers returns right answers for all questions, wrong ones for the first
// `wrong` questions.
func (f *fixture) answers(wrong int) map[int64][]int64 {
	m := map[int64][]int64{}
	for i, q := range f.mod.Questions {
		if i < wrong {
			m[q.ID] = []int64{q.Wrong()}
		} else {
			m[q.ID] = q.Right()
		}
	}
	return m
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.Get(&n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestStartReusesOpenAttemptAndStoresLayout(t *testing.T) {
	f := newFixture(t)
	a := f.start(t, f.user)
	b := f.start(t, f.user)
	if a.ID != b.ID || a.Seq != 1 {
		t.Errorf("second start: attempt %d seq %d, want the open attempt %d seq 1", b.ID, b.Seq, a.ID)
	}
	layout, err := a.Layout()
	if err != nil {
		t.Fatal(err)
	}
	if len(layout.Questions) != len(f.mod.Questions) {
		t.Fatalf("layout has %d questions, want %d", len(layout.Questions), len(f.mod.Questions))
	}
	for i, lq := range layout.Questions {
		q := f.mod.Questions[i]
		var want []int64
		for _, o := range q.Options {
			want = append(want, o.ID)
		}
		got := slices.Clone(lq.Options)
		slices.Sort(got)
		if lq.ID != q.ID || !slices.Equal(got, want) {
			t.Errorf("layout question %d = %+v, want question %d with options %v", i, lq, q.ID, want)
		}
	}
	form, err := f.store.Form(context.Background(), a)
	if err != nil || len(form.Questions) != 4 {
		t.Fatalf("form: %d questions, %v; want 4", len(form.Questions), err)
	}
	for i, q := range form.Questions {
		for j, o := range q.Options {
			if o.ID != layout.Questions[i].Options[j] {
				t.Errorf("form option %d.%d = %d, want layout order %d", i, j, o.ID, layout.Questions[i].Options[j])
			}
		}
	}
}

func TestShuffledLayoutsDiffer(t *testing.T) {
	f := newFixture(t)
	seen := map[string]bool{}
	for i := 0; i < 12; i++ {
		a := f.start(t, f.user)
		seen[string(a.LayoutJSON)] = true
		if _, err := f.store.Submit(context.Background(), f.user, f.org, f.module, quiz.Submission{AttemptID: a.ID, Seq: a.Seq, Chosen: f.answers(0)}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) < 2 {
		t.Errorf("12 attempts had %d distinct layouts, want the option order shuffled per attempt", len(seen))
	}
}

func TestGradingAndBestScore(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cases := []struct {
		wrong      int
		score      int
		passed     bool
		best       int
		completion bool
	}{
		{wrong: 2, score: 50, passed: false, best: 50},
		{wrong: 0, score: 100, passed: true, best: 100},
		{wrong: 1, score: 75, passed: true, best: 100},
	}
	for i, c := range cases {
		a := f.start(t, f.user)
		if a.Seq != i+1 {
			t.Errorf("attempt %d: seq %d, want %d", i, a.Seq, i+1)
		}
		res, err := f.store.Submit(ctx, f.user, f.org, f.module, quiz.Submission{AttemptID: a.ID, Seq: a.Seq, Chosen: f.answers(c.wrong)}, time.Now())
		if err != nil {
			t.Fatalf("attempt %d: submit: %v", i, err)
		}
		if *res.Attempt.Score != c.score || *res.Attempt.Passed != c.passed {
			t.Errorf("attempt %d: score %d passed %v, want %d %v", i, *res.Attempt.Score, *res.Attempt.Passed, c.score, c.passed)
		}
		best, err := f.store.BestScore(ctx, f.user, f.org, f.mod.ID)
		if err != nil || best == nil || *best != c.best {
			t.Errorf("attempt %d: best score %v, %v; want %d", i, best, err, c.best)
		}
		var stored int
		f.db.Get(&stored, `SELECT best_score FROM module_progress WHERE user_id = $1 AND module_id = $2`, f.user, f.mod.ID)
		if stored != c.best {
			t.Errorf("attempt %d: module_progress.best_score = %d, want %d", i, stored, c.best)
		}
	}
	hist, err := f.store.History(ctx, f.user, f.org, f.mod.ID)
	if err != nil || len(hist) != 3 || hist[0].Seq != 3 {
		t.Errorf("history: %d attempts (first seq %v), %v; want 3, newest first", len(hist), hist, err)
	}
	// The lesson is not read: passed but not complete.
	if n := f.count(t, `SELECT count(*) FROM module_progress WHERE completed_at IS NOT NULL`); n != 0 {
		t.Errorf("completed modules = %d, want 0 before the lesson is read", n)
	}
}

func TestMultipleNeedsExactlyTheRightSet(t *testing.T) {
	f := newFixture(t)
	q := f.mod.Questions[1] // multiple: options 0 and 2 right
	for _, c := range []struct {
		name   string
		chosen []int64
		right  bool
	}{
		{"both right ones", []int64{q.Options[2].ID, q.Options[0].ID}, true},
		{"one right one", []int64{q.Options[0].ID}, false},
		{"all three", []int64{q.Options[0].ID, q.Options[1].ID, q.Options[2].ID}, false},
	} {
		a := f.start(t, f.user)
		chosen := f.answers(0)
		chosen[q.ID] = c.chosen
		res, err := f.store.Submit(context.Background(), f.user, f.org, f.module, quiz.Submission{AttemptID: a.ID, Seq: a.Seq, Chosen: chosen}, time.Now())
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want := 100
		if !c.right {
			want = 75
		}
		if *res.Attempt.Score != want {
			t.Errorf("%s: score %d, want %d", c.name, *res.Attempt.Score, want)
		}
		rev, err := f.store.Review(context.Background(), res.Attempt)
		if err != nil {
			t.Fatal(err)
		}
		if rev.Questions[1].Correct != c.right {
			t.Errorf("%s: review says correct = %v, want %v", c.name, rev.Questions[1].Correct, c.right)
		}
		nChosen := 0
		for _, o := range rev.Questions[1].Options {
			if o.Chosen {
				nChosen++
			}
			if o.Explanation == "" {
				t.Errorf("%s: option %d has no explanation in the review", c.name, o.ID)
			}
		}
		if nChosen != len(c.chosen) {
			t.Errorf("%s: review shows %d chosen, want %d", c.name, nChosen, len(c.chosen))
		}
	}
}

func TestSubmitTwiceRecordsOneResult(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.start(t, f.user)
	sub := quiz.Submission{AttemptID: a.ID, Seq: a.Seq, Chosen: f.answers(0)}
	if _, err := f.store.Submit(ctx, f.user, f.org, f.module, sub, time.Now()); err != nil {
		t.Fatal(err)
	}
	// The back button: the same form again, now with other answers.
	sub.Chosen = f.answers(4)
	res, err := f.store.Submit(ctx, f.user, f.org, f.module, sub, time.Now())
	if !errors.Is(err, quiz.ErrSubmitted) {
		t.Fatalf("second submit: err = %v, want ErrSubmitted", err)
	}
	if res == nil || *res.Attempt.Score != 100 {
		t.Errorf("second submit returns score %v, want the first result 100", res)
	}
	if n := f.count(t, `SELECT count(*) FROM quiz_attempts WHERE submitted_at IS NOT NULL`); n != 1 {
		t.Errorf("submitted attempts = %d, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM attempt_answers`); n != 4 {
		t.Errorf("answers = %d, want 4", n)
	}
}

func TestConcurrentSubmitsRecordOneResult(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for round := 0; round < 5; round++ {
		a := f.start(t, f.user)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.store.Submit(ctx, f.user, f.org, f.module, quiz.Submission{AttemptID: a.ID, Seq: a.Seq, Chosen: f.answers(i % 2)}, time.Now())
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, quiz.ErrSubmitted):
				t.Errorf("round %d: unexpected error %v", round, err)
			}
		}
		if ok != 1 {
			t.Errorf("round %d: %d submissions succeeded, want exactly 1", round, ok)
		}
		if n := f.count(t, `SELECT count(*) FROM attempt_answers WHERE attempt_id = $1`, a.ID); n != 4 {
			t.Errorf("round %d: %d answers stored, want 4", round, n)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM quiz_attempts WHERE submitted_at IS NOT NULL`); n != 5 {
		t.Errorf("submitted attempts = %d, want 5", n)
	}
}

func TestTamperingIsRefusedAndNothingStored(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	colleague := learningtest.User(t, f.db, f.org, "learner", "collega@example.be")
	otherOrg := learningtest.Org(t, f.db, "OCMW Elders")
	stranger := learningtest.User(t, f.db, otherOrg, "learner", "vreemde@example.be")
	mine := f.start(t, f.user)
	theirs := f.start(t, colleague)
	strangers, err := f.store.Start(ctx, stranger, otherOrg, f.mod.ID)
	if err != nil {
		t.Fatal(err)
	}

	swap := func(q int, opt int64) map[int64][]int64 {
		a := f.answers(0)
		a[f.mod.Questions[q].ID] = []int64{opt}
		return a
	}
	extra := f.answers(0)
	extra[f.other.Questions[0].ID] = f.other.Questions[0].Right()
	single := f.answers(0)
	single[f.mod.Questions[0].ID] = []int64{f.mod.Questions[0].Options[0].ID, f.mod.Questions[0].Options[1].ID}
	dup := f.answers(0)
	dup[f.mod.Questions[1].ID] = []int64{f.mod.Questions[1].Options[0].ID, f.mod.Questions[1].Options[0].ID}

	cases := []struct {
		name string
		user int64
		org  int64
		sub  quiz.Submission
		want error
	}{
		{"a colleague's attempt", f.user, f.org, quiz.Submission{AttemptID: theirs.ID, Seq: theirs.Seq, Chosen: f.answers(0)}, database.ErrNotFound},
		{"another organisation's learner's attempt", f.user, f.org, quiz.Submission{AttemptID: strangers.ID, Seq: strangers.Seq, Chosen: f.answers(0)}, database.ErrNotFound},
		{"my attempt claimed from another organisation", f.user, otherOrg, quiz.Submission{AttemptID: mine.ID, Seq: mine.Seq, Chosen: f.answers(0)}, database.ErrNotFound},
		{"wrong sequence number", f.user, f.org, quiz.Submission{AttemptID: mine.ID, Seq: mine.Seq + 1, Chosen: f.answers(0)}, quiz.ErrTampered},
		{"option of another question", f.user, f.org, quiz.Submission{AttemptID: mine.ID, Seq: mine.Seq, Chosen: swap(0, f.mod.Questions[3].Options[2].ID)}, quiz.ErrTampered},
		{"option of another module", f.user, f.org, quiz.Submission{AttemptID: mine.ID, Seq: mine.Seq, Chosen: swap(0, f.other.Questions[0].Right()[0])}, quiz.ErrTampered},
		{"question of another module", f.user, f.org, quiz.Submission{AttemptID: mine.ID, Seq: mine.Seq, Chosen: extra}, quiz.ErrTampered},
		{"two options for a single-choice question", f.user, f.org, quiz.Submission{AttemptID: mine.ID, Seq: mine.Seq, Chosen: single}, quiz.ErrTampered},
		{"the same option twice", f.user, f.org, quiz.Submission{AttemptID: mine.ID, Seq: mine.Seq, Chosen: dup}, quiz.ErrTampered},
	}
	for _, c := range cases {
		_, err := f.store.Submit(ctx, c.user, c.org, f.module, c.sub, time.Now())
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	// Another module's attempt id under this module's URL.
	otherModule, _ := f.store.Module(ctx, f.other.Slug)
	_, err = f.store.Submit(ctx, f.user, f.org, otherModule, quiz.Submission{AttemptID: mine.ID, Seq: mine.Seq, Chosen: f.answers(0)}, time.Now())
	if !errors.Is(err, database.ErrNotFound) {
		t.Errorf("attempt under another module: err = %v, want ErrNotFound", err)
	}
	// Unanswered questions are a user error, also stored nowhere.
	partial := f.answers(0)
	delete(partial, f.mod.Questions[2].ID)
	_, err = f.store.Submit(ctx, f.user, f.org, f.module, quiz.Submission{AttemptID: mine.ID, Seq: mine.Seq, Chosen: partial}, time.Now())
	var missing *quiz.MissingAnswers
	if !errors.As(err, &missing) || len(missing.Questions) != 1 || missing.Questions[0] != f.mod.Questions[2].ID {
		t.Errorf("unanswered question: err = %v, want MissingAnswers for question %d", err, f.mod.Questions[2].ID)
	}

	if n := f.count(t, `SELECT count(*) FROM quiz_attempts WHERE submitted_at IS NOT NULL`); n != 0 {
		t.Errorf("submitted attempts = %d after tampering, want 0", n)
	}
	if n := f.count(t, `SELECT count(*) FROM attempt_answers`); n != 0 {
		t.Errorf("answers = %d after tampering, want 0", n)
	}
	if n := f.count(t, `SELECT count(*) FROM module_progress`); n != 0 {
		t.Errorf("module_progress rows = %d after tampering, want 0", n)
	}
	// The genuine submission still works afterwards.
	if _, err := f.store.Submit(ctx, f.user, f.org, f.module, quiz.Submission{AttemptID: mine.ID, Seq: mine.Seq, Chosen: f.answers(0)}, time.Now()); err != nil {
		t.Errorf("genuine submit after tampering: %v", err)
	}
}

func TestReadsAreLimitedToTheLearner(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.start(t, f.user)
	if _, err := f.store.Submit(ctx, f.user, f.org, f.module, quiz.Submission{AttemptID: a.ID, Seq: a.Seq, Chosen: f.answers(0)}, time.Now()); err != nil {
		t.Fatal(err)
	}
	otherOrg := learningtest.Org(t, f.db, "OCMW Elders")
	stranger := learningtest.User(t, f.db, otherOrg, "manager", "baas@example.be")
	if _, err := f.store.AttemptBySeq(ctx, stranger, otherOrg, f.mod.ID, 1); !errors.Is(err, database.ErrNotFound) {
		t.Errorf("stranger's attempt 1: err = %v, want ErrNotFound", err)
	}
	if _, err := f.store.AttemptBySeq(ctx, f.user, otherOrg, f.mod.ID, 1); !errors.Is(err, database.ErrNotFound) {
		t.Errorf("own attempt with another organisation: err = %v, want ErrNotFound", err)
	}
	if h, _ := f.store.History(ctx, f.user, otherOrg, f.mod.ID); len(h) != 0 {
		t.Errorf("history with another organisation: %d attempts, want 0", len(h))
	}
	if _, err := f.store.AttemptBySeq(ctx, f.user, f.org, f.mod.ID, 1); err != nil {
		t.Errorf("own attempt: %v", err)
	}
}
