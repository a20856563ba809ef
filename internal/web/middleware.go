package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/i18n"
)

// RequestIDMiddleware gives each request an id, echoed in X-Request-Id.
func RequestIDMiddleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		var b [8]byte
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		c.Set(requestIDKey, id)
		c.Header("X-Request-Id", id)
		c.Next()
	}
}

const shedKey = "nabij.shed"

// Shed marks the answer as deliberate load shedding (a 503 "try again in a
// moment" while the password hashing slots are full): the request log
// records it as a warning, not as a server error.
func Shed(c *gin.Context) { c.Set(shedKey, true) }

// Logger writes one JSON line per request. It records the route pattern
// ("/wachtwoord-herstellen/:token"), never the address itself: paths carry
// reset and invitation tokens and query strings carry what people typed.
func Logger(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		status := c.Writer.Status()
		level := slog.LevelInfo
		switch {
		case c.GetBool(shedKey):
			level = slog.LevelWarn
		case status >= 500:
			level = slog.LevelError
		}
		if !log.Enabled(c.Request.Context(), level) {
			return // nothing to build: LOG_LEVEL leaves this line out
		}
		attrs := []any{
			"request_id", RequestID(c),
			"method", c.Request.Method,
			"route", Route(c),
			"status", status,
			"duration_ms", float64(time.Since(start).Microseconds()) / 1000,
			"bytes", c.Writer.Size(),
			"ip", c.ClientIP(),
		}
		if v := CurrentViewer(c); v != nil {
			attrs = append(attrs, "user_id", v.UserID)
		}
		log.Log(c.Request.Context(), level, "request", attrs...)
	}
}

// Route is the pattern of the route that answered c, what logs record
// instead of the path; "unmatched" when none matched (as in the metrics).
func Route(c *gin.Context) string {
	if p := c.FullPath(); p != "" {
		return p
	}
	return "unmatched"
}

// Recovery turns a panic into the Dutch 500 page and logs the stack.
func Recovery(r *Renderer, log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if p := recover(); p != nil {
				if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(p)
				}
				log.Error("panic", "request_id", RequestID(c), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					r.Error(c, http.StatusInternalServerError, nil)
				}
				c.Abort()
			}
		}()
		c.Next()
	}
}

// ContentSecurityPolicy allows only the platform's own scripts, styles and
// images: no inline script or style anywhere.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// SecurityHeaders sets the headers every answer carries.
func SecurityHeaders(hsts bool) gin.HandlerFunc {
	fixed := http.Header{
		"Content-Security-Policy":    {ContentSecurityPolicy},
		"X-Content-Type-Options":     {"nosniff"},
		"X-Frame-Options":            {"DENY"},
		"Referrer-Policy":            {"same-origin"},
		"Cross-Origin-Opener-Policy": {"same-origin"},
		"Permissions-Policy":         {"camera=(), microphone=(), geolocation=(), interest-cohort=()"},
	}
	if hsts {
		fixed["Strict-Transport-Security"] = []string{"max-age=63072000; includeSubDomains"}
	}
	return func(c *gin.Context) {
		// The same values for every answer, shared rather than copied per
		// request: each is a slice of one, so a later Add appends to a
		// copy and a later Set replaces it, never changing the shared one.
		h := c.Writer.Header()
		for k, v := range fixed {
			h[k] = v
		}
		c.Next()
	}
}

// NoStore forbids browsers and proxies to keep a copy of any answer that
// may hold something personal: every answer to a signed-in person, every
// answer to an unsafe method, every answer that sets a cookie, and every
// page whose address carries a secret (a reset or invitation token, a
// certificate code). Pages a guest reads keep their caching, and so does
// what a handler declares the same for everyone ("Cache-Control: public…",
// the hashed static files and course media). The decision is taken when the
// answer's header leaves, after the handler ran, so it also covers error
// pages and redirects.
func NoStore() gin.HandlerFunc {
	return func(c *gin.Context) {
		w := &beforeAnswerWriter{ResponseWriter: c.Writer, fn: func() {
			if personalAnswer(c) {
				c.Writer.Header().Set("Cache-Control", "no-store")
			}
		}}
		c.Writer = w
		c.Next()
		w.run()
	}
}

// personalAnswer reports whether the answer being sent for c must not be
// kept by a cache.
func personalAnswer(c *gin.Context) bool {
	h := c.Writer.Header()
	if strings.HasPrefix(h.Get("Cache-Control"), "public") {
		return false
	}
	if CurrentViewer(c) != nil || len(h.Values("Set-Cookie")) > 0 || SecretInPath(c.FullPath()) {
		return true
	}
	return c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead
}

// SecretInPath reports whether a route pattern carries a secret in the
// address: a one-time token or a certificate code.
func SecretInPath(pattern string) bool {
	return strings.Contains(pattern, "/:token") || strings.Contains(pattern, "/:code")
}

