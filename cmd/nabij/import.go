package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"nabij.be/leerplatform/courses"
	"nabij.be/leerplatform/internal/catalog"
	"nabij.be/leerplatform/internal/content"
)

func importCourses(ctx context.Context, _ *slog.Logger, args []string) error {
	fl := flag.NewFlagSet("import", flag.ContinueOnError)
	check := fl.Bool("check", false, "validate only, without a database")
	force := fl.Bool("force", false, "overwrite lessons that a trainer changed in the browser")
	if err := fl.Parse(args); err != nil {
		return err
	}
	var fsys fs.FS = courses.FS
	src := "built-in courses/"
	if fl.NArg() > 0 {
		dir := fl.Arg(0)
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			return fmt.Errorf("import: %s is not a folder", dir)
		}
		fsys, src = os.DirFS(dir), dir
	}
	r := content.NewRenderer()
	c, problems := r.Parse(fsys)
	if problems != nil {
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, p.String())
		}
		return fmt.Errorf("import: %s has %d problem(s); nothing was imported", src, len(problems))
	}
	if *check {
		lessons := 0
		for _, m := range c.Modules {
			lessons += len(m.Lessons)
		}
		fmt.Printf("%s: ok (%d modules, %d lessons)\n", src, len(c.Modules), lessons)
		return nil
	}
	db, _, err := openDatabase(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := catalog.NewImporter(db, r).ImportWith(ctx, c, catalog.ImportOptions{Force: *force})
	if err != nil {
		var ps content.Problems
		if errors.As(err, &ps) {
			return err
		}
		return fmt.Errorf("import: %w (nothing was imported)", err)
	}
	fmt.Println(rep.String())
	return nil
}
