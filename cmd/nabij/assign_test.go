package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"nabij.be/leerplatform/internal/apptest"
)

// `nabij assign` makes a team assignment that the dashboard shows, and
// `nabij reminders --dry-run` lists the mails of the moment without
// queueing them; without --dry-run it queues them.
func TestAssignAndRemindersCommands(t *testing.T) {
	db, dbURL := apptest.NewCurriculumDB(t)
	env := apptest.NewEmpty(t, db, dbURL)
	t.Setenv("DATABASE_URL", dbURL)
	t.Setenv("BASE_URL", env.Server.URL)
	org := env.CreateOrg("OCMW Nijlen")
	team := env.CreateTeam(org, "Onthaal")
	ann, _ := env.CreateUser(org, "learner", "ann@nijlen.example", "Ann Andries")
	env.AddToTeam(team, ann)
	env.CreateUser(org, "learner", "bob@nijlen.example", "Bob Bouwens") // not in the team
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	var slug string
	if err := db.Get(&slug, `SELECT slug FROM modules WHERE position = 1`); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := assignCommand(ctx, log, []string{"--org", "OCMW Nijlen", "--team", "Onthaal", "--module", slug, "--due", "2030-03-31"}, &out); err != nil {
		t.Fatalf("assign: %v", err)
	}
	if !strings.Contains(out.String(), "created") {
		t.Errorf("assign printed %q", out.String())
	}
	for _, bad := range [][]string{
		{"--org", "OCMW Nijlen", "--module", slug},                                       // no date
		{"--org", "OCMW Nijlen", "--module", slug, "--programme", "--due", "2030-01-01"}, // both
		{"--org", "OCMW Nijlen", "--team", "Geen", "--module", slug, "--due", "2030-01-01"},
		{"--org", "OCMW Nergens", "--programme", "--due-days", "30"},
		{"--org", "OCMW Nijlen", "--module", "geen-module", "--due", "2030-01-01"},
	} {
		if err := assignCommand(ctx, log, bad, io.Discard); err == nil {
			t.Errorf("assign %v succeeded", bad)
		}
	}
	if err := assignCommand(ctx, log, []string{"--org", "OCMW Nijlen", "--person", "bob@nijlen.example", "--programme", "--due-days", "30"}, io.Discard); err != nil {
		t.Fatalf("assign to a person: %v", err)
	}

	now := time.Date(2030, 3, 24, 9, 30, 0, 0, time.UTC) // 10:30 in Brussels
	out.Reset()
	if err := remindersCommand(ctx, log, []string{"--dry-run"}, &out, now); err != nil {
		t.Fatalf("reminders --dry-run: %v", err)
	}
	if want := "ann@nijlen.example\t7-days\t" + slug + "\t2030-03-31\n"; out.String() != want {
		t.Errorf("dry run printed %q, want %q", out.String(), want)
	}
	var jobs int
	if err := db.Get(&jobs, `SELECT count(*) FROM river_job WHERE kind = 'assignment_remind'`); err != nil || jobs != 0 {
		t.Errorf("the dry run queued %d jobs (%v)", jobs, err)
	}
	out.Reset()
	if err := remindersCommand(ctx, log, nil, &out, now); err != nil {
		t.Fatalf("reminders: %v", err)
	}
	if !strings.Contains(out.String(), "1 reminder mails queued") {
		t.Errorf("reminders printed %q", out.String())
	}
	if err := db.Get(&jobs, `SELECT count(*) FROM river_job WHERE kind = 'assignment_remind'`); err != nil || jobs != 1 {
		t.Errorf("reminders queued %d jobs (%v), want 1", jobs, err)
	}
}
