package quiz

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/learning"
	"nabij.be/leerplatform/internal/web"
)

// pageData is what the quiz page shows: the module, the learner's history
// and, while an attempt is open, its questions.
type pageData struct {
	Module  *Module
	Best    *int
	Passed  bool
	History []historyRow
	Form    *Form
	Chosen  map[int64]bool // option ids ticked, kept when the form comes back
	Missing map[int64]bool // question ids left open in a rejected submission
	Errors  []FormQuestion // the unanswered questions, for the summary
}

type historyRow struct {
	Seq       int
	Submitted string
	Score     int
	Passed    bool
	Correct   int
	Questions int
}

func (q *Quiz) show(c *gin.Context) {
	q.page(c, http.StatusOK, nil, nil)
}

// page renders the quiz page. chosen and missing carry a rejected
// submission back to the learner.
func (q *Quiz) page(c *gin.Context, status int, chosen map[int64][]int64, missing []int64) {
	ctx := c.Request.Context()
	v := web.CurrentViewer(c)
	m, err := q.store.Module(ctx, c.Param("module"))
	if err != nil {
		q.fail(c, err)
		return
	}
	d := pageData{Module: m, Chosen: map[int64]bool{}, Missing: map[int64]bool{}}
	if d.Best, err = q.store.BestScore(ctx, v.UserID, v.OrgID, m.ID); err != nil {
		q.fail(c, err)
		return
	}
	d.Passed = d.Best != nil && *d.Best >= m.PassMark
	hist, err := q.store.History(ctx, v.UserID, v.OrgID, m.ID)
	if err != nil {
		q.fail(c, err)
		return
	}
	lang := web.Lang(c)
	for _, a := range hist {
		d.History = append(d.History, historyRow{
			Seq: a.Seq, Submitted: learning.Date(lang, *a.SubmittedAt), Score: *a.Score, Passed: *a.Passed,
			Correct: *a.CorrectCount, Questions: *a.QuestionCount,
		})
	}
	open, err := q.store.OpenAttempt(ctx, v.UserID, v.OrgID, m.ID)
	switch {
	case err == nil:
		if d.Form, err = q.store.Form(ctx, open); err != nil {
			q.fail(c, err)
			return
		}
		if chosen == nil {
			// No rejected submission to show: show what was kept.
			if chosen, err = open.Kept(); err != nil {
				q.fail(c, err)
				return
			}
		}
	case !errors.Is(err, database.ErrNotFound):
		q.fail(c, err)
		return
	}
	for _, os := range chosen {
		for _, o := range os {
			d.Chosen[o] = true
		}
	}
	for _, id := range missing {
		d.Missing[id] = true
	}
	if d.Form != nil {
		for _, fq := range d.Form.Questions {
			if d.Missing[fq.ID] {
				d.Errors = append(d.Errors, fq)
			}
		}
	}
	q.render.HTML(c, status, "quiz/quiz", i18n.T(lang, "quiz.title", m.Title), d)
}

// start opens an attempt (or finds the open one) and shows it.
func (q *Quiz) start(c *gin.Context) {
	ctx := c.Request.Context()
	v := web.CurrentViewer(c)
	m, err := q.store.Module(ctx, c.Param("module"))
	if err != nil {
		q.fail(c, err)
		return
	}
	if _, err := q.store.Start(ctx, v.UserID, v.OrgID, m.ID); err != nil {
		if errors.Is(err, ErrNoQuestions) {
			web.Redirect(c, "/modules/"+m.Slug, "error", i18n.T(web.Lang(c), "quiz.noquestions"))
			return
		}
		q.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/quiz/"+m.Slug+"#vragen")
}
