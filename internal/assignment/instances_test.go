package assignment_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/assignment"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/mail/smtptest"
)

// Two instances (two queues with workers on one database) run the reminder
// round at the same moment, several times: every reminder leaves once.
func TestTwoInstancesSendEachReminderOnce(t *testing.T) {
	srv := smtptest.Start(t)
	db, u := apptest.NewCurriculumDB(t)
	configure := func(c *config.Config) {
		c.SMTPURL = srv.URL()
		c.MailFrom = config.DefaultMailFrom
		c.JobRetryBase = 100 * time.Millisecond
	}
	one := apptest.NewWithConfig(t, db, u, configure)
	two := apptest.NewWithConfig(t, db, u, configure)
	ctx := context.Background()
	org := one.CreateOrg("OCMW Geel")
	const people = 12
	for i := range people {
		one.CreateUser(org, "learner", "persoon"+string(rune('a'+i))+"@geel.example", "Persoon")
	}
	m1, m2 := moduleID(t, one, 1), moduleID(t, one, 2)
	if _, err := one.App.Assignments().Store().Create(ctx, assignment.Draft{Target: assignment.Target{OrgID: org},
		ModuleIDs: []int64{m1, m2}, Due: assignment.Due{On: day("2030-09-10")}}); err != nil {
		t.Fatal(err)
	}
	now := at("2030-09-03 09:05")
	var wg sync.WaitGroup
	for range 4 {
		for _, env := range []*apptest.Env{one, two} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := env.App.Assignments().QueueReminders(ctx, now); err != nil {
					t.Errorf("reminders: %v", err)
				}
			}()
		}
	}
	wg.Wait()
	srv.Wait(people, 15*time.Second)
	settle(t, one)

	// Even when the queue has forgotten the jobs (completed jobs are
	// deleted after a day) and the same job comes again, reminders_sent
	// holds.
	if _, err := db.Exec(`DELETE FROM river_job WHERE kind = 'assignment_remind'`); err != nil {
		t.Fatal(err)
	}
	var users []int64
	if err := db.Select(&users, `SELECT id FROM users WHERE organisation_id = $1`, org); err != nil {
		t.Fatal(err)
	}
	for _, id := range users {
		if _, _, err := two.App.Jobs().Insert(ctx, assignment.RemindArgs{UserID: id, DueOn: "2030-09-10", DaysBefore: 7, ModuleIDs: []int64{m1, m2}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got := remind(t, one, now); len(got) != 0 {
		t.Errorf("a round after all were sent plans %v, want none", got)
	}
	settle(t, one)
	if got := srv.Messages(); len(got) != people {
		t.Errorf("%d mails, want %d (one per person, both modules in it): %v", len(got), people, recipients(srv))
	}
	var sent int
	if err := db.Get(&sent, `SELECT count(*) FROM reminders_sent`); err != nil || sent != 2*people {
		t.Errorf("reminders_sent holds %d rows (%v), want %d", sent, err, 2*people)
	}
}
