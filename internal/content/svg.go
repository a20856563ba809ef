package content

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// SVG in a course is checked against an allow-list rather than a list of
// bad words: an SVG is a program as much as a picture, and a keyword filter
// misses what an entity or a character reference spells out ("&#58;" for
// ':'). The platform serves media with a sandboxing CSP, but an exported
// module may be hosted elsewhere, so the files themselves must be harmless.
// A file that falls outside the list is refused with the reason, never
// silently rewritten: the trainer then knows what the learners would see.

const (
	svgNS   = "http://www.w3.org/2000/svg"
	xlinkNS = "http://www.w3.org/1999/xlink"
	xmlNS   = "http://www.w3.org/XML/1998/namespace"
)

// svgElements are the elements a course diagram may use: shapes, text,
// groups, definitions of markers and gradients, and the accessible title
// and description. No script, foreignObject, image, use, a, style,
// animation or filter.
var svgElements = setOf(
	"svg", "g", "defs", "title", "desc",
	"rect", "circle", "ellipse", "line", "polyline", "polygon", "path",
	"text", "tspan", "marker", "linearGradient", "radialGradient", "stop",
)

// svgAttributes are the attributes any allowed element may carry:
// geometry, presentation and accessibility. No event handler (on…), no
// external reference.
var svgAttributes = setOf(
	// identity and accessibility
	"id", "class", "lang", "role", "aria-label", "aria-labelledby", "aria-describedby", "aria-hidden", "focusable",
	"version", "baseProfile",
	// geometry
	"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr",
	"width", "height", "d", "points", "pathLength", "dx", "dy", "rotate", "textLength", "lengthAdjust",
	"viewBox", "preserveAspectRatio", "transform",
	// markers and gradients
	"markerWidth", "markerHeight", "markerUnits", "refX", "refY", "orient",
	"gradientUnits", "gradientTransform", "spreadMethod", "offset",
	"style", // checked by checkStyle
)

// svgPresentation are the presentation properties, allowed as attributes
// and as declarations in a style attribute.
var svgPresentation = setOf(
	"fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray",
	"stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "opacity", "color",
	"display", "visibility", "font-family", "font-size", "font-weight", "font-style", "font-variant",
	"text-anchor", "dominant-baseline", "alignment-baseline", "baseline-shift", "letter-spacing",
	"word-spacing", "text-decoration", "writing-mode", "marker-start", "marker-mid", "marker-end",
	"stop-color", "stop-opacity", "vector-effect", "shape-rendering", "text-rendering", "paint-order",
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

var (
	// localRef is a reference to an element of the same file.
	localRef = regexp.MustCompile(`^#[A-Za-z_][A-Za-z0-9_.:-]*$`)
	// urlCall finds url(…) in a value; localURL is the only form allowed.
	urlCall  = regexp.MustCompile(`(?i)url\s*\(`)
	localURL = regexp.MustCompile(`^url\(\s*(['"]?)#[A-Za-z_][A-Za-z0-9_.:-]*(['"]?)\s*\)$`)
	urlRef   = regexp.MustCompile(`(?i)url\s*\([^)]*\)?`)
	// styleValue is what a style declaration's value may hold.
	styleValue = regexp.MustCompile(`^[A-Za-z0-9#%.,()\s'"-]*$`)
)

// CheckSVG reports why an SVG file may not be part of a course, in Dutch,
// or "" when every element and attribute is on the allow-list: no DOCTYPE
// or ENTITY, no processing instruction other than the XML declaration, no
// element or attribute outside the lists (so no script, foreignObject or
// event attribute), references (href, url()) only to elements of the same
// file, no url() in a style attribute.
func CheckSVG(data []byte) string {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := d.InputPos()
		if err != nil {
			var syn *xml.SyntaxError
			if errors.As(err, &syn) {
				return fmt.Sprintf("SVG is geen geldige XML (regel %d: %s)", syn.Line, syn.Msg)
			}
			return fmt.Sprintf("SVG is geen geldige XML (regel %d)", line)
		}
		problem := func(format string, args ...any) string {
			return fmt.Sprintf("SVG, regel %d: ", line) + fmt.Sprintf(format, args...)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return problem("een DOCTYPE- of ENTITY-declaratie is niet toegelaten")
		case xml.ProcInst:
			if t.Target != "xml" {
				return problem("de verwerkingsinstructie <?%s?> is niet toegelaten", t.Target)
			}
		case xml.StartElement:
			if depth == 0 {
				roots++
				if roots > 1 || t.Name.Local != "svg" {
					return problem("het bestand moet uit één <svg>-element bestaan")
				}
			}
			if reason := checkSVGElement(t); reason != "" {
				return problem("%s", reason)
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return problem("tekst buiten het <svg>-element is niet toegelaten")
			}
		}
	}
	if roots == 0 {
		return "SVG zonder <svg>-element"
	}
	return ""
}

