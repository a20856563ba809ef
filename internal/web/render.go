// Package web is the HTTP plumbing shared by every capability: the page
// renderer, the error pages, middleware, static files and the server.
package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/i18n"
)

// Renderer holds one parsed template set per page, built once at start-up.
type Renderer struct {
	pages  map[string]*template.Template
	assets *Assets
	log    *slog.Logger
}

// Funcs are the template functions every page may use. Texts that depend
// on the request's language go through the page's T method instead.
var Funcs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	// pct writes part as a percentage of whole, "37.5", for SVG lengths
	// that stretch with the page instead of scaling its text.
	"pct": func(part float64, whole int) string {
		if whole == 0 {
			return "0"
		}
		return strconv.FormatFloat(part*100/float64(whole), 'f', 2, 64)
	},
}

// NewRenderer parses layout.html and partials/*.html together with each page
// file (any other *.html below a folder) into its own set, named by its path
// without extension, e.g. "catalog/home". A broken template fails here, at
// boot, not on a request.
func NewRenderer(fsys fs.FS, assets *Assets, log *slog.Logger) (*Renderer, error) {
	r := &Renderer{pages: map[string]*template.Template{}, assets: assets, log: log}
	partials, err := fs.Glob(fsys, "partials/*.html")
	if err != nil {
		return nil, err
	}
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".html") || !strings.Contains(p, "/") || strings.HasPrefix(p, "partials/") {
			return nil
		}
		files := append([]string{"layout.html"}, partials...)
		files = append(files, p)
		t, err := template.New(path.Base("layout.html")).Funcs(Funcs).ParseFS(fsys, files...)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", p, err)
		}
		r.pages[strings.TrimSuffix(p, ".html")] = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Has reports whether a page template exists.
func (r *Renderer) Has(name string) bool { _, ok := r.pages[name]; return ok }

// Page is what every template receives.
type Page struct {
	Title     string
	Lang      string
	Viewer    *Viewer
	Flash     string
	FlashKind string // "ok" or "error"
	Path      string
	Here      string // where the language form returns to: the path with its query on a GET
	RequestID string
	Data      any
	assets    *Assets
}

