// Package authoring is the trainer area (/auteur): modules, lessons with
// drafts, revisions and publishing, the quiz editor, image upload, and the
// export and import of modules in the course-folder format.
package authoring

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/database"
)

// ErrStale is returned when a save is based on an older version of a
// lesson than the one stored: another trainer saved in between.
var ErrStale = errors.New("authoring: stale version")

// ErrSlugTaken is returned when a new lesson's slug is already in use.
var ErrSlugTaken = errors.New("authoring: slug taken")

// Store holds the authoring SQL.
type Store struct {
	db *sqlx.DB
	md *content.Renderer
}

// NewStore returns a store on db that renders Markdown with md.
func NewStore(db *sqlx.DB, md *content.Renderer) *Store { return &Store{db: db, md: md} }

// Module is a module as the trainer edits it.
type Module struct {
	ID       int64     `db:"id"`
	Slug     string    `db:"slug"`
	Position int       `db:"position"`
	Title    string    `db:"title"`
	Summary  string    `db:"summary"`
	Minutes  int       `db:"minutes"`
	IntroMD  string    `db:"intro_md"`
	PolicyMD string    `db:"policy_md"`
	PassMark int       `db:"pass_mark"`
	Updated  time.Time `db:"updated_at"`
}

// LessonItem is a lesson in the trainer's list: published, draft or both.
type LessonItem struct {
	Slug      string        `db:"slug"`
	Title     string        `db:"title"`
	Position  sql.NullInt64 `db:"position"` // NULL for a lesson never published
	LessonID  sql.NullInt64 `db:"lesson_id"`
	Version   int           `db:"version"`
	Published int           `db:"published_version"`
}

// Pending reports whether the lesson has saved changes not yet published.
func (l LessonItem) Pending() bool { return l.Version > 0 && l.Version != l.Published }

// IsPublished reports whether learners can see the lesson.
func (l LessonItem) IsPublished() bool { return l.LessonID.Valid }

// Draft is the working copy of a lesson as the editor shows it. A lesson
// that was never edited in the browser has Version 0 and the published text.
type Draft struct {
	ID        int64         `db:"id"`
	ModuleID  int64         `db:"module_id"`
	LessonID  sql.NullInt64 `db:"lesson_id"`
	Slug      string        `db:"slug"`
	Title     string        `db:"title"`
	Minutes   int           `db:"minutes"`
	BodyMD    string        `db:"body_md"`
	Version   int           `db:"version"`
	Published int           `db:"published_version"`
	UpdatedAt time.Time     `db:"updated_at"`
}

// Revision is one saved version of a lesson.
type Revision struct {
	ID        int64     `db:"id"`
	Version   int       `db:"version"`
	Title     string    `db:"title"`
	Minutes   int       `db:"minutes"`
	BodyMD    string    `db:"body_md"`
	Published bool      `db:"published"`
	Author    string    `db:"author"`
	CreatedAt time.Time `db:"created_at"`
}

// Modules lists all modules in order.
func (s *Store) Modules(ctx context.Context) ([]Module, error) {
	var ms []Module
	if err := s.db.SelectContext(ctx, &ms, `SELECT id, slug, position, title, summary, minutes, intro_md, policy_md, pass_mark, updated_at FROM modules ORDER BY position`); err != nil {
		return nil, fmt.Errorf("authoring: modules: %w", err)
	}
	return ms, nil
}

// Module returns one module by slug.
func (s *Store) Module(ctx context.Context, slug string) (*Module, error) {
	var m Module
	err := s.db.GetContext(ctx, &m, `SELECT id, slug, position, title, summary, minutes, intro_md, policy_md, pass_mark, updated_at FROM modules WHERE slug = $1`, slug)
	if err != nil {
		return nil, fmt.Errorf("authoring: module %q: %w", slug, database.NotFound(err))
	}
	return &m, nil
}

// ModuleFields are the module fields a trainer edits.
type ModuleFields struct {
	Title    string
	Summary  string
	Minutes  int
	IntroMD  string
	PolicyMD string
}

