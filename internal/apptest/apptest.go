// Package apptest runs the real platform in-process against a fresh
// PostgreSQL database, for end-to-end tests through the real router, like a
// browser would: cookies, forms, redirects.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/courses"
	"nabij.be/leerplatform/internal/app"
	"nabij.be/leerplatform/internal/catalog"
	"nabij.be/leerplatform/internal/config"
	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/database/dbtest"
)

// Env is one running platform with its own database.
type Env struct {
	T      testing.TB
	DB     *sqlx.DB
	DBURL  string
	Config *config.Config
	App    *app.App
	Server *httptest.Server
	Log    *slog.Logger
}

// New starts the platform on a fresh database holding the built-in
// curriculum.
func New(t testing.TB) *Env {
	t.Helper()
	db, u := NewCurriculumDB(t)
	return NewEmpty(t, db, u)
}

// NewCurriculumDB returns a fresh database holding the built-in curriculum,
// and its URL.
func NewCurriculumDB(t testing.TB) (*sqlx.DB, string) {
	t.Helper()
	db, u := dbtest.NewWithURL(t)
	r := content.NewRenderer()
	c, problems := r.Parse(courses.FS)
	if problems != nil {
		t.Fatalf("built-in curriculum: %v", problems)
	}
	if _, err := catalog.NewImporter(db, r).Import(context.Background(), c); err != nil {
		t.Fatalf("import curriculum: %v", err)
	}
	return db, u
}

// NewEmpty starts the platform on db as it is.
func NewEmpty(t testing.TB, db *sqlx.DB, dbURL string) *Env {
	t.Helper()
	return NewWithConfig(t, db, dbURL, nil)
}

// NewWithConfig starts the platform on db after letting configure change
// the test configuration (configure may be nil).
func NewWithConfig(t testing.TB, db *sqlx.DB, dbURL string, configure func(*config.Config)) *Env {
	t.Helper()
	return start(t, db, dbURL, configure, nil)
}

// NewLogged starts the platform on a fresh database holding the built-in
// curriculum and writes its whole log (debug level and up) to w, for tests
// that read what the log holds. w must be safe for concurrent writes.
func NewLogged(t testing.TB, w io.Writer) *Env {
	t.Helper()
	db, u := NewCurriculumDB(t)
	return start(t, db, u, nil, w)
}

// start runs the platform; its log goes to logOut at debug level, or, when
// logOut is nil, to stderr when TEST_LOG is set.
func start(t testing.TB, db *sqlx.DB, dbURL string, configure func(*config.Config), logOut io.Writer) *Env {
	t.Helper()
	e := &Env{T: t, DB: db, DBURL: dbURL}
	e.Server = httptest.NewUnstartedServer(nil)
	base := "http://" + e.Server.Listener.Addr().String()
	cfg := &config.Config{
		Port: 0, DatabaseURL: dbURL, BaseURL: base, MigrateOnStart: false,
		SecureCookies: false, MaxBodyBytes: 10 << 20, MaxDBConnections: 10,
		SessionIdle: 2 * 3600e9, SessionAbsolute: 12 * 3600e9, ShutdownTimeout: 5e9,
		MailFrom: "test <test@localhost>",
		// As in production (CACHE_MAX_AGE's default): the caches are on.
		// A test that writes to the database directly calls SyncCaches
		// before it reads a page.
		CacheMaxAge: 30 * time.Second,
	}
	if configure != nil {
		configure(cfg)
	}
	e.Config = cfg
	out, level := io.Writer(os.Stderr), slog.LevelError+4
	if logOut != nil {
		out, level = logOut, slog.LevelDebug
	} else if os.Getenv("TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	e.Log = slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: level}))
	a, err := app.New(cfg, db, e.Log)
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	e.App = a
	t.Cleanup(a.Close)
	e.Server.Config.Handler = a.Handler()
	e.Server.Start()
	t.Cleanup(e.Server.Close)
	return e
}

// SyncCaches waits until the instance's caches have heard of every change
// committed so far, as they will within moments in production.
func (e *Env) SyncCaches() {
	e.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.App.SyncCaches(ctx); err != nil {
		e.T.Fatalf("sync caches: %v", err)
	}
}

// URL returns the absolute URL of path.
func (e *Env) URL(path string) string { return e.Server.URL + path }

// Client is a browser-like client with its own cookie jar.
type Client struct {
	env  *Env
	HTTP *http.Client
}

// Client returns a new client with an empty cookie jar. It follows
// redirects, like a browser.
func (e *Env) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{env: e, HTTP: &http.Client{Jar: jar}}
}

// Response is a read answer.
type Response struct {
	Status int
	Header http.Header
	Body   string
	URL    *url.URL // after redirects
}

// Get requests path.
func (c *Client) Get(path string) *Response {
	c.env.T.Helper()
	req, err := http.NewRequest(http.MethodGet, c.env.URL(path), nil)
	if err != nil {
		c.env.T.Fatalf("GET %s: %v", path, err)
	}
	return c.Do(req)
}

// PostForm submits a form to path as a same-origin browser would.
func (c *Client) PostForm(path string, form url.Values) *Response {
	c.env.T.Helper()
	req, err := http.NewRequest(http.MethodPost, c.env.URL(path), strings.NewReader(form.Encode()))
	if err != nil {
		c.env.T.Fatalf("POST %s: %v", path, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.env.Server.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Do(req)
}

// Do sends req and reads the answer.
func (c *Client) Do(req *http.Request) *Response {
	c.env.T.Helper()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.env.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.env.T.Fatalf("%s %s: read: %v", req.Method, req.URL, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b), URL: resp.Request.URL}
}

var flashRe = regexp.MustCompile(`(?s)<div class="flash[^"]*"[^>]*>(.*?)</div>|<p class="(?:notice error|field-error)"[^>]*>(.*?)</p>`)

// Flash returns the flash or error messages on the page, for failure output.
func (r *Response) Flash() string {
	var msgs []string
	for _, m := range flashRe.FindAllStringSubmatch(r.Body, -1) {
		msgs = append(msgs, strings.TrimSpace(m[1]+m[2]))
	}
	return strings.Join(msgs, " | ")
}

// Contains reports whether the body contains s.
func (r *Response) Contains(s string) bool { return strings.Contains(r.Body, s) }

// MustGet reads one row into dest and fails the test on a query error, so
// that an assertion on the result cannot pass because the query broke.
func (e *Env) MustGet(dest any, query string, args ...any) {
	e.T.Helper()
	if err := e.DB.Get(dest, query, args...); err != nil {
		e.T.Fatalf("%s: %v", query, err)
	}
}

// MustSelect reads rows into dest and fails the test on a query error.
func (e *Env) MustSelect(dest any, query string, args ...any) {
	e.T.Helper()
	if err := e.DB.Select(dest, query, args...); err != nil {
		e.T.Fatalf("%s: %v", query, err)
	}
}
