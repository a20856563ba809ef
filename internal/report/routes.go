package report

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/web"
)

// Report serves the manager's reports and the trainers' question
// statistics.
type Report struct {
	store      *Store
	render     *web.Renderer
	dashboards *dashboardCache // nil: no cache (CacheDashboards)
}

// New returns the report capability.
func New(store *Store, render *web.Renderer) *Report {
	return &Report{store: store, render: render}
}

// Routes registers the reports. Managers see their own organisation only;
// trainers see the anonymous question statistics of all organisations.
func (rp *Report) Routes(r gin.IRouter) {
	g := r.Group("/rapport", auth.RequireRole(web.RoleManager), rp.requireOrganisation)
	g.GET("", rp.dashboard)
	g.GET("/mensen", rp.matrix)
	g.GET("/mensen/:id", rp.showPerson)
	g.GET("/vragen", rp.questions)
	g.GET("/export.csv", rp.exportCSV)
	r.GET("/statistieken/vragen", auth.RequireRole(web.RoleTrainer), rp.allQuestions)
}

// requireOrganisation refuses platform-wide accounts (an admin passes every
// role check) that have no organisation to report on.
func (rp *Report) requireOrganisation(c *gin.Context) {
	if v := web.CurrentViewer(c); v == nil || v.OrgID == 0 {
		rp.render.Error(c, http.StatusForbidden, nil)
		return
	}
	c.Next()
}
