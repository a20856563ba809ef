package learning

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

type dashboardData struct {
	Modules      []moduleRow
	Started      int
	Completed    int
	Programme    string // date the programme was completed, empty if not
	Certificates []certificateRow
	ShowCerts    bool
	Overdue      int // required modules past their due date
}

type moduleRow struct {
	ModuleStatus
	CompletedOn string
	Continue    string // URL of the next step
	Percent     int
	Best        int    // best quiz score, 0 before any attempt
	Required    bool   // assigned and not completed
	DueOn       string // the due date of a required module
	Overdue     bool
	dueOn       time.Time
}

type certificateRow struct {
	CertificateLink
	IssuedOn string
}

func (l *Learning) dashboard(c *gin.Context) {
	v := web.CurrentViewer(c)
	lang := web.Lang(c)
	key := pageKey{user: v.UserID, lang: lang}
	if l.pages == nil || web.HasFlash(c) {
		l.renderDashboard(c, v, lang)
		return
	}
	if page, ok := l.pages.Get(key); ok {
		page.Send(c, http.StatusOK)
		return
	}
	ticket := l.pages.Begin() // before the reads: a change meanwhile refuses the page
	d, keep, ok := l.dashboardData(c, v, lang)
	if !ok {
		return
	}
	html, personal, err := l.render.PersonalHTML(c, "learning/dashboard", i18n.T(lang, "learning.title"), d)
	if err != nil {
		l.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if !personal || !keep {
		c.Data(http.StatusOK, "text/html; charset=utf-8", html)
		return
	}
	page := web.Prepare(html)
	// Kept until the next Brussels midnight at the latest: a due date may
	// turn overdue then, without any event to announce it.
	l.pages.Put(ticket, key, v.UserID, page, nextMidnight(l.now()))
	page.Send(c, http.StatusOK)
}

// renderDashboard renders the dashboard afresh, keeping nothing.
func (l *Learning) renderDashboard(c *gin.Context, v *web.Viewer, lang string) {
	if d, _, ok := l.dashboardData(c, v, lang); ok {
		l.render.HTML(c, http.StatusOK, "learning/dashboard", i18n.T(lang, "learning.title"), d)
	}
}

// dashboardData reads what the dashboard shows. keep is false when reading
// it changed the stored progress (the page then waits for that change's
// announcement to be kept); ok is false when an error page was sent.
func (l *Learning) dashboardData(c *gin.Context, v *web.Viewer, lang string) (d dashboardData, keep, ok bool) {
	ctx := c.Request.Context()
	ms, err := l.store.Dashboard(ctx, v.UserID, v.OrgID)
	if err != nil {
		l.render.Error(c, http.StatusInternalServerError, err)
		return d, false, false
	}
	// Store completions that became due after a lesson was removed.
	keep = true
	if changed, err := l.store.Reconcile(ctx, v.UserID, v.OrgID, ms, l.now()); err != nil {
		l.render.Error(c, http.StatusInternalServerError, err)
		return d, false, false
	} else if changed {
		keep = false
		if ms, err = l.store.Dashboard(ctx, v.UserID, v.OrgID); err != nil {
			l.render.Error(c, http.StatusInternalServerError, err)
			return d, false, false
		}
	}
	d = dashboardData{ShowCerts: l.certs != nil}
	for _, m := range ms {
		row := moduleRow{ModuleStatus: m, Percent: m.Percent()}
		if m.BestScore != nil {
			row.Best = *m.BestScore
		}
		switch {
		case m.CompletedAt != nil:
			row.CompletedOn = Date(lang, *m.CompletedAt)
			row.Continue = "/modules/" + m.Slug
		case m.NextLesson != nil:
			row.Continue = "/modules/" + m.Slug + "/" + *m.NextLesson
		default:
			row.Continue = "/quiz/" + m.Slug
		}
		if m.Started() {
			d.Started++
		}
		if m.Complete() {
			d.Completed++
		}
		d.Modules = append(d.Modules, row)
	}
	if l.due != nil {
		due, err := l.due.DueDates(ctx, v.UserID, v.OrgID)
		if err != nil {
			l.render.Error(c, http.StatusInternalServerError, err)
			return d, false, false
		}
		d.Modules = markDue(d.Modules, due, lang, today(l.now()))
		for _, m := range d.Modules {
			if m.Overdue {
				d.Overdue++
			}
		}
	}
	at, err := l.store.ProgrammeCompletedAt(ctx, v.UserID)
	if err != nil {
		l.render.Error(c, http.StatusInternalServerError, err)
		return d, false, false
	}
	if at != nil {
		d.Programme = Date(lang, *at)
	}
	if l.certs != nil {
		cs, err := l.certs.ForUser(ctx, v.UserID)
		if err != nil {
			l.render.Error(c, http.StatusInternalServerError, err)
			return d, false, false
		}
		for _, cl := range cs {
			d.Certificates = append(d.Certificates, certificateRow{CertificateLink: cl, IssuedOn: Date(lang, cl.IssuedAt)})
		}
	}
	return d, keep, true
}

// nextMidnight is the first Brussels midnight after now.
func nextMidnight(now time.Time) time.Time {
	y, m, d := now.In(brussels).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, brussels)
}
