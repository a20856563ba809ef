package catalog

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/web"
)

type homeData struct {
	Modules      []Module
	TotalMinutes int
}

func (cat *Catalog) home(c *gin.Context) {
	view, err := cat.cache.HomeView(c.Request.Context())
	if err != nil {
		cat.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	total := 0
	for _, m := range view.Modules {
		total += m.Minutes
	}
	cat.sharedPage(c, view.Pages, cat.pageKey(c, "catalog/home", 0, 0), "", homeData{Modules: view.Modules, TotalMinutes: total})
}

type moduleData struct {
	Module  *Module
	Lessons []LessonRef
	Done    map[int64]bool
	Percent int // the signed-in viewer's progress; -1 for guests
}

func (cat *Catalog) showModule(c *gin.Context) {
	ctx := c.Request.Context()
	view, err := cat.cache.ModuleView(ctx, c.Param("module"))
	if err != nil {
		cat.render.NotFoundOr500(c, err)
		return
	}
	m, ls := view.Module, view.Lessons
	done, percent := map[int64]bool{}, -1
	if v := web.CurrentViewer(c); v != nil && cat.extras != nil {
		if done, err = cat.extras.DoneLessons(c, v.UserID, m.ID); err != nil {
			cat.render.Error(c, http.StatusInternalServerError, err)
			return
		}
		if percent, err = cat.extras.ModulePercent(c, v.UserID, m.ID); err != nil {
			cat.render.Error(c, http.StatusInternalServerError, err)
			return
		}
	}
	key := cat.pageKey(c, "catalog/module", m.ID, doneMask(ls, done))
	key.Percent = percent
	cat.sharedPage(c, view.Pages, key, m.Title, moduleData{Module: m, Lessons: ls, Done: done, Percent: percent})
}

// pageKey identifies a page that is the same for everyone with the
// request's language and role.
func (cat *Catalog) pageKey(c *gin.Context, name string, id int64, done uint64) PageKey {
	k := PageKey{Name: name, ID: id, Lang: web.Lang(c), Done: done}
	if v := web.CurrentViewer(c); v != nil {
		k.Role = v.Role
	}
	return k
}

// doneMask packs which of a module's first 64 lessons are done into bits by
// position. Pages of longer modules are not kept (see sharedPage).
func doneMask(ls []LessonRef, done map[int64]bool) uint64 {
	var m uint64
	for i, l := range ls {
		if done[l.ID] && i < 64 {
			m |= 1 << i
		}
	}
	return m
}

// sharedPage answers with a page rendered once per key and content
// snapshot (see web.Renderer.SharedHTML), rendering it on first use.
func (cat *Catalog) sharedPage(c *gin.Context, pages Pages, key PageKey, title string, data any) {
	if page, ok := pages.Page(key); ok && !web.HasFlash(c) {
		page.Send(c, http.StatusOK)
		return
	}
	html, shared, err := cat.render.SharedHTML(c, key.Name, title, data)
	if err != nil {
		cat.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if !shared {
		cat.render.HTML(c, http.StatusOK, key.Name, title, data)
		return
	}
	// The key's done mask covers 64 lessons: pages of longer modules,
	// whose done state it cannot tell apart, are not kept.
	keep := true
	switch d := data.(type) {
	case moduleData:
		keep = len(d.Lessons) <= 64
	case lessonData:
		keep = len(d.Lessons) <= 64
	}
	if !keep {
		c.Data(http.StatusOK, "text/html; charset=utf-8", html)
		return
	}
	page := web.Prepare(html)
	pages.KeepPage(key, page)
	page.Send(c, http.StatusOK)
}
