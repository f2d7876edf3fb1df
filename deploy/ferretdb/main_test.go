package main

// End-to-end tests: build the launcher, run it as a child process, talk to it with the
// official MongoDB Go driver (already in FerretDB's module graph).
//
// The PostgreSQL test runs only when VIGIL_FERRETDB_TEST_POSTGRESQL_URL is set, e.g.
//
//	createdb -U postgres vigil_launcher_check
//	VIGIL_FERRETDB_TEST_POSTGRESQL_URL=postgres://postgres@127.0.0.1:5432/vigil_launcher_check go test ./...
//	dropdb -U postgres vigil_launcher_check

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

var testBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vigil-ferretdb-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	testBinary = filepath.Join(dir, "vigil-ferretdb")

	cmd := exec.Command("go", "build", "-trimpath", "-o", testBinary, ".")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr

	if err = cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build failed:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}

	code := m.Run()

	os.RemoveAll(dir)
	os.Exit(code)
}

// syncBuffer is a goroutine-safe bytes.Buffer.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.b.String()
}

type server struct {
	cmd    *exec.Cmd
	ready  readyLine
	stdout *syncBuffer // everything after the ready line
	stderr *syncBuffer
	done   chan error
}

// start runs the launcher and waits for the ready line.
func start(t *testing.T, args ...string) *server {
	t.Helper()

	cmd := exec.Command(testBinary, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}

	s := &server{cmd: cmd, stdout: new(syncBuffer), stderr: new(syncBuffer), done: make(chan error, 1)}
	cmd.Stderr = s.stderr

	if err = cmd.Start(); err != nil {
		t.Fatal(err)
	}

	lines := make(chan string, 1)

	go func() {
		r := bufio.NewReader(stdout)
		l, _ := r.ReadString('\n')
		lines <- l
		_, _ = io.Copy(s.stdout, r)
		s.done <- cmd.Wait()
	}()

	t.Cleanup(func() {
		_ = cmd.Process.Kill()
	})

	select {
	case l := <-lines:
		if err = json.Unmarshal([]byte(l), &s.ready); err != nil {
			t.Fatalf("bad ready line %q: %s; stderr:\n%s", l, err, s.stderr)
		}

		// exact field order and no extra fields
		want, _ := json.Marshal(s.ready)
		if strings.TrimSpace(l) != string(want) {
			t.Fatalf("ready line %q, want %q", l, want)
		}

	case <-time.After(60 * time.Second):
		t.Fatalf("no ready line; stderr:\n%s", s.stderr)
	}

	if !s.ready.Ready || s.ready.PID != cmd.Process.Pid {
		t.Fatalf("unexpected ready line %+v (pid %d)", s.ready, cmd.Process.Pid)
	}

	return s
}

// stop sends SIGTERM and checks for a clean exit with nothing more on stdout.
func (s *server) stop(t *testing.T) {
	t.Helper()

	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v; stderr:\n%s", err, s.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no exit after SIGTERM; stderr:\n%s", s.stderr)
	}

	if out := s.stdout.String(); out != "" {
		t.Errorf("extra stdout output after ready line: %q", out)
	}
}

