package learning

import (
	"context"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/learning/learningtest"
)

// TestDoneLessonsNotLostToInFlightReads reproduces the lost invalidation of
// the done-lessons memo: a read of a learner's done lessons in flight while
// they mark a lesson as read must not be stored after the mark dropped the
// memo, or the lesson shows as unread until the memo expires.
func TestDoneLessonsNotLostToInFlightReads(t *testing.T) {
	db := dbtest.New(t)
	ctx := context.Background()
	org := learningtest.Org(t, db, "OCMW Race")
	user := learningtest.User(t, db, org, "learner", "race@example.be")
	m := learningtest.NewModule(t, db, 1, 1)
	store := NewStore(db, nil)
	l := New(store, nil, nil)
	l.CacheDoneLessons(database.NewListener(), 30*time.Second)
	lesson, err := store.Lesson(ctx, m.Slug, "les-1")
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.TestMode)
	read := func() map[int64]bool {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest("GET", "/", nil)
		d, err := l.DoneLessons(c, user, m.ID)
		if err != nil {
			t.Error(err)
		}
		return d
	}
	const rounds = 100
	lost := 0
	for i := range rounds {
		db.MustExec(`DELETE FROM lesson_progress WHERE user_id = $1`, user)
		db.MustExec(`DELETE FROM module_progress WHERE user_id = $1`, user)
		l.forgetDone(user)
		// Pages of the learner read their done lessons while announcements
		// of their earlier progress keep dropping the memo, so reads are in
		// flight when the lesson is marked.
		var wg sync.WaitGroup
		var stop atomic.Bool
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !stop.Load() {
					read()
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				l.forgetDone(user)
				time.Sleep(200 * time.Microsecond)
			}
		}()
		time.Sleep(time.Duration(i%15) * 100 * time.Microsecond)
		if _, err := l.markLessonDone(ctx, user, org, lesson); err != nil {
			t.Fatal(err)
		}
		stop.Store(true)
		wg.Wait()
		if !read()[lesson.ID] {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("a lesson marked as read showed as unread in %d of %d rounds", lost, rounds)
	}
}
