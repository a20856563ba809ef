package authoring

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/web"
)

// The quiz form shows every question with at least optionSlots option
// rows, and one empty question to add.
const optionSlots = 4

type optionView struct {
	Index       int
	Text        string
	Correct     bool
	Explanation string
}

type questionView struct {
	Index   int
	ID      string
	Kind    string
	Text    string
	Options []optionView
	New     bool
}

type quizData struct {
	Module    *Module
	PassMark  string
	Questions []questionView
	// Problem is the message above the form; Problems lists the reasons.
	Problem  string
	Problems []string
	Kinds    []string
	// Version is the quiz revision the form is based on; Pending says that
	// it is a draft learners do not see yet.
	Version int
	Pending bool
}

func quizView(m *Module, passMark string, q content.Quiz) quizData {
	d := quizData{Module: m, PassMark: passMark, Kinds: []string{content.Single, content.Multiple, content.TrueFalse}}
	qs := append(q.Questions, content.Question{Kind: content.Single})
	for i, qu := range qs {
		v := questionView{Index: i, ID: qu.ID, Kind: qu.Kind, Text: qu.Text, New: i == len(qs)-1}
		n := len(qu.Options)
		if n < optionSlots {
			n = optionSlots
		}
		for j := 0; j < n; j++ {
			o := optionView{Index: j}
			if j < len(qu.Options) {
				o.Text, o.Correct, o.Explanation = qu.Options[j].Text, qu.Options[j].Correct, qu.Options[j].Explanation
			}
			v.Options = append(v.Options, o)
		}
		d.Questions = append(d.Questions, v)
	}
	return d
}

