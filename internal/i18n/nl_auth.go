package i18n

func init() { register("nl", nlAuth) }

var nlAuth = map[string]string{
	"auth.field.email":    "E-mailadres",
	"auth.field.password": "Wachtwoord",

	"auth.login.title":     "Aanmelden",
	"auth.login.submit":    "Aanmelden",
	"auth.login.forgot":    "Wachtwoord vergeten?",
	"auth.login.invited":   "Nog geen account? Je organisatie nodigt je uit via e-mail.",
	"auth.login.failed":    "Dit e-mailadres en wachtwoord horen niet bij elkaar. Controleer ze en probeer opnieuw.",
	"auth.login.throttled": "Te veel mislukte pogingen. Wacht %d seconden en probeer dan opnieuw.",
	"auth.login.welcome":   "Welkom, %s.",
	"auth.logout.done":     "Je bent afgemeld.",

	"auth.password.short":   "Kies een wachtwoord van minstens 8 tekens.",
	"auth.password.long":    "Kies een wachtwoord van hoogstens 256 tekens.",
	"auth.password.common":  "Dit wachtwoord is te bekend en wordt vaak geraden. Kies een ander, bijvoorbeeld een zin van enkele woorden.",
	"auth.password.invalid": "Dit wachtwoord kan niet.",
	"auth.password.hint":    "Minstens 8 tekens. Een zin van enkele woorden is sterk en makkelijk te onthouden.",
}
