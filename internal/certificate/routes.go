package certificate

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/web"
)

// Certificates is the certificate capability: public verification, the
// learner's downloads, the manager's ZIP and the administrator's
// revocations.
type Certificates struct {
	store    *Store
	pdf      *Renderer
	render   *web.Renderer
	baseURL  string
	throttle *ipThrottle
	log      *slog.Logger
}

// New returns the certificate capability. baseURL is the platform's public
// address, without a trailing slash, as printed in verification URLs.
func New(store *Store, pdf *Renderer, render *web.Renderer, baseURL string, log *slog.Logger) *Certificates {
	return &Certificates{
		store: store, pdf: pdf, render: render, baseURL: baseURL,
		throttle: newIPThrottle(verifyInterval, verifyBurst), log: log,
	}
}

// Routes registers the certificate pages.
func (m *Certificates) Routes(r gin.IRouter) {
	r.GET("/verifieer", m.verifyForm)
	r.GET("/verifieer/:code", m.verifyCode)
	r.GET("/certificaten", requireUser, m.list)
	r.GET("/certificaten/:file", requireUser, m.download)
	r.GET("/team/certificaten.zip", m.requireRole(web.RoleManager), m.teamZIP)
	r.GET("/beheer/certificaten", m.requireRole(web.RoleAdmin), m.adminList)
	r.GET("/beheer/certificaten/:code", m.requireRole(web.RoleAdmin), m.adminShow)
	r.POST("/beheer/certificaten/:code/intrekken", m.requireRole(web.RoleAdmin), m.revoke)
}

// VerifyURL is the public address that verifies a raw code.
func VerifyURL(baseURL, raw string) string {
	return baseURL + "/verifieer/" + FormatCode(raw)
}

// DownloadPath is the learner's download address of a raw code.
func DownloadPath(raw string) string { return "/certificaten/" + FormatCode(raw) + ".pdf" }

// certificate turns a stored record into what the PDF shows.
func (m *Certificates) certificate(r *Record) Certificate {
	return Certificate{
		Name: r.Name, Organisation: r.Organisation, Title: r.Title,
		Completed: r.CompletedAt, Minutes: r.Minutes,
		Code: FormatCode(r.Code), VerifyURL: VerifyURL(m.baseURL, r.Code), Issuer: DefaultIssuer,
	}
}

// requireUser sends guests to the login page, which brings them back.
func requireUser(c *gin.Context) {
	if web.CurrentViewer(c) != nil {
		c.Next()
		return
	}
	back := c.Request.URL.Path
	if q := c.Request.URL.RawQuery; q != "" {
		back += "?" + q
	}
	c.Abort()
	c.Redirect(http.StatusSeeOther, "/aanmelden?terug="+url.QueryEscape(back))
}

// requireRole lets through the given role (and admins, who hold every
// role); guests go to the login page and anyone else sees a 404, so that
// the pages do not reveal themselves.
func (m *Certificates) requireRole(role string) gin.HandlerFunc {
	return func(c *gin.Context) {
		v := web.CurrentViewer(c)
		if v == nil {
			requireUser(c)
			return
		}
		if v.Role != role && v.Role != web.RoleAdmin {
			m.render.Error(c, http.StatusNotFound, nil)
			return
		}
		c.Next()
	}
}

// notFoundOr500 answers a store error.
func (m *Certificates) notFoundOr500(c *gin.Context, err error) {
	if errors.Is(err, database.ErrNotFound) {
		m.render.Error(c, http.StatusNotFound, nil)
		return
	}
	m.render.Error(c, http.StatusInternalServerError, err)
}

// day is the calendar day of t in Belgium, written in the page's language.
func (m *Certificates) day(lang string, t time.Time) string {
	t = t.In(m.pdf.location)
	if lang == "en" {
		return EnglishDate(t)
	}
	return DutchDate(t)
}