// UpdateModule stores a module's fields, rendering the Markdown once. base
// is the updated_at the trainer's form was based on: when the module changed
// since, nothing is stored and the error is ErrStale.
func (s *Store) UpdateModule(ctx context.Context, id int64, slug string, base time.Time, f ModuleFields) error {
	intro, err := s.md.Render(f.IntroMD, mediaBase(slug))
	if err != nil {
		return fmt.Errorf("authoring: render intro: %w", err)
	}
	policy, err := s.md.Render(f.PolicyMD, mediaBase(slug))
	if err != nil {
		return fmt.Errorf("authoring: render policy: %w", err)
	}
	res, err := s.db.ExecContext(ctx, `
		UPDATE modules SET title = $2, summary = $3, minutes = $4, intro_md = $5, intro_html = $6,
			policy_md = $7, policy_html = $8, fields_edited_in_browser_at = now(), updated_at = now()
		WHERE id = $1 AND date_trunc('microseconds', updated_at) = $9`, id, f.Title, f.Summary, f.Minutes, f.IntroMD, intro, f.PolicyMD, policy, base)
	if err != nil {
		return fmt.Errorf("authoring: update module %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrStale
	}
	return nil
}

// Lessons lists a module's published lessons in order, then the lessons
// that exist only as a draft.
func (s *Store) Lessons(ctx context.Context, moduleID int64) ([]LessonItem, error) {
	var ls []LessonItem
	err := s.db.SelectContext(ctx, &ls, `
		SELECT coalesce(l.slug, d.slug) AS slug, coalesce(d.title, l.title) AS title, l.position,
			coalesce(l.id, d.lesson_id) AS lesson_id, coalesce(d.version, 0) AS version,
			coalesce(d.published_version, 0) AS published_version
		FROM lessons l FULL JOIN lesson_drafts d ON d.lesson_id = l.id
		WHERE coalesce(l.module_id, d.module_id) = $1
		ORDER BY l.position NULLS LAST, d.id`, moduleID)
	if err != nil {
		return nil, fmt.Errorf("authoring: lessons of module %d: %w", moduleID, err)
	}
	return ls, nil
}

// Draft returns the working copy of a lesson, or its published text with
// Version 0 when it was never edited in the browser.
func (s *Store) Draft(ctx context.Context, moduleID int64, slug string) (*Draft, error) {
	var d Draft
	err := s.db.GetContext(ctx, &d, `
		SELECT id, module_id, lesson_id, slug, title, minutes, body_md, version, published_version, updated_at
		FROM lesson_drafts WHERE module_id = $1 AND slug = $2`, moduleID, slug)
	if err == nil {
		return &d, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("authoring: draft %q: %w", slug, err)
	}
	err = s.db.GetContext(ctx, &d, `
		SELECT 0 AS id, module_id, id AS lesson_id, slug, title, minutes, body_md, 0 AS version, 0 AS published_version, updated_at
		FROM lessons WHERE module_id = $1 AND slug = $2`, moduleID, slug)
	if err != nil {
		return nil, fmt.Errorf("authoring: lesson %q: %w", slug, database.NotFound(err))
	}
	return &d, nil
}

// LessonInput is what the editor form sends.
type LessonInput struct {
	Title   string
	Minutes int
	BodyMD  string
	// BaseVersion is the version the trainer's text was based on.
	BaseVersion int
}

// normaliseBody gives a body the shape the course-folder parser gives it,
// so that an export and re-import yields the same text.
func normaliseBody(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) + "\n"
}

