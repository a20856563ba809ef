package authoring

import (
	"context"
	"testing"
)

// The imported text of a lesson is revision 1: after a first save in the
// browser it is listed, marked published, and can be restored.
func TestImportedLessonIsRevisionOne(t *testing.T) {
	ctx := context.Background()
	db, s := curriculum(t)
	m := firstModule(t, s)
	ls, err := s.Lessons(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	slug := ls[0].Slug
	imported := publishedBody(t, db, m.ID, slug)
	d, err := s.Draft(ctx, m.ID, slug)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveDraft(ctx, m.ID, slug, LessonInput{Title: d.Title, Minutes: d.Minutes, BodyMD: "Nieuwe tekst.", BaseVersion: d.Version}, 0); err != nil {
		t.Fatal(err)
	}
	d, err = s.Draft(ctx, m.ID, slug)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := s.Revisions(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[1].Version != 1 || rs[1].BodyMD != imported || !rs[1].Published {
		t.Fatalf("revisions after the first save = %+v, want 2 with version 1 the imported, published text", rs)
	}
	if err := s.RestoreRevision(ctx, d.ID, rs[1].ID, 0); err != nil {
		t.Fatal(err)
	}
	d, err = s.Draft(ctx, m.ID, slug)
	if err != nil {
		t.Fatal(err)
	}
	if d.BodyMD != imported {
		t.Errorf("restored revision 1 = %q, want the imported text %q", d.BodyMD, imported)
	}
}

// The imported quiz is revision 1 as well.
func TestImportedQuizIsRevisionOne(t *testing.T) {
	ctx := context.Background()
	_, s := curriculum(t)
	m := firstModule(t, s)
	imported, err := s.Quiz(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	edited := imported
	edited.Questions = append(edited.Questions[:0:0], imported.Questions...)
	edited.Questions[0].Text = "Een herschreven vraag?"
	if _, ps, err := s.SaveQuiz(ctx, m.ID, edited, 0, true, 0); err != nil || len(ps) > 0 {
		t.Fatalf("publish: %v %v", err, ps)
	}
	rs, err := s.QuizRevisions(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[1].Version != 1 || !rs[1].Published {
		t.Fatalf("quiz revisions = %d (oldest version %d), want 2 with version 1 the imported quiz", len(rs), rs[len(rs)-1].Version)
	}
	first, err := rs[1].Quiz()
	if err != nil {
		t.Fatal(err)
	}
	if first.Questions[0].Text != imported.Questions[0].Text {
		t.Errorf("revision 1 question 1 = %q, want the imported %q", first.Questions[0].Text, imported.Questions[0].Text)
	}
	if _, err := s.RestoreQuizRevision(ctx, m.ID, rs[1].ID, 0); err != nil {
		t.Fatal(err)
	}
	qd, err := s.QuizDraft(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if qd.Quiz.Questions[0].Text != imported.Questions[0].Text {
		t.Errorf("restored quiz question 1 = %q, want the imported %q", qd.Quiz.Questions[0].Text, imported.Questions[0].Text)
	}
}
