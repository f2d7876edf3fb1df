// Command vigil-connect-scan is the scanner node's TCP connect-scan loop (README "Scanning: benchmarks"):
// the Node side (scanner/checks/connect-scan-helper.ts) starts it once per process and hands it probe requests
// as JSON lines on stdin; it answers with one JSON line per final port answer on stdout. See PROTOCOL.md.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
)

const version = "1"

// Descriptors kept free for stdio, the workers' epoll and wake-up pipes and the Go runtime.
const reservedDescriptors = 64

type request struct {
	Op          string `json:"op"`
	ID          int64  `json:"id"`
	Address     string `json:"address"`
	Ports       []int  `json:"ports"`
	Concurrency int    `json:"concurrency"`
	PerHostRate int    `json:"perHostRate"`
	TimeoutMs   int    `json:"timeoutMs"`
	Retries     int    `json:"retries"`
	PerSecond   int    `json:"perSecond"`
}

func main() {
	maxSockets := flag.Int("max-sockets", 16384, "hard cap on connection attempts in flight across all requests")
	showVersion := flag.Bool("version", false, "print the protocol version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println("vigil-connect-scan protocol", version)
		return
	}
	if *maxSockets < 1 {
		fmt.Fprintln(os.Stderr, "vigil-connect-scan: -max-sockets must be at least 1")
		os.Exit(2)
	}
	// Closing stdin or SIGTERM/SIGINT cancels every request; their sockets are closed before the exit.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	out := newWriter(os.Stdout)
	s, err := newScanner(out, socketCap(*maxSockets))
	if err != nil {
		fmt.Fprintln(os.Stderr, "vigil-connect-scan:", err)
		os.Exit(1)
	}
	go func() {
		readRequests(s, out)
		stop()
	}()
	<-ctx.Done()
	s.cancelAll()
	out.sync()
}

// socketCap keeps the cap under the descriptor limit (Go raises the soft limit to the hard one at start-up).
func socketCap(requested int) int64 {
	var limit syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &limit); err == nil && limit.Cur > reservedDescriptors && uint64(requested) > limit.Cur-reservedDescriptors {
		return int64(limit.Cur - reservedDescriptors)
	}
	return int64(requested)
}

func readRequests(s *scanner, out *writer) {
	lines := bufio.NewScanner(os.Stdin)
	// A request for all 65,535 ports is about 400 KB of JSON.
	lines.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for lines.Scan() {
		var r request
		if err := json.Unmarshal(lines.Bytes(), &r); err != nil {
			out.failure(0, "not a JSON request: "+err.Error())
			continue
		}
		switch r.Op {
		case "probe":
			s.start(r)
		case "cancel":
			s.cancel(r.ID)
		case "rate":
			if r.PerSecond < 0 {
				out.failure(r.ID, "perSecond must be 0 (no cap) or more")
				continue
			}
			s.nodePace.setRate(r.PerSecond)
		default:
			out.failure(r.ID, fmt.Sprintf("unknown op %q (probe, cancel or rate)", r.Op))
		}
	}
	if err := lines.Err(); err != nil {
		out.failure(0, "reading stdin: "+err.Error())
	}
}

// scanner hands each request to the least busy worker (one per core) and tracks which one runs it.
type scanner struct {
	out        *writer
	workers    []*worker
	nodePace   pacer
	maxSockets int64
	sockets    atomic.Int64
	mu         sync.Mutex
	closing    bool
	running    map[int64]*worker
	wg         sync.WaitGroup
}

func newScanner(out *writer, maxSockets int64) (*scanner, error) {
	s := &scanner{out: out, maxSockets: maxSockets, running: map[int64]*worker{}}
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		w, err := newWorker(s)
		if err != nil {
			return nil, err
		}
		s.workers = append(s.workers, w)
		go w.loop()
	}
	return s, nil
}

func (s *scanner) start(r request) {
	p, err := newRun(r)
	if err != nil {
		s.out.failure(r.ID, err.Error())
		return
	}
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		s.out.failure(r.ID, "shutting down")
		return
	}
	if _, taken := s.running[r.ID]; taken {
		s.mu.Unlock()
		s.out.failure(r.ID, fmt.Sprintf("request %d is already running", r.ID))
		return
	}
	w := s.workers[0]
	for _, other := range s.workers[1:] {
		if other.load.Load() < w.load.Load() {
			w = other
		}
	}
	w.load.Add(1)
	s.running[r.ID] = w
	s.wg.Add(1)
	s.mu.Unlock()
	w.send(command{start: p})
}

func (s *scanner) cancel(id int64) {
	s.mu.Lock()
	w := s.running[id]
	s.mu.Unlock()
	if w != nil {
		w.send(command{cancel: id})
	}
}

// finished is called by the worker once a request's done line is written, every socket of it closed.
func (s *scanner) finished(id int64, w *worker) {
	s.mu.Lock()
	delete(s.running, id)
	s.mu.Unlock()
	w.load.Add(-1)
	s.wg.Done()
}

// cancelAll stops taking requests, cancels the running ones and waits until they are over.
func (s *scanner) cancelAll() {
	s.mu.Lock()
	s.closing = true
	ids := make([]int64, 0, len(s.running))
	for id := range s.running {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	for _, id := range ids {
		s.cancel(id)
	}
	s.wg.Wait()
}

// takeSocket counts one more attempt in flight, or says no at the cap.
func (s *scanner) takeSocket() bool {
	if s.sockets.Add(1) > s.maxSockets {
		s.sockets.Add(-1)
		return false
	}
	return true
}

func (s *scanner) releaseSocket() { s.sockets.Add(-1) }
