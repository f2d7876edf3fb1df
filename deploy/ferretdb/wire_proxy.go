package main

// The launcher's own listener: FerretDB listens on a Unix socket in a private directory, and every client
// connection is relayed to it message by message, so that updates pass through writeLocks (write_locks.go).

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

const (
	// MongoDB's maxMessageSizeBytes (FerretDB announces the same), with room for the header.
	maxMessageLen = 48_000_000 + msgHeaderLen
	// A TLS client has this long to finish its handshake.
	handshakeTimeout = 10 * time.Second
	acceptRetryDelay = 100 * time.Millisecond
	relayBufferSize  = 64 << 10
)

// wireProxy accepts clients on its listener and relays each to the FerretDB socket.
type wireProxy struct {
	listener net.Listener
	backend  string
	locks    *writeLocks
	logger   *slog.Logger

	wg sync.WaitGroup
}

// newWireProxy listens on addr, with TLS when tlsConfig is not nil.
func newWireProxy(addr string, tlsConfig *tls.Config, backend string, logger *slog.Logger) (*wireProxy, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}

	if tlsConfig != nil {
		l = tls.NewListener(l, tlsConfig)
	}

	return &wireProxy{listener: l, backend: backend, locks: newWriteLocks(), logger: logger}, nil
}

// serve accepts connections until ctx is done, then closes the listener and every open connection.
func (p *wireProxy) serve(ctx context.Context) {
	var mu sync.Mutex

	open := map[net.Conn]struct{}{}

	go func() {
		<-ctx.Done()
		_ = p.listener.Close()

		mu.Lock()
		for conn := range open {
			_ = conn.Close()
		}
		mu.Unlock()
	}()

	for {
		conn, err := p.listener.Accept()
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
				// Out of file descriptors, say: wait a moment rather than spin on the error.
				p.logger.Warn("accept failed", slog.String("error", err.Error()))
				time.Sleep(acceptRetryDelay)

				continue
			}

			break
		}

		mu.Lock()
		open[conn] = struct{}{}
		mu.Unlock()

		p.wg.Add(1)

		go func() {
			defer p.wg.Done()

			if err := p.relay(conn); err != nil {
				p.logger.Debug("connection closed", slog.String("client", conn.RemoteAddr().String()), slog.String("reason", err.Error()))
			}

			mu.Lock()
			delete(open, conn)
			mu.Unlock()
		}()
	}

	p.wg.Wait()
}

// relay carries one client's messages to FerretDB and FerretDB's replies back. An update waits for its writeLocks
// before it is passed on and lets go of them when its reply comes back; whatever is still held when either side
// closes is let go too.
func (p *wireProxy) relay(client net.Conn) error {
	defer client.Close()

	if tc, ok := client.(*tls.Conn); ok {
		_ = tc.SetDeadline(time.Now().Add(handshakeTimeout))
		if err := tc.Handshake(); err != nil {
			return fmt.Errorf("TLS handshake: %w", err)
		}
		_ = tc.SetDeadline(time.Time{})
	}

	backend, err := net.Dial("unix", p.backend)
	if err != nil {
		return fmt.Errorf("cannot reach FerretDB: %w", err)
	}
	defer backend.Close()

	var mu sync.Mutex

	// Request id → the unlocks of the updates sent with it: a list, as nothing stops a client from reusing an id,
	// and a lost unlock would hold its documents for good.
	held := map[int32][]func(){}

	releaseAll := func() {
		mu.Lock()
		defer mu.Unlock()

		for id, unlocks := range held {
			for _, unlock := range unlocks {
				unlock()
			}
			delete(held, id)
		}
	}
	defer releaseAll()

	replies := make(chan error, 1)

	go func() {
		replies <- p.relayReplies(backend, client, func(responseTo int32) {
			mu.Lock()
			unlocks := held[responseTo]
			if len(unlocks) > 0 {
				held[responseTo] = unlocks[1:]
				if len(unlocks) == 1 {
					delete(held, responseTo)
				}
			}
			mu.Unlock()

			if len(unlocks) > 0 {
				unlocks[0]()
			}
		})
		// The client's side stops too.
		_ = client.Close()
	}()

	requests := bufio.NewReaderSize(client, relayBufferSize)

	for {
		msg, err := readMessage(requests)
		if err != nil {
			_ = backend.Close()
			<-replies

			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
				return nil
			}

			return err
		}

		if binary.LittleEndian.Uint32(msg[12:]) == opMsg {
			if target, ok := writeTargetOf(msg[msgHeaderLen:]); ok {
				unlock := p.locks.lock(target)

				id := int32(binary.LittleEndian.Uint32(msg[4:]))

				mu.Lock()
				held[id] = append(held[id], unlock)
				mu.Unlock()
			}
		}

		if _, err = backend.Write(msg); err != nil {
			_ = backend.Close()
			<-replies

			return fmt.Errorf("write to FerretDB: %w", err)
		}
	}
}

// relayReplies copies FerretDB's replies to the client, calling replied with each reply's responseTo once the reply
// is whole (the update it answers is done).
func (p *wireProxy) relayReplies(backend, client net.Conn, replied func(responseTo int32)) error {
	replies := bufio.NewReaderSize(backend, relayBufferSize)
	out := bufio.NewWriterSize(client, relayBufferSize)
	header := make([]byte, msgHeaderLen)

	for {
		if _, err := io.ReadFull(replies, header); err != nil {
			return err
		}

		length := int(int32(binary.LittleEndian.Uint32(header)))
		if length < msgHeaderLen || length > maxMessageLen {
			return fmt.Errorf("FerretDB sent a message of %d bytes", length)
		}

		if _, err := out.Write(header); err != nil {
			return err
		}

		if _, err := io.CopyN(out, replies, int64(length-msgHeaderLen)); err != nil {
			return err
		}

		replied(int32(binary.LittleEndian.Uint32(header[8:])))

		if err := out.Flush(); err != nil {
			return err
		}
	}
}

// readMessage reads one whole wire-protocol message, header included.
func readMessage(r *bufio.Reader) ([]byte, error) {
	header := make([]byte, msgHeaderLen)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, err
	}

	length := int(int32(binary.LittleEndian.Uint32(header)))
	if length < msgHeaderLen || length > maxMessageLen {
		return nil, fmt.Errorf("message of %d bytes refused", length)
	}

	msg := make([]byte, length)
	copy(msg, header)

	if _, err := io.ReadFull(r, msg[msgHeaderLen:]); err != nil {
		return nil, err
	}

	return msg, nil
}