// roundTrip inserts and reads back a document.
func roundTrip(t *testing.T, uri string, tlsConfig *tls.Config) {
	t.Helper()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	opts := options.Client().ApplyURI(uri).SetServerSelectionTimeout(10 * time.Second)
	if tlsConfig != nil {
		opts.SetTLSConfig(tlsConfig)
	}

	c, err := mongo.Connect(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(ctx)

	if err = c.Ping(ctx, nil); err != nil {
		t.Fatal(err)
	}

	coll := c.Database("vigil_launcher_test").Collection("things")
	if _, err = coll.InsertOne(ctx, bson.M{"_id": "a", "n": int32(42)}); err != nil {
		t.Fatal(err)
	}

	var doc struct {
		N int32 `bson:"n"`
	}
	if err = coll.FindOne(ctx, bson.M{"_id": "a"}).Decode(&doc); err != nil {
		t.Fatal(err)
	}

	if doc.N != 42 {
		t.Fatalf("got n=%d, want 42", doc.N)
	}

	if err = c.Database("vigil_launcher_test").Drop(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestSQLite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "with space", "data")

	s := start(t, "--sqlite-dir", dir, "--listen-addr", "127.0.0.1:0")

	if s.ready.Backend != "sqlite" || !strings.HasPrefix(s.ready.URI, "mongodb://127.0.0.1:") ||
		!strings.HasSuffix(s.ready.URI, "/") || strings.HasSuffix(s.ready.URI, ":0/") {
		t.Fatalf("unexpected ready line %+v", s.ready)
	}

	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}

	if fi.Mode().Perm() != 0o700 {
		t.Errorf("data dir mode %o, want 700", fi.Mode().Perm())
	}

	roundTrip(t, s.ready.URI, nil)

	// data survives a restart
	withClient(t, s.ready.URI, func(ctx context.Context, c *mongo.Client) {
		if _, err := c.Database("vigil_persist").Collection("c").InsertOne(ctx, bson.M{"_id": 1}); err != nil {
			t.Fatal(err)
		}
	})
	s.stop(t)

	if _, err = os.Stat(filepath.Join(dir, "vigil_persist.sqlite")); err != nil {
		t.Fatal(err)
	}

	s = start(t, "--sqlite-dir", dir, "--listen-addr", "127.0.0.1:0")
	withClient(t, s.ready.URI, func(ctx context.Context, c *mongo.Client) {
		n, err := c.Database("vigil_persist").Collection("c").CountDocuments(ctx, bson.M{})
		if err != nil || n != 1 {
			t.Fatalf("after restart: count %d, err %v", n, err)
		}
	})
	s.stop(t)
}

func withClient(t *testing.T, uri string, f func(context.Context, *mongo.Client)) {
	t.Helper()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	c, err := mongo.Connect(ctx, options.Client().ApplyURI(uri).SetServerSelectionTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(ctx)

	f(ctx, c)
}

func TestPostgreSQL(t *testing.T) {
	pgURL := os.Getenv("VIGIL_FERRETDB_TEST_POSTGRESQL_URL")
	if pgURL == "" {
		t.Skip("VIGIL_FERRETDB_TEST_POSTGRESQL_URL is not set")
	}

	s := start(t, "--backend", "postgresql", "--postgresql-url", pgURL, "--listen-addr", "127.0.0.1:0")

	if s.ready.Backend != "postgresql" {
		t.Fatalf("unexpected ready line %+v", s.ready)
	}

	roundTrip(t, s.ready.URI, nil)
	s.stop(t)
}

// writeCert writes a self-signed certificate valid for 127.0.0.1 and returns its paths and pool.
func writeCert(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "vigil-ferretdb-test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}

	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}

	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}

	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")

	if err = os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}

	if err = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}

	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)

	return certFile, keyFile, pool
}

func TestTLS(t *testing.T) {
	tmp := t.TempDir()
	certFile, keyFile, pool := writeCert(t, tmp)

	s := start(t, "--sqlite-dir", filepath.Join(tmp, "data"), "--listen-addr", "127.0.0.1:0",
		"--tls-cert", certFile, "--tls-key", keyFile)

	if !strings.HasSuffix(s.ready.URI, "/?tls=true") {
		t.Fatalf("unexpected ready line %+v", s.ready)
	}

	roundTrip(t, s.ready.URI, &tls.Config{RootCAs: pool})

	// plain (non-TLS) clients must not get in
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	plain := strings.TrimSuffix(s.ready.URI, "?tls=true")
	c, err := mongo.Connect(ctx, options.Client().ApplyURI(plain).SetServerSelectionTimeout(2*time.Second))
	if err == nil {
		if err = c.Ping(ctx, nil); err == nil {
			t.Error("plain connection to TLS listener succeeded")
		}
		_ = c.Disconnect(ctx)
	}

	s.stop(t)
}

func TestTLSClientCA(t *testing.T) {
	tmp := t.TempDir()
	certFile, keyFile, pool := writeCert(t, tmp)

	s := start(t, "--sqlite-dir", filepath.Join(tmp, "data"), "--listen-addr", "127.0.0.1:0",
		"--tls-cert", certFile, "--tls-key", keyFile, "--tls-ca", certFile)

	clientCert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}

	roundTrip(t, s.ready.URI, &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{clientCert}})
	s.stop(t)
}

