package web

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

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
	viewerKey     = "nabij.viewer"
	langKey       = "nabij.lang"
	requestIDKey  = "nabij.request_id"
	flashKey      = "nabij.flash"
	takenFlashKey = "nabij.flash.taken"
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

// flashLife is how long a flash message waits for the page that shows it.
const flashLife = 60 * time.Second

// flashSealer seals and opens flash cookies with the installation's key.
type flashSealer struct {
	aead   cipher.AEAD
	name   string // nabij_flash, or __Host-nabij_flash with secure cookies
	secure bool
}

// Flash makes one-time messages (SetFlash, TakeFlash) work for the rest of
// the request. A message travels to the next page in a cookie sealed with
// AES-256-GCM under key, the installation's secret that every instance
// shares: its text (which may hold the person's name) cannot be read from
// the cookie, and a cookie someone else planted or altered, or one older
// than a minute, is ignored. With secure cookies it is Secure and carries
// the __Host- prefix, so no sibling domain can set it either.
func Flash(key []byte, secure bool) (gin.HandlerFunc, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("web: flash key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("web: flash key: %w", err)
	}
	f := &flashSealer{aead: aead, name: "nabij_flash", secure: secure}
	if secure {
		f.name = "__Host-nabij_flash"
	}
	return func(c *gin.Context) {
		c.Set(flashKey, f)
		c.Next()
	}, nil
}

// seal returns the cookie value for a message of kind, valid until
// now+flashLife. The cookie's name is bound in, so a value cannot move to
// another cookie.
func (f *flashSealer) seal(kind, msg string, now time.Time) string {
	nonce := make([]byte, f.aead.NonceSize(), f.aead.NonceSize()+len(msg)+64)
	rand.Read(nonce)
	plain := kind + "\x00" + strconv.FormatInt(now.Add(flashLife).Unix(), 10) + "\x00" + msg
	return base64.RawURLEncoding.EncodeToString(f.aead.Seal(nonce, nonce, []byte(plain), []byte(f.name)))
}

// open returns the message sealed in value, ok false for anything the
// platform did not seal, or sealed more than flashLife before now.
func (f *flashSealer) open(value string, now time.Time) (kind, msg string, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(raw) < f.aead.NonceSize() {
		return "", "", false
	}
	n := f.aead.NonceSize()
	plain, err := f.aead.Open(nil, raw[:n], raw[n:], []byte(f.name))
	if err != nil {
		return "", "", false
	}
	kind, rest, _ := strings.Cut(string(plain), "\x00")
	until, msg, _ := strings.Cut(rest, "\x00")
	expires, err := strconv.ParseInt(until, 10, 64)
	if err != nil || now.Unix() > expires || (kind != "ok" && kind != "error") {
		return "", "", false
	}
	return kind, msg, true
}

func sealer(c *gin.Context) *flashSealer {
	if f, ok := c.Get(flashKey); ok {
		return f.(*flashSealer)
	}
	return nil
}

// SetFlash stores a one-time message shown on the next page. Without the
// Flash middleware (a test's partial router) the message is dropped: there
// is no key to seal it with, and an unsealed one would be ignored anyway.
func SetFlash(c *gin.Context, kind, msg string) {
	f := sealer(c)
	if f == nil {
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: f.name, Value: f.seal(kind, msg, time.Now()), Path: "/",
		HttpOnly: true, Secure: f.secure, SameSite: http.SameSiteLaxMode, MaxAge: int(flashLife.Seconds()),
	})
}

// HasFlash reports whether a flash message waits for this request.
func HasFlash(c *gin.Context) bool {
	if _, ok := c.Get(takenFlashKey); ok {
		return true
	}
	f := sealer(c)
	if f == nil {
		return false
	}
	ck, err := c.Request.Cookie(f.name)
	if err != nil {
		return false
	}
	_, _, ok := f.open(ck.Value, time.Now())
	return ok
}

// TakeFlash returns and clears the pending flash message.
func TakeFlash(c *gin.Context) (msg, kind string) {
	if v, ok := c.Get(takenFlashKey); ok {
		m := v.([2]string)
		return m[0], m[1]
	}
	f := sealer(c)
	if f == nil {
		return "", ""
	}
	ck, err := c.Request.Cookie(f.name)
	if err != nil {
		return "", ""
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: f.name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: f.secure, SameSite: http.SameSiteLaxMode})
	kind, msg, ok := f.open(ck.Value, time.Now())
	if !ok {
		return "", ""
	}
	c.Set(takenFlashKey, [2]string{msg, kind})
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
