package i18n

func init() { register("en", enAuth) }

var enAuth = map[string]string{
	"auth.field.email":    "E-mail address",
	"auth.field.password": "Password",

	"auth.login.title":     "Sign in",
	"auth.login.submit":    "Sign in",
	"auth.login.forgot":    "Forgot your password?",
	"auth.login.invited":   "No account yet? Your organisation invites you by e-mail.",
	"auth.login.failed":    "This e-mail address and password do not match. Check them and try again.",
	"auth.login.throttled": "Too many failed attempts. Wait %d seconds and try again.",
	"auth.login.welcome":   "Welcome, %s.",
	"auth.logout.done":     "You have signed out.",

	"auth.password.short":   "Choose a password of at least 8 characters.",
	"auth.password.long":    "Choose a password of at most 256 characters.",
	"auth.password.common":  "This password is too well known and often guessed. Choose another one, for example a sentence of a few words.",
	"auth.password.invalid": "This password cannot be used.",
	"auth.password.hint":    "At least 8 characters. A sentence of a few words is strong and easy to remember.",
}
