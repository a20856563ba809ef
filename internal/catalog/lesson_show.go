package catalog

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/web"
)

type lessonData struct {
	Module   *Module
	Lesson   *Lesson
	Prev     *LessonRef
	Next     *LessonRef
	Index    int // 1-based position among the module's lessons
	Count    int
	Done     bool
	SignedIn bool
	// Lessons are the module's lessons, for the lesson page's side panel;
	// DoneLessons says which the signed-in person has read.
	Lessons     []LessonRef
	DoneLessons map[int64]bool
}

// DoneCount is how many of the module's lessons the person has read.
func (d lessonData) DoneCount() int {
	n := 0
	for _, l := range d.Lessons {
		if d.DoneLessons[l.ID] {
			n++
		}
	}
	return n
}

func (cat *Catalog) showLesson(c *gin.Context) {
	ctx := c.Request.Context()
	view, err := cat.cache.Lesson(ctx, c.Param("module"), c.Param("lesson"))
	if err != nil {
		cat.render.NotFoundOr500(c, err)
		return
	}
	m, l, ls := view.Module, view.Lesson, view.Lessons
	d := lessonData{Module: m, Lesson: l, Count: len(ls), Lessons: ls}
	for i := range ls {
		if ls[i].ID != l.ID {
			continue
		}
		d.Index = i + 1
		if i > 0 {
			d.Prev = &ls[i-1]
		}
		if i+1 < len(ls) {
			d.Next = &ls[i+1]
		}
	}
	if v := web.CurrentViewer(c); v != nil {
		d.SignedIn = true
		if cat.extras != nil {
			done, err := cat.extras.DoneLessons(c, v.UserID, m.ID)
			if err != nil {
				cat.render.Error(c, http.StatusInternalServerError, err)
				return
			}
			d.Done = done[l.ID]
			d.DoneLessons = done
		}
	}
	// The page is the same for everyone with the same language, role and
	// lessons done in the module: render it once per snapshot of the
	// content.
	cat.sharedPage(c, view.Pages, cat.pageKey(c, "catalog/lesson", l.ID, doneMask(ls, d.DoneLessons)), l.Title, d)
}

func (cat *Catalog) media(c *gin.Context) {
	f, err := cat.store.Media(c.Request.Context(), c.Param("module"), c.Param("name"))
	if err != nil {
		cat.render.NotFoundOr500(c, err)
		return
	}
	etag := `"` + f.SHA256[:16] + `"`
	c.Header("ETag", etag)
	c.Header("Cache-Control", "public, max-age=3600")
	// An SVG opened on its own must not run anything.
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	if !content.IsImage(f.ContentType) {
		// A worker's tool (text or PDF) is saved, not shown in the tab.
		// Media names are plain ASCII (see the course format), so the
		// name needs no encoding.
		c.Header("Content-Disposition", `attachment; filename="`+c.Param("name")+`"`)
	}
	if c.GetHeader("If-None-Match") == etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, f.ContentType, f.Data)
}
