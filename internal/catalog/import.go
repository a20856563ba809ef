package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

func (im *Importer) importModule(ctx context.Context, tx *sqlx.Tx, m *content.Module, opts ImportOptions, rep *ImportReport) error {
	base := "/media/" + m.Slug + "/"
	var existing struct {
		ID         int64  `db:"id"`
		SourceHash string `db:"source_hash"`
		Position   int    `db:"position"`
	}
	err := tx.GetContext(ctx, &existing, `SELECT id, source_hash, position FROM modules WHERE slug = $1`, m.Slug)
	err = database.NotFound(err)
	if err != nil && err != database.ErrNotFound {
		return err
	}
	moduleID := existing.ID
	if err == database.ErrNotFound || existing.SourceHash != m.Hash || existing.Position != m.Position {
		intro, err := im.renderer.Render(m.IntroMD, base)
		if err != nil {
			return err
		}
		policy, err := im.renderer.Render(m.PolicyMD, base)
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &moduleID, `
			INSERT INTO modules (slug, position, title, summary, minutes, intro_md, intro_html, policy_md, policy_html, pass_mark, source_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (slug) DO UPDATE SET
				position = EXCLUDED.position, title = EXCLUDED.title, summary = EXCLUDED.summary,
				minutes = EXCLUDED.minutes, intro_md = EXCLUDED.intro_md, intro_html = EXCLUDED.intro_html,
				policy_md = EXCLUDED.policy_md, policy_html = EXCLUDED.policy_html,
				pass_mark = EXCLUDED.pass_mark, source_hash = EXCLUDED.source_hash, updated_at = now()
			RETURNING id`,
			m.Slug, m.Position, m.Title, m.Summary, m.Minutes, m.IntroMD, intro, m.PolicyMD, policy, m.Quiz.PassMark, m.Hash)
		if err != nil {
			return err
		}
		if existing.ID == 0 {
			rep.Changes = append(rep.Changes, fmt.Sprintf("module %s: added", m.Slug))
		} else {
			rep.Changes = append(rep.Changes, fmt.Sprintf("module %s: updated", m.Slug))
		}
		if err := im.importMedia(ctx, tx, moduleID, m.Media, opts); err != nil {
			return err
		}
		if err := im.importQuiz(ctx, tx, moduleID, m.Quiz); err != nil {
			return err
		}
	}
	return im.importLessons(ctx, tx, moduleID, m, base, opts, rep)
}

func (im *Importer) importLessons(ctx context.Context, tx *sqlx.Tx, moduleID int64, m *content.Module, base string, opts ImportOptions, rep *ImportReport) error {
	type row struct {
		Slug       string `db:"slug"`
		SourceHash string `db:"source_hash"`
		Position   int    `db:"position"`
		Edited     bool   `db:"edited"`
	}
	var rows []row
	if err := tx.SelectContext(ctx, &rows, `SELECT slug, source_hash, position, edited_in_browser_at IS NOT NULL AS edited FROM lessons WHERE module_id = $1`, moduleID); err != nil {
		return err
	}
	old := map[string]row{}
	for _, r := range rows {
		old[r.Slug] = r
	}
	// Positions are unique per module only after the import, so move the
	// existing ones out of the way first when the order changes.
	keep := make([]string, 0, len(m.Lessons))
	for _, l := range m.Lessons {
		keep = append(keep, l.Slug)
		o, found := old[l.Slug]
		if found && o.SourceHash == l.Hash && o.Position == l.Position && !(o.Edited && opts.Force) {
			continue
		}
		if found && o.Edited && !opts.Force {
			// The trainer's browser version wins over an unchanged file; a
			// changed file is a conflict the trainer must resolve.
			if o.SourceHash != l.Hash {
				rep.Conflicts = append(rep.Conflicts, fmt.Sprintf("lesson %s/%s: edited in the browser and changed in %s; kept the browser version (import with --force to overwrite)", m.Slug, l.Slug, l.File))
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
			moduleID, l.Slug, l.Position, l.Title, l.Minutes, l.BodyMD, html, im.renderer.PlainText(html), l.Hash)
		if err != nil {
			return fmt.Errorf("lesson %s: %w", l.Slug, err)
		}
		switch {
		case !found:
			rep.Changes = append(rep.Changes, fmt.Sprintf("lesson %s/%s: added", m.Slug, l.Slug))
		case o.SourceHash != l.Hash:
			rep.Changes = append(rep.Changes, fmt.Sprintf("lesson %s/%s: updated", m.Slug, l.Slug))
		default:
			rep.Changes = append(rep.Changes, fmt.Sprintf("lesson %s/%s: moved", m.Slug, l.Slug))
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
		rep.Conflicts = append(rep.Conflicts, fmt.Sprintf("lesson %s/%s: edited in the browser and not in the import; kept (import with --force to remove)", m.Slug, s))
	}
	for _, s := range removed {
		rep.Changes = append(rep.Changes, fmt.Sprintf("lesson %s/%s: removed", m.Slug, s))
	}
	if len(removed) > 0 {
		// The removed lessons' progress went with them: keep the stored
		// progress of the module's learners truthful, in this transaction.
		return learning.RecountModule(ctx, tx, moduleID)
	}
	return nil
}

func (im *Importer) importQuiz(ctx context.Context, tx *sqlx.Tx, moduleID int64, q content.Quiz) error {
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
			return fmt.Errorf("question %s: %w", qu.ID, err)
		}
		for j, o := range qu.Options {
			_, err := tx.ExecContext(ctx, `
				INSERT INTO options (question_id, position, text, correct, explanation)
				VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (question_id, position) DO UPDATE SET text = EXCLUDED.text, correct = EXCLUDED.correct, explanation = EXCLUDED.explanation`,
				qid, j+1, strings.TrimSpace(o.Text), o.Correct, strings.TrimSpace(o.Explanation))
			if err != nil {
				return fmt.Errorf("question %s option %d: %w", qu.ID, j+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM options WHERE question_id = $1 AND position > $2`, qid, len(qu.Options)); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM questions WHERE module_id = $1 AND NOT (slug = ANY($2))`, moduleID, pqArray(keep))
	return err
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
