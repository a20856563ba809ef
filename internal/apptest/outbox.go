package apptest

import (
	"time"

	"github.com/lib/pq"
)

// OutboxBodies waits until the outbox holds at least n mails to the given
// recipients and returns their bodies, oldest first. Mail is queued: a reset
// mail, say, is written by a job shortly after the request answered.
func (e *Env) OutboxBodies(n int, recipients ...string) []string {
	e.T.Helper()
	var bodies []string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		bodies = bodies[:0]
		if err := e.DB.Select(&bodies, `SELECT body FROM mail_outbox WHERE recipient = ANY($1) ORDER BY id`, pq.Array(recipients)); err != nil {
			e.T.Fatalf("outbox: %v", err)
		}
		if len(bodies) >= n || time.Now().After(deadline) {
			return bodies
		}
	}
}
