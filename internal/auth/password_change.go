package auth

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/web"
)

type passwordData struct {
	Error      string
	ErrorField string // current, new
}

func (a *Auth) passwordForm(c *gin.Context) {
	a.render.HTML(c, http.StatusOK, "auth/password", i18nTitle(c, "auth.password.title"), passwordData{})
}

// changePassword checks the current password, stores the new one and ends
// every other session of the person.
func (a *Auth) changePassword(c *gin.Context) {
	ctx := c.Request.Context()
	v := web.CurrentViewer(c)
	lang := web.Lang(c)
	current, next := c.PostForm("huidig"), c.PostForm("nieuw")
	fail := func(field, key string) {
		a.render.HTML(c, http.StatusUnprocessableEntity, "auth/password", tr(lang, "auth.password.title"),
			passwordData{Error: tr(lang, key), ErrorField: field})
	}
	acc, err := a.store.AccountByID(ctx, v.UserID)
	if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if acc.PasswordHash == nil || !VerifyPassword(current, *acc.PasswordHash) {
		fail("current", "auth.password.wrong_current")
		return
	}
	if err := CheckPassword(next); err != nil {
		fail("new", PasswordMessage(err))
		return
	}
	if err := SetPassword(ctx, a.db, v.UserID, next, v.SessionID); err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	web.Redirect(c, "/profiel", "ok", tr(lang, "auth.password.changed"))
}
