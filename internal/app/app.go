// Package app wires the capabilities into one HTTP handler.
package app

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"
	"github.com/riverqueue/river"

	"nabij.be/leerplatform/internal/assignment"
	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/authoring"
	"nabij.be/leerplatform/internal/catalog"
	"nabij.be/leerplatform/internal/certificate"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/feedback"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/jobs"
	"nabij.be/leerplatform/internal/learning"
	"nabij.be/leerplatform/internal/mail"
	"nabij.be/leerplatform/internal/metrics"
	"nabij.be/leerplatform/internal/org"
	"nabij.be/leerplatform/internal/quiz"
	"nabij.be/leerplatform/internal/report"
	"nabij.be/leerplatform/internal/sso"
	"nabij.be/leerplatform/internal/web"
	"nabij.be/leerplatform/static"
	"nabij.be/leerplatform/templates"
)

// App is the assembled platform.
type App struct {
	cfg      *config.Config
	db       *sqlx.DB
	log      *slog.Logger
	render   *web.Renderer
	markdown *content.Renderer
	engine   *gin.Engine
	catalog  *catalog.Catalog
	accounts *auth.Auth
	listener *database.Listener
	stop     context.CancelFunc // ends background work: the catalogue's change listener
	jobs     *jobs.Queue
	assigned *assignment.Assignments
}

// startJobs runs the job queue's workers in this instance: every instance
// works jobs, each job runs in one of them.
func (a *App) startJobs(ctx context.Context, cfg *config.Config, mailer *mail.Mailer, accounts *auth.Auth, assigned *assignment.Assignments) error {
	workers := river.NewWorkers()
	river.AddWorker(workers, mailer.Worker())
	river.AddWorker(workers, accounts.ResetWorker())
	assigned.AddWorkers(workers)
	q, err := jobs.New(a.db.DB, workers, a.log, jobs.Options{
		RetryBase: cfg.JobRetryBase, RescueAfter: cfg.JobRescueAfter, MaxAttempts: cfg.JobMaxAttempts,
		Periodic: assigned.Periodic(),
	})
	if err != nil {
		return err
	}
	mailer.UseQueue(q)
	accounts.UseQueue(q)
	assigned.UseQueue(q)
	// Not ended by a.stop: Close stops the queue gracefully instead.
	if err := q.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	a.jobs = q
	metrics.WatchJobs(func(ctx context.Context) (metrics.JobCounts, error) {
		st, err := q.Stats(ctx)
		return metrics.JobCounts{Queued: int64(st.Waiting + st.Running), Retrying: int64(st.Scheduled), Failed: int64(st.Failed)}, err
	})
	return nil
}

// Jobs is the platform's job queue (its Stats are for metrics).
func (a *App) Jobs() *jobs.Queue { return a.jobs }

// New builds the platform's router. Templates and assets are parsed here,
// once; a broken template fails the boot.
func New(cfg *config.Config, db *sqlx.DB, log *slog.Logger) (*App, error) {
	gin.SetMode(gin.ReleaseMode)
	assets, err := web.NewAssets(static.FS)
	if err != nil {
		return nil, err
	}
	render, err := web.NewRenderer(templates.FS, assets, log)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, db: db, log: log, render: render, markdown: content.NewRenderer()}
	ctx, stop := context.WithCancel(context.Background())
	a.stop = stop

	flashKey, err := database.Secret(ctx, db, "flash")
	if err != nil {
		stop()
		return nil, err
	}
	flash, err := web.Flash(flashKey, cfg.SecureCookies)
	if err != nil {
		stop()
		return nil, err
	}

	e := gin.New()
	e.HandleMethodNotAllowed = false
	e.RemoveExtraSlash = true
	if err := e.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, err
	}
	e.Use(
		metrics.Middleware(),
		web.RequestIDMiddleware(),
		web.Logger(log),
		web.NoStore(),
		web.Recovery(render, log),
		web.SecurityHeaders(cfg.SecureCookies),
		web.BodyLimit(render, cfg.MaxBodyBytes),
		web.ValidRequest(render),
		web.Language(),
		flash,
	)
	var transport *mail.Transport // nil: mail stays in the outbox
	if cfg.SMTPURL != "" {
		if transport, err = mail.NewTransport(cfg.SMTPURL, cfg.MailFrom, cfg.MailReplyTo); err != nil {
			return nil, err
		}
	}
	mailer := mail.New(db, transport, log)
	certNames, err := certificate.NewRenderer()
	if err != nil {
		return nil, err
	}
	accounts := auth.New(db, render, cfg, mailer, certNames, log)
	a.accounts = accounts
	assigned, err := assignment.New(ctx, db, render, mailer, cfg.BaseURL, log)
	if err != nil {
		return nil, err
	}
	a.assigned = assigned
	if err := a.startJobs(ctx, cfg, mailer, accounts, assigned); err != nil {
		return nil, err
	}
	e.Use(accounts.Session()) // before every route: it identifies the person

	certificates := certificate.NewStore(db)
	issuer := certificate.NewIssuer(certificates) // issues on completion, lists on the dashboard
	progress := learning.NewStore(db, issuer)
	lessons := learning.New(progress, render, issuer)
	// A change a person makes shows on their dashboard in the answer to
	// it: this instance drops the dashboard it keeps for them before
	// answering (others hear of it by NOTIFY). What managers, trainers and
	// admins change may show on anyone's dashboard.
	e.Use(forgetChanged(lessons))
	e.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	e.GET("/readyz", a.ready)
	e.GET("/static/:hash/*name", assets.Handler)
	e.POST("/taal", a.setLanguage)

	cat := catalog.New(catalog.NewStore(db), render, lessons, cfg.CacheMaxAge)
	cat.Routes(e)
	a.catalog = cat
	// Other instances learn of content changes by NOTIFY; this one drops its
	// copy before answering the trainer's request that made the change.
	e.Use(web.BeforeAnswer(func(c *gin.Context) bool {
		return c.Request.Method == http.MethodPost && strings.HasPrefix(c.Request.URL.Path, "/auteur")
	}, cat.Invalidate))
	lessons.UseDueDates(assigned)
	lessons.Routes(e)
	assigned.Routes(e)
	quiz.New(quiz.NewStore(db, progress), render).Routes(e)
	accounts.Routes(e)
	orgs := org.New(db, render, cfg, mailer, accounts, log)
	orgs.Routes(e)
	feedback.New(db, render).Routes(e)
	singleSignOn := sso.New(db, render, cfg, accounts, log)
	singleSignOn.Routes(e)
	accounts.UseSingleSignOn(singleSignOn)
	org.UseSingleSignOn(orgs, singleSignOn)
	authoring.New(db, render, a.markdown).Routes(e)
	reportStore := report.NewStore(db)
	reportStore.UseDueDates(assigned)
	reports := report.New(reportStore, render)
	reports.CacheDashboards(cfg.CacheMaxAge) // figures at most report.DashboardMaxAge old
	reports.Routes(e)
	certificate.New(certificates, certNames, render, cfg.BaseURL, log).Routes(e)

	// In-memory caches of content, sessions and done lessons, kept in step
	// across instances by the database's notifications.
	listener := database.NewListener()
	cat.Subscribe(listener)
	accounts.Subscribe(listener)
	lessons.CacheDoneLessons(listener, cfg.CacheMaxAge)
	lessons.KeepDashboards(listener, cfg.CacheMaxAge)
	reports.Subscribe(listener, cfg.CacheMaxAge)
	listener.Run(ctx, cfg.DatabaseURL, log)
	a.listener = listener
	go accounts.RunCleanUp(ctx)

	e.NoRoute(func(c *gin.Context) { render.Error(c, http.StatusNotFound, nil) })
	a.engine = e
	return a, nil
}