// runFail runs the launcher expecting a quick failure with one stderr line.
func runFail(t *testing.T, wantCode int, wantSubstr string, args ...string) {
	t.Helper()

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, testBinary, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr

	err := cmd.Run()

	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != wantCode {
		t.Fatalf("%v: err %v, want exit code %d; stderr: %s", args, err, wantCode, stderr.String())
	}

	if stdout.Len() != 0 {
		t.Errorf("%v: unexpected stdout %q", args, stdout.String())
	}

	msg := stderr.String()
	if strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "vigil-ferretdb: ") || !strings.Contains(msg, wantSubstr) {
		t.Errorf("%v: stderr %q, want one line containing %q", args, msg, wantSubstr)
	}
}

func TestConfigErrors(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")

	for _, tc := range [][]string{
		{"--bogus"},
		{"extra-arg"},
		{"--backend", "mysql"},
		{"--backend", "sqlite"},
		{"--backend", "postgresql"},
		{"--backend", "postgresql", "--postgresql-url", "mysql://x"},
		{"--sqlite-dir", data, "--postgresql-url", "postgres://127.0.0.1/x"},
		{"--sqlite-dir", data, "--listen-addr", "localhost"},
		{"--sqlite-dir", data, "--listen-addr", "127.0.0.1:99999"},
		{"--sqlite-dir", data, "--log-level", "loud"},
		{"--sqlite-dir", data, "--tls-cert", "x.pem"},
		{"--sqlite-dir", data, "--tls-ca", "x.pem"},
		{"--sqlite-dir", data, "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.pem"},
		{"--sqlite-dir", filepath.Join(tmp, "a?b")},
		{"--sqlite-dir", data, "--gc-percent", "0"},
		{"--sqlite-dir", data, "--gc-percent", "-5"},
		{"--sqlite-dir", data, "--memory-limit", "lots"},
		{"--sqlite-dir", data, "--memory-limit", "-1GiB"},
		{"--sqlite-dir", data, "--memory-limit", "99999999999GiB"},
	} {
		runFail(t, exitConfig, "", tc...)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"0": math.MaxInt64, "1024": 1024, "512MiB": 512 << 20, "1GiB": 1 << 30, "64 KiB": 64 << 10, "10B": 10} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

func TestGCSettings(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")

	o, err := parseFlags([]string{"--sqlite-dir", t.TempDir()}, io.Discard)
	if err != nil || o.gcPercent == nil || *o.gcPercent != defaultGCPercent || o.memoryLimit == nil || *o.memoryLimit != 1<<30 {
		t.Fatalf("defaults: %+v, %v", o, err)
	}

	// The environment's own settings stand unless a flag is given.
	t.Setenv("GOGC", "200")
	t.Setenv("GOMEMLIMIT", "2GiB")

	o, err = parseFlags([]string{"--sqlite-dir", t.TempDir(), "--memory-limit", "256MiB"}, io.Discard)
	if err != nil || o.gcPercent != nil || o.memoryLimit == nil || *o.memoryLimit != 256<<20 {
		t.Fatalf("with GOGC and GOMEMLIMIT set: %+v, %v", o, err)
	}
}

func TestRuntimeErrors(t *testing.T) {
	tmp := t.TempDir()

	file := filepath.Join(tmp, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}

	runFail(t, exitRuntime, "not a directory", "--sqlite-dir", file, "--listen-addr", "127.0.0.1:0")

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	runFail(t, exitRuntime, "address already in use",
		"--sqlite-dir", filepath.Join(tmp, "data"), "--listen-addr", l.Addr().String())

	start := time.Now()
	runFail(t, exitRuntime, "cannot connect to PostgreSQL",
		"--backend", "postgresql", "--postgresql-url", "postgres://postgres@127.0.0.1:1/test", "--listen-addr", "127.0.0.1:0")

	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("bad PostgreSQL URL took %s to fail", d)
	}
}

func TestVersion(t *testing.T) {
	out, err := exec.Command(testBinary, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}

	if !strings.HasPrefix(string(out), "vigil-ferretdb "+launcherVersion+" (FerretDB v1.24.2,") {
		t.Fatalf("unexpected --version output %q", out)
	}
}