// LangCookie is the cookie that remembers a guest's language choice.
const LangCookie = "nabij_lang"

// Language picks the UI language: a guest's explicit choice (cookie), then
// the browser's Accept-Language. A signed-in user's preference wins later,
// in Lang.
func Language() gin.HandlerFunc {
	return func(c *gin.Context) {
		lang := ""
		if ck, err := c.Request.Cookie(LangCookie); err == nil && i18n.Supported(ck.Value) {
			lang = ck.Value
		} else {
			lang = i18n.FromAcceptLanguage(c.GetHeader("Accept-Language"))
		}
		c.Set(langKey, lang)
		c.Next()
	}
}

// BodyLimit caps request bodies; larger ones fail to read.
func BodyLimit(r *Renderer, n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			c.Header("Connection", "close")
			r.Error(c, http.StatusRequestEntityTooLarge, nil)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// validQuery reports whether a query string parses and every name and
// value in it is valid text.
func validQuery(raw string) bool {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return false
	}
	for k, vs := range q {
		if !validText(k) {
			return false
		}
		for _, v := range vs {
			if !validText(v) {
				return false
			}
		}
	}
	return true
}

// maxQueryBytes bounds the query string of any request.
const maxQueryBytes = 4096

// ValidRequest refuses, with a Dutch 400 page, requests whose path or query
// is not valid UTF-8 or whose query string is absurdly long, before any
// handler has to cope with them.
func ValidRequest(r *Renderer) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := c.Request.URL
		if len(u.RawQuery) > maxQueryBytes {
			r.Error(c, http.StatusBadRequest, nil)
			return
		}
		if !validText(u.Path) {
			r.Error(c, http.StatusBadRequest, nil)
			return
		}
		if hasDotSegment(u.Path) { // a traversal attempt: there is nothing there
			r.Error(c, http.StatusNotFound, nil)
			return
		}
		if u.RawQuery != "" && !validQuery(u.RawQuery) {
			r.Error(c, http.StatusBadRequest, nil)
			return
		}
		if !validForm(r, c) {
			return
		}
		c.Next()
	}
}

// validForm reads a URL-encoded form body up front, so that a body over
// the size limit answers 413, a broken encoding 400, and invalid UTF-8 or
// NUL bytes in a field 400, instead of reaching a handler (which would see
// a truncated form) or PostgreSQL (which refuses such text with an error).
// Multipart bodies (uploads) are left to their handlers.
func validForm(r *Renderer, c *gin.Context) bool {
	req := c.Request
	if req.Body == nil || req.Body == http.NoBody || (req.Method != http.MethodPost && req.Method != http.MethodPut && req.Method != http.MethodPatch) {
		return true
	}
	if ct, _, _ := strings.Cut(req.Header.Get("Content-Type"), ";"); strings.TrimSpace(strings.ToLower(ct)) != "application/x-www-form-urlencoded" {
		return true
	}
	if err := req.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			c.Header("Connection", "close")
			r.Error(c, http.StatusRequestEntityTooLarge, nil)
			return false
		}
		r.Error(c, http.StatusBadRequest, err)
		return false
	}
	for k, vs := range req.PostForm {
		if !validText(k) {
			r.Error(c, http.StatusBadRequest, nil)
			return false
		}
		for _, v := range vs {
			if !validText(v) {
				r.Error(c, http.StatusBadRequest, nil)
				return false
			}
		}
	}
	return true
}

// hasDotSegment reports whether a decoded path holds a "." or ".." segment
// (or a backslash form of one). Browsers resolve these before sending, so
// only a path traversal attempt carries them.
func hasDotSegment(p string) bool {
	for _, seg := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// validText reports whether s is valid UTF-8 without NUL bytes, which
// PostgreSQL refuses in text (a query with one would fail with a 500).
func validText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// BeforeAnswer calls fn for requests that match, after the handler has done
// its work but before the first byte of its answer leaves: a client that
// reads the answer can rely on fn having run.
func BeforeAnswer(match func(*gin.Context) bool, fn func()) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !match(c) {
			c.Next()
			return
		}
		w := &beforeAnswerWriter{ResponseWriter: c.Writer, fn: fn}
		c.Writer = w
		c.Next()
		w.run()
	}
}

type beforeAnswerWriter struct {
	gin.ResponseWriter
	fn   func()
	done bool
}

func (w *beforeAnswerWriter) run() {
	if !w.done {
		w.done = true
		w.fn()
	}
}

func (w *beforeAnswerWriter) WriteHeaderNow() { w.run(); w.ResponseWriter.WriteHeaderNow() }

func (w *beforeAnswerWriter) Write(b []byte) (int, error) { w.run(); return w.ResponseWriter.Write(b) }

func (w *beforeAnswerWriter) WriteString(s string) (int, error) {
	w.run()
	return w.ResponseWriter.WriteString(s)
}

func (w *beforeAnswerWriter) Flush() { w.run(); w.ResponseWriter.Flush() }
