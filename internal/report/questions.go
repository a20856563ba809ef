package report

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// QuestionModule groups a module's question statistics.
type QuestionModule struct {
	Title     string
	Questions []QuestionStat
}

type questionsData struct {
	AllOrganisations bool
	Modules          []QuestionModule
}

func groupQuestions(qs []QuestionStat) []QuestionModule {
	var out []QuestionModule
	for _, q := range qs {
		if len(out) == 0 || out[len(out)-1].Title != q.ModuleTitle {
			out = append(out, QuestionModule{Title: q.ModuleTitle})
		}
		last := &out[len(out)-1]
		last.Questions = append(last.Questions, q)
	}
	return out
}

// questions shows the organisation's per-question statistics.
func (rp *Report) questions(c *gin.Context) {
	rp.showQuestions(c, web.CurrentViewer(c).OrgID)
}

// allQuestions shows trainers the statistics of every organisation,
// without names.
func (rp *Report) allQuestions(c *gin.Context) {
	rp.showQuestions(c, 0)
}

func (rp *Report) showQuestions(c *gin.Context, orgID int64) {
	qs, err := rp.store.QuestionStats(c.Request.Context(), orgID)
	if err != nil {
		rp.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	rp.render.HTML(c, http.StatusOK, "report/questions", i18n.T(web.Lang(c), "report.questions.title"),
		questionsData{AllOrganisations: orgID == 0, Modules: groupQuestions(qs)})
}
