// Package org administers organisations, teams, roles and people: the
// admin pages under /beheer, the manager pages under /organisatie (always
// scoped to the manager's own organisation, taken from the session) and
// invitations with their one-time links.
package org

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/mail"
	"nabij.be/leerplatform/internal/web"
)

// Org is the organisations capability.
type Org struct {
	db       *sqlx.DB
	store    *Store
	inviter  *Inviter
	mailer   *mail.Mailer
	accounts *auth.Auth
	render   *web.Renderer
	log      *slog.Logger

	ssoStatus   func(ctx context.Context, orgID int64) (any, error) // see UseSingleSignOn
	ssoExpiring func(ctx context.Context) (any, error)
}

// New returns the organisations capability.
func New(db *sqlx.DB, render *web.Renderer, cfg *config.Config, mailer *mail.Mailer, accounts *auth.Auth, log *slog.Logger) *Org {
	return &Org{
		db: db, store: NewStore(db), accounts: accounts, render: render, log: log, mailer: mailer,
		inviter: &Inviter{db: db, mail: mailer, baseURL: cfg.BaseURL, checkName: accounts.CheckName},
	}
}

// Routes registers the organisation pages.
func (o *Org) Routes(r gin.IRouter) {
	r.GET("/uitnodiging/:token", o.acceptForm)
	r.POST("/uitnodiging/:token", o.accept)

	m := r.Group("/organisatie", auth.RequireRole(web.RoleManager), ownOrganisation)
	m.GET("", o.overview)
	m.POST("/teams", o.createTeam)
	m.GET("/uitnodigen", o.inviteForm)
	m.POST("/uitnodigen", o.invite)
	m.GET("/mensen/:id", o.person)
	m.POST("/mensen/:id/teams", o.setTeams)

	a := r.Group("/beheer", auth.RequireRole(web.RoleAdmin))
	a.GET("", o.adminIndex)
	a.POST("/organisaties", o.adminCreateOrg)
	a.GET("/organisaties/:id", o.adminOrg)
	a.POST("/organisaties/:id/teams", o.adminCreateTeam)
	a.POST("/organisaties/:id/uitnodigen", o.adminInvite)
	a.POST("/gebruikers/:id/rol", o.adminSetRole)
	a.POST("/gebruikers/:id/actief", o.adminSetActive)
	a.GET("/mail", o.adminMail)
	a.POST("/mail/:id/opnieuw", o.adminRetryMail)
}

// ownOrganisation sends an admin without an organisation to the admin
// pages: the manager pages are about one's own organisation.
func ownOrganisation(c *gin.Context) {
	if web.CurrentViewer(c).OrgID == 0 {
		c.Abort()
		c.Redirect(http.StatusSeeOther, "/beheer")
		return
	}
	c.Next()
}

func tr(c *gin.Context, key string, args ...any) string { return i18n.T(web.Lang(c), key, args...) }
