package quiz

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// maxAnswers bounds the number of answer values one form may carry.
const maxAnswers = 500

// parseSubmission reads the quiz form: the attempt id ("poging"), its
// sequence number ("volgnummer") and per question "vraag-<question id>" the
// chosen option ids. Anything else a genuine form cannot send is an error.
func parseSubmission(c *gin.Context) (Submission, error) {
	sub := Submission{Chosen: map[int64][]int64{}}
	if err := c.Request.ParseForm(); err != nil {
		return sub, err
	}
	form := c.Request.PostForm
	var err error
	if sub.AttemptID, err = strconv.ParseInt(form.Get("poging"), 10, 64); err != nil || sub.AttemptID <= 0 {
		return sub, fmt.Errorf("quiz: attempt id %q", form.Get("poging"))
	}
	if sub.Seq, err = strconv.Atoi(form.Get("volgnummer")); err != nil || sub.Seq <= 0 {
		return sub, fmt.Errorf("quiz: sequence number %q", form.Get("volgnummer"))
	}
	n := 0
	for key, values := range form {
		rest, ok := strings.CutPrefix(key, "vraag-")
		if !ok {
			continue
		}
		qid, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || qid <= 0 {
			return sub, fmt.Errorf("quiz: field %q", key)
		}
		for _, val := range values {
			oid, err := strconv.ParseInt(val, 10, 64)
			if err != nil || oid <= 0 {
				return sub, fmt.Errorf("quiz: option %q", val)
			}
			if n++; n > maxAnswers {
				return sub, errors.New("quiz: too many answers")
			}
			sub.Chosen[qid] = append(sub.Chosen[qid], oid)
		}
	}
	return sub, nil
}

// submit grades an attempt. A second submission of the same attempt (a
// double click, the back button) shows the first result and stores nothing.
func (q *Quiz) submit(c *gin.Context) {
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
	res, err := q.store.Submit(ctx, v.UserID, v.OrgID, m, sub, time.Now())
	lang := web.Lang(c)
	var missing *MissingAnswers
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, reviewURL(m, res.Attempt.Seq))
	case errors.Is(err, ErrSubmitted):
		web.Redirect(c, reviewURL(m, res.Attempt.Seq), "ok", i18n.T(lang, "quiz.already"))
	case errors.As(err, &missing):
		// What was answered is kept, as with "Tussentijds bewaren".
		if _, err := q.store.Keep(ctx, v.UserID, v.OrgID, m, sub); err != nil {
			q.fail(c, err)
			return
		}
		q.page(c, http.StatusUnprocessableEntity, sub.Chosen, missing.Questions)
	case errors.Is(err, ErrTampered):
		q.render.Error(c, http.StatusBadRequest, err)
	case errors.Is(err, database.ErrNotFound):
		q.render.Error(c, http.StatusNotFound, err)
	default:
		q.render.Error(c, http.StatusInternalServerError, err)
	}
}

func reviewURL(m *Module, seq int) string {
	return "/quiz/" + m.Slug + "/poging/" + strconv.Itoa(seq) + "#resultaat"
}
