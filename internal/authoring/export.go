package authoring

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"nabij.be/leerplatform/internal/database"
)

// File is one file of an exported course folder.
type File struct {
	Path string // slash-separated, e.g. 01-online-informeren/module.md
	Data []byte
}

// Export writes the published content of the module with slug (or of every
// module when slug is empty) in the course-folder format of
// courses/README.md. Drafts are not exported: the export is what learners
// see.
func (s *Store) Export(ctx context.Context, slug string) ([]File, error) {
	ms, err := s.Modules(ctx)
	if err != nil {
		return nil, err
	}
	var files []File
	found := false
	for _, m := range ms {
		if slug != "" && m.Slug != slug {
			continue
		}
		found = true
		fs, err := s.exportModule(ctx, &m)
		if err != nil {
			return nil, err
		}
		files = append(files, fs...)
	}
	if !found {
		return nil, fmt.Errorf("authoring: export %q: %w", slug, database.ErrNotFound)
	}
	return files, nil
}

type moduleFront struct {
	Title         string `yaml:"title"`
	Summary       string `yaml:"summary"`
	Minutes       int    `yaml:"minutes"`
	PolicySummary string `yaml:"policy_summary"`
}

type lessonFront struct {
	Title   string `yaml:"title"`
	Minutes int    `yaml:"minutes"`
}

func (s *Store) exportModule(ctx context.Context, m *Module) ([]File, error) {
	dir := fmt.Sprintf("%02d-%s", m.Position, m.Slug)
	var files []File
	mod, err := frontMatter(moduleFront{Title: m.Title, Summary: m.Summary, Minutes: m.Minutes, PolicySummary: m.PolicyMD}, m.IntroMD)
	if err != nil {
		return nil, err
	}
	files = append(files, File{dir + "/module.md", mod})

	var lessons []struct {
		Slug     string `db:"slug"`
		Position int    `db:"position"`
		Title    string `db:"title"`
		Minutes  int    `db:"minutes"`
		BodyMD   string `db:"body_md"`
	}
	if err := s.db.SelectContext(ctx, &lessons, `SELECT slug, position, title, minutes, body_md FROM lessons WHERE module_id = $1 ORDER BY position, id`, m.ID); err != nil {
		return nil, fmt.Errorf("authoring: export lessons of %s: %w", m.Slug, err)
	}
	for i, l := range lessons {
		// Number by order, so that gaps or duplicates in positions cannot
		// produce a folder the importer refuses.
		src, err := frontMatter(lessonFront{Title: l.Title, Minutes: l.Minutes}, l.BodyMD)
		if err != nil {
			return nil, err
		}
		files = append(files, File{fmt.Sprintf("%s/%02d-%s.md", dir, i+1, l.Slug), src})
	}

	quiz, err := s.Quiz(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	var qb bytes.Buffer
	enc := yaml.NewEncoder(&qb)
	enc.SetIndent(2)
	if err := enc.Encode(quiz); err != nil {
		return nil, fmt.Errorf("authoring: export quiz of %s: %w", m.Slug, err)
	}
	enc.Close()
	files = append(files, File{dir + "/quiz.yaml", qb.Bytes()})

	var media []struct {
		Name string `db:"name"`
		Data []byte `db:"data"`
	}
	if err := s.db.SelectContext(ctx, &media, `SELECT name, data FROM media WHERE module_id = $1 ORDER BY name`, m.ID); err != nil {
		return nil, fmt.Errorf("authoring: export media of %s: %w", m.Slug, err)
	}
	for _, f := range media {
		files = append(files, File{dir + "/media/" + f.Name, f.Data})
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

// frontMatter writes "---\nYAML---\nbody".
func frontMatter(meta any, body string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("---\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(meta); err != nil {
		return nil, fmt.Errorf("authoring: front matter: %w", err)
	}
	enc.Close()
	b.WriteString("---\n")
	b.WriteString(strings.TrimSpace(body))
	b.WriteString("\n")
	return b.Bytes(), nil
}

// WriteZip writes files as a ZIP archive.
func WriteZip(w io.Writer, files []File) error {
	zw := zip.NewWriter(w)
	for _, f := range files {
		fw, err := zw.Create(f.Path)
		if err != nil {
			return fmt.Errorf("authoring: zip %s: %w", f.Path, err)
		}
		if _, err := fw.Write(f.Data); err != nil {
			return fmt.Errorf("authoring: zip %s: %w", f.Path, err)
		}
	}
	return zw.Close()
}

// WriteDir writes files below dir, creating folders as needed.
func WriteDir(dir string, files []File) error {
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("authoring: export: %w", err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return fmt.Errorf("authoring: export: %w", err)
		}
	}
	return nil
}
