package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/web"
)

// exportQueries select everything the platform holds about one person,
// each as a JSON array. $1 is the user's id.
var exportQueries = []struct{ name, sql string }{
	{"account", `SELECT u.id, u.email, u.full_name, u.role, u.lang, u.active, u.created_at, u.last_login_at,
		o.name AS organisation FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1`},
	{"teams", `SELECT t.name FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = $1 ORDER BY t.name`},
	{"lesson_progress", `SELECT m.slug AS module, l.slug AS lesson, p.done_at FROM lesson_progress p
		JOIN lessons l ON l.id = p.lesson_id JOIN modules m ON m.id = p.module_id WHERE p.user_id = $1 ORDER BY p.done_at`},
	{"module_progress", `SELECT m.slug AS module, p.lessons_done, p.best_score, p.passed_at, p.completed_at, p.last_activity_at
		FROM module_progress p JOIN modules m ON m.id = p.module_id WHERE p.user_id = $1 ORDER BY m.slug`},
	{"quiz_attempts", `SELECT a.id, m.slug AS module, a.seq, a.started_at, a.submitted_at, a.correct_count, a.question_count,
		a.score, a.passed,
		(SELECT coalesce(json_agg(json_build_object('question_id', x.question_id, 'chosen_option_ids', x.chosen, 'correct', x.correct)
		         ORDER BY x.question_id), '[]') FROM attempt_answers x WHERE x.attempt_id = a.id) AS answers
		FROM quiz_attempts a JOIN modules m ON m.id = a.module_id WHERE a.user_id = $1 ORDER BY a.started_at`},
	{"programme_completion", `SELECT completed_at FROM programme_completions WHERE user_id = $1`},
	{"certificates", `SELECT code, name, organisation, title, minutes, completed_at, issued_at, revoked_at, revoked_reason
		FROM certificates WHERE user_id = $1 ORDER BY issued_at`},
	{"sessions", `SELECT created_at, last_seen_at, expires_at FROM sessions WHERE user_id = $1 ORDER BY created_at`},
	{"single_sign_on", `SELECT issuer, subject, created_at FROM sso_identities WHERE user_id = $1 ORDER BY created_at`},
}

// Export returns all data about a user as one JSON document.
func Export(ctx context.Context, db *sqlx.DB, userID int64) ([]byte, error) {
	doc := map[string]any{"exported_at": time.Now().UTC().Format(time.RFC3339)}
	for _, q := range exportQueries {
		var raw []byte
		if err := db.GetContext(ctx, &raw, `SELECT coalesce(json_agg(t), '[]') FROM (`+q.sql+`) t`, userID); err != nil {
			return nil, fmt.Errorf("auth: export %s of user %d: %w", q.name, userID, err)
		}
		doc[q.name] = json.RawMessage(raw)
	}
	return json.MarshalIndent(doc, "", "  ")
}

func (a *Auth) privacy(c *gin.Context) {
	acc, err := a.store.AccountByID(c.Request.Context(), web.CurrentViewer(c).UserID)
	if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	a.render.HTML(c, http.StatusOK, "auth/privacy", i18nTitle(c, "auth.privacy.title"), deleteData{NoPassword: acc.PasswordHash == nil})
}

func (a *Auth) export(c *gin.Context) {
	v := web.CurrentViewer(c)
	b, err := Export(c.Request.Context(), a.db, v.UserID)
	if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="nabij-mijn-gegevens.json"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}

// deleteData is the privacy page. Someone who signs in only through their
// organisation's provider has no password: they confirm with their
// address instead.
type deleteData struct {
	Error      string
	NoPassword bool
}

// DeleteAccount anonymises a person: the user row stays (so that the
// organisation's completion counts stay true) but carries no name, e-mail
// address or password any more; team memberships, sessions, links, mail
// and certificates are deleted.
func DeleteAccount(ctx context.Context, db *sqlx.DB, userID int64) error {
	return database.WithTx(ctx, db, func(tx *sqlx.Tx) error {
		var email string
		if err := tx.GetContext(ctx, &email, `SELECT email FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`, userID); err != nil {
			return database.NotFound(err)
		}
		for _, q := range []string{
			`UPDATE users SET full_name = 'Verwijderde gebruiker', email = 'verwijderd-' || id || '@verwijderd.invalid',
				password_hash = NULL, active = false, deleted_at = now() WHERE id = $1`,
			`DELETE FROM team_members WHERE user_id = $1`,
			`DELETE FROM sessions WHERE user_id = $1`,
			`DELETE FROM certificates WHERE user_id = $1`,
			`DELETE FROM password_resets WHERE user_id = $1`,
			`DELETE FROM invitations WHERE user_id = $1`,
			`DELETE FROM sso_identities WHERE user_id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return fmt.Errorf("auth: delete account %d: %w", userID, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM mail_outbox WHERE lower(recipient) = lower($1)`, email); err != nil {
			return fmt.Errorf("auth: delete mail of account %d: %w", userID, err)
		}
		return forgetPerson(ctx, tx, userID, email)
	})
}

func (a *Auth) deleteAccount(c *gin.Context) {
	ctx := c.Request.Context()
	v := web.CurrentViewer(c)
	lang := web.Lang(c)
	acc, err := a.store.AccountByID(ctx, v.UserID)
	if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if acc.PasswordHash == nil {
		// Signs in only through the organisation's provider: confirms
		// with the address instead of a password.
		if !strings.EqualFold(strings.TrimSpace(c.PostForm("email")), acc.Email) {
			a.render.HTML(c, http.StatusUnprocessableEntity, "auth/privacy", tr(lang, "auth.privacy.title"),
				deleteData{Error: tr(lang, "auth.privacy.delete_email_wrong"), NoPassword: true})
			return
		}
	} else {
		ok, err := a.checkCurrentPassword(c, v.UserID, c.PostForm("wachtwoord"), acc.PasswordHash, func(status int, msg string) {
			a.render.HTML(c, status, "auth/privacy", tr(lang, "auth.privacy.title"), deleteData{Error: msg})
		})
		if err != nil {
			a.render.Error(c, http.StatusInternalServerError, err)
			return
		}
		if !ok {
			return
		}
	}
	if err := DeleteAccount(ctx, a.db, v.UserID); err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	a.Forget(v.UserID)
	a.clearCookie(c)
	web.Redirect(c, "/", "ok", tr(lang, "auth.privacy.deleted"))
}
