package i18n

func init() { register("en", enMail) }

var enMail = map[string]string{
	"mail.html.button":            "Open the link",
	"mail.html.footer":            "This e-mail was sent automatically by the N@BIJ learning platform. Replies to this message are not read.",
	"org.invite.row.elsewhere":    "Not invited: this address cannot be invited through your organisation",
	"org.invite.row.name_invalid": "Not invited: the name in the file cannot be used",
	"org.mail.intro_smtp":         "E-mail leaves through the queue: when sending fails, the platform tries again with ever longer pauses, for a day. The content (with personal links) is shown here until the e-mail is sent and erased after that.",
	"org.mail.filter":             "Show e-mail",
	"org.mail.all":                "All",
	"org.mail.count.queued":       "Queued (%d)",
	"org.mail.count.sent":         "Sent (%d)",
	"org.mail.count.failed":       "Failed (%d)",
	"org.mail.count.outbox":       "Kept without SMTP (%d)",
	"org.mail.status.queued":      "queued",
	"org.mail.status.sent":        "sent",
	"org.mail.status.failed":      "failed",
	"org.mail.status.outbox":      "kept (no SMTP)",
	"org.mail.sent_at":            "sent at %s",
	"org.mail.attempts":           "attempts: %d",
	"org.mail.next":               "next attempt around %s",
	"org.mail.last_error":         "Last error:",
	"org.mail.retry":              "Try again",
	"org.mail.retried":            "The e-mail is queued again.",
	"org.mail.retry_gone":         "This e-mail has not failed (any more); nothing was restarted.",
	"org.mail.redacted":           "Content erased after sending (it held a personal link).",
	"org.mail.body":               "Content",
}
