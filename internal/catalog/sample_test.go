package catalog_test

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// The sample course: two small modules that pass every check. Tests copy it
// and break one file at a time. Line numbers in the tests refer to these
// texts, so keep them stable.

const sampleModule1 = `---
title: Eerste module
summary: Een korte samenvatting van de eerste module.
minutes: 30
policy_summary: |
  Waarom dit **telt** voor de gemeente.
---
Inleiding: wat je leert over cliënten.
`

const sampleLesson1 = `---
title: Begin
minutes: 10
---
## Over cliënten

De cliënten van het OCMW willen snel een antwoord.

![Een schema: wie doet wat? "Wij" of "zij".](media/schema.svg)

| Kanaal | Wanneer |
| --- | --- |
| E-mail | niet dringend |
`

const sampleLesson2 = `---
title: Vervolg
minutes: 12
---
## Verder

Een maatschappelijk werker kiest samen met de cliënt een kanaal.

` + "```" + `
# geen kop: een regel in een codeblok
` + "```" + `
`

const sampleQuiz1 = `pass_mark: 70
questions:
  - id: eerste
    type: single
    text: Welke keuze is juist?
    options:
      - text: A
        correct: true
        explanation: Omdat A klopt.
      - text: B
        correct: false
        explanation: Omdat B niet klopt.
  - id: tweede
    type: truefalse
    text: Dit is juist.
    options:
      - text: Juist
        correct: true
        explanation: Het klopt.
      - text: Fout
        correct: false
        explanation: Het klopt wel.
  - id: derde
    type: multiple
    text: Welke twee?
    options:
      - text: X
        correct: true
        explanation: X hoort erbij.
      - text: Y
        correct: true
        explanation: Y hoort erbij.
      - text: Z
        correct: false
        explanation: Z hoort er niet bij.
`

const sampleModule2 = `---
title: Tweede module
summary: Nog een module.
minutes: 20
policy_summary: Kort beleid.
---
Inleiding van de tweede module.
`

const sampleLesson3 = `---
title: Alleen les
minutes: 8
---
## Feedback

Vraag feedback aan je cliënten, ook als alles goed gaat.
`

const sampleQuiz2 = `pass_mark: 70
questions:
  - id: enige
    type: truefalse
    text: Feedback vraag je alleen bij klachten.
    options:
      - text: Juist
        correct: false
        explanation: Ook positieve feedback telt.
      - text: Fout
        correct: true
        explanation: Je vraagt altijd feedback.
`

const sampleSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>`

// sampleCourse returns a fresh copy of the valid sample course.
func sampleCourse() fstest.MapFS {
	f := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), Mode: 0o644} }
	return fstest.MapFS{
		"01-eerste/module.md":        f(sampleModule1),
		"01-eerste/01-begin.md":      f(sampleLesson1),
		"01-eerste/02-vervolg.md":    f(sampleLesson2),
		"01-eerste/quiz.yaml":        f(sampleQuiz1),
		"01-eerste/media/schema.svg": f(sampleSVG),
		"02-tweede/module.md":        f(sampleModule2),
		"02-tweede/01-alleen-les.md": f(sampleLesson3),
		"02-tweede/quiz.yaml":        f(sampleQuiz2),
	}
}

// writeCourse writes fsys to a new temporary folder and returns its path.
func writeCourse(t *testing.T, fsys fstest.MapFS) string {
	t.Helper()
	dir := t.TempDir()
	for name, f := range fsys {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
