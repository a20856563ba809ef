package certificate

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// verifyData is what the verification page shows. Of a certificate it
// shows only the name, title, completion date and organisation, and of a
// revocation only its date: the reason is for administrators.
type verifyData struct {
	Typed     string // the code as typed, or in its printed form after a lookup
	Malformed bool
	Unknown   bool
	Record    *Record
	Completed string // the completion day, in the page's language
	RevokedOn string
}

// verifyForm shows the form, or the answer when the form was sent
// (?code=…).
func (m *Certificates) verifyForm(c *gin.Context) {
	typed, sent := c.GetQuery("code")
	if !sent {
		m.showVerify(c, http.StatusOK, verifyData{})
		return
	}
	m.verify(c, typed)
}

// verifyCode answers /verifieer/{code}, the address on the certificate and
// in its QR code.
func (m *Certificates) verifyCode(c *gin.Context) { m.verify(c, c.Param("code")) }

// maxTypedShown caps how much of a malformed input is shown back.
const maxTypedShown = 120

func (m *Certificates) verify(c *gin.Context, typed string) {
	c.Header("X-Robots-Tag", "noindex, nofollow")
	c.Header("Cache-Control", "no-store")
	if !m.throttle.Allow(c.ClientIP()) {
		c.Header("Retry-After", "10")
		m.render.ErrorMessage(c, http.StatusTooManyRequests, "certificate.verify.throttled")
		return
	}
	typed = strings.TrimSpace(strings.ToValidUTF8(typed, ""))
	if utf8.RuneCountInString(typed) > maxTypedShown {
		typed = string([]rune(typed)[:maxTypedShown])
	}
	raw, ok := NormalizeCode(typed)
	if !ok {
		m.showVerify(c, http.StatusBadRequest, verifyData{Typed: typed, Malformed: true})
		return
	}
	r, err := m.store.ByCode(c.Request.Context(), raw)
	if errors.Is(err, database.ErrNotFound) {
		m.showVerify(c, http.StatusNotFound, verifyData{Typed: FormatCode(raw), Unknown: true})
		return
	}
	if err != nil {
		m.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	lang := web.Lang(c)
	d := verifyData{Typed: FormatCode(raw), Record: r, Completed: m.day(lang, r.CompletedAt)}
	if r.Revoked() {
		d.RevokedOn = m.day(lang, r.RevokedAt.Time)
	}
	m.showVerify(c, http.StatusOK, d)
}

func (m *Certificates) showVerify(c *gin.Context, status int, d verifyData) {
	m.render.HTML(c, status, "certificate/verify", i18n.T(web.Lang(c), "certificate.verify.title"), d)
}
