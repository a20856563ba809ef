package assignment

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// manageForm is what the manager typed, kept when the page comes back with
// a message.
type manageForm struct {
	Team      string   `form:"team"`
	Person    string   `form:"persoon"`
	Modules   []string `form:"module"`
	Programme bool     `form:"programma"`
	Due       string   `form:"datum"`
	DueDays   string   `form:"dagen"`
	Remind    []string `form:"herinnering"`
}

// Has reports whether a checkbox value was chosen.
func (f manageForm) Has(list string, v any) bool {
	s := toString(v)
	switch list {
	case "module":
		return slices.Contains(f.Modules, s)
	default:
		return slices.Contains(f.Remind, s)
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case string:
		return x
	}
	return ""
}

type manageData struct {
	Assignments []Listed
	ByModule    []Tally
	ByTeam      []Tally
	Teams       []Choice
	Modules     []Choice
	Form        manageForm
	Error       string
	Lang        string
}

// RemindChoices are the reminder days the form offers.
func (manageData) RemindChoices() []string { return []string{"7", "1", "0"} }

// DueText describes a listed assignment's due date.
func (d manageData) DueText(l Listed) string {
	if l.DueOn != nil {
		return i18n.T(d.Lang, "assignment.manage.due_fixed", FormatDate(d.Lang, *l.DueOn))
	}
	if l.DueDays != nil {
		return i18n.T(d.Lang, "assignment.manage.due_rel", *l.DueDays)
	}
	return ""
}

func (a *Assignments) manage(c *gin.Context) {
	a.showManage(c, http.StatusOK, manageForm{Remind: []string{"7", "1", "0"}}, "")
}

func (a *Assignments) showManage(c *gin.Context, status int, f manageForm, msg string) {
	ctx := c.Request.Context()
	v := web.CurrentViewer(c)
	d := manageData{Form: f, Error: msg, Lang: web.Lang(c)}
	var err error
	if d.Assignments, err = a.store.List(ctx, v.OrgID, a.now()); err == nil {
		d.ByModule, d.ByTeam, err = a.store.Tallies(ctx, v.OrgID, a.now())
	}
	if err == nil {
		if d.Teams, err = a.store.Teams(ctx, v.OrgID); err == nil {
			d.Modules, err = a.store.Modules(ctx)
		}
	}
	if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	a.render.HTML(c, status, "assignment/manage", i18n.T(d.Lang, "assignment.manage.title"), d)
}

// create is the form's POST: bind, check, store, redirect.
func (a *Assignments) create(c *gin.Context) {
	ctx := c.Request.Context()
	v := web.CurrentViewer(c)
	lang := web.Lang(c)
	var f manageForm
	if err := c.ShouldBind(&f); err != nil {
		a.showManage(c, http.StatusUnprocessableEntity, f, i18n.T(lang, "assignment.manage.err.modules"))
		return
	}
	fail := func(key string) { a.showManage(c, http.StatusUnprocessableEntity, f, i18n.T(lang, key)) }
	d := Draft{Target: Target{OrgID: v.OrgID}, Programme: f.Programme, CreatedBy: v.UserID, RemindDays: []int{}}
	if f.Team != "" && strings.TrimSpace(f.Person) != "" {
		fail("assignment.manage.err.target")
		return
	}
	if f.Team != "" {
		id, err := strconv.ParseInt(f.Team, 10, 64)
		if err != nil || id <= 0 {
			fail("assignment.manage.err.target")
			return
		}
		d.TeamID = id
	}
	if p := strings.TrimSpace(f.Person); p != "" {
		id, err := a.store.PersonID(ctx, v.OrgID, p)
		if errors.Is(err, database.ErrNotFound) {
			fail("assignment.manage.err.person")
			return
		} else if err != nil {
			a.render.Error(c, http.StatusInternalServerError, err)
			return
		}
		d.UserID = id
	}
	if !f.Programme {
		for _, m := range f.Modules {
			id, err := strconv.ParseInt(m, 10, 64)
			if err != nil || id <= 0 {
				fail("assignment.manage.err.modules")
				return
			}
			d.ModuleIDs = append(d.ModuleIDs, id)
		}
		if len(d.ModuleIDs) == 0 {
			fail("assignment.manage.err.modules")
			return
		}
	}
	due, days := strings.TrimSpace(f.Due), strings.TrimSpace(f.DueDays)
	switch {
	case due != "" && days == "":
		t, ok := parseDay(due)
		if !ok {
			fail("assignment.manage.err.due")
			return
		}
		if t.Before(Today(a.now())) {
			fail("assignment.manage.err.past")
			return
		}
		d.Due.On = t
	case due == "" && days != "":
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 3650 {
			fail("assignment.manage.err.due")
			return
		}
		d.Due.Days = n
	default:
		fail("assignment.manage.err.due")
		return
	}
	for _, r := range f.Remind {
		n, err := strconv.Atoi(r)
		if err != nil || (n != 7 && n != 1 && n != 0) {
			fail("assignment.manage.err.due")
			return
		}
		d.RemindDays = append(d.RemindDays, n)
	}
	if _, err := a.store.Create(ctx, d); errors.Is(err, ErrInvalid) {
		// A team or module id that is not (any more) the organisation's.
		fail("assignment.manage.err.target")
		return
	} else if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	web.Redirect(c, "/rapport/opdrachten", "ok", i18n.T(lang, "assignment.manage.created"))
}

// parseDay reads 31-03-2027, 31/03/2027 or 2027-03-31 (a date field).
func parseDay(s string) (time.Time, bool) {
	for _, layout := range []string{time.DateOnly, "2-1-2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (a *Assignments) withdraw(c *gin.Context) {
	v := web.CurrentViewer(c)
	lang := web.Lang(c)
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	ok, err := a.store.Withdraw(c.Request.Context(), v.OrgID, id)
	if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if !ok {
		a.render.ErrorMessage(c, http.StatusNotFound, "assignment.manage.gone")
		return
	}
	web.Redirect(c, "/rapport/opdrachten", "ok", i18n.T(lang, "assignment.manage.withdrawn"))
}

func (a *Assignments) extend(c *gin.Context) {
	ctx := c.Request.Context()
	v := web.CurrentViewer(c)
	lang := web.Lang(c)
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	on, ok := parseDay(strings.TrimSpace(c.PostForm("datum")))
	if !ok || on.Before(Today(a.now())) {
		web.Redirect(c, "/rapport/opdrachten", "error", i18n.T(lang, "assignment.manage.err.due"))
		return
	}
	userID, err := a.store.PersonID(ctx, v.OrgID, c.PostForm("persoon"))
	if errors.Is(err, database.ErrNotFound) {
		web.Redirect(c, "/rapport/opdrachten", "error", i18n.T(lang, "assignment.manage.err.person"))
		return
	} else if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	ok, err = a.store.Extend(ctx, v.OrgID, id, userID, on, v.UserID)
	if err != nil {
		a.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if !ok {
		a.render.ErrorMessage(c, http.StatusNotFound, "assignment.manage.gone")
		return
	}
	web.Redirect(c, "/rapport/opdrachten", "ok", i18n.T(lang, "assignment.manage.extended"))
}
