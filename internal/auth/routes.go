// Package auth signs people in and out and looks after their account:
// password hashing (argon2id), server-side sessions, login throttling,
// password change and reset, the profile and the privacy export and
// deletion.
package auth

import (
	"log/slog"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/jobs"
	"nabij.be/leerplatform/internal/mail"
	"nabij.be/leerplatform/internal/web"
)

// NameChecker finds the characters of a name that certificates cannot
// print; *certificate.Renderer is one.
type NameChecker interface {
	Unprintable(s string) []rune
}

// Auth is the accounts capability.
type Auth struct {
	db       *sqlx.DB
	store    *Store
	sessions *Sessions
	throttle *Throttle
	hashes   *hashGate
	render   *web.Renderer
	cfg      *config.Config
	mail     mail.Sender
	jobs     *jobs.Queue
	names    NameChecker
	sso      SingleSignOn // nil: passwords only
	log      *slog.Logger
}

// New returns the accounts capability. names may be nil.
func New(db *sqlx.DB, render *web.Renderer, cfg *config.Config, mailer mail.Sender, names NameChecker, log *slog.Logger) *Auth {
	return &Auth{
		db: db, store: NewStore(db), sessions: NewSessions(db, cfg.SessionIdle, cfg.SessionAbsolute, cfg.CacheMaxAge),
		throttle: NewThrottle(db), hashes: newHashGate(0), render: render, cfg: cfg, mail: mailer, names: names, log: log,
	}
}

// Routes registers the account pages.
func (a *Auth) Routes(r gin.IRouter) {
	r.GET("/aanmelden", a.loginForm)
	r.POST("/aanmelden", a.login)
	r.POST("/afmelden", a.logout)
	r.GET("/wachtwoord-vergeten", a.forgotForm)
	r.POST("/wachtwoord-vergeten", a.forgot)
	r.GET("/wachtwoord-herstellen/:token", a.resetForm)
	r.POST("/wachtwoord-herstellen/:token", a.reset)

	me := r.Group("/profiel", RequireUser())
	me.GET("", a.profile)
	me.POST("", a.saveProfile)
	me.GET("/wachtwoord", a.passwordForm)
	me.POST("/wachtwoord", a.changePassword)
	me.GET("/privacy", a.privacy)
	me.GET("/gegevens.json", a.export)
	me.POST("/verwijderen", a.deleteAccount)
}
