package auth

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/web"
)

type loginData struct {
	Email     string
	Terug     string
	Error     string
	EmailStep bool   // single sign-on exists: ask for the address first
	SSOLink   string // the address's organisation allows only single sign-on
}

// home is where a person lands after login when no page asked for it.
const home = "/mijn-leertraject"

func backTo(s string) string {
	if web.LocalPath(s) {
		return s
	}
	return home
}

func (a *Auth) loginForm(c *gin.Context) {
	if web.CurrentViewer(c) != nil {
		c.Redirect(http.StatusSeeOther, backTo(c.Query("terug")))
		return
	}
	terug := c.Query("terug")
	if !web.LocalPath(terug) {
		terug = ""
	}
	emailFirst, err := a.emailFirst(c.Request.Context())
	if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	email := strings.TrimSpace(c.Query("email"))
	a.render.HTML(c, http.StatusOK, "auth/login", i18nTitle(c, "auth.login.title"),
		loginData{Terug: terug, Email: email, EmailStep: emailFirst && email == ""})
}

func (a *Auth) login(c *gin.Context) {
	ctx := c.Request.Context()
	email := strings.TrimSpace(c.PostForm("email"))
	password := c.PostForm("wachtwoord")
	terug := c.PostForm("terug")
	if !web.LocalPath(terug) {
		terug = ""
	}
	data := loginData{Email: email, Terug: terug}
	lang := web.Lang(c)
	fail := func(status int, key string, args ...any) {
		data.Error = tr(lang, key, args...)
		a.render.HTML(c, status, "auth/login", tr(lang, "auth.login.title"), data)
	}
	if email == "" || password == "" || len(email) > 320 || len(password) > 4*MaxPasswordLength {
		fail(http.StatusUnprocessableEntity, "auth.login.failed")
		return
	}
	ip := c.ClientIP()
	wait, err := a.throttle.Wait(ctx, ip, email)
	if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if wait > 0 {
		c.Header("Retry-After", itoa(int(math.Ceil(wait.Seconds()))))
		fail(http.StatusTooManyRequests, "auth.login.throttled", int(math.Ceil(wait.Seconds())))
		return
	}
	acc, err := a.store.AccountByEmail(ctx, email)
	if err != nil && !errors.Is(err, database.ErrNotFound) {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	ok := false
	if acc != nil && acc.PasswordHash != nil {
		ok = VerifyPassword(password, *acc.PasswordHash) && acc.Active
	} else {
		// Same work, same answer for an unknown address.
		VerifyPassword(password, dummyHash)
	}
	if !ok {
		if err := a.throttle.Fail(ctx, ip, email); err != nil {
			a.log.Error("login throttle", "request_id", web.RequestID(c), "error", err.Error())
		}
		fail(http.StatusUnprocessableEntity, "auth.login.failed")
		return
	}
	if refused, err := a.passwordRefused(ctx, acc); err != nil || refused {
		if err != nil {
			a.render.Error(c, http.StatusInternalServerError, err)
			return
		}
		data.SSOLink = "/aanmelden/sso?" + url.Values{"email": {email}, "terug": {terug}}.Encode()
		fail(http.StatusForbidden, "auth.login.sso_only")
		return
	}
	if err := a.throttle.Succeed(ctx, email); err != nil {
		a.log.Error("login throttle", "request_id", web.RequestID(c), "error", err.Error())
	}
	// A new token at every login: a session id planted before login is
	// never promoted. A session this browser already had ends.
	if v := web.CurrentViewer(c); v != nil {
		if err := a.sessions.Delete(ctx, v.SessionID); err != nil {
			a.render.Error(c, http.StatusInternalServerError, err)
			return
		}
	}
	token, err := a.sessions.Create(ctx, acc.ID)
	if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if err := a.store.LoggedIn(ctx, acc.ID); err != nil {
		a.log.Error("login", "request_id", web.RequestID(c), "error", err.Error())
	}
	a.setCookie(c, token)
	web.Redirect(c, backTo(terug), "ok", tr(acc.Lang, "auth.login.welcome", acc.Name))
}

func (a *Auth) logout(c *gin.Context) {
	if v := web.CurrentViewer(c); v != nil {
		if err := a.sessions.Delete(c.Request.Context(), v.SessionID); err != nil {
			a.render.Error(c, http.StatusInternalServerError, err)
			return
		}
	}
	a.clearCookie(c)
	// Pages the browser kept while signed in go too (Back shows nothing).
	c.Header("Clear-Site-Data", `"cache"`)
	web.Redirect(c, a.afterLogout(c), "ok", tr(web.Lang(c), "auth.logout.done"))
}
