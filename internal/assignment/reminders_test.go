package assignment_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/assignment"
	"nabij.be/leerplatform/internal/mail/smtptest"
)

func TestTeamReminders(t *testing.T) {
	srv := smtptest.Start(t)
	env := newEnv(t, srv)
	ctx := context.Background()
	org := env.CreateOrg("OCMW Zoersel")
	team := env.CreateTeam(org, "Onthaal")
	ann, _ := env.CreateUser(org, "learner", "ann@zoersel.example", "Ann Andries")
	bob, _ := env.CreateUser(org, "learner", "bob@zoersel.example", "Bob Bouwens")
	cas, _ := env.CreateUser(org, "learner", "cas@zoersel.example", "Cas Claes")
	dirk, _ := env.CreateUser(org, "learner", "dirk@zoersel.example", "Dirk Dens") // not in the team
	if _, err := env.DB.Exec(`UPDATE users SET lang = 'en' WHERE id = $1`, bob); err != nil {
		t.Fatal(err)
	}
	for _, u := range []int64{ann, bob, cas} {
		env.AddToTeam(team, u)
	}
	m1 := moduleID(t, env, 1)
	store := env.App.Assignments().Store()
	id, err := store.Create(ctx, assignment.Draft{
		Target: assignment.Target{OrgID: org, TeamID: team}, ModuleIDs: []int64{m1}, Due: assignment.Due{On: day("2030-03-31")},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	complete(t, env, cas, m1, at("2030-03-01 12:00"))
	_ = dirk

	if got := remind(t, env, at("2030-03-24 08:59")); len(got) != 0 {
		t.Errorf("before 9:00 Brussels: %v, want none", got)
	}
	if got := remind(t, env, at("2030-03-23 15:00")); len(got) != 0 {
		t.Errorf("8 days before: %v, want none", got)
	}
	want := []string{"ann@zoersel.example 7-days 2030-03-31", "bob@zoersel.example 7-days 2030-03-31"}
	if got := remind(t, env, at("2030-03-24 09:00")); !slices.Equal(got, want) {
		t.Errorf("7 days before = %v, want %v", got, want)
	}
	srv.Wait(2, 10*time.Second)
	settle(t, env)
	if got := remind(t, env, at("2030-03-24 16:00")); len(got) != 0 {
		t.Errorf("second run the same day: %v, want none", got)
	}
	settle(t, env)
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("after the 7-day round: %d mails (%v), want 2", len(msgs), recipients(srv))
	}
	for _, m := range msgs {
		switch m.To[0] {
		case "ann@zoersel.example":
			if !strings.HasPrefix(m.Subject, "Herinnering: ") || !strings.Contains(m.Subject, "31 maart 2030") || m.Header.Get("Content-Language") != "nl" {
				t.Errorf("Ann's reminder is not in Dutch: %q (%s)", m.Subject, m.Header.Get("Content-Language"))
			}
		case "bob@zoersel.example":
			if !strings.HasPrefix(m.Subject, "Reminder: ") || !strings.Contains(m.Subject, "31 March 2030") {
				t.Errorf("Bob's reminder is not in English: %q", m.Subject)
			}
		default:
			t.Errorf("reminder to %v, who was not asked", m.To)
		}
		lu := m.Header.Get("List-Unsubscribe")
		if !strings.HasPrefix(lu, "<"+env.Server.URL+"/uitschrijven/") || !strings.HasSuffix(lu, ">") {
			t.Errorf("List-Unsubscribe = %q", lu)
		}
		if got := m.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post = %q", got)
		}
		if !strings.Contains(m.Text, env.Server.URL+"/modules/") {
			t.Errorf("the reminder has no link to the module:\n%s", m.Text)
		}
	}

	// Ann completes; only Bob hears the day before.
	complete(t, env, ann, m1, at("2030-03-27 10:00"))
	if got, want := remind(t, env, at("2030-03-30 10:00")), []string{"bob@zoersel.example 1-day 2030-03-31"}; !slices.Equal(got, want) {
		t.Errorf("1 day before = %v, want %v", got, want)
	}
	srv.Wait(3, 10*time.Second)
	settle(t, env)

	// Withdrawn: nothing on the day itself.
	if ok, err := store.Withdraw(ctx, org, id); err != nil || !ok {
		t.Fatalf("withdraw = %v, %v", ok, err)
	}
	if got := remind(t, env, at("2030-03-31 10:00")); len(got) != 0 {
		t.Errorf("on the day after withdrawal: %v, want none", got)
	}
	settle(t, env)
	if got := recipients(srv); len(got) != 3 {
		t.Errorf("mails = %v, want exactly 3", got)
	}
}

