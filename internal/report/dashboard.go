package report

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// Chart is a horizontal stacked bar chart drawn as SVG on the server: one
// bar per module, split in completed, in progress and not started.
type Chart struct {
	Width, Height int
	Desc          string
	Bars          []ChartBar
}

// ChartBar is one module's bar.
type ChartBar struct {
	Label    string
	LabelY   int
	BarY     int
	Segments []ChartSegment
}

// ChartSegment is one coloured part of a bar.
type ChartSegment struct {
	Class string
	X, W  float64
	Title string
}

const (
	chartWidth  = 640
	chartBar    = 22
	chartRow    = 52
	chartLabelH = 18
)

// newChart lays out the bars of the module counts.
func newChart(ms []ModuleCounts, lang string) Chart {
	ch := Chart{Width: chartWidth, Height: len(ms)*chartRow + 4}
	var desc []string
	for i, m := range ms {
		y := i * chartRow
		bar := ChartBar{Label: m.Module.Title, LabelY: y + 14, BarY: y + chartLabelH + 4}
		x := 0.0
		for _, part := range []struct {
			class, status string
			n             int
		}{
			{"chart-completed", StatusCompleted, m.Completed},
			{"chart-progress", StatusInProgress, m.InProgress},
			{"chart-not-started", StatusNotStarted, m.NotStarted()},
		} {
			if m.Total == 0 || part.n == 0 {
				continue
			}
			w := float64(part.n) * chartWidth / float64(m.Total)
			bar.Segments = append(bar.Segments, ChartSegment{
				Class: part.class, X: x, W: w,
				Title: fmt.Sprintf("%s: %d (%d%%)", i18n.T(lang, "report.status."+part.status), part.n, m.Share(part.n)),
			})
			x += w
		}
		ch.Bars = append(ch.Bars, bar)
		desc = append(desc, i18n.T(lang, "report.chart.bar", m.Module.Title,
			m.Completed, m.Share(m.Completed), m.InProgress, m.Share(m.InProgress), m.NotStarted(), m.Share(m.NotStarted())))
	}
	ch.Desc = strings.Join(desc, " ")
	return ch
}

type dashboardData struct {
	Dashboard *Dashboard
	Chart     Chart
	OrgName   string
}

func (rp *Report) dashboard(c *gin.Context) {
	v := web.CurrentViewer(c)
	lang := web.Lang(c)
	title := i18n.T(lang, "report.title")
	data := func(d *Dashboard) dashboardData {
		return dashboardData{Dashboard: d, Chart: newChart(d.Modules, lang), OrgName: v.OrgName}
	}
	if rp.dashboards != nil && !web.HasFlash(c) {
		// The page shows the organisation's figures, never who asks: it
		// is kept with the figures and sent to each of its managers.
		page, err := rp.dashboards.Page(c.Request.Context(), v.OrgID, pageKey{lang: lang, role: v.Role}, func(d *Dashboard) ([]byte, error) {
			html, _, err := rp.render.SharedHTML(c, "report/dashboard", title, data(d))
			return html, err
		})
		if err != nil {
			rp.render.Error(c, http.StatusInternalServerError, err)
			return
		}
		page.Send(c, http.StatusOK)
		return
	}
	d, err := rp.dashboardFigures(c.Request.Context(), v.OrgID)
	if err != nil {
		rp.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	rp.render.HTML(c, http.StatusOK, "report/dashboard", title, data(d))
}
