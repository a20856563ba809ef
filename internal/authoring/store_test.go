package authoring

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/courses"
	"nabij.be/leerplatform/internal/catalog"
	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/database"
	"nabij.be/leerplatform/internal/database/dbtest"
)

// curriculum returns a fresh database with the built-in curriculum and a
// store on it.
func curriculum(t *testing.T) (*sqlx.DB, *Store) {
	t.Helper()
	db := dbtest.New(t)
	r := content.NewRenderer()
	c, ps := r.Parse(courses.FS)
	if ps != nil {
		t.Fatalf("parse curriculum: %v", ps)
	}
	if _, err := catalog.NewImporter(db, r).Import(context.Background(), c); err != nil {
		t.Fatalf("import curriculum: %v", err)
	}
	return db, NewStore(db, r)
}

func firstModule(t *testing.T, s *Store) *Module {
	t.Helper()
	ms, err := s.Modules(context.Background())
	if err != nil || len(ms) == 0 {
		t.Fatalf("modules: %v (%d)", err, len(ms))
	}
	return &ms[0]
}

func publishedBody(t *testing.T, db *sqlx.DB, moduleID int64, slug string) string {
	t.Helper()
	var body string
	if err := db.Get(&body, `SELECT body_md FROM lessons WHERE module_id = $1 AND slug = $2`, moduleID, slug); err != nil {
		t.Fatalf("published body of %s: %v", slug, err)
	}
	return body
}