// A withdrawal after the job was queued but before it ran still stops the
// mail: the job checks again when it claims.
func TestWithdrawnBeforeTheJobRuns(t *testing.T) {
	srv := smtptest.Start(t)
	env := newEnv(t, srv)
	ctx := context.Background()
	org := env.CreateOrg("OCMW Lier")
	ann, _ := env.CreateUser(org, "learner", "ann@lier.example", "Ann Andries")
	m1 := moduleID(t, env, 1)
	store := env.App.Assignments().Store()
	id, err := store.Create(ctx, assignment.Draft{Target: assignment.Target{OrgID: org, UserID: ann},
		ModuleIDs: []int64{m1}, Due: assignment.Due{On: day("2030-03-31")}})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := store.Due(ctx, at("2030-03-31 10:00"))
	if err != nil || len(rs) != 1 {
		t.Fatalf("due = %v, %v; want one", rs, err)
	}
	if _, err := store.Withdraw(ctx, org, id); err != nil {
		t.Fatal(err)
	}
	// The job as the earlier round had queued it.
	if _, _, err := env.App.Jobs().Insert(ctx, assignment.RemindArgs{UserID: ann, DueOn: "2030-03-31", DaysBefore: 0, ModuleIDs: []int64{m1}}, nil); err != nil {
		t.Fatal(err)
	}
	settle(t, env)
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d mails after withdrawal, want 0", n)
	}
}

func TestRelativeDueDateFollowsJoining(t *testing.T) {
	srv := smtptest.Start(t)
	env := newEnv(t, srv)
	ctx := context.Background()
	org := env.CreateOrg("OCMW Mol")
	team := env.CreateTeam(org, "Nieuwkomers")
	ann, _ := env.CreateUser(org, "learner", "ann@mol.example", "Ann Andries")
	env.AddToTeam(team, ann)
	m1 := moduleID(t, env, 1)
	store := env.App.Assignments().Store()
	if _, err := store.Create(ctx, assignment.Draft{Target: assignment.Target{OrgID: org, TeamID: team},
		ModuleIDs: []int64{m1}, Due: assignment.Due{Days: 30}, RemindDays: []int{7}}); err != nil {
		t.Fatal(err)
	}
	// Ann joined on 1 May 2030 (the test sets it: the assignment itself is
	// older); Bert joins on 10 June and gets the assignment too.
	if _, err := env.DB.Exec(`UPDATE team_members SET joined_at = $1 WHERE user_id = $2`, at("2030-05-01 11:00"), ann); err != nil {
		t.Fatal(err)
	}
	bert, _ := env.CreateUser(org, "learner", "bert@mol.example", "Bert Bakker")
	env.AddToTeam(team, bert)
	if _, err := env.DB.Exec(`UPDATE team_members SET joined_at = $1 WHERE user_id = $2`, at("2030-06-10 23:30"), bert); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		user int64
		want string
	}{{ann, "2030-05-31"}, {bert, "2030-07-10"}} {
		due, err := store.ForUser(ctx, c.user, org)
		if err != nil {
			t.Fatal(err)
		}
		if got := due[m1].DueOn.Format(time.DateOnly); got != c.want {
			t.Errorf("user %d: due %s, want %s", c.user, got, c.want)
		}
	}
	if got := remind(t, env, at("2030-05-23 10:00")); len(got) != 0 {
		t.Errorf("8 days before Ann's date: %v", got)
	}
	if got, want := remind(t, env, at("2030-05-24 10:00")), []string{"ann@mol.example 7-days 2030-05-31"}; !slices.Equal(got, want) {
		t.Errorf("7 days before Ann's date: %v, want %v", got, want)
	}
	if got, want := remind(t, env, at("2030-07-03 10:00")), []string{"bert@mol.example 7-days 2030-07-10"}; !slices.Equal(got, want) {
		t.Errorf("7 days before Bert's date: %v, want %v", got, want)
	}
	srv.Wait(2, 10*time.Second)
	settle(t, env)
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("%d mails, want 2", n)
	}
}