// CreateLesson stores a new lesson as a draft only: learners do not see it
// until it is published.
func (s *Store) CreateLesson(ctx context.Context, moduleID int64, slug string, in LessonInput, author int64) error {
	return database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var taken bool
		if err := tx.GetContext(ctx, &taken, `SELECT EXISTS (SELECT 1 FROM lessons WHERE module_id = $1 AND slug = $2)`, moduleID, slug); err != nil {
			return fmt.Errorf("authoring: create lesson: %w", err)
		}
		if taken {
			return ErrSlugTaken
		}
		var id int64
		err := tx.GetContext(ctx, &id, `
			INSERT INTO lesson_drafts (module_id, slug, title, minutes, body_md, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (module_id, slug) DO NOTHING
			RETURNING id`, moduleID, slug, in.Title, in.Minutes, normaliseBody(in.BodyMD), nullID(author))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrSlugTaken
		}
		if err != nil {
			return fmt.Errorf("authoring: create lesson: %w", err)
		}
		return addRevision(ctx, tx, id, author)
	})
}

// SaveDraft stores the trainer's text as the new working copy, if it is
// based on the current version; otherwise it returns ErrStale and changes
// nothing. It returns the new version.
func (s *Store) SaveDraft(ctx context.Context, moduleID int64, slug string, in LessonInput, author int64) (int, error) {
	var version int
	err := database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var err error
		version, _, err = saveDraft(ctx, tx, moduleID, slug, in, author)
		return err
	})
	return version, err
}

func saveDraft(ctx context.Context, tx *sqlx.Tx, moduleID int64, slug string, in LessonInput, author int64) (version int, draftID int64, err error) {
	body := normaliseBody(in.BodyMD)
	var row struct {
		ID      int64 `db:"id"`
		Version int   `db:"version"`
	}
	base := in.BaseVersion
	if base == 0 {
		// First browser edit of a published lesson: the draft starts with
		// the published (imported) text as version 1, published, so that
		// it can be restored like any other; the trainer's text is version
		// 2. ON CONFLICT catches a second trainer doing the same at once.
		err = tx.GetContext(ctx, &row, `
			INSERT INTO lesson_drafts (module_id, lesson_id, slug, title, minutes, body_md, version, published_version)
			SELECT module_id, id, slug, title, minutes, body_md, 1, 1 FROM lessons WHERE module_id = $1 AND slug = $2
			ON CONFLICT DO NOTHING
			RETURNING id, version`, moduleID, slug)
		if err == nil {
			if err = addRevision(ctx, tx, row.ID, 0); err != nil {
				return 0, 0, err
			}
			if _, err = tx.ExecContext(ctx, `UPDATE lesson_revisions SET published = true WHERE draft_id = $1 AND version = 1`, row.ID); err != nil {
				return 0, 0, fmt.Errorf("authoring: save draft %q: %w", slug, err)
			}
			base = row.Version
		}
	}
	if err == nil {
		err = tx.GetContext(ctx, &row, `
			UPDATE lesson_drafts SET title = $4, minutes = $5, body_md = $6, updated_by = $7,
				version = version + 1, updated_at = now()
			WHERE module_id = $1 AND slug = $2 AND version = $3
			RETURNING id, version`, moduleID, slug, base, in.Title, in.Minutes, body, nullID(author))
	}
	if errors.Is(err, sql.ErrNoRows) {
		var exists bool
		if err := tx.GetContext(ctx, &exists, `
			SELECT EXISTS (SELECT 1 FROM lesson_drafts WHERE module_id = $1 AND slug = $2)
			    OR EXISTS (SELECT 1 FROM lessons WHERE module_id = $1 AND slug = $2)`, moduleID, slug); err != nil {
			return 0, 0, fmt.Errorf("authoring: save draft %q: %w", slug, err)
		}
		if !exists {
			return 0, 0, fmt.Errorf("authoring: save draft %q: %w", slug, database.ErrNotFound)
		}
		return 0, 0, ErrStale
	}
	if err != nil {
		return 0, 0, fmt.Errorf("authoring: save draft %q: %w", slug, err)
	}
	if err := addRevision(ctx, tx, row.ID, author); err != nil {
		return 0, 0, err
	}
	// A lesson with browser changes is protected against silent overwrites
	// by an import.
	if _, err := tx.ExecContext(ctx, `UPDATE lessons SET edited_in_browser_at = now() WHERE id = (SELECT lesson_id FROM lesson_drafts WHERE id = $1)`, row.ID); err != nil {
		return 0, 0, fmt.Errorf("authoring: mark lesson edited: %w", err)
	}
	return row.Version, row.ID, nil
}

