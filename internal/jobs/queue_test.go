package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"nabij.be/leerplatform/internal/database/dbtest"
	"nabij.be/leerplatform/internal/jobs"
)

type noopArgs struct{}

func (noopArgs) Kind() string { return "noop" }

type noopWorker struct {
	river.WorkerDefaults[noopArgs]
	done chan struct{}
}

func (w *noopWorker) Work(ctx context.Context, job *river.Job[noopArgs]) error {
	w.done <- struct{}{}
	return nil
}

func TestStartStop(t *testing.T) {
	db := dbtest.New(t)
	w := &noopWorker{done: make(chan struct{}, 1)}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	q, err := jobs.New(db.DB, workers, slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("start %v", time.Since(t0))
	if _, _, err := q.Insert(context.Background(), noopArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	<-w.done
	t.Logf("worked %v", time.Since(t0))
	t1 := time.Now()
	if err := q.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("stop %v", time.Since(t1))
}

// The production schedule: the first retry within a minute, the last
// attempt at least 24 hours after the first, each wait longer than the one
// before (or at the 2-hour ceiling).
func TestBackoffLastsADay(t *testing.T) {
	b := jobs.Backoff{Base: 30 * time.Second}
	if d := b.Delay(1); d > time.Minute {
		t.Errorf("first retry after %v, want within a minute", d)
	}
	var total time.Duration
	prev := time.Duration(0)
	for n := 1; n < jobs.MaxAttempts; n++ {
		d := b.Delay(n)
		if d < prev || d > 2*time.Hour {
			t.Errorf("wait after attempt %d = %v (before: %v), want growing up to 2 h", n, d, prev)
		}
		prev, total = d, total+d
	}
	if total < 24*time.Hour {
		t.Errorf("the last attempt comes %v after the first, want at least 24 h", total)
	}
	t.Logf("%d attempts over %v", jobs.MaxAttempts, total.Round(time.Minute))
}
