package auth

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Throttle slows down password guessing per IP address and per account with
// a delay that grows with each failure. There is no hard lock-out: the
// delay per account is capped low, so an attacker cannot keep the rightful
// person out for long, while the cap per IP address is higher. Failures
// older than the window are forgotten. Counts live in PostgreSQL, so all
// instances share them.
type Throttle struct {
	db     *sqlx.DB
	window time.Duration
	rules  map[string]throttleRule
}

type throttleRule struct {
	free int           // failures allowed without delay
	max  time.Duration // longest delay
}

// NewThrottle returns the login throttle with the platform's rules.
func NewThrottle(db *sqlx.DB) *Throttle {
	return &Throttle{db: db, window: 15 * time.Minute, rules: map[string]throttleRule{
		// An office of social workers may share one address: be lenient.
		"ip":      {free: 20, max: 5 * time.Minute},
		"account": {free: 5, max: time.Minute},
	}}
}

// delay is how long to wait after n failures under rule r: nothing for the
// free failures, then 1 s, 2 s, 4 s … up to r.max.
func (r throttleRule) delay(n int) time.Duration {
	if n < r.free {
		return 0
	}
	d := time.Duration(math.Pow(2, float64(min(n-r.free, 20)))) * time.Second
	return min(d, r.max)
}

func throttleKeys(ip, email string) []string {
	return []string{"ip:" + ip, "account:" + strings.ToLower(email)}
}

// Wait returns how long the next attempt for ip and email must wait; zero
// means it may go ahead.
func (t *Throttle) Wait(ctx context.Context, ip, email string) (time.Duration, error) {
	var rows []struct {
		Key      string  `db:"key"`
		Failures int     `db:"failures"`
		Age      float64 `db:"age"`
	}
	err := t.db.SelectContext(ctx, &rows, `
		SELECT key, failures, extract(epoch FROM now() - last_failure_at)::float8 AS age
		FROM login_failures
		WHERE key = ANY($1) AND last_failure_at > now() - make_interval(secs => $2)`,
		pq.Array(throttleKeys(ip, email)), t.window.Seconds())
	if err != nil {
		return 0, fmt.Errorf("auth: throttle: %w", err)
	}
	var wait time.Duration
	for _, r := range rows {
		kind, _, _ := strings.Cut(r.Key, ":")
		left := t.rules[kind].delay(r.Failures) - time.Duration(r.Age*float64(time.Second))
		wait = max(wait, left)
	}
	return wait, nil
}

// Fail records a failed attempt for ip and email.
func (t *Throttle) Fail(ctx context.Context, ip, email string) error {
	_, err := t.db.ExecContext(ctx, `
		INSERT INTO login_failures (key, failures, last_failure_at)
		SELECT k, 1, now() FROM unnest($1::text[]) AS k
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN login_failures.last_failure_at < now() - make_interval(secs => $2)
			                THEN 1 ELSE login_failures.failures + 1 END,
			last_failure_at = now()`,
		pq.Array(throttleKeys(ip, email)), t.window.Seconds())
	if err != nil {
		return fmt.Errorf("auth: record login failure: %w", err)
	}
	// Forget old entries now and then; the table stays small.
	_, err = t.db.ExecContext(ctx, `DELETE FROM login_failures WHERE last_failure_at < now() - interval '1 day'`)
	return err
}

// Succeed forgets the failures of an account after a good login. The
// address's count stays: one valid account must not reset an attacker's
// address.
func (t *Throttle) Succeed(ctx context.Context, email string) error {
	_, err := t.db.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, "account:"+strings.ToLower(email))
	return err
}
