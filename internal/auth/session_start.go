package auth

import (
	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/web"
)

// StartSession signs a person in on this browser with a new token (ending
// the session it had), as after login. Invitations use it after the person
// chose their password.
func (a *Auth) StartSession(c *gin.Context, userID int64) error {
	ctx := c.Request.Context()
	if v := web.CurrentViewer(c); v != nil {
		if err := a.sessions.Delete(ctx, v.SessionID); err != nil {
			return err
		}
	}
	token, err := a.sessions.Create(ctx, userID)
	if err != nil {
		return err
	}
	a.setCookie(c, token)
	return a.store.LoggedIn(ctx, userID)
}
