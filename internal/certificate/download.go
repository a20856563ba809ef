package certificate

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// listItem is one certificate on the learner's list.
type listItem struct {
	Record
	Completed    string
	DownloadPath string
	VerifyPath   string
}

// list shows the signed-in person's certificates.
func (m *Certificates) list(c *gin.Context) {
	v := web.CurrentViewer(c)
	rs, err := m.store.ForUser(c.Request.Context(), v.UserID)
	if err != nil {
		m.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	lang := web.Lang(c)
	items := make([]listItem, 0, len(rs))
	for _, r := range rs {
		items = append(items, listItem{
			Record: r, Completed: m.day(lang, r.CompletedAt),
			DownloadPath: DownloadPath(r.Code), VerifyPath: "/verifieer/" + FormatCode(r.Code),
		})
	}
	m.render.HTML(c, http.StatusOK, "certificate/list", i18n.T(lang, "certificate.list.title"), items)
}

// download sends one of the signed-in person's own certificates as a PDF.
// Anyone else's code, or an unknown one, is a 404: the answer does not
// tell whether the certificate exists.
func (m *Certificates) download(c *gin.Context) {
	v := web.CurrentViewer(c)
	name, ok := strings.CutSuffix(c.Param("file"), ".pdf")
	if !ok {
		m.render.Error(c, http.StatusNotFound, nil)
		return
	}
	raw, ok := NormalizeCode(name)
	if !ok {
		m.render.Error(c, http.StatusNotFound, nil)
		return
	}
	r, err := m.store.OwnedBy(c.Request.Context(), v.UserID, raw)
	if err != nil {
		m.render.NotFoundOr500(c, err)
		return
	}
	if r.Revoked() {
		m.render.ErrorMessage(c, http.StatusGone, "certificate.download.revoked")
		return
	}
	pdf, err := m.pdfs.get(m.certificate(r))
	if err != nil {
		m.renderFailed(c, err)
		return
	}
	c.Header("Content-Disposition", ContentDisposition(FileName(r.Title, r.Name)))
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// renderFailed answers a PDF that could not be made. A name the fonts
// cannot print gets its own message: the profile check should have caught
// it, and an administrator can correct the record.
func (m *Certificates) renderFailed(c *gin.Context, err error) {
	if errors.Is(err, ErrUnprintable) {
		m.log.Error("certificate: unprintable", "request_id", web.RequestID(c), "error", err.Error())
		m.render.ErrorMessage(c, http.StatusInternalServerError, "certificate.download.unprintable")
		return
	}
	m.render.Error(c, http.StatusInternalServerError, err)
}
