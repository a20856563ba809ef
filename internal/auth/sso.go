package auth

import (
	"context"

	"github.com/gin-gonic/gin"
)

// SingleSignOn is what the login pages ask of the organisations' own
// identity providers; package sso provides it.
type SingleSignOn interface {
	// Offered reports whether any organisation signs in through its own
	// provider: the login page then asks for the e-mail address first.
	Offered(ctx context.Context) (bool, error)
	// PasswordRefused reports whether an account's organisation allows
	// only single sign-on (platform trainers and admins never are refused).
	PasswordRefused(ctx context.Context, acc *Account) (bool, error)
	// AfterLogout returns where the browser goes after logout, "" for the
	// home page.
	AfterLogout(c *gin.Context) string
}

// UseSingleSignOn lets the login and logout consult single sign-on.
func (a *Auth) UseSingleSignOn(s SingleSignOn) { a.sso = s }

// emailFirst reports whether the login page asks for the address first.
func (a *Auth) emailFirst(ctx context.Context) (bool, error) {
	if a.sso == nil {
		return false, nil
	}
	return a.sso.Offered(ctx)
}

// passwordRefused reports whether acc must sign in through its
// organisation's provider.
func (a *Auth) passwordRefused(ctx context.Context, acc *Account) (bool, error) {
	if a.sso == nil {
		return false, nil
	}
	return a.sso.PasswordRefused(ctx, acc)
}

// afterLogout is where the logout sends the browser.
func (a *Auth) afterLogout(c *gin.Context) string {
	if a.sso != nil {
		if to := a.sso.AfterLogout(c); to != "" {
			return to
		}
	}
	return "/"
}
