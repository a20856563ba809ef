package certificate

import (
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/web"
)

// Certificates is the certificate capability: public verification, the
// learner's downloads, the manager's ZIP and the administrator's
// revocations.
type Certificates struct {
	store    *Store
	pdf      *Renderer
	pdfs     *pdfs
	render   *web.Renderer
	baseURL  string
	throttle *ipThrottle
	log      *slog.Logger
}

// New returns the certificate capability. baseURL is the platform's public
// address, without a trailing slash, as printed in verification URLs.
func New(store *Store, pdf *Renderer, render *web.Renderer, baseURL string, log *slog.Logger) *Certificates {
	return &Certificates{
		store: store, pdf: pdf, pdfs: newPDFs(pdf, 256), render: render, baseURL: baseURL,
		throttle: newIPThrottle(verifyInterval, verifyBurst), log: log,
	}
}

// Routes registers the certificate pages.
func (m *Certificates) Routes(r gin.IRouter) {
	r.GET("/verifieer", m.verifyForm)
	r.GET("/verifieer/:code", m.verifyCode)
	r.GET("/certificaten", auth.RequireUser(), m.list)
	r.GET("/certificaten/:file", auth.RequireUser(), m.download)
	r.GET("/team/certificaten.zip", auth.RequireRole(web.RoleManager), m.teamZIP)
	admin := auth.RequireRole(web.RoleAdmin)
	r.GET("/beheer/certificaten", admin, m.adminList)
	r.GET("/beheer/certificaten/:code", admin, m.adminShow)
	r.POST("/beheer/certificaten/:code/intrekken", admin, m.revoke)
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

// day is the calendar day of t in Belgium, written in the page's language.
func (m *Certificates) day(lang string, t time.Time) string {
	t = t.In(m.pdf.location)
	if lang == "en" {
		return EnglishDate(t)
	}
	return DutchDate(t)
}
