package i18n

func init() { register("en", enMail) }

var enMail = map[string]string{
	"mail.html.button": "Open the link",
	"mail.html.footer": "This e-mail was sent automatically by the N@BIJ learning platform. Replies to this message are not read.",
}
