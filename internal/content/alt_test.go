package content

import (
	"strings"
	"testing"
)

// An alt text of only a placeholder, such as the upload page's hint
// ![…](media/upload-….png) pasted as it is, is refused like a missing one.
func TestAltPlaceholderIsNoAltText(t *testing.T) {
	r := NewRenderer()
	media := map[string]bool{"media/upload-0123456789abcdef.png": true}
	for alt, refused := range map[string]bool{
		"…": true, "...": true, " - ": true, "": true,
		"Schema van het e-loket": false, "2 pijlen": false,
	} {
		body := "Tekst.\n\n![" + alt + "](media/upload-0123456789abcdef.png)\n"
		ps := r.CheckLessonBody("les.md", body, media)
		got := strings.Contains(ps.Error(), "geen alt-tekst")
		if got != refused {
			t.Errorf("alt %q: refused = %v, want %v (problems: %v)", alt, got, refused, ps)
		}
	}
}