// Routes lists every route of the platform (method and pattern), for tests
// that sweep them all.
func (a *App) Routes() gin.RoutesInfo { return a.engine.Routes() }

// InvalidateContent drops this instance's in-memory catalogue.
func (a *App) InvalidateContent() { a.catalog.Invalidate() }

// SyncCaches returns once this instance's caches have heard every change
// committed before the call (see database.Listener.Sync).
func (a *App) SyncCaches(ctx context.Context) error { return a.listener.Sync(ctx, a.db) }

// Assignments is the assigned-training capability, for tests (which move
// its clock).
func (a *App) Assignments() *assignment.Assignments { return a.assigned }

// Accounts is the accounts capability, for tests and measurements.
func (a *App) Accounts() *auth.Auth { return a.accounts }

// Close stops the platform's background work. Running jobs get a few
// seconds to finish; the rest run again later, here or elsewhere.
func (a *App) Close() {
	a.stop()
	if a.jobs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := a.jobs.Stop(ctx); err != nil {
			a.log.Warn("jobs: stop", "error", err.Error())
		}
	}
}

// Handler returns the platform's HTTP handler, with protection against
// cross-origin requests applied once, to every unsafe method, and text
// answers compressed for browsers that accept it.
func (a *App) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte("Geweigerd: dit formulier kwam niet van deze website (cross-origin request).\n")) //nolint:errcheck
	}))
	return web.Compress(cop.Handler(headAsGet(a.engine)))
}

// forgetChanged drops the dashboards a request may change, after its
// handler and before the first byte of its answer: a learner's own for
// the learner's unsafe requests, everyone's for those of the other roles.
func forgetChanged(lessons *learning.Learning) gin.HandlerFunc {
	return func(c *gin.Context) {
		v := web.CurrentViewer(c)
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			c.Next()
			return
		}
		if v == nil {
			c.Next()
			return
		}
		forget := lessons.ForgetAll
		if v.Role == web.RoleLearner {
			forget = func() { lessons.ForgetPerson(v.UserID) }
		}
		web.BeforeAnswer(func(*gin.Context) bool { return true }, forget)(c)
	}
}

// headAsGet answers HEAD as GET, which gin does not do by itself. The
// server sends no body for a HEAD request: it discards what the handler
// writes.
func headAsGet(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			r = r.Clone(r.Context())
			r.Method = http.MethodGet
		}
		h.ServeHTTP(w, r)
	})
}

func (a *App) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := a.db.PingContext(ctx); err != nil {
		c.String(http.StatusServiceUnavailable, "database unreachable")
		return
	}
	c.String(http.StatusOK, "ready")
}

// setLanguage remembers a guest's language choice in a cookie and returns
// to the page they came from.
func (a *App) setLanguage(c *gin.Context) {
	lang := c.PostForm("taal")
	if !i18n.Supported(lang) {
		a.render.Error(c, http.StatusBadRequest, nil)
		return
	}
	// A signed-in person's pages follow their profile's language: change it.
	if v := web.CurrentViewer(c); v != nil {
		if err := a.accounts.SetLanguage(c.Request.Context(), v.UserID, lang); err != nil {
			a.render.Error(c, http.StatusInternalServerError, err)
			return
		}
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: web.LangCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: a.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	back := c.PostForm("terug")
	if !web.LocalPath(back) {
		back = "/"
	}
	c.Redirect(http.StatusSeeOther, back)
}
