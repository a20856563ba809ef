package content

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// fill repeats unit while its markup fits the bound, then pads with plain
// paragraphs up to the size bound: the largest text of that shape that is
// still accepted.
func fill(prefix, unit string) string {
	var b strings.Builder
	b.WriteString(prefix)
	count := func(s string) int { // as CheckLimits counts
		n := strings.Count(s, "[") + strings.Count(s, "]") + strings.Count(s, "*") + strings.Count(s, "_") +
			strings.Count(s, "~") + strings.Count(s, "`") + strings.Count(s, "|") + strings.Count(s, "<") + strings.Count(s, ">")
		for _, line := range strings.Split(s, "\n") {
			n += nesting(line)
		}
		return n
	}
	used, perUnit := count(prefix), count(unit)
	for n := 0; unit != "" && used+(n+1)*perUnit <= MaxMarkup && b.Len()+len(unit) < MaxMarkdownBytes-4; n++ {
		b.WriteString(unit)
	}
	b.WriteString("\n\n")
	pad := "Een gewone alinea met woorden zonder opmaak, zoals een les die vooral tekst is.\n\n"
	for b.Len()+len(pad) <= MaxMarkdownBytes {
		b.WriteString(pad)
	}
	return b.String()
}

// worstShapes are the costliest texts of each shape that CheckLimits still
// accepts.
func worstShapes() map[string]string {
	var deepList strings.Builder
	for i, depth := 0, 0; depth+MaxNesting < MaxMarkup; i++ {
		fmt.Fprintf(&deepList, "%s- punt\n", strings.Repeat("  ", i%MaxNesting))
		depth += i%MaxNesting + 1
	}
	var defs strings.Builder
	for i := range MaxLinkDefinitions {
		fmt.Fprintf(&defs, "[d%d]: https://example.be/%d\n", i, i)
	}
	table := "|" + strings.Repeat(" a |", 50) + "\n|" + strings.Repeat("---|", 50) + "\n"
	return map[string]string{
		"nested quotes":    fill("", strings.Repeat("> ", MaxNesting)+"citaat\n"),
		"nested lists":     fill(deepList.String(), ""),
		"link run":         fill("", "[a](https://example.be/b)"),
		"image run":        fill("", "![a](media/b.png)"),
		"emphasis run":     fill("", "*a "),
		"emphasis mix":     fill("", "*a _b **c __d ~e "),
		"nested emphasis":  strings.Repeat("*", MaxMarkup/2-1) + "a" + strings.Repeat("*", MaxMarkup/2-1) + "\n",
		"open brackets":    strings.Repeat("[", MaxMarkup-1) + "\n",
		"link in link":     strings.Repeat("[", MaxMarkup/4) + "a" + strings.Repeat("](b)", MaxMarkup/4-1) + "\n",
		"backticks":        fill("", "`a ``b "),
		"angle brackets":   fill("", "<a "),
		"autolinks":        fill("", "<https://example.be> "),
		"table":            fill(table+strings.Repeat("| a | b |\n", MaxTableCells/50-2)+"\n", ""),
		"link definitions": fill(defs.String(), "[x][d1] "),
		"plain":            fill("", ""),
	}
}

func TestWorstShapesAccepted(t *testing.T) {
	for name, src := range worstShapes() {
		if err := CheckLimits(src); err != nil {
			t.Errorf("%s (%d bytes): refused (%v); the benchmark must measure accepted texts", name, len(src), err)
		}
	}
}

