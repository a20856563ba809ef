package catalog

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/web"
)

type homeData struct {
	Modules      []Module
	TotalMinutes int
}

func (cat *Catalog) home(c *gin.Context) {
	ms, err := cat.cache.Modules(c.Request.Context())
	if err != nil {
		cat.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	total := 0
	for _, m := range ms {
		total += m.Minutes
	}
	cat.render.HTML(c, http.StatusOK, "catalog/home", "", homeData{Modules: ms, TotalMinutes: total})
}

type moduleData struct {
	Module  *Module
	Lessons []LessonRef
	Done    map[int64]bool
}

func (cat *Catalog) showModule(c *gin.Context) {
	ctx := c.Request.Context()
	m, ls, err := cat.cache.Module(ctx, c.Param("module"))
	if err != nil {
		cat.notFoundOr500(c, err)
		return
	}
	done := map[int64]bool{}
	if v := web.CurrentViewer(c); v != nil && cat.extras != nil {
		if done, err = cat.extras.DoneLessons(c, v.UserID, m.ID); err != nil {
			cat.render.Error(c, http.StatusInternalServerError, err)
			return
		}
	}
	cat.render.HTML(c, http.StatusOK, "catalog/module", m.Title, moduleData{Module: m, Lessons: ls, Done: done})
}

func (cat *Catalog) notFoundOr500(c *gin.Context, err error) {
	if errors.Is(err, database.ErrNotFound) {
		cat.render.Error(c, http.StatusNotFound, nil)
		return
	}
	cat.render.Error(c, http.StatusInternalServerError, err)
}
