package assignment

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/web"
)

// Routes registers the unsubscribe link, the notification preferences and
// the managers' assignment pages.
func (a *Assignments) Routes(r gin.IRouter) {
	// No session: the link comes from a mail, the POST from a mail program.
	r.GET("/uitschrijven/:token", a.unsubscribeForm)
	r.POST("/uitschrijven/:token", a.unsubscribe)
	me := r.Group("/profiel/meldingen", auth.RequireUser())
	me.GET("", a.preferences)
	me.POST("", a.savePreferences)
	g := r.Group("/rapport/opdrachten", auth.RequireRole(web.RoleManager), a.requireOrganisation)
	g.GET("", a.manage)
	g.POST("", a.create)
	g.POST("/:id/intrekken", a.withdraw)
	g.POST("/:id/uitstel", a.extend)
}

// requireOrganisation refuses platform-wide accounts without an
// organisation (they assign with `nabij assign`).
func (a *Assignments) requireOrganisation(c *gin.Context) {
	if v := web.CurrentViewer(c); v == nil || v.OrgID == 0 {
		a.render.Error(c, http.StatusForbidden, nil)
		return
	}
	c.Next()
}
