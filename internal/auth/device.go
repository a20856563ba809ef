package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database"
)

// deviceLifetime is how long a browser stays known after its last
// successful login.
const deviceLifetime = 180 * 24 * time.Hour

// deviceCookieName is the device cookie's name; __Host- as the session's.
func deviceCookieName(secure bool) string {
	if secure {
		return "__Host-nabij_device"
	}
	return "nabij_device"
}

// knownDevice returns the hash of this browser's device cookie when the
// browser signed in to userID before (nil otherwise).
func (a *Auth) knownDevice(c *gin.Context, userID int64) ([]byte, error) {
	ck, err := c.Request.Cookie(deviceCookieName(a.cfg.SecureCookies))
	if err != nil || ck.Value == "" || len(ck.Value) > 100 || userID == 0 {
		return nil, nil
	}
	hash := HashToken(ck.Value)
	var owner int64
	err = a.db.GetContext(c.Request.Context(), &owner,
		`SELECT user_id FROM login_devices WHERE token_hash = $1 AND expires_at > now()`, hash)
	if errors.Is(database.NotFound(err), database.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: device cookie: %w", err)
	}
	if owner != userID {
		return nil, nil
	}
	return hash, nil
}

// rememberDevice gives the browser a device cookie for userID after a
// successful login, or extends the one it has.
func (a *Auth) rememberDevice(ctx context.Context, c *gin.Context, userID int64, known []byte) error {
	if known != nil {
		_, err := a.db.ExecContext(ctx, `UPDATE login_devices SET expires_at = now() + make_interval(secs => $2) WHERE token_hash = $1`,
			known, deviceLifetime.Seconds())
		return err
	}
	token, hash := NewToken()
	if _, err := a.db.ExecContext(ctx, `INSERT INTO login_devices (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
		hash, userID, deviceLifetime.Seconds()); err != nil {
		return fmt.Errorf("auth: remember device of %d: %w", userID, err)
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: deviceCookieName(a.cfg.SecureCookies), Value: token, Path: "/",
		MaxAge: int(deviceLifetime.Seconds()), HttpOnly: true,
		Secure: a.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	return nil
}