func addRevision(ctx context.Context, tx *sqlx.Tx, draftID, author int64) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO lesson_revisions (draft_id, version, title, minutes, body_md, author_id)
		SELECT id, version, title, minutes, body_md, $2 FROM lesson_drafts WHERE id = $1`, draftID, nullID(author))
	if err != nil {
		return fmt.Errorf("authoring: revision of draft %d: %w", draftID, err)
	}
	return nil
}

// PublishProblems lists why a draft cannot be published, in Dutch.
type PublishProblems []string

func (p PublishProblems) Error() string { return strings.Join(p, "; ") }

// SaveAndPublish saves the trainer's text (like SaveDraft) and makes it the
// published lesson, rendered once. Content that would not pass the
// importer's checks is saved as a draft but not published: the error is
// then PublishProblems and the returned version is the saved one.
func (s *Store) SaveAndPublish(ctx context.Context, m *Module, slug string, in LessonInput, author int64) (int, error) {
	var version int
	var problems PublishProblems
	err := database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		v, draftID, err := saveDraft(ctx, tx, m.ID, slug, in, author)
		if err != nil {
			return err
		}
		version = v
		problems, err = s.publish(ctx, tx, m, draftID)
		return err
	})
	if err != nil {
		return 0, err
	}
	if len(problems) > 0 {
		return version, problems
	}
	return version, nil
}

// publish copies a draft into the lessons table. An existing lesson is
// updated in place, so learner progress (keyed by lesson id) survives.
func (s *Store) publish(ctx context.Context, tx *sqlx.Tx, m *Module, draftID int64) (PublishProblems, error) {
	var d Draft
	err := tx.GetContext(ctx, &d, `
		SELECT id, module_id, lesson_id, slug, title, minutes, body_md, version, published_version, updated_at
		FROM lesson_drafts WHERE id = $1 FOR UPDATE`, draftID)
	if err != nil {
		return nil, fmt.Errorf("authoring: publish draft %d: %w", draftID, database.NotFound(err))
	}
	media, err := mediaNames(ctx, tx, m.ID)
	if err != nil {
		return nil, err
	}
	if ps := s.CheckLesson(d.Title, d.Minutes, d.BodyMD, media); len(ps) > 0 {
		return ps, nil
	}
	html, err := s.md.Render(d.BodyMD, mediaBase(m.Slug))
	if err != nil {
		return nil, fmt.Errorf("authoring: render %q: %w", d.Slug, err)
	}
	text := s.md.PlainText(html)
	if d.LessonID.Valid {
		_, err = tx.ExecContext(ctx, `
			UPDATE lessons SET title = $2, minutes = $3, body_md = $4, body_html = $5, body_text = $6,
				edited_in_browser_at = now(), updated_at = now()
			WHERE id = $1`, d.LessonID.Int64, d.Title, d.Minutes, d.BodyMD, html, text)
	} else {
		// Two lessons published at once would otherwise both read the
		// same max(position).
		if err := lockLessonOrder(ctx, tx, m.ID); err != nil {
			return nil, err
		}
		var id int64
		err = tx.GetContext(ctx, &id, `
			INSERT INTO lessons (module_id, slug, position, title, minutes, body_md, body_html, body_text, edited_in_browser_at)
			VALUES ($1, $2, (SELECT coalesce(max(position), 0) + 1 FROM lessons WHERE module_id = $1), $3, $4, $5, $6, $7, now())
			RETURNING id`, m.ID, d.Slug, d.Title, d.Minutes, d.BodyMD, html, text)
		if err == nil {
			_, err = tx.ExecContext(ctx, `UPDATE lesson_drafts SET lesson_id = $2 WHERE id = $1`, d.ID, id)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("authoring: publish %q: %w", d.Slug, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE lesson_drafts SET published_version = version WHERE id = $1`, d.ID); err != nil {
		return nil, fmt.Errorf("authoring: publish %q: %w", d.Slug, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE lesson_revisions SET published = true WHERE draft_id = $1 AND version = $2`, d.ID, d.Version); err != nil {
		return nil, fmt.Errorf("authoring: publish %q: %w", d.Slug, err)
	}
	return nil, nil
}

// CheckLesson applies the importer's checks to a lesson edited in the
// browser and says in Dutch what is wrong.
func (s *Store) CheckLesson(title string, minutes int, body string, media map[string]bool) PublishProblems {
	var ps PublishProblems
	if strings.TrimSpace(title) == "" {
		ps = append(ps, "de titel ontbreekt")
	}
	if minutes <= 0 {
		ps = append(ps, "de leestijd moet een positief aantal minuten zijn")
	}
	if strings.TrimSpace(body) == "" {
		ps = append(ps, "de les heeft geen tekst")
	}
	for i, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "# ") {
			ps = append(ps, fmt.Sprintf("regel %d: gebruik geen kop van niveau 1 (#); begin bij ##", i+1))
		}
	}
	for _, p := range s.md.CheckLessonBody("les", body, media) {
		ps = append(ps, fmt.Sprintf("regel %d: %s", p.Line, p.Reason))
	}
	return ps
}

func mediaNames(ctx context.Context, q sqlx.QueryerContext, moduleID int64) (map[string]bool, error) {
	var names []string
	if err := sqlx.SelectContext(ctx, q, &names, `SELECT name FROM media WHERE module_id = $1`, moduleID); err != nil {
		return nil, fmt.Errorf("authoring: media of module %d: %w", moduleID, err)
	}
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set["media/"+n] = true
	}
	return set, nil
}

// MediaNames returns the module's images as "media/NAME" references.
func (s *Store) MediaNames(ctx context.Context, moduleID int64) (map[string]bool, error) {
	return mediaNames(ctx, s.db, moduleID)
}

// revisionSelect reads lesson revisions with their author's name.
const revisionSelect = `
		SELECT r.id, r.version, r.title, r.minutes, r.body_md, r.published, coalesce(u.full_name, '') AS author, r.created_at
		FROM lesson_revisions r LEFT JOIN users u ON u.id = r.author_id`

// Revisions lists a lesson's saved versions, newest first.
func (s *Store) Revisions(ctx context.Context, draftID int64) ([]Revision, error) {
	var rs []Revision
	err := s.db.SelectContext(ctx, &rs, revisionSelect+`
		WHERE r.draft_id = $1 ORDER BY r.version DESC`, draftID)
	if err != nil {
		return nil, fmt.Errorf("authoring: revisions of draft %d: %w", draftID, err)
	}
	return rs, nil
}

// Revision returns one revision of a draft.
func (s *Store) Revision(ctx context.Context, draftID, id int64) (*Revision, error) {
	var r Revision
	err := s.db.GetContext(ctx, &r, revisionSelect+`
		WHERE r.draft_id = $1 AND r.id = $2`, draftID, id)
	if err != nil {
		return nil, fmt.Errorf("authoring: revision %d: %w", id, database.NotFound(err))
	}
	return &r, nil
}

// RestoreRevision makes an old revision the working copy again, as a new
// save (and so a new revision). It does not publish.
func (s *Store) RestoreRevision(ctx context.Context, draftID, revisionID, author int64) error {
	return database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE lesson_drafts d SET title = r.title, minutes = r.minutes, body_md = r.body_md,
				version = d.version + 1, updated_by = $3, updated_at = now()
			FROM lesson_revisions r
			WHERE d.id = $1 AND r.id = $2 AND r.draft_id = d.id`, draftID, revisionID, nullID(author))
		if err != nil {
			return fmt.Errorf("authoring: restore revision %d: %w", revisionID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("authoring: restore revision %d: %w", revisionID, database.ErrNotFound)
		}
		return addRevision(ctx, tx, draftID, author)
	})
}

