package learning

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/web"
)

// CertificateLink is a certificate as the dashboard lists it.
type CertificateLink struct {
	Title     string
	URL       string
	IssuedAt  time.Time
	Programme bool
}

// CertificateLister lists a learner's certificates for the dashboard.
type CertificateLister interface {
	ForUser(ctx context.Context, userID int64) ([]CertificateLink, error)
}

// Learning serves the dashboard and records lessons as done.
type Learning struct {
	store  *Store
	render *web.Renderer
	certs  CertificateLister
}

// New returns the learning capability. certs may be nil: the dashboard
// then has no certificate section.
func New(store *Store, render *web.Renderer, certs CertificateLister) *Learning {
	return &Learning{store: store, render: render, certs: certs}
}

// Routes registers the dashboard and the "mark as read" form.
func (l *Learning) Routes(r gin.IRouter) {
	g := r.Group("", auth.RequireUser())
	g.GET("/mijn-leertraject", l.dashboard)
	g.POST("/modules/:module/:lesson/gelezen", l.markDone)
}

// DoneLessons implements catalog.LessonExtras: the lessons of a module the
// user marked as done.
func (l *Learning) DoneLessons(c *gin.Context, userID, moduleID int64) (map[int64]bool, error) {
	return l.store.DoneLessonIDs(c.Request.Context(), userID, moduleID)
}
