package catalog

import (
	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/web"
)

// LessonExtras lets the learning capability add a signed-in learner's
// progress to catalogue pages without the catalogue knowing its tables.
type LessonExtras interface {
	// ModuleProgress returns the ids of done lessons of a module for a user.
	DoneLessons(c *gin.Context, userID, moduleID int64) (map[int64]bool, error)
}

// Catalog serves the public curriculum pages.
type Catalog struct {
	store  *Store
	render *web.Renderer
	extras LessonExtras
}

// New returns the catalogue capability. extras may be nil.
func New(store *Store, render *web.Renderer, extras LessonExtras) *Catalog {
	return &Catalog{store: store, render: render, extras: extras}
}

// Routes registers the catalogue's pages.
func (cat *Catalog) Routes(r gin.IRouter) {
	r.GET("/", cat.home)
	r.GET("/modules/:module", cat.showModule)
	r.GET("/modules/:module/:lesson", cat.showLesson)
	r.GET("/media/:module/:name", cat.media)
	r.GET("/zoeken", cat.search)
}
