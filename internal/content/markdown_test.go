package content

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

var (
	// Elements that can run script, load active content or change the page.
	badElements = map[string]bool{
		"script": true, "iframe": true, "object": true, "embed": true, "style": true, "svg": true,
		"math": true, "form": true, "input": true, "button": true, "meta": true, "link": true,
		"base": true, "frame": true, "frameset": true, "template": true, "textarea": true, "select": true,
	}
	// Attributes holding URLs.
	urlAttrs = map[string]bool{
		"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true,
		"srcset": true, "poster": true, "background": true, "data": true, "cite": true,
	}
	badScheme = regexp.MustCompile(`(?i)^\s*(javascript|vbscript|data|file):`)
)

// activeParts parses rendered HTML as a browser would and lists every
// element, attribute or URL in it that could run script.
func activeParts(s string) []string {
	var bad []string
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return bad
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		if badElements[tok.Data] {
			bad = append(bad, "<"+tok.Data+">")
		}
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(key, "on"), key == "style", key == "srcdoc":
				bad = append(bad, tok.Data+"@"+key)
			case urlAttrs[key] && badScheme.MatchString(strings.Map(dropControl, a.Val)):
				bad = append(bad, tok.Data+"@"+key+"="+a.Val)
			}
		}
	}
}

// dropControl removes the characters browsers ignore inside a URL scheme.
func dropControl(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return -1
	}
	return r
}

func TestRenderMakesDangerousInputInert(t *testing.T) {
	r := NewRenderer()
	cases := map[string]string{
		"script element":          `<script>alert(1)</script>`,
		"script inline":           `Tekst <script>alert(1)</script> tekst`,
		"img onerror":             `<img src=x onerror=alert(1)>`,
		"img onerror inline":      `Kijk: <img src=x onerror=alert(1)>`,
		"javascript link":         `[x](javascript:alert(1))`,
		"javascript entity colon": `[x](javascript&colon;alert(1))`,
		"javascript mixed case":   `[x](JaVaScRiPt:alert(1))`,
		"javascript tab":          "[x](java\tscript:alert(1))",
		"javascript entities":     `[x](&#106;avascript:alert(1))`,
		"javascript autolink":     `<javascript:alert(1)>`,
		"javascript reference":    "[x][r]\n\n[r]: javascript:alert(1)",
		"javascript image":        `![x](javascript:alert(1))`,
		"vbscript link":           `[x](vbscript:msgbox(1))`,
		"data link":               `[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
		"raw html block":          "<div onclick=\"alert(1)\">\n<p>tekst</p>\n</div>",
		"raw html anchor data":    `<a href="data:text/html,<script>alert(1)</script>">x</a>`,
		"raw html anchor js":      `<a href="javascript:alert(1)">x</a>`,
		"iframe":                  `<iframe src="https://evil.example/"></iframe>`,
		"iframe srcdoc":           `<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
		"svg onload":              `<svg onload=alert(1)>`,
		"svg block":               "<svg>\n<script>alert(1)</script>\n</svg>",
		"style element":           `<style>body{display:none}</style>`,
		"style attribute":         `<p style="position:fixed;top:0">x</p>`,
		"object":                  `<object data="x.swf"></object>`,
		"embed":                   `<embed src="x.swf">`,
		"form":                    `<form action="https://evil.example/"><input name=p><button>ok</button></form>`,
		"meta refresh":            `<meta http-equiv="refresh" content="0;url=https://evil.example/">`,
		"base":                    `<base href="https://evil.example/">`,
		"math":                    `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		"html comment trick":      `<!--><img src=x onerror=alert(1)>-->`,
		"attribute breakout":      `![x" onerror="alert(1)](media/a.png)`,
		"title breakout":          `[x](https://example.org "t\" onmouseover=\"alert(1)")`,
		"code span":               "`<script>alert(1)</script>`",
		"fenced code":             "```html\n<script>alert(1)</script>\n```",
		"link in table":           "| a |\n| - |\n| [x](javascript:alert(1)) |",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := r.Render(src, "/media/m/")
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if bad := activeParts(out); len(bad) > 0 {
				t.Errorf("Render(%q) = %q: active parts %q, want inert HTML", src, out, bad)
			}
		})
	}
}

// Code shows markup as text; it must be escaped, not dropped.
func TestRenderEscapesCode(t *testing.T) {
	r := NewRenderer()
	out, err := r.Render("```\n<script>alert(1)</script>\n```", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("fenced code rendered as %q, want the markup escaped", out)
	}
}

