package mail

import (
	"context"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Timeout bounds connecting to the SMTP server and every command after it,
// so that a hung server holds a worker for seconds, not forever.
const Timeout = 30 * time.Second

// Transport delivers messages to one SMTP server.
type Transport struct {
	host    string
	port    int
	options []gomail.Option
	from    *mail.Address
	replyTo *mail.Address // nil: none
}

// ParseAddress reads a sender address such as
// `"N@BIJ leerplatform" <noreply@gemeente.be>`, with a clear message when
// it does not parse (config checks MAIL_FROM and MAIL_REPLY_TO with it).
func ParseAddress(key, s string) (*mail.Address, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf(`%s=%q is not an e-mail address such as "N@BIJ leerplatform" <noreply@gemeente.be> (a name with @ or other special characters goes between double quotes)`, key, s)
	}
	return a, nil
}

// NewTransport reads an SMTP URL:
//
//	smtp://user:password@host:587   STARTTLS when the server offers it
//	smtp://host:25?tls=required     refuse a server without STARTTLS
//	smtps://user:password@host:465  implicit TLS
//
// User and password are optional; the mechanism is the strongest the
// server offers (never a plain-text password without TLS, except to a
// server on this machine).
func NewTransport(smtpURL, from, replyTo string) (*Transport, error) {
	u, err := url.Parse(smtpURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		// Not echoed: the URL may hold a password.
		return nil, fmt.Errorf("SMTP_URL is not an smtp://user:password@host:port or smtps://… URL")
	}
	t := &Transport{host: u.Hostname()}
	if t.from, err = ParseAddress("MAIL_FROM", from); err != nil {
		return nil, err
	}
	if replyTo != "" {
		if t.replyTo, err = ParseAddress("MAIL_REPLY_TO", replyTo); err != nil {
			return nil, err
		}
	}
	t.port = 587
	if u.Scheme == "smtps" {
		t.port = 465
	}
	if p := u.Port(); p != "" {
		if t.port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP_URL has no valid port")
		}
	}
	// A new connection per message: no NOOP to check it first.
	t.options = []gomail.Option{gomail.WithPort(t.port), gomail.WithTimeout(Timeout), gomail.WithoutNoop()}
	switch {
	case u.Scheme == "smtps":
		t.options = append(t.options, gomail.WithSSL())
	case u.Query().Get("tls") == "required":
		t.options = append(t.options, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		t.options = append(t.options, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if u.User != nil && u.User.Username() != "" {
		pass, _ := u.User.Password()
		// The strongest mechanism the server offers over TLS; to a server
		// on this machine (a local relay) PLAIN also without TLS, as
		// net/smtp allows, since the password does not cross a network.
		mech := gomail.SMTPAuthAutoDiscover
		if h := t.host; h == "localhost" || net.ParseIP(h) != nil && net.ParseIP(h).IsLoopback() {
			mech = gomail.SMTPAuthPlain
		}
		t.options = append(t.options, gomail.WithSMTPAuth(mech),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	return t, nil
}

// domain is the sender's domain, for Message-IDs.
func (t *Transport) domain() string {
	_, d, _ := strings.Cut(t.from.Address, "@")
	if d == "" {
		return "localhost"
	}
	return d
}

// stored is a queued mail as the worker reads it.
type stored struct {
	ID        int64     `db:"id"`
	Recipient string    `db:"recipient"`
	Subject   string    `db:"subject"`
	Body      string    `db:"body"`
	Lang      string    `db:"lang"`
	MessageID string    `db:"message_id"`
	CreatedAt time.Time `db:"created_at"`
	// Unsubscribe is the one-click unsubscribe URL ("" for mail that is
	// not optional).
	Unsubscribe string `db:"unsubscribe_url"`
}

// compose builds the message: UTF-8 headers and names, the plain text
// first and the HTML alternative second (mail programs show the last part
// they understand).
func (t *Transport) compose(m stored) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP), gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(t.from)
	if t.replyTo != nil {
		msg.ReplyToMailAddress(t.replyTo)
	}
	if err := msg.To(m.Recipient); err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(time.Now())
	msg.SetGenHeader(gomail.HeaderContentLang, m.Lang)
	// Automatic replies (out of office) go nowhere useful for this sender.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader("X-Auto-Response-Suppress", "All")
	if m.Unsubscribe != "" {
		// RFC 8058: the mail program POSTs List-Unsubscribe=One-Click to the
		// URL, without the person opening a page.
		msg.SetGenHeader("List-Unsubscribe", "<"+m.Unsubscribe+">")
		msg.SetGenHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	html, err := htmlBody(m.Subject, m.Body, m.Lang)
	if err != nil {
		return nil, err
	}
	msg.AddAlternativeString(gomail.TypeTextHTML, html)
	return msg, nil
}

// send delivers m over a new connection.
func (t *Transport) send(ctx context.Context, m stored) error {
	msg, err := t.compose(m)
	if err != nil {
		return err
	}
	c, err := gomail.NewClient(t.host, t.options...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}
