package authoring

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"go.yaml.in/yaml/v3"

	"nabij.be/leerplatform/internal/catalog"
	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/database"
)

// Quiz returns a module's quiz in the course-folder shape.
func (s *Store) Quiz(ctx context.Context, moduleID int64) (content.Quiz, error) {
	return catalog.StoredQuiz(ctx, s.db, moduleID)
}

// QuizRevision is one saved version of a module's quiz.
type QuizRevision struct {
	ID        int64     `db:"id"`
	Version   int       `db:"version"`
	YAML      string    `db:"quiz_yaml"`
	Published bool      `db:"published"`
	Author    string    `db:"author"`
	CreatedAt time.Time `db:"created_at"`
}

// Quiz decodes the revision's quiz.
func (r *QuizRevision) Quiz() (content.Quiz, error) {
	var q content.Quiz
	if err := yaml.Unmarshal([]byte(r.YAML), &q); err != nil {
		return q, fmt.Errorf("authoring: quiz revision %d: %w", r.ID, err)
	}
	return q, nil
}

// QuizDraft is the quiz as the editor shows it: the newest revision when it
// is not published yet (the draft), otherwise the published quiz. Version
// is the newest revision's number (0 when the quiz was never saved in the
// browser); Pending says whether the draft differs from what learners see.
type QuizDraft struct {
	Quiz    content.Quiz
	Version int
	Pending bool
}

// QuizDraft returns the quiz the editor starts from.
func (s *Store) QuizDraft(ctx context.Context, moduleID int64) (QuizDraft, error) {
	var d QuizDraft
	var last QuizRevision
	err := s.db.GetContext(ctx, &last, `
		SELECT id, version, quiz_yaml, published, '' AS author, created_at FROM quiz_revisions
		WHERE module_id = $1 ORDER BY version DESC LIMIT 1`, moduleID)
	switch {
	case err == nil && !last.Published:
		q, err := last.Quiz()
		return QuizDraft{Quiz: q, Version: last.Version, Pending: true}, err
	case err == nil:
		d.Version = last.Version
	case !errors.Is(err, sql.ErrNoRows):
		return d, fmt.Errorf("authoring: quiz draft of module %d: %w", moduleID, err)
	}
	d.Quiz, err = s.Quiz(ctx, moduleID)
	return d, err
}

// SaveQuiz stores the quiz as a new revision (the draft), based on version
// base (the newest revision the trainer's form started from); when another
// trainer saved in between, nothing is stored and the error is ErrStale.
// With publish it also checks the quiz with the importer's rules and, when
// it passes, makes it the module's published quiz. It returns the saved
// version, and the problems in Dutch when publishing was refused (the draft
// is then kept).
func (s *Store) SaveQuiz(ctx context.Context, moduleID int64, q content.Quiz, base int, publish bool, author int64) (int, content.Problems, error) {
	src, err := yaml.Marshal(q)
	if err != nil {
		return 0, nil, fmt.Errorf("authoring: save quiz: %w", err)
	}
	var version int
	var ps content.Problems
	err = database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		// The module row serialises saves of its quiz.
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM modules WHERE id = $1 FOR UPDATE`, moduleID); err != nil {
			return fmt.Errorf("authoring: save quiz: %w", err)
		}
		var cur int
		if err := tx.GetContext(ctx, &cur, `SELECT coalesce(max(version), 0) FROM quiz_revisions WHERE module_id = $1`, moduleID); err != nil {
			return fmt.Errorf("authoring: save quiz: %w", err)
		}
		if cur != base {
			return ErrStale
		}
		if cur == 0 {
			// The first save in the browser: the published (imported) quiz
			// becomes version 1 first, so that it can be restored.
			if err := addImportedQuizRevision(ctx, tx, moduleID); err != nil {
				return err
			}
			cur = 1
		}
		version = cur + 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO quiz_revisions (module_id, version, quiz_yaml, author_id) VALUES ($1, $2, $3, $4)`,
			moduleID, version, string(src), nullID(author)); err != nil {
			return fmt.Errorf("authoring: save quiz: %w", err)
		}
		if !publish {
			return nil
		}
		if ps = content.CheckQuiz("quiz", q, nil); len(ps) > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE quiz_revisions SET published = true WHERE module_id = $1 AND version = $2`, moduleID, version); err != nil {
			return fmt.Errorf("authoring: publish quiz: %w", err)
		}
		return publishQuiz(ctx, tx, moduleID, q)
	})
	if err != nil {
		return 0, nil, err
	}
	return version, ps, nil
}

// addImportedQuizRevision stores the module's published quiz as its
// revision 1, published, without an author.
func addImportedQuizRevision(ctx context.Context, tx *sqlx.Tx, moduleID int64) error {
	q, err := catalog.StoredQuiz(ctx, tx, moduleID)
	if err != nil {
		return err
	}
	src, err := yaml.Marshal(q)
	if err != nil {
		return fmt.Errorf("authoring: quiz revision 1: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO quiz_revisions (module_id, version, quiz_yaml, published) VALUES ($1, 1, $2, true)`, moduleID, string(src)); err != nil {
		return fmt.Errorf("authoring: quiz revision 1: %w", err)
	}
	return nil
}

