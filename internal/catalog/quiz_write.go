package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"nabij.be/leerplatform/internal/content"
)

// StoredQuiz reads a module's published quiz in the quiz.yaml shape, each
// option with its permanent key as id. The importer compares it with the
// file; the quiz editor and the export start from it.
func StoredQuiz(ctx context.Context, q sqlx.QueryerContext, moduleID int64) (content.Quiz, error) {
	var quiz content.Quiz
	if err := sqlx.GetContext(ctx, q, &quiz.PassMark, `SELECT pass_mark FROM modules WHERE id = $1`, moduleID); err != nil {
		return quiz, fmt.Errorf("catalog: quiz of module %d: %w", moduleID, err)
	}
	var rows []struct {
		QID         int64   `db:"qid"`
		Slug        string  `db:"slug"`
		Kind        string  `db:"kind"`
		QText       string  `db:"qtext"`
		Key         *string `db:"key"`
		Text        *string `db:"text"`
		Correct     *bool   `db:"correct"`
		Explanation *string `db:"explanation"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT q.id AS qid, q.slug, q.kind, q.text AS qtext, o.key, o.text, o.correct, o.explanation
		FROM questions q LEFT JOIN options o ON o.question_id = q.id
		WHERE q.module_id = $1 ORDER BY q.position, q.id, o.position, o.id`, moduleID)
	if err != nil {
		return quiz, fmt.Errorf("catalog: quiz of module %d: %w", moduleID, err)
	}
	var last int64
	for _, r := range rows {
		if r.QID != last {
			quiz.Questions = append(quiz.Questions, content.Question{ID: r.Slug, Kind: r.Kind, Text: r.QText})
			last = r.QID
		}
		if r.Text != nil {
			qu := &quiz.Questions[len(quiz.Questions)-1]
			qu.Options = append(qu.Options, content.Option{ID: *r.Key, Text: *r.Text, Correct: *r.Correct, Explanation: *r.Explanation})
		}
	}
	return quiz, nil
}

// storedOption is an option row as WriteQuiz matches it.
type storedOption struct {
	ID       int64  `db:"id"`
	Key      string `db:"key"`
	Position int    `db:"position"`
	Text     string `db:"text"`
}

