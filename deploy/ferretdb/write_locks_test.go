package main

import (
	"encoding/binary"
	"reflect"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
)

// opMsgBody builds an OP_MSG body: flags, the command as a kind-0 section, then kind-1 sequences.
func opMsgBody(t *testing.T, flags uint32, command bson.D, sequences map[string][]bson.D) []byte {
	t.Helper()

	body := binary.LittleEndian.AppendUint32(nil, flags)
	doc, err := bson.Marshal(command)
	if err != nil {
		t.Fatal(err)
	}

	body = append(append(body, sectionBody), doc...)

	for identifier, docs := range sequences {
		section := append([]byte(identifier), 0)
		for _, d := range docs {
			b, err := bson.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			section = append(section, b...)
		}

		body = append(body, sectionSequence)
		body = binary.LittleEndian.AppendUint32(body, uint32(4+len(section)))
		body = append(body, section...)
	}

	return body
}

func TestWriteTargetOf(t *testing.T) {
	oid := primitive.NewObjectID()
	update := func(filters ...bson.D) bson.D {
		statements := bson.A{}
		for _, f := range filters {
			statements = append(statements, bson.D{{Key: "q", Value: f}, {Key: "u", Value: bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}}})
		}
		return bson.D{{Key: "update", Value: "c"}, {Key: "updates", Value: statements}, {Key: "$db", Value: "d"}}
	}
	byID := func(id any) bson.D { return bson.D{{Key: "_id", Value: id}} }

	for name, tc := range map[string]struct {
		body []byte
		want writeTarget
		ok   bool
	}{
		"update by string _id": {opMsgBody(t, 0, update(byID("b"), byID("a"), byID("b")), nil), writeTarget{"d.c", []string{"\x02\x02\x00\x00\x00a\x00", "\x02\x02\x00\x00\x00b\x00"}}, true},
		"update by ObjectId":   {opMsgBody(t, 0, update(byID(oid)), nil), writeTarget{"d.c", []string{"\x07" + string(oid[:])}}, true},
		"update by _id and more": {
			opMsgBody(t, 0, update(bson.D{{Key: "_id", Value: "a"}, {Key: "owner", Value: nil}}), nil), writeTarget{"d.c", []string{"\x02\x02\x00\x00\x00a\x00"}}, true,
		},
		"numeric _id takes the collection": {opMsgBody(t, 0, update(byID(5)), nil), writeTarget{namespace: "d.c"}, true},
		"_id $in takes the collection":     {opMsgBody(t, 0, update(byID(bson.D{{Key: "$in", Value: bson.A{"a"}}})), nil), writeTarget{namespace: "d.c"}, true},
		"a filter takes the collection":    {opMsgBody(t, 0, update(bson.D{{Key: "day", Value: "x"}}), nil), writeTarget{namespace: "d.c"}, true},
		"statements in a document sequence": {
			opMsgBody(t, 0, bson.D{{Key: "update", Value: "c"}, {Key: "$db", Value: "d"}}, map[string][]bson.D{"updates": {{{Key: "q", Value: byID("z")}}}}),
			writeTarget{"d.c", []string{"\x02\x02\x00\x00\x00z\x00"}}, true,
		},
		"findAndModify by _id": {
			opMsgBody(t, 0, bson.D{{Key: "findAndModify", Value: "c"}, {Key: "query", Value: byID("s")}, {Key: "$db", Value: "d"}}, nil), writeTarget{"d.c", []string{"\x02\x02\x00\x00\x00s\x00"}}, true,
		},
		"findAndModify without a query": {opMsgBody(t, 0, bson.D{{Key: "findandmodify", Value: "c"}, {Key: "$db", Value: "d"}}, nil), writeTarget{namespace: "d.c"}, true},
		"a find is no update":           {opMsgBody(t, 0, bson.D{{Key: "find", Value: "c"}, {Key: "$db", Value: "d"}}, nil), writeTarget{}, false},
		"an insert is no update":        {opMsgBody(t, 0, bson.D{{Key: "insert", Value: "c"}, {Key: "$db", Value: "d"}}, nil), writeTarget{}, false},
		"moreToCome has no reply":       {opMsgBody(t, flagMoreToCome, update(byID("a")), nil), writeTarget{}, false},
		"a truncated body":              {opMsgBody(t, 0, update(byID("a")), nil)[:20], writeTarget{}, false},
		"no body at all":                {[]byte{0, 0}, writeTarget{}, false},
	} {
		got, ok := writeTargetOf(tc.body)
		if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v %v, want %+v %v", name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestWriteLocks(t *testing.T) {
	locks := newWriteLocks()

	// Different documents go together; the same document, or the whole collection, waits.
	unlockA := locks.lock(writeTarget{"d.c", []string{"a"}})
	unlockB := locks.lock(writeTarget{"d.c", []string{"b"}})

	var (
		mu    sync.Mutex
		order []string
	)

	record := func(s string) {
		mu.Lock()
		order = append(order, s)
		mu.Unlock()
	}

	done := make(chan struct{}, 2)

	go func() {
		unlock := locks.lock(writeTarget{"d.c", []string{"a"}})
		record("second a")
		unlock()
		done <- struct{}{}
	}()
	go func() {
		unlock := locks.lock(writeTarget{namespace: "d.c"})
		record("collection")
		unlock()
		done <- struct{}{}
	}()

	time.Sleep(50 * time.Millisecond)
	record("first a done")
	unlockA()
	time.Sleep(50 * time.Millisecond)
	record("b done")
	unlockB()
	<-done
	<-done

	at := map[string]int{}
	for i, s := range order {
		at[s] = i
	}

	// The second update of a waits for the first; the collection-wide one waits for both documents.
	if len(order) != 4 || at["second a"] < at["first a done"] || at["collection"] < at["b done"] {
		t.Fatalf("order %v", order)
	}

	if len(locks.namespaces["d.c"].ids) != 0 {
		t.Errorf("document locks left behind: %v", locks.namespaces["d.c"].ids)
	}
}