func TestRenderKeepsSafeMarkup(t *testing.T) {
	r := NewRenderer()
	src := "## Kop\n\nTekst met **vet**, *schuin* en ~~weg~~.\n\n" +
		"| Kanaal | Wanneer |\n| :--- | ---: |\n| E-mail | niet dringend |\n\n" +
		"![Schema: wie doet wat? \"Wij\" & 'zij'.](media/schema.svg)\n\n" +
		"[Een bijlage](media/brochure.png) en [de website](https://www.vlaanderen.be/).\n\n" +
		"- een\n- twee\n\n1. eerst\n2. dan\n\n> Een citaat.\n"
	out, err := r.Render(src, "/media/online-informeren/")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<h2>Kop</h2>", "<strong>vet</strong>", "<em>schuin</em>", "<del>weg</del>",
		"<table>", "<th align=\"left\">Kanaal</th>", "<td align=\"right\">niet dringend</td>",
		`<img src="/media/online-informeren/schema.svg" alt="Schema: wie doet wat? &#34;Wij&#34; &amp; &#39;zij&#39;.">`,
		`<a href="/media/online-informeren/brochure.png"`,
		`<a href="https://www.vlaanderen.be/" rel="nofollow noreferrer">de website</a>`,
		"<ul>", "<ol>", "<blockquote>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("rendered HTML lacks %q:\n%s", want, out)
		}
	}
}

func TestRenderRewritesOnlyMediaPaths(t *testing.T) {
	r := NewRenderer()
	cases := []struct{ src, want string }{
		{"![a](media/x.png)", `src="/media/mod/x.png"`},
		{"![a](./media/x.png)", `src="./media/x.png"`},
		{"![a](https://example.org/media/x.png)", `src="https://example.org/media/x.png"`},
		{"[a](media/doc.png)", `href="/media/mod/doc.png"`},
		{"[a](other/media/x)", `href="other/media/x"`},
	}
	for _, c := range cases {
		out, err := r.Render(c.src, "/media/mod/")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, c.want) {
			t.Errorf("Render(%q) = %q, want %s", c.src, out, c.want)
		}
	}
	// Without a base nothing is rewritten.
	out, _ := r.Render("![a](media/x.png)", "")
	if !strings.Contains(out, `src="media/x.png"`) {
		t.Errorf("Render without base = %q, want the path as written", out)
	}
}

func TestImagesAndPlainText(t *testing.T) {
	r := NewRenderer()
	src := "## Kop\n\nTekst.\n\n![Eerste *beeld*](media/a.svg)\n\nMeer.\n![](media/b.png)\n"
	imgs := r.Images(src)
	if len(imgs) != 2 {
		t.Fatalf("Images found %d, want 2: %+v", len(imgs), imgs)
	}
	if imgs[0].Destination != "media/a.svg" || imgs[0].Alt != "Eerste beeld" || imgs[0].Line != 5 {
		t.Errorf("first image %+v, want media/a.svg, alt \"Eerste beeld\", line 5", imgs[0])
	}
	if imgs[1].Destination != "media/b.png" || imgs[1].Alt != "" || imgs[1].Line != 8 {
		t.Errorf("second image %+v, want media/b.png without alt on line 8", imgs[1])
	}

	html, _ := r.Render("## Cliënten & hulp\n\nDe <b>cliënt</b> kiest *zelf*.", "")
	txt := r.PlainText(html)
	if strings.ContainsAny(txt, "<>") || !strings.Contains(txt, "Cliënten & hulp") || !strings.Contains(txt, "De cliënt kiest zelf.") {
		t.Errorf("PlainText = %q, want text without tags, entities decoded", txt)
	}
}

func TestH1Lines(t *testing.T) {
	r := NewRenderer()
	src := "## Twee\n\n# Een\n\nTitel\n=====\n\n```\n# geen kop\n```\n\n    # ook geen kop\n"
	got := r.h1Lines(src)
	if len(got) != 2 || got[0] != 3 || got[1] != 5 {
		t.Errorf("h1Lines = %v, want [3 5]", got)
	}
}

// The checker itself must catch what it looks for.
func TestActivePartsCatchesActiveHTML(t *testing.T) {
	for _, s := range []string{
		`<script>x</script>`, `<img src=x onerror=alert(1)>`, `<a href="java	script:alert(1)">x</a>`,
		`<a href=" JAVASCRIPT:x">x</a>`, `<p style="x">`, `<iframe srcdoc="x">`, `<svg onload=x>`,
		`<a href="data:text/html,x">x</a>`,
	} {
		if len(activeParts(s)) == 0 {
			t.Errorf("activeParts(%q) found nothing", s)
		}
	}
	if bad := activeParts(`<p><img src="/a.png" alt="x&#34; onerror=&#34;alert(1)"><a href="https://x/">x</a></p>`); len(bad) > 0 {
		t.Errorf("activeParts on inert HTML found %q", bad)
	}
}