func TestDraftInvisibleUntilPublished(t *testing.T) {
	ctx := context.Background()
	db, s := curriculum(t)
	m := firstModule(t, s)
	ls, err := s.Lessons(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	slug := ls[0].Slug
	before := publishedBody(t, db, m.ID, slug)

	d, err := s.Draft(ctx, m.ID, slug)
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 0 {
		t.Fatalf("version of a never-edited lesson = %d, want 0", d.Version)
	}
	v, err := s.SaveDraft(ctx, m.ID, slug, LessonInput{Title: d.Title, Minutes: d.Minutes, BodyMD: "## Nieuw\n\nConcepttekst.", BaseVersion: 0}, 0)
	if err != nil {
		t.Fatalf("save draft: %v", err)
	}
	if v != 2 { // version 1 is the published (imported) text
		t.Errorf("version after first save = %d, want 2", v)
	}
	if got := publishedBody(t, db, m.ID, slug); got != before {
		t.Errorf("published body changed by a draft save:\n%s", got)
	}

	// A new lesson exists only as a draft.
	if err := s.CreateLesson(ctx, m.ID, "nieuwe-les", LessonInput{Title: "Nieuwe les", Minutes: 5, BodyMD: "## Kop\n\nTekst."}, 0); err != nil {
		t.Fatalf("create lesson: %v", err)
	}
	cat := catalog.NewCache(catalog.NewStore(db), 0) // what learners see, read afresh each time
	if _, err := cat.Lesson(ctx, m.Slug, "nieuwe-les"); err == nil {
		t.Errorf("a lesson that exists only as a draft is visible in the catalogue")
	}
	if err := s.CreateLesson(ctx, m.ID, slug, LessonInput{Title: "x", Minutes: 5, BodyMD: "y"}, 0); !errors.Is(err, ErrSlugTaken) {
		t.Errorf("create with a taken slug: err = %v, want ErrSlugTaken", err)
	}

	// Publishing makes it visible, rendered.
	if _, err := s.SaveAndPublish(ctx, m, slug, LessonInput{Title: d.Title, Minutes: d.Minutes, BodyMD: "## Nieuw\n\nGepubliceerd.", BaseVersion: 2}, 0); err != nil {
		t.Fatalf("publish: %v", err)
	}
	view, err := cat.Lesson(ctx, m.Slug, slug)
	if err != nil {
		t.Fatal(err)
	}
	l := view.Lesson
	if !strings.Contains(string(l.BodyHTML), "<p>Gepubliceerd.</p>") {
		t.Errorf("published HTML = %s, want the new text", l.BodyHTML)
	}
	if l.ID != ls[0].LessonID.Int64 {
		t.Errorf("lesson id after publish = %d, want %d (updated in place)", l.ID, ls[0].LessonID.Int64)
	}
	if _, err := s.SaveAndPublish(ctx, m, "nieuwe-les", LessonInput{Title: "Nieuwe les", Minutes: 5, BodyMD: "## Kop\n\nTekst.", BaseVersion: 1}, 0); err != nil {
		t.Fatalf("publish new lesson: %v", err)
	}
	if _, err := cat.Lesson(ctx, m.Slug, "nieuwe-les"); err != nil {
		t.Errorf("published new lesson not in the catalogue: %v", err)
	}
}

func TestStaleSaveRefused(t *testing.T) {
	ctx := context.Background()
	_, s := curriculum(t)
	m := firstModule(t, s)
	ls, _ := s.Lessons(ctx, m.ID)
	slug := ls[1].Slug
	d, _ := s.Draft(ctx, m.ID, slug)

	// Two trainers open the same lesson (version 0) and both save.
	if _, err := s.SaveDraft(ctx, m.ID, slug, LessonInput{Title: d.Title, Minutes: d.Minutes, BodyMD: "Tekst van An.", BaseVersion: 0}, 0); err != nil {
		t.Fatalf("first save: %v", err)
	}
	if _, err := s.SaveDraft(ctx, m.ID, slug, LessonInput{Title: d.Title, Minutes: d.Minutes, BodyMD: "Tekst van Bart.", BaseVersion: 0}, 0); !errors.Is(err, ErrStale) {
		t.Fatalf("second save based on version 0: err = %v, want ErrStale", err)
	}
	// An's save made the imported text version 1 and hers version 2.
	v, err := s.SaveDraft(ctx, m.ID, slug, LessonInput{Title: d.Title, Minutes: d.Minutes, BodyMD: "Tekst van An, verbeterd.", BaseVersion: 2}, 0)
	if err != nil || v != 3 {
		t.Fatalf("save on version 2: version %d, err %v; want 3, nil", v, err)
	}
	if _, err := s.SaveDraft(ctx, m.ID, slug, LessonInput{Title: d.Title, Minutes: d.Minutes, BodyMD: "Bart opnieuw.", BaseVersion: 1}, 0); !errors.Is(err, ErrStale) {
		t.Fatalf("save on stale version 1: err = %v, want ErrStale", err)
	}
	if _, err := s.SaveAndPublish(ctx, m, slug, LessonInput{Title: d.Title, Minutes: d.Minutes, BodyMD: "Bart publiceert.", BaseVersion: 1}, 0); !errors.Is(err, ErrStale) {
		t.Fatalf("publish on stale version 1: err = %v, want ErrStale", err)
	}
	d2, _ := s.Draft(ctx, m.ID, slug)
	if d2.BodyMD != "Tekst van An, verbeterd.\n" {
		t.Errorf("draft after refused saves = %q, want An's text", d2.BodyMD)
	}
}

func TestRevisionsRestore(t *testing.T) {
	ctx := context.Background()
	db, s := curriculum(t)
	m := firstModule(t, s)
	ls, _ := s.Lessons(ctx, m.ID)
	slug := ls[0].Slug
	d, _ := s.Draft(ctx, m.ID, slug)
	original := d.BodyMD
	v := 0
	for _, body := range []string{original, "## Tweede\n\nVersie twee.", "## Derde\n\nVersie drie."} {
		var err error
		v, err = s.SaveAndPublish(ctx, m, slug, LessonInput{Title: d.Title, Minutes: d.Minutes, BodyMD: body, BaseVersion: v}, 0)
		if err != nil {
			t.Fatalf("publish: %v", err)
		}
	}
	d, _ = s.Draft(ctx, m.ID, slug)
	rs, err := s.Revisions(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 4 { // the imported text is revision 1
		t.Fatalf("revisions = %d, want 4", len(rs))
	}
	first := rs[len(rs)-1]
	if first.BodyMD != original || !first.Published {
		t.Fatalf("oldest revision = %q (published %v), want the original, published", first.BodyMD, first.Published)
	}
	if err := s.RestoreRevision(ctx, d.ID, first.ID, 0); err != nil {
		t.Fatalf("restore: %v", err)
	}
	d, _ = s.Draft(ctx, m.ID, slug)
	if d.BodyMD != original || d.Version != 5 {
		t.Errorf("draft after restore: version %d, body %q; want 5 and the original", d.Version, d.BodyMD)
	}
	if got := publishedBody(t, db, m.ID, slug); got != "## Derde\n\nVersie drie.\n" {
		t.Errorf("restore published the text: %q", got)
	}
	if _, err := s.SaveAndPublish(ctx, m, slug, LessonInput{Title: d.Title, Minutes: d.Minutes, BodyMD: d.BodyMD, BaseVersion: d.Version}, 0); err != nil {
		t.Fatal(err)
	}
	if got := publishedBody(t, db, m.ID, slug); got != original {
		t.Errorf("published after restore and publish = %q, want the original", got)
	}
}

func TestPublishRefusesBrokenContent(t *testing.T) {
	ctx := context.Background()
	db, s := curriculum(t)
	m := firstModule(t, s)
	ls, _ := s.Lessons(ctx, m.ID)
	slug := ls[0].Slug
	before := publishedBody(t, db, m.ID, slug)
	for _, tc := range []struct{ body, want string }{
		{"## Kop\n\n![Kaart](media/bestaat-niet.png)", "bestaat niet"},
		{"## Kop\n\n![](media/x.png)", "geen alt-tekst"},
		{"# Titel\n\nTekst", "niveau 1"},
	} {
		d, _ := s.Draft(ctx, m.ID, slug)
		v, err := s.SaveAndPublish(ctx, m, slug, LessonInput{Title: d.Title, Minutes: 3, BodyMD: tc.body, BaseVersion: d.Version}, 0)
		var ps PublishProblems
		if !errors.As(err, &ps) || !strings.Contains(ps.Error(), tc.want) {
			t.Errorf("publish %q: err = %v, want problems with %q", tc.body, err, tc.want)
		}
		want := d.Version + 1
		if d.Version == 0 {
			want = 2 // version 1 is the published (imported) text
		}
		if v != want {
			t.Errorf("refused publish: saved version = %d, want %d (the draft is kept)", v, want)
		}
	}
	if got := publishedBody(t, db, m.ID, slug); got != before {
		t.Errorf("refused content was published: %q", got)
	}

	// A quiz question without a correct answer is refused with the reason.
	q, err := s.Quiz(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range q.Questions[0].Options {
		q.Questions[0].Options[i].Correct = false
	}
	_, ps, err := s.SaveQuiz(ctx, m.ID, q, 0, true, 0)
	if err != nil || len(ps) == 0 || !strings.Contains(ps.Error(), "juist antwoord") {
		t.Errorf("quiz without a correct answer: problems %v, err %v; want a problem about 'juist antwoord'", ps, err)
	}
}

func TestUploadRefusesFakesAndOversize(t *testing.T) {
	ctx := context.Background()
	_, s := curriculum(t)
	m := firstModule(t, s)
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	for name, data := range map[string][]byte{
		"text":     []byte("root:x:0:0:root:/root:/bin/bash\n"),
		"svg":      []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
		"html":     []byte("<!doctype html><script>alert(1)</script>"),
		"oversize": append(png, make([]byte, MaxUpload)...),
		"empty":    nil,
	} {
		if n, err := s.SaveUpload(ctx, m.ID, data); err == nil {
			t.Errorf("upload %s: stored as %q, want refused", name, n)
		} else if _, ok := err.(UploadRefused); !ok {
			t.Errorf("upload %s: err = %v, want UploadRefused", name, err)
		}
	}
	name, err := s.SaveUpload(ctx, m.ID, png)
	if err != nil {
		t.Fatalf("upload png: %v", err)
	}
	if !strings.HasPrefix(name, "upload-") || !strings.HasSuffix(name, ".png") || strings.ContainsAny(name, "/\\") {
		t.Errorf("stored name = %q, want upload-HASH.png", name)
	}
}

// TestExportImportRoundTrip exports a module (with a browser edit and an
// uploaded image), imports the ZIP into a fresh database and compares.
func TestExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	dbA, s := curriculum(t)
	m := firstModule(t, s)
	ls, _ := s.Lessons(ctx, m.ID)
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	img, err := s.SaveUpload(ctx, m.ID, png)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := s.Draft(ctx, m.ID, ls[0].Slug)
	body := d.BodyMD + "\n![Een schema](media/" + img + ")\n"
	if _, err := s.SaveAndPublish(ctx, m, ls[0].Slug, LessonInput{Title: "Nieuwe titel", Minutes: 12, BodyMD: body}, 0); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if err := s.MoveLesson(ctx, m.ID, ls[0].Slug, +1); err != nil {
		t.Fatal(err)
	}

	files, err := s.Export(ctx, m.Slug)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	var buf bytes.Buffer
	if err := WriteZip(&buf, files); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	r := content.NewRenderer()
	c, ps := r.Parse(zr)
	if ps != nil {
		t.Fatalf("the exported ZIP does not parse:\n%v", ps)
	}
	dbB := dbtest.New(t)
	if _, err := catalog.NewImporter(dbB, r).Import(ctx, c); err != nil {
		t.Fatalf("import into a fresh database: %v", err)
	}
	for _, q := range []string{
		`SELECT slug, position, title, summary, minutes, intro_md, intro_html, policy_md, policy_html, pass_mark FROM modules WHERE slug = $1`,
		`SELECT l.slug, l.position, l.title, l.minutes, l.body_md, l.body_html, l.body_text FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.slug = $1 ORDER BY l.position`,
		`SELECT q.slug, q.position, q.kind, q.text, o.position, o.text, o.correct, o.explanation FROM questions q JOIN options o ON o.question_id = q.id JOIN modules m ON m.id = q.module_id WHERE m.slug = $1 ORDER BY q.position, o.position`,
		`SELECT f.name, f.content_type, f.sha256 FROM media f JOIN modules m ON m.id = f.module_id WHERE m.slug = $1 ORDER BY f.name`,
	} {
		a, b := dump(t, dbA, q, m.Slug), dump(t, dbB, q, m.Slug)
		if a != b {
			t.Errorf("round trip differs for %s\nbefore:\n%s\nafter:\n%s", q, a, b)
		}
	}
}

func dump(t *testing.T, db *sqlx.DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.Queryx(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		vals, err := rows.SliceScan()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			b.WriteString(strings.ReplaceAll(strings.TrimSpace(toString(v)), "\n", "⏎"))
			b.WriteString(" | ")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func toString(v any) string { return fmt.Sprint(v) }

// changedCourse returns the built-in curriculum with the body of lesson
// slug of the first module replaced, as if its file had been edited.
func changedCourse(t *testing.T, slug, body string) *content.Course {
	t.Helper()
	c, ps := content.NewRenderer().Parse(courses.FS)
	if ps != nil {
		t.Fatal(ps)
	}
	for i, l := range c.Modules[0].Lessons {
		if l.Slug == slug {
			c.Modules[0].Lessons[i].BodyMD = body
			c.Modules[0].Lessons[i].Hash = "changed-" + l.Hash
		}
	}
	return c
}

func TestImportNeverSilentlyOverwritesBrowserEdits(t *testing.T) {
	ctx := context.Background()
	db, s := curriculum(t)
	m := firstModule(t, s)
	ls, _ := s.Lessons(ctx, m.ID)
	edited, other := ls[0].Slug, ls[1].Slug
	d, _ := s.Draft(ctx, m.ID, edited)
	if _, err := s.SaveAndPublish(ctx, m, edited, LessonInput{Title: d.Title, Minutes: d.Minutes, BodyMD: "## Browser\n\nIn de browser geschreven."}, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateLesson(ctx, m.ID, "extra-les", LessonInput{Title: "Extra", Minutes: 3, BodyMD: "## Extra\n\nTekst."}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveAndPublish(ctx, m, "extra-les", LessonInput{Title: "Extra", Minutes: 3, BodyMD: "## Extra\n\nTekst.", BaseVersion: 1}, 0); err != nil {
		t.Fatal(err)
	}
	im := catalog.NewImporter(db, content.NewRenderer())

	// The same files again: the browser versions stay, nothing to report
	// for the edited lesson, the browser-only lesson is kept and reported.
	c, _ := content.NewRenderer().Parse(courses.FS)
	rep, err := im.Import(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if got := publishedBody(t, db, m.ID, edited); got != "## Browser\n\nIn de browser geschreven.\n" {
		t.Errorf("re-import of unchanged files overwrote the browser edit: %q", got)
	}
	if len(rep.Conflicts) != 1 || !strings.Contains(rep.Conflicts[0], "extra-les") {
		t.Errorf("conflicts = %q, want one about extra-les (not in the files, kept)", rep.Conflicts)
	}

	// Both the edited lesson and another one changed in the files: the
	// other is imported, the edited one is a conflict and skipped.
	c = changedCourse(t, edited, "## Bestand\n\nUit het bestand.\n")
	for i, l := range c.Modules[0].Lessons {
		if l.Slug == other {
			c.Modules[0].Lessons[i].BodyMD = "## Ander\n\nAndere les, nieuw in het bestand.\n"
			c.Modules[0].Lessons[i].Hash = "changed-" + l.Hash
		}
	}
	rep, err = im.Import(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if got := publishedBody(t, db, m.ID, edited); got != "## Browser\n\nIn de browser geschreven.\n" {
		t.Errorf("import overwrote a browser-edited lesson: %q", got)
	}
	if got := publishedBody(t, db, m.ID, other); got != "## Ander\n\nAndere les, nieuw in het bestand.\n" {
		t.Errorf("the rest of the import did not happen: %q", got)
	}
	if len(rep.Conflicts) != 2 || !strings.Contains(strings.Join(rep.Conflicts, "\n"), edited) {
		t.Errorf("conflicts = %q, want the edited lesson and extra-les", rep.Conflicts)
	}

	// Forced: the file wins, the browser-only lesson goes, and the mark is
	// cleared so the next import is ordinary again.
	rep, err = im.ImportWith(ctx, c, catalog.ImportOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Conflicts) != 0 {
		t.Errorf("forced import still reports conflicts: %q", rep.Conflicts)
	}
	if got := publishedBody(t, db, m.ID, edited); got != "## Bestand\n\nUit het bestand.\n" {
		t.Errorf("forced import did not overwrite: %q", got)
	}
	var n int
	dbtest.Get(t, db, &n, `SELECT count(*) FROM lessons WHERE module_id = $1 AND (slug = 'extra-les' OR edited_in_browser_at IS NOT NULL)`, m.ID)
	if n != 0 {
		t.Errorf("after a forced import %d lessons are still browser-only or marked, want 0", n)
	}
	rep, err = im.Import(ctx, c)
	if err != nil || !rep.NoChanges() || len(rep.Conflicts) != 0 {
		t.Errorf("second import of the same files: %v, err %v; want no changes", rep, err)
	}
}

func TestImportKeepsUploadedImages(t *testing.T) {
	ctx := context.Background()
	db, s := curriculum(t)
	m := firstModule(t, s)
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	name, err := s.SaveUpload(ctx, m.ID, png)
	if err != nil {
		t.Fatal(err)
	}
	// The module's own files change (its hash), so its media are synced.
	c, _ := content.NewRenderer().Parse(courses.FS)
	c.Modules[0].Hash = "changed"
	if _, err := catalog.NewImporter(db, content.NewRenderer()).Import(ctx, c); err != nil {
		t.Fatal(err)
	}
	var n int
	dbtest.Get(t, db, &n, `SELECT count(*) FROM media WHERE module_id = $1 AND name = $2`, m.ID, name)
	if n != 1 {
		t.Errorf("an import removed the uploaded image %s", name)
	}
}

func TestDeleteLesson(t *testing.T) {
	ctx := context.Background()
	db, s := curriculum(t)
	m := firstModule(t, s)
	ls, _ := s.Lessons(ctx, m.ID)
	if err := s.DeleteLesson(ctx, m.ID, ls[1].Slug); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateLesson(ctx, m.ID, "alleen-concept", LessonInput{Title: "x", Minutes: 1, BodyMD: "y"}, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteLesson(ctx, m.ID, "alleen-concept"); err != nil {
		t.Fatalf("delete a draft-only lesson: %v", err)
	}
	var positions []int
	dbtest.Select(t, db, &positions, `SELECT position FROM lessons WHERE module_id = $1 ORDER BY position`, m.ID)
	for i, p := range positions {
		if p != i+1 {
			t.Fatalf("positions after delete = %v, want 1..%d", positions, len(positions))
		}
	}
	if len(positions) != len(ls)-1 {
		t.Errorf("lessons after delete = %d, want %d", len(positions), len(ls)-1)
	}
	if err := s.DeleteLesson(ctx, m.ID, ls[1].Slug); err == nil {
		t.Errorf("deleting a missing lesson: no error")
	}
}

// quizText is the module's published quiz as learners get it.
func quizText(t *testing.T, db *sqlx.DB, moduleID int64) string {
	t.Helper()
	var s string
	if err := db.Get(&s, `SELECT m.pass_mark || ':' || coalesce(string_agg(q.slug || '=' || q.text, '|' ORDER BY q.position), '')
		FROM modules m LEFT JOIN questions q ON q.module_id = m.id WHERE m.id = $1 GROUP BY m.pass_mark`, moduleID); err != nil {
		t.Fatalf("published quiz: %v", err)
	}
	return s
}

func TestQuizDraftsRevisionsAndPublish(t *testing.T) {
	ctx := context.Background()
	db, s := curriculum(t)
	m := firstModule(t, s)
	before := quizText(t, db, m.ID)
	d, err := s.QuizDraft(ctx, m.ID)
	if err != nil || d.Version != 0 || d.Pending {
		t.Fatalf("quiz never saved in the browser: %+v, err %v; want version 0, not pending", d, err)
	}

	// A draft is stored as a revision; learners keep the published quiz.
	q := d.Quiz
	q.Questions[0].Text = "Concepttekst van de trainer?"
	v, ps, err := s.SaveQuiz(ctx, m.ID, q, 0, false, 0)
	if err != nil || len(ps) != 0 || v != 2 { // version 1 is the imported quiz
		t.Fatalf("save quiz draft: version %d, problems %v, err %v; want version 2", v, ps, err)
	}
	if got := quizText(t, db, m.ID); got != before {
		t.Errorf("a quiz draft changed the published quiz:\n got %s\nwant %s", got, before)
	}
	d, _ = s.QuizDraft(ctx, m.ID)
	if !d.Pending || d.Version != 2 || d.Quiz.Questions[0].Text != "Concepttekst van de trainer?" {
		t.Errorf("editor after a draft save: %+v, want the pending draft, version 2", d)
	}

	// A save based on an older version is refused.
	if _, _, err := s.SaveQuiz(ctx, m.ID, q, 0, false, 0); !errors.Is(err, ErrStale) {
		t.Errorf("save based on version 0 after version 2: err %v, want ErrStale", err)
	}

	// Publishing a question without a correct answer is refused; the draft
	// is kept as revision 3 and learners still see the old quiz.
	bad := d.Quiz
	bad.Questions = append([]content.Question(nil), d.Quiz.Questions...)
	bad.Questions[0].Options = append([]content.Option(nil), d.Quiz.Questions[0].Options...)
	for i := range bad.Questions[0].Options {
		bad.Questions[0].Options[i].Correct = false
	}
	v, ps, err = s.SaveQuiz(ctx, m.ID, bad, 2, true, 0)
	if err != nil || v != 3 || !strings.Contains(ps.Error(), "juist antwoord") {
		t.Errorf("publish without a correct answer: version %d, problems %v, err %v; want version 3 refused about 'juist antwoord'", v, ps, err)
	}
	if got := quizText(t, db, m.ID); got != before {
		t.Errorf("a refused quiz was published: %s", got)
	}

	// Restore revision 2 (a new revision 4) and publish it.
	rs, err := s.QuizRevisions(ctx, m.ID)
	if err != nil || len(rs) != 3 || rs[0].Version != 3 || rs[1].Version != 2 || rs[2].Version != 1 || !rs[2].Published {
		t.Fatalf("quiz revisions = %+v, err %v; want versions 3, 2, 1 (the imported quiz, published)", rs, err)
	}
	if v, err := s.RestoreQuizRevision(ctx, m.ID, rs[1].ID, 0); err != nil || v != 4 {
		t.Fatalf("restore revision 2: version %d, err %v; want 4", v, err)
	}
	d, _ = s.QuizDraft(ctx, m.ID)
	if d.Version != 4 || d.Quiz.Questions[0].Text != "Concepttekst van de trainer?" {
		t.Fatalf("after restoring revision 2: %+v", d)
	}
	if _, ps, err := s.SaveQuiz(ctx, m.ID, d.Quiz, 4, true, 0); err != nil || len(ps) != 0 {
		t.Fatalf("publish the restored quiz: problems %v, err %v", ps, err)
	}
	if got := quizText(t, db, m.ID); !strings.Contains(got, "Concepttekst van de trainer?") {
		t.Errorf("published quiz = %s, want the trainer's question", got)
	}
	d, _ = s.QuizDraft(ctx, m.ID)
	if d.Pending || d.Version != 5 {
		t.Errorf("after publishing: %+v, want version 5, not pending", d)
	}
	rs, _ = s.QuizRevisions(ctx, m.ID)
	if len(rs) != 5 || !rs[0].Published || rs[1].Published {
		t.Errorf("revisions after publishing: %d, newest published %v; want 5 with the newest published and the restored draft not", len(rs), rs[0].Published)
	}
	if _, err := s.QuizRevision(ctx, m.ID+1000, rs[0].ID); !errors.Is(err, database.ErrNotFound) {
		t.Errorf("a revision through another module: err %v, want ErrNotFound", err)
	}
}

// TestImportKeepsModuleQuizAndOrderEditedInBrowser: module fields, the
// quiz and the lesson order follow the import rule of lessons.
func TestImportKeepsModuleQuizAndOrderEditedInBrowser(t *testing.T) {
	ctx := context.Background()
	db, s := curriculum(t)
	m := firstModule(t, s)
	im := catalog.NewImporter(db, content.NewRenderer())
	err := s.UpdateModule(ctx, m.ID, m.Slug, m.Updated, ModuleFields{Title: "Titel uit de browser", Summary: m.Summary, Minutes: m.Minutes, IntroMD: m.IntroMD, PolicyMD: m.PolicyMD})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := s.QuizDraft(ctx, m.ID)
	d.Quiz.PassMark = 90
	if _, ps, err := s.SaveQuiz(ctx, m.ID, d.Quiz, 0, true, 0); err != nil || len(ps) > 0 {
		t.Fatalf("publish quiz: %v %v", ps, err)
	}
	ls, _ := s.Lessons(ctx, m.ID)
	if err := s.MoveLesson(ctx, m.ID, ls[0].Slug, 1); err != nil {
		t.Fatal(err)
	}
	order := func() string {
		var o string
		dbtest.Get(t, db, &o, `SELECT string_agg(slug, ',' ORDER BY position) FROM lessons WHERE module_id = $1`, m.ID)
		return o
	}
	browserOrder := order()
	state := func() string {
		var st string
		dbtest.Get(t, db, &st, `SELECT title || '|' || pass_mark FROM modules WHERE id = $1`, m.ID)
		return st + "|" + order()
	}
	want := "Titel uit de browser|90|" + browserOrder

	// Unchanged files: the browser versions stay, no conflicts.
	c, _ := content.NewRenderer().Parse(courses.FS)
	rep, err := im.Import(ctx, c)
	if err != nil || len(rep.Conflicts) != 0 || state() != want {
		t.Errorf("import of unchanged files: conflicts %q, err %v, state %q; want none and %q", rep.Conflicts, err, state(), want)
	}

	// Files that change module.md, quiz.yaml and the order: three
	// conflicts, the browser versions stay, the rest of the module is
	// imported.
	c, _ = content.NewRenderer().Parse(courses.FS)
	cm := &c.Modules[0]
	cm.Title, cm.Hash = "Titel uit het bestand", "changed"
	cm.Quiz.PassMark = 60
	cm.Lessons[len(cm.Lessons)-1], cm.Lessons[len(cm.Lessons)-2] = cm.Lessons[len(cm.Lessons)-2], cm.Lessons[len(cm.Lessons)-1]
	for i := range cm.Lessons {
		cm.Lessons[i].Position = i + 1
	}
	rep, err = im.Import(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(rep.Conflicts, "\n")
	for _, w := range []string{"module.md", "quiz.yaml", "reordered"} {
		if !strings.Contains(all, w) {
			t.Errorf("conflicts %q: none about %s", rep.Conflicts, w)
		}
	}
	if state() != want {
		t.Errorf("an import overwrote browser edits: state %q, want %q", state(), want)
	}
	// Reported again until resolved.
	if rep, _ = im.Import(ctx, c); len(rep.Conflicts) != 3 {
		t.Errorf("second import: conflicts %q, want the same three", rep.Conflicts)
	}

	// Forced: the files win, and the marks are cleared.
	rep, err = im.ImportWith(ctx, c, catalog.ImportOptions{Force: true})
	if err != nil || len(rep.Conflicts) != 0 {
		t.Fatalf("forced import: conflicts %q, err %v", rep.Conflicts, err)
	}
	slugs := make([]string, len(cm.Lessons))
	for i, l := range cm.Lessons {
		slugs[i] = l.Slug
	}
	if got, w := state(), "Titel uit het bestand|60|"+strings.Join(slugs, ","); got != w {
		t.Errorf("after a forced import: %q, want %q", got, w)
	}
	if rep, err = im.Import(ctx, c); err != nil || !rep.NoChanges() || len(rep.Conflicts) != 0 {
		t.Errorf("import after the forced one: %v, err %v; want no changes", rep, err)
	}
}

// TestExportOfBrowserEditsImportsWithoutConflict: a module exported after
// browser edits and imported again is no conflict: the files say what the
// browser version says.
func TestExportOfBrowserEditsImportsWithoutConflict(t *testing.T) {
	ctx := context.Background()
	db, s := curriculum(t)
	m := firstModule(t, s)
	ls, _ := s.Lessons(ctx, m.ID)
	d, _ := s.Draft(ctx, m.ID, ls[0].Slug)
	if _, err := s.SaveAndPublish(ctx, m, d.Slug, LessonInput{Title: d.Title, Minutes: d.Minutes, BodyMD: "## Browser\n\nNieuw.", BaseVersion: d.Version}, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateModule(ctx, m.ID, m.Slug, m.Updated, ModuleFields{Title: "Andere titel", Summary: m.Summary, Minutes: m.Minutes, IntroMD: m.IntroMD, PolicyMD: m.PolicyMD}); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveLesson(ctx, m.ID, ls[0].Slug, 1); err != nil {
		t.Fatal(err)
	}
	files, err := s.Export(ctx, m.Slug)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteZip(&buf, files); err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	c, ps := content.NewRenderer().Parse(zr)
	if ps != nil {
		t.Fatalf("parse export: %v", ps)
	}
	rep, err := catalog.NewImporter(db, content.NewRenderer()).Import(ctx, c)
	if err != nil || len(rep.Conflicts) != 0 {
		t.Errorf("import of the module's own export: conflicts %q, err %v; want none", rep.Conflicts, err)
	}
}
