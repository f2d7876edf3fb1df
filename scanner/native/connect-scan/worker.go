package main

import (
	"sync/atomic"
	"syscall"
	"time"
)

const (
	maxEvents = 1024
	// How soon a run held back by the node's socket cap looks again (the sockets are freed by other workers).
	socketCapRecheck = 2 * time.Millisecond
)

type command struct {
	start  *run
	cancel int64
}

type attempt struct {
	run      *run
	port     int
	fd       int
	deadline time.Time
	settled  bool
}

// worker is one event loop (one per core) over non-blocking sockets and epoll, as nmap's connect scan does it:
// per port a socket, a connect, one readiness event and a getsockopt; no goroutine, timer or poller
// registration of the Go runtime per port, which cost more than the connect itself.
type worker struct {
	s        *scanner
	epfd     int
	wakeRead int
	wakeFd   int
	inbox    chan command
	load     atomic.Int32
	runs     map[int64]*run
	byFd     []*attempt
	events   []syscall.EpollEvent
	wakeBuf  []byte
}

func newWorker(s *scanner) (*worker, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	var pipe [2]int
	if err := syscall.Pipe2(pipe[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
		return nil, err
	}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, pipe[0], &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(pipe[0])}); err != nil {
		return nil, err
	}
	return &worker{s: s, epfd: epfd, wakeRead: pipe[0], wakeFd: pipe[1], inbox: make(chan command, 1024), runs: map[int64]*run{}, events: make([]syscall.EpollEvent, maxEvents), wakeBuf: make([]byte, 64)}, nil
}

// send queues a command and wakes the loop should it be waiting in epoll_wait.
func (w *worker) send(c command) {
	w.inbox <- c
	syscall.Write(w.wakeFd, []byte{1})
}

func (w *worker) loop() {
	for {
		if len(w.runs) == 0 {
			w.handle(<-w.inbox)
		}
		for drained := false; !drained; {
			select {
			case c := <-w.inbox:
				w.handle(c)
			default:
				drained = true
			}
		}
		if len(w.runs) == 0 {
			continue
		}
		n, err := syscall.EpollWait(w.epfd, w.events, w.waitMs(time.Now()))
		if err != nil && err != syscall.EINTR {
			panic("epoll_wait: " + err.Error())
		}
		for _, event := range w.events[:max(n, 0)] {
			if int(event.Fd) == w.wakeRead {
				for {
					if n, _ := syscall.Read(w.wakeRead, w.wakeBuf); n <= 0 {
						break
					}
				}
				continue
			}
			w.settle(int(event.Fd))
		}
		// A full event buffer means more answers are waiting: read them before anything counts as timed out.
		w.advance(time.Now(), n < len(w.events))
	}
}

func (w *worker) handle(c command) {
	if c.start != nil {
		w.runs[c.start.id] = c.start
		w.advance(time.Now(), false)
		return
	}
	if p := w.runs[c.cancel]; p != nil {
		for _, a := range p.attempts[p.head:] {
			if !a.settled {
				w.drop(a)
			}
		}
		w.end(p)
	}
}

// waitMs is how long epoll_wait may sleep: until the first deadline, pace slot or retry of any run.
func (w *worker) waitMs(now time.Time) int {
	var due time.Time
	earlier := func(t time.Time) {
		if !t.IsZero() && (due.IsZero() || t.Before(due)) {
			due = t
		}
	}
	for _, p := range w.runs {
		if a := p.oldestAttempt(); a != nil {
			earlier(a.deadline)
		}
		earlier(p.resumeAt)
		if len(p.retryLater) > 0 {
			earlier(p.retryAt)
		}
	}
	if due.IsZero() {
		return 1000
	}
	return max(0, int((due.Sub(now)+time.Millisecond-1)/time.Millisecond))
}

// advance moves every run on: expired attempts, retries due, new attempts, next passes, ends.
func (w *worker) advance(now time.Time, expire bool) {
	for _, p := range w.runs {
		if expire {
			w.expire(p, now)
		}
		for {
			if len(p.retryLater) > 0 && !now.Before(p.retryAt) {
				p.queue = append(p.queue[p.next:], p.retryLater...)
				p.next, p.retryLater = 0, nil
			}
			w.fill(p, now)
			if !p.passOver() {
				break
			}
			if p.nextPass() {
				continue
			}
			for _, port := range p.silent {
				w.s.out.answer(p.id, port, "filtered")
			}
			w.end(p)
			break
		}
	}
}

