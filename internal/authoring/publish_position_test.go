package authoring

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// Lessons published at the same moment each get their own place at the
// end of the module: positions never repeat.
func TestConcurrentPublishGivesDistinctPositions(t *testing.T) {
	ctx := context.Background()
	db, s := curriculum(t)
	m := firstModule(t, s)
	const n = 8
	for i := range n {
		slug := fmt.Sprintf("gelijktijdig-%d", i)
		if err := s.CreateLesson(ctx, m.ID, slug, LessonInput{Title: "Les " + slug, Minutes: 5, BodyMD: "## Kop\n\nTekst."}, 0); err != nil {
			t.Fatal(err)
		}
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			slug := fmt.Sprintf("gelijktijdig-%d", i)
			_, errs[i] = s.SaveAndPublish(ctx, m, slug, LessonInput{Title: "Les " + slug, Minutes: 5, BodyMD: "## Kop\n\nTekst.", BaseVersion: 1}, 0)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("publish %d: %v", i, err)
		}
	}
	var dup []int
	if err := db.Select(&dup, `SELECT position FROM lessons WHERE module_id = $1 GROUP BY position HAVING count(*) > 1`, m.ID); err != nil {
		t.Fatal(err)
	}
	if len(dup) > 0 {
		t.Errorf("positions shared by two lessons after %d simultaneous publishes: %v", n, dup)
	}
}