// DeleteLesson removes a lesson: its published row (with the learners'
// progress on it), its draft and its revisions. The remaining lessons are
// numbered again.
func (s *Store) DeleteLesson(ctx context.Context, moduleID int64, slug string) error {
	return database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := lockLessonOrder(ctx, tx, moduleID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM lessons WHERE module_id = $1 AND slug = $2`, moduleID, slug)
		if err != nil {
			return fmt.Errorf("authoring: delete lesson %q: %w", slug, err)
		}
		n, _ := res.RowsAffected()
		res, err = tx.ExecContext(ctx, `DELETE FROM lesson_drafts WHERE module_id = $1 AND slug = $2`, moduleID, slug)
		if err != nil {
			return fmt.Errorf("authoring: delete draft %q: %w", slug, err)
		}
		d, _ := res.RowsAffected()
		if n+d == 0 {
			return fmt.Errorf("authoring: delete lesson %q: %w", slug, database.ErrNotFound)
		}
		if err := renumber(ctx, tx, moduleID); err != nil {
			return err
		}
		return recountModule(ctx, tx, moduleID)
	})
}

// MoveLesson moves a published lesson one place up (delta -1) or down (+1).
func (s *Store) MoveLesson(ctx context.Context, moduleID int64, slug string, delta int) error {
	return database.WithTx(ctx, s.db, func(tx *sqlx.Tx) error {
		if err := lockLessonOrder(ctx, tx, moduleID); err != nil {
			return err
		}
		if err := renumber(ctx, tx, moduleID); err != nil {
			return err
		}
		var pos int
		err := tx.GetContext(ctx, &pos, `SELECT position FROM lessons WHERE module_id = $1 AND slug = $2 FOR UPDATE`, moduleID, slug)
		if err != nil {
			return fmt.Errorf("authoring: move lesson %q: %w", slug, database.NotFound(err))
		}
		// Swap with the neighbour, if there is one.
		_, err = tx.ExecContext(ctx, `
			UPDATE lessons SET position = CASE WHEN slug = $2 THEN $4::int ELSE $3::int END, updated_at = now()
			WHERE module_id = $1 AND (slug = $2 OR position = $4::int)
			  AND EXISTS (SELECT 1 FROM lessons WHERE module_id = $1 AND position = $4::int)`, moduleID, slug, pos, pos+delta)
		if err != nil {
			return fmt.Errorf("authoring: move lesson %q: %w", slug, err)
		}
		// An import keeps an order chosen in the browser like a lesson
		// edited there: it reports a conflict instead of undoing it.
		if _, err := tx.ExecContext(ctx, `UPDATE modules SET order_edited_in_browser_at = now() WHERE id = $1`, moduleID); err != nil {
			return fmt.Errorf("authoring: move lesson %q: %w", slug, err)
		}
		return nil
	})
}

// lockLessonOrder takes the module row's lock, which serialises every
// change to the order of its lessons (publishing a new lesson, moving,
// deleting) until the transaction ends.
func lockLessonOrder(ctx context.Context, tx *sqlx.Tx, moduleID int64) error {
	if _, err := tx.ExecContext(ctx, `SELECT 1 FROM modules WHERE id = $1 FOR UPDATE`, moduleID); err != nil {
		return fmt.Errorf("authoring: lock lesson order of module %d: %w", moduleID, err)
	}
	return nil
}

// renumber gives a module's lessons the positions 1..n in their order.
func renumber(ctx context.Context, tx *sqlx.Tx, moduleID int64) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE lessons l SET position = o.n
		FROM (SELECT id, row_number() OVER (ORDER BY position, id) AS n FROM lessons WHERE module_id = $1) o
		WHERE l.id = o.id AND l.position <> o.n`, moduleID)
	if err != nil {
		return fmt.Errorf("authoring: renumber module %d: %w", moduleID, err)
	}
	return nil
}

// problemText joins problems into one Dutch sentence list.
func problemText(ps content.Problems) string {
	reasons := make([]string, len(ps))
	for i, p := range ps {
		reasons[i] = p.Reason
	}
	return strings.Join(reasons, "; ")
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id > 0} }

func mediaBase(moduleSlug string) string { return "/media/" + moduleSlug + "/" }
