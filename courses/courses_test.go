package courses_test

import (
	"regexp"
	"strings"
	"testing"

	"nabij.be/leerplatform/courses"
	"nabij.be/leerplatform/internal/content"
)

// The curriculum's structure, as issues 3 and 15 ask it. Run with -v to
// print the figures per module (lessons, words, sentence length, minutes,
// question types):
//
//	go test -v ./courses/
var wantModules = []string{"online-informeren", "online-contacteren", "online-begeleiden", "online-feedback", "blended-werken"}

const (
	minLessons, maxLessons     = 5, 8
	minWords, maxWords         = 400, 900
	minQuestions, maxQuestions = 10, 15
	passMark                   = 70
	maxPolicyWords             = 200
)

var (
	sentenceEnd = regexp.MustCompile(`[.!?…]+(?:["'”’)]*)(?:\s+|$)`)
	wordRe      = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{N}'’@./-]*`)
	headingRe   = regexp.MustCompile(`(?m)^#{2,6}\s+(.+)$`)
)

// words counts the words of plain text.
func words(s string) int { return len(wordRe.FindAllString(s, -1)) }

var proseLine = regexp.MustCompile(`[.!?…]["'”’)]*\s*$`)

// sentences splits the prose of plain text into sentences. Only lines that
// end like a sentence count: headings, table cells and list items without a
// full stop are not sentences and would make the average look shorter.
func sentences(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if !proseLine.MatchString(line) {
			continue
		}
		for _, part := range sentenceEnd.Split(line, -1) {
			if words(part) > 0 {
				out = append(out, part)
			}
		}
	}
	return out
}

// proseWords counts the words of the lines that sentences uses.
func proseWords(s string) int {
	n := 0
	for _, line := range strings.Split(s, "\n") {
		if proseLine.MatchString(line) {
			n += words(line)
		}
	}
	return n
}

