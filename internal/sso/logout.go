package sso

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/auth"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// endSession is the provider's end_session_endpoint, or "" when it has
// none (RP-initiated logout is then not offered).
func endSession(op *oidc.Provider) string {
	var m struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if op.Claims(&m) != nil {
		return ""
	}
	if u, err := url.Parse(m.EndSession); err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return ""
	}
	return m.EndSession
}

// AfterLogout is where the logout sends the browser: to the page that
// offers to sign out at the provider too after an SSO login, else "" (the
// home page).
func (s *SSO) AfterLogout(c *gin.Context) string {
	if ck, err := c.Request.Cookie(s.logoutCookie()); err == nil && ck.Value != "" {
		return "/afgemeld"
	}
	return ""
}

type loggedOutData struct {
	OrgName string
	URL     string
}

// loggedOut tells a person who signed in through their organisation that
// they are signed out here, and offers to sign out at the provider as well.
// The page is reached by a redirect from the logout form, so the provider's
// address is a link the person follows: the Content-Security-Policy
// (form-action 'self') forbids a form to end up there by redirect.
func (s *SSO) loggedOut(c *gin.Context) {
	ck, err := c.Request.Cookie(s.logoutCookie())
	if err != nil || ck.Value == "" || len(ck.Value) > 100 {
		c.Redirect(http.StatusSeeOther, "/")
		return
	}
	s.setCookie(c, s.logoutCookie(), "", -1)
	if web.CurrentViewer(c) != nil { // signed in again meanwhile: nothing to offer
		c.Redirect(http.StatusSeeOther, "/")
		return
	}
	ctx := c.Request.Context()
	orgID, idToken, err := s.store.TakeLogout(ctx, auth.HashToken(ck.Value))
	if errors.Is(err, database.ErrNotFound) {
		c.Redirect(http.StatusSeeOther, "/")
		return
	}
	if err != nil {
		s.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	p, err := s.store.Provider(ctx, orgID)
	if err != nil {
		c.Redirect(http.StatusSeeOther, "/")
		return
	}
	data := loggedOutData{OrgName: p.OrgName}
	if op, err := s.discover(ctx, p.Issuer); err == nil {
		if end := endSession(op); end != "" {
			u, _ := url.Parse(end)
			q := u.Query()
			q.Set("id_token_hint", idToken)
			q.Set("client_id", p.ClientID)
			q.Set("post_logout_redirect_uri", s.baseURL+"/")
			u.RawQuery = q.Encode()
			data.URL = u.String()
		}
	}
	c.Header("Cache-Control", "no-store")
	s.render.HTML(c, http.StatusOK, "sso/logged_out", i18n.T(web.Lang(c), "sso.logout.title"), data)
}
