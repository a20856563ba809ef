package report

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/web"
)

func (rp *Report) showPerson(c *gin.Context) {
	v := web.CurrentViewer(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		rp.render.Error(c, http.StatusNotFound, nil)
		return
	}
	p, err := rp.store.Person(c.Request.Context(), v.OrgID, id)
	if err != nil {
		rp.render.NotFoundOr500(c, err)
		return
	}
	rp.render.HTML(c, http.StatusOK, "report/person", p.Name, p)
}
