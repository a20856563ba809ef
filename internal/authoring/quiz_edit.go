package authoring

import (
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
	Problems  []string
	Kinds     []string
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
	q, err := a.store.Quiz(c.Request.Context(), m.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.render.HTML(c, http.StatusOK, "authoring/quiz", t(c, "authoring.quiz.title", m.Title), quizView(m, strconv.Itoa(q.PassMark), q))
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

func (a *Authoring) saveQuiz(c *gin.Context) {
	m, ok := a.module(c)
	if !ok {
		return
	}
	q, pass := bindQuiz(c)
	ps, err := a.store.SaveQuiz(c.Request.Context(), m.ID, q)
	if err != nil {
		a.fail(c, err)
		return
	}
	if len(ps) > 0 {
		d := quizView(m, pass, q)
		for _, p := range ps {
			d.Problems = append(d.Problems, p.Reason)
		}
		a.render.HTML(c, http.StatusUnprocessableEntity, "authoring/quiz", t(c, "authoring.quiz.title", m.Title), d)
		return
	}
	web.Redirect(c, "/auteur/modules/"+m.Slug+"/quiz", "ok", t(c, "authoring.flash.quizsaved"))
}
