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
	ctx := c.Request.Context()
	v := web.CurrentViewer(c)
	ms, err := l.store.Dashboard(ctx, v.UserID, v.OrgID)
	if err != nil {
		l.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	// Store completions that became due after a lesson was removed.
	if changed, err := l.store.Reconcile(ctx, v.UserID, v.OrgID, ms, time.Now()); err != nil {
		l.render.Error(c, http.StatusInternalServerError, err)
		return
	} else if changed {
		if ms, err = l.store.Dashboard(ctx, v.UserID, v.OrgID); err != nil {
			l.render.Error(c, http.StatusInternalServerError, err)
			return
		}
	}
	lang := web.Lang(c)
	d := dashboardData{ShowCerts: l.certs != nil}
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
			return
		}
		d.Modules = markDue(d.Modules, due, lang, today(time.Now()))
		for _, m := range d.Modules {
			if m.Overdue {
				d.Overdue++
			}
		}
	}
	at, err := l.store.ProgrammeCompletedAt(ctx, v.UserID)
	if err != nil {
		l.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	if at != nil {
		d.Programme = Date(lang, *at)
	}
	if l.certs != nil {
		cs, err := l.certs.ForUser(ctx, v.UserID)
		if err != nil {
			l.render.Error(c, http.StatusInternalServerError, err)
			return
		}
		for _, cl := range cs {
			d.Certificates = append(d.Certificates, certificateRow{CertificateLink: cl, IssuedOn: Date(lang, cl.IssuedAt)})
		}
	}
	l.render.HTML(c, http.StatusOK, "learning/dashboard", i18n.T(lang, "learning.title"), d)
}
