// Package jobs is the platform's job queue: work that must happen, but not
// inside a request (sending mail first; later reminders, digests and large
// exports). It is River (riverqueue.com) over the platform's own PostgreSQL
// through database/sql and lib/pq: a job is a row in river_job, inserted in
// the same transaction as the change that causes it, so the change and its
// job commit together or not at all. Several instances share the table
// safely: each job is locked by one worker at a time (FOR UPDATE SKIP
// LOCKED), failed jobs come back with a growing delay, and a job whose
// process died while it ran is rescued and run again.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"
)

// Options tune the queue. The zero value gives the production settings;
// tests shorten the delays (a test cannot wait half a minute for a retry).
type Options struct {
	// RetryBase is the delay before the first retry (default 30 s); every
	// next retry waits twice as long, up to 240 × RetryBase (2 h by default).
	RetryBase time.Duration
	// RescueAfter is how long a job may stay running before it counts as
	// stuck (its process died) and is run again (default 5 min). It must
	// exceed JobTimeout.
	RescueAfter time.Duration
	// JobTimeout ends a job's context (default 2 min).
	JobTimeout time.Duration
	// PollInterval is how often an idle instance looks for new jobs that
	// another instance inserted (default 250 ms). Jobs inserted by this
	// instance start at once.
	PollInterval time.Duration
	// Workers is how many jobs one instance runs at once (default 10).
	Workers int
	// MaxAttempts is how often a job runs before it is given up (default
	// MaxAttempts).
	MaxAttempts int
	// Periodic are jobs inserted on a schedule (by one instance at a time,
	// the queue's leader).
	Periodic []*river.PeriodicJob
}

// MaxAttempts is how often a job runs before it is given up: with the
// default schedule the last attempt comes about 24 hours after the first
// (River moves a job whose retry is due back to the queue every few
// seconds, so a delay is never shorter than that).
const MaxAttempts = 20

func (o Options) withDefaults() Options {
	if o.RetryBase <= 0 {
		o.RetryBase = 30 * time.Second
	}
	if o.JobTimeout <= 0 {
		o.JobTimeout = 2 * time.Minute
	}
	if o.RescueAfter <= 0 {
		o.RescueAfter = 5 * time.Minute
	}
	if o.RescueAfter <= o.JobTimeout {
		o.JobTimeout = o.RescueAfter / 2
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 250 * time.Millisecond
	}
	if o.Workers <= 0 {
		o.Workers = 10
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = MaxAttempts
	}
	return o
}

// Queue inserts and runs jobs.
type Queue struct {
	client *river.Client[*sql.Tx]
	db     *sql.DB
	log    *slog.Logger
	opts   Options
	cancel context.CancelFunc
	done   chan struct{}
}

// New returns a queue over db that runs jobs with workers (nil: insert
// only, as the command-line tools do).
func New(db *sql.DB, workers *river.Workers, log *slog.Logger, o Options) (*Queue, error) {
	o = o.withDefaults()
	cfg := &river.Config{
		Logger:               slog.New(quiet{log.Handler()}),
		MaxAttempts:          o.MaxAttempts,
		RetryPolicy:          Backoff{Base: o.RetryBase},
		JobTimeout:           o.JobTimeout,
		RescueStuckJobsAfter: o.RescueAfter,
		// database/sql has no LISTEN; instances find each other's jobs by
		// polling, which costs one indexed query per interval.
		PollOnly:          true,
		FetchPollInterval: o.PollInterval,
		FetchCooldown:     o.PollInterval / 5,
		// Kept for the admins' view and for unique jobs; the mail itself is
		// recorded in mail_outbox.
		CompletedJobRetentionPeriod: 24 * time.Hour,
		DiscardedJobRetentionPeriod: 30 * 24 * time.Hour,
	}
	if workers != nil {
		cfg.Workers = workers
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.Workers}}
		cfg.PeriodicJobs = o.Periodic
	}
	client, err := river.NewClient(riverdatabasesql.New(db), cfg)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Queue{client: client, db: db, log: log, opts: o}, nil
}

