package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"nabij.be/leerplatform/internal/authoring"
	"nabij.be/leerplatform/internal/content"
)

// exportCourses writes the published curriculum (or one module) in the
// course-folder format, so that `nabij import DIR` reads it back.
func exportCourses(ctx context.Context, _ *slog.Logger, args []string) error {
	fl := flag.NewFlagSet("export", flag.ContinueOnError)
	module := fl.String("module", "", "export only the module with this slug")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() != 1 {
		return fmt.Errorf("export: give one target folder: nabij export [--module SLUG] DIR")
	}
	dir := fl.Arg(0)
	if *module != "" && !content.ValidSlug(*module) {
		return fmt.Errorf("export: %q is not a module slug", *module)
	}
	db, _, err := openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	files, err := authoring.NewStore(db, content.NewRenderer()).Export(ctx, *module)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	// A module folder is replaced as a whole, so that a lesson deleted in
	// the browser does not linger as a file and come back on import.
	written := map[string]bool{}
	for _, f := range files {
		top, _, _ := strings.Cut(f.Path, "/")
		if written[top] {
			continue
		}
		written[top] = true
		if err := removeModuleFolders(dir, top[3:]); err != nil {
			return err
		}
	}
	if err := authoring.WriteDir(dir, files); err != nil {
		return err
	}
	fmt.Printf("exported %d module(s), %d files to %s\n", len(written), len(files), dir)
	return nil
}

// removeModuleFolders removes the folders NN-slug of one module below dir.
func removeModuleFolders(dir, slug string) error {
	re := regexp.MustCompile(`^[0-9]{2}-` + regexp.QuoteMeta(slug) + `$`)
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for _, e := range ents {
		if e.IsDir() && re.MatchString(e.Name()) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("export: %w", err)
			}
		}
	}
	return nil
}