// checkSVGElement checks one start tag: its name, its namespace
// declarations and each attribute.
func checkSVGElement(t xml.StartElement) string {
	if t.Name.Space != svgNS || !svgElements[t.Name.Local] {
		return fmt.Sprintf("het element <%s> is niet toegelaten (toegelaten: vormen, tekst, groepen, markers en kleurverlopen)", qualified(t.Name))
	}
	for _, a := range t.Attr {
		name := qualified(a.Name)
		switch {
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			if a.Value != svgNS {
				return fmt.Sprintf("de namespace %q is niet toegelaten", shorten(a.Value))
			}
			continue
		case a.Name.Space == "xmlns":
			if a.Name.Local != "xlink" || a.Value != xlinkNS {
				return fmt.Sprintf("de namespace %s=%q is niet toegelaten", name, shorten(a.Value))
			}
			continue
		case a.Name.Space == xmlNS && (a.Name.Local == "lang" || a.Name.Local == "space"):
		case (a.Name.Space == "" || a.Name.Space == xlinkNS) && a.Name.Local == "href":
			if !localRef.MatchString(a.Value) {
				return fmt.Sprintf("%s mag alleen naar een element in hetzelfde bestand wijzen (#id), niet naar %q", name, shorten(a.Value))
			}
		case a.Name.Space == "" && a.Name.Local == "style":
			if reason := checkStyle(a.Value); reason != "" {
				return reason
			}
		case a.Name.Space == "" && (svgAttributes[a.Name.Local] || svgPresentation[a.Name.Local]):
		default:
			return fmt.Sprintf("het attribuut %s op <%s> is niet toegelaten", name, t.Name.Local)
		}
		for _, u := range urlRef.FindAllString(a.Value, -1) {
			if !localURL.MatchString(u) {
				return fmt.Sprintf("%s: url() mag alleen naar een element in hetzelfde bestand wijzen (url(#id)), niet %q", name, shorten(u))
			}
		}
	}
	return ""
}

// checkStyle allows a style attribute that only sets presentation
// properties to plain values: no url(), no escapes, no at-rules.
func checkStyle(style string) string {
	if urlCall.MatchString(style) {
		return "style met url() is niet toegelaten"
	}
	for _, decl := range strings.Split(style, ";") {
		if strings.TrimSpace(decl) == "" {
			continue
		}
		prop, value, ok := strings.Cut(decl, ":")
		prop = strings.TrimSpace(prop)
		if !ok || !svgPresentation[prop] {
			return fmt.Sprintf("style: de eigenschap %q is niet toegelaten", shorten(prop))
		}
		if !styleValue.MatchString(value) || strings.Contains(strings.ToLower(value), "expression") {
			return fmt.Sprintf("style: de waarde %q van %s is niet toegelaten", shorten(strings.TrimSpace(value)), prop)
		}
	}
	return ""
}

// qualified writes a name as the file spelled it, as far as the decoder
// lets us know: xlink:href, xml:lang, or the bare name.
func qualified(n xml.Name) string {
	switch n.Space {
	case "", svgNS:
		return n.Local
	case xlinkNS:
		return "xlink:" + n.Local
	case xmlNS:
		return "xml:" + n.Local
	}
	return n.Space + ":" + n.Local
}

// shorten keeps a quoted value short in a message.
func shorten(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}
