package certificate

import (
	"bytes"
	"runtime"
	"sync"
)

// pdfs renders certificates at most NumCPU at a time — rendering is pure
// CPU work and takes about 19 MB of garbage per PDF, so more at once only
// costs memory — and keeps the most recent ones: a certificate's content
// is frozen at issue, so the bytes of a code never change. Revocation is
// checked by the caller before it asks for the bytes.
type pdfs struct {
	renderer *Renderer
	slots    chan struct{}

	mu    sync.Mutex
	byKey map[string][]byte
	order []string // oldest first
	max   int
}

func newPDFs(r *Renderer, max int) *pdfs {
	return &pdfs{renderer: r, slots: make(chan struct{}, runtime.NumCPU()), byKey: map[string][]byte{}, max: max}
}

// get returns the PDF of c, rendering it when it is not kept.
func (p *pdfs) get(c Certificate) ([]byte, error) {
	key := c.Code + "\x00" + c.VerifyURL
	p.mu.Lock()
	b, ok := p.byKey[key]
	p.mu.Unlock()
	if ok {
		return b, nil
	}
	p.slots <- struct{}{}
	var buf bytes.Buffer
	err := p.renderer.Render(&buf, c)
	<-p.slots
	if err != nil {
		return nil, err
	}
	b = buf.Bytes()
	p.mu.Lock()
	if _, dup := p.byKey[key]; !dup {
		p.byKey[key] = b
		p.order = append(p.order, key)
		if len(p.order) > p.max {
			delete(p.byKey, p.order[0])
			p.order = p.order[1:]
		}
	}
	p.mu.Unlock()
	return b, nil
}
