package certificate

import (
	"archive/zip"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/web"
)

// teamZIP sends a manager the valid certificates of their organisation, or
// of one of its teams (?team=ID), as one ZIP of PDFs. The organisation is
// the manager's own, from the session; a team of another organisation is
// a 404.
func (m *Certificates) teamZIP(c *gin.Context) {
	ctx := c.Request.Context()
	v := web.CurrentViewer(c)
	if v.OrgID == 0 {
		m.render.Error(c, http.StatusNotFound, nil)
		return
	}
	var teamID int64
	if s := c.Query("team"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			m.render.Error(c, http.StatusNotFound, nil)
			return
		}
		ok, err := m.store.TeamInOrganisation(ctx, v.OrgID, id)
		if err != nil {
			m.render.Error(c, http.StatusInternalServerError, err)
			return
		}
		if !ok {
			m.render.Error(c, http.StatusNotFound, nil)
			return
		}
		teamID = id
	}
	rs, err := m.store.ForOrganisation(ctx, v.OrgID, teamID)
	if err != nil {
		m.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if len(rs) == 0 {
		m.render.ErrorMessage(c, http.StatusNotFound, "certificate.zip.empty")
		return
	}

	// The first PDF is made before anything is sent, so that a failure
	// still gets an error page; after that the ZIP streams.
	first, err := m.renderRecord(&rs[0])
	if err != nil {
		m.renderFailed(c, err)
		return
	}
	orgName := v.OrgName
	if orgName == "" {
		orgName = strconv.FormatInt(v.OrgID, 10)
	}
	c.Header("Content-Type", "application/zip")
	c.Header("Content-Disposition", ContentDisposition("Certificaten-"+safeFilePart(orgName)+".zip"))
	c.Header("Cache-Control", "private, no-store")
	c.Status(http.StatusOK)

	zw := zip.NewWriter(c.Writer)
	names := map[string]int{}
	for i := range rs {
		r := &rs[i]
		pdf := first
		if i > 0 {
			if pdf, err = m.renderRecord(r); err != nil {
				// One unprintable name must not cost the others.
				m.log.Error("certificate: zip: skipped", "request_id", web.RequestID(c), "code", r.Code, "error", err.Error())
				continue
			}
		}
		w, err := zw.CreateHeader(&zip.FileHeader{
			Name: uniqueName(names, FileName(r.Title, r.Name)), Method: zip.Deflate, Modified: r.CompletedAt,
		})
		if err == nil {
			_, err = w.Write(pdf)
		}
		if err != nil {
			m.log.Warn("certificate: zip: write", "request_id", web.RequestID(c), "error", err.Error())
			return
		}
	}
	if err := zw.Close(); err != nil {
		m.log.Warn("certificate: zip: close", "request_id", web.RequestID(c), "error", err.Error())
	}
}

func (m *Certificates) renderRecord(r *Record) ([]byte, error) {
	return m.pdfs.get(m.certificate(r))
}

// uniqueName returns name, or name with " (2)", " (3)" … before its
// extension when it was used before: two people can share a name.
func uniqueName(used map[string]int, name string) string {
	used[name]++
	n := used[name]
	if n == 1 {
		return name
	}
	base, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		base, ext = name[:i], name[i:]
	}
	candidate := fmt.Sprintf("%s (%d)%s", base, n, ext)
	return uniqueName(used, candidate)
}
