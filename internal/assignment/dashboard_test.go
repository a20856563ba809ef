package assignment_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"nabij.be/leerplatform/internal/apptest"
	"nabij.be/leerplatform/internal/assignment"
)

func TestDashboardShowsRequiredModulesOverdueFirst(t *testing.T) {
	env := apptest.New(t)
	ctx := context.Background()
	org := env.CreateOrg("OCMW Kasterlee")
	team := env.CreateTeam(org, "Schuldbemiddeling")
	ann, pw := env.CreateUser(org, "learner", "ann@kasterlee.example", "Ann Andries")
	env.AddToTeam(team, ann)
	other, otherPW := env.CreateUser(org, "learner", "bo@kasterlee.example", "Bo Boels")
	_ = other
	store := env.App.Assignments().Store()
	m2, m4 := moduleID(t, env, 2), moduleID(t, env, 4)
	if _, err := store.Create(ctx, assignment.Draft{Target: assignment.Target{OrgID: org, TeamID: team},
		ModuleIDs: []int64{m2}, Due: assignment.Due{On: day("2030-03-31")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Create(ctx, assignment.Draft{Target: assignment.Target{OrgID: org, UserID: ann},
		ModuleIDs: []int64{m4}, Due: assignment.Due{On: day("2026-01-15")}}); err != nil {
		t.Fatal(err)
	}
	c := env.Client()
	c.Login("ann@kasterlee.example", pw)
	resp := c.Get("/mijn-leertraject")
	if resp.Status != http.StatusOK {
		t.Fatalf("dashboard: status %d", resp.Status)
	}
	late := strings.Index(resp.Body, "Te laat: verplicht tegen 15 januari 2026")
	due := strings.Index(resp.Body, "Verplicht tegen 31 maart 2030")
	if late < 0 || due < 0 {
		t.Fatalf("dashboard lacks the due dates (late at %d, due at %d):\n%s", late, due, resp.Body)
	}
	if late > due {
		t.Errorf("the overdue module comes after the one due later")
	}
	var first string
	if err := env.DB.Get(&first, `SELECT title FROM modules WHERE id = $1`, m4); err != nil {
		t.Fatal(err)
	}
	if i := strings.Index(resp.Body, first); i < 0 || i > due {
		t.Errorf("module 4 (overdue) is not listed first")
	}
	if !resp.Contains("Eén verplichte module is te laat") {
		t.Errorf("no overdue summary")
	}

	// Someone outside the team with no assignment sees none of it.
	c2 := env.Client()
	c2.Login("bo@kasterlee.example", otherPW)
	if resp := c2.Get("/mijn-leertraject"); resp.Contains("erplicht tegen") {
		t.Errorf("a person without assignment sees a due date")
	}
}
