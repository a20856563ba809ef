package report

import (
	"context"
	"time"
)

// StatusLate is the matrix filter "te laat": people with an assigned module
// past its due date and not completed.
const StatusLate = "late"

// DueSource is what the reports ask the assigned-training capability (it
// owns the assignments): the due dates of people's modules, and who is late.
type DueSource interface {
	// DueCells returns, per user and module, the due date of what userIDs
	// (of orgID) must complete and have not completed.
	DueCells(ctx context.Context, orgID int64, userIDs []int64) (map[[2]int64]time.Time, error)
	// LateUserIDs lists the people of orgID late with moduleID (0: any).
	LateUserIDs(ctx context.Context, orgID, moduleID int64) ([]int64, error)
}

// UseDueDates shows due dates in the matrix and the CSV, and offers the
// "te laat" filter.
func (s *Store) UseDueDates(d DueSource) { s.due = d }

// addDue sets the due date of the matrix's cells.
func (s *Store) addDue(ctx context.Context, orgID int64, mx *Matrix, now time.Time) error {
	if s.due == nil || len(mx.People) == 0 {
		return nil
	}
	ids := make([]int64, len(mx.People))
	for i, p := range mx.People {
		ids[i] = p.ID
	}
	due, err := s.due.DueCells(ctx, orgID, ids)
	if err != nil {
		return err
	}
	y, m, d := now.In(brussels).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	for i := range mx.People {
		for j := range mx.People[i].Cells {
			c := &mx.People[i].Cells[j]
			if on, ok := due[[2]int64{c.UserID, c.ModuleID}]; ok && c.CompletedAt == nil {
				c.DueOn = &on
				c.Late = today.After(on)
			}
		}
	}
	return nil
}

// DueDate is the cell's due date as YYYY-MM-DD ("" when not required).
func (c Cell) DueDate() string {
	if c.DueOn == nil {
		return ""
	}
	return c.DueOn.Format(time.DateOnly)
}

// DueStatus is "late", "open" or "" (not required, or completed).
func (c Cell) DueStatus() string {
	switch {
	case c.DueOn == nil:
		return ""
	case c.Late:
		return "late"
	}
	return "open"
}
