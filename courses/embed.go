// Package courses embeds the courses folder into the binary.
package courses

import "embed"

// FS holds the files of this folder.
//
//go:embed all:0*
var FS embed.FS
