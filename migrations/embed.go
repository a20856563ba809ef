// Package migrations embeds the migrations folder into the binary.
package migrations

import "embed"

// FS holds the files of this folder.
//
//go:embed *.sql
var FS embed.FS
