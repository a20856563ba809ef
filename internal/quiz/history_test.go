package quiz_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/authoring"
	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/quiz"
)

// publishReversed reverses the options of question index qi in the
// browser's quiz editor and publishes the result, as a trainer would.
func (f *fixture) publishReversed(t *testing.T, qi int) {
	t.Helper()
	ctx := context.Background()
	s := authoring.NewStore(f.db, content.NewRenderer())
	d, err := s.QuizDraft(ctx, f.mod.ID)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(d.Quiz.Questions[qi].Options)
	_, ps, err := s.SaveQuiz(ctx, f.mod.ID, d.Quiz, d.Version, true, 0)
	if err != nil || len(ps) > 0 {
		t.Fatalf("publish reversed quiz: %v %v", err, ps)
	}
}

// chosenText returns the texts of the options a review shows as chosen for
// question index qi, and the question's verdict.
func chosenText(t *testing.T, r *quiz.Review, qi int) ([]string, bool) {
	t.Helper()
	var texts []string
	for _, o := range r.Questions[qi].Options {
		if o.Chosen {
			texts = append(texts, o.Text)
			if o.Right != r.Questions[qi].Correct {
				t.Errorf("review question %d: chosen option %q shown right=%v, verdict correct=%v", qi+1, o.Text, o.Right, r.Questions[qi].Correct)
			}
		}
	}
	return texts, r.Questions[qi].Correct
}

// An old attempt's review keeps showing what the learner chose, as they saw
// it, after a trainer reversed the options of a question.
func TestReviewKeepsAnswerAfterOptionsReversed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.start(t, f.user)
	if _, err := f.store.Submit(ctx, f.user, f.org, f.module, quiz.Submission{AttemptID: a.ID, Seq: a.Seq, Chosen: f.answers(0)}, time.Now()); err != nil {
		t.Fatal(err)
	}
	before, err := f.store.Review(ctx, mustAttempt(t, f, 1))
	if err != nil {
		t.Fatal(err)
	}
	wantChosen, _ := chosenText(t, before, 3)

	f.publishReversed(t, 3)

	after, err := f.store.Review(ctx, mustAttempt(t, f, 1))
	if err != nil {
		t.Fatal(err)
	}
	got, correct := chosenText(t, after, 3)
	if !slices.Equal(got, wantChosen) || !correct {
		t.Errorf("after reversing the options, review shows chosen %q (correct=%v), want %q (correct=true)", got, correct, wantChosen)
	}
	var beforeOrder, afterOrder []string
	for _, o := range before.Questions[3].Options {
		beforeOrder = append(beforeOrder, o.Text)
	}
	for _, o := range after.Questions[3].Options {
		afterOrder = append(afterOrder, o.Text)
	}
	if !slices.Equal(beforeOrder, afterOrder) {
		t.Errorf("review options = %q after the publish, want the order shown: %q", afterOrder, beforeOrder)
	}
}

// An attempt open during a publish is graded against the version its
// learner was shown: the answer that was right on their screen counts.
func TestOpenAttemptGradedAgainstShownVersion(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.start(t, f.user)
	form, err := f.store.Form(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	shown := form.Questions[3]

	f.publishReversed(t, 3)

	// A reload shows the version the attempt began with.
	again, err := f.store.Form(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(optionTexts(again.Questions[3]), optionTexts(shown)) {
		t.Errorf("form after publish = %q, want the version shown: %q", optionTexts(again.Questions[3]), optionTexts(shown))
	}
	res, err := f.store.Submit(ctx, f.user, f.org, f.module, quiz.Submission{AttemptID: a.ID, Seq: a.Seq, Chosen: f.answers(0)}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if *res.Attempt.CorrectCount != 4 || !*res.Attempt.Passed {
		t.Errorf("right answers as shown scored %d of 4 (passed=%v) after a publish, want 4 and passed", *res.Attempt.CorrectCount, *res.Attempt.Passed)
	}
}

func optionTexts(q quiz.FormQuestion) []string {
	var out []string
	for _, o := range q.Options {
		out = append(out, o.Text)
	}
	return out
}

func mustAttempt(t *testing.T, f *fixture, seq int) *quiz.Attempt {
	t.Helper()
	a, err := f.store.AttemptBySeq(context.Background(), f.user, f.org, f.mod.ID, seq)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
