package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/jobs"
)

// SendArgs is the job that sends one mail_outbox row. It carries only the
// row's id: the body stays in the outbox, never in the job table or a log.
type SendArgs struct {
	MailID int64 `json:"mail_id"`
}

// Kind implements river.JobArgs.
func (SendArgs) Kind() string { return "mail_send" }

// Worker returns the job worker that sends queued mail.
func (m *Mailer) Worker() river.Worker[SendArgs] { return &sendWorker{m: m} }

type sendWorker struct {
	river.WorkerDefaults[SendArgs]
	m *Mailer
}

// Work sends the mail once. A mail already sent (its job came back after a
// crash between the server's acceptance and the commit below, or a second
// job for it) is not sent again.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	m := w.m
	var s stored
	err := m.db.GetContext(ctx, &s, `
		SELECT id, recipient, subject, body, lang, coalesce(message_id, '') AS message_id, created_at,
		       coalesce(unsubscribe_url, '') AS unsubscribe_url
		FROM mail_outbox WHERE id = $1 AND status = 'queued'`, job.Args.MailID)
	if errors.Is(database.NotFound(err), database.ErrNotFound) {
		return nil // sent, given up or gone
	}
	if err != nil {
		return fmt.Errorf("mail %d: %w", job.Args.MailID, err)
	}
	if m.transport == nil {
		// SMTP_URL was removed while mail waited: keep it for the admins.
		_, err := m.db.ExecContext(ctx, `UPDATE mail_outbox SET status = 'outbox' WHERE id = $1`, s.ID)
		return err
	}
	if s.MessageID == "" {
		s.MessageID = m.messageID()
	}
	start := time.Now()
	if err := m.transport.send(ctx, s); err != nil {
		return w.failed(ctx, job, s, err)
	}
	tx, err := m.db.BeginTxx(ctx, nil)
	if err == nil {
		defer tx.Rollback() //nolint:errcheck
		_, err = tx.ExecContext(ctx, `UPDATE mail_outbox
			SET status = 'sent', sent_at = now(), body = '', error = NULL, next_attempt_at = NULL,
			    attempts = attempts + 1, last_attempt_at = now()
			WHERE id = $1`, s.ID)
	}
	if err == nil {
		err = jobs.CompleteTx(ctx, tx.Tx, job)
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		// The server has the mail; the job comes back and finds the row
		// still queued, so the recipient may get it twice (same Message-ID).
		m.log.Error("mail: sent but not recorded", "mail_id", s.ID, "error", err.Error())
		return fmt.Errorf("mail %d: record sent: %w", s.ID, err)
	}
	m.log.Info("mail sent", "mail_id", s.ID, "attempt", job.Attempt, "took", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// failed records a failed attempt; the queue retries the job later, or
// gives it up after the last attempt.
func (w *sendWorker) failed(ctx context.Context, job *river.Job[SendArgs], s stored, sendErr error) error {
	m := w.m
	text := shorten(sendErr.Error())
	status := "queued"
	var next *time.Time
	if jobs.LastAttempt(job.JobRow) {
		status = "failed"
	} else {
		t := m.queue.NextRetry(job.JobRow)
		next = &t
	}
	// The context may be over (a timeout): record the failure all the same.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := m.db.ExecContext(rctx, `UPDATE mail_outbox SET status = $2, error = $3, next_attempt_at = $4,
			attempts = attempts + 1, last_attempt_at = now()
		WHERE id = $1 AND status = 'queued'`, s.ID, status, text, next); err != nil {
		m.log.Error("mail: record failure", "mail_id", s.ID, "error", err.Error())
	}
	if status == "failed" {
		m.log.Error("mail: given up", "mail_id", s.ID, "attempts", job.Attempt, "error", text)
	} else {
		m.log.Warn("mail: send failed, will retry", "mail_id", s.ID, "attempt", job.Attempt, "next_attempt", next.UTC().Format(time.RFC3339), "error", text)
	}
	return fmt.Errorf("mail %d: %s", s.ID, text)
}
