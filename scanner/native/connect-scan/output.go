package main

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
)

type line struct {
	id    int64
	port  int
	state string // open, closed, filtered; "" for the end of a request
	err   string
	// Not a line: closed once everything before it is written.
	flushed chan struct{}
}

// writer serialises every line through one goroutine and flushes whenever it runs out of lines: answers that
// arrive together leave in one write, a lone answer (discovery waits for one) leaves at once.
type writer struct {
	lines chan line
}

func newWriter(w io.Writer) *writer {
	out := &writer{lines: make(chan line, 4096)}
	go out.loop(bufio.NewWriterSize(w, 64*1024))
	return out
}

func (out *writer) loop(w *bufio.Writer) {
	buf := make([]byte, 0, 256)
	for {
		l := <-out.lines
		for more := true; more; {
			if l.flushed != nil {
				w.Flush()
				close(l.flushed)
			} else {
				w.Write(format(buf[:0], l))
			}
			select {
			case l = <-out.lines:
			default:
				more = false
			}
		}
		w.Flush()
	}
}

// format writes the line by hand: encoding/json's reflection would cost more than the connect it reports.
func format(buf []byte, l line) []byte {
	buf = append(buf, `{"id":`...)
	buf = strconv.AppendInt(buf, l.id, 10)
	switch {
	case l.err != "":
		message, _ := json.Marshal(l.err)
		buf = append(buf, `,"error":`...)
		buf = append(buf, message...)
	case l.state != "":
		buf = append(buf, `,"port":`...)
		buf = strconv.AppendInt(buf, int64(l.port), 10)
		buf = append(buf, `,"state":"`...)
		buf = append(buf, l.state...)
		buf = append(buf, '"')
	default:
		buf = append(buf, `,"done":true`...)
	}
	return append(buf, "}\n"...)
}

func (out *writer) answer(id int64, port int, state string) {
	out.lines <- line{id: id, port: port, state: state}
}

func (out *writer) done(id int64) { out.lines <- line{id: id} }

// failure reports a request refused as a whole (it is then over: no answers, no done line follow).
func (out *writer) failure(id int64, message string) { out.lines <- line{id: id, err: message} }

// sync returns once every line sent before it is written.
func (out *writer) sync() {
	flushed := make(chan struct{})
	out.lines <- line{flushed: flushed}
	<-flushed
}
