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
	if err := CheckPassword(next); err != nil {
		fail("new", PasswordMessage(err))
		return
	}
	ok, err := a.checkCurrentPassword(c, v.UserID, current, acc.PasswordHash, func(status int, msg string) {
		a.render.HTML(c, status, "auth/password", tr(lang, "auth.password.title"), passwordData{Error: msg, ErrorField: "current"})
	})
	if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if !ok {
		return
	}
	if err := SetPassword(ctx, a.db, v.UserID, next, v.SessionID); err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	a.Forget(v.UserID) // the other sessions end on this instance at once
	web.Redirect(c, "/profiel", "ok", tr(lang, "auth.password.changed"))
}
