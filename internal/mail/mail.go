// Package mail sends the platform's e-mail through a queue. A message is
// recorded in mail_outbox inside the transaction of the change that causes
// it (an invitation, a reset link), together with a job that sends it; the
// request that made the change never waits for an SMTP server. The job is
// worked by whichever instance picks it up first, retried with a growing
// delay when the server is away or refuses, and the body (which holds a
// live link) is emptied once the server accepted the message.
//
// Without SMTP_URL nothing is sent: messages stay in the outbox, where
// admins read them on /beheer/mail, so that local installations work
// without a mail server.
package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/riverqueue/river"

	"nabij.be/leerplatform/internal/jobs"
)

// Message is one e-mail: plain text, from which the HTML alternative is
// made. Subject and Body are already in the recipient's language.
type Message struct {
	To      string
	Subject string
	Body    string
	Lang    string // "nl" (default) or "en": the HTML's language and footer
	// Unsubscribe is the one-click unsubscribe URL of optional mail
	// (reminders, digests), sent as List-Unsubscribe with
	// List-Unsubscribe-Post (RFC 8058); "" for mail that is not optional.
	Unsubscribe string
}

// Sender queues e-mail.
type Sender interface {
	// Queue records ms inside tx: the mail leaves only if tx commits.
	Queue(ctx context.Context, tx *sqlx.Tx, ms ...Message) error
}

// Mailer is the platform's Sender.
type Mailer struct {
	db        *sqlx.DB
	transport *Transport // nil: outbox only
	queue     *jobs.Queue
	log       *slog.Logger
}

// New returns a Mailer that sends through transport (nil: keeps mail in
// the outbox). It needs a queue (UseQueue) before it sends.
func New(db *sqlx.DB, transport *Transport, log *slog.Logger) *Mailer {
	return &Mailer{db: db, transport: transport, log: log}
}

// UseQueue sets the queue that sends the mail. The queue runs the
// Mailer's Worker, so it is made after the Mailer.
func (m *Mailer) UseQueue(q *jobs.Queue) { m.queue = q }

// Queue records the messages in the outbox inside tx and, with SMTP, the
// jobs that send them: two statements however many messages there are.
func (m *Mailer) Queue(ctx context.Context, tx *sqlx.Tx, msgs ...Message) error {
	if len(msgs) == 0 {
		return nil
	}
	status := "outbox"
	if m.transport != nil {
		status = "queued"
		if m.queue == nil {
			return fmt.Errorf("mail: queue: no job queue")
		}
	}
	n := len(msgs)
	to, subject, body, lang, ids := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	unsub := make([]string, n)
	for i, msg := range msgs {
		to[i], subject[i], body[i], lang[i], ids[i] = msg.To, msg.Subject, msg.Body, msg.Lang, m.messageID()
		unsub[i] = msg.Unsubscribe
		if lang[i] != "en" {
			lang[i] = "nl"
		}
	}
	var rows []int64
	if err := tx.SelectContext(ctx, &rows, `
		INSERT INTO mail_outbox (recipient, subject, body, lang, message_id, status, unsubscribe_url)
		SELECT r, s, b, l, i, $6, nullif(u, '') FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $7::text[]) AS t (r, s, b, l, i, u)
		RETURNING id`,
		pq.Array(to), pq.Array(subject), pq.Array(body), pq.Array(lang), pq.Array(ids), status, pq.Array(unsub)); err != nil {
		return fmt.Errorf("mail: queue: %w", err)
	}
	if m.transport == nil {
		// Never the body: it holds a live link (admins read it on /beheer/mail).
		m.log.Info("mail kept in the outbox (no SMTP_URL)", "mails", len(rows), "first_mail_id", rows[0])
		return nil
	}
	args := make([]river.JobArgs, len(rows))
	for i, id := range rows {
		args[i] = SendArgs{MailID: id}
	}
	if err := m.queue.InsertManyTx(ctx, tx.Tx, args); err != nil {
		return fmt.Errorf("mail: queue: %w", err)
	}
	return nil
}

