package i18n

func init() { register("nl", nlMail) }

var nlMail = map[string]string{
	"mail.html.button": "Open de link",
	"mail.html.footer": "Deze e-mail werd automatisch verstuurd door het N@BIJ leerplatform. Antwoorden op dit bericht worden niet gelezen.",
}
