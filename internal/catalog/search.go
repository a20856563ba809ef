package catalog

import (
	"html"
	"html/template"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// maxQueryRunes bounds the search text; longer queries are refused.
const maxQueryRunes = 200

type searchData struct {
	Query   string
	Hits    []searchHit
	Error   string
	Emptyq  bool
	Invalid bool
}

type searchHit struct {
	Hit
	Snippet template.HTML
}

func (cat *Catalog) search(c *gin.Context) {
	q := strings.TrimSpace(c.Query("q"))
	d := searchData{Query: q}
	status := http.StatusOK
	switch {
	case q == "":
		d.Emptyq = true
	case !utf8.ValidString(q) || utf8.RuneCountInString(q) > maxQueryRunes:
		d.Invalid = true
		d.Query = ""
		status = http.StatusBadRequest
	default:
		hits, err := cat.store.Search(c.Request.Context(), q, 30)
		if err != nil {
			cat.render.Error(c, http.StatusInternalServerError, err)
			return
		}
		for _, h := range hits {
			d.Hits = append(d.Hits, searchHit{Hit: h, Snippet: highlight(h.Snippet)})
		}
	}
	cat.render.HTML(c, status, "catalog/search", i18n.T(web.Lang(c), "search.title"), d)
}

// highlight escapes a snippet and turns the \x01…\x02 markers of
// ts_headline into <mark> elements.
func highlight(s string) template.HTML {
	s = html.EscapeString(s)
	s = strings.NewReplacer("\x01", "<mark>", "\x02", "</mark>").Replace(s)
	return template.HTML(s) // #nosec: escaped above
}
