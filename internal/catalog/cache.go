package catalog

import (
	"context"
	"fmt"
	"sync"
	"time"

	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/memo"
	"nabij.be/leerplatform/internal/web"
)

// Cache keeps the published catalogue (modules, lesson lists and lesson
// HTML — a few hundred kilobytes) in memory, so catalogue pages cost no
// database round trip. It is correct across several instances: a trigger
// on the content tables NOTIFYs every instance at commit (migration 005),
// and a short lifetime bounds staleness should a notification be missed
// while the listener reconnects.
//
// A reload that read the database before a commit must not be kept after
// the invalidation that commit caused: Invalidate advances a generation
// number, and a reload keeps its snapshot only when the number is the one
// it read before querying.
type Cache struct {
	store  *Store
	maxAge time.Duration

	mu     sync.RWMutex
	snap   *snapshot
	loaded time.Time
	gen    uint64     // advanced by every Invalidate
	load   sync.Mutex // one reload at a time
}

type snapshot struct {
	modules []Module
	bySlug  map[string]*moduleEntry
	pages   *memo.Memo[PageKey, *web.Prepared]
}

type moduleEntry struct {
	module  *Module
	lessons []LessonRef
	bySlug  map[string]*Lesson
}

// NewCache returns a cache over store whose entries live at most maxAge.
func NewCache(store *Store, maxAge time.Duration) *Cache {
	return &Cache{store: store, maxAge: maxAge}
}

// Subscribe drops the cache whenever the database reports a content change.
func (c *Cache) Subscribe(l *database.Listener) {
	l.Subscribe(database.ContentChannel, func(string) { c.Invalidate() })
}

// Invalidate drops the cached catalogue; the next read reloads it.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	c.snap = nil
	c.gen++
	c.mu.Unlock()
}

func (c *Cache) get(ctx context.Context) (*snapshot, error) {
	c.mu.RLock()
	s, fresh := c.snap, time.Since(c.loaded) < c.maxAge
	c.mu.RUnlock()
	if s != nil && fresh {
		return s, nil
	}
	c.load.Lock()
	defer c.load.Unlock()
	c.mu.RLock()
	s, fresh = c.snap, time.Since(c.loaded) < c.maxAge
	gen := c.gen
	c.mu.RUnlock()
	if s != nil && fresh {
		return s, nil
	}
	started := time.Now()
	s, err := c.fetch(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen { // no invalidation since the read began
		c.snap, c.loaded = s, started
	}
	c.mu.Unlock()
	// A snapshot read across an invalidation still answers this request,
	// which overlapped the change, but nobody else's.
	return s, nil
}

func (c *Cache) fetch(ctx context.Context) (*snapshot, error) {
	ms, err := c.store.Modules(ctx)
	if err != nil {
		return nil, err
	}
	lessons, err := c.store.AllLessons(ctx)
	if err != nil {
		return nil, err
	}
	s := &snapshot{modules: ms, bySlug: make(map[string]*moduleEntry, len(ms)),
		pages: memo.New[PageKey, *web.Prepared](c.maxAge, maxPageBytes, (*web.Prepared).Size)}
	byID := map[int64]*moduleEntry{}
	for i := range ms {
		e := &moduleEntry{module: &ms[i], bySlug: map[string]*Lesson{}}
		s.bySlug[ms[i].Slug] = e
		byID[ms[i].ID] = e
	}
	for i := range lessons {
		e := byID[lessons[i].ModuleID]
		if e == nil {
			continue
		}
		e.lessons = append(e.lessons, lessons[i].LessonRef)
		e.bySlug[lessons[i].Slug] = &lessons[i]
		e.module.LessonCount++
	}
	return s, nil
}

// LessonView is a lesson with its module and the module's lesson list,
// from one snapshot of the catalogue.
type LessonView struct {
	Module  *Module
	Lesson  *Lesson
	Lessons []LessonRef
	Pages
}

// ModuleView is a module with its lessons, from one snapshot.
type ModuleView struct {
	Module  *Module
	Lessons []LessonRef
	Pages
}

// HomeView is the module list, from one snapshot.
type HomeView struct {
	Modules []Module
	Pages
}

// Pages keeps rendered pages with the snapshot of the content they show,
// so that they are dropped together.
type Pages struct{ snap *snapshot }

// ModuleView returns a module and its lessons.
func (c *Cache) ModuleView(ctx context.Context, slug string) (*ModuleView, error) {
	s, err := c.get(ctx)
	if err != nil {
		return nil, err
	}
	e := s.bySlug[slug]
	if e == nil {
		return nil, fmt.Errorf("catalog: module %q: %w", slug, database.ErrNotFound)
	}
	return &ModuleView{Module: e.module, Lessons: e.lessons, Pages: Pages{s}}, nil
}

// HomeView returns the module list.
func (c *Cache) HomeView(ctx context.Context) (*HomeView, error) {
	s, err := c.get(ctx)
	if err != nil {
		return nil, err
	}
	return &HomeView{Modules: s.modules, Pages: Pages{s}}, nil
}

// Lesson returns a lesson of a module.
func (c *Cache) Lesson(ctx context.Context, moduleSlug, lessonSlug string) (*LessonView, error) {
	s, err := c.get(ctx)
	if err != nil {
		return nil, err
	}
	e := s.bySlug[moduleSlug]
	if e == nil {
		return nil, fmt.Errorf("catalog: module %q: %w", moduleSlug, database.ErrNotFound)
	}
	l := e.bySlug[lessonSlug]
	if l == nil {
		return nil, fmt.Errorf("catalog: lesson %q: %w", lessonSlug, database.ErrNotFound)
	}
	return &LessonView{Module: e.module, Lesson: l, Lessons: e.lessons, Pages: Pages{s}}, nil
}

// PageKey identifies a rendered page that is the same for everyone with
// the same language and role (see web.Renderer.SharedHTML).
type PageKey struct {
	Name string
	ID   int64
	Lang string
	Role string // "" for guests
	Done uint64 // lessons the viewer has done, as bits by position in the module
	// Percent is the viewer's progress in the module, -1 for guests.
	Percent int
}

// maxPageBytes bounds the rendered pages one snapshot keeps, in bytes of
// HTML and its compressed copy (a lesson page is about 10 KB and 3 KB
// compressed: some 300 pages); the least recently used go first. See the
// memory budget in the README.
const maxPageBytes = 4 << 20

// Page returns a rendered page kept with this snapshot of the content.
func (v Pages) Page(k PageKey) (*web.Prepared, bool) { return v.snap.pages.Get(k) }

// KeepPage keeps a rendered page with this snapshot; it is dropped with the
// snapshot when the content changes. A page rendered from a snapshot that
// is no longer current stays with that snapshot, which nobody reads again.
func (v Pages) KeepPage(k PageKey, page *web.Prepared) {
	v.snap.pages.Put(v.snap.pages.Begin(), k, 0, page, time.Time{})
}
