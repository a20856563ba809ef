package assignment_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/assignment"
	"nabij.be/leerplatform/internal/mail/smtptest"
)

func TestWeeklyDigest(t *testing.T) {
	srv := smtptest.Start(t)
	env := newEnv(t, srv)
	a := env.App.Assignments()
	// The periodic job reads this clock: a quiet week long before the dates.
	a.UseClock(func() time.Time { return at("2030-01-01 03:00") })
	ctx := context.Background()
	org := env.CreateOrg("OCMW Ranst")
	team := env.CreateTeam(org, "Thuiszorg")
	ann, _ := env.CreateUser(org, "learner", "ann@ranst.example", "Ann Andries")
	bob, _ := env.CreateUser(org, "learner", "bob@ranst.example", "Bob Bouwens")
	cas, _ := env.CreateUser(org, "learner", "cas@ranst.example", "Cas Claes")
	dana, _ := env.CreateUser(org, "learner", "dana@ranst.example", "Dana Dierckx") // not in the team
	for _, u := range []int64{ann, bob, cas} {
		env.AddToTeam(team, u)
	}
	env.CreateUser(org, "manager", "baas@ranst.example", "Bea Baas")
	quiet, _ := env.CreateUser(org, "manager", "stil@ranst.example", "Stijn Stil")
	if err := a.Store().Unsubscribe(ctx, quiet, assignment.KindDigest); err != nil {
		t.Fatal(err)
	}
	other := env.CreateOrg("OCMW Elders")
	env.CreateUser(other, "manager", "baas@elders.example", "Eli Elders")
	if _, err := a.Store().Create(ctx, assignment.Draft{Target: assignment.Target{OrgID: other}, Programme: true,
		Due: assignment.Due{On: day("2030-01-01")}}); err != nil {
		t.Fatal(err)
	}
	m1 := moduleID(t, env, 1)
	if _, err := a.Store().Create(ctx, assignment.Draft{Target: assignment.Target{OrgID: org, TeamID: team},
		ModuleIDs: []int64{m1}, Due: assignment.Due{On: day("2030-03-10")}}); err != nil {
		t.Fatal(err)
	}
	complete(t, env, bob, m1, at("2030-03-12 10:00"))  // late, but within the week
	complete(t, env, cas, m1, at("2030-03-05 10:00"))  // on time, before the week
	complete(t, env, dana, m1, at("2030-03-13 10:00")) // not assigned

	send := func(now string) int {
		t.Helper()
		n, err := a.SendDigests(ctx, at(now))
		if err != nil {
			t.Fatalf("digests at %s: %v", now, err)
		}
		return n
	}
	if n := send("2030-03-18 07:59"); n != 0 {
		t.Errorf("Monday before 8:00: %d digests, want 0", n)
	}
	// Monday 18 March 2030, 9:00: the manager of Ranst and the one of Elders.
	if n := send("2030-03-18 09:00"); n != 2 {
		t.Errorf("Monday 9:00: %d digests, want 2", n)
	}
	if n := send("2030-03-20 09:00"); n != 0 {
		t.Errorf("the same week again: %d digests, want 0", n)
	}
	srv.Wait(2, 10*time.Second)
	settle(t, env)
	got := srv.To("baas@ranst.example")
	if len(got) != 1 {
		t.Fatalf("%d digests to the manager, want 1 (all mail: %v)", len(got), recipients(srv))
	}
	text := got[0].Text
	over, done := strings.Index(text, "Te laat (1):"), strings.Index(text, "Afgerond in de voorbije week (1):")
	if over < 0 || done < over {
		t.Fatalf("digest lacks its two lists:\n%s", text)
	}
	if i := strings.Index(text, "Ann Andries"); i < over || i > done || !strings.Contains(text, "verplicht tegen 10 maart 2030") {
		t.Errorf("Ann is not listed as overdue:\n%s", text)
	}
	if i := strings.Index(text, "Bob Bouwens"); i < done {
		t.Errorf("Bob is not listed as completed:\n%s", text)
	}
	for _, name := range []string{"Cas Claes", "Dana Dierckx", "Eli"} {
		if strings.Contains(text, name) {
			t.Errorf("digest names %s:\n%s", name, text)
		}
	}
	if got[0].Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("digest lacks the one-click unsubscribe headers")
	}
	if n := len(srv.To("stil@ranst.example")); n != 0 {
		t.Errorf("the manager who turned the digest off got %d", n)
	}
	if n := len(srv.To("ann@ranst.example")); n != 0 {
		t.Errorf("a learner got %d digests", n)
	}
	if ms := srv.To("baas@elders.example"); len(ms) != 1 || strings.Contains(ms[0].Text, "Ranst") || strings.Contains(ms[0].Text, "Ann") {
		t.Errorf("the other organisation's digest: %d mails, or it names Ranst's people", len(ms))
	}
}
