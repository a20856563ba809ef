package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/jobs"
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

// forgot queues a job that mails a one-time reset link when the address
// belongs to an active account. The request does the same work for every
// address (one job, whether or not the address is known) and answers the
// same, so neither the answer nor its timing reveals who has an account.
func (a *Auth) forgot(c *gin.Context) {
	ctx := c.Request.Context()
	lang := web.Lang(c)
	email := strings.TrimSpace(c.PostForm("email"))
	if !ValidEmail(email) {
		a.render.HTML(c, http.StatusUnprocessableEntity, "auth/forgot", tr(lang, "auth.forgot.title"),
			forgotData{Email: email, Error: tr(lang, "auth.email.invalid")})
		return
	}
	if a.jobs == nil {
		a.render.Error(c, http.StatusInternalServerError, errors.New("auth: no job queue"))
		return
	}
	// While a request for this address waits, another one adds nothing;
	// the job itself makes at most one link a minute per account, so the
	// form cannot flood a mailbox.
	if _, _, err := a.jobs.Insert(ctx, ResetArgs{Email: strings.ToLower(email)}, &jobs.Insert{
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled,
		}},
	}); err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	web.Redirect(c, "/aanmelden", "ok", tr(lang, "auth.forgot.sent"))
}

// UseQueue sets the job queue that password reset requests go through.
func (a *Auth) UseQueue(q *jobs.Queue) { a.jobs = q }

// ResetArgs is the job of one password reset request.
type ResetArgs struct {
	Email string `json:"email"`
}

// Kind implements river.JobArgs.
func (ResetArgs) Kind() string { return "password_reset" }

// ResetWorker returns the worker of password reset requests.
func (a *Auth) ResetWorker() river.Worker[ResetArgs] { return &resetWorker{a: a} }

type resetWorker struct {
	river.WorkerDefaults[ResetArgs]
	a *Auth
}

func (w *resetWorker) Work(ctx context.Context, job *river.Job[ResetArgs]) error {
	return w.a.issueReset(ctx, job.Args.Email)
}

// issueReset stores a reset link for the active account with this address
// and queues its mail, in one transaction; an unknown address does
// nothing. At most one link a minute per account: the account's row is
// locked while checking and inserting, so two requests at once make one.
func (a *Auth) issueReset(ctx context.Context, email string) error {
	return database.WithTx(ctx, a.db, func(tx *sqlx.Tx) error {
		var acc struct {
			ID    int64  `db:"id"`
			Email string `db:"email"`
			Name  string `db:"full_name"`
			Lang  string `db:"lang"`
		}
		err := tx.GetContext(ctx, &acc, `SELECT id, email, full_name, lang FROM users
			WHERE lower(email) = lower($1) AND deleted_at IS NULL AND active AND password_hash IS NOT NULL
			FOR UPDATE`, email)
		if errors.Is(database.NotFound(err), database.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("auth: reset: %w", err)
		}
		token, hash := NewToken()
		res, err := tx.ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, expires_at)
			SELECT $1, $2, now() + make_interval(secs => $3)
			WHERE NOT EXISTS (SELECT 1 FROM password_resets
				WHERE user_id = $2 AND created_at > now() - interval '1 minute')`,
			hash, acc.ID, ResetValidity.Seconds())
		if err != nil {
			return fmt.Errorf("auth: reset: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // a link went out less than a minute ago
		}
		link := a.cfg.BaseURL + "/wachtwoord-herstellen/" + token
		return a.mail.Queue(ctx, tx, mail.Message{
			To:      acc.Email,
			Subject: tr(acc.Lang, "auth.reset.mail.subject"),
			Body:    tr(acc.Lang, "auth.reset.mail.body", acc.Name, link),
			Lang:    acc.Lang,
		})
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
		web.Shed(c)
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
