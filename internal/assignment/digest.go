package assignment

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/riverqueue/river"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/mail"
)

// DigestHour is the hour (Brussels, on Monday) from which the weekly digest
// leaves.
const DigestHour = 8

// DigestLine is one person and module in a digest.
type DigestLine struct {
	Name        string     `db:"full_name"`
	Email       string     `db:"email"`
	Module      string     `db:"title"`
	DueOn       time.Time  `db:"due_on"`
	CompletedAt *time.Time `db:"completed_at"`
}

// Digest is what one manager's weekly mail says.
type Digest struct {
	Overdue   []DigestLine
	Completed []DigestLine // assigned modules completed in the last 7 days
}

// DigestFor computes the digest of organisation orgID at now.
func (s *Store) DigestFor(ctx context.Context, orgID int64, now time.Time) (Digest, error) {
	var lines []DigestLine
	err := s.db.SelectContext(ctx, &lines, dueCTE+`
		SELECT u.full_name, u.email, m.title, d.due_on, d.completed_at
		FROM due d JOIN users u ON u.id = d.user_id JOIN modules m ON m.id = d.module_id
		WHERE (d.completed_at IS NULL AND d.due_on < $3::date) OR (d.completed_at >= $4 AND d.completed_at < $5)
		ORDER BY d.completed_at IS NOT NULL, d.due_on, u.full_name, m.position`,
		orgID, 0, Today(now).Format(time.DateOnly), now.Add(-7*24*time.Hour), now)
	if err != nil {
		return Digest{}, fmt.Errorf("assignment: digest for organisation %d: %w", orgID, err)
	}
	var d Digest
	for _, l := range lines {
		if l.CompletedAt != nil {
			d.Completed = append(d.Completed, l)
		} else {
			d.Overdue = append(d.Overdue, l)
		}
	}
	return d, nil
}

// weekOf is the Monday of now's week in Brussels.
func weekOf(now time.Time) time.Time {
	t := Today(now)
	return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
}

// DigestsArgs is the job that sends this week's digests that have not gone
// out yet.
type DigestsArgs struct{}

// Kind implements river.JobArgs.
func (DigestsArgs) Kind() string { return "assignment_digests" }

type digestWorker struct {
	river.WorkerDefaults[DigestsArgs]
	a *Assignments
}

func (w *digestWorker) Work(ctx context.Context, _ *river.Job[DigestsArgs]) error {
	n, err := w.a.SendDigests(ctx, w.a.now())
	if err == nil && n > 0 {
		w.a.log.Info("assignment digests queued", "digests", n)
	}
	return err
}

// SendDigests queues this week's digest for every manager who has not had
// it, from Monday DigestHour (Brussels) on: one mail per manager, only
// when there is something to tell. Each manager's digest is claimed in
// digests_sent in the transaction that queues its mail, so two instances
// send it once.
func (a *Assignments) SendDigests(ctx context.Context, now time.Time) (int, error) {
	local := now.In(Brussels)
	week := weekOf(now)
	if Today(now).Equal(week) && local.Hour() < DigestHour {
		return 0, nil
	}
	var managers []struct {
		ID    int64  `db:"id"`
		OrgID int64  `db:"organisation_id"`
		Email string `db:"email"`
		Name  string `db:"full_name"`
		Lang  string `db:"lang"`
	}
	if err := a.db.SelectContext(ctx, &managers, `
		SELECT u.id, u.organisation_id, u.email, u.full_name, u.lang
		FROM users u LEFT JOIN mail_preferences p ON p.user_id = u.id
		WHERE u.role = 'manager' AND u.active AND u.deleted_at IS NULL AND u.organisation_id IS NOT NULL
		  AND NOT coalesce(p.no_digest, false)
		  AND EXISTS (SELECT 1 FROM assignments a WHERE a.organisation_id = u.organisation_id AND a.withdrawn_at IS NULL)
		  AND NOT EXISTS (SELECT 1 FROM digests_sent s WHERE s.user_id = u.id AND s.week_of = $1::date)
		ORDER BY u.organisation_id, u.id`, week.Format(time.DateOnly)); err != nil {
		return 0, fmt.Errorf("assignment: digests: %w", err)
	}
	digests := map[int64]Digest{}
	sent := 0
	for _, m := range managers {
		d, ok := digests[m.OrgID]
		if !ok {
			var err error
			if d, err = a.store.DigestFor(ctx, m.OrgID, now); err != nil {
				return sent, err
			}
			digests[m.OrgID] = d
		}
		err := database.WithTx(ctx, a.db, func(tx *sqlx.Tx) error {
			var claimed []int64
			if err := tx.SelectContext(ctx, &claimed, `INSERT INTO digests_sent (user_id, week_of) VALUES ($1, $2::date)
				ON CONFLICT DO NOTHING RETURNING user_id`, m.ID, week.Format(time.DateOnly)); err != nil {
				return err
			}
			if len(claimed) == 0 || (len(d.Overdue) == 0 && len(d.Completed) == 0) {
				return nil
			}
			sent++
			return a.mail.Queue(ctx, tx, a.digestMail(m.ID, m.Email, m.Name, m.Lang, d))
		})
		if err != nil {
			return sent, fmt.Errorf("assignment: digest for %d: %w", m.ID, err)
		}
	}
	return sent, nil
}

func (a *Assignments) digestMail(userID int64, email, name, lang string, d Digest) mail.Message {
	var b strings.Builder
	b.WriteString(i18n.T(lang, "assignment.mail.greeting", name) + "\n\n")
	b.WriteString(i18n.T(lang, "assignment.digest.intro") + "\n\n")
	b.WriteString(i18n.T(lang, "assignment.digest.overdue", len(d.Overdue)) + "\n")
	for _, l := range d.Overdue {
		fmt.Fprintf(&b, "- %s (%s): %s, %s\n", l.Name, l.Email, l.Module, i18n.T(lang, "assignment.digest.due", FormatDate(lang, l.DueOn)))
	}
	if len(d.Overdue) == 0 {
		b.WriteString(i18n.T(lang, "assignment.digest.none") + "\n")
	}
	b.WriteString("\n" + i18n.T(lang, "assignment.digest.completed", len(d.Completed)) + "\n")
	for _, l := range d.Completed {
		fmt.Fprintf(&b, "- %s (%s): %s\n", l.Name, l.Email, l.Module)
	}
	if len(d.Completed) == 0 {
		b.WriteString(i18n.T(lang, "assignment.digest.none") + "\n")
	}
	unsub := a.UnsubscribeURL(userID, KindDigest)
	b.WriteString("\n" + i18n.T(lang, "assignment.digest.report") + "\n\n" + a.baseURL + "/rapport\n\n")
	b.WriteString(i18n.T(lang, "assignment.digest.unsubscribe") + "\n\n" + unsub)
	return mail.Message{To: email, Lang: lang, Unsubscribe: unsub,
		Subject: i18n.T(lang, "assignment.digest.subject", len(d.Overdue)), Body: b.String()}
}
