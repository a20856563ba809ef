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
	pages  *memo.Memo[pageKey, *web.Prepared]   // each person's dashboard, ready to send
	now    func() time.Time
}

// pageKey identifies a person's dashboard in one language.
type pageKey struct {
	user int64
	lang string
}

// New returns the learning capability. certs may be nil: the dashboard
// then has no certificate section.
func New(store *Store, render *web.Renderer, certs CertificateLister) *Learning {
	return &Learning{store: store, render: render, certs: certs, now: time.Now}
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

// CacheDoneLessons keeps each learner's done lessons in memory for at most
// maxAge, dropped on every instance when the database announces a change
// to that learner's progress (and at once on this one). Catalogue pages
// then cost no query for the done marks.
func (l *Learning) CacheDoneLessons(lis *database.Listener, maxAge time.Duration) {
	l.done = memo.New[[2]int64, map[int64]bool](maxAge, maxCachedDone, nil)
	lis.Subscribe(database.ProgressChannel, l.done.DropPayload)
}

// maxDashboardBytes bounds the dashboards kept ready: about 10 KB each
// (8 KB of HTML and its 2 KB compressed copy), some 800 people at a time.
// See the memory budget in the README.
const maxDashboardBytes = 8 << 20

// KeepDashboards keeps each person's dashboard rendered and compressed for
// at most maxAge, and never past the midnight at which a due date may
// turn overdue. It is dropped on every instance when the database
// announces a change to anything it shows, and on this one at once by
// ForgetPerson and ForgetAll, before the answer to the request that made
// the change leaves. A dashboard then costs no query at all until the
// person, their organisation's assigned training or the content changes.
func (l *Learning) KeepDashboards(lis *database.Listener, maxAge time.Duration) {
	l.pages = memo.New[pageKey, *web.Prepared](maxAge, maxDashboardBytes, (*web.Prepared).Size)
	for _, ch := range []string{database.ProgressChannel, database.DashboardChannel, database.SessionChannel} {
		lis.Subscribe(ch, l.pages.DropPayload)
	}
	lis.Subscribe(database.ContentChannel, func(string) { l.pages.DropAll() })
}

// ForgetPerson drops what this instance keeps of a person's progress: to
// be called after a change of theirs commits and before it is answered.
func (l *Learning) ForgetPerson(userID int64) {
	l.forgetDone(userID)
	if l.pages != nil {
		l.pages.DropOwner(userID)
	}
}

// ForgetAll drops every dashboard this instance keeps: after a change
// that may show on many people's dashboards (assigned training, teams,
// content), before it is answered.
func (l *Learning) ForgetAll() {
	if l.pages != nil {
		l.pages.DropAll()
	}
}

// forgetDone drops the cached done lessons of a learner.
func (l *Learning) forgetDone(userID int64) {
	if l.done != nil {
		l.done.DropOwner(userID)
	}
}
