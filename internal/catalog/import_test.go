package catalog_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jmoiron/sqlx"

	"nabij.be/leerplatform/internal/catalog"
	"nabij.be/leerplatform/internal/content"
	"nabij.be/leerplatform/internal/database/dbtest"
)

func parse(t *testing.T, fsys fstest.MapFS) *content.Course {
	t.Helper()
	c, ps := content.NewRenderer().Parse(fsys)
	if ps != nil {
		t.Fatalf("sample course has problems:\n%v", ps)
	}
	return c
}

func importFS(t *testing.T, db *sqlx.DB, fsys fstest.MapFS) catalog.ImportReport {
	t.Helper()
	r := content.NewRenderer()
	c, ps := r.Parse(fsys)
	if ps != nil {
		t.Fatalf("parse:\n%v", ps)
	}
	rep, err := catalog.NewImporter(db, r).Import(context.Background(), c)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return rep
}

// snapshot describes everything the importer writes, row ids and update
// times included, so two equal snapshots mean nothing was touched.
func snapshot(t *testing.T, db *sqlx.DB) string {
	t.Helper()
	var s string
	err := db.Get(&s, `SELECT
		(SELECT coalesce(string_agg(id || '|' || slug || '|' || position || '|' || title || '|' || source_hash || '|' || md5(intro_html) || '|' || updated_at, ';' ORDER BY id), '') FROM modules) || E'\n' ||
		(SELECT coalesce(string_agg(id || '|' || module_id || '|' || slug || '|' || position || '|' || title || '|' || md5(body_html) || '|' || updated_at, ';' ORDER BY id), '') FROM lessons) || E'\n' ||
		(SELECT coalesce(string_agg(id || '|' || module_id || '|' || slug || '|' || kind || '|' || md5(text), ';' ORDER BY id), '') FROM questions) || E'\n' ||
		(SELECT coalesce(string_agg(id || '|' || question_id || '|' || position || '|' || correct || '|' || md5(explanation), ';' ORDER BY id), '') FROM options) || E'\n' ||
		(SELECT coalesce(string_agg(id || '|' || module_id || '|' || name || '|' || sha256, ';' ORDER BY id), '') FROM media)`)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return s
}

