package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Stats is the state of the queue, shared by every instance.
type Stats struct {
	Waiting   int           // ready to run now
	Scheduled int           // waiting for a later attempt (retries)
	Running   int           // being worked on
	Failed    int           // given up in the last 24 hours
	Oldest    time.Duration // age of the oldest job still waiting or retrying
}

// Depth is how many jobs are not done yet.
func (s Stats) Depth() int { return s.Waiting + s.Scheduled + s.Running }

// ReadStats counts the jobs in db by state (for logs and metrics).
func ReadStats(ctx context.Context, db *sql.DB) (Stats, error) {
	var s Stats
	var oldest float64
	err := db.QueryRowContext(ctx, `
		SELECT count(*) FILTER (WHERE state = 'available'),
		       count(*) FILTER (WHERE state IN ('scheduled', 'retryable')),
		       count(*) FILTER (WHERE state = 'running'),
		       count(*) FILTER (WHERE state = 'discarded' AND finalized_at > now() - interval '24 hours'),
		       coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE state IN ('available', 'scheduled', 'retryable'))), 0)
		FROM river_job`).Scan(&s.Waiting, &s.Scheduled, &s.Running, &s.Failed, &oldest)
	if err != nil {
		return Stats{}, fmt.Errorf("jobs: stats: %w", err)
	}
	s.Oldest = time.Duration(oldest * float64(time.Second))
	return s, nil
}

// Stats reads the queue's state.
func (q *Queue) Stats(ctx context.Context) (Stats, error) { return ReadStats(ctx, q.db) }

// report logs the queue's state once a minute while anything waits or
// failed, so that operators see a backlog grow.
func (q *Queue) report(ctx context.Context) {
	defer close(q.done)
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s, err := q.Stats(ctx)
		if err != nil {
			if ctx.Err() == nil {
				q.log.Warn("jobs: stats", "error", err.Error())
			}
			continue
		}
		if s.Depth() == 0 && s.Failed == 0 {
			continue
		}
		level := q.log.Info
		if s.Failed > 0 || s.Oldest > 10*time.Minute {
			level = q.log.Warn
		}
		level("jobs: queue", "waiting", s.Waiting, "retrying", s.Scheduled, "running", s.Running,
			"failed_24h", s.Failed, "oldest", s.Oldest.Round(time.Second).String())
	}
}
