package content_test

import (
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"nabij.be/leerplatform/courses"
	"nabij.be/leerplatform/internal/content"
)

// The two payloads of the issue: a <script> built from an internal DTD
// entity, and a javascript: link spelled with a character reference, which
// both passed the keyword filter.
const (
	svgEntityScript = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg [
  <!ENTITY s "&#60;script&#62;alert(document.cookie)&#60;/script&#62;">
]>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g>&s;</g></svg>`
	svgJavascriptHref = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">
  <defs><linearGradient id="v" xlink:href="javascript&#58;alert(1)"/></defs>
  <rect width="10" height="10" fill="url(#v)"/>
</svg>`
)

// TestShippedSVGsPass: every diagram of the built-in curriculum is on the
// allow-list.
func TestShippedSVGsPass(t *testing.T) {
	names, err := fs.Glob(courses.FS, "*/media/*.svg")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 5 {
		t.Fatalf("found %d shipped SVG files, want the curriculum's diagrams", len(names))
	}
	for _, name := range names {
		data, err := fs.ReadFile(courses.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		if reason := content.CheckSVG(data); reason != "" {
			t.Errorf("%s: %s", name, reason)
		}
	}
}

func TestCheckSVG(t *testing.T) {
	const open = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">`
	ok := []string{
		open + `<title id="t">Titel</title><desc>Uitleg</desc><rect x="1" y="1" width="8" height="8" fill="#fff" stroke="#000"/></svg>`,
		`<?xml version="1.0" encoding="UTF-8"?>` + "\n<!-- tekening -->\n" + open + `<g font-family="sans-serif"><text x="1" y="5" font-size="3">A<tspan dy="1">b</tspan></text></g></svg>`,
		open + `<defs><marker id="p" markerWidth="4" markerHeight="4" refX="2" refY="2" orient="auto"><path d="M0 0 L4 2 L0 4 Z"/></marker></defs><line x1="0" y1="0" x2="9" y2="9" marker-end="url(#p)"/></svg>`,
		open + `<defs><linearGradient id="a"><stop offset="0" stop-color="#fff"/></linearGradient><linearGradient id="b" xlink:href="#a"/></defs><circle cx="5" cy="5" r="4" fill="url('#b')" style="stroke: #000; stroke-width: 0.5"/></svg>`,
	}
	for _, s := range ok {
		if reason := content.CheckSVG([]byte(s)); reason != "" {
			t.Errorf("CheckSVG(%.80q…) = %q, want it allowed", s, reason)
		}
	}
	refused := map[string]string{
		svgEntityScript:   "DOCTYPE",
		svgJavascriptHref: "xlink:href mag alleen naar een element in hetzelfde bestand",
		`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">` + open + `</svg>`: "DOCTYPE",
		`<?xml-stylesheet href="http://evil.example/x.css"?>` + open + `</svg>`:                                                "verwerkingsinstructie <?xml-stylesheet?>",
		open + `<script>alert(1)</script></svg>`:                                                                               "element <script>",
		open + `<script xlink:href="data:text/javascript,alert(1)"/></svg>`:                                                    "element <script>",
		open + `<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject></svg>`:                            "element <foreignObject>",
		open + `<rect width="1" height="1" onclick="alert(1)"/></svg>`:                                                         "attribuut onclick",
		`<svg xmlns="http://www.w3.org/2000/svg" onLoad="alert(1)"></svg>`:                                                     "attribuut onLoad",
		open + `<a xlink:href="javascript:alert(1)"><text>klik</text></a></svg>`:                                               "element <a>",
		open + `<image xlink:href="https://evil.example/x.png"/></svg>`:                                                        "element <image>",
		open + `<use xlink:href="#x"/></svg>`:                                                                                  "element <use>",
		open + `<style>rect { fill: url(https://evil.example/) }</style></svg>`:                                                "element <style>",
		open + `<set attributeName="href" to="javascript:alert(1)"/></svg>`:                                                    "element <set>",
		open + `<rect width="1" height="1" style="fill: url(https://evil.example/track)"/></svg>`:                              "style met url()",
		open + `<rect width="1" height="1" style="fill: u\72l(https://evil.example/)"/></svg>`:                                 "style: de waarde",
		open + `<rect width="1" height="1" style="behavior: x"/></svg>`:                                                        "style: de eigenschap",
		open + `<rect width="1" height="1" fill="url(https://evil.example/track#a)"/></svg>`:                                   "url() mag alleen",
		open + `<linearGradient id="a" href="https://evil.example/g.svg#a"/></svg>`:                                            "href mag alleen",
		`<svg xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></svg>`:                                            "element <http://www.w3.org/1999/xhtml:svg>",
		`<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script></svg>`:   "namespace",
		`<html xmlns="http://www.w3.org/2000/svg"></html>`:                                                                     "één <svg>-element",
		open + `</svg><svg xmlns="http://www.w3.org/2000/svg"></svg>`:                                                          "één <svg>-element",
		open + `<rect/>`:                       "geen geldige XML",
		open + `<text>&s;</text></svg>`:        "geen geldige XML",
		`<svg><rect/></svg>`:                   "element <svg>",
		"geen svg":                             "tekst buiten",
		open + `</svg> alert(1)`:               "tekst buiten",
		open + `<rect xml:base="x"/></svg>`:    "attribuut xml:base",
		open + `<rect xlink:title="x"/></svg>`: "attribuut xlink:title",
	}
	for s, want := range refused {
		reason := content.CheckSVG([]byte(s))
		if reason == "" || !strings.Contains(reason, want) {
			t.Errorf("CheckSVG(%q) = %q, want a refusal mentioning %q", s, reason, want)
		}
	}
}

// TestParseRefusesUnsafeSVG: a course folder (what `nabij import` and a
// module ZIP read) with either payload in media/ is refused with the file
// and a Dutch reason; nothing of it is imported.
func TestParseRefusesUnsafeSVG(t *testing.T) {
	for name, svg := range map[string]string{"entiteit.svg": svgEntityScript, "link.svg": svgJavascriptHref} {
		fsys := fstest.MapFS{}
		err := fs.WalkDir(courses.FS, "01-online-informeren", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(courses.FS, p)
			fsys[p] = &fstest.MapFile{Data: data}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		file := path.Join("01-online-informeren", "media", name)
		fsys[file] = &fstest.MapFile{Data: []byte(svg)}
		course, ps := content.NewRenderer().Parse(fsys)
		if course != nil || len(ps) != 1 {
			t.Fatalf("%s: Parse = course %v, problems %v; want the one problem of the SVG", name, course != nil, ps)
		}
		if ps[0].File != file || !strings.HasPrefix(ps[0].Reason, "SVG") {
			t.Errorf("%s: problem %q, want it on %s with a reason about the SVG", name, ps[0].String(), file)
		}
	}
}
