package report

import (
	"context"
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
)

// fixture is a small organisation whose figures are computed by hand in
// the tests below.
type fixture struct {
	db                          *sqlx.DB
	orgA, orgB                  int64
	m1, m2                      int64
	q1, q2                      int64
	teamOnthaal, teamThuiszorg  int64
	anna, bert, celine, deleted int64
	inactive, other             int64
}

func exec(t *testing.T, db *sqlx.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func id(t *testing.T, db *sqlx.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Get(&n, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// newFixture builds:
//
//	module 1: 2 lessons, 2 questions; module 2: 4 lessons
//	org A, teams Onthaal (Anna, Bert) and Thuiszorg (Bert, Céline)
//	Anna:   M1 completed (score 90); M2 1 of 4 lessons (1 of 5 steps: 20%), best score 40
//	Bert:   M1 1 of 2 lessons (1 of 3 steps: 33%)
//	Céline: nothing
//	a deleted and an inactive person of org A who completed M1 (not counted)
//	org B: one person who completed M1 (never visible to org A)
func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := dbtest.New(t)
	f := &fixture{db: db}
	mod := `INSERT INTO modules (slug, position, title, summary, minutes, intro_md, intro_html, policy_md, policy_html)
		VALUES ($1, $2, $3, '', 10, '', '', '', '') RETURNING id`
	f.m1 = id(t, db, mod, "een", 1, "Online informeren")
	f.m2 = id(t, db, mod, "twee", 2, "Online contacteren")
	for i, m := range []struct {
		id int64
		n  int
	}{{f.m1, 2}, {f.m2, 4}} {
		for p := 1; p <= m.n; p++ {
			exec(t, db, `INSERT INTO lessons (module_id, slug, position, title, minutes, body_md, body_html, body_text)
				VALUES ($1, $2, $3, $4, 5, '', '', '')`, m.id, "les-"+string(rune('a'+p)), p, "Les "+string(rune('A'+i))+string(rune('0'+p)))
		}
	}
	q := `INSERT INTO questions (module_id, slug, position, kind, text) VALUES ($1, $2, $3, 'single', $4) RETURNING id`
	f.q1 = id(t, db, q, f.m1, "v1", 1, "Wat is online hulp?")
	f.q2 = id(t, db, q, f.m1, "v2", 2, "Wanneer antwoord je?")

	f.orgA = id(t, db, `INSERT INTO organisations (name) VALUES ('OCMW Testdorp') RETURNING id`)
	f.orgB = id(t, db, `INSERT INTO organisations (name) VALUES ('OCMW Anderdorp') RETURNING id`)
	f.teamOnthaal = id(t, db, `INSERT INTO teams (organisation_id, name) VALUES ($1, 'Onthaal') RETURNING id`, f.orgA)
	f.teamThuiszorg = id(t, db, `INSERT INTO teams (organisation_id, name) VALUES ($1, 'Thuiszorg') RETURNING id`, f.orgA)
	user := `INSERT INTO users (organisation_id, email, full_name, role) VALUES ($1, $2, $3, 'learner') RETURNING id`
	f.anna = id(t, db, user, f.orgA, "anna@a.example", "Anna Peeters")
	f.bert = id(t, db, user, f.orgA, "bert@a.example", "Bert Maes")
	f.celine = id(t, db, user, f.orgA, "celine@a.example", "Céline Dubois")
	f.deleted = id(t, db, user, f.orgA, "weg@a.example", "Verwijderd")
	f.inactive = id(t, db, user, f.orgA, "inactief@a.example", "Inactief")
	f.other = id(t, db, user, f.orgB, "ander@b.example", "Anna Ander")
	exec(t, db, `UPDATE users SET deleted_at = now() WHERE id = $1`, f.deleted)
	exec(t, db, `UPDATE users SET active = false WHERE id = $1`, f.inactive)
	for _, m := range [][2]int64{{f.teamOnthaal, f.anna}, {f.teamOnthaal, f.bert}, {f.teamThuiszorg, f.bert}, {f.teamThuiszorg, f.celine}} {
		exec(t, db, `INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)`, m[0], m[1])
	}
	progress := `INSERT INTO module_progress (user_id, module_id, lessons_done, best_score, passed_at, completed_at, last_activity_at)
		VALUES ($1, $2, $3, $4, $5::timestamptz, $5::timestamptz, $6::timestamptz)`
	exec(t, db, progress, f.anna, f.m1, 2, 90, "2026-10-01T10:00:00Z", "2026-10-01T10:00:00Z")
	exec(t, db, progress, f.anna, f.m2, 1, 40, nil, "2026-11-20T10:00:00Z")
	exec(t, db, progress, f.bert, f.m1, 1, nil, nil, "2026-11-01T10:00:00Z")
	for _, u := range []int64{f.deleted, f.inactive, f.other} {
		exec(t, db, progress, u, f.m1, 2, 100, "2026-09-01T10:00:00Z", "2026-09-01T10:00:00Z")
	}
	// Attempts: Anna q1 right q2 wrong; Bert both right; the deleted
	// person q1 wrong; org B both wrong.
	for _, a := range []struct {
		user   int64
		q1, q2 *bool
	}{{f.anna, ptr(true), ptr(false)}, {f.bert, ptr(true), ptr(true)}, {f.deleted, ptr(false), nil}, {f.other, ptr(false), ptr(false)}} {
		att := id(t, db, `INSERT INTO quiz_attempts (user_id, module_id, seq, layout, submitted_at, correct_count, question_count, score, passed)
			VALUES ($1, $2, 1, '{}', now(), 0, 2, 0, false) RETURNING id`, a.user, f.m1)
		for _, ans := range []struct {
			q  int64
			ok *bool
		}{{f.q1, a.q1}, {f.q2, a.q2}} {
			if ans.ok != nil {
				exec(t, db, `INSERT INTO attempt_answers (attempt_id, question_id, chosen, correct) VALUES ($1, $2, '{}', $3)`, att, ans.q, *ans.ok)
			}
		}
	}
	// An attempt that was started but never submitted does not count.
	open := id(t, db, `INSERT INTO quiz_attempts (user_id, module_id, seq, layout) VALUES ($1, $2, 2, '{}') RETURNING id`, f.bert, f.m1)
	exec(t, db, `INSERT INTO attempt_answers (attempt_id, question_id, chosen, correct) VALUES ($1, $2, '{}', false)`, open, f.q2)
	return f
}

func ptr[T any](v T) *T { return &v }

func TestDashboardCounts(t *testing.T) {
	f := newFixture(t)
	d, err := NewStore(f.db).Dashboard(context.Background(), f.orgA)
	if err != nil {
		t.Fatal(err)
	}
	if d.People != 3 {
		t.Errorf("people = %d, want 3 (deleted, inactive and other organisation excluded)", d.People)
	}
	want := map[string][3]int{ // completed, in progress, not started
		"org/Online informeren":        {1, 1, 1},
		"org/Online contacteren":       {0, 1, 2},
		"Onthaal/Online informeren":    {1, 1, 0},
		"Onthaal/Online contacteren":   {0, 1, 1},
		"Thuiszorg/Online informeren":  {0, 1, 1},
		"Thuiszorg/Online contacteren": {0, 0, 2},
	}
	check := func(prefix string, ms []ModuleCounts) {
		if len(ms) != 2 {
			t.Fatalf("%s: %d modules, want 2", prefix, len(ms))
		}
		for _, m := range ms {
			k := prefix + "/" + m.Module.Title
			got := [3]int{m.Completed, m.InProgress, m.NotStarted()}
			if got != want[k] {
				t.Errorf("%s = %v, want %v", k, got, want[k])
			}
		}
	}
	check("org", d.Modules)
	if got := d.Modules[0].Share(d.Modules[0].Completed); got != 33 {
		t.Errorf("share completed of module 1 = %d%%, want 33%%", got)
	}
	if len(d.Teams) != 2 {
		t.Fatalf("teams = %d, want 2", len(d.Teams))
	}
	for _, tc := range d.Teams {
		if tc.Team.Members != 2 {
			t.Errorf("team %s has %d members, want 2", tc.Team.Name, tc.Team.Members)
		}
		check(tc.Team.Name, tc.Modules)
	}
	// Organisation B sees only its own person.
	d, err = NewStore(f.db).Dashboard(context.Background(), f.orgB)
	if err != nil {
		t.Fatal(err)
	}
	if d.People != 1 || d.Modules[0].Completed != 1 || len(d.Teams) != 0 {
		t.Errorf("org B: people %d, completed %d, teams %d; want 1, 1, 0", d.People, d.Modules[0].Completed, len(d.Teams))
	}
}

func names(mx *Matrix) []string {
	var out []string
	for _, p := range mx.People {
		out = append(out, p.Name)
	}
	return out
}

func TestMatrix(t *testing.T) {
	f := newFixture(t)
	s := NewStore(f.db)
	ctx := context.Background()
	cases := []struct {
		name   string
		filter Filter
		want   []string
		total  int
	}{
		{"by name", Filter{Sort: "name"}, []string{"Anna Peeters", "Bert Maes", "Céline Dubois"}, 3},
		{"by name desc", Filter{Sort: "name", Desc: true}, []string{"Céline Dubois", "Bert Maes", "Anna Peeters"}, 3},
		{"by progress desc", Filter{Sort: "progress", Desc: true}, []string{"Anna Peeters", "Bert Maes", "Céline Dubois"}, 3},
		{"by progress asc", Filter{Sort: "progress"}, []string{"Céline Dubois", "Bert Maes", "Anna Peeters"}, 3},
		{"by activity desc, never active last", Filter{Sort: "activity", Desc: true}, []string{"Anna Peeters", "Bert Maes", "Céline Dubois"}, 3},
		{"unknown sort falls back to name", Filter{Sort: "full_name; DROP TABLE users"}, []string{"Anna Peeters", "Bert Maes", "Céline Dubois"}, 3},
		{"team Thuiszorg", Filter{TeamID: f.teamThuiszorg}, []string{"Bert Maes", "Céline Dubois"}, 2},
		{"all modules completed", Filter{Status: StatusCompleted}, nil, 0},
		{"in progress somewhere", Filter{Status: StatusInProgress}, []string{"Anna Peeters", "Bert Maes"}, 2},
		{"nothing started", Filter{Status: StatusNotStarted}, []string{"Céline Dubois"}, 1},
		{"module 1 completed", Filter{ModuleID: f.m1, Status: StatusCompleted}, []string{"Anna Peeters"}, 1},
		{"module 2 not started", Filter{ModuleID: f.m2, Status: StatusNotStarted}, []string{"Bert Maes", "Céline Dubois"}, 2},
		{"search without accent", Filter{Query: "celine"}, []string{"Céline Dubois"}, 1},
		{"search case-insensitive", Filter{Query: "MAES"}, []string{"Bert Maes"}, 1},
		{"wildcard is literal", Filter{Query: "%"}, nil, 0},
		{"page 2 of 2", Filter{Sort: "name", Page: 2, PerPage: 2}, []string{"Céline Dubois"}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mx, err := s.Matrix(ctx, f.orgA, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			got := names(mx)
			if len(got) != len(tc.want) || (len(got) > 0 && !equal(got, tc.want)) {
				t.Errorf("people = %q, want %q", got, tc.want)
			}
			if mx.Total != tc.total {
				t.Errorf("total = %d, want %d", mx.Total, tc.total)
			}
		})
	}

	mx, err := s.Matrix(ctx, f.orgA, Filter{Sort: "name"})
	if err != nil {
		t.Fatal(err)
	}
	anna, bert := mx.People[0], mx.People[1]
	// Every lesson and the quiz are a step (learning.ProgressSQL): Anna
	// (100 + 1 of 5 steps) / 2 modules, Bert (1 of 3 steps + 0) / 2.
	if anna.Progress != 60 || bert.Progress != 16 || mx.People[2].Progress != 0 {
		t.Errorf("progress = %d, %d, %d; want 60, 16, 0", anna.Progress, bert.Progress, mx.People[2].Progress)
	}
	if anna.Teams != "Onthaal" || bert.Teams != "Onthaal, Thuiszorg" {
		t.Errorf("teams = %q, %q; want Onthaal, Onthaal, Thuiszorg", anna.Teams, bert.Teams)
	}
	if c := anna.Cells[0]; c.Status() != StatusCompleted || c.CompletedDate() != "2026-10-01" || c.Score() != 90 || c.Progress != 100 {
		t.Errorf("Anna module 1 = %s %s score %d %d%%, want completed 2026-10-01 score 90 100%%", c.Status(), c.CompletedDate(), c.Score(), c.Progress)
	}
	if c := anna.Cells[1]; c.Status() != StatusInProgress || c.Progress != 20 || c.Score() != 40 {
		t.Errorf("Anna module 2 = %s %d%% score %d, want in_progress 20%% score 40", c.Status(), c.Progress, c.Score())
	}
	if c := bert.Cells[1]; c.Status() != StatusNotStarted || c.BestScore != nil {
		t.Errorf("Bert module 2 = %s, want not_started without score", c.Status())
	}
	if anna.ActivityDate() != "2026-11-20" {
		t.Errorf("Anna last activity = %q, want 2026-11-20", anna.ActivityDate())
	}

	// A lesson added to module 1 lowers Bert's share: 1 of 3 lessons and
	// the quiz.
	exec(t, f.db, `INSERT INTO lessons (module_id, slug, position, title, minutes, body_md, body_html, body_text) VALUES ($1, 'nieuw', 9, 'Nieuw', 5, '', '', '')`, f.m1)
	mx, err = s.Matrix(ctx, f.orgA, Filter{Query: "bert"})
	if err != nil {
		t.Fatal(err)
	}
	if got := mx.People[0].Cells[0].Progress; got != 25 {
		t.Errorf("Bert module 1 after a new lesson = %d%%, want 25%%", got)
	}
	// Organisation B's people never appear in A's matrix, whatever the filter.
	mx, err = s.Matrix(ctx, f.orgA, Filter{Query: "ander"})
	if err != nil {
		t.Fatal(err)
	}
	if len(mx.People) != 0 {
		t.Errorf("org A search for org B's person = %q, want nobody", names(mx))
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPersonScoped(t *testing.T) {
	f := newFixture(t)
	s := NewStore(f.db)
	ctx := context.Background()
	p, err := s.Person(ctx, f.orgA, f.anna)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Anna Peeters" || len(p.Modules) != 2 || p.Modules[0].Cell.Status() != StatusCompleted || len(p.Attempts) != 1 {
		t.Errorf("Anna = %q, %d modules, module 1 %s, %d attempts; want Anna Peeters, 2, completed, 1",
			p.Name, len(p.Modules), p.Modules[0].Cell.Status(), len(p.Attempts))
	}
	for _, tc := range []struct {
		name      string
		org, user int64
	}{{"other organisation", f.orgA, f.other}, {"from the other side", f.orgB, f.anna}, {"deleted", f.orgA, f.deleted}, {"inactive", f.orgA, f.inactive}} {
		if _, err := s.Person(ctx, tc.org, tc.user); !errors.Is(err, database.ErrNotFound) {
			t.Errorf("%s: err = %v, want ErrNotFound", tc.name, err)
		}
	}
}

func TestQuestionStats(t *testing.T) {
	f := newFixture(t)
	s := NewStore(f.db)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		org  int64
		want [2][2]int // per question: answers, correct
	}{
		{"organisation A (deleted person's answers count)", f.orgA, [2][2]int{{3, 2}, {2, 1}}},
		{"organisation B", f.orgB, [2][2]int{{1, 0}, {1, 0}}},
		{"all organisations", 0, [2][2]int{{4, 2}, {3, 1}}},
	} {
		qs, err := s.QuestionStats(ctx, tc.org)
		if err != nil {
			t.Fatal(err)
		}
		if len(qs) != 2 {
			t.Fatalf("%s: %d questions, want 2", tc.name, len(qs))
		}
		for i, q := range qs {
			if got := [2]int{q.Answers, q.Correct}; got != tc.want[i] {
				t.Errorf("%s: question %d answers, correct = %v, want %v", tc.name, i+1, got, tc.want[i])
			}
		}
	}
}
