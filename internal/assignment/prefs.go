package assignment

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// Preferences are the optional mails a person receives.
type Preferences struct {
	Reminders bool
	Digest    bool
}

// Preferences reads userID's choices (both on when never changed).
func (s *Store) Preferences(ctx context.Context, userID int64) (Preferences, error) {
	var p struct {
		NoReminders bool `db:"no_reminders"`
		NoDigest    bool `db:"no_digest"`
	}
	err := s.db.GetContext(ctx, &p, `
		SELECT coalesce(bool_or(no_reminders), false) AS no_reminders, coalesce(bool_or(no_digest), false) AS no_digest
		FROM mail_preferences WHERE user_id = $1`, userID)
	if err != nil {
		return Preferences{}, fmt.Errorf("assignment: preferences of %d: %w", userID, err)
	}
	return Preferences{Reminders: !p.NoReminders, Digest: !p.NoDigest}, nil
}

// SetPreferences stores userID's choices.
func (s *Store) SetPreferences(ctx context.Context, userID int64, p Preferences) error {
	if _, err := s.db.ExecContext(ctx, `
		INSERT INTO mail_preferences (user_id, no_reminders, no_digest) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET no_reminders = EXCLUDED.no_reminders,
			no_digest = EXCLUDED.no_digest, changed_at = now()`, userID, !p.Reminders, !p.Digest); err != nil {
		return fmt.Errorf("assignment: set preferences of %d: %w", userID, err)
	}
	return nil
}

// Unsubscribe turns kind off for userID (a no-op for an unknown person).
func (s *Store) Unsubscribe(ctx context.Context, userID int64, kind string) error {
	column := "no_reminders"
	if kind == KindDigest {
		column = "no_digest"
	}
	if _, err := s.db.ExecContext(ctx, `
		INSERT INTO mail_preferences (user_id, `+column+`) SELECT id, true FROM users WHERE id = $1
		ON CONFLICT (user_id) DO UPDATE SET `+column+` = true, changed_at = now()`, userID); err != nil {
		return fmt.Errorf("assignment: unsubscribe %d from %s: %w", userID, kind, err)
	}
	return nil
}

type prefsData struct {
	Preferences
	Manager bool
}

func (a *Assignments) preferences(c *gin.Context) {
	v := web.CurrentViewer(c)
	p, err := a.store.Preferences(c.Request.Context(), v.UserID)
	if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	a.render.HTML(c, http.StatusOK, "assignment/preferences", i18n.T(web.Lang(c), "assignment.prefs.title"),
		prefsData{Preferences: p, Manager: v.Role == web.RoleManager})
}

func (a *Assignments) savePreferences(c *gin.Context) {
	v := web.CurrentViewer(c)
	p := Preferences{Reminders: c.PostForm("herinneringen") == "aan", Digest: c.PostForm("overzicht") == "aan"}
	if err := a.store.SetPreferences(c.Request.Context(), v.UserID, p); err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	web.Redirect(c, "/profiel/meldingen", "ok", i18n.T(web.Lang(c), "assignment.prefs.saved"))
}

type unsubscribeData struct {
	Token string
	Kind  string
	Done  bool
}

// unsubscribeForm shows what the link turns off, with a button: a GET never
// changes anything (link checkers and mail scanners open links).
func (a *Assignments) unsubscribeForm(c *gin.Context) {
	token := c.Param("token")
	_, kind, ok := a.parseUnsubscribe(token)
	lang := web.Lang(c)
	if !ok {
		a.render.ErrorMessage(c, http.StatusNotFound, "assignment.unsubscribe.invalid")
		return
	}
	a.render.HTML(c, http.StatusOK, "assignment/unsubscribe", i18n.T(lang, "assignment.unsubscribe.title"),
		unsubscribeData{Token: token, Kind: kind})
}

// unsubscribe turns the mail off, without a session: from the page's
// button, or from the mail program (RFC 8058 one-click POST).
func (a *Assignments) unsubscribe(c *gin.Context) {
	token := c.Param("token")
	userID, kind, ok := a.parseUnsubscribe(token)
	if !ok {
		a.render.ErrorMessage(c, http.StatusNotFound, "assignment.unsubscribe.invalid")
		return
	}
	if err := a.store.Unsubscribe(c.Request.Context(), userID, kind); err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	a.log.Info("unsubscribed from optional mail", "user_id", userID, "kind", kind)
	a.render.HTML(c, http.StatusOK, "assignment/unsubscribe", i18n.T(web.Lang(c), "assignment.unsubscribe.title"),
		unsubscribeData{Kind: kind, Done: true})
}
