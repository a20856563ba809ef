package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/learning"
)

// ImportReport says what an import changed.
type ImportReport struct {
	Changes []string
	// Conflicts are lessons that a trainer changed in the browser and that
	// the import left alone because the file differs (or is gone); an
	// import with Force overwrites them.
	Conflicts []string
	// Items holds the same lines as Changes and Conflicts, in order, as
	// translation keys with arguments, for pages in the user's language.
	Items []ReportItem
}

// ReportItem is one line of an import report: an i18n key ("import." +
// Key) and its arguments.
type ReportItem struct {
	Key      string
	Args     []any
	Conflict bool
}

// reportLines are the English lines of the report, as printed by
// `nabij import`; the pages use the i18n catalogue's "import.*" texts.
var reportLines = map[string]string{
	"module.added":         "module %s: added",
	"module.updated":       "module %s: updated",
	"lesson.added":         "lesson %s/%s: added",
	"lesson.updated":       "lesson %s/%s: updated",
	"lesson.moved":         "lesson %s/%s: moved",
	"lesson.removed":       "lesson %s/%s: removed",
	"conflict.module":      "module %s: title, summary, minutes, intro or policy summary edited in the browser and changed in %s/module.md; kept the browser version (import with --force to overwrite)",
	"conflict.quiz":        "module %s: quiz edited in the browser and changed in %s/quiz.yaml; kept the browser version (import with --force to overwrite)",
	"conflict.order":       "module %s: lessons reordered in the browser and ordered differently in the files; kept the browser order (import with --force to overwrite)",
	"conflict.lesson":      "lesson %s/%s: edited in the browser and changed in %s; kept the browser version (import with --force to overwrite)",
	"conflict.lesson_gone": "lesson %s/%s: edited in the browser and not in the import; kept (import with --force to remove)",
}

// change records a change; key names its line in reportLines.
func (r *ImportReport) change(key string, args ...any) {
	r.Changes = append(r.Changes, fmt.Sprintf(reportLines[key], args...))
	r.Items = append(r.Items, ReportItem{Key: key, Args: args})
}

// conflict records a conflict; key names its line in reportLines.
func (r *ImportReport) conflict(key string, args ...any) {
	r.Conflicts = append(r.Conflicts, fmt.Sprintf(reportLines[key], args...))
	r.Items = append(r.Items, ReportItem{Key: key, Args: args, Conflict: true})
}

// NoChanges reports whether the import left the database as it was.
func (r ImportReport) NoChanges() bool { return len(r.Changes) == 0 }

func (r ImportReport) String() string {
	lines := r.Changes
	if r.NoChanges() {
		lines = []string{"no changes"}
	}
	for _, c := range r.Conflicts {
		lines = append(lines, "conflict: "+c)
	}
	return strings.Join(lines, "\n")
}

// ImportOptions changes how an import treats lessons edited in the browser.
type ImportOptions struct {
	// Force overwrites (or removes) lessons that a trainer changed in the
	// browser; without it they are reported as conflicts and skipped.
	Force bool
}

// Importer loads a parsed course into the database.
type Importer struct {
	db       *sqlx.DB
	renderer *content.Renderer
}

// NewImporter returns an importer that renders Markdown with renderer.
func NewImporter(db *sqlx.DB, renderer *content.Renderer) *Importer {
	return &Importer{db: db, renderer: renderer}
}

// Import upserts every module of c by slug in one transaction: all or
// nothing. Unchanged modules and lessons are left alone, so a second run
// reports no changes. Lesson HTML is rendered here, once.
func (im *Importer) Import(ctx context.Context, c *content.Course) (ImportReport, error) {
	return im.ImportWith(ctx, c, ImportOptions{})
}

// ImportWith is Import with options. A lesson that a trainer changed in the
// browser (lessons.edited_in_browser_at) is never silently overwritten:
// when its file is unchanged since the last import it is left alone; when
// the file differs or is gone it is reported in Conflicts and skipped,
// unless opts.Force. The rest of the import still runs in one transaction.
func (im *Importer) ImportWith(ctx context.Context, c *content.Course, opts ImportOptions) (ImportReport, error) {
	var rep ImportReport
	err := database.WithTx(ctx, im.db, func(tx *sqlx.Tx) error {
		for _, m := range c.Modules {
			if err := im.importModule(ctx, tx, &m, opts, &rep); err != nil {
				return fmt.Errorf("catalog: import %s: %w", m.Dir, err)
			}
		}
		return nil
	})
	if err != nil {
		return ImportReport{}, err
	}
	return rep, nil
}

