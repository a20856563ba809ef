package quiz

import (
	"errors"
	"net/http"

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
	g.POST("/:module", q.submit)
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
