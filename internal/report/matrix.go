package report

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// Statuses and SortKeys are the allowed values of the status and sort
// parameters, in the order the filter form offers them.
var (
	Statuses = []string{StatusCompleted, StatusInProgress, StatusNotStarted, StatusLate}
	SortKeys = []string{"name", "progress", "activity"}
)

// ParseFilter reads the matrix filter from query parameters. Values outside
// the allowlists, unknown teams and modules, and malformed numbers are
// ignored: the filter falls back to its default for that field. The SQL
// only ever sees the checked values.
func ParseFilter(q url.Values, teams []Team, modules []Module) Filter {
	f := Filter{Sort: "name", Page: 1, PerPage: PerPage}
	if id, err := strconv.ParseInt(q.Get("team"), 10, 64); err == nil {
		for _, t := range teams {
			if t.ID == id {
				f.TeamID = id
			}
		}
	}
	if id, err := strconv.ParseInt(q.Get("module"), 10, 64); err == nil {
		for _, m := range modules {
			if m.ID == id {
				f.ModuleID = id
			}
		}
	}
	for _, s := range Statuses {
		if q.Get("status") == s {
			f.Status = s
		}
	}
	for _, s := range SortKeys {
		if q.Get("sort") == s {
			f.Sort = s
		}
	}
	f.Desc = q.Get("dir") == "desc"
	if s := q.Get("q"); utf8.RuneCountInString(s) <= 100 {
		f.Query = s
	}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p >= 1 && p <= 100_000 {
		f.Page = p
	}
	return f
}

// Values returns the filter as query parameters, without defaults and
// without the page.
func (f Filter) Values() url.Values {
	v := url.Values{}
	if f.TeamID != 0 {
		v.Set("team", strconv.FormatInt(f.TeamID, 10))
	}
	if f.ModuleID != 0 {
		v.Set("module", strconv.FormatInt(f.ModuleID, 10))
	}
	if f.Status != "" {
		v.Set("status", f.Status)
	}
	if f.Query != "" {
		v.Set("q", f.Query)
	}
	if f.Sort != "name" {
		v.Set("sort", f.Sort)
	}
	if f.Desc {
		v.Set("dir", "desc")
	}
	return v
}

// PageURL returns the matrix URL of page n with this filter.
func (f Filter) PageURL(n int) string {
	v := f.Values()
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return "/rapport/mensen"
	}
	return "/rapport/mensen?" + v.Encode()
}

// ExportURL returns the CSV export URL with this filter.
func (f Filter) ExportURL() string {
	v := f.Values()
	if len(v) == 0 {
		return "/rapport/export.csv"
	}
	return "/rapport/export.csv?" + v.Encode()
}

type matrixData struct {
	Lang    string
	Filter  Filter
	Matrix  *Matrix
	Teams   []Team
	Modules []Module // the modules shown as columns
	Pages   int
	From    int
	To      int
	Prev    string
	Next    string
}

// CellView is a cell of the matrix as the page shows it, its texts made
// in Go: a first page has hundreds of cells, and making each text in the
// template (a method call through reflection per text) took most of the
// page's time.
type CellView struct {
	Status string // the cell's class: one of the Status constants
	Text   string // completed on a date, progress, or not started
	Late   string // past its due date, or ""
	Due    string // due on a date, or ""
	Score  string // the best quiz score, or ""
}

// Columns returns the cells of p for the modules shown.
func (d matrixData) Columns(p Person) []CellView {
	cells := p.Cells
	if d.Filter.ModuleID != 0 {
		for i, m := range d.Matrix.Modules {
			if m.ID == d.Filter.ModuleID {
				cells = p.Cells[i : i+1]
				break
			}
		}
	}
	out := make([]CellView, len(cells))
	for i, c := range cells {
		v := CellView{Status: c.Status()}
		switch v.Status {
		case StatusCompleted:
			v.Text = i18n.T(d.Lang, "report.cell.completed", web.FormatDate(d.Lang, *c.CompletedAt))
		case StatusInProgress:
			v.Text = i18n.T(d.Lang, "report.cell.in_progress", c.Progress)
		default:
			v.Text = i18n.T(d.Lang, "report.status.not_started")
		}
		switch {
		case c.Late:
			v.Late = i18n.T(d.Lang, "assignment.report.cell_late", c.DueDate())
		case c.DueOn != nil:
			v.Due = i18n.T(d.Lang, "assignment.report.cell_due", c.DueDate())
		}
		if c.BestScore != nil {
			v.Score = i18n.T(d.Lang, "report.cell.score", c.Score())
		}
		out[i] = v
	}
	return out
}

// filter reads the request's filter, checked against the organisation's
// teams and the modules.
func (rp *Report) filter(c *gin.Context, orgID int64) (Filter, []Team, []Module, error) {
	ctx := c.Request.Context()
	teams, err := rp.store.Teams(ctx, orgID)
	if err != nil {
		return Filter{}, nil, nil, err
	}
	ms, err := rp.store.Modules(ctx)
	if err != nil {
		return Filter{}, nil, nil, err
	}
	return ParseFilter(c.Request.URL.Query(), teams, ms), teams, ms, nil
}

func (rp *Report) matrix(c *gin.Context) {
	v := web.CurrentViewer(c)
	f, teams, ms, err := rp.filter(c, v.OrgID)
	if err != nil {
		rp.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	mx, err := rp.store.Matrix(c.Request.Context(), v.OrgID, f)
	if err != nil {
		rp.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	d := matrixData{Lang: web.Lang(c), Filter: f, Matrix: mx, Teams: teams, Modules: ms}
	if f.ModuleID != 0 {
		for _, m := range ms {
			if m.ID == f.ModuleID {
				d.Modules = []Module{m}
			}
		}
	}
	d.Pages = max(1, (mx.Total+f.PerPage-1)/f.PerPage)
	if len(mx.People) > 0 {
		d.From = (f.Page-1)*f.PerPage + 1
		d.To = d.From + len(mx.People) - 1
	}
	if f.Page > 1 {
		d.Prev = f.PageURL(min(f.Page-1, d.Pages))
	}
	if f.Page < d.Pages {
		d.Next = f.PageURL(f.Page + 1)
	}
	rp.render.HTML(c, http.StatusOK, "report/matrix", i18n.T(web.Lang(c), "report.matrix.title"), d)
}

// exportCSV sends the filtered matrix, every page, as a CSV download.
func (rp *Report) exportCSV(c *gin.Context) {
	v := web.CurrentViewer(c)
	f, _, _, err := rp.filter(c, v.OrgID)
	if err != nil {
		rp.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	f.Page, f.PerPage = 1, 0
	ctx := c.Request.Context()
	mx, err := rp.store.Matrix(ctx, v.OrgID, f)
	if err != nil {
		rp.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	org, err := rp.store.OrganisationName(ctx, v.OrgID)
	if err != nil {
		rp.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	// Written to a buffer first: a failure becomes an error page, not a
	// truncated file.
	var buf bytes.Buffer
	if err := WriteCSV(&buf, mx, web.Lang(c)); err != nil {
		rp.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	c.Header("Content-Disposition", ContentDisposition(CSVFilename(org, time.Now())))
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
