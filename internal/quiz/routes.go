package quiz

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/web"
)

// Quiz serves the quiz pages.
type Quiz struct {
	store  *Store
	render *web.Renderer
}

// New returns the quiz capability.
func New(store *Store, render *web.Renderer) *Quiz {
	return &Quiz{store: store, render: render}
}

// Routes registers the quiz pages; all need a signed-in person, guests are
// sent to log in.
func (q *Quiz) Routes(r gin.IRouter) {
	g := r.Group("/quiz", auth.RequireUser())
	g.GET("/:module", q.show)
	g.POST("/:module/start", q.start)
	// Signing in again after an ended session sends people to the address
	// of the form they submitted: show the quiz, start nothing.
	g.GET("/:module/start", func(c *gin.Context) {
		c.Redirect(http.StatusSeeOther, "/quiz/"+url.PathEscape(c.Param("module")))
	})
	g.POST("/:module", q.submit)
	g.POST("/:module/bewaren", q.keep)
	g.GET("/:module/bewaren", func(c *gin.Context) {
		c.Redirect(http.StatusSeeOther, "/quiz/"+url.PathEscape(c.Param("module")))
	})
	g.GET("/:module/poging/:seq", q.review)
}

// fail shows 404 for a missing row and 500 for anything else.
func (q *Quiz) fail(c *gin.Context, err error) {
	if errors.Is(err, database.ErrNotFound) {
		q.render.Error(c, http.StatusNotFound, err)
		return
	}
	q.render.Error(c, http.StatusInternalServerError, err)
}
