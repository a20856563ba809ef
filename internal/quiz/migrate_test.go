package quiz_test

import (
	"context"
	"fmt"
	"testing"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/learning"
	"nabij.be/leerplatform/internal/learning/learningtest"
	"nabij.be/leerplatform/internal/quiz"
	"nabij.be/leerplatform/migrations"
)

// Migration 070 gives attempts submitted before it the copy of what their
// learner answered, so their reviews no longer follow later edits: after
// the migration, reversing the options leaves the old review as it was.
func TestMigration070KeepsOldAnswers(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Empty(t)
	all, err := database.LoadMigrations(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	var before []database.Migration
	for _, m := range all {
		if m.Version < 70 {
			before = append(before, m)
		}
	}
	if _, err := database.Migrate(ctx, db, before); err != nil {
		t.Fatal(err)
	}
	org := learningtest.Org(t, db, "OCMW Oudstad")
	user := learningtest.User(t, db, org, "learner", "oud@example.be")
	var moduleID, qid int64
	if err := db.Get(&moduleID, `INSERT INTO modules (slug, position, title, summary, minutes, intro_md, intro_html, policy_md, policy_html)
		VALUES ('oud', 1, 'Oud', '', 10, '', '', '', '') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&qid, `INSERT INTO questions (module_id, slug, position, kind, text) VALUES ($1, 'v', 1, 'single', 'Welke?') RETURNING id`, moduleID); err != nil {
		t.Fatal(err)
	}
	var opts []int64
	for i, text := range []string{"Eerste", "Tweede", "Derde"} {
		var id int64
		if err := db.Get(&id, `INSERT INTO options (question_id, position, text, correct, explanation) VALUES ($1, $2, $3, $4, 'Uitleg')
			RETURNING id`, qid, i+1, text, i == 2); err != nil {
			t.Fatal(err)
		}
		opts = append(opts, id)
	}
	layout := fmt.Sprintf(`{"questions": [{"id": %d, "options": [%d, %d, %d]}]}`, qid, opts[2], opts[0], opts[1])
	var attempt int64
	if err := db.Get(&attempt, `INSERT INTO quiz_attempts (user_id, module_id, seq, layout, submitted_at, correct_count, question_count, score, passed)
		VALUES ($1, $2, 1, $3, now(), 1, 1, 100, true) RETURNING id`, user, moduleID, layout); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO attempt_answers (attempt_id, question_id, chosen, correct) VALUES ($1, $2, $3, true)`,
		attempt, qid, fmt.Sprintf("{%d}", opts[2])); err != nil {
		t.Fatal(err)
	}

	if _, err := database.Migrate(ctx, db, all); err != nil {
		t.Fatal(err)
	}
	// A trainer now reverses the options in place, as the old upsert did.
	if _, err := db.Exec(`UPDATE options SET text = CASE position WHEN 1 THEN 'Derde' WHEN 3 THEN 'Eerste' ELSE text END,
		correct = (position = 1) WHERE question_id = $1`, qid); err != nil {
		t.Fatal(err)
	}
	s := quiz.NewStore(db, learning.NewStore(db, nil))
	m, err := s.Module(ctx, "oud")
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.AttemptBySeq(ctx, user, org, m.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Review(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Questions) != 1 || r.Questions[0].Text != "Welke?" || !r.Questions[0].Correct {
		t.Fatalf("review after the migration = %+v, want question Welke? answered right", r.Questions)
	}
	var shown, chosen []string
	for _, o := range r.Questions[0].Options {
		shown = append(shown, o.Text)
		if o.Chosen {
			chosen = append(chosen, o.Text)
			if !o.Right {
				t.Errorf("chosen option %q shown as wrong", o.Text)
			}
		}
	}
	if fmt.Sprint(shown) != "[Derde Eerste Tweede]" || fmt.Sprint(chosen) != "[Derde]" {
		t.Errorf("review options = %q, chosen %q; want the attempt's order [Derde Eerste Tweede], chosen [Derde]", shown, chosen)
	}
}
