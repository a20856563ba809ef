package catalog_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/catalog"
	"nabij.be/leerplatform/internal/database/dbtest"
)

type optionRow struct {
	ID      int64  `db:"id"`
	Key     string `db:"key"`
	Text    string `db:"text"`
	Correct bool   `db:"correct"`
	Pos     int    `db:"position"`
}

func optionsOf(t *testing.T, db *sqlx.DB, question string) map[string]optionRow {
	t.Helper()
	var rows []optionRow
	err := db.Select(&rows, `SELECT o.id, o.key, o.text, o.correct, o.position FROM options o JOIN questions q ON q.id = o.question_id
		WHERE q.slug = $1 ORDER BY o.position`, question)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]optionRow{}
	for _, r := range rows {
		out[r.Text] = r
	}
	return out
}

// Options are known by their key, not their place: a reimport that moves
// them keeps each option's row (which answers point at) and key, and a file
// that later names the options adopts those names for the same rows.
func TestReimportKeepsOptionIdentity(t *testing.T) {
	db := dbtest.New(t)
	fsys := sampleCourse()
	importFS(t, db, fsys)
	first := optionsOf(t, db, "eerste")
	if first["A"].Key != "a" || first["B"].Key != "b" {
		t.Fatalf("derived keys = %q, %q, want a, b", first["A"].Key, first["B"].Key)
	}

	// The trainer swaps A and B in the file, without ids.
	swapped := strings.Replace(sampleQuiz1, `      - text: A
        correct: true
        explanation: Omdat A klopt.
      - text: B
        correct: false
        explanation: Omdat B niet klopt.`, `      - text: B
        correct: false
        explanation: Omdat B niet klopt.
      - text: A
        correct: true
        explanation: Omdat A klopt.`, 1)
	if swapped == sampleQuiz1 {
		t.Fatal("sample quiz changed: swap did not apply")
	}
	fsys["01-eerste/quiz.yaml"] = &fstest.MapFile{Data: []byte(swapped)}
	importFS(t, db, fsys)
	after := optionsOf(t, db, "eerste")
	for _, text := range []string{"A", "B"} {
		if after[text].ID != first[text].ID || after[text].Key != first[text].Key {
			t.Errorf("option %s after the swap = row %d key %q, want row %d key %q", text, after[text].ID, after[text].Key, first[text].ID, first[text].Key)
		}
	}
	if after["A"].Pos != 2 || !after["A"].Correct {
		t.Errorf("option A = position %d correct %v, want 2 and true", after["A"].Pos, after["A"].Correct)
	}

	// The file now names its options: the same rows take those keys.
	named := strings.Replace(swapped, "      - text: A\n", "      - id: keuze-a\n        text: A\n", 1)
	fsys["01-eerste/quiz.yaml"] = &fstest.MapFile{Data: []byte(named)}
	importFS(t, db, fsys)
	if got := optionsOf(t, db, "eerste")["A"]; got.ID != first["A"].ID || got.Key != "keuze-a" {
		t.Errorf("option A with an id in the file = row %d key %q, want row %d key keuze-a", got.ID, got.Key, first["A"].ID)
	}

	// What the editor and the export start from carries the keys.
	var moduleID int64
	if err := db.Get(&moduleID, `SELECT module_id FROM questions WHERE slug = 'eerste'`); err != nil {
		t.Fatal(err)
	}
	q, err := catalog.StoredQuiz(context.Background(), db, moduleID)
	if err != nil {
		t.Fatal(err)
	}
	if ids := []string{q.Questions[0].Options[0].ID, q.Questions[0].Options[1].ID}; ids[0] != "b" || ids[1] != "keuze-a" {
		t.Errorf("stored quiz option ids = %q, want [b keuze-a]", ids)
	}
}
