package authoring

import (
	"context"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"nabij.be/leerplatform/internal/content"
)

// The quiz editor's form carries no option keys: publishing from it keeps
// each option's key (the same text is the same option, also when moved),
// and the export writes the keys into quiz.yaml.
func TestEditorKeepsOptionKeysAndExportWritesThem(t *testing.T) {
	ctx := context.Background()
	_, s := curriculum(t)
	m := firstModule(t, s)
	before, err := s.Quiz(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{} // option text → key
	edited := content.Quiz{PassMark: before.PassMark}
	for _, q := range before.Questions {
		c := q
		c.Options = nil
		for _, o := range q.Options {
			if o.ID == "" {
				t.Fatalf("stored option %q has no key", o.Text)
			}
			keys[o.Text] = o.ID
			o.ID = "" // as the editor form sends it
			c.Options = append(c.Options, o)
		}
		edited.Questions = append(edited.Questions, c)
	}
	slices.Reverse(edited.Questions[0].Options)
	if _, ps, err := s.SaveQuiz(ctx, m.ID, edited, 0, true, 0); err != nil || len(ps) > 0 {
		t.Fatalf("publish: %v %v", err, ps)
	}
	files, err := s.Export(ctx, m.Slug)
	if err != nil {
		t.Fatal(err)
	}
	var exported content.Quiz
	for _, f := range files {
		if strings.HasSuffix(f.Path, "/quiz.yaml") {
			if err := yaml.Unmarshal(f.Data, &exported); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(exported.Questions) != len(before.Questions) {
		t.Fatalf("exported %d questions, want %d", len(exported.Questions), len(before.Questions))
	}
	for _, q := range exported.Questions {
		for _, o := range q.Options {
			if o.ID != keys[o.Text] {
				t.Errorf("exported option %q has id %q, want its key %q", o.Text, o.ID, keys[o.Text])
			}
		}
	}
	if got, want := exported.Questions[0].Options[0].Text, before.Questions[0].Options[len(before.Questions[0].Options)-1].Text; got != want {
		t.Errorf("first exported option = %q, want the reversed order's %q", got, want)
	}
}