// T translates key into the page's language.
func (p *Page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// N translates the plural form of key for the count n: {{ .N "search.found" 1 }}
// is "1 les gevonden", with 2 "2 lessen gevonden".
func (p *Page) N(key string, n int, args ...any) string { return i18n.N(p.Lang, key, n, args...) }

// Asset returns the cache-busting URL of a static file.
func (p *Page) Asset(name string) string { return p.assets.URL(name) }

// Duration writes a study load in minutes as "2 u 15 min" (nl) or
// "2 h 15 min" (en).
func (p *Page) Duration(minutes int) string {
	if minutes < 60 {
		return fmt.Sprintf("%d min", minutes)
	}
	h := "u"
	if p.Lang == "en" {
		h = "h"
	}
	if minutes%60 == 0 {
		return fmt.Sprintf("%d %s", minutes/60, h)
	}
	return fmt.Sprintf("%d %s %d min", minutes/60, h, minutes%60)
}

// Current is the aria-current value of a navigation link to href: "page"
// when the page is href itself, "true" when it lies in the link's section
// (href or one of sections as a path prefix), "" otherwise. Every section
// of the site is marked, not only the home page:
//
//	<a href="/rapport"{{ with .Current "/rapport" "/team/" }} aria-current="{{ . }}"{{ end }}>
func (p *Page) Current(href string, sections ...string) string {
	if p.Path == href {
		return "page"
	}
	for _, s := range append([]string{href}, sections...) {
		if s == "/" {
			continue
		}
		if p.Path == s || strings.HasPrefix(p.Path, strings.TrimSuffix(s, "/")+"/") {
			return "true"
		}
	}
	return ""
}

// Year is the current year, for the footer.
func (p *Page) Year() int { return time.Now().Year() }

// NewPage assembles what every page needs from the request.
func (r *Renderer) NewPage(c *gin.Context, title string, data any) *Page {
	p := &Page{
		Title:     title,
		Lang:      Lang(c),
		Viewer:    CurrentViewer(c),
		Path:      c.Request.URL.Path,
		Here:      here(c),
		RequestID: RequestID(c),
		Data:      data,
		assets:    r.assets,
	}
	p.Flash, p.FlashKind = TakeFlash(c)
	return p
}

// HTML renders page name with data into a buffer and writes it with status.
// A template error becomes the error page, never half a page.
func (r *Renderer) HTML(c *gin.Context, status int, name, title string, data any) {
	r.write(c, status, name, r.NewPage(c, title, data))
}

// SharedHTML renders a page whose HTML may be reused for every request with
// the same data, language and viewer role: the page sees only the viewer's
// role and language, never who they are, so a cached copy cannot show one
// person's details to another. ok is false when the request carries a flash
// message; render such a request with HTML instead.
func (r *Renderer) SharedHTML(c *gin.Context, name, title string, data any) (html []byte, ok bool, err error) {
	if HasFlash(c) {
		return nil, false, nil
	}
	// Here without the query: one person's query string must not end up
	// in a page served to others.
	p := &Page{Title: title, Lang: Lang(c), Path: c.Request.URL.Path, Here: c.Request.URL.Path, Data: data, assets: r.assets}
	if v := CurrentViewer(c); v != nil {
		p.Viewer = &Viewer{Role: v.Role, Lang: v.Lang}
	}
	html, err = r.execute(name, p)
	return html, err == nil, err
}

// PersonalHTML renders a page of the signed-in person's own that may be
// kept for them and sent again until what it shows changes: it is rendered
// without what belongs to this one request (the flash message, the query
// in the language form's return address, the request id). ok is false when
// the request carries a flash message; render such a request with HTML
// instead.
func (r *Renderer) PersonalHTML(c *gin.Context, name, title string, data any) (html []byte, ok bool, err error) {
	if HasFlash(c) {
		return nil, false, nil
	}
	p := &Page{Title: title, Lang: Lang(c), Viewer: CurrentViewer(c), Path: c.Request.URL.Path, Here: c.Request.URL.Path, Data: data, assets: r.assets}
	html, err = r.execute(name, p)
	return html, err == nil, err
}

// here is the address the language form brings a person back to: the
// page with its query (a search keeps its words), or for the answer to a
// post only its path.
func here(c *gin.Context) string {
	if c.Request.Method == http.MethodGet && c.Request.URL.RawQuery != "" {
		return c.Request.URL.Path + "?" + c.Request.URL.RawQuery
	}
	return c.Request.URL.Path
}

// execute renders page name into memory, so that a template error never
// sends half a page.
func (r *Renderer) execute(name string, p *Page) ([]byte, error) {
	t, ok := r.pages[name]
	if !ok {
		return nil, fmt.Errorf("web: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// write renders a prepared page and sends it with status.
func (r *Renderer) write(c *gin.Context, status int, name string, p *Page) {
	html, err := r.execute(name, p)
	if err != nil {
		if name == "errors/error" {
			c.String(http.StatusInternalServerError, "Er ging iets mis.")
			return
		}
		r.Error(c, http.StatusInternalServerError, err)
		return
	}
	c.Data(status, "text/html; charset=utf-8", html)
}

// ErrorData is what the error page shows.
type ErrorData struct {
	Status  int
	Heading string
	Message string
}

// Error logs err with the request id and shows a safe page for status. The
// user never sees err itself.
func (r *Renderer) Error(c *gin.Context, status int, err error) {
	if status >= 500 && ClientGone(c) {
		c.Abort()
		c.Status(StatusClientClosedRequest) // logged by Logger; nobody reads a page
		return
	}
	if status >= 500 && database.IsUnavailable(err) {
		status = http.StatusServiceUnavailable
	}
	if err != nil {
		level := slog.LevelWarn
		if status >= 500 {
			level = slog.LevelError
		}
		r.log.Log(c.Request.Context(), level, "request failed", "request_id", RequestID(c), "status", status, "route", Route(c), "error", err.Error())
	}
	c.Abort()
	p := r.NewPage(c, "", nil)
	key := errorKey(status)
	p.Title = p.T(key + ".title")
	p.Data = ErrorData{Status: status, Heading: p.T(key + ".title"), Message: p.T(key + ".message")}
	if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "5")
	}
	r.write(c, status, "errors/error", p)
}

// NotFoundOr500 shows the 404 page for a missing row (database.ErrNotFound)
// and the 500 page, with err logged, for anything else.
func (r *Renderer) NotFoundOr500(c *gin.Context, err error) {
	if errors.Is(err, database.ErrNotFound) {
		r.Error(c, http.StatusNotFound, nil)
		return
	}
	r.Error(c, http.StatusInternalServerError, err)
}

// ErrorMessage shows the error page with a specific translated message key.
func (r *Renderer) ErrorMessage(c *gin.Context, status int, messageKey string, args ...any) {
	c.Abort()
	p := r.NewPage(c, "", nil)
	key := errorKey(status)
	p.Title = p.T(key + ".title")
	p.Data = ErrorData{Status: status, Heading: p.T(key + ".title"), Message: p.T(messageKey, args...)}
	r.write(c, status, "errors/error", p)
}

func errorKey(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed,
		http.StatusRequestEntityTooLarge, http.StatusTooManyRequests, http.StatusServiceUnavailable,
		http.StatusUnprocessableEntity, http.StatusUnauthorized, http.StatusConflict:
		return fmt.Sprintf("error.%d", status)
	}
	if status >= 500 {
		return "error.500"
	}
	return "error.400"
}
