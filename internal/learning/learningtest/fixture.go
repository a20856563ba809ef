// Package learningtest builds small curricula and people directly in a test
// database, for the store tests of learning and quiz.
package learningtest

import (
	"fmt"
	"testing"

	"github.com/jmoiron/sqlx"
)

// Org creates an organisation and returns its id.
func Org(t testing.TB, db *sqlx.DB, name string) int64 {
	t.Helper()
	var id int64
	if err := db.Get(&id, `INSERT INTO organisations (name) VALUES ($1) RETURNING id`, name); err != nil {
		t.Fatalf("create organisation %q: %v", name, err)
	}
	return id
}

// User creates an active user of orgID with role and returns its id.
func User(t testing.TB, db *sqlx.DB, orgID int64, role, email string) int64 {
	t.Helper()
	var id int64
	err := db.Get(&id, `INSERT INTO users (organisation_id, email, full_name, role) VALUES ($1, $2, $3, $4) RETURNING id`,
		orgID, email, "Test "+email, role)
	if err != nil {
		t.Fatalf("create user %q: %v", email, err)
	}
	return id
}

// Option is an answer option of a fixture question.
type Option struct {
	ID      int64
	Correct bool
}

// Question is a fixture question with its options.
type Question struct {
	ID      int64
	Kind    string
	Options []Option
}

// Right returns the ids of the correct options.
func (q Question) Right() []int64 {
	var ids []int64
	for _, o := range q.Options {
		if o.Correct {
			ids = append(ids, o.ID)
		}
	}
	return ids
}

// Wrong returns the id of one incorrect option.
func (q Question) Wrong() int64 {
	for _, o := range q.Options {
		if !o.Correct {
			return o.ID
		}
	}
	panic("learningtest: question without a wrong option")
}

// Module is a fixture module.
type Module struct {
	ID        int64
	Slug      string
	Lessons   []int64
	Questions []Question
}

// NewModule creates a module at position with n lessons and a quiz of four
// questions: single, multiple (two right of three), true/false, single.
// The pass mark is 70 %, so three right answers of four fail and four pass.
func NewModule(t testing.TB, db *sqlx.DB, position, lessons int) Module {
	t.Helper()
	m := Module{Slug: fmt.Sprintf("module-%d", position)}
	err := db.Get(&m.ID, `
		INSERT INTO modules (slug, position, title, summary, minutes, intro_md, intro_html, policy_md, policy_html, pass_mark)
		VALUES ($1, $2, $3, 'Samenvatting', 30, '', '', '', '', 70) RETURNING id`,
		m.Slug, position, fmt.Sprintf("Module %d", position))
	if err != nil {
		t.Fatalf("create module: %v", err)
	}
	for i := 1; i <= lessons; i++ {
		m.Lessons = append(m.Lessons, AddLesson(t, db, m.ID, i))
	}
	kinds := []struct {
		kind    string
		correct []bool
	}{
		{"single", []bool{false, true, false}},
		{"multiple", []bool{true, false, true}},
		{"truefalse", []bool{true, false}},
		{"single", []bool{false, false, true, false}},
	}
	for qi, k := range kinds {
		q := Question{Kind: k.kind}
		err := db.Get(&q.ID, `INSERT INTO questions (module_id, slug, position, kind, text) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			m.ID, fmt.Sprintf("vraag-%d", qi+1), qi+1, k.kind, fmt.Sprintf("Vraag %d van module %d?", qi+1, position))
		if err != nil {
			t.Fatalf("create question: %v", err)
		}
		for oi, c := range k.correct {
			o := Option{Correct: c}
			text := fmt.Sprintf("Optie %d.%d.%d", position, qi+1, oi+1)
			if k.kind == "truefalse" {
				text = []string{"Juist", "Fout"}[oi]
			}
			err := db.Get(&o.ID, `INSERT INTO options (question_id, position, text, correct, explanation) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
				q.ID, oi+1, text, c, fmt.Sprintf("Uitleg bij optie %d.%d.%d", position, qi+1, oi+1))
			if err != nil {
				t.Fatalf("create option: %v", err)
			}
			q.Options = append(q.Options, o)
		}
		m.Questions = append(m.Questions, q)
	}
	return m
}

// AddLesson adds a lesson at position to a module and returns its id.
func AddLesson(t testing.TB, db *sqlx.DB, moduleID int64, position int) int64 {
	t.Helper()
	var id int64
	err := db.Get(&id, `
		INSERT INTO lessons (module_id, slug, position, title, minutes, body_md, body_html, body_text)
		VALUES ($1, $2, $3, $4, 5, 'tekst', '<p>tekst</p>', 'tekst') RETURNING id`,
		moduleID, fmt.Sprintf("les-%d", position), position, fmt.Sprintf("Les %d", position))
	if err != nil {
		t.Fatalf("create lesson: %v", err)
	}
	return id
}
