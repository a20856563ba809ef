package catalog

import (
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/web"
)

// LessonExtras lets the learning capability add a signed-in learner's
// progress to catalogue pages without the catalogue knowing its tables.
type LessonExtras interface {
	// ModuleProgress returns the ids of done lessons of a module for a user.
	DoneLessons(c *gin.Context, userID, moduleID int64) (map[int64]bool, error)
	// ModulePercent returns a user's progress in a module, in whole
	// percent, by the one definition the dashboard and reports use.
	ModulePercent(c *gin.Context, userID, moduleID int64) (int, error)
}

// Catalog serves the public curriculum pages.
type Catalog struct {
	store  *Store
	cache  *Cache
	render *web.Renderer
	extras LessonExtras
}

// New returns the catalogue capability. extras may be nil. cacheAge bounds
// how long an instance may serve content that another instance changed,
// should the change notification be missed; 0 reads the database every time.
func New(store *Store, render *web.Renderer, extras LessonExtras, cacheAge time.Duration) *Catalog {
	return &Catalog{store: store, cache: NewCache(store, cacheAge), render: render, extras: extras}
}

// Invalidate drops the in-memory catalogue at once.
func (cat *Catalog) Invalidate() { cat.cache.Invalidate() }

// Subscribe keeps the in-memory catalogue in step with the database; see
// Cache.
func (cat *Catalog) Subscribe(l *database.Listener) { cat.cache.Subscribe(l) }

// Routes registers the catalogue's pages.
func (cat *Catalog) Routes(r gin.IRouter) {
	r.GET("/", cat.home)
	r.GET("/modules/:module", cat.showModule)
	r.GET("/modules/:module/:lesson", cat.showLesson)
	r.GET("/media/:module/:name", cat.media)
	r.GET("/zoeken", cat.search)
}
