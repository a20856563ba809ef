package feedback

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Message is one message sent with the accessibility statement's form.
type Message struct {
	ID        int64     `db:"id"`
	CreatedAt time.Time `db:"created_at"`
	Page      string    `db:"page"`
	Message   string    `db:"message"`
	Contact   string    `db:"contact"`
	UserName  string    `db:"user_name"` // "" when sent by a guest
	UserEmail string    `db:"user_email"`
}

// Store holds the feedback queries.
type Store struct{ db *sqlx.DB }

// NewStore returns the feedback store.
func NewStore(db *sqlx.DB) *Store { return &Store{db: db} }

// Add stores a message; userID is 0 for a guest.
func (s *Store) Add(ctx context.Context, page, message, contact string, userID int64) error {
	var user *int64
	if userID != 0 {
		user = &userID
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO accessibility_feedback (page, message, contact, user_id)
		VALUES ($1, $2, $3, $4)`, page, message, contact, user); err != nil {
		return fmt.Errorf("feedback: add: %w", err)
	}
	return nil
}

// Latest returns the newest messages, at most limit, and how many there
// are in all.
func Latest(ctx context.Context, db sqlx.QueryerContext, limit int) ([]Message, int, error) {
	var ms []Message
	if err := sqlx.SelectContext(ctx, db, &ms, `
		SELECT f.id, f.created_at, f.page, f.message, f.contact,
		       coalesce(u.full_name, '') AS user_name, coalesce(u.email, '') AS user_email
		FROM accessibility_feedback f LEFT JOIN users u ON u.id = f.user_id AND u.deleted_at IS NULL
		ORDER BY f.created_at DESC, f.id DESC LIMIT $1`, limit); err != nil {
		return nil, 0, fmt.Errorf("feedback: latest: %w", err)
	}
	var total int
	if err := sqlx.GetContext(ctx, db, &total, `SELECT count(*) FROM accessibility_feedback`); err != nil {
		return nil, 0, fmt.Errorf("feedback: count: %w", err)
	}
	return ms, total, nil
}
