package authoring

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/web"
)

// MaxBody is the longest lesson text the editor accepts, in bytes.
const MaxBody = 200_000

// lessonForm is the editor form as the trainer filled it in.
type lessonForm struct {
	Slug    string
	Title   string
	Minutes string
	Body    string
	Version int
	Errors  map[string]string
	// Problem is the message above the form (role=alert).
	Problem  string
	Problems []string
	// Theirs is the text another trainer saved meanwhile, after a conflict.
	Theirs string
}

type lessonData struct {
	Module  *Module
	New     bool
	Draft   *Draft // nil for a new lesson
	Form    lessonForm
	Preview template.HTML
}

func (a *Authoring) newLessonForm(c *gin.Context) {
	m, ok := a.module(c)
	if !ok {
		return
	}
	a.renderLesson(c, http.StatusOK, lessonData{Module: m, New: true, Form: lessonForm{Minutes: "10"}})
}

func (a *Authoring) renderLesson(c *gin.Context, status int, d lessonData) {
	title := t(c, "authoring.lesson.new")
	if !d.New {
		title = t(c, "authoring.lesson.edit", d.Form.Title)
	}
	a.render.HTML(c, status, "authoring/lesson", title, d)
}

// bindLesson reads and checks the editor form.
func bindLesson(c *gin.Context) (lessonForm, LessonInput) {
	f := lessonForm{
		Slug:    strings.TrimSpace(c.PostForm("slug")),
		Title:   strings.TrimSpace(c.PostForm("title")),
		Minutes: strings.TrimSpace(c.PostForm("minutes")),
		Body:    c.PostForm("body"),
		Errors:  map[string]string{},
	}
	f.Version, _ = strconv.Atoi(c.PostForm("version"))
	if f.Title == "" {
		f.Errors["title"] = t(c, "authoring.err.required")
	} else if len(f.Title) > 200 {
		f.Errors["title"] = t(c, "authoring.err.toolong")
	}
	minutes, err := strconv.Atoi(f.Minutes)
	if err != nil || minutes <= 0 || minutes > 600 {
		f.Errors["minutes"] = t(c, "authoring.err.minutes")
	}
	if strings.TrimSpace(f.Body) == "" {
		f.Errors["body"] = t(c, "authoring.err.required")
	} else if len(f.Body) > MaxBody {
		f.Errors["body"] = t(c, "authoring.err.bodylong")
	}
	return f, LessonInput{Title: f.Title, Minutes: minutes, BodyMD: f.Body, BaseVersion: f.Version}
}

func (a *Authoring) renderPreview(m *Module, body string) template.HTML {
	html, err := a.md.Render(body, mediaBase(m.Slug))
	if err != nil {
		return ""
	}
	return template.HTML(html) // sanitised by the renderer, as for learners
}

