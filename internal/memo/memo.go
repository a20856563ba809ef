// Package memo keeps query results in memory: bounded, least recently used
// first out, each entry expiring, and never storing a result older than an
// invalidation it has seen.
//
// The rule that makes a memo correct is the ticket: take one (Begin) before
// reading the database, and hand it to Put with the result. Put refuses the
// result when the entry's owner, or everything, was dropped after the ticket
// was taken: the read may predate the change that the drop announced, and
// storing it would serve the old state until the entry expires.
package memo

import (
	"container/list"
	"sync"
	"time"
)

// Memo is a bounded, expiring LRU of values tagged with the person (owner)
// they belong to. It is safe for concurrent use. The zero Memo is not
// usable; call New.
type Memo[K comparable, V any] struct {
	maxAge  time.Duration
	maxCost int
	cost    func(V) int

	mu      sync.Mutex
	order   *list.List // front: most recently used; elements hold *entry[K, V]
	byKey   map[K]*list.Element
	byOwner map[int64]map[K]struct{}
	used    int // total cost of the entries

	seq       uint64           // advanced by every drop and every ticket
	allDrop   uint64           // seq of the last DropAll
	ownerDrop map[int64]uint64 // seq of each owner's last drop since floor
	floor     uint64           // tickets below this are refused (ownerDrop was pruned)
	now       func() time.Time // the clock, replaceable in tests
}

type entry[K comparable, V any] struct {
	key     K
	owner   int64
	value   V
	cost    int
	expires time.Time
}

// Ticket is taken before a database read and presented with its result.
type Ticket struct{ seq uint64 }

// maxOwnerDrops bounds the remembered drops per owner. When full they are
// forgotten at once and every outstanding ticket is refused: rare, and a
// refused store only costs one more database read.
const maxOwnerDrops = 10_000

// New returns a memo whose entries live at most maxAge (0 or less turns the
// memo off: it stores nothing) and whose entries cost at most maxCost
// together; cost gives an entry's cost (nil: every entry costs 1, so maxCost
// is a count).
func New[K comparable, V any](maxAge time.Duration, maxCost int, cost func(V) int) *Memo[K, V] {
	return &Memo[K, V]{
		maxAge: maxAge, maxCost: maxCost, cost: cost,
		order: list.New(), byKey: map[K]*list.Element{}, byOwner: map[int64]map[K]struct{}{},
		ownerDrop: map[int64]uint64{}, now: time.Now,
	}
}

// Get returns the value kept for k if it has not expired, and marks it as
// recently used.
func (m *Memo[K, V]) Get(k K) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.byKey[k]
	if !ok {
		var zero V
		return zero, false
	}
	e := el.Value.(*entry[K, V])
	if !m.now().Before(e.expires) {
		m.remove(el)
		var zero V
		return zero, false
	}
	m.order.MoveToFront(el)
	return e.value, true
}

// Begin returns the ticket for a database read whose result may be stored.
func (m *Memo[K, V]) Begin() Ticket {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	return Ticket{seq: m.seq}
}

// Put keeps v for k on behalf of owner until the earlier of the memo's
// lifetime and notAfter (zero: no earlier limit), unless owner or
// everything was dropped since t was taken. It reports whether v was kept.
// When the memo is over its bound, the least recently used entries go.
func (m *Memo[K, V]) Put(t Ticket, k K, owner int64, v V, notAfter time.Time) bool {
	if m.maxAge <= 0 {
		return false
	}
	c := 1
	if m.cost != nil {
		c = m.cost(v)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if t.seq < m.floor || t.seq <= m.allDrop || t.seq <= m.ownerDrop[owner] || c > m.maxCost {
		return false
	}
	now := m.now()
	exp := now.Add(m.maxAge)
	if !notAfter.IsZero() && notAfter.Before(exp) {
		exp = notAfter
	}
	if !now.Before(exp) {
		return false
	}
	if el, ok := m.byKey[k]; ok {
		m.remove(el)
	}
	for m.used+c > m.maxCost {
		m.remove(m.order.Back())
	}
	e := &entry[K, V]{key: k, owner: owner, value: v, cost: c, expires: exp}
	m.byKey[k] = m.order.PushFront(e)
	if m.byOwner[owner] == nil {
		m.byOwner[owner] = map[K]struct{}{}
	}
	m.byOwner[owner][k] = struct{}{}
	m.used += c
	return true
}

func (m *Memo[K, V]) remove(el *list.Element) {
	e := m.order.Remove(el).(*entry[K, V])
	delete(m.byKey, e.key)
	if keys := m.byOwner[e.owner]; keys != nil {
		delete(keys, e.key)
		if len(keys) == 0 {
			delete(m.byOwner, e.owner)
		}
	}
	m.used -= e.cost
}

// DropOwner forgets every entry of owner and refuses results read before
// now for owner; owner 0 drops everything.
func (m *Memo[K, V]) DropOwner(owner int64) {
	if owner == 0 {
		m.DropAll()
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	if len(m.ownerDrop) >= maxOwnerDrops {
		clear(m.ownerDrop)
		m.floor = m.seq
	}
	m.ownerDrop[owner] = m.seq
	for k := range m.byOwner[owner] {
		m.remove(m.byKey[k])
	}
}

// DropAll forgets every entry and refuses every result read before now.
func (m *Memo[K, V]) DropAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	m.allDrop = m.seq
	clear(m.ownerDrop) // covered by allDrop
	m.order.Init()
	clear(m.byKey)
	clear(m.byOwner)
	m.used = 0
}

// DropPayload is DropOwner for a notification payload holding the owner's
// id; an empty or unreadable payload drops everything.
func (m *Memo[K, V]) DropPayload(payload string) {
	var id int64
	if payload == "" || len(payload) > 18 {
		m.DropAll()
		return
	}
	for _, r := range payload {
		if r < '0' || r > '9' {
			m.DropAll()
			return
		}
		id = id*10 + int64(r-'0')
	}
	m.DropOwner(id)
}

// Len is the number of entries kept, expired or not.
func (m *Memo[K, V]) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len()
}

// Cost is the total cost of the entries kept.
func (m *Memo[K, V]) Cost() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.used
}
