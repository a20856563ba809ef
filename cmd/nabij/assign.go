package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"nabij.be/leerplatform/internal/assignment"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/jobs"
)

const assignUsage = `usage: nabij assign --org NAME [--team NAME | --person EMAIL] (--module SLUG[,SLUG…] | --programme)
                   (--due YYYY-MM-DD | --due-days N) [--remind 7,1,0]`

// assignCommand creates an assignment: `nabij assign …`.
func assignCommand(ctx context.Context, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("assign", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	orgName := fs.String("org", "", "organisation name")
	team := fs.String("team", "", "team name (default: the whole organisation)")
	person := fs.String("person", "", "e-mail address of one person")
	modules := fs.String("module", "", "module slug(s), comma-separated")
	programme := fs.Bool("programme", false, "the whole programme")
	due := fs.String("due", "", "due date, YYYY-MM-DD")
	dueDays := fs.Int("due-days", -1, "days after the person joined the team or organisation")
	remind := fs.String("remind", "7,1,0", "days before the due date on which reminders go out (of 7, 1, 0; empty: none)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("assign: %w\n%s", err, assignUsage)
	}
	if strings.TrimSpace(*orgName) == "" || (*team != "" && *person != "") ||
		(*modules == "") == !*programme || (*due == "") == (*dueDays < 0) {
		return errors.New(assignUsage)
	}
	db, _, err := openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	s := assignment.NewStore(db)
	var d assignment.Draft
	if d.OrgID, err = s.OrganisationID(ctx, *orgName); err != nil {
		return notFound(err, "organisation %q", *orgName)
	}
	if *team != "" {
		if d.TeamID, err = s.TeamID(ctx, d.OrgID, *team); err != nil {
			return notFound(err, "team %q in %s", *team, *orgName)
		}
	}
	if *person != "" {
		if d.UserID, err = s.PersonID(ctx, d.OrgID, *person); err != nil {
			return notFound(err, "person %q in %s", *person, *orgName)
		}
	}
	d.Programme = *programme
	for _, slug := range strings.Split(*modules, ",") {
		if slug = strings.TrimSpace(slug); slug == "" {
			continue
		}
		id, err := s.ModuleID(ctx, slug)
		if err != nil {
			return notFound(err, "module %q", slug)
		}
		d.ModuleIDs = append(d.ModuleIDs, id)
	}
	if *due != "" {
		if d.Due.On, err = time.Parse(time.DateOnly, *due); err != nil {
			return fmt.Errorf("assign: --due %q is not a date YYYY-MM-DD", *due)
		}
	} else {
		d.Due.Days = *dueDays
	}
	d.RemindDays = []int{}
	for _, r := range strings.Split(*remind, ",") {
		switch strings.TrimSpace(r) {
		case "":
		case "7":
			d.RemindDays = append(d.RemindDays, 7)
		case "1":
			d.RemindDays = append(d.RemindDays, 1)
		case "0":
			d.RemindDays = append(d.RemindDays, 0)
		default:
			return fmt.Errorf("assign: --remind %q: reminders go 7, 1 or 0 days before", *remind)
		}
	}
	id, err := s.Create(ctx, d)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "assignment %d created\n", id)
	return nil
}

func notFound(err error, format string, args ...any) error {
	if errors.Is(err, database.ErrNotFound) {
		return fmt.Errorf("assign: there is no "+format, args...)
	}
	return err
}

// remindersCommand lists (--dry-run) or queues the reminders due now, as
// the server's periodic job does every quarter of an hour.
func remindersCommand(ctx context.Context, log *slog.Logger, args []string, out io.Writer, now time.Time) error {
	fs := flag.NewFlagSet("reminders", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dry := fs.Bool("dry-run", false, "print the reminders that would go out now, queue nothing")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("reminders: %w\nusage: nabij reminders [--dry-run]", err)
	}
	db, cfg, err := openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := assignment.New(ctx, db, nil, nil, cfg.BaseURL, log)
	if err != nil {
		return err
	}
	var rs []assignment.Reminder
	if *dry {
		rs, err = a.Store().Due(ctx, now)
	} else {
		q, qerr := jobs.New(db.DB, nil, log, jobs.Options{})
		if qerr != nil {
			return qerr
		}
		a.UseQueue(q)
		rs, err = a.QueueReminders(ctx, now)
	}
	if err != nil {
		return err
	}
	for _, r := range rs {
		// One line per mail; a mail names every module due that day.
		fmt.Fprintf(out, "%s\t%s\t%s\t%s\n", r.Email, r.Kind(), strings.Join(r.Slugs, ","), r.DueOn.Format(time.DateOnly))
	}
	if !*dry {
		fmt.Fprintf(out, "%d reminder mails queued\n", len(rs))
	}
	return nil
}
