package authoring

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/catalog"
	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// Authoring is the trainer area.
type Authoring struct {
	store    *Store
	render   *web.Renderer
	md       *content.Renderer
	importer *catalog.Importer
}

// New returns the authoring capability.
func New(db *sqlx.DB, render *web.Renderer, md *content.Renderer) *Authoring {
	return &Authoring{store: NewStore(db, md), render: render, md: md, importer: catalog.NewImporter(db, md)}
}

// Routes registers the trainer area. Only trainers and admins get past the
// group's guard, for pages and POST endpoints alike.
func (a *Authoring) Routes(r gin.IRouter) {
	g := r.Group("/auteur", auth.RequireRole(web.RoleTrainer))
	g.GET("", a.index)
	g.POST("/voorbeeld", a.preview)
	g.POST("/importeren", a.importZip)
	g.GET("/modules/:module", a.showModule)
	g.POST("/modules/:module", a.saveModule)
	g.GET("/modules/:module/export.zip", a.exportZip)
	g.POST("/modules/:module/volgorde", a.moveLesson)
	g.GET("/modules/:module/afbeeldingen", a.uploadForm)
	g.POST("/modules/:module/afbeeldingen", a.upload)
	g.GET("/modules/:module/quiz", a.quizForm)
	g.POST("/modules/:module/quiz", a.saveQuiz)
	g.GET("/modules/:module/quiz/versies", a.quizRevisions)
	g.GET("/modules/:module/quiz/versies/:rev", a.showQuizRevision)
	g.POST("/modules/:module/quiz/versies/:rev/herstellen", a.restoreQuizRevision)
	g.GET("/modules/:module/nieuwe-les", a.newLessonForm)
	g.POST("/modules/:module/nieuwe-les", a.createLesson)
	g.GET("/modules/:module/lessen/:lesson", a.editLesson)
	g.POST("/modules/:module/lessen/:lesson", a.saveLesson)
	g.POST("/modules/:module/lessen/:lesson/verwijderen", a.deleteLesson)
	g.GET("/modules/:module/lessen/:lesson/versies", a.revisions)
	g.GET("/modules/:module/lessen/:lesson/versies/:rev", a.showRevision)
	g.POST("/modules/:module/lessen/:lesson/versies/:rev/herstellen", a.restoreRevision)
}

// t translates key into the request's language.
func t(c *gin.Context, key string, args ...any) string { return i18n.T(web.Lang(c), key, args...) }

// module loads the module named in the URL or answers 404.
func (a *Authoring) module(c *gin.Context) (*Module, bool) {
	m, err := a.store.Module(c.Request.Context(), c.Param("module"))
	if err != nil {
		a.fail(c, err)
		return nil, false
	}
	return m, true
}

// fail shows 404 for a missing row and 500 otherwise.
func (a *Authoring) fail(c *gin.Context, err error) {
	if errors.Is(err, database.ErrNotFound) {
		a.render.Error(c, http.StatusNotFound, err)
		return
	}
	a.render.Error(c, http.StatusInternalServerError, err)
}

func viewerID(c *gin.Context) int64 {
	if v := web.CurrentViewer(c); v != nil {
		return v.UserID
	}
	return 0
}

// Slugify turns a title into a lesson slug: lowercase ASCII letters,
// digits and hyphens ("Cliënten & privacy" → "clienten-privacy").
func Slugify(title string) string { return content.Slugify(title, 60) }
