// Package catalog serves the curriculum to everyone, guests included: the
// module list, module and lesson pages, media and Dutch full-text search.
// It also imports the course folder into the database.
package catalog

import (
	"context"
	"fmt"
	"html/template"
	"time"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/database"
)

// Module is a module as the catalogue shows it.
type Module struct {
	ID          int64         `db:"id"`
	Slug        string        `db:"slug"`
	Position    int           `db:"position"`
	Title       string        `db:"title"`
	Summary     string        `db:"summary"`
	Minutes     int           `db:"minutes"`
	IntroHTML   template.HTML `db:"intro_html"`  // sanitised at import
	PolicyHTML  template.HTML `db:"policy_html"` // sanitised at import
	PassMark    int           `db:"pass_mark"`
	LessonCount int           `db:"lesson_count"`
	UpdatedAt   time.Time     `db:"updated_at"`
}

// LessonRef is a lesson in a module's table of contents.
type LessonRef struct {
	ID       int64  `db:"id"`
	Slug     string `db:"slug"`
	Position int    `db:"position"`
	Title    string `db:"title"`
	Minutes  int    `db:"minutes"`
}

// Lesson is a lesson with its rendered content.
type Lesson struct {
	LessonRef
	ModuleID int64         `db:"module_id"`
	BodyHTML template.HTML `db:"body_html"` // sanitised at import
}

// Store reads the curriculum.
type Store struct {
	db *sqlx.DB
}

// NewStore returns a store on db.
func NewStore(db *sqlx.DB) *Store { return &Store{db: db} }

const moduleColumns = `m.id, m.slug, m.position, m.title, m.summary, m.minutes, m.intro_html, m.policy_html, m.pass_mark, m.updated_at,
	(SELECT count(*) FROM lessons l WHERE l.module_id = m.id) AS lesson_count`

// Modules lists all modules in order.
func (s *Store) Modules(ctx context.Context) ([]Module, error) {
	var ms []Module
	err := s.db.SelectContext(ctx, &ms, `SELECT `+moduleColumns+` FROM modules m ORDER BY m.position`)
	if err != nil {
		return nil, fmt.Errorf("catalog: modules: %w", err)
	}
	return ms, nil
}

// ModuleBySlug returns one module.
func (s *Store) ModuleBySlug(ctx context.Context, slug string) (*Module, error) {
	var m Module
	err := s.db.GetContext(ctx, &m, `SELECT `+moduleColumns+` FROM modules m WHERE m.slug = $1`, slug)
	if err != nil {
		return nil, fmt.Errorf("catalog: module %q: %w", slug, database.NotFound(err))
	}
	return &m, nil
}

// Lessons lists a module's lessons in order.
func (s *Store) Lessons(ctx context.Context, moduleID int64) ([]LessonRef, error) {
	var ls []LessonRef
	err := s.db.SelectContext(ctx, &ls, `SELECT id, slug, position, title, minutes FROM lessons WHERE module_id = $1 ORDER BY position`, moduleID)
	if err != nil {
		return nil, fmt.Errorf("catalog: lessons of module %d: %w", moduleID, err)
	}
	return ls, nil
}

// Lesson returns one lesson of a module with its HTML.
func (s *Store) Lesson(ctx context.Context, moduleID int64, slug string) (*Lesson, error) {
	var l Lesson
	err := s.db.GetContext(ctx, &l, `SELECT id, module_id, slug, position, title, minutes, body_html FROM lessons WHERE module_id = $1 AND slug = $2`, moduleID, slug)
	if err != nil {
		return nil, fmt.Errorf("catalog: lesson %q: %w", slug, database.NotFound(err))
	}
	return &l, nil
}

// MediaFile is an image served to lessons.
type MediaFile struct {
	ContentType string `db:"content_type"`
	Data        []byte `db:"data"`
	SHA256      string `db:"sha256"`
}

// Media returns one media file of a module.
func (s *Store) Media(ctx context.Context, moduleSlug, name string) (*MediaFile, error) {
	var f MediaFile
	err := s.db.GetContext(ctx, &f, `
		SELECT f.content_type, f.data, f.sha256
		FROM media f JOIN modules m ON m.id = f.module_id
		WHERE m.slug = $1 AND f.name = $2`, moduleSlug, name)
	if err != nil {
		return nil, fmt.Errorf("catalog: media %s/%s: %w", moduleSlug, name, database.NotFound(err))
	}
	return &f, nil
}

// Hit is one search result.
type Hit struct {
	ModuleSlug  string  `db:"module_slug"`
	ModuleTitle string  `db:"module_title"`
	LessonSlug  string  `db:"lesson_slug"`
	LessonTitle string  `db:"lesson_title"`
	Snippet     string  `db:"snippet"` // plain text with \x01 … \x02 around matches
	Rank        float64 `db:"rank"`
}

// Search finds lessons matching q with Dutch stemming, ignoring accents,
// best first. Matches in the snippet are wrapped in \x01 and \x02 so the
// caller can escape the text and then mark them.
func (s *Store) Search(ctx context.Context, q string, limit int) ([]Hit, error) {
	var hits []Hit
	err := s.db.SelectContext(ctx, &hits, `
		WITH query AS (SELECT websearch_to_tsquery('nabij_dutch', $1) AS q)
		SELECT m.slug AS module_slug, m.title AS module_title, l.slug AS lesson_slug, l.title AS lesson_title,
			ts_headline('nabij_dutch', l.body_text, query.q,
				'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') AS snippet,
			ts_rank_cd(l.search, query.q) AS rank
		FROM lessons l JOIN modules m ON m.id = l.module_id, query
		WHERE l.search @@ query.q
		ORDER BY rank DESC, m.position, l.position
		LIMIT $2`, q, limit)
	if err != nil {
		return nil, fmt.Errorf("catalog: search: %w", err)
	}
	return hits, nil
}
