package authoring

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/web"
)

type indexData struct {
	Modules []Module
	Import  *importResult
}

func (a *Authoring) index(c *gin.Context) {
	ms, err := a.store.Modules(c.Request.Context())
	if err != nil {
		a.fail(c, err)
		return
	}
	a.render.HTML(c, http.StatusOK, "authoring/index", t(c, "authoring.title"), indexData{Modules: ms})
}

// moduleForm is the module fields form as the trainer filled it in.
type moduleForm struct {
	Title   string
	Summary string
	Minutes string
	IntroMD string
	Policy  string
	Updated string // the updated_at the form was based on, in microseconds
	Errors  map[string]string
	Problem string
}

type moduleData struct {
	Module  *Module
	Lessons []LessonItem
	Form    moduleForm
}

func formOf(m *Module) moduleForm {
	return moduleForm{Title: m.Title, Summary: m.Summary, Minutes: strconv.Itoa(m.Minutes), IntroMD: m.IntroMD,
		Policy: m.PolicyMD, Updated: strconv.FormatInt(m.Updated.UnixMicro(), 10)}
}

func (a *Authoring) showModule(c *gin.Context) {
	m, ok := a.module(c)
	if !ok {
		return
	}
	a.renderModule(c, http.StatusOK, m, formOf(m))
}

func (a *Authoring) renderModule(c *gin.Context, status int, m *Module, f moduleForm) {
	ls, err := a.store.Lessons(c.Request.Context(), m.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.render.HTML(c, status, "authoring/module", m.Title, moduleData{Module: m, Lessons: ls, Form: f})
}

func (a *Authoring) saveModule(c *gin.Context) {
	m, ok := a.module(c)
	if !ok {
		return
	}
	f := moduleForm{
		Title: strings.TrimSpace(c.PostForm("title")), Summary: strings.TrimSpace(c.PostForm("summary")),
		Minutes: strings.TrimSpace(c.PostForm("minutes")), IntroMD: strings.TrimSpace(c.PostForm("intro")),
		Policy: strings.TrimSpace(c.PostForm("policy")), Updated: c.PostForm("updated"), Errors: map[string]string{},
	}
	if f.Title == "" {
		f.Errors["title"] = t(c, "authoring.err.required")
	}
	switch n := utf8.RuneCountInString(f.Summary); {
	case n == 0:
		f.Errors["summary"] = t(c, "authoring.err.required")
	case n > 300:
		f.Errors["summary"] = t(c, "authoring.err.summarylong", n)
	}
	minutes, err := strconv.Atoi(f.Minutes)
	if err != nil || minutes <= 0 || minutes > 10000 {
		f.Errors["minutes"] = t(c, "authoring.err.minutes")
	}
	if f.IntroMD == "" {
		f.Errors["intro"] = t(c, "authoring.err.required")
	}
	switch n := len(strings.Fields(f.Policy)); {
	case n == 0:
		f.Errors["policy"] = t(c, "authoring.err.required")
	case n > 200:
		f.Errors["policy"] = t(c, "authoring.err.policylong", n)
	}
	media, err := a.store.MediaNames(c.Request.Context(), m.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	if ps := a.md.CheckLessonBody("intro", f.IntroMD, media); len(ps) > 0 && f.Errors["intro"] == "" {
		f.Errors["intro"] = problemText(ps)
	}
	if len(f.Errors) > 0 {
		f.Problem = t(c, "authoring.err.form")
		a.renderModule(c, http.StatusUnprocessableEntity, m, f)
		return
	}
	micros, _ := strconv.ParseInt(f.Updated, 10, 64)
	err = a.store.UpdateModule(c.Request.Context(), m.ID, m.Slug, time.UnixMicro(micros), ModuleFields{
		Title: f.Title, Summary: f.Summary, Minutes: minutes, IntroMD: f.IntroMD, PolicyMD: f.Policy})
	if errors.Is(err, ErrStale) {
		cur, err := a.store.Module(c.Request.Context(), m.Slug)
		if err != nil {
			a.fail(c, err)
			return
		}
		f.Updated = strconv.FormatInt(cur.Updated.UnixMicro(), 10)
		f.Problem = t(c, "authoring.err.modulestale")
		a.renderModule(c, http.StatusConflict, cur, f)
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	web.Redirect(c, "/auteur/modules/"+m.Slug, "ok", t(c, "authoring.flash.modulesaved"))
}

func (a *Authoring) moveLesson(c *gin.Context) {
	m, ok := a.module(c)
	if !ok {
		return
	}
	delta := 1
	if c.PostForm("richting") == "op" {
		delta = -1
	}
	if err := a.store.MoveLesson(c.Request.Context(), m.ID, c.PostForm("les"), delta); err != nil {
		a.fail(c, err)
		return
	}
	web.Redirect(c, "/auteur/modules/"+m.Slug+"#lessen", "ok", t(c, "authoring.flash.moved"))
}

func (a *Authoring) exportZip(c *gin.Context) {
	m, ok := a.module(c)
	if !ok {
		return
	}
	files, err := a.store.Export(c.Request.Context(), m.Slug)
	if err != nil {
		a.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := WriteZip(&buf, files); err != nil {
		a.fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%02d-%s.zip"`, m.Position, m.Slug))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/zip", buf.Bytes())
}