func (w *worker) expire(p *run, now time.Time) {
	for a := p.oldestAttempt(); a != nil && !a.deadline.After(now); a = p.oldestAttempt() {
		w.drop(a)
		p.silent = append(p.silent, a.port)
	}
}

// fill starts attempts up to the run's concurrency, paced by its rate and the node's, under the node's socket cap.
func (w *worker) fill(p *run, now time.Time) {
	p.resumeAt = time.Time{}
	for p.inFlight < p.concurrency && p.next < len(p.queue) {
		if at, ok := p.pace.take(now, false); !ok {
			p.resumeAt = at
			return
		}
		if !w.s.takeSocket() {
			p.resumeAt = now.Add(socketCapRecheck)
			return
		}
		if at, ok := w.s.nodePace.take(now, true); !ok {
			w.s.releaseSocket()
			p.resumeAt = at
			return
		}
		p.pace.take(now, true)
		port := p.queue[p.next]
		p.next++
		w.connect(p, port, now)
	}
}

func (w *worker) connect(p *run, port int, now time.Time) {
	fd, err := syscall.Socket(p.family, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		w.s.releaseSocket()
		w.record(p, port, classify(err.(syscall.Errno)), now)
		return
	}
	sockaddr := p.sockaddr(port)
	err = syscall.Connect(fd, sockaddr)
	if err == syscall.EINPROGRESS {
		// On a near network the answer is often in before connect returns (the reset is processed on the way
		// out of the call): asking again costs one call, where waiting for it costs an epoll registration,
		// an event and a getsockopt. EALREADY: still waiting; EISCONN or nil: connected.
		err = syscall.Connect(fd, sockaddr)
		if err == syscall.EISCONN {
			err = nil
		}
	}
	if err == syscall.EALREADY {
		err = syscall.EpollCtl(w.epfd, syscall.EPOLL_CTL_ADD, fd, &syscall.EpollEvent{Events: syscall.EPOLLOUT, Fd: int32(fd)})
		if err == nil {
			a := &attempt{run: p, port: port, fd: fd, deadline: now.Add(p.timeout)}
			for fd >= len(w.byFd) {
				w.byFd = append(w.byFd, nil)
			}
			w.byFd[fd] = a
			p.attempts = append(p.attempts, a)
			p.inFlight++
			return
		}
	}
	syscall.Close(fd)
	w.s.releaseSocket()
	if err == nil {
		w.record(p, port, open, now)
	} else {
		w.record(p, port, classify(err.(syscall.Errno)), now)
	}
}

// settle reads the outcome of a connect that epoll reported ready: connected, or the error it ended with.
func (w *worker) settle(fd int) {
	if fd >= len(w.byFd) || w.byFd[fd] == nil {
		return
	}
	a := w.byFd[fd]
	soError, err := syscall.GetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_ERROR)
	w.drop(a)
	result := open
	if err != nil {
		result = classify(err.(syscall.Errno))
	} else if soError != 0 {
		result = classify(syscall.Errno(soError))
	}
	w.record(a.run, a.port, result, time.Now())
}

// drop closes an attempt's socket (which also takes it out of epoll) and frees its slots.
func (w *worker) drop(a *attempt) {
	a.settled = true
	w.byFd[a.fd] = nil
	syscall.Close(a.fd)
	w.s.releaseSocket()
	a.run.inFlight--
}

func (w *worker) record(p *run, port int, result attemptResult, now time.Time) {
	switch result {
	case timedOut:
		p.silent = append(p.silent, port)
	case localError:
		if len(p.retryLater) == 0 {
			p.retryAt = now.Add(localRetryWait)
		}
		p.retryLater = append(p.retryLater, port)
	default:
		w.s.out.answer(p.id, port, answers[result])
	}
}

// end writes the run's done line (its sockets are all closed by now) and forgets it.
func (w *worker) end(p *run) {
	delete(w.runs, p.id)
	w.s.out.done(p.id)
	w.s.finished(p.id, w)
}
