package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/memo"
	"nabij.be/leerplatform/internal/web"
)

// NewToken returns a random token of 256 bits, URL-safe, and the hash under
// which it is stored. The token itself is never stored.
func NewToken() (token string, hash []byte) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("auth: random: %v", err)) // the system's randomness failing is not recoverable
	}
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken is the stored form of a session, reset or invitation token.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Sessions keeps server-side sessions in PostgreSQL.
//
// A looked-up session is kept in memory for at most cacheAge, so most
// requests cost no database round trip. Ending a session, or changing or
// deactivating its person, is announced by the database at commit
// (migration 006) and drops the copy on every instance within moments;
// cacheAge bounds the delay should an announcement be missed while the
// listener reconnects. A lookup that read the database before a session
// ended is never kept after it (see memo.Ticket), and a cached session is
// served only within the touch interval after the database last saw it, so
// the idle timeout holds on every request.
type Sessions struct {
	db       *sqlx.DB
	idle     time.Duration
	absolute time.Duration
	touch    time.Duration // how often a session in use is marked as seen
	memo     *memo.Memo[string, cachedViewer]
}

// cachedViewer is a looked-up session as the memo keeps it.
type cachedViewer struct{ web.Viewer }

// maxCachedSessions bounds the session memo: about 660 bytes each
// (measured), some 5 MiB in all (see the memory budget in the README).
const maxCachedSessions = 8_000

// NewSessions returns the session store with the idle and absolute timeouts
// and the in-memory lifetime of a looked-up session (0: none).
func NewSessions(db *sqlx.DB, idle, absolute, cacheAge time.Duration) *Sessions {
	// Marking a session as seen at most once a minute spares writes; a
	// short idle timeout needs it more often, or a session in use would
	// look idle.
	touch := min(time.Minute, idle/4)
	return &Sessions{db: db, idle: idle, absolute: absolute, touch: touch,
		memo: memo.New[string, cachedViewer](cacheAge, maxCachedSessions, nil)}
}

// Subscribe drops cached sessions of people whose sessions or account
// changed.
func (s *Sessions) Subscribe(l *database.Listener) {
	l.Subscribe(database.SessionChannel, s.memo.DropPayload)
}

// Create starts a session for a user and returns its token.
func (s *Sessions) Create(ctx context.Context, userID int64) (string, error) {
	token, hash := NewToken()
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO sessions (token_hash, user_id, expires_at)
		VALUES ($1, $2, now() + make_interval(secs => $3))`,
		hash, userID, s.absolute.Seconds())
	if err != nil {
		return "", fmt.Errorf("auth: create session for user %d: %w", userID, err)
	}
	return token, nil
}

// viewerRow is the session, its user and their organisation.
type viewerRow struct {
	SessionID int64     `db:"session_id"`
	ExpiresAt time.Time `db:"expires_at"`
	SeenAgo   float64   `db:"seen_ago"` // seconds since the session was last marked as seen
	UserID    int64     `db:"user_id"`
	Name      string    `db:"full_name"`
	Email     string    `db:"email"`
	Role      string    `db:"role"`
	OrgID     int64     `db:"organisation_id"`
	OrgName   string    `db:"organisation_name"`
	Lang      string    `db:"lang"`
}

// Lookup finds the living session of token, with its user and organisation,
// in one statement, and marks it as seen (at most once a minute, to spare
// writes). Expired sessions, and those of inactive or deleted users, give
// ErrNotFound.
func (s *Sessions) Lookup(ctx context.Context, token string) (*web.Viewer, error) {
	hash := HashToken(token)
	if v, ok := s.memo.Get(string(hash)); ok {
		return &v.Viewer, nil // a copy: handlers cannot change the cached one
	}
	ticket := s.memo.Begin()
	var r viewerRow
	err := s.db.GetContext(ctx, &r, `
		WITH found AS (
			SELECT id, user_id, last_seen_at, expires_at FROM sessions
			WHERE token_hash = $1 AND expires_at > now()
			  AND last_seen_at > now() - make_interval(secs => $2)
		), touched AS (
			UPDATE sessions SET last_seen_at = now()
			FROM found WHERE sessions.id = found.id AND found.last_seen_at < now() - make_interval(secs => $3)
		)
		SELECT found.id AS session_id, found.expires_at,
		       CASE WHEN found.last_seen_at < now() - make_interval(secs => $3) THEN 0
		            ELSE extract(epoch FROM now() - found.last_seen_at)::float8 END AS seen_ago,
		       u.id AS user_id, u.full_name, u.email, u.role,
		       coalesce(u.organisation_id, 0) AS organisation_id, coalesce(o.name, '') AS organisation_name, u.lang
		FROM found
		JOIN users u ON u.id = found.user_id
		LEFT JOIN organisations o ON o.id = u.organisation_id
		WHERE u.active AND u.deleted_at IS NULL`,
		hash, s.idle.Seconds(), s.touch.Seconds())
	if err != nil {
		return nil, database.NotFound(err)
	}
	v := web.Viewer{
		UserID: r.UserID, SessionID: r.SessionID, Name: r.Name, Email: r.Email, Role: r.Role,
		OrgID: r.OrgID, OrgName: r.OrgName, Lang: r.Lang,
	}
	// Served from memory only until the database must mark it as seen
	// again, and never past its absolute end.
	seenAt := time.Now().Add(-time.Duration(r.SeenAgo * float64(time.Second)))
	notAfter := seenAt.Add(s.touch)
	if r.ExpiresAt.Before(notAfter) {
		notAfter = r.ExpiresAt
	}
	s.memo.Put(ticket, string(hash), r.UserID, cachedViewer{v}, notAfter)
	return &v, nil
}

// Delete ends one session.
func (s *Sessions) Delete(ctx context.Context, sessionID int64) error {
	var userIDs []int64
	if err := s.db.SelectContext(ctx, &userIDs, `DELETE FROM sessions WHERE id = $1 RETURNING user_id`, sessionID); err != nil {
		return fmt.Errorf("auth: delete session %d: %w", sessionID, err)
	}
	for _, id := range userIDs { // at once here; other instances hear it from the database
		s.memo.DropOwner(id)
	}
	return nil
}

// EndAll ends every session of a user except keep (0 keeps none).
func EndAll(ctx context.Context, db sqlx.ExecerContext, userID, keep int64) error {
	if _, err := db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, keep); err != nil {
		return fmt.Errorf("auth: end sessions of user %d: %w", userID, err)
	}
	return nil
}

// Subscribe keeps the session cache in step with the database.
func (a *Auth) Subscribe(l *database.Listener) { a.sessions.Subscribe(l) }

// RunCleanUp removes ended login throttle windows and expired device
// cookies every five minutes until ctx ends (see the README's privacy
// section for the retention).
func (a *Auth) RunCleanUp(ctx context.Context) {
	a.throttle.RunCleanUp(ctx, 5*time.Minute, func(err error) { a.log.Warn("login clean-up", "error", err.Error()) })
}

// Forget drops this instance's cached sessions of a person at once, after a
// change to their account that their next request must see; the other
// instances hear of it from the database.
func (a *Auth) Forget(userID int64) { a.sessions.memo.DropOwner(userID) }