// WriteQuiz makes q the module's published quiz, for the importer and the
// quiz editor alike. Questions are kept by their slug and options by their
// key, so the rows that learners' answers point at stay the same rows when
// questions or options are reordered or reworded; positions only order
// them. Questions and options that q no longer has are removed (answers
// keep their own copy of what was shown). The module's pass mark is set
// too.
func WriteQuiz(ctx context.Context, tx *sqlx.Tx, moduleID int64, q content.Quiz) error {
	if _, err := tx.ExecContext(ctx, `UPDATE modules SET pass_mark = $2 WHERE id = $1 AND pass_mark <> $2`, moduleID, q.PassMark); err != nil {
		return fmt.Errorf("catalog: quiz of module %d: %w", moduleID, err)
	}
	keep := make([]string, 0, len(q.Questions))
	for i, qu := range q.Questions {
		keep = append(keep, qu.ID)
		var qid int64
		err := tx.GetContext(ctx, &qid, `
			INSERT INTO questions (module_id, slug, position, kind, text)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (module_id, slug) DO UPDATE SET position = EXCLUDED.position, kind = EXCLUDED.kind, text = EXCLUDED.text
			RETURNING id`, moduleID, qu.ID, i+1, qu.Kind, strings.TrimSpace(qu.Text))
		if err != nil {
			return fmt.Errorf("catalog: question %s: %w", qu.ID, err)
		}
		if err := writeOptions(ctx, tx, qid, qu); err != nil {
			return fmt.Errorf("catalog: question %s: %w", qu.ID, err)
		}
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM questions WHERE module_id = $1 AND NOT (slug = ANY($2))`, moduleID, pqArray(keep))
	if err != nil {
		return fmt.Errorf("catalog: quiz of module %d: %w", moduleID, err)
	}
	return nil
}

// writeOptions stores the options of one question, keeping each stored
// option that the written one is (see matchOptions).
func writeOptions(ctx context.Context, tx *sqlx.Tx, qid int64, qu content.Question) error {
	var stored []storedOption
	if err := tx.SelectContext(ctx, &stored, `SELECT id, key, position, text FROM options WHERE question_id = $1 ORDER BY position, id`, qid); err != nil {
		return err
	}
	match, keys := matchOptions(stored, qu.Options)
	kept := make([]int64, 0, len(qu.Options))
	for _, m := range match {
		if m >= 0 {
			kept = append(kept, stored[m].ID)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM options WHERE question_id = $1 AND NOT (id = ANY($2))`, qid, pqInt64s(kept)); err != nil {
		return err
	}
	// A kept option may take a key that another kept option gives up in
	// the same write: park the kept ones on unique temporary keys first.
	if _, err := tx.ExecContext(ctx, `UPDATE options SET key = 'tijdelijk-' || id WHERE question_id = $1`, qid); err != nil {
		return err
	}
	for j, o := range qu.Options {
		text, expl := strings.TrimSpace(o.Text), strings.TrimSpace(o.Explanation)
		var err error
		if m := match[j]; m >= 0 {
			_, err = tx.ExecContext(ctx, `UPDATE options SET key = $2, position = $3, text = $4, correct = $5, explanation = $6 WHERE id = $1`,
				stored[m].ID, keys[j], j+1, text, o.Correct, expl)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO options (question_id, key, position, text, correct, explanation) VALUES ($1, $2, $3, $4, $5, $6)`,
				qid, keys[j], j+1, text, o.Correct, expl)
		}
		if err != nil {
			return fmt.Errorf("option %d: %w", j+1, err)
		}
	}
	return nil
}

// matchOptions decides which stored option each written option is, and
// the key it keeps. A written option is, in this order: the stored option
// whose key is its id; else the one with the same text (options moved
// without ids in the file); else the one at its position whose text
// changed (an option reworded in place). match[j] is an index into stored,
// or -1 for a new option. keys[j] is the written id when given, otherwise
// the matched option's key, otherwise a key derived once from the text.
func matchOptions(stored []storedOption, written []content.Option) (match []int, keys []string) {
	match = make([]int, len(written))
	keys = make([]string, len(written))
	claimed := make([]bool, len(stored))
	explicit := map[string]bool{}
	for j := range match {
		match[j] = -1
		if id := written[j].ID; id != "" {
			explicit[id] = true
		}
	}
	claim := func(j, i int) {
		match[j], claimed[i] = i, true
	}
	for j, o := range written {
		if o.ID == "" {
			continue
		}
		for i, s := range stored {
			if !claimed[i] && s.Key == o.ID {
				claim(j, i)
				break
			}
		}
	}
	for j, o := range written {
		if match[j] >= 0 {
			continue
		}
		for i, s := range stored {
			// A stored option named by another written id is that one.
			if !claimed[i] && !explicit[s.Key] && s.Text == strings.TrimSpace(o.Text) {
				claim(j, i)
				break
			}
		}
	}
	for j := range written {
		if match[j] >= 0 {
			continue
		}
		for i, s := range stored {
			if !claimed[i] && !explicit[s.Key] && s.Position == j+1 {
				claim(j, i)
				break
			}
		}
	}
	used := map[string]bool{}
	for j, o := range written {
		switch {
		case o.ID != "":
			keys[j] = o.ID
		case match[j] >= 0 && !explicit[stored[match[j]].Key]:
			keys[j] = stored[match[j]].Key
		}
		if keys[j] != "" {
			used[keys[j]] = true
		}
	}
	for j, o := range written {
		if keys[j] != "" {
			continue
		}
		base := content.Slugify(o.Text, 40)
		if base == "" {
			base = "optie"
		}
		key := base
		for n := 2; used[key]; n++ {
			key = base + "-" + strconv.Itoa(n)
		}
		keys[j], used[key] = key, true
	}
	return match, keys
}

func pqInt64s(ids []int64) any { return pq.Array(ids) }
