package auth

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/web"
)

// rendererKey carries the error page renderer from the session middleware
// to RequireUser and RequireRole, which are plain functions so that every
// capability can use them without holding the auth capability.
const rendererKey = "nabij.auth.renderer"

// lookupErrKey carries a failed session lookup (the database is down) to
// RequireUser, which then answers 503 instead of sending a signed-in person
// to the login page.
const lookupErrKey = "nabij.auth.lookup_error"

// CookieName is the session cookie's name: with the __Host- prefix when
// cookies are secure (the browser then insists on Secure, Path=/ and no
// Domain), without it for plain-HTTP local use.
func CookieName(secure bool) string {
	if secure {
		return "__Host-nabij_session"
	}
	return "nabij_session"
}

// Session reads the session cookie and records the signed-in person for the
// rest of the request. A missing, expired or unknown session makes a guest;
// a stale cookie is removed.
func (a *Auth) Session() gin.HandlerFunc {
	name := CookieName(a.cfg.SecureCookies)
	return func(c *gin.Context) {
		c.Set(rendererKey, a.render)
		ck, err := c.Request.Cookie(name)
		if err != nil || ck.Value == "" || len(ck.Value) > 100 {
			c.Next()
			return
		}
		v, err := a.sessions.Lookup(c.Request.Context(), ck.Value)
		switch {
		case err == nil:
			web.SetViewer(c, v)
		case errors.Is(err, database.ErrNotFound):
			a.clearCookie(c)
		default:
			// The database is unreachable or failing: let the request go on
			// as a guest's, so that public pages keep working; pages that
			// need a person answer 503 (RequireUser) rather than send someone
			// who is signed in to the login page.
			c.Set(lookupErrKey, err)
			a.log.Warn("session lookup failed", "request_id", web.RequestID(c), "error", err.Error())
		}
		c.Next()
	}
}

func (a *Auth) setCookie(c *gin.Context, token string) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: CookieName(a.cfg.SecureCookies), Value: token, Path: "/",
		MaxAge: int(a.cfg.SessionAbsolute.Seconds()), HttpOnly: true,
		Secure: a.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

func (a *Auth) clearCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: CookieName(a.cfg.SecureCookies), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: a.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

// RequireUser lets signed-in people through and sends guests to the login
// page, which brings them back afterwards.
func RequireUser() gin.HandlerFunc {
	return func(c *gin.Context) {
		if web.CurrentViewer(c) != nil {
			c.Next()
			return
		}
		if err, ok := c.Get(lookupErrKey); ok {
			if r, ok := c.Get(rendererKey); ok {
				r.(*web.Renderer).Error(c, http.StatusInternalServerError, err.(error))
				return
			}
		}
		back := c.Request.URL.Path
		if q := c.Request.URL.RawQuery; q != "" {
			back += "?" + q
		}
		c.Abort()
		c.Redirect(http.StatusSeeOther, "/aanmelden?terug="+url.QueryEscape(back))
	}
}

// RequireRole lets through signed-in people with one of roles; an admin
// passes every role check. Guests go to the login page; others get 403.
func RequireRole(roles ...string) gin.HandlerFunc {
	need := RequireUser()
	return func(c *gin.Context) {
		v := web.CurrentViewer(c)
		if v == nil {
			need(c)
			return
		}
		if v.Role == web.RoleAdmin {
			c.Next()
			return
		}
		for _, r := range roles {
			if v.Role == r {
				c.Next()
				return
			}
		}
		Forbidden(c)
	}
}

// Forbidden answers 403 with the Dutch error page.
func Forbidden(c *gin.Context) {
	if r, ok := c.Get(rendererKey); ok {
		r.(*web.Renderer).Error(c, http.StatusForbidden, nil)
		return
	}
	c.AbortWithStatus(http.StatusForbidden)
	c.String(http.StatusForbidden, "Geen toegang.")
}
