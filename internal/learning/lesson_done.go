package learning

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/i18n"
	"nabij.be/leerplatform/internal/web"
)

// toLesson answers a GET of the mark-as-read address, where signing in again
// after a session ended sends a learner who had clicked the button: back to
// the lesson, whose button now works.
func (l *Learning) toLesson(c *gin.Context) {
	lesson, err := l.store.Lesson(c.Request.Context(), c.Param("module"), c.Param("lesson"))
	if errors.Is(err, database.ErrNotFound) {
		l.render.Error(c, http.StatusNotFound, nil)
		return
	}
	if err != nil {
		l.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/modules/"+lesson.ModuleSlug+"/"+lesson.Slug)
}

// markDone records a lesson as read and moves the learner on to the next
// lesson, or to the quiz after the last one. A second click changes nothing.
func (l *Learning) markDone(c *gin.Context) {
	ctx := c.Request.Context()
	v := web.CurrentViewer(c)
	lesson, err := l.store.Lesson(ctx, c.Param("module"), c.Param("lesson"))
	if errors.Is(err, database.ErrNotFound) {
		l.render.Error(c, http.StatusNotFound, nil)
		return
	}
	if err != nil {
		l.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	res, err := l.markLessonDone(ctx, v.UserID, v.OrgID, lesson)
	if errors.Is(err, database.ErrNotFound) {
		l.render.Error(c, http.StatusNotFound, err)
		return
	}
	if err != nil {
		l.render.Error(c, http.StatusInternalServerError, err)
		return
	}
	lang := web.Lang(c)
	to := "/quiz/" + lesson.ModuleSlug
	if res.Next != nil {
		to = "/modules/" + lesson.ModuleSlug + "/" + res.Next.Slug
	}
	var msg string
	switch {
	case res.Completion.Programme:
		msg = i18n.T(lang, "learning.flash.programme")
	case res.Completion.Module:
		msg = i18n.T(lang, "learning.flash.module")
		to = "/mijn-leertraject"
	case !res.New:
		msg = i18n.T(lang, "learning.flash.already", lesson.Title)
	default:
		msg = i18n.T(lang, "learning.flash.done", lesson.Title)
	}
	if res.Completion.Programme {
		to = "/mijn-leertraject"
	}
	web.Redirect(c, to, "ok", msg)
}

// markLessonDone records the lesson as done and drops this instance's copy
// of the learner's done lessons at once; other instances hear of it from
// the database.
func (l *Learning) markLessonDone(ctx context.Context, userID, orgID int64, lesson *LessonRef) (*LessonDone, error) {
	res, err := l.store.MarkLessonDone(ctx, userID, orgID, lesson, time.Now())
	l.forgetDone(userID)
	return res, err
}