func TestCurriculumStructure(t *testing.T) {
	r := content.NewRenderer()
	c, problems := r.Parse(courses.FS)
	if problems != nil {
		t.Fatalf("nabij import --check courses fails:\n%v", problems)
	}
	if len(c.Modules) != len(wantModules) {
		t.Fatalf("%d modules, want %d", len(c.Modules), len(wantModules))
	}
	totalLessons, totalWords := 0, 0
	for i, m := range c.Modules {
		if m.Slug != wantModules[i] || m.Position != i+1 {
			t.Errorf("module %d is %s (position %d), want %s", i+1, m.Slug, m.Position, wantModules[i])
		}
		if n := len(m.Lessons); n < minLessons || n > maxLessons {
			t.Errorf("%s has %d lessons, want %d to %d", m.Slug, n, minLessons, maxLessons)
		}

		// Policy summary for aldermen.
		policyHTML, err := r.Render(m.PolicyMD, "")
		if err != nil {
			t.Fatal(err)
		}
		if n := words(r.PlainText(policyHTML)); n > maxPolicyWords || n < 30 {
			t.Errorf("%s: policy summary has %d words, want 30 to %d", m.Slug, n, maxPolicyWords)
		}
		if words(m.IntroMD) < 30 {
			t.Errorf("%s: the introduction has %d words; say what you learn, for whom and how long", m.Slug, words(m.IntroMD))
		}

		// Lessons.
		modWords, modProse, modSentences, modShort, practice := 0, 0, 0, 0, false
		for _, l := range m.Lessons {
			html, err := r.Render(l.BodyMD, "/media/"+m.Slug+"/")
			if err != nil {
				t.Fatal(err)
			}
			text := r.PlainText(html)
			n := words(text)
			if n < minWords || n > maxWords {
				t.Errorf("%s: %d words, want %d to %d", l.File, n, minWords, maxWords)
			}
			modWords += n
			for _, sn := range sentences(text) {
				modSentences++
				if words(sn) <= 4 {
					modShort++
				}
			}
			modProse += proseWords(text)
			var heads []string
			for _, h := range headingRe.FindAllStringSubmatch(l.BodyMD, -1) {
				heads = append(heads, strings.ToLower(h[1]))
			}
			all := strings.Join(heads, "\n")
			if !strings.Contains(all, "aan de slag") {
				t.Errorf("%s: no \"Aan de slag\" section (headings: %q)", l.File, heads)
			}
			if !regexp.MustCompile(`samengevat|samenvatting|onthoud`).MatchString(all) {
				t.Errorf("%s: no recap section (headings: %q)", l.File, heads)
			}
			if regexp.MustCompile(`praktijk|voorbeeld|casus|verhaal`).MatchString(all) {
				practice = true
			}
		}
		if !practice {
			t.Errorf("%s: no lesson has a practice case (a heading with Praktijk, Voorbeeld, Casus or Verhaal)", m.Slug)
		}
		avg := float64(modProse) / float64(max(modSentences, 1))
		totalLessons += len(m.Lessons)
		totalWords += modWords

		// Quiz.
		q := m.Quiz
		if q.PassMark != passMark {
			t.Errorf("%s: pass mark %d, want %d", m.Slug, q.PassMark, passMark)
		}
		if n := len(q.Questions); n < minQuestions || n > maxQuestions {
			t.Errorf("%s: quiz has %d questions, want %d to %d", m.Slug, n, minQuestions, maxQuestions)
		}
		kinds := map[string]int{}
		for _, qu := range q.Questions {
			kinds[qu.Kind]++
			correct := 0
			for j, o := range qu.Options {
				if o.Correct {
					correct++
				}
				if strings.TrimSpace(o.Explanation) == "" {
					t.Errorf("%s: question %s option %d has no explanation", m.Slug, qu.ID, j+1)
				}
			}
			if correct == 0 {
				t.Errorf("%s: question %s has no correct answer", m.Slug, qu.ID)
			}
			if correct == len(qu.Options) && qu.Kind != content.Multiple {
				t.Errorf("%s: question %s has only correct options", m.Slug, qu.ID)
			}
		}
		for _, k := range []string{content.Single, content.Multiple, content.TrueFalse} {
			if kinds[k] == 0 {
				t.Errorf("%s: quiz has no %s question", m.Slug, k)
			}
		}
		qs := checkQuizRules(t, m)
		checkModuleRules(t, r, m, modShort, modSentences, avg)
		t.Logf("%-19s %d lessons, %5d words (%d–%d per lesson), avg sentence %.1f words (%d sentences, %.0f %% of 4 words or fewer), %d minutes, quiz %d questions (%d single, %d multiple, %d true/false; correct options in multiple: %v; keyed single option longest in %d and shortest in %d of %d), policy %d words",
			m.Slug, len(m.Lessons), modWords, minLessonWords(r, m), maxLessonWords(r, m), avg, modSentences, 100*float64(modShort)/float64(max(modSentences, 1)), m.Minutes,
			len(q.Questions), kinds[content.Single], kinds[content.Multiple], kinds[content.TrueFalse], qs.correctCounts, qs.keyedLongest, qs.keyedShortest, kinds[content.Single], words(r.PlainText(mustRender(t, r, m.PolicyMD))))
	}
	t.Logf("total: %d modules, %d lessons, %d words", len(c.Modules), totalLessons, totalWords)
}

func mustRender(t *testing.T, r *content.Renderer, md string) string {
	t.Helper()
	h, err := r.Render(md, "")
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func lessonWords(r *content.Renderer, m content.Module) []int {
	var ns []int
	for _, l := range m.Lessons {
		h, _ := r.Render(l.BodyMD, "")
		ns = append(ns, words(r.PlainText(h)))
	}
	return ns
}

func minLessonWords(r *content.Renderer, m content.Module) int {
	ns := lessonWords(r, m)
	lo := ns[0]
	for _, n := range ns {
		lo = min(lo, n)
	}
	return lo
}

func maxLessonWords(r *content.Renderer, m content.Module) int {
	hi := 0
	for _, n := range lessonWords(r, m) {
		hi = max(hi, n)
	}
	return hi
}

func TestSentenceSplitting(t *testing.T) {
	text := "Kort samengevat\nDe cliënt kiest. Jij helpt! Werkt het? Ja…\neen lijstpunt zonder punt\nEen lijstpunt met punt.\n"
	if got := sentences(text); len(got) != 5 {
		t.Errorf("sentences = %q, want 5", got)
	}
	if n := proseWords(text); n != 12 {
		t.Errorf("proseWords = %d, want 12", n)
	}
	if n := words("Het OCMW-loket (e-loket) opent om 9.00 u. Mail naar info@ocmw.be."); n != 10 {
		t.Errorf("words = %d, want 10", n)
	}
}
