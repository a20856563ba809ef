package auth

import (
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Throttle limits password guessing. Every attempt is counted, in one
// statement, before its password is hashed, so parallel guesses cannot
// slip past the count. Each key has a budget of attempts per window that
// starts with its first attempt; past the budget, attempts wait for the
// window to end without a password being checked.
//
// Who is counted (OWASP's "device cookies"): a browser in which the person
// signed in successfully before carries a device cookie, and its attempts
// count only against that device's own budget. Other attempts count against
// the account and against the address (IPv6 by /64). So failures from
// elsewhere, however many, cannot keep a person out of the browser they
// use, and a shared office address slows only browsers that never signed
// in there. Counts live in PostgreSQL, shared by all instances.
type Throttle struct {
	db     *sqlx.DB
	window time.Duration
	budget map[string]int // by key kind: attempts per window
}

// NewThrottle returns the login throttle with the platform's rules.
func NewThrottle(db *sqlx.DB) *Throttle {
	return &Throttle{db: db, window: 15 * time.Minute, budget: map[string]int{
		"account": 5,  // an account, from browsers it never signed in on
		"ip":      30, // an address (or IPv6 /64), from such browsers; an office may share one
		"device":  10, // one browser that signed in to the account before
		"reauth":  5,  // current-password checks of a signed-in person
	}}
}

// addressKey is the throttle key of a client address: IPv4 whole, IPv6 by
// its /64, which one subscriber usually holds entirely.
func addressKey(ip string) string {
	a := net.ParseIP(ip)
	if a == nil {
		return "ip:" + ip
	}
	if v4 := a.To4(); v4 != nil {
		return "ip:" + v4.String()
	}
	return "ip:" + a.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

func accountKey(email string) string      { return "account:" + strings.ToLower(strings.TrimSpace(email)) }
func deviceKey(hash []byte) string        { return "device:" + hex.EncodeToString(hash) }
func reauthKey(userID int64) string       { return "reauth:" + strconv.FormatInt(userID, 10) }
func loginKeys(ip, email string) []string { return []string{accountKey(email), addressKey(ip)} }

// count records one attempt under each key and returns how long until every
// key over its budget has a new window (zero: go ahead).
func (t *Throttle) count(ctx context.Context, keys []string) (time.Duration, error) {
	keys = slices.Clone(keys)
	slices.Sort(keys) // one lock order for every statement: no deadlocks
	keys = slices.Compact(keys)
	var rows []struct {
		Key      string  `db:"key"`
		Attempts int     `db:"attempts"`
		Left     float64 `db:"left"`
	}
	err := t.db.SelectContext(ctx, &rows, `
		INSERT INTO login_failures AS f (key, attempts, last_attempt_at, window_start)
		SELECT k, 1, now(), now() FROM unnest($1::text[]) AS k
		ON CONFLICT (key) DO UPDATE SET
			attempts = CASE WHEN f.window_start <= now() - make_interval(secs => $2) THEN 1 ELSE f.attempts + 1 END,
			window_start = CASE WHEN f.window_start <= now() - make_interval(secs => $2) THEN now() ELSE f.window_start END,
			last_attempt_at = now()
		RETURNING key, attempts, extract(epoch FROM window_start + make_interval(secs => $2) - now())::float8 AS left`,
		pq.Array(keys), t.window.Seconds())
	if err != nil {
		return 0, fmt.Errorf("auth: throttle: %w", err)
	}
	var wait time.Duration
	for _, r := range rows {
		kind, _, _ := strings.Cut(r.Key, ":")
		if r.Attempts > t.budget[kind] {
			wait = max(wait, time.Duration(r.Left*float64(time.Second)), time.Second)
		}
	}
	return wait, nil
}

// uncount takes back an attempt counted under keys whose password was not
// checked (the server was too busy).
func (t *Throttle) uncount(ctx context.Context, keys []string) error {
	_, err := t.db.ExecContext(ctx, `UPDATE login_failures SET attempts = attempts - 1 WHERE key = ANY($1) AND attempts > 0`,
		pq.Array(keys))
	if err != nil {
		return fmt.Errorf("auth: throttle uncount: %w", err)
	}
	return nil
}

// clear forgets the attempts under keys, after a right password.
func (t *Throttle) clear(ctx context.Context, keys ...string) error {
	if _, err := t.db.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ANY($1)`, pq.Array(keys)); err != nil {
		return fmt.Errorf("auth: throttle clear: %w", err)
	}
	return nil
}

// clearPerson forgets the attempts on a person's account and their
// current-password checks (after a password reset).
func (t *Throttle) clearPerson(ctx context.Context, userID int64) error {
	_, err := t.db.ExecContext(ctx, `
		DELETE FROM login_failures WHERE key = $2
		   OR key = (SELECT 'account:' || lower(email) FROM users WHERE id = $1)`, userID, reauthKey(userID))
	if err != nil {
		return fmt.Errorf("auth: throttle clear of %d: %w", userID, err)
	}
	return nil
}

// CleanUp removes attempts whose window has ended and device cookies that
// expired. The app runs it periodically (RunCleanUp); failed logins no
// longer do.
func (t *Throttle) CleanUp(ctx context.Context) error {
	if _, err := t.db.ExecContext(ctx, `DELETE FROM login_failures WHERE window_start < now() - make_interval(secs => $1)`,
		t.window.Seconds()); err != nil {
		return fmt.Errorf("auth: throttle clean-up: %w", err)
	}
	if _, err := t.db.ExecContext(ctx, `DELETE FROM login_devices WHERE expires_at < now()`); err != nil {
		return fmt.Errorf("auth: device clean-up: %w", err)
	}
	return nil
}

// forgetPerson removes the throttle rows and device cookies of a person
// whose account is deleted: the rows name their e-mail address.
func forgetPerson(ctx context.Context, tx *sqlx.Tx, userID int64, email string) error {
	var hashes [][]byte
	if err := tx.SelectContext(ctx, &hashes, `DELETE FROM login_devices WHERE user_id = $1 RETURNING token_hash`, userID); err != nil {
		return fmt.Errorf("auth: forget devices of %d: %w", userID, err)
	}
	keys := []string{accountKey(email), reauthKey(userID)}
	for _, h := range hashes {
		keys = append(keys, deviceKey(h))
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ANY($1)`, pq.Array(keys)); err != nil {
		return fmt.Errorf("auth: forget throttle of %d: %w", userID, err)
	}
	return nil
}

// RunCleanUp runs CleanUp every interval until ctx ends.
func (t *Throttle) RunCleanUp(ctx context.Context, interval time.Duration, log func(error)) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := t.CleanUp(ctx); err != nil && ctx.Err() == nil {
				log(err)
			}
		}
	}
}
