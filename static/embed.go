// Package static embeds the static folder into the binary.
package static

import "embed"

// FS holds the files of this folder.
//
//go:embed css js fonts img
var FS embed.FS