func (a *Authoring) createLesson(c *gin.Context) {
	m, ok := a.module(c)
	if !ok {
		return
	}
	f, in := bindLesson(c)
	if f.Slug == "" {
		f.Slug = Slugify(f.Title)
	}
	if !content.ValidSlug(f.Slug) {
		f.Errors["slug"] = t(c, "authoring.err.slug")
	}
	d := lessonData{Module: m, New: true, Form: f}
	if c.PostForm("action") == "preview" {
		d.Preview = a.renderPreview(m, f.Body)
		a.renderLesson(c, http.StatusOK, d)
		return
	}
	if len(f.Errors) > 0 {
		d.Form.Problem = t(c, "authoring.err.form")
		a.renderLesson(c, http.StatusUnprocessableEntity, d)
		return
	}
	err := a.store.CreateLesson(c.Request.Context(), m.ID, f.Slug, in, viewerID(c))
	if errors.Is(err, ErrSlugTaken) {
		d.Form.Errors["slug"] = t(c, "authoring.err.slugtaken")
		d.Form.Problem = t(c, "authoring.err.form")
		a.renderLesson(c, http.StatusUnprocessableEntity, d)
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	web.Redirect(c, lessonURL(m, f.Slug), "ok", t(c, "authoring.flash.created"))
}

func lessonURL(m *Module, slug string) string { return "/auteur/modules/" + m.Slug + "/lessen/" + slug }

// lesson finds the module and the draft of the lesson the URL names; when
// either is missing it has answered the request and returns false.
func (a *Authoring) lesson(c *gin.Context) (*Module, *Draft, bool) {
	m, ok := a.module(c)
	if !ok {
		return nil, nil, false
	}
	d, err := a.store.Draft(c.Request.Context(), m.ID, c.Param("lesson"))
	if err != nil {
		a.fail(c, err)
		return nil, nil, false
	}
	return m, d, true
}

func (a *Authoring) editLesson(c *gin.Context) {
	m, d, ok := a.lesson(c)
	if !ok {
		return
	}
	f := lessonForm{Slug: d.Slug, Title: d.Title, Minutes: strconv.Itoa(d.Minutes), Body: d.BodyMD, Version: d.Version}
	a.renderLesson(c, http.StatusOK, lessonData{Module: m, Draft: d, Form: f, Preview: a.renderPreview(m, d.BodyMD)})
}

// saveLesson handles the editor's buttons: preview (nothing stored), save
// (a draft), publish, and "Afbeelding opladen" without JavaScript, which
// saves the text as a draft first and then stores the image, so that no
// typed text is lost.
func (a *Authoring) saveLesson(c *gin.Context) {
	m, d, ok := a.lesson(c)
	if !ok {
		return
	}
	if strings.HasPrefix(c.ContentType(), "multipart/") {
		// The editor form carries a file for the upload button. Parse it
		// within bounds first: a body too large to read cannot be saved,
		// and the trainer's text is still in the page they came from.
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxUpload+MaxBody+1<<20)
		if err := c.Request.ParseMultipartForm(8 << 20); err != nil {
			a.render.Error(c, http.StatusRequestEntityTooLarge, fmt.Errorf("authoring: editor form: %w", err))
			return
		}
	}
	f, in := bindLesson(c)
	f.Slug = d.Slug
	data := lessonData{Module: m, Draft: d, Form: f, Preview: a.renderPreview(m, f.Body)}
	action := c.PostForm("action")
	if action == "preview" {
		a.renderLesson(c, http.StatusOK, data)
		return
	}
	if len(f.Errors) > 0 {
		data.Form.Problem = t(c, "authoring.err.form")
		a.renderLesson(c, http.StatusUnprocessableEntity, data)
		return
	}
	ctx := c.Request.Context()
	var err error
	var version int
	if action == "publish" {
		version, err = a.store.SaveAndPublish(ctx, m, d.Slug, in, viewerID(c))
	} else {
		version, err = a.store.SaveDraft(ctx, m.ID, d.Slug, in, viewerID(c))
	}
	var problems PublishProblems
	switch {
	case errors.Is(err, ErrStale):
		// Another trainer saved first. Keep this trainer's text in the form,
		// show theirs, and base the form on the current version so that a
		// deliberate second save replaces it (both stay in the revisions).
		cur, err := a.store.Draft(ctx, m.ID, d.Slug)
		if err != nil {
			a.fail(c, err)
			return
		}
		data.Draft = cur
		data.Form.Version = cur.Version
		data.Form.Theirs = cur.BodyMD
		data.Form.Problem = t(c, "authoring.err.stale", cur.Version)
		a.renderLesson(c, http.StatusConflict, data)
		return
	case errors.As(err, &problems):
		cur, err := a.store.Draft(ctx, m.ID, d.Slug)
		if err != nil {
			a.fail(c, err)
			return
		}
		data.Draft = cur
		data.Form.Version = version
		data.Form.Problem = t(c, "authoring.err.publish")
		data.Form.Problems = problems
		a.renderLesson(c, http.StatusUnprocessableEntity, data)
		return
	case err != nil:
		a.fail(c, err)
		return
	}
	msg := t(c, "authoring.flash.saved")
	switch action {
	case "publish":
		msg = t(c, "authoring.flash.published")
	case "upload":
		kind, msg, err := a.editorUpload(c, m)
		if err != nil {
			a.fail(c, err) // the text is saved; the image could not be stored
			return
		}
		web.Redirect(c, lessonURL(m, d.Slug), kind, msg)
		return
	}
	web.Redirect(c, lessonURL(m, d.Slug), "ok", msg)
}

