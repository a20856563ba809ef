package memo

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTest(maxAge time.Duration, maxCost int) (*Memo[string, int], *clock) {
	m := New[string, int](maxAge, maxCost, nil)
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	m.now = c.now
	return m, c
}

func TestPutGet(t *testing.T) {
	m, _ := newTest(time.Minute, 10)
	if !m.Put(m.Begin(), "a", 1, 42, time.Time{}) {
		t.Fatal("Put refused on a quiet memo")
	}
	if v, ok := m.Get("a"); !ok || v != 42 {
		t.Errorf("Get = %v, %v; want 42, true", v, ok)
	}
	if _, ok := m.Get("b"); ok {
		t.Error("Get of a missing key reported a value")
	}
}

func TestOff(t *testing.T) {
	m, _ := newTest(0, 10)
	if m.Put(m.Begin(), "a", 1, 42, time.Time{}) {
		t.Error("a memo with lifetime 0 stored a value")
	}
	if _, ok := m.Get("a"); ok {
		t.Error("a memo with lifetime 0 returned a value")
	}
}

func TestExpiry(t *testing.T) {
	m, c := newTest(30*time.Second, 10)
	m.Put(m.Begin(), "a", 1, 1, time.Time{})
	m.Put(m.Begin(), "b", 1, 2, c.t.Add(5*time.Second)) // notAfter earlier than the lifetime
	c.advance(5 * time.Second)
	if _, ok := m.Get("b"); ok {
		t.Error("entry served at its notAfter")
	}
	if _, ok := m.Get("a"); !ok {
		t.Error("entry gone before its lifetime")
	}
	c.advance(25 * time.Second)
	if _, ok := m.Get("a"); ok {
		t.Error("entry served after its lifetime")
	}
	if m.Put(m.Begin(), "c", 1, 3, c.t) {
		t.Error("an entry already expired was stored")
	}
}

// TestStoreAfterDropRefused is the lost-invalidation race: a read that
// started before a drop must not be stored after it.
func TestStoreAfterDropRefused(t *testing.T) {
	m, _ := newTest(time.Minute, 10)
	before := m.Begin()
	m.DropOwner(7)
	if m.Put(before, "s", 7, 1, time.Time{}) {
		t.Error("result read before owner 7 was dropped was stored")
	}
	if !m.Put(before, "t", 8, 1, time.Time{}) {
		t.Error("another owner's result was refused")
	}
	if !m.Put(m.Begin(), "s", 7, 1, time.Time{}) {
		t.Error("result read after the drop was refused")
	}

	before = m.Begin()
	m.DropAll()
	if m.Put(before, "u", 9, 1, time.Time{}) {
		t.Error("result read before DropAll was stored")
	}
	if m.Len() != 0 {
		t.Errorf("Len after DropAll = %d, want 0", m.Len())
	}
}

func TestDropOwner(t *testing.T) {
	m, _ := newTest(time.Minute, 10)
	m.Put(m.Begin(), "a1", 1, 1, time.Time{})
	m.Put(m.Begin(), "a2", 1, 2, time.Time{})
	m.Put(m.Begin(), "b1", 2, 3, time.Time{})
	m.DropPayload("1")
	if _, ok := m.Get("a1"); ok {
		t.Error("a1 kept after its owner was dropped")
	}
	if _, ok := m.Get("a2"); ok {
		t.Error("a2 kept after its owner was dropped")
	}
	if _, ok := m.Get("b1"); !ok {
		t.Error("b1 of another owner was dropped")
	}
	m.DropPayload("")
	if m.Len() != 0 {
		t.Errorf("Len after an empty payload = %d, want 0", m.Len())
	}
	m.Put(m.Begin(), "c", 3, 1, time.Time{})
	m.DropPayload("x3")
	if m.Len() != 0 {
		t.Errorf("Len after an unreadable payload = %d, want 0", m.Len())
	}
}

// TestEvictsLeastRecentlyUsed: a full memo lets go of one old entry, never
// of everything.
func TestEvictsLeastRecentlyUsed(t *testing.T) {
	m, _ := newTest(time.Minute, 3)
	for i, k := range []string{"a", "b", "c"} {
		m.Put(m.Begin(), k, 1, i, time.Time{})
	}
	m.Get("a") // a is now the most recently used; b the least
	m.Put(m.Begin(), "d", 1, 3, time.Time{})
	if m.Len() != 3 {
		t.Errorf("Len = %d, want 3", m.Len())
	}
	if _, ok := m.Get("b"); ok {
		t.Error("b, the least recently used, was kept")
	}
	for _, k := range []string{"a", "c", "d"} {
		if _, ok := m.Get(k); !ok {
			t.Errorf("%s evicted; only b should have gone", k)
		}
	}
}

func TestCostBound(t *testing.T) {
	m := New[string, []byte](time.Minute, 100, func(b []byte) int { return len(b) })
	for i := range 10 {
		m.Put(m.Begin(), fmt.Sprint(i), 0, make([]byte, 30), time.Time{})
	}
	if m.Cost() > 100 {
		t.Errorf("Cost = %d, over the bound 100", m.Cost())
	}
	if m.Len() != 3 {
		t.Errorf("Len = %d, want the 3 most recent", m.Len())
	}
	if m.Put(m.Begin(), "big", 0, make([]byte, 101), time.Time{}) {
		t.Error("an entry over the whole bound was stored")
	}
}

func TestOwnerDropsBounded(t *testing.T) {
	m, _ := newTest(time.Minute, 10)
	old := m.Begin()
	for i := range int64(maxOwnerDrops + 5) {
		m.DropOwner(i + 1)
	}
	if len(m.ownerDrop) > maxOwnerDrops {
		t.Errorf("%d owner drops remembered, bound %d", len(m.ownerDrop), maxOwnerDrops)
	}
	if m.Put(old, "a", 1, 1, time.Time{}) {
		t.Error("ticket from before forgotten drops was honoured")
	}
	if !m.Put(m.Begin(), "a", 1, 1, time.Time{}) {
		t.Error("fresh ticket refused")
	}
}

// TestConcurrentReadersAndDrops: under concurrent reads and drops, no value
// read before the last drop survives it.
func TestConcurrentReadersAndDrops(t *testing.T) {
	m := New[int, int](time.Minute, 1000, nil)
	var version sync.Map // owner → current version, the "database"
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				owner := int64(i%5 + 1)
				if w == 0 && i%3 == 0 {
					v, _ := version.LoadOrStore(owner, 0)
					version.Store(owner, v.(int)+1) // commit, then announce
					m.DropOwner(owner)
					continue
				}
				tk := m.Begin()
				v, _ := version.LoadOrStore(owner, 0)
				m.Put(tk, int(owner), owner, v.(int), time.Time{})
			}
		}()
	}
	wg.Wait()
	for owner := int64(1); owner <= 5; owner++ {
		got, ok := m.Get(int(owner))
		want, _ := version.Load(owner)
		if ok && got != want.(int) {
			t.Errorf("owner %d: memo has version %d, database %d", owner, got, want)
		}
	}
}
