package assignment

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/riverqueue/river"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/jobs"
)

// RemindHour is the hour (Brussels) from which a day's reminders leave: not
// in the night, and early enough to act on the same working day.
const RemindHour = 9

// Reminder is one reminder mail that is due: to one person, for the modules
// that share a due date, on one of the reminder days.
type Reminder struct {
	UserID     int64          `db:"user_id"`
	Email      string         `db:"email"`
	Name       string         `db:"full_name"`
	Lang       string         `db:"lang"`
	DueOn      time.Time      `db:"due_on"`
	DaysBefore int            `db:"days_before"`
	ModuleIDs  pq.Int64Array  `db:"module_ids"`
	Slugs      pq.StringArray `db:"slugs"`
	Titles     pq.StringArray `db:"titles"`
}

// Kind names the reminder for people and scripts: "7-days", "1-day" or
// "due-today".
func (r Reminder) Kind() string { return kindName(r.DaysBefore) }

func kindName(daysBefore int) string {
	switch daysBefore {
	case 0:
		return "due-today"
	case 1:
		return "1-day"
	default:
		return fmt.Sprintf("%d-days", daysBefore)
	}
}

// remindersSQL finds, in one statement for the whole platform, the
// reminders that are due on day $3 and not yet sent: people who have not
// completed the module, whose assignment stands, who did not turn
// reminders off. $1 and $2 narrow it as in dueCTE.
const remindersSQL = dueCTE + `
SELECT d.user_id, u.email, u.full_name, u.lang, d.due_on, k.days_before,
       array_agg(d.module_id ORDER BY m.position) AS module_ids,
       array_agg(m.slug ORDER BY m.position) AS slugs,
       array_agg(m.title ORDER BY m.position) AS titles
FROM due d
CROSS JOIN LATERAL unnest(d.remind_days) AS k (days_before)
JOIN users u ON u.id = d.user_id
JOIN modules m ON m.id = d.module_id
LEFT JOIN mail_preferences p ON p.user_id = d.user_id
WHERE d.completed_at IS NULL
  AND d.due_on - k.days_before = $3::date
  AND NOT coalesce(p.no_reminders, false)
  AND NOT EXISTS (SELECT 1 FROM reminders_sent s
                  WHERE s.user_id = d.user_id AND s.module_id = d.module_id
                    AND s.due_on = d.due_on AND s.days_before = k.days_before)
GROUP BY d.user_id, u.email, u.full_name, u.lang, d.due_on, k.days_before
ORDER BY u.email, d.due_on, k.days_before DESC`

// Due returns the reminders that should go out at now: those of now's
// Brussels day, from RemindHour on. A reminder whose day passed without
// it (the platform was down) is not sent late: "still 7 days" a week late
// would mislead; the next one comes on its own day.
func (s *Store) Due(ctx context.Context, now time.Time) ([]Reminder, error) {
	if now.In(Brussels).Hour() < RemindHour {
		return nil, nil
	}
	var rs []Reminder
	if err := s.db.SelectContext(ctx, &rs, remindersSQL, 0, 0, Today(now).Format(time.DateOnly)); err != nil {
		return nil, fmt.Errorf("assignment: reminders: %w", err)
	}
	return rs, nil
}

// RemindArgs is the job that sends one reminder mail. Its unique fields
// make a second insert of the same reminder (another instance, a second
// run) a no-op while the first job is kept; reminders_sent makes it
// harmless after that too.
type RemindArgs struct {
	UserID     int64   `json:"user_id" river:"unique"`
	DueOn      string  `json:"due_on" river:"unique"`
	DaysBefore int     `json:"days_before" river:"unique"`
	ModuleIDs  []int64 `json:"module_ids"`
}

// Kind implements river.JobArgs.
func (RemindArgs) Kind() string { return "assignment_remind" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (RemindArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// QueueReminders inserts a job for every reminder due at now and returns
// them (those already queued are skipped by the queue).
func (a *Assignments) QueueReminders(ctx context.Context, now time.Time) ([]Reminder, error) {
	rs, err := a.store.Due(ctx, now)
	if err != nil || len(rs) == 0 {
		return rs, err
	}
	args := make([]river.JobArgs, len(rs))
	for i, r := range rs {
		args[i] = RemindArgs{UserID: r.UserID, DueOn: r.DueOn.Format(time.DateOnly), DaysBefore: r.DaysBefore, ModuleIDs: r.ModuleIDs}
	}
	err = database.WithTx(ctx, a.db, func(tx *sqlx.Tx) error { return a.queue.InsertManyTx(ctx, tx.Tx, args) })
	if err != nil {
		return nil, fmt.Errorf("assignment: queue reminders: %w", err)
	}
	return rs, nil
}

// claimSQL records the reminder for the modules that still need it (same
// due date, not completed, assignment standing, reminders on) and returns
// those: the UNIQUE key of reminders_sent lets only one claimant win.
const claimSQL = dueCTE + `
INSERT INTO reminders_sent (user_id, module_id, due_on, days_before)
SELECT d.user_id, d.module_id, d.due_on, $4
FROM due d
LEFT JOIN mail_preferences p ON p.user_id = d.user_id
WHERE d.completed_at IS NULL AND d.due_on = $3::date AND d.module_id = ANY($5)
  AND $4 = ANY(d.remind_days) AND NOT coalesce(p.no_reminders, false)
ON CONFLICT DO NOTHING
RETURNING module_id`

type remindWorker struct {
	river.WorkerDefaults[RemindArgs]
	a *Assignments
}

// Work claims the reminder and queues its mail in one transaction, with
// the job's completion: a crash before the commit leaves nothing claimed.
func (w *remindWorker) Work(ctx context.Context, job *river.Job[RemindArgs]) error {
	a, args := w.a, job.Args
	return database.WithTx(ctx, a.db, func(tx *sqlx.Tx) error {
		var claimed []int64
		if err := tx.SelectContext(ctx, &claimed, claimSQL, 0, args.UserID, args.DueOn, args.DaysBefore, pq.Array(args.ModuleIDs)); err != nil {
			return fmt.Errorf("assignment: claim reminder for %d: %w", args.UserID, err)
		}
		if len(claimed) > 0 {
			msg, err := a.reminderMail(ctx, tx, args, claimed)
			if err != nil {
				return err
			}
			if err := a.mail.Queue(ctx, tx, msg); err != nil {
				return err
			}
		}
		return jobs.CompleteTx(ctx, tx.Tx, job)
	})
}

// RemindersArgs is the periodic job that queues the reminders due now.
type RemindersArgs struct{}

// Kind implements river.JobArgs.
func (RemindersArgs) Kind() string { return "assignment_reminders" }

type remindersWorker struct {
	river.WorkerDefaults[RemindersArgs]
	a *Assignments
}

func (w *remindersWorker) Work(ctx context.Context, _ *river.Job[RemindersArgs]) error {
	rs, err := w.a.QueueReminders(ctx, w.a.now())
	if err == nil && len(rs) > 0 {
		w.a.log.Info("assignment reminders queued", "reminders", len(rs))
	}
	return err
}