// Start runs the workers and a log line about the queue every minute, until
// Stop.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	ctx, q.cancel = context.WithCancel(context.WithoutCancel(ctx))
	q.done = make(chan struct{})
	go q.report(ctx)
	return nil
}

// Stop lets running jobs finish until ctx ends, then cancels them (they
// are run again later: nothing is lost).
func (q *Queue) Stop(ctx context.Context) error {
	if q.cancel != nil {
		q.cancel()
		<-q.done
	}
	err := q.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = q.client.StopAndCancel(context.Background())
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// Insert is a job to insert.
type Insert = river.InsertOpts

// InsertTx adds a job inside tx: it runs only if tx commits. It reports
// false when an equal unique job already exists (see river.UniqueOpts).
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *Insert) (int64, bool, error) {
	res, err := q.client.InsertTx(ctx, tx, args, opts)
	if err != nil {
		return 0, false, fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return res.Job.ID, !res.UniqueSkippedAsDuplicate, nil
}

// InsertManyTx adds jobs inside tx in one statement (a single insert
// costs a few milliseconds; a batch of 500 about as much as one).
func (q *Queue) InsertManyTx(ctx context.Context, tx *sql.Tx, args []river.JobArgs) error {
	if len(args) == 0 {
		return nil
	}
	ps := make([]river.InsertManyParams, len(args))
	for i, a := range args {
		ps[i] = river.InsertManyParams{Args: a}
	}
	if _, err := q.client.InsertManyTx(ctx, tx, ps); err != nil {
		return fmt.Errorf("jobs: insert %d %s: %w", len(args), args[0].Kind(), err)
	}
	return nil
}

// Insert adds a job on its own (see InsertTx).
func (q *Queue) Insert(ctx context.Context, args river.JobArgs, opts *Insert) (int64, bool, error) {
	res, err := q.client.Insert(ctx, args, opts)
	if err != nil {
		return 0, false, fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return res.Job.ID, !res.UniqueSkippedAsDuplicate, nil
}

// CompleteTx marks job done inside tx, so that what the job wrote and its
// completion commit together.
func CompleteTx[T river.JobArgs](ctx context.Context, tx *sql.Tx, job *river.Job[T]) error {
	_, err := river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx, job)
	return err
}

// LastAttempt reports whether a failure of job's current attempt gives it up.
func LastAttempt(job *rivertype.JobRow) bool { return job.Attempt >= job.MaxAttempts }

// NextRetry is when a failure of job's current attempt would be tried again.
func (q *Queue) NextRetry(job *rivertype.JobRow) time.Time {
	return Backoff{Base: q.opts.RetryBase}.NextRetry(job)
}

// Backoff doubles the delay after each failed attempt, from Base (the first
// retry) up to 240 × Base, plus up to 10 % so that many jobs failing at once
// do not all come back in the same second.
type Backoff struct{ Base time.Duration }

// Delay is the wait after failed attempt n (1 for the first), without the
// spread.
func (b Backoff) Delay(n int) time.Duration {
	limit := 240 * b.Base
	d := b.Base
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// NextRetry implements river.ClientRetryPolicy.
func (b Backoff) NextRetry(job *rivertype.JobRow) time.Time {
	d := b.Delay(max(job.Attempt, 1))
	spread := time.Duration(job.ID%10) * d / 100
	return time.Now().Add(d + spread)
}

// quiet passes on River's own log lines from warnings up: a job's failure
// is logged by its worker, with what an operator needs.
type quiet struct{ slog.Handler }

func (h quiet) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}
func (h quiet) WithAttrs(as []slog.Attr) slog.Handler { return quiet{h.Handler.WithAttrs(as)} }
func (h quiet) WithGroup(n string) slog.Handler       { return quiet{h.Handler.WithGroup(n)} }
