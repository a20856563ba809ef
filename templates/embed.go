// Package templates embeds the templates folder into the binary.
package templates

import "embed"

// FS holds the files of this folder.
//
//go:embed *.html */*.html
var FS embed.FS