// BenchmarkRenderWorstAccepted renders the costliest accepted text of each
// shape (the memo of recent results bypassed). Every one should take well
// under 100 ms: `go test -run '^$' -bench RenderWorstAccepted ./internal/content/`.
func BenchmarkRenderWorstAccepted(b *testing.B) {
	r := NewRenderer()
	for name, src := range worstShapes() {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := r.render(src, "/media/m/"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestLimitsRefuseWithDutchReason(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"too large", strings.Repeat("woord ", MaxMarkdownBytes/6+1), "hoogstens 200 kB"},
		{"nested quotes", strings.Repeat(">", 100_000) + " x\n", "niveaus diep"},
		{"nested quotes with spaces", "tekst\n\n" + strings.Repeat("> ", MaxNesting+1) + "x\n", "11 niveaus"},
		{"nested lists", func() string {
			var b strings.Builder
			for i := range MaxNesting + 2 {
				b.WriteString(strings.Repeat("  ", i) + "- punt\n")
			}
			return b.String()
		}(), "niveaus diep"},
		{"markup", strings.Repeat("[a](b)", MaxMarkup/2+1), "te veel opmaak"},
		{"link definitions", strings.Repeat("[a]: b\n", MaxLinkDefinitions+1), "linkdefinities"},
		{"table rows without pipes", "| a | b | c | d |\n|---|---|---|---|\n" + strings.Repeat("rij\n", MaxTableCells/4), "cellen"},
	} {
		err := CheckLimits(tc.src)
		if err == nil || !strings.Contains(err.Reason, tc.want) {
			t.Errorf("%s: CheckLimits = %v, want a reason with %q", tc.name, err, tc.want)
			continue
		}
		_, rerr := NewRenderer().Render(tc.src, "")
		var le *LimitError
		if !errors.As(rerr, &le) {
			t.Errorf("%s: Render = %v, want a *LimitError", tc.name, rerr)
		}
		if ps := NewRenderer().CheckLessonBody("les", tc.src, nil); len(ps) != 1 || !strings.Contains(ps[0].Reason, tc.want) {
			t.Errorf("%s: CheckLessonBody = %v, want one problem with %q", tc.name, ps, tc.want)
		}
	}
	if err := CheckLimits("tekst\n\n" + strings.Repeat("> ", MaxNesting) + "x\n"); err != nil {
		t.Errorf("%d levels refused: %v", MaxNesting, err)
	}
}

// TestCourseImportRefusesHugeLesson: the course folder (and so the module
// ZIP) reports a lesson beyond the bounds as a problem of that file, before
// rendering it.
func TestCourseImportRefusesHugeLesson(t *testing.T) {
	fsys := fstest.MapFS{
		"01-test/module.md": {Data: []byte("---\ntitle: Test\nsummary: Samenvatting\nminutes: 10\n---\nIntro\n")},
		"01-test/01-les.md": {Data: []byte("---\ntitle: Les\nminutes: 5\n---\n" + strings.Repeat(">", 250_000) + " x\n")},
		"01-test/quiz.yaml": {Data: []byte("pass_mark: 70\nquestions: []\n")},
	}
	_, ps := NewRenderer().Parse(fsys)
	found := false
	for _, p := range ps {
		if p.File == "01-test/01-les.md" && strings.Contains(p.Reason, "kB") {
			found = true
		}
	}
	if !found {
		t.Errorf("problems %v, want one for 01-les.md about its size", ps)
	}
}

// TestRenderRemembersRecentResults: the editor shows an unchanged draft's
// preview on every visit; the second rendering of the same text comes from
// memory, and another media base is another result.
func TestRenderRemembersRecentResults(t *testing.T) {
	r := NewRenderer()
	src := "## Kop\n\nTekst met ![schema](media/a.png).\n"
	first, err := r.Render(src, "/media/m/")
	if err != nil {
		t.Fatal(err)
	}
	again, err := r.Render(src, "/media/m/")
	if err != nil || again != first {
		t.Fatalf("second render = %q, %v; want the first %q", again, err, first)
	}
	if n := r.recent.Len(); n != 1 {
		t.Errorf("%d results remembered after rendering one text twice, want 1", n)
	}
	other, _ := r.Render(src, "/media/n/")
	if other == first || !strings.Contains(other, "/media/n/a.png") {
		t.Errorf("render with another media base = %q", other)
	}
}
