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
	LessonCount int           `db:"-"` // counted by the cache
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

// Modules lists all modules in order, without their lesson counts.
func (s *Store) Modules(ctx context.Context) ([]Module, error) {
	var ms []Module
	err := s.db.SelectContext(ctx, &ms, `
		SELECT id, slug, position, title, summary, minutes, intro_html, policy_html, pass_mark, updated_at
		FROM modules ORDER BY position`)
	if err != nil {
		return nil, fmt.Errorf("catalog: modules: %w", err)
	}
	return ms, nil
}

// AllLessons lists every lesson with its HTML, by module and position.
func (s *Store) AllLessons(ctx context.Context) ([]Lesson, error) {
	var ls []Lesson
	err := s.db.SelectContext(ctx, &ls, `
		SELECT id, module_id, slug, position, title, minutes, body_html FROM lessons ORDER BY module_id, position`)
	if err != nil {
		return nil, fmt.Errorf("catalog: lessons: %w", err)
	}
	return ls, nil
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
