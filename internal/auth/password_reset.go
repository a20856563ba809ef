package auth

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/mail"
	"nabij.be/leerplatform/internal/web"
)

// ResetValidity is how long a password reset link works.
const ResetValidity = time.Hour

type forgotData struct {
	Email string
	Error string
}

func (a *Auth) forgotForm(c *gin.Context) {
	a.render.HTML(c, http.StatusOK, "auth/forgot", i18nTitle(c, "auth.forgot.title"), forgotData{})
}

// forgot mails a one-time reset link when the address belongs to an active
// account. The answer is the same either way, so the form does not reveal
// who has an account.
func (a *Auth) forgot(c *gin.Context) {
	ctx := c.Request.Context()
	lang := web.Lang(c)
	email := strings.TrimSpace(c.PostForm("email"))
	if !ValidEmail(email) {
		a.render.HTML(c, http.StatusUnprocessableEntity, "auth/forgot", tr(lang, "auth.forgot.title"),
			forgotData{Email: email, Error: tr(lang, "auth.email.invalid")})
		return
	}
	acc, err := a.store.AccountByEmail(ctx, email)
	switch {
	case errors.Is(err, database.ErrNotFound):
	case err != nil:
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	case acc.Active && acc.PasswordHash != nil:
		if err := a.sendReset(c, acc); err != nil {
			a.render.Error(c, http.StatusInternalServerError, err)
			return
		}
	}
	web.Redirect(c, "/aanmelden", "ok", tr(lang, "auth.forgot.sent"))
}

func (a *Auth) sendReset(c *gin.Context, acc *Account) error {
	ctx := c.Request.Context()
	// At most one new link a minute per account: the form cannot be used to
	// flood someone's mailbox.
	var recent bool
	if err := a.db.GetContext(ctx, &recent, `SELECT EXISTS (SELECT 1 FROM password_resets
		WHERE user_id = $1 AND created_at > now() - interval '1 minute')`, acc.ID); err != nil {
		return err
	}
	if recent {
		return nil
	}
	token, hash := NewToken()
	if _, err := a.db.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, expires_at)
		VALUES ($1, $2, now() + make_interval(secs => $3))`, hash, acc.ID, ResetValidity.Seconds()); err != nil {
		return err
	}
	link := a.cfg.BaseURL + "/wachtwoord-herstellen/" + token
	return a.mail.Send(ctx, mail.Message{
		To:      acc.Email,
		Subject: tr(acc.Lang, "auth.reset.mail.subject"),
		Body:    tr(acc.Lang, "auth.reset.mail.body", acc.Name, link),
	})
}

type resetData struct {
	Token string
	Error string
}

// resetUser finds the user of a valid, unused, unexpired reset token.
func (a *Auth) resetUser(c *gin.Context, token string) (int64, error) {
	var userID int64
	err := a.db.GetContext(c.Request.Context(), &userID, `
		SELECT r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id
		WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > now()
		  AND u.active AND u.deleted_at IS NULL`, HashToken(token))
	return userID, database.NotFound(err)
}

func (a *Auth) resetForm(c *gin.Context) {
	token := c.Param("token")
	if _, err := a.resetUser(c, token); err != nil {
		a.resetGone(c, err)
		return
	}
	a.render.HTML(c, http.StatusOK, "auth/reset", i18nTitle(c, "auth.reset.title"), resetData{Token: token})
}

func (a *Auth) resetGone(c *gin.Context, err error) {
	if errors.Is(err, database.ErrNotFound) {
		a.render.ErrorMessage(c, http.StatusNotFound, "auth.reset.gone")
		return
	}
	a.render.Error(c, http.StatusInternalServerError, err)
}

// reset sets the new password, uses up the link (and every other link of
// the person) and ends all their sessions, in one transaction.
func (a *Auth) reset(c *gin.Context) {
	ctx := c.Request.Context()
	lang := web.Lang(c)
	token := c.Param("token")
	password := c.PostForm("nieuw")
	if _, err := a.resetUser(c, token); err != nil {
		a.resetGone(c, err)
		return
	}
	if err := CheckPassword(password); err != nil {
		a.render.HTML(c, http.StatusUnprocessableEntity, "auth/reset", tr(lang, "auth.reset.title"),
			resetData{Token: token, Error: tr(lang, PasswordMessage(err))})
		return
	}
	hash, err := a.hashes.hash(ctx, password)
	if errors.Is(err, ErrBusy) {
		c.Header("Retry-After", "2")
		a.render.HTML(c, http.StatusServiceUnavailable, "auth/reset", tr(lang, "auth.reset.title"),
			resetData{Token: token, Error: tr(lang, "auth.busy")})
		return
	}
	if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	var userID int64
	err = database.WithTx(ctx, a.db, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &userID, `
			UPDATE password_resets SET used_at = now()
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
			RETURNING user_id`, HashToken(token)); err != nil {
			return database.NotFound(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, userID, hash); err != nil {
			return err
		}
		return EndAll(ctx, tx, userID, 0)
	})
	if err != nil {
		a.resetGone(c, err)
		return
	}
	a.Forget(userID) // this instance at once; the others hear it from the database
	// Who can read the mail owns the account: its budget starts afresh.
	if err := a.throttle.clearPerson(ctx, userID); err != nil {
		a.log.Error("throttle clear", "request_id", web.RequestID(c), "error", err.Error())
	}
	web.Redirect(c, "/aanmelden", "ok", tr(lang, "auth.reset.done"))
}
