package auth

import (
	"context"
	"errors"
	"math"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/web"
)

// checkOutcome is the result of checking a password under the throttle and
// the bound on hashing.
type checkOutcome int

const (
	checkRight     checkOutcome = iota
	checkWrong                  // the password does not match (or the account cannot sign in)
	checkThrottled              // over the budget: not checked; wait says how long
	checkBusy                   // too many passwords being hashed: not checked, not counted
)

// checkPassword counts the attempt under keys, then verifies password
// against hash (nil: verified against a dummy, so an unknown address costs
// the same). Nothing is hashed for an attempt over its budget. Counting
// comes first, so that attempts over the budget never wait for a hashing
// slot; an attempt that finds no slot is uncounted again. Each hashed
// attempt saw a count within the budget that included every earlier hashed
// one, so at most the budget's passwords are checked per window.
func (a *Auth) checkPassword(ctx context.Context, keys []string, password string, hash *string) (checkOutcome, time.Duration, error) {
	if a.hashes.admit() != nil {
		return checkBusy, 0, nil
	}
	defer a.hashes.done()
	wait, err := a.throttle.count(ctx, keys)
	if err != nil {
		return checkWrong, 0, err
	}
	if wait > 0 {
		return checkThrottled, wait, nil
	}
	if err := a.hashes.enter(ctx); err != nil {
		// Not checked, so not counted: the person may try again at once.
		if err := a.throttle.uncount(context.WithoutCancel(ctx), keys); err != nil {
			return checkWrong, 0, err
		}
		if errors.Is(err, ErrBusy) {
			return checkBusy, 0, nil
		}
		return checkWrong, 0, err
	}
	defer a.hashes.leave()
	if hash == nil {
		a.hashes.verify(password, dummyHash)
		return checkWrong, 0, nil
	}
	if !a.hashes.verify(password, *hash) {
		return checkWrong, 0, nil
	}
	return checkRight, 0, nil
}

// checkCurrentPassword checks a signed-in person's current password (for a
// password change or account deletion) under their own budget. When it
// returns false it has answered: status and message through page.
func (a *Auth) checkCurrentPassword(c *gin.Context, userID int64, password string, hash *string,
	page func(status int, msg string)) (bool, error) {
	ctx := c.Request.Context()
	lang := web.Lang(c)
	if hash == nil {
		page(http.StatusUnprocessableEntity, tr(lang, "auth.password.wrong_current"))
		return false, nil
	}
	outcome, wait, err := a.checkPassword(ctx, []string{reauthKey(userID)}, password, hash)
	if err != nil {
		return false, err
	}
	switch outcome {
	case checkBusy:
		c.Header("Retry-After", "2")
		web.Shed(c)
		page(http.StatusServiceUnavailable, tr(lang, "auth.busy"))
		return false, nil
	case checkThrottled:
		c.Header("Retry-After", itoa(int(math.Ceil(wait.Seconds()))))
		page(http.StatusTooManyRequests, waitMessage(lang, wait))
		return false, nil
	case checkWrong:
		page(http.StatusUnprocessableEntity, tr(lang, "auth.password.wrong_current"))
		return false, nil
	}
	if err := a.throttle.clear(ctx, reauthKey(userID)); err != nil {
		a.log.Error("throttle clear", "error", err.Error())
	}
	return true, nil
}

// waitMessage asks to wait, in seconds or, when longer, in minutes.
func waitMessage(lang string, wait time.Duration) string {
	if wait < 2*time.Minute {
		return tr(lang, "auth.login.throttled", int(math.Ceil(wait.Seconds())))
	}
	return tr(lang, "auth.login.throttled_minutes", int(math.Ceil(wait.Minutes())))
}
