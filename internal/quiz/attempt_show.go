package quiz

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/learning"
	"nabij.be/leerplatform/internal/web"
)

type reviewData struct {
	Module    *Module
	Review    *Review
	Score     int
	Passed    bool
	Correct   int
	Questions int
	Submitted string
	Best      int
}

// review shows a submitted attempt of the signed-in learner: the score,
// pass or fail, and per question what was chosen, what was right and why.
func (q *Quiz) review(c *gin.Context) {
	ctx := c.Request.Context()
	v := web.CurrentViewer(c)
	seq, err := strconv.Atoi(c.Param("seq"))
	if err != nil || seq <= 0 {
		q.render.Error(c, http.StatusNotFound, nil)
		return
	}
	m, err := q.store.Module(ctx, c.Param("module"))
	if err != nil {
		q.fail(c, err)
		return
	}
	a, err := q.store.AttemptBySeq(ctx, v.UserID, v.OrgID, m.ID, seq)
	if err != nil {
		q.fail(c, err)
		return
	}
	if a.SubmittedAt == nil {
		// Still open: its questions are on the quiz page.
		c.Redirect(http.StatusSeeOther, "/quiz/"+m.Slug+"#vragen")
		return
	}
	r, err := q.store.Review(ctx, a)
	if err != nil {
		q.fail(c, err)
		return
	}
	best, err := q.store.BestScore(ctx, v.UserID, v.OrgID, m.ID)
	if err != nil {
		q.fail(c, err)
		return
	}
	lang := web.Lang(c)
	d := reviewData{
		Module: m, Review: r, Score: *a.Score, Passed: *a.Passed, Correct: *a.CorrectCount,
		Questions: *a.QuestionCount, Submitted: learning.Date(lang, *a.SubmittedAt),
	}
	if best != nil {
		d.Best = *best
	}
	q.render.HTML(c, http.StatusOK, "quiz/review", i18n.T(lang, "quiz.review.title", m.Title, seq), d)
}
