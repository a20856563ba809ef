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
	acc, err := a.store.AccountByEmail(ctx, email)
	if err != nil && !errors.Is(err, database.ErrNotFound) {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	// A browser that signed in to this account before has its own budget;
	// others share the account's and the address's.
	var device []byte
	keys := loginKeys(c.ClientIP(), email)
	if acc != nil {
		if device, err = a.knownDevice(c, acc.ID); err != nil {
			a.render.Error(c, http.StatusInternalServerError, err)
			return
		}
		if device != nil {
			keys = []string{deviceKey(device)}
		}
	}
	var hash *string
	if acc != nil && acc.Active {
		hash = acc.PasswordHash
	}
	outcome, wait, err := a.checkPassword(ctx, keys, password, hash)
	if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	switch outcome {
	case checkBusy:
		c.Header("Retry-After", "2")
		web.Shed(c)
		fail(http.StatusServiceUnavailable, "auth.busy")
		return
	case checkThrottled:
		c.Header("Retry-After", itoa(int(math.Ceil(wait.Seconds()))))
		data.Error = waitMessage(lang, wait)
		a.render.HTML(c, http.StatusTooManyRequests, "auth/login", tr(lang, "auth.login.title"), data)
		return
	case checkWrong:
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
	// The person's own attempts are forgiven; the address's count stays, so
	// that one valid account cannot reset an attacker's address.
	forgiven := []string{accountKey(email)}
	if device != nil {
		forgiven = append(forgiven, deviceKey(device))
	}
	if err := a.throttle.clear(ctx, forgiven...); err != nil {
		a.log.Error("login throttle", "request_id", web.RequestID(c), "error", err.Error())
	}
	if err := a.rememberDevice(ctx, c, acc.ID, device); err != nil {
		a.log.Error("login device", "request_id", web.RequestID(c), "error", err.Error())
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
