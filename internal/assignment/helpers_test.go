package assignment_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/assignment"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/mail/smtptest"
)

// Due dates in the tests lie in 2030, so that the periodic job, which runs
// on start with the real clock, never finds one of them due.
var brussels = assignment.Brussels

// at is a moment in Brussels time.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, brussels)
	if err != nil {
		panic(err)
	}
	return t
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// newEnv starts the platform with the curriculum and SMTP at srv.
func newEnv(t *testing.T, srv *smtptest.Server) *apptest.Env {
	t.Helper()
	db, u := apptest.NewCurriculumDB(t)
	return apptest.NewWithConfig(t, db, u, func(c *config.Config) {
		c.SMTPURL = srv.URL()
		c.MailFrom = config.DefaultMailFrom
		c.JobRetryBase = 100 * time.Millisecond
	})
}

// moduleID is the id of the module at position.
func moduleID(t *testing.T, env *apptest.Env, position int) int64 {
	t.Helper()
	var id int64
	if err := env.DB.Get(&id, `SELECT id FROM modules WHERE position = $1`, position); err != nil {
		t.Fatalf("module %d: %v", position, err)
	}
	return id
}

// complete records that userID completed moduleID at when.
func complete(t *testing.T, env *apptest.Env, userID, moduleID int64, when time.Time) {
	t.Helper()
	if _, err := env.DB.Exec(`INSERT INTO module_progress (user_id, module_id, lessons_done, completed_at, passed_at)
		VALUES ($1, $2, 1, $3, $3) ON CONFLICT (user_id, module_id) DO UPDATE SET completed_at = $3`, userID, moduleID, when); err != nil {
		t.Fatalf("complete module %d for %d: %v", moduleID, userID, err)
	}
}

// remind runs a reminder round at now on env and returns the planned mails
// as "email kind due".
func remind(t *testing.T, env *apptest.Env, now time.Time) []string {
	t.Helper()
	rs, err := env.App.Assignments().QueueReminders(context.Background(), now)
	if err != nil {
		t.Fatalf("reminders at %v: %v", now, err)
	}
	var out []string
	for _, r := range rs {
		out = append(out, r.Email+" "+r.Kind()+" "+r.DueOn.Format(time.DateOnly))
	}
	return out
}

// settle waits until no reminder or mail job is left to run, so that a
// count of the server's messages is final.
func settle(t *testing.T, env *apptest.Env) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var n int
		if err := env.DB.Get(&n, `SELECT count(*) FROM river_job
			WHERE kind IN ('assignment_remind', 'mail_send') AND state NOT IN ('completed', 'discarded', 'cancelled')`); err != nil {
			t.Fatalf("count jobs: %v", err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still to run after 15 s", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// recipients lists "address subject" of every message srv accepted.
func recipients(srv *smtptest.Server) []string {
	var out []string
	for _, m := range srv.Messages() {
		out = append(out, strings.Join(m.To, ",")+" "+m.Subject)
	}
	return out
}
