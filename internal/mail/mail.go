// Package mail sends the platform's e-mail: through SMTP when SMTP_URL is
// set, otherwise into the outbox table (which admins read on /beheer/mail),
// so that local installations work without a mail server.
package mail

import (
	"context"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Message is one plain-text e-mail.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Sender sends e-mail.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Mailer is the platform's Sender.
type Mailer struct {
	db      *sqlx.DB
	smtpURL *url.URL // nil: outbox only
	from    string
	log     *slog.Logger
}

// New returns a Mailer. An unparsable SMTP URL is an error, found at start.
func New(db *sqlx.DB, smtpURL, from string, log *slog.Logger) (*Mailer, error) {
	m := &Mailer{db: db, from: from, log: log}
	if smtpURL != "" {
		u, err := url.Parse(smtpURL)
		if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
			return nil, fmt.Errorf("mail: SMTP_URL is not smtp://user:pass@host:port")
		}
		m.smtpURL = u
	}
	return m, nil
}

// Send delivers m. Without SMTP the message goes to the outbox; with SMTP
// only the recipient and subject are recorded. The log never gets the body
// (it may hold a one-time link).
func (m *Mailer) Send(ctx context.Context, msg Message) error {
	if m.smtpURL == nil {
		// Not the body: it holds a one-time link. Admins read it at /beheer/mail.
		m.log.Info("mail (outbox, no SMTP_URL)", "to", msg.To, "subject", msg.Subject)
		return m.record(ctx, msg, msg.Body, nil)
	}
	err := m.smtp(msg)
	if rerr := m.record(ctx, msg, "", err); rerr != nil {
		m.log.Error("mail: record", "error", rerr.Error())
	}
	if err != nil {
		return fmt.Errorf("mail: send to %s: %w", msg.To, err)
	}
	return nil
}

func (m *Mailer) record(ctx context.Context, msg Message, body string, sendErr error) error {
	var errText *string
	sent := m.smtpURL != nil && sendErr == nil
	if sendErr != nil {
		s := sendErr.Error()
		errText = &s
	}
	_, err := m.db.ExecContext(ctx, `
		INSERT INTO mail_outbox (recipient, subject, body, sent_at, error)
		VALUES ($1, $2, $3, CASE WHEN $4 THEN now() END, $5)`,
		msg.To, msg.Subject, body, sent, errText)
	if err != nil {
		return fmt.Errorf("mail: outbox: %w", err)
	}
	return nil
}

func (m *Mailer) smtp(msg Message) error {
	u := m.smtpURL
	port := u.Port()
	if port == "" {
		port = "587"
	}
	addr := net.JoinHostPort(u.Hostname(), port)
	var auth smtp.Auth
	if u.User != nil {
		pass, _ := u.User.Password()
		auth = smtp.PlainAuth("", u.User.Username(), pass, u.Hostname())
	}
	from, err := mail.ParseAddress(m.from)
	if err != nil {
		return fmt.Errorf("MAIL_FROM: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\n", from.String())
	fmt.Fprintf(&b, "To: %s\r\n", msg.To)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", msg.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(msg.Body, "\n", "\r\n"))
	// smtp.SendMail uses STARTTLS when the server offers it.
	return smtp.SendMail(addr, auth, from.Address, []string{msg.To}, []byte(b.String()))
}

// OutboxEntry is one recorded e-mail.
type OutboxEntry struct {
	ID        int64      `db:"id"`
	Recipient string     `db:"recipient"`
	Subject   string     `db:"subject"`
	Body      string     `db:"body"`
	CreatedAt time.Time  `db:"created_at"`
	SentAt    *time.Time `db:"sent_at"`
	Error     *string    `db:"error"`
}

// Outbox returns the latest recorded e-mails, newest first.
func Outbox(ctx context.Context, db *sqlx.DB, limit int) ([]OutboxEntry, error) {
	var es []OutboxEntry
	if err := db.SelectContext(ctx, &es, `
		SELECT id, recipient, subject, body, created_at, sent_at, error
		FROM mail_outbox ORDER BY created_at DESC, id DESC LIMIT $1`, limit); err != nil {
		return nil, fmt.Errorf("mail: outbox: %w", err)
	}
	return es, nil
}
