// Package sso signs an organisation's people in through the organisation's
// own OpenID Connect provider (Microsoft Entra ID, the Flemish government's
// ACM/IDM, …): the authorization code flow with PKCE, state and nonce, the
// ID token verified by coreos/go-oidc, accounts created just in time or
// linked within the organisation, roles and teams from mapped claims,
// RP-initiated logout, and the admin pages that configure it all.
package sso

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// CallbackPath is where every provider sends people back; the state says
// which organisation's login it is.
const CallbackPath = "/aanmelden/sso/terug"

// SSO is the single sign-on capability.
type SSO struct {
	store    *Store
	accounts *auth.Auth
	render   *web.Renderer
	sealer   *Sealer
	baseURL  string
	secure   bool
	session  time.Duration
	client   *http.Client
	starts   *limiter
	log      *slog.Logger

	mu        sync.Mutex
	providers map[string]cachedProvider // by issuer
}

type cachedProvider struct {
	p       *oidc.Provider
	fetched time.Time
}

// discoveryAge is how long a provider's discovery document is trusted
// before it is fetched again (its keys refresh themselves when a token
// names an unknown one).
const discoveryAge = time.Hour

// New returns the single sign-on capability.
func New(db *sqlx.DB, render *web.Renderer, cfg *config.Config, accounts *auth.Auth, log *slog.Logger) *SSO {
	return &SSO{
		store: NewStore(db), accounts: accounts, render: render, sealer: NewSealer(cfg.SSOSecretKey),
		baseURL: cfg.BaseURL, secure: cfg.SecureCookies, session: cfg.SessionAbsolute, log: log,
		client:    &http.Client{Timeout: 10 * time.Second},
		starts:    newLimiter(),
		providers: map[string]cachedProvider{},
	}
}

// Routes registers the login flow and the admin pages.
func (s *SSO) Routes(r gin.IRouter) {
	r.GET("/aanmelden/sso", s.start)
	r.GET(CallbackPath, s.finish)
	r.GET("/afgemeld", s.loggedOut)

	a := r.Group("/beheer/organisaties/:id/sso", auth.RequireRole(web.RoleAdmin))
	a.GET("", s.settingsForm)
	a.POST("", s.saveSettings)
	a.POST("/uit", s.turnOff)
}

// discover returns the provider of an issuer, from the cache when fresh.
func (s *SSO) discover(ctx context.Context, issuer string) (*oidc.Provider, error) {
	s.mu.Lock()
	c, ok := s.providers[issuer]
	s.mu.Unlock()
	if ok && time.Since(c.fetched) < discoveryAge {
		return c.p, nil
	}
	p, err := s.fetch(ctx, issuer)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.providers[issuer] = cachedProvider{p: p, fetched: time.Now()}
	s.mu.Unlock()
	return p, nil
}

// fetch reads an issuer's discovery document. Its key set fetches keys
// with s.client, bounded by its timeout.
func (s *SSO) fetch(ctx context.Context, issuer string) (*oidc.Provider, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, s.client), issuer)
	if err != nil {
		return nil, fmt.Errorf("sso: discovery of %s: %w", issuer, err)
	}
	return p, nil
}

// Offered reports whether any organisation signs in through its provider;
// the login page then asks for the e-mail address first.
func (s *SSO) Offered(ctx context.Context) (bool, error) { return s.store.Any(ctx) }

// PasswordRefused reports whether an account may not sign in with a
// password because its organisation allows only single sign-on. Platform
// trainers and admins never are: they are the way in when a provider is
// down.
func (s *SSO) PasswordRefused(ctx context.Context, acc *auth.Account) (bool, error) {
	if acc.OrgID == nil || acc.Role == web.RoleTrainer || acc.Role == web.RoleAdmin {
		return false, nil
	}
	return s.store.SSOOnly(ctx, *acc.OrgID)
}

// problemData is what the SSO problem page shows.
type problemData struct {
	Heading string
	Message string
	Retry   string // where to try again
}

// problem answers with the SSO problem page: a Dutch (or English) sentence
// saying what went wrong and what to do, and the cause in the log.
func (s *SSO) problem(c *gin.Context, status int, key string, err error, args ...any) {
	lang := web.Lang(c)
	if err != nil {
		s.log.Warn("sso login refused", "request_id", web.RequestID(c), "status", status, "reason", key, "error", err.Error())
	}
	c.Abort()
	s.render.HTML(c, status, "sso/problem", i18n.T(lang, "sso.problem.title"), problemData{
		Heading: i18n.T(lang, "sso.problem.title"),
		Message: i18n.T(lang, key, args...),
		Retry:   "/aanmelden",
	})
}

var errNoIDToken = errors.New("sso: the token answer holds no id_token")
