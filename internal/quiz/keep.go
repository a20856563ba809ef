package quiz

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// Keep stores the answers ticked so far in the learner's open attempt, so
// that a reload shows them. Like Submit it returns database.ErrNotFound for
// an attempt that is not the learner's own in this module, ErrTampered for
// answers the attempt did not show, and ErrSubmitted (with the stored
// attempt) once the attempt was submitted. Unanswered questions are fine.
func (s *Store) Keep(ctx context.Context, userID, orgID int64, m *Module, sub Submission) (*Attempt, error) {
	a := &Attempt{}
	err := database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		shown, err := s.openAttempt(ctx, tx, userID, orgID, m, sub, a)
		if err != nil {
			return err
		}
		if err := checkChoices(shown, sub.Chosen); err != nil {
			return err
		}
		kept, err := json.Marshal(sub.Chosen)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE quiz_attempts SET kept = $2 WHERE id = $1 AND submitted_at IS NULL`, a.ID, string(kept))
		if err != nil {
			return fmt.Errorf("quiz: keep answers of attempt %d: %w", a.ID, err)
		}
		return nil
	})
	if err != nil {
		return a, err
	}
	return a, nil
}

// keep handles "Tussentijds bewaren" and the page script's saves as the
// learner goes. The script asks for no page (Accept: application/json)
// and gets 204; the form without JavaScript comes back to the quiz with a
// flash message.
func (q *Quiz) keep(c *gin.Context) {
	ctx := c.Request.Context()
	v := web.CurrentViewer(c)
	m, err := q.store.Module(ctx, c.Param("module"))
	if err != nil {
		q.fail(c, err)
		return
	}
	sub, err := parseSubmission(c)
	if err != nil {
		q.render.Error(c, http.StatusBadRequest, err)
		return
	}
	script := c.GetHeader("Accept") == "application/json"
	a, err := q.store.Keep(ctx, v.UserID, v.OrgID, m, sub)
	lang := web.Lang(c)
	switch {
	case err == nil && script:
		c.Status(http.StatusNoContent)
	case err == nil:
		web.Redirect(c, "/quiz/"+m.Slug+"#vragen", "ok", i18n.T(lang, "quiz.kept"))
	case errors.Is(err, ErrSubmitted) && script:
		c.Status(http.StatusConflict)
	case errors.Is(err, ErrSubmitted):
		web.Redirect(c, reviewURL(m, a.Seq), "ok", i18n.T(lang, "quiz.already"))
	case errors.Is(err, ErrTampered):
		q.render.Error(c, http.StatusBadRequest, err)
	default:
		q.fail(c, err)
	}
}