func TestImportValidSample(t *testing.T) {
	db := dbtest.New(t)
	rep := importFS(t, db, sampleCourse())
	want := []string{
		"module eerste: added", "lesson eerste/begin: added", "lesson eerste/vervolg: added",
		"module tweede: added", "lesson tweede/alleen-les: added",
	}
	if got := strings.Join(rep.Changes, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM modules`:                         2,
		`SELECT count(*) FROM lessons`:                         3,
		`SELECT count(*) FROM questions`:                       4,
		`SELECT count(*) FROM options`:                         9,
		`SELECT count(*) FROM options WHERE correct`:           5,
		`SELECT count(*) FROM media`:                           1,
		`SELECT count(*) FROM modules WHERE pass_mark = 70`:    2,
		`SELECT count(*) FROM modules WHERE position IN (1,2)`: 2,
	} {
		if got := dbtest.Count(t, db, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}

	var l struct {
		Title    string `db:"title"`
		Position int    `db:"position"`
		Minutes  int    `db:"minutes"`
		HTML     string `db:"body_html"`
		Text     string `db:"body_text"`
	}
	if err := db.Get(&l, `SELECT title, position, minutes, body_html, body_text FROM lessons WHERE slug = 'begin'`); err != nil {
		t.Fatal(err)
	}
	if l.Title != "Begin" || l.Position != 1 || l.Minutes != 10 {
		t.Errorf("lesson begin: title %q position %d minutes %d, want Begin 1 10", l.Title, l.Position, l.Minutes)
	}
	for _, want := range []string{
		`<h2>Over cliënten</h2>`,
		`<img src="/media/eerste/schema.svg" alt="Een schema: wie doet wat? &#34;Wij&#34; of &#34;zij&#34;.">`,
		`<table>`, `<td>E-mail</td>`,
	} {
		if !strings.Contains(l.HTML, want) {
			t.Errorf("lesson HTML lacks %q:\n%s", want, l.HTML)
		}
	}
	if strings.Contains(l.Text, "<") || !strings.Contains(l.Text, "De cliënten van het OCMW") {
		t.Errorf("lesson search text %q: want plain text with the body", l.Text)
	}
	var policy string
	if err := db.Get(&policy, `SELECT policy_html FROM modules WHERE slug = 'eerste'`); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(policy, "<strong>telt</strong>") {
		t.Errorf("policy HTML %q: want the Markdown rendered", policy)
	}
	var media struct {
		ContentType string `db:"content_type"`
		Data        []byte `db:"data"`
	}
	if err := db.Get(&media, `SELECT content_type, data FROM media WHERE name = 'schema.svg'`); err != nil {
		t.Fatal(err)
	}
	if media.ContentType != "image/svg+xml" || string(media.Data) != sampleSVG {
		t.Errorf("media: %s %q, want image/svg+xml with the file's bytes", media.ContentType, media.Data)
	}
}

// TestParseReportsEachProblem breaks the sample one file at a time: each
// kind of problem is reported as file:line: reason, and nothing reaches the
// database.
func TestParseReportsEachProblem(t *testing.T) {
	const (
		lesson = "01-eerste/01-begin.md"
		mod    = "01-eerste/module.md"
		quiz   = "01-eerste/quiz.yaml"
	)
	set := func(name, data string) func(fstest.MapFS) {
		return func(f fstest.MapFS) { f[name] = &fstest.MapFile{Data: []byte(data)} }
	}
	edit := func(name, old, new string) func(fstest.MapFS) {
		return func(f fstest.MapFS) {
			s := string(f[name].Data)
			if !strings.Contains(s, old) {
				panic(fmt.Sprintf("%s has no %q", name, old))
			}
			f[name] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
		}
	}
	remove := func(name string) func(fstest.MapFS) {
		return func(f fstest.MapFS) { delete(f, name) }
	}
	copyModule := func(from, to string) func(fstest.MapFS) {
		return func(f fstest.MapFS) {
			for name, file := range f {
				if rest, ok := strings.CutPrefix(name, from+"/"); ok {
					f[to+"/"+rest] = file
				}
			}
		}
	}
	cases := []struct {
		name   string
		break_ func(fstest.MapFS)
		want   string
	}{
		{"missing front matter", set(lesson, "## Kop\n\nTekst\n"),
			lesson + ":1: front matter ontbreekt"},
		{"unclosed front matter", set(lesson, "---\ntitle: Begin\nminutes: 3\n## Kop\n\nTekst\n"),
			lesson + ":1: front matter is niet afgesloten"},
		{"empty front matter", set(lesson, "---\n---\n## Kop\n\nTekst\n"),
			lesson + ":2: veld 'title' ontbreekt"},
		{"missing lesson title", edit(lesson, "title: Begin\n", ""),
			lesson + ":2: veld 'title' ontbreekt of is leeg"},
		{"missing lesson minutes", edit(lesson, "minutes: 10\n", ""),
			lesson + ":2: veld 'minutes' moet een positief geheel getal zijn"},
		{"missing module summary", edit(mod, "summary: Een korte samenvatting van de eerste module.\n", ""),
			mod + ":2: veld 'summary' ontbreekt of is leeg"},
		{"missing policy summary", edit(mod, "policy_summary: |\n  Waarom dit **telt** voor de gemeente.\n", ""),
			mod + ":2: veld 'policy_summary' ontbreekt of is leeg"},
		{"policy summary over 200 words", edit(mod, "  Waarom dit **telt** voor de gemeente.\n", "  "+strings.Repeat("woord ", 201)+"\n"),
			mod + ":2: 'policy_summary' telt 201 woorden; hoogstens 200"},
		{"missing module.md", remove(mod),
			mod + ":0: ontbreekt"},
		{"missing quiz", remove(quiz),
			quiz + ":0: ontbreekt"},
		{"lesson without text", set(lesson, "---\ntitle: Begin\nminutes: 3\n---\n"),
			lesson + ":5: de les heeft geen tekst"},
		{"duplicate lesson slug", set("01-eerste/03-begin.md", sampleLesson1),
			`01-eerste/03-begin.md:0: dubbele les-slug "begin" (ook in 01-begin.md)`},
		{"duplicate lesson number", set("01-eerste/01-nog-een.md", sampleLesson2),
			`01-eerste/01-nog-een.md:0: volgnummer 01 komt ook voor in 01-begin.md`},
		{"duplicate module slug", copyModule("01-eerste", "03-eerste"),
			`03-eerste:0: dubbele module-slug "eerste" (ook in 01-eerste)`},
		{"duplicate module number", copyModule("02-tweede", "02-derde"),
			`volgnummer 02 komt twee keer voor`},
		{"bad folder name", copyModule("02-tweede", "3-Derde module"),
			"3-Derde module:0: mapnaam moet de vorm NN-slug hebben"},
		{"bad lesson file name", set("01-eerste/Les drie.md", sampleLesson2),
			"01-eerste/Les drie.md:0: lesbestand moet de vorm NN-slug.md hebben"},
		{"stray file", set("01-eerste/notities.txt", "x"),
			"01-eerste/notities.txt:0: onbekend bestand"},
		{"single question without correct answer", edit(quiz, "      - text: A\n        correct: true", "      - text: A\n        correct: false"),
			quiz + ":3: vraag 1: een 'single'-vraag heeft precies één juist antwoord (nu 0)"},
		{"multiple question without correct answer", func(f fstest.MapFS) {
			edit(quiz, "      - text: X\n        correct: true", "      - text: X\n        correct: false")(f)
			edit(quiz, "      - text: Y\n        correct: true", "      - text: Y\n        correct: false")(f)
		}, quiz + ":23: vraag 3: geen juist antwoord"},
		{"truefalse without correct answer", edit(quiz, "      - text: Juist\n        correct: true", "      - text: Juist\n        correct: false"),
			quiz + ":13: vraag 2: een 'truefalse'-vraag heeft precies één juist antwoord (nu 0)"},
		{"option without explanation", edit(quiz, "        explanation: Omdat B niet klopt.\n", ""),
			quiz + ":3: vraag 1, optie 2: 'explanation' ontbreekt"},
		{"truefalse with wrong options", edit(quiz, "      - text: Juist\n", "      - text: Ja\n"),
			quiz + ":13: vraag 2: een 'truefalse'-vraag heeft precies de opties Juist en Fout"},
		{"truefalse with three options", edit(quiz, "      - text: Fout\n", "      - text: Misschien\n        correct: false\n        explanation: Nee.\n      - text: Fout\n"),
			quiz + ":13: vraag 2: een 'truefalse'-vraag heeft precies de opties Juist en Fout"},
		{"unknown question type", edit(quiz, "type: single", "type: open"),
			quiz + `:3: vraag 1: onbekend type "open"`},
		{"duplicate question id", edit(quiz, "id: tweede", "id: eerste"),
			quiz + `:13: vraag 2: dubbele id "eerste"`},
		{"pass mark out of range", edit(quiz, "pass_mark: 70", "pass_mark: 0"),
			quiz + ":1: 'pass_mark' moet tussen 1 en 100 liggen"},
		{"quiz without questions", set(quiz, "pass_mark: 70\nquestions: []\n"),
			quiz + ":1: de quiz heeft geen vragen"},
		{"image that does not exist", edit(lesson, "(media/schema.svg)", "(media/nope.svg)"),
			lesson + `:9: afbeelding "media/nope.svg" bestaat niet`},
		{"image outside media", edit(lesson, "(media/schema.svg)", "(https://example.org/x.png)"),
			lesson + `:9: afbeelding "https://example.org/x.png" bestaat niet`},
		{"image without alt", edit(lesson, `![Een schema: wie doet wat? "Wij" of "zij".]`, "![]"),
			lesson + `:9: afbeelding "media/schema.svg" heeft geen alt-tekst`},
		{"h1 in a lesson", edit(lesson, "## Over cliënten", "# Over cliënten"),
			lesson + ":5: gebruik geen kop van niveau 1"},
		{"setext h1 in a lesson", edit(lesson, "## Over cliënten\n", "Over cliënten\n=============\n"),
			lesson + ":5: gebruik geen kop van niveau 1"},
		{"invalid YAML in front matter", edit(lesson, "minutes: 10\n", "minutes: 10\n  bad: indent\n"),
			lesson + ":4: front matter: mapping values are not allowed"},
		{"invalid YAML in quiz", edit(quiz, "    text: Welke keuze is juist?", `    text: "Welke keuze is juist?`),
			quiz + ":"},
		{"unknown field in front matter", edit(lesson, "minutes: 10\n", "minutes: 10\nauteur: Jan\n"),
			lesson + ":4: front matter: onbekend veld 'auteur'"},
		{"unknown field in quiz", edit(quiz, "    type: truefalse\n", "    type: truefalse\n    hint: nee\n"),
			quiz + ":15: YAML: onbekend veld 'hint'"},
		{"wrong type in front matter", edit(lesson, "minutes: 10", "minutes: tien"),
			lesson + `:3: front matter: waarde "tien" heeft het verkeerde type (verwacht een geheel getal)`},
		{"invalid UTF-8", set(lesson, "---\ntitle: Begin\xff\nminutes: 3\n---\n## Kop\n\nTekst\n"),
			lesson + ":1: het bestand is geen geldige UTF-8-tekst"},
		{"SVG with a script", set("01-eerste/media/schema.svg", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`),
			"01-eerste/media/schema.svg:0: SVG, regel 1: het attribuut onload op <svg> is niet toegelaten"},
		{"image whose content does not match its name", set("01-eerste/media/foto.png", "GIF89a not a png"),
			`01-eerste/media/foto.png:0: de inhoud van het bestand past niet bij de extensie ".png"`},
		{"module without lessons", func(f fstest.MapFS) { delete(f, "02-tweede/01-alleen-les.md") },
			"02-tweede:0: de module heeft geen lessen"},
	}

	// The database holds the sample; a broken course must leave it as it is.
	db := dbtest.New(t)
	importFS(t, db, sampleCourse())
	before := snapshot(t, db)
	r := content.NewRenderer()
	im := catalog.NewImporter(db, r)

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := sampleCourse()
			tc.break_(fsys)
			c, ps := r.Parse(fsys)
			if ps == nil {
				t.Fatalf("Parse accepted the broken course; want a problem %q", tc.want)
			}
			if c != nil {
				t.Errorf("Parse returned a course together with problems")
			}
			found := false
			for _, p := range ps {
				if strings.Contains(p.String(), tc.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("problems:\n%v\nwant one containing %q", ps, tc.want)
			}
			// What `nabij import` does: import only a course without problems.
			if c != nil {
				if _, err := im.Import(context.Background(), c); err != nil {
					t.Errorf("import: %v", err)
				}
			}
			if after := snapshot(t, db); after != before {
				t.Errorf("the database changed after a broken course:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func TestParseReportsEveryProblemAtOnce(t *testing.T) {
	fsys := sampleCourse()
	fsys["01-eerste/01-begin.md"] = &fstest.MapFile{Data: []byte("## geen front matter\n")}
	fsys["02-tweede/quiz.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(sampleQuiz2, "correct: true", "correct: false", 1))}
	_, ps := content.NewRenderer().Parse(fsys)
	got := ps.Error()
	for _, want := range []string{"01-eerste/01-begin.md:1:", "02-tweede/quiz.yaml:3:"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems:\n%s\nwant one starting %q", got, want)
		}
	}
}

// TestImportRollsBackOnDatabaseError makes the database refuse the second
// module: the first module, imported earlier in the same run, must not stay.
func TestImportRollsBackOnDatabaseError(t *testing.T) {
	db := dbtest.New(t)
	r := content.NewRenderer()
	c := parse(t, sampleCourse())
	c.Modules[1].Slug = "Geen Geldige Slug" // the schema's CHECK refuses it
	_, err := catalog.NewImporter(db, r).Import(context.Background(), c)
	if err == nil {
		t.Fatalf("import with an invalid slug succeeded; want a database error")
	}
	if n := dbtest.Count(t, db, `SELECT count(*) FROM modules`) + dbtest.Count(t, db, `SELECT count(*) FROM lessons`) + dbtest.Count(t, db, `SELECT count(*) FROM media`); n != 0 {
		t.Errorf("after a failed import %d modules/lessons/media rows remain, want 0", n)
	}

	// Also over an existing import: a failed update leaves the old state.
	importFS(t, db, sampleCourse())
	before := snapshot(t, db)
	fsys := sampleCourse()
	fsys["01-eerste/02-vervolg.md"] = &fstest.MapFile{Data: []byte(strings.Replace(sampleLesson2, "kanaal.", "kanaal, nu anders.", 1))}
	c = parse(t, fsys)
	c.Modules[1].Lessons[0].Minutes = -1 // the schema's CHECK refuses it
	c.Modules[1].Hash = "changed"
	c.Modules[1].Lessons[0].Hash = "changed"
	if _, err := catalog.NewImporter(db, r).Import(context.Background(), c); err == nil {
		t.Fatalf("import with negative minutes succeeded; want a database error")
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("a failed import changed the database:\nbefore %s\nafter  %s", before, after)
	}
}

func TestReimportIsNoOp(t *testing.T) {
	db := dbtest.New(t)
	importFS(t, db, sampleCourse())
	before := snapshot(t, db)
	rep := importFS(t, db, sampleCourse())
	if !rep.NoChanges() || rep.String() != "no changes" {
		t.Errorf("second import reported %q, want \"no changes\"", rep.String())
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("second import changed the database:\nbefore %s\nafter  %s", before, after)
	}
}

func TestChangedLessonIsUpdatedAlone(t *testing.T) {
	db := dbtest.New(t)
	importFS(t, db, sampleCourse())
	type row struct {
		ID      int64  `db:"id"`
		Slug    string `db:"slug"`
		HTML    string `db:"body_html"`
		Updated string `db:"updated_at"`
	}
	read := func() map[string]row {
		var rows []row
		if err := db.Select(&rows, `SELECT id, slug, body_html, updated_at::text AS updated_at FROM lessons`); err != nil {
			t.Fatal(err)
		}
		m := map[string]row{}
		for _, r := range rows {
			m[r.Slug] = r
		}
		return m
	}
	before := read()

	fsys := sampleCourse()
	fsys["01-eerste/02-vervolg.md"] = &fstest.MapFile{Data: []byte(strings.Replace(sampleLesson2, "een kanaal.", "een nieuw kanaal.", 1))}
	rep := importFS(t, db, fsys)
	if got := strings.Join(rep.Changes, "\n"); got != "lesson eerste/vervolg: updated" {
		t.Errorf("changes %q, want only \"lesson eerste/vervolg: updated\"", got)
	}
	after := read()
	if !strings.Contains(after["vervolg"].HTML, "een nieuw kanaal.") {
		t.Errorf("changed lesson HTML %q, want the new text", after["vervolg"].HTML)
	}
	if after["vervolg"].ID != before["vervolg"].ID {
		t.Errorf("changed lesson got a new id (%d → %d): progress keyed by id would be lost", before["vervolg"].ID, after["vervolg"].ID)
	}
	for _, slug := range []string{"begin", "alleen-les"} {
		if after[slug] != before[slug] {
			t.Errorf("unchanged lesson %s was rewritten: %+v → %+v", slug, before[slug], after[slug])
		}
	}
	var hits int
	if err := db.Get(&hits, `SELECT count(*) FROM lessons WHERE search @@ websearch_to_tsquery('nabij_dutch', 'nieuw')`); err != nil {
		t.Fatal(err)
	}
	if hits != 1 {
		t.Errorf("search for the new word finds %d lessons, want 1", hits)
	}
}

func TestChangedQuizAndModuleAreUpdated(t *testing.T) {
	db := dbtest.New(t)
	importFS(t, db, sampleCourse())
	fsys := sampleCourse()
	fsys["01-eerste/module.md"] = &fstest.MapFile{Data: []byte(strings.Replace(sampleModule1, "title: Eerste module", "title: Eerste module, herzien", 1))}
	// Drop the third question and change an explanation.
	q := sampleQuiz1[:strings.Index(sampleQuiz1, "  - id: derde")]
	fsys["01-eerste/quiz.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(q, "Omdat A klopt.", "Omdat A echt klopt.", 1))}
	rep := importFS(t, db, fsys)
	if got := strings.Join(rep.Changes, "\n"); got != "module eerste: updated" {
		t.Errorf("changes %q, want \"module eerste: updated\"", got)
	}
	var title string
	if err := db.Get(&title, `SELECT title FROM modules WHERE slug = 'eerste'`); err != nil {
		t.Fatal(err)
	}
	if title != "Eerste module, herzien" {
		t.Errorf("module title %q, want the new one", title)
	}
	if n := dbtest.Count(t, db, `SELECT count(*) FROM questions q JOIN modules m ON m.id = q.module_id WHERE m.slug = 'eerste'`); n != 2 {
		t.Errorf("module eerste has %d questions after removing one, want 2", n)
	}
	if n := dbtest.Count(t, db, `SELECT count(*) FROM options WHERE explanation = 'Omdat A echt klopt.'`); n != 1 {
		t.Errorf("changed explanation found %d times, want 1", n)
	}
}

func TestRemovedLessonIsRemoved(t *testing.T) {
	db := dbtest.New(t)
	importFS(t, db, sampleCourse())
	fsys := sampleCourse()
	delete(fsys, "01-eerste/02-vervolg.md")
	rep := importFS(t, db, fsys)
	if got := strings.Join(rep.Changes, "\n"); got != "lesson eerste/vervolg: removed" {
		t.Errorf("changes %q, want \"lesson eerste/vervolg: removed\"", got)
	}
	if n := dbtest.Count(t, db, `SELECT count(*) FROM lessons WHERE slug = 'vervolg'`); n != 0 {
		t.Errorf("removed lesson still in the database (%d rows)", n)
	}
	if n := dbtest.Count(t, db, `SELECT count(*) FROM lessons`); n != 2 {
		t.Errorf("%d lessons left, want 2", n)
	}
}

func TestReorderedLessonsAreMoved(t *testing.T) {
	db := dbtest.New(t)
	importFS(t, db, sampleCourse())
	fsys := sampleCourse()
	fsys["01-eerste/01-vervolg.md"] = fsys["01-eerste/02-vervolg.md"]
	fsys["01-eerste/02-begin.md"] = fsys["01-eerste/01-begin.md"]
	delete(fsys, "01-eerste/01-begin.md")
	delete(fsys, "01-eerste/02-vervolg.md")
	rep := importFS(t, db, fsys)
	if got := strings.Join(rep.Changes, "\n"); got != "lesson eerste/vervolg: moved\nlesson eerste/begin: moved" {
		t.Errorf("changes %q, want both lessons moved", got)
	}
	var order []string
	if err := db.Select(&order, `SELECT l.slug FROM lessons l JOIN modules m ON m.id = l.module_id WHERE m.slug = 'eerste' ORDER BY l.position`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(order, ",") != "vervolg,begin" {
		t.Errorf("lesson order %v, want vervolg,begin", order)
	}
}

// TestRemovedLessonRecountsProgress: a learner who had read a lesson that an
// import removes keeps a truthful count of lessons done in that module.
func TestRemovedLessonRecountsProgress(t *testing.T) {
	db := dbtest.New(t)
	importFS(t, db, sampleCourse())
	var org, user, module int64
	if err := db.QueryRowx(`INSERT INTO organisations (name) VALUES ('OCMW Telling') RETURNING id`).Scan(&org); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowx(`INSERT INTO users (organisation_id, email, full_name, role) VALUES ($1, 'tel@ling.example', 'Tel Ling', 'learner') RETURNING id`, org).Scan(&user); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowx(`SELECT id FROM modules WHERE slug = 'eerste'`).Scan(&module); err != nil {
		t.Fatal(err)
	}
	db.MustExec(`INSERT INTO lesson_progress (user_id, lesson_id, module_id) SELECT $1, id, module_id FROM lessons WHERE module_id = $2`, user, module)
	db.MustExec(`INSERT INTO module_progress (user_id, module_id, lessons_done) SELECT $1, $2, count(*) FROM lessons WHERE module_id = $2`, user, module)
	before := dbtest.Count(t, db, `SELECT lessons_done FROM module_progress WHERE user_id = $1`, user)

	fsys := sampleCourse()
	delete(fsys, "01-eerste/02-vervolg.md")
	importFS(t, db, fsys)
	if got := dbtest.Count(t, db, `SELECT lessons_done FROM module_progress WHERE user_id = $1`, user); got != before-1 {
		t.Errorf("lessons_done after removing a read lesson = %d, want %d", got, before-1)
	}
}
