package learning

import (
	"context"
	"sort"
	"time"
)

// DueDates tells the dashboard which modules a person must complete, by
// when (a Brussels date): the assigned training of their organisation.
type DueDates interface {
	DueDates(ctx context.Context, userID, orgID int64) (map[int64]time.Time, error)
}

// UseDueDates shows required modules and their due dates on the dashboard.
func (l *Learning) UseDueDates(d DueDates) { l.due = d }

// markDue sets the due date of the required modules and orders the list by
// what matters: overdue first, then what is due soonest, then the rest in
// the curriculum's order. today is a Brussels date at UTC midnight.
func markDue(rows []moduleRow, due map[int64]time.Time, lang string, today time.Time) []moduleRow {
	for i := range rows {
		d, ok := due[rows[i].ID]
		if !ok || rows[i].Complete() {
			continue
		}
		rows[i].Required = true
		rows[i].dueOn = d
		rows[i].DueOn = dueDate(lang, d)
		rows[i].Overdue = today.After(d)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Overdue != b.Overdue {
			return a.Overdue
		}
		if a.Required != b.Required {
			return a.Required
		}
		if a.Required {
			return a.dueOn.Before(b.dueOn)
		}
		return false
	})
	return rows
}

// dueDate formats a date that is already a calendar day (no time zone
// shift).
func dueDate(lang string, d time.Time) string {
	return Date(lang, time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, brussels))
}

// today is now's date in Brussels at UTC midnight, as dates scan from the
// database.
func today(now time.Time) time.Time {
	y, m, d := now.In(brussels).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
