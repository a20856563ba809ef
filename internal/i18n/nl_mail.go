package i18n

func init() { register("nl", nlMail) }

var nlMail = map[string]string{
	"mail.html.button":            "Open de link",
	"mail.html.footer":            "Deze e-mail werd automatisch verstuurd door het N@BIJ leerplatform. Antwoorden op dit bericht worden niet gelezen.",
	"org.invite.row.elsewhere":    "Niet uitgenodigd: dit adres kan niet via je organisatie uitgenodigd worden",
	"org.invite.row.name_invalid": "Niet uitgenodigd: de naam in het bestand kan niet gebruikt worden",
	"org.mail.intro_smtp":         "E-mail vertrekt via de wachtrij: lukt het niet, dan probeert het platform opnieuw met een steeds langere pauze, een etmaal lang. De inhoud (met persoonlijke links) is hier te zien tot de e-mail verzonden is en wordt daarna gewist.",
	"org.mail.filter":             "Toon e-mail",
	"org.mail.all":                "Alle",
	"org.mail.count.queued":       "In de wachtrij (%d)",
	"org.mail.count.sent":         "Verzonden (%d)",
	"org.mail.count.failed":       "Mislukt (%d)",
	"org.mail.count.outbox":       "Bewaard zonder SMTP (%d)",
	"org.mail.status.queued":      "in de wachtrij",
	"org.mail.status.sent":        "verzonden",
	"org.mail.status.failed":      "mislukt",
	"org.mail.status.outbox":      "bewaard (geen SMTP)",
	"org.mail.sent_at":            "verzonden op %s",
	"org.mail.attempts":           "pogingen: %d",
	"org.mail.next":               "volgende poging rond %s",
	"org.mail.last_error":         "Laatste fout:",
	"org.mail.retry":              "Opnieuw proberen",
	"org.mail.retried":            "De e-mail staat opnieuw in de wachtrij.",
	"org.mail.retry_gone":         "Deze e-mail is niet (meer) mislukt; er is niets opnieuw gestart.",
	"org.mail.redacted":           "Inhoud gewist na verzending (ze bevatte een persoonlijke link).",
	"org.mail.body":               "Inhoud",
}
