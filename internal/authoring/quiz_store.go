package authoring

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/database"
)

// Quiz returns a module's quiz in the course-folder shape.
func (s *Store) Quiz(ctx context.Context, moduleID int64) (content.Quiz, error) {
	return loadQuiz(ctx, s.db, moduleID)
}

func loadQuiz(ctx context.Context, q sqlx.QueryerContext, moduleID int64) (content.Quiz, error) {
	var quiz content.Quiz
	if err := sqlx.GetContext(ctx, q, &quiz.PassMark, `SELECT pass_mark FROM modules WHERE id = $1`, moduleID); err != nil {
		return quiz, fmt.Errorf("authoring: quiz of module %d: %w", moduleID, database.NotFound(err))
	}
	var rows []struct {
		QID         int64   `db:"qid"`
		Slug        string  `db:"slug"`
		Kind        string  `db:"kind"`
		QText       string  `db:"qtext"`
		Text        *string `db:"text"`
		Correct     *bool   `db:"correct"`
		Explanation *string `db:"explanation"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT q.id AS qid, q.slug, q.kind, q.text AS qtext, o.text, o.correct, o.explanation
		FROM questions q LEFT JOIN options o ON o.question_id = q.id
		WHERE q.module_id = $1 ORDER BY q.position, q.id, o.position`, moduleID)
	if err != nil {
		return quiz, fmt.Errorf("authoring: quiz of module %d: %w", moduleID, err)
	}
	var last int64
	for _, r := range rows {
		if r.QID != last {
			quiz.Questions = append(quiz.Questions, content.Question{ID: r.Slug, Kind: r.Kind, Text: r.QText})
			last = r.QID
		}
		if r.Text != nil {
			qu := &quiz.Questions[len(quiz.Questions)-1]
			qu.Options = append(qu.Options, content.Option{Text: *r.Text, Correct: *r.Correct, Explanation: *r.Explanation})
		}
	}
	return quiz, nil
}

// SaveQuiz checks a quiz with the importer's rules and, when it passes,
// makes it the module's published quiz. Questions are updated in place by
// id so that learners' past answers keep pointing at them. It returns the
// problems in Dutch when the quiz is refused.
func (s *Store) SaveQuiz(ctx context.Context, moduleID int64, q content.Quiz) (content.Problems, error) {
	if ps := content.CheckQuiz("quiz", q, nil); len(ps) > 0 {
		return ps, nil
	}
	return nil, database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE modules SET pass_mark = $2, updated_at = now() WHERE id = $1`, moduleID, q.PassMark); err != nil {
			return fmt.Errorf("authoring: save quiz: %w", err)
		}
		keep := make([]string, 0, len(q.Questions))
		// Move positions out of the way: questions may have been reordered.
		if _, err := tx.ExecContext(ctx, `UPDATE questions SET position = -position WHERE module_id = $1`, moduleID); err != nil {
			return fmt.Errorf("authoring: save quiz: %w", err)
		}
		for i, qu := range q.Questions {
			keep = append(keep, qu.ID)
			var qid int64
			err := tx.GetContext(ctx, &qid, `
				INSERT INTO questions (module_id, slug, position, kind, text) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (module_id, slug) DO UPDATE SET position = EXCLUDED.position, kind = EXCLUDED.kind, text = EXCLUDED.text
				RETURNING id`, moduleID, qu.ID, i+1, qu.Kind, strings.TrimSpace(qu.Text))
			if err != nil {
				return fmt.Errorf("authoring: save question %s: %w", qu.ID, err)
			}
			for j, o := range qu.Options {
				_, err := tx.ExecContext(ctx, `
					INSERT INTO options (question_id, position, text, correct, explanation) VALUES ($1, $2, $3, $4, $5)
					ON CONFLICT (question_id, position) DO UPDATE SET text = EXCLUDED.text, correct = EXCLUDED.correct, explanation = EXCLUDED.explanation`,
					qid, j+1, strings.TrimSpace(o.Text), o.Correct, strings.TrimSpace(o.Explanation))
				if err != nil {
					return fmt.Errorf("authoring: save question %s option %d: %w", qu.ID, j+1, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM options WHERE question_id = $1 AND position > $2`, qid, len(qu.Options)); err != nil {
				return fmt.Errorf("authoring: save question %s: %w", qu.ID, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM questions WHERE module_id = $1 AND NOT (slug = ANY($2))`, moduleID, pqStrings(keep)); err != nil {
			return fmt.Errorf("authoring: save quiz: %w", err)
		}
		return nil
	})
}