// editorUpload stores the image sent with the editor form, after its text
// was saved, and returns the flash message for the editor.
func (a *Authoring) editorUpload(c *gin.Context, m *Module) (kind, msg string, err error) {
	fh, err := c.FormFile("afbeelding")
	if err != nil {
		return "error", t(c, "authoring.upload.nofile.saved"), nil
	}
	if fh.Size > MaxUpload {
		return "error", t(c, "authoring.upload.toolarge.saved", MaxUpload>>20), nil
	}
	file, err := fh.Open()
	if err != nil {
		return "", "", fmt.Errorf("authoring: editor upload: %w", err)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, MaxUpload+1))
	if err != nil {
		return "", "", fmt.Errorf("authoring: editor upload: %w", err)
	}
	name, err := a.store.SaveUpload(c.Request.Context(), m.ID, data)
	var refused UploadRefused
	switch {
	case errors.As(err, &refused):
		return "error", t(c, "authoring.upload.refused.saved", string(refused)), nil
	case err != nil:
		return "", "", err
	}
	return "ok", t(c, "authoring.flash.uploadedsaved", "![…](media/"+name+")"), nil
}

func (a *Authoring) deleteLesson(c *gin.Context) {
	m, ok := a.module(c)
	if !ok {
		return
	}
	if err := a.store.DeleteLesson(c.Request.Context(), m.ID, c.Param("lesson")); err != nil {
		a.fail(c, err)
		return
	}
	web.Redirect(c, "/auteur/modules/"+m.Slug, "ok", t(c, "authoring.flash.deleted"))
}

// preview answers the editor's live preview (static/js/editor.js): the
// Markdown rendered by the same renderer and sanitiser learners get.
func (a *Authoring) preview(c *gin.Context) {
	body := c.PostForm("body")
	if len(body) > MaxBody {
		c.String(http.StatusRequestEntityTooLarge, t(c, "authoring.err.bodylong"))
		return
	}
	base := ""
	if slug := c.PostForm("module"); content.ValidSlug(slug) {
		base = mediaBase(slug)
	}
	html, err := a.md.Render(body, base)
	var limit *content.LimitError
	if errors.As(err, &limit) { // beyond the bounds of a lesson: say which, in Dutch
		c.String(http.StatusUnprocessableEntity, limit.Error())
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(html))
}

type revisionsData struct {
	Module    *Module
	Draft     *Draft
	Revisions []Revision
	Revision  *Revision
	HTML      template.HTML
}

// RevisionBase is the path under which the lesson's revisions are shown.
func (d revisionsData) RevisionBase() string {
	return "/auteur/modules/" + d.Module.Slug + "/lessen/" + d.Draft.Slug + "/versies"
}

func (a *Authoring) revisions(c *gin.Context) {
	m, d, ok := a.lesson(c)
	if !ok {
		return
	}
	var rs []Revision
	if d.ID != 0 {
		var err error
		if rs, err = a.store.Revisions(c.Request.Context(), d.ID); err != nil {
			a.fail(c, err)
			return
		}
	}
	a.render.HTML(c, http.StatusOK, "authoring/revisions", t(c, "authoring.rev.title", d.Title), revisionsData{Module: m, Draft: d, Revisions: rs})
}

func (a *Authoring) revision(c *gin.Context) (*Module, *Draft, *Revision, bool) {
	m, d, ok := a.lesson(c)
	if !ok {
		return nil, nil, nil, false
	}
	id, err := strconv.ParseInt(c.Param("rev"), 10, 64)
	if err != nil || d.ID == 0 {
		a.render.Error(c, http.StatusNotFound, nil)
		return nil, nil, nil, false
	}
	r, err := a.store.Revision(c.Request.Context(), d.ID, id)
	if err != nil {
		a.fail(c, err)
		return nil, nil, nil, false
	}
	return m, d, r, true
}

func (a *Authoring) showRevision(c *gin.Context) {
	m, d, r, ok := a.revision(c)
	if !ok {
		return
	}
	a.render.HTML(c, http.StatusOK, "authoring/revision", t(c, "authoring.rev.one", r.Version, d.Title),
		revisionsData{Module: m, Draft: d, Revision: r, HTML: a.renderPreview(m, r.BodyMD)})
}

func (a *Authoring) restoreRevision(c *gin.Context) {
	m, d, r, ok := a.revision(c)
	if !ok {
		return
	}
	if err := a.store.RestoreRevision(c.Request.Context(), d.ID, r.ID, viewerID(c)); err != nil {
		a.fail(c, err)
		return
	}
	web.Redirect(c, lessonURL(m, d.Slug), "ok", t(c, "authoring.flash.restored", r.Version))
}
