// Package feedback is the accessibility statement (/toegankelijkheid),
// following the EU model statement (Implementing Decision (EU) 2018/1523)
// as the Flemish Bestuursdecreet asks, and its feedback form, whose
// messages reach the admins at /beheer.
package feedback

import (
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"
	"golang.org/x/time/rate"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// LastChecked is the day the platform was last checked against WCAG 2.2
// AA, as the statement says; change it with every new check.
var LastChecked = time.Date(2026, 12, 1, 12, 0, 0, 0, web.Brussels)

// Limits of the form.
const (
	MaxMessage = 4000
	MaxContact = 320
	MaxPage    = 500
)

// Feedback is the accessibility statement capability.
type Feedback struct {
	store    *Store
	render   *web.Renderer
	throttle *throttle
}

// New returns the accessibility statement capability.
func New(db *sqlx.DB, render *web.Renderer) *Feedback {
	return &Feedback{store: NewStore(db), render: render, throttle: newThrottle()}
}

// Routes registers the statement and its form.
func (f *Feedback) Routes(r gin.IRouter) {
	r.GET("/toegankelijkheid", f.show)
	r.POST("/toegankelijkheid", f.send)
}

type statementData struct {
	Checked string
	Page    string
	Message string
	Contact string
	Errors  map[string]string // field → message
}

func (f *Feedback) page(c *gin.Context, status int, data statementData) {
	lang := web.Lang(c)
	data.Checked = web.FormatDate(lang, LastChecked)
	f.render.HTML(c, status, "feedback/statement", i18n.T(lang, "a11y.title"), data)
}

func (f *Feedback) show(c *gin.Context) {
	page := c.Query("pagina")
	if !web.LocalPath(page) || len(page) > MaxPage {
		page = ""
	}
	f.page(c, http.StatusOK, statementData{Page: page})
}

// send stores a message. Bad input comes back with the text kept and a
// message per field (422); a client sending too many messages is asked to
// wait (429), the text still kept.
func (f *Feedback) send(c *gin.Context) {
	lang := web.Lang(c)
	data := statementData{
		Page:    strings.TrimSpace(c.PostForm("pagina")),
		Message: strings.TrimSpace(c.PostForm("bericht")),
		Contact: strings.TrimSpace(c.PostForm("contact")),
		Errors:  map[string]string{},
	}
	if data.Message == "" {
		data.Errors["bericht"] = i18n.T(lang, "a11y.form.message_required")
	} else if utf8.RuneCountInString(data.Message) > MaxMessage {
		data.Errors["bericht"] = i18n.T(lang, "a11y.form.message_too_long", MaxMessage)
	}
	if data.Contact != "" && (len(data.Contact) > MaxContact || !auth.ValidEmail(data.Contact)) {
		data.Errors["contact"] = i18n.T(lang, "a11y.form.contact_invalid")
	}
	if utf8.RuneCountInString(data.Page) > MaxPage {
		data.Errors["pagina"] = i18n.T(lang, "a11y.form.page_too_long", MaxPage)
	}
	if len(data.Errors) > 0 {
		f.page(c, http.StatusUnprocessableEntity, data)
		return
	}
	if !f.throttle.Allow(c.ClientIP()) {
		data.Errors["bericht"] = i18n.T(lang, "a11y.form.throttled")
		f.page(c, http.StatusTooManyRequests, data)
		return
	}
	var userID int64
	if v := web.CurrentViewer(c); v != nil {
		userID = v.UserID
	}
	if err := f.store.Add(c.Request.Context(), data.Page, data.Message, data.Contact, userID); err != nil {
		f.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	web.Redirect(c, "/toegankelijkheid#feedback", "ok", i18n.T(lang, "a11y.form.sent"))
}

// throttle allows each client IP a few messages, then one every few
// minutes, so that a script cannot fill the admins' list. In memory, per
// instance.
type throttle struct {
	mu      sync.Mutex
	clients map[string]*rate.Limiter
	swept   time.Time
}

const (
	feedbackBurst    = 5
	feedbackInterval = 2 * time.Minute
)

func newThrottle() *throttle { return &throttle{clients: map[string]*rate.Limiter{}} }

// Allow reports whether ip may send one more message now.
func (t *throttle) Allow(ip string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if now.Sub(t.swept) > feedbackBurst*feedbackInterval {
		// A bucket idle this long is full again: forget it.
		for k, l := range t.clients {
			if l.TokensAt(now) >= feedbackBurst {
				delete(t.clients, k)
			}
		}
		t.swept = now
	}
	l, ok := t.clients[ip]
	if !ok {
		l = rate.NewLimiter(rate.Every(feedbackInterval), feedbackBurst)
		t.clients[ip] = l
	}
	return l.AllowN(now, 1)
}