// moduleRow is what the importer compares a module.md and quiz.yaml with.
type moduleRow struct {
	ID           int64   `db:"id"`
	SourceHash   string  `db:"source_hash"`
	Position     int     `db:"position"`
	Title        string  `db:"title"`
	Summary      string  `db:"summary"`
	Minutes      int     `db:"minutes"`
	IntroMD      string  `db:"intro_md"`
	PolicyMD     string  `db:"policy_md"`
	FieldsEdited bool    `db:"fields_edited"`
	QuizEdited   bool    `db:"quiz_edited"`
	OrderEdited  bool    `db:"order_edited"`
	FieldsHash   *string `db:"source_fields_hash"`
	QuizHash     *string `db:"source_quiz_hash"`
	Order        *string `db:"source_order"`
}

// fieldsHash and quizHash identify what module.md's fields and quiz.yaml
// said at an import, so that a later import can tell whether the file
// changed since.
func fieldsHash(m *content.Module) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{m.Title, m.Summary, fmt.Sprint(m.Minutes), m.IntroMD, m.PolicyMD}, "\x00")))
	return hex.EncodeToString(sum[:])
}

func quizHash(q content.Quiz) string {
	// Compare texts as the importer stores them: trimmed.
	n := content.Quiz{PassMark: q.PassMark}
	for _, qu := range q.Questions {
		c := content.Question{ID: qu.ID, Kind: qu.Kind, Text: strings.TrimSpace(qu.Text)}
		for _, o := range qu.Options {
			c.Options = append(c.Options, content.Option{Text: strings.TrimSpace(o.Text), Correct: o.Correct, Explanation: strings.TrimSpace(o.Explanation)})
		}
		n.Questions = append(n.Questions, c)
	}
	b, _ := json.Marshal(n)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func lessonOrder(m *content.Module) string {
	slugs := make([]string, len(m.Lessons))
	for i, l := range m.Lessons {
		slugs[i] = l.Slug
	}
	return strings.Join(slugs, ",")
}

// importModule upserts one module. Its fields, its quiz and its lesson
// order follow the rule for lessons: a part that a trainer changed in the
// browser is kept when its file is unchanged since the last import, and is
// reported as a conflict and kept when the file changed, unless opts.Force.
func (im *Importer) importModule(ctx context.Context, tx *sqlx.Tx, m *content.Module, opts ImportOptions, rep *ImportReport) error {
	base := "/media/" + m.Slug + "/"
	var existing moduleRow
	err := tx.GetContext(ctx, &existing, `
		SELECT id, source_hash, position, title, summary, minutes, intro_md, policy_md,
			fields_edited_in_browser_at IS NOT NULL AS fields_edited, quiz_edited_in_browser_at IS NOT NULL AS quiz_edited,
			order_edited_in_browser_at IS NOT NULL AS order_edited, source_fields_hash, source_quiz_hash, source_order
		FROM modules WHERE slug = $1 FOR UPDATE`, m.Slug)
	err = database.NotFound(err)
	if err != nil && err != database.ErrNotFound {
		return err
	}
	moduleID := existing.ID
	fHash, qHash := fieldsHash(m), quizHash(m.Quiz)
	// keepFields and keepQuiz: the browser version stays.
	keepFields := existing.FieldsEdited && !opts.Force
	keepQuiz := existing.QuizEdited && !opts.Force
	if keepFields && (existing.FieldsHash == nil || *existing.FieldsHash != fHash) &&
		(existing.Title != m.Title || existing.Summary != m.Summary || existing.Minutes != m.Minutes ||
			strings.TrimSpace(existing.IntroMD) != strings.TrimSpace(m.IntroMD) || strings.TrimSpace(existing.PolicyMD) != strings.TrimSpace(m.PolicyMD)) {
		rep.conflict("conflict.module", m.Slug, m.Dir)
	}
	if keepQuiz && (existing.QuizHash == nil || *existing.QuizHash != qHash) {
		cur, err := StoredQuiz(ctx, tx, existing.ID)
		if err != nil {
			return err
		}
		if quizHash(cur) != qHash {
			rep.conflict("conflict.quiz", m.Slug, m.Dir)
		}
	}
	if err == database.ErrNotFound || existing.SourceHash != m.Hash || existing.Position != m.Position ||
		(opts.Force && (existing.FieldsEdited || existing.QuizEdited)) {
		intro, err := im.renderer.Render(m.IntroMD, base)
		if err != nil {
			return err
		}
		policy, err := im.renderer.Render(m.PolicyMD, base)
		if err != nil {
			return err
		}
		// $12 and $13 keep the browser's fields and quiz (pass mark) as
		// they are.
		err = tx.GetContext(ctx, &moduleID, `
			INSERT INTO modules (slug, position, title, summary, minutes, intro_md, intro_html, policy_md, policy_html, pass_mark, source_hash,
				source_fields_hash, source_quiz_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $14, $15)
			ON CONFLICT (slug) DO UPDATE SET
				position = EXCLUDED.position, source_hash = EXCLUDED.source_hash, updated_at = now(),
				title = CASE WHEN $12 THEN modules.title ELSE EXCLUDED.title END,
				summary = CASE WHEN $12 THEN modules.summary ELSE EXCLUDED.summary END,
				minutes = CASE WHEN $12 THEN modules.minutes ELSE EXCLUDED.minutes END,
				intro_md = CASE WHEN $12 THEN modules.intro_md ELSE EXCLUDED.intro_md END,
				intro_html = CASE WHEN $12 THEN modules.intro_html ELSE EXCLUDED.intro_html END,
				policy_md = CASE WHEN $12 THEN modules.policy_md ELSE EXCLUDED.policy_md END,
				policy_html = CASE WHEN $12 THEN modules.policy_html ELSE EXCLUDED.policy_html END,
				source_fields_hash = CASE WHEN $12 THEN modules.source_fields_hash ELSE EXCLUDED.source_fields_hash END,
				fields_edited_in_browser_at = CASE WHEN $12 THEN modules.fields_edited_in_browser_at END,
				pass_mark = CASE WHEN $13 THEN modules.pass_mark ELSE EXCLUDED.pass_mark END,
				source_quiz_hash = CASE WHEN $13 THEN modules.source_quiz_hash ELSE EXCLUDED.source_quiz_hash END,
				quiz_edited_in_browser_at = CASE WHEN $13 THEN modules.quiz_edited_in_browser_at END
			RETURNING id`,
			m.Slug, m.Position, m.Title, m.Summary, m.Minutes, m.IntroMD, intro, m.PolicyMD, policy, m.Quiz.PassMark, m.Hash,
			keepFields, keepQuiz, fHash, qHash)
		if err != nil {
			return err
		}
		if existing.ID == 0 {
			rep.change("module.added", m.Slug)
		} else {
			rep.change("module.updated", m.Slug)
		}
		if err := im.importMedia(ctx, tx, moduleID, m.Media, opts); err != nil {
			return err
		}
		if !keepQuiz {
			if err := WriteQuiz(ctx, tx, moduleID, m.Quiz); err != nil {
				return err
			}
		}
	}
	return im.importLessons(ctx, tx, moduleID, m, base, &existing, opts, rep)
}

func (im *Importer) importLessons(ctx context.Context, tx *sqlx.Tx, moduleID int64, m *content.Module, base string, mod *moduleRow, opts ImportOptions, rep *ImportReport) error {
	type row struct {
		Slug       string `db:"slug"`
		SourceHash string `db:"source_hash"`
		Position   int    `db:"position"`
		Edited     bool   `db:"edited"`
		Title      string `db:"title"`
		Minutes    int    `db:"minutes"`
		BodyMD     string `db:"body_md"`
	}
	var rows []row
	if err := tx.SelectContext(ctx, &rows, `SELECT slug, source_hash, position, edited_in_browser_at IS NOT NULL AS edited, title, minutes, body_md FROM lessons WHERE module_id = $1 ORDER BY position, id`, moduleID); err != nil {
		return err
	}
	old := map[string]row{}
	next := 1 // the position after the last lesson
	current := make([]string, 0, len(rows))
	for _, r := range rows {
		old[r.Slug] = r
		current = append(current, r.Slug)
		next = r.Position + 1
	}
	// A lesson order changed in the browser follows the rule for lessons:
	// kept when the files' order is unchanged since the last import, a
	// conflict (and kept) when it changed, unless opts.Force. Lessons new in
	// the files then go after the existing ones.
	order := lessonOrder(m)
	keepOrder := mod.OrderEdited && !opts.Force
	if keepOrder && (mod.Order == nil || *mod.Order != order) && strings.Join(current, ",") != order {
		rep.conflict("conflict.order", m.Slug)
	}
	keep := make([]string, 0, len(m.Lessons))
	for _, l := range m.Lessons {
		keep = append(keep, l.Slug)
		o, found := old[l.Slug]
		pos := l.Position
		if keepOrder {
			if found {
				pos = o.Position
			} else {
				pos = next
				next++
			}
		}
		if found && o.SourceHash == l.Hash && o.Position == pos && !(o.Edited && opts.Force) {
			continue
		}
		if found && o.Edited && !opts.Force {
			// The trainer's browser version wins over an unchanged file; a
			// changed file is a conflict the trainer must resolve.
			// A file equal to the browser version (an exported ZIP) is no
			// conflict.
			same := o.Title == l.Title && o.Minutes == l.Minutes && strings.TrimSpace(o.BodyMD) == strings.TrimSpace(l.BodyMD)
			if o.SourceHash != l.Hash && !same {
				rep.conflict("conflict.lesson", m.Slug, l.Slug, l.File)
			}
			if o.Position != pos {
				if _, err := tx.ExecContext(ctx, `UPDATE lessons SET position = $3 WHERE module_id = $1 AND slug = $2`, moduleID, l.Slug, pos); err != nil {
					return fmt.Errorf("lesson %s: %w", l.Slug, err)
				}
				rep.change("lesson.moved", m.Slug, l.Slug)
			}
			continue
		}
		html, err := im.renderer.Render(l.BodyMD, base)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO lessons (module_id, slug, position, title, minutes, body_md, body_html, body_text, source_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (module_id, slug) DO UPDATE SET
				position = EXCLUDED.position, title = EXCLUDED.title, minutes = EXCLUDED.minutes,
				body_md = EXCLUDED.body_md, body_html = EXCLUDED.body_html, body_text = EXCLUDED.body_text,
				source_hash = EXCLUDED.source_hash, edited_in_browser_at = NULL, updated_at = now()`,
			moduleID, l.Slug, pos, l.Title, l.Minutes, l.BodyMD, html, im.renderer.PlainText(html), l.Hash)
		if err != nil {
			return fmt.Errorf("lesson %s: %w", l.Slug, err)
		}
		switch {
		case !found:
			rep.change("lesson.added", m.Slug, l.Slug)
		case o.SourceHash != l.Hash:
			rep.change("lesson.updated", m.Slug, l.Slug)
		default:
			rep.change("lesson.moved", m.Slug, l.Slug)
		}
	}
	var removed []string
	err := tx.SelectContext(ctx, &removed, `DELETE FROM lessons WHERE module_id = $1 AND NOT (slug = ANY($2)) AND (edited_in_browser_at IS NULL OR $3) RETURNING slug`, moduleID, pqArray(keep), opts.Force)
	if err != nil {
		return err
	}
	var kept []string
	err = tx.SelectContext(ctx, &kept, `SELECT slug FROM lessons WHERE module_id = $1 AND NOT (slug = ANY($2)) ORDER BY position`, moduleID, pqArray(keep))
	if err != nil {
		return err
	}
	for _, s := range kept {
		rep.conflict("conflict.lesson_gone", m.Slug, s)
	}
	for _, s := range removed {
		rep.change("lesson.removed", m.Slug, s)
	}
	if !keepOrder {
		// The files' order is the order now: remember it.
		if _, err := tx.ExecContext(ctx, `UPDATE modules SET source_order = $2, order_edited_in_browser_at = NULL
			WHERE id = $1 AND (source_order IS DISTINCT FROM $2 OR order_edited_in_browser_at IS NOT NULL)`, moduleID, order); err != nil {
			return err
		}
	}
	if len(removed) > 0 {
		// The removed lessons' progress went with them: keep the stored
		// progress of the module's learners truthful, in this transaction.
		return learning.RecountModule(ctx, tx, moduleID)
	}
	return nil
}

// importMedia upserts the module's images. Images that trainers uploaded
// in the browser (named upload-…) stay unless opts.Force: lessons kept as
// browser edits may show them.
func (im *Importer) importMedia(ctx context.Context, tx *sqlx.Tx, moduleID int64, media []content.Media, opts ImportOptions) error {
	keep := make([]string, 0, len(media))
	for _, f := range media {
		keep = append(keep, f.Name)
		sum := sha256.Sum256(f.Data)
		_, err := tx.ExecContext(ctx, `
			INSERT INTO media (module_id, name, content_type, data, sha256) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (module_id, name) DO UPDATE SET content_type = EXCLUDED.content_type, data = EXCLUDED.data, sha256 = EXCLUDED.sha256
			WHERE media.sha256 <> EXCLUDED.sha256`,
			moduleID, f.Name, f.ContentType, f.Data, hex.EncodeToString(sum[:]))
		if err != nil {
			return fmt.Errorf("media %s: %w", f.Name, err)
		}
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM media WHERE module_id = $1 AND NOT (name = ANY($2)) AND ($3 OR name NOT LIKE 'upload-%')`, moduleID, pqArray(keep), opts.Force)
	return err
}

func pqArray(s []string) any { return pq.Array(s) }
