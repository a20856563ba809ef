package content

import (
	"fmt"
	"strings"
)

// Bounds of one Markdown text (a lesson, a module's introduction or
// policy). Goldmark's work grows faster than the text for some shapes
// (deeply nested quotes, many link definitions), so these keep every text
// that is accepted quick to render: see BenchmarkRenderWorstAccepted.
const (
	MaxMarkdownBytes   = 200_000 // about forty pages of text
	MaxNesting         = 10      // quotes and lists inside each other
	MaxMarkup          = 2_500   // characters that open or close markup ([ ] * _ ~ ` | < >) plus the depth of every list or quote line; the curriculum uses under 150 a lesson
	MaxLinkDefinitions = 200     // lines "[name]: address"
	MaxTableCells      = 5_000   // rows times columns, over all tables: each row is padded to the header's columns
)

// LimitError is a text beyond one of the bounds, with a Dutch reason for
// the trainer.
type LimitError struct {
	Line   int // 1-based; 0 for the whole text
	Reason string
}

func (e *LimitError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("regel %d: %s", e.Line, e.Reason)
	}
	return e.Reason
}

// CheckLimits reports the first bound src passes, or nil. It reads src once
// and builds nothing, so it is safe on any input.
func CheckLimits(src string) *LimitError {
	if len(src) > MaxMarkdownBytes {
		return &LimitError{0, fmt.Sprintf("de tekst is %d kB; hoogstens %d kB mag: verdeel hem over meer lessen",
			(len(src)+999)/1000, MaxMarkdownBytes/1000)}
	}
	markup, defs, cells, columns := 0, 0, 0, 0
	lines := strings.Split(src, "\n")
	for i, line := range lines {
		switch {
		case strings.TrimSpace(line) == "":
			columns = 0 // a blank line ends a table
		case columns == 0 && i > 0 && isDelimiterRow(line):
			columns = strings.Count(strings.Trim(strings.TrimSpace(line), "|"), "|") + 1
			cells += 2 * columns // the header and this row
		case columns > 0:
			cells += columns // every line until a blank one is a row, pipes or not
		}
		if cells > MaxTableCells {
			return &LimitError{i + 1, fmt.Sprintf("de tabellen hebben samen meer dan %d cellen (rijen maal kolommen); verdeel ze of maak ze kleiner",
				MaxTableCells)}
		}
		d := nesting(line)
		markup += d
		if d > MaxNesting {
			return &LimitError{i + 1, fmt.Sprintf("citaten of lijsten zijn hier %d niveaus diep in elkaar genest; hoogstens %d mag",
				d, MaxNesting)}
		}
		if isLinkDefinition(line) {
			if defs++; defs > MaxLinkDefinitions {
				return &LimitError{i + 1, fmt.Sprintf("meer dan %d linkdefinities ([naam]: adres); schrijf de adressen bij de links",
					MaxLinkDefinitions)}
			}
		}
		markup += strings.Count(line, "[") + strings.Count(line, "]") + strings.Count(line, "*") + strings.Count(line, "_") +
			strings.Count(line, "~") + strings.Count(line, "`") + strings.Count(line, "|") + strings.Count(line, "<") + strings.Count(line, ">")
		if markup > MaxMarkup {
			return &LimitError{i + 1, fmt.Sprintf("de tekst heeft te veel opmaak (meer dan %d tekens [ ] * _ ~ ` | < > en niveaus van lijsten en citaten); vereenvoudig de opmaak of verdeel de les",
				MaxMarkup)}
		}
	}
	return nil
}

// nesting estimates how deep the containers at the start of line go: each
// ">" counts, and so does each list marker together with every two columns
// of indentation before it.
func nesting(line string) int {
	depth, col := 0, 0
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == ' ':
			col++
			i++
		case c == '\t':
			col += 4
			i++
		case c == '>':
			depth++
			col = 0
			i++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
			depth += 1 + col/2
			col = 0
			i += 2
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j+1 < len(line) && (line[j] == '.' || line[j] == ')') && (line[j+1] == ' ' || line[j+1] == '\t') {
				depth += 1 + col/2
				col = 0
				i = j + 2
				continue
			}
			return depth
		default:
			return depth
		}
	}
	return depth
}

// isDelimiterRow tells the line under a table's header: cells of dashes
// with optional colons, between pipes.
func isDelimiterRow(line string) bool {
	t := strings.TrimSpace(line)
	if !strings.Contains(t, "|") || !strings.Contains(t, "-") {
		return false
	}
	return strings.Trim(t, "|-: \t") == ""
}

// isLinkDefinition tells a line that looks like "[name]: address".
func isLinkDefinition(line string) bool {
	t := strings.TrimLeft(line, " >")
	if !strings.HasPrefix(t, "[") {
		return false
	}
	end := strings.Index(t, "]:")
	return end > 1
}