// publishQuiz makes q the module's published quiz, through the same
// upsert as the importer, and marks the quiz as edited in the browser.
func publishQuiz(ctx context.Context, tx *sqlx.Tx, moduleID int64, q content.Quiz) error {
	if _, err := tx.ExecContext(ctx, `UPDATE modules SET quiz_edited_in_browser_at = now(), updated_at = now() WHERE id = $1`, moduleID); err != nil {
		return fmt.Errorf("authoring: save quiz: %w", err)
	}
	return catalog.WriteQuiz(ctx, tx, moduleID, q)
}

// quizRevisionSelect reads quiz revisions with their author's name.
const quizRevisionSelect = `
		SELECT r.id, r.version, r.quiz_yaml, r.published, coalesce(u.full_name, '') AS author, r.created_at
		FROM quiz_revisions r LEFT JOIN users u ON u.id = r.author_id`

// QuizRevisions lists a module's quiz revisions, newest first.
func (s *Store) QuizRevisions(ctx context.Context, moduleID int64) ([]QuizRevision, error) {
	var rs []QuizRevision
	err := s.db.SelectContext(ctx, &rs, quizRevisionSelect+`
		WHERE r.module_id = $1 ORDER BY r.version DESC`, moduleID)
	if err != nil {
		return nil, fmt.Errorf("authoring: quiz revisions of module %d: %w", moduleID, err)
	}
	return rs, nil
}

// QuizRevision returns one quiz revision of a module.
func (s *Store) QuizRevision(ctx context.Context, moduleID, id int64) (*QuizRevision, error) {
	var r QuizRevision
	err := s.db.GetContext(ctx, &r, quizRevisionSelect+`
		WHERE r.module_id = $1 AND r.id = $2`, moduleID, id)
	if err != nil {
		return nil, fmt.Errorf("authoring: quiz revision %d: %w", id, database.NotFound(err))
	}
	return &r, nil
}

// RestoreQuizRevision makes an old revision the quiz's draft again, as a
// new revision. It does not publish.
func (s *Store) RestoreQuizRevision(ctx context.Context, moduleID, id, author int64) (int, error) {
	var version int
	err := database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM modules WHERE id = $1 FOR UPDATE`, moduleID); err != nil {
			return fmt.Errorf("authoring: restore quiz revision %d: %w", id, err)
		}
		err := tx.GetContext(ctx, &version, `
			INSERT INTO quiz_revisions (module_id, version, quiz_yaml, author_id)
			SELECT $1, (SELECT max(version) + 1 FROM quiz_revisions WHERE module_id = $1), quiz_yaml, $3
			FROM quiz_revisions WHERE module_id = $1 AND id = $2
			RETURNING version`, moduleID, id, nullID(author))
		if err != nil {
			return fmt.Errorf("authoring: restore quiz revision %d: %w", id, database.NotFound(err))
		}
		return nil
	})
	return version, err
}
