package main

// FerretDB 1.24 carries out an update (and a findAndModify) as a read of the matching documents followed by a write
// of each whole document, with nothing held in between. Two concurrent updates of one document therefore both read
// it before either writes, and the later write wins: 400 concurrent `$inc` of one counter left it at 16, and of 32
// concurrent "claim if unclaimed" updates 9 reported success. The launcher lets FerretDB see only one update of a
// document at a time (README "Serialised updates"): an update whose every statement names one document by `_id`
// waits only for other updates of those documents; any other update (a filter, an `$in`, an upsert without `_id`)
// waits for every update of its collection and holds them all off.

import (
	"encoding/binary"
	"slices"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/bson/bsontype"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

const (
	opMsg            = 2013
	msgHeaderLen     = 16
	flagChecksum     = 1 << 0
	flagMoreToCome   = 1 << 1
	sectionBody      = 0
	sectionSequence  = 1
	updateStatements = "updates"
)

// writeTarget names what an update may change: documents of one collection, by `_id`, or (ids nil) any of them.
type writeTarget struct {
	namespace string
	ids       []string
}

// writeTargetOf returns the target of an OP_MSG body (the message after its header) that is an acknowledged update
// or findAndModify; false for every other message, and for one it cannot parse (FerretDB answers that with its own
// error). A message sent with moreToCome has no reply to release a lock on, and Vigil sends none.
func writeTargetOf(body []byte) (writeTarget, bool) {
	if len(body) < 5 {
		return writeTarget{}, false
	}

	flags := binary.LittleEndian.Uint32(body)
	if flags&flagMoreToCome != 0 {
		return writeTarget{}, false
	}

	end := len(body)
	if flags&flagChecksum != 0 {
		end -= 4
	}

	var command bsoncore.Document

	sequences := map[string][]bsoncore.Document{}

	for pos := 4; pos < end; {
		kind := body[pos]
		pos++

		if pos+4 > end {
			return writeTarget{}, false
		}

		size := int(int32(binary.LittleEndian.Uint32(body[pos:])))
		if size < 5 || pos+size > end {
			return writeTarget{}, false
		}

		section := body[pos : pos+size]
		pos += size

		switch kind {
		case sectionBody:
			command = section
		case sectionSequence:
			identifier, docs, ok := documentSequence(section[4:])
			if !ok {
				return writeTarget{}, false
			}

			sequences[identifier] = append(sequences[identifier], docs...)
		default:
			return writeTarget{}, false
		}
	}

	if command == nil || command.Validate() != nil {
		return writeTarget{}, false
	}

	first, err := command.IndexErr(0)
	if err != nil {
		return writeTarget{}, false
	}

	collection, isString := first.Value().StringValueOK()
	database, hasDB := command.Lookup("$db").StringValueOK()

	if !isString || !hasDB {
		return writeTarget{}, false
	}

	var filters []bsoncore.Document

	switch strings.ToLower(first.Key()) {
	case "update":
		statements := sequences[updateStatements]

		if array, ok := command.Lookup(updateStatements).ArrayOK(); ok {
			values, _ := array.Values()
			for _, value := range values {
				statement, isDoc := value.DocumentOK()
				if !isDoc {
					return writeTarget{namespace: database + "." + collection}, true
				}

				statements = append(statements, statement)
			}
		}

		for _, statement := range statements {
			filter, _ := statement.Lookup("q").DocumentOK()
			filters = append(filters, filter)
		}
	case "findandmodify":
		filter, _ := command.Lookup("query").DocumentOK()
		filters = append(filters, filter)
	default:
		return writeTarget{}, false
	}

	target := writeTarget{namespace: database + "." + collection}

	for _, filter := range filters {
		id, ok := idOfFilter(filter)
		if !ok {
			return writeTarget{namespace: target.namespace}, true
		}

		target.ids = append(target.ids, id)
	}

	if len(target.ids) == 0 { // an update command without statements
		return writeTarget{namespace: target.namespace}, true
	}

	slices.Sort(target.ids)
	target.ids = slices.Compact(target.ids)

	return target, true
}

// documentSequence splits a kind-1 section (after its size) into its identifier and documents.
func documentSequence(b []byte) (string, []bsoncore.Document, bool) {
	nul := slices.Index(b, 0)
	if nul < 0 {
		return "", nil, false
	}

	identifier := string(b[:nul])

	var docs []bsoncore.Document

	for rest := b[nul+1:]; len(rest) > 0; {
		doc, remaining, ok := bsoncore.ReadDocument(rest)
		if !ok {
			return "", nil, false
		}

		docs = append(docs, doc)
		rest = remaining
	}

	return identifier, docs, true
}

// idOfFilter returns a key for the one document a filter can match: its top-level `_id` as a string or ObjectId
// (numbers are left out, as 5, 5.0 and int64 5 name one document with different bytes).
func idOfFilter(filter bsoncore.Document) (string, bool) {
	if filter == nil {
		return "", false
	}

	value, err := filter.LookupErr("_id")
	if err != nil {
		return "", false
	}

	switch value.Type {
	case bsontype.String, bsontype.ObjectID:
		return string(byte(value.Type)) + string(value.Data), true
	default:
		return "", false
	}
}

// writeLocks holds, per namespace, the updates FerretDB is carrying out.
type writeLocks struct {
	mu         sync.Mutex
	namespaces map[string]*namespaceLock
}

type namespaceLock struct {
	// Held shared by updates of named documents, exclusively by the others.
	all sync.RWMutex

	mu  sync.Mutex
	ids map[string]*documentLock
}

type documentLock struct {
	sync.Mutex
	waiters int
}

func newWriteLocks() *writeLocks {
	return &writeLocks{namespaces: map[string]*namespaceLock{}}
}

func (l *writeLocks) namespace(name string) *namespaceLock {
	l.mu.Lock()
	defer l.mu.Unlock()

	ns := l.namespaces[name]
	if ns == nil {
		ns = &namespaceLock{ids: map[string]*documentLock{}}
		l.namespaces[name] = ns
	}

	return ns
}

// lock waits until the target may be updated and returns the function that lets the next update in. Documents are
// taken in sorted order (writeTargetOf sorts them), so two updates of the same documents cannot wait for each other.
func (l *writeLocks) lock(target writeTarget) (unlock func()) {
	ns := l.namespace(target.namespace)

	if target.ids == nil {
		ns.all.Lock()
		return ns.all.Unlock
	}

	ns.all.RLock()

	held := make([]string, 0, len(target.ids))
	for _, id := range target.ids {
		ns.mu.Lock()
		doc := ns.ids[id]
		if doc == nil {
			doc = &documentLock{}
			ns.ids[id] = doc
		}
		doc.waiters++
		ns.mu.Unlock()

		doc.Lock()
		held = append(held, id)
	}

	return func() {
		ns.mu.Lock()
		for _, id := range held {
			doc := ns.ids[id]
			doc.waiters--
			if doc.waiters == 0 {
				delete(ns.ids, id)
			}
			doc.Unlock()
		}
		ns.mu.Unlock()
		ns.all.RUnlock()
	}
}