func (a *Authoring) quizForm(c *gin.Context) {
	m, ok := a.module(c)
	if !ok {
		return
	}
	qd, err := a.store.QuizDraft(c.Request.Context(), m.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	d := quizView(m, strconv.Itoa(qd.Quiz.PassMark), qd.Quiz)
	d.Version, d.Pending = qd.Version, qd.Pending
	a.render.HTML(c, http.StatusOK, "authoring/quiz", t(c, "authoring.quiz.title", m.Title), d)
}

// bindQuiz reads the quiz form. Empty option rows and an empty new
// question are left out; a ticked "remove" drops a question.
func bindQuiz(c *gin.Context) (content.Quiz, string) {
	pass := strings.TrimSpace(c.PostForm("pass_mark"))
	var q content.Quiz
	q.PassMark, _ = strconv.Atoi(pass)
	n, _ := strconv.Atoi(c.PostForm("questions"))
	if n > 200 {
		n = 200
	}
	used := map[string]bool{}
	for i := 0; i < n; i++ {
		p := fmt.Sprintf("q%d.", i)
		if c.PostForm(p+"remove") != "" {
			continue
		}
		qu := content.Question{ID: strings.TrimSpace(c.PostForm(p + "id")), Kind: c.PostForm(p + "kind"), Text: strings.TrimSpace(c.PostForm(p + "text"))}
		on, _ := strconv.Atoi(c.PostForm(p + "options"))
		if on > 20 {
			on = 20
		}
		for j := 0; j < on; j++ {
			op := fmt.Sprintf("%so%d.", p, j)
			o := content.Option{Text: strings.TrimSpace(c.PostForm(op + "text")), Correct: c.PostForm(op+"correct") != "", Explanation: strings.TrimSpace(c.PostForm(op + "explanation"))}
			if o.Text == "" && o.Explanation == "" && !o.Correct {
				continue
			}
			qu.Options = append(qu.Options, o)
		}
		if qu.ID == "" && qu.Text == "" && len(qu.Options) == 0 {
			continue // the empty question to add was left empty
		}
		used[qu.ID] = true
		q.Questions = append(q.Questions, qu)
	}
	// New questions get an id the platform chooses.
	k := 1
	for i := range q.Questions {
		if q.Questions[i].ID != "" {
			continue
		}
		for used[fmt.Sprintf("vraag-%d", k)] {
			k++
		}
		q.Questions[i].ID = fmt.Sprintf("vraag-%d", k)
		used[q.Questions[i].ID] = true
	}
	return q, pass
}

// saveQuiz handles the quiz editor's two buttons: save (a draft, as a new
// revision) and publish (a revision that becomes the learners' quiz when it
// passes the importer's checks).
func (a *Authoring) saveQuiz(c *gin.Context) {
	m, ok := a.module(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	q, pass := bindQuiz(c)
	base, _ := strconv.Atoi(c.PostForm("version"))
	publish := c.PostForm("action") == "publish"
	d := quizView(m, pass, q)
	d.Version = base
	version, ps, err := a.store.SaveQuiz(ctx, m.ID, q, base, publish, viewerID(c))
	switch {
	case errors.Is(err, ErrStale):
		// Another trainer saved the quiz first: keep this trainer's form,
		// based on the newest version so that a deliberate second save
		// replaces it (both stay in the revisions).
		cur, err := a.store.QuizDraft(ctx, m.ID)
		if err != nil {
			a.fail(c, err)
			return
		}
		d.Version, d.Pending = cur.Version, true
		d.Problem = t(c, "authoring.err.quizstale", cur.Version)
		a.render.HTML(c, http.StatusConflict, "authoring/quiz", t(c, "authoring.quiz.title", m.Title), d)
		return
	case err != nil:
		a.fail(c, err)
		return
	case len(ps) > 0:
		d.Version, d.Pending = version, true
		d.Problem = t(c, "authoring.quiz.refused")
		for _, p := range ps {
			d.Problems = append(d.Problems, p.Reason)
		}
		a.render.HTML(c, http.StatusUnprocessableEntity, "authoring/quiz", t(c, "authoring.quiz.title", m.Title), d)
		return
	}
	msg := t(c, "authoring.flash.quizdraft")
	if publish {
		msg = t(c, "authoring.flash.quizsaved")
	}
	web.Redirect(c, "/auteur/modules/"+m.Slug+"/quiz", "ok", msg)
}

type quizRevisionsData struct {
	Module    *Module
	Revisions []QuizRevision
	Revision  *QuizRevision
}

// RevisionBase is the path under which the quiz's revisions are shown.
func (d quizRevisionsData) RevisionBase() string {
	return "/auteur/modules/" + d.Module.Slug + "/quiz/versies"
}

func (a *Authoring) quizRevisions(c *gin.Context) {
	m, ok := a.module(c)
	if !ok {
		return
	}
	rs, err := a.store.QuizRevisions(c.Request.Context(), m.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.render.HTML(c, http.StatusOK, "authoring/quiz_revisions", t(c, "authoring.quizrev.title", m.Title), quizRevisionsData{Module: m, Revisions: rs})
}

func (a *Authoring) quizRevision(c *gin.Context) (*Module, *QuizRevision, bool) {
	m, ok := a.module(c)
	if !ok {
		return nil, nil, false
	}
	id, err := strconv.ParseInt(c.Param("rev"), 10, 64)
	if err != nil {
		a.render.Error(c, http.StatusNotFound, nil)
		return nil, nil, false
	}
	r, err := a.store.QuizRevision(c.Request.Context(), m.ID, id)
	if err != nil {
		a.fail(c, err)
		return nil, nil, false
	}
	return m, r, true
}

func (a *Authoring) showQuizRevision(c *gin.Context) {
	m, r, ok := a.quizRevision(c)
	if !ok {
		return
	}
	a.render.HTML(c, http.StatusOK, "authoring/quiz_revision", t(c, "authoring.quizrev.one", r.Version, m.Title), quizRevisionsData{Module: m, Revision: r})
}

func (a *Authoring) restoreQuizRevision(c *gin.Context) {
	m, r, ok := a.quizRevision(c)
	if !ok {
		return
	}
	if _, err := a.store.RestoreQuizRevision(c.Request.Context(), m.ID, r.ID, viewerID(c)); err != nil {
		a.fail(c, err)
		return
	}
	web.Redirect(c, "/auteur/modules/"+m.Slug+"/quiz", "ok", t(c, "authoring.flash.restored", r.Version))
}