// messageID is a globally unique Message-ID (without the angle brackets),
// chosen when the mail is queued so that every attempt carries the same
// one: a receiving server or mail program that gets the message twice
// (see the README on crashes mid-send) can tell it is the same.
func (m *Mailer) messageID() string {
	b := make([]byte, 16)
	rand.Read(b)
	domain := "localhost"
	if m.transport != nil {
		domain = m.transport.domain()
	}
	return fmt.Sprintf("%d.%s@%s", time.Now().UnixNano(), hex.EncodeToString(b), domain)
}

// Retry queues a failed mail again, with a fresh series of attempts. It
// reports false when the mail is not (or no longer) failed.
func (m *Mailer) Retry(ctx context.Context, id int64) (bool, error) {
	if m.transport == nil || m.queue == nil {
		return false, nil
	}
	tx, err := m.db.BeginTxx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("mail: retry: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck
	res, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET status = 'queued', next_attempt_at = now()
		WHERE id = $1 AND status = 'failed'`, id)
	if err != nil {
		return false, fmt.Errorf("mail: retry: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	if _, _, err := m.queue.InsertTx(ctx, tx.Tx, SendArgs{MailID: id}, nil); err != nil {
		return false, fmt.Errorf("mail: retry: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("mail: retry: commit: %w", err)
	}
	m.log.Info("mail queued again by an admin", "mail_id", id)
	return true, nil
}

// SMTP reports whether mail is sent (SMTP_URL is set).
func (m *Mailer) SMTP() bool { return m.transport != nil }

// OutboxEntry is one recorded e-mail.
type OutboxEntry struct {
	ID            int64      `db:"id"`
	Recipient     string     `db:"recipient"`
	Subject       string     `db:"subject"`
	Body          string     `db:"body"` // "" once sent
	Status        string     `db:"status"`
	Attempts      int        `db:"attempts"`
	CreatedAt     time.Time  `db:"created_at"`
	SentAt        *time.Time `db:"sent_at"`
	LastAttemptAt *time.Time `db:"last_attempt_at"`
	NextAttemptAt *time.Time `db:"next_attempt_at"`
	Error         *string    `db:"error"`
}

// OutboxCounts is how many mails are in each state.
type OutboxCounts struct {
	Outbox int `db:"outbox"`
	Queued int `db:"queued"`
	Sent   int `db:"sent"`
	Failed int `db:"failed"`
}

// Outbox returns the latest recorded e-mails in status ("" for all),
// newest first.
func Outbox(ctx context.Context, db *sqlx.DB, status string, limit int) ([]OutboxEntry, error) {
	var es []OutboxEntry
	if err := db.SelectContext(ctx, &es, `
		SELECT id, recipient, subject, body, status, attempts, created_at, sent_at,
		       last_attempt_at, next_attempt_at, error
		FROM mail_outbox WHERE $1 = '' OR status = $1
		ORDER BY created_at DESC, id DESC LIMIT $2`, status, limit); err != nil {
		return nil, fmt.Errorf("mail: outbox: %w", err)
	}
	return es, nil
}

// Counts counts the recorded e-mails by state.
func Counts(ctx context.Context, db *sqlx.DB) (OutboxCounts, error) {
	var c OutboxCounts
	if err := db.GetContext(ctx, &c, `
		SELECT count(*) FILTER (WHERE status = 'outbox') AS outbox,
		       count(*) FILTER (WHERE status = 'queued') AS queued,
		       count(*) FILTER (WHERE status = 'sent') AS sent,
		       count(*) FILTER (WHERE status = 'failed') AS failed
		FROM mail_outbox`); err != nil {
		return c, fmt.Errorf("mail: counts: %w", err)
	}
	return c, nil
}

// shorten keeps an error text readable on the admin page and in the log.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 500 {
		s = string(r[:500]) + "…"
	}
	return s
}
