package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/i18n"
)

// Viewer is the signed-in person making a request, as the auth middleware
// found them. Organisation-scoped queries take OrgID from here, never from
// the request.
type Viewer struct {
	UserID    int64
	SessionID int64
	Name      string
	Email     string
	Role      string // learner, manager, trainer, admin
	OrgID     int64  // 0 for platform-wide roles without an organisation
	OrgName   string
	Lang      string
}

// Roles.
const (
	RoleLearner = "learner"
	RoleManager = "manager"
	RoleTrainer = "trainer"
	RoleAdmin   = "admin"
)

// IsManager reports whether the viewer manages their organisation.
func (v *Viewer) IsManager() bool { return v != nil && v.Role == RoleManager }

// IsTrainer reports whether the viewer may author content.
func (v *Viewer) IsTrainer() bool { return v != nil && (v.Role == RoleTrainer || v.Role == RoleAdmin) }

// IsAdmin reports whether the viewer administers the platform.
func (v *Viewer) IsAdmin() bool { return v != nil && v.Role == RoleAdmin }

const (
	viewerKey    = "nabij.viewer"
	langKey      = "nabij.lang"
	requestIDKey = "nabij.request_id"
	flashCookie  = "nabij_flash"
)

// SetViewer records the signed-in person for the rest of the request.
func SetViewer(c *gin.Context, v *Viewer) { c.Set(viewerKey, v) }

// CurrentViewer returns the signed-in person, or nil for a guest.
func CurrentViewer(c *gin.Context) *Viewer {
	if v, ok := c.Get(viewerKey); ok {
		return v.(*Viewer)
	}
	return nil
}

// Lang returns the UI language of the request.
func Lang(c *gin.Context) string {
	if v := CurrentViewer(c); v != nil && i18n.Supported(v.Lang) {
		return v.Lang
	}
	if l := c.GetString(langKey); l != "" {
		return l
	}
	return "nl"
}

// RequestID returns the id the request is logged under.
func RequestID(c *gin.Context) string { return c.GetString(requestIDKey) }

// SetFlash stores a one-time message shown on the next page.
func SetFlash(c *gin.Context, kind, msg string) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: flashCookie, Value: url.QueryEscape(kind + ":" + msg), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 60,
	})
}

// HasFlash reports whether a flash message waits for this request.
func HasFlash(c *gin.Context) bool {
	if _, ok := c.Get("nabij.flash"); ok {
		return true
	}
	ck, err := c.Request.Cookie(flashCookie)
	return err == nil && ck.Value != ""
}

// TakeFlash returns and clears the pending flash message.
func TakeFlash(c *gin.Context) (msg, kind string) {
	if v, ok := c.Get("nabij.flash"); ok {
		f := v.([2]string)
		return f[0], f[1]
	}
	ck, err := c.Request.Cookie(flashCookie)
	if err != nil || ck.Value == "" {
		return "", ""
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	raw, err := url.QueryUnescape(ck.Value)
	if err != nil {
		return "", ""
	}
	kind, msg, ok := strings.Cut(raw, ":")
	if !ok || (kind != "ok" && kind != "error") {
		return "", ""
	}
	c.Set("nabij.flash", [2]string{msg, kind})
	return msg, kind
}

// Redirect sends a Post/Redirect/Get answer with a flash message.
func Redirect(c *gin.Context, to, kind, msg string) {
	if msg != "" {
		SetFlash(c, kind, msg)
	}
	c.Redirect(http.StatusSeeOther, to)
}

// LocalPath reports whether p is a path on this site, safe to redirect to
// (not "//evil.example" or "/\evil.example"). Control characters are
// refused too: browsers drop tabs and newlines from URLs, so "/\t/evil.example"
// would lead to another site.
func LocalPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return false
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}
