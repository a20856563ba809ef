package content

import (
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// dangerousAttr finds event handlers and script URLs inside tags.
var dangerousAttr = regexp.MustCompile(`<[^>]*\s(on[a-z]+\s*=|(href|src|action|formaction)\s*=\s*["']?\s*(javascript|vbscript|data):)`)

// FuzzRender feeds arbitrary Markdown to the renderer: it must never panic
// and never let a script element or event handler through.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"# kop\n\ntekst", "<script>alert(1)</script>", "[x](javascript:alert(1))",
		"![a](media/x.png)", "| a | b |\n|---|---|\n| 1 | 2 |", "<img src=x onerror=alert(1)>",
		"```\ncode\n```", "> quote\n>> nested", "[x](javascript&colon;alert(1))",
	} {
		f.Add(s)
	}
	r := NewRenderer()
	f.Fuzz(func(t *testing.T, md string) {
		html, err := r.Render(md, "/media/m/")
		if err != nil {
			return
		}
		lower := strings.ToLower(html)
		for _, bad := range []string{"<script", "<iframe", "<object", "<embed", "<style"} {
			if strings.Contains(lower, bad) {
				t.Fatalf("Render(%q) = %q: contains %q", md, html, bad)
			}
		}
		if m := dangerousAttr.FindString(lower); m != "" {
			t.Fatalf("Render(%q) = %q: dangerous attribute %q", md, html, m)
		}
		_ = r.PlainText(html)
		_ = r.Images(md)
	})
}

// FuzzParse feeds arbitrary module, lesson and quiz files to the course
// parser: it must never panic, and must either return problems or a course.
func FuzzParse(f *testing.F) {
	f.Add("---\ntitle: T\nsummary: S\nminutes: 10\npolicy_summary: P\n---\nIntro\n",
		"---\ntitle: L\nminutes: 5\n---\n## Kop\n\nTekst\n",
		"pass_mark: 70\nquestions:\n  - id: a\n    type: truefalse\n    text: V\n    options:\n      - text: Juist\n        correct: true\n        explanation: E\n      - text: Fout\n        correct: false\n        explanation: E\n")
	f.Add("", "", "")
	f.Add("---\n---\n", "---\ntitle: [\n---\n", "questions: {")
	r := NewRenderer()
	f.Fuzz(func(t *testing.T, module, lesson, quiz string) {
		fsys := fstest.MapFS{
			"01-m/module.md": {Data: []byte(module)},
			"01-m/01-les.md": {Data: []byte(lesson)},
			"01-m/quiz.yaml": {Data: []byte(quiz)},
			"02-n/module.md": {Data: []byte(module)},
			"02-n/01-a.md":   {Data: []byte(lesson)},
			"02-n/quiz.yaml": {Data: []byte(quiz)},
		}
		c, ps := r.Parse(fsys)
		if (c == nil) == (ps == nil) {
			t.Fatalf("Parse returned course=%v problems=%v: want exactly one", c != nil, ps)
		}
		for _, p := range ps {
			if p.File == "" || p.Reason == "" {
				t.Fatalf("problem without file or reason: %+v", p)
			}
		}
	})
}
