package learning

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/memo"
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
	done   *memo.Memo[[2]int64, map[int64]bool] // (user, module) → done lesson ids
	due    DueDates                             // nil: no assigned training
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
	g.GET("/modules/:module/:lesson/gelezen", l.toLesson)
}

// DoneLessons implements catalog.LessonExtras: the lessons of a module the
// user marked as done.
func (l *Learning) DoneLessons(c *gin.Context, userID, moduleID int64) (map[int64]bool, error) {
	key := [2]int64{userID, moduleID}
	if l.done == nil {
		return l.store.DoneLessonIDs(c.Request.Context(), userID, moduleID)
	}
	if d, ok := l.done.Get(key); ok {
		return d, nil
	}
	ticket := l.done.Begin() // before the read: a change meanwhile refuses the store
	d, err := l.store.DoneLessonIDs(c.Request.Context(), userID, moduleID)
	if err == nil {
		l.done.Put(ticket, key, userID, d, time.Time{})
	}
	return d, err
}

// maxCachedDone bounds the done-lessons memo: about 630 bytes per learner
// and module of eight lessons (measured), some 5 MiB in all (see the memory
// budget in the README).
const maxCachedDone = 8_000

// ModulePercent implements catalog.LessonExtras: the user's progress in a
// module, as ProgressSQL defines it.
func (l *Learning) ModulePercent(c *gin.Context, userID, moduleID int64) (int, error) {
	return l.store.ModulePercent(c.Request.Context(), userID, moduleID)
}

// progressChannel is the NOTIFY channel of migration 006 for lesson
// progress; the payload is the user id.
const progressChannel = "nabij_progress"

// CacheDoneLessons keeps each learner's done lessons in memory for at most
// maxAge, dropped on every instance when the database announces a change
// to that learner's progress (and at once on this one). Catalogue pages
// then cost no query for the done marks.
func (l *Learning) CacheDoneLessons(lis *database.Listener, maxAge time.Duration) {
	l.done = memo.New[[2]int64, map[int64]bool](maxAge, maxCachedDone, nil)
	lis.Subscribe(progressChannel, l.done.DropPayload)
}

// forgetDone drops the cached done lessons of a learner.
func (l *Learning) forgetDone(userID int64) {
	if l.done != nil {
		l.done.DropOwner(userID)
	}
}
