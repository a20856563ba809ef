package assignment_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/assignment"
	"nabij.be/leerplatform/internal/jobs"
)

// BenchmarkReminderRun measures one reminder round over 10,000 learners of
// one organisation in 20 teams, with an assignment for everyone and one
// per team (so every person is reached twice and the earliest date wins),
// and a fifth of them done: "plan" is the set-based query alone, "queue"
// also inserts the 8,000 unique jobs.
//
//	DATABASE_URL=… go test -run '^$' -bench ReminderRun -benchtime 5x ./internal/assignment/
func BenchmarkReminderRun(b *testing.B) {
	db, _ := apptest.NewCurriculumDB(b)
	ctx := context.Background()
	var org int64
	if err := db.Get(&org, `INSERT INTO organisations (name) VALUES ('OCMW Groot') RETURNING id`); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO teams (organisation_id, name) SELECT $1, 'Team ' || i FROM generate_series(1, 20) i`,
		`INSERT INTO users (organisation_id, email, full_name, role)
		 SELECT $1, 'persoon' || i || '@groot.example', 'Persoon ' || i, 'learner' FROM generate_series(1, 10000) i`,
		`INSERT INTO team_members (team_id, user_id)
		 SELECT t.id, u.id FROM users u JOIN teams t ON t.organisation_id = $1
		   AND t.name = 'Team ' || (1 + u.id % 20) WHERE u.organisation_id = $1`,
		`INSERT INTO assignments (organisation_id, due_on) VALUES ($1, '2030-03-31')`,
		`INSERT INTO assignments (organisation_id, team_id, due_on) SELECT $1, id, '2030-04-30' FROM teams WHERE organisation_id = $1`,
		`INSERT INTO assignment_modules (assignment_id, module_id)
		 SELECT a.id, m.id FROM assignments a, modules m WHERE a.organisation_id = $1 AND m.position <= 2`,
		`INSERT INTO module_progress (user_id, module_id, lessons_done, completed_at)
		 SELECT u.id, m.id, 1, now() FROM users u, modules m WHERE u.organisation_id = $1 AND u.id % 5 = 0 AND m.position <= 2`,
		`ANALYZE`,
	} {
		if _, err := db.Exec(q, org); err != nil && q != "ANALYZE" {
			b.Fatalf("%v\n%s", err, q)
		} else if q == "ANALYZE" {
			if _, err := db.Exec(q); err != nil {
				b.Fatal(err)
			}
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := assignment.New(ctx, db, nil, nil, "http://localhost", log)
	if err != nil {
		b.Fatal(err)
	}
	q, err := jobs.New(db.DB, nil, log, jobs.Options{})
	if err != nil {
		b.Fatal(err)
	}
	a.UseQueue(q)
	now := at("2030-03-24 10:00")

	b.Run("plan", func(b *testing.B) {
		for b.Loop() {
			rs, err := a.Store().Due(ctx, now)
			if err != nil {
				b.Fatal(err)
			}
			if len(rs) != 8000 {
				b.Fatalf("%d reminders, want 8000", len(rs))
			}
		}
	})
	b.Run("queue", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			if _, err := db.Exec(`DELETE FROM river_job`); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			rs, err := a.QueueReminders(ctx, now)
			if err != nil {
				b.Fatal(err)
			}
			if len(rs) != 8000 {
				b.Fatalf("%d reminders, want 8000", len(rs))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/8000, "µs/reminder")
	})
}
