package certificate

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// adminRow is a certificate as administrators see it.
type adminRow struct {
	Record
	Completed string
	Issued    string
	RevokedOn string
}

func (m *Certificates) adminRow(lang string, r *Record) adminRow {
	row := adminRow{Record: *r, Completed: m.day(lang, r.CompletedAt), Issued: m.day(lang, r.IssuedAt)}
	if r.Revoked() {
		row.RevokedOn = m.day(lang, r.RevokedAt.Time)
	}
	return row
}

type adminListData struct {
	Query string
	Rows  []adminRow
	Limit int
}

// maxQuery caps the search text.
const maxQuery = 200

// adminList lists and searches certificates by code or name.
func (m *Certificates) adminList(c *gin.Context) {
	lang := web.Lang(c)
	q := strings.TrimSpace(c.Query("q"))
	if utf8.RuneCountInString(q) > maxQuery || !utf8.ValidString(q) {
		m.render.ErrorMessage(c, http.StatusBadRequest, "certificate.admin.query_invalid")
		return
	}
	rs, err := m.store.Search(c.Request.Context(), q)
	if err != nil {
		m.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	d := adminListData{Query: q, Limit: SearchLimit}
	for i := range rs {
		d.Rows = append(d.Rows, m.adminRow(lang, &rs[i]))
	}
	m.render.HTML(c, http.StatusOK, "certificate/admin_list", i18n.T(lang, "certificate.admin.title"), d)
}

type adminShowData struct {
	Row        adminRow
	Reason     string
	ReasonErr  string
	VerifyPath string
}

// adminShow shows one certificate with the form that revokes it.
func (m *Certificates) adminShow(c *gin.Context) {
	r, ok := m.adminRecord(c)
	if !ok {
		return
	}
	m.showAdmin(c, http.StatusOK, r, "", "")
}

// Bounds of a revocation reason, in characters.
const (
	minReason = 5
	maxReason = 500
)

// revoke withdraws a certificate. The reason is required: it is what an
// administrator later reads back, and what answers the learner's question.
func (m *Certificates) revoke(c *gin.Context) {
	r, ok := m.adminRecord(c)
	if !ok {
		return
	}
	lang := web.Lang(c)
	reason := strings.TrimSpace(strings.ToValidUTF8(c.PostForm("reden"), ""))
	switch n := utf8.RuneCountInString(reason); {
	case n < minReason:
		m.showAdmin(c, http.StatusUnprocessableEntity, r, reason, i18n.T(lang, "certificate.revoke.reason_required", minReason))
		return
	case n > maxReason:
		m.showAdmin(c, http.StatusUnprocessableEntity, r, reason, i18n.T(lang, "certificate.revoke.reason_too_long", maxReason))
		return
	}
	back := "/beheer/certificaten/" + FormatCode(r.Code)
	_, err := m.store.Revoke(c.Request.Context(), r.Code, web.CurrentViewer(c).UserID, reason)
	if errors.Is(err, ErrAlreadyRevoked) {
		web.Redirect(c, back, "error", i18n.T(lang, "certificate.revoke.already"))
		return
	}
	if err != nil {
		m.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	m.log.Info("certificate revoked", "request_id", web.RequestID(c), "code", r.Code, "by", web.CurrentViewer(c).UserID)
	web.Redirect(c, back, "ok", i18n.T(lang, "certificate.revoke.done"))
}

// adminRecord reads the certificate of the :code parameter, or answers 404.
func (m *Certificates) adminRecord(c *gin.Context) (*Record, bool) {
	raw, ok := NormalizeCode(c.Param("code"))
	if !ok {
		m.render.Error(c, http.StatusNotFound, nil)
		return nil, false
	}
	r, err := m.store.ByCode(c.Request.Context(), raw)
	if err != nil {
		m.render.NotFoundOr500(c, err)
		return nil, false
	}
	return r, true
}

func (m *Certificates) showAdmin(c *gin.Context, status int, r *Record, reason, reasonErr string) {
	lang := web.Lang(c)
	d := adminShowData{Row: m.adminRow(lang, r), Reason: reason, ReasonErr: reasonErr, VerifyPath: "/verifieer/" + FormatCode(r.Code)}
	m.render.HTML(c, status, "certificate/admin_show", i18n.T(lang, "certificate.admin.show_title", FormatCode(r.Code)), d)
}
