package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"
)

// The limits of scanner/protocol/v1 jobLimitsSchema, checked again: the helper trusts nobody's arithmetic.
const (
	maxConcurrency = 4096
	maxRetries     = 5
	maxTimeoutMs   = 60_000
	localRetryWait = 100 * time.Millisecond
)

type attemptResult int

const (
	open attemptResult = iota
	closed
	filtered
	timedOut
	// This machine ran short (descriptors, ephemeral ports, buffers): says nothing about the target, try again.
	localError
)

var answers = map[attemptResult]string{open: "open", closed: "closed", filtered: "filtered"}

// run is one probe request: its ports, its passes and its attempts in flight, all handled by one worker.
type run struct {
	id          int64
	family      int
	address     netip.Addr
	zoneIndex   uint32
	concurrency int
	timeout     time.Duration
	retries     int
	pace        pacer

	queue    []int
	next     int
	pass     int
	inFlight int
	// In start order, which is deadline order (one timeout per run): expiry stops at the first one still in
	// time. Those before `head` are settled.
	attempts   []*attempt
	head       int
	silent     []int
	retryLater []int
	retryAt    time.Time
	// When the run may start its next attempt (pace, the node's socket cap); zero when it is not waiting.
	resumeAt time.Time
}

// newRun refuses anything but an IP literal: the Node side resolved names and applied the exclusions,
// resolving here would bypass both.
func newRun(r request) (*run, error) {
	address, err := netip.ParseAddr(r.Address)
	if err != nil {
		return nil, fmt.Errorf("%q is not an IP address: resolve host names and check exclusions first", r.Address)
	}
	if r.ID <= 0 {
		return nil, errors.New("id must be a positive integer")
	}
	if len(r.Ports) == 0 {
		return nil, errors.New("ports must list at least one port")
	}
	for _, port := range r.Ports {
		if port < 1 || port > 65535 {
			return nil, fmt.Errorf("port %d is not 1 to 65535", port)
		}
	}
	if r.Concurrency < 1 || r.Concurrency > maxConcurrency {
		return nil, fmt.Errorf("concurrency must be 1 to %d", maxConcurrency)
	}
	if r.TimeoutMs < 1 || r.TimeoutMs > maxTimeoutMs {
		return nil, fmt.Errorf("timeoutMs must be 1 to %d", maxTimeoutMs)
	}
	if r.Retries < 0 || r.Retries > maxRetries {
		return nil, fmt.Errorf("retries must be 0 to %d", maxRetries)
	}
	if r.PerHostRate < 0 {
		return nil, errors.New("perHostRate must be 0 (no cap) or more")
	}
	p := &run{id: r.ID, family: syscall.AF_INET, address: address.Unmap(), concurrency: r.Concurrency, timeout: time.Duration(r.TimeoutMs) * time.Millisecond, retries: r.Retries, queue: r.Ports}
	if p.address.Is6() {
		p.family = syscall.AF_INET6
		if zone := p.address.Zone(); zone != "" {
			iface, err := net.InterfaceByName(zone)
			if err != nil {
				return nil, fmt.Errorf("%q: no interface %q on this node", r.Address, zone)
			}
			p.zoneIndex = uint32(iface.Index)
		}
	}
	p.pace.setRate(r.PerHostRate)
	return p, nil
}

func (p *run) sockaddr(port int) syscall.Sockaddr {
	if p.family == syscall.AF_INET {
		return &syscall.SockaddrInet4{Port: port, Addr: p.address.As4()}
	}
	return &syscall.SockaddrInet6{Port: port, Addr: p.address.As16(), ZoneId: p.zoneIndex}
}

// oldestAttempt is the attempt in flight with the earliest deadline, or nil.
func (p *run) oldestAttempt() *attempt {
	for p.head < len(p.attempts) && p.attempts[p.head].settled {
		p.attempts[p.head] = nil
		p.head++
	}
	if p.head == len(p.attempts) {
		p.attempts, p.head = p.attempts[:0], 0
		return nil
	}
	return p.attempts[p.head]
}

// passOver says the current pass has nothing left to start, in flight or waiting for a retry.
func (p *run) passOver() bool {
	return p.inFlight == 0 && p.next >= len(p.queue) && len(p.retryLater) == 0
}

// nextPass starts another pass over the ports that timed out, while retries are left (a dropped SYN is
// usually congestion, so a second look later is worth more than one at once); false when the run is over.
func (p *run) nextPass() bool {
	if p.pass == p.retries || len(p.silent) == 0 {
		return false
	}
	p.pass++
	p.queue, p.silent, p.next = p.silent, nil, 0
	return true
}

// classify maps a failed connect to an answer as scanner/checks/in-process-tcp-probe.ts does.
func classify(errno syscall.Errno) attemptResult {
	switch errno {
	// Linux reports a reset answering the SYN as ECONNREFUSED; ECONNRESET means the handshake completed and
	// the service reset it before we saw the connection: the port is open.
	case syscall.ECONNREFUSED:
		return closed
	case syscall.ECONNRESET:
		return open
	case syscall.ETIMEDOUT:
		return timedOut
	case syscall.EMFILE, syscall.ENFILE, syscall.EADDRNOTAVAIL, syscall.EADDRINUSE, syscall.ENOBUFS, syscall.ENOMEM, syscall.EAGAIN:
		return localError
	}
	// EHOSTUNREACH, ENETUNREACH, EACCES/EPERM (a firewall on the way): nothing answered from the port.
	return filtered
}

// pacer spaces connection starts `interval` apart on average; a zero interval lifts the cap. The node's pacer
// is shared by the workers, hence the lock.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func (p *pacer) setRate(perSecond int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.interval = 0
	if perSecond > 0 {
		p.interval = time.Second / time.Duration(perSecond)
	}
	p.next = time.Time{}
}

// take claims a start at `now` (claim false: only looks), or returns when the next one is due. Sub-millisecond
// waits are skipped: the event loop's timeouts cannot do them, and `next` keeps the average exact.
func (p *pacer) take(now time.Time, claim bool) (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.interval == 0 {
		return now, true
	}
	start := p.next
	if start.Before(now) {
		start = now
	}
	if start.Sub(now) >= time.Millisecond {
		return start, false
	}
	if claim {
		p.next = start.Add(p.interval)
	}
	return now, true
}
