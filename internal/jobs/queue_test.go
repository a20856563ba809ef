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
